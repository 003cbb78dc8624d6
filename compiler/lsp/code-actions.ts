/**
 * Quick fixes. Two kinds of diagnostics can be fixed from the editor:
 *
 * - a name with a "did you mean `x`?" suggestion (an unknown capability, role, level, finding kind,
 *   scenario action …): the fix replaces the name with the suggestion;
 * - an analysis finding not yet acknowledged: the fix adds the line that acknowledges it,
 *   `allow <kind> for <role> because "TODO: why this is intended"`, after the document's last
 *   `allow` line (or at its end), written as the formatter writes it.
 *
 * What a fix needs is worked out when the diagnostics are published and travels in each LSP
 * diagnostic's `data` ({@link FixData}), so a code action request needs no recompilation; when a
 * client sends a diagnostic without it, the fix is worked out again from the document.
 */
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type * as A from '../../grammar/index.js';
import type { Diagnostic } from '../../runtime/diagnostics.js';
import { FINDING_KINDS } from '../analyses/index.js';
import { format } from '../format/index.js';
import type { Analysis } from './analysis.js';

/** The reason a new `allow` line is given, for the author to replace. */
export const ACK_PLACEHOLDER = 'TODO: why this is intended';

/**
 * Diagnostics of one request that get fixes (an editor sends those under the cursor: a few). Beyond
 * this, the rest are ignored, so a request listing a million diagnostics costs no more than this many.
 */
export const MAX_FIX_DIAGNOSTICS = 100;

/** What the quick fixes of one diagnostic need (an LSP diagnostic's `data`). */
export interface FixData {
  /** a did-you-mean: the text `from` at offsets `start`–`end` of the document becomes `to` */
  readonly rename?: { readonly from: string; readonly to: string; readonly start: number; readonly end: number };
  /** an analysis finding an `allow <kind> for <role> because "…"` line would acknowledge */
  readonly acknowledge?: { readonly kind: string; readonly role: string };
}

/**
 * The name a "did you mean" help suggests. `didYouMean` (runtime/suggest.ts) writes the help as
 * exactly `did you mean \`x\`?`, and a diagnostic's help is either that or other advice, never both
 * (test/lsp.editor.test.ts checks the format round-trips).
 */
export function suggestionOf(help: string | undefined): string | undefined {
  const m = help === undefined ? null : /^did you mean `([^`\n]+)`\?$/.exec(help);
  return m?.[1];
}

const isFinding = (kind: string): boolean => (FINDING_KINDS as readonly string[]).includes(kind);

/** The name an `allow` line can use for role `index` (a declared role, a level, `level+addon`, `none`), if any. */
function roleName(analysis: Analysis, index: number): string | undefined {
  let names = roleNames.get(analysis);
  if (!names) {
    roleNames.set(analysis, (names = new Map()));
    for (const [name, sym] of analysis.result.symbols.roles) if (!names.has(sym.index) && ROLE_REF.test(name)) names.set(sym.index, name);
  }
  return names.get(index) ?? (index === 0 ? 'none' : undefined);
}
/** role names by index, per analysis (built once: a policy's findings may be many) */
const roleNames = new WeakMap<Analysis, Map<number, string>>();
/** what a did-you-mean may suggest: a name, or a finding kind */
const NAME = /^([A-Za-z_][A-Za-z0-9_]*|[a-z][a-z0-9]*(-[a-z0-9]+)+)$/;
/** a role reference: a name, or `level+addon…` */
const ROLE_REF = /^[A-Za-z_][A-Za-z0-9_]*(\+[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The fixes of a diagnostic of the document `analysis` is of, or undefined when there are none. */
export function fixData(d: Diagnostic, analysis: Analysis): FixData | undefined {
  if (d.file !== analysis.path || analysis.skipped) return undefined;
  let rename: FixData['rename'];
  const to = suggestionOf(d.help);
  if (to !== undefined && d.span) {
    const from = analysis.text.slice(d.span.start, d.span.end);
    // only the name the message is about, as written at the underlined place
    if (from && !/[\s`]/.test(from) && d.message.includes(`\`${from}\``)) rename = { from, to, start: d.span.start, end: d.span.end };
  }
  let acknowledge: FixData['acknowledge'];
  const role = d.roles?.[0];
  if (isFinding(d.kind) && !d.acknowledged && role !== undefined) {
    const name = roleName(analysis, role);
    if (name !== undefined) acknowledge = { kind: d.kind, role: name };
  }
  return rename || acknowledge ? { ...(rename ? { rename } : {}), ...(acknowledge ? { acknowledge } : {}) } : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `data` as sent back by a client, if it has the shape {@link fixData} gave it (anything else: undefined). */
