/**
 * The AST of a `.mimi` file: plain readonly data, a string `kind` on every node, offset spans, no
 * methods (STYLE.md §3). Nodes whose required parts were lost to a syntax error are left out of their
 * parent list rather than half-built, so later phases never see holes.
 */

/** Offsets into the file text, end exclusive. Line/column are computed on demand by `LineMap`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Ident { readonly kind: 'Ident'; readonly name: string; readonly span: Span }
export interface IntLit { readonly kind: 'IntLit'; readonly value: number; readonly text: string; readonly span: Span }
export interface StringLit { readonly kind: 'StringLit'; readonly value: string; readonly span: Span }
export interface BytesLit { readonly kind: 'BytesLit'; readonly hex: string; readonly span: Span }
export interface BoolLit { readonly kind: 'BoolLit'; readonly value: boolean; readonly span: Span }
/** `none` (role index 0) */
export interface NoneRef { readonly kind: 'NoneRef'; readonly span: Span }
export type RoleRef = Ident | NoneRef;

export interface ImportDecl { readonly kind: 'Import'; readonly path: StringLit; readonly span: Span }

export type RoomSettingKey =
  | 'fixed_membership' | 'parent_dependant' | 'parent_room' | 'multi_device' | 'max_clients' | 'max_users'
  | 'pseudonyms_allowed' | 'persistent_room' | 'discoverable' | 'components';
export interface RoomSetting {
  readonly kind: 'RoomSetting';
  readonly key: RoomSettingKey;
  readonly keySpan: Span;
  readonly value: BoolLit | IntLit | StringLit | readonly IntLit[];
  readonly span: Span;
}
export interface RoomDecl { readonly kind: 'Room'; readonly name?: StringLit; readonly settings: readonly RoomSetting[]; readonly span: Span }

export interface CapabilityDecl { readonly kind: 'CapabilityDecl'; readonly name: Ident; readonly code: IntLit; readonly span: Span }
export interface CredentialDecl { readonly kind: 'CredentialDecl'; readonly name: Ident; readonly code: IntLit; readonly span: Span }

export interface PackageDecl {
  readonly kind: 'Package';
  readonly name: Ident;
  readonly required: boolean;
  readonly includes: readonly Ident[];
  readonly members: readonly Ident[];
  readonly doc?: string;
  readonly span: Span;
}

export interface RoleNameItem { readonly kind: 'RoleName'; readonly value: StringLit; readonly span: Span }
export interface RoleDescriptionItem { readonly kind: 'RoleDescription'; readonly value: StringLit; readonly span: Span }
/** `grant a, b` (or, in a hierarchy level, `grant all`: every registered non-reserved capability) */
export interface GrantItem { readonly kind: 'Grant'; readonly refs: readonly Ident[]; readonly all?: Span; readonly span: Span }
export interface ExactCapabilitiesItem { readonly kind: 'ExactCapabilities'; readonly refs: readonly (Ident | IntLit)[]; readonly span: Span }
export interface ConstraintItem {
  readonly kind: 'Constraint';
  readonly which: 'participants' | 'active';
  readonly min: IntLit;
  /** undefined = no maximum (`1..`) */
  readonly max?: IntLit;
  readonly span: Span;
}
export interface ChangeEntry { readonly kind: 'ChangeEntry'; readonly from: RoleRef; readonly to: readonly RoleRef[]; readonly span: Span }
export interface ChangesItem { readonly kind: 'Changes'; readonly entries: readonly ChangeEntry[]; readonly span: Span }
export type RoleItem = RoleNameItem | RoleDescriptionItem | GrantItem | ExactCapabilitiesItem | ConstraintItem | ChangesItem;

export interface RoleDecl {
  readonly kind: 'Role';
  readonly name: Ident;
  readonly index?: IntLit;
  readonly extends?: Ident;
  readonly doc?: string;
  readonly items: readonly RoleItem[];
  readonly span: Span;
}

