/**
 * `build --emit ts` in process: emitTypeScript on examples/multi-org.mimi, the first call (cold: loads
 * ts-morph with its TypeScript and prettier's TypeScript parser) and the next ones (warm), split into
 * loading, generation (structures, the in-memory source file and printing it, dropping what nothing
 * reads) and prettier. Target (issue 11): ≤ 0.5 s in process. Wall time, and the process's CPU time
 * (user + system, all threads) beside it: steadier on a loaded machine.
 *
 * First, as `build --emit ts` runs it: fresh `node` processes on the compiled dist/ (no tsx hooks),
 * each compiling the policy, then timing the emitter's import and its first call (loading ts-morph
 * and prettier included); median of [cold runs]. Then the split, in this process (under tsx).
 *
 *   npm run build && tsx bench/emit-ts.ts [warm runs] [cold runs]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = Number(process.argv[2] ?? 5);
const root = join(import.meta.dirname, '..');
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const COLD = Number(process.argv[3] ?? 5);
if (existsSync(join(root, 'dist', 'compiler', 'emit', 'typescript.js'))) {
  const url = (p: string) => JSON.stringify(pathToFileURL(join(root, 'dist', p)).href);
  const script = `
    const { compileFile } = await import(${url('compiler/compile.js')});
    const r = compileFile(${JSON.stringify(join(root, 'examples', 'multi-org.mimi'))});
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    const emitter = await import(${url('compiler/emit/typescript.js')});
    await emitter.emitTypeScript(r.policy, { source: 'multi-org.mimi', ...emitter.emitOptionsFromSymbols(r.symbols) });
    const u = process.cpuUsage(u0);
    console.log(JSON.stringify([performance.now() - t0, (u.user + u.system) / 1000]));`;
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < COLD; i++) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    const [w, c] = JSON.parse(out.stdout) as [number, number];
    walls.push(w);
    cpus.push(c);
  }
  console.log(`import the emitter and emit, in a fresh process (dist/), median of ${COLD}: ${ms(median(walls))} (cpu ${median(cpus).toFixed(0)} ms)\n`);
} else console.log('(no dist/: `npm run build` for the cold-process figure)\n');

const { compileFile } = await import('../compiler/compile.js');
const file = join(root, 'examples', 'multi-org.mimi');
const r = compileFile(file);
if (!r.ok) throw new Error('examples/multi-org.mimi does not compile');

let t = performance.now();
let c = cpu();
const emitter = await import('../compiler/emit/typescript.js');
const importEmitter = performance.now() - t;
const importEmitterCpu = cpu() - c;
const options = { source: 'multi-org.mimi', generator: 'mimi-policy bench', ...emitter.emitOptionsFromSymbols(r.symbols) };

t = performance.now();
c = cpu();
// as the emitter loads it (require: no scan of the CommonJS module for export names)
const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
const importMorph = performance.now() - t;
const importMorphCpu = cpu() - c;

// time spent in createSourceFile (structures to a source file) and getFullText (printing), per call
let createMs = 0;
const proto = tsMorph.Project.prototype as unknown as { createSourceFile: (...a: unknown[]) => unknown };
const create = proto.createSourceFile;
proto.createSourceFile = function (this: unknown, ...a: unknown[]) {
  const s = performance.now();
  try {
    return create.apply(this, a);
  } finally {
    createMs += performance.now() - s;
  }
};

/** One emit, split: the whole call without prettier, the share of createSourceFile in it, then prettier. */
async function once(): Promise<{ generate: number; create: number; prettier: number; total: number; totalCpu: number; text: string }> {
  createMs = 0;
  const t0 = performance.now();
  await emitter.emitTypeScript(r.policy!, { ...options, format: false });
  const t1 = performance.now();
  const created = createMs;
  const c1 = cpu();
  const text = await emitter.emitTypeScript(r.policy!, options);
  const t2 = performance.now();
  return { generate: t1 - t0, create: created, prettier: t2 - t1 - (t1 - t0), total: t2 - t1, totalCpu: cpu() - c1, text };
}

// the first formatted emit of the process, with nothing warmed up but the imports above
c = cpu();
t = performance.now();
await emitter.emitTypeScript(r.policy!, options);
const first = performance.now() - t;
const firstCpu = cpu() - c;

const cold = await once();
const warm: Awaited<ReturnType<typeof once>>[] = [];
for (let i = 0; i < RUNS; i++) warm.push(await once());
const w = (k: 'generate' | 'create' | 'prettier' | 'total' | 'totalCpu') => median(warm.map((x) => x[k]));

console.log(`emitTypeScript, examples/multi-org.mimi (${cold.text.length} characters; node ${process.version})\n`);
console.log(`                                                 wall    cpu`);
console.log(`import compiler/emit/typescript.js             ${ms(importEmitter)} ${ms(importEmitterCpu)}`);
console.log(`import ts-morph                                ${ms(importMorph)} ${ms(importMorphCpu)}`);
console.log(`first emitTypeScript (loads prettier)          ${ms(first)} ${ms(firstCpu)}`);
console.log(`in process: the imports and the first emit     ${ms(importEmitter + importMorph + first)} ${ms(importEmitterCpu + importMorphCpu + firstCpu)}`);
console.log();
console.log(`                                               second   warm (median of ${RUNS})`);
console.log(`generation without prettier                    ${ms(cold.generate)} ${ms(w('generate'))}`);
console.log(`  of which Project.createSourceFile            ${ms(cold.create)} ${ms(w('create'))}`);
console.log(`prettier (emit with it, minus without)         ${ms(cold.prettier)} ${ms(w('prettier'))}`);
console.log(`emitTypeScript, formatted                      ${ms(cold.total)} ${ms(w('total'))} (cpu ${w('totalCpu').toFixed(0)} ms)`);
