/**
 * Analyses at scale (issue 10): time and peak memory of every analysis on generated policies whose
 * shapes stress what could grow with roles² instead of with the transitions — sparse policies (4
 * `changes` lines per role), every role rewriting the preauth list, every role changing its own role
 * through one preauth entry per role, long chains (witness paths of length O(roles) for every role),
 * a chain whose roles each hold a custom capability (as many capability groups as roles), nested
 * capability sets with `canKick` (every pair of roles a rank inversion), and the dense policies of
 * bench/analyses.ts. Findings past the budget (100 per kind) are counted, not built. Each case runs in a child process under `/usr/bin/time`, so its peak memory
 * (RSS) is its own. The IR is built directly: this measures the model and the analyses, not the
 * parser; the last lines run the whole `check` CLI on a generated sparse `.mimi` file (needs `npm run
 * build`).
 *
 *   npx tsx bench/scale.ts                 (every case)
 *   npx tsx bench/scale.ts sparse:10000    (one case: <shape>:<roles>)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyse } from '../compiler/analyses/index.js';
import { defaultBasePolicy, type Policy, type Role } from '../runtime/ir.js';
import { capabilities, capabilityByName } from '../runtime/registry.js';
import { generate as dense } from './analyses.js';

const code = (name: string) => capabilityByName.get(name)!.code;
const MEMBERSHIP = ['canSendMessage', 'canReceiveMessage', 'canAddParticipant', 'canRemoveParticipant', 'canChangeUserRole', 'canBan', 'canUnBan', 'canKick', 'canRemoveSelf'];

function role(index: number, name: string, caps: number[], changes: Role['changes']): Role {
  return { index, name, description: '', capabilities: [...new Set(caps)].sort((a, b) => a - b), minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: null, changes };
}
function policy(roles: Role[], extra: Partial<Policy> = {}): Policy {
  return { base: { ...defaultBasePolicy(), maxUsers: 100_000 }, roles, preauth: [], participants: null, history: null, otherComponents: [], ...extra };
}

/** The shape of /tmp/scale/gen.mjs and of `sparseSource`: a ring, 4 `changes` lines per role. */
function sparse(n: number, more: (i: number) => string[] = () => []): Policy {
  const roles = [role(0, 'no_role', [], [{ from: 0, to: [2] }]), { ...role(1, 'banned', [], []), maxActive: 0 }];
  const nx = (i: number, d: number) => 2 + ((i - 2 + d) % (n - 2));
  for (let i = 2; i < n; i++) {
    const caps = MEMBERSHIP.filter((_, k) => (i * 31 + k * 7) % 3 !== 0).map(code);
    roles.push(role(i, `r${i}`, [...caps, ...more(i).map(code)], [{ from: nx(i, 1), to: [nx(i, 2), 0] }, { from: nx(i, 3), to: [1] }, { from: 1, to: [nx(i, 5)] }, { from: 0, to: [nx(i, 7)] }]));
  }
  return policy(roles);
}

/** Every role holds canChangePreauthorizedUserList and canJoinIfPreauthorized (and every third canChangeOwnRole). */
const preauthRewriters = (n: number) => sparse(n, (i) => ['canChangePreauthorizedUserList', 'canJoinIfPreauthorized', ...(i % 3 === 0 ? ['canChangeOwnRole'] : [])]);

/** Every role holds canChangeOwnRole, with one preauth entry per role. */
function ownRole(n: number): Policy {
  const p = sparse(n, () => ['canChangeOwnRole']);
  p.preauth = p.roles.slice(2).map((r, k) => ({ claims: [{ credentialType: 2, id: '550403', value: Buffer.from(`unit-${k}`).toString('hex') }], role: r }));
  return p;
}

/**
 * A chain: `r_i` moves users `r_i -> r_{i+1}` (canChangeUserRole) and takes banned users out to
 * `r_{i+1}`; each role holds a capability the previous one lacks, the last can rewrite the roles: a
 * witness path of length O(roles) for every role.
 */
