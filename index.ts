/**
 * mimi-policy as a library: everything a command does is a typed function here (parse, compile and
 * check, encode/decode, decompile, build outputs). The CLI only parses arguments and renders.
 */
export { parse, type ParseResult, type SourceFile } from './grammar/index.js';
export * from './compiler/index.js';
export * from './runtime/ir.js';
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
export { format, isFormatted, mimiPlugin, MimiSyntaxError, type FormatOptions } from './compiler/format/index.js';
