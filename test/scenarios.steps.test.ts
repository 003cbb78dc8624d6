/**
 * The scenario steps that state what a test suite checks: the state after the steps (`expect u is R`,
 * `in room`, `banned`, `clients N`, the whole list), atomic commits (one update, all or nothing, by
 * the library's authorizeUpdate), and participants in a role the policy does not define (`@99`).
 */
import { describe, expect, it } from 'vitest';
import { namesOf } from '../compiler/compare.js';
import { format } from '../compiler/format/index.js';
import { runWithCoverage } from '../compiler/scenarios.js';
import { compileVirtual, diagnose } from './harness.js';

const POLICY = `
role no_role @0 { }
role banned @1 { active 0..0 }
role member @2 { grant canSendMessage canRemoveSelf  changes { member -> none } }
role admin @3 extends member {
  grant canBan canUnBan canKick canAddParticipant canRemoveParticipant canChangeUserRole
  participants 1..
  changes { none -> member  member -> none, banned  banned -> member }
}
role owner @4 extends admin {
  participants 0..1
  changes { member -> admin, none  admin -> none, member }
}
`;
const run = (src: string) => {
  const r = compileVirtual(src);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return runWithCoverage(r.policy, r.scenarios, namesOf({ policy: r.policy, roleNames: new Map([...r.symbols.roles].map(([n, s]) => [n, s.index])) }));
};
const outcome = (src: string) => run(src).results[0].steps.map((s) => [s.passed, s.check?.actual ?? s.decision?.rule ?? s.error]);

describe('state checks', () => {
  it('role, in room, banned and clients, after the steps before them', () => {
    expect(
      outcome(`${POLICY}
scenario "s" {
  given { o: admin  u: member clients 2 }
  expect u is member
  expect u in room
  expect u clients 2
  expect allow o ban u
  expect u banned
  expect u is banned
  expect u not in room
  expect u clients 0
  expect x not in room
  expect x is none
  expect x not banned
  expect u is member
}`),
    ).toEqual([
      [true, '`u` is member'],
      [true, '`u` is in the room'],
      [true, '`u` has 2 clients'],
      [true, 'ok:canBan'],
      [true, '`u` is banned'],
      [true, '`u` is banned'],
      [true, '`u` is not in the room'],
      [true, '`u` has 0 clients'],
      [true, '`x` is not in the room'],
      [true, '`x` is none'],
      [true, '`x` is not banned'],
      [false, '`u` is banned'],
    ]);
  });
  it('a failed check says what it expected and what the state is', () => {
    const step = run(`${POLICY} scenario "s" { given { u: member } expect u is admin }`).results[0].steps[0];
    expect(step).toMatchObject({ kind: 'state', passed: false, check: { expected: '`u` is admin', actual: '`u` is member' } });
  });
  it('the whole list, in any order; clients are checked where written', () => {
    const steps = run(`${POLICY}
scenario "s" {
  given { o: owner  u: member clients 2 }
  expect participants { u: member  o: owner }
  expect participants { u: member clients 2  o: owner }
  expect participants { u: member clients 1  o: owner }
  expect participants { o: owner }
}`).results[0].steps;
    expect(steps.map((s) => s.passed)).toEqual([true, true, false, false]);
    expect(steps[3].check).toEqual({ expected: '{ o: owner }', actual: '{ o: owner, u: member }' });
  });
  it('`banned` under a policy without a banned role is an error of the step, not a crash', () => {
    const steps = run(`role member @2 { grant canSendMessage } scenario "s" { given { u: member } expect u banned }`).results[0].steps;
    expect(steps[0]).toMatchObject({ passed: false, error: expect.stringContaining('no banned role') });
  });
  it('malformed checks and unknown roles are located errors', () => {
    expect(
      diagnose(`${POLICY}
scenario "s" {
  given { u: member }
  expect u is membr
  expect u in the room
  expect participants { u: member claims { basic = "u" } }
}`).map((d) => [d.code, d.underline]),
    ).toEqual([
      ['E0102', 'membr'],
      ['E0130', 'in the room'],
      ['E0130', 'basic = "u"'],
    ]);
  });
});

