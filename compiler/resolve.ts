/**
 * Loading a program: the entry file and, depth first, everything it imports (`import "std/x"` from
 * stdlib/, `import "./y.mimi"` relative to the importing file). Each file is parsed once; imported
 * files come before their importer, so declarations keep a deterministic order. Import cycles are an
 * error at the import that closes the cycle.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, toSourceSpan, LineMap, type SourceFile } from '../grammar/index.js';
import { diagnostic, type Diagnostic } from '../runtime/diagnostics.js';

export interface CompilerHost {
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /** The file an import names, or undefined when it names nothing. */
  resolveImport(fromFile: string, spec: string): string | undefined;
}

/** The package root (the folder holding stdlib/), found from this module's location in src or dist. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'stdlib', 'packages.mimi'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('mimi-policy: cannot locate the stdlib/ folder of the installed package');
}

/** `std/<name>` → the stdlib file, or undefined. */
export function stdlibPath(spec: string): string | undefined {
  if (!spec.startsWith('std/')) return undefined;
  const rest = spec.slice(4);
  if (!/^[A-Za-z0-9_/-]+$/.test(rest) || rest.includes('..')) return undefined;
  return join(packageRoot(), 'stdlib', `${rest}.mimi`);
}

export const nodeHost: CompilerHost = {
  readFile(path) {
    try {
      // only regular files: `import "/dev/zero"` or a FIFO would never end
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolveImport(fromFile, spec) {
    const std = stdlibPath(spec);
    if (std) return existsSync(std) ? std : undefined;
    const base = resolve(dirname(fromFile), spec);
    for (const candidate of [base, `${base}.mimi`]) if (existsSync(candidate)) return candidate;
    return undefined;
  },
};

/** A host over in-memory files (tests, editors), falling back to stdlib on disk for `std/…`. */
export function memoryHost(files: Record<string, string>): CompilerHost {
  return {
    readFile: (p) => files[p] ?? (p.includes('/stdlib/') ? nodeHost.readFile(p) : undefined),
    resolveImport(fromFile, spec) {
      const std = stdlibPath(spec);
      if (std) return existsSync(std) ? std : undefined;
      const base = join(dirname(fromFile), spec);
      for (const candidate of [base, `${base}.mimi`]) if (files[candidate] !== undefined) return candidate;
      return undefined;
    },
  };
}

export interface Program {
  /** Files in declaration order: imports before importers, the entry file last. */
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

export interface LoadProgramOptions {
  /** refuse a source file larger than this many UTF-8 bytes (default `DEFAULT_LIMITS.maxSourceBytes`; `--max-source-bytes`) */
  maxSourceBytes?: number;
}

export function loadProgram(entry: string, host: CompilerHost, entryText?: string, options: LoadProgramOptions = {}): Program {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const done = new Set<string>();
  const stack: string[] = [];

  const visit = (path: string, text: string): void => {
    stack.push(path);
    const { ast, diagnostics: ds } = parse(text, path, options.maxSourceBytes !== undefined ? { maxSourceBytes: options.maxSourceBytes } : {});
    for (const d of ds) diagnostics.push(d);
    let lines: LineMap | undefined; // only files with imports need one
    for (const item of ast.items) {
      if (item.kind !== 'Import') continue;
      const spec = item.path.value;
      const where = toSourceSpan((lines ??= new LineMap(text)), path, item.path.span);
      const target = host.resolveImport(path, spec);
      if (target === undefined) {
        diagnostics.push(
          diagnostic('import-not-found', `cannot find \`${spec}\``, path, where, {
            help: spec.startsWith('std/') ? 'stdlib modules: `std/packages`' : 'paths are relative to the importing file',
          }),
        );
        continue;
      }
      if (stack.includes(target)) {
        const cycle = [...stack.slice(stack.indexOf(target)), target].map((p) => p.split('/').pop()).join(' → ');
        diagnostics.push(diagnostic('import-cycle', `import cycle: ${cycle}`, path, where, { help: 'move the shared declarations into a file that both import' }));
        continue;
      }
      if (done.has(target)) continue;
      const t = host.readFile(target);
      if (t === undefined) {
        diagnostics.push(diagnostic('import-not-found', `cannot read \`${spec}\``, path, where));
        continue;
      }
      visit(target, t);
    }
    stack.pop();
    done.add(path);
    files.push(ast);
  };

  const text = entryText ?? host.readFile(entry);
  if (text === undefined) {
    diagnostics.push(diagnostic('io-error', `cannot read \`${entry}\``, entry, undefined));
    return { files, diagnostics };
  }
  visit(entry, text);
  return { files, diagnostics };
}
