/**
 * The prettier plugin for `.mimi`: `prettier --plugin mimi-policy/prettier-plugin --write '**\/*.mimi'`.
 * The parser is the grammar's own (`parse`), so a file formats only if it compiles as far as syntax
 * goes; a syntax error is thrown as prettier expects (`loc` with 1-based line and column), with the
 * project's diagnostics attached.
 */
import type { AstPath, Plugin } from 'prettier';
import { parse } from '../../grammar/index.js';
import type { Diagnostic } from '../../runtime/diagnostics.js';
import { DEFAULT_LIMITS } from '../../runtime/limits.js';
import { commentDoc, handleComment, isBlockComment, treeOfRoot } from './comments.js';
import { isLineItem, printNode } from './print.js';
import { buildFormatTree, VISITOR_KEYS, type FComment, type FNode } from './tree.js';

/** A `.mimi` file that does not parse: the first diagnostic as prettier's `loc`, all of them in `diagnostics`. */
export class MimiSyntaxError extends SyntaxError {
  override readonly name = 'MimiSyntaxError';
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(`${first.message} [${first.code}]${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ''}`);
    const s = first.span;
    this.loc = s ? { start: { line: s.line, column: s.column }, end: { line: s.endLine, column: s.endColumn } } : { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  }
}

const locStart = (node: FNode | FComment): number => node.start;
const locEnd = (node: FNode | FComment): number => node.end;

export const mimiPlugin: Plugin<FNode> = {
  languages: [{ name: 'mimi', parsers: ['mimi'], extensions: ['.mimi'], vscodeLanguageIds: ['mimi'] }],
  parsers: {
    mimi: {
      astFormat: 'mimi',
      locStart,
      locEnd,
      parse(text, options) {
        const maxSourceBytes = (options as { maxSourceBytes?: number }).maxSourceBytes;
        const { ast, diagnostics } = parse(text, options.filepath ?? 'input.mimi', maxSourceBytes !== undefined ? { maxSourceBytes } : {});
        if (diagnostics.length > 0) throw new MimiSyntaxError(diagnostics);
        const tree = buildFormatTree(ast);
        treeOfRoot.set(tree.root, tree);
        return tree.root;
      },
    },
  },
  printers: {
    mimi: {
      print: printNode,
      getVisitorKeys: (node) => (VISITOR_KEYS[node.kind] as readonly string[] | undefined)?.slice() ?? [],
      canAttachComment: (node) => typeof node === 'object' && node !== null && 'kind' in node && (node as { kind: string }).kind !== 'Comment',
      isBlockComment: (node) => isBlockComment(node as unknown as FComment),
      printComment: (path: AstPath) => commentDoc(path.node as FComment),
      willPrintOwnComments: (path) => isLineItem(path),
      handleComments: { ownLine: handleComment, endOfLine: handleComment, remaining: handleComment },
    },
  },
  options: {
    maxSourceBytes: {
      type: 'int',
      category: 'mimi',
      default: DEFAULT_LIMITS.maxSourceBytes,
      description: 'Refuse .mimi sources larger than this many UTF-8 bytes (E0006).',
    },
  },
  // the repository's own line width (the decompiler writes to 100 too)
  defaultOptions: { printWidth: 100, tabWidth: 2 },
};

export default mimiPlugin;
