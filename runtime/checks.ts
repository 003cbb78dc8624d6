/**
 * The plan IR: every check of every action plan (runtime/semantics.ts, PLANS) as a small typed
 * expression, written once. The interpreter (runtime/evaluator/authorize.ts) evaluates it; the code
 * generator (compiler/emit/plan-printer.ts) folds what the policy fixes and prints the rest as
 * TypeScript. Neither restates a check: a change here changes both evaluators.
 *
 * A decision reads *inputs* (what the action and the participant list say), policy *facts* (room-wide
 * settings), per-role *tables* (defined, counts, constraints) and three lookups (`holds`, `lists`, the
 * preauth matches), through plan *locals* (who holds the capability, the mover's role before and after,
 * its clients before and after). Roles are numbers, −1 meaning "none" (no match, no destination given).
 */
import { capabilityByName } from './registry.js';
import { EFFECTS, type CheckKind, type Plan, type ReasonVar } from './semantics.js';

/** What the action and the participant list give a decision. */
export type Input =
  | 'actorListed'
  | 'actorRole'
  | 'actorClients'
  | 'targetListed'
  | 'targetRole'
  | 'targetClients'
  /** the target is the actor */
  | 'targetIsActor'
  /** the action's `to` (−1: not given) */
  | 'requested'
  /** the action's `clients`, its default applied */
  | 'clients'
  | 'hasClaims'
  /** the role of the first preauth entry the claims match (−1: none; no claims match nothing but an empty claimset) */
  | 'match'
  /** the same among entries with a non-zero role (changeOwnRole) */
  | 'matchNonZero'
  /** the capability code a `capability` action names */
  | 'capability'
  /** listed users not in the banned role */
  | 'users'
  /** clients of all listed users */
  | 'roomClients';

/** Room-wide policy values (−1: no limit). */
export type Fact = 'fixedMembership' | 'bannedRole' | 'multiDevice' | 'maxUsers' | 'maxClients';

/** Per-role values: defined (0/1), listed participants, active participants, the four constraints (a missing maximum is −1). */
export type RoleTable = 'defined' | 'count' | 'active' | 'minP' | 'maxP' | 'minA' | 'maxA';

/** A plan's locals, in dependency order. */
export const LOCALS = ['moverListed', 'm', 'h', 'cap', 'f', 'c0', 't', 'c1'] as const;
export type Local = (typeof LOCALS)[number];

export type Cmp = '===' | '!==' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { readonly k: 'lit'; readonly v: number | boolean }
  | { readonly k: 'in'; readonly name: Input }
  | { readonly k: 'fact'; readonly name: Fact }
  | { readonly k: 'local'; readonly name: Local }
  | { readonly k: 'table'; readonly table: RoleTable; readonly role: Expr }
  | { readonly k: 'holds'; readonly role: Expr; readonly capability: Expr }
  | { readonly k: 'lists'; readonly holder: Expr; readonly from: Expr; readonly to: Expr }
  | { readonly k: 'not'; readonly a: Expr }
  | { readonly k: 'and' | 'or'; readonly args: readonly Expr[] }
  | { readonly k: 'cmp'; readonly op: Cmp; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'add' | 'sub' | 'max'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'cond'; readonly c: Expr; readonly a: Expr; readonly b: Expr };

/**
 * One check: it passes when `ok` holds; a constraint (`limit`) denies when `guard` holds and `count`
 * is beyond `limit` (`<` a minimum, `>` a maximum), and its reason names `role` (absent: the room),
 * `count` and `limit`.
 */
export type CheckDef =
  | { readonly kind: 'ok'; readonly ok: Expr }
  | { readonly kind: 'limit'; readonly guard: Expr; readonly count: Expr; readonly op: '<' | '>'; readonly limit: Expr; readonly role?: Expr };

// ---- constructors ---------------------------------------------------------------------------------------

