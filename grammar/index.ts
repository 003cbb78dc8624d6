/**
 * The public face of grammar/: `parse(text, file)` → `{ ast, diagnostics }`. Chevrotain stays inside
 * this folder; its lexer and parser errors come out as the project's diagnostics, every one located.
 */
import type { IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../runtime/diagnostics.js';
import { DEFAULT_LIMITS, formatBytes, LIMIT_FLAGS, limitMessage } from '../runtime/limits.js';
import type { SourceSpan } from '../runtime/ir.js';
import * as A from './ast.js';
import { AstBuilder } from './build-ast.js';
import { InvalidRun, mimiLexer, Reserved, Unterminated } from './lexer.js';
import { mimiParser } from './parser.js';

export * from './ast.js';
export { isIdentifier, isKeyword, KEYWORDS, RESERVED_WORDS } from './lexer.js';

export const MAX_DIAGNOSTICS = 100;

export interface ParseResult {
  ast: A.SourceFile;
  diagnostics: Diagnostic[];
}

/** Turn an offset span into a located SourceSpan (1-based line/column, end exclusive). */
export function toSourceSpan(lines: A.LineMap, file: string, span: A.Span): SourceSpan {
  const s = lines.position(span.start);
  const e = lines.position(Math.max(span.end, span.start));
  return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, start: span.start, end: span.end };
}

const RESERVED_WHAT: Record<string, string> = {
  use: 'sharing packages between role models (write `import` instead)',
};

/** The end offset of a token (exclusive): the lexer tracks start offsets only (lexer.ts). */
const tokenEnd = (t: IToken): number => t.startOffset + t.image.length;

/**
 * Drop constructs of later versions before parsing, reporting each once: a reserved word at the top
 * level takes the rest of its construct with it (up to and including its balanced `{ … }` block), so
 * one `hierarchy { … }` block is one error, not a cascade.
 */
function stripReserved(tokens: IToken[], lines: A.LineMap, report: (t: IToken, end: number) => void): IToken[] {
  if (!tokens.some((t) => t.tokenType === Reserved)) return tokens; // no copy of a large token array
  const out: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.tokenType.name === 'Reserved') {
      let j = i;
      if (depth === 0) {
        // consume up to the end of a balanced block, or to the end of the line if there is none
        let d = 0;
        const line = lines.position(t.startOffset).line;
        for (j = i + 1; j < tokens.length; j++) {
          const n = tokens[j].tokenType.name;
          if (n === 'LCurly') d++;
          else if (n === 'RCurly') {
            d--;
            if (d <= 0) break;
          } else if (d === 0 && lines.position(tokens[j].startOffset).line !== line) {
            j--;
            break;
          }
        }
        j = Math.min(j, tokens.length - 1);
      }
      report(t, tokenEnd(tokens[j]));
      i = j;
      continue;
    }
    if (t.tokenType.name === 'LCurly') depth++;
    if (t.tokenType.name === 'RCurly') depth = Math.max(0, depth - 1);
    out.push(t);
  }
  return out;
}

/** Doc comments (`///` lines, `/** *\/`) directly above a role or package become its description. */
function docFor(comments: A.Comment[], declStart: number, text: string): string | undefined {
  const lines: string[] = [];
  let cursor = declStart;
  // the last comment that ends before the declaration (comments are in source order): binary search,
  // so that a file of many declarations and comments stays linear
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid].span.end <= cursor) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const c = comments[i];
    if (c.span.end > cursor) continue;
    const between = text.slice(c.span.end, cursor);
    if (!/^[ \t]*\r?\n?[ \t]*$/.test(between)) break; // something other than one line break in between
    if (!c.doc) break;
    lines.unshift(c.text);
    cursor = c.span.start;
  }
  if (lines.length === 0) return undefined;
  return lines
    .map((l) =>
      l.startsWith('///')
        ? l.slice(3).replace(/^ /, '').trimEnd()
        : l
            .slice(3, -2)
            .split('\n')
            .map((x) => x.replace(/^\s*\* ?/, '').trimEnd())
            .join('\n')
            .trim(),
    )
    .join('\n')
    .trim();
}

