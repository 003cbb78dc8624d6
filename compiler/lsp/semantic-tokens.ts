/**
 * Semantic tokens (`textDocument/semanticTokens/full`): the lexer's tokens, with names classified
 * by what they resolve to in the compiled program — a role, hierarchy level or add-on is a `class`
 * (add-ons `interface`), a capability an `enumMember`, a package a `namespace`, a finding kind in
 * `allow` a `type`, in scenarios a user a `variable` and an action a `function`; keywords, numbers,
 * strings, comments and operators as such. A declaring name
 * carries the `declaration` modifier, a name from the standard library or the capability registry
 * `defaultLibrary`, a `///` or `/** … *\/` comment `documentation`.
 *
 * Encoded as LSP's relative 5-tuples (line delta, start delta, length, type, modifiers), in UTF-16
 * code units, lines ending at `\n`, `\r\n` or `\r` as LSP counts them. A token over several lines (a
 * block comment) is split into one token per line, as clients without multiline-token support need.
 * One pass over the tokens: linear in the document.
 */
import type { IToken } from 'chevrotain';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import { mimiLexer } from '../../grammar/lexer.js';
import type * as A from '../../grammar/index.js';
import type { DeclKind, Occurrence } from './occurrences.js';

export const TOKEN_TYPES = ['keyword', 'class', 'interface', 'enumMember', 'namespace', 'type', 'number', 'string', 'comment', 'operator', 'variable', 'function'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary', 'documentation'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const TYPE = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const MOD = Object.fromEntries(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i])) as Record<TokenModifier, number>;

const OPERATORS = new Set(['Arrow', 'DotDot', 'Equals', 'Plus', 'At']);
const COMMENTS = new Set(['LineComment', 'BlockComment', 'DocComment', 'UnterminatedComment']);

/** The program's names, as semantic tokens need them. */
export interface NameIndex {
  /** the occurrences of names in the document, by start offset */
  readonly at: ReadonlyMap<number, Occurrence>;
  /** what each name of the capability namespace is declared as (packages and private capabilities) */
  readonly capabilityDecls: ReadonlyMap<string, { kind: DeclKind; stdlib: boolean }>;
  /** what each name of the role namespace is declared as */
  readonly roleDecls: ReadonlyMap<string, { kind: DeclKind; stdlib: boolean }>;
  /** the scenarios' own words (users, actions) by start offset: end, type, modifiers */
  readonly words: ReadonlyMap<number, readonly [number, number, number]>;
}

/** Users and actions of the scenarios in `file`. */
function scenarioWords(file: A.SourceFile | undefined): Map<number, readonly [number, number, number]> {
  const words = new Map<number, readonly [number, number, number]>();
  const add = (id: A.Ident | undefined, type: number, mods = 0) => {
    if (id && !words.has(id.span.start)) words.set(id.span.start, [id.span.end, type, mods]);
  };
  for (const item of file?.items ?? []) {
    if (item.kind !== 'Scenario') continue;
    for (const g of item.given) add(g.user, TYPE.variable, MOD.declaration);
    for (const st of item.steps) {
      if (st.kind === 'ExpectState') add(st.subject, TYPE.variable);
      else if (st.kind === 'ExpectList') st.entries.forEach((g) => add(g.user, TYPE.variable));
      else {
        add(st.actor, TYPE.variable);
        add(st.action, TYPE.function);
        if (st.action.name !== 'capability') add(st.target, TYPE.variable);
        for (const c of st.changes ?? []) {
          add(c.verb, TYPE.function);
          add(c.target, TYPE.variable);
        }
      }
    }
  }
  return words;
}

/** Index `occurrences` (of a whole program) for the document at `path`. */
export function nameIndex(occurrences: readonly Occurrence[], path: string, isStdlib: (file: string) => boolean, file?: A.SourceFile): NameIndex {
  const at = new Map<number, Occurrence>();
  const capabilityDecls = new Map<string, { kind: DeclKind; stdlib: boolean }>();
  const roleDecls = new Map<string, { kind: DeclKind; stdlib: boolean }>();
  const stdlibFiles = new Map<string, boolean>();
  const stdlib = (file: string) => {
    let s = stdlibFiles.get(file);
    if (s === undefined) stdlibFiles.set(file, (s = isStdlib(file)));
    return s;
  };
  for (const o of occurrences) {
    if (o.file === path && !at.has(o.start)) at.set(o.start, o);
    if (o.declares) {
      const decls = o.ns === 'role' ? roleDecls : capabilityDecls;
      if (!decls.has(o.name)) decls.set(o.name, { kind: o.declares, stdlib: stdlib(o.file) });
    }
  }
  return { at, capabilityDecls, roleDecls, words: scenarioWords(file) };
}

/** The type and modifiers of a name occurrence. */
function classify(o: Occurrence, names: NameIndex): [number, number] {
  const decl = (o.ns === 'role' ? names.roleDecls : names.capabilityDecls).get(o.name);
  let mods = o.declares ? MOD.declaration : 0;
  if (o.ns === 'role') {
    if (decl?.stdlib) mods |= MOD.defaultLibrary;
    return [decl?.kind === 'addon' ? TYPE.interface : TYPE.class, mods];
  }
  // a capability namespace name: a package, a declared private capability, or one of the registry's
  if (decl?.kind === 'package') return [TYPE.namespace, mods | (decl.stdlib ? MOD.defaultLibrary : 0)];
  return [TYPE.enumMember, mods | (decl ? (decl.stdlib ? MOD.defaultLibrary : 0) : MOD.defaultLibrary)];
}

/** The type and modifiers of a lexer token, or undefined for one that gets no semantic token. */
function tokenKind(t: IToken, names: NameIndex | undefined): [number, number] | undefined {
  const n = t.tokenType.name;
  if (n.startsWith('Kw_') || n === 'Reserved') return [TYPE.keyword, 0];
  switch (n) {
    case 'Identifier': {
      const end = t.startOffset + t.image.length;
      const o = names?.at.get(t.startOffset);
      if (o) return o.end === end ? classify(o, names!) : undefined;
      const w = names?.words.get(t.startOffset);
      return w && w[0] === end ? [w[1], w[2]] : undefined;
    }
    case 'KebabName':
      return [TYPE.type, 0];
    case 'Integer':
      return [TYPE.number, 0];
    case 'StringLiteral':
    case 'HexString':
      return [TYPE.string, 0];
    case 'DocComment':
      return [TYPE.comment, MOD.documentation];
    default:
      if (COMMENTS.has(n)) return [TYPE.comment, 0];
      return OPERATORS.has(n) ? [TYPE.operator, 0] : undefined;
  }
}

/** Tokens in offset order: the lexer's main stream and its groups (comments), merged. */
function allTokens(text: string): IToken[] {
  const lexed = mimiLexer.tokenize(text);
  const comments = (lexed.groups.comments ?? []) as IToken[];
  const invalid = ((lexed.groups.invalid ?? []) as IToken[]).filter((t) => t.tokenType.name === 'UnterminatedComment');
  const extra = [...comments, ...invalid].sort((a, b) => a.startOffset - b.startOffset);
  if (extra.length === 0) return lexed.tokens;
  const out: IToken[] = [];
  let j = 0;
  for (const t of lexed.tokens) {
    while (j < extra.length && extra[j].startOffset < t.startOffset) out.push(extra[j++]);
    out.push(t);
  }
  while (j < extra.length) out.push(extra[j++]);
  return out;
}

/**
 * The semantic tokens of `text` (names classified by `names`, the document's program; without it,
 * only what the lexer alone can tell). Never throws for any text.
 */
export function semanticTokens(text: string, names?: NameIndex): SemanticTokens {
  const data: number[] = [];
  let line = 0; // the line of `lineStart`
  let lineStart = 0; // offset of the start of line `line`
  let scanned = 0; // line breaks before this offset have been counted
  let prevLine = 0;
  let prevChar = 0;
  /** advance (line, lineStart) to the line holding `offset` (offsets only grow) */
  const moveTo = (offset: number) => {
    for (let i = scanned; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = i + 1;
      }
    }
    if (offset > scanned) scanned = offset;
  };
  const push = (start: number, length: number, type: number, mods: number) => {
    if (length <= 0) return;
    const char = start - lineStart;
    data.push(line - prevLine, line === prevLine ? char - prevChar : char, length, type, mods);
    prevLine = line;
    prevChar = char;
  };
  let lastEnd = 0;
  for (const t of allTokens(text)) {
    const start = t.startOffset;
    const end = start + t.image.length;
    if (start < lastEnd) continue; // overlapping (never expected): keep the first
    const kind = tokenKind(t, names);
    if (!kind) continue;
    lastEnd = end;
    moveTo(start);
    // split at line breaks (only comments span lines)
    let from = start;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        push(from, i - from, kind[0], kind[1]);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        moveTo(i + 1);
        from = i + 1;
      }
    }
    push(from, end - from, kind[0], kind[1]);
  }
  return { data };
}

/** Semantic tokens decoded to absolute places (for tests and debugging). */
export function decodeSemanticTokens(data: readonly number[]): { line: number; character: number; length: number; type: TokenType; modifiers: TokenModifier[] }[] {
  const out: { line: number; character: number; length: number; type: TokenType; modifiers: TokenModifier[] }[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    out.push({ line, character, length: data[i + 2], type: TOKEN_TYPES[data[i + 3]], modifiers: TOKEN_MODIFIERS.filter((_, b) => data[i + 4] & (1 << b)) });
  }
  return out;
}
