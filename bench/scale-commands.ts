/**
 * The commands at scale (issue 10): check (no analyses), build, decompile, graph (dot), matrix and
 * report on generated policies of 1,000, 3,000 and 10,000 roles. Two measurements per size:
 *
 *   - library: each step in this process, best of a few runs — the work itself, without Node's
 *     start-up, so the 10k/1k ratio shows whether it grows linearly (target ≤ ~10×);
 *   - CLI: `node bin/mimi-policy.js <command>` in a child process under `/usr/bin/time`, so its time
 *     and peak memory (RSS) are what a user sees (target at 10k: a few seconds, ≤ 1 GB). Needs
 *     `npm run build` (the CLI runs dist/); skipped with a note when dist/ or /usr/bin/time is missing.
 *
 * Times are CPU time (user + system, all threads: GC included), not wall time: on a shared machine
 * wall time varies several-fold with the load, CPU time much less. The CLI table shows both.
 *
 * Two shapes: `sparse` (about 4 `changes` lines per role, 9 membership capabilities) and `dense` (a
 * dozen capabilities from 20 packages, `extends` every fifth role, participant ranges, preauth).
 *
 *   npx tsx bench/scale-commands.ts                  (both shapes, 1k/3k/10k)
 *   npx tsx bench/scale-commands.ts dense 1000,10000 (one shape, chosen sizes)
 *   npx tsx bench/scale-commands.ts --no-cli         (library only)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFile } from '../compiler/compile.js';
import { graphModel, renderDot, renderMermaid } from '../compiler/emit/graph.js';
import { buildMatrix, renderMatrixCsv, renderMatrixHtml } from '../compiler/emit/matrix.js';
import { buildReport } from '../compiler/emit/report.js';
import { decompile } from '../compiler/emit/source.js';
import { wireArtifacts } from '../compiler/emit/wire.js';
import { capabilities } from '../runtime/registry.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'mimi-policy.js');
const TIME = '/usr/bin/time';

/** Sparse: n roles, 6 of 9 membership capabilities each, about 4 `changes` lines per role to neighbours. */
export function sparseSource(n: number): string {
  const caps = ['canSendMessage', 'canReceiveMessage', 'canAddParticipant', 'canRemoveParticipant', 'canChangeUserRole', 'canBan', 'canUnBan', 'canKick', 'canRemoveSelf'];
  const lines = ['room { max_users 100000 }', 'role no_role @0 { active 0..0 changes { none -> r2 } }', 'role banned @1 { active 0..0 }'];
  for (let i = 2; i < n; i++) {
    const g = caps.filter((_, k) => (i * 31 + k * 7) % 3 !== 0).join(', ');
    const nx = (d: number) => `r${2 + ((i - 2 + d) % (n - 2))}`;
    lines.push(`role r${i} @${i} {`, `  grant ${g}`, '  changes {', `    ${nx(1)} -> ${nx(2)}, none`, `    ${nx(3)} -> banned`, `    banned -> ${nx(5)}`, `    none -> ${nx(7)}`, '  }', '}');
  }
  return `${lines.join('\n')}\n`;
}

