/**
 * The `.mimi` language server: diagnostics as you type (the `check` pipeline with the analyses,
 * debounced), hover, completion, go to definition, find references, rename of roles and packages,
 * document symbols, formatting, quick fixes (./code-actions.ts: did-you-mean and acknowledging a
 * finding) and semantic tokens (./semantic-tokens.ts). Transport-agnostic: `mimi-policy lsp --stdio` hands it a
 * connection over stdin/stdout (through ./transport.ts, which drops malformed frames).
 *
 * No request can take it down: every handler is guarded, so an exception is logged (one line,
 * no stack) and answered with an empty result; a document over the source limit gets one
 * limit-exceeded diagnostic instead of analysis; a document the compiler fails on gets one
 * diagnostic that says so.
 */
import {
  DiagnosticSeverity,
  ErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type DefinitionParams,
  type Diagnostic as LspDiagnostic,
  type DocumentFormattingParams,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type Hover,
  type HoverParams,
  type InitializeResult,
  type Location,
  type PrepareRenameParams,
  type PrepareRenameResult,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type SemanticTokens,
  type SemanticTokensParams,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isIdentifier } from '../../grammar/index.js';
import type { SourceSpan } from '../../runtime/ir.js';
import { capDiagnostics, type Diagnostic } from '../../runtime/diagnostics.js';
import { resolveLimits, type Limits } from '../../runtime/limits.js';
import { format, MimiSyntaxError } from '../format/index.js';
import { errorText, isStdlib, pathToUri, Workspace, type Analysis } from './analysis.js';
import { codeActions, fixData, MAX_FIX_DIAGNOSTICS, readFixData, type FixData } from './code-actions.js';
import { completions } from './completion.js';
import { documentSymbols } from './document-symbols.js';
import { hoverFor, stepWordHover } from './hover.js';
import { declarationsOf, occurrenceAt, referencesOf, type Occurrence } from './occurrences.js';
import { nameIndex, SEMANTIC_TOKENS_LEGEND, semanticTokens } from './semantic-tokens.js';

/** How long typing must pause before a document is recompiled. */
export const DEBOUNCE_MS = 200;

