/**
 * The interpreter: runs an action's plan (runtime/semantics.ts, PLANS) step by step and reports the
 * first check that fails as `{ allowed: false, rule, reason }`, or `{ allowed: true, rule: ok:<cap> }`.
 * The checks are the plan IR of runtime/checks.ts, compiled here once per plan into closures; the code
 * generator prints the same IR as TypeScript, so there is one definition of each check.
 */
import { CHECK_DEFS, fold, LOCALS, planLocals, reasonValue, type CheckDef, type Expr, type Fact, type FoldEnv, type Input, type Local, type RoleTable } from '../checks.js';
import type { Claim } from '../ir.js';
import { actionFields, ALLOW_REASONS, claimsMatch, DENY_REASONS, EFFECTS, okRule, PLANS, roleLabel, userLabel, type DenyRule, type Plan, type PlanKey, type ReasonPart, type UpdateRule } from '../semantics.js';
import { parseAction, parseState, type ActionInput, type Entry, type ParsedAction, type ParsedState, type StateInput } from './inputs.js';
import { indexPolicy, type IndexedPolicy, type IndexOptions } from './policy.js';

export interface Decision {
  readonly allowed: boolean;
  /** `ok:<capability>` when allowed, else the stable name of the check that failed */
  readonly rule: string;
  /** one sentence naming the roles and the rule */
  readonly reason: string;
}
export type { DenyRule, UpdateRule };

/** First preauth entry matching `claims` (any role, or only non-zero roles): its role index. */
export function firstPreauthMatch(ip: IndexedPolicy, claims: readonly Claim[], nonZero = false): number | undefined {
  for (const e of ip.preauth) if (!(nonZero && e.role.index === 0) && claimsMatch(e.claims, claims)) return e.role.index;
  return undefined;
}

/** What a decision was decided with: the plan, and the values of its locals (for applying its effect). */
export interface Context {
  readonly ip: IndexedPolicy;
  readonly plan: Plan;
  readonly action: ParsedAction;
  readonly state: ParsedState;
  /** the user whose role or clients change (the target or the actor), or the actor when nobody moves */
  readonly moverUser: string;
  readonly holder: number;
  readonly capability: number;
  /** the mover's role before (0 = not listed) and after (role 0 = out of the list; undefined = no destination) */
  readonly from: number;
  readonly to: number | undefined;
  readonly clientsBefore: number;
  readonly clientsAfter: number;
}

/** One decision's inputs and its locals, computed on first use. */
interface Frame {
  readonly ip: IndexedPolicy;
  readonly state: ParsedState;
  readonly action: ParsedAction;
  readonly actor: Entry | undefined;
  readonly target: Entry | undefined;
  readonly locals: (number | boolean | undefined)[];
}
type Value = number | boolean;
type Compiled = (fr: Frame) => Value;

