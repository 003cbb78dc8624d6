/**
 * The interpreter: runs an action's plan (runtime/semantics.ts, PLANS) step by step and reports the
 * first check that fails as `{ allowed: false, rule, reason }`, or `{ allowed: true, rule: ok:<cap> }`.
 * Each check kind is one small function here; the code generator emits the same checks as code, and
 * the differential tests keep the two equal.
 */
import type { Claim } from '../ir.js';
import { ALLOW_REASONS, claimsMatch, DENY_REASONS, EFFECTS, okRule, PLANS, roleLabel, userLabel, type CheckKind, type DenyRule, type Plan, type ReasonPart, type ReasonVar, type UpdateRule } from '../semantics.js';
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

/** Everything a plan's checks read, computed once per decision. */
export interface Context {
  readonly ip: IndexedPolicy;
  readonly plan: Plan;
  readonly action: ParsedAction;
  readonly state: ParsedState;
  readonly actorEntry: Entry | undefined;
  readonly targetEntry: Entry | undefined;
  /** the user whose role or clients change, when listed */
  readonly mover: Entry | undefined;
  readonly moverUser: string;
  readonly holder: number;
  readonly capability: number;
  /** the preauth match the plan uses (join by preauth: any role; changeOwnRole: non-zero) */
  readonly match: number | undefined;
  /** the mover's role and clients before (0 when not listed) and after (role 0 = not listed) */
  readonly from: number;
  readonly to: number | undefined;
  readonly clientsBefore: number;
  readonly clientsAfter: number;
  /** set by a failing constraint check, for the reason */
  role?: number;
  count?: number;
  limit?: number;
}

function context(ip: IndexedPolicy, state: ParsedState, action: ParsedAction): Context {
  const plan = PLANS[action.key];
  const effect = EFFECTS[plan.type];
  const actorEntry = state.byUser.get(action.actor);
  const targetEntry = action.target === undefined ? undefined : state.byUser.get(action.target);
  const claims = action.claims ?? [];
  const match = plan.destination === 'match' ? firstPreauthMatch(ip, claims) : plan.destination === 'matchNonZero' ? firstPreauthMatch(ip, claims, true) : undefined;
  const holder =
    plan.holder === 'zero' ? 0 : plan.holder === 'destination' ? (match ?? 0) : actorEntry ? actorEntry.role : action.claims ? (firstPreauthMatch(ip, action.claims) ?? 0) : 0;
  const mover = effect.mover === 'target' ? targetEntry : effect.mover === 'actor' ? actorEntry : undefined;
  const from = mover ? mover.role : 0;
  const c0 = mover ? mover.clients : 0;
  let to: number | undefined;
  switch (plan.destination) {
    case 'zero':
      to = 0;
      break;
    case 'banned':
      to = 1;
      break;
    case 'to':
      to = action.to;
      break;
    case 'match':
    case 'matchNonZero':
      to = match;
      break;
    default:
      to = from;
  }
  let c1: number;
  switch (effect.clients) {
    case 'keep':
      c1 = c0;
      break;
    case 'zero':
      c1 = 0;
      break;
    case 'set':
      c1 = action.clients;
      break;
    case 'add':
      c1 = c0 + action.clients;
      break;
    case 'removeOne':
      c1 = c0 - 1;
  }
  return {
    ip,
    plan,
    action,
    state,
    actorEntry,
    targetEntry,
    mover,
    moverUser: effect.mover === 'target' ? (action.target ?? '') : action.actor,
    holder,
    capability: plan.capability === null ? action.capability! : ip.capabilityCodes.get(plan.capability)!,
    match,
    from,
    to,
    clientsBefore: c0,
    clientsAfter: c1,
  };
}

const isBanned = (c: Context, i: number) => c.ip.bannedRole && i === 1;
const fail = (c: Context, role: number, count: number, limit: number) => ((c.role = role), (c.count = count), (c.limit = limit), false);
const moves = (c: Context) => c.from !== c.to;

