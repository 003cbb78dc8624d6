/**
 * The authorization semantics of draft-ietf-mimi-room-policy-03, decided once (docs/semantics.md).
 *
 * This module is the one place that says, for every action, which capability it needs, whose role
 * holds it, which `authorized_role_changes` entry it consumes, and which checks it runs in which order.
 * The interpreter (runtime/evaluator), the analyses (compiler/analyses) and the generated evaluator
 * (compiler/emit/typescript) all read these tables and functions; none restates them.
 */
import { capabilityByCode, capabilityByName } from './registry.js';
import type { Policy, Role } from './ir.js';

export const ACTION_TYPES = [
  'add',
  'remove',
  'changeRole',
  'ban',
  'unban',
  'kick',
  'leave',
  'removeOwnClient',
  'addOwnClient',
  'changeOwnRole',
  'join',
  'capability',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const JOIN_VIAS = ['open', 'preauth', 'code'] as const;
export type JoinVia = (typeof JOIN_VIAS)[number];

/** Where the `from` of the consumed transition comes from. */
export type TransitionFrom = 'zero' | 'target' | 'actor' | 'banned';
/** Where its `to` comes from. */
export type TransitionTo = 'zero' | 'banned' | 'destination';

/** Whose role must hold the capability. */
export type CapabilityHolder =
  /** the actor's role (its role in the list, or 0 / the preauth match when not listed) */
  | 'actor'
  /** role 0: non-participants acting on their own behalf (open join, join codes) */
  | 'zero'
  /** the destination role (preauthorized join) */
  | 'destination';

export interface ActionSpec {
  readonly type: ActionType;
  /** the one capability it needs (no fallback); `null` = named by the action (`capability`) */
  readonly capability: string | null;
  readonly holder: CapabilityHolder;
  /** the `authorized_role_changes` entry it consumes, looked up in the holder role's list */
  readonly transition: { readonly from: TransitionFrom; readonly to: TransitionTo } | null;
  /** acting on oneself is refused (use leave, changeOwnRole, removeOwnClient instead) */
  readonly refusesSelf: boolean;
  /** the target must be in the participant list (`required`), must not be (`absent`), or either */
  readonly targetListed: 'required' | 'absent' | 'any' | 'n/a';
  /** a fixed-membership room forbids it */
  readonly forbiddenByFixedMembership: boolean;
  /** the action needs the affected user to have at least one client */
  readonly needsClient: boolean;
  /** a short description for docs and hovers */
  readonly summary: string;
}

const spec = (s: ActionSpec) => s;

/** The table of actions (semantics.md, "Actions and the one capability each needs"). */
export const ACTIONS: { readonly [K in ActionType]: ActionSpec } = {
  add: spec({ type: 'add', capability: 'canAddParticipant', holder: 'actor', transition: { from: 'zero', to: 'destination' }, refusesSelf: true, targetListed: 'absent', forbiddenByFixedMembership: true, needsClient: false, summary: 'add a user to the participant list in role `to`' }),
  remove: spec({ type: 'remove', capability: 'canRemoveParticipant', holder: 'actor', transition: { from: 'target', to: 'zero' }, refusesSelf: true, targetListed: 'required', forbiddenByFixedMembership: true, needsClient: false, summary: 'remove a participant from the list (and all its clients)' }),
  changeRole: spec({ type: 'changeRole', capability: 'canChangeUserRole', holder: 'actor', transition: { from: 'target', to: 'destination' }, refusesSelf: true, targetListed: 'required', forbiddenByFixedMembership: false, needsClient: false, summary: "move a participant to another non-zero role (role 1 included)" }),
  ban: spec({ type: 'ban', capability: 'canBan', holder: 'actor', transition: { from: 'target', to: 'banned' }, refusesSelf: true, targetListed: 'any', forbiddenByFixedMembership: false, needsClient: false, summary: 'move a user (listed or not) into the banned role' }),
  unban: spec({ type: 'unban', capability: 'canUnBan', holder: 'actor', transition: { from: 'banned', to: 'destination' }, refusesSelf: true, targetListed: 'required', forbiddenByFixedMembership: false, needsClient: false, summary: 'move a banned participant to a non-zero, non-banned role' }),
  kick: spec({ type: 'kick', capability: 'canKick', holder: 'actor', transition: null, refusesSelf: true, targetListed: 'required', forbiddenByFixedMembership: false, needsClient: true, summary: "remove all of a participant's clients; the list is unchanged" }),
  leave: spec({ type: 'leave', capability: 'canRemoveSelf', holder: 'actor', transition: { from: 'actor', to: 'zero' }, refusesSelf: false, targetListed: 'n/a', forbiddenByFixedMembership: true, needsClient: false, summary: 'leave the room (own role → 0)' }),
  removeOwnClient: spec({ type: 'removeOwnClient', capability: 'canRemoveOwnClient', holder: 'actor', transition: null, refusesSelf: false, targetListed: 'n/a', forbiddenByFixedMembership: false, needsClient: true, summary: "remove one of one's own clients" }),
  addOwnClient: spec({ type: 'addOwnClient', capability: 'canAddOwnClient', holder: 'actor', transition: null, refusesSelf: false, targetListed: 'n/a', forbiddenByFixedMembership: false, needsClient: false, summary: "add clients of one's own" }),
  changeOwnRole: spec({ type: 'changeOwnRole', capability: 'canChangeOwnRole', holder: 'actor', transition: null, refusesSelf: false, targetListed: 'n/a', forbiddenByFixedMembership: false, needsClient: false, summary: 'take the role of the first preauth entry that matches one’s claims' }),
  join: spec({ type: 'join', capability: null, holder: 'zero', transition: null, refusesSelf: false, targetListed: 'n/a', forbiddenByFixedMembership: true, needsClient: false, summary: 'join the room (open, by preauthorization, or with a join code)' }),
  capability: spec({ type: 'capability', capability: null, holder: 'actor', transition: null, refusesSelf: false, targetListed: 'n/a', forbiddenByFixedMembership: false, needsClient: false, summary: 'exercise a capability that moves nobody (send a message, change the room name …)' }),
};

/** The three ways of joining (semantics.md: join). */
export const JOIN: { readonly [K in JoinVia]: { capability: string; holder: CapabilityHolder; transition: ActionSpec['transition'] } } = {
  open: { capability: 'canOpenJoin', holder: 'zero', transition: { from: 'zero', to: 'destination' } },
  preauth: { capability: 'canJoinIfPreauthorized', holder: 'destination', transition: null },
  code: { capability: 'canUseJoinCode', holder: 'zero', transition: null },
};

/** Capability code of a registered capability named by the semantics or the analyses (throws on a typo there). */
export const cap = (name: string): number => {
  const c = capabilityByName.get(name);
  if (!c) throw new Error(`semantics: unknown capability ${name}`);
  return c.code;
};

/**
 * The order in which checks run when several fail (semantics.md, "Decisions"), with the stable
 * `rule` name a denial reports. An allowed decision's rule is `ok:<capability>`.
 */
export const CHECK_ORDER = [
  ['holder', ['undefined_actor_role', 'malformed_state']],
  ['capability', ['missing_capability']],
  ['who', ['self_target', 'target_not_listed', 'target_already_listed', 'actor_not_listed', 'actor_listed']],
  ['fixed', ['fixed_membership']],
  ['bannedRole', ['no_banned_role']],
  ['targetRole', ['undefined_target_role']],
  ['targetState', ['target_not_banned', 'no_clients']],
  ['destination', ['missing_destination', 'destination_zero', 'destination_banned', 'unchanged_role', 'no_preauth_match', 'preauth_mismatch']],
  ['transition', ['no_role_change_entry']],
  ['destinationRole', ['undefined_destination_role']],
  ['roleConstraints', ['min_participants', 'max_participants', 'min_active', 'max_active']],
  ['baseLimits', ['max_users', 'max_clients', 'single_device']],
] as const;
export type DenyRule = (typeof CHECK_ORDER)[number][1][number];

/** The banned role: role 1, only when it is defined exactly once and named exactly `banned`. */
export function hasBannedRole(policy: Pick<Policy, 'roles'>): boolean {
  const ones = policy.roles.filter((r) => r.index === 1);
  return ones.length === 1 && ones[0].name === 'banned';
}

/** Roles by index; an index defined twice is undefined (fail closed). */
export function roleTable(policy: Pick<Policy, 'roles'>): Map<number, Role> {
  const count = new Map<number, number>();
  for (const r of policy.roles) count.set(r.index, (count.get(r.index) ?? 0) + 1);
  return new Map(policy.roles.filter((r) => count.get(r.index) === 1).map((r) => [r.index, r]));
}

/** Does `role` list `from → to` in its authorized_role_changes (entries with one source combine)? */
export function listsTransition(role: Role, from: number, to: number): boolean {
  for (const ch of role.changes) if (ch.from === from && ch.to.includes(to)) return true;
  return false;
}

/** One way an `authorized_role_changes` entry can be used. */
export interface EntryUse {
  action: ActionType | 'join-open';
  /** the capability the holder needs for this use */
  capability: string;
  /** `self`: only on the holder itself (leave); `other`: on another user; `joiner`: the actor joins */
  on: 'self' | 'other' | 'joiner';
}

/**
 * Every way a holder's entry `from → to` can be consumed — the inverse of the transition column of
 * ACTIONS (plus open join from role 0's list). Used by the analyses (dead transitions, escalation
 * graphs) and by the generated evaluator's `canTransition`.
 */
export function entryUses(from: number, to: number, bannedRole: boolean, holderIndex: number): EntryUse[] {
  const uses: EntryUse[] = [];
  if (from === to) return uses;
  const banned = (i: number) => bannedRole && i === 1;
  if (from === 0) {
    uses.push({ action: 'add', capability: 'canAddParticipant', on: 'other' });
    if (banned(to)) uses.push({ action: 'ban', capability: 'canBan', on: 'other' });
    if (holderIndex === 0) uses.push({ action: 'join-open', capability: 'canOpenJoin', on: 'joiner' });
    return uses;
  }
  if (to === 0) {
    uses.push({ action: 'remove', capability: 'canRemoveParticipant', on: 'other' });
    if (holderIndex === from) uses.push({ action: 'leave', capability: 'canRemoveSelf', on: 'self' });
    return uses;
  }
  if (banned(to)) uses.push({ action: 'ban', capability: 'canBan', on: 'other' });
  if (banned(from)) uses.push({ action: 'unban', capability: 'canUnBan', on: 'other' });
  uses.push({ action: 'changeRole', capability: 'canChangeUserRole', on: 'other' });
  return uses;
}

// ---- The evaluators' plan: what each action checks, in order, and what it does to the state --------
//
// Everything below is derived from ACTIONS, JOIN and CHECK_ORDER above (plus the two small tables of
// effects and destinations). Each check kind means what its one expression in runtime/checks.ts says:
// the interpreter (runtime/evaluator) compiles the plans' expressions into closures, the code generator
// (compiler/emit/plan-printer) prints them as one straight-line block per plan.

/** An action type with the join mode spelled out: the unit a plan is built for. */
export type PlanKey = Exclude<ActionType, 'join'> | `join:${JoinVia}`;
export const PLAN_KEYS: readonly PlanKey[] = [...ACTION_TYPES.filter((t): t is Exclude<ActionType, 'join'> => t !== 'join'), ...JOIN_VIAS.map((v) => `join:${v}` as const)];
export const planKey = (type: ActionType, via?: JoinVia): PlanKey => (type === 'join' ? `join:${via ?? 'open'}` : type);
export const planAction = (key: PlanKey): { type: ActionType; via?: JoinVia } =>
  key.startsWith('join:') ? { type: 'join', via: key.slice(5) as JoinVia } : { type: key as ActionType };

/** What happens to the mover's clients (semantics.md: kick and ban remove all, leave/remove take them along). */
export type ClientsEffect = 'keep' | 'zero' | 'set' | 'add' | 'removeOne';
/** Who moves (whose role or clients change), and what happens to its clients. */
export interface Effect {
  readonly mover: 'target' | 'actor' | null;
  readonly clients: ClientsEffect;
  /** the value of `clients` when the action does not give it (`set` and `add`) */
  readonly clientsDefault: number;
}
export const EFFECTS: { readonly [K in ActionType]: Effect } = {
  add: { mover: 'target', clients: 'set', clientsDefault: 0 },
  remove: { mover: 'target', clients: 'zero', clientsDefault: 0 },
  changeRole: { mover: 'target', clients: 'keep', clientsDefault: 0 },
  ban: { mover: 'target', clients: 'zero', clientsDefault: 0 },
  unban: { mover: 'target', clients: 'keep', clientsDefault: 0 },
  kick: { mover: 'target', clients: 'zero', clientsDefault: 0 },
  leave: { mover: 'actor', clients: 'zero', clientsDefault: 0 },
  removeOwnClient: { mover: 'actor', clients: 'removeOne', clientsDefault: 0 },
  addOwnClient: { mover: 'actor', clients: 'add', clientsDefault: 1 },
  changeOwnRole: { mover: 'actor', clients: 'keep', clientsDefault: 0 },
  join: { mover: 'actor', clients: 'set', clientsDefault: 1 },
  capability: { mover: null, clients: 'keep', clientsDefault: 0 },
};

/**
 * Where the mover ends up: role 0, the banned role, the action's `to`, the first preauth match
 * (`match`: any role, for a preauthorized join; `matchNonZero`: the first match with a non-zero role,
 * for changeOwnRole), or where it already is (`same`).
 */
export type DestinationSource = 'zero' | 'banned' | 'to' | 'match' | 'matchNonZero' | 'same';
export function destinationSource(key: PlanKey): DestinationSource | null {
  const { type, via } = planAction(key);
  if (type === 'capability') return null;
  if (type === 'changeOwnRole') return 'matchNonZero';
  if (type === 'join') return via === 'preauth' ? 'match' : 'to';
  const t = ACTIONS[type].transition;
  if (!t) return 'same';
  return t.to === 'destination' ? 'to' : t.to;
}

/** Which action fields a plan reads (the action schema rejects the others). */
export function actionFields(type: ActionType): { target: boolean; to: boolean; clients: boolean; via: boolean; capability: boolean } {
  const a = ACTIONS[type];
  const e = EFFECTS[type];
  return {
    target: e.mover === 'target',
    to: a.transition?.to === 'destination' || type === 'join' || type === 'changeOwnRole',
    clients: e.clients === 'set' || e.clients === 'add',
    via: type === 'join',
    capability: type === 'capability',
  };
}

/** The primitive checks a plan is made of. Each names what must hold for the action to go on. */
export const CHECKS = [
  /** the holder role is defined (fail closed) */
  'holderDefined',
  /** (preauthorized join) some preauth entry matches the claims: it gives the holder and destination */
  'preauthMatch',
  /** (preauthorized join) the first match is not role 0 */
  'matchNonZero',
  'holderHasCapability',
  'notSelf',
  'targetListed',
  'targetAbsent',
  'actorListed',
  'actorAbsent',
  /** the room does not have fixed membership */
  'notFixed',
  /** the room does not have fixed membership, or the action adds nobody to the list (ban of a participant) */
  'notFixedIfNewUser',
  'bannedRoleExists',
  /** the mover's current role is 0 (not listed) or defined */
  'moverRoleDefined',
  'moverBanned',
  'moverHasClients',
  'destinationGiven',
  'destinationNonZero',
  'destinationNotBanned',
  /** (changeOwnRole) some preauth entry with a non-zero role matches */
  'ownPreauthMatch',
  /** the mover does not already have the destination role */
  'destinationChanged',
  /** an explicit `to` equals the preauth match */
  'destinationMatches',
  /** the holder's authorized_role_changes list the move */
  'holderListsTransition',
  'destinationDefined',
  'minParticipants',
  'maxParticipants',
  'minActive',
  'maxActive',
  'maxUsers',
  'maxClients',
  'singleDevice',
] as const;
export type CheckKind = (typeof CHECKS)[number];

export interface PlanStep {
  readonly check: CheckKind;
  /** the rule a decision names when this check fails */
  readonly rule: DenyRule;
}

export interface Plan {
  readonly key: PlanKey;
  readonly type: ActionType;
  readonly via?: JoinVia;
  /** the capability it needs; null = the one the action names */
  readonly capability: string | null;
  readonly holder: CapabilityHolder;
  readonly destination: DestinationSource | null;
  readonly steps: readonly PlanStep[];
}

const GROUP_OF = new Map<string, string>(CHECK_ORDER.flatMap(([g, rules]) => rules.map((r) => [r, g] as [string, string])));
const GROUP_RANK = new Map<string, number>(CHECK_ORDER.map(([g], i) => [g, i]));

/**
 * The plan of one action: its checks in the documented order (semantics.md, "Decisions"), built from
 * the ACTIONS row. For a preauthorized join the preauth match decides who the holder is, so finding
 * it (and refusing role 0) comes first, in the holder stage.
 */
export function buildPlan(key: PlanKey): Plan {
  const { type, via } = planAction(key);
  const a = ACTIONS[type];
  const e = EFFECTS[type];
  const join = via ? JOIN[via] : undefined;
  const capability = join ? join.capability : a.capability;
  const holder = join ? join.holder : a.holder;
  const transition = join ? join.transition : a.transition;
  const destination = destinationSource(key);
  const steps: PlanStep[] = [];
  const step = (check: CheckKind, rule: DenyRule) => steps.push({ check, rule });

  // holder role defined
  if (holder === 'destination') {
    step('preauthMatch', 'no_preauth_match');
    step('matchNonZero', 'destination_zero');
    step('holderDefined', 'undefined_destination_role');
  } else step('holderDefined', 'undefined_actor_role');
  // capability
  step('holderHasCapability', 'missing_capability');
  // who may act on whom
  if (a.refusesSelf) step('notSelf', 'self_target');
  if (a.targetListed === 'required') step('targetListed', 'target_not_listed');
  if (a.targetListed === 'absent') step('targetAbsent', 'target_already_listed');
  if (type === 'join') step('actorAbsent', 'actor_listed');
  else if (e.mover === 'actor') step('actorListed', 'actor_not_listed');
  // fixed membership: users cannot be added, join, leave or be removed
  if (a.forbiddenByFixedMembership) step('notFixed', 'fixed_membership');
  else if (a.targetListed === 'any') step('notFixedIfNewUser', 'fixed_membership');
  // banned-role validity
  if (transition && (transition.from === 'banned' || transition.to === 'banned')) step('bannedRoleExists', 'no_banned_role');
  // target's role defined
  if (e.mover === 'target' && a.targetListed !== 'absent') step('moverRoleDefined', 'undefined_target_role');
  // target banned / has clients
  if (transition?.from === 'banned') step('moverBanned', 'target_not_banned');
  if (a.needsClient) step('moverHasClients', 'no_clients');
  // destination given, non-zero, changed
  if (destination === 'to') {
    step('destinationGiven', 'missing_destination');
    step('destinationNonZero', 'destination_zero');
    if (transition?.from === 'banned') step('destinationNotBanned', 'destination_banned');
    if (e.mover === 'target' && a.targetListed !== 'absent') step('destinationChanged', 'unchanged_role');
  } else if (destination === 'banned') step('destinationChanged', 'unchanged_role');
  else if (destination === 'matchNonZero') {
    step('ownPreauthMatch', 'no_preauth_match');
    step('destinationChanged', 'unchanged_role');
    step('destinationMatches', 'preauth_mismatch');
  } else if (destination === 'match') step('destinationMatches', 'preauth_mismatch');
  // transition entry
  if (transition) step('holderListsTransition', 'no_role_change_entry');
  // destination defined
  if (destination === 'to' || destination === 'matchNonZero') step('destinationDefined', 'undefined_destination_role');
  // role constraints, then base limits
  if (e.mover) {
    step('minParticipants', 'min_participants');
    step('maxParticipants', 'max_participants');
    step('minActive', 'min_active');
    step('maxActive', 'max_active');
    step('maxUsers', 'max_users');
    step('maxClients', 'max_clients');
    step('singleDevice', 'single_device');
  }
  // the documented order is a property of the plan, not of how it was written down above
  for (let i = 1; i < steps.length; i++) {
    const [p, q] = [GROUP_RANK.get(GROUP_OF.get(steps[i - 1].rule)!)!, GROUP_RANK.get(GROUP_OF.get(steps[i].rule)!)!];
    const holderStage = holder === 'destination' && i <= 3;
    if (q < p && !holderStage) throw new Error(`semantics: plan ${key} checks ${steps[i].rule} after ${steps[i - 1].rule}`);
  }
  return { key, type, ...(via ? { via } : {}), capability, holder, destination, steps };
}

export const PLANS: { readonly [K in PlanKey]: Plan } = Object.fromEntries(PLAN_KEYS.map((k) => [k, buildPlan(k)])) as { [K in PlanKey]: Plan };

/** Rules of a whole ParticipantListUpdate that no single action has. */
export const UPDATE_RULES = ['bad_user_index', 'user_touched_twice'] as const;
export type UpdateRule = (typeof UPDATE_RULES)[number];

/** A change of a ParticipantListUpdate, in the order they apply (semantics.md, "Outside single-action"). */
export type UpdateChangeKind = 'changed' | 'removed' | 'added';
export const UPDATE_ORDER: readonly UpdateChangeKind[] = ['changed', 'removed', 'added'];

/**
 * The actions a change of a ParticipantListUpdate may be authorized as, most specific first; the
 * change is allowed when one of them is. A change the sender makes to itself is leave, changeOwnRole
 * or a join; a move into or out of the banned role is a ban or unban, or a plain role change
 * (canChangeUserRole may move someone into or out of role 1).
 */
export function updateActions(kind: UpdateChangeKind, self: boolean, fromBanned: boolean, toBanned: boolean): readonly PlanKey[] {
  if (kind === 'removed') return self ? ['leave'] : ['remove'];
  if (kind === 'added') return self ? ['join:open', 'join:preauth'] : toBanned ? ['add', 'ban'] : ['add'];
  if (self) return ['changeOwnRole'];
  if (toBanned && !fromBanned) return ['ban', 'changeRole'];
  if (fromBanned && !toBanned) return ['unban', 'changeRole'];
  return ['changeRole'];
}

/** Does a request carrying `claims` match a preauth entry's claimset (all of them, exact bytes)? */
export function claimsMatch(entry: readonly { credentialType: number; id: string; value: string }[], claims: readonly { credentialType: number; id: string; value: string }[]): boolean {
  for (const c of entry) {
    let found = false;
    for (const d of claims) if (d.credentialType === c.credentialType && d.id === c.id && d.value === c.value) found = true;
    if (!found) return false;
  }
  return true;
}

// ---- Reasons: one sentence per rule, filled in the same way by both evaluators -------------------

/** The values a reason may name. Roles are rendered by roleLabel, users by userLabel. */
export type ReasonVar = 'actor' | 'target' | 'mover' | 'holder' | 'from' | 'to' | 'requested' | 'match' | 'capability' | 'type' | 'role' | 'count' | 'limit';
export type ReasonPart = string | { readonly v: ReasonVar };

const tpl = (strings: TemplateStringsArray, ...vars: ReasonVar[]): readonly ReasonPart[] => {
  const parts: ReasonPart[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(s);
    if (i < vars.length) parts.push({ v: vars[i] });
  });
  return parts;
};

