/**
 * The multi-role model (hierarchy, add-ons, bans) and its lowering to the single-role wire model.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../compiler/cli/main.js';
import { compileFile, memoryHost } from '../compiler/index.js';
import { encodeComponent, encodePolicy } from '../runtime/codec/index.js';
import { capabilityByName } from '../runtime/registry.js';
import { codes, compileVirtual, diagnose } from './harness.js';

const c = (n: string) => capabilityByName.get(n)!.code;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

const SMALL = `
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

describe('lowering a small hierarchy', () => {
  const src = SMALL;
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
  it('refuses above the role limit with the counts it would produce, before building anything', () => {
    const r = compileVirtual(many(13));
    const d = r.diagnostics.find((x) => x.kind === 'hierarchy-too-large')!;
    // `none` and 2 levels × 2^13 add-on sets; every role lists 13 add-on moves on each of the 16,384 states (and promotions)
    expect(d.message).toMatch(/^the hierarchy would lower to 16,385 roles and 3,623,878,656 authorized role-change targets \(about [\d.]+ GB of RoleData\); the limit is 4,096 roles and 1,000,000 targets$/);
    expect(d.help).toMatch(/`--max-lowered-roles <n>` and `--max-lowered-targets <n>`/);
    expect(r.policy.roles).toEqual([]);
  });
  it('counts 25 add-ons (2^26 states, 2^57 targets) instead of building them', () => {
    const d = compileVirtual(many(25)).diagnostics.find((x) => x.kind === 'hierarchy-too-large')!;
    expect(d.message).toMatch(/would lower to 67,108,865 roles and [\d,]+ authorized role-change targets \(more than 1 TB of RoleData\)/);
    // beyond 30 add-ons the add-on sets no longer fit a mask: refused at the 31st
    expect(diagnose(many(31)).find((x) => x.code === 'E0122')!.underline).toBe('x30');
  });
  it('refuses by output size: few roles, but every one lists every move on every state', () => {
    // 129 roles (`none` and 128 states): each lists 6 add-on moves on each of the 128 states, and `b` roles the 128 promotions and demotions
    const files = { '/v/m.mimi': many(6) };
    const compile = (o: object) => compileFile('/v/m.mimi', { host: memoryHost(files), ...o });
    const refused = compile({ maxLoweredTargets: 100_000 }).diagnostics.find((d) => d.kind === 'hierarchy-too-large')!;
    expect(refused.message).toMatch(/^the hierarchy would lower to 129 roles and 106,496 authorized role-change targets \(about [\d.]+ KB of RoleData\); the limit is 100,000 targets$/);
    expect(refused.help).toMatch(/^raise the limit with `--max-lowered-targets <n>`/);
    const ok = compile({ maxLoweredTargets: 106_496 });
    expect(ok.ok).toBe(true);
    expect(ok.policy.roles.reduce((n, x) => n + x.changes.reduce((m, e) => m + e.to.length, 0), 0)).toBe(106_496);
  });
  it('a refused hierarchy is the one error: the roles it would have lowered to are not also unknown', () => {
    expect(codes(`${many(13)} participants { "o": b + x1 }`)).toEqual(['E0122']);
  });
  it('counts irregular hierarchies too: 2,047 participant states nobody may change are enumerated, not guessed', () => {
    // each participant's add-on set at the protected top level is its own isolated state
    const names = (k: number) => Array.from({ length: 11 }, (_, i) => ((k >> i) & 1 ? ` + a${i}` : '')).join('');
    const participants = Array.from({ length: 2047 }, (_, k) => `"u${k}": top${names(k + 1)}`).join(' ');
    const r = compileVirtual(
      `hierarchy { level low level top { given_by top } add_by top remove_by top } ${Array.from({ length: 11 }, (_, i) => `addon a${i} { given_by top requires top }`).join(' ')} participants { ${participants} }`,
    );
    expect(r.policy.roles.length).toBe(2049); // none, low, and the 2,047 named; plain `top` is unreachable (strictly_lower)
    expect(r.symbols.hierarchy!.size).toMatchObject({ roles: 2049, targets: r.policy.roles.reduce((n, x) => n + x.changes.reduce((m, e) => m + e.to.length, 0), 0) });
  });
  it('the CLI flags raise the limits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-lowering-'));
    writeFileSync(join(dir, 'm.mimi'), many(6));
    const run = async (...flags: string[]) => {
      let err = '';
      const code = await main(['check', join(dir, 'm.mimi'), '--no-analyses', '--plain', ...flags], { out: () => {}, err: (t) => (err += t), color: false, cwd: dir });
      return { code, err };
    };
    const refused = await run('--max-lowered-targets', '100000');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/m\.mimi:1:1: error\[E0122\]: the hierarchy would lower to 129 roles and 106,496 authorized role-change targets/);
    expect((await run('--max-lowered-roles', '128')).err).toMatch(/the limit is 128 roles/);
    expect((await run()).code).toBe(0);
  });
  it('the role limit is configurable', () => {
    const files = { '/v/m.mimi': many(6) };
    expect(compileFile('/v/m.mimi', { host: memoryHost(files), maxLoweredRoles: 128 }).diagnostics.find((d) => d.kind === 'hierarchy-too-large')!.message).toMatch(/would lower to 129 roles .*; the limit is 128 roles$/);
    expect(compileFile('/v/m.mimi', { host: memoryHost(files), maxLoweredRoles: 129 }).ok).toBe(true);
  });
  it('the counts predicted before lowering are those of the lowering', () => {
    // the hierarchies of this file, the README's, and a fixed pseudo-random sample of settings
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const maybe = (p: number, s: string) => (rnd() < p ? s : '');
    const random = () => {
      const lv = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => `l${i}`);
      return [
        `hierarchy { ${lv.map((n) => `level ${n} { ${maybe(0.5, 'grant canSendMessage')} ${maybe(0.7, `given_by ${pick(lv)}`)} ${maybe(0.3, `dropped_by ${pick(lv)}`)} }`).join(' ')}`,
        `${maybe(0.8, `protect ${pick(['none', 'lower_or_equal', 'strictly_lower'])}`)} ${maybe(0.5, `entry ${pick(lv)}`)} ${maybe(0.6, `add_by ${pick(lv)}`)} ${maybe(0.6, `remove_by ${pick(lv)}`)} ${maybe(0.5, 'leave')} ${maybe(0.3, 'open_join')} }`,
        ...Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => `addon a${i} { ${maybe(0.6, `requires ${pick(lv)}`)} ${maybe(0.8, `given_by ${pick(lv)}`)} ${maybe(0.3, `dropped_by ${pick(lv)}`)} }`),
        maybe(0.5, `bans { ${maybe(0.7, `by ${pick(lv)}`)} ${maybe(0.7, `unban_by ${pick(lv)}`)} }`),
      ].join('\n');
    };
    const readme = `hierarchy {
  level regular   { grant canSendMessage  given_by moderator }
  level moderator { grant canKick          given_by admin }
  level admin     { grant canBan }
  entry regular  add_by moderator  remove_by moderator  leave
}
addon programmer { grant canStartTopic  requires regular  given_by moderator }
bans { by moderator  unban_by admin }`;
    const sources = [SMALL, SMALL.replace('protect strictly_lower', 'protect lower_or_equal'), readme, many(3), ...Array.from({ length: 60 }, random)];
    let compared = 0;
    for (const source of sources) {
      const r = compileVirtual(source);
      if (!r.symbols.hierarchy) continue;
      compared++;
      const { size } = r.symbols.hierarchy;
      expect(size.roles, source).toBe(r.policy.roles.length);
      expect(size.targets, source).toBe(r.policy.roles.reduce((n, x) => n + x.changes.reduce((m, e) => m + e.to.length, 0), 0));
      // the byte count is an estimate (capability lists vary by add-on set): close, not exact
      const bytes = encodeComponent('roles', r.policy.roles).length;
      expect(Math.abs(size.wireBytes - bytes) / bytes, source).toBeLessThan(0.3);
    }
    expect(compared).toBeGreaterThan(40);
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
