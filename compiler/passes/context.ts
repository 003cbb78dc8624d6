/**
 * What the front-end passes (resolve-names → check-program → lower-policy, driven by compiler/lower.ts)
 * share: the diagnostics list, the file each item comes from, and helpers bound to one file. Nothing
 * here holds a "current file": a pass asks for the helpers of the file it is working in.
 */
import * as A from '../../grammar/index.js';
import { diagnostic, type Diagnostic, type DiagnosticKind } from '../../runtime/diagnostics.js';
import { U16_MAX, U32_MAX, type SourceSpan } from '../../runtime/ir.js';
import { didYouMean } from '../../runtime/suggest.js';

/** how many distinct "did you mean" suggestions one lowering computes (see `hint`) */
const SUGGESTION_BUDGET = 256;

export type ReportExtra = Parameters<typeof diagnostic>[4];

/** The helpers of one file: spans, diagnostics and range checks located in it. */
export interface FileScope {
  readonly file: string;
  /** a span of this file (or of `file`) as a located SourceSpan */
  at(span: A.Span, file?: string): SourceSpan;
  report(kind: DiagnosticKind, message: string, span: A.Span, extra?: ReportExtra): void;
  /** `duplicate-declaration` of `name`, pointing at its first declaration */
  duplicate(what: string, name: A.Ident, first: SourceSpan): void;
  /** the literal if it fits in a uint32, else `value-out-of-range` and undefined */
  u32(lit: A.IntLit, what: string): number | undefined;
  u16(lit: A.IntLit, what: string): number | undefined;
}

export interface PassContext {
  readonly items: readonly A.Item[];
  readonly diagnostics: Diagnostic[];
  /** the file an item was read from (`fallback` for an item of no file) */
  fileOf(item: A.Item, fallback: string): string;
  /** the source text an item was read from */
  textOf(item: A.Item): string;
  /** the first file's name (the entry file), for items of no file */
  readonly entryFile: string;
  scope(file: string): FileScope;
  /** the scope of the file `item` comes from */
  scopeOf(item: A.Item): FileScope;
  /**
   * `didYouMean`, remembered per (candidate set, name) and computed at most SUGGESTION_BUDGET times:
   * each call is linear in the candidates (every role name, in a big policy), so a policy with
   * thousands of unknown names must not cost thousands × roles edit distances. Past the budget the
   * help is left out (rendering keeps only the first diagnostics of each code anyway).
   */
  hint(set: string, name: string, candidates: () => Iterable<string>): string | undefined;
}

export function createContext(files: readonly A.SourceFile[]): PassContext {
  const diagnostics: Diagnostic[] = [];
  const lineMaps = new Map<string, A.LineMap>();
  const fileByItem = new Map<A.Item, A.SourceFile>();
  for (const f of files) {
    lineMaps.set(f.file, new A.LineMap(f.text));
    for (const item of f.items) fileByItem.set(item, f);
  }
  const entryFile = files[0]?.file ?? '<input>';
  const at = (span: A.Span, file: string): SourceSpan => A.toSourceSpan(lineMaps.get(file) ?? new A.LineMap(''), file, span);
  const scopes = new Map<string, FileScope>();
  const scope = (file: string): FileScope => {
    let s = scopes.get(file);
    if (s) return s;
    const report = (kind: DiagnosticKind, message: string, span: A.Span, extra: ReportExtra = {}) => void diagnostics.push(diagnostic(kind, message, file, at(span, file), extra));
    s = {
      file,
      at: (span, f = file) => at(span, f),
      report,
      duplicate: (what, name, first) => report('duplicate-declaration', `${what} \`${name.name}\` is already declared`, name.span, { labels: [{ span: first, message: 'first declared here' }] }),
      u32: (lit, what) => {
        if (lit.value <= U32_MAX) return lit.value;
        report('value-out-of-range', `${what} \`${lit.text}\` does not fit in a uint32`, lit.span);
        return undefined;
      },
      u16: (lit, what) => {
        if (lit.value <= U16_MAX) return lit.value;
        report('value-out-of-range', `${what} \`${lit.text}\` does not fit in a uint16`, lit.span);
        return undefined;
      },
    };
    scopes.set(file, s);
    return s;
  };
  const suggestions = new Map<string, string | undefined>();
  const fileOf = (item: A.Item, fallback: string) => fileByItem.get(item)?.file ?? fallback;
  return {
    items: files.flatMap((f) => f.items),
    diagnostics,
    fileOf,
    textOf: (item) => fileByItem.get(item)?.text ?? '',
    entryFile,
    scope,
    scopeOf: (item) => scope(fileOf(item, entryFile)),
    hint: (set, name, candidates) => {
      const key = `${set}\u0000${name}`;
      if (suggestions.has(key)) return suggestions.get(key);
      const help = suggestions.size < SUGGESTION_BUDGET ? didYouMean(name, candidates()) : undefined;
      suggestions.set(key, help);
      return help;
    },
  };
}
