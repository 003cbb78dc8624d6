/**
 * The authorization semantics of draft-ietf-mimi-room-policy-03, decided once (docs/semantics.md).
 *
 * This module is the one place that says, for every action, which capability it needs, whose role
 * holds it, which `authorized_role_changes` entry it consumes, and which checks it runs in which order.
 * The interpreter (runtime/evaluator), the analyses (compiler/analyses) and the generated evaluator
 * (compiler/emit/typescript) all read these tables and functions; none restates them.
 */
import { capabilityByName } from './registry.js';
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

/** Capability code of a registered capability used by the semantics (throws on a typo here). */
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