export interface ParseOptions {
  /**
   * Refuse a source larger than this many UTF-8 bytes with one `limit-exceeded` diagnostic at 1:1,
   * before any lexing (default `DEFAULT_LIMITS.maxSourceBytes`, 16 MB; the CLI's `--max-source-bytes`).
   */
  maxSourceBytes?: number;
}

/** The UTF-8 length of `text`, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The `limit-exceeded` diagnostic of a source over `maxSourceBytes`, or undefined if it is within it. */
export function sourceSizeDiagnostic(text: string, file: string, maxSourceBytes: number = DEFAULT_LIMITS.maxSourceBytes): Diagnostic | undefined {
  // a UTF-16 code unit is at most 3 UTF-8 bytes: short texts need no count
  if (text.length * 3 <= maxSourceBytes) return undefined;
  const bytes = utf8Length(text);
  if (bytes <= maxSourceBytes) return undefined;
  const { message, help } = limitMessage('the source file', formatBytes(bytes), formatBytes(maxSourceBytes), LIMIT_FLAGS.maxSourceBytes);
  return diagnostic('limit-exceeded', message, file, { file, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 }, { help });
}

/**
 * Parse one `.mimi` file. Never throws for bad input; every problem is a located diagnostic. Work is
 * linear in the size of the text: at most MAX_DIAGNOSTICS diagnostics are built, and the parser stops
 * at the first syntax error past them (one `too-many-errors` diagnostic says where).
 */