const INPUTS: { readonly [I in Input]: Compiled } = {
  actorListed: (fr) => fr.actor !== undefined,
  actorRole: (fr) => fr.actor?.role ?? 0,
  actorClients: (fr) => fr.actor?.clients ?? 0,
  targetListed: (fr) => fr.target !== undefined,
  targetRole: (fr) => fr.target?.role ?? 0,
  targetClients: (fr) => fr.target?.clients ?? 0,
  targetIsActor: (fr) => fr.action.target === fr.action.actor,
  requested: (fr) => fr.action.to ?? -1,
  clients: (fr) => fr.action.clients,
  hasClaims: (fr) => fr.action.claims !== null,
  match: (fr) => firstPreauthMatch(fr.ip, fr.action.claims ?? []) ?? -1,
  matchNonZero: (fr) => firstPreauthMatch(fr.ip, fr.action.claims ?? [], true) ?? -1,
  capability: (fr) => fr.action.capability ?? -1,
  users: (fr) => fr.state.users,
  roomClients: (fr) => fr.state.clients,
};
const FACTS: { readonly [F in Fact]: (ip: IndexedPolicy) => Value } = {
  fixedMembership: (ip) => ip.base.fixedMembership,
  bannedRole: (ip) => ip.bannedRole,
  multiDevice: (ip) => ip.base.multiDevice,
  maxUsers: (ip) => ip.base.maxUsers ?? -1,
  maxClients: (ip) => ip.base.maxClients ?? -1,
};
/** The role tables at any index: an undefined role has no constraints and nobody in it counts. */
const TABLES: { readonly [T in RoleTable]: (ip: IndexedPolicy, state: ParsedState | undefined, role: number) => number } = {
  defined: (ip, _s, r) => (ip.roles.has(r) ? 1 : 0),
  count: (_ip, s, r) => s?.count.get(r) ?? 0,
  active: (_ip, s, r) => s?.active.get(r) ?? 0,
  minP: (ip, _s, r) => ip.roles.get(r)?.minParticipants ?? 0,
  maxP: (ip, _s, r) => ip.roles.get(r)?.maxParticipants ?? -1,
  minA: (ip, _s, r) => ip.roles.get(r)?.minActive ?? 0,
  maxA: (ip, _s, r) => ip.roles.get(r)?.maxActive ?? -1,
};

/** An expression of the plan IR as a closure over a decision's frame (built once per plan). */
function compile(e: Expr, locals: { readonly [L in Local]: Expr }): Compiled {
  const c = (x: Expr) => compile(x, locals);
  switch (e.k) {
    case 'lit': {
      const v = e.v;
      return () => v;
    }
    case 'in':
      return INPUTS[e.name];
    case 'fact': {
      const get = FACTS[e.name];
      return (fr) => get(fr.ip);
    }
    case 'local': {
      const i = LOCALS.indexOf(e.name);
      const init = c(locals[e.name]);
      return (fr) => {
        const v = fr.locals[i];
        return v !== undefined ? v : (fr.locals[i] = init(fr));
      };
    }
    case 'table': {
      const [get, role] = [TABLES[e.table], c(e.role)];
      return (fr) => get(fr.ip, fr.state, role(fr) as number);
    }
    case 'holds': {
      const [role, capability] = [c(e.role), c(e.capability)];
      return (fr) => fr.ip.holds(role(fr) as number, capability(fr) as number);
    }
    case 'lists': {
      const [holder, from, to] = [c(e.holder), c(e.from), c(e.to)];
      return (fr) => fr.ip.lists(holder(fr) as number, from(fr) as number, to(fr) as number);
    }
    case 'not': {
      const a = c(e.a);
      return (fr) => !a(fr);
    }
    case 'and': {
      const args = e.args.map(c);
      return (fr) => {
        for (const a of args) if (!a(fr)) return false;
        return true;
      };
    }
    case 'or': {
      const args = e.args.map(c);
      return (fr) => {
        for (const a of args) if (a(fr)) return true;
        return false;
      };
    }
    case 'cmp': {
      const [a, b] = [c(e.a), c(e.b)];
      switch (e.op) {
        case '===':
          return (fr) => a(fr) === b(fr);
        case '!==':
          return (fr) => a(fr) !== b(fr);
        case '<':
          return (fr) => (a(fr) as number) < (b(fr) as number);
        case '<=':
          return (fr) => (a(fr) as number) <= (b(fr) as number);
        case '>':
          return (fr) => (a(fr) as number) > (b(fr) as number);
        case '>=':
          return (fr) => (a(fr) as number) >= (b(fr) as number);
      }
    }
    // falls through (unreachable: every operator returned)
    case 'add': {
      const [a, b] = [c(e.a), c(e.b)];
      return (fr) => (a(fr) as number) + (b(fr) as number);
    }
    case 'sub': {
      const [a, b] = [c(e.a), c(e.b)];
      return (fr) => (a(fr) as number) - (b(fr) as number);
    }
    case 'max': {
      const [a, b] = [c(e.a), c(e.b)];
      return (fr) => Math.max(a(fr) as number, b(fr) as number);
    }
    case 'cond': {
      const [test, a, b] = [c(e.c), c(e.a), c(e.b)];
      return (fr) => (test(fr) ? a(fr) : b(fr));
    }
  }
}

