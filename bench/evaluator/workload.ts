/**
 * The evaluator benchmark's workload, built the same (seeded) in every thread that needs it: the
 * multi-organization room, 1M queries for each of the two questions in typed arrays, and the pools of
 * actions the authorize loops index.
 */
import { join } from 'node:path';
import { compileFile } from '../../compiler/index.js';
import { utf8Hex } from '../../runtime/claims.js';
import { indexPolicy, parseAction, parseState, type ActionInput } from '../../runtime/evaluator/index.js';
import { capabilities, capabilityName } from '../../runtime/registry.js';
import { ACTION_TYPES, JOIN_VIAS, PLAN_KEYS, planAction, type ActionType, type JoinVia, type PlanKey } from '../../runtime/semantics.js';

export const FILE = 'examples/multi-org.mimi';
export const N = 1_000_000;

export function workload() {
  const compiled = compileFile(join(import.meta.dirname, '..', '..', FILE));
  if (!compiled.ok) throw new Error(`${FILE} does not compile`);
  const ip = indexPolicy(compiled.policy);

  /** Roles 0..7: the room's seven and one undefined index (fail closed everywhere). */
  const ROLES = 8;
  const roleNames = Array.from({ length: ROLES }, (_, i) => ip.roleName(i) ?? `role${i}`);
  /** Every registered capability, a private-use one and an unknown code. */
  const CAPS = [...capabilities.map((c) => c.code), 0xf001, 0x0777];
  const capName = (c: number) => capabilityName(c);

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

  // the room for full authorize: 16 participants of every role; actions mostly by members
  const roomRoles = [6, 4, 4, 5, 5, 2, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1];
  const state = { participants: roomRoles.map((role, i) => ({ user: `user${i}@example.com`, role, clients: role === 1 ? 0 : 1 + (i % 3) })) };
  // the actions' user strings are other string objects than the state's (as when parsed from a message)
  const USERS = Array.from({ length: 20 }, (_, i) => [...(i < 16 ? `user${i}@example.com` : `guest${i}@example.com`)].join(''));
  const user = () => USERS[rnd(10) === 0 ? 16 + rnd(4) : rnd(16)];
  const jwt = (iss: string, role?: string) => [{ credentialType: 0xf0a1, id: utf8Hex('iss'), value: utf8Hex(iss) }, ...(role ? [{ credentialType: 0xf0a1, id: utf8Hex('orion_role'), value: utf8Hex(role) }] : [])];
  const CLAIMSETS = [jwt('https://idp.acme.example'), jwt('https://login.globex.example', 'admin'), jwt('https://evil.example')];
  /** 1,024 distinct actions per pool (indexed by the 1M queries): a pool that fits in cache, so that the
   * loop measures deciding rather than fetching the caller's objects from memory. */
  const POOL = 1 << 10;
  const makeAction = (type: ActionType, via: JoinVia = JOIN_VIAS[rnd(3)]): ActionInput => {
    const a: Record<string, unknown> = { type, actor: user() };
    if (['add', 'remove', 'changeRole', 'ban', 'unban', 'kick'].includes(type)) a.target = user();
    if (type === 'join') a.via = via;
    if (['add', 'changeRole', 'unban'].includes(type) || (type === 'join' && a.via !== 'preauth')) a.to = rnd(ROLES);
    if (type === 'capability') a.capability = CAPS[rnd(CAPS.length)];
    if (type === 'changeOwnRole' || (type === 'join' && a.via === 'preauth')) a.claims = CLAIMSETS[rnd(3)];
    return a as unknown as ActionInput;
  };
  const all = Array.from({ length: POOL }, () => makeAction(ACTION_TYPES[rnd(ACTION_TYPES.length)]));
  /**
   * The authorize workloads. The target's: the benchmark's two questions asked in full, as actions
   * (`capability`: does the actor's role hold c; `changeRole`: may the actor move the target to t),
   * half each, with the participant lookups, the constraints and the reasons. Then each alone, and a
   * mix of all twelve action types (claims validated on changeOwnRole and preauth joins).
   */
  const capabilityAction = (): ActionInput => ({ type: 'capability', actor: user(), capability: CAPS[rnd(CAPS.length)] });
  const moveAction = (): ActionInput => ({ type: 'changeRole', actor: user(), target: user(), to: rnd(ROLES) });
  const workloads = {
    questions: Array.from({ length: POOL }, (_, i) => (i % 2 === 0 ? capabilityAction() : moveAction())),
    changeRole: Array.from({ length: POOL }, moveAction),
    capability: Array.from({ length: POOL }, capabilityAction),
    all,
  } as const;
  /** One pool per plan (action type, and way of joining), for `--by-type`. */
  const byPlan = Object.fromEntries(PLAN_KEYS.map((k) => [k, Array.from({ length: POOL }, () => makeAction(planAction(k).type, planAction(k).via))])) as Record<PlanKey, ActionInput[]>;
  const q3 = new Uint16Array(N);
  for (let i = 0; i < N; i++) q3[i] = rnd(POOL);
  const parsedState = parseState(ip, state);
  const parsed = Object.fromEntries(Object.entries(workloads).map(([k, pool]) => [k, pool.map((a) => parseAction(ip, a))])) as Record<Workload, ReturnType<typeof parseAction>[]>;
  return { ip, ROLES, roleNames, CAPS, capName, q1r, q1c, q2a, q2f, q2t, state, workloads, byPlan, q3, parsedState, parsed, POOL };
}

export type Workload = 'questions' | 'changeRole' | 'capability' | 'all';
export const WORKLOADS: readonly Workload[] = ['questions', 'changeRole', 'capability', 'all'];
export const WORKLOAD_LABEL: Record<Workload, string> = {
  questions: 'the two questions (capability + changeRole)',
  changeRole: 'changeRole only',
  capability: 'capability only',
  all: 'all twelve action types',
};