const lit = (v: number | boolean): Expr => ({ k: 'lit', v });
const input = (name: Input): Expr => ({ k: 'in', name });
const fact = (name: Fact): Expr => ({ k: 'fact', name });
const local = (name: Local): Expr => ({ k: 'local', name });
const table = (t: RoleTable, role: Expr): Expr => ({ k: 'table', table: t, role });
const not = (a: Expr): Expr => ({ k: 'not', a });
const and = (...args: Expr[]): Expr => ({ k: 'and', args });
const or = (...args: Expr[]): Expr => ({ k: 'or', args });
const cmp = (op: Cmp) => (a: Expr, b: Expr | number): Expr => ({ k: 'cmp', op, a, b: typeof b === 'number' ? lit(b) : b });
const [eq, ne, lt, gt, ge] = [cmp('==='), cmp('!=='), cmp('<'), cmp('>'), cmp('>=')];
const add = (a: Expr, b: Expr | number): Expr => ({ k: 'add', a, b: typeof b === 'number' ? lit(b) : b });
const sub = (a: Expr, b: Expr | number): Expr => ({ k: 'sub', a, b: typeof b === 'number' ? lit(b) : b });
const cond = (c: Expr, a: Expr | number, b: Expr | number): Expr => ({ k: 'cond', c, a: typeof a === 'number' ? lit(a) : a, b: typeof b === 'number' ? lit(b) : b });
const ok = (e: Expr): CheckDef => ({ kind: 'ok', ok: e });

const [moverListed, m, h, cap, f, c0, t, c1] = (['moverListed', 'm', 'h', 'cap', 'f', 'c0', 't', 'c1'] as const).map(local);
const req = input('requested');
/** Role 1 is the banned role (when the policy has one). */
const isBanned = (x: Expr): Expr => and(fact('bannedRole'), eq(x, 1));
/** A user in role x counts toward max_users: listed, and not banned. */
const counted = (x: Expr): Expr => and(ne(x, 0), not(isBanned(x)));

// ---- the checks, once -----------------------------------------------------------------------------------

/** Every check kind of semantics.ts CHECKS as IR (docs/semantics.md, "Decisions"). */
export const CHECK_DEFS: { readonly [K in CheckKind]: CheckDef } = {
  holderDefined: ok(table('defined', h)),
  preauthMatch: ok(ge(m, 0)),
  matchNonZero: ok(ne(m, 0)),
  holderHasCapability: ok({ k: 'holds', role: h, capability: cap }),
  notSelf: ok(not(input('targetIsActor'))),
  targetListed: ok(input('targetListed')),
  targetAbsent: ok(not(input('targetListed'))),
  actorListed: ok(input('actorListed')),
  actorAbsent: ok(not(input('actorListed'))),
  notFixed: ok(not(fact('fixedMembership'))),
  notFixedIfNewUser: ok(or(not(fact('fixedMembership')), moverListed)),
  bannedRoleExists: ok(fact('bannedRole')),
  moverRoleDefined: ok(or(eq(f, 0), table('defined', f))),
  moverBanned: ok(isBanned(f)),
  moverHasClients: ok(gt(c0, 0)),
  destinationGiven: ok(ge(t, 0)),
  destinationNonZero: ok(ne(t, 0)),
  destinationNotBanned: ok(not(isBanned(t))),
  ownPreauthMatch: ok(ge(m, 0)),
  destinationChanged: ok(ne(t, f)),
  destinationMatches: ok(or(lt(req, 0), eq(req, m))),
  holderListsTransition: ok({ k: 'lists', holder: h, from: f, to: t }),
  destinationDefined: ok(table('defined', t)),
  // the role the mover leaves keeps its minimum; the one it enters its maximum (a move within a role changes neither)
  minParticipants: { kind: 'limit', guard: and(ne(f, t), ne(f, 0), gt(table('minP', f), 0)), count: sub(table('count', f), 1), op: '<', limit: table('minP', f), role: f },
  maxParticipants: { kind: 'limit', guard: and(ne(f, t), ne(t, 0), ge(table('maxP', t), 0)), count: add(table('count', t), 1), op: '>', limit: table('maxP', t), role: t },
  // a participant is active while it has a client: leaving a role or losing the last client leaves the active count
  minActive: { kind: 'limit', guard: and(ne(f, 0), gt(c0, 0), or(ne(f, t), eq(c1, 0)), gt(table('minA', f), 0)), count: sub(table('active', f), 1), op: '<', limit: table('minA', f), role: f },
  maxActive: { kind: 'limit', guard: and(ne(t, 0), gt(c1, 0), or(ne(f, t), eq(c0, 0)), ge(table('maxA', t), 0)), count: add(table('active', t), 1), op: '>', limit: table('maxA', t), role: t },
  maxUsers: { kind: 'limit', guard: and(ge(fact('maxUsers'), 0), not(counted(f)), counted(t)), count: add(input('users'), 1), op: '>', limit: fact('maxUsers') },
  maxClients: { kind: 'limit', guard: and(ge(fact('maxClients'), 0), gt(c1, c0)), count: add(sub(input('roomClients'), c0), c1), op: '>', limit: fact('maxClients') },
  singleDevice: { kind: 'limit', guard: and(not(fact('multiDevice')), gt(c1, c0)), count: c1, op: '>', limit: lit(1) },
};