/**
 * What a policy fixes, for folding a plan (runtime/checks.ts `fold`): its facts and constant role
 * tables, read with the definitions above. The interpreter folds each plan once per policy; the code
 * generator folds with the same environment (plus what earlier checks established) before printing.
 */
export function policyFoldEnv(ip: IndexedPolicy, plan: Plan, known?: Pick<FoldEnv, 'input' | 'localValue' | 'comparison'>): FoldEnv {
  const roles = [...ip.roles.keys()];
  const fields = actionFields(plan.type);
  const held = new Set<number>();
  for (const c of ip.caps.values()) for (const x of c) held.add(x);
  return {
    fact: (name) => FACTS[name](ip),
    table: (t, role) => (t === 'count' || t === 'active' ? undefined : TABLES[t](ip, undefined, role)),
    tableMax: (t) => (t === 'count' || t === 'active' ? undefined : Math.max(t === 'defined' ? 0 : -1, ...roles.map((r) => TABLES[t](ip, undefined, r)))),
    holds: (role, capability) => (role !== undefined ? ip.holds(role, capability) : held.has(capability) ? undefined : false),
    lists: (h, f, t) => ip.lists(h, f, t),
    // a field the action type does not take has its default (the schema rejects it)
    input: (name) =>
      known?.input?.(name) ??
      (name === 'requested' && !fields.to ? -1 : name === 'clients' && !fields.clients ? EFFECTS[plan.type].clientsDefault : (name === 'targetListed' || name === 'targetIsActor') && !fields.target ? false : undefined),
    ...(known?.localValue ? { localValue: known.localValue } : {}),
    ...(known?.comparison ? { comparison: known.comparison } : {}),
    locals: planLocals(plan),
  };
}

interface CompiledStep {
  readonly rule: DenyRule;
  /** true when the check passes */
  readonly pass: Compiled;
  /** the reason when it fails */
  readonly reason: (fr: Frame) => string;
}
interface CompiledPlan {
  readonly plan: Plan;
  readonly steps: readonly CompiledStep[];
  readonly local: { readonly [L in Local]: Compiled };
  readonly allow: (fr: Frame) => string;
}

const roleText = (ip: IndexedPolicy, i: number): string => (i < 0 ? 'no role' : roleLabel(i, ip.roleName(i)));

/** A reason's template as one function: text parts as they are, each variable as reasonValue (runtime/checks.ts) says. */
function compileReason(plan: Plan, parts: readonly ReasonPart[], fold: (e: Expr) => Expr, locals: { readonly [L in Local]: Expr }, limit?: Extract<CheckDef, { kind: 'limit' }>): (fr: Frame) => string {
  const pieces = parts.map((p): ((fr: Frame) => string) => {
    if (typeof p === 'string') return () => p;
    const v = reasonValue(plan, p.v, limit);
    switch (v.kind) {
      case 'text': {
        const t = v.text;
        return () => t;
      }
      case 'user':
        return v.user === 'actor' ? (fr) => userLabel(fr.action.actor) : (fr) => userLabel(fr.action.target ?? '');
      case 'capability': {
        const cap = compile(fold(locals.cap), locals);
        return (fr) => fr.ip.capabilityName(cap(fr) as number);
      }
      case 'role': {
        const role = compile(fold(v.role), locals);
        return (fr) => roleText(fr.ip, role(fr) as number);
      }
      case 'number': {
        const n = compile(fold(v.value), locals);
        return (fr) => String(n(fr));
      }
    }
  });
  return (fr) => {
    let s = '';
    for (const p of pieces) s += p(fr);
    return s;
  };
}

