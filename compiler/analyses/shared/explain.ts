/**
 * `explain`: "can holders of role X come to exercise capability C?" — the shortest path in the
 * escalation graph (role-graph.ts), or "no" and what is missing; and "what can holders of X reach?".
 * The same model and witnesses as the escalation analysis, without its filters: the room's top roles,
 * and capabilities anyone can get by joining in public, are answered too (a public route starts from
 * a new account of the holder's, which is not in the room).
 */
import type { PathStep, PathRole } from '../../../runtime/diagnostics.js';
import type { Policy, Provenance, SourceSpan } from '../../../runtime/ir.js';
import { reachable, shortestPath } from '../../graph/index.js';
import { EscalationGraph, type Witness } from './role-graph.js';
import { CAN_CHANGE_ROLES, RoleModel, type Move } from './role-model.js';
import { Spans } from './context.js';

export interface ExplainedStep extends PathStep {
  /** where the step is authorized (its entry, preauth entry or grant), for sources */
  at?: SourceSpan;
}

export interface CapabilityAnswer {
  role: PathRole;
  capability: { code: number; name: string };
  answer: 'yes' | 'no';
  /** the role holds the capability itself */
  held: boolean;
  /** yes: the shortest path (empty when held) */
  path?: ExplainedStep[];
  subkind?: string;
  /** the path starts from a new account the holder controls (anyone could take it) */
  public?: boolean;
  /** no: which edges are missing, one sentence each */
  missing?: string[];
}

export interface RoleAnswer {
  role: PathRole;
  /** the capabilities the role holds */
  holds: string[];
  /** what holders can come to exercise beyond that, one entry per witness */
  reachable: { capabilities: string[]; everything: boolean; subkind: string; public: boolean; path: ExplainedStep[] }[];
}

export class Explainer {
  readonly model: RoleModel;
  readonly graph: EscalationGraph;
  private readonly spans: Spans;

  constructor(policy: Policy, provenance?: Provenance) {
    this.model = new RoleModel(policy);
    this.graph = new EscalationGraph(this.model);
    this.spans = new Spans(this.model, provenance);
  }

  private explained(steps: readonly Move[]): ExplainedStep[] {
    return steps.map((m) => {
      const at = this.spans.step(m);
      return { ...this.model.step(m), ...(at ? { at } : {}) };
    });
  }

  capability(role: number, code: number, name: string): CapabilityAnswer {
    const { model, graph } = this;
    const base = { role: model.ref(role), capability: { code, name } };
    if (model.has(role, code)) return { ...base, answer: 'yes', held: true, path: [] };
    const v = model.id.get(role)!;
    const holders = model.indexes.flatMap((ix, i) => (model.has(ix, code) ? [i] : []));
    const sources = [...holders, ...graph.rewriters.filter((r) => !holders.includes(r))];
    const r = graph.bfs(sources, { backward: true });
    const start = r.dist[v] !== -1 && (r.dist[0] === -1 || r.dist[v] <= r.dist[0]) ? v : r.dist[0] !== -1 ? 0 : -1;
    if (start !== -1) {
      const edges = shortestPath(graph.graph, r, start)!;
      const end = edges.length ? graph.graph.to(edges[edges.length - 1]) : start;
      const w: Witness = { caps: [code], edges, end, everything: !holders.includes(end) && model.has(model.indexes[end], CAN_CHANGE_ROLES), length: r.dist[start], search: -1 };
      const steps = graph.steps(w);
      return { ...base, answer: 'yes', held: false, path: this.explained(steps), subkind: EscalationGraph.subkind(steps), public: start !== v };
    }
    return { ...base, answer: 'no', held: false, missing: this.missing(v, holders, name) };
  }

