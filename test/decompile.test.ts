/**
 * The decompiler (compiler/emit/source.ts): readable output for a hand-written policy, and the hard
 * guarantee that decompiled source compiles back to the identical IR (hence the same bytes) — over the
 * stdlib templates and examples, over random policies, consistent ones and arbitrary wire IR, and over
 * a generated 2,000-role policy.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSource, type CompileResult } from '../compiler/compile.js';
import { decompile, DecompileError } from '../compiler/emit/source.js';
import { encodeOid, utf8Hex } from '../runtime/claims.js';
import { decodePolicy, encodePolicy } from '../runtime/codec/index.js';
import { defaultBasePolicy, defaultPolicyComponentIds, type Claim, type HistoryPolicy, type Policy, type Role } from '../runtime/ir.js';
import { capabilities } from '../runtime/registry.js';
import { arbBase, arbHex, arbOtherComponents, arbPolicy, arbText, arbU16, arbU32 } from './arbitraries.js';

const ROOT = join(import.meta.dirname, '..');
/** DECOMPILE_RUNS=5000 for a longer search */
const RUNS = Number(process.env.DECOMPILE_RUNS ?? 250);

/** Parse and lowering errors (E00xx, E01xx): the decompiled text itself is wrong. Checker findings on the IR are not. */
const sourceErrors = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === 'error' && /^E0[01]/.test(d.code)).map((d) => `${d.code} ${d.message}`);

function recompile(policy: Policy): { text: string; result: CompileResult } {
  const text = decompile(policy, { source: 'room.policy.bin' });
  return { text, result: compileSource(text, '/virtual/decompiled.mimi') };
}

function expectRoundTrip(policy: Policy): string {
  const { text, result } = recompile(policy);
  expect(sourceErrors(result), text).toEqual([]);
  expect(result.policy, text).toStrictEqual(policy);
  return text;
}

const HAND = `
capability canPin = 0xF001
credential jwt = 0xF0A1

/// Not in the room.
role no_role @0 {
  grant canUseJoinCode
  changes { none -> member }
}

role banned @1 { active 0..0 }

/// An ordinary member.
role member @2 {
  grant canReceiveMessage, canCopyMessage, canSendMessage, canRemoveSelf
  participants 0..50
  changes { member -> none }
}

role lurker @3 {
  grant canReceiveMessage, canFollowLink, canDownloadImage, canDownloadVideo, canDownloadAudio
  active 2..
}

role watcher @4 {
  grant canReportAbuse, canFollowLink, canDownloadImage, canDownloadVideo, canDownloadAudio
}

role admin @5 {
  name "Org B admin"
  description "Says \\"hi\\"\\n\\ttwice"
  grant canReceiveMessage, canCopyMessage, canSendMessage, canRemoveSelf, canKick, canBan, canPin
  participants 1..3
  changes {
    none -> member, banned
    member -> none, banned
  }
}

role odd @6 {
  capabilities [canSendMessage, canAddParticipant, canSendMessage, 0x1234]
}

preauth {
  admin when x509 "2.5.4.11" = "IT" and basic = "alice@example.com"
  member when jwt "org" = "example.com"
  member when anyone
}

participants {
  "alice@example.com": admin
}

history optional {
  share_by admin
  max_period 3600
}

component 0x0028 hex"00ff"
`;

