/**
 * The escalation graph: which roles a coalition starting from role X can get an account into. A node
 * is a role; an edge A → T says a holder of A can put an account into T: a new account it controls
 * (a sock puppet, `none -> T`), another holder of A, or a colluding holder of some role F that can
 * have holders (`F -> T`). The holder of T then acts with T's capabilities, so a path X → … → T is a
 * chain of accounts the coalition controls, and X "can come to exercise" everything T holds.
 *
 * Left out on purpose (they are not X's to use): joins with a join code (who gets codes is not in
 * the policy), preauthorized joins and canChangeOwnRole (bound to credentials) — except the public
 * preauth entry (no claims) and open joins, which anyone can use and which form the baseline that is
 * nobody's escalation. Policy rewrites: holding canChangePreauthorizedUserList lets the holder write
 * an entry for its own claims (then join as any role holding canJoinIfPreauthorized, or, holding
 * canChangeOwnRole itself, move to any role); holding canChangeRoleDefinitions gives everything.
 */
import { bfs, Digraph, reachableUnion, shortestPath, hasBit, type BfsResult } from '../../graph/index.js';
import { CAN_CHANGE_OWN_ROLE, CAN_CHANGE_PREAUTH, CAN_CHANGE_ROLES, CAN_JOIN_PREAUTH, type Move, type RoleModel } from './role-model.js';

/** A set of powers (RoleModel.powers) held by exactly the same roles: one search answers for all of them. */
export interface CapabilityGroup {
  readonly caps: number[];
  /** node ids of the roles holding them */
  readonly holders: number[];
}

export interface Witness {
  /** the capabilities gained; empty with `everything` */
  caps: number[];
  /** the graph edges walked, in order */
  edges: number[];
  /** the node reached */
  end: number;
  /** the path ends in a rewrite of the role definitions: every capability */
  everything: boolean;
}

export class EscalationGraph {
  readonly model: RoleModel;
  readonly graph: Digraph<Move[]>;
  readonly groups: CapabilityGroup[];
  /** node ids of the roles holding canChangeRoleDefinitions */
  readonly rewriters: number[];
  /** per node: the groups it reaches (bit `groups.length` = a rewriter) */
  readonly reach: Uint32Array[];
  private readonly searches = new Map<number, BfsResult>();

