/**
 * Strict reader for the TLS presentation language as MLS uses it (RFC 9420 §2.1).
 *
 * Rules enforced (RFC 9420 §2.1 and §2.1.2; wire-format.md "Encoding rules"):
 * - fixed-width integers are big-endian and must be fully present;
 * - a `<V>` length is a QUIC-style varint: prefix 0b00/0b01/0b10 = 1/2/4 bytes, 0b11 is invalid, and
 *   the length must use the fewest bytes that hold it;
 * - a vector's byte length must fit inside the enclosing vector (or the input) and end exactly where
 *   its last element ends;
 * - `bool` and the `optional<T>` presence flag are 0 or 1;
 * - text fields are well-formed UTF-8.
 * Lengths are checked against the remaining bytes before anything is allocated. Every failure is a
 * DecodeError carrying the byte offset and the wire path of the field being read.
 *
 * An optional trace hook receives one line per field read, so the annotated dump (inspect.ts) is
 * produced by the very same decoding code. Trace lines are bounded whatever the input: a field longer
 * than TRACE_HEX_FULL bytes carries only its first and last bytes, a long text only its start, and a
 * vector's elements past `traceElements` are read (and checked) without lines, then summed up in one.
 */
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../limits.js';
import { DecodeError, DecodeLimitError, joinPath } from './errors.js';
import { MAX_HEX_BYTES, MAX_STRING_LENGTH, toHex } from './hex.js';
import { isUtf8 } from './utf8.js';

/** One decoded item, as reported to a trace hook (and shown by `inspect`). */
export interface TraceLine {
  /** byte offset of the item's first byte */
  offset: number;
  /** bytes covered: the whole field (prefix included) or, for a struct header, the whole struct */
  length: number;
  /** nesting depth: 0 for top-level fields, +1 inside each vector and struct */
  depth: number;
  /** wire path, e.g. `roles[0].role_capabilities[1]` */
  path: string;
  /** last path element: the wire field name, or `[i]` for a vector element */
  field: string;
  /**
   * lowercase hex of the covered bytes; empty for struct headers (their fields follow) and summary
   * lines. For an item longer than TRACE_HEX_FULL bytes, only its first TRACE_HEX_HEAD bytes
   * (and `hexTail` holds the last TRACE_HEX_TAIL).
   */
  hex: string;
  /** set only when `hex` is cut short: lowercase hex of the item's last bytes */
  hexTail?: string;
  /** the decoded value, readable: `2`, `"admin"`, `present`, `vector length 61`, `Role` */
  value: string;
  /**
   * set only on a summary line: the number of vector elements read (and checked) but not traced;
   * the line covers their bytes, `offset` to `offset + length`
   */
  omitted?: number;
}
export type TraceHook = (line: TraceLine) => void;

/** Items up to this many bytes are traced with all their bytes. */
export const TRACE_HEX_FULL = 256;
/** Longer items: this many leading bytes in `hex`... */
export const TRACE_HEX_HEAD = 32;
/** ...and this many trailing bytes in `hexTail`. */
export const TRACE_HEX_TAIL = 16;
/** Text values longer than this many characters are shown cut, with their byte length. */
const TRACE_TEXT_CHARS = 64;

export interface ReaderOptions {
  /** called once per item read; see TraceLine */
  trace?: TraceHook;
  /** elements traced per vector (the rest are read and checked, then summed up in one line); default all */
  traceElements?: number;
  /**
   * check every rule of the encoding but keep no values: `hex` returns '', `vector` an empty array,
   * `text` checks UTF-8 without building the string. For callers that only want to know whether the
   * bytes decode (detection), or only want the trace. Memory stays constant whatever the input.
   */
  validateOnly?: boolean;
  /**
   * vector elements kept in all (each becomes an IR value); one more is a DecodeLimitError naming
   * `maxElementsFlag`. Default: no limit. Not counted with `validateOnly`.
   */
  maxElements?: number;
  /** the flag (or option) named when `maxElements` is exceeded */
  maxElementsFlag?: string;
}

// fatal: malformed UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is text, kept for round trips
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// for showing the start of a long text already checked: a character cut at the end becomes U+FFFD, not an error
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });

