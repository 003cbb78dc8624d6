/**
 * compiler/analyses/: every kind of finding on a policy that has it (asserting the witness path and
 * the underlined source) and on a near-identical one that does not; the registry's meta-test;
 * acknowledgements; and the same findings on wire and JSON input (no spans there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyses, analyse, FINDING_KINDS } from '../compiler/analyses/index.js';
import { compileFile, loadWire, memoryHost } from '../compiler/index.js';
import { loadPolicyJson } from '../compiler/input.js';
import { encodePolicy } from '../runtime/codec/index.js';
import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticKind } from '../runtime/diagnostics.js';
import { capabilityByName } from '../runtime/registry.js';
import { entryUses } from '../runtime/semantics.js';
import { usesOf } from '../compiler/analyses/shared/role-model.js';
import { EscalationGraph } from '../compiler/analyses/shared/role-graph.js';
import { defaultBasePolicy, type Policy, type Role } from '../runtime/ir.js';

const MAIN = '/virtual/main.mimi';
const root = join(import.meta.dirname, '..');

function compile(src: string) {
  const r = compileFile(MAIN, { host: memoryHost({ [MAIN]: src }), analyses: true });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r;
}
const of = (src: string, kind: DiagnosticKind) => compile(src).diagnostics.filter((d) => d.kind === kind);
const underline = (src: string, d: Diagnostic) => (d.span ? src.slice(d.span.start, d.span.end) : undefined);
/** `actor: action capability from -> to` per step */
const steps = (d: Diagnostic) => d.path!.map((s) => `${s.actor.name}: ${s.action} ${s.capability} ${s.target.from.name} -> ${s.target.to.name}`);

const HEAD = `role no_role @0 { }\nrole banned @1 { active 0..0 }\nrole member @2 { grant canSendMessage, canRemoveSelf  changes { member -> none } }\n`;

describe('inert-capability', () => {
  it('canBan without an entry into banned', () => {
    const src = `${HEAD}role mod @3 { grant canSendMessage, canRemoveSelf, canBan  changes { mod -> none } }`;
    const [d] = of(src, 'inert-capability');
    expect(d.code).toBe('W0501');
    expect(underline(src, d)).toBe('canBan');
    expect(d.message).toBe("`mod` holds `canBan` but can never use it: `mod`'s changes have no entry it applies to (it needs `<role> -> banned`)");
    expect(d.roles).toEqual([3]);
    expect(of(src.replace('mod -> none', 'mod -> none  member -> banned'), 'inert-capability')).toEqual([]);
  });
  it('canBan without a role 1 named banned', () => {
    const src = `role no_role @0 { }\nrole member @2 { grant canSendMessage }\nrole mod @3 { grant canBan  changes { member -> none } }`;
    expect(of(src, 'inert-capability').map((d) => d.message)).toEqual(['`mod` holds `canBan` but can never use it: the policy has no role 1 named `banned`']);
  });
  it('canRemoveSelf inherited by a role without `role -> none`', () => {
    const src = `${HEAD}role mod @3 extends member { grant canKick }`;
    const [d] = of(src, 'inert-capability');
    expect(underline(src, d)).toBe('member');
    expect(d.message).toMatch(/`mod` holds `canRemoveSelf`.*needs `mod -> none`/);
    expect(of(src.replace('grant canKick', 'grant canKick  changes { mod -> none }'), 'inert-capability')).toEqual([]);
  });
  it('canJoinIfPreauthorized that no preauth entry gives, canChangeOwnRole with no preauth data, canUseJoinCode off role 0', () => {
    const src = `${HEAD}role guest @3 { grant canJoinIfPreauthorized, canChangeOwnRole, canUseJoinCode }`;
    expect(of(src, 'inert-capability').map((d) => underline(src, d))).toEqual(['canJoinIfPreauthorized', 'canChangeOwnRole', 'canUseJoinCode']);
    const good = `${HEAD.replace('role no_role @0 { }', 'role no_role @0 { grant canUseJoinCode }')}role guest @3 { grant canJoinIfPreauthorized, canChangeOwnRole }\npreauth { guest when x509 "2.5.4.10" = "Org"  member when x509 "2.5.4.11" = "M" }`;
    expect(of(good, 'inert-capability')).toEqual([]);
  });
  it('canJoinIfPreauthorized inherited from a role that uses it is not reported', () => {
    const src = `${HEAD}role guest @3 { grant canJoinIfPreauthorized }\nrole host @4 extends guest { grant canKick }\npreauth { guest when x509 "2.5.4.10" = "Org" }`;
    expect(of(src, 'inert-capability')).toEqual([]);
  });
});

