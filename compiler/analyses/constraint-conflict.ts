/**
 * Constraint conflicts: participant constraints that contradict each other or that no sequence of
 * actions can meet (draft-ietf-mimi-room-policy-03 §"Role" constraints and `max_users`).
 *
 * Reported: a minimum on role 0 (never anyone's role in the list); a role with a minimum ≥ 1 that
 * neither the participant list nor any sequence of actions can fill (only when the policy carries a
 * participant list: without one the starting state is unknown); minimums of the non-banned roles that
 * together exceed `max_users` (which counts non-banned entries); an active minimum above the
 * participant maximum (unsatisfiable) and an active maximum above it (it can never bind); and a role
 * whose active maximum is 0 but which holds capabilities that need a client of its own
 * (`needsOwnClient` / `addsOwnClient` in runtime/semantics.ts).
 */
import { addsOwnClient, needsOwnClient } from '../../runtime/semantics.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { listNames } from './shared/context.js';

export const constraintConflict: Analysis = {
  code: 'W0503',
  kind: 'constraint-conflict',
  name: 'constraints that contradict each other or cannot be met',
  run(ctx: AnalysisContext) {
    const { model, spans, policy } = ctx;
    for (const role of model.indexes) {
      const r = model.byIndex.get(role);
      if (!r) continue;
      const name = model.name(role);
      const min = Math.max(r.minParticipants, r.minActive);
      const which = r.minParticipants >= r.minActive ? 'participants' : 'active';
      if (role === 0) {
        if (min > 0)
          ctx.report({ message: `role 0 (\`${name}\`) needs at least ${min} ${which === 'participants' ? 'participant' : 'active participant'}${min === 1 ? '' : 's'}, but nobody in the participant list has role 0`, roles: [0], span: spans.constraint(0, which), help: 'remove the minimum: role 0 means "not in the list"' });
        continue;
      }
      if (min > 0 && model.initial !== null && (model.initial.get(role) ?? 0) < min && !model.fillable(role)) {
        const listed = model.initial.get(role) ?? 0;
        ctx.report({
          message: `\`${name}\` needs at least ${min} ${which === 'participants' ? 'participant' : 'active participant'}${min === 1 ? '' : 's'}, but the participant list has ${listed} and no sequence of actions can put anyone into it`,
          roles: [role],
          span: spans.constraint(role, which),
          help: `list ${min === 1 ? 'a user' : 'users'} as \`${name}\` in \`participants\`, or let a role move users into \`${name}\``,
        });
      }
      if (r.maxParticipants !== null && r.minActive > r.maxParticipants)
        ctx.report({ message: `\`${name}\` needs at least ${r.minActive} active participants but allows at most ${r.maxParticipants} participants`, roles: [role], span: spans.constraint(role, 'active'), labels: labelAt(spans.constraint(role, 'participants'), 'the participant maximum'), help: 'an active participant is a participant with a client: lower the active minimum or raise the maximum' });
      else if (r.maxParticipants !== null && r.maxActive !== null && r.maxActive > r.maxParticipants)
        ctx.report({ message: `\`${name}\` allows ${r.maxActive} active participants but at most ${r.maxParticipants} participants, so its active maximum never applies`, roles: [role], span: spans.constraint(role, 'active'), labels: labelAt(spans.constraint(role, 'participants'), 'the participant maximum'), help: `lower the active maximum to ${r.maxParticipants} or less, or raise the participant maximum` });
      if (r.maxActive === 0) {
        const need = r.capabilities.filter((c, i, a) => a.indexOf(c) === i && (needsOwnClient(c) || addsOwnClient(c)));
        if (need.length > 0 && !model.isBanned(role))
          ctx.report({
            message: `\`${name}\` may have no active participants (active maximum 0) but holds ${need.length === 1 ? 'a capability that needs' : `${need.length} capabilities that need`} a client of its own: ${listNames(need.map((c) => model.capName(c)))}`,
            roles: [role],
            span: spans.constraint(role, 'active'),
            labels: labelAt(spans.grant(role, need[0]), 'granted here'),
            help: 'remove those capabilities, or allow active participants',
          });
      }
    }
    const maxUsers = policy.base.maxUsers;
    if (maxUsers !== null) {
      const counted = model.indexes.filter((ix) => ix !== 0 && !model.isBanned(ix) && (model.byIndex.get(ix)?.minParticipants ?? 0) > 0);
      const sum = counted.reduce((s, ix) => s + model.byIndex.get(ix)!.minParticipants, 0);
      if (sum > maxUsers)
        ctx.report({
          message: `the role minimums add up to ${sum} users, more than \`max_users\` ${maxUsers}`,
          roles: counted,
          span: spans.base('maxUsers'),
          labels: counted.flatMap((ix) => labelAt(spans.constraint(ix, 'participants'), `\`${model.name(ix)}\` needs ${model.byIndex.get(ix)!.minParticipants}`)),
          help: 'raise `max_users` or lower the minimums',
        });
    }
  },
};

const labelAt = (span: ReturnType<AnalysisContext['spans']['grant']>, message: string) => (span ? [{ span, message }] : []);