/** Capability code of a registered capability a plan names. */
const codeOf = (name: string): number => {
  const c = capabilityByName.get(name);
  if (!c) throw new Error(`semantics: unknown capability ${name}`);
  return c.code;
};

/**
 * The locals of a plan, from its ACTIONS/EFFECTS row: whether the mover is listed, the preauth match
 * the plan uses (`m`), whose role must hold the capability (`h`), the capability (`cap`), the mover's
 * role before (`f`) and after (`t`, role 0 = out of the list), its clients before (`c0`) and after (`c1`).
 */
export function planLocals(plan: Plan): { readonly [L in Local]: Expr } {
  const e = EFFECTS[plan.type];
  const who = e.mover === 'target' ? 'target' : 'actor';
  const listed = e.mover ? input(`${who}Listed`) : lit(false);
  const destination = plan.destination;
  return {
    moverListed: listed,
    m: destination === 'match' ? input('match') : destination === 'matchNonZero' ? input('matchNonZero') : lit(-1),
    // the actor's role; a non-participant acting with claims is in the role of its first preauth match
    h: plan.holder === 'zero' ? lit(0) : plan.holder === 'destination' ? cond(lt(m, 0), 0, m) : cond(input('actorListed'), input('actorRole'), cond(input('hasClaims'), { k: 'max', a: lit(0), b: input('match') }, 0)),
    cap: plan.capability === null ? input('capability') : lit(codeOf(plan.capability)),
    f: e.mover ? cond(moverListed, input(`${who}Role`), 0) : lit(0),
    c0: e.mover ? cond(moverListed, input(`${who}Clients`), 0) : lit(0),
    t: destination === 'zero' ? lit(0) : destination === 'banned' ? lit(1) : destination === 'to' ? req : destination === 'match' || destination === 'matchNonZero' ? m : f,
    c1: { keep: c0, zero: lit(0), set: input('clients'), add: add(c0, input('clients')), removeOne: sub(c0, 1) }[e.clients],
  };
}

const CLIENTS = input('clients');
const ZERO = lit(0);

/** What a reason variable names: a role (by an expression), a user, the capability, a constant text or a number. */
export type ReasonValue =
  | { readonly kind: 'role'; readonly role: Expr }
  | { readonly kind: 'user'; readonly user: 'actor' | 'target' }
  | { readonly kind: 'capability' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'number'; readonly value: Expr };

/** The value of a reason variable in a plan; `role`, `count` and `limit` come from the failing constraint (`limit`). */
export function reasonValue(plan: Plan, v: ReasonVar, limit?: Extract<CheckDef, { kind: 'limit' }>): ReasonValue {
  switch (v) {
    case 'actor':
      return { kind: 'user', user: 'actor' };
    case 'target':
      return { kind: 'user', user: 'target' };
    case 'mover':
      return { kind: 'user', user: EFFECTS[plan.type].mover === 'target' ? 'target' : 'actor' };
    case 'holder':
      return { kind: 'role', role: h };
    case 'from':
      return { kind: 'role', role: f };
    case 'to':
      return { kind: 'role', role: t };
    case 'requested':
      return { kind: 'role', role: req };
    case 'match':
      return { kind: 'role', role: m };
    case 'capability':
      return { kind: 'capability' };
    case 'type':
      return { kind: 'text', text: plan.type };
    case 'role':
      return limit?.role ? { kind: 'role', role: limit.role } : { kind: 'text', text: '' };
    case 'count':
      return { kind: 'number', value: limit ? limit.count : CLIENTS };
    case 'limit':
      return { kind: 'number', value: limit ? limit.limit : ZERO };
  }
}

