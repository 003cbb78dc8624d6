/**
 * Preauthorization targets (draft-ietf-mimi-room-policy-03 §"Preauthorized Users"): -03 embeds a
 * whole Role in each entry. mimi-policy reads the embedded role as a reference to the role with that
 * index, so it must be defined and identical; anything else is ambiguous and rejected.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PolicyRule } from './context.js';

export const preauthTargets: PolicyRule = {
  kinds: ['preauth-role-mismatch'],
  title: 'each preauth entry embeds a defined role, unchanged',
  run(ctx) {
    const byIndex = ctx.roleByIndex();
    ctx.policy.preauth?.forEach((e, k) => {
      const where = ctx.provenance?.preauth[k]?.span;
      const role = byIndex.get(e.role.index);
      if (!role)
        ctx.report('preauth-role-mismatch', `preauth entry ${k + 1} targets role ${e.role.index} (\`${e.role.name}\`), which the role list does not define`, where);
      else if (!isDeepStrictEqual(role, e.role))
        ctx.report('preauth-role-mismatch', `preauth entry ${k + 1} embeds a role ${e.role.index} that differs from role ${role.index} (\`${role.name}\`) in the role list`, where, {
          help: 'a preauthorized joiner would get capabilities the role list does not show; make them identical',
        });
    });
  },
};