const trailing = (n: number): string => `${n} trailing ${n === 1 ? 'byte' : 'bytes'}`;

export class Reader {
  private pos = 0;
  /** ends of the enclosing vectors, innermost last; the input's end when empty */
  private readonly limits: number[] = [];
  /** wire path of the field being read: names, and element indexes as numbers */
  private readonly segments: (string | number)[] = [];
  private depth = 0;
  private readonly trace: TraceHook | undefined;
  private readonly traceElements: number;
  private readonly validateOnly: boolean;
  private readonly maxElements: number;
  private readonly maxElementsFlag: string;
  /** vector elements kept so far */
  private elements = 0;
  /** > 0 while reading elements past `traceElements`: nothing is traced */
  private muted = 0;

  constructor(
    private readonly bytes: Uint8Array,
    options: TraceHook | ReaderOptions = {},
  ) {
    const o: ReaderOptions = typeof options === 'function' ? { trace: options } : options;
    this.trace = o.trace;
    this.traceElements = o.traceElements !== undefined && o.traceElements >= 0 ? o.traceElements : Infinity;
    this.validateOnly = o.validateOnly ?? false;
    this.maxElements = o.maxElements !== undefined && o.maxElements >= 0 ? o.maxElements : Infinity;
    this.maxElementsFlag = o.maxElementsFlag ?? 'maxElements';
  }

  /** The last path element as shown: a name, or `[i]`. */
  private get field(): string {
    const s = this.segments.length === 0 ? '' : this.segments[this.segments.length - 1];
    return typeof s === 'number' ? `[${s}]` : s;
  }

  /** Whether trace lines are being produced right now. */
  private get tracing(): boolean {
    return this.trace !== undefined && this.muted === 0;
  }

  /** Current byte offset. */
  get offset(): number {
    return this.pos;
  }

  /** Wire path of the field being read. */
  get path(): string {
    return joinPath(this.segments);
  }

  /** Throws a DecodeError at `offset` (default: the current offset) and the current path. */
  fail(message: string, offset: number = this.pos): never {
    throw new DecodeError(message, offset, this.path);
  }

  private limit(): number {
    return this.limits.length === 0 ? this.bytes.length : this.limits[this.limits.length - 1];
  }

  /** Describes where the current limit comes from, for messages. */
  private limitName(): string {
    return this.limits.length === 0 ? `the input (${this.bytes.length} bytes)` : `the enclosing vector (ends at offset ${this.limit()})`;
  }

  /** Runs `fn` with `field` appended to the path ('' = stay at the current path). */
  private within<T>(field: string, fn: () => T): T {
    if (field === '') return fn();
    this.segments.push(field);
    try {
      return fn();
    } finally {
      this.segments.pop();
    }
  }

  private emit(offset: number, length: number, value: string): void {
    if (!this.tracing) return;
    const line: TraceLine = {
      offset,
      length,
      depth: this.depth,
      path: this.path,
      field: this.field,
      hex: '',
      value,
    };
    if (length <= TRACE_HEX_FULL) line.hex = toHex(this.bytes, offset, offset + length);
    else {
      line.hex = toHex(this.bytes, offset, offset + TRACE_HEX_HEAD);
      line.hexTail = toHex(this.bytes, offset + length - TRACE_HEX_TAIL, offset + length);
    }
    this.trace!(line);
  }

  /** Claims `n` bytes at the current offset for `what`, or fails with truncation. */
  private take(n: number, what: string): number {
    const start = this.pos;
    const end = this.limit();
    if (n > end - start) {
      if (this.limits.length === 0) {
        this.fail(`unexpected end of input: ${what} at offset ${start} needs ${n} bytes, ${end - start} left`);
      }
      this.fail(
        `${what} at offset ${start} needs ${n} bytes but the enclosing vector ends at offset ${end}: ` +
          'the vector length does not end on an element boundary',
      );
    }
    this.pos += n;
    return start;
  }

