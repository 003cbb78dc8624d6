/**
 * Prints a plan's checks (the IR of runtime/checks.ts) as the straight-line TypeScript of the
 * generated evaluator. The IR is first folded with what the policy fixes (constant facts and tables,
 * constant destinations), so a check the policy makes vacuous is not printed and one it makes
 * impossible ends the block. Locals are declared where a check first reads them, found by walking
 * the IR as it is printed (no text search), and the names a plan reads from its decider (the action's
 * fields, the participant lookups) are reported so that the decider declares only those.
 */
import { CHECK_DEFS, established, fold, INVERSE, reasonValue, type CheckDef, type Expr, type Input, type Local } from '../../runtime/checks.js';
import { policyFoldEnv } from '../../runtime/evaluator/authorize.js';
import type { IndexedPolicy } from '../../runtime/evaluator/policy.js';
import { ALLOW_REASONS, DENY_REASONS, actionFields, okRule, roleLabel, type Plan, type ReasonPart } from '../../runtime/semantics.js';

/** What the printer needs to know of the generated module's tables. */
export interface PlanModel {
  readonly ip: IndexedPolicy;
  readonly slotOf: ReadonlyMap<number, number>;
  /** capability code → bit in a role's capability set (codes no role holds have none) */
  readonly bitOf: ReadonlyMap<number, number>;
  /** 32-bit words per capability set */
  readonly words: number;
  /** where denials are shared between deciders (each printed inline without one) */
  readonly denials?: Denials;
}

/** A template literal's texts (escaped) and the expressions between them (texts.length = args.length + 1). */
export interface Template {
  readonly texts: readonly string[];
  readonly args: readonly string[];
}

/** A template as a literal, the expressions in their holes. */
export function printTemplate(t: Template, args: readonly string[] = t.args): string {
  return '`' + t.texts.map((x, i) => (i === 0 ? '' : `\${${args[i - 1]!}}`) + x).join('') + '`';
}

/**
 * The denials of every decider of one module: a denial whose rule and reason text recur (the same
 * constraint or lookup failing in several action types) is printed once, as a function of the values
 * its reason interpolates; the allowed path does not change. `call` gives a placeholder that
 * `resolve` turns into that call, or back into the inline denial where its shape is used once.
 */
export class Denials {
  private readonly shapes = new Map<string, { readonly id: number; readonly rule: string; readonly t: Template; uses: number }>();
  private names: Map<number, string> | undefined;

  call(rule: string, t: Template): string {
    const key = JSON.stringify([rule, t.texts]);
    let shape = this.shapes.get(key);
    if (!shape) this.shapes.set(key, (shape = { id: this.shapes.size, rule, t, uses: 0 }));
    shape.uses++;
    return `\u0001${shape.id}\u0002${t.args.join('\u0003')}\u0004`;
  }

  /** Every shared denial: its name, parameters and body, in order of first use. */
  functions(): { name: string; params: string[]; body: string }[] {
    return [...this.shapes.values()].flatMap((s) => {
      const name = this.nameOf(s.id);
      if (name === undefined) return [];
      const params = s.t.args.map((_, i) => String.fromCharCode(97 + i));
      return [{ name, params, body: `return deny(${lit(s.rule)}, ${printTemplate(s.t, params)});` }];
    });
  }

  /** The code with each placeholder replaced by its call or its inline denial. */
  resolve(code: string): string {
    const byId = new Map([...this.shapes.values()].map((s) => [s.id, s]));
    return code.replace(/\u0001(\d+)\u0002([^\u0004]*)\u0004/g, (_, id: string, a: string) => {
      const s = byId.get(Number(id))!;
      const args = s.t.args.length === 0 ? [] : a.split('\u0003');
      const name = this.nameOf(s.id);
      return name === undefined ? `deny(${lit(s.rule)}, ${printTemplate(s.t, args)})` : `${name}(${args.join(', ')})`;
    });
  }

  private nameOf(id: number): string | undefined {
    if (!this.names) {
      this.names = new Map();
      const perRule = new Map<string, number>();
      for (const s of this.shapes.values()) {
        if (s.uses < 2) continue;
        const k = (perRule.get(s.rule) ?? 0) + 1;
        perRule.set(s.rule, k);
        this.names.set(s.id, `deny_${s.rule.replace(/[^A-Za-z0-9_]/g, '_')}${k > 1 ? `_${k}` : ''}`);
      }
    }
    return this.names.get(id);
  }
}

/** The names a plan block reads from its decider, each declared there only when read. */
export type DeciderName = 'actor' | 'target' | 'req' | 'clients' | 'claims' | 'capability' | 'st';