/** Why an action was denied, by rule. */
export const DENY_REASONS: { readonly [R in DenyRule | UpdateRule]: readonly ReasonPart[] } = {
  undefined_actor_role: tpl`the acting role (${'holder'}) is not defined by the policy`,
  malformed_state: tpl`the participant list is malformed`,
  missing_capability: tpl`${'holder'} does not hold ${'capability'}`,
  self_target: tpl`${'actor'} cannot ${'type'} itself`,
  target_not_listed: tpl`${'target'} is not in the participant list`,
  target_already_listed: tpl`${'target'} is already in the participant list`,
  actor_not_listed: tpl`${'actor'} is not in the participant list`,
  actor_listed: tpl`${'actor'} is already in the participant list`,
  fixed_membership: tpl`the room has fixed membership: users cannot be added, join, leave or be removed`,
  no_banned_role: tpl`the policy has no banned role (role 1 named \`banned\`)`,
  undefined_target_role: tpl`the role of ${'mover'} (${'from'}) is not defined by the policy`,
  target_not_banned: tpl`${'mover'} is not banned (it has ${'from'})`,
  no_clients: tpl`${'mover'} has no clients in the group`,
  missing_destination: tpl`the action names no destination role (\`to\`)`,
  destination_zero: tpl`the destination cannot be role 0 (not in the list)`,
  destination_banned: tpl`the destination of an unban cannot be the banned role`,
  unchanged_role: tpl`${'mover'} already has ${'to'}`,
  no_preauth_match: tpl`no preauthorization entry matches the claims of ${'actor'}`,
  preauth_mismatch: tpl`the first matching preauthorization entry gives ${'match'}, not ${'requested'}`,
  no_role_change_entry: tpl`${'holder'} has no authorized role change ${'from'} -> ${'to'}`,
  undefined_destination_role: tpl`the destination ${'to'} is not defined by the policy`,
  min_participants: tpl`${'role'} would have ${'count'} participants, fewer than its minimum ${'limit'}`,
  max_participants: tpl`${'role'} would have ${'count'} participants, more than its maximum ${'limit'}`,
  min_active: tpl`${'role'} would have ${'count'} active participants, fewer than its minimum ${'limit'}`,
  max_active: tpl`${'role'} would have ${'count'} active participants, more than its maximum ${'limit'}`,
  max_users: tpl`the room would have ${'count'} users, more than max_users ${'limit'}`,
  max_clients: tpl`the room would have ${'count'} clients, more than max_clients ${'limit'}`,
  single_device: tpl`the room is single-device and ${'mover'} would have ${'count'} clients`,
  bad_user_index: tpl`the update names participant index ${'count'}, but the list has ${'limit'} entries`,
  user_touched_twice: tpl`the update changes ${'target'} more than once`,
};

