/**
 * Annotated dump of wire bytes: one line per field, produced by the decoders themselves through the
 * reader's trace hook, so the dump and `decode*` share one definition of the wire layout.
 *
 * API:
 * - `inspect(bytes, kind)` returns the lines and throws a DecodeError exactly where decoding would.
 * - `inspectPartial(bytes, kind)` never throws: it returns the lines decoded so far and, when the
 *   bytes are malformed, the DecodeError (what a CLI shows: the dump up to the problem, then the error).
 * - `renderInspect(lines, error?, truncated?)` renders either as text.
 *
 * A dump is bounded whatever the input (InspectOptions): long byte fields carry only their first and
 * last bytes, long texts their start, big vectors their first elements and one summary line, and the
 * whole dump at most `maxLines` lines. No decoded values are kept (validateOnly), so inspecting a file
 * takes memory proportional to the file plus the lines kept.
 *
 * `kind` is a component kind, or `policy`: an AppDataDictionary whose modelled components
 * (participant list, roles, preauth, base, history) are decoded in place, as `decodePolicy` does.
 */
import { COMPONENT_CODECS, type ComponentKind } from './components.js';
import { DecodeError } from './errors.js';
import { readPolicy } from './policy.js';
import { readAll, type ReaderOptions, type TraceLine } from './reader.js';

export type InspectKind = ComponentKind | 'policy';
/** `{ offset, length, depth, path, field, hex, hexTail?, value, omitted? }`; see TraceLine. */
export type InspectLine = TraceLine;
export interface InspectResult {
  lines: InspectLine[];
  /** set when the bytes are malformed; `lines` then ends where decoding stopped */
  error?: DecodeError;
  /**
   * set when the dump hit `maxLines`: how many more lines decoding produced (not kept), and the
   * offset of the first of them. Decoding went on to the end (or the error) regardless.
   */
  truncated?: { lines: number; offset: number };
}

/** How much of a dump is kept (long byte fields are always cut to their first and last bytes, see TraceLine). */
export interface InspectOptions {
  /** elements shown per vector; the rest are summed up in one line (0 = all). Default 1000. */
  maxElements?: number;
  /** lines kept in all; the rest are counted in `truncated` (0 = all). Default 20000. */
  maxLines?: number;
}
export const INSPECT_DEFAULTS: Readonly<Required<InspectOptions>> = Object.freeze({ maxElements: 1000, maxLines: 20000 });

const limitOf = (v: number | undefined, fallback: number): number => (v === undefined || !(v >= 0) ? fallback : v === 0 ? Infinity : v);

function decodeTraced(bytes: Uint8Array, kind: InspectKind, result: InspectResult, options: InspectOptions): void {
  const maxLines = limitOf(options.maxLines, INSPECT_DEFAULTS.maxLines);
  const lines = result.lines;
  const trace = (line: TraceLine): void => {
    if (lines.length < maxLines) lines.push(line);
    else if (result.truncated === undefined) result.truncated = { lines: 1, offset: line.offset };
    else result.truncated.lines++;
  };
  // the dump needs no values: opaque data is checked, never converted to hex in full
  const readerOptions: ReaderOptions = { trace, traceElements: limitOf(options.maxElements, INSPECT_DEFAULTS.maxElements), validateOnly: true };
  if (kind === 'policy') {
    readAll(bytes, 'AppDataDictionary', readPolicy, readerOptions);
  } else {
    const codec = COMPONENT_CODECS[kind];
    readAll(bytes, codec.typeName, (r) => codec.read(r), readerOptions);
  }
}

/**
 * The annotated dump of `bytes` read as `kind`. Throws DecodeError as the decoders do. With the
 * default options, lines past 20000 are dropped (use inspectPartial to learn how many).
 */
export function inspect(bytes: Uint8Array, kind: InspectKind, options: InspectOptions = {}): InspectLine[] {
  const result: InspectResult = { lines: [] };
  decodeTraced(bytes, kind, result, options);
  return result.lines;
}

/** The annotated dump as far as `bytes` decode, plus the DecodeError if they are malformed. */
export function inspectPartial(bytes: Uint8Array, kind: InspectKind, options: InspectOptions = {}): InspectResult {
  const result: InspectResult = { lines: [] };
  try {
    decodeTraced(bytes, kind, result, options);
    return result;
  } catch (e) {
    // decoders throw only DecodeError; anything else is a bug and is not swallowed
    if (e instanceof DecodeError) return { ...result, error: e };
    throw e;
  }
}

/** Bytes shown per line before truncating with `…`. */
const HEX_BYTES_SHOWN = 16;
const HEX_COLUMN = HEX_BYTES_SHOWN * 3;


/** `ab cd ef…`: at most HEX_BYTES_SHOWN bytes, spaced; never looks at more of `hex` than it shows. */
function showHex(line: InspectLine): string {
  if (line.hex === '') return '';
  const shown: string[] = [];
  for (let i = 0; i < HEX_BYTES_SHOWN && 2 * i < line.hex.length; i++) shown.push(line.hex.slice(2 * i, 2 * i + 2));
  return line.length > HEX_BYTES_SHOWN ? `${shown.join(' ')}…` : shown.join(' ');
}

/**
 * Text rendering, one line per item: offset (4+ hex digits), the item's bytes (at most 16, then `…`),
 * then `field: value` indented by depth. Struct headers and summary lines show their size instead of
 * bytes. Then, if given, a line saying how many lines were not kept (`truncated`) and a line with
 * `error`.
 */
export function renderInspect(lines: readonly InspectLine[], error?: DecodeError, truncated?: InspectResult['truncated']): string {
  // offsets: 4 hex digits, or as many as the largest one needs, so that the columns line up
  let last = Math.max(error?.offset ?? 0, truncated?.offset ?? 0);
  for (const l of lines) if (l.offset > last) last = l.offset;
  const width = Math.max(4, last.toString(16).length);
  const showOffset = (offset: number): string => offset.toString(16).padStart(width, '0');
  const out = lines.map((l) => {
    const value = l.hex === '' ? `${l.value} (${l.length} ${l.length === 1 ? 'byte' : 'bytes'})` : l.value;
    return `${showOffset(l.offset)}  ${showHex(l).padEnd(HEX_COLUMN)}  ${'  '.repeat(l.depth)}${l.field}: ${value}`;
  });
  if (truncated !== undefined) {
    out.push(`${showOffset(truncated.offset)}  … ${truncated.lines} more ${truncated.lines === 1 ? 'line' : 'lines'} not shown (the bytes were decoded and checked)`);
  }
  if (error !== undefined) {
    const where = error.path === '' ? '' : ` in ${error.path}`;
    out.push(`${showOffset(error.offset)}  error${where}: ${error.message}`);
  }
  return out.join('\n');
}
