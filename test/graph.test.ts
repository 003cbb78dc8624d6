/**
 * compiler/graph/: the generic algorithms (no policies here): digraph adjacency, BFS shortest paths
 * with reconstruction (forward and backward, deterministic ties), strongly connected components,
 * reachability over the condensation, and forward chaining with derivations. And the role graph as a
 * picture (compiler/emit/graph.ts) at scale: linear models, the SVG layout limits.
 */
import { describe, expect, it } from 'vitest';
import { bfs, derivation, Digraph, forwardChain, hasBit, reachable, reachableUnion, shortestPath, stronglyConnected } from '../compiler/graph/index.js';
import { join } from 'node:path';
import { main } from '../compiler/cli/main.js';
import { graphModel, layoutRefusal, renderDot } from '../compiler/emit/graph.js';
import { defaultBasePolicy, type Policy, type Role } from '../runtime/ir.js';
import { capabilityByName } from '../runtime/registry.js';

const ROOT = join(import.meta.dirname, '..');

/** a → b edges from "a>b" strings over nodes 0…n-1 */
function graph(n: number, edges: string[]): Digraph<string> {
  const g = new Digraph<string>(n);
  for (const e of edges) {
    const [a, b] = e.split('>').map(Number);
    g.addEdge(a, b, e);
  }
  return g;
}
const labels = (g: Digraph<string>, path: number[] | undefined) => path?.map((e) => g.label(e));

describe('Digraph', () => {
  it('keeps edges in insertion order, both ways', () => {
    const g = graph(4, ['0>2', '0>1', '1>2', '3>2']);
    expect(labels(g, g.outOf(0))).toEqual(['0>2', '0>1']);
    expect(labels(g, g.into(2))).toEqual(['0>2', '1>2', '3>2']);
    expect(g.edgeCount).toBe(4);
  });
  it('rejects edges outside the node range and edges added after a query', () => {
    const g = graph(2, ['0>1']);
    expect(() => g.addEdge(0, 2, 'x')).toThrow(RangeError);
    g.outOf(0);
    expect(() => g.addEdge(1, 0, 'y')).toThrow(/after the first query/);
  });
});

describe('bfs and shortestPath', () => {
  const g = graph(6, ['0>1', '1>2', '2>3', '0>4', '4>3', '3>5']);
  it('finds fewest-edge paths forwards', () => {
    const r = bfs(g, [0]);
    expect(Array.from(r.dist)).toEqual([0, 1, 2, 2, 1, 3]);
    expect(labels(g, shortestPath(g, r, 5))).toEqual(['0>4', '4>3', '3>5']);
    expect(shortestPath(g, r, 0)).toEqual([]);
  });
  it('backwards: distance to the nearest source, path walked from the node to it', () => {
    const r = bfs(g, [3], { backward: true });
    expect(r.dist[0]).toBe(2);
    expect(r.dist[5]).toBe(-1);
    expect(labels(g, shortestPath(g, r, 0))).toEqual(['0>4', '4>3']);
    expect(shortestPath(g, r, 5)).toBeUndefined();
  });
  it('breaks ties by edge insertion order, then by source order', () => {
    const t = graph(4, ['0>2', '0>1', '1>3', '2>3']);
    expect(labels(t, shortestPath(t, bfs(t, [0]), 3))).toEqual(['0>2', '2>3']);
    const two = graph(3, ['0>2', '1>2']);
    expect(labels(two, shortestPath(two, bfs(two, [1, 0]), 2))).toEqual(['1>2']);
  });
  it('honours an edge filter', () => {
    const r = bfs(g, [0], { edge: (e) => g.label(e) !== '4>3' });
    expect(labels(g, shortestPath(g, r, 5))).toEqual(['0>1', '1>2', '2>3', '3>5']);
  });
});

