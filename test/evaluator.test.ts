/**
 * The interpreter, action by action: each plan's allowed path and every denial rule of
 * runtime/semantics.ts, on one small policy (patched where a case needs an unusual policy), plus
 * whole ParticipantListUpdates, the state-free queries, and malformed input (an error, not a decision).
 */
import { describe, expect, it } from 'vitest';
import { compileSource } from '../compiler/index.js';
import { encodeOid, utf8Hex } from '../runtime/claims.js';
import { allowedTargets, authorize, authorizeUpdate, canTransition, hasCapability, indexPolicy, InvalidInputError, preauthorizedRole } from '../runtime/evaluator/index.js';
import type { Policy } from '../runtime/ir.js';
import { CHECK_ORDER, PLAN_KEYS, PLANS, UPDATE_RULES } from '../runtime/semantics.js';

const SOURCE = `
room { max_users 6  max_clients 8 }
role no_role @0 { grant canOpenJoin canUseJoinCode  changes { none -> member } }
role banned @1 { active 0..0 }
role member @2 {
  grant canSendMessage canRemoveSelf canRemoveOwnClient canAddOwnClient canChangeOwnRole canJoinIfPreauthorized
  changes { member -> none }
}
role mod @3 {
  grant canSendMessage canKick canBan canUnBan canRemoveParticipant canChangeUserRole canAddParticipant
  grant canRemoveSelf canChangeOwnRole canJoinIfPreauthorized
  participants 1..2
  active 0..2
  changes {
    none -> member, mod, banned
    member -> none, banned, mod, vip
    banned -> none, member
    mod -> member, none
  }
}
role vip @4 { grant canSendMessage canJoinIfPreauthorized  participants 0..1 }
role lurker @5 { }
preauth {
  mod when x509 "2.5.4.11" = "Mods"
  vip when x509 "2.5.4.11" = "VIP"
}
`;
const compiled = compileSource(SOURCE);
const POLICY: Policy = compiled.policy;
const MODS = [{ credentialType: 2, id: encodeOid('2.5.4.11'), value: utf8Hex('Mods') }];
const VIPS = [{ credentialType: 2, id: encodeOid('2.5.4.11'), value: utf8Hex('VIP') }];
const STATE = {
  participants: [
    { user: 'mo', role: 'mod', clients: 1 },
    { user: 'ma', role: 'member', clients: 2 },
    { user: 'mb', role: 2, clients: 0 },
    { user: 'bn', role: 'banned', clients: 0 },
    { user: 'vi', role: 'vip', clients: 1 },
  ],
};
const patched = (f: (p: Policy) => void): Policy => {
  const p = structuredClone(POLICY);
  f(p);
  return p;
};
const role = (p: Policy, name: string) => p.roles.find((r) => r.name === name)!;

type Case = [string, Record<string, unknown>, string, { policy?: Policy; state?: typeof STATE }?];
const withU9 = { state: { participants: [...STATE.participants, { user: 'u9', role: 9 as never, clients: 1 }] } };