  constructor(model: RoleModel) {
    this.model = model;
    const n = model.size;
    const present = model.populate().present;
    const best = new Map<number, { rank: number; steps: Move[] }>();
    const offer = (a: number, t: number, rank: number, steps: Move[]) => {
      if (!model.enterable(t)) return;
      const key = model.id.get(a)! * n + model.id.get(t)!;
      const cur = best.get(key);
      if (!cur || rank < cur.rank) best.set(key, { rank, steps });
    };
    for (const m of model.moves) {
      if (m.on === 'other' && (m.from === 0 || present.has(m.from))) offer(m.actor, m.to, m.from === 0 ? 0 : m.from === m.actor ? 1 : 2, [m]);
      // public joins: open join, and a preauth entry anyone matches
      if (m.on === 'joiner' && (m.via === 'open' || (m.via === 'preauth' && model.preauth.entries[m.preauth!].claims.length === 0))) offer(0, m.to, 0, [m]);
    }
    for (const a of model.indexes) {
      if (!model.has(a, CAN_CHANGE_PREAUTH)) continue;
      for (const t of model.indexes) {
        if (t === 0 || t === a || model.isBanned(t)) continue;
        const write: Move = { actor: a, action: 'capability', capability: CAN_CHANGE_PREAUTH, from: 0, to: t, on: 'other', entry: false };
        if (!model.fixed && model.has(t, CAN_JOIN_PREAUTH)) offer(a, t, 3, [write, { actor: t, action: 'join', via: 'preauth', capability: CAN_JOIN_PREAUTH, from: 0, to: t, on: 'joiner', entry: false }]);
        else if (a !== 0 && model.has(a, CAN_CHANGE_OWN_ROLE))
          offer(a, t, 4, [{ ...write, from: a }, { actor: a, action: 'changeOwnRole', capability: CAN_CHANGE_OWN_ROLE, from: a, to: t, on: 'self', entry: false }]);
      }
    }
    this.graph = new Digraph<Move[]>(n);
    for (const key of [...best.keys()].sort((x, y) => x - y)) {
      const e = best.get(key)!;
      this.graph.addEdge(Math.floor(key / n), key % n, e.steps);
    }
    // capability groups: capabilities exercised by exactly the same roles
    const holders = new Map<number, number[]>();
    model.indexes.forEach((ix, v) => {
      for (const c of model.powers(ix)) {
        let h = holders.get(c);
        if (!h) holders.set(c, (h = []));
        h.push(v);
      }
    });
    const byKey = new Map<string, CapabilityGroup>();
    for (const c of [...holders.keys()].sort((a, b) => a - b)) {
      const h = holders.get(c)!;
      const key = h.join(',');
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = { caps: [], holders: h }));
      g.caps.push(c);
    }
    this.groups = [...byKey.values()];
    this.rewriters = model.indexes.flatMap((ix, v) => (model.has(ix, CAN_CHANGE_ROLES) ? [v] : []));
    const seeds: number[][] = model.indexes.map(() => []);
    this.groups.forEach((g, gi) => g.holders.forEach((v) => seeds[v].push(gi)));
    for (const v of this.rewriters) seeds[v].push(this.groups.length);
    this.reach = reachableUnion(this.graph, this.groups.length + 1, (v) => seeds[v]);
  }

  /** Backward search from the holders of group `g` (`groups.length` = the rewriters). */
  search(g: number): BfsResult {
    let r = this.searches.get(g);
    if (!r) this.searches.set(g, (r = bfs(this.graph, g === this.groups.length ? this.rewriters : this.groups[g].holders, { backward: true })));
    return r;
  }

  /** Can a coalition starting at node `v` get an account into a role that can rewrite the role definitions? */
  reachesRewriter(v: number): boolean {
    return hasBit(this.reach[v], this.groups.length);
  }

  /**
   * What a coalition starting at node `v` can come to exercise beyond `exclude`, as few witnesses as
   * the shortest paths allow: capabilities at the same distance that one role provides share one
   * witness. A reachable rewrite of the role definitions ends the list (everything), keeping only the
   * witnesses shorter than it.
   */
  witnesses(v: number, exclude: ReadonlySet<number>): Witness[] {
    const set = this.reach[v];
    type Found = { gi: number; gained: number[]; d: number; path?: { edges: number[]; end: number } };
    const found: Found[] = [];
    this.groups.forEach((g, gi) => {
      if (!hasBit(set, gi)) return;
      const gained = g.caps.filter((c) => !exclude.has(c));
      if (gained.length > 0) found.push({ gi, gained, d: this.search(gi).dist[v] });
    });
    found.sort((a, b) => a.d - b.d || a.gi - b.gi);
    const pathOf = (f: Found) => {
      if (!f.path) {
        const edges = shortestPath(this.graph, this.search(f.gi), v)!;
        f.path = { edges, end: edges.length ? this.graph.to(edges[edges.length - 1]) : v };
      }
      return f.path;
    };
    const out: Witness[] = [];
    // level by level (same distance), greedily: the path whose end holds the most open groups first
    for (let i = 0; i < found.length; ) {
      let j = i;
      while (j < found.length && found[j].d === found[i].d) j++;
      const open = new Set(found.slice(i, j));
      while (open.size > 0) {
        let best: { f: Found; cover: Found[]; size: number } | undefined;
        for (const f of open) {
          const end = pathOf(f).end;
          const cover = [...open].filter((g) => this.holderSet(g.gi).has(end));
          const size = cover.reduce((s, g) => s + g.gained.length, 0);
          if (!best || size > best.size) best = { f, cover, size };
        }
        for (const g of best!.cover) open.delete(g);
        const { edges, end } = pathOf(best!.f);
        out.push({ caps: best!.cover.flatMap((g) => g.gained).sort((a, b) => a - b), edges, end, everything: false });
      }
      i = j;
    }
    if (this.reachesRewriter(v)) {
      const edges = shortestPath(this.graph, this.search(this.groups.length), v)!;
      const end = edges.length ? this.graph.to(edges[edges.length - 1]) : v;
      const kept = out.filter((w) => w.edges.length < edges.length + 1);
      kept.push({ caps: [], edges, end, everything: true });
      return kept;
    }
    return out;
  }

  private readonly holderSets = new Map<number, Set<number>>();
  /** the node ids holding group `gi`, as a set */
  private holderSet(gi: number): Set<number> {
    let s = this.holderSets.get(gi);
    if (!s) this.holderSets.set(gi, (s = new Set(this.groups[gi].holders)));
    return s;
  }

  /** The moves of a witness, the final rewrite included. */
  steps(w: Witness): Move[] {
    const steps = w.edges.flatMap((e) => this.graph.label(e));
    if (w.everything) {
      const r = this.model.indexes[w.end];
      steps.push({ actor: r, action: 'capability', capability: CAN_CHANGE_ROLES, from: r, to: r, on: 'self', entry: false });
    }
    return steps;
  }

  /** direct, sock-puppet, chain or policy-rewrite (README "Analyses"). */
  static subkind(steps: readonly Move[]): 'direct' | 'sock-puppet' | 'chain' | 'policy-rewrite' {
    if (steps.some((s) => s.action === 'capability')) return 'policy-rewrite';
    if (steps.length > 1) return 'chain';
    return steps[0].from === 0 ? 'sock-puppet' : 'direct';
  }
}