describe('strongly connected components', () => {
  it('groups cycles and numbers components in reverse topological order', () => {
    // 0 ⇄ 1 → 2 ⇄ 3 → 4, 5 alone
    const g = graph(6, ['0>1', '1>0', '1>2', '2>3', '3>2', '3>4']);
    const c = stronglyConnected(g);
    expect(c.count).toBe(4);
    expect(c.of[0]).toBe(c.of[1]);
    expect(c.of[2]).toBe(c.of[3]);
    expect(c.of[4]).toBeLessThan(c.of[2]);
    expect(c.of[2]).toBeLessThan(c.of[0]);
    expect(c.members[c.of[0]]).toEqual([0, 1]);
  });
  it('handles a long chain without overflowing the stack', () => {
    const n = 50_000;
    const g = new Digraph<null>(n);
    for (let i = 0; i + 1 < n; i++) g.addEdge(i, i + 1, null);
    g.addEdge(n - 1, 0, null);
    expect(stronglyConnected(g).count).toBe(1);
  });
  it('reachableUnion: what each node reaches, through the condensation', () => {
    const g = graph(5, ['0>1', '1>0', '1>2', '3>2']);
    const sets = reachableUnion(g, 5, (v) => [v]);
    const bits = (v: number) => [0, 1, 2, 3, 4].filter((b) => hasBit(sets[v], b));
    expect(bits(0)).toEqual([0, 1, 2]);
    expect(bits(3)).toEqual([2, 3]);
    expect(bits(4)).toEqual([4]);
    expect(Array.from(reachable(g, [3]))).toEqual([0, 0, 1, 1, 0]);
  });
});

describe('forward chaining', () => {
  // facts 0..5; 2 needs 0 and 1; 3 needs 2; 4 needs 3 and 5 (5 never holds)
  const rules = [
    { premises: [0, 1], conclusion: 2 },
    { premises: [2], conclusion: 3 },
    { premises: [3, 5], conclusion: 4 },
    { premises: [], conclusion: 1 },
  ];
  it('derives the least fixed point, in rounds', () => {
    const r = forwardChain(6, rules, [0]);
    expect(Array.from(r.holds)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(r.round)).toEqual([0, 1, 2, 3, -1, -1]);
  });
  it('gives each fact its derivation, premises first', () => {
    const r = forwardChain(6, rules, [0]);
    expect(derivation(rules, r, 3)).toEqual([3, 0, 1]);
    expect(derivation(rules, r, 0)).toEqual([]);
    expect(derivation(rules, r, 4)).toBeUndefined();
  });
});

// --- the role graph as a picture (compiler/emit/graph.ts) -----------------------------------------

describe('role graph pictures at scale', () => {
  /** roles r2…r(n+1), each holding canChangeUserRole and listing the same change r2 → r3 */
  function sameChange(n: number): Policy {
    const change = capabilityByName.get('canChangeUserRole')!.code;
    const roles: Role[] = Array.from({ length: n }, (_, k) => ({
      index: k + 2, name: `r${k + 2}`, description: '', capabilities: [change], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: null, changes: [{ from: 2, to: [3] }],
    }));
    return { base: defaultBasePolicy(), roles, preauth: null, participants: null, history: null, otherComponents: [] };
  }

  it('one change listed by many roles is one edge naming a few holders and a count', () => {
    const g = graphModel(sameChange(2000));
    expect(g.edges).toHaveLength(1);
    expect(g.edges[0].uses).toHaveLength(2000);
    expect(renderDot(g)).toContain('label="ChangeUserRole: r2, r3, r4 +1997"');
  });

  it('`graph --format svg` over --max-graph-edges is refused before layout, naming the flag and --format dot', async () => {
    let out = '';
    let err = '';
    const code = await main(['graph', 'examples/engineering.mimi', '--format', 'svg', '--max-graph-edges', '3', '--plain'], { out: (t) => void (out += t), err: (t) => void (err += t), color: false, cwd: ROOT });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/E0006.*the role graph for Graphviz layout is too large: \d+ role changes, the limit is 3 role changes/);
    expect(err).toContain('--max-graph-edges <n>');
    expect(err).toContain('--format dot');
  });

  it('layoutRefusal: within both limits nothing; over the role limit names --max-graph-nodes', () => {
    const g = graphModel(sameChange(5));
    expect(layoutRefusal(g, 'p.mimi')).toBeUndefined();
    const d = layoutRefusal(g, 'p.mimi', { maxGraphNodes: 4 });
    expect(d?.code).toBe('E0006');
    expect(d?.message).toBe('the role graph for Graphviz layout is too large: 6 roles, the limit is 4 roles');
    expect(d?.help).toContain('--max-graph-nodes <n>');
  });
});
