/**
 * Role indexes and the banned role (draft-ietf-mimi-room-policy-03 §"Role-Based Access Control"):
 * indexes are unique; role 1, when present, MUST be named `banned`; a role named `banned` elsewhere
 * does not act as the banned role.
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
        ctx.report('banned-role-name', `role 1 is named \`${r.name}\` but role 1 must be named \`banned\``, ctx.roleSpan(i), {
          help: 'the draft reserves index 1 for the banned role; rename it or give it another index',
        });
      if (r.index !== 1 && r.name === 'banned')
        ctx.report('banned-name-not-role-1', `role \`banned\` has index ${r.index}, so it does not act as the banned role`, ctx.roleSpan(i), {
          help: 'only role 1 named `banned` is the banned role: write `role banned @1`',
        });
    });
  },
};
