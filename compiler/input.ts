/**
 * Reading any policy input the tools accept — `.mimi` source, wire bytes (`.bin`: a dictionary or one
 * component), or the IR as JSON (`.json`, validated against its shape, runtime/ir.ts) — into the one IR.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { diagnostic, hasErrors, type Diagnostic } from '../runtime/diagnostics.js';
import { PolicyShape, type Policy, type Provenance } from '../runtime/ir.js';
import { check } from '../runtime/schema.js';
import { fromHex } from '../runtime/codec/hex.js';
import { decodeUtf8, lineColumn, parseJson, scanJson, type JsonError } from '../runtime/evaluator/json.js';
import { DEFAULT_LIMITS, formatBytes, LIMIT_FLAGS, limitMessage, type Limits } from '../runtime/limits.js';
import { compileFile, loadWire, type WireKind } from './compile.js';
import type { CompilerHost } from './resolve.js';
import { checkPolicy } from './rules/index.js';
import { analyse } from './analyses/index.js';
import type { ScenarioIR, Symbols } from './lower.js';

export type InputFormat = 'mimi' | 'wire' | 'json';

export interface LoadedPolicy {
  format: InputFormat;
  policy?: Policy;
  provenance?: Provenance;
  symbols?: Symbols;
  /** scenarios of a .mimi input */
  scenarios?: ScenarioIR[];
  /** for wire input: what the bytes held */
  wireKind?: WireKind;
  /**
   * Set when the content decided the kind against the file name's hint (a `.bin` holding `.mimi`
   * text, a `.mimi` holding wire bytes): what it was read as, in words, for a note.
   */
  detected?: string;
  /** texts of the source files read, for code frames */
  sources: Map<string, string>;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** The kind a file name suggests (the hint): `.mimi`, `.json`, and wire bytes for anything else. */
export function inputFormat(path: string): InputFormat {
  if (path.endsWith('.mimi')) return 'mimi';
  if (path.endsWith('.json')) return 'json';
  return 'wire';
}

/** Whether the file name says what it holds (`.mimi`, `.json`, `.bin`), as opposed to `room.txt` or stdin. */
const namedKind = (path: string): boolean => /\.(mimi|json|bin)$/.test(path);

/** What the bytes look like: `text` (UTF-8 without control characters), `json` text, `hex` text, or `binary`. */
export type ContentKind = 'binary' | 'text' | 'json' | 'hex';

/**
 * The kind of content, judged from its first 64 KB: bytes that are not UTF-8 or hold control
 * characters (other than tab, line feed, form feed, carriage return) are binary — MIMI wire bytes
 * always hold some (lengths and uint16 codes have zero bytes); text starting with `{` is JSON, text
 * of hex digits and white space only is hex; any other text is taken as .mimi source.
 */
export function contentKind(bytes: Uint8Array, total = bytes.length): ContentKind | undefined {
  if (total === 0) return undefined;
  const head = bytes.subarray(0, 1 << 16);
  if (hasControlBytes(head)) return 'binary';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < total });
  } catch {
    return 'binary';
  }
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{')) return 'json';
  if (/^[0-9a-fA-F\s]+$/.test(text) && /[0-9a-fA-F]/.test(text)) return 'hex';
  return 'text';
}

/** Whether the first 64 KB hold a control character other than tab, line feed, form feed, carriage return. */
function hasControlBytes(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1 << 16);
  for (const b of head) if (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13) return true;
  return false;
}

