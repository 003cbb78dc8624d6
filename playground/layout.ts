/**
 * The role graph as SVG without Graphviz (its WebAssembly build is ~1 MB; the page draws small
 * graphs live, on every edit): a layered layout, left to right like `graph --format dot`. A role's
 * layer is its distance from `none` (role 0) along role changes; roles no change reaches come last.
 * Within a layer, roles keep their index order. Edges are curves (so a → b and b → a do not overlap),
 * dashed when no holder can use them, red on a finding's witness path; the label is the edge's title.
 */
import type { GraphEdge, GraphModel } from '../index.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const NODE_H = 34;
const LAYER_GAP = 90;
const ROW_GAP = 22;
const CHAR_W = 7.2;

/** The edge's label as `graph` writes it: `capability: holders` per capability, or `unused`. */
export function edgeTitle(e: GraphEdge): string {
  if (e.dead) return 'unused (no holder of this entry has a capability that uses it)';
  const byCap = new Map<string, string[]>();
  for (const u of e.uses) byCap.set(u.capability, [...(byCap.get(u.capability) ?? []), u.holder]);
  return [...byCap].map(([c, hs]) => `${c}: ${hs.join(', ')}`).join('\n');
}

export function layers(g: GraphModel): Map<number, number> {
  const out = new Map<number, number>([[0, 0]]);
  const next = new Map<number, number[]>();
  for (const e of g.edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let frontier = [0];
  while (frontier.length) {
    const following: number[] = [];
    for (const n of frontier)
      for (const m of next.get(n) ?? [])
        if (!out.has(m)) {
          out.set(m, out.get(n)! + 1);
          following.push(m);
        }
    frontier = following;
  }
  const last = Math.max(0, ...out.values()) + 1;
  for (const n of g.nodes) if (!out.has(n.index)) out.set(n.index, last);
  return out;
}

/** An SVG document of `g` (nodes are `g.node[data-role]`, edges `g.edge[data-from][data-to]`). */
export function graphSvg(g: GraphModel): string {
  const layer = layers(g);
  const columns = new Map<number, GraphModel['nodes']>();
  for (const n of g.nodes) columns.set(layer.get(n.index)!, [...(columns.get(layer.get(n.index)!) ?? []), n]);
  const order = [...columns.keys()].sort((a, b) => a - b);
  const label = (n: GraphModel['nodes'][number]) => `${n.name} (${n.index})`;
  const pos = new Map<number, { x: number; y: number; w: number }>();
  let x = 20;
  let height = 0;
  for (const c of order) {
    const col = columns.get(c)!.sort((a, b) => a.index - b.index);
    const w = Math.max(...col.map((n) => label(n).length * CHAR_W + 20));
    col.forEach((n, i) => pos.set(n.index, { x, y: 20 + i * (NODE_H + ROW_GAP), w }));
    height = Math.max(height, 20 + col.length * (NODE_H + ROW_GAP));
    x += w + LAYER_GAP;
  }
  const width = x - LAYER_GAP + 20;
  const byIndex = new Map(g.nodes.map((n) => [n.index, n]));
  const out: string[] = [];
  // the picture's bounds: the roles, and the curves (a quadratic curve stays within its control points)
  let minX = 0;
  let minY = 0;
  let maxX = width;
  let maxY = height + 10;
  out.push(
    '',
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>',
  );
  for (const e of g.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    // leave the source on its right side when going right, else its left; the same for the target
    const forward = b.x > a.x;
    const same = b.x === a.x;
    const x1 = forward || same ? a.x + a.w : a.x;
    const y1 = a.y + NODE_H / 2;
    const x2 = forward ? b.x : same ? b.x + b.w : b.x + b.w;
    const y2 = b.y + NODE_H / 2;
    // bend to the left of the direction of travel; a same-layer edge loops out to the right
    const dx = x2 - x1;
    const dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1;
    // longer edges bend more, so that they pass around the roles between their ends rather than through them
    const bend = same ? Math.max(40, Math.abs(dy) / 2) : Math.max(18, len * 0.22);
    const cx = (x1 + x2) / 2 + (same ? bend : (-dy / len) * bend);
    const cy = (y1 + y2) / 2 + (same ? 0 : (dx / len) * bend);
    minX = Math.min(minX, cx - 5);
    minY = Math.min(minY, cy - 5);
    maxX = Math.max(maxX, cx + 5);
    maxY = Math.max(maxY, cy + 5);
    const stroke = e.highlighted ? '#c0392b' : e.dead ? '#999999' : '#44546a';
    const attrs = `fill="none" stroke="${stroke}" stroke-width="${e.highlighted ? 2.5 : 1.2}"${e.dead ? ' stroke-dasharray="5,4"' : ''} marker-end="url(#arrow)"`;
    out.push(
      `<g class="edge${e.dead ? ' dead' : ''}${e.highlighted ? ' highlighted' : ''}" data-from="${e.from}" data-to="${e.to}"><title>${esc(`${label(byIndex.get(e.from)!)} → ${label(byIndex.get(e.to)!)}\n${edgeTitle(e)}`)}</title><path d="M${r(x1)},${r(y1)} Q${r(cx)},${r(cy)} ${r(x2)},${r(y2)}" ${attrs}/></g>`,
    );
  }
  for (const n of g.nodes) {
    const p = pos.get(n.index)!;
    const style = n.index === 0 ? 'fill="#ffffff" stroke="#666666" stroke-dasharray="4,3"' : `fill="#f4f6fb" stroke="${n.highlighted ? '#c0392b' : '#44546a'}"${n.highlighted ? ' stroke-width="2"' : ''}`;
    out.push(
      `<g class="node" data-role="${n.index}"><title>${esc(label(n))}</title><rect x="${r(p.x)}" y="${r(p.y)}" width="${r(p.w)}" height="${NODE_H}" rx="8" ${style}/><text x="${r(p.x + p.w / 2)}" y="${r(p.y + NODE_H / 2 + 4)}" text-anchor="middle">${esc(label(n))}</text></g>`,
    );
  }
  out.push('</svg>');
  // a curve bends at most halfway to its control point: half the overshoot is enough room
  minX /= 2;
  minY /= 2;
  maxX = width + (maxX - width) / 2;
  maxY = height + 10 + (maxY - height - 10) / 2;
  const w = Math.ceil(maxX - minX);
  const h = Math.ceil(maxY - minY);
  out[0] = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${Math.floor(minX)} ${Math.floor(minY)} ${w} ${h}" font-family="system-ui, sans-serif" font-size="12">`;
  return out.join('\n');
}

const r = (v: number) => Math.round(v * 10) / 10;