const spanRange = (s: SourceSpan): Range => ({ start: { line: s.line - 1, character: s.column - 1 }, end: { line: s.endLine - 1, character: s.endColumn - 1 } });
const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** `d` as LSP publishes it; `data`, when given, is what its quick fixes need (code-actions.ts). */
export function toLspDiagnostic(d: Diagnostic, uriOf: (path: string) => string, data?: FixData): LspDiagnostic {
  const ack = d.acknowledged;
  return {
    range: d.span ? spanRange(d.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    // an acknowledged finding is information, not a warning: the author has said why it is intended
    severity: ack ? DiagnosticSeverity.Information : SEVERITY[d.severity],
    code: d.code,
    source: 'mimi-policy',
    message: `${d.message}${ack ? ` (acknowledged: ${ack.reason})` : ''}${d.help ? `\nhelp: ${d.help}` : ''}`,
    ...(d.labels?.length ? { relatedInformation: d.labels.map((l) => ({ location: { uri: uriOf(l.span.file), range: spanRange(l.span) }, message: l.message })) } : {}),
    ...(data ? { data } : {}),
  };
}

export interface ServerOptions {
  /** limits (maxSourceBytes per document, maxDiagnosticsPerCode per published list); defaults otherwise */
  readonly limits?: Partial<Limits>;
  /** where the server's own errors go (a handler that failed); default: window/logMessage */
  readonly log?: (message: string) => void;
}

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
/** tab widths beyond this are clamped (a formatting request cannot ask for gigabytes of spaces) */
const MAX_TAB_SIZE = 16;
/**
 * Characters one didChange may make the server copy. Each ranged change rewrites the whole text, so a
 * notification of a million one-character edits would take minutes; past this budget (about half a
 * second) the changes are refused and the document is marked out of date until its text is sent whole.
 */
export const CHANGE_BUDGET = 256 * 1024 * 1024;

/** What applying `changes` to a text of `length` characters copies, at most. */
function changeCost(length: number, changes: readonly TextDocumentContentChangeEvent[]): number {
  let cost = 0;
  for (const c of changes) {
    if ('range' in c && c.range) {
      length += c.text.length;
      cost += length;
    } else {
      length = c.text.length;
      cost += length;
    }
  }
  return cost;
}

/** What the caller can ask a running server. */
export interface RunningServer {
  /** whether the client has asked for `shutdown` (the exit code is 0 then, else 1) */
  readonly shutdownRequested: boolean;
}

export function startServer(connection: Connection, options: ServerOptions = {}): RunningServer {
  let shutdownRequested = false;
  const limits = resolveLimits(options.limits);
  const log = options.log ?? ((message: string) => connection.console.error(message));
  /** documents whose changes were refused (over CHANGE_BUDGET): their text here is stale */
  const stale = new Map<string, string>();
  const documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, content) => {
      stale.delete(uri);
      return TextDocument.create(uri, languageId, version, content);
    },
    update: (doc, changes, version) => {
      const cost = changeCost(doc.getText().length, changes);
      // a change that sends the whole text makes the document current again
      const whole = changes.some((c) => !('range' in c && c.range));
      if (cost > CHANGE_BUDGET || (stale.has(doc.uri) && !whole)) {
        const why = stale.get(doc.uri) ?? `a change of ${changes.length} edits would copy ${cost} characters (the limit is ${CHANGE_BUDGET})`;
        if (!stale.has(doc.uri)) log(`textDocument/didChange of ${doc.uri} refused: ${why}`);
        stale.set(doc.uri, why);
        return TextDocument.create(doc.uri, doc.languageId, version, doc.getText());
      }
      stale.delete(doc.uri);
      return TextDocument.update(doc, changes, version);
    },
  });
  const workspace = new Workspace(limits);
  const timers = new Map<string, NodeJS.Timeout>();
  /** the version of each document whose diagnostics were last published */
  const published = new Map<string, number>();
  const uriOf = (path: string) => pathToUri(path, workspace.uris);

  /** `fn`, with any exception (not a ResponseError, which is an answer) logged and turned into `fallback`. */
  const guarded =
    <P, R>(what: string, fn: (p: P) => R | Promise<R>, fallback: R) =>
    async (p: P): Promise<R> => {
      try {
        return await fn(p);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        const uri = (p as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
        log(`${what} failed${typeof uri === 'string' ? ` on ${uri}` : ''}: ${errorText(e)}`);
        return fallback;
      }
    };
  /** the same for the document events, which return nothing */
  const safely = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      log(`${what} failed: ${errorText(e)}`);
    }
  };

  const publish = (doc: TextDocument) =>
    safely(`diagnostics of ${doc.uri}`, () => {
      const path = workspace.open(doc.uri, doc.getText());
      const analysis = workspace.analyse(path);
      let diagnostics: LspDiagnostic[];
      const staleWhy = stale.get(doc.uri);
      if (staleWhy !== undefined)
        diagnostics = [{ range: ORIGIN, severity: DiagnosticSeverity.Error, source: 'mimi-policy', message: `this document is out of date in the language server: ${staleWhy}\nhelp: close and reopen it` }];
      else if (analysis.skipped?.reason === 'failed') {
        log(`analysis of ${doc.uri} failed: ${analysis.skipped.message}`);
        diagnostics = [{ range: ORIGIN, severity: DiagnosticSeverity.Error, source: 'mimi-policy', message: `mimi-policy could not analyse this document (${analysis.skipped.message}); the server goes on` }];
      } else
        diagnostics = capDiagnostics(
          analysis.result.diagnostics.filter((d) => d.file === path),
          limits.maxDiagnosticsPerCode,
        ).map((d) => toLspDiagnostic(d, uriOf, fixData(d, analysis)));
      published.set(doc.uri, doc.version);
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics }).catch((e: unknown) => log(`sending diagnostics of ${doc.uri} failed: ${errorText(e)}`));
    });
  const schedule = (doc: TextDocument, delay: number) => {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) publish(current);
      }, delay),
    );
  };

  /** The analysis of an open document, current with its text. */
  const analysisOf = (uri: string): { doc: TextDocument; analysis: Analysis } | undefined => {
    const doc = documents.get(uri);
    if (!doc || stale.has(uri)) return undefined; // positions in a stale text would point at the wrong places
    const path = workspace.open(doc.uri, doc.getText());
    return { doc, analysis: workspace.analyse(path) };
  };
  const occurrenceRange = (analysis: Analysis, o: Occurrence): Range => ({ start: workspace.position(analysis, o.file, o.start), end: workspace.position(analysis, o.file, o.end) });
  const location = (analysis: Analysis, o: Occurrence): Location => ({ uri: uriOf(o.file), range: occurrenceRange(analysis, o) });
  const at = (uri: string, position: { line: number; character: number }) => {
    const a = analysisOf(uri);
    if (!a) return undefined;
    // offsetAt clamps a position outside the document (line -1, line 10^9) to its start or end
    const occurrence = occurrenceAt(a.analysis.occurrences, a.analysis.path, a.doc.offsetAt(position));
    return { ...a, occurrence };
  };

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '>', ':', ','] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
      },
      serverInfo: { name: 'mimi-policy' },
    }),
  );

  documents.onDidOpen((e) => publish(e.document));
  documents.onDidChangeContent((e) =>
    safely(`textDocument/didChange of ${e.document.uri}`, () => {
      if (published.get(e.document.uri) === e.document.version) return; // just opened and published
      workspace.open(e.document.uri, e.document.getText());
      schedule(e.document, DEBOUNCE_MS);
      // documents that import this one see the change too
      for (const other of documents.all()) if (other.uri !== e.document.uri) schedule(other, DEBOUNCE_MS);
    }),
  );
  documents.onDidClose((e) =>
    safely(`textDocument/didClose of ${e.document.uri}`, () => {
      clearTimeout(timers.get(e.document.uri));
      timers.delete(e.document.uri);
      const path = [...workspace.uris].find(([, uri]) => uri === e.document.uri)?.[0];
      if (path) workspace.close(path);
      published.delete(e.document.uri);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch((err: unknown) => log(`clearing diagnostics of ${e.document.uri} failed: ${errorText(err)}`));
    }),
  );

  connection.onHover(
    guarded(
      'textDocument/hover',
      (p: HoverParams): Hover | null => {
        const a = at(p.textDocument.uri, p.position);
        if (!a) return null;
        if (!a.occurrence) {
          // a scenario step's own words (`commit`, `is`, `not in room` …)
          const file = a.analysis.files.get(a.analysis.path);
          const h = file && stepWordHover(file, a.doc.offsetAt(p.position));
          return h ? { contents: { kind: 'markdown', value: h.value }, range: { start: a.doc.positionAt(h.start), end: a.doc.positionAt(h.end) } } : null;
        }
        const value = hoverFor(a.occurrence, a.analysis);
        return value ? { contents: { kind: 'markdown', value }, range: occurrenceRange(a.analysis, a.occurrence) } : null;
      },
      null,
    ),
  );

  connection.onCompletion(
    guarded(
      'textDocument/completion',
      (p: CompletionParams): CompletionItem[] => {
        const a = analysisOf(p.textDocument.uri);
        // an oversized document is not analysed, nor scanned for context
        return a && a.analysis.skipped?.reason !== 'too-large' ? completions(a.doc.getText(), a.doc.offsetAt(p.position), a.analysis.result.symbols) : [];
      },
      [],
    ),
  );

  connection.onDefinition(
    guarded(
      'textDocument/definition',
      (p: DefinitionParams): Location[] | null => {
        const a = at(p.textDocument.uri, p.position);
        if (!a?.occurrence) return null;
        return declarationsOf(a.analysis.occurrences, a.occurrence).map((o) => location(a.analysis, o));
      },
      null,
    ),
  );

  connection.onReferences(
    guarded(
      'textDocument/references',
      (p: ReferenceParams): Location[] | null => {
        const a = at(p.textDocument.uri, p.position);
        if (!a?.occurrence) return null;
        const includeDeclaration = p.context?.includeDeclaration ?? true;
        return referencesOf(a.analysis.occurrences, a.occurrence)
          .filter((o) => includeDeclaration || !o.declares)
          .map((o) => location(a.analysis, o));
      },
      null,
    ),
  );

  /** The declaration a rename at this place would rename, or why not. */
  const renameTarget = (uri: string, position: { line: number; character: number }) => {
    const a = at(uri, position);
    if (!a?.occurrence) throw new ResponseError(ErrorCodes.InvalidRequest, 'only roles and packages can be renamed: put the cursor on a role or package name');
    const decls = declarationsOf(a.analysis.occurrences, a.occurrence);
    const kinds = new Set(decls.map((d) => d.declares));
    if (decls.length === 0 || !(kinds.has('role') || kinds.has('level') || kinds.has('addon') || kinds.has('package')))
      throw new ResponseError(ErrorCodes.InvalidRequest, `\`${a.occurrence.name}\` is not a role or package declared in this program`);
    if (decls.some((d) => isStdlib(d.file))) throw new ResponseError(ErrorCodes.InvalidRequest, `\`${a.occurrence.name}\` is declared in the standard library, which cannot be renamed`);
    return a;
  };

  connection.onPrepareRename(
    guarded(
      'textDocument/prepareRename',
      (p: PrepareRenameParams): PrepareRenameResult | null => {
        const a = renameTarget(p.textDocument.uri, p.position);
        return { range: occurrenceRange(a.analysis, a.occurrence!), placeholder: a.occurrence!.name };
      },
      null,
    ),
  );

  const rename = (p: RenameParams): WorkspaceEdit | null => {
    const a = renameTarget(p.textDocument.uri, p.position);
    const o = a.occurrence!;
    if (!isIdentifier(p.newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${p.newName}\` is not a name (letters, digits and _, not starting with a digit, not a keyword)`);
    if (p.newName !== o.name && declarationsOf(a.analysis.occurrences, { ns: o.ns, name: p.newName }).length > 0)
      throw new ResponseError(ErrorCodes.InvalidParams, `\`${p.newName}\` is already declared`);
    const changes: Record<string, TextEdit[]> = {};
    for (const r of referencesOf(a.analysis.occurrences, o)) (changes[uriOf(r.file)] ??= []).push({ range: occurrenceRange(a.analysis, r), newText: p.newName });
    return { changes };
  };
  connection.onRenameRequest(guarded('textDocument/rename', rename, null));

  connection.onDocumentSymbol(
    guarded(
      'textDocument/documentSymbol',
      (p: DocumentSymbolParams): DocumentSymbol[] => {
        const a = analysisOf(p.textDocument.uri);
        const file = a?.analysis.files.get(a.analysis.path);
        if (!a || !file || a.analysis.skipped) return [];
        return documentSymbols(file, (span) => ({ start: a.doc.positionAt(span.start), end: a.doc.positionAt(span.end) }));
      },
      [],
    ),
  );

  connection.onDocumentFormatting(
    guarded(
      'textDocument/formatting',
      async (p: DocumentFormattingParams): Promise<TextEdit[] | null> => {
        const doc = documents.get(p.textDocument.uri);
        // a stale text, formatted, would overwrite the editor's
        if (!doc || stale.has(doc.uri)) return null;
        const text = doc.getText();
        // an oversized document is not formatted (its diagnostic says why)
        if (analysisOf(p.textDocument.uri)?.analysis.skipped?.reason === 'too-large') return null;
        const tabWidth = Math.min(Math.max(1, p.options.tabSize), MAX_TAB_SIZE);
        try {
          const formatted = await format(text, { tabWidth, useTabs: !p.options.insertSpaces });
          return formatted === text ? [] : [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
        } catch (e) {
          if (e instanceof MimiSyntaxError) return null; // the diagnostics already say why
          throw e;
        }
      },
      null,
    ),
  );

  connection.onCodeAction(
    guarded(
      'textDocument/codeAction',
      async (p: CodeActionParams): Promise<CodeAction[]> => {
        const only = p.context.only;
        if (only && !only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty)) return [];
        const a = analysisOf(p.textDocument.uri);
        if (!a || a.analysis.skipped) return [];
        const ours = p.context.diagnostics.filter((d) => d.source === undefined || d.source === 'mimi-policy').slice(0, MAX_FIX_DIAGNOSTICS);
        // a diagnostic sent back without its `data` (or with data of another shape): work it out again
        let recomputed: Map<string, Diagnostic[]> | undefined;
        const key = (code: unknown, r: Range) => `${String(code)}|${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
        const requests = ours.map((diagnostic) => {
          const sent = readFixData(diagnostic.data);
          if (sent) return { diagnostic, fixes: sent };
          if (!recomputed) {
            recomputed = new Map();
            for (const d of a.analysis.result.diagnostics)
              if (d.file === a.analysis.path && d.span) {
                const k = key(d.code, spanRange(d.span));
                recomputed.set(k, [...(recomputed.get(k) ?? []), d]);
              }
          }
          const same = recomputed.get(key(diagnostic.code, diagnostic.range)) ?? [];
          const message = typeof diagnostic.message === 'string' ? diagnostic.message : '';
          const match = same.find((d) => message.startsWith(d.message)) ?? (same.length === 1 ? same[0] : undefined);
          return { diagnostic, fixes: match && fixData(match, a.analysis) };
        });
        return codeActions(a.doc, a.analysis, requests);
      },
      [],
    ),
  );

  connection.languages.semanticTokens.on(
    guarded(
      'textDocument/semanticTokens/full',
      (p: SemanticTokensParams): SemanticTokens => {
        const a = analysisOf(p.textDocument.uri);
        // an oversized document is not lexed (its diagnostic says why); a stale one has the wrong text
        if (!a || a.analysis.skipped?.reason === 'too-large') return { data: [] };
        // a document the compiler failed on: what the lexer alone can tell
        const names = a.analysis.skipped ? undefined : nameIndex(a.analysis.occurrences, a.analysis.path, isStdlib, a.analysis.files.get(a.analysis.path));
        return semanticTokens(a.doc.getText(), names);
      },
      { data: [] },
    ),
  );

  connection.onShutdown(
    guarded(
      'shutdown',
      () => {
        shutdownRequested = true;
        for (const t of timers.values()) clearTimeout(t);
        timers.clear();
      },
      undefined,
    ),
  );

  documents.listen(connection);
  connection.listen();
  return {
    get shutdownRequested() {
      return shutdownRequested;
    },
  };
}
