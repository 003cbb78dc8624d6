/**
 * Lowercase hex, the IR's representation of opaque bytes (claim ids and values, unknown components).
 *
 * Both directions go through Node's Buffer: one native pass, no per-byte strings, so a component of
 * tens of megabytes converts in linear time with no intermediate copies beyond the result.
 */

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/**
 * The longest string V8 can hold (Node 20, 64-bit: 2^29 - 24 characters). Opaque data longer than
 * half of it has no hex form in the IR; the decoder refuses it with a located error first.
 */
export const MAX_STRING_LENGTH = 2 ** 29 - 24;
/** The most opaque bytes whose hex fits in one string. */
export const MAX_HEX_BYTES = Math.floor(MAX_STRING_LENGTH / 2);

/** Lowercase hex of `bytes[start, end)`. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end <= start) return '';
  // a view, not a copy
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('hex');
}

/** True for lowercase hex with an even number of digits (the IR's rule, runtime/ir.ts). */
export const isLowerHex = (s: string): boolean => HEX_RE.test(s);

/** Bytes of a string already checked with `isLowerHex`. */
export function fromHex(s: string): Uint8Array {
  const b = Buffer.from(s, 'hex');
  // a plain Uint8Array view of the same memory (callers compare and copy, never need Buffer methods)
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