describe('atomic commits', () => {
  it('replacing the last admin: denied alone, allowed as one commit (role changes decided before removals, as on the wire), applied', () => {
    expect(
      outcome(`${POLICY}
scenario "replace the last admin" {
  given { o: owner  b: admin  c: member }
  expect deny  o remove b
  expect allow o commit { remove b; changeRole c to admin }
  expect participants { o: owner  c: admin }
}`),
    ).toEqual([
      [true, 'min_participants'],
      [true, 'ok:update'],
      [true, '{ c: admin, o: owner }'],
    ]);
  });
  it('a denied commit leaves the state unchanged, and names the change that failed', () => {
    const steps = run(`${POLICY}
scenario "batch" {
  given { a: owner  b: member  c: member  d: admin }
  expect deny a commit {
    changeRole b to admin
    changeRole c to owner
  }
  expect participants { a: owner  b: member  c: member  d: admin }
}`).results[0].steps;
    expect(steps.map((s) => s.passed)).toEqual([true, true]);
    expect(steps[0].decision?.reason).toMatch(/^changed `c`: /);
    expect(steps[0].changes?.map((c) => [c.change, c.user, c.decision.allowed])).toEqual([['changed', 'b', true], ['changed', 'c', false]]);
  });
  it('add, remove, ban and unban in one commit', () => {
    expect(
      outcome(`${POLICY}
scenario "s" {
  given { a: admin  b: member  c: banned clients 0  d: member }
  expect allow a commit { add n to member, ban b, unban c to member, remove d }
  expect participants { a: admin  b: banned  c: member  n: member }
  expect deny a commit { remove zed }
  expect deny  a commit { ban zed }  // a non-member: added in the banned role, which needs none -> banned
  expect deny  a ban zed
  expect zed not banned
}`),
    ).toEqual([
      [true, 'ok:update'],
      [true, '{ a: admin, b: banned, c: member, n: member }'],
      [false, expect.stringContaining('`zed` is not in the participant list')],
      [true, 'no_role_change_entry'],
      [true, 'no_role_change_entry'],
      [true, '`zed` is not banned'],
    ]);
  });
  it('malformed commits are located errors', () => {
    expect(
      diagnose(`${POLICY}
scenario "s" {
  given { a: admin  b: member }
  expect allow a commit { kick b }
  expect allow a commit { changeRole b }
  expect allow a commit { remove b to member }
  expect allow a commit
  expect allow a remove b { remove b }
  expect allow a commit { }
}`).map((d) => [d.code, d.underline]),
    ).toEqual([
      ['E0130', 'kick'],
      ['E0130', 'b'],
      ['E0130', 'member'],
      ['E0130', 'commit'],
      ['E0130', 'remove'],
      ['E0130', 'commit'],
    ]);
  });
});

describe('a role the policy does not define', () => {
  it('`@99` is a participant in an undefined role: everything it tries is denied', () => {
    expect(
      outcome(`${POLICY}
scenario "fail closed" {
  given { x: @99  u: member  a: admin }
  expect deny x capability canSendMessage
  expect deny x remove u
  expect deny x leave
  expect x in room
  expect deny a remove x
}`).map(([p]) => p),
    ).toEqual([true, true, true, true, true]);
  });
  it('an index beyond 255 is a located error', () => {
    expect(diagnose(`${POLICY} scenario "s" { given { x: @256 } }`).map((d) => [d.code, d.underline])).toEqual([['E0130', '256']]);
  });
});

describe('formatting the new steps', () => {
  const src = `${POLICY.trim()}
scenario "s" {
  given { a: owner  b: admin  x: @99 }
  expect allow a commit {changeRole b to owner ;; changeRole a to admin;}
  expect deny a commit {
    remove b
    add n to member
  }
  expect b   is   owner
  expect x not   in room
  expect b not banned
  expect b clients 1
  expect participants { a: admin  b: owner  x: @99 clients 1 }
  expect allow a capability 0xF001
}
`;
  it('print∘parse is stable and idempotent', async () => {
    const once = await format(src);
    expect(once).toContain('expect allow a commit { changeRole b to owner; changeRole a to admin }');
    expect(once).toContain('expect deny  a commit {\n    remove b\n    add n to member\n  }');
    expect(once).toContain('expect b is owner\n  expect x not in room');
    expect(once).toContain('expect participants { a: admin  b: owner  x: @99 clients 1 }');
    expect(await format(once)).toBe(once);
  });
});
