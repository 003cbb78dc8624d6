/**
 * Strongly connected components (Tarjan's algorithm, iterative so deep graphs do not overflow the
 * stack) and reachability over the condensation. Nodes of one component reach exactly the same nodes,
 * so "what does every node reach?" costs one pass over the component DAG instead of one search per node.
 */
import type { Digraph } from './digraph.js';

export interface Components {
  /** component id of each node; ids are in reverse topological order (a component's successors have smaller ids) */
  readonly of: Int32Array;
  readonly count: number;
  /** the nodes of each component, ascending */
  readonly members: number[][];
}

export function stronglyConnected<L>(g: Digraph<L>, edge?: (e: number) => boolean): Components {
  const n = g.size;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const of = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const members: number[][] = [];
  let counter = 0;
  const succ = (v: number): number[] => {
    const r: number[] = [];
    g.forEachOut(v, (e) => {
      if (!edge || edge(e)) r.push(g.to(e));
    });
    return r;
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const frames: { v: number; next: number[]; i: number }[] = [{ v: root, next: succ(root), i: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (f.i < f.next.length) {
        const w = f.next[f.i++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ v: w, next: succ(w), i: 0 });
        } else if (onStack[w]) low[f.v] = Math.min(low[f.v], index[w]);
        continue;
      }
      frames.pop();
      if (frames.length > 0) low[frames[frames.length - 1].v] = Math.min(low[frames[frames.length - 1].v], low[f.v]);
      if (low[f.v] === index[f.v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          of[w] = members.length;
          comp.push(w);
        } while (w !== f.v);
        members.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return { of, count: members.length, members };
}

/**
 * For every node, a bit set (over `bits` positions) of what it reaches: the union of `seed(v)` over
 * every node `v` reachable from it (itself included). One pass over the components in reverse
 * topological order; each set is a Uint32Array of ⌈bits/32⌉ words.
 */
export function reachableUnion<L>(g: Digraph<L>, bits: number, seed: (node: number) => Iterable<number>, edge?: (e: number) => boolean): Uint32Array[] {
  const words = Math.max(1, Math.ceil(bits / 32));
  const comps = stronglyConnected(g, edge);
  const sets = comps.members.map(() => new Uint32Array(words));
  for (let c = 0; c < comps.count; c++) {
    const set = sets[c];
    for (const v of comps.members[c]) {
      for (const b of seed(v)) set[b >>> 5] |= 1 << (b & 31);
      g.forEachOut(v, (e) => {
        if (edge && !edge(e)) return;
        const d = comps.of[g.to(e)];
        if (d === c) return;
        const other = sets[d]; // d < c: already complete
        for (let k = 0; k < words; k++) set[k] |= other[k];
      });
    }
  }
  const out: Uint32Array[] = new Array(g.size);
  for (let v = 0; v < g.size; v++) out[v] = sets[comps.of[v]];
  return out;
}

/** The nodes reachable from `sources` (sources included). */
export function reachable<L>(g: Digraph<L>, sources: Iterable<number>, edge?: (e: number) => boolean): Uint8Array {
  const seen = new Uint8Array(g.size);
  const stack: number[] = [];
  for (const s of sources) if (!seen[s]) (seen[s] = 1), stack.push(s);
  while (stack.length > 0) {
    const u = stack.pop()!;
    g.forEachOut(u, (e) => {
      if (edge && !edge(e)) return;
      const v = g.to(e);
      if (!seen[v]) (seen[v] = 1), stack.push(v);
    });
  }
  return seen;
}

export const hasBit = (set: Uint32Array, b: number): boolean => (set[b >>> 5] & (1 << (b & 31))) !== 0;
