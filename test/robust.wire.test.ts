/**
 * Hostile wire input (issue 10): a seeded mini-fuzz over the wire files of two bundled examples —
 * every truncation, random flips, insertions and deletions, huge length fields — must give a value
 * or a located DecodeError, never another exception; whatever decodes re-encodes to the same bytes.
 * Then the bounds: a 4 MB unknown component inspects to a short dump, huge claimed counts fail at
 * their offset, element and diagnostic counts are capped, and output files are written all or nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFile, loadWire } from '../compiler/compile.js';
import { loadPolicyFile } from '../compiler/input.js';
import { WriteError, writeAllOrNothing } from '../compiler/cli/write.js';
import { main } from '../compiler/cli/main.js';
import {
  COMPONENT_KINDS,
  DecodeError,
  DecodeLimitError,
  decodeComponent,
  decodePolicy,
  encodeComponent,
  encodePolicy,
  encodeVarint,
  inspect,
  inspectPartial,
  renderInspect,
  type ComponentKind,
  type ComponentValues,
} from '../runtime/codec/index.js';
import type { Policy } from '../runtime/ir.js';

/** mulberry32: a small deterministic PRNG, so every run fuzzes the same inputs. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const policyOf = (name: string): Policy => {
  const r = compileFile(join(__dirname, '..', 'examples', `${name}.mimi`), { analyses: false });
  expect(r.policy, `${name}.mimi compiles`).toBeDefined();
  return r.policy!;
};
const dm = policyOf('dm');
const engineering = policyOf('engineering');

type Kind = ComponentKind | 'policy';
/** The wire files `build` writes for a policy, by kind, plus the two update structs. */
function wireOf(p: Policy): Array<{ kind: Kind; bytes: Uint8Array }> {
  const out: Array<{ kind: Kind; bytes: Uint8Array }> = [
    { kind: 'policy', bytes: encodePolicy(p) },
    { kind: 'roles', bytes: encodeComponent('roles', p.roles) },
    { kind: 'base', bytes: encodeComponent('base', p.base) },
  ];
  if (p.preauth) out.push({ kind: 'preauth', bytes: encodeComponent('preauth', p.preauth) });
  if (p.participants) {
    out.push({ kind: 'participants', bytes: encodeComponent('participants', p.participants) });
    out.push({ kind: 'participantsUpdate', bytes: encodeComponent('participantsUpdate', { changed: [{ userIndex: 0, role: 2 }], removed: [1, 7], added: p.participants.slice(-1) }) });
  }
  if (p.history) out.push({ kind: 'history', bytes: encodeComponent('history', p.history) });
  out.push({ kind: 'appDataUpdate', bytes: encodeComponent('appDataUpdate', { componentId: 0x25, op: 'update', data: Buffer.from(encodeComponent('roles', p.roles.slice(0, 2))).toString('hex') }) });
  return out;
}
const files = [...wireOf(dm), ...wireOf(engineering)];

const decode = (kind: Kind, bytes: Uint8Array): unknown => (kind === 'policy' ? decodePolicy(bytes) : decodeComponent(kind, bytes));
const encode = (kind: Kind, value: unknown): Uint8Array => (kind === 'policy' ? encodePolicy(value as Policy) : encodeComponent(kind, value as ComponentValues[ComponentKind]));

/**
 * Decodes `bytes` as `kind`: either a value that re-encodes to exactly `bytes` (the codec is
 * canonical), or a DecodeError located inside the input. Anything else fails the test.
 */
