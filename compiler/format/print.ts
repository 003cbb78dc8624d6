/**
 * The printer: format tree → prettier doc. The layout rules, in prettier's terms:
 *
 * - Line items (declarations, role properties, `changes` entries …) go one per line; blank lines
 *   between them are kept (at most one), none are added.
 * - A `{ … }` block is kept expanded when the source has a line break right after `{` (prettier's
 *   rule for objects); otherwise it stays on one line if it fits, items two spaces apart
 *   (`room { max_users 500  persistent_room true }`), and expands if it does not.
 * - Lists (`grant`, `share_by`, `includes`, `changes` targets, `[...]`) are comma-separated and
 *   `fill` the line, wrapping with one level of indent at printWidth. A package's members, a set,
 *   are space-separated (as the stdlib and the decompiler write them) and keep the author's grouping
 *   by line. A preauth entry's claims break before every `and` when they do not fit.
 * - Literals are printed as written; optional commas between block items are dropped.
 * - End-of-line `//` comments of consecutive single-line items are aligned in one column.
 */
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import { endOfLineComment, isBlockComment, isNextLineEmpty, printDanglingComments, printLeadingComments, printTrailingComments } from './comments.js';
import type { FBlock, FClaim, FFile, FKind, FNode } from './tree.js';

const { group, indent, line, softline, hardline, fill, ifBreak } = doc.builders;

type Print = (selector?: string | number | (string | number)[] | AstPath<FNode>) => Doc;
type NodePrinter<K extends FKind> = (path: AstPath<Extract<FNode, { kind: K }>>, options: ParserOptions<FNode>, print: Print) => Doc;

const opt = (node: object | undefined, doc: () => Doc): Doc => (node ? doc() : '');

/** Whether the separator between two list elements must be a line break (a comment needs it). */
function forcedBreak(prev: FNode, next: FNode): boolean {
  return (
    (prev.comments ?? []).some((c) => c.trailing && (c.placement === 'ownLine' || !isBlockComment(c))) ||
    (next.comments ?? []).some((c) => c.leading && (c.placement === 'ownLine' || !isBlockComment(c)))
  );
}

/** `a, b, c` (or, for a package's members, `a b c`) filling the line. */
function printList(path: AstPath<FNode>, print: Print, key: string, comma = true): Doc {
  const elements = (path.node as unknown as Record<string, readonly FNode[]>)[key];
  const docs = path.map(print, key as never) as Doc[];
  const parts: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) parts.push(forcedBreak(elements[i - 1], elements[i]) ? hardline : line);
    parts.push(comma && i < docs.length - 1 ? [d, ','] : d);
  });
  return fill(parts);
}

/** Claims joined by `and`, breaking before each `and` when they do not fit. */
function printClaims(path: AstPath<FNode>, print: Print, claims: readonly FClaim[]): Doc {
  const docs = path.map(print, 'claims' as never) as Doc[];
  return docs.map((d, i) => (i === 0 ? d : [forcedBreak(claims[i - 1], claims[i]) ? hardline : line, 'and ', d]));
}

/** Depth of nested blocks at `path` (its own block included), for the width an item has. */
function blockDepth(path: AstPath<FNode>): number {
  let depth = path.node.kind === 'Block' ? 1 : 0;
  for (let k = 0; ; k++) {
    const n = path.getParentNode(k) as FNode | null;
    if (!n) return depth;
    if (n.kind === 'Block') depth++;
  }
}

/**
 * The items of a file or block, each with its comments, separated by `separator`; end-of-line `//`
 * comments of consecutive single-line items share one column.
 */