export function chain(n: number): Policy {
  const ordinary = capabilities.filter((c) => !c.reserved && c.category !== 'membership' && c.category !== 'disruptive').map((c) => c.code);
  const roles = [role(0, 'no_role', [], []), { ...role(1, 'banned', [], []), maxActive: 0 }];
  for (let i = 2; i < n; i++) {
    const last = i === n - 1;
    const caps = [code('canChangeUserRole'), code('canBan'), ordinary[i % ordinary.length], ...(last ? [code('canChangeRoleDefinitions')] : [])];
    roles.push(role(i, `r${i}`, caps, last ? [] : [{ from: i, to: [i + 1] }, { from: 1, to: [i + 1] }, { from: i + 1, to: [1] }]));
  }
  return policy(roles);
}

/** Nested capability sets (role i holds the first few of a list) and canKick: every pair a rank inversion. */
function nested(n: number): Policy {
  const list = capabilities.filter((c) => !c.reserved && c.name !== 'canOpenJoin' && c.name !== 'canUseJoinCode' && c.name !== 'canKick').map((c) => c.code);
  const p = sparse(n);
  p.roles = p.roles.map((r, k) => (k < 2 ? r : { ...r, capabilities: [...new Set([code('canKick'), ...list.slice(0, 1 + (k % (list.length - 1)))])].sort((a, b) => a - b) }));
  return p;
}

/** A chain in which every role also holds a capability of its own (a custom code): as many capability groups as roles. */
function customChain(n: number): Policy {
  const p = chain(n);
  p.roles = p.roles.map((r, k) => (k < 2 ? r : { ...r, capabilities: [...r.capabilities, 0x8000 + k].sort((a, b) => a - b) }));
  return p;
}

const SHAPES: Record<string, (n: number) => Policy> = { sparse: (n) => sparse(n), 'preauth-rewriters': preauthRewriters, 'own-role': ownRole, chain, 'custom-chain': customChain, nested, dense };

/** The `.mimi` text of `sparse(n)` (the shape of /tmp/scale/gen.mjs). */
export function sparseSource(n: number): string {
  const L = ['room { max_users 100000 }', 'role no_role @0 { active 0..0 changes { none -> r2 } }', 'role banned @1 { active 0..0 }'];
  const nx = (i: number, d: number) => `r${2 + ((i - 2 + d) % (n - 2))}`;
  for (let i = 2; i < n; i++) {
    const g = MEMBERSHIP.filter((_, k) => (i * 31 + k * 7) % 3 !== 0).join(', ');
    L.push(`role r${i} @${i} {`, `  grant ${g}`, '  changes {', `    ${nx(i, 1)} -> ${nx(i, 2)}, none`, `    ${nx(i, 3)} -> banned`, `    banned -> ${nx(i, 5)}`, `    none -> ${nx(i, 7)}`, '  }', '}');
  }
  return L.join('\n') + '\n';
}

/** In a child: build one case, run every analysis, print what it found and how long it took. */
function child(shape: string, n: number): void {
  const p = SHAPES[shape](n);
  const t = performance.now();
  const ds = analyse(p, 'bench');
  const ms = performance.now() - t;
  const bytes = Buffer.byteLength(JSON.stringify(ds));
  const byKind = new Map<string, number>();
  for (const d of ds) byKind.set(d.kind === 'diagnostics-omitted' ? `+${d.omitted!.kind}` : d.kind, (byKind.get(d.kind === 'diagnostics-omitted' ? `+${d.omitted!.kind}` : d.kind) ?? 0) + (d.omitted?.count ?? 1));
  const atLeast = ds.some((d) => d.omitted?.atLeast);
  console.log(JSON.stringify({ ms, findings: ds.length, total: `${atLeast ? '≥' : ''}${[...byKind.values()].reduce((a, b) => a + b, 0)}`, bytes, heap: process.memoryUsage().heapUsed }));
}

interface Case {
  shape: string;
  n: number;
  target?: { ms: number; mb: number };
}

