/**
 * Lowering: the checked program (all files, imports first) → the policy IR plus its provenance side
 * table, in three passes with explicit inputs and outputs (shared/DESIGN.md):
 *
 * 1. resolve (passes/resolve-names.ts): declarations → symbol tables (capabilities, credential types,
 *    packages, roles with indexes and capabilities); every unresolved name reported with a suggestion;
 * 2. check (passes/check-program.ts): the program-level checks (blocks given twice, the role model);
 * 3. lower (passes/lower-policy.ts): → Policy IR, provenance, scenarios and acknowledged findings.
 *
 * Every diagnostic is located in the file it comes from (passes/context.ts: no "current file").
 */
import type * as A from '../grammar/index.js';
import type { Diagnostic } from '../runtime/diagnostics.js';
import type { Claim, Policy, Provenance, SourceSpan } from '../runtime/ir.js';
import type { ActionType, JoinVia } from '../runtime/semantics.js';
import type { LoweringSize } from './lower-hierarchy.js';
import { checkProgram } from './passes/check-program.js';
import { createContext } from './passes/context.js';
import { lowerPolicy } from './passes/lower-policy.js';
import { resolveNames } from './passes/resolve-names.js';

/** What the program declares, by name (for editors, the decompiler and later phases). */
export interface Symbols {
  privateCapabilities: Map<string, { code: number; span: SourceSpan }>;
  packages: Map<string, { decl: A.PackageDecl; span: SourceSpan; capabilities: number[]; required: boolean }>;
  /** declared roles (`decl` set) and, in a hierarchy room, the lowered ones (`decl` absent) */
  roles: Map<string, { index: number; span: SourceSpan; decl?: A.RoleDecl }>;
  /** set when the room is written in the multi-role model */
  hierarchy?: { stateCount: number; bound: number; levels: string[]; addons: string[]; /** predicted before lowering: roles, change targets, RoleData bytes (about) */ size: LoweringSize };
  credentialTypes: Map<string, number>;
  roomName?: string;
}

/** An `allow` line: a finding of `kind` about `role` that the author acknowledges. */
export interface Acknowledgement {
  /** the finding kind as written (validated against the analyses' registry by the analysis phase) */
  kind: string;
  kindSpan: SourceSpan;
  /** role index (0 for `none`) */
  role: number;
  reason: string;
  span: SourceSpan;
}

/** A scenario, resolved but model-independent: roles stay names, so it can run against any policy. */
export interface ScenarioIR {
  name: string;
  span: SourceSpan;
  /** `role`: a role name, or an index written `@N` (which the policy may not define) */
  given: { user: string; role: string | number; clients: number; claims: Claim[]; span: SourceSpan }[];
  steps: ScenarioStepIR[];
}
/** A step: an action, a commit of several changes, a check of one user's state or of the whole list. */
export type ScenarioStepIR = ActionStepIR | CommitStepIR | StateStepIR | ListStepIR;
export type CommitVerb = 'add' | 'remove' | 'changeRole' | 'ban' | 'unban';
/** `expect allow|deny a commit { changeRole b to owner; changeRole a to admin }`: one update, all or nothing */
export interface CommitStepIR {
  kind: 'commit';
  allow: boolean;
  actor: string;
  changes: { verb: CommitVerb; target: string; to?: string; span: SourceSpan }[];
  span: SourceSpan;
  text: string;
}
/** What a state check asserts of a user after the steps before it. */
export type StateCheckIR = { kind: 'role'; role: string } | { kind: 'inRoom'; negated: boolean } | { kind: 'banned'; negated: boolean } | { kind: 'clients'; count: number };
/** `expect u is moderator`, `expect u not in room`, `expect u banned`, `expect u clients 2` */
export interface StateStepIR {
  kind: 'state';
  user: string;
  check: StateCheckIR;
  span: SourceSpan;
  text: string;
}
/** `expect participants { … }`: the whole list, in any order (clients checked where written) */
export interface ListStepIR {
  kind: 'list';
  entries: { user: string; role: string | number; clients?: number }[];
  span: SourceSpan;
  text: string;
}
export interface ActionStepIR {
  kind: 'action';
  allow: boolean;
  actor: string;
  type: ActionType;
  target?: string;
  /** destination role name (`none` = 0) */
  to?: string;
  via?: JoinVia;
  clients?: number;
  /** the capability as written (a name, or the code in hex) */
  capability?: string;
  /** its code, resolved where the scenario is written (declared private-use names included) */
  capabilityCode?: number;
  span: SourceSpan;
  /** the step as written, for reports */
  text: string;
}

export interface LowerResult {
  policy: Policy;
  scenarios: ScenarioIR[];
  acknowledgements: Acknowledgement[];
  provenance: Provenance;
  symbols: Symbols;
  diagnostics: Diagnostic[];
}

export interface LowerOptions {
  /** refuse hierarchies that lower to more roles than this (default 4,096) */
  maxLoweredRoles?: number;
  /** refuse hierarchies whose lowered roles hold more authorized role-change targets than this (default 1,000,000) */
  maxLoweredTargets?: number;
}


export function lower(files: readonly A.SourceFile[], options: LowerOptions = {}): LowerResult {
  const ctx = createContext(files);
  const names = resolveNames(ctx);
  const checked = checkProgram(ctx, names);
  const lowered = lowerPolicy(ctx, names, checked, options);
  return { ...lowered, diagnostics: ctx.diagnostics };
}
