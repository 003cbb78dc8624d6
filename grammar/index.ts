/**
 * The public face of grammar/: `parse(text, file)` → `{ ast, diagnostics }`. Chevrotain stays inside
 * this folder; its lexer and parser errors come out as the project's diagnostics, every one located.
 */
import type { IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../runtime/diagnostics.js';
import type { SourceSpan } from '../runtime/ir.js';
import * as A from './ast.js';
import { AstBuilder } from './build-ast.js';
import { mimiLexer } from './lexer.js';
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

/**
 * Drop constructs of later versions before parsing, reporting each once: a reserved word at the top
 * level takes the rest of its construct with it (up to and including its balanced `{ … }` block), so
 * one `hierarchy { … }` block is one error, not a cascade.
 */
function stripReserved(tokens: IToken[], report: (t: IToken, end: number) => void): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.tokenType.name === 'Reserved') {
      let j = i;
      if (depth === 0) {
        // consume up to the end of a balanced block, or to the end of the line if there is none
        let d = 0;
        const line = t.startLine;
        for (j = i + 1; j < tokens.length; j++) {
          const n = tokens[j].tokenType.name;
          if (n === 'LCurly') d++;
          else if (n === 'RCurly') {
            d--;
            if (d <= 0) break;
          } else if (d === 0 && tokens[j].startLine !== line) {
            j--;
            break;
          }
        }
        j = Math.min(j, tokens.length - 1);
      }
      report(t, (tokens[j].endOffset ?? t.endOffset ?? t.startOffset) + 1);
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
  for (let i = comments.length - 1; i >= 0; i--) {
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

export function parse(text: string, file: string): ParseResult {
  const lines = new A.LineMap(text);
  const at = (span: A.Span) => toSourceSpan(lines, file, span);
  const diagnostics: Diagnostic[] = [];

  const lexed = mimiLexer.tokenize(text);
  const stripped: A.Span[] = [];
  const tokens = stripReserved(lexed.tokens, (t, end) => {
    stripped.push({ start: t.startOffset, end });
    diagnostics.push(
      diagnostic('reserved-keyword', `\`${t.image}\` is reserved for ${RESERVED_WHAT[t.image] ?? 'a later version'} and not supported yet`, file, at({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 }), {
        help: `this version compiles the draft's single-role model; remove the \`${t.image}\` construct`,
      }),
    );
  });
  for (const e of lexed.errors) {
    if (stripped.some((r) => e.offset >= r.start && e.offset < r.end)) continue;
    const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
    const unterminated = ch.startsWith('"');
    diagnostics.push(
      diagnostic(
        'invalid-token',
        unterminated ? 'unterminated string' : `unexpected character \`${ch.slice(0, 20)}\``,
        file,
        at({ start: e.offset, end: e.offset + (unterminated ? Math.max(1, e.length) : 1) }),
        unterminated ? { help: 'close the string with `"` on the same line' } : {},
      ),
    );
  }
  const comments: A.Comment[] = (lexed.groups.comments ?? []).map((t: IToken) => ({
    kind: 'Comment',
    text: t.image,
    doc: t.tokenType.name === 'DocComment',
    span: { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 },
  }));

  mimiParser.input = tokens;
  const cst = mimiParser.file();
  for (const e of mimiParser.errors) {
    const t = e.token;
    let span: A.Span;
    if (t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset)) {
      const pt = (e as { previousToken?: IToken }).previousToken;
      const prev = pt && !Number.isNaN(pt.startOffset) ? pt : undefined;
      const endOff = prev ? (prev.endOffset ?? prev.startOffset) + 1 : text.length;
      span = { start: endOff, end: endOff };
    } else span = { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
    diagnostics.push(diagnostic('syntax-error', e.message, file, at(span)));
  }

  const builder = new AstBuilder();
  const rawItems = (builder.visit(cst) as A.Item[] | undefined) ?? [];
  for (const p of builder.problems) diagnostics.push(diagnostic(p.kind ?? 'invalid-literal', p.message, file, at(p.span), p.help ? { help: p.help } : {}));

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

  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  if (diagnostics.length > MAX_DIAGNOSTICS) {
    const cut = diagnostics.slice(0, MAX_DIAGNOSTICS);
    cut.push(diagnostic('too-many-errors', `too many errors (${diagnostics.length}); showing the first ${MAX_DIAGNOSTICS}`, file, cut[cut.length - 1].span));
    return { ast: { kind: 'File', file, text, items, comments }, diagnostics: cut };
  }
  return { ast: { kind: 'File', file, text, items, comments }, diagnostics };
}

