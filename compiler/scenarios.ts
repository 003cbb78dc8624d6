/**
 * Running scenarios: the `given` participants become a state, each `expect` step an action decided by
 * the interpreter (runtime/evaluator — the one semantics), and every allowed step's effect carries the
 * state forward. Role names resolve against whichever policy runs the scenario, so one suite runs
 * under both role models (`compare`), with an optional renaming.
 */
import { actionFields, ACTIONS, EFFECTS, JOIN, PLANS, planAction, type ActionType, type JoinVia, type PlanKey } from '../runtime/semantics.js';
import type { Claim, Policy, SourceSpan } from '../runtime/ir.js';
import { evaluate, type Context, type Decision } from '../runtime/evaluator/authorize.js';
import { InvalidInputError } from '../runtime/evaluator/errors.js';
import { ParsedAction, parseAction, parseState, type ParsedState, type UpdateInput } from '../runtime/evaluator/inputs.js';
import { IndexedPolicy, indexPolicy, type IndexOptions } from '../runtime/evaluator/policy.js';
import { applyEffect, authorizeUpdate, type ChangeDecision, type UpdateDecision } from '../runtime/evaluator/update.js';
import type { CommitStepIR, ListStepIR, ScenarioIR, ScenarioStepIR, StateStepIR } from './lower.js';

export interface StepResult {
  /** `action`: one action; `commit`: several changes as one update; `state`/`list`: a check of the state */
  kind: ScenarioStepIR['kind'];
  text: string;
  span: SourceSpan;
  /** true = `expect allow` (and for a check: that it holds) */
  expected: boolean;
  /** the decision of an action, or of a commit as a whole */
  decision?: Decision;
  /** a commit's changes as decided, in the order they apply, up to the first denied one */
  changes?: ChangeDecision[];
  /** a check: what it expects and what the state is */
  check?: { expected: string; actual: string };
  /** the step could not be run under this policy (an unknown role name, malformed action) */
  error?: string;
  passed: boolean;
}

export interface ScenarioResult {
  name: string;
  span: SourceSpan;
  steps: StepResult[];
  /** set when the `given` state cannot be built under this policy */
  error?: string;
  passed: boolean;
}

export interface Coverage {
  /** role indexes no step touched (as actor's role, target's role or destination) */
  roles: number[];
  /** `holder:from->to` entries no allowed step consumed */
  transitions: { holder: number; from: number; to: number }[];
  /** capabilities held by some role that no allowed step used */
  capabilities: number[];
  /** how much of the policy the scenarios exercised: (roles + entries + capabilities touched) / all, 0–100 */
  percent: number;
}

type Seen = { roles: Set<number>; transitions: Set<string>; capabilities: Set<number> };

function messageOf(e: unknown): string {
  if (e instanceof InvalidInputError) return e.message;
  throw e;
}

const stepError = (message: string) => new InvalidInputError([{ path: '', message }]);

