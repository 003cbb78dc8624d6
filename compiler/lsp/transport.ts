/**
 * The server's side of the wire, strict and forgiving: `Content-Length` framing parsed by hand so that
 * one bad frame costs that frame only. vscode-jsonrpc's own reader stops reading for good after a
 * header it cannot parse; this one drops what is wrong, says why (a `DroppedFrame`, with the JSON-RPC
 * error response the client is owed when there is one), finds the next `Content-Length:` header and
 * goes on. It hands the connection only well-formed JSON-RPC messages whose params fit the method
 * (./params.ts).
 *
 * What is dropped: a header section that is not `Name: value` lines ended by `\r\n\r\n` (garbage, a
 * body without header, `\n` line ends), a missing or non-numeric `Content-Length`, one above the frame
 * limit (never allocated: the reader skips the header and resyncs), a charset other than UTF-8, a body
 * in which the next frame's header starts (the length was too long), a body that is not JSON (also
 * what a too-short length leaves), JSON that is not a JSON-RPC 2.0 message, and params of the wrong
 * shape. A request among these is answered with its id when it has a readable one, else with id null.
 */
import { AbstractMessageReader, ErrorCodes, type DataCallback, type Disposable, type Message, type MessageReader, type ResponseMessage } from 'vscode-languageserver/node';
import { checkParams } from './params.js';

/** The largest frame (header and body) the server accepts: 64 MB. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** The largest header section: far more than `Content-Length` and `Content-Type` need. */
export const MAX_HEADER_BYTES = 8 * 1024;

export interface DroppedFrame {
  /** what was wrong, in one line */
  readonly reason: string;
  /** the input's byte offset where the dropped bytes start */
  readonly offset: number;
  /** how many bytes were dropped */
  readonly bytes: number;
  /** the error response the client is owed (a request it may be waiting on, or a parse error) */
  readonly reply?: ResponseMessage;
}

export type FrameEvent = { readonly kind: 'message'; readonly message: Message } | ({ readonly kind: 'dropped' } & DroppedFrame);

export interface FrameOptions {
  /** default MAX_FRAME_BYTES */
  readonly maxFrameBytes?: number;
}

const CONTENT_LENGTH = 'content-length:';
/** a header that can only be the start of the next frame: raw CR LF never occurs inside valid JSON at this place */
const EMBEDDED_HEADER = /content-length:[ \t]*\d+\r\n/i;
const HEADER_LINE = /^([A-Za-z0-9-]+):[ \t]*([\x20-\x7e]*?)[ \t]*$/;
const PARTIAL_HEADER_LINE = /^[A-Za-z0-9-]*(?::[\x20-\x7e]*)?\r?$/;
/** longer header lines are garbage (real ones are a few dozen bytes) */
const MAX_HEADER_LINE = 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number | string => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const errorReply = (id: number | string | null, code: number, message: string): ResponseMessage => ({ jsonrpc: '2.0', id, error: { code, message } });
const oneLine = (s: string): string => s.replace(/[\x00-\x1f\x7f]/g, ' ');
/** a short, printable excerpt of dropped bytes, for logs */
export function excerpt(bytes: Buffer, max = 40): string {
  const s = bytes.subarray(0, max).toString('latin1').replace(/[^\x20-\x7e]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '.'));
  return `"${s}${bytes.length > max ? '…' : ''}"`;
}

type Header = { kind: 'more' } | { kind: 'bad'; reason: string } | { kind: 'ok'; end: number; length: number } | { kind: 'too-large'; end: number; reason: string };

/** The header section at the start of `buf`, read line by line (a bad line is found without reading on). */
function parseHeader(buf: Buffer, maxFrameBytes: number): Header {
  const bad = (reason: string): Header => ({ kind: 'bad', reason });
  const fields = new Map<string, string>();
  for (let pos = 0; ; ) {
    const window = buf.subarray(0, Math.min(buf.length, pos + MAX_HEADER_LINE + 2, MAX_HEADER_BYTES + 4));
    const eol = window.indexOf('\r\n', pos);
    if (eol < 0) {
      const line = buf.toString('latin1', pos, window.length);
      if (line.toLowerCase().indexOf(CONTENT_LENGTH, 1) > 0) return bad(`a Content-Length inside a header line: ${excerpt(Buffer.from(line, 'latin1'))}`);
      if (!PARTIAL_HEADER_LINE.test(line)) return bad(`not a header line: ${excerpt(Buffer.from(line, 'latin1'))}`);
      if (window.length - pos > MAX_HEADER_LINE) return bad(`a header line longer than ${MAX_HEADER_LINE} bytes: ${excerpt(Buffer.from(line, 'latin1'))}`);
      return buf.length > MAX_HEADER_BYTES ? bad(`no end of headers (\\r\\n\\r\\n) within ${MAX_HEADER_BYTES} bytes`) : { kind: 'more' };
    }
    if (eol === pos) {
      if (pos === 0) return bad('an empty line where a header was expected');
      return complete(fields, pos + 2, maxFrameBytes);
    }
    const line = buf.toString('latin1', pos, eol);
    // the next frame's header run into this one (after a partial header of a broken frame)
    if (line.toLowerCase().indexOf(CONTENT_LENGTH, 1) > 0) return bad(`a Content-Length inside a header line: ${excerpt(Buffer.from(line, 'latin1'))}`);
    const m = HEADER_LINE.exec(line);
    if (!m) return bad(`not a header line: ${excerpt(Buffer.from(line, 'latin1'))}`);
    const name = m[1].toLowerCase();
    if (fields.has(name)) return bad(`the header has more than one ${m[1]}`);
    fields.set(name, m[2]);
    pos = eol + 2;
  }
}