  private uint(field: string, size: 1 | 2 | 4, type: string, show?: (v: number) => string): number {
    return this.within(field, () => {
      const at = this.take(size, type);
      let v = 0;
      for (let i = 0; i < size; i++) v = v * 256 + this.bytes[at + i];
      if (this.tracing) this.emit(at, size, show ? show(v) : String(v));
      return v;
    });
  }

  u8(field: string, show?: (v: number) => string): number {
    return this.uint(field, 1, 'uint8', show);
  }
  u16(field: string, show?: (v: number) => string): number {
    return this.uint(field, 2, 'uint16', show);
  }
  u32(field: string, show?: (v: number) => string): number {
    return this.uint(field, 4, 'uint32', show);
  }

  /**
   * A uint8 enum: values above `names.length - 1` are rejected. `what` names the enum in messages.
   * Returns the code.
   */
  enumU8(field: string, what: string, names: readonly (string | null)[]): number {
    return this.within(field, () => {
      const at = this.take(1, what);
      const v = this.bytes[at];
      const name = v < names.length ? names[v] : null;
      if (name === null) {
        const allowed = names.flatMap((n, i) => (n === null ? [] : [`${i} ${n}`])).join(', ');
        this.fail(`invalid ${what} ${v} at offset ${at} (allowed: ${allowed})`, at);
      }
      if (this.tracing) this.emit(at, 1, `${v} ${name}`);
      return v;
    });
  }

  /** `bool`: 0 or 1, anything else is an error (RFC 9420 §2.1). */
  bool(field: string): boolean {
    return this.within(field, () => {
      const at = this.take(1, 'bool');
      const v = this.bytes[at];
      if (v > 1) this.fail(`invalid bool ${v} at offset ${at} (must be 0 or 1)`, at);
      this.emit(at, 1, v === 1 ? 'true' : 'false');
      return v === 1;
    });
  }

  /** `optional<T>`: a presence flag 0 or 1, then the value when 1 (RFC 9420 §2.1.1). */
  optional<T>(field: string, read: () => T): T | null {
    return this.within(field, () => {
      const at = this.take(1, 'optional presence flag');
      const v = this.bytes[at];
      if (v > 1) this.fail(`invalid optional presence flag ${v} at offset ${at} (must be 0 or 1)`, at);
      this.emit(at, 1, v === 1 ? 'present' : 'absent');
      if (v === 0) return null;
      this.depth++;
      try {
        return read();
      } finally {
        this.depth--;
      }
    });
  }

  /**
   * A varint length prefix (RFC 9420 §2.1.2): 1, 2 or 4 bytes by the top two bits, 0b11 invalid,
   * minimal encoding required. Does not trace (the caller reports the whole prefix).
   */
  private varint(): { value: number; start: number; size: number } {
    const start = this.pos;
    this.take(1, 'varint length');
    const first = this.bytes[start];
    const prefix = first >>> 6;
    if (prefix === 3) this.fail(`invalid varint prefix 0b11 at offset ${start}`, start);
    const size = 1 << prefix;
    this.pos = start;
    this.take(size, `${size}-byte varint length`);
    let value = first & 0x3f;
    for (let i = 1; i < size; i++) value = value * 256 + this.bytes[start + i];
    const minimal = value < 0x40 ? 1 : value < 0x4000 ? 2 : 4;
    if (size !== minimal) {
      this.fail(`non-minimal varint at offset ${start}: length ${value} encoded in ${size} bytes instead of ${minimal}`, start);
    }
    return { value, start, size };
  }

  /** Reads a varint length and checks that the vector fits; returns where the body starts and ends. */
  private vectorHeader(elementSize: number, elementType: string): { start: number; size: number; length: number; end: number } {
    const { value: length, start, size } = this.varint();
    if (length > this.limit() - this.pos) {
      this.fail(`vector length ${length} at offset ${start} runs past the end of ${this.limitName()}`, start);
    }
    if (length % elementSize !== 0) {
      this.fail(`vector length ${length} at offset ${start} is not a multiple of ${elementSize} (${elementType} elements)`, start);
    }
    return { start, size, length, end: this.pos + length };
  }

