/**
 * Rendering diagnostics: a code frame with carets for people, one line each for `--plain` (and for
 * editors' problem matchers), and the stable JSON shape for machines.
 */
import type { DiagnosticJson } from './diagnostics-json.js';
import { LineMap } from '../grammar/index.js';
import { DIAGNOSTIC_CODES, type Diagnostic, type PathStep } from '../runtime/diagnostics.js';
import { JOIN } from '../runtime/semantics.js';

export interface RenderOptions {
  /** file → text, for code frames */
  sources: ReadonlyMap<string, string>;
  color?: boolean;
}

const paint = (on: boolean | undefined, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const sevColor = { error: '31;1', warning: '33;1', info: '36;1' } as const;

function location(d: Diagnostic): string {
  if (d.span) return `${d.file}:${d.span.line}:${d.span.column}`;
  if (d.offset !== undefined) return `${d.file}@${d.offset} (byte offset)`;
  return d.file;
}

/**
 * One step of a finding's path as a sentence fragment: who does what to whom, and with which
 * capability. Role 0 is "a non-participant"; the acting role is named by its holders.
 */
export function describeStep(s: PathStep): string {
  const r = (x: { index: number; name: string }) => `\`${x.name}\``;
  const a = (x: { index: number; name: string }) => `${/^[aeiou]/i.test(x.name) ? 'an' : 'a'} ${r(x)}`;
  const user = (x: { index: number; name: string }) => (x.index === 0 ? 'a non-participant' : `${a(x)} user`);
  const by = `${a(s.actor)} holder`;
  const cap = `\`${s.capability}\``;
  const { from, to } = s.target;
  switch (s.action) {
    case 'add':
      return `${by} adds a user as ${r(to)} (${cap})`;
    case 'remove':
      return `${by} removes ${user(from)} from the room (${cap})`;
    case 'changeRole':
      return `${by} moves ${user(from)} to ${r(to)} (${cap})`;
    case 'ban':
      return `${by} bans ${user(from)} (${cap})`;
    case 'unban':
      return `${by} unbans a banned user to ${r(to)} (${cap})`;
    case 'kick':
      return `${by} kicks ${user(from)} (${cap})`;
    case 'leave':
      return `${user(from)} leaves the room (${cap})`;
    case 'changeOwnRole':
      return `${user(from)} changes its own role to ${r(to)} by its credentials (${cap})`;
    case 'join':
      if (s.capability === JOIN.preauth.capability) return `a non-participant joins as ${r(to)} by preauthorization (${cap} on ${r(s.actor)})`;
      if (s.capability === JOIN.code.capability) return `a non-participant joins as ${r(to)} with a join code (${cap} on ${r(s.actor)})`;
      return `a non-participant joins as ${r(to)} by open join (${cap} on ${r(s.actor)})`;
    default:
      if (s.capability === 'canChangeRoleDefinitions') return `${by} rewrites the role definitions (${cap})`;
      if (s.capability === 'canChangePreauthorizedUserList') return `${by} writes a preauth entry for ${r(to)} that its own account matches (${cap})`;
      return `${by} uses ${cap}`;
  }
}

/** `file:line:col: severity[CODE]: message` (+ `; help: …`), one line per diagnostic. */
export function renderPlain(ds: readonly Diagnostic[]): string {
  return ds
    .map((d) => `${location(d)}: ${d.severity}[${d.code}]${d.acknowledged ? ' (acknowledged)' : ''}: ${d.message}${d.help ? `; help: ${d.help}` : ''}${d.acknowledged ? `; acknowledged: ${d.acknowledged.reason}` : ''}`)
    .join('\n');
}

/** The widest source line a code frame shows whole (longer ones: a window around the span). */
const FRAME_WIDTH = 160;

function frame(lines: LineMap, span: { line: number; column: number; endLine: number; endColumn: number }, gutter: number, color: boolean | undefined, marker: string, label?: string): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(gutter);
  const full = lines.lineText(span.line);
  const endCol = span.endLine === span.line ? Math.max(span.endColumn, span.column + 1) : full.length + 1;
  // a long line (minified, generated, hostile) is shown as a window around the span, so that a frame
  // costs the same on a 20 KB line as on a short one
  let text = full;
  let column = span.column;
  let width = Math.max(1, endCol - span.column);
  if (full.length > FRAME_WIDTH) {
    width = Math.min(width, FRAME_WIDTH / 2);
    const from = Math.max(0, span.column - 1 - FRAME_WIDTH / 4);
    const to = Math.min(full.length, from + FRAME_WIDTH);
    text = `${from > 0 ? '…' : ''}${full.slice(from, to)}${to < full.length ? '…' : ''}`;
    column = span.column - from + (from > 0 ? 1 : 0);
  }
  out.push(`${paint(color, '34;1', `${String(span.line).padStart(gutter)} |`)} ${text}`);
  out.push(`${paint(color, '34;1', `${pad} |`)} ${' '.repeat(column - 1)}${paint(color, marker === '^' ? '31;1' : '34;1', marker.repeat(width))}${label ? ` ${label}` : ''}`);
  return out;
}

