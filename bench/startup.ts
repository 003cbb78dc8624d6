/**
 * Start-up cost of the entry points and of the CLI, cold: each figure is a fresh `node` process
 * (median of RUNS). Module counts are the file: URLs a resolve hook sees (every module loaded once).
 *
 *   npm run build && tsx bench/startup.ts [runs]
 *
 * Targets (issue 11): `mimi-policy/runtime` import ≤ 50 ms and ≤ 60 modules; `--help`, `check --help`
 * and `check` of a small policy ≤ 0.3 s cold; `build --emit ts` ≤ 0.5 s in process (bench/emit-ts.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 7);
if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) {
  console.log('(no dist/: run `npm run build` first)');
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), 'mimi-startup-'));
const hooks = join(tmp, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:')) appendFileSync(process.env.MIMI_TRACE, r.url + '\\n');
  return r;
}
`,
);
const register = join(tmp, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

// the process's CPU time (user + system), written at exit: steadier than wall time on a loaded machine
const cpuHook = join(tmp, 'cpu.mjs');
writeFileSync(cpuHook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.MIMI_CPU, String((u.user + u.system) / 1000)); });\n`);
const cpuFile = join(tmp, 'cpu.txt');

const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall time and CPU time (ms) of a cold `node …`. */
function wall(args: string[], env: Record<string, string> = {}): string {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(cpuHook).href, ...args], { cwd: root, env: { ...process.env, ...env, MIMI_CPU: cpuFile }, encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    cpu.push(Number(readFileSync(cpuFile, 'utf8')));
  }
  return `${ms(median(times))} (cpu ${median(cpu).toFixed(0)} ms)`;
}

/** The time of the `import()` itself, measured inside the process. */
function importTime(specifier: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`], { cwd: root, encoding: 'utf8' });
    times.push(Number(r.stdout.trim()));
  }
  return median(times);
}

/** The modules loaded, grouped by package (or `dist/…` folder for ours). */
function modules(args: string[], env: Record<string, string> = {}): { count: number; by: string } {
  const trace = join(tmp, 'trace.txt');
  writeFileSync(trace, '');
  spawnSync(process.execPath, ['--import', pathToFileURL(register).href, ...args], { cwd: root, env: { ...process.env, ...env, MIMI_TRACE: trace }, encoding: 'utf8' });
  const urls = [...new Set(readFileSync(trace, 'utf8').split('\n').filter(Boolean))];
  const groups = new Map<string, number>();
  for (const u of urls) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    const g = m ? m[1]! : 'mimi-policy';
    groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  return { count: urls.length, by: [...groups].sort((a, b) => b[1] - a[1]).map(([g, n]) => `${g} ${n}`).join(', ') };
}

console.log(`start-up, cold processes, median of ${RUNS} (node ${process.version})\n`);
console.log(`${'node -e 0'.padEnd(44)} ${wall(['-e', '0'])}`);

const rt = (p: string) => pathToFileURL(join(root, p)).href;
for (const [name, spec] of [
  ['import mimi-policy/runtime', rt('dist/runtime/index.js')],
  ['import mimi-policy (the package root)', rt('dist/index.js')],
] as const) {
  const m = modules(['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`]);
  console.log(`${name.padEnd(44)} ${ms(importTime(spec))} for the import, ${m.count} modules (${m.by})`);
}
console.log();

const bin = join(root, 'bin', 'mimi-policy.js');
const bundle = existsSync(join(root, 'dist', 'cli', 'main.js'));
for (const [name, args] of [
  ['mimi-policy --help', ['--help']],
  ['mimi-policy check --help', ['check', '--help']],
  ['mimi-policy check examples/dm.mimi', ['check', 'examples/dm.mimi']],
  ['mimi-policy check examples/multi-org.mimi', ['check', 'examples/multi-org.mimi']],
] as const) {
  const bundled = bundle ? `${wall([bin, ...args])} bundled (${modules([bin, ...args]).count} modules)` : '(no bundle: npm run build)';
  const m = modules([bin, ...args], { MIMI_POLICY_NO_BUNDLE: '1' });
  console.log(`${name.padEnd(44)} ${bundled}; ${wall([bin, ...args], { MIMI_POLICY_NO_BUNDLE: '1' })} unbundled (${m.count} modules)`);
}
// the emitter loads ts-morph and prettier on its first call (bench/emit-ts.ts splits the cost)
const emitArgs = ['build', 'examples/multi-org.mimi', '--emit', 'ts', '--out', join(tmp, 'out')];
console.log(`${'mimi-policy build multi-org.mimi --emit ts'.padEnd(44)} ${bundle ? `${wall([bin, ...emitArgs])} bundled` : '(no bundle: npm run build)'}`);
rmSync(tmp, { recursive: true, force: true });
