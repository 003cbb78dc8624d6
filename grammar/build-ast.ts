/**
 * CST → AST. One visitor method per grammar rule (`validateVisitor()` checks none is missing). After
 * error recovery some children are absent or were inserted by chevrotain; such nodes are dropped (the
 * syntax error has already been reported), so the AST never holds half-built nodes.
 */
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type * as C from './cst.js';
import { mimiParser } from './parser.js';


/** A literal that could not be decoded (bad escape, number too large …), reported by `parse`. */
export interface LiteralProblem {
  /** default `invalid-literal` */
  kind?: 'invalid-literal' | 'duplicate-setting';
  message: string;
  span: A.Span;
  help?: string;
}

const BaseVisitor = mimiParser.getBaseCstVisitorConstructor();

/**
 * The children of a node are typed by grammar/cst.ts (generated from the grammar), so each lookup
 * below names a child the rule really has. After error recovery a child the type calls required may
 * still be absent, hence the `| undefined`.
 */
/** the first token of a child list, unless absent or inserted by error recovery */
const tok = (list: readonly IToken[] | undefined): IToken | undefined => {
  const t = list?.[0];
  return t && !t.isInsertedInRecovery && t.image !== undefined && t.startOffset !== undefined && !Number.isNaN(t.startOffset) ? t : undefined;
};
const toks = (list: readonly IToken[] | undefined): IToken[] => (list ?? []).filter((t) => !t.isInsertedInRecovery && !Number.isNaN(t.startOffset));
const nodes = <N extends CstNode>(list: readonly N[] | undefined): readonly N[] => list ?? [];
/** the names of a rule's token children (for the rules that try keywords from a table) */
type TokenKey<Ch> = { [K in keyof Ch]-?: NonNullable<Ch[K]> extends IToken[] ? K : never }[keyof Ch];
/** tokens carry only their start offset (lexer.ts): the end is start + length */
const spanOf = (t: IToken): A.Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });
const join = (a: A.Span, b: A.Span): A.Span => ({ start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) });
const defined = <T>(x: T | undefined | null): x is T => x !== undefined && x !== null;

export class AstBuilder extends BaseVisitor {
  /** the first `maxProblems` problems found, in source order */
  readonly problems: LiteralProblem[] = [];
  /** how many more were found (counted, not kept) */
  unreported = 0;
  constructor(private readonly maxProblems = Infinity) {
    super();
    this.validateVisitor();
  }
  private problem(p: LiteralProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(p);
    else this.unreported++;
  }

