/**
 * The role graph as a picture: roles are nodes; every authorized role change is an edge labelled
 * with the capability that triggers it and the roles that hold it (from runtime/semantics.ts's
 * `entryUses` — the one place that says which capability consumes which entry). Entries no holder can
 * use are drawn dashed; paths from the analyses (escalation, ban evasion) are highlighted.
 * DOT and Mermaid as text; SVG rendered in-process by the Graphviz WebAssembly build.
 *
 * Everything here is linear in roles + role changes except the Graphviz layout, which is not (tens of
 * seconds for a few hundred roles, and the WebAssembly build aborts on large graphs): `renderSvg`
 * refuses a graph over `maxGraphNodes`/`maxGraphEdges` before laying it out (`layoutRefusal`).
 */
import { diagnostic, type Diagnostic } from '../../runtime/diagnostics.js';
import type { Policy } from '../../runtime/ir.js';
import { LIMIT_FLAGS, limitMessage, resolveLimits, type Limits } from '../../runtime/limits.js';
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
  /** per edge, the `holder capability` pairs already in `uses` (a set: many holders may list one change) */
  const usesSeen = new Map<GraphEdge, Set<string>>();
  for (const holder of policy.roles) {
    const held = new Set(holder.capabilities);
    for (const ch of holder.changes)
      for (const to of ch.to) {
        if (to === ch.from) continue;
        const key = `${ch.from}>${to}`;
        let e = edges.get(key);
        if (!e) {
          edges.set(key, (e = { from: ch.from, to, uses: [], dead: true, highlighted: false }));
          usesSeen.set(e, new Set());
        }
        const seen = usesSeen.get(e)!;
        for (const use of entryUses(ch.from, to, banned, holder.index)) {
          if (!held.has(capabilityByName.get(use.capability)!.code)) continue;
          e.dead = false;
          const k = `${holder.name}\u0000${use.capability}`;
          if (seen.has(k)) continue;
          seen.add(k);
          e.uses.push({ holder: holder.name, capability: use.capability });
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
  for (const u of e.uses) {
    const hs = byCap.get(u.capability);
    if (hs) hs.push(u.holder);
    else byCap.set(u.capability, [u.holder]);
  }
  const parts = [...byCap].map(([c, hs]) => `${c.replace(/^can/, '')}: ${hs.length > max ? `${hs.slice(0, max).join(', ')} +${hs.length - max}` : hs.join(', ')}`);
  return parts.join('\n');
};
const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** `graphAttributes`: extra `key=value` graph attributes (layout tuning), after `rankdir`. */
export function renderDot(g: GraphModel, title = 'roles', graphAttributes: readonly string[] = []): string {
  const out = [`digraph ${dotString(title)} {`, '  rankdir=LR;', ...graphAttributes.map((a) => `  ${a};`), '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fb", fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=9];'];
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

/** The graph could not be laid out: too large for the limits, or Graphviz failed. Carries the diagnostic to show. */
export class GraphLayoutError extends Error {
  override readonly name = 'GraphLayoutError';
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export interface SvgOptions {
  /** `maxGraphNodes`, `maxGraphEdges` (defaults: DEFAULT_LIMITS) */
  limits?: Partial<Limits>;
  /** the policy file the graph is drawn from, for the diagnostics */
  file?: string;
}

/**
 * Why Graphviz should not lay out `g`: a `limit-exceeded` diagnostic naming the limit and its flag, or
 * undefined when the graph is within `maxGraphNodes` and `maxGraphEdges`. Decided before any layout.
 */
export function layoutRefusal(g: GraphModel, file: string, limits: Partial<Limits> = {}): Diagnostic | undefined {
  const l = resolveLimits(limits);
  const over =
    g.nodes.length > l.maxGraphNodes
      ? { what: 'roles', actual: g.nodes.length, limit: l.maxGraphNodes, flag: LIMIT_FLAGS.maxGraphNodes }
      : g.edges.length > l.maxGraphEdges
        ? { what: 'role changes', actual: g.edges.length, limit: l.maxGraphEdges, flag: LIMIT_FLAGS.maxGraphEdges }
        : undefined;
  if (!over) return undefined;
  const n = (x: number) => `${x.toLocaleString('en-US')} ${over.what}`;
  const m = limitMessage('the role graph for Graphviz layout', n(over.actual), n(over.limit), over.flag);
  return diagnostic('limit-exceeded', m.message, file, undefined, {
    help: `Graphviz layout time grows faster than the graph: draw it as text with \`--format dot\` (or mermaid), or ${m.help}`,
  });
}

/** Above this many edges, layout is tuned for speed: straight edges, bounded network-simplex and crossing-minimisation passes. */
const FAST_LAYOUT_EDGES = 60;
const FAST_LAYOUT = ['splines=line', 'nslimit=2', 'nslimit1=2', 'mclimit=0.1'];

/**
 * Graphviz's own messages ("out of memory …", layout warnings): the WebAssembly module binds
 * `console.error` when its instance is created, so it is handed a function that collects them into
 * the diagnostic of the call under way (and passes anything else through), instead of printing.
 */
let graphvizMessages: string[] | undefined;
async function loadGraphviz() {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const original = console.error;
  console.error = (...args: unknown[]) => void (graphvizMessages ? graphvizMessages.push(args.map(String).join(' ')) : original(...args));
  try {
    return await Graphviz.load();
  } finally {
    console.error = original;
  }
}

/**
 * SVG rendered in-process by Graphviz compiled to WebAssembly (no system Graphviz needed). Throws a
 * GraphLayoutError — never anything else — when the graph is over the limits (checked first, see
 * `layoutRefusal`) or when Graphviz fails or aborts.
 */
export async function renderSvg(g: GraphModel, title?: string, options: SvgOptions = {}): Promise<string> {
  const file = options.file ?? title ?? 'graph';
  const refusal = layoutRefusal(g, file, options.limits);
  if (refusal) throw new GraphLayoutError(refusal);
  const dot = renderDot(g, title, g.edges.length > FAST_LAYOUT_EDGES ? FAST_LAYOUT : []);
  const messages: string[] = [];
  try {
    const gv = await loadGraphviz();
    graphvizMessages = messages;
    return gv.dot(dot);
  } catch (e) {
    const why = [...messages.map((m) => m.trim()).filter((m) => m !== ''), e instanceof Error ? e.message : String(e)].join('; ');
    throw new GraphLayoutError(
      diagnostic('graph-layout-failed', `Graphviz could not lay out the role graph (${g.nodes.length} roles, ${g.edges.length} role changes): ${why}`, file, undefined, {
        help: 'draw it as text with `--format dot` and lay it out with a native Graphviz',
      }),
    );
  } finally {
    graphvizMessages = undefined;
  }
}
