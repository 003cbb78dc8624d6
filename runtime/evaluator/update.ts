/**
 * A whole ParticipantListUpdate (semantics.md, "Outside single-action authorization"), decided by
 * update-core.ts (the one definition of its order, shared with the generated evaluator) with the
 * interpreter's validation, its actions (runtime/semantics.ts `updateActions`) and its effects.
 */
import { DENY_REASONS, EFFECTS, PLANS, planAction, updateActions, userLabel, type PlanKey, type ReasonPart } from '../semantics.js';
import type { Claim } from '../ir.js';
import { evaluate, type Context, type Decision } from './authorize.js';
import { InvalidInputError } from './errors.js';
import { ParsedAction, ParsedState, parseSender, parseState, parseUpdate, resolveRole, type Entry, type SenderInput, type StateInput, type UpdateInput } from './inputs.js';
import { indexPolicy, type IndexedPolicy, type IndexOptions } from './policy.js';
import { decideUpdate, type UpdateChangeDecision, type UpdateOps, type UpdateResult } from './update-core.js';

/** One change of an update, decided: its place, its user, the action it was decided as and the decision. */
export type ChangeDecision = UpdateChangeDecision<PlanKey, Decision>;
/** A whole update's decision: allowed when every change is, with the changes decided up to the first denied one. */
export type UpdateDecision = UpdateResult<PlanKey, Decision>;

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
  const st = parseState(ip, state);
  const s = parseSender(sender);
  const u = parseUpdate(update);
  const actor = typeof s === 'string' ? s : s.user;
  const claims: readonly Claim[] | null = typeof s === 'string' ? null : (s.claims ?? null);
  const issues: { path: string; message: string }[] = [];
  const changedRoles = u.changed.map((c, i) => resolveRole(ip, c.role, `update.changed.${i}.role`, issues));
  const addedRoles = u.added.map((a, i) => resolveRole(ip, a.role, `update.added.${i}.role`, issues));
  if (issues.length) throw new InvalidInputError(issues);

  const banned = (i: number) => ip.bannedRole && i === 1;
  const ops: UpdateOps<ParsedState, PlanKey, Decision> = {
    roleOf: (state, user) => state.byUser.get(user)?.role ?? 0,
    isBanned: banned,
    actions: updateActions,
    decide: (state, key, step) => {
      const { type } = planAction(key);
      const plan = PLANS[key];
      const target = EFFECTS[type].mover === 'target' ? step.user : undefined;
      const to = plan.destination === 'to' || plan.destination === 'match' || plan.destination === 'matchNonZero' ? step.role : undefined;
      const r = evaluate(ip, state, new ParsedAction(key, type, actor, target, to, EFFECTS[type].clientsDefault, claims, undefined));
      return { decision: r.decision, next: r.decision.allowed ? applyEffect(state, r.context, ip.bannedRole) : state };
    },
    badIndex: (index, length) => fill(DENY_REASONS.bad_user_index, { count: String(index), limit: String(length) }),
    touchedTwice: (user) => fill(DENY_REASONS.user_touched_twice, { target: userLabel(user) }),
    label: userLabel,
  };
  const changed = u.changed.map((c, i) => ({ userIndex: c.userIndex, role: changedRoles[i]! }));
  const added = u.added.map((a, i) => ({ user: a.user, role: addedRoles[i]! }));
  return decideUpdate(st, st.participants.map((p) => p.user), actor, { changed, removed: u.removed, added }, ops);
}
