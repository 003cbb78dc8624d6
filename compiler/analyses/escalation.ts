/**
 * Escalation: holders of role X can come to exercise a capability X lacks.
 *
 * A question of reachability in the escalation graph (shared/role-graph.ts): a holder of X may
 * control several accounts (sock puppets) and collude with holders it appoints, so whatever a role
 * reachable from X holds, X's holders can exercise. Sub-kinds, from the shortest witness: `direct`
 * (X moves another participant into a more capable role), `sock-puppet` (X adds an account it
 * controls into one), `chain` (several steps through other roles' holders), `policy-rewrite` (X can
 * rewrite the role definitions, or the preauth list and then use it: equivalent to holding
 * everything). Only powers count (RoleModel.powers: not the ways of joining into a role, nor leaving,
 * own clients or canChangeOwnRole, which give a controlled account nothing). Not reported: the room's
 * top roles (those holding every power any role holds), capabilities anyone gets by an open or public
 * preauth join (role 0 is reported only when that reaches administrative capabilities), and roles
 * nobody can ever hold. One finding per witness: capabilities one role provides at the same distance
 * share it. draft-ietf-mimi-room-policy-03 §"Role Changes", §"Preauthorized users".
 */
import { reachable } from '../graph/index.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { listNames } from './shared/context.js';
import { EscalationGraph, type Witness } from './shared/role-graph.js';
import { CAN_CHANGE_PREAUTH, CAN_CHANGE_ROLES, isAdministrative, type Move } from './shared/role-model.js';

export const escalation: Analysis = {
  code: 'W0506',
  kind: 'escalation',
  name: 'roles whose holders can come to exercise capabilities they lack',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const g = ctx.graph();
    const union = new Set<number>();
    for (const ix of model.indexes) for (const c of model.powers(ix)) union.add(c);
    // a role's powers are distinct and part of the union: it holds them all when it holds as many
    const isTop = (ix: number) => model.powers(ix).length === union.size;
    // the baseline: what anyone gets by joining in public
    const pub = reachable(g.graph, [0]);
    const baseline = new Set<number>();
    let publicEverything = false;
    model.indexes.forEach((ix, v) => {
      if (!pub[v]) return;
      for (const c of model.powers(ix)) baseline.add(c);
      if (model.has(ix, CAN_CHANGE_ROLES)) publicEverything = true;
    });
    const { present, actors } = model.populate();
    model.indexes.forEach((ix, v) => {
      if (isTop(ix)) return;
      if (ix !== 0 && ((!present.has(ix) && !actors.has(ix)) || publicEverything)) return;
      const own = new Set(model.powers(ix));
      const exclude = ix === 0 ? own : { has: (c: number) => own.has(c) || baseline.has(c) };
      // witnesses counted without their paths; only those within the findings budget walk one
      let ws: Witness[];
      if (ix === 0) ws = g.witnesses(v, exclude, false).filter((w) => w.everything || w.caps.some(isAdministrative));
      else if (ctx.acknowledges(ix) || ctx.maxFindings === 0) ws = g.witnesses(v, exclude, false);
      else {
        const count = g.count(v, exclude);
        if (count === -1) {
          ctx.omit(0, true); // too many to count: the note says "at least"
          return;
        }
        if (count === 0) return;
        if (!ctx.wants(ix)) {
          ctx.omit(count - 1);
          return;
        }
        ws = g.witnesses(v, exclude, false);
      }
      for (const [k, found] of ws.entries()) {
        if ((k > 0 || ix === 0) && !ctx.wants(ix)) continue;
        const w = g.withPath(v, found);
        const steps = g.steps(w);
        const last = steps[steps.length - 1];
        const end = model.indexes[w.end];
        const subkind = EscalationGraph.subkind(steps);
        const who = ix === 0 ? 'anyone not in the room' : `holders of \`${model.name(ix)}\``;
        let message: string;
        if (w.everything)
          message =
            steps.length === 1
              ? `${who} can give themselves any capability: they hold \`canChangeRoleDefinitions\` and can rewrite every role`
              : `${who} can come to exercise every capability: in ${steps.length - 1} step${steps.length === 2 ? '' : 's'} they can get an account into \`${model.name(end)}\`, which can rewrite every role (\`canChangeRoleDefinitions\`)`;
        else message = `${who} can come to exercise ${listNames(w.caps.map((c) => model.capName(c)))}${ix === 0 ? '' : `, which \`${model.name(ix)}\` lacks,`} ${how(ctx, steps, subkind)}`;
        ctx.report({
          message,
          roles: [ix, ...steps.map((s) => s.actor), end],
          span: spans.grant(last.actor, last.capability),
          labels: ctx.stepLabels(steps),
          subkind,
          path: steps,
          help: help(ctx, ix, steps),
        });
      }
    });
  },
};

function how(ctx: AnalysisContext, steps: readonly Move[], subkind: string): string {
  const { model } = ctx;
  const s = steps[0];
  const to = model.name(steps[steps.length - 1].to);
  if (steps.length === 1 && s.action === 'join') return `by joining as \`${to}\` (${s.via === 'open' ? 'open join' : 'a preauth entry that matches everyone'})`;
  switch (subkind) {
    case 'sock-puppet':
      return `by adding an account they control as \`${to}\``;
    case 'direct':
      return `by moving another \`${model.name(s.from)}\` account (their own or a colluder's) to \`${to}\``;
    case 'policy-rewrite':
      return steps.some((x) => x.action === 'changeOwnRole')
        ? `by writing a preauth entry for their own credentials and changing their role to \`${to}\``
        : `by writing a preauth entry for an account they control and joining it as \`${to}\``;
    default: {
      const via = [...new Set(steps.slice(0, -1).map((x) => x.to))].map((r) => model.name(r));
      return `through ${listNames(via)} (${steps.length} steps)`;
    }
  }
}

function help(ctx: AnalysisContext, role: number, steps: readonly Move[]): string {
  const { model } = ctx;
  const ack = `\`allow escalation for ${role === 0 ? 'none' : model.name(role)} because "…"\``;
  const s = steps[0];
  let fix: string;
  if (s.action === 'capability') fix = `remove \`${model.capName(s.capability)}\` from \`${model.name(s.actor)}\``;
  else if (s.entry) fix = `remove \`${model.entryText(s.from, s.to)}\` from \`${model.name(s.actor)}\`'s changes`;
  else fix = `remove \`${model.capName(s.capability)}\` from \`${model.name(s.actor)}\``;
  if (s.action === 'capability' && s.capability === CAN_CHANGE_PREAUTH) fix = `keep \`canChangePreauthorizedUserList\` for the room's owners`;
  return `if this is intended, acknowledge it with ${ack}; otherwise ${fix}`;
}