/** A complete header section (`end`: where the body starts) with these fields. */
function complete(fields: ReadonlyMap<string, string>, end: number, maxFrameBytes: number): Header {
  const length = fields.get('content-length');
  if (length === undefined) return { kind: 'bad', reason: 'the header has no Content-Length' };
  if (!/^\d+$/.test(length)) return { kind: 'bad', reason: `Content-Length ${JSON.stringify(length)} is not a number` };
  const charset = /charset=([^;\s]+)/i.exec(fields.get('content-type') ?? '')?.[1];
  if (charset && !/^"?utf-?8"?$/i.test(charset)) return { kind: 'bad', reason: `charset ${charset} is not supported (only utf-8)` };
  const n = length.length > 15 ? Infinity : Number(length);
  if (end + n > maxFrameBytes) return { kind: 'too-large', end, reason: `Content-Length ${length} is over the frame limit of ${maxFrameBytes} bytes: the header is skipped and its body is read as garbage` };
  return { kind: 'ok', end, length: n };
}

const sameLetter = (byte: number, lower: number): boolean => (lower >= 0x61 && lower <= 0x7a ? (byte | 0x20) === lower : byte === lower);
const isBlank = (byte: number): boolean => byte === 0x20 || byte === 0x09;
const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;

/**
 * Where the next frame may start in `buf`, at or after `from`: a `Content-Length: <digits>\r\n` line (any
 * case), or a tail of `buf` that may be the beginning of one; else the end of `buf`. One pass.
 */
function nextHeaderStart(buf: Buffer, from: number): number {
  const n = CONTENT_LENGTH.length;
  for (let i = from; i < buf.length; i++) {
    if ((buf[i] | 0x20) !== 0x63) continue; // 'c' or 'C'
    let j = i + 1;
    while (j - i < n && j < buf.length && sameLetter(buf[j], CONTENT_LENGTH.charCodeAt(j - i))) j++;
    if (j === buf.length) return i; // cut by the end
    if (j - i < n) continue;
    while (j < buf.length && isBlank(buf[j]) && j - i < n + 16) j++;
    const digits = j;
    while (j < buf.length && isDigit(buf[j]) && j - digits < 16) j++;
    const hasDigits = j > digits;
    while (j < buf.length && isBlank(buf[j]) && j - i < n + 48) j++;
    if (j === buf.length) return i; // cut by the end
    if (hasDigits && buf[j] === 0x0d && (j + 1 === buf.length || buf[j + 1] === 0x0a)) return i;
  }
  return buf.length;
}

/**
 * Where to resume after garbage: the next header line `Content-Length: N` (see nextHeaderStart) that can
 * begin a good header. Of the candidates before the next `\r\n\r\n` only the last can: a section
 * from an earlier one would hold two Content-Lengths. So a flood of `Content-Length: 1\r\n` lines is
 * skipped in one pass, not a line at a time.
 */
function resyncPoint(buf: Buffer, from: number): number {
  let at = nextHeaderStart(buf, from);
  if (at >= buf.length) return at;
  const end = buf.indexOf('\r\n\r\n', at);
  const limit = end < 0 ? buf.length : end;
  for (let next = nextHeaderStart(buf, at + 1); next < limit; next = nextHeaderStart(buf, next + 1)) at = next;
  return at;
}

