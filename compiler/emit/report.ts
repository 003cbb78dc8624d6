/**
 * The HTML report: one self-contained page (inline styles and SVG, no script, no network) with the
 * room summary, the role graph, the capability matrix, the findings with their witness paths, and
 * optionally the comparison with another policy.
 *
 * The page stays proportionate to the policy: the role graph is drawn only within the Graphviz layout
 * limits (`maxGraphNodes`, `maxGraphEdges`; otherwise the page says why it is missing), the matrix
 * shows at most `maxReportMatrixCells` cells, and the findings at most `maxDiagnosticsPerCode` per code.
 */
import { createHash } from 'node:crypto';
import { encodePolicy } from '../../runtime/codec/index.js';
import { capDiagnostics, type Diagnostic } from '../../runtime/diagnostics.js';
import type { Policy, Provenance } from '../../runtime/ir.js';
import { LIMIT_FLAGS, resolveLimits, type Limits } from '../../runtime/limits.js';
import { fieldText, roleDiffers, type Comparison } from '../compare.js';
import { GraphLayoutError, graphModel, layoutRefusal, renderSvg } from './graph.js';
import { highlightsOf } from './highlights.js';
import { buildMatrix, MATRIX_CSS, renderMatrixHtml } from './matrix.js';

export interface ReportInput {
  title: string;
  source: string;
  policy: Policy;
  provenance?: Provenance;
  diagnostics: readonly Diagnostic[];
  declared?: ReadonlyMap<number, string>;
  comparison?: Comparison;
  generator?: string;
  /** maxGraphNodes, maxGraphEdges, maxReportMatrixCells, maxDiagnosticsPerCode (defaults: DEFAULT_LIMITS) */
  limits?: Partial<Limits>;
}

export interface Report {
  html: string;
  /** what the page leaves out and why (the graph over the layout limits, a truncated matrix …), as the page says it */
  omitted: string[];
}

const fmt = (n: number) => n.toLocaleString('en-US');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const code = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

interface PathStep {
  actor?: unknown;
  action?: string;
  capability?: string;
  target?: { from?: unknown; to?: unknown };
}
const roleText = (r: unknown, names: ReadonlyMap<number, string>): string => {
  const i = typeof r === 'number' ? r : typeof r === 'object' && r !== null && 'index' in r ? (r as { index: number }).index : undefined;
  if (i === undefined) return String(r);
  return `${names.get(i) ?? (i === 0 ? 'none' : `#${i}`)}`;
};

function findingsHtml(ds: readonly Diagnostic[], p: Policy): string {
  if (ds.length === 0) return '<p class="ok">No findings.</p>';
  const names = new Map<number, string>();
  for (const r of p.roles) if (!names.has(r.index)) names.set(r.index, r.name);
  return ds
    .map((d) => {
      const path = (d as { path?: PathStep[] }).path;
      const ack = (d as { acknowledged?: { reason: string } }).acknowledged;
      const where = d.span ? `${esc(d.span.file.split('/').pop()!)}:${d.span.line}:${d.span.column}` : d.offset !== undefined ? `byte ${d.offset}` : '';
      const steps = Array.isArray(path)
        ? `<ol class="path">${path
            .map((s) => `<li><b>${esc(roleText(s.actor, names))}</b> ${esc(s.action ?? '')} <small>(${esc(s.capability ?? '')})</small>${s.target ? `: ${esc(roleText(s.target.from, names))} → ${esc(roleText(s.target.to, names))}` : ''}</li>`)
            .join('')}</ol>`
        : '';
      return `<div class="finding ${d.severity}${ack ? ' acknowledged' : ''}" data-kind="${esc(d.kind)}"><div class="head"><span class="sev">${d.severity}</span> <span class="code">${d.code}</span> <span class="kind">${esc(d.kind)}</span> <span class="where">${where}</span></div><div class="msg">${code(d.message)}</div>${d.help ? `<div class="help">help: ${code(d.help)}</div>` : ''}${ack ? `<div class="ack">acknowledged: ${esc(ack.reason)}</div>` : ''}${steps}</div>`;
    })
    .join('\n');
}