/** Dense: packages, a dozen capabilities per role, `extends` chains, participant ranges, preauth entries. */
export function denseSource(n: number): string {
  const usable = capabilities.filter((c) => !c.reserved && c.name !== 'canOpenJoin').map((c) => c.name);
  const lines = ['room { max_users 100000 }', ''];
  for (let p = 0; p < 20; p++) lines.push(`package pkg${p} { ${usable.slice(p % usable.length, (p % usable.length) + 5).join(' ')} }`);
  lines.push('role no_role @0 { active 0..0 changes { none -> r2 } }', 'role banned @1 { active 0..0 }');
  for (let i = 2; i < n; i++) {
    const caps = [...new Set(Array.from({ length: 6 }, (_, k) => usable[(i * 7 + k * 13) % usable.length]))];
    const ext = i > 10 && i % 5 === 0 ? ` extends r${i - 5}` : '';
    const targets = [i + 1 < n ? `r${i + 1}` : 'none', i > 2 ? `r${i - 1}` : 'banned'];
    lines.push(`/// role number ${i}`, `role r${i} @${i}${ext} {`, `  grant pkg${i % 20}, ${caps.join(', ')}`);
    if (i % 3 === 0) lines.push(`  participants 0..${i}`);
    lines.push('  changes {', `    r${i} -> ${targets.join(', ')}`, `    none -> r${i}`, '  }', '}');
  }
  lines.push('preauth {');
  for (let i = 2; i < Math.min(n, 50); i++) lines.push(`  r${i} when x509 "2.5.4.11" = "unit-${i}"`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const SHAPES: Record<string, (n: number) => string> = { sparse: sparseSource, dense: denseSource };

/** CPU milliseconds (user + system) of this process since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** Best of `runs` in CPU time (the first pays for JIT warm-up). */
function best<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value!: T;
  for (let k = 0; k < runs; k++) {
    const t = process.cpuUsage();
    value = fn();
    ms = Math.min(ms, cpuMs(t));
  }
  return { ms, value };
}

/** Library steps: milliseconds each. */
async function library(file: string, n: number): Promise<Record<string, number>> {
  const runs = n >= 10_000 ? 2 : 3;
  const out: Record<string, number> = {};
  const c = best(runs, () => compileFile(file));
  if (!c.value.ok) throw new Error(`${file}: generated policy has errors: ${c.value.diagnostics.slice(0, 3).map((d) => d.message).join('; ')}`);
  out['check --no-analyses'] = c.ms;
  const policy = c.value.policy;
  out.build = best(runs, () => wireArtifacts(policy, 'room')).ms;
  out.decompile = best(runs, () => decompile(policy)).ms;
  out['graph (dot)'] = best(runs, () => renderDot(graphModel(policy))).ms;
  out['graph (mermaid)'] = best(runs, () => renderMermaid(graphModel(policy))).ms;
  out['matrix (html)'] = best(runs, () => renderMatrixHtml(buildMatrix(policy, c.value.provenance))).ms;
  out['matrix (csv)'] = best(runs, () => renderMatrixCsv(buildMatrix(policy, c.value.provenance))).ms;
  const t = process.cpuUsage();
  await buildReport({ title: 'bench', source: file, policy, provenance: c.value.provenance, diagnostics: c.value.diagnostics });
  out['report (no analyses)'] = cpuMs(t);
  return out;
}

interface CliFigure {
  /** wall seconds */
  s: number;
  /** CPU seconds (user + system) */
  cpu: number;
  mb: number;
  /** the command's exit code */
  exit: number;
  /** bytes written to stdout and stderr together (the text a user gets) */
  outBytes: number;
}

/** One CLI run under /usr/bin/time: wall seconds, peak RSS, exit code, output size. */
function cli(args: string[], outFile: string): CliFigure {
  const timing = `${outFile}.time`;
  const r = spawnSync('sh', ['-c', `${TIME} -o "${timing}" -f "%e %U %S %M %x" node "${CLI}" ${args.map((a) => `"${a}"`).join(' ')} > "${outFile}" 2>&1; cat "${timing}"; wc -c < "${outFile}"`], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)$/.exec(lines.find((l) => /^[\d.]+ [\d.]+ [\d.]+ \d+ \d+$/.test(l)) ?? '');
  if (!m) return { s: NaN, cpu: NaN, mb: NaN, exit: -1, outBytes: 0 };
  return { s: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), mb: Number(m[4]) / 1024, exit: Number(m[5]), outBytes: Number(lines[lines.length - 1]) };
}

