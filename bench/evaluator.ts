/**
 * The evaluator benchmark: in one process, on the multi-organization room (examples/multi-org.mimi)
 * and 1M pre-generated seeded queries, ops/second and ratios of
 *   - a hand-optimized bitset baseline (bench/engines/baseline.ts: the practical ceiling),
 *   - the generated evaluator (`build --emit ts`, imported from a temporary file),
 *   - the interpreter (runtime/evaluator),
 *   - casbin (bench/engines/casbin.ts) and Cedar-wasm (bench/engines/cedar.ts), idiomatic models,
 * for "does role r hold capability c", "may a holder of role a move a user from f to t", and (generated
 * evaluator and interpreter) full `authorize` decisions in a 16-participant room: the two questions
 * asked as actions, each alone, and all twelve action types mixed. Every engine
 * is first checked to give the reference decisions on the whole domain of the two queries (and on a
 * sample of the authorize workload). Practices from shared/notes/benchmarking.md: one loop per engine
 * and query, branch-free counting, no forced GC, inputs in typed arrays, medians of several runs,
 * rounds interleaved so that drift hits every engine alike.
 *
 *   npm run bench      (or: node --no-turbo-inline-js-wasm-calls --import tsx bench/evaluator.ts [--json] [--runs N])
 */
import './engines/v8-flags.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emitOptionsFromSymbols, emitTypeScript } from '../compiler/emit/typescript.js';
import { compileFile } from '../compiler/index.js';
import { utf8Hex } from '../runtime/claims.js';
import { authorize, canTransition, hasCapability, indexPolicy, parseAction, parseState, type ActionInput } from '../runtime/evaluator/index.js';
import { capabilities, capabilityName } from '../runtime/registry.js';
import { ACTION_TYPES, JOIN_VIAS } from '../runtime/semantics.js';
import { baseline } from './engines/baseline.js';
import { casbin } from './engines/casbin.js';
import { cedarEngine } from './engines/cedar.js';

const JSON_OUT = process.argv.includes('--json');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const onlyArg = process.argv.indexOf('--only');
/** `--only generated.authorize,interpreter.authorize`: time just these loops (for profiling) and print their rates. */
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : undefined;
const N = 1_000_000;
const log = (s: string) => (JSON_OUT ? process.stderr : process.stdout).write(`${s}\n`);

// ---- the room --------------------------------------------------------------------------------------
const FILE = 'examples/multi-org.mimi';
const compiled = compileFile(join(import.meta.dirname, '..', FILE));
if (!compiled.ok) throw new Error(`${FILE} does not compile`);
const ip = indexPolicy(compiled.policy);
const t0 = performance.now();
const source = await emitTypeScript(compiled.policy, { source: FILE, generator: 'mimi-policy bench', ...emitOptionsFromSymbols(compiled.symbols) });
const emitMs = performance.now() - t0;
const genFile = join(mkdtempSync(join(tmpdir(), 'mimi-bench-')), 'multi-org.evaluator.ts');
writeFileSync(genFile, source);
const gen = (await import(pathToFileURL(genFile).href)) as typeof import('./multi-org.evaluator.types.js');

/** Roles 0..7: the room's seven and one undefined index (fail closed everywhere). */
const ROLES = 8;
const roleNames = Array.from({ length: ROLES }, (_, i) => ip.roleName(i) ?? `role${i}`);
/** Every registered capability, a private-use one and an unknown code. */
const CAPS = [...capabilities.map((c) => c.code), 0xf001, 0x0777];
const capName = (c: number) => capabilityName(c);

