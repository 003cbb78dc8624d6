/**
 * Chat history sharing (draft-ietf-mimi-room-policy-03 §"Chat history policy component"): role 0,
 * role 1 and roles whose maximum active participants is 0 cannot share history; every named role is
 * defined.
 */
import type { PolicyRule } from './context.js';

export const historyRoles: PolicyRule = {
  kinds: ['history-role-invalid'],
  title: 'history sharing names only roles that have clients',
  run(ctx) {
    const h = ctx.policy.history;
    if (!h) return;
    const byIndex = ctx.roleByIndex();
    h.rolesThatCanShare.forEach((idx, k) => {
      const where = ctx.provenance?.history?.roles[k] ?? ctx.provenance?.history?.span;
      const role = byIndex.get(idx);
      let why: string | undefined;
      if (idx === 0) why = 'role 0 (non-participants) cannot share history';
      else if (idx === 1) why = 'role 1 (banned) cannot share history';
      else if (!role) why = `role ${idx} is not defined`;
      else if (role.maxActive === 0) why = `role \`${role.name}\` has no clients (active maximum 0), so it cannot share history`;
      if (why) ctx.report('history-role-invalid', why, where, { help: 'list only roles whose holders have clients in the group' });
    });
  },
};
