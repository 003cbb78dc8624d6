/**
 * Tokens of the `.mimi` language (docs/language.md, "Lexical structure"). Keywords are reserved words
 * matched with `longer_alt: Identifier`, so `roles` is an identifier while `role` is a keyword.
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

/**
 * A token pattern scanned by hand: `scan` returns the end offset of a match at `offset`, or -1.
 * Used where a regular expression with a repeated group would need backtracking state per
 * repetition (V8 throws "Maximum call stack size exceeded" on a multi-megabyte string literal).
 */
function scanned(scan: (text: string, offset: number) => number): CustomPatternMatcherFunc {
  return (text, offset) => {
    const end = scan(text, offset);
    return end < 0 ? null : [text.slice(offset, end)];
  };
}
const isLowerOrDigit = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];

/** `"…"` with `\` escapes, on one line: the end of the body (before the closing quote), or -1. */
function stringBody(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== 34) return -1;
  let i = offset + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === 10 || c === 34) return i;
    if (c === 92) {
      const n = text.charCodeAt(i + 1);
      if (Number.isNaN(n) || n === 10 || n === 13 || n === 0x2028 || n === 0x2029) return i; // `.` matches no line terminator
      i += 2;
    } else i++;
  }
}

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
/** `///` doc comments and `/** … *\/` become role descriptions; kept in their own group. */
export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/[^\n\r]*|\/\*\*(?!\/)[\s\S]*?\*\//, group: 'comments' });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });

/**
 * Unterminated strings and block comments: a token of their own (reported as `invalid-token` by
 * `parse`, never seen by the parser) rather than a lexer error, so that the lexer goes on after them
 * and does not try again at every later `"` or `/*` of the line or file (quadratic on hostile input).
 */
export const Unterminated = {
  string: createToken({
    name: 'UnterminatedString',
    pattern: scanned((text, offset) => stringBody(text, offset)),
    start_chars_hint: ['"'],
    line_breaks: false,
    group: 'invalid',
  }),
  comment: createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'invalid', line_breaks: true }),
};
/**
 * A run of characters that cannot start any token (reported as `invalid-token`): one match, where
 * chevrotain's error recovery would try every token pattern at every character of the run (slow on
 * binary or non-ASCII garbage). `-`, `.` and `/` can start tokens and stay lexer errors when alone.
 */
export const InvalidRun = createToken({ name: 'InvalidRun', pattern: /[\x00-\x08\x0b\x0c\x0e-\x1f!#$%&'()*<>?\\^`|~\x7f-\uffff]+/, group: 'invalid', line_breaks: true });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
/** `hex"…"`: must come before Identifier so `hex` followed by a quote is a byte string. */
export const HexString = createToken({ name: 'HexString', pattern: /hex"[^"\n]*"/ });
/** kebab-case names of analysis findings (`allow rank-inversion for …`) */
export const KebabName = createToken({
  name: 'KebabName',
  // [a-z][a-z0-9]*(-[a-z0-9]+)+
  pattern: scanned((text, offset) => {
    const c = text.charCodeAt(offset);
    if (!(c >= 97 && c <= 122)) return -1;
    let i = offset + 1;
    while (isLowerOrDigit(text.charCodeAt(i))) i++;
    let parts = 0;
    while (text.charCodeAt(i) === 45 && isLowerOrDigit(text.charCodeAt(i + 1))) {
      i += 2;
      while (isLowerOrDigit(text.charCodeAt(i))) i++;
      parts++;
    }
    return parts > 0 ? i : -1;
  }),
  start_chars_hint: LOWER,
  line_breaks: false,
  label: 'a finding kind',
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  // "([^"\\\n]|\\.)*"
  pattern: scanned((text, offset) => {
    const end = stringBody(text, offset);
    return end >= 0 && text.charCodeAt(end) === 34 ? end + 1 : -1;
  }),
  start_chars_hint: ['"'],
  line_breaks: false,
});
export const Integer = createToken({ name: 'Integer', pattern: /0[xX][0-9A-Fa-f_]+|[0-9][0-9_]*/ });

export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: '`{`' });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: '`}`' });
export const LSquare = createToken({ name: 'LSquare', pattern: /\[/, label: '`[`' });
export const RSquare = createToken({ name: 'RSquare', pattern: /\]/, label: '`]`' });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: '`->`' });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: '`..`' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '`:`' });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: '`=`' });
export const At = createToken({ name: 'At', pattern: /@/, label: '`@`' });
/** separates the changes of a scenario's `commit { … }` (optional, as commas are) */
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: '`;`' });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: '`+`' });