function comparisonHtml(c: Comparison): string {
  const kinds = [...new Set([...Object.keys(c.a.findingsByKind), ...Object.keys(c.b.findingsByKind)])].sort();
  const rows = [
    ['roles', c.a.roles, c.b.roles],
    ['transitions', c.a.transitions, c.b.transitions],
    ['wire bytes', c.a.wireBytes, c.b.wireBytes],
    ...kinds.map((k) => [`findings: ${k}`, c.a.findingsByKind[k] ?? 0, c.b.findingsByKind[k] ?? 0]),
  ];
  const summary = `<table class="cmp"><thead><tr><th></th><th>${esc(c.a.label)}</th><th>${esc(c.b.label)}</th></tr></thead><tbody>${rows.map((r) => `<tr><th>${esc(String(r[0]))}</th><td>${r[1]}</td><td>${r[2]}</td></tr>`).join('')}</tbody></table>`;
  const verdict = (d: Comparison['scenarios'][number]['a']) => ('allowed' in d ? `<span class="${d.allowed ? 'allow' : 'deny'}">${d.allowed ? 'allow' : 'deny'}</span> <small>${esc(d.rule)}</small>` : 'holds' in d ? `<span class="${d.holds ? 'allow' : 'deny'}">${d.holds ? 'holds' : 'fails'}</span> <small>${esc(d.actual)}</small>` : `<span class="deny">error</span> <small>${esc(d.error)}</small>`);
  const scen = c.scenarios.length
    ? `<h3>Scenario decisions (${c.scenarios.filter((s) => s.differs).length} of ${c.scenarios.length} differ)</h3><table class="cmp"><thead><tr><th></th><th>scenario</th><th>step</th><th>${esc(c.a.label)}</th><th>${esc(c.b.label)}</th></tr></thead><tbody>${c.scenarios
        .map((s) => `<tr class="${s.differs ? 'differs' : ''}"><td>${s.differs ? '≠' : '='}</td><td>${esc(s.scenario)}</td><td><code>${esc(s.step)}</code></td><td>${s.metA ? '✓' : '✗'} ${verdict(s.a)}</td><td>${s.metB ? '✓' : '✗'} ${verdict(s.b)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const changed = c.matched.filter(roleDiffers);
  const roles = changed.length
    ? `<h3>Roles that differ</h3><table class="cmp"><thead><tr><th>role</th><th>capabilities only in ${esc(c.a.label)}</th><th>only in ${esc(c.b.label)}</th><th>transitions only in ${esc(c.a.label)}</th><th>only in ${esc(c.b.label)}</th><th>other fields</th></tr></thead><tbody>${changed
        .map((m) => `<tr><th>${esc(m.a)}</th><td>${esc(m.onlyInA.join(', ') || '-')}</td><td>${esc(m.onlyInB.join(', ') || '-')}</td><td>${esc(m.transitionsOnlyInA.join('; ') || '-')}</td><td>${esc(m.transitionsOnlyInB.join('; ') || '-')}</td><td>${esc(m.fields.map(fieldText).join('; ') || '-')}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const unmatched = c.unmatched.a.length + c.unmatched.b.length ? `<p>Roles without a match: ${esc(c.a.label)}: ${esc(c.unmatched.a.join(', ') || '-')}; ${esc(c.b.label)}: ${esc(c.unmatched.b.join(', ') || '-')}</p>` : '';
  return `<section id="compare"><h2>Comparison: ${esc(c.a.label)} vs ${esc(c.b.label)}</h2>${summary}${scen}${roles}${unmatched}</section>`;
}

/** The report page as HTML. */
export async function renderReport(input: ReportInput): Promise<string> {
  return (await buildReport(input)).html;
}

/** The graph section's body: the SVG, or why there is none (decided before layout, or Graphviz failed). */
async function graphSection(input: ReportInput, findings: readonly Diagnostic[], omitted: string[]): Promise<string> {
  const g = graphModel(input.policy, highlightsOf(findings));
  const refusal = layoutRefusal(g, input.source, input.limits);
  let why: string | undefined = refusal ? `${refusal.message}; ${refusal.help}.` : undefined;
  if (!refusal) {
    try {
      const svg = await renderSvg(g, input.title, { ...(input.limits ? { limits: input.limits } : {}), file: input.source });
      return `<div class="svg">${svg.replace(/^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*/s, '')}</div>`;
    } catch (e) {
      if (!(e instanceof GraphLayoutError)) throw e;
      why = `${e.diagnostic.message}; ${e.diagnostic.help ?? ''}.`;
    }
  }
  omitted.push(`the role graph is not drawn: ${why}`);
  return `<p class="omitted"><b>The role graph is not drawn</b> (${g.nodes.length.toLocaleString('en-US')} roles, ${g.edges.length.toLocaleString('en-US')} role changes): ${code(why!)} As text: <code>mimi-policy graph ${esc(input.source)} --format dot</code>.</p>`;
}

/** The report page, and what it leaves out. */
export async function buildReport(input: ReportInput): Promise<Report> {
  const p = input.policy;
  const limits = resolveLimits(input.limits);
  const omitted: string[] = [];
  const bytes = encodePolicy(p);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const findings = input.diagnostics.filter((d) => d.severity !== 'error');
  const graph = await graphSection(input, findings, omitted);
  const matrix = buildMatrix(p, input.provenance, input.declared);
  const columns = matrix.categories.reduce((n, c) => n + c.capabilities.length, 0);
  const maxRows = columns === 0 ? matrix.roles.length : Math.floor(limits.maxReportMatrixCells / columns);
  if (maxRows < matrix.roles.length)
    omitted.push(
      `the capability matrix shows the first ${fmt(maxRows)} of ${fmt(matrix.roles.length)} roles: ${fmt(matrix.roles.length)} × ${columns} cells is over the limit of ${fmt(limits.maxReportMatrixCells)} (${LIMIT_FLAGS.maxReportMatrixCells} <n>)`,
    );
  const matrixHtml = renderMatrixHtml(matrix, false, {
    maxRows,
    moreHtml: `The page shows at most ${limits.maxReportMatrixCells.toLocaleString('en-US')} cells (<code>${LIMIT_FLAGS.maxReportMatrixCells}</code>); the whole matrix: <code>mimi-policy matrix ${esc(input.source)} --format html</code>.`,
  });
  const shown = capDiagnostics(findings, limits.maxDiagnosticsPerCode);
  const b = p.base;
  const base: [string, string][] = [
    ['fixed membership', String(b.fixedMembership)],
    ['multi-device', String(b.multiDevice)],
    ['max users', b.maxUsers === null ? 'no limit' : String(b.maxUsers)],
    ['max clients', b.maxClients === null ? 'no limit' : String(b.maxClients)],
    ['persistent', String(b.persistentRoom)],
    ['discoverable', String(b.discoverable)],
    ['pseudonyms allowed', String(b.pseudonymsAllowed)],
    ['parent-dependant', b.parentDependant ? `yes (${b.parentRooms.join(', ')})` : 'no'],
    ['roles', String(p.roles.length)],
    ['authorized role changes', String(p.roles.reduce((n, r) => n + r.changes.reduce((m, c) => m + c.to.length, 0), 0))],
    ['preauthorization rules', p.preauth === null ? 'none' : String(p.preauth.length)],
    ['initial participants', p.participants === null ? 'none' : String(p.participants.length)],
    ['wire size', `${bytes.length} bytes`],
    ['SHA-256 of the policy dictionary', sha],
  ];
  const counts = (s: string) => findings.filter((d) => d.severity === s).length;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} — mimi-policy report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header{background:#1d2b4f;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
main{padding:12px 28px 40px;max-width:1400px}section{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:12px 18px;margin:14px 0}
h2{font-size:17px;margin:4px 0 10px}h3{font-size:15px}table.summary td,table.summary th{padding:2px 12px 2px 0;text-align:left}table.summary td{font-family:ui-monospace,monospace;word-break:break-all}
#graph .svg{overflow:auto}#graph svg{max-width:100%;height:auto}p.omitted{background:#fff8e1;border-left:4px solid #e0a100;padding:6px 10px}
.finding{border-left:4px solid #999;padding:6px 10px;margin:8px 0;background:#fbfbfd}.finding.warning{border-color:#e0a100}.finding.info{border-color:#3b82c4}.finding.acknowledged{opacity:.7}
.finding .sev{font-weight:700;text-transform:uppercase;font-size:11px}.finding .code{font-family:monospace}.finding .kind{color:#555}.finding .where{float:right;color:#777;font-family:monospace}
.finding .help{color:#2d5f2d}.finding .ack{color:#666;font-style:italic}ol.path{margin:4px 0 0 0}
code{background:#eef0f4;padding:0 3px;border-radius:3px}
table.cmp{border-collapse:collapse}table.cmp td,table.cmp th{border:1px solid #ddd;padding:3px 8px;text-align:left}tr.differs{background:#fff3e0}.allow{color:#1b7a1b;font-weight:600}.deny{color:#b3261e;font-weight:600}
${MATRIX_CSS}
</style></head>
<body>
<header><h1>${esc(input.title)}</h1><p>${esc(input.source)} · ${esc(input.generator ?? 'mimi-policy')}</p></header>
<main>
<section id="summary"><h2>Room summary</h2><table class="summary">${base.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table></section>
<section id="graph"><h2>Role graph</h2><p>Edges are authorized role changes, labelled with the capability that triggers them and the roles holding it; dashed: no holder can use it; red: a finding's witness path.</p>${graph}</section>
<section id="matrix"><h2>Capability matrix</h2>${matrixHtml}</section>
<section id="findings"><h2>Findings (${counts('warning')} warnings, ${counts('info')} notes)</h2>${findingsHtml(shown, p)}</section>
${input.comparison ? comparisonHtml(input.comparison) : ''}
</main></body></html>
`;
  return { html, omitted };
}
