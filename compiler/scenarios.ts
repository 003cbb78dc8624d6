/**
 * Running scenarios: the `given` participants become a state, each `expect` step an action decided by
 * the interpreter (runtime/evaluator — the one semantics), and every allowed step's effect carries the
 * state forward. Role names resolve against whichever policy runs the scenario, so one suite runs
 * under both role models (`compare`), with an optional renaming.
 */
import { actionFields, ACTIONS, EFFECTS, JOIN, type ActionType } from '../runtime/semantics.js';
import type { Policy, SourceSpan } from '../runtime/ir.js';
import { evaluate, type Decision } from '../runtime/evaluator/authorize.js';
import { InvalidInputError } from '../runtime/evaluator/errors.js';
import { parseAction, parseState, type ParsedState } from '../runtime/evaluator/inputs.js';
import { indexPolicy, type IndexOptions } from '../runtime/evaluator/policy.js';
import { applyEffect } from '../runtime/evaluator/update.js';
import type { ScenarioIR } from './lower.js';

export interface StepResult {
  text: string;
  span: SourceSpan;
  /** true = `expect allow` */
  expected: boolean;
  decision?: Decision;
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
}

function messageOf(e: unknown): string {
  if (e instanceof InvalidInputError) return e.message;
  throw e;
}

/** Run `scenarios` under `policy`; `names` maps role names to indexes, `rename` maps a scenario's names first. */
export function runScenarios(
  policy: Policy,
  scenarios: readonly ScenarioIR[],
  names: ReadonlyMap<string, number>,
  rename: (name: string) => string = (n) => n,
  coverage?: { roles: Set<number>; transitions: Set<string>; capabilities: Set<number> },
  /** the policy's declared private-use capability names (they name the decisions' rules) */
  indexOptions: IndexOptions = {},
): ScenarioResult[] {
  const ip = indexPolicy(policy, indexOptions);
  const roleIndex = (name: string): number => {
    const i = names.get(rename(name));
    if (i === undefined) throw new InvalidInputError([{ path: 'role', message: `role \`${rename(name)}\` is not in this policy` }]);
    return i;
  };
  return scenarios.map((sc) => {
    let state: ParsedState;
    const claimsOf = new Map(sc.given.map((g) => [g.user, g.claims]));
    try {
      state = parseState(ip, { participants: sc.given.filter((g) => g.role !== 'none').map((g) => ({ user: g.user, role: roleIndex(g.role), clients: g.clients })) });
    } catch (e) {
      const error = messageOf(e);
      return { name: sc.name, span: sc.span, steps: [], error, passed: false };
    }
    const steps: StepResult[] = sc.steps.map((st) => {
      const base = { text: st.text, span: st.span, expected: st.allow };
      try {
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
        if (coverage) {
          const actorRole = state.byUser.get(st.actor)?.role;
          if (actorRole !== undefined) coverage.roles.add(actorRole);
          if (st.target !== undefined && state.byUser.has(st.target)) coverage.roles.add(state.byUser.get(st.target)!.role);
          if (parsed.to !== undefined) coverage.roles.add(parsed.to);
          if (decision.allowed) {
            coverage.capabilities.add(context.capability);
            const consumes = st.type === 'join' ? JOIN[st.via ?? 'open'].transition : ACTIONS[st.type as ActionType].transition;
            if (consumes && context.to !== undefined) coverage.transitions.add(`${context.holder}:${context.from}->${context.to}`);
          }
        }
        // an action that moves nobody (`capability`) leaves the state as it is
        if (decision.allowed && EFFECTS[st.type].mover !== null) state = applyEffect(state, context, ip.bannedRole);
        return { ...base, decision, passed: decision.allowed === st.allow };
      } catch (e) {
        return { ...base, error: messageOf(e), passed: false };
      }
    });
    return { name: sc.name, span: sc.span, steps, passed: steps.every((s) => s.passed) };
  });
}

/** Run the scenarios and report what no step exercised. */
export function runWithCoverage(policy: Policy, scenarios: readonly ScenarioIR[], names: ReadonlyMap<string, number>, indexOptions: IndexOptions = {}): { results: ScenarioResult[]; coverage: Coverage } {
  const seen = { roles: new Set<number>(), transitions: new Set<string>(), capabilities: new Set<number>() };
  const results = runScenarios(policy, scenarios, names, undefined, seen, indexOptions);
  const transitions: Coverage['transitions'] = [];
  for (const r of policy.roles)
    for (const ch of r.changes)
      for (const to of ch.to) if (!seen.transitions.has(`${r.index}:${ch.from}->${to}`) && !transitions.some((t) => t.holder === r.index && t.from === ch.from && t.to === to)) transitions.push({ holder: r.index, from: ch.from, to });
  const allCaps = [...new Set(policy.roles.flatMap((r) => r.capabilities))].sort((a, b) => a - b);
  return {
    results,
    coverage: {
      roles: policy.roles.map((r) => r.index).filter((i) => !seen.roles.has(i)),
      transitions,
      capabilities: allCaps.filter((c) => !seen.capabilities.has(c)),
    },
  };
}