describe('dead-transition', () => {
  it('`none -> member` on role 0 with only canUseJoinCode', () => {
    const src = HEAD.replace('role no_role @0 { }', 'role no_role @0 { grant canUseJoinCode  changes { none -> member } }');
    const [d] = of(src, 'dead-transition');
    expect(d.code).toBe('W0502');
    expect(underline(src, d)).toBe('none -> member');
    expect(d.message).toBe("`none -> member` in `no_role`'s changes authorizes nothing: `no_role` holds no capability that uses it (`canAddParticipant` or `canOpenJoin`)");
    expect(d.help).toMatch(/`canUseJoinCode` does not consult role 0's changes/);
    expect(of(src.replace('canUseJoinCode', 'canOpenJoin'), 'dead-transition')).toEqual([]);
  });
  it('targets of one entry that need the same capability are reported together', () => {
    const src = `${HEAD}role helper @3 { grant canSendMessage  changes { member -> helper, guest } }\nrole guest @4 { }`;
    const [d] = of(src, 'dead-transition');
    expect(d.message).toBe("`member -> helper, guest` in `helper`'s changes authorize nothing: `helper` holds no capability that uses them (`canChangeUserRole`)");
    expect(of(src.replace('grant canSendMessage  changes { member -> helper', 'grant canSendMessage, canChangeUserRole  changes { member -> helper'), 'dead-transition')).toEqual([]);
  });
});

describe('constraint-conflict', () => {
  const room = `${HEAD}role admin @3 { grant canKick  participants 1.. }\n`;
  it('a minimum that no sequence of actions can fill', () => {
    const src = `${room}participants { "a@x": member }`;
    const [d] = of(src, 'constraint-conflict');
    expect(d.code).toBe('W0503');
    expect(underline(src, d)).toBe('participants 1..');
    expect(d.message).toBe('`admin` needs at least 1 participant, but the participant list has 0 and no sequence of actions can put anyone into it');
    expect(of(`${room}participants { "a@x": admin }`, 'constraint-conflict')).toEqual([]);
    expect(of(`${room.replace('grant canKick', 'grant canKick, canAddParticipant  changes { none -> admin }')}role boss @4 { grant canAddParticipant  changes { none -> admin } }\nparticipants { "b@x": boss }`, 'constraint-conflict')).toEqual([]);
  });
  it('minimums above max_users, active minimum above the participant maximum, active maximum that never applies', () => {
    const src = `room { max_users 2 }\n${HEAD}role a @3 { participants 2..4  active 0..6 }\nrole b @4 { participants 1..1  active 2.. }`;
    expect(of(src, 'constraint-conflict').map((d) => [underline(src, d), d.message])).toEqual([
      ['max_users 2', 'the role minimums add up to 3 users, more than `max_users` 2'],
      ['active 0..6', '`a` allows 6 active participants but at most 4 participants, so its active maximum never applies'],
      ['active 2..', '`b` needs at least 2 active participants but allows at most 1 participants'],
    ]);
    expect(of(`room { max_users 3 }\n${HEAD}role a @3 { participants 2..4  active 0..4 }\nrole b @4 { participants 1..2  active 2.. }`, 'constraint-conflict')).toEqual([]);
  });
  it('an active maximum of 0 on a role that sends messages', () => {
    const src = `${HEAD}role bot @3 { grant canReceiveMessage, canKick  active 0..0 }`;
    const [d] = of(src, 'constraint-conflict');
    expect(underline(src, d)).toBe('active 0..0');
    expect(d.message).toBe('`bot` may have no active participants (active maximum 0) but holds a capability that needs a client of its own: `canReceiveMessage`');
    expect(of(src.replace('canReceiveMessage, ', ''), 'constraint-conflict')).toEqual([]);
  });
});

describe('preauth-shadowed', () => {
  const room = `${HEAD}role admin @3 { grant canJoinIfPreauthorized, canKick }\n`.replace('grant canSendMessage,', 'grant canJoinIfPreauthorized, canSendMessage,');
  it('an entry after a more general one', () => {
    const src = `${room}preauth {\n  member when x509 "2.5.4.10" = "Org"\n  admin when x509 "2.5.4.10" = "Org" and x509 "2.5.4.11" = "Admins"\n}`;
    const [d] = of(src, 'preauth-shadowed');
    expect(d.code).toBe('W0504');
    expect(underline(src, d)).toMatch(/^admin when/);
    expect(d.message).toBe('preauth entry 2 (`admin`) is never the first match: entry 1 (`member`) matches whenever it does');
    expect(d.labels!.map((l) => src.slice(l.span.start, l.span.end))).toEqual(['member when x509 "2.5.4.10" = "Org"']);
    expect(of(`${room}preauth {\n  admin when x509 "2.5.4.10" = "Org" and x509 "2.5.4.11" = "Admins"\n  member when x509 "2.5.4.10" = "Org"\n}`, 'preauth-shadowed')).toEqual([]);
  });
});

describe('preauth-unusable', () => {
  it('an entry whose role cannot join by it, nobody changes own role, and an unlisted sender could do nothing', () => {
    const src = `${HEAD}role guest @3 { grant canRemoveSelf, canAddOwnClient  changes { guest -> none } }\npreauth { guest when x509 "2.5.4.10" = "Org" }`;
    const [d] = of(src, 'preauth-unusable');
    expect(d.code).toBe('W0505');
    expect(underline(src, d)).toBe('guest when x509 "2.5.4.10" = "Org"');
    expect(of(src.replace('grant canRemoveSelf,', 'grant canJoinIfPreauthorized, canRemoveSelf,'), 'preauth-unusable')).toEqual([]);
    // the enforcer pattern: an external sender's entry is usable for what its role may do
    expect(of(src.replace('grant canRemoveSelf, canAddOwnClient', 'grant canRemoveParticipant'), 'preauth-unusable')).toEqual([]);
  });
});

describe('escalation', () => {
  const room = `${HEAD}role mod @4 { grant canSendMessage, canKick, canBan  changes { member -> banned } }\nrole owner @5 { grant canSendMessage, canRemoveSelf, canKick, canBan, canChangeUserRole, canAddParticipant, canDestroyRoom  changes { none -> mod  member -> mod } }\n`;
  it('direct: a role moves another holder of its own into a more capable role', () => {
    const src = `${room}role helper @3 { grant canSendMessage, canChangeUserRole  changes { helper -> mod } }`;
    const [d] = of(src, 'escalation');
    expect(d.code).toBe('W0506');
    expect(d.subkind).toBe('direct');
    expect(d.roles).toEqual([3, 4]);
    expect(steps(d)).toEqual(['helper: changeRole canChangeUserRole helper -> mod']);
    expect(d.message).toBe('holders of `helper` can come to exercise `canKick` and `canBan`, which `helper` lacks, by moving another `helper` account (their own or a colluder\'s) to `mod`'.replace('`canKick` and `canBan`', '`canBan` and `canKick`'));
    expect(underline(src, d)).toBe('canChangeUserRole');
    expect(of(src.replace('helper -> mod', 'helper -> member'), 'escalation')).toEqual([]);
  });
  it('sock-puppet: a role adds an account it controls into a more capable role', () => {
    const helper = (to: string) => `${room}role helper @3 { grant canSendMessage, canAddParticipant  changes { none -> ${to} } }`;
    const src = helper('mod');
    const [d] = of(src, 'escalation');
    expect(d.subkind).toBe('sock-puppet');
    expect(steps(d)).toEqual(['helper: add canAddParticipant no_role -> mod']);
    expect(d.labels!.map((l) => [src.slice(l.span.start, l.span.end), l.message])).toEqual([['none -> mod', 'step 1: a `helper` holder adds a user as `mod` (`canAddParticipant`)']]);
    expect(of(helper('member'), 'escalation')).toEqual([]);
  });
  it('chain: through another role the first one appoints', () => {
    const chain = (to: string) => `${room}role helper @3 { grant canSendMessage, canAddParticipant  changes { none -> deputy } }\nrole deputy @6 { grant canSendMessage, canAddParticipant  changes { none -> ${to} } }`;
    const src = chain('mod');
    const ds = of(src, 'escalation').filter((d) => d.roles![0] === 3);
    expect(ds).toHaveLength(1);
    expect(ds[0].subkind).toBe('chain');
    expect(steps(ds[0])).toEqual(['helper: add canAddParticipant no_role -> deputy', 'deputy: add canAddParticipant no_role -> mod']);
    expect(ds[0].message).toMatch(/through `deputy` \(2 steps\)$/);
    expect(of(chain('member'), 'escalation')).toEqual([]);
  });
  it('policy-rewrite: canChangeRoleDefinitions is every capability; the top role is not reported', () => {
    const src = `${room}role enforcer @3 { grant canBan, canChangeRoleDefinitions  changes { member -> banned } }`;
    const ds = of(src, 'escalation');
    expect(ds.map((d) => [d.roles![0], d.subkind])).toEqual([[3, 'policy-rewrite']]);
    expect(steps(ds[0])).toEqual(['enforcer: capability canChangeRoleDefinitions enforcer -> enforcer']);
    expect(ds[0].message).toBe('holders of `enforcer` can give themselves any capability: they hold `canChangeRoleDefinitions` and can rewrite every role');
    expect(of(src.replace(', canChangeRoleDefinitions', ''), 'escalation')).toEqual([]);
  });
  it('policy-rewrite: the preauth list and a way to use it', () => {
    const src = `${room}role clerk @3 { grant canSendMessage, canChangePreauthorizedUserList, canChangeOwnRole }\npreauth { member when x509 "2.5.4.10" = "Org" }`;
    const [d] = of(src, 'escalation');
    expect(d.subkind).toBe('policy-rewrite');
    expect(steps(d)).toEqual(['clerk: capability canChangePreauthorizedUserList clerk -> owner', 'clerk: changeOwnRole canChangeOwnRole clerk -> owner']);
    expect(of(src.replace(', canChangeOwnRole', ''), 'escalation')).toEqual([]);
  });
  it('what anyone gets by an open join is nobody\'s escalation', () => {
    const src = `${room.replace('role no_role @0 { }', 'role no_role @0 { grant canOpenJoin  changes { none -> mod } }')}role helper @3 { grant canSendMessage, canAddParticipant  changes { none -> mod } }`;
    expect(of(src, 'escalation').map((d) => [d.roles![0], d.message])).toEqual([[0, 'anyone not in the room can come to exercise `canBan`, `canKick` and `canSendMessage` by joining as `mod` (open join)']]);
  });
});

describe('ban-evasion', () => {
  const room = `${HEAD.replace('role no_role @0 { }', 'role no_role @0 { grant canOpenJoin  changes { none -> member } }')}role mod @3 { grant canBan, canUnBan  changes { member -> banned  banned -> member } }\n`;
  it('a cleanup role takes banned users out, and they rejoin by open join', () => {
    const src = `${room}role janitor @4 { grant canRemoveParticipant  changes { banned -> none } }`;
    const [d] = of(src, 'ban-evasion');
    expect(d.code).toBe('W0507');
    expect(steps(d)).toEqual(['janitor: remove canRemoveParticipant banned -> no_role', 'no_role: join canOpenJoin no_role -> member']);
    expect(d.roles).toEqual([4, 0, 2]);
    expect(underline(src, d)).toBe('banned -> none');
    expect(d.message).toBe('a banned user can get back in as `member` without being unbanned: after `janitor` takes them out of `banned`, they rejoin as `member` by open join');
    // a role that may unban anyway is not an evasion
    expect(of(src.replace('grant canRemoveParticipant  changes { banned -> none }', 'grant canRemoveParticipant, canUnBan  changes { banned -> none, member }'), 'ban-evasion')).toEqual([]);
  });
  it('canChangeUserRole out of banned without canUnBan', () => {
    const src = `${room}role helper @4 { grant canChangeUserRole  changes { banned -> member } }`;
    const [d] = of(src, 'ban-evasion');
    expect(steps(d)).toEqual(['helper: changeRole canChangeUserRole banned -> member']);
    expect(of(src.replace('canChangeUserRole ', 'canChangeUserRole, canUnBan '), 'ban-evasion')).toEqual([]);
  });
});

describe('lockout', () => {
  const room = `${HEAD}role owner @3 { grant canDestroyRoom, canRemoveSelf  changes { owner -> none } }\n`;
  it('the last holder of an administrative capability can leave, and nobody can appoint another', () => {
    const src = `${room}participants { "o@x": owner  "m@x": member }`;
    const [d] = of(src, 'lockout');
    expect(d.code).toBe('W0508');
    expect(steps(d)).toEqual(['owner: leave canRemoveSelf owner -> no_role']);
    expect(d.message).toBe('the room can lose `canDestroyRoom` for good: only `owner` holds it, its last holder can go, and nobody can appoint another');
    expect(of(src.replace('changes { owner -> none }', 'participants 1..  changes { owner -> none }'), 'lockout')).toEqual([]);
  });
  it('a role nobody starts in and nobody can enter', () => {
    const src = `${room}participants { "m@x": member }`;
    const [d] = of(src, 'lockout');
    expect(d.path).toEqual([]);
    expect(d.message).toMatch(/^nobody can ever exercise `canDestroyRoom`/);
    expect(of(`${room}role boss @4 { grant canAddParticipant  changes { none -> owner } }\nparticipants { "m@x": member  "b@x": boss }`, 'lockout')).toEqual([]);
  });
});

describe('rank-inversion', () => {
  const room = `${HEAD}role owner @4 { grant canSendMessage, canKick, canBan, canRemoveParticipant, canChangeUserRole, canDestroyRoom }\n`;
  it('a role kicks a role whose capabilities strictly contain its own (info)', () => {
    const src = `${room}role mod @3 { grant canSendMessage, canKick }`;
    const [d] = of(src, 'rank-inversion');
    expect(d.code).toBe('I0509');
    expect(d.severity).toBe('info');
    expect(d.roles).toEqual([3, 4]);
    expect(d.message).toBe('holders of `mod` can kick holders of `owner`, whose capabilities strictly contain theirs');
    expect(of(src.replace('grant canSendMessage, canKick }', 'grant canSendMessage, canKick, canStartTopic }'), 'rank-inversion')).toEqual([]);
  });
  it('compares capability sets of any size (more than 32 capabilities)', () => {
    const many = 'canKick, chatter, topics, uploader, media_caller, room_metadata';
    const src = `import "std/packages"\n${HEAD}role owner @4 { grant ${many}, canDestroyRoom }\nrole mod @3 { grant ${many} }`;
    expect(of(src, 'rank-inversion').map((d) => d.roles)).toEqual([[3, 4]]);
  });
  it('remove, ban and demote through changes', () => {
    const src = `${room}role mod @3 { grant canSendMessage, canBan, canRemoveParticipant, canChangeUserRole  changes { owner -> none, banned, member } }`;
    expect(of(src, 'rank-inversion').map((d) => d.message)).toEqual(['holders of `mod` can remove, ban or demote holders of `owner`, whose capabilities strictly contain theirs']);
  });
});

describe('unmet-minimum', () => {
  const room = `${HEAD}role owner @3 { grant canRemoveSelf  participants 1..  changes { owner -> none } }\nrole boss @4 { grant canAddParticipant  changes { none -> owner } }\nrole chief @5 { grant canAddParticipant  changes { none -> boss } }\n`;
  it('the participant list leaves a role under its minimum; the path fills it', () => {
    const src = `${room}participants { "c@x": chief }`;
    const [d] = of(src, 'unmet-minimum');
    expect(d.code).toBe('W0512');
    expect(d.severity).toBe('warning');
    expect(underline(src, d)).toBe('participants 1..');
    expect(d.message).toBe('`owner` needs at least 1 participant but the participant list has 0: the room breaks the minimum from creation until someone is put there (the path shows how one gets there)');
    expect(steps(d)).toEqual(['chief: add canAddParticipant no_role -> boss', 'boss: add canAddParticipant no_role -> owner']);
    expect(d.labels!.map((l) => [src.slice(l.span.start, l.span.end), l.message])).toEqual([
      ['none -> boss', 'step 1: a `chief` holder adds a user as `boss` (`canAddParticipant`)'],
      ['none -> owner', 'step 2: a `boss` holder adds a user as `owner` (`canAddParticipant`)'],
    ]);
    expect(of(`${room}participants { "c@x": chief  "o@x": owner }`, 'unmet-minimum')).toEqual([]);
    // no participant list: the start is unknown; nothing can fill it: constraint-conflict's
    expect(of(room, 'unmet-minimum')).toEqual([]);
    const stuck = `${room.replace('none -> boss', 'boss -> none')}participants { "c@x": chief }`;
    expect(of(stuck, 'unmet-minimum')).toEqual([]);
    expect(of(stuck, 'constraint-conflict').map((x) => x.message)).toEqual([expect.stringMatching(/^`owner` needs at least 1 participant/)]);
  });
  it("the draft's multi-org example, with only its super admin listed: both org admins' minimums are unmet", () => {
    const template = readFileSync(join(root, 'stdlib', 'templates', 'multi-org.mimi'), 'utf8');
    const src = template.replace(/^\s*"(bob|carol)@org-[bc]\.example": org_[bc]_admin\n/gm, '');
    const ds = of(src, 'unmet-minimum');
    expect(ds.map((d) => [d.roles, underline(src, d), steps(d)])).toEqual([
      [[6], 'participants 1..3', ['super_admin: add canAddParticipant no_role -> org_b_admin']],
      [[7], 'participants 1..3', ['super_admin: add canAddParticipant no_role -> org_c_admin']],
    ]);
    // and, once appointed, their last holders stay
    expect(of(src, 'last-holder').map((d) => d.roles![0])).toEqual([6, 7, 8]);
  });
});

describe('creation-only-role', () => {
  const room = `${HEAD}role hub @3 { grant canKick, canRemoveParticipant  participants 1..  changes { member -> none } }\nrole boss @4 { grant canSendMessage  changes { none -> hub } }\n`;
  it('a role with a minimum that nothing leads to; labels what comes near and where it is listed', () => {
    const src = `${room}participants { "h@x": hub }`;
    const [d] = of(src, 'creation-only-role');
    expect(d.code).toBe('W0513');
    expect(underline(src, d)).toBe('participants 1..');
    expect(d.message).toBe('only the users listed at creation can ever hold `hub`: nothing leads to it, so its holders can never be replaced, and its minimum of 1 keeps the last of them there for good');
    expect(d.path).toEqual([]);
    expect(d.labels!.map((l) => [src.slice(l.span.start, l.span.end), l.message])).toEqual([
      ['none -> hub', '`none -> hub` never applies: `boss` holds no capability that uses it'],
      ['"h@x": hub', 'listed at creation'],
    ]);
    expect(d.help).toMatch(/allow creation-only-role for hub because/);
    // a role that can appoint one, held by someone: not creation-only (its last holder is last-holder's)
    expect(of(`${room.replace('grant canSendMessage  changes { none -> hub }', 'grant canAddParticipant  changes { none -> hub }')}participants { "h@x": hub  "b@x": boss }`, 'creation-only-role')).toEqual([]);
    // a preauth entry it can join by leads to it
    const joins = `${room.replace('grant canKick,', 'grant canJoinIfPreauthorized, canKick,')}preauth { hub when x509 "2.5.4.3" = "hub" }\nparticipants { "h@x": hub }`;
    expect(of(joins, 'creation-only-role')).toEqual([]);
    // no participant list: still only what creation lists
    expect(of(room, 'creation-only-role').map((x) => x.roles)).toEqual([[3]]);
    // listed below its minimum: constraint-conflict reports it instead
    expect(of(`${room}participants { "m@x": member }`, 'creation-only-role')).toEqual([]);
  });
  it('a preauth entry that lets an unlisted sender act as it, but not join, is labelled', () => {
    const src = `${room}preauth { hub when x509 "2.5.4.3" = "hub" }\nparticipants { "h@x": hub }`;
    const [d] = of(src, 'creation-only-role');
    expect(d.labels!.map((l) => l.message)).toContain('nobody can join as `hub` by this entry: `hub` lacks `canJoinIfPreauthorized` and nobody holds `canChangeOwnRole`');
  });
});

describe('last-holder', () => {
  const room = `${HEAD}role owner @3 { grant canRemoveSelf, canAddParticipant, canRemoveParticipant  participants 1..  changes { owner -> none  none -> owner } }\n`;
  it('a minimum keeps the last holder: the path ends with a way out it refuses; every way out is labelled (info)', () => {
    const src = `${room}participants { "o@x": owner }`;
    const [d] = of(src, 'last-holder');
    expect(d.code).toBe('I0511');
    expect(d.severity).toBe('info');
    expect(underline(src, d)).toBe('participants 1..');
    expect(d.message).toBe('`owner` needs at least 1 participant, so its last holder can never leave or be removed: the minimum refuses step 1 and every other way out once only one is left');
    expect(steps(d)).toEqual(['owner: leave canRemoveSelf owner -> no_role']);
    expect(d.labels!.map((l) => [src.slice(l.span.start, l.span.end), l.message])).toEqual([['owner -> none', 'refused for its last holder: an `owner` holder removes an `owner` user from the room (`canRemoveParticipant`)']]);
    expect(of(src.replace('participants 1..', 'participants 0..'), 'last-holder')).toEqual([]);
    // no way out at all: the minimum is not what keeps them
    expect(of(src.replace('owner -> none  ', ''), 'last-holder')).toEqual([]);
  });
  it('a role filled by others: the path first puts someone there; a minimum of 2 keeps the last two', () => {
    const src = `${HEAD}role owner @3 { grant canRemoveSelf  participants 2..  changes { owner -> none } }\nrole boss @4 { grant canAddParticipant  changes { none -> owner } }\nparticipants { "b@x": boss }`;
    const [d] = of(src, 'last-holder');
    expect(steps(d)).toEqual(['boss: add canAddParticipant no_role -> owner', 'owner: leave canRemoveSelf owner -> no_role']);
    expect(d.message).toBe('`owner` needs at least 2 participants, so its last 2 holders can never leave or be removed: the minimum refuses step 2 and every other way out once only 2 are left');
    expect(d.labels!.map((l) => l.message)).toEqual(['step 1: a `boss` holder adds a user as `owner` (`canAddParticipant`)', 'refused for its last 2 holders: an `owner` user leaves the room (`canRemoveSelf`)']);
  });
});

describe('role-zero-maximum', () => {
  it('a participant or active maximum on role 0 means nothing (info)', () => {
    const src = HEAD.replace('role no_role @0 { }', 'role no_role @0 { participants 0..4  active 0..3 }');
    const ds = of(src, 'role-zero-maximum');
    expect(ds.map((d) => [d.code, d.severity, underline(src, d), d.message])).toEqual([
      ['I0514', 'info', 'participants 0..4', 'role 0 (`no_role`) allows at most 4 participants, but role 0 is never counted: the maximum means nothing'],
      ['I0514', 'info', 'active 0..3', 'role 0 (`no_role`) allows at most 3 active participants, but role 0 is never counted: the maximum means nothing'],
    ]);
    expect(ds[1].help).toMatch(/^write `active 0..0`/);
    expect(of(HEAD.replace('role no_role @0 { }', 'role no_role @0 { participants 0..  active 0..0 }'), 'role-zero-maximum')).toEqual([]);
    expect(of(HEAD, 'role-zero-maximum')).toEqual([]);
  });
});

describe('acknowledgements', () => {
  const src = `${HEAD}role mod @4 { grant canSendMessage, canKick }\nrole helper @3 { grant canSendMessage, canChangeUserRole  changes { helper -> mod } }\n`;
  it('an allow line marks the finding acknowledged, with its reason', () => {
    const r = compile(`${src}allow escalation for helper because "helpers are trusted"`);
    const d = r.diagnostics.find((x) => x.kind === 'escalation')!;
    expect(d.acknowledged).toEqual({ reason: 'helpers are trusted' });
  });
  it('the minimum findings are acknowledged like the others', () => {
    const r = compile(`${HEAD}role hub @3 { grant canKick  participants 1.. }\nparticipants { "h@x": hub }\nallow creation-only-role for hub because "the hub is set when the room is created"`);
    const d = r.diagnostics.find((x) => x.kind === 'creation-only-role')!;
    expect(d.acknowledged).toEqual({ reason: 'the hub is set when the room is created' });
  });
  it('an allow line that matches nothing is noted; one naming no kind is an error with a suggestion', () => {
    const r = compile(`${src}allow lockout for helper because "x"`);
    expect(r.diagnostics.filter((d) => d.kind === 'unused-acknowledgement').map((d) => d.message)).toEqual(['`allow lockout for helper` matches no finding']);
    const bad = compileFile(MAIN, { host: memoryHost({ [MAIN]: `${src}allow escalaton for helper because "x"` }) });
    const e = bad.diagnostics.find((d) => d.kind === 'unknown-finding-kind')!;
    expect(e.code).toBe('E0119');
    expect(e.help).toBe('did you mean `escalation`?');
  });
});

describe('findings budget', () => {
  /**
   * A chain of `n` roles: r_i moves users r_i -> r_(i+1) and takes banned users out to r_(i+1); each
   * holds a capability the previous one lacks and the last can rewrite the roles — every role
   * escalates along the rest of the chain (thousands of findings, paths up to n steps long).
   */
  function chain(n: number): Policy {
    const code = (name: string) => capabilityByName.get(name)!.code;
    const ordinary = ['canSendMessage', 'canUploadImage', 'canUploadVideo', 'canUploadAudio', 'canUploadAttachment', 'canSendLink', 'canReactToMessage', 'canEditOwnMessage'].map(code);
    const role = (index: number, caps: number[], changes: Role['changes']): Role => ({ index, name: index === 0 ? 'no_role' : index === 1 ? 'banned' : `r${index}`, description: '', capabilities: [...new Set(caps)].sort((a, b) => a - b), minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: null, changes });
    const roles = [role(0, [], []), { ...role(1, [], []), maxActive: 0 }];
    for (let i = 2; i < n; i++) {
      const last = i === n - 1;
      roles.push(role(i, [code('canChangeUserRole'), code('canBan'), ordinary[i % ordinary.length], ...(last ? [code('canChangeRoleDefinitions')] : [])], last ? [] : [{ from: i, to: [i + 1] }, { from: 1, to: [i + 1] }, { from: i + 1, to: [1] }]));
    }
    return { base: defaultBasePolicy(), roles, preauth: [], participants: null, history: null, otherComponents: [] };
  }
  const byKind = (ds: Diagnostic[]) => {
    const m = new Map<string, Diagnostic[]>();
    for (const d of ds) m.set(d.kind, [...(m.get(d.kind) ?? []), d]);
    return m;
  };

  it('keeps the first 100 findings of a kind, unchanged, and counts the rest in one I0007 per kind', () => {
    const p = chain(300);
    const all = byKind(analyse(p, 'chain', { maxFindingsPerKind: 0 }));
    const capped = analyse(p, 'chain');
    const notes = capped.filter((d) => d.kind === 'diagnostics-omitted');
    const kept = byKind(capped.filter((d) => d.kind !== 'diagnostics-omitted'));
    expect(all.has('diagnostics-omitted')).toBe(false);
    expect(all.get('escalation')!.length).toBeGreaterThan(1000);
    for (const [kind, full] of all) {
      const first = kept.get(kind) ?? [];
      expect(first.length, kind).toBeLessThanOrEqual(100);
      expect(first, kind).toEqual(full.slice(0, first.length));
      const note = notes.filter((d) => d.omitted!.kind === kind);
      if (first.length === full.length) expect(note, kind).toEqual([]);
      else {
        expect(note.map((d) => [d.code, d.severity, d.omitted]), kind).toEqual([['I0007', 'info', { code: DIAGNOSTIC_CODES[kind as DiagnosticKind].code, kind, count: full.length - first.length }]]);
        expect(note[0].message).toBe(`${full.length - first.length} more \`${DIAGNOSTIC_CODES[kind as DiagnosticKind].code}\` (${kind}) diagnostics not shown; the first ${first.length} are`);
      }
    }
    expect(notes.map((d) => d.omitted!.kind)).toEqual(['escalation', 'ban-evasion']);
    // each note follows its kind's findings
    expect(capped.indexOf(notes[0])).toBe(capped.map((d) => d.kind).lastIndexOf('escalation') + 1);
  });

  it('a smaller budget keeps fewer; a finding an allow line names is always built and acknowledged', () => {
    const p = chain(60);
    const ds = analyse(p, 'chain', { maxFindingsPerKind: 3, acknowledgements: [{ kind: 'escalation', role: 50, reason: 'trusted' }] });
    const esc = ds.filter((d) => d.kind === 'escalation');
    expect(esc.filter((d) => !d.acknowledged)).toHaveLength(3);
    expect(esc.filter((d) => d.acknowledged).every((d) => d.roles![0] === 50 && d.acknowledged!.reason === 'trusted')).toBe(true);
    expect(esc.some((d) => d.acknowledged)).toBe(true);
    expect(ds.filter((d) => d.kind === 'unused-acknowledgement')).toEqual([]);
    const all = analyse(p, 'chain', { maxFindingsPerKind: 0 }).filter((d) => d.kind === 'escalation');
    const note = ds.find((d) => d.omitted?.kind === 'escalation')!;
    expect(note.omitted!.count).toBe(all.length - esc.length);
  });

  it('many capability groups (searches forwards from each role) give the same findings', () => {
    const p = chain(80);
    const backward = analyse(p, 'chain', { maxFindingsPerKind: 0 });
    const saved = EscalationGraph.forwardAbove;
    EscalationGraph.forwardAbove = 0;
    try {
      expect(analyse(p, 'chain', { maxFindingsPerKind: 0 })).toEqual(backward);
      expect(analyse(p, 'chain', { maxFindingsPerKind: 10 })).toEqual(analyse(p, 'chain', { maxFindingsPerKind: 10 }));
    } finally {
      EscalationGraph.forwardAbove = saved;
    }
  });
});

describe('wire and JSON input', () => {
  const src = `${HEAD}role mod @4 { grant canSendMessage, canKick }\nrole helper @3 { grant canSendMessage, canChangeUserRole  changes { helper -> mod } }\n`;
  it('get the same findings, without spans', () => {
    const r = compile(src);
    const fromSource = r.diagnostics.filter((d) => d.kind === 'escalation');
    const wire = loadWire(encodePolicy(r.policy), 'p.bin', undefined, { analyses: true });
    const json = loadPolicyJson(JSON.stringify(r.policy), 'p.json', { analyses: true });
    for (const loaded of [wire.diagnostics, json.diagnostics]) {
      const ds = loaded.filter((d) => d.kind === 'escalation');
      expect(ds.map((d) => [d.message, d.path, d.span])).toEqual(fromSource.map((d) => [d.message, d.path, undefined]));
    }
  });
  it('the minimum findings too (wire roles are named, so the messages are the same)', () => {
    const r = compile(`${HEAD.replace('role no_role @0 { }', 'role no_role @0 { active 0..2 }')}role owner @3 { grant canRemoveSelf  participants 1..  changes { owner -> none } }\nrole boss @4 { grant canAddParticipant  changes { none -> owner } }\nrole hub @5 { grant canKick  participants 1.. }\nparticipants { "b@x": boss  "h@x": hub }`);
    const kinds = ['unmet-minimum', 'creation-only-role', 'last-holder', 'role-zero-maximum'];
    const fromSource = r.diagnostics.filter((d) => kinds.includes(d.kind));
    expect(fromSource.map((d) => d.kind).sort()).toEqual([...kinds].sort());
    const wire = loadWire(encodePolicy(r.policy), 'p.bin', undefined, { analyses: true }).diagnostics.filter((d) => kinds.includes(d.kind));
    const byKind = (ds: Diagnostic[]) => [...ds].sort((x, y) => (x.kind < y.kind ? -1 : 1));
    expect(byKind(wire).map((d) => [d.kind, d.message, d.path, d.span])).toEqual(byKind(fromSource).map((d) => [d.kind, d.message, d.path, undefined]));
  });
});

describe('the role model', () => {
  it('shares entryUses results only between entries entryUses cannot tell apart', () => {
    for (const banned of [false, true]) {
      const shared = usesOf(banned);
      for (let from = 0; from < 5; from++)
        for (let to = 0; to < 5; to++)
          for (let holder = 0; holder < 5; holder++)
            expect(shared(from, to, holder).map((u) => `${u.action}:${u.capability}:${u.on}`)).toEqual(
              entryUses(from, to, banned, holder).map((u) => `${u.action === 'join-open' ? 'join' : u.action}:${capabilityByName.get(u.capability)!.code}:${u.on}`),
            );
    }
  });
});

describe('the registry', () => {
  const dir = join(root, 'compiler', 'analyses');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  const tests = readdirSync(join(root, 'test'))
    .filter((f) => /^analyses.*\.test\.ts$/.test(f))
    .map((f) => readFileSync(join(root, 'test', f), 'utf8'))
    .join('\n');
  it('lists every analysis file, once, in its own file', async () => {
    const exported = [];
    for (const f of files) {
      const mod = (await import(join(dir, f))) as Record<string, unknown>;
      const found = Object.values(mod).filter((v) => analyses.includes(v as never));
      expect(found, `${f} exports one registered analysis`).toHaveLength(1);
      exported.push(found[0]);
    }
    expect(new Set(exported).size).toBe(analyses.length);
  });
  it('each analysis has a unique code from the table, of its kind and severity, and a test naming its kind', () => {
    expect(new Set(analyses.map((a) => a.code)).size).toBe(analyses.length);
    for (const a of analyses) {
      expect(DIAGNOSTIC_CODES[a.kind].code).toBe(a.code);
      expect(tests).toContain(`describe('${a.kind}'`);
      expect(readFileSync(join(dir, `${a.kind}.ts`), 'utf8')).toMatch(/^\/\*\*\n \* /);
    }
    expect(FINDING_KINDS).toEqual(analyses.map((a) => a.kind));
  });
  it('findings are deterministic and sorted', () => {
    const p = compileFile(join(root, 'stdlib', 'templates', 'moderated.mimi')).policy;
    const a = analyse(p, 'x');
    expect(analyse(p, 'x')).toEqual(a);
  });
});
