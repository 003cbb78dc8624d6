/**
 * Breadth-first search with path reconstruction: shortest paths (fewest edges) from a set of sources,
 * forwards or against the edges. Ties are broken by source order, then by edge insertion order, so
 * the path returned for a graph is always the same one.
 */
import type { Digraph } from './digraph.js';

export interface BfsResult {
  /** fewest edges from the nearest source; -1 = unreachable */
  readonly dist: Int32Array;
  /** the edge that first reached each node; -1 for sources and unreached nodes */
  readonly via: Int32Array;
  /** the source each node's shortest path starts (forward) or ends (backward) at; -1 when unreached */
  readonly root: Int32Array;
  /** the nodes reached, in the order they were (by distance; nodes passed `through` left out) */
  readonly order: Int32Array;
  /** `forward`: paths follow edges; `backward`: paths run against them (distances *to* the sources) */
  readonly direction: 'forward' | 'backward';
}

export interface BfsOptions {
  /** search against the edges: `dist[v]` is then the distance from `v` to the nearest source */
  backward?: boolean;
  /** skip edges for which this returns false */
  edge?: (edge: number) => boolean;
  /** stop once this node is reached */
  until?: number;
  /**
   * Nodes passed through: reaching one follows its edges at once, as if the edges into it led
   * straight to where its edges lead (a shared intermediate node standing for many pairs of edges:
   * the two edges are one step, `dist` does not count the intermediate node, and it is never queued).
   */
  through?: (node: number) => boolean;
}

export function bfs<L>(g: Digraph<L>, sources: Iterable<number>, options: BfsOptions = {}): BfsResult {
  const dist = new Int32Array(g.size).fill(-1);
  const via = new Int32Array(g.size).fill(-1);
  const root = new Int32Array(g.size).fill(-1);
  const queue = new Int32Array(g.size);
  let head = 0;
  let tail = 0;
  for (const s of sources) {
    if (dist[s] !== -1) continue;
    dist[s] = 0;
    root[s] = s;
    queue[tail++] = s;
  }
  const backward = !!options.backward;
  const filter = options.edge;
  const through = options.through;
  // reach the far end of `e` from `u`, at distance d + 1
  const visit = (u: number, e: number, d: number) => {
    if (filter && !filter(e)) return;
    const v = backward ? g.from(e) : g.to(e);
    if (dist[v] !== -1) return;
    dist[v] = d + 1;
    via[v] = e;
    root[v] = root[u];
    if (!through?.(v)) queue[tail++] = v;
    else if (backward) g.forEachIn(v, (f) => visit(v, f, d));
    else g.forEachOut(v, (f) => visit(v, f, d));
  };
  while (head < tail) {
    const u = queue[head++];
    if (u === options.until) break;
    const d = dist[u];
    if (backward) g.forEachIn(u, (e) => visit(u, e, d));
    else g.forEachOut(u, (e) => visit(u, e, d));
  }
  return { dist, via, root, order: queue.subarray(0, tail), direction: backward ? 'backward' : 'forward' };
}

/**
 * The edges of the shortest path found by `bfs`, in walking order: for a forward search, from the
 * nearest source to `node`; for a backward search, from `node` to the nearest source. `undefined`
 * when `node` was not reached.
 */
export function shortestPath<L>(g: Digraph<L>, r: BfsResult, node: number): number[] | undefined {
  if (r.dist[node] === -1) return undefined;
  const edges: number[] = [];
  let v = node;
  while (r.via[v] !== -1) {
    const e = r.via[v];
    edges.push(e);
    v = r.direction === 'forward' ? g.from(e) : g.to(e);
  }
  return r.direction === 'forward' ? edges.reverse() : edges;
}
