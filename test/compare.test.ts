/**
 * `compare` lists every field that differs: of roles matched by name (capabilities, transitions,
 * index, wire name, description, participant and active bounds) and outside the roles (base policy,
 * history, preauth and participant lists, other components), in the text and JSON renderings.
 */
import { describe, expect, it } from 'vitest';
import { compare, renderComparison, roleDiffers, sideOf } from '../compiler/compare.js';
import { main } from '../compiler/cli/main.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileVirtual } from './harness.js';

const POLICY = `
room "r" {
  persistent_room true
}
role no_role @0 { active 0..0 }
role banned @1 { active 0..0 }
/// Members.
role member @2 {
  grant canSendMessage, canReceiveMessage, canRemoveSelf
  changes { member -> none }
}
role mod @3 {
  grant canSendMessage, canReceiveMessage, canRemoveParticipant, canJoinIfPreauthorized
  participants 1..
  changes { member -> none }
}
preauth {
  mod when basic = "boss@example.com"
  member when anyone
}
participants {
  "boss@example.com": mod
  "ann@example.com": member
}
history optional {
  share_by mod
  max_period 60
}
`;

const side = (src: string, label: string) => {
  const r = compileVirtual(src);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return sideOf(r, label);
};
const differing = (src: string) => compare(side(POLICY, 'a'), side(src, 'b'));

describe('compare: role fields', () => {
  it('an added participant maximum is a difference of that role (was "0 differ")', () => {
    const c = differing(POLICY.replace('role member @2 {', 'role member @2 {\n  participants 0..5'));
    expect(c.matched.filter(roleDiffers).map((m) => [m.a, m.fields])).toEqual([['member', [{ field: 'maxParticipants', a: null, b: 5 }]]]);
    const text = renderComparison(c, 'text');
    expect(text).toContain('== Roles matched by name (4; 1 differ)');
    expect(text).toMatch(/member +- +- +- +- +maxParticipants: none → 5\n/);
  });

  it('lists minimums, active bounds, description, wire name and index', () => {
    const c = differing(POLICY.replace('participants 1..', 'participants 2..3\n  active 1..4\n  name "Moderator"').replace('/// Members.', '/// Ordinary members.').replace('role mod @3', 'role mod @4'));
    const fields = Object.fromEntries(c.matched.map((m) => [m.a, m.fields]));
    expect(fields.mod).toEqual([
      { field: 'index', a: 3, b: 4 },
      { field: 'name', a: 'mod', b: 'Moderator' },
      { field: 'minParticipants', a: 1, b: 2 },
      { field: 'maxParticipants', a: null, b: 3 },
      { field: 'minActive', a: 0, b: 1 },
      { field: 'maxActive', a: null, b: 4 },
    ]);
    expect(fields.member).toEqual([{ field: 'description', a: 'Members.', b: 'Ordinary members.' }]);
    expect(renderComparison(c, 'markdown')).toContain('| mod | - | - | - | - | index: 3 → 4; name: "mod" → "Moderator"; minParticipants: 1 → 2; maxParticipants: none → 3; minActive: 0 → 1; maxActive: none → 4 |');
  });

  it('keeps capability and transition differences next to the other fields', () => {
    const c = differing(POLICY.replace('canRemoveParticipant, ', '').replace('participants 1..', 'participants 1..2'));
    const mod = c.matched.find((m) => m.a === 'mod')!;
    expect(mod.onlyInA).toEqual(['canRemoveParticipant']);
    expect(mod.fields).toEqual([{ field: 'maxParticipants', a: null, b: 2 }]);
  });

  it('identical policies differ in nothing', () => {
    const c = differing(POLICY);
    expect(c.matched.filter(roleDiffers)).toEqual([]);
    expect(c.policy).toEqual({ fields: [], preauth: { present: { a: true, b: true }, onlyInA: [], onlyInB: [], orderDiffers: false }, participants: { present: { a: true, b: true }, onlyInA: [], onlyInB: [], roleDiffers: [] } });
    const text = renderComparison(c, 'text');
    expect(text).toContain('== Roles matched by name (4; 0 differ)');
    expect(text).toContain('== Room policy outside the roles (0 differences)');
  });
});