function printItems(path: AstPath<FFile | FBlock>, options: ParserOptions<FNode>, print: Print, separator: Doc, itemSuffix: string): Doc[] {
  const text = options.originalText;
  const items = path.node.items;
  const contents = path.map(print, 'items') as Doc[];
  const suffix = (i: number) => (i < items.length - 1 ? itemSuffix : '');

  // alignment: a run is a stretch of single-line items with no blank or comment line between them;
  // the end-of-line comments of a run share the column after its longest commented item
  const pads: string[] = items.map(() => ' ');
  const commented = items.map((item) => endOfLineComment(item, text) !== undefined);
  if (commented.filter(Boolean).length >= 2) {
    const width = options.printWidth - blockDepth(path as AstPath<FNode>) * options.tabWidth;
    const widths = items.map((item, i) => {
      const printed = doc.printer.printDocToString([contents[i], suffix(i)], { ...options, printWidth: width }).formatted;
      // a package member line that wraps is read back as one member line per line: it counts as its last
      if (item.kind === 'MemberLine') return util.getStringWidth(printed.slice(printed.lastIndexOf('\n') + 1));
      return printed.includes('\n') ? undefined : util.getStringWidth(printed);
    });
    const adjacent = (j: number) => !isNextLineEmpty(text, items[j].end) && !(items[j + 1].comments ?? []).some((c) => c.leading);
    for (let i = 0; i < items.length; ) {
      let j = i;
      while (widths[j] !== undefined && j + 1 < items.length && widths[j + 1] !== undefined && adjacent(j)) j++;
      const run = [...Array(j - i + 1).keys()].map((k) => i + k).filter((k) => commented[k] && widths[k] !== undefined);
      if (run.length >= 2) {
        // a loop, not Math.max(...): a run can be longer than a call's argument list may be
        let column = 0;
        for (const k of run) column = Math.max(column, widths[k]! + 1);
        for (const k of run) pads[k] = ' '.repeat(column - widths[k]!);
      }
      i = j + 1;
    }
  }

  const parts: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) {
      parts.push(separator);
      if (isNextLineEmpty(text, items[i - 1].end)) parts.push(hardline);
    }
    const trailing = printTrailingComments(item, text, pads[i]);
    parts.push(printLeadingComments(item, text), contents[i], trailing.inline, suffix(i), trailing.below);
  });
  return parts;
}

