/**
 * A directed graph over dense integer nodes `0 … n-1`, with labelled edges kept in insertion order.
 *
 * Generic on purpose (STYLE.md §5): it knows nothing of roles or policies. Analyses build one, then
 * ask it questions (shortest paths, strongly connected components, reachability). Adjacency is kept as
 * compressed arrays built once on the first query, so graphs with millions of edges stay cheap.
 */
export class Digraph<L = unknown> {
  readonly size: number;
  private readonly src: number[] = [];
  private readonly dst: number[] = [];
  private readonly labels: L[] = [];
  private outStart?: Int32Array;
  private outEdges?: Int32Array;
  private inStart?: Int32Array;
  private inEdges?: Int32Array;

  constructor(size: number) {
    this.size = size;
  }

  /** Add the edge `from → to`; returns its id (ids are insertion order, which decides tie-breaks). */
  addEdge(from: number, to: number, label: L): number {
    if (from < 0 || from >= this.size || to < 0 || to >= this.size) throw new RangeError(`edge ${from} → ${to} outside 0…${this.size - 1}`);
    if (this.outStart) throw new Error('Digraph: edges cannot be added after the first query');
    this.src.push(from);
    this.dst.push(to);
    this.labels.push(label);
    return this.src.length - 1;
  }

  get edgeCount(): number {
    return this.src.length;
  }
  from(edge: number): number {
    return this.src[edge];
  }
  to(edge: number): number {
    return this.dst[edge];
  }
  label(edge: number): L {
    return this.labels[edge];
  }

  private index(): void {
    if (this.outStart) return;
    const n = this.size;
    const m = this.src.length;
    const build = (key: number[]) => {
      const start = new Int32Array(n + 1);
      for (let e = 0; e < m; e++) start[key[e] + 1]++;
      for (let i = 0; i < n; i++) start[i + 1] += start[i];
      const fill = start.slice(0, n);
      const edges = new Int32Array(m);
      for (let e = 0; e < m; e++) edges[fill[key[e]]++] = e; // stable: insertion order within a node
      return { start, edges };
    };
    const out = build(this.src);
    const inn = build(this.dst);
    this.outStart = out.start;
    this.outEdges = out.edges;
    this.inStart = inn.start;
    this.inEdges = inn.edges;
  }

  /** Calls `fn(edge)` for each edge leaving `node`, in insertion order. */
  forEachOut(node: number, fn: (edge: number) => void): void {
    this.index();
    for (let k = this.outStart![node]; k < this.outStart![node + 1]; k++) fn(this.outEdges![k]);
  }
  /** Calls `fn(edge)` for each edge entering `node`, in insertion order. */
  forEachIn(node: number, fn: (edge: number) => void): void {
    this.index();
    for (let k = this.inStart![node]; k < this.inStart![node + 1]; k++) fn(this.inEdges![k]);
  }
  /** The edge ids leaving `node`. */
  outOf(node: number): number[] {
    const r: number[] = [];
    this.forEachOut(node, (e) => r.push(e));
    return r;
  }
  /** The edge ids entering `node`. */
  into(node: number): number[] {
    const r: number[] = [];
    this.forEachIn(node, (e) => r.push(e));
    return r;
  }
}
