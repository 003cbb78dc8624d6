/**
 * Role indexes and the banned role (draft-ietf-mimi-room-policy-03 §"Role-Based Access Control"):
 * indexes are unique; a role named `banned` elsewhere than at index 1 does not act as the banned role.
 * Role 1 named otherwise is valid: the draft makes "the role_name of role 1 MUST be `banned`" a
 * condition of canBan and canUnBan, not of the policy. Such a policy is checked, built and decided
 * (ban and unban are denied, `no_banned_role`), with a warning that says why.
 */
import type { PolicyRule } from './context.js';

export const roleIndexes: PolicyRule = {
  kinds: ['duplicate-role-index', 'banned-role-name', 'banned-name-not-role-1'],
  title: 'unique role indexes; role 1 is `banned`',
  run(ctx) {
    const first = new Map<number, number>();
    ctx.policy.roles.forEach((r, i) => {
      const prev = first.get(r.index);
      if (prev !== undefined) {
        const label = ctx.roleSpan(prev);
        ctx.report('duplicate-role-index', `roles \`${ctx.policy.roles[prev].name}\` and \`${r.name}\` both have index ${r.index}`, ctx.provenance?.roles.get(i)?.index ?? ctx.roleSpan(i), {
          labels: label ? [{ span: label, message: `index ${r.index} first used here` }] : [],
          help: 'give each role its own `@index`, or leave it out to have one assigned',
        });
      } else first.set(r.index, i);
      if (r.index === 1 && r.name !== 'banned')
        ctx.report('banned-role-name', `role 1 is named \`${r.name}\`, not \`banned\`, so the room has no banned role and nobody can ban or unban`, ctx.roleSpan(i), {
          help: 'the draft lets `canBan` and `canUnBan` act only when role 1 is named `banned`: rename it `banned` if it is meant as the banned role, or give it another index',
        });
      if (r.index !== 1 && r.name === 'banned')
        ctx.report('banned-name-not-role-1', `role \`banned\` has index ${r.index}, so it does not act as the banned role`, ctx.roleSpan(i), {
          help: 'only role 1 named `banned` is the banned role: write `role banned @1`',
        });
    });
  },
};
