/**
 * Comments in formatted `.mimi`: every comment is kept, and a doc comment stays exactly where it
 * decides a description (directly above its role, package, level or add-on).
 *
 * Prettier attaches each comment to a node (comments/attach in prettier's core). Two rules are ours:
 * a comment between two elements of one list stays there, and any other comment inside a line
 * item's own tokens (`role a /* x *\/ @2 {`) moves to its own line above the item — the one place
 * that stays put on the next run, so formatting is idempotent. Line items (the children of a file or
 * a block) print their own comments, so that end-of-line comments of consecutive lines can be
 * aligned in one column, as gofmt does.
 */
import { doc, type Doc, type ParserOptions } from 'prettier';
import type { FComment, FFile, FItem, FNode, FormatTree } from './tree.js';

const { hardline, line, literalline, join, breakParent, lineSuffix } = doc.builders;

/** The format tree of each parsed root, for the comment handlers (prettier passes them only the root). */
export const treeOfRoot = new WeakMap<FFile, FormatTree>();

export const isBlockComment = (c: FComment): boolean => c.text.startsWith('/*');

/**
 * A comment's text. A block comment whose continuation lines all start with `*` is re-indented to
 * the current indentation (as prettier does for JSDoc); any other multi-line comment is kept verbatim.
 * Neither changes the description a doc comment gives (its `*` prefixes and indentation are dropped).
 */
export function commentDoc(c: FComment): Doc {
  c.printed = true;
  if (!isBlockComment(c)) return c.text.trimEnd();
  const lines = c.text.split('\n');
  if (lines.length === 1) return c.text;
  if (lines.slice(1).every((l) => /^\s*\*/.test(l))) return join(hardline, [lines[0].trimEnd(), ...lines.slice(1).map((l) => ` ${l.trim()}`)]);
  return join(literalline, lines);
}

// --- the source text around a comment ----------------------------------------------------------------

/** Only spaces/tabs between `offset` and the previous line break (or the start of the text). */
export function newlineBefore(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

/** Only spaces/tabs between `offset` and the next line break (or the end of the text). */
export function newlineAfter(text: string, offset: number): boolean {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i >= text.length || text[i] === '\n' || text[i] === '\r';
}

/**
 * Whether the line after the one `offset` is on is empty — after skipping the rest of this line's
 * comments and optional commas (`"a": x,`). This is how blank lines between items are kept.
 */
export function isNextLineEmpty(text: string, offset: number): boolean {
  let i = offset;
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return false;
      i = close + 2;
      continue;
    }
    break;
  }
  if (text.startsWith('//', i)) while (i < text.length && text[i] !== '\n') i++;
  if (text[i] === '\r') i++;
  if (text[i] !== '\n') return false;
  i++;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  return text[i] === '\n';
}

/** Whether a line break and then an empty line follow `offset` (nothing else on its line). */
export function blankLineAfter(text: string, offset: number): boolean {
  let i = offset;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '\r') i++;
  if (text[i] !== '\n') return false;
  i++;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\r') i++;
  return text[i] === '\n';
}

/** Whether the line before the one `offset` is on is empty. */
export function isPreviousLineEmpty(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (text[i] !== '\n') return false;
  i--;
  if (text[i] === '\r') i--;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i--;
  return text[i] === '\n';
}

// --- attachment --------------------------------------------------------------------------------------

interface Decorated extends FComment {
  enclosingNode?: FNode;
  precedingNode?: FNode;
  followingNode?: FNode;
}

/** Declarations that take a description from the doc comments directly above them (grammar's `docFor`). */
const isDocBearing = (node: FNode): boolean =>
  node.kind === 'Role' || node.kind === 'Package' || (node.kind === 'Section' && (node.keyword === 'level' || node.keyword === 'addon'));

