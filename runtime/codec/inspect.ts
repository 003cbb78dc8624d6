/**
 * Annotated dump of wire bytes: one line per field, produced by the decoders themselves through the
 * reader's trace hook, so the dump and `decode*` share one definition of the wire layout.
 *
 * API:
 * - `inspect(bytes, kind)` returns the lines and throws a DecodeError exactly where decoding would.
 * - `inspectPartial(bytes, kind)` never throws: it returns the lines decoded so far and, when the
 *   bytes are malformed, the DecodeError (what a CLI shows: the dump up to the problem, then the error).
 * - `renderInspect(lines, error?)` renders either as text.
 *
 * `kind` is a component kind, or `policy`: an AppDataDictionary whose modelled components
 * (participant list, roles, preauth, base, history) are decoded in place, as `decodePolicy` does.
 */
import { COMPONENT_CODECS, type ComponentKind } from './components.js';
import { DecodeError } from './errors.js';
import { readPolicy } from './policy.js';
import { readAll, type TraceLine } from './reader.js';

export type InspectKind = ComponentKind | 'policy';
/** `{ offset, length, depth, path, field, hex, value }`; see TraceLine. */
export type InspectLine = TraceLine;
export interface InspectResult {
  lines: InspectLine[];
  /** set when the bytes are malformed; `lines` then ends where decoding stopped */
  error?: DecodeError;
}

function decodeTraced(bytes: Uint8Array, kind: InspectKind, lines: InspectLine[]): void {
  const trace = (line: TraceLine): void => {
    lines.push(line);
  };
  if (kind === 'policy') {
    readAll(bytes, 'AppDataDictionary', readPolicy, trace);
  } else {
    const codec = COMPONENT_CODECS[kind];
    readAll(bytes, codec.typeName, (r) => codec.read(r), trace);
  }
}

/** The annotated dump of `bytes` read as `kind`. Throws DecodeError as the decoders do. */
export function inspect(bytes: Uint8Array, kind: InspectKind): InspectLine[] {
  const lines: InspectLine[] = [];
  decodeTraced(bytes, kind, lines);
  return lines;
}

/** The annotated dump as far as `bytes` decode, plus the DecodeError if they are malformed. */
export function inspectPartial(bytes: Uint8Array, kind: InspectKind): InspectResult {
  const lines: InspectLine[] = [];
  try {
    decodeTraced(bytes, kind, lines);
    return { lines };
  } catch (e) {
    // decoders throw only DecodeError; anything else is a bug and is not swallowed
    if (e instanceof DecodeError) return { lines, error: e };
    throw e;
  }
}

/** Bytes shown per line before truncating with `…`. */
const HEX_BYTES_SHOWN = 16;
const HEX_COLUMN = HEX_BYTES_SHOWN * 3;

const showOffset = (offset: number): string => offset.toString(16).padStart(4, '0');

function showHex(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  const shown = bytes.slice(0, HEX_BYTES_SHOWN).join(' ');
  return bytes.length > HEX_BYTES_SHOWN ? `${shown}…` : shown;
}

/**
 * Text rendering, one line per item: offset (4+ hex digits), the item's bytes (at most 16, then `…`),
 * then `field: value` indented by depth. Struct headers show their size instead of bytes. A final
 * line shows `error`, if given.
 */
export function renderInspect(lines: readonly InspectLine[], error?: DecodeError): string {
  const out = lines.map((l) => {
    const value = l.hex === '' ? `${l.value} (${l.length} bytes)` : l.value;
    return `${showOffset(l.offset)}  ${showHex(l.hex).padEnd(HEX_COLUMN)}  ${'  '.repeat(l.depth)}${l.field}: ${value}`;
  });
  if (error !== undefined) {
    const where = error.path === '' ? '' : ` in ${error.path}`;
    out.push(`${showOffset(error.offset)}  error${where}: ${error.message}`);
  }
  return out.join('\n');
}
