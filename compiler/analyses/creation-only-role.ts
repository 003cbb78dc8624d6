/**
 * Creation-only role: a role with a participant minimum of at least 1 that nothing leads to — no
 * `changes` entry of a role that can act moves anyone into it, no preauth entry lets anyone join it or
 * change their own role to it, no join reaches it (`RoleModel.fillable`). Only the users listed at
 * creation can ever hold it, they can never be replaced, and the minimum keeps the last of them there
 * for good (the draft's examples' policy_enforcer). When the participant list leaves it under its
 * minimum, constraint-conflict reports it instead. The witness: there is no path; the labels mark
 * what comes near (an entry into it that its holder cannot use or never acts, a preauth entry for it
 * that cannot be joined by) and where it is listed. draft-ietf-mimi-room-policy-03 §"Role".
 */
import { CAN_CHANGE_OWN_ROLE, CAN_JOIN_PREAUTH } from './shared/role-model.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { MAX_LABELS } from './shared/context.js';
import type { DiagnosticLabel } from '../../runtime/diagnostics.js';

export const creationOnlyRole: Analysis = {
  code: 'W0513',
  kind: 'creation-only-role',
  name: 'roles with a minimum that only users listed at creation can hold',
  run(ctx: AnalysisContext) {
    const { model, spans, policy, provenance } = ctx;
    const found: number[] = [];
    for (const role of model.indexes) {
      if (role === 0 || model.isBanned(role)) continue;
      const r = model.byIndex.get(role);
      if (!r || r.minParticipants === 0 || !model.enterable(role)) continue;
      // an unmet minimum nothing can fill is constraint-conflict's
      if (model.initial !== null && (model.initial.get(role) ?? 0) < r.minParticipants) continue;
      if (!model.fillable(role)) found.push(role);
    }
    if (found.length === 0) return;
    // what comes near each found role: entries naming it, preauth entries for it, its places in the list (one pass each)
    const near = new Map<number, DiagnosticLabel[]>(found.map((ix) => [ix, []]));
    const add = (ix: number, l: DiagnosticLabel | undefined) => {
      const ls = near.get(ix);
      if (ls && l && ls.length < MAX_LABELS) ls.push(l);
    };
    for (const holder of model.indexes) {
      for (const ch of model.byIndex.get(holder)?.changes ?? []) {
        for (const to of ch.to) {
          if (!near.has(to) || ch.from === to) continue;
          const span = spans.change(holder, ch.from, to);
          if (span) add(to, { span, message: `\`${model.entryText(ch.from, to)}\` never applies: ${model.entryUsed(holder, ch.from, to) ? `no sequence of actions gives \`${model.name(holder)}\` a holder${ch.from === 0 ? '' : ` and \`${model.name(ch.from)}\` a user`}` : `\`${model.name(holder)}\` holds no capability that uses it`}` });
        }
      }
    }
    model.preauth.entries.forEach((e, at) => {
      const ix = e.role.index;
      if (!near.has(ix)) return;
      const span = spans.preauth(at);
      const why = model.preauth.shadowedBy[at] !== -1 ? `an earlier entry always matches first` : `\`${model.name(ix)}\` lacks \`${model.capName(CAN_JOIN_PREAUTH)}\`${model.ownRole.holders.length === 0 ? ` and nobody holds \`${model.capName(CAN_CHANGE_OWN_ROLE)}\`` : ''}`;
      if (span) add(ix, { span, message: `nobody can join as \`${model.name(ix)}\` by this entry: ${why}` });
    });
    (policy.participants ?? []).forEach((p, i) => {
      const span = provenance?.participants[i]?.span;
      if (span && near.has(p.role)) add(p.role, { span, message: 'listed at creation' });
    });
    for (const role of found) {
      const r = model.byIndex.get(role)!;
      const name = model.name(role);
      const min = r.minParticipants;
      ctx.report({
        message: `only the users listed at creation can ever hold \`${name}\`: nothing leads to it, so its holders can never be replaced, and its minimum of ${min} keeps ${min === 1 ? 'the last of them' : `the last ${min}`} there for good`,
        roles: [role],
        span: spans.constraint(role, 'participants'),
        labels: near.get(role),
        path: [],
        help: `let a role that stays move users into \`${name}\` (a \`changes\` entry \`none -> ${name}\` with \`canAddParticipant\`), or lower its minimum to 0; or, if the room is meant to keep its creation-time \`${name}\`, acknowledge it with \`allow creation-only-role for ${name} because "…"\``,
      });
    }
  },
};
