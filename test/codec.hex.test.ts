/**
 * The codec's byte helpers are platform-neutral (runtime/codec/hex.ts, utf8.ts): under Node they use
 * Buffer and node:buffer's isUtf8, in a browser a table-driven path. Both paths give the same answers:
 * the portable one is checked here against Node's on random bytes of lengths around its chunk sizes,
 * on malformed hex (Buffer's reading: stop at the first non-hex pair) and on malformed UTF-8.
 */
import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { fromHex, portableFromHex, portableToHex, portableWriteHex, toHex, writeHex } from '../runtime/codec/hex.js';
import { isUtf8, portableIsUtf8 } from '../runtime/codec/utf8.js';
import { prng } from './fuzz/rand.js';

const rand = prng(11);
const randomBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
/** bytes compared as one string (a deep equality over 200k elements is slow) */
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

describe('hex without Buffer', () => {
  it('gives the same hex and bytes as Buffer, short and long (across chunk boundaries), and for sub-ranges', () => {
    for (const n of [0, 1, 2, 63, 64, 65, 1000, 65535, 65536, 65537, 3 * 65536 + 5]) {
      const bytes = randomBytes(n);
      const hex = Buffer.from(bytes).toString('hex');
      expect(toHex(bytes)).toBe(hex);
      expect(portableToHex(bytes)).toBe(hex);
      expect(portableToHex(bytes, 1, Math.max(1, n - 1))).toBe(hex.slice(2, Math.max(2, 2 * n - 2)));
      expect(same(portableFromHex(hex), bytes)).toBe(true);
      expect(same(fromHex(hex), bytes)).toBe(true);
      const target = new Uint8Array(n + 3);
      const expected = new Uint8Array(n + 3);
      expect(portableWriteHex(hex, target, 3)).toBe(n);
      expect(writeHex(hex, expected, 3)).toBe(n);
      expect(same(target, expected)).toBe(true);
    }
  });

  it('reads malformed hex as Buffer does: uppercase accepted, stop at the first bad pair, odd digit dropped', () => {
    for (const s of ['ABcd', 'abzz12', 'a', 'abc', '12\u0100\u0034', 'g0', '0g', '']) {
      expect([...portableFromHex(s)], s).toEqual([...Buffer.from(s, 'hex')]);
    }
  });
});

describe('UTF-8 validity without node:buffer', () => {
  it('agrees with isUtf8 on valid text, truncations and mutations, and across its chunks', () => {
    const text = new TextEncoder().encode('Grüße, 世界 🌍 '.repeat(20));
    const cases: Uint8Array[] = [text, new Uint8Array(), Uint8Array.from([0xc0, 0x80]), Uint8Array.from([0xed, 0xa0, 0x80]), Uint8Array.from([0xf4, 0x90, 0x80, 0x80]), Uint8Array.from([0xef, 0xbb, 0xbf, 0x41])];
    for (let i = 0; i < 200; i++) {
      const b = text.slice(0, Math.floor(rand() * text.length));
      if (i % 2 === 1 && b.length > 0) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      cases.push(b);
    }
    // a code point cut by the 1 MiB chunk boundary, then a bad byte past it
    const big = new Uint8Array((1 << 20) + 8).fill(0x61);
    big.set([0xe4, 0xb8, 0x96], (1 << 20) - 1);
    cases.push(big, big.slice().fill(0xff, (1 << 20) + 5, (1 << 20) + 6));
    for (const b of cases) {
      expect(portableIsUtf8(b)).toBe(nodeIsUtf8(b));
      expect(isUtf8(b)).toBe(nodeIsUtf8(b));
    }
  });
});
