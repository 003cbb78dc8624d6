/**
 * The multi-role model (hierarchy, add-ons, bans) and its lowering to the single-role wire model.
 */
import { describe, expect, it } from 'vitest';
import { compileFile, memoryHost } from '../compiler/index.js';
import { encodePolicy } from '../runtime/codec/index.js';
import { capabilityByName } from '../runtime/registry.js';
import { compileVirtual, diagnose } from './harness.js';

const c = (n: string) => capabilityByName.get(n)!.code;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('lowering a small hierarchy', () => {
  const src = `
hierarchy {
  level member { grant canSendMessage }
  level mod { grant canDeleteOtherMessage  given_by mod }
  entry member
  add_by mod
  remove_by mod
  protect strictly_lower
}
addon tag { grant canStartTopic  given_by mod }
bans { by mod  unban_by mod }
participants { "m": mod }
`;
  const r = compileVirtual(src);
  it('compiles, with the lowering note and a warning that `given_by mod` on mod can never take effect', () => {
    expect(r.diagnostics.map((d) => d.kind)).toEqual(['lowering-info', 'lowering-lost']);
    expect(diagnose(src).find((d) => d.code === 'W0124')!.underline).toBe('given_by mod');
  });
  it('gives exactly the expected RoleData', () => {
    // states: member, member+tag, mod — not mod+tag: only a mod gives tags, and a mod acts only on lower levels
    expect(r.policy.roles.map((x) => [x.index, x.name])).toEqual([
      [0, 'none'],
      [1, 'banned'],
      [2, 'member'],
      [3, 'member+tag'],
      [4, 'mod'],
    ]);
    const mod = r.policy.roles.find((x) => x.name === 'mod')!;
    expect(mod.capabilities).toEqual(
      sorted([c('canSendMessage'), c('canDeleteOtherMessage'), c('canChangeUserRole'), c('canAddParticipant'), c('canRemoveParticipant'), c('canBan'), c('canUnBan')]),
    );
    // strictly lower: a mod acts on member states only, never on mod or mod+tag
    expect(mod.changes).toEqual([
      { from: 0, to: [1, 2] }, // ban a non-participant; add at the entry level
      { from: 1, to: [2] }, // unban to the entry level
      { from: 2, to: [0, 1, 3] }, // remove, ban, give the tag
      { from: 3, to: [0, 1, 2] }, // remove, ban, drop the tag
    ]);
    const member = r.policy.roles.find((x) => x.name === 'member')!;
    expect(member).toMatchObject({ capabilities: [c('canSendMessage')], changes: [] });
    expect(r.policy.roles.find((x) => x.name === 'member+tag')!.capabilities).toEqual(sorted([c('canSendMessage'), c('canStartTopic')]));
    expect(r.policy.roles.find((x) => x.name === 'banned')).toMatchObject({ capabilities: [], maxActive: 0 });
  });
  it('participants name lowered roles with level + add-ons', () => {
    const r2 = compileVirtual(`${src.replace('participants { "m": mod }', 'participants { "m": mod "t": member + tag }')}`);
    expect(r2.policy.participants).toEqual([
      { user: 'm', role: 4 },
      { user: 't', role: 3 },
    ]);
  });
  it('lower_or_equal lets an actor act on its own level; none on anyone', () => {
    const eq = compileVirtual(src.replace('protect strictly_lower', 'protect lower_or_equal'));
    expect(eq.policy.roles.find((x) => x.name === 'mod+tag')!.index).toBe(5);
    // remove, ban, demote to member (keeping the tag), drop the tag
    expect(eq.policy.roles.find((x) => x.name === 'mod')!.changes.find((ch) => ch.from === 5)).toEqual({ from: 5, to: [0, 1, 3, 4] });
  });
  it('is deterministic', () => {
    expect(Buffer.from(encodePolicy(compileVirtual(src).policy)).equals(Buffer.from(encodePolicy(r.policy)))).toBe(true);
  });
  it('provenance: lowered roles point at their level, with the origin', () => {
    const p = r.provenance.roles.get(3)!;
    expect(src.slice(p.span.start, p.span.end)).toMatch(/^level member/);
    expect(p.origin).toBe('hierarchy level member + add-ons {tag}');
  });
  it('a problem on a lowered role is reported at the hierarchy source, not a synthetic role', () => {
    const bad = diagnose('room { fixed_membership true }\nhierarchy { level a level b { given_by b } add_by b }\nparticipants { "x": b }');
    const d = bad.find((x) => x.code === 'E0205')!;
    expect(d.underline).toBe('add_by b');
  });
});

describe('limits and what is lost', () => {
  const many = (n: number) => `hierarchy { level a level b { given_by b } protect none } ${Array.from({ length: n }, (_, i) => `addon x${i} { given_by a }`).join(' ')}`;
  it('refuses above the limit with the count and the formula, without building the states', () => {
    const r = compileVirtual(many(13));
    const d = r.diagnostics.find((x) => x.kind === 'hierarchy-too-large')!;
    expect(d.message).toMatch(/more than 4096 roles \(at most 16384 states: Σ over levels of 2\^\(add-ons allowed\)\)/);
  });
  it('the limit is configurable', () => {
    const files = { '/v/m.mimi': many(6) };
    expect(compileFile('/v/m.mimi', { host: memoryHost(files), maxLoweredRoles: 100 }).diagnostics.some((d) => d.kind === 'hierarchy-too-large')).toBe(true);
    expect(compileFile('/v/m.mimi', { host: memoryHost(files), maxLoweredRoles: 128 }).ok).toBe(true);
  });
  it('warns for everything the wire cannot carry', () => {
    const seen = diagnose(`
hierarchy { level a { participants 1..2 } level b { grant all given_by b } kick_by b }
addon tag { requires a given_by b self_assign participants 0..3 }
bans { by b reasons expiry }`).filter((d) => d.code === 'W0124');
    expect(seen.map((d) => d.underline)).toEqual(['participants 1..2', 'all', 'given_by b', 'kick_by b', 'self_assign', 'participants 0..3', 'reasons', 'expiry']);
  });
  it('warns that leave + remove_by lets peers remove each other', () => {
    const seen = diagnose('hierarchy { level regular level moderator level admin { } remove_by moderator leave }');
    expect(seen.find((d) => d.code === 'W0124')!.underline).toBe('remove_by moderator');
  });
  it('the two models cannot be mixed, but packages are shared', () => {
    expect(compileVirtual('package p { canSendMessage } hierarchy { level a { grant p } }').ok).toBe(true);
    expect(compileVirtual('role r @2 { } hierarchy { level a }').diagnostics.map((d) => d.kind)).toContain('mixed-role-models');
  });
});
