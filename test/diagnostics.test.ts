/**
 * Every diagnostic code: a source that triggers it (asserting the code and the exact underlined
 * text) and a corrected source that does not. A meta-test keeps the table complete.
 */
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type DiagnosticKind } from '../runtime/diagnostics.js';
import { BASE, diagnose } from './harness.js';
import { FINDING_KINDS } from '../compiler/analyses/index.js';

interface Case {
  bad: string;
  underline: string;
  good: string;
  help?: RegExp;
  others?: Record<string, string>;
}

const C = (kind: DiagnosticKind) => DIAGNOSTIC_CODES[kind].code;

const cases: Partial<Record<DiagnosticKind, Case>> = {
  'syntax-error': { bad: `${BASE} role x @5 { grant canKick`, underline: '', good: `${BASE} role x @5 { grant canKick }` },
  'invalid-token': { bad: `${BASE} role x @5 { grant canKick $ }`, underline: '$', good: `${BASE} role x @5 { grant canKick }` },
  'invalid-literal': { bad: `${BASE} role x @5 { description "a\\qb" }`, underline: '"a\\qb"', good: `${BASE} role x @5 { description "a\\nb" }` },
  'reserved-keyword': { bad: `use "./shared.mimi" ${BASE}`, underline: 'use', good: `import "./shared.mimi" ${BASE}`, others: { 'shared.mimi': 'package p { canKick }' } },
  'invalid-step': { bad: `${BASE} scenario "s" { given { m: member } expect allow m remov m }`, underline: 'remov', good: `${BASE} scenario "s" { given { m: member } expect deny m remove m }`, help: /did you mean `remove`\?/ },
  'mixed-role-models': { bad: `${BASE} hierarchy { level a level b }`, underline: 'no_role', good: 'hierarchy { level a level b }' },
  'unknown-level': { bad: 'hierarchy { level a level b { given_by c } }', underline: 'c', good: 'hierarchy { level a level b { given_by b } }', help: /did you mean `[ab]`\?/ },
  'hierarchy-too-large': {
    // `none` + 2 levels × 2^13 add-on sets = 16,385 roles, counted (not built) and refused; 3 add-ons lower to 17
    bad: `hierarchy { level a level b { given_by b } protect none } ${Array.from({ length: 13 }, (_, i) => `addon x${i} { given_by a }`).join(' ')}`,
    underline: 'hierarchy { level a level b { given_by b } protect none }',
    good: `hierarchy { level a level b { given_by b } protect none } ${Array.from({ length: 3 }, (_, i) => `addon x${i} { given_by a }`).join(' ')}`,
    help: /--max-lowered-roles <n>/,
  },
  'model-without-hierarchy': { bad: `${BASE} addon bot { }`, underline: 'bot', good: BASE },
  'lowering-lost': { bad: 'hierarchy { level a level b } bans { by b reasons }', underline: 'reasons', good: 'hierarchy { level a level b } bans { by b }' },
  'lowering-info': { bad: 'hierarchy { level a level b }', underline: 'hierarchy { level a level b }', good: BASE },
  'protection-overrides-level': { bad: 'hierarchy { level a level b { given_by b } level c }', underline: 'given_by b', good: 'hierarchy { level a level b { given_by c } level c }' },
  'unknown-capability': { bad: `${BASE} role mod @5 { grant canUnban }`, underline: 'canUnban', good: `${BASE} role mod @5 { grant canUnBan }`, help: /did you mean `canUnBan`\?/ },
  'unknown-role': { bad: `${BASE} role mod @5 { changes { membr -> none } }`, underline: 'membr', good: `${BASE} role mod @5 { changes { member -> none } }`, help: /did you mean `member`\?/ },
  'unknown-package': { bad: `package a includes chattr { canKick } package chatter { canSendMessage } ${BASE}`, underline: 'chattr', good: `package a includes chatter { canKick } package chatter { canSendMessage } ${BASE}` },
  'duplicate-declaration': { bad: `${BASE} role member @7 { }`, underline: 'member', good: `${BASE} role member2 @7 { }` },
  'import-not-found': { bad: `import "./missing.mimi" ${BASE}`, underline: '"./missing.mimi"', good: `import "./shared.mimi" ${BASE}`, others: { 'shared.mimi': 'package p { canKick }' } },
  'import-cycle': {
    bad: `import "./a.mimi" ${BASE}`,
    underline: '"./main.mimi"',
    good: `import "./b.mimi" ${BASE}`,
    others: { 'a.mimi': 'import "./main.mimi"', 'b.mimi': 'package p { canKick }' },
  },
  'package-cycle': { bad: `package a includes b { canKick } package b includes a { canBan } ${BASE}`, underline: 'a', good: `package a includes b { canKick } package b { canBan } ${BASE}` },
  'extends-cycle': { bad: `${BASE} role x @5 extends y { } role y @6 extends x { }`, underline: 'x', good: `${BASE} role x @5 extends y { } role y @6 { }` },
  'private-capability-range': { bad: `capability canPin = 0x0F01 ${BASE}`, underline: '0x0F01', good: `capability canPin = 0xF001 ${BASE}` },
  'undeclared-private-capability': { bad: `${BASE} role x @5 { capabilities [canKick, 0xF00F] }`, underline: '0xF00F', good: `capability canPin = 0xF00F ${BASE} role x @5 { capabilities [canKick, 0xF00F] }` },
  'reserved-capability': { bad: `${BASE} role x @5 { grant canKnock }`, underline: 'canKnock', good: `${BASE} role x @5 { grant canKick }` },
  'unknown-credential-type': {
    bad: `${BASE} preauth { member when jwt "org" = "example.com" }`,
    underline: 'jwt',
    good: `credential jwt = 0xF0A1 ${BASE} preauth { member when jwt "org" = "example.com" }`,
  },
  'duplicate-setting': { bad: `room { max_users 5 max_users 6 } ${BASE}`, underline: 'max_users', good: `room { max_users 5 } ${BASE}` },
  'value-out-of-range': { bad: `room { max_users 4294967296 } ${BASE}`, underline: '4294967296', good: `room { max_users 4294967295 } ${BASE}` },
  'invalid-claim': { bad: `${BASE} preauth { member when x509 "OU" = "IT" }`, underline: '"OU"', good: `${BASE} preauth { member when x509 "2.5.4.11" = "IT" }` },
  'exact-capabilities-conflict': { bad: `${BASE} role x @5 { grant canKick capabilities [canBan] }`, underline: 'capabilities [canBan]', good: `${BASE} role x @5 { capabilities [canBan] }` },
  'duplicate-grant': { bad: `${BASE} role x @5 { grant canKick, canKick }`, underline: 'canKick', good: `${BASE} role x @5 { grant canKick }` },
  'duplicate-component': { bad: `${BASE} component 0x25 hex"00"`, underline: '0x25', good: `${BASE} component 0x28 hex"00"` },
  'duplicate-role-index': { bad: `${BASE} role x @2 { }`, underline: '2', good: `${BASE} role x @3 { }` },
  'banned-role-name': { bad: `role no_role @0 { } role blocked @1 { }`, underline: 'blocked', good: `role no_role @0 { } role banned @1 { }` },
  'banned-name-not-role-1': { bad: `role no_role @0 { } role banned @4 { }`, underline: 'banned', good: `role no_role @0 { } role banned @1 { }` },
  'open-join-not-role-0': { bad: `${BASE} role x @5 { grant canOpenJoin }`, underline: 'canOpenJoin', good: `role no_role @0 { grant canOpenJoin changes { none -> x } } role x @5 { }` },
  'fixed-membership-add': { bad: `room { fixed_membership true } ${BASE} role x @5 { grant canAddParticipant }`, underline: 'canAddParticipant', good: `room { fixed_membership true } ${BASE} role x @5 { grant canKick }` },
  'history-role-invalid': { bad: `${BASE} history optional { share_by banned }`, underline: 'banned', good: `${BASE} history optional { share_by member }` },
  'constraint-min-max': { bad: `${BASE} role x @5 { participants 3..2 }`, underline: 'participants 3..2', good: `${BASE} role x @5 { participants 2..3 }` },
  'transition-self': { bad: `${BASE} role x @5 { changes { member -> member } }`, underline: 'member -> member', good: `${BASE} role x @5 { changes { member -> none } }` },
  'parent-room-mismatch': { bad: `room { parent_room "mimi://a/r/p" } ${BASE}`, underline: 'parent_room "mimi://a/r/p"', good: `room { parent_dependant true parent_room "mimi://a/r/p" } ${BASE}` },
  'preauth-role-mismatch': { bad: `role x @5 { } preauth { none when anyone }`, underline: 'none', good: `role no_role @0 { } role x @5 { } preauth { none when anyone }` },
  'participant-role-invalid': { bad: `${BASE} participants { "a": member "a": member }`, underline: '"a": member', good: `${BASE} participants { "a": member "b": member }` },
  'history-forbidden-fields': { bad: `${BASE} history forbidden { share_by member }`, underline: 'share_by member', good: `${BASE} history forbidden` },
  'component-ids-mismatch': { bad: `room { components [0x25] } ${BASE} preauth { member when anyone }`, underline: 'components [0x25]', good: `room { components [0x25, 0x26] } ${BASE} preauth { member when anyone }` },
  'max-users-exceeded': { bad: `room { max_users 1 } ${BASE} participants { "a": member "b": member }`, underline: 'max_users 1', good: `room { max_users 2 } ${BASE} participants { "a": member "b": member }` },
  'role-max-exceeded': { bad: `${BASE} role x @5 { participants 0..1 } participants { "a": x "b": x }`, underline: 'participants 0..1', good: `${BASE} role x @5 { participants 0..2 } participants { "a": x "b": x }` },
  'duplicate-transition-source': { bad: `${BASE} role x @5 { changes { member -> none member -> banned } }`, underline: 'member -> banned', good: `${BASE} role x @5 { changes { member -> none, banned } }` },
  'unknown-finding-kind': { bad: `${BASE} allow escalaton for member because "x"`, underline: 'escalaton', good: `${BASE} allow escalation for member because "x"`, help: /did you mean `escalation`\?/ },
};

