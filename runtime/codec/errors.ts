/**
 * Errors of the MIMI wire codec.
 *
 * Messages follow the project style: lowercase start, one fact, no final period. The location is
 * data (`offset`, `path`), so callers render it and never parse the message.
 */

/**
 * Malformed wire bytes. `offset` is the byte offset (from the start of the decoded input) where the
 * problem is; `path` names the wire field being read, e.g. `roles[2].role_capabilities[1]`
 * (empty at the top level).
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    message: string,
    readonly offset: number,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * An IR value that has no wire encoding (an integer out of range, bad hex, a vector longer than
 * 2^30-1 bytes, an unsorted dictionary, ...). `path` names the wire field, as for DecodeError.
 */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Malformed only in being too big for the limits set (a DecodeError at the offset reached): more vector
 * elements than `maxElements` (runtime/limits.ts `maxWireElements`). `flag` raises the limit.
 */
export class DecodeLimitError extends DecodeError {
  constructor(
    message: string,
    offset: number,
    path: string,
    readonly flag: string,
  ) {
    super(message, offset, path);
  }
}

/**
 * Joins path segments: names with `.`, element indexes (`[i]`, or a number i) appended directly.
 * Readers keep indexes as numbers, so a path string is only built when a path is asked for.
 */
export function joinPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (s.startsWith('[') || out === '') out += s;
    else out += `.${s}`;
  }
  return out;
}
