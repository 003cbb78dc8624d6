/**
 * Reading any policy input the tools accept — `.mimi` source, wire bytes (`.bin`: a dictionary or one
 * component), or the IR as JSON (`.json`, validated against its shape, runtime/ir.ts) — into the one IR.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { diagnostic, hasErrors, type Diagnostic } from '../runtime/diagnostics.js';
import { PolicyShape, type Policy, type Provenance } from '../runtime/ir.js';
import { check } from '../runtime/schema.js';
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
  /** texts of the source files read, for code frames */
  sources: Map<string, string>;
  diagnostics: Diagnostic[];
  ok: boolean;
}

export function inputFormat(path: string): InputFormat {
  if (path.endsWith('.mimi')) return 'mimi';
  if (path.endsWith('.json')) return 'json';
  return 'wire';
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

/** Why a file cannot be read, in words (`no such file`, `it is a directory`, …). */
export function ioReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (e as Error).message;
  }
}

/**
 * A file's bytes, or `{ tooLarge }` when it holds more than `limit` bytes — decided before reading a
 * regular file (from its size), and for a pipe or device (`<(…)`, `/dev/stdin`, `/dev/zero`) by reading
 * at most `limit + 1` bytes. A directory is an error (EISDIR). Never reads without bound, never hangs on
 * an endless device.
 */
export function readBounded(path: string, limit: number): { bytes: Buffer } | { tooLarge: { size: number; exact: boolean } } {
  const st = statSync(path);
  if (st.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
  if (st.isFile()) {
    if (st.size > limit) return { tooLarge: { size: st.size, exact: true } };
    return { bytes: readFileSync(path) };
  }
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) return { tooLarge: { size: total, exact: false } };
    }
    return { bytes: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}

/** The E0006 of a file over its limit (`what`: "the source file"), at byte offset 0. */
export function tooLargeDiagnostic(path: string, what: string, t: { size: number; exact: boolean }, limit: number, flag: string): Diagnostic {
  const exact = (n: number) => (n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${n} bytes)`);
  const { message, help } = limitMessage(what, t.exact ? exact(t.size) : `more than ${exact(limit)}`, exact(limit), flag);
  return diagnostic('limit-exceeded', message, path, undefined, { offset: 0, help });
}

/** Load a policy from a file of any accepted format. I/O failures throw `InputError`. */
export function loadPolicyFile(path: string, options: LoadOptions = {}): LoadedPolicy {
  const format = inputFormat(path);
  let bytes: Buffer;
  // every format's size limit is decided before the file is read (a pipe or device: after limit + 1 bytes)
  const [limit, what, flag] =
    format === 'wire'
      ? [options.limits?.maxWireBytes ?? DEFAULT_LIMITS.maxWireBytes, 'the wire file', LIMIT_FLAGS.maxWireBytes]
      : format === 'json'
        ? [options.limits?.maxJsonBytes ?? DEFAULT_LIMITS.maxJsonBytes, 'the JSON file', LIMIT_FLAGS.maxJsonBytes]
        : [options.limits?.maxSourceBytes ?? DEFAULT_LIMITS.maxSourceBytes, 'the source file', LIMIT_FLAGS.maxSourceBytes];
  try {
    const r = readBounded(path, limit);
    if ('tooLarge' in r) return { format, sources: new Map(), diagnostics: [tooLargeDiagnostic(path, what, r.tooLarge, limit, flag)], ok: false };
    bytes = r.bytes;
  } catch (e) {
    throw new InputError(`cannot read \`${path}\`: ${ioReason(e)}`);
  }
  if (format === 'mimi') {
    const r = compileFile(path, {
      text: bytes.toString('utf8'),
      analyses: options.analyses ?? true,
      ...(options.host ? { host: options.host } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    return { format, policy: r.policy, provenance: r.provenance, symbols: r.symbols, scenarios: r.scenarios, sources: new Map(r.files.map((f) => [f.file, f.text])), diagnostics: r.diagnostics, ok: r.ok };
  }
  if (format === 'json') {
    const text = decodeUtf8(bytes);
    if (!text.ok) return { format, sources: new Map(), ok: false, diagnostics: [diagnostic('wire-decode', text.error.message, path, undefined, { offset: text.error.offset })] };
    return loadPolicyJson(text.text, path, { analyses: options.analyses ?? true, ...(options.limits ? { limits: options.limits } : {}) });
  }
  // a view of the bytes read, not a copy
  const r = loadWire(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path, options.component, {
    analyses: options.analyses ?? true,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return { format, ...(r.policy ? { policy: r.policy } : {}), ...(r.kind ? { wireKind: r.kind } : {}), sources: new Map(), diagnostics: r.diagnostics, ok: r.ok };
}


/** An input that could not be read at all (exit code 2), as opposed to one with errors in it (1). */
export class InputError extends Error {
  override readonly name = 'InputError';
}
