/**
 * The editor's view of a program: open buffers take the place of files on disk (so imports see
 * unsaved edits), and each document is compiled the way `mimi-policy check` compiles a file —
 * syntax, names, the draft's rules and the analyses — with its name occurrences indexed.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineMap, type SourceFile } from '../../grammar/index.js';
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
}

/** `file:` URIs map to paths; other schemes (an unsaved `untitled:` buffer) to a path that exists nowhere. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
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

  readonly host: CompilerHost = {
    readFile: (p) => this.buffers.get(p) ?? nodeHost.readFile(p),
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

  /** The compiled program of an open document (cached until any open buffer changes). */
  analyse(path: string): Analysis {
    const hit = this.cache.get(path);
    if (hit && hit.generation === this.generation) return hit.analysis;
    const text = this.buffers.get(path) ?? nodeHost.readFile(path) ?? '';
    const result = compileFile(path, { host: this.host, text, analyses: true });
    const analysis: Analysis = { path, text, result, occurrences: collectOccurrences(result.files), files: new Map(result.files.map((f) => [f.file, f])) };
    this.cache.set(path, { generation: this.generation, analysis });
    return analysis;
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