  /** Why no path reaches the holders: for each holder, who could move users into it and why that does not help. */
  private missing(v: number, holders: number[], name: string): string[] {
    const { model, graph } = this;
    if (holders.length === 0) return [`no role holds \`${name}\`${graph.rewriters.length === 0 ? ' and no role can rewrite the role definitions' : ''}`];
    const reach = reachable(graph.graph, [v, 0]);
    const X = `\`${model.name(model.indexes[v])}\``;
    const reached = model.indexes.filter((ix, i) => reach[i] && ix !== 0 && i !== v).map((ix) => `\`${model.name(ix)}\``);
    const out: string[] = [reached.length ? `holders of ${X} can get accounts into ${reached.join(', ')} only` : `holders of ${X} can get accounts into no other role`];
    for (const h of holders) {
      const t = model.indexes[h];
      const T = `\`${model.name(t)}\``;
      if (t === 0) {
        out.push(`${T} is role 0: only non-participants act as it`);
        continue;
      }
      if (!model.enterable(t)) {
        out.push(`${T} allows no participants (maximum 0)`);
        continue;
      }
      const into = graph.entering(h, 3);
      for (const s of into) {
        const how = s.action === 'capability' ? `by writing a preauth entry (\`${model.capName(s.capability)}\`)` : `(${s.entry ? `\`${model.entryText(s.from, t)}\` with ` : ''}\`${model.capName(s.capability)}\`)`;
        out.push(`\`${model.name(s.actor)}\` can move users into ${T} ${how}, but holders of ${X} cannot get an account into \`${model.name(s.actor)}\``);
      }
      if (into.length > 0) continue;
      const moves = model.movesBy('to', t).filter((m) => m.from !== t);
      if (moves.length === 0 && model.ownRole.holders.some((h) => h !== t)) {
        const target = model.ownRole.targets.find((x) => x.to === t);
        if (target) moves.push(model.ownRoleMove(model.ownRole.holders.find((h) => h !== t)!, target));
      }
      if (moves.some((m) => m.on === 'other' && m.actor === t)) out.push(`only holders of ${T} can move users into ${T}`);
      else if (moves.length > 0) {
        const m = moves[0];
        out.push(`${T} is entered only ${m.via === 'code' ? 'with a join code' : m.via === 'preauth' ? 'by preauthorization (credentials)' : m.action === 'changeOwnRole' ? 'by changing one’s own role by credentials' : 'by moves from roles nobody can hold'}, which holders of ${X} cannot arrange`);
      } else {
        const listed = this.listingInto().get(t) ?? [];
        out.push(listed.length ? `entries into ${T} exist (in ${listed.map((a) => `\`${model.name(a)}\``).join(', ')}) but no holder has a capability that uses them` : `no role's \`changes\` lead into ${T}`);
      }
    }
    return out;
  }

  private listing?: Map<number, number[]>;
  /** per role: the roles whose `changes` list an entry into it (one pass over every list) */
  private listingInto(): Map<number, number[]> {
    if (!this.listing) {
      this.listing = new Map();
      for (const a of this.model.indexes)
        for (const c of this.model.byIndex.get(a)?.changes ?? [])
          for (const t of c.to) {
            const l = this.listing.get(t);
            if (!l) this.listing.set(t, [a]);
            else if (l[l.length - 1] !== a) l.push(a);
          }
    }
    return this.listing;
  }

  role(role: number): RoleAnswer {
    const { model, graph } = this;
    const v = model.id.get(role)!;
    const own = new Set([...model.caps.get(role)!, ...model.exercised(role).filter((c) => !model.powers(role).includes(c))]);
    const mine = graph.witnesses(v, own);
    const covered = new Set([...own, ...mine.flatMap((w) => w.caps)]);
    const everything = mine.some((w) => w.everything);
    const pub = v === 0 || everything ? [] : graph.witnesses(0, covered).filter((w) => !w.everything || !everything);
    const entry = (w: Witness, isPublic: boolean) => {
      const steps = graph.steps(w);
      return { capabilities: w.caps.map((c) => model.capName(c)), everything: w.everything, subkind: EscalationGraph.subkind(steps), public: isPublic, path: this.explained(steps) };
    };
    return {
      role: model.ref(role),
      holds: [...own].sort((a, b) => a - b).map((c) => model.capName(c)),
      reachable: [...mine.map((w) => entry(w, false)), ...pub.map((w) => entry(w, true))],
    };
  }
}
