/**
 * The role graph as a picture: roles are nodes; every authorized role change is an edge labelled
 * with the capability that triggers it and the roles that hold it (from runtime/semantics.ts's
 * `entryUses` — the one place that says which capability consumes which entry). Entries no holder can
 * use are drawn dashed; paths from the analyses (escalation, ban evasion) are highlighted.
 * DOT and Mermaid as text; SVG rendered in-process by the Graphviz WebAssembly build.
 */
import type { Policy } from '../../runtime/ir.js';
import { capabilityByName } from '../../runtime/registry.js';
import { entryUses, hasBannedRole } from '../../runtime/semantics.js';

export interface GraphEdge {
  from: number;
  to: number;
  /** `holder: capability` for each holder role whose capabilities can use this entry */
  uses: { holder: string; capability: string }[];
  /** listed by some role that holds none of the capabilities that could use it */
  dead: boolean;
  highlighted: boolean;
}
export interface GraphModel {
  nodes: { index: number; name: string; highlighted: boolean }[];
  edges: GraphEdge[];
}

/** Build the graph; `highlight` lists role-change steps (from → to) to emphasise (e.g. a witness path). */
export function graphModel(policy: Policy, highlight: readonly { from: number; to: number }[] = []): GraphModel {
  const banned = hasBannedRole(policy);
  const names = new Map(policy.roles.map((r) => [r.index, r.name]));
  const edges = new Map<string, GraphEdge>();
  for (const holder of policy.roles) {
    const held = new Set(holder.capabilities);
    for (const ch of holder.changes)
      for (const to of ch.to) {
        if (to === ch.from) continue;
        const key = `${ch.from}>${to}`;
        let e = edges.get(key);
        if (!e) edges.set(key, (e = { from: ch.from, to, uses: [], dead: true, highlighted: false }));
        for (const use of entryUses(ch.from, to, banned, holder.index)) {
          if (!held.has(capabilityByName.get(use.capability)!.code)) continue;
          e.dead = false;
          if (!e.uses.some((u) => u.holder === holder.name && u.capability === use.capability)) e.uses.push({ holder: holder.name, capability: use.capability });
        }
      }
  }
  const hl = new Set(highlight.map((h) => `${h.from}>${h.to}`));
  for (const e of edges.values()) e.highlighted = hl.has(`${e.from}>${e.to}`);
  const onPath = new Set(highlight.flatMap((h) => [h.from, h.to]));
  const nodes = [...new Set([0, ...policy.roles.map((r) => r.index)])].map((index) => ({ index, name: names.get(index) ?? 'none', highlighted: onPath.has(index) }));
  return { nodes, edges: [...edges.values()].sort((a, b) => a.from - b.from || a.to - b.to) };
}

const edgeLabel = (e: GraphEdge, max = 3): string => {
  if (e.dead) return 'unused';
  const byCap = new Map<string, string[]>();
  for (const u of e.uses) byCap.set(u.capability, [...(byCap.get(u.capability) ?? []), u.holder]);
  const parts = [...byCap].map(([c, hs]) => `${c.replace(/^can/, '')}: ${hs.length > max ? `${hs.slice(0, max).join(', ')} +${hs.length - max}` : hs.join(', ')}`);
  return parts.join('\n');
};
const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function renderDot(g: GraphModel, title = 'roles'): string {
  const out = [`digraph ${dotString(title)} {`, '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fb", fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const n of g.nodes)
    out.push(`  r${n.index} [label=${dotString(`${n.name}\n(${n.index})`)}${n.index === 0 ? ', fillcolor="#ffffff", style="rounded,dashed"' : ''}${n.highlighted ? ', color="#c0392b", penwidth=2' : ''}];`);
  for (const e of g.edges) {
    const attrs = [`label=${dotString(edgeLabel(e))}`];
    if (e.dead) attrs.push('style=dashed', 'color="#999999"', 'fontcolor="#999999"');
    if (e.highlighted) attrs.push('color="#c0392b"', 'penwidth=2.5', 'fontcolor="#c0392b"');
    out.push(`  r${e.from} -> r${e.to} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

export function renderMermaid(g: GraphModel): string {
  const q = (s: string) => s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>');
  const out = ['flowchart LR'];
  for (const n of g.nodes) out.push(`  r${n.index}["${q(`${n.name} (${n.index})`)}"]`);
  g.edges.forEach((e) => out.push(`  r${e.from} ${e.dead ? '-.->' : '-->'}|"${q(edgeLabel(e))}"| r${e.to}`));
  g.edges.forEach((e, i) => {
    if (e.highlighted) out.push(`  linkStyle ${i} stroke:#c0392b,stroke-width:3px`);
  });
  for (const n of g.nodes) if (n.highlighted) out.push(`  style r${n.index} stroke:#c0392b,stroke-width:2px`);
  return `${out.join('\n')}\n`;
}

/** SVG rendered in-process by Graphviz compiled to WebAssembly (no system Graphviz needed). */
export async function renderSvg(g: GraphModel, title?: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const gv = await Graphviz.load();
  return gv.dot(renderDot(g, title));
}
