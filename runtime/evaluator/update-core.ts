/**
 * How a whole ParticipantListUpdate is decided (docs/semantics.md, "Outside single-action
 * authorization"), once for both evaluators: role changes, then removals (indexes into the list before
 * the update), then additions; each user at most once; each change authorized on its own, as the first
 * of the actions it may be (most specific first) that allows it, against the state as it evolves; the
 * first change no action allows denies the update.
 *
 * The interpreter (runtime/evaluator/update.ts) calls `decideUpdate`; the code generator embeds this
 * file's text in every generated evaluator (compiler/emit/embedded.ts, `npm run embed`; a test fails
 * while that copy is stale). So it imports nothing, and reaches the evaluator only through `ops`.
 */

export type UpdateChange = 'changed' | 'removed' | 'added';

/** One change of the update, in the order changes apply. */
export interface UpdateStep {
  readonly change: UpdateChange;
  /** its position in its own list (`changed`, `removed` or `added`) */
  readonly position: number;
  readonly user: string;
  /** the role the change gives the user (0: removed from the list) */
  readonly role: number;
}

/** An update with its roles resolved to indexes. */
export interface ResolvedUpdate {
  readonly changed: readonly { readonly userIndex: number; readonly role: number }[];
  readonly removed: readonly number[];
  readonly added: readonly { readonly user: string; readonly role: number }[];
}

export interface DecisionLike {
  readonly allowed: boolean;
  readonly rule: string;
  readonly reason: string;
}

/** What deciding an update needs from an evaluator. */
export interface UpdateOps<S, K extends string, D extends DecisionLike> {
  /** the user's role in a state (0: not listed) */
  roleOf(state: S, user: string): number;
  isBanned(role: number): boolean;
  /** the actions a change may be authorized as, most specific first (runtime/semantics.ts updateActions) */
  actions(change: UpdateChange, self: boolean, fromBanned: boolean, toBanned: boolean): readonly K[];
  /** the change decided as action `key` in `state`, and the state after it (used when it is allowed) */
  decide(state: S, key: K, step: UpdateStep): { readonly decision: D; readonly next: S };
  /** the reason of `bad_user_index`: the update names index `index` of a `length`-entry list */
  badIndex(index: number, length: number): string;
  /** the reason of `user_touched_twice` */
  touchedTwice(user: string): string;
  /** how a user is named in a reason */
  label(user: string): string;
}

export interface UpdateChangeDecision<K extends string, D extends DecisionLike> {
  readonly change: UpdateChange;
  readonly position: number;
  readonly user: string;
  /** the action the change was decided as (the one that allowed it, or the first tried when all deny) */
  readonly action: K;
  readonly decision: D;
}

export interface UpdateResult<K extends string, D extends DecisionLike> extends DecisionLike {
  /** the changes decided, in the order they apply, up to the first denied one */
  readonly changes: readonly UpdateChangeDecision<K, D>[];
}

/** Decide an update sent by `sender` against `state`, whose participants before the update are `listed` (in list order). */
export function decideUpdate<S, K extends string, D extends DecisionLike>(state: S, listed: readonly string[], sender: string, update: ResolvedUpdate, ops: UpdateOps<S, K, D>): UpdateResult<K, D> {
  for (const i of [...update.changed.map((c) => c.userIndex), ...update.removed])
    if (i >= listed.length) return { allowed: false, rule: 'bad_user_index', reason: ops.badIndex(i, listed.length), changes: [] };
  const steps: UpdateStep[] = [
    ...update.changed.map((c, i): UpdateStep => ({ change: 'changed', position: i, user: listed[c.userIndex]!, role: c.role })),
    ...update.removed.map((r, i): UpdateStep => ({ change: 'removed', position: i, user: listed[r]!, role: 0 })),
    ...update.added.map((a, i): UpdateStep => ({ change: 'added', position: i, user: a.user, role: a.role })),
  ];
  const touched = new Set<string>();
  for (const s of steps) {
    if (touched.has(s.user)) return { allowed: false, rule: 'user_touched_twice', reason: ops.touchedTwice(s.user), changes: [] };
    touched.add(s.user);
  }
  const decided: UpdateChangeDecision<K, D>[] = [];
  let current = state;
  for (const s of steps) {
    const keys = ops.actions(s.change, s.user === sender, ops.isBanned(ops.roleOf(current, s.user)), ops.isBanned(s.role));
    let first: { readonly action: K; readonly decision: D } | undefined;
    let allowed: { readonly action: K; readonly decision: D; readonly next: S } | undefined;
    for (const action of keys) {
      const r = ops.decide(current, action, s);
      if (first === undefined) first = { action, decision: r.decision };
      if (r.decision.allowed) {
        allowed = { action, ...r };
        break;
      }
    }
    const chosen = allowed ?? first;
    if (chosen === undefined) throw new Error(`no action for a ${s.change} change`);
    decided.push({ change: s.change, position: s.position, user: s.user, action: chosen.action, decision: chosen.decision });
    if (allowed === undefined) return { allowed: false, rule: chosen.decision.rule, reason: `${s.change} ${ops.label(s.user)}: ${chosen.decision.reason}`, changes: decided };
    current = allowed.next;
  }
  return { allowed: true, rule: 'ok:update', reason: `all ${steps.length} changes are authorized`, changes: decided };
}
