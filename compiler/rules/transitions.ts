/**
 * Authorized role changes (draft-ietf-mimi-room-policy-03 §"Role Changes"): every index named in
 * `authorized_role_changes` is a defined role (0 = not in the list is always meaningful); a change
 * from a role to itself is not a change. Several entries with one source role combine (noted).
 */
import type { PolicyRule } from './context.js';

export const transitionTargets: PolicyRule = {
  kinds: ['transition-undefined-role', 'transition-self', 'duplicate-transition-source'],
  title: 'transitions name defined roles and change something',
  run(ctx) {
    const defined = new Set(ctx.policy.roles.map((r) => r.index));
    defined.add(0);
    ctx.policy.roles.forEach((r, i) => {
      const sources = new Set<number>();
      for (const ch of r.changes) {
        if (sources.has(ch.from))
          ctx.report('duplicate-transition-source', `role \`${r.name}\` has two \`changes\` entries from role ${ch.from}; they combine`, ctx.changeSpan(i, ch.from, ch.to[0] ?? ch.from), {
            help: 'merge them into one line: `from -> a, b`',
          });
        sources.add(ch.from);
        if (!defined.has(ch.from))
          ctx.report('transition-undefined-role', `role \`${r.name}\` may change users from role ${ch.from}, which is not defined`, ctx.changeSpan(i, ch.from, ch.to[0] ?? ch.from));
        for (const to of ch.to) {
          if (!defined.has(to)) ctx.report('transition-undefined-role', `role \`${r.name}\` may change users to role ${to}, which is not defined`, ctx.changeSpan(i, ch.from, to));
          if (to === ch.from)
            ctx.report('transition-self', `role \`${r.name}\` lists a change from role ${to} to itself`, ctx.changeSpan(i, ch.from, to), { help: 'remove the target: a change to the same role is always denied' });
        }
      }
    });
  },
};