// ---- pre-generated, seeded queries ---------------------------------------------------------------------
let seed = 0x5eed;
const rnd = (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const q1r = new Uint8Array(N);
const q1c = new Uint16Array(N);
const q2a = new Uint8Array(N);
const q2f = new Uint8Array(N);
const q2t = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  q1r[i] = rnd(ROLES);
  q1c[i] = CAPS[rnd(CAPS.length)];
  q2a[i] = rnd(ROLES);
  q2f[i] = rnd(ROLES);
  q2t[i] = rnd(ROLES);
}
// the room for full authorize: 16 participants of every role; actions of every type, mostly by members
const roomRoles = [6, 4, 4, 5, 5, 2, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1];
const state = { participants: roomRoles.map((role, i) => ({ user: `user${i}@example.com`, role, clients: role === 1 ? 0 : 1 + (i % 3) })) };
// the actions' user strings are other string objects than the state's (as when parsed from a message)
const USERS = Array.from({ length: 20 }, (_, i) => [...(i < 16 ? `user${i}@example.com` : `guest${i}@example.com`)].join(''));
const user = () => USERS[rnd(10) === 0 ? 16 + rnd(4) : rnd(16)];
const jwt = (iss: string, role?: string) => [{ credentialType: 0xf0a1, id: utf8Hex('iss'), value: utf8Hex(iss) }, ...(role ? [{ credentialType: 0xf0a1, id: utf8Hex('orion_role'), value: utf8Hex(role) }] : [])];
const CLAIMSETS = [jwt('https://idp.acme.example'), jwt('https://login.globex.example', 'admin'), jwt('https://evil.example')];
/** 1,024 distinct actions (indexed by the 1M queries): a pool that fits in cache, so that the loop
 * measures deciding rather than fetching the caller's objects from memory. */
const POOL = 1 << 10;
const actions: ActionInput[] = [];
for (let i = 0; i < POOL; i++) {
  const type = ACTION_TYPES[rnd(ACTION_TYPES.length)];
  const a: Record<string, unknown> = { type, actor: user() };
  if (['add', 'remove', 'changeRole', 'ban', 'unban', 'kick'].includes(type)) a.target = user();
  if (type === 'join') a.via = JOIN_VIAS[rnd(3)];
  if (['add', 'changeRole', 'unban'].includes(type) || (type === 'join' && a.via !== 'preauth')) a.to = rnd(ROLES);
  if (type === 'capability') a.capability = CAPS[rnd(CAPS.length)];
  if (type === 'changeOwnRole' || (type === 'join' && a.via === 'preauth')) {
    a.claims = CLAIMSETS[rnd(3)];
  }
  actions.push(a as unknown as ActionInput);
}
/**
 * The authorize workloads. The target's: the benchmark's two questions asked in full, as actions
 * (`capability`: does the actor's role hold c; `changeRole`: may the actor move the target to t),
 * half each, with the participant lookups, the constraints and the reasons. Then each alone, and a
 * mix of all twelve action types (claims validated on changeOwnRole and preauth joins).
 */
const capabilityAction = (): ActionInput => ({ type: 'capability', actor: user(), capability: CAPS[rnd(CAPS.length)] });
const moveAction = (): ActionInput => ({ type: 'changeRole', actor: user(), target: user(), to: rnd(ROLES) });
const WORKLOADS = {
  questions: Array.from({ length: POOL }, (_, i) => (i % 2 === 0 ? capabilityAction() : moveAction())),
  changeRole: Array.from({ length: POOL }, moveAction),
  capability: Array.from({ length: POOL }, capabilityAction),
  all: actions,
} as const;
type Workload = keyof typeof WORKLOADS;
const WORKLOAD_LABEL: Record<Workload, string> = {
  questions: 'the two questions (capability + changeRole)',
  changeRole: 'changeRole only',
  capability: 'capability only',
  all: 'all twelve action types',
};
const q3 = new Uint16Array(N);
for (let i = 0; i < N; i++) q3[i] = rnd(POOL);
const prepared = gen.prepareState(state as never);
const parsedState = parseState(ip, state);
const parsed = Object.fromEntries(Object.entries(WORKLOADS).map(([k, pool]) => [k, pool.map((a) => parseAction(ip, a))])) as Record<Workload, ReturnType<typeof parseAction>[]>;

