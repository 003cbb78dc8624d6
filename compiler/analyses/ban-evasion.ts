/**
 * Ban evasion: a banned participant can get back to a non-banned role along a path on which no step
 * is taken by a role that may unban (one holding canUnBan with a usable `banned -> X` entry, X
 * non-zero). Typically a cleanup role moves them from `banned` to `none` and they rejoin by open
 * join, a join code, preauthorization, or by being added again. One finding per role that takes them
 * out of `banned`, with the shortest path back. draft-ietf-mimi-room-policy-03 §"Role Changes"
 * (banned role), semantics.md (joins, join codes).
 */
import { bfs, Digraph, reachable, shortestPath } from '../graph/index.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { article } from './shared/context.js';
import type { Move } from './shared/role-model.js';

export const banEvasion: Analysis = {
  code: 'W0507',
  kind: 'ban-evasion',
  name: 'banned users who can come back without being unbanned',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    if (!model.bannedRole) return;
    const unbanners = new Set(model.moves.filter((m) => m.action === 'unban').map((m) => m.actor));
    const { actors } = model.populate();
    // the subject's moves: by an actor that can act, or by the subject itself (leave, joins, changeOwnRole)
    // changeOwnRole through one more node (`hub`): holders into it, it into the roles they reach
    const n = model.size;
    const hub = n;
    const g = new Digraph<Move | { to: number; at: number } | null>(n + 1);
    const usable = (to: number) => to !== 1 && (to === 0 || model.enterable(to));
    for (const m of model.moves) {
      if (unbanners.has(m.actor) || !usable(m.to)) continue;
      if (m.on === 'other' && !actors.has(m.actor)) continue;
      g.addEdge(model.id.get(m.from)!, model.id.get(m.to)!, m);
    }
    const targets = model.ownRole.targets.filter((t) => usable(t.to));
    for (const h of model.ownRole.holders) {
      if (unbanners.has(h) || targets.length === 0) continue;
      // out of `banned` itself, one edge per role (each is a first step of its own)
      if (h === 1) for (const t of targets) g.addEdge(model.id.get(1)!, model.id.get(t.to)!, model.ownRoleMove(h, t));
      else g.addEdge(model.id.get(h)!, hub, null);
    }
    for (const t of targets) g.addEdge(hub, model.id.get(t.to)!, t);
    /** the moves along edges: into the hub and out of it is one changeOwnRole */
    const movesOf = (edges: readonly number[]): Move[] => {
      const out: Move[] = [];
      for (let k = 0; k < edges.length; k++) {
        const e = edges[k];
        if (g.to(e) === hub) out.push(model.ownRoleMove(model.indexes[g.from(e)], g.label(edges[++k]) as { to: number; at: number }));
        else out.push(g.label(e) as Move);
      }
      return out;
    };
    const banned = model.id.get(1)!;
    const goal = (v: number) => v !== banned && model.indexes[v] !== 0;
    const exits = g.outOf(banned);
    const byActor = new Map<number, number[]>();
    for (const e of exits) {
      const a = (g.label(e) as Move).actor;
      const l = byActor.get(a);
      if (l) l.push(e);
      else byActor.set(a, [e]);
    }
    // a finding exists when a head is a non-banned role, or is `none` and `none` leads to one
    let fromNone: boolean | undefined;
    const noneLeadsBack = () => {
      if (fromNone === undefined) {
        const seen = reachable(g, [model.id.get(0)!]);
        fromNone = model.indexes.some((_, v) => seen[v] === 1 && goal(v));
      }
      return fromNone;
    };
    for (const actor of model.indexes) {
      const first = byActor.get(actor);
      if (!first) continue;
      const heads = first.map((e) => g.to(e));
      if (!heads.some((h) => goal(h) || (model.indexes[h] === 0 && noneLeadsBack()))) continue;
      // the shortest way back, built only within the findings budget
      if (!ctx.wants(actor)) continue;
      const r = bfs(g, heads, { through: (v) => v === hub });
      let end = -1;
      model.indexes.forEach((_, v) => {
        if (goal(v) && r.dist[v] !== -1 && (end === -1 || r.dist[v] < r.dist[end])) end = v;
      });
      const rest = shortestPath(g, r, end)!;
      const start = rest.length ? g.from(rest[0]) : end;
      const best = [first.find((e) => g.to(e) === start)!, ...rest];
      const steps = movesOf(best);
      const last = steps[steps.length - 1];
      ctx.report({
        message: `a banned user can get back in as \`${model.name(last.to)}\` without being unbanned: ${steps.length === 1 ? `\`${model.name(actor)}\` moves them out of \`banned\` without \`canUnBan\`` : `after \`${model.name(actor)}\` takes them out of \`banned\`, ${describeReturn(ctx, steps.slice(1))}`}`,
        roles: [actor, ...steps.map((s) => s.actor), last.to],
        span: spans.step(steps[0]),
        labels: ctx.stepLabels(steps),
        path: steps,
        help:
          steps.length === 1
            ? `move \`${model.entryText(steps[0].from, steps[0].to)}\` to a role that holds \`canUnBan\`, or acknowledge it with \`allow ban-evasion for ${model.name(actor)} because "…"\``
            : `only let roles that may unban take users out of \`banned\`, or acknowledge it with \`allow ban-evasion for ${model.name(actor)} because "…"\``,
      });
    }
  },
};

function describeReturn(ctx: AnalysisContext, steps: readonly Move[]): string {
  const { model } = ctx;
  const last = steps[steps.length - 1];
  const to = `\`${model.name(last.to)}\``;
  let how: string;
  if (last.action === 'join') how = last.via === 'open' ? `they rejoin as ${to} by open join` : last.via === 'code' ? `they rejoin as ${to} with a join code` : `they rejoin as ${to} by preauthorization`;
  else if (last.action === 'add') how = `${article(model.name(last.actor))} \`${model.name(last.actor)}\` holder adds them again as ${to}`;
  else if (last.action === 'changeOwnRole') how = `they change their own role to ${to}`;
  else how = `${article(model.name(last.actor))} \`${model.name(last.actor)}\` holder moves them to ${to}`;
  return steps.length > 1 ? `${how} (${steps.length} more steps)` : how;
}
