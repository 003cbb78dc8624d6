/**
 * mimi-policy as a library: everything a command does is a typed function here (parse, compile and
 * check, encode/decode, decompile, build outputs). The CLI only parses arguments and renders.
 *
 * Other entry points: `mimi-policy/runtime` (runtime/index.ts: codec, semantics, interpreter, without
 * the compiler), `mimi-policy/emit` (the TypeScript emitter) and `mimi-policy/format` (the formatter).
 * The emitter and the formatter are not loaded with this module: `emitTypeScript`, `format` and
 * `isFormatted` below import them on first call.
 */
import type * as TypeScriptEmitter from './compiler/emit/typescript.js';
import type * as Formatter from './compiler/format/index.js';

export { parse, type ParseResult, type SourceFile } from './grammar/index.js';
// compiler/index.ts, without its emitter (see emitTypeScript below)
export { compileFile, compileSource, loadWire, type CompileResult, type CompileOptions, type LoadWireResult, type WireKind } from './compiler/compile.js';
export { lower, type Symbols, type LowerResult } from './compiler/lower.js';
export { loadProgram, nodeHost, memoryHost, packageRoot, type CompilerHost, type Program } from './compiler/resolve.js';
export { checkPolicy, policyRules, type PolicyRule, type RuleContext } from './compiler/rules/index.js';
export { renderHuman, renderPlain, diagnosticJson, summaryLine, describeStep, type RenderOptions } from './compiler/render.js';
export { DiagnosticJson, CheckReportJson, SpanJson, PathStepJson, jsonSchemas } from './compiler/diagnostics-json.js';
export { toSarif, sarifRules, pathToSarifUri, SARIF_VERSION, SARIF_SCHEMA_URI, type SarifLog, type SarifResult, type SarifRule, type SarifLocation, type SarifOptions } from './compiler/sarif.js';
export { suggest, didYouMean } from './runtime/suggest.js';
export { analyse, analyses, FINDING_KINDS, type AnalyseOptions, type Analysis, type Finding } from './compiler/analyses/index.js';
export { Explainer, type CapabilityAnswer, type RoleAnswer } from './compiler/analyses/shared/explain.js';
export { decompile, DecompileError, type DecompileOptions } from './compiler/emit/source.js';
// the pictures and scenario runs as data (what `graph`, `matrix` and `test` render; the playground uses them)
export { graphModel, renderDot, renderMermaid, type GraphModel, type GraphEdge } from './compiler/emit/graph.js';
export { highlightsOf } from './compiler/emit/highlights.js';
export { buildMatrix, renderMatrixHtml, MATRIX_CSS, type Matrix, type Cell } from './compiler/emit/matrix.js';
export { runScenarios, runWithCoverage, type ScenarioResult, type StepResult, type Coverage } from './compiler/scenarios.js';
export { namesOf, roleNamesOf } from './compiler/compare.js';
export type { TypeScriptEmitOptions } from './compiler/emit/typescript.js';
export type { FormatOptions } from './compiler/format/index.js';

/** The generated TypeScript evaluator of a policy (compiler/emit/typescript.ts, loaded on first call; all of it: `mimi-policy/emit`). */
export async function emitTypeScript(...args: Parameters<typeof TypeScriptEmitter.emitTypeScript>): ReturnType<typeof TypeScriptEmitter.emitTypeScript> {
  return (await import('./compiler/emit/typescript.js')).emitTypeScript(...args);
}
/** A .mimi source formatted (the prettier plugin, loaded on first call; all of it: `mimi-policy/format`). */
export async function format(...args: Parameters<typeof Formatter.format>): ReturnType<typeof Formatter.format> {
  return (await import('./compiler/format/index.js')).format(...args);
}
/** Whether a .mimi source is formatted (loads the formatter on first call). */
export async function isFormatted(...args: Parameters<typeof Formatter.isFormatted>): ReturnType<typeof Formatter.isFormatted> {
  return (await import('./compiler/format/index.js')).isFormatted(...args);
}
export * from './runtime/ir.js';
// zod schemas of the IR and the evaluator inputs, derived from their shapes (not in `mimi-policy/runtime`)
export * from './runtime/zod.js';
export * from './runtime/diagnostics.js';
export * from './runtime/codec/index.js';
export { capabilities, capabilityByCode, capabilityByName, isPrivateUse, type CapabilityInfo } from './runtime/registry.js';
// the interpreter of the authorization semantics (runtime/evaluator)
export {
  authorize,
  authorizeUpdate,
  allowedTargets,
  canTransition,
  hasCapability,
  preauthorizedRole,
  transitionUses,
  indexPolicy,
  IndexedPolicy,
  parseAction,
  parseState,
  ParsedAction,
  ParsedState,
  InvalidInputError,
  type Decision,
  type ChangeDecision,
  type UpdateDecision,
  type IndexOptions,
  type ActionInput,
  type StateInput,
  type ParticipantInput,
  type ClaimInput,
  type CapabilityRef,
  type SenderInput,
  type UpdateInput,
  type InputIssue,
} from './runtime/evaluator/index.js';
