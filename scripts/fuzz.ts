/**
 * The long fuzz run (issue 10): every target of test/fuzz/targets.ts, seed after seed, for as long as
 * asked; CI runs a few hundred seeds of each (test/fuzz.test.ts). A failure prints its target and seed
 * (which reproduce it: `npm run fuzz -- --target source --seed 1234 --runs 1`) and writes the input to
 * fuzz-failures/. Progress every 10 s.
 *
 *   npm run fuzz                              (10 minutes, all targets)
 *   npm run fuzz -- --minutes 240 --seed 1e6  (hours, from another seed)
 *   npm run fuzz -- --target wire --runs 5000
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTarget, targets } from '../test/fuzz/targets.js';

const HELP = `Usage: npm run fuzz -- [--minutes N] [--runs N] [--seed N] [--target NAME]…

  --minutes N   stop after N minutes (default 10; ignored with --runs)
  --runs N      run N seeds of each target, then stop
  --seed N      first seed (default 1,000,000: CI covers the seeds below)
  --target T    only this target (repeatable): ${targets.map((t) => t.name).join(', ')}
`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { minutes: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const num = (v: string | undefined, d: number, flag: string) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} takes a number (got \`${v}\`)`);
    return n;
  };
  const minutes = num(values.minutes, 10, 'minutes');
  const runs = values.runs === undefined ? undefined : num(values.runs, 0, 'runs');
  const seed = Math.floor(num(values.seed, 1_000_000, 'seed'));
  const chosen = values.target?.length ? targets.filter((t) => values.target!.includes(t.name)) : targets;
  const unknown = (values.target ?? []).filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown target ${unknown.join(', ')}; the targets are ${targets.map((t) => t.name).join(', ')}\n`);
    return 2;
  }
  return run(chosen, seed, runs, minutes);
}

async function run(chosen: typeof targets, firstSeed: number, runs: number | undefined, minutes: number): Promise<number> {
  const start = Date.now();
  const deadline = start + minutes * 60_000;
  const done = new Map(chosen.map((t) => [t.name, 0]));
  let failures = 0;
  let lastReport = start;
  const batch = 20;
  for (let seed = firstSeed; ; seed += batch) {
    for (const t of chosen) {
      const n = runs === undefined ? batch : Math.min(batch, firstSeed + runs - seed);
      if (n <= 0) continue;
      for (const { seed: s, failure } of await runTarget(t, seed, n)) {
        failures++;
        const dir = join(process.cwd(), 'fuzz-failures');
        mkdirSync(dir, { recursive: true });
        // text that UTF-8 cannot hold (a lone surrogate) is saved as a JSON string, losslessly
        const input = failure.input;
        const lossy = typeof input === 'string' && /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(input);
        const file = join(dir, `${t.name}-${s}.${typeof input !== 'string' ? 'bin' : lossy ? 'json' : 'txt'}`);
        writeFileSync(file, lossy ? JSON.stringify(input) : input);
        process.stdout.write(`FAIL ${t.name} seed ${s}: ${failure.message}\n  input: ${file}\n  reproduce: npm run fuzz -- --target ${t.name} --seed ${s} --runs 1\n`);
      }
      done.set(t.name, done.get(t.name)! + Math.max(0, n));
    }
    const now = Date.now();
    const finished = runs !== undefined ? seed + batch >= firstSeed + runs : now >= deadline;
    if (now - lastReport >= 10_000 || finished) {
      lastReport = now;
      process.stdout.write(`${((now - start) / 1000).toFixed(0)} s: ${[...done].map(([k, v]) => `${k} ${v}`).join(', ')}; ${failures} failure${failures === 1 ? '' : 's'}\n`);
    }
    if (finished) break;
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
