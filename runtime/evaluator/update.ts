/**
 * A whole ParticipantListUpdate (semantics.md, "Outside single-action authorization"): role changes,
 * then removals (indexes into the list before the update), then additions; each user touched at most
 * once; each change authorized on its own, as the action runtime/semantics.ts `updateActions` maps it
 * to, against the state as it evolves.
 */
import { DENY_REASONS, EFFECTS, PLANS, planAction, updateActions, userLabel, type PlanKey, type ReasonPart, type UpdateChangeKind } from '../semantics.js';
import type { Claim } from '../ir.js';
import { evaluate, type Context, type Decision } from './authorize.js';
import { InvalidInputError } from './errors.js';
import { ParsedAction, ParsedState, parseSender, parseState, parseUpdate, resolveRole, type Entry, type SenderInput, type StateInput, type UpdateInput } from './inputs.js';
import { indexPolicy, type IndexedPolicy, type IndexOptions } from './policy.js';

export interface ChangeDecision {
  readonly change: UpdateChangeKind;
  /** position in its list (`changed`, `removed` or `added`) */
  readonly position: number;
  readonly user: string;
  /** the plan the change was decided as (the one that allowed it, or the first tried when all deny) */
  readonly action: PlanKey;
  readonly decision: Decision;
}
export interface UpdateDecision extends Decision {
  /** the changes decided, in the order they apply, up to the first denied one */
  readonly changes: readonly ChangeDecision[];
}

const fill = (parts: readonly ReasonPart[], vars: Partial<Record<string, string>>) => parts.map((p) => (typeof p === 'string' ? p : (vars[p.v] ?? ''))).join('');

/** The state after an allowed action: the mover moved (role 0 = out of the list) with its new clients. */
export function applyEffect(state: ParsedState, c: Context, bannedRole: boolean): ParsedState {
  const to = c.to!;
  const moved: Entry = { user: c.moverUser, role: to, clients: c.clientsAfter };
  const rest = state.participants.filter((p) => p.user !== c.moverUser);
  if (to === 0) return new ParsedState(rest, bannedRole);
  const i = state.participants.findIndex((p) => p.user === c.moverUser);
  const next = i < 0 ? [...state.participants, moved] : state.participants.map((p, j) => (j === i ? moved : p));
  return new ParsedState(next, bannedRole);
}

export function authorizeUpdate(
  policy: Parameters<typeof indexPolicy>[0],
  state: StateInput | ParsedState,
  sender: SenderInput,
  update: UpdateInput,
  options?: IndexOptions,
): UpdateDecision {
  const ip: IndexedPolicy = indexPolicy(policy, options);
  let st = parseState(ip, state);
  const s = parseSender(sender);
  const u = parseUpdate(update);
  const actor = typeof s === 'string' ? s : s.user;
  const claims: readonly Claim[] | null = typeof s === 'string' ? null : (s.claims ?? null);
  const issues: { path: string; message: string }[] = [];
  const changedRoles = u.changed.map((c, i) => resolveRole(ip, c.role, `update.changed.${i}.role`, issues));
  const addedRoles = u.added.map((a, i) => resolveRole(ip, a.role, `update.added.${i}.role`, issues));
  if (issues.length) throw new InvalidInputError(issues);

  const pre = st.participants;
  const deny = (rule: 'bad_user_index' | 'user_touched_twice', vars: Record<string, string>): UpdateDecision => ({ allowed: false, rule, reason: fill(DENY_REASONS[rule], vars), changes: [] });
  for (const i of [...u.changed.map((c) => c.userIndex), ...u.removed]) if (i >= pre.length) return deny('bad_user_index', { count: String(i), limit: String(pre.length) });
  const touched = new Set<string>();
  const steps: { change: UpdateChangeKind; position: number; user: string; role: number }[] = [
    ...u.changed.map((c, i) => ({ change: 'changed' as const, position: i, user: pre[c.userIndex].user, role: changedRoles[i] })),
    ...u.removed.map((r, i) => ({ change: 'removed' as const, position: i, user: pre[r].user, role: 0 })),
    ...u.added.map((a, i) => ({ change: 'added' as const, position: i, user: a.user, role: addedRoles[i] })),
  ];
  for (const step of steps) {
    if (touched.has(step.user)) return deny('user_touched_twice', { target: userLabel(step.user) });
    touched.add(step.user);
  }

  const banned = (i: number) => ip.bannedRole && i === 1;
  const decided: ChangeDecision[] = [];
  for (const step of steps) {
    const current = st.byUser.get(step.user)?.role ?? 0;
    const keys = updateActions(step.change, step.user === actor, banned(current), banned(step.role));
    let first: { key: PlanKey; decision: Decision } | undefined;
    let allowed: { key: PlanKey; context: Context; decision: Decision } | undefined;
    for (const key of keys) {
      const { type } = planAction(key);
      const plan = PLANS[key];
      const target = EFFECTS[type].mover === 'target' ? step.user : undefined;
      const to = plan.destination === 'to' || plan.destination === 'match' || plan.destination === 'matchNonZero' ? step.role : undefined;
      const action = new ParsedAction(key, type, actor, target, to, EFFECTS[type].clientsDefault, claims, undefined);
      const r = evaluate(ip, st, action);
      first ??= { key, decision: r.decision };
      if (r.decision.allowed) {
        allowed = { key, ...r };
        break;
      }
    }
    const chosen = allowed ?? first!;
    decided.push({ change: step.change, position: step.position, user: step.user, action: chosen.key, decision: chosen.decision });
    if (!allowed) return { allowed: false, rule: chosen.decision.rule, reason: `${step.change} ${userLabel(step.user)}: ${chosen.decision.reason}`, changes: decided };
    st = applyEffect(st, allowed.context, ip.bannedRole);
  }
  return { allowed: true, rule: 'ok:update', reason: `all ${steps.length} changes are authorized`, changes: decided };
}
