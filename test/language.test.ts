/**
 * The language end to end through the real pipeline: every construct of docs/language.md lowers to
 * the IR it documents; syntax errors are all reported, each located, and parsing goes on after them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../compiler/index.js';
import { parse } from '../grammar/index.js';
import { capabilityByName } from '../runtime/registry.js';
import { compileVirtual, diagnose } from './harness.js';

const cap = (n: string) => capabilityByName.get(n)!.code;
const sink = join(import.meta.dirname, 'fixtures', 'kitchen-sink.mimi');

describe('kitchen sink: every construct', () => {
  const r = compileFile(sink);
  const role = (name: string) => r.policy.roles.find((x) => x.name === name)!;

  it('compiles with only the expected warning (a duplicate in the verbatim list)', () => {
    expect(r.diagnostics.map((d) => d.kind)).toEqual(['duplicate-capability']);
  });
  it('room settings set every BaseRoomPolicy field', () => {
    expect(r.policy.base).toEqual({
      fixedMembership: false,
      parentDependant: true,
      parentRooms: ['mimi://example.com/r/parent', 'mimi://example.com/r/grandparent'],
      multiDevice: false,
      maxClients: 1000,
      maxUsers: 500,
      pseudonymsAllowed: true,
      persistentRoom: true,
      discoverable: true,
      policyComponentIds: [0x25, 0x26, 0x28, 0x2e],
    });
  });
  it('roles keep declaration order; automatic indexes skip explicit ones', () => {
    expect(r.policy.roles.map((x) => [x.index, x.name])).toEqual([
      [0, 'no_role'],
      [1, 'banned'],
      [2, 'member'],
      [3, 'Moderator (day shift)'],
      [9, 'enforcer'],
    ]);
  });
  it('doc comments and description become role_description', () => {
    expect(role('member').description).toBe('Ordinary members.\nThey chat.');
    expect(role('Moderator (day shift)').description).toBe('Moderators keep order.');
    expect(role('enforcer').description).toBe("the hub's policy enforcer");
  });
  it('grants expand packages, extends inherits capabilities, result ascending without duplicates', () => {
    const m = role('member').capabilities;
    expect(m).toEqual([...m].sort((a, b) => a - b));
    expect(m).toContain(cap('canSendMessage'));
    expect(m).toContain(0xf001);
    const mod = role('Moderator (day shift)').capabilities;
    for (const c of m) expect(mod).toContain(c);
    expect(mod).toContain(cap('canKick'));
    expect(new Set(mod).size).toBe(mod.length);
  });
  it('`capabilities [...]` is verbatim', () => {
    expect(role('enforcer').capabilities).toEqual([cap('canRemoveParticipant'), cap('canBan'), cap('canBan')]);
  });
  it('constraints: open max, exact count, active', () => {
    expect(role('Moderator (day shift)')).toMatchObject({ minParticipants: 1, maxParticipants: null, minActive: 0, maxActive: 5 });
    expect(role('enforcer')).toMatchObject({ minParticipants: 2, maxParticipants: 2, minActive: 0, maxActive: 0 });
  });
  it('changes: one wire entry per line, none = 0, banned = 1', () => {
    expect(role('Moderator (day shift)').changes).toEqual([
      { from: 2, to: [0, 1] },
      { from: 1, to: [0, 2] },
    ]);
    expect(role('no_role').changes).toEqual([{ from: 0, to: [2] }]);
  });
  it('preauth claims are encoded per credential type, in order, embedding the target role', () => {
    const p = r.policy.preauth!;
    expect(p).toHaveLength(5);
    expect(p[0].claims).toEqual([
      { credentialType: 2, id: '060355040b', value: Buffer.from('IT').toString('hex') },
      { credentialType: 0xf0a1, id: Buffer.from('org').toString('hex'), value: Buffer.from('example.com').toString('hex') },
    ]);
    expect(p[1].claims).toEqual([
      { credentialType: 0xf0a2, id: '08', value: '00ff' },
      { credentialType: 0xf0a2, id: '6464657074', value: Buffer.from('eng').toString('hex') },
    ]);
    expect(p[2].claims).toEqual([{ credentialType: 1, id: '', value: Buffer.from('alice@example.com').toString('hex') }]);
    expect(p[3].claims).toEqual([{ credentialType: 5, id: '01', value: '02' }]);
    expect(p[4].claims).toEqual([]);
    expect(p[0].role).toEqual(role('Moderator (day shift)'));
  });
  it('participants, history and opaque components', () => {
    expect(r.policy.participants).toEqual([
      { user: 'alice@example.com', role: 3 },
      { user: 'bob@example.com', role: 2 },
    ]);
    expect(r.policy.history).toEqual({ sharing: 'optional', rolesThatCanShare: [3, 2], automaticallyShare: true, maxTimePeriod: 86400 });
    expect(r.policy.otherComponents).toEqual([{ id: 0x28, data: '0001' }]);
  });
  it('allow lines become acknowledgements (kind, role, reason)', () => {
    expect(r.acknowledgements.map((a) => [a.kind, a.role, a.reason])).toEqual([
      ['escalation', 3, 'moderators are trusted to promote'],
      ['rank-inversion', 0, 'non-participants act only through joins'],
    ]);
  });
  it('provenance points at the source', () => {
    const p = r.provenance.roles.get(3)!;
    const text = readFileSync(sink, 'utf8');
    expect(text.slice(p.name!.start, p.name!.end)).toBe('moderator');
    expect(text.slice(p.participants!.start, p.participants!.end)).toBe('participants 1..');
  });
  it('is deterministic', () => {
    expect(JSON.stringify(compileFile(sink).policy)).toBe(JSON.stringify(r.policy));
  });
});

describe('defaults', () => {
  it('an empty room gets the documented base policy and component list', () => {
    const r = compileVirtual('role member @2 { }');
    expect(r.policy.base).toMatchObject({ multiDevice: true, fixedMembership: false, maxUsers: null, policyComponentIds: [0x25] });
    expect(r.policy.preauth).toBeNull();
    expect(r.policy.participants).toBeNull();
  });
  it('an empty preauth block is present and empty', () => {
    expect(compileVirtual('role a @2 { } preauth { }').policy.preauth).toEqual([]);
  });
  it('a role named banned without an index gets 1', () => {
    expect(compileVirtual('role x { } role banned { }').policy.roles.map((r) => r.index)).toEqual([2, 1]);
  });
});

describe('syntax errors', () => {
  it('reports several errors in one file, each located, and keeps parsing', () => {
    const src = [
      'role a @2 {', //
      '  grant canKick,,',
      '}',
      'role b @3 { participants 1..2..3 }',
      'role c @4 { changes { a -> } }',
      'package p { canBan }',
      'role d @5 { grant canKik }',
    ].join('\n');
    const { diagnostics } = parse(src, 'x.mimi');
    const syntax = diagnostics.filter((d) => d.kind === 'syntax-error');
    expect(syntax.length).toBeGreaterThanOrEqual(3);
    expect(syntax.map((d) => d.span!.line)).toEqual(expect.arrayContaining([2, 4, 5]));
    for (const d of syntax) expect(d.span!.column).toBeGreaterThan(0);
    // after recovery, the later declarations are still checked
    expect(diagnose(src).map((d) => d.underline)).toContain('canKik');
  });
  it('a missing brace at the end of the file points at the end', () => {
    const { diagnostics } = parse('role a @2 {\n  grant canKick\n', 'x.mimi');
    expect(diagnostics[0].message).toMatch(/expected .*`}`.* but found end of file/);
    expect(diagnostics[0].span!.line).toBe(2);
  });
  it('keywords cannot be names', () => {
    const { diagnostics } = parse('role grant @2 { }', 'x.mimi');
    expect(diagnostics[0].message).toMatch(/expected a name but found `grant`/);
  });
  it('unterminated strings and stray characters are located', () => {
    const { diagnostics } = parse('room "abc\nrole a @2 { } #', 'x.mimi');
    expect(diagnostics.map((d) => [d.kind, d.span!.line, d.span!.column])).toEqual(expect.arrayContaining([['invalid-token', 1, 6], ['invalid-token', 2, 15]]));
  });
  it('every reserved construct is one error, not a cascade', () => {
    const src = 'use "x" { a < b }\nuse "y"\nrole a @2 { }';
    const { diagnostics } = parse(src, 'x.mimi');
    expect(diagnostics.map((d) => d.kind)).toEqual(['reserved-keyword', 'reserved-keyword']);
  });
  it('caps the number of diagnostics', () => {
    const { diagnostics } = parse('$ '.repeat(300), 'x.mimi');
    expect(diagnostics).toHaveLength(101);
    expect(diagnostics[100].kind).toBe('too-many-errors');
  });
  it('string escapes', () => {
    const r = compileVirtual('role a @2 { description "q\\"b\\\\s\\n\\t\\u{1F600}" }');
    expect(r.policy.roles[0].description).toBe('q"b\\s\n\t😀');
  });
});