/** [what, action, expected rule, policy/state overrides] */
const CASES: Case[] = [
  // allowed: one per plan
  ['add', { type: 'add', actor: 'mo', target: 'new', to: 'member' }, 'ok:canAddParticipant'],
  ['remove', { type: 'remove', actor: 'mo', target: 'ma' }, 'ok:canRemoveParticipant'],
  ['changeRole', { type: 'changeRole', actor: 'mo', target: 'ma', to: 'mod' }, 'ok:canChangeUserRole'],
  ['ban a participant', { type: 'ban', actor: 'mo', target: 'ma' }, 'ok:canBan'],
  ['ban a non-participant', { type: 'ban', actor: 'mo', target: 'ghost' }, 'ok:canBan'],
  ['unban', { type: 'unban', actor: 'mo', target: 'bn', to: 'member' }, 'ok:canUnBan'],
  ['kick', { type: 'kick', actor: 'mo', target: 'ma' }, 'ok:canKick'],
  ['leave', { type: 'leave', actor: 'ma' }, 'ok:canRemoveSelf'],
  ['removeOwnClient', { type: 'removeOwnClient', actor: 'ma' }, 'ok:canRemoveOwnClient'],
  ['addOwnClient', { type: 'addOwnClient', actor: 'ma', clients: 2 }, 'ok:canAddOwnClient'],
  ['changeOwnRole', { type: 'changeOwnRole', actor: 'ma', claims: MODS }, 'ok:canChangeOwnRole'],
  ['join open', { type: 'join', actor: 'ghost', via: 'open', to: 'member' }, 'ok:canOpenJoin'],
  ['join preauth', { type: 'join', actor: 'ghost', via: 'preauth', claims: MODS, to: 'mod' }, 'ok:canJoinIfPreauthorized'],
  ['join code', { type: 'join', actor: 'ghost', via: 'code', to: 2 }, 'ok:canUseJoinCode'],
  ['capability by name', { type: 'capability', actor: 'ma', capability: 'canSendMessage' }, 'ok:canSendMessage'],
  ['an external sender acts as its preauth role', { type: 'remove', actor: 'hub', target: 'ma', claims: MODS }, 'ok:canRemoveParticipant'],
  // denied: every rule, in the documented order
  ['undefined holder', { type: 'kick', actor: 'u9', target: 'ma' }, 'undefined_actor_role', withU9],
  ['no canBan', { type: 'ban', actor: 'ma', target: 'mb' }, 'missing_capability'],
  ['unknown capability code: fail closed', { type: 'capability', actor: 'ma', capability: 0x0777 }, 'missing_capability'],
  ['no fallback to canChangeUserRole', { type: 'ban', actor: 'vi', target: 'ma' }, 'missing_capability'],
  ['self', { type: 'kick', actor: 'mo', target: 'mo' }, 'self_target'],
  ['target not listed', { type: 'remove', actor: 'mo', target: 'ghost' }, 'target_not_listed'],
  ['target already listed', { type: 'add', actor: 'mo', target: 'ma', to: 'member' }, 'target_already_listed'],
  ['actor not listed', { type: 'leave', actor: 'ghost', claims: MODS }, 'actor_not_listed'],
  ['joiner listed', { type: 'join', actor: 'ma', via: 'open', to: 'member' }, 'actor_listed'],
  ['fixed membership', { type: 'remove', actor: 'mo', target: 'ma' }, 'fixed_membership', { policy: patched((p) => (p.base.fixedMembership = true)) }],
  ['fixed membership: no ban of a non-participant', { type: 'ban', actor: 'mo', target: 'ghost' }, 'fixed_membership', { policy: patched((p) => (p.base.fixedMembership = true)) }],
  ['no banned role', { type: 'ban', actor: 'mo', target: 'ma' }, 'no_banned_role', { policy: patched((p) => (role(p, 'banned').name = 'outcast')), state: { participants: STATE.participants.map((p) => (p.role === 'banned' ? { ...p, role: 1 } : p)) } }],
  ['undefined target role', { type: 'remove', actor: 'mo', target: 'u9' }, 'undefined_target_role', withU9],
  ['unban of a non-banned user', { type: 'unban', actor: 'mo', target: 'ma', to: 'member' }, 'target_not_banned'],
  ['kick without clients', { type: 'kick', actor: 'mo', target: 'mb' }, 'no_clients'],
  ['no destination', { type: 'changeRole', actor: 'mo', target: 'ma' }, 'missing_destination'],
  ['destination 0', { type: 'changeRole', actor: 'mo', target: 'ma', to: 0 }, 'destination_zero'],
  ['preauth match to role 0', { type: 'join', actor: 'ghost', via: 'preauth', claims: MODS }, 'destination_zero', { policy: patched((p) => (p.preauth![0].role = role(p, 'no_role'))) }],
  ['unban to banned', { type: 'unban', actor: 'mo', target: 'bn', to: 1 }, 'destination_banned'],
  ['same role', { type: 'changeRole', actor: 'mo', target: 'ma', to: 'member' }, 'unchanged_role'],
  ['ban of the banned', { type: 'ban', actor: 'mo', target: 'bn' }, 'unchanged_role'],
  ['changeOwnRole to the current role', { type: 'changeOwnRole', actor: 'mo', claims: MODS }, 'unchanged_role'],
  ['no preauth match', { type: 'join', actor: 'ghost', via: 'preauth' }, 'no_preauth_match'],
  ['changeOwnRole without a match', { type: 'changeOwnRole', actor: 'ma', claims: [] }, 'no_preauth_match'],
  ['preauth to another role than asked', { type: 'join', actor: 'ghost', via: 'preauth', claims: MODS, to: 'member' }, 'preauth_mismatch'],
  ['no such entry', { type: 'changeRole', actor: 'mo', target: 'vi', to: 'member' }, 'no_role_change_entry'],
  ['open join needs role 0’s entry', { type: 'join', actor: 'ghost', via: 'open', to: 'mod' }, 'no_role_change_entry'],
  ['undefined destination', { type: 'add', actor: 'mo', target: 'new', to: 7 }, 'undefined_destination_role', { policy: patched((p) => role(p, 'mod').changes[0].to.push(7)) }],
  ['the last mod leaves', { type: 'leave', actor: 'mo' }, 'min_participants'],
  ['a second vip', { type: 'changeRole', actor: 'mo', target: 'ma', to: 'vip' }, 'max_participants'],
  ['the last active member is kicked', { type: 'kick', actor: 'mo', target: 'ma' }, 'min_active', { policy: patched((p) => (role(p, 'member').minActive = 1)) }],
  ['an active user moved into banned (active 0..0)', { type: 'changeRole', actor: 'mo', target: 'ma', to: 'banned' }, 'max_active'],
  ['max_users', { type: 'add', actor: 'mo', target: 'new', to: 'member' }, 'max_users', { policy: patched((p) => (p.base.maxUsers = 4)) }],
  ['unban over max_users', { type: 'unban', actor: 'mo', target: 'bn', to: 'member' }, 'max_users', { policy: patched((p) => (p.base.maxUsers = 4)) }],
  ['max_clients', { type: 'addOwnClient', actor: 'ma', clients: 5 }, 'max_clients'],
  ['single device', { type: 'addOwnClient', actor: 'ma' }, 'single_device', { policy: patched((p) => (p.base.multiDevice = false)) }],
];

