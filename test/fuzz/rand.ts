/**
 * A seeded PRNG and input mutators for the fuzz targets (test/fuzz/targets.ts). Everything a target
 * does is decided by its seed, so a failure is reproduced by its target name and seed alone.
 */

/** mulberry32: a small, fast, deterministic PRNG of floats in [0, 1) — the one the tests and benchmarks share. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** prng with the helpers the mutators use. */
export class Rand {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  /** an integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Tokens of the language and of its mistakes, for insertions. */
const TOKENS = [
  'role', 'room', 'package', 'capability', 'preauth', 'participants', 'history', 'import', 'hierarchy', 'level', 'addon', 'bans',
  'scenario', 'given', 'expect', 'allow', 'deny', 'changes', 'grant', 'extends', 'includes', 'when', 'anyone', 'none', 'banned',
  '{', '}', '[', ']', '(', ')', ',', '->', '..', '@', '@0', '@1', '@4294967296', '=', ':', '+', '"', '"x"', '""', '/*', '*/', '//', '///',
  '0x', '0xF001', '0xFFFFFFFFFF', 'hex"0', 'hex"00"', '-1', '99999999999999999999', 'canKick', 'canBan', 'canUnBan', 'chatter', 'x509',
  '"2.5.4.11"', 'jwt', '\u0000', '\ufeff', '\u202e', '\ud800', 'é', '\t', '\n', '\r\n', ' ', '$', '\\',
];

/** One random edit of source text. */
export function mutateText(text: string, r: Rand): string {
  const at = r.int(text.length + 1);
  switch (r.int(9)) {
    case 0: // delete a slice
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + r.int(40)));
    case 1: {
      // duplicate a slice
      const len = 1 + r.int(80);
      return text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
    }
    case 2: // insert a token
      return `${text.slice(0, at)} ${r.pick(TOKENS)} ${text.slice(at)}`;
    case 3: // replace a character
      return text.slice(0, at) + String.fromCharCode(r.int(0x3000)) + text.slice(at + 1);
    case 4: // truncate
      return text.slice(0, at);
    case 5: {
      // swap two lines
      const lines = text.split('\n');
      const i = r.int(lines.length);
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 6: // a run of one token (nesting, recovery storms)
      return text.slice(0, at) + r.pick(['{', '(', '[', '->', 'role x{}->', '/*', '"', ',', 'grant ,, } ->->']).repeat(1 + r.int(r.chance(0.1) ? 3000 : 200)) + text.slice(at);
    case 7: {
      // change a number
      return text.replace(/\d+/, () => r.pick(['0', '1', '65535', '65536', '4294967295', '4294967296', '1e9', '00', '9'.repeat(30)]));
    }
    default: // delete a line
      return text
        .split('\n')
        .filter((_, i, a) => i !== r.int(a.length))
        .join('\n');
  }
}

/** One random edit of wire bytes. */
export function mutateBytes(bytes: Uint8Array, r: Rand): Uint8Array {
  const b = Uint8Array.from(bytes);
  const at = r.int(b.length + 1);
  // length-preserving edits twice as often: they get past the framing into the fields
  switch (r.pick([0, 0, 0, 1, 2, 3, 4, 4, 5, 5, 5])) {
    case 0: // flip bits of a byte
      if (b.length) b[Math.min(at, b.length - 1)]! ^= 1 << r.int(8);
      return b;
    case 1: // truncate
      return b.slice(0, at);
    case 2: // delete a few bytes
      return Uint8Array.from([...b.slice(0, at), ...b.slice(at + 1 + r.int(8))]);
    case 3: // insert random bytes
      return Uint8Array.from([...b.slice(0, at), ...Array.from({ length: 1 + r.int(8) }, () => r.int(256)), ...b.slice(at)]);
    case 4: // a huge length or varint at a random place
      for (const [k, v] of [0xff, 0xff, 0xff, 0xff].entries()) if (at + k < b.length) b[at + k] = r.chance(0.5) ? v : 0x7f;
      return b;
    default: // set a byte to an edge value
      if (b.length) b[Math.min(at, b.length - 1)] = r.pick([0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff]);
      return b;
  }
}

/** Several edits in a row. */
export function mutateTimes<T>(x: T, r: Rand, edit: (x: T, r: Rand) => T, max = 4): T {
  let y = x;
  for (let n = 1 + r.int(max); n > 0; n--) y = edit(y, r);
  return y;
}

/** A hostile JSON value: deep nesting, prototype keys, odd numbers and strings. */
export function hostileJson(r: Rand, depth = 0): unknown {
  const leaf = () => r.pick<unknown>([null, true, 0, -1, 1e308, 2 ** 53 + 1, 0.5, '', 'x', '\ud800', '__proto__', 'constructor', 'a'.repeat(r.int(300)), [], {}]);
  if (depth > 4 || r.chance(0.3)) return leaf();
  if (r.chance(0.5)) return Array.from({ length: r.int(5) }, () => hostileJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = r.int(5); i > 0; i--) o[r.pick(['type', 'actor', 'target', 'to', 'role', 'user', 'clients', 'participants', 'capability', 'claims', '__proto__', 'constructor', 'prototype', 'x'])] = hostileJson(r, depth + 1);
  return o;
}
