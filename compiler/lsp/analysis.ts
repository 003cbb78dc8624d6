/**
 * The editor's view of a program: open buffers take the place of files on disk (so imports see
 * unsaved edits), and each document is compiled the way `mimi-policy check` compiles a file —
 * syntax, names, the draft's rules and the analyses — with its name occurrences indexed.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineMap, type SourceFile } from '../../grammar/index.js';
import { diagnostic } from '../../runtime/diagnostics.js';
import { DEFAULT_LIMITS, formatBytes, LIMIT_FLAGS, limitMessage, type Limits } from '../../runtime/limits.js';
import { compileFile, type CompileResult } from '../compile.js';
import { nodeHost, stdlibPath, type CompilerHost } from '../resolve.js';
import { collectOccurrences, type Occurrence } from './occurrences.js';

export interface Analysis {
  readonly path: string;
  readonly text: string;
  readonly result: CompileResult;
  readonly occurrences: readonly Occurrence[];
  /** the program's files by path (the document's own text for itself) */
  readonly files: ReadonlyMap<string, SourceFile>;
  /**
   * Set when the document was not analysed: `too-large` (over `maxSourceBytes`; one limit-exceeded
   * diagnostic at 1:1 says so) or the compiler's failure on it (a message; the result is empty).
   */
  readonly skipped?: { readonly reason: 'too-large' } | { readonly reason: 'failed'; readonly message: string };
}

/** A thrown value in one line: `RangeError: Maximum call stack size exceeded`. */
export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** UTF-8 size of a text, counted only when it may be over `limit`. */
const overLimit = (text: string, limit: number): number | undefined => {
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : undefined;
};

/** `file:` URIs map to paths; other schemes (an unsaved `untitled:` buffer) to a path that exists nowhere. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:'))
    try {
      return fileURLToPath(uri);
    } catch {
      // `file://host/…` or a malformed escape: a buffer of its own, like other schemes
    }
  return `/${uri.replace(/[:/\\]+/g, '_')}${uri.endsWith('.mimi') ? '' : '.mimi'}`;
}

export function pathToUri(path: string, known?: ReadonlyMap<string, string>): string {
  return known?.get(path) ?? pathToFileURL(path).href;
}

/** A stdlib module (what `import "std/…"` reads; templates are copied, not imported): read-only for rename. */
export const isStdlib = (path: string): boolean => {
  const std = stdlibPath('std/packages');
  if (!std) return false;
  const dir = dirname(std);
  return path.startsWith(`${dir}/`) && !path.startsWith(`${dir}/templates/`);
};

export class Workspace {
  /** open buffers by path */
  private readonly buffers = new Map<string, string>();
  /** the URI each open path was opened under */
  readonly uris = new Map<string, string>();
  private readonly cache = new Map<string, { generation: number; analysis: Analysis }>();
  private generation = 0;
  private readonly lineMaps = new Map<string, LineMap>();

  constructor(readonly limits: Limits = DEFAULT_LIMITS) {}

  readonly host: CompilerHost = {
    // an import of something that is not a regular file (a FIFO, /dev/zero) or is over the source limit reads as missing
    readFile: (p) => {
      const buffer = this.buffers.get(p);
      if (buffer !== undefined) return overLimit(buffer, this.limits.maxSourceBytes) === undefined ? buffer : undefined;
      try {
        const st = statSync(p);
        if (!st.isFile() || st.size > this.limits.maxSourceBytes) return undefined;
      } catch {
        return undefined;
      }
      return nodeHost.readFile(p);
    },
    resolveImport: (from, spec) => {
      if (spec.startsWith('std/')) return nodeHost.resolveImport(from, spec);
      const base = resolve(dirname(from), spec);
      for (const candidate of [base, `${base}.mimi`]) if (this.buffers.has(candidate) || existsSync(candidate)) return candidate;
      return undefined;
    },
  };

  open(uri: string, text: string): string {
    const path = uriToPath(uri);
    this.uris.set(path, uri);
    this.update(path, text);
    return path;
  }
  update(path: string, text: string): void {
    if (this.buffers.get(path) === text) return;
    this.buffers.set(path, text);
    this.generation++;
  }
  close(path: string): void {
    this.buffers.delete(path);
    this.uris.delete(path);
    this.cache.delete(path);
    this.generation++;
  }

  /**
   * The compiled program of an open document (cached until any open buffer changes). Never throws: a
   * document over the source limit is not compiled (one limit-exceeded diagnostic at 1:1), and a
   * compiler failure gives an empty analysis that says so — cached too, so it is not retried per request.
   */
  analyse(path: string): Analysis {
    const hit = this.cache.get(path);
    if (hit && hit.generation === this.generation) return hit.analysis;
    const text = this.buffers.get(path) ?? this.host.readFile(path) ?? '';
    let analysis: Analysis;
    const bytes = overLimit(text, this.limits.maxSourceBytes);
    if (bytes !== undefined) {
      const { message, help } = limitMessage('the document', formatBytes(bytes), formatBytes(this.limits.maxSourceBytes), LIMIT_FLAGS.maxSourceBytes);
      const empty = this.empty(path);
      const d = diagnostic('limit-exceeded', `${message}: it is not analysed`, path, { file: path, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 }, { help });
      analysis = { ...empty, text, result: { ...empty.result, diagnostics: [d], ok: false }, skipped: { reason: 'too-large' } };
    } else
      try {
        const result = compileFile(path, { host: this.host, text, analyses: true });
        analysis = { path, text, result, occurrences: collectOccurrences(result.files), files: new Map(result.files.map((f) => [f.file, f])) };
      } catch (e) {
        analysis = { ...this.empty(path), text, skipped: { reason: 'failed', message: errorText(e) } };
      }
    this.cache.set(path, { generation: this.generation, analysis });
    return analysis;
  }

  /** The analysis of an empty document at `path`. */
  private empty(path: string): Analysis {
    const result = compileFile(path, { host: this.host, text: '' });
    return { path, text: '', result, occurrences: [], files: new Map(result.files.map((f) => [f.file, f])) };
  }

  /** 0-based line/character of an offset in a program file. */
  position(analysis: Analysis, file: string, offset: number): { line: number; character: number } {
    const text = analysis.files.get(file)?.text ?? '';
    let map = this.lineMaps.get(file);
    if (!map || map.text !== text) this.lineMaps.set(file, (map = new LineMap(text)));
    const p = map.position(offset);
    return { line: p.line - 1, character: p.column - 1 };
  }
}
