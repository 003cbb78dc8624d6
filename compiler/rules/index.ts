/**
 * The policy rules, in the order they run. Each checks MUSTs of the draft or internal consistency on
 * the IR, so it applies to compiled sources and decoded wire files alike.
 */
import { omittedNote, type Diagnostic, type DiagnosticKind } from '../../runtime/diagnostics.js';
import { DEFAULT_LIMITS } from '../../runtime/limits.js';
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

/**
 * Every rule's findings. At most `maxDiagnosticsPerCode` of one kind are built (default
 * DEFAULT_LIMITS.maxDiagnosticsPerCode; 0 = all); the rest are counted in one `diagnostics-omitted`
 * note per kind, as capDiagnostics does at output.
 */
export function checkPolicy(policy: Policy, file: string, provenance?: Provenance, options: { maxDiagnosticsPerCode?: number } = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cap = options.maxDiagnosticsPerCode ?? DEFAULT_LIMITS.maxDiagnosticsPerCode;
  const dropped = new Map<DiagnosticKind, number>();
  const ctx = makeContext(policy, file, provenance, out, cap > 0 ? cap : Infinity, dropped);
  for (const rule of policyRules) rule.run(ctx);
  for (const [kind, count] of dropped) out.push(omittedNote(kind, count, cap, file));
  return out;
}

export type { PolicyRule, RuleContext } from './context.js';
