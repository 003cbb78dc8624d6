/**
 * Role-zero maximum: a participant or active maximum above 0 on role 0. Role 0 is "not in the list":
 * it is never counted, so no action is ever checked against its constraints (docs/semantics.md,
 * "Constraints and limits"; runtime/checks.ts guards every limit with `role ≠ 0`). A maximum there says
 * something the room never enforces. `active 0..0` (role 0 has no clients) and an absent maximum are
 * not reported; a minimum on role 0 is constraint-conflict's.
 */
import type { Analysis, AnalysisContext } from './shared/context.js';

export const roleZeroMaximum: Analysis = {
  code: 'I0514',
  kind: 'role-zero-maximum',
  name: 'maximums on role 0, which is never counted',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const r = model.byIndex.get(0);
    if (!r) return;
    const name = model.name(0);
    const found: { which: 'participants' | 'active'; max: number }[] = [];
    if (r.maxParticipants !== null && r.maxParticipants > 0) found.push({ which: 'participants', max: r.maxParticipants });
    if (r.maxActive !== null && r.maxActive > 0) found.push({ which: 'active', max: r.maxActive });
    for (const { which, max } of found) {
      const what = which === 'participants' ? 'participant' : 'active participant';
      ctx.report({
        message: `role 0 (\`${name}\`) allows at most ${max} ${what}${max === 1 ? '' : 's'}, but role 0 is never counted: the maximum means nothing`,
        roles: [0],
        span: spans.constraint(0, which),
        help: `${which === 'active' ? 'write `active 0..0` (nobody outside the list has a client) or remove the line' : 'remove the maximum'}: role 0 means "not in the list"; or acknowledge it with \`allow role-zero-maximum for ${name} because "…"\``,
      });
    }
  },
};
