/**
 * Shadowed preauth entries: an entry that can never be the first match, because an earlier entry's
 * claims are a subset of its claims — whoever matches it matches the earlier one first
 * (draft-ietf-mimi-room-policy-03 §"Preauthorized users": the first matching entry wins). An earlier
 * entry for role 0 does not shadow when some role holds canChangeOwnRole, which skips role-0 entries.
 */
import type { Analysis, AnalysisContext } from './shared/context.js';

export const preauthShadowed: Analysis = {
  code: 'W0504',
  kind: 'preauth-shadowed',
  name: 'preauth entries that are never the first match',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    model.preauth.entries.forEach((e, j) => {
      const i = model.preauth.shadowedBy[j];
      if (i === -1) return;
      const earlier = model.preauth.entries[i];
      const same = earlier.role.index === e.role.index;
      const span = spans.preauth(i);
      ctx.report({
        message: `preauth entry ${j + 1} (\`${model.name(e.role.index)}\`) is never the first match: entry ${i + 1} (\`${model.name(earlier.role.index)}\`) matches whenever it does`,
        roles: [e.role.index, earlier.role.index],
        span: spans.preauth(j),
        labels: span ? [{ span, message: earlier.claims.length === 0 ? 'this entry matches everyone' : 'its claims are a subset' }] : [],
        help: same ? 'remove the redundant entry' : `move entry ${j + 1} above entry ${i + 1} (the more specific entry first), or remove it`,
      });
    });
  },
};