/** The comment that starts at `offset` (binary search: comments are in source order). */
function commentStartingAt(comments: readonly FComment[], offset: number): FComment | undefined {
  let lo = 0;
  let hi = comments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = comments[mid].start;
    if (s === offset) return comments[mid];
    if (s < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Whether only doc comments, each at most one line break from the next, lie between `from` and `to`. */
function docChainReaches(tree: FormatTree, text: string, from: number, to: number): boolean {
  let i = from;
  for (;;) {
    let breaks = 0;
    while (i < to && /\s/.test(text[i])) if (text[i++] === '\n') breaks++;
    if (breaks > 1) return false;
    if (i >= to) return true;
    const c = commentStartingAt(tree.comments, i);
    if (!c || !c.doc) return false;
    i = c.end;
  }
}

/** The line item a node belongs to (itself, if it is one). */
function lineItemOf(tree: FormatTree, node: FNode): FNode {
  let n = node;
  for (;;) {
    const parent = tree.parents.get(n);
    if (!parent || parent.kind === 'Block' || parent.kind === 'File') return n;
    n = parent;
  }
}

/**
 * prettier's `handleComments` hook (the same for own-line, end-of-line and remaining comments):
 * returns true when it placed the comment itself.
 */
export function handleComment(comment: Decorated, text: string, _options: ParserOptions<FNode>, ast: FNode): boolean {
  const { enclosingNode: enclosing, precedingNode: before, followingNode: after } = comment;
  const tree = treeOfRoot.get(ast as FFile);
  if (!tree) return false;
  if (!enclosing || enclosing.kind === 'File' || enclosing.kind === 'Block') {
    // `} /// d` right above `role r` is part of r's description: it goes with r (on its own line)
    if (comment.doc && after && isDocBearing(after) && docChainReaches(tree, text, comment.end, after.start)) {
      comment.leading = true;
      comment.trailing = false;
      comment.printed = false;
      (after.comments ??= []).push(comment);
      return true;
    }
    // between two items on one line (items are separated by whitespace only): it ends the first
    if (comment.placement === 'remaining' && before && after) {
      comment.leading = false;
      comment.trailing = true;
      comment.printed = false;
      (before.comments ??= []).push(comment);
      return true;
    }
    return false;
  }
  const list = before && tree.lists.get(before);
  if (list && after && tree.lists.get(after) === list) {
    // a comment alone on its line between two elements ends the line of the first (before any `and`);
    // one followed by the next element on its line stays in front of it
    if (comment.placement !== 'ownLine' || !newlineAfter(text, comment.end)) return false;
    comment.leading = false;
    comment.trailing = true;
    comment.printed = false;
    (before.comments ??= []).push(comment);
    return true;
  }
  const item = lineItemOf(tree, enclosing);
  comment.moved = true;
  comment.leading = true;
  comment.trailing = false;
  comment.printed = false;
  (item.comments ??= []).push(comment);
  return true;
}

// --- printing a line item's own comments ---------------------------------------------------------------

/**
 * Comments above a line item: its leading comments, with the ones moved out of the item's tokens
 * inserted just before the doc comments directly above it (set apart by a blank line when a moved
 * one is itself a doc comment), so that the item's description stays what it was.
 */
export function printLeadingComments(item: FItem, text: string): Doc[] {
  const leading = (item.comments ?? []).filter((c) => c.leading).sort((a, b) => a.start - b.start);
  const moved = leading.filter((c) => c.moved);
  const own = leading.filter((c) => !c.moved);
  let chain = own.length;
  while (chain > 0 && own[chain - 1].doc && !blankLineAfter(text, own[chain - 1].end)) chain--;
  const parts: Doc[] = [];
  const printOwn = (c: FComment) => {
    parts.push(commentDoc(c));
    if (isBlockComment(c) && !newlineAfter(text, c.end)) parts.push(' ');
    else parts.push(isBlockComment(c) && !newlineBefore(text, c.start) ? line : hardline);
    if (blankLineAfter(text, c.end)) parts.push(hardline);
  };
  own.slice(0, chain).forEach(printOwn);
  for (const c of moved) parts.push(commentDoc(c), hardline);
  if (moved.some((c) => c.doc)) parts.push(hardline);
  own.slice(chain).forEach(printOwn);
  return parts;
}

/** The first trailing comment when it is a `//` comment on the item's own last line (an alignable one). */
export function endOfLineComment(item: FItem, text: string): FComment | undefined {
  const first = (item.comments ?? []).filter((c) => c.trailing).sort((a, b) => a.start - b.start)[0];
  return first && !isBlockComment(first) && !newlineBefore(text, first.start) ? first : undefined;
}

/**
 * Comments after a line item: `inline` ones stay on its last line (`pad` is the space before an
 * end-of-line `//` comment, for alignment; `//` comments go to the end of the line, after any comma
 * that follows the item), `below` ones go on lines of their own.
 */
export function printTrailingComments(item: FItem, text: string, pad = ' '): { inline: Doc[]; below: Doc[] } {
  const trailing = (item.comments ?? []).filter((c) => c.trailing).sort((a, b) => a.start - b.start);
  const inline: Doc[] = [];
  const below: Doc[] = [];
  let afterLineComment = false;
  for (const c of trailing) {
    if (afterLineComment || newlineBefore(text, c.start)) below.push(hardline, isPreviousLineEmpty(text, c.start) ? hardline : '', commentDoc(c));
    // outside the line's width, like prettier's own trailing comments, so the item lays out as measured
    else if (!isBlockComment(c)) inline.push(lineSuffix([pad, commentDoc(c)]), breakParent);
    // a `/* … */` that ended its line keeps ending it (a one-line block expands)
    else inline.push(' ', commentDoc(c), newlineAfter(text, c.end) ? breakParent : '');
    afterLineComment = !isBlockComment(c);
  }
  return { inline, below };
}

/** Comments of an empty block or file, blank lines between them kept. */
export function printDanglingComments(comments: readonly FComment[], text: string): Doc[] {
  const sorted = [...comments].filter((c) => !c.leading && !c.trailing).sort((a, b) => a.start - b.start);
  const parts: Doc[] = [];
  sorted.forEach((c, i) => {
    if (i > 0) parts.push(isBlockComment(sorted[i - 1]) && !newlineBefore(text, c.start) ? ' ' : [hardline, isPreviousLineEmpty(text, c.start) ? hardline : '']);
    parts.push(commentDoc(c));
  });
  if (sorted.length && !isBlockComment(sorted[sorted.length - 1])) parts.push(breakParent);
  return parts;
}
