/**
 * The formatter's view of a `.mimi` file: the grammar's AST regrouped into what a reader sees — line
 * items (a role, a grant line, a `changes` entry …), the `{ … }` blocks that hold them, the
 * comma-separated lists inside a line, and the words (names and literals, with their source text).
 *
 * The grammar's AST is built for compiling: it merges `share_by` lines, keeps hierarchy levels apart
 * from hierarchy settings, and keeps only decoded literal values. The formatter needs the source
 * order, every literal as written (`1_000`, `0x1F4`, escapes) and the offset of every `{`, so this
 * module derives that from the AST and the text, never by re-parsing.
 */
import type * as A from '../../grammar/index.js';

/** A comment as prettier attaches it (prettier adds `leading`/`trailing`/`printed`/`placement`). */
export interface FComment {
  readonly kind: 'Comment';
  readonly text: string;
  /** `///` or `/** … *\/`: a doc comment, which may become a role's or package's description */
  readonly doc: boolean;
  readonly start: number;
  readonly end: number;
  /** prettier's name for the text, used in its own error messages */
  readonly value: string;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  placement?: 'ownLine' | 'endOfLine' | 'remaining';
  /** a comment from inside a line item's own tokens, printed on its own line above the item */
  moved?: boolean;
}

interface Base {
  readonly start: number;
  readonly end: number;
  comments?: FComment[];
}

/** A name or a literal, printed as written (role refs `a+b` normalised to `a + b`). */
export interface FWord extends Base { readonly kind: 'Word'; readonly text: string }
/** `{ … }`; `expanded` when the source had a line break right after `{` (kept, as prettier does for objects). */
export interface FBlock extends Base { readonly kind: 'Block'; readonly items: readonly FItem[]; readonly expanded: boolean }
/** `[a, b]` of `capabilities [...]` and `components [...]` */
export interface FBracketed extends Base { readonly kind: 'Bracketed'; readonly elements: readonly FWord[] }
/** `2`, `1..`, `0..5` */
export interface FRange extends Base { readonly kind: 'Range'; readonly min: FWord; readonly max?: FWord; readonly exact: boolean }
export interface FFile extends Base { readonly kind: 'File'; readonly items: readonly FItem[]; comments: FComment[] }

