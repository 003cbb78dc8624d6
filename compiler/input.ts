/**
 * Reading any policy input the tools accept — `.mimi` source, wire bytes (`.bin`: a dictionary or one
 * component), or the IR as JSON (`.json`, validated by the zod schema) — into the one IR.
 */
import { readFileSync, statSync } from 'node:fs';
import { diagnostic, hasErrors, type Diagnostic } from '../runtime/diagnostics.js';
import { PolicySchema, type Policy, type Provenance } from '../runtime/ir.js';
import { wireSizeDiagnostic } from '../runtime/codec/size.js';
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
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.slice(0, 20).map((i) => diagnostic('wire-decode', `${i.path.length ? `\`${i.path.join('.')}\`: ` : ''}${i.message.charAt(0).toLowerCase()}${i.message.slice(1)}`, file, undefined));
    return { format: 'json', sources, ok: false, diagnostics };
  }
  const diagnostics = checkPolicy(parsed.data, file, undefined, { maxDiagnosticsPerCode: cap });
  if (options.analyses && !hasErrors(diagnostics)) diagnostics.push(...analyse(parsed.data, file, { maxFindingsPerKind: cap }));
  return { format: 'json', policy: parsed.data, sources, diagnostics, ok: !hasErrors(diagnostics) };
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

/** Load a policy from a file of any accepted format. I/O failures throw `InputError`. */
export function loadPolicyFile(path: string, options: LoadOptions = {}): LoadedPolicy {
  const format = inputFormat(path);
  let bytes: Buffer;
  try {
    // wire files: the size limit is checked before anything is read (runtime/codec/size.ts)
    if (format === 'wire') {
      const tooLarge = wireSizeDiagnostic(path, statSync(path).size, options.limits?.maxWireBytes);
      if (tooLarge) return { format, sources: new Map(), diagnostics: [tooLarge], ok: false };
    }
    if (format === 'json') {
      const tooLarge = jsonSizeDiagnostic(path, statSync(path).size, options.limits?.maxJsonBytes);
      if (tooLarge) return { format, sources: new Map(), diagnostics: [tooLarge], ok: false };
    }
    // a source larger than the limit in bytes is refused before it is read (parse checks it again, for text given in memory)
    if (format === 'mimi') {
      const size = statSync(path).size;
      const limit = options.limits?.maxSourceBytes ?? DEFAULT_LIMITS.maxSourceBytes;
      if (size > limit) {
        const { message, help } = limitMessage('the source file', formatBytes(size), formatBytes(limit), LIMIT_FLAGS.maxSourceBytes);
        return { format, sources: new Map(), diagnostics: [diagnostic('limit-exceeded', message, path, undefined, { offset: 0, help })], ok: false };
      }
    }
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read \`${path}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
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

/** `the JSON file is too large: …`, or undefined when `size` is within `limit` (checked before reading). */
export function jsonSizeDiagnostic(file: string, size: number, limit: number = DEFAULT_LIMITS.maxJsonBytes): Diagnostic | undefined {
  if (!(size > limit)) return undefined;
  const { message, help } = limitMessage('the JSON file', formatBytes(size), formatBytes(limit), LIMIT_FLAGS.maxJsonBytes);
  return diagnostic('limit-exceeded', message, file, undefined, { offset: 0, help });
}

/** An input that could not be read at all (exit code 2), as opposed to one with errors in it (1). */
export class InputError extends Error {
  override readonly name = 'InputError';
}