const lit = (v: unknown): string => JSON.stringify(v);
const tplText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

// precedence: higher binds tighter
const PREC = { cond: 1, or: 2, and: 3, eq: 4, rel: 5, add: 6, not: 7, atom: 8 } as const;

/** How each input reads in a decider: its code, how tightly it binds, the decider names and entry lookups it reads. */
const INPUT_CODE: { readonly [I in Input]: { code: string; prec: number; reads?: readonly DeciderName[]; entry?: 'ae' | 'te' } } = {
  actorListed: { code: 'ae !== undefined', prec: PREC.eq, entry: 'ae' },
  actorRole: { code: 'ae.role', prec: PREC.atom, entry: 'ae' },
  actorClients: { code: 'ae.clients', prec: PREC.atom, entry: 'ae' },
  targetListed: { code: 'te !== undefined', prec: PREC.eq, entry: 'te' },
  targetRole: { code: 'te.role', prec: PREC.atom, entry: 'te' },
  targetClients: { code: 'te.clients', prec: PREC.atom, entry: 'te' },
  targetIsActor: { code: 'target === actor', prec: PREC.eq, reads: ['target', 'actor'] },
  requested: { code: 'req', prec: PREC.atom, reads: ['req'] },
  clients: { code: 'clients', prec: PREC.atom, reads: ['clients'] },
  hasClaims: { code: 'claims !== undefined', prec: PREC.eq, reads: ['claims'] },
  match: { code: 'firstMatch(claims === undefined ? NO_CLAIMS : claims)', prec: PREC.atom, reads: ['claims'] },
  matchNonZero: { code: 'firstNonZeroMatch(claims === undefined ? NO_CLAIMS : claims)', prec: PREC.atom, reads: ['claims'] },
  capability: { code: 'capability', prec: PREC.atom, reads: ['capability'] },
  users: { code: 'st.users', prec: PREC.atom, reads: ['st'] },
  roomClients: { code: 'st.clients', prec: PREC.atom, reads: ['st'] },
};
const TABLE_CODE = { count: 'st.count', active: 'st.active', minP: 'MIN_P', maxP: 'MAX_P', minA: 'MIN_A', maxA: 'MAX_A' } as const;