/** Why an action was allowed, by plan. */
export const ALLOW_REASONS: { readonly [K in PlanKey]: readonly ReasonPart[] } = {
  add: tpl`${'holder'} may add ${'target'} as ${'to'} (${'capability'})`,
  remove: tpl`${'holder'} may remove ${'target'}, who has ${'from'} (${'capability'})`,
  changeRole: tpl`${'holder'} may move ${'target'} from ${'from'} to ${'to'} (${'capability'})`,
  ban: tpl`${'holder'} may ban ${'target'}, who has ${'from'} (${'capability'})`,
  unban: tpl`${'holder'} may unban ${'target'} to ${'to'} (${'capability'})`,
  kick: tpl`${'holder'} may remove the clients of ${'target'} (${'capability'})`,
  leave: tpl`${'actor'} may leave ${'from'} (${'capability'})`,
  removeOwnClient: tpl`${'actor'} may remove one of its clients (${'capability'})`,
  addOwnClient: tpl`${'actor'} may add ${'count'} of its clients (${'capability'})`,
  changeOwnRole: tpl`${'actor'} may change its role from ${'from'} to ${'to'} (${'capability'})`,
  'join:open': tpl`${'actor'} may join as ${'to'} (${'capability'} on ${'holder'})`,
  'join:preauth': tpl`${'actor'} may join as ${'to'} (${'capability'})`,
  'join:code': tpl`${'actor'} may join as ${'to'} with a join code (${'capability'} on ${'holder'})`,
  capability: tpl`${'holder'} holds ${'capability'}`,
};

