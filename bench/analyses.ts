/**
 * Analysis benchmark: every analysis on generated policies of 10, 100, 1,000 and 3,000 roles with
 * dense transition matrices — each role lists 12 source roles (none and itself included) with 24
 * targets each, so 288 authorized role changes per role (864,000 at 3,000 roles) — random-looking but
 * deterministic capability sets (membership, moderation, a few policy rewriters), preauth entries and
 * an initial participant list. The IR is built directly: this measures the analyses, not the parser.
 * The target: 1,000 roles in under 2 s. Findings counts every finding; past 100 of a kind the
 * analyses count the rest without building them (one I0007 note per kind). bench/scale.ts has the
 * shapes that stress size: sparse policies of 10,000 roles, long chains, many capability groups.
 *
 *   npm run bench            (or: npx tsx bench/analyses.ts [roles…])
 */
import { performance } from 'node:perf_hooks';
import { analyse, analyses } from '../compiler/analyses/index.js';
import { defaultBasePolicy, type Policy, type Role } from '../runtime/ir.js';
import { capabilities, capabilityByName } from '../runtime/registry.js';
import { prng as rng } from '../test/fuzz/rand.js';

const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [10, 100, 1000, 3000];
const SOURCES = 12;
const TARGETS = 24;


export function generate(n: number): Policy {
  const rand = rng(n);
  const pick = (k: number) => Math.floor(rand() * k);
  const code = (name: string) => capabilityByName.get(name)!.code;
  const ordinary = capabilities.filter((c) => !c.reserved && c.category !== 'membership' && c.category !== 'disruptive').map((c) => c.code);
  const membership = ['canAddParticipant', 'canRemoveParticipant', 'canChangeUserRole', 'canBan', 'canUnBan', 'canKick', 'canRemoveSelf', 'canAddOwnClient', 'canJoinIfPreauthorized', 'canChangeOwnRole'].map(code);
  const everything = capabilities.filter((c) => !c.reserved && c.name !== 'canOpenJoin' && c.name !== 'canUseJoinCode').map((c) => c.code);
  const roles: Role[] = [];
  const role = (index: number, name: string, caps: number[], changes: Role['changes'], min = 0): Role => ({ index, name, description: '', capabilities: [...new Set(caps)].sort((a, b) => a - b), minParticipants: min, maxParticipants: null, minActive: 0, maxActive: null, changes });
  roles.push(role(0, 'no_role', [code('canOpenJoin')], [{ from: 0, to: [Math.min(3, n - 1)] }]));
  roles.push({ ...role(1, 'banned', [], []), maxActive: 0 });
  for (let i = 2; i < n; i++) {
    const caps: number[] = [];
    if (i === 2) caps.push(...everything); // the room's top role
    else {
      for (let k = 0; k < 12; k++) caps.push(ordinary[pick(ordinary.length)]);
      for (const m of membership) if (rand() < 0.35) caps.push(m);
      if (i % 97 === 0) caps.push(code('canChangeRoleDefinitions'));
      if (i % 89 === 0) caps.push(code('canChangePreauthorizedUserList'));
    }
    const sources = new Set([0, i]);
    while (sources.size < Math.min(SOURCES, n)) sources.add(pick(n));
    const changes = [...sources].map((from) => {
      const to = new Set<number>();
      while (to.size < Math.min(TARGETS, n - 2)) {
        const t = pick(n);
        if (t !== from) to.add(t);
      }
      return { from, to: [...to] };
    });
    roles.push(role(i, `r${i}`, caps, changes, i % 50 === 0 ? 1 : 0));
  }
  const preauth = Array.from({ length: Math.min(40, n - 2) }, (_, k) => {
    const r = roles[2 + pick(n - 2)];
    return { claims: [{ credentialType: 2, id: '550403', value: Buffer.from(`unit-${k % 30}`).toString('hex') }], role: r };
  });
  const participants = Array.from({ length: Math.min(n, 200) }, (_, k) => ({ user: `u${k}@example.com`, role: 2 + (k * 7) % (n - 2) }));
  return { base: { ...defaultBasePolicy(), maxUsers: 100_000 }, roles, preauth, participants, history: null, otherComponents: [] };
}

const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;

function main(): void {
  console.log(`mimi-policy analysis benchmark (${SOURCES} source roles × ${TARGETS} targets per role; median of runs, first run included)`);
  console.log(`${'roles'.padStart(6)} ${'entries'.padStart(9)} ${'findings'.padStart(9)} ${'total'.padStart(10)}   slowest analyses (each timed alone, model included)`);
  for (const n of SIZES) {
    const policy = generate(n);
    const entries = policy.roles.reduce((s, r) => s + r.changes.reduce((t, c) => t + c.to.length, 0), 0);
    const runs = n >= 3000 ? 3 : 5;
    const totals: number[] = [];
    let findings = 0;
    for (let k = 0; k < runs; k++) {
      const t = performance.now();
      // every finding, built or counted (past 100 per kind, analyses count findings instead of building them)
      findings = analyse(policy, 'bench').reduce((sum, d) => sum + (d.omitted ? d.omitted.count : 1), 0);
      totals.push(performance.now() - t);
    }
    const per = analyses.map((a) => {
      const t = performance.now();
      analyse(policy, 'bench', { only: [a.kind] });
      return { kind: a.kind, t: performance.now() - t };
    });
    const top = per
      .sort((a, b) => b.t - a.t)
      .slice(0, 3)
      .map((p) => `${p.kind} ${ms(p.t)}`)
      .join(', ');
    const median = totals.sort((a, b) => a - b)[Math.floor(totals.length / 2)];
    console.log(`${String(n).padStart(6)} ${String(entries).padStart(9)} ${String(findings).padStart(9)} ${ms(median).padStart(10)}   ${top}`);
    if (n === 1000) console.log(`${''.padStart(6)} 1,000 roles: ${ms(median)} — target < 2000 ms: ${median < 2000 ? 'met' : 'NOT met'}`);
  }
}

if (process.argv[1]?.endsWith('analyses.ts')) main();