// ---- folding: what a given policy fixes ------------------------------------------------------------------

/** What is known when folding: constant facts, constant role tables, and the plan's locals. */
export interface FoldEnv {
  fact(name: Fact): number | boolean;
  /** a role table at a constant index (undefined: not a constant of the policy, e.g. a count) */
  table(t: RoleTable, role: number): number | undefined;
  /** the largest value a table takes over all roles (for `minP(x) > 0` when no role has a minimum; undefined: unknown) */
  tableMax(t: RoleTable): number | undefined;
  /** holds(role, capability) when both are constant, or false when no role holds a constant capability */
  holds(role: number | undefined, capability: number): boolean | undefined;
  lists(holder: number, from: number, to: number): boolean;
  /** an input that is constant for the plan (a field its action type does not take, or what an earlier check established), else undefined */
  input?(name: Input): number | boolean | undefined;
  /** a local whose value an earlier check established, else undefined */
  localValue?(name: Local): number | boolean | undefined;
  /** a comparison an earlier check established (true), or whose opposite it established (false) */
  comparison?(e: Expr): boolean | undefined;
  locals: { readonly [L in Local]: Expr };
}

/** Inputs that are plain variables or tests where they are read: a local that only reads one is inlined. */
const PLAIN_INPUTS = new Set<Input>(['requested', 'clients', 'capability', 'actorListed', 'targetListed']);
export const INVERSE: Record<Cmp, Cmp> = { '===': '!==', '!==': '===', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
const MIRROR: Record<Cmp, Cmp> = { '===': '===', '!==': '!==', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const isLit = (e: Expr): e is { k: 'lit'; v: number | boolean } => e.k === 'lit';
const same = (a: Expr, b: Expr): boolean => JSON.stringify(a) === JSON.stringify(b);
/** Inputs and locals that are never negative (counts and role indexes once listed). */
const NON_NEGATIVE = new Set<string>(['actorClients', 'targetClients', 'clients', 'users', 'roomClients', 'c0', 'actorRole', 'targetRole']);
const nonNegative = (e: Expr): boolean =>
  (e.k === 'lit' && typeof e.v === 'number' && e.v >= 0) || ((e.k === 'in' || e.k === 'local') && NON_NEGATIVE.has(e.name)) || (e.k === 'table' && e.table !== 'maxP' && e.table !== 'maxA');

function compare(op: Cmp, a: number, b: number): boolean {
  switch (op) {
    case '===':
      return a === b;
    case '!==':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/**
 * Fold an expression with what the policy fixes: constant facts and tables, locals that are constants
 * or other locals (inlined), comparisons of constants, `x !== x`, `a && !a`, `0 > count`, and table
 * bounds (`minP(x) > 0` is false when no role has a minimum). The result means the same in every state.
 */
export function fold(e: Expr, env: FoldEnv): Expr {
  switch (e.k) {
    case 'lit':
      return e;
    case 'in': {
      const v = env.input?.(e.name);
      return v === undefined ? e : lit(v);
    }
    case 'fact': {
      const v = env.fact(e.name);
      return lit(v);
    }
    case 'local': {
      const known = env.localValue?.(e.name);
      if (known !== undefined) return lit(known);
      const init = fold(env.locals[e.name], env);
      // constants, other locals and plain inputs are inlined; anything computed (a preauth match too) stays a local
      return init.k === 'lit' || init.k === 'local' || (init.k === 'in' && PLAIN_INPUTS.has(init.name)) ? init : e;
    }
    case 'table': {
      const role = fold(e.role, env);
      const v = isLit(role) && typeof role.v === 'number' ? env.table(e.table, role.v) : undefined;
      return v !== undefined ? lit(v) : { ...e, role };
    }
    case 'holds': {
      const role = fold(e.role, env);
      const capability = fold(e.capability, env);
      if (isLit(capability) && typeof capability.v === 'number') {
        const v = env.holds(isLit(role) && typeof role.v === 'number' ? role.v : undefined, capability.v);
        if (v !== undefined) return lit(v);
      }
      return { ...e, role, capability };
    }
    case 'lists': {
      const [holder, from, to] = [fold(e.holder, env), fold(e.from, env), fold(e.to, env)];
      if ([holder, from, to].every((x) => isLit(x) && typeof x.v === 'number')) return lit(env.lists((holder as { v: number }).v, (from as { v: number }).v, (to as { v: number }).v));
      return { ...e, holder, from, to };
    }
    case 'not': {
      const a = fold(e.a, env);
      if (isLit(a)) return lit(!a.v);
      // a not of a not is the value itself only in a boolean context, where every check uses it
      if (a.k === 'not') return a.a;
      return { k: 'not', a };
    }
    case 'and':
    case 'or': {
      const unit = e.k === 'and';
      const args: Expr[] = [];
      for (const x of e.args) {
        const y = fold(x, env);
        if (isLit(y)) {
          if (Boolean(y.v) !== unit) return lit(!unit);
          continue;
        }
        for (const z of y.k === e.k ? y.args : [y]) if (!args.some((w) => same(w, z))) args.push(z);
      }
      // `a && !a` is false, `a || !a` true
      if (args.some((x) => x.k === 'not' && args.some((y) => same(x.a, y)))) return lit(!unit);
      return args.length === 0 ? lit(unit) : args.length === 1 ? args[0]! : { k: e.k, args };
    }
    case 'cmp': {
      const [a, b] = [fold(e.a, env), fold(e.b, env)];
      if (isLit(a) && isLit(b)) return lit(compare(e.op, a.v as number, b.v as number));
      // a constant goes on the right
      if (isLit(a)) return fold({ k: 'cmp', op: MIRROR[e.op], a: b, b: a }, env);
      const known = env.comparison?.({ k: 'cmp', op: e.op, a, b });
      if (known !== undefined) return lit(known);
      if (same(a, b)) return lit(e.op === '===' || e.op === '<=' || e.op === '>=');
      // a non-negative value is never below 0
      if (isLit(a) && a.v === 0 && e.op === '>' && nonNegative(b)) return lit(false);
      if (isLit(b) && b.v === 0 && e.op === '<' && nonNegative(a)) return lit(false);
      // bounds of a table over all roles
      if (a.k === 'table' && isLit(b) && typeof b.v === 'number') {
        const max = env.tableMax(a.table);
        if (max !== undefined && ((e.op === '>' && max <= b.v) || (e.op === '>=' && max < b.v))) return lit(false);
      }
      return { ...e, a, b };
    }
    case 'add':
    case 'sub':
    case 'max': {
      const [a, b] = [fold(e.a, env), fold(e.b, env)];
      if (isLit(a) && isLit(b)) return lit(e.k === 'add' ? (a.v as number) + (b.v as number) : e.k === 'sub' ? (a.v as number) - (b.v as number) : Math.max(a.v as number, b.v as number));
      return { ...e, a, b };
    }
    case 'cond': {
      const c = fold(e.c, env);
      const [a, b] = [fold(e.a, env), fold(e.b, env)];
      if (isLit(c)) return c.v ? a : b;
      return same(a, b) ? a : { ...e, c, a, b };
    }
  }
}

/**
 * What holds once a check whose (folded) condition is `e` has passed: inputs and locals it fixes
 * (`x`, `!x`, `x === k`, and each conjunct of an `and`). The printer folds later checks with it, as
 * TypeScript narrows the same variables.
 */
export function established(e: Expr, out: { inputs: Map<Input, number | boolean>; locals: Map<Local, number | boolean>; comparisons: Map<string, boolean> }): void {
  if (e.k === 'cmp') {
    out.comparisons.set(JSON.stringify(e), true);
    out.comparisons.set(JSON.stringify({ ...e, op: INVERSE[e.op] }), false);
  }
  if (e.k === 'in') out.inputs.set(e.name, true);
  else if (e.k === 'local') out.locals.set(e.name, true);
  else if (e.k === 'not' && e.a.k === 'in') out.inputs.set(e.a.name, false);
  else if (e.k === 'and') e.args.forEach((x) => established(x, out));
  else if (e.k === 'cmp' && e.op === '===' && e.b.k === 'lit') {
    if (e.a.k === 'in') out.inputs.set(e.a.name, e.b.v);
    if (e.a.k === 'local') out.locals.set(e.a.name, e.b.v);
  }
}
