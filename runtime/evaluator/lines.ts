/**
 * JSON Lines read as a stream: bytes in (chunks of any size, from a file or a pipe), one line at a time
 * out, in order, with memory bounded by the longest line allowed — never by the input's length. A line
 * longer than the limit is not kept: its bytes are counted and dropped up to its end, and it comes out
 * as an error (with its size), so the lines after it are read as usual.
 *
 * Lines end at `\n` (a `\r` before it is dropped); line numbers count every physical line, blank ones
 * too, so that a message's `line N` is the editor's line N. A byte order mark at the very start of the
 * input is skipped. Bytes that are not UTF-8 make that line an error (located), not the stream's.
 */
import { formatBytes, limitMessage, LIMIT_FLAGS } from '../limits.js';
import { decodeUtf8 } from './json.js';

export interface InputLine {
  /** 1-based, counting every physical line */
  readonly number: number;
  /** the line without its end; undefined when it could not be read (see `error`) */
  readonly text?: string;
  /** why the line could not be read: longer than the limit, or not UTF-8 */
  readonly error?: { readonly column?: number; readonly message: string; readonly help?: string };
}

export interface LineSplitterOptions {
  /** the longest line kept, in bytes (without its end); longer ones become an error */
  maxLineBytes: number;
}

/**
 * Feed it chunks with `push`, then call `end`; it calls `onLine` for every line, in order, synchronously.
 * Keeps at most one line (up to the limit) between chunks.
 */
export class LineSplitter {
  private pieces: Uint8Array[] = [];
  private pending = 0;
  /** bytes of the current line when it is over the limit (then `pieces` is empty), else −1 */
  private overBytes = -1;
  private number = 0;
  private readonly max: number;

  constructor(
    options: LineSplitterOptions,
    private readonly onLine: (line: InputLine) => void,
  ) {
    this.max = options.maxLineBytes;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.keep(chunk, pos, n);
        return;
      }
      this.emit(chunk, pos, nl);
      pos = nl + 1;
    }
  }

  /** The last line, when the input does not end with a newline. */
  end(): void {
    if (this.pending > 0 || this.overBytes >= 0) this.emit(new Uint8Array(0), 0, 0);
  }

  /** Keep a piece of the current line (a copy: the caller may reuse its buffer), or count it if over the limit. */
  private keep(chunk: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (len === 0) return;
    if (this.overBytes >= 0) {
      this.overBytes += len;
      return;
    }
    if (this.pending + len > this.max) {
      this.overBytes = this.pending + len;
      this.pieces = [];
      this.pending = 0;
      return;
    }
    this.pieces.push(chunk.slice(from, to));
    this.pending += len;
  }

  private concat(chunk: Uint8Array, from: number, to: number): Uint8Array {
    if (this.pieces.length === 0) return chunk.subarray(from, to);
    const out = new Uint8Array(this.pending + (to - from));
    let at = 0;
    for (const p of this.pieces) {
      out.set(p, at);
      at += p.length;
    }
    out.set(chunk.subarray(from, to), at);
    return out;
  }

  private emit(chunk: Uint8Array, from: number, to: number): void {
    const number = ++this.number;
    const size = (this.overBytes >= 0 ? this.overBytes : this.pending) + (to - from);
    if (this.overBytes >= 0 || size > this.max) {
      this.overBytes = -1;
      this.pieces = [];
      this.pending = 0;
      const { message, help } = limitMessage('the line', formatBytes(size), formatBytes(this.max), LIMIT_FLAGS.maxJsonBytes);
      this.onLine({ number, error: { message, help } });
      return;
    }
    let bytes = this.concat(chunk, from, to);
    this.pieces = [];
    this.pending = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    // a byte order mark at the start of the input
    if (number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const d = decodeUtf8(bytes);
    if (d.ok) this.onLine({ number, text: d.text });
    else this.onLine({ number, error: { column: d.error.column, message: d.error.message } });
  }
}

/** Every line of a stream of chunks (a file's read stream, stdin), as `LineSplitter` reads them. */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, options: LineSplitterOptions): AsyncGenerator<InputLine[]> {
  let batch: InputLine[] = [];
  const splitter = new LineSplitter(options, (l) => batch.push(l));
  for await (const chunk of chunks) {
    splitter.push(chunk);
    if (batch.length) {
      yield batch;
      batch = [];
    }
  }
  splitter.end();
  if (batch.length) yield batch;
}
