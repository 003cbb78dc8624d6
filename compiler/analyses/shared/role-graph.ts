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
import { bfs, Digraph, reachableUnion, shortestPath, hasBit, type BfsOptions, type BfsResult } from '../../graph/index.js';
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
  /** the graph edges walked, in order (empty when the witness was found without its path: `withPath`) */
  edges: number[];
  /** the node reached */
  end: number;
  /** the path ends in a rewrite of the role definitions: every capability */
  everything: boolean;
  /** the steps the path takes through the graph (a write to the preauth list and its use count as one) */
  length: number;
  /** the search that found it (`EscalationGraph.search`) */
  search: number;
}

/** Capabilities a witness excludes (a set, or anything that answers `has`). */
export type Excluded = { has(capability: number): boolean };

/** Nodes the forward searches may reach for counting witnesses past the findings budget. */
const FORWARD_WORK = 1 << 22;

/** The two intermediate nodes for policy rewrites through the preauth list (after the role nodes). */
const JOIN_HUB = 0;
const OWN_HUB = 1;

export class EscalationGraph {
  /** above this many (groups × nodes) entries, searches run forwards from each role instead of being kept per group */
  static forwardAbove = 1 << 23;
  readonly model: RoleModel;
  /**
   * Role nodes `0 … model.size-1`, then two intermediate nodes: a holder of
   * canChangePreauthorizedUserList writes an entry for its own claims (edge into the hub) and then
   * joins as any role holding canJoinIfPreauthorized (edges out of the first hub), or, holding
   * canChangeOwnRole, moves to any other role (out of the second): writers × roles pairs stored as
   * writers + roles edges. Searches pass through a hub (`bfs`): the pair of edges is one step.
   */
  readonly graph: Digraph<Move[]>;
  readonly groups: CapabilityGroup[];
  /** node ids of the roles holding canChangeRoleDefinitions */
  readonly rewriters: number[];
  /** per node: the groups it reaches (bit `groups.length` = a rewriter) */
  readonly reach: Uint32Array[];
  private readonly searches = new Map<number, BfsResult>();
  /** per node: the groups it holds (bit `groups.length` = a rewriter) */
  private readonly seeds: number[][];

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
    this.graph = new Digraph<Move[]>(n + 2);
    for (const key of [...best.keys()].sort((x, y) => x - y)) {
      const e = best.get(key)!;
      this.graph.addEdge(Math.floor(key / n), key % n, e.steps);
    }
    // policy rewrites through the preauth list: writers into a hub, the hub into the roles it reaches
    const joinable = (t: number) => !model.fixed && model.has(t, CAN_JOIN_PREAUTH);
    const targets = model.indexes.filter((t) => t !== 0 && !model.isBanned(t) && model.enterable(t));
    const intoJoin = targets.filter(joinable);
    const intoOwn = targets.filter((t) => !joinable(t));
    model.indexes.forEach((a, v) => {
      if (!model.has(a, CAN_CHANGE_PREAUTH)) return;
      if (intoJoin.length > 0) this.graph.addEdge(v, n + JOIN_HUB, []);
      if (a !== 0 && model.has(a, CAN_CHANGE_OWN_ROLE) && intoOwn.length > 0) this.graph.addEdge(v, n + OWN_HUB, []);
    });
    for (const t of intoJoin) this.graph.addEdge(n + JOIN_HUB, model.id.get(t)!, []);
    for (const t of intoOwn) this.graph.addEdge(n + OWN_HUB, model.id.get(t)!, []);
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
    const seeds: number[][] = Array.from({ length: n + 2 }, () => []);
    this.groups.forEach((g, gi) => g.holders.forEach((v) => seeds[v].push(gi)));
    for (const v of this.rewriters) seeds[v].push(this.groups.length);
    this.seeds = seeds;
    this.reach = reachableUnion(this.graph, this.groups.length + 1, (v) => seeds[v]);
  }

  /** Is this node a role (not one of the intermediate nodes)? */
  isRole(v: number): boolean {
    return v < this.model.size;
  }

  /** Shortest paths (in steps) from `sources`, forwards or backwards, through the intermediate nodes. */
  bfs(sources: Iterable<number>, options: Omit<BfsOptions, 'through'> = {}): BfsResult {
    return bfs(this.graph, sources, { ...options, through: (v) => v >= this.model.size });
  }

  /**
   * Where the shortest paths come from. With few capability groups: one backward search per group,
   * kept (groups × roles entries). With many (custom capabilities: as many groups as roles), keeping
   * them would grow with roles²: then one forward search from the role asked about, the last one kept.
   */
  private get forward(): boolean {
    return (this.groups.length + 1) * this.graph.size > EscalationGraph.forwardAbove;
  }
  private fwd?: { v: number; r: BfsResult; stamp: Int32Array; d: Int32Array; end: Int32Array };
  private stamps = 0;
  /** nodes reached by the forward searches so far (the work `count` is limited by) */
  private work = 0;

  /** Backward search from the holders of group `g` (`groups.length` = the rewriters). */
  search(g: number): BfsResult {
    let r = this.searches.get(g);
    if (!r) this.searches.set(g, (r = this.bfs(g === this.groups.length ? this.rewriters : this.groups[g].holders, { backward: true })));
    return r;
  }

  /** Can a coalition starting at node `v` get an account into a role that can rewrite the role definitions? */
  reachesRewriter(v: number): boolean {
    return hasBit(this.reach[v], this.groups.length);
  }

  /** The forward search from `v`, with, per group, the distance and the first holder reached. */
  private forwardFrom(v: number) {
    if (this.fwd?.v === v) return this.fwd;
    const G = this.groups.length + 1;
    const f = this.fwd ?? { v, r: undefined as unknown as BfsResult, stamp: new Int32Array(G), d: new Int32Array(G), end: new Int32Array(G) };
    f.v = v;
    f.r = this.bfs([v]);
    const id = ++this.stamps;
    for (const u of f.r.order) {
      this.work++;
      for (const gi of this.seeds[u]) {
        if (f.stamp[gi] === id) continue;
        f.stamp[gi] = id;
        f.d[gi] = f.r.dist[u];
        f.end[gi] = u;
      }
    }
    this.fwd = f;
    return f;
  }

  /** The distance from `v` to the nearest holder of group `gi` (`groups.length`: a rewriter), and that holder. */
  private at(v: number, gi: number): { d: number; end: number } {
    if (!this.forward) {
      const r = this.search(gi);
      return { d: r.dist[v], end: r.root[v] };
    }
    const f = this.forwardFrom(v);
    return f.stamp[gi] === this.stamps ? { d: f.d[gi], end: f.end[gi] } : { d: -1, end: -1 };
  }

  /** Does node `v` hold group `gi`? */
  private holds(v: number, gi: number): boolean {
    if (this.forward) return this.seeds[v].includes(gi);
    let s = this.holderSets[gi];
    if (!s) {
      s = this.holderSets[gi] = new Uint8Array(this.graph.size);
      for (const h of this.groups[gi].holders) s[h] = 1;
    }
    return s[v] === 1;
  }
  private readonly holderSets: Uint8Array[] = [];

  /** The groups `v` reaches (ascending), with what each gains beyond `exclude`. */
  private gains(v: number, exclude: Excluded): { gi: number; gained: number[]; d: number; end: number }[] {
    const set = this.reach[v];
    const G = this.groups.length;
    const found: { gi: number; gained: number[]; d: number; end: number }[] = [];
    for (let k = 0; k < set.length; k++)
      for (let w = set[k]; w !== 0; w &= w - 1) {
        const gi = (k << 5) + (31 - Math.clz32(w & -w));
        if (gi >= G) continue;
        const gained = this.groups[gi].caps.filter((c) => !exclude.has(c));
        if (gained.length > 0) found.push({ gi, gained, d: 0, end: 0 });
      }
    for (const f of found) ({ d: f.d, end: f.end } = this.at(v, f.gi));
    return found;
  }

  /**
   * One level (groups at one distance, ascending): greedily, the path whose end holds the most open
   * groups first; each cover is one witness.
   */
  private cover<F extends { gi: number; gained: number[]; end: number }>(level: F[]): { f: F; cover: F[] }[] {
    if (level.length === 1) return [{ f: level[0], cover: level }];
    const out: { f: F; cover: F[] }[] = [];
    let open = level;
    while (open.length > 0) {
      let best: { f: F; cover: F[]; size: number } | undefined;
      for (const f of open) {
        const cover = open.filter((g) => this.holds(f.end, g.gi));
        const size = cover.reduce((s, g) => s + g.gained.length, 0);
        if (!best || size > best.size) best = { f, cover, size };
      }
      const taken = new Set(best!.cover);
      open = open.filter((g) => !taken.has(g));
      out.push(best!);
    }
    return out;
  }

  /**
   * What a coalition starting at node `v` can come to exercise beyond `exclude`, as few witnesses as
   * the shortest paths allow: capabilities at the same distance that one role provides share one
   * witness. A reachable rewrite of the role definitions ends the list (everything), keeping only the
   * witnesses shorter than it. With `paths` false the witnesses come without their edges (the same
   * witnesses, found without walking a path: `withPath` adds it).
   */
  witnesses(v: number, exclude: Excluded, paths = true): Witness[] {
    const found = this.gains(v, exclude);
    found.sort((a, b) => a.d - b.d || a.gi - b.gi);
    const out: Witness[] = [];
    for (let i = 0; i < found.length; ) {
      let j = i;
      while (j < found.length && found[j].d === found[i].d) j++;
      for (const { f, cover } of this.cover(found.slice(i, j)))
        out.push({ caps: cover.flatMap((g) => g.gained).sort((a, b) => a - b), edges: [], end: f.end, everything: false, length: f.d, search: f.gi });
      i = j;
    }
    let ws = out;
    if (this.reachesRewriter(v)) {
      const r = this.at(v, this.groups.length);
      ws = out.filter((w) => w.length < r.d + 1);
      ws.push({ caps: [], edges: [], end: r.end, everything: true, length: r.d, search: this.groups.length });
    }
    return paths ? ws.map((w) => this.withPath(v, w)) : ws;
  }

  /**
   * How many witnesses `witnesses(v, exclude)` has, without building them (no sort, no paths); -1
   * once the forward searches and the groups counted add up to `FORWARD_WORK` (only with many
   * groups: counting every witness of every role would then take roles² steps).
   */
  count(v: number, exclude: Excluded): number {
    const G = this.groups.length;
    let dist: (gi: number) => number;
    if (this.forward) {
      if (this.work > FORWARD_WORK && this.fwd?.v !== v) return -1;
      const f = this.forwardFrom(v);
      dist = (gi) => f.d[gi];
    } else dist = (gi) => this.search(gi).dist[v];
    const limit = this.reachesRewriter(v) ? dist(G) : Infinity;
    // groups per distance, in arrays kept between calls: no allocation for levels of one group
    const size = this.graph.size + 1;
    if (!this.levels || this.levels.count.length < size) this.levels = { count: new Int32Array(size), touched: new Int32Array(size) };
    const { count, touched } = this.levels;
    let nTouched = 0;
    let multi = false;
    const set = this.reach[v];
    const each = (fn: (gi: number, d: number) => void) => {
      for (let k = 0; k < set.length; k++)
        for (let w = set[k]; w !== 0; w &= w - 1) {
          const gi = (k << 5) + (31 - Math.clz32(w & -w));
          if (gi >= G || !this.groups[gi].caps.some((c) => !exclude.has(c))) continue;
          const d = dist(gi);
          if (d <= limit) fn(gi, d);
        }
    };
    each((_, d) => {
      this.work++;
      if (count[d] === 0) touched[nTouched++] = d;
      else multi = true;
      count[d]++;
    });
    let n = nTouched + (limit === Infinity ? 0 : 1);
    if (multi) {
      // levels of several groups: as many witnesses as their covers
      const found = this.gains(v, exclude).filter((f) => f.d <= limit && count[f.d] > 1);
      const byLevel = new Map<number, typeof found>();
      for (const f of found) byLevel.set(f.d, [...(byLevel.get(f.d) ?? []), f]);
      for (const l of byLevel.values()) n += this.cover(l).length - 1;
    }
    for (let k = 0; k < nTouched; k++) count[touched[k]] = 0;
    return n;
  }
  private levels?: { count: Int32Array; touched: Int32Array };

  /** The witness with its edges: the shortest path from `v` its search found. */
  withPath(v: number, w: Witness): Witness {
    if (w.edges.length > 0 || w.length === 0) return w;
    if (!this.forward) return { ...w, edges: shortestPath(this.graph, this.search(w.search), v)! };
    return { ...w, edges: shortestPath(this.graph, this.forwardFrom(v).r, w.end)! };
  }

  /** The moves along a path's edges: an edge into a hub and the next one out of it are two moves. */
  edgeSteps(edges: readonly number[]): Move[] {
    const { model, graph } = this;
    const n = model.size;
    const steps: Move[] = [];
    for (let k = 0; k < edges.length; k++) {
      const e = edges[k];
      const to = graph.to(e);
      if (to < n) {
        steps.push(...graph.label(e));
        continue;
      }
      const a = model.indexes[graph.from(e)];
      const t = model.indexes[graph.to(edges[++k])];
      steps.push(...this.rewrite(a, t, to - n));
    }
    return steps;
  }

  /** The two moves of a policy rewrite through the preauth list by a holder of `a`, into `t`. */
  private rewrite(a: number, t: number, hub: number): Move[] {
    const write: Move = { actor: a, action: 'capability', capability: CAN_CHANGE_PREAUTH, from: 0, to: t, on: 'other', entry: false };
    if (hub === JOIN_HUB) return [write, { actor: t, action: 'join', via: 'preauth', capability: CAN_JOIN_PREAUTH, from: 0, to: t, on: 'joiner', entry: false }];
    return [{ ...write, from: a }, { actor: a, action: 'changeOwnRole', capability: CAN_CHANGE_OWN_ROLE, from: a, to: t, on: 'self', entry: false }];
  }

  /**
   * The first move of each way into role node `t` from another role, one per role (the least
   * disruptive kind), ordered by that role's node id; at most `max`.
   */
  entering(t: number, max: number): Move[] {
    const { model, graph } = this;
    const n = model.size;
    const byRole = new Map<number, Move>();
    for (const e of graph.into(t)) {
      const f = graph.from(e);
      if (f < n) {
        if (f !== t) byRole.set(f, graph.label(e)[0]);
        continue;
      }
      let taken = 0;
      for (const w of graph.into(f)) {
        const a = graph.from(w);
        if (a === t || byRole.has(a)) continue;
        byRole.set(a, this.rewrite(model.indexes[a], model.indexes[t], f - n)[0]);
        if (++taken > max) break;
      }
    }
    return [...byRole.keys()]
      .sort((x, y) => x - y)
      .slice(0, max)
      .map((a) => byRole.get(a)!);
  }

  /** The moves of a witness, the final rewrite included. */
  steps(w: Witness): Move[] {
    const steps = this.edgeSteps(w.edges);
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
