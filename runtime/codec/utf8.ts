/**
 * UTF-8 well-formedness without decoding, platform-neutral (no Node import). Under Node 20.16+ it is
 * `isUtf8` of node:buffer (one native pass, no string built), reached through
 * `process.getBuiltinModule` so that a browser bundle needs no shim; elsewhere a fatal TextDecoder
 * reads the bytes in chunks, so memory stays bounded whatever the input.
 */

type IsUtf8 = (bytes: Uint8Array) => boolean;

const nativeIsUtf8: IsUtf8 | undefined = (() => {
  try {
    const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const f = (host?.getBuiltinModule?.('node:buffer') as { isUtf8?: unknown } | undefined)?.isUtf8;
    return typeof f === 'function' ? (f as IsUtf8) : undefined;
  } catch {
    return undefined;
  }
})();

/** True when `bytes` are well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points past U+10FFFF). */
export const isUtf8: IsUtf8 = nativeIsUtf8 ?? portableIsUtf8;

/** Bytes checked per TextDecoder call on the portable path. */
const CHUNK = 1 << 20;

/** `isUtf8` without Node: the same answer. */
export function portableIsUtf8(bytes: Uint8Array): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const chunk = bytes.subarray(at, Math.min(bytes.length, at + CHUNK));
      // TextDecoder refuses views of shared memory; copy those first
      decoder.decode(chunk.buffer instanceof ArrayBuffer ? chunk : chunk.slice(), { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}