export function readFixData(data: unknown): FixData | undefined {
  if (!isObject(data)) return undefined;
  const { rename: r, acknowledge: a } = data;
  const rename =
    isObject(r) && typeof r.from === 'string' && typeof r.to === 'string' && Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end)
      ? { from: r.from, to: r.to, start: r.start as number, end: r.end as number }
      : undefined;
  const acknowledge = isObject(a) && typeof a.kind === 'string' && typeof a.role === 'string' ? { kind: a.kind, role: a.role } : undefined;
  if (!rename && !acknowledge) return undefined;
  return { ...(rename ? { rename } : {}), ...(acknowledge ? { acknowledge } : {}) };
}

/** The `allow` line acknowledging a finding, as the formatter writes it (undefined if it does not parse). */
export async function allowLine(kind: string, role: string): Promise<string | undefined> {
  // names go in as they are (a kind or role name that is not one would not parse: no fix then)
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(kind) || !ROLE_REF.test(role)) return undefined;
  try {
    const line = (await format(`allow ${kind} for ${role} because ${JSON.stringify(ACK_PLACEHOLDER)}\n`)).trimEnd();
    return line.includes('\n') ? undefined : line;
  } catch {
    return undefined;
  }
}

/**
 * Where and how to insert `line` (an `allow` line) into `text`: after the last top-level `allow` of
 * the file (at the end of its line, so a trailing comment stays with it), else at the end of the
 * file after a blank line (the trailing blank space replaced by it): the range to replace and the text.
 */
export function allowInsertion(text: string, file: A.SourceFile | undefined, line: string): { start: number; end: number; newText: string } {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const allows = (file?.items ?? []).filter((i): i is A.AllowDecl => i.kind === 'Allow');
  const lastAllow = allows.at(-1);
  if (lastAllow) {
    let end = lastAllow.span.end;
    const rest = /^[ \t]*(\/\/[^\r\n]*)?/.exec(text.slice(end, end + 10_000))!;
    const lineEnd = end + rest[0].length;
    // the rest of the line is blank or a comment: insert after it; else right after the item
    if (lineEnd >= text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r') end = lineEnd;
    return { start: end, end, newText: `${newline}${line}` };
  }
  let last = text.length;
  while (last > 0 && ' \t\r\n'.includes(text[last - 1])) last--;
  if (last === 0) return { start: 0, end: text.length, newText: `${line}${newline}` };
  // replace the trailing blank space with one blank line, the new line and a final newline
  return { start: last, end: text.length, newText: `${newline}${newline}${line}${newline}` };
}

/** One requested diagnostic, with its fixes (from `data`, else worked out again from the document). */
export interface FixRequest {
  readonly diagnostic: LspDiagnostic;
  readonly fixes: FixData | undefined;
}

/**
 * The quick fixes for `requests` on document `doc` (whose text `analysis` is of). A rename whose
 * name is no longer at its place (the document changed since) is not offered.
 */
export async function codeActions(doc: TextDocument, analysis: Analysis, requests: readonly FixRequest[]): Promise<CodeAction[]> {
  const text = doc.getText();
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  const range = (start: number, end: number): Range => ({ start: doc.positionAt(start), end: doc.positionAt(end) });
  const edit = (e: TextEdit) => ({ changes: { [doc.uri]: [e] } });
  for (const { diagnostic, fixes } of requests.slice(0, MAX_FIX_DIAGNOSTICS)) {
    const r = fixes?.rename;
    if (r && r.start >= 0 && r.end >= r.start && NAME.test(r.to) && text.slice(r.start, r.end) === r.from) {
      const key = `rename|${r.start}|${r.to}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ title: `Change to \`${r.to}\``, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit({ range: range(r.start, r.end), newText: r.to }) });
      }
    }
    const a = fixes?.acknowledge;
    // a finding kind, and a role of this program (data sent back may be anything)
    if (a && isFinding(a.kind) && (a.role === 'none' || analysis.result.symbols.roles.has(a.role))) {
      const key = `ack|${a.kind}|${a.role}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const line = await allowLine(a.kind, a.role);
      if (line === undefined) continue;
      const at = allowInsertion(text, analysis.files.get(analysis.path), line);
      out.push({
        title: `Acknowledge \`${a.kind}\` for \`${a.role}\` (add \`allow … because "…"\`)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: edit({ range: range(at.start, at.end), newText: at.newText }),
      });
    }
  }
  return out;
}
