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
import { runScenarios } from '../compiler/scenarios.js';
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
        `hierarchy { ${lv.map((n) => `level ${n} { ${maybe(0.5, 'grant canSendMessage')} ${maybe(0.7, `given_by ${pick(lv)}`)} ${maybe(0.3, `dropped_by ${pick(lv)}`)} ${maybe(0.2, `add_by ${pick(lv)}`)} }`).join(' ')}`,
        `${maybe(0.8, `protect ${pick(['none', 'lower_or_equal', 'strictly_lower'])}`)} ${maybe(0.5, `entry ${pick(lv)}`)} ${maybe(0.6, `add_by ${pick(lv)}`)} ${maybe(0.6, `remove_by ${pick(lv)}`)} ${maybe(0.5, 'leave')} ${maybe(0.3, 'open_join')} }`,
        ...Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => `addon a${i} { ${maybe(0.6, `requires ${pick(lv)}`)} ${maybe(0.8, `given_by ${pick(lv)}`)} ${maybe(0.3, `dropped_by ${pick(lv)}`)} }`),
        maybe(0.5, `bans { ${maybe(0.7, `by ${pick(lv)}`)} ${maybe(0.7, `unban_by ${pick(lv)}`)} ${maybe(0.3, 'members_only')} }`),
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

describe('what the hierarchy can say beyond the entry level, and what the wire cannot carry', () => {
  const run = (src: string) => {
    const r = compileVirtual(src);
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    const names = new Map([...r.symbols.roles].map(([k, v]) => [k, v.index]));
    return runScenarios(r.policy, r.scenarios, names);
  };
  const failing = (src: string) => run(src).flatMap((s) => [...(s.error ? [s.error] : []), ...s.steps.filter((st) => !st.passed).map((st) => `${st.text}: ${st.error ?? st.decision?.rule ?? st.check?.actual}`)]);
  const FIVE = `
hierarchy {
  level restricted
  level regular   { given_by moderator }
  level moderator { given_by admin  add_by owner }
  level admin     { given_by owner  add_by admin }
  level owner     { participants 1.. }
  entry regular
  add_by moderator
}
participants { "o": owner }
allow creation-only-role for owner because "set at creation"
`;
  it('`add_by L` in a level: holders of L or above add users directly at that level (0 -> level in their list)', () => {
    const r = compileVirtual(FIVE);
    const role = (n: string) => r.policy.roles.find((x) => x.name === n)!;
    const idx = (n: string) => role(n).index;
    const from0 = (n: string) => role(n).changes.find((e) => e.from === 0)?.to ?? [];
    expect(from0('moderator')).toEqual([idx('regular')]);
    // an admin adds at the entry level and (add_by admin on admin, but strictly_lower) not at its own level
    expect(from0('admin')).toEqual([idx('regular')]);
    expect(from0('owner')).toEqual(sorted([idx('regular'), idx('moderator'), idx('admin')]));
    expect(role('owner').capabilities).toContain(c('canAddParticipant'));
  });
  it('`add_by` on a level the protection keeps the named level from: a located warning with the level that can', () => {
    const seen = diagnose(FIVE).filter((d) => d.code === 'W0126');
    expect(seen.map((d) => d.underline)).toEqual(['add_by admin']);
    const r = compileVirtual(FIVE);
    expect(r.diagnostics.find((d) => d.kind === 'protection-overrides-level')!.message).toBe(
      '`add_by admin` on level `admin` is ignored under `protect strictly_lower`: holders of `admin` cannot add users at `admin`; the lowest level that can is `owner`',
    );
    // nobody above the top level: never takes effect
    expect(diagnose('hierarchy { level a level b { add_by b } }').find((d) => d.code === 'W0124')!.underline).toBe('add_by b');
    // an add-on is not a level users are added at
    expect(diagnose('hierarchy { level a level b } addon t { add_by b }').find((d) => d.code === 'E0121')!.underline).toBe('add_by b');
  });
  it('scenarios: an owner adds erin at moderator; a moderator cannot', () => {
    expect(
      failing(`${FIVE}
scenario "add at a level" {
  given { o: owner  m: moderator }
  expect allow o add erin to moderator
  expect erin is moderator
  expect deny  m add fred to moderator
  expect allow m add fred to regular
}`),
    ).toEqual([]);
  });
  it('`given_by moderator` on moderator under strictly_lower is ignored: warned where it is written (W0126)', () => {
    const src = 'hierarchy { level regular level moderator { given_by moderator } level admin { dropped_by regular } level owner }';
    const seen = diagnose(src).filter((d) => d.code === 'W0126');
    expect(seen.map((d) => d.underline)).toEqual(['given_by moderator', 'dropped_by regular']);
    expect(compileVirtual(src).diagnostics.find((d) => d.kind === 'protection-overrides-level')!.help).toBe('write `given_by admin` to say what happens, or use `protect lower_or_equal`');
    // lower_or_equal: a moderator may make moderators (the given_by is what happens); a regular still cannot demote an admin
    expect(diagnose(src.replace('hierarchy {', 'hierarchy { protect lower_or_equal')).filter((d) => d.code === 'W0126').map((d) => d.underline)).toEqual(['dropped_by regular']);
    // the hierarchy-wide add_by at the entry level too
    expect(diagnose('hierarchy { level regular level mod entry regular add_by regular }').find((d) => d.code === 'W0126')!.underline).toBe('add_by regular');
    expect(diagnose('hierarchy { level regular level mod entry mod add_by mod }').find((d) => d.code === 'W0124')!.underline).toBe('add_by mod');
  });
  const STEP = (preauth: string) => `
hierarchy {
  level regular   { grant canSendMessage }
  level moderator { given_by admin }
  level admin     { given_by owner  self_drop }
  level owner
  entry regular
}
participants { "o": owner }
${preauth}
`;
  it('`self_drop` on a level: carried through preauthorization when every preauth role is lower (canChangeOwnRole), with a warning', () => {
    const src = STEP('preauth { moderator when x509 "2.5.4.11" = "Mods" }');
    const r = compileVirtual(src);
    const admin = r.policy.roles.find((x) => x.name === 'admin')!;
    expect(admin.capabilities).toContain(c('canChangeOwnRole'));
    // no role-change entry is involved (changeOwnRole consumes none): the entries are those without `self_drop`
    expect(r.policy.roles.map((x) => x.changes)).toEqual(compileVirtual(src.replace('  self_drop', '')).policy.roles.map((x) => x.changes));
    expect(r.policy.roles.find((x) => x.name === 'moderator')!.capabilities).not.toContain(c('canChangeOwnRole'));
    const w = diagnose(src).find((d) => d.code === 'W0124')!;
    expect(w.underline).toBe('self_drop');
    expect(r.diagnostics.find((d) => d.kind === 'lowering-lost')!.message).toMatch(/^`self_drop` on level `admin`: the wire has no self-demotion; a holder steps down only through preauthorization, to the role of the first preauth entry its claims match \(`moderator`\)/);
    expect(
      failing(`${src}
scenario "an admin steps down" {
  given { a: admin claims { x509 "2.5.4.11" = "Mods" }  b: admin }
  expect allow a changeOwnRole to moderator
  expect a is moderator
  expect deny  b changeOwnRole to moderator // no matching claims: no step down
}`),
    ).toEqual([]);
  });
  it('`self_drop` without a safe preauth is not carried: a located warning says why', () => {
    for (const [preauth, why] of [
      ['', /no preauth entry names a lower level; lowered as not self-demotable$/],
      ['preauth { owner when x509 "2.5.4.11" = "Boss"  moderator when x509 "2.5.4.11" = "Mods" }', /the preauth entry for `owner` is not below `admin`; lowered as not self-demotable$/],
    ] as const) {
      const r = compileVirtual(STEP(preauth));
      expect(r.policy.roles.find((x) => x.name === 'admin')!.capabilities).not.toContain(c('canChangeOwnRole'));
      expect(r.diagnostics.find((d) => d.kind === 'lowering-lost')!.message).toMatch(why);
      expect(diagnose(STEP(preauth)).find((d) => d.code === 'W0124')!.underline).toBe('self_drop');
    }
    expect(diagnose('hierarchy { level a { self_assign } }').find((d) => d.code === 'E0121')!.underline).toBe('self_assign');
    expect(compileVirtual('hierarchy { level a { self_drop } level b }').diagnostics.find((d) => d.kind === 'lowering-lost')!.message).toMatch(/it is the lowest level/);
  });
  it('`members_only` bans: no `none -> banned` entry, so a user who is not in the room cannot be banned', () => {
    const src = (flag: string) => `hierarchy { level regular level mod { given_by mod } entry regular add_by mod } bans { by mod unban_by mod ${flag} } participants { "m": mod }`;
    const mod = (flag: string) => compileVirtual(src(flag)).policy.roles.find((x) => x.name === 'mod')!;
    expect(mod('').changes.find((e) => e.from === 0)!.to).toEqual([1, 2]);
    expect(mod('members_only').changes.find((e) => e.from === 0)!.to).toEqual([2]);
    expect(mod('members_only').changes.find((e) => e.from === 2)!.to).toEqual([1]);
    expect(
      failing(`${src('members_only')}
scenario "members only" {
  given { m: mod  u: regular }
  expect deny  m ban stranger
  expect allow m ban u
  expect u banned
}`),
    ).toEqual([]);
  });
  it('the level named by `add_by` in a level is a reference (find references, rename)', async () => {
    const { parse } = await import('../grammar/index.js');
    const { collectOccurrences, referencesOf } = await import('../compiler/lsp/occurrences.js');
    const text = 'hierarchy { level a level b { add_by c } level c }';
    const refs = referencesOf(collectOccurrences([parse(text, 'm.mimi').ast]), { ns: 'role', name: 'c' });
    expect(refs.map((o) => text.slice(o.start, o.end))).toEqual(['c', 'c']);
    expect(refs.map((o) => o.start)).toContain(text.indexOf('add_by c') + 'add_by '.length);
  });
  it('the formatter prints the new items as written', async () => {
    const { format } = await import('../compiler/format/index.js');
    const src = 'hierarchy {\n  level a { self_drop }\n  level b { add_by c }\n  level c\n}\n\nbans {\n  by c\n  members_only\n}\n';
    const once = await format(src);
    expect(once).toContain('add_by c');
    expect(once).toContain('members_only');
    expect(once).toContain('self_drop');
    expect(await format(once)).toBe(once);
  });
});