export interface FImport extends Base { readonly kind: 'Import'; readonly path: FWord }
/** `keyword head… { body }`: room, changes, preauth, participants, history, hierarchy, level, addon, bans, scenario, given */
export interface FSection extends Base { readonly kind: 'Section'; readonly keyword: string; readonly head: readonly FWord[]; readonly body?: FBlock }
/** `keyword [value]`: a room setting, `name "…"`, `participants 1..`, `capabilities [...]`, `entry x`, `leave` … */
export interface FSetting extends Base { readonly kind: 'Setting'; readonly keyword: string; readonly value?: FWord | FBracketed | FRange }
/** `keyword a, b, c`: `grant`, `share_by` */
export interface FListSetting extends Base { readonly kind: 'ListSetting'; readonly keyword: string; readonly items: readonly FWord[] }
/** `capability NAME = CODE`, `credential jwt = CODE` */
export interface FDecl extends Base { readonly kind: 'Decl'; readonly keyword: 'capability' | 'credential'; readonly name: FWord; readonly code: FWord }
export interface FPackage extends Base { readonly kind: 'Package'; readonly required: boolean; readonly name: FWord; readonly includes: readonly FWord[]; readonly body: FBlock }
/** The members of a package written on one source line: the author's grouping is kept. */
export interface FMemberLine extends Base { readonly kind: 'MemberLine'; readonly names: readonly FWord[] }
export interface FRole extends Base { readonly kind: 'Role'; readonly name: FWord; readonly index?: FWord; readonly extends?: FWord; readonly body: FBlock }
/** `from -> a, b` (no targets: `from -> []`) */
export interface FChangeEntry extends Base { readonly kind: 'ChangeEntry'; readonly from: FWord; readonly to: readonly FWord[] }
export interface FPreauthEntry extends Base { readonly kind: 'PreauthEntry'; readonly role: FWord; readonly claims: readonly FClaim[]; readonly anyone: boolean }
/** `x509 "2.5.4.11" = "IT"`, `basic = "…"`, `credential 0x0005 hex"01" = hex"02"` */
export interface FClaim extends Base { readonly kind: 'Claim'; readonly credential: string; readonly code?: FWord; readonly id?: FWord; readonly value: FWord }
export interface FParticipantEntry extends Base { readonly kind: 'ParticipantEntry'; readonly user: FWord; readonly role: FWord }
export interface FComponent extends Base { readonly kind: 'Component'; readonly id: FWord; readonly data: FWord }
export interface FAllow extends Base { readonly kind: 'Allow'; readonly finding: FWord; readonly role: FWord; readonly reason: FWord }
/** `alice: role clients 2 claims { … }` (`claims` present when the source had a `claims { }` block) */
export interface FGivenEntry extends Base { readonly kind: 'GivenEntry'; readonly user: FWord; readonly role: FWord; readonly clients?: FWord; readonly claims?: readonly FClaim[] }
export interface FExpect extends Base {
  readonly kind: 'Expect';
  readonly allow: boolean;
  readonly actor: FWord;
  readonly action: FWord;
  readonly target?: FWord;
  /** `capability 0xF001`: the code as written */
  readonly code?: FWord;
  readonly to?: FWord;
  readonly via?: FWord;
  readonly clients?: FWord;
  /** `commit { … }`: the changes, one block (inline items are printed `;`-separated) */
  readonly changes?: FBlock;
}
/** A change of a commit: `changeRole b to owner` */
export interface FCommitChange extends Base { readonly kind: 'CommitChange'; readonly verb: FWord; readonly target: FWord; readonly to?: FWord }
/** `expect u is moderator`: the check's fixed words (`is`, `not in room`, `clients` …) and its role or count */
export interface FExpectState extends Base { readonly kind: 'ExpectState'; readonly subject: FWord; readonly check: string; readonly value?: FWord }

/** What stands on its own line(s) in a file or a block. */
export type FItem =
  | FImport | FSection | FSetting | FListSetting | FDecl | FPackage | FMemberLine | FRole | FChangeEntry | FPreauthEntry
  | FParticipantEntry | FComponent | FAllow | FGivenEntry | FExpect | FCommitChange | FExpectState;
export type FNode = FFile | FBlock | FWord | FBracketed | FRange | FClaim | FItem;
export type FKind = FNode['kind'];

/** The child keys of each node kind, for prettier's comment attachment (a new kind is a compile error until listed). */
export const VISITOR_KEYS: { readonly [K in FKind]: readonly (keyof Extract<FNode, { kind: K }>)[] } = {
  File: ['items'],
  Block: ['items'],
  Word: [],
  Bracketed: ['elements'],
  Range: ['min', 'max'],
  Import: ['path'],
  Section: ['head', 'body'],
  Setting: ['value'],
  ListSetting: ['items'],
  Decl: ['name', 'code'],
  Package: ['name', 'includes', 'body'],
  MemberLine: ['names'],
  Role: ['name', 'index', 'extends', 'body'],
  ChangeEntry: ['from', 'to'],
  PreauthEntry: ['role', 'claims'],
  Claim: ['code', 'id', 'value'],
  ParticipantEntry: ['user', 'role'],
  Component: ['id', 'data'],
  Allow: ['finding', 'role', 'reason'],
  GivenEntry: ['user', 'role', 'clients', 'claims'],
  Expect: ['actor', 'action', 'target', 'code', 'to', 'via', 'clients', 'changes'],
  CommitChange: ['verb', 'target', 'to'],
  ExpectState: ['subject', 'value'],
};

/**
 * The comma-separated lists of a line (grant names, `changes` targets, claims joined by `and` …): a
 * comment between two elements of one list stays between them; any other comment inside a line
 * item's own tokens is moved above the item (see comments.ts).
 */
export const LIST_KEYS: ReadonlySet<string> = new Set(['ListSetting.items', 'Package.includes', 'MemberLine.names', 'Bracketed.elements', 'ChangeEntry.to', 'PreauthEntry.claims', 'GivenEntry.claims']);