// ---- engines ---------------------------------------------------------------------------------------
const base = baseline(ip);
const cas = await casbin(ip, roleNames, capName);
const ced = cedarEngine(ip, roleNames, capName);

// ---- same decisions first -------------------------------------------------------------------------------
{
  const engines: [string, (r: number, c: number) => boolean, (a: number, f: number, t: number) => boolean][] = [
    ['baseline', base.hasCapability, base.canTransition],
    ['generated', gen.hasCapability, gen.canTransition],
    ['casbin', (r, c) => cas.hasCapability(roleNames[r], capName(c)), (a, f, t) => cas.canTransition(roleNames[a], roleNames[f], roleNames[t])],
    ['cedar-wasm', (r, c) => ced.hasCapability(roleNames[r], capName(c)), (a, f, t) => ced.canTransition(roleNames[a], roleNames[f], roleNames[t])],
  ];
  for (const [name, has, can] of engines) {
    for (let r = 0; r < ROLES; r++) for (const c of CAPS) if (has(r, c) !== hasCapability(ip, r, c)) throw new Error(`${name}: hasCapability(${r}, ${c}) differs`);
    for (let a = 0; a < ROLES; a++) for (let f = 0; f < ROLES; f++) for (let t = 0; t < ROLES; t++) if (can(a, f, t) !== canTransition(ip, a, f, t)) throw new Error(`${name}: canTransition(${a}, ${f}, ${t}) differs`);
  }
  for (const w of Object.keys(WORKLOADS) as Workload[])
    for (let i = 0; i < POOL; i++) {
      const want = authorize(ip, parsedState, parsed[w][i]);
      const got = gen.authorize(prepared, WORKLOADS[w][i] as never);
      if (want.allowed !== got.allowed || want.rule !== got.rule || want.reason !== got.reason) throw new Error(`generated authorize differs on ${JSON.stringify(WORKLOADS[w][i])}`);
    }
}

// ---- timing loops: one per engine and query ------------------------------------------------------------
let sink = 0;
/** One loop per engine and workload (separate closures, so that each has its own type feedback). */
function authorizeLoops<W extends Workload>(w: W) {
  const pool = WORKLOADS[w];
  const pre = parsed[w];
  return {
    [`generated.authorize.${w}`]: (n: number) => { let k = 0; const f = gen.authorize; for (let i = 0; i < n; i++) k += +f(prepared, pool[q3[i]] as never).allowed; return k; },
    [`interpreter.authorize.${w}`]: (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +authorize(ip, parsedState, pre[q3[i]]).allowed; return k; },
  } as Record<`generated.authorize.${W}` | `interpreter.authorize.${W}`, (n: number) => number>;
}
const L = {
  'baseline.has': (n: number) => { let k = 0; const f = base.hasCapability; for (let i = 0; i < n; i++) k += +f(q1r[i], q1c[i]); return k; },
  'baseline.move': (n: number) => { let k = 0; const f = base.canTransition; for (let i = 0; i < n; i++) k += +f(q2a[i], q2f[i], q2t[i]); return k; },
  'generated.has': (n: number) => { let k = 0; const f = gen.hasCapability; for (let i = 0; i < n; i++) k += +f(q1r[i], q1c[i]); return k; },
  'generated.move': (n: number) => { let k = 0; const f = gen.canTransition; for (let i = 0; i < n; i++) k += +f(q2a[i], q2f[i], q2t[i]); return k; },
  'interpreter.has': (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +hasCapability(ip, q1r[i], q1c[i]); return k; },
  'interpreter.move': (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +canTransition(ip, q2a[i], q2f[i], q2t[i]); return k; },
  'casbin.has': (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +cas.hasCapability(roleNames[q1r[i]], capName(q1c[i])); return k; },
  'casbin.move': (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +cas.canTransition(roleNames[q2a[i]], roleNames[q2f[i]], roleNames[q2t[i]]); return k; },
  'cedar.has': (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +ced.hasCapability(roleNames[q1r[i]], capName(q1c[i])); return k; },
  'cedar.move': (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +ced.canTransition(roleNames[q2a[i]], roleNames[q2f[i]], roleNames[q2t[i]]); return k; },
  ...authorizeLoops('questions'),
  ...authorizeLoops('changeRole'),
  ...authorizeLoops('capability'),
  ...authorizeLoops('all'),
  'generated.authorizeRaw': (n: number) => { let k = 0; const f = gen.authorize; const pool = WORKLOADS.questions; for (let i = 0; i < n; i++) k += +f(state as never, pool[q3[i]] as never).allowed; return k; },
  'interpreter.authorizeRaw': (n: number) => { let k = 0; const pool = WORKLOADS.questions; for (let i = 0; i < n; i++) k += +authorize(ip, state, pool[q3[i]]).allowed; return k; },
} as const;
type Loop = keyof typeof L;
/** Queries per run: all 1M for the fast engines, a prefix of the same queries for the slow ones. */
const COUNT = (name: Loop): number =>
  name.startsWith('casbin.') ? N / 20
  : name.startsWith('cedar.') ? N / 200
  : name === 'generated.authorizeRaw' ? N / 10
  : name === 'interpreter.authorizeRaw' ? N / 50
  : name.startsWith('interpreter.') && name !== 'interpreter.has' ? N / 4
  : N;
