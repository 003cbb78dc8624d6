/**
 * Malformed input to an evaluator: an error, never a decision (semantics.md, "Terms"). Carries every
 * problem found, each with the path of the offending field, so callers can report them precisely.
 */
export interface InputIssue {
  /** e.g. `participants.2.role`, `action.to` */
  path: string;
  message: string;
}

export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(readonly issues: readonly InputIssue[]) {
    super(issues.map((i) => (i.path ? `\`${i.path}\`: ${i.message}` : i.message)).join('; '));
  }
}

export const invalid = (path: string, message: string): never => {
  throw new InvalidInputError([{ path, message }]);
};