/** The human rendering, rustc-style, with the underlined source. */
export function renderHuman(ds: readonly Diagnostic[], opts: RenderOptions): string {
  const blocks: string[] = [];
  const maps = new Map<string, LineMap>();
  const mapFor = (file: string) => {
    let m = maps.get(file);
    if (!m && opts.sources.has(file)) maps.set(file, (m = new LineMap(opts.sources.get(file)!)));
    return m;
  };
  for (const d of ds) {
    const head = `${paint(opts.color, sevColor[d.severity], `${d.severity}[${d.code}]`)}${d.acknowledged ? ' (acknowledged)' : ''}${paint(opts.color, '1', `: ${d.message}`)}`;
    const lines = [head];
    const gutter = Math.max(String(d.span?.endLine ?? 1).length, ...(d.labels ?? []).map((l) => String(l.span.line).length));
    lines.push(`${' '.repeat(gutter)}${paint(opts.color, '34;1', '-->')} ${location(d)}`);
    const m = d.span ? mapFor(d.span.file) : undefined;
    if (d.span && m) {
      lines.push(paint(opts.color, '34;1', `${' '.repeat(gutter)} |`));
      lines.push(...frame(m, d.span, gutter, opts.color, '^'));
    }
    for (const l of d.labels ?? []) {
      const lm = mapFor(l.span.file);
      if (!lm) continue;
      if (l.span.file !== d.span?.file) lines.push(`${' '.repeat(gutter)}${paint(opts.color, '34;1', '::>')} ${l.span.file}:${l.span.line}:${l.span.column}`);
      lines.push(...frame(lm, l.span, gutter, opts.color, '-', l.message));
    }
    if (d.path && d.path.length > 0) {
      lines.push(`${' '.repeat(gutter)} ${paint(opts.color, '34;1', '=')} path:`);
      d.path.forEach((s, k) => lines.push(`${' '.repeat(gutter)}     ${k + 1}. ${describeStep(s)}`));
    }
    if (d.help) lines.push(`${' '.repeat(gutter)} ${paint(opts.color, '34;1', '=')} help: ${d.help}`);
    if (d.acknowledged) lines.push(`${' '.repeat(gutter)} ${paint(opts.color, '34;1', '=')} acknowledged: ${d.acknowledged.reason}`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The stable JSON shape of one diagnostic (schemas/diagnostic.schema.json, from compiler/diagnostics-json.ts). */
export function diagnosticJson(d: Diagnostic): DiagnosticJson {
  const o: Mutable<DiagnosticJson> = {
    code: d.code,
    kind: d.kind,
    severity: d.severity,
    message: d.message,
    file: d.file,
    span: d.span ? { line: d.span.line, column: d.span.column, endLine: d.span.endLine, endColumn: d.span.endColumn } : null,
  };
  if (d.offset !== undefined) o.offset = d.offset;
  if (d.labels) o.labels = d.labels.map((l) => ({ message: l.message, file: l.span.file, span: { line: l.span.line, column: l.span.column, endLine: l.span.endLine, endColumn: l.span.endColumn } }));
  if (d.help) o.help = d.help;
  if (d.roles) o.roles = d.roles;
  if (d.subkind) o.subkind = d.subkind;
  if (d.path) o.path = d.path;
  if (d.acknowledged) o.acknowledged = d.acknowledged;
  if (d.omitted) o.omitted = { code: d.omitted.code, kind: d.omitted.kind, count: d.omitted.count, ...(d.omitted.atLeast ? { atLeast: true as const } : {}) };
  return o;
}

/**
 * `1 error, 2 warnings` (+ `, 1 note`, `, 3 acknowledged`: acknowledged findings are counted apart).
 * A `diagnostics-omitted` note counts as the diagnostics it stands for, not as a note.
 */
export function summaryLine(ds: readonly Diagnostic[]): string {
  const counts: Record<string, number> = { error: 0, warning: 0, info: 0 };
  for (const d of ds) {
    if (d.omitted) counts[DIAGNOSTIC_CODES[d.omitted.kind].severity] += d.omitted.count;
    else if (!d.acknowledged) counts[d.severity]++;
  }
  const n = (s: string) => counts[s];
  const parts = [`${n('error')} error${n('error') === 1 ? '' : 's'}`, `${n('warning')} warning${n('warning') === 1 ? '' : 's'}`];
  if (n('info')) parts.push(`${n('info')} note${n('info') === 1 ? '' : 's'}`);
  const acked = ds.filter((d) => d.acknowledged).length;
  if (acked) parts.push(`${acked} acknowledged`);
  return parts.join(', ');
}