export interface FormatTree {
  root: FFile;
  /** every node's parent (the root has none) */
  parents: ReadonlyMap<object, FNode>;
  /** for each element of a list (LIST_KEYS), the list it belongs to */
  lists: ReadonlyMap<object, readonly FNode[]>;
  /** every comment, in source order */
  comments: readonly FComment[];
}

/** Build the format tree of a file that parsed without diagnostics. */
export function buildFormatTree(ast: A.SourceFile): FormatTree {
  const text = ast.text;
  const comments: FComment[] = ast.comments.map((c) => ({ kind: 'Comment', text: c.text, doc: c.doc, start: c.span.start, end: c.span.end, value: c.text }));

  const commentEndByStart = new Map(comments.map((c) => [c.start, c.end]));
  const commentStartByEnd = new Map(comments.map((c) => [c.end, c.start]));
  /** The offset of the next character that is neither whitespace nor inside a comment. */
  const nextSignificant = (offset: number): number => {
    let i = offset;
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      const end = commentEndByStart.get(i);
      if (end === undefined) return i;
      i = end;
    }
  };
  /** The end of the previous token before `offset` (skipping whitespace and comments). */
  const prevSignificantEnd = (offset: number): number => {
    let i = offset;
    for (;;) {
      while (i > 0 && /\s/.test(text[i - 1])) i--;
      const start = commentStartByEnd.get(i);
      if (start === undefined) return i;
      i = start;
    }
  };
  /** The start of `keyword` written just before `offset` (settings whose AST node keeps only the value). */
  const keywordBefore = (offset: number, keyword: string): number => {
    const end = prevSignificantEnd(offset);
    return text.slice(end - keyword.length, end) === keyword ? end - keyword.length : offset;
  };

  const word = (span: A.Span, t = text.slice(span.start, span.end)): FWord => ({ kind: 'Word', text: t, start: span.start, end: span.end });
  const ident = (i: A.Ident): FWord => word(i.span, i.name);
  const ref = (r: A.RoleRef | A.IndexRef): FWord => (r.kind === 'NoneRef' ? word(r.span, 'none') : r.kind === 'IndexRef' ? word(r.span, `@${text.slice(r.index.span.start, r.index.span.end)}`) : word(r.span, r.name.split('+').join(' + ')));
  const lit = (l: A.IntLit | A.StringLit | A.BytesLit | A.BoolLit): FWord => word(l.span);

  /** The block whose `{` is the first token after `after` and whose `}` ends at `end`. */
  const block = (after: number, end: number, items: FItem[]): FBlock => {
    const open = nextSignificant(after);
    const firstItem = items[0]?.start ?? end - 1;
    return { kind: 'Block', items, expanded: text.slice(open + 1, firstItem).includes('\n'), start: open, end };
  };
  const section = (keyword: string, span: A.Span, head: FWord[], body?: FBlock): FSection => ({ kind: 'Section', keyword, head, ...(body ? { body } : {}), start: span.start, end: span.end });
  const setting = (keyword: string, span: A.Span, value?: FSetting['value']): FSetting => ({ kind: 'Setting', keyword, ...(value ? { value } : {}), start: span.start, end: span.end });
  const bracketed = (afterKeyword: number, end: number, elements: FWord[]): FBracketed => ({ kind: 'Bracketed', elements, start: nextSignificant(afterKeyword), end });
  const range = (min: A.IntLit, max: A.IntLit | undefined, end: number): FRange => {
    const exact = max !== undefined && max.span.start === min.span.start;
    return { kind: 'Range', min: lit(min), ...(max && !exact ? { max: lit(max) } : {}), exact, start: min.span.start, end };
  };
  const claim = (c: A.Claim): FClaim => ({
    kind: 'Claim',
    credential: c.credential.kind === 'named' ? c.credential.name : 'credential',
    ...(c.credential.kind === 'code' ? { code: lit(c.credential.code) } : {}),
    ...(c.id ? { id: lit(c.id) } : {}),
    value: lit(c.value),
    start: c.span.start,
    end: c.span.end,
  });
  const grant = (g: A.GrantItem): FItem =>
    g.all ? setting('grant', g.span, word(g.all)) : { kind: 'ListSetting', keyword: 'grant', items: g.refs.map(ident), start: g.span.start, end: g.span.end };
  const constraint = (c: A.ConstraintItem): FSetting => setting(c.which, c.span, range(c.min, c.max, c.span.end));

  const roleItem = (i: A.RoleItem): FItem => {
    switch (i.kind) {
      case 'RoleName':
        return setting('name', i.span, lit(i.value));
      case 'RoleDescription':
        return setting('description', i.span, lit(i.value));
      case 'Grant':
        return grant(i);
      case 'ExactCapabilities':
        return setting('capabilities', i.span, bracketed(i.span.start + 'capabilities'.length, i.span.end, i.refs.map((r) => (r.kind === 'Ident' ? ident(r) : lit(r)))));
      case 'Constraint':
        return constraint(i);
      case 'Changes':
        return section(
          'changes',
          i.span,
          [],
          block(
            i.span.start + 'changes'.length,
            i.span.end,
            i.entries.map((e): FChangeEntry => ({ kind: 'ChangeEntry', from: ref(e.from), to: e.to.map(ref), start: e.span.start, end: e.span.end })),
          ),
        );
    }
  };
  const modelItem = (i: A.AddonItem): FItem => {
    switch (i.kind) {
      case 'Grant':
        return grant(i);
      case 'Constraint':
        return constraint(i);
      case 'GivenBy':
        return setting('given_by', i.span, ident(i.level));
      case 'DroppedBy':
        return setting('dropped_by', i.span, ident(i.level));
      case 'Requires':
        return setting('requires', i.span, ident(i.level));
      case 'AddBy':
        return setting('add_by', i.span, ident(i.level));
      case 'SelfAssign':
        return setting('self_assign', i.span);
      case 'SelfDrop':
        return setting('self_drop', i.span);
    }
  };

  /** A package's members, grouped by the source line they are written on. */
  const memberLines = (members: readonly A.Ident[]): FMemberLine[] => {
    const lines: FMemberLine[] = [];
    let current: A.Ident[] = [];
    const flush = () => {
      if (current.length) lines.push({ kind: 'MemberLine', names: current.map(ident), start: current[0].span.start, end: current[current.length - 1].span.end });
      current = [];
    };
    for (const m of members) {
      const prev = current[current.length - 1];
      if (prev && text.slice(prev.span.end, m.span.start).includes('\n')) flush();
      current.push(m);
    }
    flush();
    return lines;
  };

  /** History settings in source order; `share_by` lines between two other settings stay apart. */
  const historySettings = (h: A.HistoryDecl): FItem[] => {
    const singles: FItem[] = [];
    if (h.automatic) singles.push(setting('automatic', { start: keywordBefore(h.automatic.span.start, 'automatic'), end: h.automatic.span.end }, lit(h.automatic)));
    if (h.maxPeriod) singles.push(setting('max_period', { start: keywordBefore(h.maxPeriod.span.start, 'max_period'), end: h.maxPeriod.span.end }, lit(h.maxPeriod)));
    const runs: A.RoleRef[][] = [];
    for (const r of h.shareBy) {
      const last = runs[runs.length - 1];
      const prev = last?.[last.length - 1];
      if (prev && !singles.some((s) => s.start > prev.span.end && s.start < r.span.start)) last.push(r);
      else runs.push([r]);
    }
    const shares: FItem[] = runs.map((run) => ({
      kind: 'ListSetting',
      keyword: 'share_by',
      items: run.map(ref),
      start: keywordBefore(run[0].span.start, 'share_by'),
      end: run[run.length - 1].span.end,
    }));
    return [...shares, ...singles].sort((a, b) => a.start - b.start);
  };

  const givenEntry = (g: A.GivenEntry): FGivenEntry => {
    const hasClaims = g.claims.length > 0 || text[g.span.end - 1] === '}';
    return {
      kind: 'GivenEntry',
      user: ident(g.user),
      role: ref(g.role),
      ...(g.clients ? { clients: lit(g.clients) } : {}),
      ...(hasClaims ? { claims: g.claims.map(claim) } : {}),
      start: g.span.start,
      end: g.span.end,
    };
  };
  const scenario = (s: A.ScenarioDecl): FSection => {
    const items: FItem[] = [];
    const open = nextSignificant(s.name.span.end);
    const first = nextSignificant(open + 1);
    if (/^given\b/.test(text.slice(first, first + 6))) {
      const givenOpen = nextSignificant(first + 'given'.length);
      let close = givenOpen + 1;
      for (const g of s.given) close = g.span.end;
      close = nextSignificant(close);
      while (text[close] === ',') close = nextSignificant(close + 1);
      items.push(section('given', { start: first, end: close + 1 }, [], block(first + 'given'.length, close + 1, s.given.map(givenEntry))));
    }
    for (const e of s.steps) {
      if (e.kind === 'ExpectList') {
        const kw = nextSignificant(e.span.start + 'expect'.length);
        items.push(section('expect participants', e.span, [], block(kw + 'participants'.length, e.span.end, e.entries.map(givenEntry))));
        continue;
      }
      if (e.kind === 'ExpectState') {
        const c = e.check;
        const not = (negated: boolean) => (negated ? 'not ' : '');
        const [check, value]: [string, FWord?] =
          c.kind === 'role' ? ['is', ref(c.role)]
          : c.kind === 'inRoom' ? [`${not(c.negated)}in room`]
          : c.kind === 'banned' ? [`${not(c.negated)}banned`]
          : c.kind === 'clients' ? ['clients', lit(c.count)]
          : [text.slice(c.span.start, c.span.end).split(/\s+/).join(' ')];
        items.push({ kind: 'ExpectState', subject: ident(e.subject), check, ...(value ? { value } : {}), start: e.span.start, end: e.span.end });
        continue;
      }
      const changes = e.changes;
      const open = changes ? nextSignificant(Math.max(...[e.action, e.target, e.code, e.to, e.via, e.clients].filter((x) => x !== undefined).map((x) => x.span.end))) : 0;
      items.push({
        kind: 'Expect',
        allow: e.allow,
        actor: ident(e.actor),
        action: ident(e.action),
        ...(e.target ? { target: ident(e.target) } : {}),
        ...(e.code ? { code: lit(e.code) } : {}),
        ...(e.to ? { to: ref(e.to) } : {}),
        ...(e.via ? { via: ident(e.via) } : {}),
        ...(e.clients ? { clients: lit(e.clients) } : {}),
        ...(changes
          ? {
              changes: block(
                open - 1,
                e.span.end,
                changes.map((ch): FCommitChange => ({ kind: 'CommitChange', verb: ident(ch.verb), target: ident(ch.target), ...(ch.to ? { to: ref(ch.to) } : {}), start: ch.span.start, end: ch.span.end })),
              ),
            }
          : {}),
        start: e.span.start,
        end: e.span.end,
      });
    }
    return section('scenario', s.span, [lit(s.name)], block(s.name.span.end, s.span.end, items));
  };

  const item = (i: A.Item): FItem => {
    switch (i.kind) {
      case 'Import':
        return { kind: 'Import', path: lit(i.path), start: i.span.start, end: i.span.end };
      case 'Room':
        return section(
          'room',
          i.span,
          i.name ? [lit(i.name)] : [],
          block(
            i.name?.span.end ?? i.span.start + 'room'.length,
            i.span.end,
            i.settings.map((s) => {
              const v = s.value;
              const value = Array.isArray(v) ? bracketed(s.keySpan.end, s.span.end, v.map(lit)) : lit(v as A.IntLit | A.StringLit | A.BoolLit);
              return setting(s.key, s.span, value);
            }),
          ),
        );
      case 'CapabilityDecl':
      case 'CredentialDecl':
        return { kind: 'Decl', keyword: i.kind === 'CapabilityDecl' ? 'capability' : 'credential', name: ident(i.name), code: lit(i.code), start: i.span.start, end: i.span.end };
      case 'Package': {
        const headEnd = (i.includes[i.includes.length - 1] ?? i.name).span.end;
        return { kind: 'Package', required: i.required, name: ident(i.name), includes: i.includes.map(ident), body: block(headEnd, i.span.end, memberLines(i.members)), start: i.span.start, end: i.span.end };
      }
      case 'Role': {
        const headEnd = Math.max(i.name.span.end, i.index?.span.end ?? 0, i.extends?.span.end ?? 0);
        return {
          kind: 'Role',
          name: ident(i.name),
          ...(i.index ? { index: lit(i.index) } : {}),
          ...(i.extends ? { extends: ident(i.extends) } : {}),
          body: block(headEnd, i.span.end, i.items.map(roleItem)),
          start: i.span.start,
          end: i.span.end,
        };
      }
      case 'Preauth':
        return section(
          'preauth',
          i.span,
          [],
          block(
            i.span.start + 'preauth'.length,
            i.span.end,
            i.entries.map((e): FPreauthEntry => ({ kind: 'PreauthEntry', role: ref(e.role), claims: e.claims.map(claim), anyone: e.anyone, start: e.span.start, end: e.span.end })),
          ),
        );
      case 'Participants':
        return section(
          'participants',
          i.span,
          [],
          block(
            i.span.start + 'participants'.length,
            i.span.end,
            i.entries.map((e): FParticipantEntry => ({ kind: 'ParticipantEntry', user: lit(e.user), role: ref(e.role), start: e.span.start, end: e.span.end })),
          ),
        );
      case 'History':
        return section('history', i.span, [word(i.modeSpan)], i.span.end > i.modeSpan.end ? block(i.modeSpan.end, i.span.end, historySettings(i)) : undefined);
      case 'Component':
        return { kind: 'Component', id: lit(i.id), data: lit(i.data), start: i.span.start, end: i.span.end };
      case 'Allow':
        return { kind: 'Allow', finding: ident(i.finding), role: ref(i.role), reason: lit(i.reason), start: i.span.start, end: i.span.end };
      case 'Hierarchy': {
        const members: FItem[] = [
          ...i.levels.map((l) => section('level', l.span, [ident(l.name)], l.span.end > l.name.span.end ? block(l.name.span.end, l.span.end, l.items.map(modelItem)) : undefined)),
          ...i.settings.map((s) => setting(s.key, s.span, s.value ? ident(s.value) : undefined)),
        ].sort((a, b) => a.start - b.start);
        return section('hierarchy', i.span, [], block(i.span.start + 'hierarchy'.length, i.span.end, members));
      }
      case 'Addon':
        return section('addon', i.span, [ident(i.name)], block(i.name.span.end, i.span.end, i.items.map(modelItem)));
      case 'Bans':
        return section('bans', i.span, [], block(i.span.start + 'bans'.length, i.span.end, i.settings.map((s) => setting(s.key, s.span, s.value ? ident(s.value) : undefined))));
      case 'Scenario':
        return scenario(i);
      case 'Reserved':
        throw new Error(`cannot format the reserved construct \`${i.word}\``);
    }
  };

  const root: FFile = { kind: 'File', items: ast.items.map(item), comments, start: 0, end: text.length };

  // Maps, not WeakMaps: the tree lives as long as its root anyway, and V8's garbage collector slows
  // down more than linearly on WeakMaps of millions of entries (a 20 MB file: 7 s instead of 1.5 s)
  const parents = new Map<object, FNode>();
  const lists = new Map<object, readonly FNode[]>();
  const link = (node: FNode): void => {
    for (const key of VISITOR_KEYS[node.kind] as string[]) {
      const value = (node as unknown as Record<string, FNode | FNode[] | undefined>)[key];
      if (value === undefined) continue;
      const children = Array.isArray(value) ? value : [value];
      const isList = Array.isArray(value) && LIST_KEYS.has(`${node.kind}.${key}`);
      for (const child of children) {
        parents.set(child, node);
        if (isList) lists.set(child, value);
        link(child);
      }
    }
  };
  link(root);
  return { root, parents, lists, comments };
}
