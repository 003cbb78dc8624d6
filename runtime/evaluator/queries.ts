/**
 * The questions that need no participant list: does a role hold a capability, which role do these
 * claims preauthorize, and may a holder of one role move a user from one role to another at all (what
 * an admin UI needs to fill a dropdown). canTransition is defined by runtime/semantics.ts `entryUses`:
 * some use of the holder's `from → to` entry whose capability the holder holds, and which a
 * fixed-membership room does not forbid.
 */
import { ACTIONS, entryUses, type EntryUse } from '../semantics.js';
import { InvalidInputError, type InputIssue } from './errors.js';
import { hint, parseClaims, resolveRole, type CapabilityRef, type ClaimInput, type RoleRef } from './inputs.js';
import { firstPreauthMatch } from './authorize.js';
import { indexPolicy, type IndexedPolicy, type IndexOptions } from './policy.js';

type PolicyArg = Parameters<typeof indexPolicy>[0];

function roleArg(ip: IndexedPolicy, ref: RoleRef, path: string): number {
  if (typeof ref === 'number' && ref >>> 0 === ref) return ref;
  if (typeof ref === 'number' && !(Number.isInteger(ref) && ref >= 0 && ref <= 0xffffffff)) throw new InvalidInputError([{ path, message: 'a role index is an integer from 0 to 4294967295' }]);
  if (typeof ref !== 'number' && typeof ref !== 'string') throw new InvalidInputError([{ path, message: 'a role is an index or a name' }]);
  const issues: InputIssue[] = [];
  const i = resolveRole(ip, ref, path, issues);
  if (issues.length) throw new InvalidInputError(issues);
  return i;
}

function capabilityArg(ip: IndexedPolicy, ref: CapabilityRef, path: string): number {
  if (typeof ref === 'number' && (ref & 0xffff) === ref) return ref;
  if (typeof ref === 'number') {
    if (!(Number.isInteger(ref) && ref >= 0 && ref <= 0xffff)) throw new InvalidInputError([{ path, message: 'a capability code is an integer from 0 to 65535' }]);
    return ref;
  }
  const code = typeof ref === 'string' ? ip.capabilityCodes.get(ref) : undefined;
  if (code === undefined) throw new InvalidInputError([{ path, message: `unknown capability \`${String(ref)}\`${typeof ref === 'string' ? hint(ref, ip.capabilityCodes.keys()) : ''}` }]);
  return code;
}

/** Does `role` hold `capability`? An undefined role holds nothing (fail closed); unknown names throw. */
export function hasCapability(policy: PolicyArg, role: RoleRef, capability: CapabilityRef, options?: IndexOptions): boolean {
  const ip = indexPolicy(policy, options);
  return ip.holds(roleArg(ip, role, 'role'), capabilityArg(ip, capability, 'capability'));
}

/** The role index of the first preauth entry the claims match, or null. */
export function preauthorizedRole(policy: PolicyArg, claims: readonly ClaimInput[], options?: IndexOptions): number | null {
  const ip = indexPolicy(policy, options);
  return firstPreauthMatch(ip, parseClaims(claims)) ?? null;
}

/** The uses of `from → to` a holder of `actor` could make, state and constraints aside. */
export function transitionUses(policy: PolicyArg, actor: RoleRef, from: RoleRef, to: RoleRef, options?: IndexOptions): EntryUse[] {
  const ip = indexPolicy(policy, options);
  const [a, f, t] = [roleArg(ip, actor, 'actorRole'), roleArg(ip, from, 'fromRole'), roleArg(ip, to, 'toRole')];
  const defined = (i: number) => i === 0 || ip.roles.has(i);
  if (!ip.roles.has(a) || !defined(f) || !defined(t)) return [];
  if (!ip.lists(a, f, t)) return [];
  const fixedForbids = (action: EntryUse['action']) =>
    ip.base.fixedMembership && (action === 'join-open' || ACTIONS[action].forbiddenByFixedMembership || (action === 'ban' && f === 0));
  return entryUses(f, t, ip.bannedRole, a).filter((u) => ip.holds(a, ip.capabilityCodes.get(u.capability)!) && !fixedForbids(u.action));
}

/** Is there an action by which a holder of `actorRole` may move a user from `fromRole` to `toRole`? */
export function canTransition(policy: PolicyArg, actorRole: RoleRef, fromRole: RoleRef, toRole: RoleRef, options?: IndexOptions): boolean {
  const ip = indexPolicy(policy, options);
  // numeric queries are answered once per (actor, from, to) and then from the memo
  if (typeof actorRole === 'number' && typeof fromRole === 'number' && typeof toRole === 'number' && Number.isInteger(actorRole + fromRole + toRole))
    return ip.memoTransition(actorRole, fromRole, toRole, () => transitionUses(ip, actorRole, fromRole, toRole).length > 0);
  return transitionUses(ip, actorRole, fromRole, toRole).length > 0;
}

/** Every role a holder of `actorRole` may move a user in `fromRole` to, ascending (role 0 = out of the list). */
export function allowedTargets(policy: PolicyArg, actorRole: RoleRef, fromRole: RoleRef, options?: IndexOptions): number[] {
  const ip = indexPolicy(policy, options);
  const candidates = new Set<number>([0, ...ip.roles.keys()]);
  return [...candidates].sort((x, y) => x - y).filter((t) => canTransition(ip, actorRole, fromRole, t));
}