describe('authorize (interpreter)', () => {
  expect(compiled.ok).toBe(true);
  it.each(CASES)('%s', (_, action, rule, over) => {
    const d = authorize(over?.policy ?? POLICY, over?.state ?? STATE, action as never);
    expect(d.rule).toBe(rule);
    expect(d.allowed).toBe(rule.startsWith('ok:'));
    expect(d.reason).toMatch(/^[^\n]+$/);
  });

  it('covers every rule a plan can give, and every plan’s allowed path', () => {
    const used = new Set(CASES.map((c) => c[2]));
    const planRules = new Set(PLAN_KEYS.flatMap((k) => PLANS[k].steps.map((s) => s.rule)));
    expect([...planRules].filter((r) => !used.has(r))).toEqual([]);
    const okCaps = new Set(PLAN_KEYS.map((k) => PLANS[k].capability).filter((c) => c !== null));
    expect([...okCaps].filter((c) => !used.has(`ok:${c}`))).toEqual([]);
    // rules of CHECK_ORDER that no plan gives: reserved for callers that reject whole states
    expect(CHECK_ORDER.flatMap(([, rs]) => rs).filter((r) => !planRules.has(r))).toEqual(['malformed_state']);
  });

  it('names the roles in its reasons', () => {
    expect(authorize(POLICY, STATE, { type: 'ban', actor: 'ma', target: 'mb' }).reason).toBe('`member` does not hold canBan');
    expect(authorize(POLICY, STATE, { type: 'changeRole', actor: 'mo', target: 'vi', to: 'member' }).reason).toBe('`mod` has no authorized role change `vip` -> `member`');
    expect(authorize(POLICY, STATE, { type: 'leave', actor: 'mo' }).reason).toBe('`mod` would have 0 participants, fewer than its minimum 1');
    expect(authorize(POLICY, withU9.state, { type: 'kick', actor: 'u9', target: 'ma' }).reason).toBe('the acting role (role 9) is not defined by the policy');
  });

  it('rejects malformed input with the path of the problem, never deciding', () => {
    const bad: [unknown, unknown, RegExp][] = [
      [STATE, { type: 'ban', actor: 'mo' }, /action\.target/],
      [STATE, { type: 'ban', actor: 'mo', target: 'ma', to: 2 }, /`action\.to`: unrecognized key/],
      [STATE, { type: 'promote', actor: 'mo' }, /action\.type/],
      [STATE, { type: 'changeRole', actor: 'mo', target: 'ma', to: 'modd' }, /unknown role name `modd`; did you mean `mod`\?/],
      [STATE, { type: 'capability', actor: 'mo', capability: 'canSendMesage' }, /unknown capability `canSendMesage`; did you mean `canSendMessage`\?/],
      [STATE, { type: 'bann', actor: 'mo', target: 'ma' }, /`action\.type`: unknown action type `bann`; did you mean `ban`\?/],
      [STATE, { type: 'join', actor: 'x', via: 'door' }, /`action\.via`: unknown value `door`; expected one of open, preauth, code/],
      [STATE, { type: 'addOwnClient', actor: 'ma', clients: 0 }, /action\.clients/],
      [STATE, { type: 'join', actor: 'x', via: 'magic', to: 2 }, /action\.via/],
      [STATE, { type: 'join', actor: 'x', via: 'preauth', claims: [{ credentialType: 2, id: 'XYZ', value: '' }] }, /claims\.0\.id/],
      [{ participants: [{ user: 'a', role: 2, clients: 1 }, { user: 'a', role: 3, clients: 0 }] }, { type: 'leave', actor: 'a' }, /listed twice/],
      [{ participants: [{ user: 'a', role: 0, clients: 1 }] }, { type: 'leave', actor: 'a' }, /cannot have role 0/],
      [{ participants: [{ user: 'a', role: 'nobody', clients: 1 }] }, { type: 'leave', actor: 'a' }, /participants\.0\.role/],
      [{ participants: [{ user: 'a', role: 2, clients: -1 }] }, { type: 'leave', actor: 'a' }, /participants\.0\.clients/],
      [{ people: [] }, { type: 'leave', actor: 'a' }, /participants/],
    ];
    for (const [state, action, message] of bad) {
      const call = () => authorize(POLICY, state as never, action as never);
      expect(call, JSON.stringify(action)).toThrow(InvalidInputError);
      expect(call).toThrow(message);
    }
    expect(() => authorize({ roles: 'x' } as never, STATE, { type: 'leave', actor: 'ma' })).toThrow(/policy\.base/);
  });
});