const keywordTokens: TokenType[] = [];
function kw(word: string): TokenType {
  const t = createToken({ name: `Kw_${word}`, pattern: new RegExp(`${word}\\b`), longer_alt: Identifier, label: `\`${word}\`` });
  keywordTokens.push(t);
  return t;
}

export const Import = kw('import');
export const Room = kw('room');
export const FixedMembership = kw('fixed_membership');
export const ParentDependant = kw('parent_dependant');
export const ParentRoom = kw('parent_room');
export const MultiDevice = kw('multi_device');
export const MaxClients = kw('max_clients');
export const MaxUsers = kw('max_users');
export const PseudonymsAllowed = kw('pseudonyms_allowed');
export const PersistentRoom = kw('persistent_room');
export const Discoverable = kw('discoverable');
export const Components = kw('components');
export const Capability = kw('capability');
export const Credential = kw('credential');
export const Package = kw('package');
export const Includes = kw('includes');
export const Required = kw('required');
export const Role = kw('role');
export const Extends = kw('extends');
export const Name = kw('name');
export const Description = kw('description');
export const Grant = kw('grant');
export const Participants = kw('participants');
export const Active = kw('active');
export const Changes = kw('changes');
export const Capabilities = kw('capabilities');
export const None = kw('none');
export const Preauth = kw('preauth');
export const When = kw('when');
export const And = kw('and');
export const Anyone = kw('anyone');
export const Basic = kw('basic');
export const X509 = kw('x509');
export const Jwt = kw('jwt');
export const Cwt = kw('cwt');
export const History = kw('history');
export const Optional = kw('optional');
export const Forbidden = kw('forbidden');
export const ShareBy = kw('share_by');
export const Automatic = kw('automatic');
export const MaxPeriod = kw('max_period');
export const ComponentKw = kw('component');
export const Allow = kw('allow');
export const For = kw('for');
export const Because = kw('because');
export const Hierarchy = kw('hierarchy');
export const Level = kw('level');
export const Protect = kw('protect');
export const StrictlyLower = kw('strictly_lower');
export const LowerOrEqual = kw('lower_or_equal');
export const Entry = kw('entry');
export const AddBy = kw('add_by');
export const RemoveBy = kw('remove_by');
export const KickBy = kw('kick_by');
export const Leave = kw('leave');
export const OpenJoin = kw('open_join');
export const Addon = kw('addon');
export const Requires = kw('requires');
export const GivenBy = kw('given_by');
export const DroppedBy = kw('dropped_by');
export const SelfAssign = kw('self_assign');
export const SelfDrop = kw('self_drop');
export const Bans = kw('bans');
export const By = kw('by');
export const UnbanBy = kw('unban_by');
export const Reasons = kw('reasons');
export const Expiry = kw('expiry');
export const MembersOnly = kw('members_only');
export const All = kw('all');
export const Scenario = kw('scenario');
export const Given = kw('given');
export const Expect = kw('expect');
export const Deny = kw('deny');
export const To = kw('to');
export const Via = kw('via');
export const ClientsKw = kw('clients');
export const Claims = kw('claims');
export const True = kw('true');
export const False = kw('false');

/** Words reserved for a later version: an error if used now. Today only `use` (write `import`). */
export const RESERVED_WORDS = [
  'use',
] as const;
export const Reserved = createToken({
  name: 'Reserved',
  pattern: new RegExp(`(?:${RESERVED_WORDS.join('|')})\\b`),
  longer_alt: Identifier,
  label: 'a reserved word',
});

/** The keywords of the language, in the order of docs/language.md (used by completion and the decompiler). */
export const KEYWORDS: readonly string[] = keywordTokens.map((t) => t.name.slice(3));

export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  Unterminated.comment,
  HexString,
  ...keywordTokens,
  Reserved,
  KebabName,
  Identifier,
  Integer,
  StringLiteral,
  Unterminated.string,
  LCurly,
  RCurly,
  LSquare,
  RSquare,
  Arrow,
  DotDot,
  Comma,
  Colon,
  Equals,
  At,
  Semicolon,
  Plus,
  InvalidRun,
];

/** Offsets only (lines and columns come from the text's `LineMap` when needed): smaller tokens, for large files. */
export const mimiLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });

/** True if `word` cannot be used as a name (a keyword or reserved word). */
export const isKeyword = (word: string): boolean =>
  KEYWORDS.includes(word) || (RESERVED_WORDS as readonly string[]).includes(word);
export const isIdentifier = (word: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(word) && !isKeyword(word);