describe('compare: outside the roles', () => {
  it('lists base policy and history fields', () => {
    const c = differing(POLICY.replace('persistent_room true', 'persistent_room false\n  max_users 10').replace('max_period 60', 'max_period 120').replace('share_by mod', 'share_by mod, member'));
    expect(c.policy.fields).toEqual([
      { field: 'maxUsers', a: null, b: 10 },
      { field: 'persistentRoom', a: true, b: false },
      { field: 'history.maxTimePeriod', a: 60, b: 120 },
      { field: 'history.rolesThatCanShare', a: ['mod'], b: ['mod', 'member'] },
    ]);
    const text = renderComparison(c, 'text');
    expect(text).toContain('== Room policy outside the roles (4 differences)');
    expect(text).toMatch(/persistentRoom +true +false\n/);
    expect(text).toMatch(/history\.rolesThatCanShare +\[mod\] +\[mod, member\]\n/);
  });

  it('a history policy only one side has', () => {
    const c = differing(POLICY.replace(/history optional \{[^}]*\}/, ''));
    // the base policy's component list follows (no chat_history_policy component 0x002E = 46)
    expect(c.policy.fields).toEqual([
      { field: 'policyComponentIds', a: [37, 38, 46], b: [37, 38] },
      { field: 'history', a: 'optional', b: null },
    ]);
  });

  it('lists preauth entries only in one policy, with claims as the language writes them', () => {
    const c = differing(POLICY.replace('mod when basic = "boss@example.com"', 'mod when basic = "chief@example.com"'));
    expect(c.policy.preauth).toMatchObject({ onlyInA: ['mod when basic = "boss@example.com"'], onlyInB: ['mod when basic = "chief@example.com"'], orderDiffers: false });
    expect(renderComparison(c, 'text')).toMatch(/preauth entry +mod when basic = "boss@example\.com" +-\n/);
  });

  it('says when the same preauth entries come in another order (the first match decides)', () => {
    const c = differing(POLICY.replace(/preauth \{[^}]*\}/, 'preauth {\n  member when anyone\n  mod when basic = "boss@example.com"\n}'));
    expect(c.policy.preauth).toMatchObject({ onlyInA: [], onlyInB: [], orderDiffers: true });
    expect(renderComparison(c, 'text')).toContain('preauth order');
  });

  it('says when only one policy carries a preauth or participant list', () => {
    const c = differing(POLICY.replace(/preauth \{[^}]*\}/, '').replace(/participants \{[^}]*\}/, ''));
    expect(c.policy.preauth.present).toEqual({ a: true, b: false });
    expect(c.policy.participants.present).toEqual({ a: true, b: false });
    expect(c.policy.participants.onlyInA).toEqual(['boss@example.com', 'ann@example.com']);
    expect(renderComparison(c, 'text')).toMatch(/preauth +present +absent\n/);
  });

  it('lists participants only in one list and those listed under another role', () => {
    const c = differing(POLICY.replace('"ann@example.com": member', '"ann@example.com": mod\n  "bob@example.com": member'));
    expect(c.policy.participants).toMatchObject({ onlyInA: [], onlyInB: ['bob@example.com'], roleDiffers: [{ user: 'ann@example.com', a: 'member', b: 'mod' }] });
  });

  it('names B roles by their A match (--map) in entries and the lists', () => {
    const b = side(POLICY.replace(/\bmod\b/g, 'moderator'), 'b');
    const c = compare(side(POLICY, 'a'), b, { map: new Map([['mod', 'moderator']]) });
    expect(c.matched.find((m) => m.a === 'mod')).toMatchObject({ b: 'moderator', fields: [{ field: 'name', a: 'mod', b: 'moderator' }] });
    expect(c.policy.preauth).toMatchObject({ onlyInA: [], onlyInB: [], orderDiffers: false });
    expect(c.policy.participants.roleDiffers).toEqual([]);
    expect(c.policy.fields).toEqual([]);
  });
});

describe('compare: scenario steps', () => {
  const suite = compileVirtual(`${POLICY}
scenario "checks" {
  given { b: mod  u: member }
  expect allow b remove u
  expect u not in room
  expect b is mod
}
scenario "needs a role only a has" {
  given { u: member }
  expect u is member
}
scenario "after" {
  given { u: member }
  expect allow u leave
}`).scenarios;
  const b = side(POLICY.replace('canRemoveParticipant, ', '').replace(/\bmember\b/g, 'regular'), 'b');
  const c = compare(side(POLICY, 'a'), b, { scenarios: suite, map: new Map([['member', 'regular']]) });
  const row = (step: string, scenario?: string) => c.scenarios.find((s) => s.step === step && (!scenario || s.scenario === scenario))!;

  it('compares a state check by whether it holds under each policy', () => {
    expect(row('expect u not in room')).toMatchObject({ kind: 'state', expected: 'allow', metA: true, metB: false, a: { holds: true }, b: { holds: false, actual: '`u` is in the room (listed as regular)' }, differs: true });
    expect(row('expect b is mod')).toMatchObject({ kind: 'state', a: { holds: true }, b: { holds: true }, differs: false });
    expect(renderComparison(c, 'text')).toMatch(/≠ +checks +expect u not in room +✓ holds +✗ fails: `u` is in the room \(listed as regular\)\n/);
  });

  it('keeps steps paired by scenario when one side runs fewer steps', () => {
    const noMember = side(POLICY.replace(/\bmember\b/g, 'regular'), 'b');
    const d = compare(side(POLICY, 'a'), noMember, { scenarios: suite });
    const names = d.scenarios.map((s) => [s.scenario, s.step, 'error' in s.b]);
    expect(names).toContainEqual(['after', 'expect allow u leave', true]);
    expect(d.scenarios.filter((s) => s.scenario === 'after')).toHaveLength(1);
    expect(d.scenarios).toHaveLength(5);
  });
});

describe('compare: the command', () => {
  it('--format json carries every differing field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-compare-'));
    writeFileSync(join(dir, 'a.mimi'), POLICY);
    writeFileSync(join(dir, 'b.mimi'), POLICY.replace('role member @2 {', 'role member @2 {\n  participants 0..5').replace('persistent_room true', 'persistent_room false'));
    let out = '';
    let err = '';
    const code = await main(['compare', join(dir, 'a.mimi'), join(dir, 'b.mimi'), '--format', 'json'], { out: (s) => void (out += s), err: (s) => void (err += s), color: false, cwd: dir });
    expect(code, err).toBe(0);
    const c = JSON.parse(out) as { matched: { a: string; fields: unknown[] }[]; policy: { fields: unknown[] } };
    expect(c.matched.find((m) => m.a === 'member')!.fields).toEqual([{ field: 'maxParticipants', a: null, b: 5 }]);
    expect(c.policy.fields).toEqual([{ field: 'persistentRoom', a: true, b: false }]);
  });
});