/** A regular file's size and first 64 KB, or undefined for anything else (or when it cannot be read: the read says why). */
function peekFile(path: string): { size: number; head: Buffer } | undefined {
  let fd: number | undefined;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    fd = openSync(path, 'r');
    const head = Buffer.allocUnsafe(Math.min(st.size, 1 << 16));
    const n = readSync(fd, head, 0, head.length, 0);
    return { size: st.size, head: head.subarray(0, n) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The kind to read a file as: its content decides, the name is the hint. A named `.mimi` or `.json`
 * file is read as such unless it holds binary bytes; `.bin` (or any other name, or stdin) holding text
 * is read as .mimi source, JSON or hex of wire bytes, as the text looks.
 */
function decideFormat(path: string, bytes: Uint8Array, total = bytes.length): { format: InputFormat; hex: boolean; detected?: string } {
  const hint = inputFormat(path);
  const kind = contentKind(bytes, total);
  const named = namedKind(path);
  if (kind === undefined) return { format: hint, hex: false };
  if (kind === 'binary') {
    // a named .mimi or .json file that is merely not UTF-8 stays what it says (its reader says where);
    // one holding control bytes (wire bytes always do) is read as wire bytes
    if (hint === 'wire' || !named) return { format: 'wire', hex: false };
    if (!hasControlBytes(bytes)) return { format: hint, hex: false };
    return { format: 'wire', hex: false, detected: 'read as MIMI wire bytes: the file holds binary data, not text' };
  }
  if (named && hint !== 'wire') return { format: hint, hex: false };
  const note = (what: string) => (named ? { detected: `read as ${what}: the file holds text, not wire bytes` } : {});
  if (kind === 'json') return { format: 'json', hex: false, ...note('IR JSON') };
  if (kind === 'hex') return { format: 'wire', hex: true, ...(named ? { detected: 'read as hex text of MIMI wire bytes (the file holds hex digits, not the bytes themselves)' } : {}) };
  return { format: 'mimi', hex: false, ...note('.mimi source') };
}

/**
 * Where JSON text first goes wrong, as an offset (−1 when it is strict JSON): the strict scanner of
 * runtime/evaluator/json.ts, so every JSON input is checked and located in one place.
 */
export function jsonErrorOffset(text: string): number {
  const r = scanJson(text);
  return r.ok ? -1 : r.error.offset;
}

function jsonErrorSpan(e: JsonError, file: string) {
  return { file, line: e.line, column: e.column, endLine: e.line, endColumn: e.column + 1, start: e.offset, end: e.offset + 1 };
}

/**
 * Where JSON text stops being strict JSON (1-based line and column), and why (`malformed JSON:
 * unexpected \`}\``, `duplicate key \`role\`…`); for text that is strict JSON, the end of the input.
 */
export function jsonError(text: string): { line: number; column: number; message: string } {
  const r = scanJson(text);
  if (!r.ok) return { line: r.error.line, column: r.error.column, message: r.error.message };
  return { ...lineColumn(text, text.length), message: 'malformed JSON: unexpected end of input' };
}

/**
 * The IR from JSON text, validated; problems are diagnostics naming the JSON path. The text is read
 * strictly (runtime/evaluator/json.ts): a key given twice, nesting deeper than 1000 or a lone surrogate
 * is an error at its place, like malformed JSON.
 */
export function loadPolicyJson(text: string, file: string, options: { analyses?: boolean; limits?: Partial<Limits> } = {}): LoadedPolicy {
  const cap = options.limits?.maxDiagnosticsPerCode ?? DEFAULT_LIMITS.maxDiagnosticsPerCode;
  const sources = new Map([[file, text]]);
  const r = parseJson(text);
  if (!r.ok) return { format: 'json', sources, ok: false, diagnostics: [diagnostic('wire-decode', r.error.message, file, jsonErrorSpan(r.error, file))] };
  const json = r.value;
  const issues = check(PolicyShape, json, '', { maxIssues: 20 });
  if (issues !== undefined) {
    const diagnostics = issues.map((i) => diagnostic('wire-decode', `${i.path ? `\`${i.path}\`: ` : ''}${i.message}`, file, undefined));
    return { format: 'json', sources, ok: false, diagnostics };
  }
  const policy = json as Policy;
  const diagnostics = checkPolicy(policy, file, undefined, { maxDiagnosticsPerCode: cap });
  if (options.analyses && !hasErrors(diagnostics)) diagnostics.push(...analyse(policy, file, { maxFindingsPerKind: cap }));
  return { format: 'json', policy, sources, diagnostics, ok: !hasErrors(diagnostics) };
}

export interface LoadOptions {
  /** force the wire component kind (otherwise detected) */
  component?: WireKind;
  host?: CompilerHost;
  /** run the analyses (compiler/analyses) on policies without errors; default true */
  analyses?: boolean;
  /** size limits (runtime/limits.ts); unset ones take their defaults */
  limits?: Partial<Limits>;
}

/** Why a file cannot be read, in words (`no such file`, `it is a directory`, …); never the system's raw message. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENXIO':
    case 'ENODEV':
      return 'it is a device that cannot be read';
    case 'EIO':
      return 'an input/output error';
    default: {
      // the system's words without Node's syscall and path (`EIO: i/o error, read` → `EIO: i/o error`)
      const m = /^([A-Z0-9]+: [^,]*)/.exec((e as Error).message ?? '');
      return m ? m[1] : code ? `the system refused (${code})` : (e as Error).message;
    }
  }
}

/** The name stdin goes by in messages and diagnostics, when `-` is given as the input. */
export const STDIN_NAME = '<stdin>';

/**
 * A file's bytes, or `{ tooLarge }` when it holds more than `limit` bytes — decided before reading a
 * regular file (from its size), and for a pipe or device (`<(…)`, `/dev/stdin`, `/dev/zero`) by reading
 * at most `limit + 1` bytes. A directory is an error (EISDIR). Never reads without bound, never hangs on
 * an endless device.
 */
export function readBounded(path: string, limit: number): { bytes: Buffer } | { tooLarge: { size: number; exact: boolean } } {
  if (path === '-') return readFdBounded(0, limit);
  const st = statSync(path);
  if (st.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
  if (st.isFile()) {
    if (st.size > limit) return { tooLarge: { size: st.size, exact: true } };
    return { bytes: readFileSync(path) };
  }
  const fd = openSync(path, 'r');
  try {
    return readFdBounded(fd, limit);
  } finally {
    closeSync(fd);
  }
}

/**
 * An open descriptor's bytes up to its end, or `{ tooLarge }` after `limit + 1` of them (stdin is
 * descriptor 0: a pipe, a socket, a file or a terminal). A non-blocking descriptor that has nothing
 * yet is waited on briefly and read again.
 */
function readFdBounded(fd: number, limit: number): { bytes: Buffer } | { tooLarge: { size: number; exact: boolean } } {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > limit) return { tooLarge: { size: total, exact: false } };
  }
  return { bytes: Buffer.concat(chunks, total) };
}

/** The E0006 of a file over its limit (`what`: "the source file"), at byte offset 0. */
export function tooLargeDiagnostic(path: string, what: string, t: { size: number; exact: boolean }, limit: number, flag: string): Diagnostic {
  const exact = (n: number) => (n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${n} bytes)`);
  const { message, help } = limitMessage(what, t.exact ? exact(t.size) : `more than ${exact(limit)}`, exact(limit), flag);
  return diagnostic('limit-exceeded', message, path, undefined, { offset: 0, help });
}

/**
 * Load a policy from a file of any accepted format (`-`: stdin). The content decides the kind, the
 * file name is the hint (decideFormat). I/O failures throw `InputError`.
 */
export function loadPolicyFile(path: string, options: LoadOptions = {}): LoadedPolicy {
  const hint = inputFormat(path);
  const file = path === '-' ? STDIN_NAME : path;
  const limitOf = (format: InputFormat): [number, string, string] =>
    format === 'wire'
      ? [options.limits?.maxWireBytes ?? DEFAULT_LIMITS.maxWireBytes, 'the wire file', LIMIT_FLAGS.maxWireBytes]
      : format === 'json'
        ? [options.limits?.maxJsonBytes ?? DEFAULT_LIMITS.maxJsonBytes, 'the JSON file', LIMIT_FLAGS.maxJsonBytes]
        : [options.limits?.maxSourceBytes ?? DEFAULT_LIMITS.maxSourceBytes, 'the source file', LIMIT_FLAGS.maxSourceBytes];
  // every format's size limit is decided before the file is read: for a regular file from its size
  // and its first 64 KB (which decide its kind); for a pipe or device after limit + 1 bytes, the
  // limit being the hint's for a named file, the largest for another name (then the kind's, below)
  let [limit, what, flag] = namedKind(path) ? limitOf(hint) : (['wire', 'json', 'mimi'] as const).map(limitOf).reduce((a, b) => (b[0] > a[0] ? b : a));
  const peek = path === '-' ? undefined : peekFile(path);
  if (peek) {
    const d = decideFormat(path, peek.head, peek.size);
    const [kindLimit, kindWhat, kindFlag] = limitOf(d.format);
    const size = d.hex ? Math.floor(peek.size / 2) : peek.size;
    if (size > kindLimit) return { format: d.format, ...(d.detected ? { detected: d.detected } : {}), sources: new Map(), diagnostics: [tooLargeDiagnostic(file, kindWhat, { size, exact: true }, kindLimit, kindFlag)], ok: false };
    [limit, what, flag] = [Math.max(peek.size, kindLimit), kindWhat, kindFlag];
  }
  let bytes: Buffer;
  try {
    const r = readBounded(path, limit);
    if ('tooLarge' in r) return { format: hint, sources: new Map(), diagnostics: [tooLargeDiagnostic(file, what, r.tooLarge, limit, flag)], ok: false };
    bytes = r.bytes;
  } catch (e) {
    throw new InputError(`cannot read \`${file}\`: ${ioReason(e)}`);
  }
  const { format, hex, detected } = decideFormat(path, bytes);
  // an empty wire or JSON input is said to be empty (not an "unexpected end of input" at offset 0)
  if (bytes.length === 0 && format !== 'mimi') return { format, sources: new Map(), ok: false, diagnostics: [diagnostic('wire-decode', `the ${path === '-' ? 'input' : 'file'} is empty: no policy in it`, file, undefined, { offset: 0 })] };
  const noted = <T extends LoadedPolicy>(r: T): T => (detected ? { ...r, detected } : r);
  const [kindLimit, kindWhat, kindFlag] = limitOf(format);
  const size = hex ? Math.floor(bytes.length / 2) : bytes.length;
  if (size > kindLimit) return noted({ format, sources: new Map(), diagnostics: [tooLargeDiagnostic(file, kindWhat, { size, exact: true }, kindLimit, kindFlag)], ok: false });
  if (format === 'mimi') {
    const r = compileFile(file, {
      text: bytes.toString('utf8'),
      analyses: options.analyses ?? true,
      ...(options.host ? { host: options.host } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    return noted({ format, policy: r.policy, provenance: r.provenance, symbols: r.symbols, scenarios: r.scenarios, sources: new Map(r.files.map((f) => [f.file, f.text])), diagnostics: r.diagnostics, ok: r.ok });
  }
  if (format === 'json') {
    const text = decodeUtf8(bytes);
    if (!text.ok) return noted({ format, sources: new Map(), ok: false, diagnostics: [diagnostic('wire-decode', text.error.message, file, undefined, { offset: text.error.offset })] });
    return noted(loadPolicyJson(text.text, file, { analyses: options.analyses ?? true, ...(options.limits ? { limits: options.limits } : {}) }));
  }
  let wire: Uint8Array = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  if (hex) {
    const digits = bytes.toString('latin1').replace(/\s+/g, '');
    if (digits.length % 2 !== 0) return noted({ format, sources: new Map(), ok: false, diagnostics: [diagnostic('wire-decode', `the hex text has an odd number of digits (${digits.length}); wire bytes are two digits each`, file, undefined, { offset: 0 })] });
    wire = fromHex(digits);
  }
  // a view of the bytes read, not a copy
  const r = loadWire(wire, file, options.component, {
    analyses: options.analyses ?? true,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return noted({ format, ...(r.policy ? { policy: r.policy } : {}), ...(r.kind ? { wireKind: r.kind } : {}), sources: new Map(), diagnostics: r.diagnostics, ok: r.ok });
}

/** An input that could not be read at all (exit code 2), as opposed to one with errors in it (1). */
export class InputError extends Error {
  override readonly name = 'InputError';
}