function decodesOrLocatedError(kind: Kind, bytes: Uint8Array): 'value' | 'error' {
  let value: unknown;
  try {
    value = decode(kind, bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    const d = e as DecodeError;
    expect(d.message).not.toMatch(/internal/);
    expect(d.offset).toBeGreaterThanOrEqual(0);
    expect(d.offset).toBeLessThanOrEqual(bytes.length);
    return 'error';
  }
  expect(Buffer.from(encode(kind, value)).equals(Buffer.from(bytes))).toBe(true);
  return 'value';
}

describe('hostile wire: a seeded mini-fuzz over the examples', () => {
  it('every strict prefix of every file of dm is a located error, as kind and as a dictionary', () => {
    for (const { kind, bytes } of wireOf(dm)) {
      for (let n = 0; n < bytes.length; n++) {
        const cut = bytes.subarray(0, n);
        expect(decodesOrLocatedError(kind, cut), `${kind} cut at ${n}`).toBe('error');
        if (kind !== 'policy') decodesOrLocatedError('policy', cut);
        const { lines, error } = inspectPartial(cut, kind === 'dictionary' ? 'policy' : kind);
        expect(error).toBeInstanceOf(DecodeError);
        for (const l of lines) expect(l.offset + l.length).toBeLessThanOrEqual(n);
      }
      expect(decodesOrLocatedError(kind, bytes)).toBe('value');
    }
  });

  it('random flips, insertions and deletions: a value that re-encodes, or a located error', () => {
    const rnd = prng(0x5eed);
    const outcomes = { value: 0, error: 0 };
    for (let i = 0; i < 300; i++) {
      const { kind, bytes } = files[rnd(files.length)];
      const b = Array.from(bytes);
      const edits = 1 + rnd(3);
      for (let e = 0; e < edits; e++) {
        const at = rnd(b.length + 1);
        const op = rnd(3);
        if (op === 0 && at < b.length) b[at] ^= 1 << rnd(8);
        else if (op === 1) b.splice(at, 0, rnd(256));
        else b.splice(at, 1);
      }
      const mutated = Uint8Array.from(b);
      outcomes[decodesOrLocatedError(kind, mutated)]++;
      // and read as every other kind (what detection does)
      for (const other of COMPONENT_KINDS) decodesOrLocatedError(other, mutated);
      const { lines, error } = inspectPartial(mutated, kind === 'dictionary' ? 'policy' : kind);
      for (const l of lines) expect(l.offset + l.length).toBeLessThanOrEqual(mutated.length);
      if (error) expect(error).toBeInstanceOf(DecodeError);
    }
    // both outcomes happen: the fuzz reaches past the first bytes
    expect(outcomes.value).toBeGreaterThan(10);
    expect(outcomes.error).toBeGreaterThan(100);
  });

  it('length fields set to the largest varint, and fixed-width fields to 0xFFFFFFFF', () => {
    for (const { kind, bytes } of wireOf(engineering)) {
      for (const l of inspect(bytes, kind === 'dictionary' ? 'policy' : kind)) {
        if (l.value.startsWith('vector length')) {
          // the prefix replaced by 2^30-1 (bf ff ff ff) and by the invalid prefix 0b11 (ff ff ff ff)
          for (const huge of [[0xbf, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff]]) {
            const b = [...bytes.subarray(0, l.offset), ...huge, ...bytes.subarray(l.offset + l.length)];
            expect(decodesOrLocatedError(kind, Uint8Array.from(b))).toBe('error');
          }
        } else if (l.length === 4 && l.hex !== '') {
          const b = Uint8Array.from(bytes);
          b.fill(0xff, l.offset, l.offset + 4);
          decodesOrLocatedError(kind, b);
        }
      }
    }
  });

  it('a huge claimed count fails at its offset before anything is allocated: 2^30-1 roles in 10 bytes', () => {
    const b = Uint8Array.from([0xbf, 0xff, 0xff, 0xff, 0, 0, 0, 1, 1, 0x6d]);
    expect(() => decodeComponent('roles', b)).toThrow(new DecodeError('vector length 1073741823 at offset 0 runs past the end of the input (10 bytes)', 0, 'roles'));
    // a dictionary whose one component claims 2^30-1 bytes
    const d = Uint8Array.from([0x07, 0x12, 0x34, 0xbf, 0xff, 0xff, 0xff, 0x00]);
    const err = (() => {
      try {
        decodePolicy(d);
      } catch (e) {
        return e as DecodeError;
      }
    })();
    expect(err).toBeInstanceOf(DecodeError);
    expect(err?.offset).toBe(3);
  });
});

describe('bounded: big inputs cost what they weigh, and no more', () => {
  /** dm's dictionary plus one unknown component of `n` bytes (id 0xf000, after every modelled one). */
  function withUnknown(n: number): Uint8Array {
    const dict = encodePolicy(dm);
    const head = dict[0] >> 6 === 0 ? 1 : dict[0] >> 6 === 1 ? 2 : 4;
    const body = dict.subarray(head);
    const data = new Uint8Array(n).fill(0xab);
    data[n - 1] = 0xcd;
    const entry = Buffer.concat([Buffer.from([0xf0, 0x00]), encodeVarint(n), data]);
    return Buffer.concat([encodeVarint(body.length + entry.length), body, entry]);
  }

  it('a 4 MB unknown component inspects to a short dump: its length, first and last bytes', () => {
    const bytes = withUnknown(4 * 1024 * 1024);
    const { lines, error, truncated } = inspectPartial(bytes, 'policy');
    expect(error).toBeUndefined();
    expect(truncated).toBeUndefined();
    const data = lines.find((l) => l.path === 'component_data[4].data')!;
    expect(data.value).toBe('4194304 bytes abababababababababababababababab…ababababababab' + 'cd');
    expect(data.hex.length).toBeLessThanOrEqual(64);
    expect(data.hexTail?.endsWith('cd')).toBe(true);
    const text = renderInspect(lines);
    expect(text.length).toBeLessThan(40_000);
    expect(JSON.stringify(lines).length).toBeLessThan(150_000);
    // decoding keeps it, once, as hex; it re-encodes to the same bytes
    const p = decodePolicy(bytes);
    expect(p.otherComponents.at(-1)!.data.length).toBe(2 * 4 * 1024 * 1024);
    expect(Buffer.from(encodePolicy(p)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a long vector shows its first elements and one line for the rest; a long text its start', () => {
    const role = { ...dm.roles[0], name: 'n'.repeat(5000), capabilities: Array.from({ length: 3000 }, (_, i) => i % 40) };
    const bytes = encodeComponent('roles', [role]);
    const { lines } = inspectPartial(bytes, 'roles', { maxElements: 10 });
    expect(lines.filter((l) => /role_capabilities\[\d+\]$/.test(l.path))).toHaveLength(10);
    const rest = lines.find((l) => l.omitted !== undefined)!;
    expect(rest).toMatchObject({ path: 'roles[0].role_capabilities[10…2999]', omitted: 2990, length: 2 * 2990 });
    expect(lines.find((l) => l.path === 'roles[0].role_name')!.value).toBe(`${JSON.stringify('n'.repeat(64))}… (5000 bytes)`);
    // and a budget for the whole dump
    const capped = inspectPartial(bytes, 'roles', { maxElements: 0, maxLines: 20 });
    expect(capped.lines).toHaveLength(20);
    expect(capped.truncated?.lines).toBeGreaterThan(2900);
    expect(renderInspect(capped.lines, undefined, capped.truncated)).toMatch(/more lines not shown/);
  });

  it('more vector elements than the limit is a located limit error, from the codec and from loadWire', () => {
    const role = { ...dm.roles[0], capabilities: Array.from({ length: 50 }, () => 1) };
    const bytes = encodeComponent('roles', [role]);
    expect(() => decodeComponent('roles', bytes, { maxElements: 20 })).toThrow(DecodeLimitError);
    const r = loadWire(bytes, 'big.bin', 'roles', { maxWireElements: 20 });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E0006', kind: 'limit-exceeded' });
    expect(r.diagnostics[0].offset).toBeGreaterThan(0);
    expect(r.diagnostics[0].help).toContain('--max-wire-elements');
  });

  it('a role repeating one capability builds the first diagnostics and counts the rest in one I0007', () => {
    const role = { ...dm.roles[0], capabilities: Array.from({ length: 5000 }, () => 0x0100) };
    const r = loadWire(encodeComponent('roles', [role]), 'dup.bin', 'roles', { maxDiagnosticsPerCode: 5 });
    expect(r.diagnostics.filter((d) => d.code === 'W0214')).toHaveLength(5);
    const note = r.diagnostics.find((d) => d.code === 'I0007' && d.omitted?.code === 'W0214');
    expect(note?.omitted?.count).toBe(4999 - 5);
  });

  it('the inspect command: a dictionary with a 4 MB component prints a short dump; a file over --max-wire-bytes is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-inspect-'));
    try {
      const bytes = withUnknown(4 * 1024 * 1024);
      writeFileSync(join(dir, 'big.bin'), bytes);
      const big = join(dir, 'big.bin');
      const r = await run(['inspect', big], dir);
      expect(r.code).toBe(0);
      expect(r.out.length).toBeLessThan(40_000);
      expect(r.out).toContain('data: 4194304 bytes abababababababababababababababab…');
      const json = await run(['inspect', big, '--format', 'json'], dir);
      expect(json.out.length).toBeLessThan(150_000);
      const refused = await run(['inspect', big, '--max-wire-bytes', '1000'], dir);
      expect(refused.code).toBe(1);
      expect(refused.out).toBe('');
      expect(refused.err).toContain(`error[E0006]: the wire file is too large: 4.0 MB (${bytes.length} bytes), the limit is 1000 bytes`);
      expect(refused.err).toContain(' --> big.bin@0 (byte offset)'); // shown relative to the working directory
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wire file over --max-wire-bytes is refused from its size: E0006 at byte offset 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-wire-'));
    try {
      const file = join(dir, 'dm.policy.bin');
      writeFileSync(file, encodePolicy(dm));
      const r = loadPolicyFile(file, { analyses: false, limits: { maxWireBytes: 100 } });
      expect(r.ok).toBe(false);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ code: 'E0006', offset: 0 });
      expect(r.diagnostics[0].message).toMatch(/^the wire file is too large: \d+ bytes, the limit is 100 bytes$/);
      expect(r.diagnostics[0].help).toContain('--max-wire-bytes');
      expect(loadPolicyFile(file, { analyses: false }).ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function run(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), color: false, cwd });
  return { code, out, err };
}

describe('output is written all or nothing', () => {
  const root = mkdtempSync(join(tmpdir(), 'mimi-write-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const enc = (s: string) => new TextEncoder().encode(s);
  const outputs = [
    { name: 'a.bin', bytes: enc('new a') },
    { name: 'b.json', bytes: enc('new b') },
    { name: 'c.bin', bytes: enc('new c') },
  ];
  const listing = (dir: string) => readdirSync(dir).sort();

  it('a destination that is a directory is refused before anything is written or replaced', () => {
    const dir = join(root, 't4');
    mkdirSync(join(dir, 'b.json'), { recursive: true });
    writeFileSync(join(dir, 'a.bin'), 'old a');
    let err: unknown;
    try {
      writeAllOrNothing(dir, outputs);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WriteError);
    expect(err).toMatchObject({ path: join(dir, 'b.json'), code: 'EISDIR' });
    expect((err as Error).message).toBe(`cannot write \`${join(dir, 'b.json')}\`: it is a directory; no file was written`);
    expect(readFileSync(join(dir, 'a.bin'), 'utf8')).toBe('old a');
    expect(listing(dir)).toEqual(['a.bin', 'b.json']);
  });

  it('build: an output path that is a directory fails with exit 2, naming it, and writes nothing', async () => {
    const dir = join(root, 'build');
    mkdirSync(join(dir, 't4', 'dm.policy.json'), { recursive: true });
    writeFileSync(join(dir, 'dm.policy.bin'), encodePolicy(dm));
    const r = await run(['build', join(dir, 'dm.policy.bin'), '--out', join(dir, 't4')], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot write \`${join(dir, 't4', 'dm.policy.json')}\`: it is a directory; no file was written`);
    expect(listing(join(dir, 't4'))).toEqual(['dm.policy.json']);
  });

  it('an --out that is a file is refused', () => {
    writeFileSync(join(root, 'plain'), 'x');
    expect(() => writeAllOrNothing(join(root, 'plain'), outputs)).toThrow(WriteError);
  });

  it('a rename failing midway puts back what was replaced and removes what was added', () => {
    const dir = join(root, 'midway');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.bin'), 'old a');
    writeFileSync(join(dir, 'c.bin'), 'old c');
    let renames = 0;
    const failing = {
      writeFileSync: (p: string, b: Uint8Array) => writeFileSync(p, b),
      renameSync: (from: string, to: string) => {
        if (++renames === 3) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        renameSync(from, to);
      },
    };
    expect(() => writeAllOrNothing(dir, outputs, failing)).toThrow(/cannot write `.*c\.bin`: EIO: i\/o error; nothing was changed/);
    expect(listing(dir)).toEqual(['a.bin', 'c.bin']);
    expect(readFileSync(join(dir, 'a.bin'), 'utf8')).toBe('old a');
    expect(readFileSync(join(dir, 'c.bin'), 'utf8')).toBe('old c');
    // and when nothing fails, every file is new and no temporary folder is left
    writeAllOrNothing(dir, outputs);
    expect(listing(dir)).toEqual(['a.bin', 'b.json', 'c.bin']);
    expect(readFileSync(join(dir, 'c.bin'), 'utf8')).toBe('new c');
    expect(existsSync(join(dir, 'b.json'))).toBe(true);
  });
});