const PRINTERS: { [K in FKind]: NodePrinter<K> } = {
  File(path, options, print) {
    const node = path.node;
    if (node.items.length === 0) {
      const dangling = printDanglingComments(node.comments ?? [], options.originalText);
      return dangling.length ? [dangling, hardline] : '';
    }
    return [printItems(path, options, print, hardline, ''), hardline];
  },
  Block(path, options, print) {
    const node = path.node;
    const parent = path.parent as FNode | null;
    if (node.items.length === 0) {
      const dangling = printDanglingComments(node.comments ?? [], options.originalText);
      return dangling.length ? ['{', indent([hardline, dangling]), hardline, '}'] : '{}';
    }
    // a package's member lines are one space-separated set; other items stand two spaces apart
    const members = parent?.kind === 'Package';
    // the changes of a `commit { … }` on one line are `;`-separated
    const separator = node.expanded ? hardline : members ? line : parent?.kind === 'Expect' ? [ifBreak('', ';'), line] : [ifBreak('', ' '), line];
    const items = printItems(path, options, print, separator, '');
    const body: Doc = ['{', indent([node.expanded ? hardline : line, items]), node.expanded ? hardline : line, '}'];
    return node.expanded ? body : group(body);
  },
  Word: (path) => path.node.text,
  Bracketed(path, _options, print) {
    if (path.node.elements.length === 0) return '[]';
    return group(['[', indent([softline, printList(path as AstPath<FNode>, print, 'elements')]), softline, ']']);
  },
  Range(path, _options, print) {
    const node = path.node;
    return node.exact ? print('min') : [print('min'), '..', opt(node.max, () => print('max'))];
  },
  Import: (_path, _options, print) => ['import ', print('path')],
  Section(path, _options, print) {
    const node = path.node;
    return [node.keyword, path.map(() => [' ', print()], 'head'), opt(node.body, () => [' ', print('body')])];
  },
  Setting(path, _options, print) {
    return [path.node.keyword, opt(path.node.value, () => [' ', print('value')])];
  },
  ListSetting(path, _options, print) {
    return [path.node.keyword, ' ', indent(printList(path as AstPath<FNode>, print, 'items'))];
  },
  Decl: (path, _options, print) => [path.node.keyword, ' ', print('name'), ' = ', print('code')],
  Package(path, _options, print) {
    const node = path.node;
    return [
      node.required ? 'required ' : '',
      'package ',
      print('name'),
      node.includes.length ? [' includes ', indent(printList(path as AstPath<FNode>, print, 'includes'))] : '',
      ' ',
      print('body'),
    ];
  },
  MemberLine: (path, _options, print) => printList(path as AstPath<FNode>, print, 'names', false),
  Role(path, _options, print) {
    const node = path.node;
    return ['role ', print('name'), opt(node.index, () => [' @', print('index')]), opt(node.extends, () => [' extends ', print('extends')]), ' ', print('body')];
  },
  ChangeEntry(path, _options, print) {
    return [print('from'), ' -> ', path.node.to.length ? indent(printList(path as AstPath<FNode>, print, 'to')) : '[]'];
  },
  PreauthEntry(path, _options, print) {
    const node = path.node;
    return group([print('role'), ' when ', node.anyone ? 'anyone' : indent(printClaims(path as AstPath<FNode>, print, node.claims))]);
  },
  Claim(path, _options, print) {
    const node = path.node;
    return [node.credential, opt(node.code, () => [' ', print('code')]), opt(node.id, () => [' ', print('id')]), ' = ', print('value')];
  },
  ParticipantEntry: (_path, _options, print) => [print('user'), ': ', print('role')],
  Component: (_path, _options, print) => ['component ', print('id'), ' ', print('data')],
  Allow: (_path, _options, print) => ['allow ', print('finding'), ' for ', print('role'), ' because ', print('reason')],
  GivenEntry(path, _options, print) {
    const node = path.node;
    const claims = node.claims;
    return [
      print('user'),
      ': ',
      print('role'),
      opt(node.clients, () => [' clients ', print('clients')]),
      claims === undefined ? '' : claims.length === 0 ? ' claims {}' : [' ', group(['claims {', indent([line, printClaims(path as AstPath<FNode>, print, claims)]), line, '}'])],
    ];
  },
  Expect(path, _options, print) {
    const node = path.node;
    return [
      // `deny` padded to the width of `allow`, so the actors of a scenario line up
      node.allow ? 'expect allow ' : 'expect deny  ',
      print('actor'),
      ' ',
      print('action'),
      opt(node.target, () => [' ', print('target')]),
      opt(node.code, () => [' ', print('code')]),
      // `to`, `via` and `clients` may come in any order: the author's is kept
      (['to', 'via', 'clients'] as const)
        .filter((key) => node[key] !== undefined)
        .sort((a, b) => node[a]!.start - node[b]!.start)
        .map((key) => [` ${key} `, print(key)]),
      opt(node.changes, () => [' ', print('changes')]),
    ];
  },
  CommitChange(path, _options, print) {
    return [print('verb'), ' ', print('target'), opt(path.node.to, () => [' to ', print('to')])];
  },
  ExpectState(path, _options, print) {
    return ['expect ', print('subject'), ' ', path.node.check, opt(path.node.value, () => [' ', print('value')])];
  },
};

export function printNode(path: AstPath<FNode>, options: ParserOptions<FNode>, print: Print): Doc {
  const printer = PRINTERS[path.node.kind] as NodePrinter<FKind>;
  return printer(path as never, options, print);
}

/** Line items print their own comments (to align them); prettier prints those of every other node. */
export function isLineItem(path: AstPath<FNode>): boolean {
  const parent = path.parent as FNode | null;
  return !!parent && (parent.kind === 'File' || parent.kind === 'Block') && path.key === 'items';
}