  // --- literals -------------------------------------------------------------------------------
  ident(t: IToken | undefined): A.Ident | undefined {
    return t ? { kind: 'Ident', name: t.image, span: spanOf(t) } : undefined;
  }
  int(t: IToken | undefined): A.IntLit | undefined {
    if (!t) return undefined;
    const text = t.image.replace(/_/g, '');
    const value = /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : parseInt(text, 10);
    if (!Number.isSafeInteger(value)) {
      this.problem({ message: `number \`${t.image}\` is too large`, span: spanOf(t) });
      return undefined;
    }
    return { kind: 'IntLit', value, text: t.image, span: spanOf(t) };
  }
  str(t: IToken | undefined): A.StringLit | undefined {
    if (!t) return undefined;
    const body = t.image.slice(1, -1);
    // runs without escapes are copied whole (a long string literal costs one slice, not one step per character)
    let out = '';
    let i = 0;
    for (;;) {
      const slash = body.indexOf('\\', i);
      if (slash < 0) {
        out += i === 0 ? body : body.slice(i);
        break;
      }
      out += body.slice(i, slash);
      i = slash + 1;
      const next = body[i];
      if (next === 'n') out += '\n';
      else if (next === 't') out += '\t';
      else if (next === 'r') out += '\r';
      else if (next === '"' || next === '\\') out += next;
      else if (next === 'u' && body[i + 1] === '{') {
        const close = body.indexOf('}', i);
        const cp = close > 0 ? parseInt(body.slice(i + 2, close), 16) : NaN;
        if (!Number.isInteger(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          this.problem({ message: 'invalid `\\u{…}` escape in string', span: spanOf(t), help: 'write a Unicode scalar value in hex, e.g. `\\u{1F600}`' });
          return undefined;
        }
        out += String.fromCodePoint(cp);
        i = close;
      } else {
        this.problem({ message: `unknown escape \`\\${next ?? ''}\` in string`, span: spanOf(t), help: 'valid escapes: `\\"` `\\\\` `\\n` `\\t` `\\r` `\\u{…}`' });
        return undefined;
      }
      i++;
    }
    return { kind: 'StringLit', value: out, span: spanOf(t) };
  }
  bytes(t: IToken | undefined): A.BytesLit | undefined {
    if (!t) return undefined;
    const hex = t.image.slice(4, -1).replace(/[\s_]/g, '').toLowerCase();
    if (!/^(?:[0-9a-f]{2})*$/.test(hex)) {
      this.problem({ message: `malformed hex string ${t.image}`, span: spanOf(t), help: 'write an even number of hex digits, e.g. `hex"00ff"`' });
      return undefined;
    }
    return { kind: 'BytesLit', hex, span: spanOf(t) };
  }

  // --- rules ----------------------------------------------------------------------------------
  file(c: C.FileCstChildren): A.Item[] {
    return nodes(c.item).map((n) => this.visit(n) as A.Item | undefined).filter(defined);
  }
  item(c: C.ItemCstChildren): A.Item | undefined {
    const child = Object.values(c).flat()[0] as CstNode | undefined;
    return child ? (this.visit(child) as A.Item | undefined) : undefined;
  }
  importDecl(c: C.ImportDeclCstChildren): A.ImportDecl | undefined {
    const kw = tok(c.Kw_import);
    const path = this.str(tok(c.StringLiteral));
    if (!kw || !path) return undefined;
    return { kind: 'Import', path, span: join(spanOf(kw), path.span) };
  }
  roomDecl(c: C.RoomDeclCstChildren): A.RoomDecl | undefined {
    const kw = tok(c.Kw_room);
    if (!kw) return undefined;
    const settings = nodes(c.roomSetting).map((n) => this.visit(n) as A.RoomSetting | undefined).filter(defined);
    const end = tok(c.RCurly);
    const name = this.str(tok(c.StringLiteral));
    return { kind: 'Room', ...(name ? { name } : {}), settings, span: join(spanOf(kw), end ? spanOf(end) : (settings.at(-1)?.span ?? spanOf(kw))) };
  }
  roomSetting(c: C.RoomSettingCstChildren): A.RoomSetting | undefined {
    const keyNames: [TokenKey<C.RoomSettingCstChildren>, A.RoomSettingKey][] = [
      ['Kw_fixed_membership', 'fixed_membership'], ['Kw_parent_dependant', 'parent_dependant'], ['Kw_multi_device', 'multi_device'],
      ['Kw_pseudonyms_allowed', 'pseudonyms_allowed'], ['Kw_persistent_room', 'persistent_room'], ['Kw_discoverable', 'discoverable'],
      ['Kw_max_clients', 'max_clients'], ['Kw_max_users', 'max_users'], ['Kw_parent_room', 'parent_room'], ['Kw_components', 'components'],
    ];
    for (const [tokName, key] of keyNames) {
      const k = tok(c[tokName]);
      if (!k) continue;
      let value: A.RoomSetting['value'] | undefined;
      if (key === 'max_clients' || key === 'max_users') value = this.int(tok(c.Integer));
      else if (key === 'parent_room') value = this.str(tok(c.StringLiteral));
      else if (key === 'components') {
        const ints = toks(c.Integer).map((t) => this.int(t));
        value = ints.every(defined) && tok(c.RSquare) ? ints : undefined;
      } else {
        const b = nodes(c.boolValue)[0];
        value = b ? (this.visit(b) as A.BoolLit | undefined) : undefined;
      }
      if (value === undefined) return undefined;
      const last = Array.isArray(value) ? spanOf(tok(c.RSquare)!) : (value as { span: A.Span }).span;
      return { kind: 'RoomSetting', key, keySpan: spanOf(k), value, span: join(spanOf(k), last) };
    }
    return undefined;
  }
  boolValue(c: C.BoolValueCstChildren): A.BoolLit | undefined {
    const t = tok(c.Kw_true) ?? tok(c.Kw_false);
    return t ? { kind: 'BoolLit', value: t.image === 'true', span: spanOf(t) } : undefined;
  }
  capabilityDecl(c: C.CapabilityDeclCstChildren): A.CapabilityDecl | undefined {
    const kw = tok(c.Kw_capability);
    const name = this.ident(tok(c.Identifier));
    const code = this.int(tok(c.Integer));
    if (!kw || !name || !code) return undefined;
    return { kind: 'CapabilityDecl', name, code, span: join(spanOf(kw), code.span) };
  }
  credentialDecl(c: C.CredentialDeclCstChildren): A.CredentialDecl | undefined {
    const kw = tok(c.Kw_credential);
    const name = this.ident(tok(c.Kw_jwt) ?? tok(c.Kw_cwt));
    const code = this.int(tok(c.Integer));
    if (!kw || !name || !code) return undefined;
    return { kind: 'CredentialDecl', name, code, span: join(spanOf(kw), code.span) };
  }
  packageDecl(c: C.PackageDeclCstChildren): A.PackageDecl | undefined {
    const kw = tok(c.Kw_required) ?? tok(c.Kw_package);
    const name = this.ident(tok(c.name));
    const end = tok(c.RCurly);
    if (!kw || !name) return undefined;
    const includes = nodes(c.includes).flatMap((n) => this.visit(n) as A.Ident[]);
    const members = nodes(c.members).flatMap((n) => this.visit(n) as A.Ident[]);
    return { kind: 'Package', name, required: !!tok(c.Kw_required), includes, members, span: join(spanOf(kw), end ? spanOf(end) : name.span) };
  }
  nameList(c: C.NameListCstChildren): A.Ident[] {
    return toks(c.Identifier).map((t) => this.ident(t)).filter(defined);
  }
  roleDecl(c: C.RoleDeclCstChildren): A.RoleDecl | undefined {
    const kw = tok(c.Kw_role);
    const name = this.ident(tok(c.name));
    if (!kw || !name) return undefined;
    const index = tok(c.At) ? this.int(tok(c.Integer)) : undefined;
    const parent = tok(c.Kw_extends) ? this.ident(tok(c.parent)) : undefined;
    const items = nodes(c.roleItem).map((n) => this.visit(n) as A.RoleItem | undefined).filter(defined);
    const end = tok(c.RCurly);
    return {
      kind: 'Role',
      name,
      ...(index ? { index } : {}),
      ...(parent ? { extends: parent } : {}),
      items,
      span: join(spanOf(kw), end ? spanOf(end) : (items.at(-1)?.span ?? name.span)),
    };
  }
  roleItem(c: C.RoleItemCstChildren): A.RoleItem | undefined {
    let kw: IToken | undefined;
    if ((kw = tok(c.Kw_name))) {
      const value = this.str(tok(c.StringLiteral));
      return value && { kind: 'RoleName', value, span: join(spanOf(kw), value.span) };
    }
    if ((kw = tok(c.Kw_description))) {
      const value = this.str(tok(c.StringLiteral));
      return value && { kind: 'RoleDescription', value, span: join(spanOf(kw), value.span) };
    }
    if ((kw = tok(c.Kw_grant))) {
      const refs = nodes(c.nameList).flatMap((n) => this.visit(n) as A.Ident[]);
      if (refs.length === 0) return undefined;
      return { kind: 'Grant', refs, span: join(spanOf(kw), refs[refs.length - 1].span) };
    }
    if ((kw = tok(c.Kw_capabilities))) {
      const refTokens = [...toks(c.Identifier), ...toks(c.Integer)].sort((a, b) => a.startOffset - b.startOffset);
      const refs = refTokens.map((t) => (t.tokenType.name === 'Integer' ? this.int(t) : this.ident(t)));
      const end = tok(c.RSquare);
      if (!refs.every(defined) || !end) return undefined;
      return { kind: 'ExactCapabilities', refs: refs as (A.Ident | A.IntLit)[], span: join(spanOf(kw), spanOf(end)) };
    }
    if ((kw = tok(c.Kw_participants) ?? tok(c.Kw_active))) {
      const r = nodes(c.range)[0];
      const range = r ? (this.visit(r) as { min: A.IntLit; max?: A.IntLit; span: A.Span } | undefined) : undefined;
      if (!range) return undefined;
      return { kind: 'Constraint', which: kw.image === 'active' ? 'active' : 'participants', min: range.min, ...(range.max ? { max: range.max } : {}), span: join(spanOf(kw), range.span) };
    }
    if ((kw = tok(c.Kw_changes))) {
      const entries = nodes(c.changeEntry).map((n) => this.visit(n) as A.ChangeEntry | undefined).filter(defined);
      const end = tok(c.RCurly);
      return { kind: 'Changes', entries, span: join(spanOf(kw), end ? spanOf(end) : (entries.at(-1)?.span ?? spanOf(kw))) };
    }
    return undefined;
  }
  range(c: C.RangeCstChildren): { min: A.IntLit; max?: A.IntLit; span: A.Span } | undefined {
    const min = this.int(tok(c.min));
    if (!min) return undefined;
    const dots = tok(c.DotDot);
    const maxTok = tok(c.max);
    if (!dots) return { min, max: min, span: min.span };
    const max = this.int(maxTok);
    if (maxTok && !max) return undefined;
    return { min, ...(max ? { max } : {}), span: join(min.span, max ? max.span : spanOf(dots)) };
  }
  changeEntry(c: C.ChangeEntryCstChildren): A.ChangeEntry | undefined {
    const from = nodes(c.from)[0];
    const fromRef = from ? (this.visit(from) as A.RoleRef | undefined) : undefined;
    const to = nodes(c.to).map((n) => this.visit(n) as A.RoleRef | undefined);
    const empty = tok(c.RSquare);
    if (!fromRef || (to.length === 0 && !empty) || !to.every(defined) || !tok(c.Arrow)) return undefined;
    return { kind: 'ChangeEntry', from: fromRef, to: to as A.RoleRef[], span: join(fromRef.span, empty ? spanOf(empty) : to[to.length - 1]!.span) };
  }
  roleRef(c: C.RoleRefCstChildren): A.RoleRef | undefined {
    const none = tok(c.Kw_none);
    if (none) return { kind: 'NoneRef', span: spanOf(none) };
    const parts = toks(c.Identifier);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return this.ident(parts[0]);
    // `moderator + programmer` names the lowered role `moderator+programmer`
    return { kind: 'Ident', name: parts.map((t) => t.image).join('+'), span: join(spanOf(parts[0]), spanOf(parts[parts.length - 1])) };
  }
  preauthDecl(c: C.PreauthDeclCstChildren): A.PreauthDecl | undefined {
    const kw = tok(c.Kw_preauth);
    if (!kw) return undefined;
    const entries = nodes(c.preauthEntry).map((n) => this.visit(n) as A.PreauthEntry | undefined).filter(defined);
    const end = tok(c.RCurly);
    return { kind: 'Preauth', entries, span: join(spanOf(kw), end ? spanOf(end) : spanOf(kw)) };
  }
  preauthEntry(c: C.PreauthEntryCstChildren): A.PreauthEntry | undefined {
    const r = nodes(c.roleRef)[0];
    const role = r ? (this.visit(r) as A.RoleRef | undefined) : undefined;
    if (!role || !tok(c.Kw_when)) return undefined;
    const anyone = tok(c.Kw_anyone);
    if (anyone) return { kind: 'PreauthEntry', role, claims: [], anyone: true, span: join(role.span, spanOf(anyone)) };
    const claims = nodes(c.claim).map((n) => this.visit(n) as A.Claim | undefined);
    if (claims.length === 0 || !claims.every(defined)) return undefined;
    return { kind: 'PreauthEntry', role, claims: claims as A.Claim[], anyone: false, span: join(role.span, claims[claims.length - 1]!.span) };
  }
  claim(c: C.ClaimCstChildren): A.Claim | undefined {
    let credential: A.Claim['credential'] | undefined;
    for (const name of ['basic', 'x509', 'jwt', 'cwt'] as const) {
      const t = tok(c[`Kw_${name}`]);
      if (t) credential = { kind: 'named', name, span: spanOf(t) };
    }
    const credKw = tok(c.Kw_credential);
    if (credKw) {
      const code = this.int(tok(c.credentialCode));
      if (!code) return undefined;
      credential = { kind: 'code', code, span: join(spanOf(credKw), code.span) };
    }
    if (!credential || !tok(c.Equals)) return undefined;
    const idTok = tok(c.idString) ?? tok(c.idInt) ?? tok(c.idHex);
    let id: A.Claim['id'];
    if (idTok) {
      id = tok(c.idString) ? this.str(idTok) : tok(c.idInt) ? this.int(idTok) : this.bytes(idTok);
      if (!id) return undefined;
    }
    const vs = tok(c.valueString);
    const value = vs ? this.str(vs) : this.bytes(tok(c.valueHex));
    if (!value) return undefined;
    return { kind: 'Claim', credential, ...(id ? { id } : {}), value, span: join(credential.span, value.span) };
  }
  participantsDecl(c: C.ParticipantsDeclCstChildren): A.ParticipantsDecl | undefined {
    const kw = tok(c.Kw_participants);
    if (!kw) return undefined;
    const entries = nodes(c.participantEntry).map((n) => this.visit(n) as A.ParticipantEntry | undefined).filter(defined);
    const end = tok(c.RCurly);
    return { kind: 'Participants', entries, span: join(spanOf(kw), end ? spanOf(end) : spanOf(kw)) };
  }
  participantEntry(c: C.ParticipantEntryCstChildren): A.ParticipantEntry | undefined {
    const user = this.str(tok(c.StringLiteral));
    const r = nodes(c.roleRef)[0];
    const role = r ? (this.visit(r) as A.RoleRef | undefined) : undefined;
    if (!user || !role || !tok(c.Colon)) return undefined;
    return { kind: 'ParticipantEntry', user, role, span: join(user.span, role.span) };
  }
  historyDecl(c: C.HistoryDeclCstChildren): A.HistoryDecl | undefined {
    const kw = tok(c.Kw_history);
    const modeTok = tok(c.Kw_optional) ?? tok(c.Kw_required) ?? tok(c.Kw_forbidden);
    if (!kw || !modeTok) return undefined;
    const shareBy: A.RoleRef[] = [];
    let shareBySpan: A.Span | undefined;
    let automatic: A.BoolLit | undefined;
    let maxPeriod: A.IntLit | undefined;
    for (const n of nodes(c.historySetting)) {
      const s = this.visit(n) as { key: string; value: unknown; span: A.Span } | undefined;
      if (!s) continue;
      if (s.key === 'share_by') {
        for (const r of s.value as A.RoleRef[]) shareBy.push(r);
        shareBySpan = shareBySpan ? join(shareBySpan, s.span) : s.span;
      } else if (s.key === 'automatic') automatic = s.value as A.BoolLit;
      else maxPeriod = s.value as A.IntLit;
    }
    const end = tok(c.RCurly);
    return {
      kind: 'History',
      mode: modeTok.image as A.HistoryDecl['mode'],
      modeSpan: spanOf(modeTok),
      shareBy,
      ...(shareBySpan ? { shareBySpan } : {}),
      ...(automatic ? { automatic } : {}),
      ...(maxPeriod ? { maxPeriod } : {}),
      span: join(spanOf(kw), end ? spanOf(end) : spanOf(modeTok)),
    };
  }
  historySetting(c: C.HistorySettingCstChildren): { key: string; value: unknown; span: A.Span } | undefined {
    let kw: IToken | undefined;
    if ((kw = tok(c.Kw_share_by))) {
      const refs = nodes(c.roleRef).map((n) => this.visit(n) as A.RoleRef | undefined).filter(defined);
      if (refs.length === 0) return undefined;
      return { key: 'share_by', value: refs, span: join(spanOf(kw), refs[refs.length - 1].span) };
    }
    if ((kw = tok(c.Kw_automatic))) {
      const b = nodes(c.boolValue)[0];
      const value = b ? (this.visit(b) as A.BoolLit | undefined) : undefined;
      return value && { key: 'automatic', value, span: join(spanOf(kw), value.span) };
    }
    if ((kw = tok(c.Kw_max_period))) {
      const value = this.int(tok(c.Integer));
      return value && { key: 'max_period', value, span: join(spanOf(kw), value.span) };
    }
    return undefined;
  }
  allowDecl(c: C.AllowDeclCstChildren): A.AllowDecl | undefined {
    const kw = tok(c.Kw_allow);
    const finding = this.ident(tok(c.KebabName) ?? tok(c.Identifier));
    const r = nodes(c.roleRef)[0];
    const role = r ? (this.visit(r) as A.RoleRef | undefined) : undefined;
    const reason = this.str(tok(c.StringLiteral));
    if (!kw || !finding || !role || !reason || !tok(c.Kw_for) || !tok(c.Kw_because)) return undefined;
    return { kind: 'Allow', finding, role, reason, span: join(spanOf(kw), reason.span) };
  }
  hierarchyDecl(c: C.HierarchyDeclCstChildren): A.HierarchyDecl | undefined {
    const kw = tok(c.Kw_hierarchy);
    if (!kw) return undefined;
    const levels = nodes(c.levelDecl).map((n) => this.visit(n) as A.LevelDecl | undefined).filter(defined);
    const settings = nodes(c.hierarchySetting).map((n) => this.visit(n) as A.HierarchySetting | undefined).filter(defined);
    const end = tok(c.RCurly);
    return { kind: 'Hierarchy', levels, settings, span: join(spanOf(kw), end ? spanOf(end) : spanOf(kw)) };
  }
  levelDecl(c: C.LevelDeclCstChildren): A.LevelDecl | undefined {
    const kw = tok(c.Kw_level);
    const name = this.ident(tok(c.Identifier));
    if (!kw || !name) return undefined;
    const items = nodes(c.modelItem).map((n) => this.visit(n) as A.AddonItem | undefined).filter(defined) as A.LevelItem[];
    const end = tok(c.RCurly);
    return { kind: 'Level', name, items, span: join(spanOf(kw), end ? spanOf(end) : name.span) };
  }
  hierarchySetting(c: C.HierarchySettingCstChildren): A.HierarchySetting | undefined {
    const keys: [TokenKey<C.HierarchySettingCstChildren>, A.HierarchySettingKey][] = [
      ['Kw_protect', 'protect'], ['Kw_entry', 'entry'], ['Kw_add_by', 'add_by'], ['Kw_remove_by', 'remove_by'],
      ['Kw_kick_by', 'kick_by'], ['Kw_leave', 'leave'], ['Kw_open_join', 'open_join'],
    ];
    for (const [tokName, key] of keys) {
      const k = tok(c[tokName]);
      if (!k) continue;
      if (key === 'leave' || key === 'open_join') return { kind: 'HierarchySetting', key, keySpan: spanOf(k), span: spanOf(k) };
      const v = key === 'protect' ? (tok(c.Kw_strictly_lower) ?? tok(c.Kw_lower_or_equal) ?? tok(c.Kw_none)) : tok(c.Identifier);
      const value = this.ident(v);
      if (!value) return undefined;
      return { kind: 'HierarchySetting', key, keySpan: spanOf(k), value, span: join(spanOf(k), value.span) };
    }
    return undefined;
  }
  addonDecl(c: C.AddonDeclCstChildren): A.AddonDecl | undefined {
    const kw = tok(c.Kw_addon);
    const name = this.ident(tok(c.Identifier));
    if (!kw || !name) return undefined;
    const items = nodes(c.modelItem).map((n) => this.visit(n) as A.AddonItem | undefined).filter(defined);
    const end = tok(c.RCurly);
    return { kind: 'Addon', name, items, span: join(spanOf(kw), end ? spanOf(end) : name.span) };
  }
  modelItem(c: C.ModelItemCstChildren): A.AddonItem | undefined {
    let kw: IToken | undefined;
    if ((kw = tok(c.Kw_grant))) {
      const all = tok(c.Kw_all);
      if (all) return { kind: 'Grant', refs: [], all: spanOf(all), span: join(spanOf(kw), spanOf(all)) };
      const refs = nodes(c.nameList).flatMap((n) => this.visit(n) as A.Ident[]);
      if (refs.length === 0) return undefined;
      return { kind: 'Grant', refs, span: join(spanOf(kw), refs[refs.length - 1].span) };
    }
    if ((kw = tok(c.Kw_participants) ?? tok(c.Kw_active))) {
      const r = nodes(c.range)[0];
      const range = r ? (this.visit(r) as { min: A.IntLit; max?: A.IntLit; span: A.Span } | undefined) : undefined;
      if (!range) return undefined;
      return { kind: 'Constraint', which: kw.image === 'active' ? 'active' : 'participants', min: range.min, ...(range.max ? { max: range.max } : {}), span: join(spanOf(kw), range.span) };
    }
    for (const [tokName, kind] of [['Kw_given_by', 'GivenBy'], ['Kw_dropped_by', 'DroppedBy'], ['Kw_requires', 'Requires'], ['Kw_add_by', 'AddBy']] as const) {
      const k = tok(c[tokName]);
      if (!k) continue;
      const level = this.ident(tok(c.Identifier));
      return level && { kind, level, span: join(spanOf(k), level.span) };
    }
    if ((kw = tok(c.Kw_self_assign))) return { kind: 'SelfAssign', span: spanOf(kw) };
    if ((kw = tok(c.Kw_self_drop))) return { kind: 'SelfDrop', span: spanOf(kw) };
    return undefined;
  }
  bansDecl(c: C.BansDeclCstChildren): A.BansDecl | undefined {
    const kw = tok(c.Kw_bans);
    if (!kw) return undefined;
    const settings: A.BansSetting[] = [];
    // each `by`/`unban_by` takes the first name after it, unless another `by`/`unban_by` comes first
    const byAndNames = [...toks(c.Kw_by), ...toks(c.Kw_unban_by), ...toks(c.Identifier)].sort((a, b) => a.startOffset - b.startOffset);
    let pending: IToken | undefined;
    for (const t of byAndNames) {
      if (t.tokenType.name !== 'Identifier') pending = t;
      else if (pending) {
        const value = this.ident(t)!;
        settings.push({ kind: 'BansSetting', key: pending.image as A.BansSettingKey, keySpan: spanOf(pending), value, span: join(spanOf(pending), value.span) });
        pending = undefined;
      }
    }
    for (const k of [...toks(c.Kw_reasons), ...toks(c.Kw_expiry), ...toks(c.Kw_members_only)]) settings.push({ kind: 'BansSetting', key: k.image as A.BansSettingKey, keySpan: spanOf(k), span: spanOf(k) });
    settings.sort((a, b) => a.span.start - b.span.start);
    const end = tok(c.RCurly);
    return { kind: 'Bans', settings, span: join(spanOf(kw), end ? spanOf(end) : spanOf(kw)) };
  }
  scenarioDecl(c: C.ScenarioDeclCstChildren): A.ScenarioDecl | undefined {
    const kw = tok(c.Kw_scenario);
    const name = this.str(tok(c.StringLiteral));
    if (!kw || !name) return undefined;
    const given = nodes(c.givenEntry).map((n) => this.visit(n) as A.GivenEntry | undefined).filter(defined);
    const steps = nodes(c.expectStep).map((n) => this.visit(n) as A.ScenarioStep | undefined).filter(defined);
    const end = toks(c.RCurly).at(-1);
    return { kind: 'Scenario', name, given, steps, span: join(spanOf(kw), end ? spanOf(end) : name.span) };
  }
  givenEntry(c: C.GivenEntryCstChildren): A.GivenEntry | undefined {
    const user = this.ident(tok(c.Identifier));
    const r = nodes(c.roleRef)[0];
    const at = tok(c.At);
    const index = at ? this.int(tok(c.index)) : undefined;
    const role: A.RoleRef | A.IndexRef | undefined = r ? (this.visit(r) as A.RoleRef | undefined) : at && index ? { kind: 'IndexRef', index, span: join(spanOf(at), index.span) } : undefined;
    if (!user || !role || !tok(c.Colon)) return undefined;
    const clients = tok(c.Kw_clients) ? this.int(tok(c.Integer)) : undefined;
    const claims = nodes(c.claim).map((n) => this.visit(n) as A.Claim | undefined);
    if (!claims.every(defined)) return undefined;
    const last = toks(c.RCurly).at(-1);
    return { kind: 'GivenEntry', user, role, ...(clients ? { clients } : {}), claims: claims as A.Claim[], span: join(user.span, last ? spanOf(last) : (clients?.span ?? role.span)) };
  }
  expectStep(c: C.ExpectStepCstChildren): A.ScenarioStep | undefined {
    const kw = tok(c.Kw_expect);
    if (!kw) return undefined;
    const action = nodes(c.expectAction)[0];
    if (action) {
      const step = this.visit(action) as Omit<A.ExpectStep, 'span'> & { span: A.Span } | undefined;
      return step ? { ...step, span: join(spanOf(kw), step.span) } : undefined;
    }
    if (tok(c.Kw_participants)) {
      const entries = nodes(c.givenEntry).map((n) => this.visit(n) as A.GivenEntry | undefined).filter(defined);
      const end = tok(c.RCurly);
      return { kind: 'ExpectList', entries, span: join(spanOf(kw), end ? spanOf(end) : spanOf(tok(c.Kw_participants)!)) };
    }
    const subject = this.ident(tok(c.subject));
    const words = toks(c.word);
    if (!subject || words.length === 0) return undefined;
    const span = join(spanOf(kw), spanOf(words[words.length - 1]));
    return { kind: 'ExpectState', subject, check: this.stateCheck(words), span };
  }
  /** The words after `expect <user>`: `is R`, `[not] in room`, `[not] banned`, `clients N`. */
  private stateCheck(words: IToken[]): A.StateCheck {
    const im = words.map((w) => w.image);
    const all = join(spanOf(words[0]), spanOf(words[words.length - 1]));
    const negated = im[0] === 'not';
    const rest = negated ? im.slice(1) : im;
    if (rest.length === 2 && rest[0] === 'in' && rest[1] === 'room') return { kind: 'inRoom', negated };
    if (rest.length === 1 && rest[0] === 'banned') return { kind: 'banned', negated };
    if (!negated && im.length === 2 && im[0] === 'clients' && /^[0-9]/.test(im[1])) {
      const count = this.int(words[1]);
      if (count) return { kind: 'clients', count };
    }
    // `is R`: R is `none` or NAME (`+` NAME)*
    if (!negated && im[0] === 'is' && im.length >= 2) {
      const parts = words.slice(1);
      if (parts.length === 1 && parts[0].image === 'none') return { kind: 'role', role: { kind: 'NoneRef', span: spanOf(parts[0]) } };
      const names = parts.filter((_, i) => i % 2 === 0);
      const ok = parts.length % 2 === 1 && names.every((t) => /^[A-Za-z_]/.test(t.image) && t.image !== 'none' && t.image !== 'room' && t.image !== 'clients') && parts.every((t, i) => i % 2 === 0 || t.image === '+');
      if (ok) return { kind: 'role', role: { kind: 'Ident', name: names.map((t) => t.image).join('+'), span: join(spanOf(parts[0]), spanOf(parts[parts.length - 1])) } };
    }
    return { kind: 'unknown', span: all };
  }
  commitChange(c: C.CommitChangeCstChildren): A.CommitChange | undefined {
    const verb = this.ident(tok(c.verb));
    const target = this.ident(tok(c.target));
    if (!verb || !target) return undefined;
    const r = nodes(c.roleRef)[0];
    const to = r ? (this.visit(r) as A.RoleRef | undefined) : undefined;
    return { kind: 'CommitChange', verb, target, ...(to ? { to } : {}), span: join(verb.span, (to ?? target).span) };
  }
  expectAction(c: C.ExpectActionCstChildren): A.ExpectStep | undefined {
    const verdict = tok(c.Kw_allow) ?? tok(c.Kw_deny);
    const actor = this.ident(tok(c.actor));
    const action = this.ident(tok(c.verb));
    if (!verdict || !actor || !action) return undefined;
    const target = this.ident(tok(c.target));
    const code = tok(c.code) ? this.int(tok(c.code)) : undefined;
    // a code too large to read is reported as a literal; the step says nothing more
    if (tok(c.code) && !code) return undefined;
    for (const [name, list] of [['to', toks(c.Kw_to)], ['via', toks(c.Kw_via)], ['clients', toks(c.Kw_clients)]] as const)
      if (list.length > 1) this.problem({ kind: 'duplicate-setting', message: `\`${name}\` is given twice in one step`, span: spanOf(list[1]) });
    const r = nodes(c.roleRef)[0];
    const to = r ? (this.visit(r) as A.RoleRef | undefined) : undefined;
    const via = this.ident(tok(c.via));
    const clients = tok(c.Kw_clients) ? this.int(tok(c.Integer)) : undefined;
    const changes = tok(c.LCurly) ? nodes(c.commitChange).map((n) => this.visit(n) as A.CommitChange | undefined).filter(defined) : undefined;
    const close = tok(c.RCurly);
    const ends = [action.span, target?.span, code?.span, to?.span, via?.span, clients?.span, close ? spanOf(close) : undefined].filter(defined);
    return {
      kind: 'Expect',
      allow: verdict.image === 'allow',
      actor,
      action,
      ...(target ? { target } : {}),
      ...(code ? { code } : {}),
      ...(to ? { to } : {}),
      ...(via ? { via } : {}),
      ...(clients ? { clients } : {}),
      ...(changes ? { changes } : {}),
      span: join(spanOf(verdict), ends.reduce((a, b) => (b.end > a.end ? b : a))),
    };
  }
  componentDecl(c: C.ComponentDeclCstChildren): A.ComponentDecl | undefined {
    const kw = tok(c.Kw_component);
    const id = this.int(tok(c.Integer));
    const data = this.bytes(tok(c.HexString));
    if (!kw || !id || !data) return undefined;
    return { kind: 'Component', id, data, span: join(spanOf(kw), data.span) };
  }
}