export function parse(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const tooLarge = sourceSizeDiagnostic(text, file, options.maxSourceBytes);
  if (tooLarge) return { ast: { kind: 'File', file, text, items: [], comments: [] }, diagnostics: [tooLarge] };

  const lines = new A.LineMap(text);
  const at = (span: A.Span) => toSourceSpan(lines, file, span);
  /** one more than is shown, so that a cut is known to be needed */
  const keep = MAX_DIAGNOSTICS + 1;
  const diagnostics: Diagnostic[] = [];
  /** diagnostics found but not built (past `keep` of their source) */
  let unbuilt = 0;

  // a lone UTF-16 surrogate (from an editor or a library caller: never from UTF-8 bytes) has no UTF-8
  // encoding, so no name or string holding one can go on the wire
  for (const m of text.matchAll(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g)) {
    if (diagnostics.length >= keep) {
      unbuilt++;
      continue;
    }
    const hex = m[0].charCodeAt(0).toString(16).toUpperCase();
    diagnostics.push(diagnostic('invalid-token', `a lone UTF-16 surrogate (U+${hex}) has no UTF-8 encoding`, file, at({ start: m.index, end: m.index + 1 }), { help: 'remove it, or write the whole character it was part of' }));
  }

  const lexed = mimiLexer.tokenize(text);
  const stripped: A.Span[] = [];
  let reserved = 0;
  const tokens = stripReserved(lexed.tokens, lines, (t, end) => {
    stripped.push({ start: t.startOffset, end });
    if (reserved++ >= keep) return void unbuilt++;
    diagnostics.push(
      diagnostic('reserved-keyword', `\`${t.image}\` is reserved for ${RESERVED_WHAT[t.image] ?? 'a later version'} and not supported yet`, file, at({ start: t.startOffset, end: tokenEnd(t) }), {
        help: `this version compiles the draft's single-role model; remove the \`${t.image}\` construct`,
      }),
    );
  });
  // lexical problems: lexer errors and the tokens of the `invalid` group (lexer.ts), in source order,
  // except those inside a stripped reserved construct
  const invalid = (lexed.groups.invalid ?? []) as IToken[];
  let lexical = 0;
  let r = 0;
  const problem = (offset: number, make: () => Diagnostic): void => {
    while (r < stripped.length && stripped[r].end <= offset) r++;
    if (r < stripped.length && offset >= stripped[r].start) return;
    if (lexical++ >= keep) unbuilt++;
    else diagnostics.push(make());
  };
  const unexpected = (offset: number, length: number) => () =>
    diagnostic('invalid-token', `unexpected character \`${text.slice(offset, offset + Math.min(20, Math.max(1, length)))}\``, file, at({ start: offset, end: offset + 1 }));
  for (let e = 0, i = 0; e < lexed.errors.length || i < invalid.length; ) {
    const err = lexed.errors[e];
    const t = invalid[i];
    if (t === undefined || (err !== undefined && err.offset < t.startOffset)) {
      problem(err.offset, unexpected(err.offset, err.length));
      e++;
      continue;
    }
    i++;
    if (t.tokenType === InvalidRun) problem(t.startOffset, unexpected(t.startOffset, t.image.length));
    else if (t.tokenType === Unterminated.comment)
      problem(t.startOffset, () => diagnostic('invalid-token', 'unterminated comment', file, at({ start: t.startOffset, end: t.startOffset + 2 }), { help: 'close the comment with `*/`' }));
    else problem(t.startOffset, () => diagnostic('invalid-token', 'unterminated string', file, at({ start: t.startOffset, end: tokenEnd(t) }), { help: 'close the string with `"` on the same line' }));
  }
  const comments: A.Comment[] = ((lexed.groups.comments ?? []) as IToken[]).map((t) => ({
    kind: 'Comment',
    text: t.image,
    doc: t.tokenType.name === 'DocComment',
    span: { start: t.startOffset, end: tokenEnd(t) },
  }));

  const parsed = mimiParser.parseFile(tokens, keep);
  for (const e of parsed.errors) {
    const t = e.token;
    let span: A.Span;
    if (t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset)) {
      const pt = (e as { previousToken?: IToken }).previousToken;
      const prev = pt && !Number.isNaN(pt.startOffset) ? pt : undefined;
      const endOff = prev ? tokenEnd(prev) : text.length;
      span = { start: endOff, end: endOff };
    } else span = { start: t.startOffset, end: tokenEnd(t) };
    diagnostics.push(diagnostic('syntax-error', e.message, file, at(span)));
  }

  const builder = new AstBuilder(keep);
  const rawItems = (parsed.cst ? (builder.visit(parsed.cst) as A.Item[] | undefined) : undefined) ?? [];
  for (const p of builder.problems) diagnostics.push(diagnostic(p.kind ?? 'invalid-literal', p.message, file, at(p.span), p.help ? { help: p.help } : {}));
  unbuilt += builder.unreported;

  const items = rawItems.map((item): A.Item => {
    if (item.kind === 'Hierarchy') {
      const levels = item.levels.map((l) => {
        const doc = docFor(comments, l.span.start, text);
        return doc !== undefined ? { ...l, doc } : l;
      });
      return { ...item, levels };
    }
    if (item.kind !== 'Role' && item.kind !== 'Package' && item.kind !== 'Addon') return item;
    const doc = docFor(comments, item.span.start, text);
    return doc !== undefined ? { ...item, doc } : item;
  });
  const ast: A.SourceFile = { kind: 'File', file, text, items, comments };

  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  const stoppedAt = parsed.stoppedAt && !Number.isNaN(parsed.stoppedAt.startOffset) ? parsed.stoppedAt.startOffset : parsed.stoppedAt ? text.length : undefined;
  if (diagnostics.length > MAX_DIAGNOSTICS || stoppedAt !== undefined) {
    const cut = diagnostics.slice(0, MAX_DIAGNOSTICS);
    const last = cut[cut.length - 1]?.span;
    const message =
      stoppedAt !== undefined
        ? `too many errors: showing the first ${MAX_DIAGNOSTICS}; the file was not checked past line ${lines.position(stoppedAt).line}`
        : `too many errors (${diagnostics.length + unbuilt}); showing the first ${MAX_DIAGNOSTICS}`;
    cut.push(diagnostic('too-many-errors', message, file, last, { help: 'fix these and run again' }));
    return { ast, diagnostics: cut };
  }
  return { ast, diagnostics };
}
