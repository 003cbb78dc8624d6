/**
 * The interpreter: runs an action's plan (runtime/semantics.ts, PLANS) step by step and reports the
 * first check that fails as `{ allowed: false, rule, reason }`, or `{ allowed: true, rule: ok:<cap> }`.
 * The checks are the plan IR of runtime/checks.ts, compiled here once per plan into closures; the code
 * generator prints the same IR as TypeScript, so there is one definition of each check.
 */
import { CHECK_DEFS, LOCALS, planLocals, reasonValue, type CheckDef, type Expr, type Fact, type Input, type Local, type RoleTable } from '../checks.js';
import type { Claim } from '../ir.js';
import { ALLOW_REASONS, claimsMatch, DENY_REASONS, EFFECTS, okRule, PLAN_KEYS, PLANS, roleLabel, userLabel, type DenyRule, type Plan, type PlanKey, type ReasonPart, type UpdateRule } from '../semantics.js';
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
export const TABLES: { readonly [T in RoleTable]: (ip: IndexedPolicy, state: ParsedState | undefined, role: number) => number } = {
  defined: (ip, _s, r) => (ip.roles.has(r) ? 1 : 0),
  count: (_ip, s, r) => s?.count.get(r) ?? 0,
  active: (_ip, s, r) => s?.active.get(r) ?? 0,
  minP: (ip, _s, r) => ip.roles.get(r)?.minParticipants ?? 0,
  maxP: (ip, _s, r) => ip.roles.get(r)?.maxParticipants ?? -1,
  minA: (ip, _s, r) => ip.roles.get(r)?.minActive ?? 0,
  maxA: (ip, _s, r) => ip.roles.get(r)?.maxActive ?? -1,
};
export { FACTS };

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

interface CompiledStep {
  readonly rule: DenyRule;
  /** true when the check passes */
  readonly pass: Compiled;
  /** the failing constraint's role, count and limit, for the reason */
  readonly limit?: { readonly role?: Compiled; readonly count: Compiled; readonly limit: Compiled; readonly def: Extract<CheckDef, { kind: 'limit' }> };
}
interface CompiledPlan {
  readonly plan: Plan;
  readonly locals: { readonly [L in Local]: Expr };
  readonly steps: readonly CompiledStep[];
  readonly local: { readonly [L in Local]: Compiled };
  /** reason expressions compiled on first use, by identity (runtime/checks.ts builds each once) */
  readonly reasons: Map<Expr, Compiled>;
}

function compilePlan(plan: Plan): CompiledPlan {
  const locals = planLocals(plan);
  const steps = plan.steps.map((s): CompiledStep => {
    const def = CHECK_DEFS[s.check];
    if (def.kind === 'ok') return { rule: s.rule, pass: compile(def.ok, locals) };
    const [guard, count, limit] = [compile(def.guard, locals), compile(def.count, locals), compile(def.limit, locals)];
    const beyond = def.op === '<' ? (fr: Frame) => (count(fr) as number) < (limit(fr) as number) : (fr: Frame) => (count(fr) as number) > (limit(fr) as number);
    return { rule: s.rule, pass: (fr) => !(guard(fr) && beyond(fr)), limit: { ...(def.role ? { role: compile(def.role, locals) } : {}), count, limit, def } };
  });
  const local = Object.fromEntries(LOCALS.map((l) => [l, compile({ k: 'local', name: l }, locals)])) as { [L in Local]: Compiled };
  return { plan, locals, steps, local, reasons: new Map() };
}

const COMPILED = new Map<PlanKey, CompiledPlan>(PLAN_KEYS.map((k) => [k, compilePlan(PLANS[k])]));

/** A reason's expression compiled once per plan (reasons are rendered for every decision). */
function compiled(cp: CompiledPlan, e: Expr): Compiled {
  let f = cp.reasons.get(e);
  if (!f) cp.reasons.set(e, (f = compile(e, cp.locals)));
  return f;
}

const roleText = (ip: IndexedPolicy, i: number): string => (i < 0 ? 'no role' : roleLabel(i, ip.roleName(i)));

/** A reason with its variables filled in, each by what reasonValue (runtime/checks.ts) says it names. */
function renderReason(cp: CompiledPlan, fr: Frame, parts: readonly ReasonPart[], step?: CompiledStep): string {
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      s += p;
      continue;
    }
    const v = reasonValue(cp.plan, p.v, step?.limit?.def);
    switch (v.kind) {
      case 'text':
        s += v.text;
        break;
      case 'user':
        s += userLabel((v.user === 'actor' ? fr.action.actor : fr.action.target) ?? '');
        break;
      case 'capability':
        s += fr.ip.capabilityName(cp.local.cap(fr) as number);
        break;
      case 'role':
        s += roleText(fr.ip, compiled(cp, v.role)(fr) as number);
        break;
      case 'number':
        s += String(compiled(cp, v.value)(fr));
    }
  }
  return s;
}

/** Decide a validated action: the decision and the context it was decided in (for applying its effect). */
export function evaluate(ip: IndexedPolicy, state: ParsedState, action: ParsedAction): { decision: Decision; context: Context } {
  const cp = COMPILED.get(action.key)!;
  const fr: Frame = { ip, state, action, actor: state.byUser.get(action.actor), target: action.target === undefined ? undefined : state.byUser.get(action.target), locals: [] };
  let decision: Decision | undefined;
  for (const s of cp.steps)
    if (!s.pass(fr)) {
      decision = { allowed: false, rule: s.rule, reason: renderReason(cp, fr, DENY_REASONS[s.rule], s) };
      break;
    }
  const L = cp.local;
  const capability = L.cap(fr) as number;
  decision ??= { allowed: true, rule: okRule(ip.capabilityName(capability)), reason: renderReason(cp, fr, ALLOW_REASONS[cp.plan.key]) };
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
