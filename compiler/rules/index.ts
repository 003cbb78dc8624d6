/**
 * The policy rules, in the order they run. Each checks MUSTs of the draft or internal consistency on
 * the IR, so it applies to compiled sources and decoded wire files alike.
 */
import type { Diagnostic } from '../../runtime/diagnostics.js';
import type { Policy, Provenance } from '../../runtime/ir.js';
import { baseConsistency } from './base.js';
import { capabilityPlacement } from './capabilities.js';
import { constraintPairs } from './constraints.js';
import { makeContext, type PolicyRule } from './context.js';
import { historyRoles } from './history.js';
import { participantRoles } from './participants.js';
import { preauthTargets } from './preauth.js';
import { roleIndexes } from './role-indexes.js';
import { transitionTargets } from './transitions.js';

export const policyRules: readonly PolicyRule[] = [
  roleIndexes,
  capabilityPlacement,
  constraintPairs,
  transitionTargets,
  historyRoles,
  baseConsistency,
  preauthTargets,
  participantRoles,
];

export function checkPolicy(policy: Policy, file: string, provenance?: Provenance): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = makeContext(policy, file, provenance, out);
  for (const rule of policyRules) rule.run(ctx);
  return out;
}

export type { PolicyRule, RuleContext } from './context.js';