/**
 * Codes that cannot come from `.mimi` source at the default limits; they are tested with wire input
 * (test/cli, test/robust.wire), with limits set low (test/limits: limit-exceeded, diagnostics-omitted),
 * with many errors (test/language: too-many-errors) or with a failing layout (test/graph).
 */
const notFromSource: DiagnosticKind[] = ['duplicate-capability', 'unknown-capability-code', 'transition-undefined-role', 'wire-decode', 'io-error', 'too-many-errors', 'graph-layout-failed', 'limit-exceeded', 'diagnostics-omitted'];

describe('every diagnostic code', () => {
  it('has a case here, or is listed as wire-only', () => {
    // the analyses' findings (and unused `allow` lines) have their cases in test/analyses.test.ts
    const analysed: DiagnosticKind[] = [...FINDING_KINDS, 'unused-acknowledgement'];
    const missing = (Object.keys(DIAGNOSTIC_CODES) as DiagnosticKind[]).filter((k) => !cases[k] && !notFromSource.includes(k) && !analysed.includes(k));
    expect(missing).toEqual([]);
  });
  it('codes are unique and well-formed', () => {
    const all = Object.values(DIAGNOSTIC_CODES).map((c) => c.code);
    expect(new Set(all).size).toBe(all.length);
    for (const c of Object.values(DIAGNOSTIC_CODES)) expect(c.code[0]).toBe({ error: 'E', warning: 'W', info: 'I' }[c.severity]);
  });
  for (const [kind, c] of Object.entries(cases) as [DiagnosticKind, Case][]) {
    it(`${C(kind)} ${kind}`, () => {
      const bad = diagnose(c.bad, c.others);
      const hit = bad.find((d) => d.code === C(kind));
      expect(hit, `expected ${C(kind)} in ${JSON.stringify(bad)}`).toBeDefined();
      if (kind !== 'syntax-error') expect(hit!.underline).toBe(c.underline);
      if (c.help) expect(hit!.help).toMatch(c.help);
      const good = diagnose(c.good, c.others);
      expect(good.filter((d) => d.code === C(kind))).toEqual([]);
    });
  }
});

describe('messages', () => {
  it('follow the style: lowercase start, no final period', async () => {
    const { compileVirtual } = await import('./harness.js');
    const all = Object.values(cases).flatMap((c) => compileVirtual(c.bad, c.others).diagnostics);
    expect(all.length).toBeGreaterThan(30);
    for (const d of all) {
      expect(d.message, d.message).not.toMatch(/^[A-Z]/);
      expect(d.message, d.message).not.toMatch(/\.$/);
    }
  });
  it('point at every relevant place: a duplicate role index labels the first use', async () => {
    const { compileVirtual } = await import('./harness.js');
    const r = compileVirtual(`${BASE} role x @2 { }`);
    const d = r.diagnostics.find((x) => x.kind === 'duplicate-role-index')!;
    expect(d.labels?.[0].message).toMatch(/first used here/);
    expect(d.labels?.[0].span.line).toBe(4);
  });
});
