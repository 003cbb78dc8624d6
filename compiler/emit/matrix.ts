/**
 * The role × capability matrix: which role holds which capability, grouped by the registry's
 * categories, with capabilities that come only through `extends` marked as inherited. Rendered as
 * Markdown, HTML (self-contained) or CSV.
 */
import type { Policy, Provenance } from '../../runtime/ir.js';
import { capabilityByCode, hex16 } from '../../runtime/registry.js';

export type Cell = 'direct' | 'inherited' | '';

export interface Matrix {
  roles: { index: number; name: string }[];
  categories: { name: string; capabilities: { code: number; name: string; description: string }[] }[];
  /** cells[role][capability code] */
  cells: Map<number, Map<number, Cell>>;
}

const CATEGORY_ORDER = ['membership', 'message', 'asset', 'metadata', 'self-presentation', 'media', 'disruptive', 'mls', 'private use', 'unregistered'];

/** The matrix of the capabilities some role holds (columns nobody holds are left out). */
export function buildMatrix(policy: Policy, provenance?: Provenance, declared?: ReadonlyMap<number, string>): Matrix {
  const used = [...new Set(policy.roles.flatMap((r) => r.capabilities))].sort((a, b) => a - b);
  const byCategory = new Map<string, Matrix['categories'][number]['capabilities']>();
  for (const code of used) {
    const info = capabilityByCode.get(code);
    const cat = info?.category ?? (code >= 0xf000 ? 'private use' : 'unregistered');
    if (!byCategory.has(cat)) byCategory.set(cat, []);
    byCategory.get(cat)!.push({ code, name: info?.name ?? declared?.get(code) ?? hex16(code), description: info?.description ?? '' });
  }
  const categories = CATEGORY_ORDER.filter((c) => byCategory.has(c)).map((name) => ({ name, capabilities: byCategory.get(name)! }));
  const cells = new Map<number, Map<number, Cell>>();
  policy.roles.forEach((r, i) => {
    const inherited = provenance?.roles.get(i)?.inherited;
    cells.set(r.index, new Map(r.capabilities.map((c) => [c, inherited?.has(c) ? 'inherited' : 'direct'])));
  });
  return { roles: policy.roles.map((r) => ({ index: r.index, name: r.name })), categories, cells };
}

const mark = (c: Cell | undefined) => (c === 'direct' ? '●' : c === 'inherited' ? '○' : '');

export function renderMatrixMarkdown(m: Matrix): string {
  const out: string[] = ['● granted directly · ○ inherited through `extends`', ''];
  for (const cat of m.categories) {
    out.push(`#### ${cat.name}`, '', `| role | ${cat.capabilities.map((c) => c.name).join(' | ')} |`, `| --- | ${cat.capabilities.map(() => ':-:').join(' | ')} |`);
    for (const r of m.roles) out.push(`| ${r.name} (${r.index}) | ${cat.capabilities.map((c) => mark(m.cells.get(r.index)?.get(c.code))).join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface MatrixHtmlOptions {
  /** show at most this many role rows (the report bounds its page); a note under the table says what was left out */
  maxRows?: number;
  /** HTML appended to that note, e.g. how to get the whole matrix */
  moreHtml?: string;
}

/**
 * An HTML table (a fragment; `standalone` wraps it in a page with its own styles). Linear in roles ×
 * columns; empty cells are bare `<td></td>` so that a sparse matrix stays small.
 */
export function renderMatrixHtml(m: Matrix, standalone = true, options: MatrixHtmlOptions = {}): string {
  const shown = options.maxRows !== undefined && options.maxRows < m.roles.length ? m.roles.slice(0, Math.max(0, options.maxRows)) : m.roles;
  const head = m.categories.map((c) => `<th colspan="${c.capabilities.length}" class="cat">${esc(c.name)}</th>`).join('');
  const caps = m.categories.flatMap((c) => c.capabilities.map((x) => `<th class="cap" title="${esc(`${hex16(x.code)} ${x.description}`)}"><span>${esc(x.name)}</span></th>`)).join('');
  const columns = m.categories.flatMap((c) => c.capabilities).map((x) => ({ code: x.code, name: esc(x.name) }));
  const rows: string[] = [];
  const parts: string[] = [];
  for (const r of shown) {
    const cells = m.cells.get(r.index);
    const name = esc(r.name);
    parts.length = 0;
    parts.push('<tr><th class="role">', name, ' <small>', String(r.index), '</small></th>');
    for (const x of columns) {
      const cell = cells?.get(x.code);
      if (cell) parts.push('<td class="', cell, '" title="', name, ': ', x.name, ' (', cell, ')">', mark(cell), '</td>');
      else parts.push('<td></td>');
    }
    parts.push('</tr>\n');
    rows.push(parts.join(''));
  }
  const more =
    shown.length < m.roles.length
      ? `\n<p class="legend more">The first ${shown.length.toLocaleString('en-US')} of ${m.roles.length.toLocaleString('en-US')} roles are shown (${(m.roles.length - shown.length).toLocaleString('en-US')} left out).${options.moreHtml ? ` ${options.moreHtml}` : ''}</p>`
      : '';
  const table = `<table class="matrix">\n<thead><tr><th></th>${head}</tr><tr><th></th>${caps}</tr></thead>\n<tbody>\n${rows.join('')}</tbody></table>\n<p class="legend">● granted directly · ○ inherited through <code>extends</code></p>${more}`;
  if (!standalone) return table;
  return `<!doctype html><html><head><meta charset="utf-8"><title>capability matrix</title><style>${MATRIX_CSS}</style></head><body>${table}</body></html>\n`;
}

export const MATRIX_CSS = `table.matrix{border-collapse:collapse;font:12px system-ui,sans-serif}
table.matrix th,table.matrix td{border:1px solid #ccc;padding:2px 4px;text-align:center}
table.matrix th.cat{background:#eef;font-weight:600}
table.matrix th.cap{height:9em;vertical-align:bottom;white-space:nowrap}
table.matrix th.cap span{writing-mode:vertical-rl;transform:rotate(180deg)}
table.matrix th.role{text-align:left;white-space:nowrap}
table.matrix td.direct{background:#cde8cd}table.matrix td.inherited{background:#eef6ee;color:#585}`;

export function renderMatrixCsv(m: Matrix): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const caps = m.categories.flatMap((c) => c.capabilities.map((x) => ({ ...x, category: c.name })));
  const lines = [['role', 'index', ...caps.map((c) => `${c.category}:${c.name}`)].map(q).join(',')];
  for (const r of m.roles) lines.push([r.name, String(r.index), ...caps.map((c) => m.cells.get(r.index)?.get(c.code) ?? '')].map(q).join(','));
  return `${lines.join('\n')}\n`;
}