/** What a parsed JSON body is: a message to pass on, or why not (with the reply the client is owed). */
function checkMessage(value: unknown): { message: Message } | { reason: string; reply?: ResponseMessage } {
  if (!isObject(value)) {
    const what = Array.isArray(value) ? 'a batch (array), which LSP does not use' : `not an object but ${value === null ? 'null' : `a ${typeof value}`}`;
    return { reason: `the body is ${what}`, reply: errorReply(null, ErrorCodes.InvalidRequest, `Invalid request: the message is ${what}`) };
  }
  const rawId = value.id;
  const id = isId(rawId) ? rawId : null;
  // what is not a notification is answered (with id null when it has no usable id), as JSON-RPC says
  const notification = 'method' in value && rawId === undefined;
  const invalid = (why: string) => ({ reason: why, ...(notification ? {} : { reply: errorReply(id, ErrorCodes.InvalidRequest, `Invalid request: ${why}`) }) });
  if (value.jsonrpc !== '2.0') return invalid('"jsonrpc" is not "2.0"');
  if ('method' in value) {
    if (typeof value.method !== 'string') return invalid('"method" is not a string');
    if (rawId !== undefined && !isId(rawId)) return invalid('"id" is neither a number nor a string');
    // (null is let through: clients send `shutdown` and `exit` with params null)
    if (value.params !== undefined && typeof value.params !== 'object') return invalid('"params" is neither an object nor an array');
    const problem = checkParams(value.method, value.params);
    if (problem) {
      const why = `${value.method}: ${problem}`;
      return rawId === undefined ? { reason: why } : { reason: why, reply: errorReply(id, ErrorCodes.InvalidParams, `Invalid params: ${why}`) };
    }
    return { message: value as unknown as Message };
  }
  // a response to a request of the server's
  if (rawId !== null && !isId(rawId)) return { reason: 'a message with neither "method" nor a valid "id"' };
  if (value.result === undefined && !isObject(value.error)) return { reason: 'a response with neither "result" nor "error"' };
  return { message: value as unknown as Message };
}

/**
 * Content-Length framing, incremental: `push` the input's chunks in order and get back the messages
 * and the dropped frames, in order. Never throws; memory stays within one frame (`maxFrameBytes`).
 */
export class FrameParser {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private size = 0;
  /** the input offset of the first buffered byte */
  private offset = 0;
  /** the body length once a header has been read */
  private body: number | undefined;
  /** where the body began: header bytes are counted in what a dropped frame drops */
  private frameStart = 0;
  /** bytes of the pending body already searched for an embedded header */
  private searched = 0;
  /** the run of skipped garbage not yet told */
  private garbage: { offset: number; bytes: number; reason: string; excerpt: string; skips: number } | undefined;

