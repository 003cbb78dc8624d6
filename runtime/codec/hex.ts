/**
 * Lowercase hex, the IR's representation of opaque bytes (claim ids and values, unknown components).
 */

const BYTE_TO_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex of `bytes[start, end)`. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += BYTE_TO_HEX[bytes[i]];
  return out;
}

/** True for lowercase hex with an even number of digits (the IR's rule, runtime/ir.ts). */
export const isLowerHex = (s: string): boolean => HEX_RE.test(s);

/** Bytes of a string already checked with `isLowerHex`. */
export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
