/**
 * Comparing two policies — typically the same intent written in the two role models (the draft's
 * single-role model and the hierarchy + add-ons model) — on what they cost and where they disagree:
 * sizes, findings, the capabilities and transitions of roles matched by name (or an explicit map),
 * and every scenario's decision under each.
 */
import type { Diagnostic } from '../runtime/diagnostics.js';
import type { Policy, Role } from '../runtime/ir.js';
import { encodePolicy } from '../runtime/codec/index.js';
import { capabilityName } from '../runtime/registry.js';
import type { ScenarioIR } from './lower.js';
import { runScenarios, type ScenarioResult } from './scenarios.js';

export interface CompareSide {
  label: string;
  policy: Policy;
  /** identifier → role index, when the policy came from source (else wire names are used) */
  roleNames?: ReadonlyMap<string, number>;
  findings: readonly Diagnostic[];
}

export interface SideSummary {
  label: string;
  roles: number;
  /** authorized role changes: (holder, from, to) triples */
  transitions: number;
  wireBytes: number;
  findingsByKind: Record<string, number>;
}

export interface RoleDiff {
  a: string;
  b: string;
  onlyInA: string[];
  onlyInB: string[];
  /** `from -> to` in role names (of A's vocabulary, B's mapped back) */
  transitionsOnlyInA: string[];
  transitionsOnlyInB: string[];
}

export interface ScenarioComparison {
  scenario: string;
  step: string;
  expected: 'allow' | 'deny';
  /** whether each policy meets the step's expectation */
  metA: boolean;
  metB: boolean;
  a: { allowed: boolean; rule: string; reason: string } | { error: string };
  b: { allowed: boolean; rule: string; reason: string } | { error: string };
  differs: boolean;
}

export interface Comparison {
  a: SideSummary;
  b: SideSummary;
  matched: RoleDiff[];
  unmatched: { a: string[]; b: string[] };
  scenarios: ScenarioComparison[];
}

/** Source identifiers → role indexes, from a compile's symbols. */
export const roleNamesOf = (symbols: { roles: ReadonlyMap<string, { index: number }> } | undefined): Map<string, number> | undefined =>
  symbols ? new Map([...symbols.roles].map(([n, s]) => [n, s.index])) : undefined;

/** A comparison side from a loaded policy: its findings are its non-error diagnostics. */
export function sideOf(loaded: { policy?: Policy; symbols?: { roles: ReadonlyMap<string, { index: number }> }; diagnostics: readonly Diagnostic[] }, label: string): CompareSide {
  const roleNames = roleNamesOf(loaded.symbols);
  return { label, policy: loaded.policy!, ...(roleNames ? { roleNames } : {}), findings: loaded.diagnostics.filter((d) => d.severity !== 'error') };
}

/** name → index for a side: source identifiers when known, plus wire names, plus `none`. */
export function namesOf(side: Pick<CompareSide, 'policy' | 'roleNames'>): Map<string, number> {
  const m = new Map<string, number>([['none', 0]]);
  for (const r of side.policy.roles) if (!m.has(r.name)) m.set(r.name, r.index);
  for (const [n, i] of side.roleNames ?? []) m.set(n, i);
  return m;
}

function summary(side: CompareSide): SideSummary {
  const findingsByKind: Record<string, number> = {};
  for (const d of side.findings) findingsByKind[d.kind] = (findingsByKind[d.kind] ?? 0) + 1;
  return {
    label: side.label,
    roles: side.policy.roles.length,
    transitions: side.policy.roles.reduce((n, r) => n + new Set(r.changes.flatMap((c) => c.to.map((t) => `${c.from}>${t}`))).size, 0),
    wireBytes: encodePolicy(side.policy).length,
    findingsByKind: Object.fromEntries(Object.entries(findingsByKind).sort()),
  };
}

