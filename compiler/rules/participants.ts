/**
 * The participant list (draft-mahy-mimi-app-components): every listed user has a defined, non-zero
 * role and appears once.
 */
import type { PolicyRule } from './context.js';

export const participantRoles: PolicyRule = {
  kinds: ['participant-role-invalid'],
  title: 'listed participants have defined non-zero roles and appear once',
  run(ctx) {
    const defined = new Set(ctx.policy.roles.map((r) => r.index));
    const seen = new Map<string, number>();
    ctx.policy.participants?.forEach((p, k) => {
      const where = ctx.provenance?.participants[k]?.span;
      if (p.role === 0) ctx.report('participant-role-invalid', `\`${p.user}\` is listed with role 0, which means "not in the list"`, where);
      else if (!defined.has(p.role)) ctx.report('participant-role-invalid', `\`${p.user}\` is listed with role ${p.role}, which is not defined`, where);
      const prev = seen.get(p.user);
      if (prev !== undefined) {
        const first = ctx.provenance?.participants[prev]?.span;
        ctx.report('participant-role-invalid', `\`${p.user}\` is listed twice`, where, { labels: first ? [{ span: first, message: 'first listed here' }] : [] });
      } else seen.set(p.user, k);
    });
  },
};
