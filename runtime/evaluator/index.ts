/**
 * The reference interpreter of the authorization semantics (runtime/semantics.ts, docs/semantics.md):
 * authorize one action, a whole ParticipantListUpdate, preauthorization and capability queries.
 * Inputs are validated with zod; malformed input throws InvalidInputError.
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
  ActionInputSchema,
  StateInputSchema,
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
