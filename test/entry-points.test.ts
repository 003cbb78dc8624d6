/**
 * The entry points load only what they need (issue 11): `mimi-policy/runtime` has no compiler,
 * grammar, formatter or emitter in its module graph; the package root loads the emitter and the
 * formatter only when called; the CLI starts from command metadata and imports a command's
 * implementation only when it runs. Checked on the static import graph of the sources (dynamic
 * `import()`s are the lazy edges and are not followed); bench/startup.ts measures the times. The
 * runtime is also bundled for a browser with esbuild and run in a context without Node's globals.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../compiler/compile.js';
import { authorize } from '../runtime/evaluator/index.js';
import { encodePolicy } from '../runtime/codec/index.js';
import { COMPONENT_KINDS, INSPECT_DEFAULTS } from '../runtime/codec/index.js';
import * as options from '../compiler/cli/options.js';
import { commands } from '../compiler/cli/main.js';

const root = join(import.meta.dirname, '..');

/** The static imports of a module (type-only ones left out): relative files and package names. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:(?:import|export)\s+(type\s+)?([^;'"=()]*?)\s+from\s+|import\s+)['"]([^'"]+)['"]/gm)) {
    const [, typeOnly, clause, spec] = m;
    if (typeOnly) continue;
    // `import { type A, type B } from …` is elided too
    const names = /^\{([^}]*)\}$/.exec((clause ?? '').trim())?.[1]?.split(',').map((s) => s.trim()).filter(Boolean);
    if (names && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push(spec!);
  }
  return out;
}

/** Every module reachable by static imports from `entry`: our files (relative to the root) and packages. */
function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [resolve(root, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { files, packages };
}

const HEAVY = ['chevrotain', 'prettier', 'ts-morph', 'typescript', 'vscode-languageserver', 'vscode-languageserver-textdocument', '@hpcc-js/wasm-graphviz'];

describe('entry points', () => {
  it('mimi-policy/runtime: codec, semantics, interpreter; no compiler, grammar, formatter or emitter', async () => {
    const g = graph('runtime/index.ts');
    expect([...g.files].filter((f) => !f.startsWith('runtime/') && !f.startsWith('stdlib/'))).toEqual([]);
    expect([...g.packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    const runtime = await import('../runtime/index.js');
    for (const name of ['authorize', 'authorizeUpdate', 'canTransition', 'allowedTargets', 'hasCapability', 'parseState', 'encodePolicy', 'decodePolicy', 'PolicyShape', 'check', 'DIAGNOSTIC_CODES', 'DEFAULT_LIMITS', 'capabilityByName']) {
      expect(runtime, name).toHaveProperty(name);
    }
  });

  it('mimi-policy/runtime has no zod in its module graph; the package root exports the zod schemas derived from the shapes', async () => {
    expect(graph('runtime/index.ts').packages.has('zod')).toBe(false);
    expect([...graph('runtime/index.ts').files].filter((f) => f === 'runtime/zod.ts')).toEqual([]);
    expect(importsOf(join(root, 'index.ts'))).toContain('./runtime/zod.js');
    const { PolicySchema, StateInputSchema } = await import('../runtime/zod.js');
    expect(PolicySchema.safeParse({}).success).toBe(false);
    expect(StateInputSchema.safeParse({ participants: [{ user: 'a', role: 'mod', clients: 1 }] }).success).toBe(true);
  });

  it('mimi-policy/runtime bundles for a browser (no Node built-in) and runs there: decodes wire bytes, authorizes', async () => {
    // platform 'browser': an import of any Node built-in fails the build
    const { build } = await import('esbuild');
    const out = await build({ entryPoints: [join(root, 'runtime/index.ts')], bundle: true, platform: 'browser', format: 'iife', globalName: 'mimi', write: false, logLevel: 'silent', target: 'es2022' });
    const code = out.outputFiles[0]!.text;
    expect(code).not.toMatch(/\brequire\(["']node:/);
    // a context with only what browsers have: no Buffer, process, require or module
    const context = vm.createContext({ TextEncoder, TextDecoder, console });
    vm.runInContext(code, context);
    expect(vm.runInContext('[typeof Buffer, typeof process, typeof require, typeof module]', context)).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
    const dm = compileSource(readFileSync(join(root, 'examples/dm.mimi'), 'utf8'), join(root, 'examples/dm.mimi'));
    expect(dm.ok).toBe(true);
    context.wire = Array.from(encodePolicy(dm.policy));
    const result = vm.runInContext(
      `(() => {
        const policy = mimi.decodePolicy(Uint8Array.from(wire));
        const state = { participants: [{ user: 'alice', role: 'peer', clients: 1 }, { user: 'bob', role: 'peer', clients: 1 }] };
        const again = Array.from(mimi.encodePolicy(policy));
        return JSON.stringify({
          roundTrip: again.length === wire.length && again.every((b, i) => b === wire[i]),
          roles: policy.roles.map((r) => r.name),
          claim: mimi.decodePolicy(mimi.encodePolicy({ ...policy, preauth: [{ claims: [{ credentialType: 2, id: '0603551d1e', value: 'c3a9' }], role: policy.roles[0] }] })).preauth[0].claims[0],
          addOwnClient: mimi.authorize(policy, state, { type: 'addOwnClient', actor: 'alice' }).allowed,
          leave: mimi.authorize(policy, state, { type: 'leave', actor: 'alice' }),
        });
      })()`,
      context,
    ) as string;
    const r = JSON.parse(result) as { roundTrip: boolean; roles: string[]; claim: unknown; addOwnClient: boolean; leave: { allowed: boolean; reason: string } };
    expect(r.roundTrip).toBe(true);
    expect(r.roles).toEqual(dm.policy.roles.map((x) => x.name));
    expect(r.claim).toEqual({ credentialType: 2, id: '0603551d1e', value: 'c3a9' });
    expect(r.addOwnClient).toBe(true);
    expect(r.leave).toEqual(JSON.parse(JSON.stringify(authorize(dm.policy, { participants: [{ user: 'alice', role: 'peer', clients: 1 }, { user: 'bob', role: 'peer', clients: 1 }] }, { type: 'leave', actor: 'alice' }))));
    expect(r.leave.allowed).toBe(false);
  });

  it('the package root loads the TypeScript emitter and the formatter only when called', () => {
    const g = graph('index.ts');
    // the decompiler, the graph model, the matrix and the highlights are synchronous and light (no
    // package of their own): they stay; the TypeScript emitter, the report and the formatter wait
    const LIGHT = ['compiler/emit/source.ts', 'compiler/emit/graph.ts', 'compiler/emit/matrix.ts', 'compiler/emit/highlights.ts'];
    expect([...g.files].filter((f) => (f.startsWith('compiler/emit/') && !LIGHT.includes(f)) || f.startsWith('compiler/format/') || f.startsWith('compiler/cli/'))).toEqual([]);
    expect([...g.packages].filter((p) => HEAVY.includes(p) && p !== 'chevrotain')).toEqual([]);
  });

  it('the package exports name files that exist', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './runtime', './emit', './format', './prettier-plugin']));
    for (const { default: target } of Object.values(pkg.exports)) {
      const source = target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
      expect(() => readFileSync(join(root, source)), source).not.toThrow();
    }
  });

  it('the CLI starts from command metadata: no parser, compiler or renderer before a command runs', () => {
    const g = graph('compiler/cli/main.ts');
    expect([...g.files].filter((f) => !/^compiler\/cli\/(main|options|commands\/[a-z]+)\.ts$/.test(f) && f !== 'runtime/limits.ts')).toEqual([]);
    expect([...g.packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(commands.map((c) => c.name)).toEqual(['check', 'build', 'decompile', 'inspect', 'explain', 'test', 'compare', 'graph', 'matrix', 'report', 'demo', 'authorize', 'fmt', 'lsp']);
  });

  it("the help texts' copies of codec constants equal the codec's", () => {
    expect([...options.COMPONENT_KINDS]).toEqual(COMPONENT_KINDS);
    expect(options.INSPECT_DEFAULTS).toEqual({ ...INSPECT_DEFAULTS });
  });
});
