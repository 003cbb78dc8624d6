/**
 * The `.mimi` language server: diagnostics as you type (the `check` pipeline with the analyses,
 * debounced), hover, completion, go to definition, find references, rename of roles and packages,
 * document symbols and formatting. Transport-agnostic: `mimi-policy lsp --stdio` hands it a
 * connection over stdin/stdout.
 */
import {
  DiagnosticSeverity,
  ErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  type Location,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isIdentifier } from '../../grammar/index.js';
import type { SourceSpan } from '../../runtime/ir.js';
import type { Diagnostic } from '../../runtime/diagnostics.js';
import { format, MimiSyntaxError } from '../format/index.js';
import { isStdlib, pathToUri, Workspace, type Analysis } from './analysis.js';
import { completions } from './completion.js';
import { documentSymbols } from './document-symbols.js';
import { hoverFor } from './hover.js';
import { declarationsOf, occurrenceAt, referencesOf, type Occurrence } from './occurrences.js';

/** How long typing must pause before a document is recompiled. */
export const DEBOUNCE_MS = 200;

const spanRange = (s: SourceSpan): Range => ({ start: { line: s.line - 1, character: s.column - 1 }, end: { line: s.endLine - 1, character: s.endColumn - 1 } });
const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLspDiagnostic(d: Diagnostic, uriOf: (path: string) => string): LspDiagnostic {
  const ack = d.acknowledged;
  return {
    range: d.span ? spanRange(d.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    // an acknowledged finding is information, not a warning: the author has said why it is intended
    severity: ack ? DiagnosticSeverity.Information : SEVERITY[d.severity],
    code: d.code,
    source: 'mimi-policy',
    message: `${d.message}${ack ? ` (acknowledged: ${ack.reason})` : ''}${d.help ? `\nhelp: ${d.help}` : ''}`,
    ...(d.labels?.length ? { relatedInformation: d.labels.map((l) => ({ location: { uri: uriOf(l.span.file), range: spanRange(l.span) }, message: l.message })) } : {}),
  };
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const timers = new Map<string, NodeJS.Timeout>();
  /** the version of each document whose diagnostics were last published */
  const published = new Map<string, number>();
  const uriOf = (path: string) => pathToUri(path, workspace.uris);

  const publish = (doc: TextDocument) => {
    const path = workspace.open(doc.uri, doc.getText());
    const analysis = workspace.analyse(path);
    const diagnostics = analysis.result.diagnostics.filter((d) => d.file === path).map((d) => toLspDiagnostic(d, uriOf));
    published.set(doc.uri, doc.version);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  };
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
    if (!doc) return undefined;
    const path = workspace.open(doc.uri, doc.getText());
    return { doc, analysis: workspace.analyse(path) };
  };
  const occurrenceRange = (analysis: Analysis, o: Occurrence): Range => ({ start: workspace.position(analysis, o.file, o.start), end: workspace.position(analysis, o.file, o.end) });
  const location = (analysis: Analysis, o: Occurrence): Location => ({ uri: uriOf(o.file), range: occurrenceRange(analysis, o) });
  const at = (uri: string, position: { line: number; character: number }) => {
    const a = analysisOf(uri);
    if (!a) return undefined;
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
      },
      serverInfo: { name: 'mimi-policy' },
    }),
  );

  documents.onDidOpen((e) => {
    publish(e.document);
  });
  documents.onDidChangeContent((e) => {
    if (published.get(e.document.uri) === e.document.version) return; // just opened and published
    workspace.open(e.document.uri, e.document.getText());
    schedule(e.document, DEBOUNCE_MS);
    // documents that import this one see the change too
    for (const other of documents.all()) if (other.uri !== e.document.uri) schedule(other, DEBOUNCE_MS);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    const path = [...workspace.uris].find(([, uri]) => uri === e.document.uri)?.[0];
    if (path) workspace.close(path);
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) => {
    const a = at(p.textDocument.uri, p.position);
    if (!a?.occurrence) return null;
    const value = hoverFor(a.occurrence, a.analysis);
    return value ? { contents: { kind: 'markdown', value }, range: occurrenceRange(a.analysis, a.occurrence) } : null;
  });

  connection.onCompletion((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? completions(a.doc.getText(), a.doc.offsetAt(p.position), a.analysis.result.symbols) : [];
  });

  connection.onDefinition((p) => {
    const a = at(p.textDocument.uri, p.position);
    if (!a?.occurrence) return null;
    return declarationsOf(a.analysis.occurrences, a.occurrence).map((o) => location(a.analysis, o));
  });

  connection.onReferences((p) => {
    const a = at(p.textDocument.uri, p.position);
    if (!a?.occurrence) return null;
    return referencesOf(a.analysis.occurrences, a.occurrence)
      .filter((o) => p.context.includeDeclaration || !o.declares)
      .map((o) => location(a.analysis, o));
  });

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

  connection.onPrepareRename((p) => {
    const a = renameTarget(p.textDocument.uri, p.position);
    return { range: occurrenceRange(a.analysis, a.occurrence!), placeholder: a.occurrence!.name };
  });

  connection.onRenameRequest((p) => {
    const a = renameTarget(p.textDocument.uri, p.position);
    const o = a.occurrence!;
    if (!isIdentifier(p.newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${p.newName}\` is not a name (letters, digits and _, not starting with a digit, not a keyword)`);
    if (p.newName !== o.name && declarationsOf(a.analysis.occurrences, { ns: o.ns, name: p.newName }).length > 0)
      throw new ResponseError(ErrorCodes.InvalidParams, `\`${p.newName}\` is already declared`);
    const changes: Record<string, TextEdit[]> = {};
    for (const r of referencesOf(a.analysis.occurrences, o)) (changes[uriOf(r.file)] ??= []).push({ range: occurrenceRange(a.analysis, r), newText: p.newName });
    return { changes };
  });

  connection.onDocumentSymbol((p) => {
    const a = analysisOf(p.textDocument.uri);
    const file = a?.analysis.files.get(a.analysis.path);
    if (!a || !file) return [];
    return documentSymbols(file, (span) => ({ start: a.doc.positionAt(span.start), end: a.doc.positionAt(span.end) }));
  });

  connection.onDocumentFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const text = doc.getText();
    try {
      const formatted = await format(text, { tabWidth: p.options.tabSize, useTabs: !p.options.insertSpaces });
      return formatted === text ? [] : [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
    } catch (e) {
      if (e instanceof MimiSyntaxError) return null; // the diagnostics already say why
      throw e;
    }
  });

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}