describe('decompile: readable output', () => {
  const compiled = compileSource(HAND, '/virtual/hand.mimi');

  it('compiles the hand-written policy', () => {
    expect(sourceErrors(compiled)).toEqual([]);
  });

  it('recovers extends, packages, names, descriptions and the verbatim forms', () => {
    const text = expectRoundTrip(compiled.policy);
    const lines = text.split('\n');
    expect(lines[0]).toBe('// decompiled by mimi-policy from room.policy.bin');
    expect(lines).toContain('capability private_f001 = 0xF001');
    // admin's capabilities properly contain member's: the largest such parent
    expect(lines).toContain('role org_b_admin @5 extends member {');
    expect(lines).toContain('  name "Org B admin"');
    expect(lines).toContain('  description "Says \\"hi\\"\\n\\ttwice"');
    expect(lines).toContain('/// An ordinary member.');
    // lurker and watcher share four capabilities verbatim: a package
    const pkg = lines.find((l) => l.startsWith('package '));
    expect(pkg).toBeDefined();
    const pkgName = pkg!.split(' ')[1];
    expect(pkg).toContain('canFollowLink');
    expect(pkg).toContain('canDownloadImage');
    const grantsOf = (role: string) => {
      const start = lines.findIndex((l) => l.startsWith(`role ${role} `));
      return lines.slice(start, lines.indexOf('}', start)).filter((l) => l.trim().startsWith('grant '));
    };
    expect(grantsOf('lurker').join(' ')).toContain(pkgName);
    expect(grantsOf('watcher').join(' ')).toContain(pkgName);
    expect(lines).toContain('  capabilities [canSendMessage, canAddParticipant, canSendMessage, 0x1234]   // exact list: wire order kept');
    expect(lines).toContain('  participants 1..3');
    expect(lines).toContain('  active 0');
    expect(lines).toContain('  active 2..');
    expect(lines).toContain('    member -> none, banned');
    expect(lines).toContain('  org_b_admin when x509 "2.5.4.11" = "IT" and basic = "alice@example.com"');
    expect(lines).toContain('  member when credential 0xf0a1 "org" = "example.com"');
    expect(lines).toContain('  member when anyone');
    expect(lines).toContain('  "alice@example.com": org_b_admin');
    expect(lines).toContain('history optional {');
    expect(lines).toContain('  share_by org_b_admin');
    expect(lines).not.toContain('  automatic false');
    expect(lines).toContain('component 0x0028 hex"00ff"');
    // only non-default room settings: none here
    expect(text).not.toContain('room {');
  });

  it('writes room settings, generated identifiers and byte claims', () => {
    const p = structuredClone(compiled.policy);
    p.base.persistentRoom = true;
    p.base.maxUsers = 0;
    p.base.parentDependant = true;
    p.base.parentRooms = ['mimi://example.com/r/parent'];
    p.base.policyComponentIds = [0x25, 0x26, 0x27];
    p.roles[3].name = 'Org B admin'; // now two roles share a name that is not an identifier
    p.roles[4].name = 'none';
    p.roles[4].description = '  leading space';
    p.preauth![0].role = structuredClone(p.roles[p.roles.findIndex((r) => r.index === 5)]);
    p.preauth![1].claims = [
      { credentialType: 2, id: '0001', value: 'ff00' },
      { credentialType: 1, id: '61', value: utf8Hex('caf\u00e9') },
      { credentialType: 7, id: '', value: '' },
    ];
    const text = expectRoundTrip(p);
    expect(text).toContain('room {\n  parent_dependant true\n  parent_room "mimi://example.com/r/parent"\n  max_users 0\n  persistent_room true\n  components [0x0025, 0x0026, 0x0027]\n}');
    expect(text).toContain('role org_b_admin @3 {\n  name "Org B admin"');
    expect(text).toContain('role org_b_admin_2 @5 extends member {\n  name "Org B admin"');
    expect(text).toContain('role none_role @4 {\n  name "none"\n  description "  leading space"');
    expect(text).toContain('member when x509 hex"0001" = hex"ff00" and credential 0x0001 "a" = "café" and credential 0x0007 = ""');
  });

  it('keeps an empty preauth block and participant list', () => {
    const p = structuredClone(compiled.policy);
    p.preauth = [];
    p.participants = [];
    p.history = { sharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 };
    p.base.policyComponentIds = defaultPolicyComponentIds(p);
    const text = expectRoundTrip(p);
    expect(text).toContain('preauth { }');
    expect(text).toContain('participants { }');
    expect(text).toContain('history forbidden\n');
  });

  it('writes an empty component list and a change entry without targets, and reads them back', () => {
    const p = structuredClone(compiled.policy);
    p.base.policyComponentIds = [];
    p.roles[2].changes.push({ from: 2, to: [] });
    p.preauth = p.preauth?.map((e) => ({ ...e, role: structuredClone(p.roles.find((r) => r.index === e.role.index)!) })) ?? null;
    const text = decompile(p);
    expect(text).toContain('components []');
    expect(text).toMatch(/ -> \[\]\n/);
    const again = compileSource(text, '/virtual/again.mimi');
    expect(again.policy).toEqual(p);
  });

  it('refuses what the language cannot express', () => {
    const bad = (edit: (p: Policy) => void, message: RegExp) => {
      const p = structuredClone(compiled.policy);
      edit(p);
      expect(() => decompile(p)).toThrow(DecompileError);
      expect(() => decompile(p)).toThrow(message);
    };
    bad((p) => p.roles[2].changes.push({ from: 2, to: [9] }), /role 9, which no role defines/);
    bad((p) => (p.participants![0].role = 42), /role 42/);
    bad((p) => (p.history!.rolesThatCanShare = [77]), /role 77/);
    bad((p) => (p.preauth![0].role.description = 'changed'), /differs from the role list/);
    bad((p) => (p.history = { sharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: true, maxTimePeriod: 0 }), /forbidden/);
    bad((p) => (p.roles[3].name = 'x\uD800'), /surrogate/);
    bad((p) => p.otherComponents.unshift({ id: 0x0030, data: '' }), /ascending/);
  });
});

