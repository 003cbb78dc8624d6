/**
 * Diagnostics are data with a stable code (STYLE.md §7). Every problem the toolchain reports — a
 * syntax error, an unresolved name, a violated MUST of the draft, a malformed wire file — is one of
 * these, and every code lives in the one table below. Messages start lowercase, put names in
 * backticks, state one fact and have no final period; the fix goes in `help`.
 */
import type { SourceSpan } from './ir.js';

export type Severity = 'error' | 'warning' | 'info';

export interface DiagnosticLabel {
  span: SourceSpan;
  message: string;
}

/** A role as findings name it: its index and its name (`none` for an undeclared role 0). */
export interface PathRole {
  index: number;
  name: string;
}

/**
 * One step of a path-shaped finding (escalation, ban evasion, lockout): a holder of `actor` performs
 * `action` (an action type of runtime/semantics.ts: add, remove, changeRole, ban, unban, leave, join,
 * changeOwnRole, or `capability` for a policy rewrite) using `capability`, and moves a user from
 * `target.from` to `target.to` (role 0 = not in the participant list).
 */
export interface PathStep {
  actor: PathRole;
  action: string;
  capability: string;
  target: { from: PathRole; to: PathRole };
}

export interface Diagnostic {
  /** stable code, e.g. `E0201` */
  code: string;
  /** stable kebab-case name of the code, e.g. `unknown-capability` */
  kind: DiagnosticKind;
  severity: Severity;
  message: string;
  file: string;
  /** primary span; absent for problems in wire files, which carry `offset` instead */
  span?: SourceSpan;
  /** byte offset, for problems found in wire bytes */
  offset?: number;
  /** related places ("first defined here") */
  labels?: DiagnosticLabel[];
  help?: string;
  /** analysis findings: the role indexes involved, the role the finding is about first */
  roles?: number[];
  /** analysis findings: a refinement of the kind (escalation: direct, sock-puppet, chain, policy-rewrite) */
  subkind?: string;
  /** path-shaped findings: the shortest witness, step by step */
  path?: PathStep[];
  /** set when an `allow <kind> for <role> because "…"` line acknowledges the finding */
  acknowledged?: { reason: string };
  /** `diagnostics-omitted` only: the code whose further diagnostics were left out, and how many */
  omitted?: { code: string; kind: DiagnosticKind; count: number; /** the count is a lower bound (counting stopped at a work limit) */ atLeast?: boolean };
}

interface CodeInfo {
  code: string;
  severity: Severity;
  /** one line for the README's table of codes */
  summary: string;
}

/**
 * All diagnostic codes. E0xxx syntax, E01xx names, E02xx draft MUSTs and consistency, E03xx wire,
 * E04xx I/O, W05xx/I05xx the analyses (compiler/analyses: what the role system allows).
 */