/** Run `scenarios` under `policy`; `names` maps role names to indexes, `rename` maps a scenario's names first. */
export function runScenarios(
  policy: Policy | IndexedPolicy,
  scenarios: readonly ScenarioIR[],
  names: ReadonlyMap<string, number>,
  rename: (name: string) => string = (n) => n,
  coverage?: Seen,
  /** the policy's declared private-use capability names (they name the decisions' rules) */
  indexOptions: IndexOptions = {},
): ScenarioResult[] {
  const ip = indexPolicy(policy, indexOptions);
  const roleIndex = (name: string | number): number => {
    if (typeof name === 'number') return name;
    const i = names.get(rename(name));
    if (i === undefined) throw new InvalidInputError([{ path: 'role', message: `role \`${rename(name)}\` is not in this policy` }]);
    return i;
  };
  const roleLabel = (i: number): string => (i === 0 ? 'none' : (ip.roleName(i) ?? `@${i}`));
  return scenarios.map((sc) => {
    let state: ParsedState;
    const claimsOf = new Map(sc.given.map((g) => [g.user, g.claims]));
    try {
      // `none` (and `@0`): not in the list
      const listed = sc.given.map((g) => ({ user: g.user, role: g.role === 'none' ? 0 : roleIndex(g.role), clients: g.clients })).filter((g) => g.role !== 0);
      state = parseState(ip, { participants: listed });
    } catch (e) {
      const error = messageOf(e);
      return { name: sc.name, span: sc.span, steps: [], error, passed: false };
    }
    const touch = (actor: string, target: string | undefined, to: number | undefined) => {
      if (!coverage) return;
      const actorRole = state.byUser.get(actor)?.role;
      if (actorRole !== undefined) coverage.roles.add(actorRole);
      if (target !== undefined && state.byUser.has(target)) coverage.roles.add(state.byUser.get(target)!.role);
      if (to !== undefined) coverage.roles.add(to);
    };
    const consumed = (type: ActionType, via: JoinVia | undefined, context: Context) => {
      if (!coverage) return;
      coverage.capabilities.add(context.capability);
      const consumes = type === 'join' ? JOIN[via ?? 'open'].transition : ACTIONS[type].transition;
      if (consumes && context.to !== undefined) coverage.transitions.add(`${context.holder}:${context.from}->${context.to}`);
    };
    const steps: StepResult[] = sc.steps.map((st): StepResult => {
      const base = { kind: st.kind, text: st.text, span: st.span, expected: st.kind === 'action' || st.kind === 'commit' ? st.allow : true };
      try {
        switch (st.kind) {
          case 'state':
          case 'list': {
            const check = st.kind === 'state' ? checkUser(st, state, ip, roleIndex, roleLabel) : checkList(st, state, roleIndex, roleLabel);
            return { ...base, check, passed: check.expected === check.actual };
          }
          case 'commit': {
            const r = runCommit(st, state, ip, roleIndex, claimsOf.get(st.actor));
            for (const c of r.decision.changes) touch(st.actor, c.user, c.change === 'removed' ? undefined : r.roles.get(c.user));
            if (r.decision.allowed) {
              for (const { key, context } of r.applied) consumed(planAction(key).type, planAction(key).via, context);
              state = r.next;
            }
            const { changes, ...decision } = r.decision;
            return { ...base, decision, changes: [...changes], passed: r.decision.allowed === st.allow };
          }
          case 'action': {
            const f = actionFields(st.type);
            const action: Record<string, unknown> = { type: st.type, actor: st.actor };
            if (f.target && st.target !== undefined) action.target = st.target;
            if (f.to && st.to !== undefined) action.to = roleIndex(st.to);
            if (f.clients && st.clients !== undefined) action.clients = st.clients;
            if (f.via) action.via = st.via ?? 'open';
            if (f.capability && (st.capabilityCode ?? st.capability) !== undefined) action.capability = st.capabilityCode ?? st.capability;
            const claims = claimsOf.get(st.actor);
            if (claims && claims.length > 0) action.claims = claims;
            const parsed = parseAction(ip, action);
            const { decision, context } = evaluate(ip, state, parsed);
            touch(st.actor, st.target, parsed.to);
            if (decision.allowed) consumed(st.type, st.via, context);
            // an action that moves nobody (`capability`) leaves the state as it is
            if (decision.allowed && EFFECTS[st.type].mover !== null) state = applyEffect(state, context, ip.bannedRole);
            return { ...base, decision, passed: decision.allowed === st.allow };
          }
        }
      } catch (e) {
        return { ...base, error: messageOf(e), passed: false };
      }
    });
    return { name: sc.name, span: sc.span, steps, passed: steps.every((s) => s.passed) };
  });
}

/** `expect u is R` and the rest: what the check expects and what the state says, in the same words. */
function checkUser(st: StateStepIR, state: ParsedState, ip: IndexedPolicy, roleIndex: (n: string | number) => number, roleLabel: (i: number) => string): { expected: string; actual: string } {
  const entry = state.byUser.get(st.user);
  const role = entry?.role ?? 0;
  const u = `\`${st.user}\``;
  const banned = ip.bannedRole && role === 1;
  const c = st.check;
  switch (c.kind) {
    case 'role':
      return { expected: `${u} is ${roleLabel(roleIndex(c.role))}`, actual: `${u} is ${roleLabel(role)}` };
    case 'inRoom': {
      // in the room: listed, and not in the banned role
      const inRoom = entry !== undefined && !banned;
      const say = (v: boolean) => `${u} is ${v ? '' : 'not '}in the room`;
      return { expected: say(!c.negated), actual: `${say(inRoom)}${entry && inRoom === c.negated ? ` (listed as ${roleLabel(role)})` : ''}` };
    }
    case 'banned': {
      if (!ip.bannedRole) throw stepError('this policy has no banned role (index 1 named `banned`): a ban removes the user from the list');
      const say = (v: boolean) => `${u} is ${v ? '' : 'not '}banned`;
      return { expected: say(!c.negated), actual: say(banned) };
    }
    case 'clients':
      return { expected: `${u} has ${c.count} client${c.count === 1 ? '' : 's'}`, actual: `${u} has ${entry?.clients ?? 0} client${(entry?.clients ?? 0) === 1 ? '' : 's'}` };
  }
}

/** `expect participants { … }`: the whole list, sorted by user, clients only where the check writes them. */
function checkList(st: ListStepIR, state: ParsedState, roleIndex: (n: string | number) => number, roleLabel: (i: number) => string): { expected: string; actual: string } {
  const want = new Map(st.entries.map((e) => [e.user, e]));
  const show = (user: string, role: number, clients: number | undefined) => `${user}: ${roleLabel(role)}${clients === undefined ? '' : ` clients ${clients}`}`;
  const expected = st.entries.map((e) => show(e.user, roleIndex(e.role), e.clients)).sort();
  const actual = state.participants.map((p) => show(p.user, p.role, want.get(p.user)?.clients === undefined ? undefined : p.clients)).sort();
  return { expected: `{ ${expected.join(', ')} }`, actual: `{ ${actual.join(', ')} }` };
}

