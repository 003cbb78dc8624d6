/**
 * Front-end benchmark: check and build a generated policy of 1,000 roles (each with a dozen
 * capabilities, a few transitions, packages and extends), and each phase on its own. Prints medians
 * of several runs in one process; the target is under 1 s for check + build.
 *
 *   npm run bench            (or: npx tsx bench/check-build.ts [roles] [runs])
 */
import { performance } from 'node:perf_hooks';
import { compileSource } from '../compiler/compile.js';
import { decompile } from '../compiler/emit/source.js';
import { wireArtifacts } from '../compiler/emit/wire.js';
import { parse } from '../grammar/index.js';
import { decodePolicy, encodePolicy } from '../runtime/codec/index.js';
import { capabilities } from '../runtime/registry.js';

const ROLES = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 7);

/** A deterministic 1,000-role policy: packages, grants, extends chains, transitions, preauth. */
export function generatePolicy(n: number): string {
  const usable = capabilities.filter((c) => !c.reserved && c.name !== 'canOpenJoin').map((c) => c.name);
  const lines: string[] = ['room { max_users 100000 }', ''];
  for (let p = 0; p < 20; p++) lines.push(`package pkg${p} { ${usable.slice(p % usable.length, (p % usable.length) + 5).join(' ')} }`);
  lines.push('role no_role @0 { active 0..0 changes { none -> r2 } }', 'role banned @1 { active 0..0 }');
  for (let i = 2; i < n; i++) {
    const caps = Array.from({ length: 6 }, (_, k) => usable[(i * 7 + k * 13) % usable.length]);
    const ext = i > 10 && i % 5 === 0 ? ` extends r${i - 5}` : '';
    const targets = [i + 1 < n ? `r${i + 1}` : 'none', i > 2 ? `r${i - 1}` : 'banned'];
    lines.push(`/// role number ${i}`);
    lines.push(`role r${i} @${i}${ext} {`);
    lines.push(`  grant pkg${i % 20}, ${[...new Set(caps)].join(', ')}`);
    if (i % 3 === 0) lines.push(`  participants 0..${i}`);
    lines.push(`  changes {`, `    r${i} -> ${targets.join(', ')}`, `    none -> r${i}`, '  }', '}');
  }
  lines.push('preauth {');
  for (let i = 2; i < Math.min(n, 50); i++) lines.push(`  r${i} when x509 "2.5.4.11" = "unit-${i}"`);
  lines.push('}');
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

const src = generatePolicy(ROLES);
const phases: Record<string, number[]> = { parse: [], 'check (parse+resolve+lower+rules)': [], 'build (encode all artifacts)': [], 'check + build': [], decode: [], decompile: [] };
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  phases.parse.push(time(() => parse(src, 'bench.mimi')).ms);
  const c = time(() => compileSource(src, '/bench/bench.mimi'));
  if (!c.value.ok) throw new Error(`generated policy has errors: ${c.value.diagnostics.slice(0, 3).map((d) => d.message).join('; ')}`);
  phases['check (parse+resolve+lower+rules)'].push(c.ms);
  const b = time(() => wireArtifacts(c.value.policy, 'bench'));
  phases['build (encode all artifacts)'].push(b.ms);
  phases['check + build'].push(c.ms + b.ms);
  const wire = encodePolicy(c.value.policy);
  bytes = wire.length;
  phases.decode.push(time(() => decodePolicy(wire)).ms);
  phases.decompile.push(time(() => decompile(c.value.policy)).ms);
}
console.log(`mimi-policy front-end benchmark: ${ROLES} roles, ${src.split('\n').length} source lines, ${bytes} wire bytes; median of ${RUNS} runs (first run included: it pays for JIT warm-up)`);
for (const [k, v] of Object.entries(phases)) console.log(`  ${k.padEnd(36)} ${median(v).toFixed(1).padStart(8)} ms   (min ${Math.min(...v).toFixed(1)}, max ${Math.max(...v).toFixed(1)})`);
const total = median(phases['check + build']);
console.log(`check + build of ${ROLES} roles: ${total.toFixed(0)} ms — target < 1000 ms: ${total < 1000 ? 'met' : 'NOT met'}`);