  /**
   * A `<V>` vector: the byte length, then elements read by `element` until the length is used up.
   * `elementSize` (fixed-size elements only) rejects a length that is not a whole number of elements
   * before reading any of them.
   */
  vector<T>(field: string, element: (index: number) => T, elementSize = 1, elementType = ''): T[] {
    return this.within(field, () => {
      const { start, size, length, end } = this.vectorHeader(elementSize, elementType);
      this.emit(start, size, `vector length ${length}`);
      const out: T[] = [];
      this.limits.push(end);
      this.depth++;
      // elements past traceElements are read without trace lines, then summed up in one
      const traced = this.tracing;
      const vectorPath = traced ? this.path : '';
      let mutedFrom = -1;
      let i = 0;
      let elementStart = this.pos;
      try {
        for (; this.pos < end; i++) {
          elementStart = this.pos;
          if (traced && mutedFrom < 0 && i >= this.traceElements) {
            mutedFrom = elementStart;
            this.muted++;
          }
          this.segments.push(i);
          const value = element(i);
          this.segments.pop();
          if (!this.validateOnly) {
            if (++this.elements > this.maxElements) {
              throw new DecodeLimitError(
                `the wire data holds too many vector elements: more than ${this.maxElements}, the limit is ${this.maxElements}`,
                elementStart,
                this.path,
                this.maxElementsFlag,
              );
            }
            out.push(value);
          }
          // Every element type reads at least one byte; this keeps a faulty element reader from looping.
          if (this.pos === elementStart) this.fail(`element at offset ${elementStart} consumed no bytes`);
        }
        elementStart = this.pos;
      } finally {
        // also on an error: the elements read completely before it are summed up
        if (mutedFrom >= 0) {
          this.muted--;
          const first = this.traceElements;
          const n = i - first;
          if (n > 0) {
            this.trace!({
              offset: mutedFrom,
              length: elementStart - mutedFrom,
              depth: this.depth,
              path: `${vectorPath}[${first}…${i - 1}]`,
              field: `[${first}…${i - 1}]`,
              hex: '',
              value: `${n} more ${n === 1 ? 'element' : 'elements'} not shown`,
              omitted: n,
            });
          }
        }
      }
      this.depth--;
      this.limits.pop();
      return out;
    });
  }

  /**
   * An `opaque x<V>` whose bytes hold one struct, read by `read` (a component's data inside an
   * AppDataDictionary). The struct must end exactly where the data ends.
   */
  nested<T>(field: string, typeName: string, read: () => T): T {
    return this.within(field, () => {
      const { start, size, length, end } = this.vectorHeader(1, '');
      this.emit(start, size, `vector length ${length}: ${typeName}`);
      this.limits.push(end);
      this.depth++;
      const v = read();
      if (this.pos !== end) this.fail(`${trailing(end - this.pos)} at offset ${this.pos} after the end of ${typeName}`);
      this.depth--;
      this.limits.pop();
      return v;
    });
  }

  /** A struct: traced as a header line (the type name) followed by its fields one level deeper. */
  struct<T>(field: string, typeName: string, read: () => T): T {
    return this.within(field, () => {
      if (!this.tracing) return read();
      const start = this.pos;
      const header: TraceLine = { offset: start, length: 0, depth: this.depth, path: this.path, field: this.field, hex: '', value: typeName };
      this.trace!(header);
      this.depth++;
      try {
        return read();
      } finally {
        this.depth--;
        // the header's length is known once the struct is read (or, on error, as far as it got)
        header.length = this.pos - start;
      }
    });
  }

  /**
   * The bytes of an `opaque x<V>` (a view into the input; callers copy or convert), and the value
   * shown in the trace (`show` is called only while tracing).
   */
  private opaqueBody<T>(convert: (body: Uint8Array, at: number) => T, show: (body: Uint8Array, value: T) => string): T {
    const { start, size, length, end } = this.vectorHeader(1, '');
    const body = this.bytes.subarray(start + size, end);
    const value = convert(body, start + size);
    this.pos = end;
    if (this.tracing) this.emit(start, size + length, show(body, value));
    return value;
  }