const CASES: Case[] = [
  { shape: 'sparse', n: 1000 },
  { shape: 'sparse', n: 3000 },
  { shape: 'sparse', n: 10000, target: { ms: 10000, mb: 1024 } },
  { shape: 'preauth-rewriters', n: 10000, target: { ms: 10000, mb: 1024 } },
  { shape: 'own-role', n: 10000, target: { ms: 10000, mb: 1024 } },
  { shape: 'chain', n: 1000 },
  { shape: 'chain', n: 10000, target: { ms: 10000, mb: 1024 } },
  { shape: 'custom-chain', n: 10000, target: { ms: 10000, mb: 1024 } },
  { shape: 'nested', n: 10000, target: { ms: 10000, mb: 1024 } },
  { shape: 'dense', n: 1000, target: { ms: 2000, mb: 1024 } },
  { shape: 'dense', n: 3000 },
];

const self = fileURLToPath(import.meta.url);
const timed = (args: string[]) => spawnSync('/usr/bin/time', ['-f', '%e %M', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const mb = (kb: number) => kb / 1024;

function parent(cases: Case[]): void {
  console.log('mimi-policy analyses at scale (each case in its own process; time = analyses only, peak = whole process RSS;');
  console.log('shown = diagnostics printed, findings = shown + counted in I0007 notes (≥: counting stopped at the work limit))');
  console.log(`${'shape'.padEnd(18)} ${'roles'.padStart(6)} ${'time'.padStart(9)} ${'peak'.padStart(8)} ${'shown'.padStart(6)} ${'findings'.padStart(9)} ${'output'.padStart(9)}`);
  for (const c of cases) {
    const r = timed([process.execPath, '--import', 'tsx', self, '--child', c.shape, String(c.n)]);
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const peak = Number(last.split(' ')[1]);
    let line = `${c.shape.padEnd(18)} ${String(c.n).padStart(6)} `;
    if (r.status !== 0) {
      console.log(`${line}failed (exit ${r.status}): ${r.stderr.split('\n').find((l) => /heap|Error/.test(l)) ?? last}`);
      continue;
    }
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!);
    line += `${`${(o.ms / 1000).toFixed(2)} s`.padStart(9)} ${`${mb(peak).toFixed(0)} MB`.padStart(8)} ${String(o.findings).padStart(6)} ${String(o.total).padStart(9)} ${`${(o.bytes / 1024).toFixed(0)} KB`.padStart(9)}`;
    if (c.target) line += `   target < ${c.target.ms / 1000} s, < ${c.target.mb} MB: ${o.ms < c.target.ms && mb(peak) < c.target.mb ? 'met' : 'NOT met'}`;
    console.log(line);
  }
}

/** The whole CLI: `node bin/mimi-policy.js check` on generated sparse sources. */
function cli(sizes: number[]): void {
  const bin = join(self, '../../bin/mimi-policy.js');
  if (!existsSync(join(self, '../../dist/compiler/cli/main.js'))) return void console.log('(no dist/: run `npm run build` for the check CLI figures)');
  const dir = mkdtempSync(join(tmpdir(), 'mimi-scale-'));
  try {
    for (const n of sizes) {
      const file = join(dir, `sparse-${n}.mimi`);
      writeFileSync(file, sparseSource(n));
      const r = timed([process.execPath, bin, 'check', '--format', 'json', file]);
      const [s, kb] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
      const ok = r.status === 0 || r.status === 1;
      const target = n === 10000 ? `   target < 10 s, < 1024 MB: ${ok && s < 10 && mb(kb) < 1024 ? 'met' : 'NOT met'}` : '';
      console.log(`check CLI, sparse ${String(n).padStart(6)} roles: ${ok ? `${s.toFixed(2)} s, ${mb(kb).toFixed(0)} MB peak, exit ${r.status}` : `failed (exit ${r.status})`}${target}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === self) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') child(args[1], Number(args[2]));
  else if (args.length > 0) parent(args.map((a) => ({ shape: a.split(':')[0], n: Number(a.split(':')[1] ?? 1000) })));
  else {
    parent(CASES);
    cli([1000, 10000]);
  }
}