describe('authorizeUpdate', () => {
  const at = (user: string) => STATE.participants.findIndex((p) => p.user === user);
  it('role changes, then removals, then additions, each as its matching action', () => {
    const d = authorizeUpdate(POLICY, STATE, 'mo', { changed: [{ userIndex: at('ma'), role: 3 }], removed: [at('mb')], added: [{ user: 'new', role: 2 }] });
    expect(d).toMatchObject({ allowed: true, rule: 'ok:update' });
    expect(d.changes.map((c) => [c.change, c.user, c.action, c.decision.rule])).toEqual([
      ['changed', 'ma', 'changeRole', 'ok:canChangeUserRole'],
      ['removed', 'mb', 'remove', 'ok:canRemoveParticipant'],
      ['added', 'new', 'add', 'ok:canAddParticipant'],
    ]);
  });
  it('authorizes each change against the state as it evolves', () => {
    // mod allows 2 participants: the first promotion fits, the second no longer does
    const d = authorizeUpdate(POLICY, STATE, 'mo', { changed: [{ userIndex: at('ma'), role: 3 }, { userIndex: at('mb'), role: 3 }], removed: [], added: [] });
    expect(d).toMatchObject({ allowed: false, rule: 'max_participants' });
    expect(d.reason).toBe('changed `mb`: `mod` would have 3 participants, more than its maximum 2');
    expect(d.changes).toHaveLength(2);
    // role changes come before removals, whatever the update lists first: the vip seat is still taken
    const e = authorizeUpdate(POLICY, STATE, 'mo', { changed: [{ userIndex: at('ma'), role: 4 }], removed: [at('vi')], added: [] });
    expect(e.rule).toBe('max_participants');
  });
  it('maps moves into and out of the banned role, and the sender’s own changes', () => {
    const ban = authorizeUpdate(POLICY, STATE, 'mo', { changed: [{ userIndex: at('ma'), role: 1 }], removed: [], added: [] });
    expect(ban.changes[0]).toMatchObject({ action: 'ban', decision: { rule: 'ok:canBan' } });
    const unban = authorizeUpdate(POLICY, STATE, 'mo', { changed: [{ userIndex: at('bn'), role: 2 }], removed: [], added: [] });
    expect(unban.changes[0]).toMatchObject({ action: 'unban', decision: { rule: 'ok:canUnBan' } });
    expect(authorizeUpdate(POLICY, STATE, 'ma', { changed: [], removed: [at('ma')], added: [] }).changes[0].action).toBe('leave');
    expect(authorizeUpdate(POLICY, STATE, 'ghost', { changed: [], removed: [], added: [{ user: 'ghost', role: 2 }] }).changes[0]).toMatchObject({ action: 'join:open', decision: { allowed: true } });
    expect(authorizeUpdate(POLICY, STATE, { user: 'ma', claims: MODS }, { changed: [{ userIndex: at('ma'), role: 3 }], removed: [], added: [] }).changes[0]).toMatchObject({ action: 'changeOwnRole', decision: { allowed: true } });
  });
  it('touches each user at most once, and indexes the list before the update', () => {
    expect(authorizeUpdate(POLICY, STATE, 'mo', { changed: [{ userIndex: at('ma'), role: 3 }], removed: [at('ma')], added: [] })).toMatchObject({ allowed: false, rule: 'user_touched_twice', changes: [] });
    expect(authorizeUpdate(POLICY, STATE, 'mo', { changed: [], removed: [9], added: [] })).toMatchObject({ allowed: false, rule: 'bad_user_index' });
    expect(UPDATE_RULES).toEqual(['bad_user_index', 'user_touched_twice']);
  });
});

