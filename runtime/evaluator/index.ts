/**
 * The reference interpreter of the authorization semantics (runtime/semantics.ts, docs/semantics.md):
 * authorize one action, a whole ParticipantListUpdate, preauthorization and capability queries.
 * Inputs are validated against their schemas (data: runtime/schema.ts); malformed input throws InvalidInputError.
 */
export { authorize, evaluate, firstPreauthMatch, type Decision } from './authorize.js';
export { authorizeUpdate, type ChangeDecision, type UpdateDecision } from './update.js';
export { allowedTargets, canTransition, hasCapability, preauthorizedRole, transitionUses } from './queries.js';
export { indexPolicy, IndexedPolicy, type IndexOptions } from './policy.js';
export {
  parseAction,
  parseState,
  ParsedAction,
  ParsedState,
  ActionInputShape,
  StateInputShape,
  ParticipantInputShape,
  ClaimInputShape,
  SenderInputShape,
  UpdateInputShape,
  type ActionInput,
  type StateInput,
  type ParticipantInput,
  type ClaimInput,
  type RoleRef,
  type CapabilityRef,
  type SenderInput,
  type UpdateInput,
} from './inputs.js';
export { InvalidInputError, type InputIssue } from './errors.js';
export { parseJson, parseJsonBytes, scanJson, decodeUtf8, lineColumn, DEFAULT_MAX_JSON_DEPTH, type JsonError, type JsonMember, type JsonParse, type JsonScan, type JsonScanOptions } from './json.js';
export { LineSplitter, readLines, type InputLine, type LineSplitterOptions } from './lines.js';
export { readCase, StateCache, CASE_KEYS, type CaseError, type CaseInput, type StateCacheOptions, type StateEntry } from './batch.js';
