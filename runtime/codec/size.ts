/**
 * The wire size limit (runtime/limits.ts `maxWireBytes`, flag `--max-wire-bytes`), checked from a
 * file's size before any of it is read: a wire file larger than the limit is one located
 * `limit-exceeded` diagnostic (E0006, byte offset 0), never an out-of-memory abort.
 *
 * Pure: the caller stats the file (compiler/input.ts, the `inspect` command) and passes the size.
 */
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { DEFAULT_LIMITS, formatBytes, LIMIT_FLAGS, limitMessage } from '../limits.js';

/** `what … is too large: 300 MB, the limit is 256 MB`, or undefined when `size` is within `limit`. */
export function wireSizeDiagnostic(file: string, size: number, limit: number = DEFAULT_LIMITS.maxWireBytes): Diagnostic | undefined {
  if (!(size > limit)) return undefined;
  const exact = (n: number) => (n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${n} bytes)`);
  const { message, help } = limitMessage('the wire file', exact(size), exact(limit), LIMIT_FLAGS.maxWireBytes);
  return diagnostic('limit-exceeded', message, file, undefined, { offset: 0, help });
}
