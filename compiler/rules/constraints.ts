/**
 * Constraint pairs (draft-ietf-mimi-room-policy-03 §"Role-Based Access Control"): a role's minimum
 * participants / active participants cannot exceed the corresponding maximum, and the initial
 * participant list respects `max_users` and each role's maximum.
 */
import type { PolicyRule } from './context.js';

export const constraintPairs: PolicyRule = {
  kinds: ['constraint-min-max', 'max-users-exceeded', 'role-max-exceeded'],
  title: 'min ≤ max for both constraint pairs; the initial list within the limits',
  run(ctx) {
    const { policy } = ctx;
    policy.roles.forEach((r, i) => {
      const prov = ctx.provenance?.roles.get(i);
      if (r.maxParticipants !== null && r.minParticipants > r.maxParticipants)
        ctx.report('constraint-min-max', `role \`${r.name}\` needs at least ${r.minParticipants} participants but allows at most ${r.maxParticipants}`, prov?.participants ?? ctx.roleSpan(i));
      if (r.maxActive !== null && r.minActive > r.maxActive)
        ctx.report('constraint-min-max', `role \`${r.name}\` needs at least ${r.minActive} active participants but allows at most ${r.maxActive}`, prov?.active ?? ctx.roleSpan(i));
    });
    const list = policy.participants;
    if (!list) return;
    const bannedIsRole1 = policy.roles.find((r) => r.index === 1)?.name === 'banned';
    const nonBanned = list.filter((p) => p.role !== 1 || !bannedIsRole1).length;
    if (policy.base.maxUsers !== null && nonBanned > policy.base.maxUsers)
      ctx.report('max-users-exceeded', `the participant list has ${nonBanned} non-banned users but \`max_users\` is ${policy.base.maxUsers}`, ctx.provenance?.base.maxUsers);
    // one pass over the list, not one per role
    const perRole = new Map<number, number>();
    for (const p of list) perRole.set(p.role, (perRole.get(p.role) ?? 0) + 1);
    policy.roles.forEach((r, i) => {
      const count = perRole.get(r.index) ?? 0;
      if (r.maxParticipants !== null && count > r.maxParticipants)
        ctx.report('role-max-exceeded', `the participant list puts ${count} users in role \`${r.name}\`, whose maximum is ${r.maxParticipants}`, ctx.provenance?.roles.get(i)?.participants ?? ctx.roleSpan(i));
    });
  },
};