describe('decompile: stdlib templates and examples round-trip', () => {
  const files = ['stdlib/templates', 'examples']
    .map((dir) => join(ROOT, dir))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.mimi')).map((f) => join(dir, f)));

  it('source → IR → decompile → compile → the same IR', () => {
    let compiled = 0;
    for (const file of files) {
      const r = compileSource(readFileSync(file, 'utf8'), file);
      if (!r.ok) continue;
      compiled++;
      expectRoundTrip(r.policy);
    }
    expect(compiled).toBeGreaterThanOrEqual(1);
  });
});

// --- random policies ---------------------------------------------------------------------------------

const registered = capabilities.map((c) => c.code);
const arbCode = fc.oneof(
  { arbitrary: fc.constantFrom(...registered), weight: 6 },
  { arbitrary: fc.integer({ min: 0xf000, max: 0xf003 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 1 },
);
/** Sets drawn from a small pool so that subsets (extends) and shared groups (packages) happen. */
const pool = registered.slice(0, 24);
const arbCapabilities = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.constantFrom(...pool), { maxLength: 12 }).map((xs) => [...xs].sort((a, b) => a - b)), weight: 4 },
  { arbitrary: fc.uniqueArray(arbCode, { maxLength: 8 }).map((xs) => [...xs].sort((a, b) => a - b)), weight: 2 },
  { arbitrary: fc.array(arbCode, { maxLength: 6 }), weight: 2 },
);
const arbName = fc.oneof(
  fc.constantFrom('admin', 'member', 'banned', 'guest', 'Org B admin', 'none', 'role', '', '9lives', 'café au lait', 'grant', 'private_f001'),
  arbText,
);
const arbDescription = fc.oneof(
  fc.constantFrom('', 'A member.', 'two\nlines', ' padded ', 'ends */ here', 'tab\tinside', 'line\n\n  indented\nend', 'quote " and \\ backslash', '\u0000nul', 'zero\u200Bwidth', '/// nested'),
  arbText,
);
const arbOid = fc.array(fc.integer({ min: 0, max: 100000 }), { minLength: 1, maxLength: 4 }).map((arcs) => encodeOid(['2', '5', ...arcs].join('.')));
const arbClaim: fc.Arbitrary<Claim> = fc.oneof(
  fc.record({ credentialType: fc.constant(1), id: fc.constantFrom('', '6964'), value: fc.oneof(arbText.map(utf8Hex), arbHex) }),
  fc.record({ credentialType: fc.constant(2), id: fc.oneof(arbOid, arbHex), value: fc.oneof(arbText.map(utf8Hex), arbHex) }),
  fc.record({ credentialType: arbU16, id: fc.oneof(arbText.map(utf8Hex), arbHex), value: fc.oneof(arbText.map(utf8Hex), arbHex) }),
);