/** A plan compiled for one policy: its IR folded with what the policy fixes, then turned into closures. */
function compilePlan(ip: IndexedPolicy, plan: Plan): CompiledPlan {
  const env = policyFoldEnv(ip, plan);
  const f = (e: Expr) => fold(e, env);
  const locals = Object.fromEntries(LOCALS.map((l) => [l, f(env.locals[l])])) as { [L in Local]: Expr };
  const steps = plan.steps.map((s): CompiledStep => {
    const def = CHECK_DEFS[s.check];
    if (def.kind === 'ok') return { rule: s.rule, pass: compile(f(def.ok), locals), reason: compileReason(plan, DENY_REASONS[s.rule], f, locals) };
    const [guard, count, limit] = [compile(f(def.guard), locals), compile(f(def.count), locals), compile(f(def.limit), locals)];
    const beyond = def.op === '<' ? (fr: Frame) => (count(fr) as number) < (limit(fr) as number) : (fr: Frame) => (count(fr) as number) > (limit(fr) as number);
    return { rule: s.rule, pass: (fr) => !(guard(fr) && beyond(fr)), reason: compileReason(plan, DENY_REASONS[s.rule], f, locals, def) };
  });
  const local = Object.fromEntries(LOCALS.map((l) => [l, compile({ k: 'local', name: l }, locals)])) as { [L in Local]: Compiled };
  return { plan, steps, local, allow: compileReason(plan, ALLOW_REASONS[plan.key], f, locals) };
}

/** Each policy's compiled plans, made on first use (the IndexedPolicy is immutable). */
const COMPILED = new WeakMap<IndexedPolicy, Map<PlanKey, CompiledPlan>>();
function compiledPlan(ip: IndexedPolicy, key: PlanKey): CompiledPlan {
  let plans = COMPILED.get(ip);
  if (!plans) COMPILED.set(ip, (plans = new Map()));
  let cp = plans.get(key);
  if (!cp) plans.set(key, (cp = compilePlan(ip, PLANS[key])));
  return cp;
}

/** Decide a validated action: the decision and the context it was decided in (for applying its effect). */
export function evaluate(ip: IndexedPolicy, state: ParsedState, action: ParsedAction): { decision: Decision; context: Context } {
  const cp = compiledPlan(ip, action.key);
  const fr: Frame = {
    ip,
    state,
    action,
    actor: state.byUser.get(action.actor),
    target: action.target === undefined ? undefined : state.byUser.get(action.target),
    locals: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
  };
  let decision: Decision | undefined;
  for (const s of cp.steps)
    if (!s.pass(fr)) {
      decision = { allowed: false, rule: s.rule, reason: s.reason(fr) };
      break;
    }
  const L = cp.local;
  const capability = L.cap(fr) as number;
  decision ??= { allowed: true, rule: okRule(ip.capabilityName(capability)), reason: cp.allow(fr) };
  const to = L.t(fr) as number;
  const context: Context = {
    ip,
    plan: cp.plan,
    action,
    state,
    moverUser: EFFECTS[cp.plan.type].mover === 'target' ? (action.target ?? '') : action.actor,
    holder: L.h(fr) as number,
    capability,
    from: L.f(fr) as number,
    to: to < 0 ? undefined : to,
    clientsBefore: L.c0(fr) as number,
    clientsAfter: L.c1(fr) as number,
  };
  return { decision, context };
}

/**
 * May this action happen in this state? Validates the inputs (zod; InvalidInputError when malformed)
 * and runs the action's plan. Pass an `indexPolicy` result and `parseState`/`parseAction` results to
 * skip re-validating what has not changed.
 */
export function authorize(policy: Parameters<typeof indexPolicy>[0], state: StateInput | ParsedState, action: ActionInput | ParsedAction, options?: IndexOptions): Decision {
  const ip = indexPolicy(policy, options);
  return evaluate(ip, parseState(ip, state), parseAction(ip, action)).decision;
}
