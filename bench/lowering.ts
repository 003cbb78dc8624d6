/**
 * Lowering benchmark: a 6-level hierarchy with 0–N add-ons (every add-on given by moderators,
 * requiring the second level), lowered to the single-role wire model.
 *
 * 1. At the default limits (runtime/limits.ts): the counts the compiler predicts before lowering
 *    (roles, authorized role-change targets, RoleData bytes), its decision, and the time of the whole
 *    front end (parse, lower, check; no analyses) — a refusal costs the counting only.
 * 2. With the limits raised: the time of the lowering alone against its output, which must stay
 *    linear (about the same time per target whatever the size), and the RoleData actually encoded.
 * 3. The hierarchy of the E0122 test case (2 levels, `protect none`, 10 add-ons): refused by size.
 *
 *   npx tsx bench/lowering.ts [--max N]     (N: the most add-ons of part 2, default 8; 9 needs ~2 GB)
 */
import { performance } from 'node:perf_hooks';
import { compileFile, compileSource } from '../compiler/compile.js';
import { lower } from '../compiler/lower.js';
import { loadProgram, nodeHost } from '../compiler/resolve.js';
import { encodeComponent } from '../runtime/codec/index.js';
import { DEFAULT_LIMITS, formatBytes } from '../runtime/limits.js';

const maxArg = process.argv.indexOf('--max');
const MAX_RAISED = maxArg > 0 ? Number(process.argv[maxArg + 1]) : 8;

function source(addons: number): string {
  return [
    'import "std/packages"',
    'hierarchy {',
    '  level outsider_guest { grant reader }',
    '  level restricted { grant reader  given_by moderator }',
    '  level regular { grant chatter, self_client  given_by moderator }',
    '  level moderator { grant moderation  given_by admin }',
    '  level admin { grant room_admin  given_by owner }',
    '  level owner { grant all }',
    '  entry regular  add_by moderator  remove_by moderator  leave',
    '}',
    ...Array.from({ length: addons }, (_, i) => `addon tag${i} { grant canStartTopic  requires restricted  given_by moderator }`),
    'bans { by moderator  unban_by admin }',
    'participants { "owner@example.com": owner }',
  ].join('\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const targetsOf = (roles: { changes: { to: number[] }[] }[]) => roles.reduce((n, r) => n + r.changes.reduce((m, e) => m + e.to.length, 0), 0);
const pad = (s: unknown, n: number) => String(s).padStart(n);
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// --- 1. default limits ------------------------------------------------------------------------------
console.log(`1. default limits: ${DEFAULT_LIMITS.maxLoweredRoles} roles, ${DEFAULT_LIMITS.maxLoweredTargets} role-change targets (median of 3 runs)`);
console.log(`${pad('add-ons', 7)} ${pad('roles', 11)} ${pad('targets', 19)} ${pad('RoleData', 14)} ${pad('front end ms', 13)}  decision`);
for (let n = 0; n <= 26; n += n < 12 ? 1 : 7) {
  const times: number[] = [];
  let line = '';
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const r = compileSource(source(n), `/bench/h${n}.mimi`);
    times.push(performance.now() - t);
    const refused = r.diagnostics.find((d) => d.kind === 'hierarchy-too-large');
    if (refused) {
      // the message carries the predicted counts: "would lower to R roles and T … targets (about B of RoleData); the limit is …"
      const m = /lower to ([\d,]+) roles and ([\d,]+) authorized role-change targets \((?:about )?(.+?) of RoleData\); the limit is (.+)$/.exec(refused.message);
      line = m ? `${pad(m[1], 11)} ${pad(m[2], 19)} ${pad(m[3], 14)}` : `${pad('-', 11)} ${pad('-', 19)} ${pad('-', 14)}`;
      line += ` %TIME%  refused (E0122): over ${m ? m[4] : refused.message}`;
    } else {
      const size = r.symbols.hierarchy!.size;
      line = `${pad(fmt(size.roles), 11)} ${pad(fmt(size.targets), 19)} ${pad(formatBytes(size.wireBytes), 14)} %TIME%  lowered${r.ok ? '' : ' (with errors)'}`;
    }
  }
  console.log(`${pad(n, 7)} ${line.replace('%TIME%', pad(median(times).toFixed(1), 13))}`);
}

// --- 2. limits raised: time against output ----------------------------------------------------------
console.log(`\n2. limits raised: the lowering alone (one run each), its output, and the time per target`);
console.log(`${pad('add-ons', 7)} ${pad('roles', 7)} ${pad('targets', 11)} ${pad('RoleData', 10)} ${pad('lower ms', 9)} ${pad('ns/target', 10)}  predicted = built`);
for (let n = 0; n <= MAX_RAISED; n++) {
  const program = loadProgram(`/bench/h${n}.mimi`, nodeHost, source(n));
  const t = performance.now();
  const r = lower(program.files, { maxLoweredRoles: 1e9, maxLoweredTargets: 1e12 });
  const ms = performance.now() - t;
  const targets = targetsOf(r.policy.roles);
  const bytes = encodeComponent('roles', r.policy.roles).length;
  const size = r.symbols.hierarchy!.size;
  const same = size.roles === r.policy.roles.length && size.targets === targets;
  console.log(
    `${pad(n, 7)} ${pad(fmt(r.policy.roles.length), 7)} ${pad(fmt(targets), 11)} ${pad(formatBytes(bytes), 10)} ${pad(ms.toFixed(1), 9)} ${pad(targets ? ((ms * 1e6) / targets).toFixed(0) : '-', 10)}  ${same ? 'yes' : 'NO'} (bytes predicted ${formatBytes(size.wireBytes)})`,
  );
}

// --- 3. the E0122 test case ---------------------------------------------------------------------------
const e0122 = `hierarchy { level a level b { given_by b } protect none } ${Array.from({ length: 10 }, (_, i) => `addon x${i} { given_by a }`).join(' ')}`;
const t3 = performance.now();
const r3 = compileFile('/bench/e0122.mimi', { text: e0122 });
const d3 = r3.diagnostics.find((d) => d.kind === 'hierarchy-too-large');
console.log(`\n3. 2 levels, protect none, 10 add-ons: ${(performance.now() - t3).toFixed(1)} ms — ${d3 ? `refused: ${d3.message}` : 'lowered'}`);