/** How a role is named in reasons: its name in backticks, or `role N` when the policy does not define it. */
export const roleLabel = (index: number, name: string | undefined): string => (name === undefined ? `role ${index}` : `\`${name}\``);
/** How a user is named in reasons. */
export const userLabel = (user: string): string => `\`${user}\``;
/** The rule of an allowed decision. */
export const okRule = (capabilityName: string): string => `ok:${capabilityName}`;

// ---- Clients: which capabilities only a member of the MLS group can exercise ------------------------

/**
 * Capabilities whose exercise needs one of the holder's own clients in the MLS group: sending and
 * receiving messages, assets and real-time media (they travel as MLS application messages), and the
 * actions on the actor's own clients that the ACTIONS table marks `needsClient`. Membership and room
 * changes do not: an external sender with no client may propose them. Used by the analyses (a role
 * whose active maximum is 0 cannot use them). Adding a client (`addOwnClient`) is reported by
 * `addsOwnClient` instead: it needs no client, it makes one.
 */
export function needsOwnClient(code: number): boolean {
  const c = capabilityByCode.get(code);
  if (!c) return false;
  if (c.category === 'message' || c.category === 'asset' || c.category === 'media') return true;
  return ACTION_TYPES.some((t) => ACTIONS[t].capability === c.name && ACTIONS[t].needsClient && ACTIONS[t].targetListed === 'n/a');
}

/** Does exercising this capability give the holder a client (so it breaks an active maximum of 0)? */
export const addsOwnClient = (code: number): boolean => capabilityByCode.get(code)?.name === ACTIONS.addOwnClient.capability;