export type CredentialKindName = 'basic' | 'x509' | 'jwt' | 'cwt';
export interface Claim {
  readonly kind: 'Claim';
  /** a named credential type, or `credential <code>` */
  readonly credential: { readonly kind: 'named'; readonly name: CredentialKindName; readonly span: Span } | { readonly kind: 'code'; readonly code: IntLit; readonly span: Span };
  /** absent for `basic` */
  readonly id?: StringLit | IntLit | BytesLit;
  readonly value: StringLit | BytesLit;
  readonly span: Span;
}
export interface PreauthEntry { readonly kind: 'PreauthEntry'; readonly role: RoleRef; readonly claims: readonly Claim[]; readonly anyone: boolean; readonly span: Span }
export interface PreauthDecl { readonly kind: 'Preauth'; readonly entries: readonly PreauthEntry[]; readonly span: Span }

export interface ParticipantEntry { readonly kind: 'ParticipantEntry'; readonly user: StringLit; readonly role: RoleRef; readonly span: Span }
export interface ParticipantsDecl { readonly kind: 'Participants'; readonly entries: readonly ParticipantEntry[]; readonly span: Span }

export interface HistoryDecl {
  readonly kind: 'History';
  readonly mode: 'optional' | 'required' | 'forbidden';
  readonly modeSpan: Span;
  readonly shareBy: readonly RoleRef[];
  readonly shareBySpan?: Span;
  readonly automatic?: BoolLit;
  readonly maxPeriod?: IntLit;
  readonly span: Span;
}

export interface ComponentDecl { readonly kind: 'Component'; readonly id: IntLit; readonly data: BytesLit; readonly span: Span }

/**
 * `given_by L` / `dropped_by L` / `requires L` inside a level or add-on: a level reference; `add_by L`
 * inside a level: holders of L (or above) may add users directly at this level
 */
export interface LevelRefItem { readonly kind: 'GivenBy' | 'DroppedBy' | 'Requires' | 'AddBy'; readonly level: Ident; readonly span: Span }
/** `self_assign` / `self_drop` on an add-on */
export interface FlagItem { readonly kind: 'SelfAssign' | 'SelfDrop'; readonly span: Span }
/** (`self_drop` on a level: its holders may step down; `self_assign` there is an error) */
export type LevelItem = GrantItem | ConstraintItem | LevelRefItem | FlagItem;
export type AddonItem = GrantItem | ConstraintItem | LevelRefItem | FlagItem;

/** One level of a hierarchy, lowest first. */
export interface LevelDecl { readonly kind: 'Level'; readonly name: Ident; readonly doc?: string; readonly items: readonly LevelItem[]; readonly span: Span }

export type HierarchySettingKey = 'protect' | 'entry' | 'add_by' | 'remove_by' | 'kick_by' | 'leave' | 'open_join';
/** A hierarchy-wide rule: `protect strictly_lower`, `entry regular`, `add_by moderator`, `leave` … */
export interface HierarchySetting {
  readonly kind: 'HierarchySetting';
  readonly key: HierarchySettingKey;
  readonly keySpan: Span;
  /** the level named (entry, *_by) or the protection mode (protect); absent for flags */
  readonly value?: Ident;
  readonly span: Span;
}
export interface HierarchyDecl { readonly kind: 'Hierarchy'; readonly levels: readonly LevelDecl[]; readonly settings: readonly HierarchySetting[]; readonly span: Span }

/** An add-on role stacked on a level (the multi-role model). */
export interface AddonDecl { readonly kind: 'Addon'; readonly name: Ident; readonly doc?: string; readonly items: readonly AddonItem[]; readonly span: Span }

/** `members_only`: only participants may be banned (no pre-emptive ban of a user not in the room) */
export type BansSettingKey = 'by' | 'unban_by' | 'reasons' | 'expiry' | 'members_only';
export interface BansSetting { readonly kind: 'BansSetting'; readonly key: BansSettingKey; readonly keySpan: Span; readonly value?: Ident; readonly span: Span }
/** The separate ban list of the multi-role model. */
export interface BansDecl { readonly kind: 'Bans'; readonly settings: readonly BansSetting[]; readonly span: Span }