/**
 * A commit: its changes as one ParticipantListUpdate by the actor, decided by the library's
 * `authorizeUpdate` (all or nothing); when allowed, the changes are applied in the order it decided them.
 */
function runCommit(st: CommitStepIR, state: ParsedState, ip: IndexedPolicy, roleIndex: (n: string | number) => number, claims: readonly Claim[] | undefined) {
  const position = new Map(state.participants.map((p, i) => [p.user, i]));
  const listed = (user: string, verb: string) => {
    const i = position.get(user);
    if (i === undefined) throw stepError(`\`${verb} ${user}\`: \`${user}\` is not in the participant list`);
    return i;
  };
  const update: UpdateInput = { changed: [], removed: [], added: [] };
  const roles = new Map<string, number>();
  for (const ch of st.changes) {
    switch (ch.verb) {
      case 'add':
        roles.set(ch.target, roleIndex(ch.to!));
        update.added.push({ user: ch.target, role: roleIndex(ch.to!) });
        break;
      case 'remove':
        update.removed.push(listed(ch.target, ch.verb));
        break;
      case 'ban':
        if (!ip.bannedRole) throw stepError('`ban` in a commit: this policy has no banned role (index 1 named `banned`)');
        roles.set(ch.target, 1);
        // a user not in the list is banned by adding them in the banned role
        if (position.has(ch.target)) update.changed.push({ userIndex: position.get(ch.target)!, role: 1 });
        else update.added.push({ user: ch.target, role: 1 });
        break;
      case 'changeRole':
      case 'unban':
        roles.set(ch.target, roleIndex(ch.to!));
        update.changed.push({ userIndex: listed(ch.target, ch.verb), role: roleIndex(ch.to!) });
        break;
    }
  }
  const sender = claims && claims.length > 0 ? { user: st.actor, claims: [...claims] } : st.actor;
  const decision: UpdateDecision = authorizeUpdate(ip, state, sender as never, update);
  // the state after an allowed update: each change applied as it was decided (the update core's own order)
  let next = state;
  const applied: { key: PlanKey; context: Context }[] = [];
  if (decision.allowed)
    for (const c of decision.changes) {
      const { type } = planAction(c.action);
      const plan = PLANS[c.action];
      const to = plan.destination === 'to' || plan.destination === 'match' || plan.destination === 'matchNonZero' ? (c.change === 'removed' ? 0 : roles.get(c.user)) : undefined;
      const target = EFFECTS[type].mover === 'target' ? c.user : undefined;
      const r = evaluate(ip, next, new ParsedAction(c.action, type, st.actor, target, to, EFFECTS[type].clientsDefault, claims && claims.length > 0 ? claims : null, undefined));
      if (!r.decision.allowed) throw new Error(`a change the update allowed is denied on replay: ${r.decision.reason}`);
      applied.push({ key: c.action, context: r.context });
      next = applyEffect(next, r.context, ip.bannedRole);
    }
  return { decision, next, applied, roles };
}

/** Run the scenarios and report what no step exercised. */
export function runWithCoverage(policy: Policy, scenarios: readonly ScenarioIR[], names: ReadonlyMap<string, number>, indexOptions: IndexOptions = {}): { results: ScenarioResult[]; coverage: Coverage } {
  const seen: Seen = { roles: new Set<number>(), transitions: new Set<string>(), capabilities: new Set<number>() };
  const results = runScenarios(policy, scenarios, names, undefined, seen, indexOptions);
  const entries = new Set<string>();
  const transitions: Coverage['transitions'] = [];
  for (const r of policy.roles)
    for (const ch of r.changes)
      for (const to of ch.to) {
        const key = `${r.index}:${ch.from}->${to}`;
        if (entries.has(key)) continue;
        entries.add(key);
        if (!seen.transitions.has(key)) transitions.push({ holder: r.index, from: ch.from, to });
      }
  const allCaps = [...new Set(policy.roles.flatMap((r) => r.capabilities))].sort((a, b) => a - b);
  const roles = policy.roles.map((r) => r.index).filter((i) => !seen.roles.has(i));
  const capabilities = allCaps.filter((c) => !seen.capabilities.has(c));
  const total = policy.roles.length + entries.size + allCaps.length;
  const missed = roles.length + transitions.length + capabilities.length;
  // one decimal, rounded down: 89.96% is not 90%
  const percent = total === 0 ? 100 : Math.floor((1000 * (total - missed)) / total) / 10;
  return { results, coverage: { roles, transitions, capabilities, percent } };
}