export const DIAGNOSTIC_CODES = {
  // --- syntax (grammar/)
  'syntax-error': { code: 'E0001', severity: 'error', summary: 'the parser expected something else here' },
  'invalid-token': { code: 'E0002', severity: 'error', summary: 'a character that cannot start any token' },
  'invalid-literal': { code: 'E0003', severity: 'error', summary: 'a malformed number, string escape or hex string' },
  'reserved-keyword': { code: 'E0004', severity: 'error', summary: 'a word reserved for a later version (today only `use`)' },
  'too-many-errors': { code: 'E0005', severity: 'error', summary: 'reporting stopped after 100 diagnostics' },
  'limit-exceeded': { code: 'E0006', severity: 'error', summary: 'an input, or the output it would produce, is larger than a limit (the message names the flag that raises it)' },
  'diagnostics-omitted': { code: 'I0007', severity: 'info', summary: 'more diagnostics of one code than the cap (default 100 per code): the first are kept, the rest counted' },
  // --- names and declarations (compiler/resolve, compiler/passes: resolve-names, check-program)
  'unknown-capability': { code: 'E0101', severity: 'error', summary: 'a name in `grant` that is neither a capability nor a package' },
  'unknown-role': { code: 'E0102', severity: 'error', summary: 'a role name that no role declares' },
  'unknown-package': { code: 'E0103', severity: 'error', summary: 'an `includes` of a package that does not exist' },
  'duplicate-declaration': { code: 'E0104', severity: 'error', summary: 'two roles, packages, capabilities or credential types with one name' },
  'import-not-found': { code: 'E0105', severity: 'error', summary: 'an import that names no file or stdlib module' },
  'import-cycle': { code: 'E0106', severity: 'error', summary: 'files that import each other' },
  'package-cycle': { code: 'E0107', severity: 'error', summary: 'packages that include each other' },
  'extends-cycle': { code: 'E0108', severity: 'error', summary: 'roles that extend each other' },
  'private-capability-range': { code: 'E0109', severity: 'error', summary: 'a declared capability code outside the private-use range 0xF000–0xFFFF' },
  'undeclared-private-capability': { code: 'E0110', severity: 'error', summary: 'a private-use capability code that the policy does not declare' },
  'reserved-capability': { code: 'W0111', severity: 'warning', summary: 'a capability the registry reserves (no defined semantics yet)' },
  'unknown-credential-type': { code: 'E0112', severity: 'error', summary: 'a `jwt`/`cwt` claim whose credential type code is not declared' },
  'duplicate-setting': { code: 'E0113', severity: 'error', summary: 'a room setting or role property given twice' },
  'value-out-of-range': { code: 'E0114', severity: 'error', summary: 'a number that does not fit its wire field (uint16/uint32)' },
  'invalid-claim': { code: 'E0115', severity: 'error', summary: 'a malformed claim id (OID, CWT key)' },
  'exact-capabilities-conflict': { code: 'E0116', severity: 'error', summary: '`capabilities [...]` combined with `grant` or `extends`' },
  'duplicate-grant': { code: 'W0117', severity: 'warning', summary: 'a capability granted twice to the same role (directly, by a package or by extends)' },
  'duplicate-component': { code: 'E0118', severity: 'error', summary: 'a `component` id given twice, or one that mimi-policy models itself' },
  'unknown-finding-kind': { code: 'E0119', severity: 'error', summary: 'an `allow` line naming a finding kind that no analysis reports' },
  // --- the multi-role model (hierarchy, add-ons, bans) and its lowering (compiler/lower-hierarchy)
  'mixed-role-models': { code: 'E0120', severity: 'error', summary: '`role` declarations and a `hierarchy` in one room (the two models may not be mixed)' },
  'unknown-level': { code: 'E0121', severity: 'error', summary: 'a level or add-on name that the hierarchy does not declare' },
  'hierarchy-too-large': { code: 'E0122', severity: 'error', summary: 'lowering would create more roles (default limit 4,096) or authorized role-change targets (default 1,000,000) than the limit, counted before lowering' },
  'model-without-hierarchy': { code: 'E0123', severity: 'error', summary: '`addon` or `bans` without a `hierarchy`' },
  'lowering-lost': { code: 'W0124', severity: 'warning', summary: 'something the single-role wire format cannot carry (ban reasons, expiry, `grant all`, self-assignment …)' },
  'lowering-info': { code: 'I0125', severity: 'info', summary: 'how many roles a hierarchy lowered to, and the bound' },
  'protection-overrides-level': { code: 'W0126', severity: 'warning', summary: 'a `given_by`, `dropped_by` or `add_by` level that the protection rule keeps from acting: only a higher level can' },
  // --- scenarios (compiler/lower, compiler/scenarios)
  'invalid-step': { code: 'E0130', severity: 'error', summary: 'a scenario step with an unknown action, a missing target or destination, or an unknown user or capability' },
  // --- the draft's MUSTs and internal consistency (compiler/rules, on the IR)
  'duplicate-role-index': { code: 'E0201', severity: 'error', summary: 'two roles with the same index' },
  'banned-role-name': { code: 'W0202', severity: 'warning', summary: 'role 1 is not named `banned`: it is an ordinary role, and `canBan`/`canUnBan` authorize nothing' },
  'banned-name-not-role-1': { code: 'W0203', severity: 'warning', summary: 'a role named `banned` that is not role 1 (it will not act as the banned role)' },
  'open-join-not-role-0': { code: 'E0204', severity: 'error', summary: '`canOpenJoin` on a role other than 0' },
  'fixed-membership-add': { code: 'E0205', severity: 'error', summary: 'a fixed-membership room gives a non-zero, non-banned role `canAddParticipant`' },
  'history-role-invalid': { code: 'E0206', severity: 'error', summary: 'history sharing names role 0, role 1, an undefined role or a role whose active maximum is 0' },
  'constraint-min-max': { code: 'E0207', severity: 'error', summary: 'a constraint whose minimum exceeds its maximum' },
  'transition-undefined-role': { code: 'E0208', severity: 'error', summary: 'an authorized role change naming a role that is not defined' },
  'transition-self': { code: 'E0209', severity: 'error', summary: 'an authorized role change from a role to itself' },
  'parent-room-mismatch': { code: 'E0210', severity: 'error', summary: '`parent_room` set without `parent_dependant`, or missing with it' },
  'preauth-role-mismatch': { code: 'E0211', severity: 'error', summary: 'a preauth entry embeds a role that differs from the role list, or one that is not defined' },
  'participant-role-invalid': { code: 'E0212', severity: 'error', summary: 'a participant list entry with role 0 or an undefined role, or a user listed twice' },
  'history-forbidden-fields': { code: 'E0213', severity: 'error', summary: 'sharing settings given for a `history forbidden` policy' },
  'duplicate-capability': { code: 'W0214', severity: 'warning', summary: 'a capability listed twice in one role (wire input)' },
  'unknown-capability-code': { code: 'W0215', severity: 'warning', summary: 'a capability code that is neither registered nor private-use (wire input)' },
  'component-ids-mismatch': { code: 'W0216', severity: 'warning', summary: '`policy_component_ids` does not list the policy components the room carries' },
  'max-users-exceeded': { code: 'E0217', severity: 'error', summary: 'the initial participant list is longer than `max_users`' },
  'role-max-exceeded': { code: 'E0218', severity: 'error', summary: 'the initial participant list puts more users in a role than its maximum' },
  'duplicate-transition-source': { code: 'I0219', severity: 'info', summary: 'two `changes` entries with the same source role (they combine)' },
  // --- wire input (runtime/codec through the CLI)
  'wire-decode': { code: 'E0301', severity: 'error', summary: 'bytes that are not a valid encoding of the expected structure' },
  // --- I/O
  'io-error': { code: 'E0401', severity: 'error', summary: 'a file that cannot be read' },
  'graph-layout-failed': { code: 'E0402', severity: 'error', summary: 'Graphviz (WebAssembly) failed or aborted while laying out the role graph for SVG' },
  // --- analyses (compiler/analyses): what the role system actually allows
  'inert-capability': { code: 'W0501', severity: 'warning', summary: 'a granted capability that its holders can never exercise (no usable `changes` entry, no preauth entry, no banned role …)' },
  'dead-transition': { code: 'W0502', severity: 'warning', summary: 'an authorized role change that none of the holder\'s capabilities can use' },
  'constraint-conflict': { code: 'W0503', severity: 'warning', summary: 'participant constraints that contradict each other, exceed `max_users`, or that no sequence of actions can meet' },
  'preauth-shadowed': { code: 'W0504', severity: 'warning', summary: 'a preauth entry that is never the first match: an earlier entry matches whenever it does' },
  'preauth-unusable': { code: 'W0505', severity: 'warning', summary: 'a preauth entry that authorizes nothing: no join, no `canChangeOwnRole`, nothing its role lets an unlisted sender do' },
  escalation: { code: 'W0506', severity: 'warning', summary: 'holders of a role can come to exercise a capability the role lacks (direct, sock-puppet, chain, policy-rewrite)' },
  'ban-evasion': { code: 'W0507', severity: 'warning', summary: 'a banned user can get back to a non-banned role without anyone who may unban them' },
  lockout: { code: 'W0508', severity: 'warning', summary: 'an administrative capability the room can lose for good (its last holder can go, nobody can appoint another)' },
  'rank-inversion': { code: 'I0509', severity: 'info', summary: 'holders of a role can remove, ban, kick or demote holders of a role whose capabilities strictly contain theirs' },
  'unused-acknowledgement': { code: 'I0510', severity: 'info', summary: 'an `allow` line that matches no finding' },
  'last-holder': { code: 'I0511', severity: 'info', summary: 'a role with a participant minimum: its last holders can never leave or be removed' },
  'unmet-minimum': { code: 'W0512', severity: 'warning', summary: 'the participant list leaves a role under its minimum: the room breaks the constraint from the start' },
  'creation-only-role': { code: 'W0513', severity: 'warning', summary: 'a role with a minimum that nothing leads to: only users listed at creation can ever hold it' },
  'role-zero-maximum': { code: 'I0514', severity: 'info', summary: 'a participant or active maximum on role 0, which is never counted (it means nothing)' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticKind = keyof typeof DIAGNOSTIC_CODES;

/** Build a diagnostic of `kind` with its table code and severity. */
export function diagnostic(
  kind: DiagnosticKind,
  message: string,
  file: string,
  span: SourceSpan | undefined,
  extra: { labels?: DiagnosticLabel[]; help?: string; offset?: number; severity?: Severity } = {},
): Diagnostic {
  const info = DIAGNOSTIC_CODES[kind];
  const d: Diagnostic = { code: info.code, kind, severity: extra.severity ?? info.severity, message, file };
  if (span) d.span = span;
  if (extra.offset !== undefined) d.offset = extra.offset;
  if (extra.labels && extra.labels.length > 0) d.labels = extra.labels;
  if (extra.help) d.help = extra.help;
  return d;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** Deterministic order: file, position, then code. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.span?.start ?? a.offset ?? -1) - (b.span?.start ?? b.offset ?? -1) ||
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/**
 * The note that stands for `count` diagnostics of `kind` left out after the first `shown` (`atLeast`:
 * counting itself stopped, so `count` is a lower bound). One wording for the rules, the analyses and
 * capDiagnostics.
 */
export function omittedNote(kind: DiagnosticKind, count: number, shown: number, file: string, atLeast = false, flag = '--max-diagnostics'): Diagnostic {
  const code = DIAGNOSTIC_CODES[kind].code;
  const note = diagnostic('diagnostics-omitted', `${atLeast ? 'at least ' : ''}${count} more \`${code}\` (${kind}) ${count === 1 ? 'diagnostic' : 'diagnostics'} not shown; the first ${shown} are`, file, undefined, {
    help: `show more with \`${flag} <n>\` (0 shows all)`,
  });
  note.omitted = { code, kind, count, ...(atLeast ? { atLeast: true } : {}) };
  return note;
}

/**
 * Keep at most `perCode` diagnostics of each code in each file (the first ones, in the given order) and
 * replace the rest by one `diagnostics-omitted` note per code and file that counts them, at the end. A
 * note already in `ds` (from the rules or the analyses, which stop building findings at their own cap)
 * absorbs what this drops of its code, so there is never more than one note per code and file.
 * `perCode` 0 or Infinity keeps everything. Linear in the number of diagnostics.
 */
export function capDiagnostics(ds: readonly Diagnostic[], perCode: number, flag = '--max-diagnostics'): Diagnostic[] {
  const unlimited = !(perCode > 0) || perCode === Infinity;
  const seen = new Map<string, { kept: number; dropped: number; atLeast: boolean; kind: DiagnosticKind; file: string; note?: Diagnostic }>();
  const entry = (file: string, kind: DiagnosticKind) => {
    const key = `${file}\u0000${kind}`;
    let s = seen.get(key);
    if (!s) seen.set(key, (s = { kept: 0, dropped: 0, atLeast: false, kind, file }));
    return s;
  };
  const out: Diagnostic[] = [];
  for (const d of ds) {
    if (d.omitted) {
      const s = entry(d.file, d.omitted.kind);
      s.dropped += d.omitted.count;
      s.atLeast ||= !!d.omitted.atLeast;
      s.note ??= d;
      continue;
    }
    const s = entry(d.file, d.kind);
    if (unlimited || s.kept < perCode) {
      s.kept++;
      out.push(d);
    } else s.dropped++;
  }
  for (const s of seen.values()) {
    if (s.dropped === 0 && !s.atLeast) continue;
    // an upstream note that nothing was added to is passed on as it was
    if (s.note && s.note.omitted!.count === s.dropped) out.push(s.note);
    else out.push(omittedNote(s.kind, s.dropped, s.kept, s.file, s.atLeast, flag));
  }
  return out;
}