  constructor(options: FrameOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (chunk.length === 0) return out;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.body === undefined ? this.header(out) : this.readBody(out));
    this.flushGarbage(out);
    return out;
  }

  /** The buffered bytes in one Buffer. */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
  private consume(n: number): void {
    const buf = this.joined().subarray(n);
    this.chunks = buf.length ? [buf] : [];
    this.size = buf.length;
    this.offset += n;
  }
  private drop(out: FrameEvent[], start: number, bytes: number, reason: string, reply?: ResponseMessage): void {
    this.flushGarbage(out);
    // one line (JSON.parse quotes the input around an error)
    out.push({ kind: 'dropped', reason: oneLine(reason), offset: start, bytes, ...(reply ? { reply: reply.error ? { ...reply, error: { ...reply.error, message: oneLine(reply.error.message) } } : reply } : {}) });
  }

  /** Skip garbage up to the next header line `Content-Length: N` after the first byte (or up to a tail that may begin one). */
  private resync(reason: string): void {
    const buf = this.joined();
    const at = resyncPoint(buf, 1);
    // consecutive skips are one dropped run, told once (a flood of bad headers is not a flood of events)
    const g = this.garbage;
    if (g && g.offset + g.bytes === this.offset) {
      g.bytes += at;
      g.skips++;
    } else this.garbage = { offset: this.offset, bytes: at, reason, excerpt: excerpt(buf.subarray(0, at)), skips: 1 };
    this.consume(at);
  }
  private flushGarbage(out: FrameEvent[]): void {
    const g = this.garbage;
    if (!g) return;
    this.garbage = undefined;
    const more = g.skips > 1 ? ` (and ${g.skips - 1} more bad headers after it)` : '';
    out.push({ kind: 'dropped', reason: oneLine(`${g.reason}; skipped ${g.bytes} bytes ${g.excerpt}${more}`), offset: g.offset, bytes: g.bytes });
  }

  private header(out: FrameEvent[]): boolean {
    if (this.size === 0) return false;
    const h = parseHeader(this.joined(), this.maxFrameBytes);
    switch (h.kind) {
      case 'more':
        return false;
      case 'bad': {
        const before = this.size;
        this.resync(h.reason);
        return this.size > 0 && this.size < before;
      }
      case 'too-large':
        this.drop(out, this.offset, h.end, h.reason);
        this.consume(h.end);
        return true;
      case 'ok':
        this.frameStart = this.offset;
        this.consume(h.end);
        this.body = h.length;
        this.searched = 0;
        return true;
    }
  }

  private readBody(out: FrameEvent[]): boolean {
    const length = this.body!;
    if (this.size < length) {
      // a header inside a body that is still arriving: the length was too long, the next frame has begun
      const at = this.findEmbeddedHeader(Math.min(this.size, length));
      if (at < 0) return false;
      this.endFrameAt(out, at, `the frame ends early: the next header starts ${at} bytes into a body of Content-Length ${length}`);
      return true;
    }
    const body = this.joined().subarray(0, length);
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (e) {
      // a body that is not JSON may hold the start of the next frame (the length was too long): resync there
      const at = nextHeaderStart(body, 0);
      if (at < length) this.endFrameAt(out, at, `the frame ends early: the next header starts ${at} bytes into a body of Content-Length ${length}`);
      else {
        this.drop(out, this.frameStart, this.offset - this.frameStart + length, `the body is not JSON (${(e as Error).message}): ${excerpt(body)}`, errorReply(null, ErrorCodes.ParseError, `Parse error: the body is not JSON (${(e as Error).message})`));
        this.body = undefined;
        this.consume(length);
      }
      return true;
    }
    const checked = checkMessage(value);
    if ('message' in checked) {
      this.flushGarbage(out);
      out.push({ kind: 'message', message: checked.message });
    }
    else this.drop(out, this.frameStart, this.offset - this.frameStart + length, checked.reason, checked.reply);
    this.body = undefined;
    this.consume(length);
    return true;
  }

  /** The buffered bytes from `from` to `to`, without joining the rest (walked from the end: `from` is recent). */
  private slice(from: number, to: number): Buffer {
    const parts: Buffer[] = [];
    let end = this.size;
    for (let i = this.chunks.length - 1; i >= 0 && end > from; i--) {
      const c = this.chunks[i];
      const start = end - c.length;
      if (start < to) parts.unshift(c.subarray(Math.max(0, from - start), Math.min(c.length, to - start)));
      end = start;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** The offset, in the pending body's first `limit` bytes, of a header that starts the next frame, or -1. */
  private findEmbeddedHeader(limit: number): number {
    const from = Math.max(0, this.searched - 40);
    if (limit <= from) return -1;
    const text = this.slice(from, limit).toString('latin1');
    this.searched = limit;
    const m = EMBEDDED_HEADER.exec(text);
    return m ? from + m.index : -1;
  }

  /** Drop the pending frame's first `at` body bytes (answering its request if they parse), and read a header at `at`. */
  private endFrameAt(out: FrameEvent[], at: number, reason: string): void {
    const head = this.joined().subarray(0, at);
    let reply: ResponseMessage | undefined;
    try {
      const v: unknown = JSON.parse(head.toString('utf8'));
      if (isObject(v) && typeof v.method === 'string' && isId(v.id)) reply = errorReply(v.id, ErrorCodes.InvalidRequest, `Invalid request: ${reason}`);
    } catch {
      // not even a message: nothing to answer
    }
    this.drop(out, this.frameStart, this.offset - this.frameStart + at, reason, reply);
    this.body = undefined;
    this.consume(at);
  }
}

export interface FrameReaderOptions extends FrameOptions {
  /** told of every dropped frame (log it; send `reply` when there is one) */
  readonly onDrop?: (dropped: DroppedFrame) => void;
}

/** A MessageReader over a byte stream (stdin) that survives any input: see FrameParser. */
export class FrameReader extends AbstractMessageReader implements MessageReader {
  private readonly parser: FrameParser;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly options: FrameReaderOptions = {},
  ) {
    super();
    this.parser = new FrameParser(options);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string) => {
      for (const event of this.parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)) {
        try {
          if (event.kind === 'message') callback(event.message);
          else this.options.onDrop?.(event);
        } catch (e) {
          // a handler that throws on delivery must not stop the reading of the next frames
          this.options.onDrop?.({ reason: `the message could not be delivered: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, offset: -1, bytes: 0 });
        }
      }
    };
    const onClose = () => this.fireClose();
    const onError = (e: unknown) => this.fireError(e);
    this.input.on('data', onData);
    this.input.on('end', onClose);
    this.input.on('close', onClose);
    this.input.on('error', onError);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('end', onClose);
        this.input.off('close', onClose);
        this.input.off('error', onError);
      },
    };
  }
}
