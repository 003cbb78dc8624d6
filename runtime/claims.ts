/**
 * Claim ids as the draft encodes them (draft-ietf-mimi-room-policy-03 §"Preauthorized Users", ClaimId):
 * "the binary representation of an X.509 OID, a JWT claim name string, or the CBOR map claim key in a
 * CWT (an int or tstr)". The X.509 form is the full DER TLV (tag 0x06, length, content), as in the
 * draft's own example `06 03 55 1d 1e`. Both directions live here so the compiler and the decompiler
 * agree.
 */

import { fromHex, toHex } from './codec/hex.js';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export const utf8Hex = (s: string): string => toHex(utf8.encode(s));
export const hexBytes = (hex: string): Uint8Array => fromHex(hex).slice();
const bytesHex = (bytes: number[]): string => toHex(Uint8Array.from(bytes));

/** Decode hex as strict UTF-8, or undefined when it is not valid UTF-8 text. */
export function hexUtf8(hex: string): string | undefined {
  try {
    return strictUtf8.decode(hexBytes(hex));
  } catch {
    return undefined;
  }
}

function base128(n: bigint): number[] {
  const out = [Number(n & 0x7fn)];
  n >>= 7n;
  while (n > 0n) {
    out.unshift(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  return out;
}

/** Dotted OID → DER TLV hex; throws a message (no location) when the OID is malformed. */
export function encodeOid(dotted: string): string {
  if (!/^\d+(\.\d+)+$/.test(dotted)) throw new Error(`\`${dotted}\` is not a dotted object identifier such as \`2.5.4.11\``);
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs[0] > 2n || (arcs[0] < 2n && arcs[1] > 39n)) throw new Error(`\`${dotted}\` is not a valid object identifier (first arc 0–2, second arc ≤ 39 under 0 and 1)`);
  const content = [...base128(arcs[0] * 40n + arcs[1]), ...arcs.slice(2).flatMap(base128)];
  if (content.length > 127) throw new Error(`object identifier \`${dotted}\` is too long`);
  return bytesHex([0x06, content.length, ...content]);
}

/** DER TLV hex → dotted OID, or undefined when the bytes are not a minimal single OID. */
export function decodeOid(hex: string): string | undefined {
  const b = hexBytes(hex);
  if (b.length < 3 || b[0] !== 0x06 || b[1] !== b.length - 2 || b[1] > 127) return undefined;
  const arcs: bigint[] = [];
  let v = 0n;
  let started = false;
  for (let i = 2; i < b.length; i++) {
    if (!started && b[i] === 0x80) return undefined; // non-minimal
    started = true;
    v = (v << 7n) | BigInt(b[i] & 0x7f);
    if ((b[i] & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
      started = false;
    }
  }
  if (started) return undefined;
  const first = arcs.shift();
  if (first === undefined) return undefined;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  const dotted = [...head, ...arcs].join('.');
  return encodeOid(dotted) === hex ? dotted : undefined;
}

/** A CWT claim key as CBOR (RFC 8949 deterministic encoding): an integer or a text string. */
export function encodeCborKey(key: number | string): string {
  const head = (major: number, n: number): number[] => {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  };
  if (typeof key === 'number') {
    if (!Number.isInteger(key) || Math.abs(key) > 0xffffffff) throw new Error(`CWT key ${key} is out of range`);
    return bytesHex(key >= 0 ? head(0, key) : head(1, -1 - key));
  }
  const bytes = utf8.encode(key);
  return bytesHex(head(3, bytes.length)) + toHex(bytes);
}

/** CBOR key hex → number or string, or undefined when it is not a canonical int or tstr. */
export function decodeCborKey(hex: string): number | string | undefined {
  const b = hexBytes(hex);
  if (b.length === 0) return undefined;
  const major = b[0] >> 5;
  const info = b[0] & 0x1f;
  let n: number;
  let used: number;
  if (info < 24) [n, used] = [info, 1];
  else if (info === 24 && b.length >= 2) [n, used] = [b[1], 2];
  else if (info === 25 && b.length >= 3) [n, used] = [(b[1] << 8) | b[2], 3];
  else if (info === 26 && b.length >= 5) [n, used] = [((b[1] << 24) >>> 0) + (b[2] << 16) + (b[3] << 8) + b[4], 5];
  else return undefined;
  let value: number | string;
  if (major === 0 && used === b.length) value = n;
  else if (major === 1 && used === b.length) value = -1 - n;
  else if (major === 3 && used + n === b.length) {
    const s = hexUtf8(toHex(b, used));
    if (s === undefined) return undefined;
    value = s;
  } else return undefined;
  return encodeCborKey(value) === hex ? value : undefined;
}
