/**
 * Lowercase hex, the IR's representation of opaque bytes (claim ids and values, unknown components).
 *
 * Platform-neutral: no Node import. Under Node both directions go through the global Buffer (one
 * native pass, no per-byte strings, so a component of tens of megabytes converts in linear time with
 * no intermediate copies beyond the result). Elsewhere (a browser bundle) the `portable*` functions
 * do the same with lookup tables: bytes to hex through a reused chunk of ASCII codes decoded by a
 * TextDecoder, hex to bytes through a nibble table. Both give the same results as Buffer.
 */

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/**
 * The longest string V8 can hold (Node 20, 64-bit: 2^29 - 24 characters). Opaque data longer than
 * half of it has no hex form in the IR; the decoder refuses it with a located error first.
 */
export const MAX_STRING_LENGTH = 2 ** 29 - 24;
/** The most opaque bytes whose hex fits in one string. */
export const MAX_HEX_BYTES = Math.floor(MAX_STRING_LENGTH / 2);

/** Node's Buffer when the host has one (looked up, never imported, so bundles for browsers need no shim). */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const hasBuffer = typeof NodeBuffer === 'function' && typeof NodeBuffer.from === 'function';

/** Lowercase hex of `bytes[start, end)`. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end <= start) return '';
  // a view, not a copy
  if (hasBuffer) return NodeBuffer!.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('hex');
  return portableToHex(bytes, start, end);
}

/** True for lowercase hex with an even number of digits (the IR's rule, runtime/ir.ts). */
export const isLowerHex = (s: string): boolean => HEX_RE.test(s);

/**
 * Bytes of a hex string (meant for one already checked with `isLowerHex`). As Buffer does, uppercase
 * digits are accepted, an odd last digit is ignored and decoding stops at the first pair that is not hex.
 */
export function fromHex(s: string): Uint8Array {
  if (!hasBuffer) return portableFromHex(s);
  const b = NodeBuffer!.from(s, 'hex');
  // a plain Uint8Array view of the same memory (callers compare and copy, never need Buffer methods)
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Writes the bytes of hex `s` (checked with `isLowerHex`) into `target` from `offset`; returns the count. */
export function writeHex(s: string, target: Uint8Array, offset: number): number {
  if (hasBuffer) return NodeBuffer!.from(target.buffer, target.byteOffset, target.length).write(s, offset, s.length >>> 1, 'hex');
  return portableWriteHex(s, target, offset);
}

// ---- the table-driven path (no Buffer) ----

const DIGITS = '0123456789abcdef';
/** hex pair of each byte, for short inputs */
const PAIRS: string[] = Array.from({ length: 256 }, (_, b) => DIGITS[b >> 4]! + DIGITS[b & 15]!);
/** ASCII codes of each byte's two digits, for long ones */
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  HIGH[b] = DIGITS.charCodeAt(b >> 4);
  LOW[b] = DIGITS.charCodeAt(b & 15);
}
/** value of each hex digit by character code, -1 for anything else (both cases, as Buffer reads them) */
const NIBBLE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE[DIGITS.charCodeAt(i)] = i;
  NIBBLE[DIGITS.toUpperCase().charCodeAt(i)] = i;
}

/** Bytes converted per chunk on the long path: 64 KiB in, 128 KiB of ASCII out, reused. */
const CHUNK = 1 << 16;
/** Below this many bytes, string concatenation beats the chunked decoder. */
const SHORT = 64;
let ascii: Uint8Array | undefined;
let asciiDecoder: TextDecoder | undefined;

/** `toHex` without Buffer: the same string. */
export function portableToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= SHORT) {
    let s = '';
    for (let i = start; i < end; i++) s += PAIRS[bytes[i]!]!;
    return s;
  }
  ascii ??= new Uint8Array(2 * CHUNK);
  asciiDecoder ??= new TextDecoder();
  const parts: string[] = [];
  for (let at = start; at < end; at += CHUNK) {
    const stop = Math.min(end, at + CHUNK);
    let j = 0;
    for (let i = at; i < stop; i++) {
      const b = bytes[i]!;
      ascii[j++] = HIGH[b]!;
      ascii[j++] = LOW[b]!;
    }
    parts.push(asciiDecoder.decode(ascii.subarray(0, j)));
  }
  return parts.length === 1 ? parts[0]! : parts.join('');
}

/** `fromHex` without Buffer: the same bytes. */
export function portableFromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  const n = portableWriteHex(s, out, 0);
  return n === out.length ? out : out.subarray(0, n);
}

/** `writeHex` without Buffer: the same bytes and count. */
export function portableWriteHex(s: string, target: Uint8Array, offset: number): number {
  const n = Math.min(s.length >>> 1, target.length - offset);
  for (let i = 0; i < n; i++) {
    const a = s.charCodeAt(2 * i);
    const b = s.charCodeAt(2 * i + 1);
    if ((a | b) > 0xff) return i;
    const hi = NIBBLE[a]!;
    const lo = NIBBLE[b]!;
    if ((hi | lo) < 0) return i;
    target[offset + i] = (hi << 4) | lo;
  }
  return n;
}