describe('queries', () => {
  const ip = indexPolicy(POLICY);
  it('hasCapability by index or name; undefined roles hold nothing; unknown names throw', () => {
    expect(hasCapability(ip, 'mod', 'canBan')).toBe(true);
    expect(hasCapability(ip, 3, 0x0a)).toBe(true);
    expect(hasCapability(ip, 'member', 'canBan')).toBe(false);
    expect(hasCapability(ip, 42, 'canBan')).toBe(false);
    expect(() => hasCapability(ip, 'moderator', 'canBan')).toThrow(InvalidInputError);
    expect(() => hasCapability(ip, 3, 'canBann')).toThrow(InvalidInputError);
  });
  it('preauthorizedRole: the first match', () => {
    expect(preauthorizedRole(ip, [...VIPS, ...MODS])).toBe(3);
    expect(preauthorizedRole(ip, VIPS)).toBe(4);
    expect(preauthorizedRole(ip, [])).toBeNull();
  });
  it('canTransition and allowedTargets: what a role may do to others, state aside', () => {
    expect(canTransition(ip, 'mod', 'member', 'banned')).toBe(true); // ban (and changeRole)
    expect(canTransition(ip, 'mod', 'vip', 'member')).toBe(false);
    expect(canTransition(ip, 'member', 'member', 0)).toBe(true); // leaving
    expect(canTransition(ip, 'no_role', 0, 'member')).toBe(true); // open join
    expect(allowedTargets(ip, 'mod', 'member')).toEqual([0, 1, 3, 4]);
    expect(allowedTargets(ip, 'mod', 0)).toEqual([1, 2, 3]);
    const fixed = indexPolicy(patched((p) => (p.base.fixedMembership = true)));
    expect(allowedTargets(fixed, 'mod', 0)).toEqual([]);
    expect(allowedTargets(fixed, 'mod', 'member')).toEqual([1, 3, 4]);
  });
});