/** Policies the checker's consistency rules accept: unique indexes, references to defined roles, identical embedded roles. */
const arbConsistentPolicy: fc.Arbitrary<Policy> = fc
  .uniqueArray(fc.oneof(fc.integer({ min: 0, max: 10 }), arbU32), { maxLength: 6 })
  .chain((indexes) => {
    const ref = fc.constantFrom(0, ...indexes);
    const arbRole = (index: number): fc.Arbitrary<Role> =>
      fc.record({
        index: fc.constant(index),
        name: arbName,
        description: arbDescription,
        capabilities: arbCapabilities,
        minParticipants: arbU32,
        maxParticipants: fc.option(arbU32, { nil: null }),
        minActive: arbU32,
        maxActive: fc.option(arbU32, { nil: null }),
        changes: fc.array(fc.record({ from: ref, to: fc.array(ref, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }),
      });
    const arbHistory: fc.Arbitrary<HistoryPolicy> = fc.oneof(
      fc.record({
        sharing: fc.constantFrom('optional' as const, 'required' as const),
        rolesThatCanShare: fc.array(ref, { maxLength: 3 }),
        automaticallyShare: fc.boolean(),
        maxTimePeriod: arbU32,
      }),
      fc.constant<HistoryPolicy>({ sharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 }),
    );
    return fc.record({
      base: arbBase,
      explicitComponents: fc.option(fc.array(arbU16, { minLength: 1, maxLength: 4 }), { nil: null }),
      roles: fc.tuple(...indexes.map(arbRole)),
      preauth: fc.option(fc.array(fc.record({ claims: fc.array(arbClaim, { maxLength: 3 }), target: fc.nat() }), { maxLength: 3 }), { nil: null }),
      participants: fc.option(fc.array(fc.record({ user: arbText, role: ref }), { maxLength: 3 }), { nil: null }),
      history: fc.option(arbHistory, { nil: null }),
      otherComponents: arbOtherComponents,
    });
  })
  .map(({ base, explicitComponents, roles, preauth, participants, history, otherComponents }) => {
    const p: Policy = {
      base,
      roles,
      preauth:
        preauth === null ? null : roles.length === 0 ? [] : preauth.map((e) => ({ claims: e.claims, role: structuredClone(roles[e.target % roles.length]) })),
      participants,
      history,
      otherComponents,
    };
    p.base.policyComponentIds = explicitComponents ?? defaultPolicyComponentIds(p);
    return p;
  });

describe('decompile: bytes → decompile → build → the same bytes', () => {
  it('consistent random policies (sorted and unsorted capability lists)', () => {
    fc.assert(
      fc.property(arbConsistentPolicy, (policy) => {
        const bytes = encodePolicy(policy);
        const decoded = decodePolicy(bytes);
        const { text, result } = recompile(decoded);
        expect(sourceErrors(result), text).toEqual([]);
        expect(result.policy, text).toStrictEqual(decoded);
        expect(encodePolicy(result.policy)).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary wire IR either round-trips or is refused with a DecompileError', () => {
    let refused = 0;
    const runs = RUNS;
    fc.assert(
      fc.property(arbPolicy, (policy) => {
        const decoded = decodePolicy(encodePolicy(policy));
        let text: string;
        try {
          text = decompile(decoded);
        } catch (e) {
          expect(e).toBeInstanceOf(DecompileError);
          refused++;
          return;
        }
        const result = compileSource(text, '/virtual/decompiled.mimi');
        expect(sourceErrors(result), text).toEqual([]);
        expect(result.policy, text).toStrictEqual(decoded);
      }),
      { numRuns: runs },
    );
    // most random wire IR names undefined roles; some of it must still get through
    expect(refused).toBeLessThan(runs);
  });
});

describe('decompile at scale', () => {
  /**
   * A 2,000-role IR: capability sets drawn from a few nested groups (so `extends` and packages are
   * recovered), roles sharing a name (generated identifiers), changes to neighbours, participants.
   */
  function generated(n: number): Policy {
    const usable = capabilities.filter((c) => !c.reserved && c.name !== 'canOpenJoin').map((c) => c.code);
    const roles: Role[] = [
      { index: 0, name: 'no_role', description: '', capabilities: [], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: [{ from: 0, to: [2] }] },
      { index: 1, name: 'banned', description: '', capabilities: [], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: [] },
    ];
    for (let i = 2; i < n; i++) {
      const caps = new Set(usable.slice(0, 3 + (i % 7)));
      for (let k = 0; k < i % 4; k++) caps.add(usable[(i * 7 + k * 13) % usable.length]);
      roles.push({
        index: i,
        name: i % 10 === 0 ? 'team lead' : `r${i}`,
        description: i % 3 === 0 ? `role number ${i}` : '',
        capabilities: [...caps].sort((a, b) => a - b),
        minParticipants: 0,
        maxParticipants: i % 5 === 0 ? i : null,
        minActive: 0,
        maxActive: null,
        changes: [{ from: i, to: [i + 1 < n ? i + 1 : 0, 1] }],
      });
    }
    const p: Policy = { base: { ...defaultBasePolicy(), maxUsers: 100000 }, roles, preauth: null, participants: roles.slice(2, 50).map((r, k) => ({ user: `user${k}@example.com`, role: r.index })), history: null, otherComponents: [] };
    p.base.policyComponentIds = defaultPolicyComponentIds(p);
    return p;
  }

  it('a generated 2,000-role policy round-trips through decompile and compile', () => {
    const policy = decodePolicy(encodePolicy(generated(2000)));
    const text = expectRoundTrip(policy);
    expect(text).toMatch(/ extends /);
    expect(text).toContain('name "team lead"');
  });
});
