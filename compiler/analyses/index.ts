/**
 * The analyses, in the order they run (STYLE.md §4: one analysis per file, registered here; a
 * meta-test checks every file is listed, has a unique code and a test). Each reads the policy IR, so
 * they apply to compiled sources and decoded wire or JSON policies alike; they run only on policies
 * without errors. Findings an `allow <kind> for <role> because "…"` line names are marked acknowledged.
 */
import { diagnostic, DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticKind } from '../../runtime/diagnostics.js';
import type { Policy, Provenance, SourceSpan } from '../../runtime/ir.js';
import { banEvasion } from './ban-evasion.js';
import { constraintConflict } from './constraint-conflict.js';
import { creationOnlyRole } from './creation-only-role.js';
import { deadTransition } from './dead-transition.js';
import { escalation } from './escalation.js';
import { inertCapability } from './inert-capability.js';
import { lastHolder } from './last-holder.js';
import { lockout } from './lockout.js';
import { preauthShadowed } from './preauth-shadowed.js';
import { preauthUnusable } from './preauth-unusable.js';
import { rankInversion } from './rank-inversion.js';
import { roleZeroMaximum } from './role-zero-maximum.js';
import { unmetMinimum } from './unmet-minimum.js';
import { AnalysisContext, type Analysis } from './shared/context.js';
import type { RoleModel } from './shared/role-model.js';

export const analyses: readonly Analysis[] = [
  inertCapability,
  deadTransition,
  constraintConflict,
  preauthShadowed,
  preauthUnusable,
  escalation,
  banEvasion,
  lockout,
  rankInversion,
  unmetMinimum,
  creationOnlyRole,
  lastHolder,
  roleZeroMaximum,
];

/** The finding kinds an `allow` line may name. */
export const FINDING_KINDS: readonly DiagnosticKind[] = analyses.map((a) => a.kind);

/** An `allow` line, as the analyses need it. */
export interface AllowLine {
  kind: string;
  role: number;
  reason: string;
  span?: SourceSpan;
}

export interface AnalyseOptions {
  provenance?: Provenance;
  acknowledgements?: readonly AllowLine[];
  /** run only these kinds */
  only?: readonly DiagnosticKind[];
  /** a role model already built for this policy */
  model?: RoleModel;
  /**
   * Findings built in full per kind (default `DEFAULT_LIMITS.maxDiagnosticsPerCode`, 100; 0 = all):
   * after that many (or once their paths and labels add up to that number squared), an analysis only
   * counts the rest, reported as one `diagnostics-omitted` (I0007) note per kind. Findings an `allow`
   * line names are always built.
   */
  maxFindingsPerKind?: number;
}

/** Run every analysis on a policy (one without errors) and return its findings, acknowledgements applied. */
export function analyse(policy: Policy, file: string, options: AnalyseOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const acks = options.acknowledgements ?? [];
  const acknowledged = new Set(acks.map((a) => `${a.kind}|${a.role}`));
  const ctx = new AnalysisContext(policy, file, options.provenance, out, options.model, { maxFindings: options.maxFindingsPerKind, acknowledged });
  for (const a of analyses) if (!options.only || options.only.includes(a.kind)) ctx.run(a);
  // each finding takes the reason of the first line naming its kind and role; every such line is used
  const byKey = new Map<string, number[]>();
  acks.forEach((a, i) => {
    const key = `${a.kind}|${a.role}`;
    const l = byKey.get(key);
    if (l) l.push(i);
    else byKey.set(key, [i]);
  });
  const used = new Set<number>();
  for (const d of out) {
    const lines = byKey.get(`${d.kind}|${d.roles?.[0]}`);
    if (!lines) continue;
    d.acknowledged = { reason: acks[lines[0]].reason };
    for (const j of lines) used.add(j);
  }
  let names: Map<number, string> | undefined;
  acks.forEach((a, i) => {
    if (used.has(i) || !FINDING_KINDS.includes(a.kind as DiagnosticKind) || (options.only && !options.only.includes(a.kind as DiagnosticKind))) return;
    if (!names) {
      names = new Map();
      for (const r of policy.roles) if (!names.has(r.index)) names.set(r.index, r.name);
    }
    const role = names.get(a.role) ?? (a.role === 0 ? 'none' : `role ${a.role}`);
    out.push(diagnostic('unused-acknowledgement', `\`allow ${a.kind} for ${role}\` matches no finding`, a.span?.file ?? file, a.span, { help: 'remove the line (the finding it acknowledged is gone)' }));
  });
  return out;
}

/** Codes of the analyses are the ones in the diagnostic table (checked at load: a mismatch is a bug here). */
for (const a of analyses) if (DIAGNOSTIC_CODES[a.kind].code !== a.code) throw new Error(`analyses: ${a.kind} has code ${a.code}, the table says ${DIAGNOSTIC_CODES[a.kind].code}`);

export type { Analysis, Finding } from './shared/context.js';
export { AnalysisContext } from './shared/context.js';
export { RoleModel, type Move } from './shared/role-model.js';
export { EscalationGraph, type Witness } from './shared/role-graph.js';