/** Compare two policies; `map` pairs role names of A with role names of B (`--map a=b`). */
export function compare(a: CompareSide, b: CompareSide, options: { map?: ReadonlyMap<string, string>; scenarios?: readonly ScenarioIR[] } = {}): Comparison {
  const namesA = namesOf(a);
  const namesB = namesOf(b);
  const nameOfA = new Map([...namesA].map(([n, i]) => [i, n]));
  const nameOfB = new Map([...namesB].map(([n, i]) => [i, n]));
  // prefer the first name registered for an index (source identifiers override wire names)
  for (const [n, i] of a.roleNames ?? []) nameOfA.set(i, n);
  for (const [n, i] of b.roleNames ?? []) nameOfB.set(i, n);
  const map = new Map(options.map ?? []);
  const roleOf = (p: Policy, idx: number): Role | undefined => p.roles.find((r) => r.index === idx);
  // role 0 (not in the list) and the banned role 1 mean the same in every policy: pair them by index
  for (const idx of [0, 1]) {
    const ra = roleOf(a.policy, idx);
    const rb = roleOf(b.policy, idx);
    if (!ra || !rb || (idx === 1 && (ra.name !== 'banned' || rb.name !== 'banned'))) continue;
    const na = nameOfA.get(idx) ?? ra.name;
    const nb = nameOfB.get(idx) ?? rb.name;
    if (!map.has(na)) map.set(na, nb);
  }

  const matched: RoleDiff[] = [];
  const usedB = new Set<number>();
  const unmatchedA: string[] = [];
  const aToB = new Map<number, number>();
  for (const r of a.policy.roles) {
    const nameA = nameOfA.get(r.index) ?? r.name;
    const target = map.get(nameA) ?? nameA;
    const idxB = namesB.get(target);
    if (idxB === undefined || !roleOf(b.policy, idxB)) {
      unmatchedA.push(nameA);
      continue;
    }
    aToB.set(r.index, idxB);
    usedB.add(idxB);
  }
  const bToA = new Map([...aToB].map(([x, y]) => [y, x]));
  const transitionsNamed = (p: Policy, r: Role, nameOf: (i: number) => string) =>
    new Set(r.changes.flatMap((c) => c.to.map((t) => `${nameOf(c.from)} -> ${nameOf(t)}`)));
  const nameA = (i: number) => nameOfA.get(i) ?? `#${i}`;
  const nameBinA = (i: number) => (bToA.has(i) ? nameA(bToA.get(i)!) : `${nameOfB.get(i) ?? `#${i}`} (only in ${b.label})`);
  for (const [ia, ib] of aToB) {
    const ra = roleOf(a.policy, ia)!;
    const rb = roleOf(b.policy, ib)!;
    const capsA = new Set(ra.capabilities);
    const capsB = new Set(rb.capabilities);
    const ta = transitionsNamed(a.policy, ra, nameA);
    const tb = transitionsNamed(b.policy, rb, nameBinA);
    matched.push({
      a: nameA(ia),
      b: nameOfB.get(ib) ?? rb.name,
      onlyInA: [...capsA].filter((c) => !capsB.has(c)).sort((x, y) => x - y).map((c) => capabilityName(c)),
      onlyInB: [...capsB].filter((c) => !capsA.has(c)).sort((x, y) => x - y).map((c) => capabilityName(c)),
      transitionsOnlyInA: [...ta].filter((t) => !tb.has(t)).sort(),
      transitionsOnlyInB: [...tb].filter((t) => !ta.has(t)).sort(),
    });
  }
  const unmatchedB = b.policy.roles.filter((r) => !usedB.has(r.index)).map((r) => nameOfB.get(r.index) ?? r.name);

  const scenarios: ScenarioComparison[] = [];
  if (options.scenarios && options.scenarios.length > 0) {
    const ra = runScenarios(a.policy, options.scenarios, namesA);
    const rename = (n: string) => map.get(n) ?? n;
    const rb = runScenarios(b.policy, options.scenarios, namesB, rename);
    const flat = (rs: ScenarioResult[]) => rs.flatMap((s) => s.steps.map((st) => ({ scenario: s.name, step: st })));
    const fa = flat(ra);
    const fb = flat(rb);
    fa.forEach((x, i) => {
      const y = fb[i];
      const da = x.step.decision ? { allowed: x.step.decision.allowed, rule: x.step.decision.rule, reason: x.step.decision.reason } : { error: x.step.error ?? 'not run' };
      const db = y?.step.decision ? { allowed: y.step.decision.allowed, rule: y.step.decision.rule, reason: y.step.decision.reason } : { error: y?.step.error ?? 'not run' };
      const verdict = (d: typeof da) => ('allowed' in d ? String(d.allowed) : 'error');
      scenarios.push({ scenario: x.scenario, step: x.step.text, expected: x.step.expected ? 'allow' : 'deny', metA: x.step.passed, metB: y?.step.passed ?? false, a: da, b: db, differs: verdict(da) !== verdict(db) });
    });
    scenarios.sort((p, q) => Number(q.differs) - Number(p.differs));
  }
  return { a: summary(a), b: summary(b), matched, unmatched: { a: unmatchedA, b: unmatchedB }, scenarios };
}

const verdictText = (d: ScenarioComparison['a']) => ('allowed' in d ? `${d.allowed ? 'allow' : 'deny'} (${d.rule})` : `error: ${d.error}`);

/** Plain text or Markdown rendering of a comparison. */
export function renderComparison(c: Comparison, format: 'text' | 'markdown'): string {
  const md = format === 'markdown';
  const out: string[] = [];
  const table = (head: string[], rows: string[][]) => {
    if (md) {
      out.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
      for (const r of rows) out.push(`| ${r.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`);
    } else {
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      out.push(head.map((h, i) => h.padEnd(widths[i])).join('  '));
      for (const r of rows) out.push(r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd());
    }
    out.push('');
  };
  const h = (t: string) => out.push(md ? `### ${t}` : `== ${t}`, '');
  h('Summary');
  const kinds = [...new Set([...Object.keys(c.a.findingsByKind), ...Object.keys(c.b.findingsByKind)])].sort();
  table(
    ['', c.a.label, c.b.label],
    [
      ['roles', String(c.a.roles), String(c.b.roles)],
      ['transitions', String(c.a.transitions), String(c.b.transitions)],
      ['wire bytes', String(c.a.wireBytes), String(c.b.wireBytes)],
      ...kinds.map((k) => [`findings: ${k}`, String(c.a.findingsByKind[k] ?? 0), String(c.b.findingsByKind[k] ?? 0)]),
    ],
  );
  if (c.scenarios.length > 0) {
    const differing = c.scenarios.filter((s) => s.differs).length;
    const missed = (side: 'metA' | 'metB') => c.scenarios.filter((s) => !s[side]).length;
    h(`Scenarios (${differing} of ${c.scenarios.length} decisions differ, differing first; expectations not met: ${c.a.label} ${missed('metA')}, ${c.b.label} ${missed('metB')})`);
    table(
      ['', 'scenario', 'step', c.a.label, c.b.label],
      c.scenarios.map((s) => [s.differs ? '≠' : '=', s.scenario, s.step, `${s.metA ? '✓' : '✗'} ${verdictText(s.a)}`, `${s.metB ? '✓' : '✗'} ${verdictText(s.b)}`]),
    );
  }
  const changed = c.matched.filter((m) => m.onlyInA.length + m.onlyInB.length + m.transitionsOnlyInA.length + m.transitionsOnlyInB.length > 0);
  h(`Roles matched by name (${c.matched.length}; ${changed.length} differ)`);
  if (changed.length > 0)
    table(
      ['role', `capabilities only in ${c.a.label}`, `only in ${c.b.label}`, `transitions only in ${c.a.label}`, `only in ${c.b.label}`],
      changed.map((m) => [m.a === m.b ? m.a : `${m.a} = ${m.b}`, m.onlyInA.join(', ') || '-', m.onlyInB.join(', ') || '-', m.transitionsOnlyInA.join('; ') || '-', m.transitionsOnlyInB.join('; ') || '-']),
    );
  if (c.unmatched.a.length + c.unmatched.b.length > 0) {
    h('Roles without a match');
    table(['model', 'roles'], [[c.a.label, c.unmatched.a.join(', ') || '-'], [c.b.label, c.unmatched.b.join(', ') || '-']]);
  }
  return out.join('\n');
}
