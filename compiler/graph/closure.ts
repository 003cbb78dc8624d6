/**
 * Forward chaining over rules with several premises ("AND" edges, a directed hypergraph): a rule
 * `{ premises, conclusion }` fires once all its premises hold, and then its conclusion holds. The
 * least fixed point from a set of facts, with, for each derived fact, the rule that first derived it
 * (in rounds, so derivations are as shallow as possible), and the derivation of any fact as an
 * ordered list of rules. Linear in the total size of the rules. `enabled` switches rules off (so one
 * rule set can answer several questions).
 */
export interface Rule {
  readonly premises: readonly number[];
  readonly conclusion: number;
}

export interface ClosureResult {
  readonly holds: Uint8Array;
  /** the rule that first derived each fact; -1 for given facts and facts that do not hold */
  readonly by: Int32Array;
  /** the round in which each fact was derived (given facts: 0; not derived: -1) */
  readonly round: Int32Array;
}

export function forwardChain(factCount: number, rules: readonly Rule[], given: Iterable<number>, enabled?: (rule: number) => boolean): ClosureResult {
  const holds = new Uint8Array(factCount);
  const by = new Int32Array(factCount).fill(-1);
  const round = new Int32Array(factCount).fill(-1);
  const missing = new Int32Array(rules.length);
  // rules waiting on each fact (a premise listed twice counts once)
  const firstOf = (ps: readonly number[], k: number) => ps.indexOf(ps[k]) === k;
  const waitStart = new Int32Array(factCount + 1);
  for (const r of rules) for (let k = 0; k < r.premises.length; k++) if (firstOf(r.premises, k)) waitStart[r.premises[k] + 1]++;
  for (let i = 0; i < factCount; i++) waitStart[i + 1] += waitStart[i];
  const fill = waitStart.slice(0, factCount);
  const waiting = new Int32Array(waitStart[factCount]);
  for (let i = 0; i < rules.length; i++) {
    const ps = rules[i].premises;
    let count = 0;
    for (let k = 0; k < ps.length; k++)
      if (firstOf(ps, k)) {
        waiting[fill[ps[k]]++] = i;
        count++;
      }
    // a disabled rule never fires: it waits for one premise more than it has
    missing[i] = count + (enabled && !enabled(i) ? 1 : 0);
  }
  let frontier: number[] = [];
  for (const f of given)
    if (!holds[f]) {
      holds[f] = 1;
      round[f] = 0;
      frontier.push(f);
    }
  const fire = (i: number, r: number, next: number[]) => {
    const c = rules[i].conclusion;
    if (holds[c]) return;
    holds[c] = 1;
    by[c] = i;
    round[c] = r;
    next.push(c);
  };
  // rules without premises fire in round 1, with the rules whose premises are given facts
  let first: number[] = [];
  rules.forEach((_, i) => {
    if (missing[i] === 0) fire(i, 1, first);
  });
  for (let r = 1; frontier.length > 0 || first.length > 0; r++) {
    const next = first;
    first = [];
    for (const f of frontier)
      for (let k = waitStart[f]; k < waitStart[f + 1]; k++) {
        const i = waiting[k];
        if (--missing[i] === 0) fire(i, r, next);
      }
    frontier = next;
  }
  return { holds, by, round };
}

/** The rules that derive `fact`, premises before conclusions, each once; [] for a given fact. */
export function derivation(rules: readonly Rule[], result: ClosureResult, fact: number): number[] | undefined {
  if (!result.holds[fact]) return undefined;
  const order: number[] = [];
  const done = new Set<number>();
  const visit = (f: number) => {
    const i = result.by[f];
    if (i === -1 || done.has(f)) return;
    done.add(f);
    for (const p of rules[i].premises) visit(p);
    order.push(i);
  };
  visit(fact);
  return order;
}