  /** `opaque x<V>` as lowercase hex ('' when the reader skips opaque data). */
  hex(field: string): string {
    return this.within(field, () =>
      this.opaqueBody(
        (body, at) => {
          if (this.validateOnly) return '';
          if (body.length > MAX_HEX_BYTES) {
            this.fail(`opaque data of ${body.length} bytes at offset ${at} is too large to hold as hex (at most ${MAX_HEX_BYTES} bytes)`, at);
          }
          return toHex(body);
        },
        (body) => {
          const n = body.length;
          if (n === 0) return 'empty';
          const count = `${n} ${n === 1 ? 'byte' : 'bytes'}`;
          if (n <= 16) return `${count} ${toHex(body)}`;
          if (n <= 24) return `${count} ${toHex(body, 0, 16)}…`;
          return `${count} ${toHex(body, 0, 16)}…${toHex(body, n - 8, n)}`;
        },
      ),
    );
  }

  /** `opaque x<V>` holding UTF-8 text; malformed UTF-8 is an error at the first byte of the text. */
  text(field: string): string {
    return this.within(field, () =>
      this.opaqueBody(
        (body, at) => {
          // validating only: no string needed, except the start of it for the trace
          if (this.validateOnly && body.length > TRACE_TEXT_CHARS * 4) {
            if (!isUtf8(body)) this.fail(`invalid utf-8 in ${field} at offset ${at}`, at);
            return this.tracing ? utf8Lenient.decode(body.subarray(0, TRACE_TEXT_CHARS * 4)) : '';
          }
          // a text that could not be one string (only past a raised --max-wire-bytes): refused, located
          if (body.length > MAX_STRING_LENGTH) this.fail(`text of ${body.length} bytes at offset ${at} is too large to hold as a string (at most ${MAX_STRING_LENGTH} bytes)`, at);
          try {
            // TextDecoder refuses views of shared memory; copy those first
            return utf8.decode(body.buffer instanceof ArrayBuffer ? body : body.slice());
          } catch {
            return this.fail(`invalid utf-8 in ${field} at offset ${at}`, at);
          }
        },
        (body, text) => {
          if (text.length <= TRACE_TEXT_CHARS) return JSON.stringify(text);
          // cut on a code point boundary
          const cut = (text.charCodeAt(TRACE_TEXT_CHARS - 1) & 0xfc00) === 0xd800 ? TRACE_TEXT_CHARS - 1 : TRACE_TEXT_CHARS;
          return `${JSON.stringify(text.slice(0, cut))}… (${body.length} bytes)`;
        },
      ),
    );
  }

  /** Requires the whole input to be used: anything after the top-level struct is an error. */
  end(typeName: string): void {
    if (this.pos !== this.bytes.length) {
      this.fail(`${trailing(this.bytes.length - this.pos)} at offset ${this.pos} after the end of ${typeName}`);
    }
  }
}

/**
 * The options with the decoding limit of runtime/limits.ts filled in: at most `maxWireElements`
 * vector elements kept, unless the caller sets `maxElements` (Infinity: no limit).
 */
function withDefaultLimits(options: TraceHook | ReaderOptions | undefined): ReaderOptions {
  const o: ReaderOptions = typeof options === 'function' ? { trace: options } : (options ?? {});
  return { maxElements: DEFAULT_LIMITS.maxWireElements, maxElementsFlag: LIMIT_FLAGS.maxWireElements, ...o };
}

/**
 * Decodes all of `bytes` as one `typeName` with `read`, rejecting trailing bytes. Any exception
 * other than a DecodeError (a bug, or a RangeError from a hostile input) is turned into a
 * DecodeError at the offset reached, so callers only ever see DecodeError. At most
 * DEFAULT_LIMITS.maxWireElements vector elements are kept unless `options.maxElements` says otherwise;
 * one more is a DecodeLimitError (a DecodeError) at that element.
 */
export function readAll<T>(bytes: Uint8Array, typeName: string, read: (r: Reader) => T, options?: TraceHook | ReaderOptions): T {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(`input is not a byte array`, 0, '');
  const r = new Reader(bytes, withDefaultLimits(options));
  try {
    const v = read(r);
    r.end(typeName);
    return v;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`internal decoder error: ${e instanceof Error ? e.message : String(e)}`, r.offset, r.path);
  }
}