/** The code of one plan: its checks in order, then the allowed decision; and the decider names it reads. */
export function printPlan(model: PlanModel, plan: Plan): { code: string; reads: ReadonlySet<DeciderName> } {
  // what the checks printed so far establish (as TypeScript narrows it): later checks are folded with it
  const known = { inputs: new Map<Input, number | boolean>(), locals: new Map<Local, number | boolean>(), comparisons: new Map<string, boolean>() };
  const env = policyFoldEnv(model.ip, plan, {
    input: (name) => known.inputs.get(name),
    localValue: (name) => known.locals.get(name),
    comparison: (e) => known.comparisons.get(JSON.stringify(e)),
  });
  const out: string[] = [];
  const reads = new Set<DeciderName>();
  const declared = new Set<string>();
  /** a local's initializer, folded with what is known where it is first read */
  const locals = { get: (l: Local): Expr => fold(env.locals[l], env) };

  /** Declare a derived name (a slot, a capability bit or name) on first use, after what it reads. */
  const declare = (name: string, init: () => string, type = 'number'): string => {
    if (!declared.has(name)) {
      declared.add(name);
      const code = init();
      out.push(`const ${name}: ${type} = ${code};`);
    }
    return name;
  };
  const useLocal = (l: Local): string => declare(l, () => print(locals.get(l), 0), l === 'moverListed' ? 'boolean' : 'number');
  /** A role's slot: a local's slot local, a constant's slot number, or `slotOf(…)`. */
  const slot = (role: Expr): string => {
    if (role.k === 'lit') return String(model.slotOf.get(role.v as number) ?? -1);
    if (role.k === 'local') {
      const name = useLocal(role.name);
      return declare(`${name}s`, () => `slotOf(${name})`);
    }
    if (role.k === 'in' && role.name === 'requested') {
      reads.add('req');
      return declare('rs', () => 'slotOf(req)');
    }
    return `slotOf(${print(role, 0)})`;
  };
  /** The participant entry of the actor or the target, looked up where a check first needs it. */
  const entry = (name: 'ae' | 'te'): string => {
    const user = name === 'ae' ? 'actor' : 'target';
    reads.add('st').add(user);
    return declare(name, () => `st.byUser[${user}]`, 'ByUser[string]');
  };
  const capBit = (): string => declare('cb', () => `CAP_BIT[${print(locals.get('cap'), 0)}]!`);

  let claimsGiven = 0;
  const wrap = (code: string, prec: number, min: number) => (prec < min ? `(${code})` : code);

  /** The expression's code, parenthesised when it binds looser than `min`. */
  function print(e: Expr, min: number): string {
    switch (e.k) {
      case 'lit':
        return typeof e.v === 'number' && e.v < 0 ? wrap(String(e.v), PREC.not, min) : String(e.v);
      case 'in': {
        // inside `claims !== undefined ? … : …` the claims need no default
        if ((e.name === 'match' || e.name === 'matchNonZero') && claimsGiven > 0) {
          reads.add('claims');
          return `${e.name === 'match' ? 'firstMatch' : 'firstNonZeroMatch'}(claims)`;
        }
        const c = INPUT_CODE[e.name];
        c.reads?.forEach((r) => reads.add(r));
        if (c.entry) entry(c.entry);
        return wrap(c.code, c.prec, min);
      }
      case 'fact':
        return String(env.fact(e.name));
      case 'local':
        return useLocal(e.name);
      case 'table':
        if (e.table === 'defined') return wrap(`DEFINED[${slot(e.role)}] === 1`, PREC.eq, min);
        if (e.table === 'count' || e.table === 'active') reads.add('st');
        return `${TABLE_CODE[e.table]}[${slot(e.role)}]!`;
      case 'holds': {
        const hs = slot(e.role);
        const row = model.words === 1 ? hs : `${hs} * ${model.words}`;
        if (e.capability.k === 'lit') {
          const bit = model.bitOf.get(e.capability.v as number)!;
          const word = `CAPS[${row}${bit >>> 5 ? ` + ${bit >>> 5}` : ''}]!`;
          return wrap(`(${bit & 31 ? `(${word} >>> ${bit & 31})` : word} & 1) === 1`, PREC.eq, min);
        }
        const cb = capBit();
        return wrap(`${cb} >= 0 && ((CAPS[${row} + (${cb} >>> 5)]! >>> (${cb} & 31)) & 1) === 1`, PREC.and, min);
      }
      case 'lists':
        return `lists(${slot(e.holder)}, ${slot(e.from)}, ${slot(e.to)})`;
      case 'not':
        return printNot(e.a, min);
      case 'and':
      case 'or': {
        const p = e.k === 'and' ? PREC.and : PREC.or;
        return wrap(e.args.map((a) => print(a, p + 1)).join(e.k === 'and' ? ' && ' : ' || '), p, min);
      }
      case 'cmp': {
        const p = e.op === '===' || e.op === '!==' ? PREC.eq : PREC.rel;
        return wrap(`${print(e.a, p + 1)} ${e.op} ${print(e.b, p + 1)}`, p, min);
      }
      case 'add':
      case 'sub':
        return wrap(`${print(e.a, PREC.add)} ${e.k === 'add' ? '+' : '-'} ${print(e.b, PREC.add + 1)}`, PREC.add, min);
      case 'max':
        return `Math.max(${print(e.a, 0)}, ${print(e.b, 0)})`;
      case 'cond': {
        const test = print(e.c, PREC.cond + 1);
        const given = e.c.k === 'in' && e.c.name === 'hasClaims' ? 1 : 0;
        claimsGiven += given;
        const a = print(e.a, PREC.cond + 1);
        claimsGiven -= given;
        return wrap(`${test} ? ${a} : ${print(e.b, PREC.cond)}`, PREC.cond, min);
      }
    }
  }
  /** A negation, pushed inward where that reads better (De Morgan, inverted comparisons). */
  function printNot(a: Expr, min: number): string {
    switch (a.k) {
      case 'cmp':
        return print({ ...a, op: INVERSE[a.op] }, min);
      case 'and':
      case 'or':
        return print({ k: a.k === 'and' ? 'or' : 'and', args: a.args.map((x) => ({ k: 'not', a: x }) as Expr) }, min);
      case 'not':
        return print(a.a, min);
      case 'table':
        if (a.table === 'defined') return wrap(`DEFINED[${slot(a.role)}] !== 1`, PREC.eq, min);
        break;
      case 'in':
        if (a.name === 'actorListed' || a.name === 'targetListed') return wrap(`${entry(a.name === 'actorListed' ? 'ae' : 'te')} === undefined`, PREC.eq, min);
        if (a.name === 'targetIsActor') {
          reads.add('target').add('actor');
          return wrap('target !== actor', PREC.eq, min);
        }
        break;
      case 'holds':
        if (a.capability.k === 'lit') return print(a, PREC.eq).replace(/=== 1$/, '=== 0');
        break;
    }
    return wrap(`!${print(a, PREC.not)}`, PREC.not, min);
  }

  /** roles (as folded expressions) an earlier check found defined or 0 */
  const labelled = new Set<string>();
  /** A reason as one template literal; what the policy fixes (capability, type, constant roles) is folded into the text. */
  const hasTarget = actionFields(plan.type).target;
  const template = (parts: readonly ReasonPart[], limit?: Extract<CheckDef, { kind: 'limit' }>, n?: string): Template => {
    const texts: string[] = [''];
    const args: string[] = [];
    /** an interpolated expression: a hole between two texts */
    const hole = (code: string) => {
      args.push(code);
      texts.push('');
    };
    const text = (t: string) => {
      texts[texts.length - 1] += t;
    };
    for (const part of parts) {
      if (typeof part === 'string') {
        text(tplText(part));
        continue;
      }
      const v = reasonValue(plan, part.v, limit);
      switch (v.kind) {
        case 'text':
          text(tplText(v.text));
          break;
        case 'user':
          if (v.user === 'actor') reads.add('actor');
          if (v.user === 'target') reads.add('target');
          text('\\`');
          if (v.user === 'actor' || hasTarget) hole(v.user);
          text('\\`');
          break;
        case 'capability': {
          const c = locals.get('cap');
          if (c.k === 'lit') text(tplText(model.ip.capabilityName(c.v as number)));
          else {
            const cb = capBit();
            hole(declare('cn', () => `${cb} >= 0 ? CAP_LABEL[${cb}]! : capName(${print(c, 0)})`, 'string'));
          }
          break;
        }
        case 'role': {
          const r = fold(v.role, env);
          // a role an earlier check found defined (or 0) has a slot: its label is read, not computed
          if (r.k === 'lit') text(tplText((r.v as number) < 0 ? 'no role' : roleLabel(r.v as number, model.ip.roleName(r.v as number))));
          else hole(labelled.has(JSON.stringify(r)) ? `LABELS[${slot(r)}]!` : `label(${print(r, 0)})`);
          break;
        }
        case 'number': {
          if (n !== undefined && limit && v.value === limit.count) {
            hole(n);
            break;
          }
          const x = fold(v.value, env);
          if (x.k === 'lit') text(String(x.v));
          else hole(print(x, 0));
        }
      }
    }
    return { texts, args };
  };

  for (const step of plan.steps) {
    const def = CHECK_DEFS[step.check];
    const deny = (limit?: Extract<CheckDef, { kind: 'limit' }>, n?: string): string => {
      const t = template(DENY_REASONS[step.rule], limit, n);
      return `return ${model.denials ? model.denials.call(step.rule, t) : `deny(${lit(step.rule)}, ${printTemplate(t)})`};`;
    };
    if (def.kind === 'ok') {
      const ok = fold(def.ok, env);
      if (ok.k === 'lit' && ok.v) continue;
      if (ok.k === 'lit') {
        out.push(`// ${step.check}: never holds in this policy`, deny());
        return { code: out.join('\n'), reads };
      }
      const cond = printNot(ok, 0);
      out.push(`if (${cond}) ${deny()}`);
      established(ok, known);
      // `defined(x)` or `x === 0 || defined(x)`: x has a slot from here on
      const defined = ok.k === 'table' && ok.table === 'defined' ? ok.role : ok.k === 'or' && ok.args.length === 2 && ok.args[1]!.k === 'table' && ok.args[1]!.table === 'defined' ? ok.args[1]!.role : undefined;
      if (defined) labelled.add(JSON.stringify(defined));
      continue;
    }
    const guard = fold(def.guard, env);
    if (guard.k === 'lit' && !guard.v) continue;
    const guardCode = guard.k === 'lit' ? undefined : print(guard, 0);
    const count = print(fold(def.count, env), 0);
    const limitCode = print(fold(def.limit, env), PREC.rel + 1);
    const body = `const n = ${count};\nif (n ${def.op} ${limitCode}) ${deny(def, 'n')}`;
    out.push(guardCode === undefined ? `{\n${body}\n}` : `if (${guardCode}) {\n${body}\n}`);
  }
  // allowed: the role holds the capability, so it has a bit (cb ≥ 0) and a precomputed rule
  const capability = locals.get('cap');
  const rule = capability.k === 'lit' ? lit(okRule(model.ip.capabilityName(capability.v as number))) : `OK_RULE[${capBit()}]!`;
  const reason = printTemplate(template(ALLOW_REASONS[plan.key]));
  out.push(`return { allowed: true, rule: ${rule}, reason: ${reason} };`);
  return { code: out.join('\n'), reads };
}
