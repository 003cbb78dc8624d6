/**
 * stdlib/: the capability registry data, the standard packages and the draft's appendix templates.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../compiler/index.js';
import { capabilities, capabilityByName, isPrivateUse } from '../runtime/registry.js';
import { compileVirtual } from './harness.js';

const root = join(import.meta.dirname, '..');

describe('capability registry', () => {
  it('names and codes are unique; none is private-use; categories follow the code ranges', () => {
    expect(new Set(capabilities.map((c) => c.name)).size).toBe(capabilities.length);
    expect(new Set(capabilities.map((c) => c.code)).size).toBe(capabilities.length);
    for (const c of capabilities) expect(isPrivateUse(c.code)).toBe(false);
    const range: Record<string, number> = { membership: 0, message: 1, asset: 2, metadata: 3, media: 4, disruptive: 5, mls: 6 };
    for (const c of capabilities) if (c.category in range) expect(c.code >> 8, c.name).toBe(range[c.category]);
  });
  it('every capability has a one-line description in the project style', () => {
    for (const c of capabilities) {
      expect(c.description, c.name).toMatch(/^[a-z]/);
      expect(c.description, c.name).not.toMatch(/\.$|\n/);
      expect(c.description.length, c.name).toBeLessThanOrEqual(90);
    }
  });
  it('has the draft’s well-known codes', () => {
    expect(capabilityByName.get('canUnBan')!.code).toBe(0x000b);
    expect(capabilityByName.get('canSendMessage')!.code).toBe(0x0100);
    expect(capabilityByName.get('canChangeRoleDefinitions')!.code).toBe(0x0503);
  });
});

describe('std/packages', () => {
  const r = compileVirtual('import "std/packages"\nrole m @2 { grant chatter }');
  it('compiles cleanly and only packages non-reserved capabilities', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.symbols.packages.size).toBeGreaterThanOrEqual(10);
    for (const [name, p] of r.symbols.packages)
      for (const code of p.capabilities) expect(capabilities.find((c) => c.code === code)!.reserved, `${name} has a reserved capability`).toBe(false);
  });
  it('includes compose: chatter contains reader', () => {
    const reader = r.symbols.packages.get('reader')!.capabilities;
    const chatter = r.symbols.packages.get('chatter')!.capabilities;
    for (const c of reader) expect(chatter).toContain(c);
    expect(chatter.length).toBeGreaterThan(reader.length);
  });
});

describe('templates (the draft appendix policies, repaired)', () => {
  const dir = join(root, 'stdlib', 'templates');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mimi'));
  it('are the four appendix policies', () => {
    expect(files.sort()).toEqual(['cooperative.mimi', 'moderated.mimi', 'multi-org.mimi', 'strict.mimi']);
  });
  for (const f of files) {
    it(`${f}: compiles with no diagnostics and lists its repairs`, () => {
      const c = compileFile(join(dir, f));
      expect(c.diagnostics).toEqual([]);
      expect(readFileSync(join(dir, f), 'utf8')).toMatch(/Repairs of the draft's example:/);
      const banned = c.policy.roles.find((x) => x.index === 1);
      if (banned) expect(banned.name).toBe('banned');
    });
  }
  it('cooperative: the draft’s role indexes and transition matrix of group_admin', () => {
    const c = compileFile(join(dir, 'cooperative.mimi'));
    const admin = c.policy.roles.find((x) => x.name === 'group_admin')!;
    expect(admin.index).toBe(3);
    expect(admin.changes).toEqual([
      { from: 0, to: [1, 2, 3] },
      { from: 1, to: [0, 2, 3] },
      { from: 2, to: [0, 1, 3] },
      { from: 3, to: [0, 1, 2] },
    ]);
    expect(admin.minParticipants).toBe(1);
  });
});

describe('examples', () => {
  const dir = join(root, 'examples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mimi')))
    it(`${f} compiles with no errors`, () => {
      expect(compileFile(join(dir, f)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
});
