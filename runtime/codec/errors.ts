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

/** Joins path segments: names with `.`, element indexes (`[i]`) appended directly. */
export function joinPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (s.startsWith('[') || out === '') out += s;
    else out += `.${s}`;
  }
  return out;
}
