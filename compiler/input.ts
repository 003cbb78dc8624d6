/**
 * Reading any policy input the tools accept — `.mimi` source, wire bytes (`.bin`: a dictionary or one
 * component), or the IR as JSON (`.json`, validated by the zod schema) — into the one IR.
 */
import { readFileSync, statSync } from 'node:fs';
import { diagnostic, hasErrors, type Diagnostic } from '../runtime/diagnostics.js';
import { PolicySchema, type Policy, type Provenance } from '../runtime/ir.js';
import { wireSizeDiagnostic } from '../runtime/codec/size.js';
import type { Limits } from '../runtime/limits.js';
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
 * Where JSON text first goes wrong, as an offset. JSON.parse's messages in Node 20 do not always
 * carry a position, so this small recursive-descent scanner (RFC 8259 grammar) finds it.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string) => (text.startsWith(w, i) ? (i += w.length) : fail());
  const str = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const num = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        str();
        ws();
        lit(':');
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : -1;
  } catch (e) {
    if (typeof e === 'number') return e;
    throw e;
  }
}

function jsonErrorSpan(text: string, file: string) {
  const pos = Math.max(0, jsonErrorOffset(text));
  const before = text.slice(0, pos).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  return { file, line, column, endLine: line, endColumn: column + 1, start: pos, end: pos + 1 };
}

/** Where JSON text stops being JSON (1-based line and column), and why (`malformed JSON: unexpected \`}\``). */
export function jsonError(text: string): { line: number; column: number; message: string } {
  const { line, column } = jsonErrorSpan(text, '');
  return { line, column, message: malformedJsonMessage(text) };
}

/** What is wrong where JSON text stops being JSON: the character found there, or the end of the input. */
function malformedJsonMessage(text: string): string {
  const pos = jsonErrorOffset(text);
  if (pos < 0 || pos >= text.length) return 'malformed JSON: unexpected end of input';
  const c = text[pos];
  return `malformed JSON: unexpected ${/\s/.test(c) ? JSON.stringify(c) : `\`${c}\``}`;
}

/** The IR from JSON text, validated; problems are diagnostics naming the JSON path. */
export function loadPolicyJson(text: string, file: string, options: { analyses?: boolean } = {}): LoadedPolicy {
  const sources = new Map([[file, text]]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { format: 'json', sources, ok: false, diagnostics: [diagnostic('wire-decode', malformedJsonMessage(text), file, jsonErrorSpan(text, file))] };
  }
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.slice(0, 20).map((i) => diagnostic('wire-decode', `${i.path.length ? `\`${i.path.join('.')}\`: ` : ''}${i.message.charAt(0).toLowerCase()}${i.message.slice(1)}`, file, undefined));
    return { format: 'json', sources, ok: false, diagnostics };
  }
  const diagnostics = checkPolicy(parsed.data, file);
  if (options.analyses && !hasErrors(diagnostics)) diagnostics.push(...analyse(parsed.data, file));
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
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read \`${path}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (format === 'mimi') {
    const r = compileFile(path, { text: bytes.toString('utf8'), analyses: options.analyses ?? true, ...(options.host ? { host: options.host } : {}) });
    return { format, policy: r.policy, provenance: r.provenance, symbols: r.symbols, scenarios: r.scenarios, sources: new Map(r.files.map((f) => [f.file, f.text])), diagnostics: r.diagnostics, ok: r.ok };
  }
  if (format === 'json') return loadPolicyJson(bytes.toString('utf8'), path, { analyses: options.analyses ?? true });
  // a view of the bytes read, not a copy
  const r = loadWire(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path, options.component, { analyses: options.analyses ?? true });
  return { format, ...(r.policy ? { policy: r.policy } : {}), ...(r.kind ? { wireKind: r.kind } : {}), sources: new Map(), diagnostics: r.diagnostics, ok: r.ok };
}

/** An input that could not be read at all (exit code 2), as opposed to one with errors in it (1). */
export class InputError extends Error {
  override readonly name = 'InputError';
}