/** One function per check kind: true when the check passes. */
export const CHECK: { readonly [K in CheckKind]: (c: Context) => boolean } = {
  holderDefined: (c) => c.ip.roles.has(c.holder),
  preauthMatch: (c) => c.match !== undefined,
  matchNonZero: (c) => c.match !== 0,
  holderHasCapability: (c) => c.ip.holds(c.holder, c.capability),
  notSelf: (c) => c.action.target !== c.action.actor,
  targetListed: (c) => c.targetEntry !== undefined,
  targetAbsent: (c) => c.targetEntry === undefined,
  actorListed: (c) => c.actorEntry !== undefined,
  actorAbsent: (c) => c.actorEntry === undefined,
  notFixed: (c) => !c.ip.base.fixedMembership,
  notFixedIfNewUser: (c) => !c.ip.base.fixedMembership || c.mover !== undefined,
  bannedRoleExists: (c) => c.ip.bannedRole,
  moverRoleDefined: (c) => c.from === 0 || c.ip.roles.has(c.from),
  moverBanned: (c) => isBanned(c, c.from),
  moverHasClients: (c) => c.clientsBefore > 0,
  destinationGiven: (c) => c.to !== undefined,
  destinationNonZero: (c) => c.to !== 0,
  destinationNotBanned: (c) => !isBanned(c, c.to!),
  ownPreauthMatch: (c) => c.match !== undefined,
  destinationChanged: (c) => c.to !== c.from,
  destinationMatches: (c) => c.action.to === undefined || c.action.to === c.match,
  holderListsTransition: (c) => c.ip.lists(c.holder, c.from, c.to!),
  destinationDefined: (c) => c.ip.roles.has(c.to!),
  minParticipants: (c) => {
    if (!moves(c) || c.from === 0) return true;
    const n = (c.state.count.get(c.from) ?? 0) - 1;
    const min = c.ip.roles.get(c.from)!.minParticipants;
    return n >= min || fail(c, c.from, n, min);
  },
  maxParticipants: (c) => {
    if (!moves(c) || c.to === 0) return true;
    const n = (c.state.count.get(c.to!) ?? 0) + 1;
    const max = c.ip.roles.get(c.to!)!.maxParticipants;
    return max === null || n <= max || fail(c, c.to!, n, max);
  },
  minActive: (c) => {
    if (c.from === 0 || c.clientsBefore === 0 || (!moves(c) && c.clientsAfter > 0)) return true;
    const n = (c.state.active.get(c.from) ?? 0) - 1;
    const min = c.ip.roles.get(c.from)!.minActive;
    return n >= min || fail(c, c.from, n, min);
  },
  maxActive: (c) => {
    if (c.to === 0 || c.clientsAfter === 0 || (!moves(c) && c.clientsBefore > 0)) return true;
    const n = (c.state.active.get(c.to!) ?? 0) + 1;
    const max = c.ip.roles.get(c.to!)!.maxActive;
    return max === null || n <= max || fail(c, c.to!, n, max);
  },
  maxUsers: (c) => {
    const max = c.ip.base.maxUsers;
    const before = c.from !== 0 && !isBanned(c, c.from);
    const after = c.to !== 0 && !isBanned(c, c.to!);
    if (max === null || before || !after) return true;
    return c.state.users + 1 <= max || fail(c, -1, c.state.users + 1, max);
  },
  maxClients: (c) => {
    const max = c.ip.base.maxClients;
    if (max === null || c.clientsAfter <= c.clientsBefore) return true;
    const n = c.state.clients - c.clientsBefore + c.clientsAfter;
    return n <= max || fail(c, -1, n, max);
  },
  singleDevice: (c) => c.ip.base.multiDevice || c.clientsAfter <= c.clientsBefore || c.clientsAfter <= 1 || fail(c, -1, c.clientsAfter, 1),
};

function reasonVar(c: Context, v: ReasonVar): string {
  switch (v) {
    case 'actor':
      return userLabel(c.action.actor);
    case 'target':
      return userLabel(c.action.target ?? '');
    case 'mover':
      return userLabel(c.moverUser);
    case 'holder':
      return roleText(c, c.holder);
    case 'from':
      return roleText(c, c.from);
    case 'to':
      return roleText(c, c.to);
    case 'requested':
      return roleText(c, c.action.to);
    case 'match':
      return roleText(c, c.match);
    case 'capability':
      return c.ip.capabilityName(c.capability);
    case 'type':
      return c.plan.type;
    case 'role':
      return roleText(c, c.role);
    case 'count':
      return String(c.count ?? c.action.clients);
    case 'limit':
      return String(c.limit);
  }
}

const roleText = (c: Context, i: number | undefined): string => (i === undefined ? 'no role' : roleLabel(i, c.ip.roleName(i)));

export function renderReason(c: Context, parts: readonly ReasonPart[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'string' ? p : reasonVar(c, p.v);
  return s;
}

/** Decide a validated action: the decision and the context it was decided in (for applying its effect). */
export function evaluate(ip: IndexedPolicy, state: ParsedState, action: ParsedAction): { decision: Decision; context: Context } {
  const c = context(ip, state, action);
  for (const s of c.plan.steps)
    if (!CHECK[s.check](c)) return { decision: { allowed: false, rule: s.rule, reason: renderReason(c, DENY_REASONS[s.rule]) }, context: c };
  return { decision: { allowed: true, rule: okRule(ip.capabilityName(c.capability)), reason: renderReason(c, ALLOW_REASONS[c.plan.key]) }, context: c };
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