/** `@99` in a scenario's `given`: a role by index, which the policy may not define */
export interface IndexRef { readonly kind: 'IndexRef'; readonly index: IntLit; readonly span: Span }
/** `alice: org_b_admin clients 2 claims { x509 "2.5.4.11" = "IT" }` in a scenario's `given` */
export interface GivenEntry {
  readonly kind: 'GivenEntry';
  readonly user: Ident;
  /** the user's role (`none`: not in the participant list) */
  readonly role: RoleRef | IndexRef;
  readonly clients?: IntLit;
  readonly claims: readonly Claim[];
  readonly span: Span;
}
/** `expect allow|deny <actor> <action> [<target>] [to <role>] [via open|preauth|code] [clients N]` */
export interface ExpectStep {
  readonly kind: 'Expect';
  readonly allow: boolean;
  readonly actor: Ident;
  /** the action verb (add, remove, changeRole, ban, unban, kick, leave, …, capability) */
  readonly action: Ident;
  /** the target user, or for `capability` the capability name */
  readonly target?: Ident;
  /** for `capability`, a capability code written as a number (`capability 0xF001`) */
  readonly code?: IntLit;
  readonly to?: RoleRef;
  readonly via?: Ident;
  readonly clients?: IntLit;
  /** `commit { … }`: the changes of one update, decided all or nothing */
  readonly changes?: readonly CommitChange[];
  readonly span: Span;
}
/** One change of a `commit { … }`: `changeRole b to owner`, `add c to member`, `remove d`, `ban e`, `unban f to member` */
export interface CommitChange { readonly kind: 'CommitChange'; readonly verb: Ident; readonly target: Ident; readonly to?: RoleRef; readonly span: Span }
/** What a state check asserts of a user (`unknown`: words that are none of these, reported when lowered) */
export type StateCheck =
  | { readonly kind: 'role'; readonly role: RoleRef }
  | { readonly kind: 'inRoom'; readonly negated: boolean }
  | { readonly kind: 'banned'; readonly negated: boolean }
  | { readonly kind: 'clients'; readonly count: IntLit }
  | { readonly kind: 'unknown'; readonly span: Span };
/** `expect u is moderator`, `expect u not in room`, `expect u banned`, `expect u clients 2`: the state after the steps before */
export interface ExpectState { readonly kind: 'ExpectState'; readonly subject: Ident; readonly check: StateCheck; readonly span: Span }
/** `expect participants { a: owner  b: member clients 2 }`: the whole participant list (clients checked where written) */
export interface ExpectList { readonly kind: 'ExpectList'; readonly entries: readonly GivenEntry[]; readonly span: Span }
export type ScenarioStep = ExpectStep | ExpectState | ExpectList;
export interface ScenarioDecl { readonly kind: 'Scenario'; readonly name: StringLit; readonly given: readonly GivenEntry[]; readonly steps: readonly ScenarioStep[]; readonly span: Span }

/** `allow <finding-kind> for <role> because "<reason>"`: an analysis finding the author intends */
export interface AllowDecl { readonly kind: 'Allow'; readonly finding: Ident; readonly role: RoleRef; readonly reason: StringLit; readonly span: Span }

/** A construct of a later version (`hierarchy`, `scenario` …): parsed loosely, rejected by the parser. */
export interface ReservedDecl { readonly kind: 'Reserved'; readonly word: string; readonly span: Span }

export type Item =
  | ImportDecl | RoomDecl | CapabilityDecl | CredentialDecl | PackageDecl | RoleDecl | PreauthDecl
  | ParticipantsDecl | HistoryDecl | ComponentDecl | AllowDecl | HierarchyDecl | AddonDecl | BansDecl | ScenarioDecl | ReservedDecl;

export interface SourceFile {
  readonly kind: 'File';
  readonly file: string;
  readonly text: string;
  readonly items: readonly Item[];
  readonly comments: readonly Comment[];
}
export interface Comment { readonly kind: 'Comment'; readonly text: string; readonly doc: boolean; readonly span: Span }

export type ItemKind = Item['kind'];

/** Line/column (1-based) for offsets of one text. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  lineText(line: number): string {
    const s = this.starts[line - 1] ?? this.text.length;
    const e = this.starts[line] !== undefined ? this.starts[line] - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }
  get lineCount(): number {
    return this.starts.length;
  }
}
