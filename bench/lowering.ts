/**
 * Lowering benchmark: a 6-level hierarchy with 0–10 add-ons (every add-on given by moderators,
 * requiring the second level), lowered to the single-role wire model. Prints the lowered role count,
 * the bound Σ over levels of 2^(add-ons allowed), the lowering time (median of 3) and the wire size.
 *
 *   npx tsx bench/lowering.ts
 */
import { performance } from 'node:perf_hooks';
import { compileSource } from '../compiler/compile.js';
import { encodePolicy } from '../runtime/codec/index.js';

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

console.log('lowering a 6-level hierarchy with N add-ons (median of 3 runs; one run from 8 add-ons up)');
console.log(`${'add-ons'.padStart(7)} ${'roles'.padStart(6)} ${'bound'.padStart(6)} ${'lower+check ms'.padStart(15)} ${'wire bytes'.padStart(12)}`);
for (let n = 0; n <= 10; n++) {
  const times: number[] = [];
  let roles = 0;
  let bytes = '';
  let bound = 0;
  for (let run = 0; run < (n >= 8 ? 1 : 3); run++) {
    const t = performance.now();
    const r = compileSource(source(n), `/bench/h${n}.mimi`, undefined);
    times.push(performance.now() - t);
    if (r.symbols.hierarchy) [roles, bound] = [r.policy.roles.length, r.symbols.hierarchy.bound];
    if (!r.ok) {
      const why = r.diagnostics.find((d) => d.severity === 'error')!;
      bytes = `refused: ${why.kind}`;
      break;
    }
    if (run === 0) bytes = String(encodePolicy(r.policy).length);
  }
  times.sort((a, b) => a - b);
  console.log(`${String(n).padStart(7)} ${String(roles || '-').padStart(6)} ${String(bound || '-').padStart(6)} ${times[Math.floor(times.length / 2)].toFixed(1).padStart(15)} ${bytes.padStart(12)}`);
}
