/**
 * Byte writer for the TLS presentation language as MLS uses it (RFC 9420 §2.1): big-endian
 * fixed-width integers, `<V>` vectors with a QUIC-style varint byte-length prefix in its minimal
 * form, `optional<T>` as a 0/1 presence flag, `bool` as 0/1.
 *
 * The writer validates every value against its wire type and throws EncodeError (with the wire path)
 * instead of writing something a strict decoder would reject or read back differently.
 */
import { EncodeError, joinPath } from './errors.js';
import { isLowerHex, writeHex } from './hex.js';

/** Largest value a varint length prefix holds: 30 bits (RFC 9420 §2.1.2, prefix 0b11 is invalid). */
export const VARINT_MAX = 0x3fffffff;

/** The minimal varint encoding of `n` (0 <= n <= VARINT_MAX). RFC 9420 §2.1.2. */
export function encodeVarint(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > VARINT_MAX) throw new EncodeError(`${n} does not fit in a varint (0 to ${VARINT_MAX})`, '');
  if (n < 0x40) return Uint8Array.of(n);
  if (n < 0x4000) return Uint8Array.of(0x40 | (n >>> 8), n & 0xff);
  return Uint8Array.of(0x80 | (n >>> 24), (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

const utf8 = new TextEncoder();
/** A lone UTF-16 surrogate: TextEncoder would silently turn it into U+FFFD, breaking round trips. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly segments: string[] = [];

  /**
   * The bytes written so far: a copy, trimmed to size; for big outputs (over 16 MB) a view of the
   * buffer instead, so that a component of hundreds of megabytes is not copied once more at the end.
   */
  finish(): Uint8Array {
    return this.len > 16 * 1024 * 1024 ? this.buf.subarray(0, this.len) : this.buf.slice(0, this.len);
  }

  /** Throws an EncodeError located at the current field. */
  fail(message: string): never {
    throw new EncodeError(message, joinPath(this.segments));
  }

  /** Current wire path, for errors raised outside the writer. */
  get path(): string {
    return joinPath(this.segments);
  }

  /** Runs `fn` with `field` appended to the path ('' = the current position, e.g. a vector element). */
  field<T>(field: string, fn: () => T): T {
    if (field === '') return fn();
    this.segments.push(field);
    try {
      return fn();
    } finally {
      this.segments.pop();
    }
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    // one big write (an opaque component) gets room for itself plus some, not the next power of two
    if (extra > this.buf.length) size = this.len + extra + this.buf.length;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private checkInt(field: string, v: number, max: number, type: string): void {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      this.field(field, () => this.fail(`${String(v)} is not a ${type}`));
    }
  }

  u8(field: string, v: number): void {
    this.checkInt(field, v, 0xff, 'uint8');
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  u16(field: string, v: number): void {
    this.checkInt(field, v, 0xffff, 'uint16');
    this.ensure(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
  }

  u32(field: string, v: number): void {
    this.checkInt(field, v, 0xffffffff, 'uint32');
    this.ensure(4);
    this.buf[this.len++] = v >>> 24;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }

  /** `bool`: one byte, 0 or 1 (RFC 9420 §2.1). */
  bool(field: string, v: boolean): void {
    if (typeof v !== 'boolean') this.field(field, () => this.fail(`${String(v)} is not a boolean`));
    this.u8(field, v ? 1 : 0);
  }

  /** `optional<T>`: presence flag 0 (null) or 1 followed by the value (RFC 9420 §2.1.1). */
  optional<T>(field: string, v: T | null, write: (v: T) => void): void {
    if (v === null) {
      this.u8(field, 0);
      return;
    }
    this.u8(field, 1);
    this.field(field, () => write(v));
  }

  /**
   * A `<V>` vector whose body `fn` writes: the body's byte length as a minimal varint, then the body
   * (RFC 9420 §2.1.2). The prefix is inserted once the length is known.
   */
  nested(field: string, fn: () => void): void {
    this.field(field, () => {
      const start = this.len;
      fn();
      const bodyLength = this.len - start;
      if (bodyLength > VARINT_MAX) this.fail(`vector of ${bodyLength} bytes exceeds the maximum length ${VARINT_MAX}`);
      const prefix = encodeVarint(bodyLength);
      this.ensure(prefix.length);
      this.buf.copyWithin(start + prefix.length, start, this.len);
      this.buf.set(prefix, start);
      this.len += prefix.length;
    });
  }

  /** A `<V>` vector of `items`, each written by `write` under the path element `[i]`. */
  vector<T>(field: string, items: readonly T[], write: (item: T, index: number) => void): void {
    if (!Array.isArray(items)) this.field(field, () => this.fail(`${String(items)} is not an array`));
    this.nested(field, () => {
      items.forEach((item, i) => {
        this.segments.push(`[${i}]`);
        write(item, i);
        this.segments.pop();
      });
    });
  }

  /** `opaque x<V>` from raw bytes. */
  opaque(field: string, bytes: Uint8Array): void {
    if (bytes.length > VARINT_MAX) this.field(field, () => this.fail(`${bytes.length} bytes exceed the maximum vector length ${VARINT_MAX}`));
    const prefix = encodeVarint(bytes.length);
    this.ensure(prefix.length + bytes.length);
    this.buf.set(prefix, this.len);
    this.len += prefix.length;
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** `opaque x<V>` holding UTF-8 text (names, descriptions, user ids, URIs). */
  text(field: string, s: string): void {
    if (typeof s !== 'string') this.field(field, () => this.fail(`${String(s)} is not a string`));
    if (LONE_SURROGATE.test(s)) this.field(field, () => this.fail('text contains a lone utf-16 surrogate and has no utf-8 encoding'));
    this.opaque(field, utf8.encode(s));
  }

  /** `opaque x<V>` given as the IR's lowercase hex (decoded straight into the buffer, no copy in between). */
  hex(field: string, s: string): void {
    if (typeof s !== 'string' || !isLowerHex(s)) {
      const shown = typeof s === 'string' && s.length > 40 ? `${JSON.stringify(s.slice(0, 40))}… (${s.length} characters)` : JSON.stringify(s);
      this.field(field, () => this.fail(`${shown} is not lowercase hex with an even number of digits`));
    }
    const n = s.length / 2;
    if (n > VARINT_MAX) this.field(field, () => this.fail(`${n} bytes exceed the maximum vector length ${VARINT_MAX}`));
    const prefix = encodeVarint(n);
    this.ensure(prefix.length + n);
    this.buf.set(prefix, this.len);
    this.len += prefix.length;
    writeHex(s, this.buf, this.len);
    this.len += n;
  }
}

/**
 * Encodes one top-level struct with `write` and returns its bytes. Any exception other than an
 * EncodeError (a malformed IR object, e.g. a missing field) becomes an EncodeError at the path reached.
 */
export function writeAll(write: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  try {
    write(w);
  } catch (e) {
    if (e instanceof EncodeError) throw e;
    throw new EncodeError(`invalid value: ${e instanceof Error ? e.message : String(e)}`, w.path);
  }
  return w.finish();
}
