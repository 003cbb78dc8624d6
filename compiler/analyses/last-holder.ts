/**
 * Last holder: a role with a participant minimum of at least 1 whose holders have ways out (leaving,
 * being removed, banned or moved, changing their own role). The minimum refuses each of them once the
 * role is down to its minimum, so its last holders can never leave or be removed, by anyone (draft-
 * ietf-mimi-room-policy-03 §"Role": minimum_participants_constraint; semantics.md, "Constraints": the
 * role a user leaves is checked against its minimum). Often intended (a room that always has an
 * owner), hence info. The witness: the steps that first put someone there (none when the participant
 * list does), then a way out that the minimum then refuses; the labels mark every way out. Roles that
 * nothing leads to are creation-only-role's (or, when the list leaves them empty, constraint-conflict's).
 */
import type { DiagnosticLabel } from '../../runtime/diagnostics.js';
import { describeStep } from '../render.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { MAX_LABELS } from './shared/context.js';
import { FillPaths } from './shared/fill.js';
import type { Move } from './shared/role-model.js';

/** leaving first, then being moved by others, then changing one's own role */
const ORDER: Record<string, number> = { leave: 0, remove: 1, ban: 2, changeRole: 3, changeOwnRole: 4 };

export const lastHolder: Analysis = {
  code: 'I0511',
  kind: 'last-holder',
  name: 'roles whose last holders can never leave or be removed',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    let fill: FillPaths | undefined;
    const ownRoleHolders = new Set(model.ownRole.holders);
    for (const role of model.indexes) {
      if (role === 0) continue;
      const r = model.byIndex.get(role);
      if (!r || r.minParticipants === 0) continue;
      const min = r.minParticipants;
      // someone must be able to hold it by some action (the others are creation-only-role's or constraint-conflict's)
      if (!model.fillable(role)) continue;
      const exits: Move[] = model.movesBy('from', role).filter((m) => m.from === role && m.to !== role && ORDER[m.action] !== undefined);
      if (ownRoleHolders.has(role)) {
        const t = model.ownRole.targets.find((x) => x.to !== role);
        if (t) exits.push(model.ownRoleMove(role, t));
      }
      if (exits.length === 0 || !ctx.wants(role)) continue;
      fill ??= new FillPaths(model);
      const exit = [...exits].sort((a, b) => ORDER[a.action] - ORDER[b.action])[0];
      const path = [...(fill.path(role) ?? []), exit];
      const name = model.name(role);
      const who = min === 1 ? 'its last holder' : `its last ${min} holders`;
      // one label per place in the source that authorizes a way out (an entry serves several actions)
      const exitLabels: DiagnosticLabel[] = [];
      const seen = new Set<string>();
      for (const m of exits) {
        const span = spans.step(m);
        if (!span || seen.has(`${span.file}:${span.start}:${span.end}`)) continue;
        seen.add(`${span.file}:${span.start}:${span.end}`);
        exitLabels.push({ span, message: `refused for ${who}: ${describeStep(model.step(m))}` });
        if (exitLabels.length >= MAX_LABELS) break;
      }
      ctx.report({
        message: `\`${name}\` needs at least ${min} participant${min === 1 ? '' : 's'}, so ${who} can never leave or be removed: the minimum refuses step ${path.length} and every other way out once ${min === 1 ? 'only one is' : `only ${min} are`} left`,
        roles: [role],
        span: spans.constraint(role, 'participants'),
        labels: [...ctx.stepLabels(path.slice(0, -1)), ...exitLabels],
        path,
        help: `this is what a minimum does; if holders must be able to go, lower it to 0 (then check that someone can appoint another); or acknowledge it with \`allow last-holder for ${name} because "…"\``,
      });
    }
  },
};
