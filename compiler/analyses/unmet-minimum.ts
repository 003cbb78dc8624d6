/**
 * Unmet minimum: the policy's participant list puts fewer users in a role than its participant
 * minimum, although some sequence of actions can fill it (when none can, constraint-conflict reports
 * it). The room then breaks the constraint from creation until someone is put there, and meanwhile the
 * minimum refuses every way out of the role (semantics.md, "Constraints": an already-violated
 * constraint denies an action that keeps it violated). The witness is the shortest sequence of actions
 * found that puts a first user there. Only for policies that carry a participant list (without one the
 * starting state is unknown). draft-ietf-mimi-room-policy-03 §"Role" (minimum_participants_constraint).
 */
import type { Analysis, AnalysisContext } from './shared/context.js';
import { FillPaths } from './shared/fill.js';

export const unmetMinimum: Analysis = {
  code: 'W0512',
  kind: 'unmet-minimum',
  name: 'role minimums the participant list leaves unmet from the start',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    if (model.initial === null) return;
    let fill: FillPaths | undefined;
    for (const role of model.indexes) {
      if (role === 0 || model.isBanned(role)) continue;
      const r = model.byIndex.get(role);
      if (!r || r.minParticipants === 0) continue;
      const listed = model.initial.get(role) ?? 0;
      if (listed >= r.minParticipants || !model.fillable(role)) continue;
      if (!ctx.wants(role)) continue;
      fill ??= new FillPaths(model);
      const path = fill.path(role) ?? [];
      const name = model.name(role);
      const min = r.minParticipants;
      const missing = min - listed;
      ctx.report({
        message: `\`${name}\` needs at least ${min} participant${min === 1 ? '' : 's'} but the participant list has ${listed}: the room breaks the minimum from creation until ${missing === 1 ? 'someone is' : `${missing} users are`} put there${path.length > 0 ? ` (the path shows how ${missing === 1 ? '' : 'a first '}one gets there)` : ''}`,
        roles: [role],
        span: spans.constraint(role, 'participants'),
        labels: ctx.stepLabels(path),
        path,
        help: `list ${missing === 1 ? 'a user' : `${missing} more users`} as \`${name}\` in \`participants\`, or lower the minimum; or acknowledge it with \`allow unmet-minimum for ${name} because "…"\``,
      });
    }
  },
};