/** [name, argv, expected exit code] */
function cliCommands(dir: string, file: string, name: string): [string, string[], number][] {
  return [
    ['check --no-analyses', ['check', '--no-analyses', file], 0],
    ['check', ['check', file], 0],
    ['build', ['build', file, '--out', join(dir, 'build')], 0],
    ['decompile', ['decompile', join(dir, 'build', `${name}.policy.bin`)], 0],
    ['graph (dot)', ['graph', file], 0],
    ['graph --no-highlight', ['graph', '--no-highlight', file], 0],
    // over the layout limits at these sizes: refused (exit 1) before Graphviz, in the time of a check
    ['graph --format svg', ['graph', '--format', 'svg', file], 1],
    ['matrix (md)', ['matrix', file], 0],
    ['matrix (html)', ['matrix', '--format', 'html', file], 0],
    ['report', ['report', file, '--out', join(dir, 'report.html')], 0],
  ];
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const withCli = !process.argv.includes('--no-cli');
  const shapes = args[0] && SHAPES[args[0]] ? [args[0]] : Object.keys(SHAPES);
  const sizes = (args.find((a) => /^[\d,]+$/.test(a)) ?? '1000,3000,10000').split(',').map(Number);
  const canCli = withCli && existsSync(TIME) && existsSync(join(ROOT, 'dist', 'compiler', 'cli', 'main.js'));
  if (withCli && !canCli) console.log(`(CLI figures skipped: needs ${TIME} and dist/ — run \`npm run build\`)`);
  let allMet = true;
  for (const shape of shapes) {
    const dir = mkdtempSync(join(tmpdir(), `mimi-scale-${shape}-`));
    try {
      const lib = new Map<number, Record<string, number>>();
      const cliFigures = new Map<number, Map<string, CliFigure & { expected: number }>>();
      for (const n of sizes) {
        const file = join(dir, `${shape}${n}.mimi`);
        const src = SHAPES[shape](n);
        writeFileSync(file, src);
        lib.set(n, await library(file, n));
        if (canCli) {
          const figures = new Map<string, CliFigure & { expected: number }>();
          for (const [name, argv, expected] of cliCommands(dir, file, `${shape}${n}`)) figures.set(name, { ...cli(argv, join(dir, 'output')), expected });
          cliFigures.set(n, figures);
        }
        console.error(`  … ${shape} ${n} roles (${(src.length / 1024).toFixed(0)} KB of source) measured`);
      }
      console.log(`\n${shape}: library, CPU ms (best of 2–3 runs, in process)`);
      const steps = Object.keys(lib.get(sizes[0])!);
      console.log(`  ${pad('step', 24)}${sizes.map((n) => `${n} roles`.padStart(14)).join('')}${sizes.length > 1 ? '   last/first' : ''}`);
      const lo = sizes[0];
      const hi = sizes[sizes.length - 1];
      const growth = hi / lo;
      for (const step of steps) {
        const ratio = lib.get(hi)![step] / lib.get(lo)![step];
        console.log(`  ${pad(step, 24)}${sizes.map((n) => num(lib.get(n)![step], 1).padStart(14)).join('')}${sizes.length > 1 ? `   ${num(ratio, 1).padStart(6)}×` : ''}`);
      }
      if (canCli) {
        console.log(`\n${shape}: CLI, wall s / CPU s / peak RSS MB (node bin/mimi-policy.js under ${TIME}; includes Node start-up)`);
        console.log(`  ${pad('command', 24)}${sizes.map((n) => `${n} roles`.padStart(22)).join('')}   output at ${hi}`);
        for (const name of cliFigures.get(lo)!.keys()) {
          const row = sizes.map((n) => {
            const f = cliFigures.get(n)!.get(name)!;
            return `${num(f.s, 1)} / ${num(f.cpu, 1)} s ${num(f.mb)} MB`.padStart(22);
          });
          const f = cliFigures.get(hi)!.get(name)!;
          console.log(`  ${pad(name, 24)}${row.join('')}   ${(f.outBytes / 1024).toFixed(0)} KB, exit ${f.exit}${f.exit !== f.expected ? ` (expected ${f.expected})` : ''}`);
        }
      }
      if (sizes.length > 1) {
        console.log('');
        const targeted = ['check --no-analyses', 'build', 'decompile', 'graph (dot)', 'matrix (html)'];
        for (const step of targeted) {
          const ratio = lib.get(hi)![step] / lib.get(lo)![step];
          // linear or n log n: at most ~10× for 10× the roles (a little slack for GC and timer noise on small figures)
          const met = ratio <= growth * 1.3 || lib.get(hi)![step] < 50;
          allMet &&= met;
          console.log(`${shape}: ${step} at ${hi} roles is ${num(ratio, 1)}× its time at ${lo} (${growth}× the roles) — target ≤ ~${growth}×: ${met ? 'target met' : 'NOT met'}`);
        }
        if (canCli) {
          for (const [name, f] of cliFigures.get(hi)!) {
            if (name === 'check' || name === 'graph (dot)' || name === 'report') continue; // analyses: bench/scale.ts
            const met = f.exit === f.expected && f.cpu <= 5 && f.mb <= 1024;
            allMet &&= met;
            console.log(`${shape}: \`${name}\` at ${hi} roles: ${num(f.cpu, 2)} s CPU (${num(f.s, 2)} s wall), ${num(f.mb)} MB — target ≤ 5 s CPU and ≤ 1 GB: ${met ? 'target met' : 'NOT met'}`);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\ncommands at scale: ${allMet ? 'every target met' : 'some target NOT met'}`);
}

await main();