const samples = new Map<Loop, number[]>();
const timed = (Object.keys(L) as Loop[]).filter((name) => ONLY === undefined || ONLY.includes(name));
if (ONLY !== undefined && timed.length !== ONLY.length) throw new Error(`--only takes loop names among: ${Object.keys(L).join(', ')}`);
const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
for (let run = 0; run < RUNS; run++)
  for (const name of timed) {
    // a short idle pause lets the previous loop's concurrent GC work finish (the allocating engines
    // otherwise slow the loop after them, on 2 cores); no GC is forced
    await idle(40);
    const n = COUNT(name);
    const t = performance.now();
    sink += L[name](n);
    const s = (performance.now() - t) / 1000;
    (samples.get(name) ?? samples.set(name, []).get(name)!).push(n / s);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ops = Object.fromEntries([...samples].map(([k, v]) => [k, median(v)])) as Record<Loop, number>;

if (ONLY !== undefined) {
  for (const name of timed) log(`${name.padEnd(28)} ${(ops[name] / 1e6).toFixed(2)}M/s`);
  process.exit(0);
}

// ---- report -------------------------------------------------------------------------------------------
const fmt = (x: number | undefined) => (x === undefined ? '—' : x >= 1e6 ? `${(x / 1e6).toFixed(1)}M/s` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k/s` : `${x.toFixed(0)}/s`);
const ratio = (x: number | undefined, ref: number) => (x === undefined ? '' : x / ref >= 0.1 ? `${(x / ref).toFixed(2)}×` : `1/${(ref / x).toFixed(0)}`);
const rows: [string, Loop | undefined, Loop | undefined, Loop | undefined][] = [
  ['hand-optimized bitset', 'baseline.has', 'baseline.move', undefined],
  ['generated evaluator', 'generated.has', 'generated.move', 'generated.authorize.questions'],
  ['interpreter', 'interpreter.has', 'interpreter.move', 'interpreter.authorize.questions'],
  ['casbin (enforceSync)', 'casbin.has', 'casbin.move', undefined],
  ['cedar-wasm (preparsed)', 'cedar.has', 'cedar.move', undefined],
];
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
log(`evaluator benchmark — ${FILE} (${ip.roles.size} roles), ${N.toLocaleString('en')} seeded queries, median of ${RUNS} runs; ${machine}`);
log(`generated evaluator: ${source.length.toLocaleString('en')} characters, emitted in ${emitMs.toFixed(0)} ms`);
log('');
log(`${'engine'.padEnd(24)} ${'hasCapability'.padStart(14)} ${'vs ceiling'.padStart(10)} ${'canTransition'.padStart(14)} ${'vs ceiling'.padStart(10)} ${'authorize'.padStart(12)} ${'vs generated'.padStart(12)}`);
for (const [label, h, m, a] of rows)
  log(
    `${label.padEnd(24)} ${fmt(h && ops[h]).padStart(14)} ${ratio(h && ops[h], ops['baseline.has']).padStart(10)} ${fmt(m && ops[m]).padStart(14)} ${ratio(m && ops[m], ops['baseline.move']).padStart(10)} ${fmt(a && ops[a]).padStart(12)} ${ratio(a && ops[a], ops['generated.authorize.questions']).padStart(12)}`,
  );
log('');
log('(authorize: the two questions asked as full actions, participant lookups, constraints and reasons included)');
log('');
log(`${'authorize workload'.padEnd(46)} ${'generated'.padStart(10)} ${'interpreter'.padStart(12)} ${'ratio'.padStart(6)}`);
for (const w of Object.keys(WORKLOADS) as Workload[]) {
  const g = ops[`generated.authorize.${w}`];
  const i = ops[`interpreter.authorize.${w}`];
  log(`${WORKLOAD_LABEL[w].padEnd(46)} ${fmt(g).padStart(10)} ${fmt(i).padStart(12)} ${`${(g / i).toFixed(1)}×`.padStart(6)}`);
}
log(`${'the two questions, plain state (validated per call)'.padEnd(46)} ${fmt(ops['generated.authorizeRaw']).padStart(10)} ${fmt(ops['interpreter.authorizeRaw']).padStart(12)} ${`${(ops['generated.authorizeRaw'] / ops['interpreter.authorizeRaw']).toFixed(1)}×`.padStart(6)}`);
log('');
const fastestLib = Math.max(ops['casbin.has'], ops['cedar.has']);
const fastestLibMove = Math.max(ops['casbin.move'], ops['cedar.move']);
const targets: [string, boolean][] = [
  [`generated ≥ 0.5× the baseline on both queries (${ratio(ops['generated.has'], ops['baseline.has'])}, ${ratio(ops['generated.move'], ops['baseline.move'])})`, ops['generated.has'] >= 0.5 * ops['baseline.has'] && ops['generated.move'] >= 0.5 * ops['baseline.move']],
  [`generated ≥ 10× the fastest library on both queries (${(ops['generated.has'] / fastestLib).toFixed(0)}×, ${(ops['generated.move'] / fastestLibMove).toFixed(0)}×)`, ops['generated.has'] >= 10 * fastestLib && ops['generated.move'] >= 10 * fastestLibMove],
  [`full authorize ≥ 10M decisions/s on the two questions (${fmt(ops['generated.authorize.questions'])}; all twelve action types: ${fmt(ops['generated.authorize.all'])})`, ops['generated.authorize.questions'] >= 10e6],
  [`interpreter within 10× of the generated evaluator on authorize (${(ops['generated.authorize.questions'] / ops['interpreter.authorize.questions']).toFixed(1)}×; all types ${(ops['generated.authorize.all'] / ops['interpreter.authorize.all']).toFixed(1)}×)`, ops['generated.authorize.questions'] <= 10 * ops['interpreter.authorize.questions'] && ops['generated.authorize.all'] <= 10 * ops['interpreter.authorize.all']],
  [`build --emit ts under 2 s (emit ${emitMs.toFixed(0)} ms in process)`, emitMs < 2000],
];
for (const [what, met] of targets) log(`  ${met ? 'met    ' : 'NOT MET'}  ${what}`);
log(`(checksum ${sink})`);
if (JSON_OUT)
  process.stdout.write(`${JSON.stringify({ policy: FILE, queries: N, runs: RUNS, machine, emitMs, opsPerSecond: ops, targets: targets.map(([what, met]) => ({ what, met })) }, null, 2)}\n`);
