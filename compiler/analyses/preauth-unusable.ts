/**
 * Unusable preauth entries: an entry that authorizes nothing. A preauth entry is used in three ways
 * (runtime/semantics.ts): a preauthorized join (the entry's role must hold canJoinIfPreauthorized, and
 * the room must not have fixed membership), canChangeOwnRole (some other role must hold it), and the
 * authorization of an unlisted sender that acts as the matched role (the way a hub's policy enforcer,
 * an MLS external sender, is authorized) — which needs the role to hold a capability one can use
 * without being a participant (anything but joining and the actions on one's own membership). An
 * entry for role 0 only matters as a "stop" before later entries. Shadowed entries are reported by
 * `preauth-shadowed` instead.
 */
import type { Analysis, AnalysisContext } from './shared/context.js';
import { CAN_CHANGE_OWN_ROLE, CAN_JOIN_PREAUTH, JOIN_CAPABILITIES, ON_SELF } from './shared/role-model.js';

export const preauthUnusable: Analysis = {
  code: 'W0505',
  kind: 'preauth-unusable',
  name: 'preauth entries that authorize nothing',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const entries = model.preauth.entries;
    // the last entry for a non-zero role (a role-0 entry before it can stop it)
    let lastNonZero = -1;
    entries.forEach((e, j) => {
      if (e.role.index !== 0) lastNonZero = j;
    });
    const ownRoleHolders = model.indexes.filter((r) => r !== 0 && model.has(r, CAN_CHANGE_OWN_ROLE));
    entries.forEach((e, j) => {
      if (model.preauth.shadowedBy[j] !== -1) return;
      const t = e.role.index;
      const name = model.name(t);
      if (t === 0) {
        if (lastNonZero < j)
          ctx.report({ message: `preauth entry ${j + 1} (\`${name}\`) has no effect: no later entry gives a non-zero role it could stop`, roles: [0], span: spans.preauth(j), help: 'remove the entry' });
        return;
      }
      if (!model.byIndex.has(t)) return;
      const joins = !model.fixed && model.has(t, CAN_JOIN_PREAUTH);
      const changeOwn = ownRoleHolders.length > 1 || (ownRoleHolders.length === 1 && ownRoleHolders[0] !== t);
      const external = [...model.caps.get(t)!].some((c) => !JOIN_CAPABILITIES.has(c) && !ON_SELF.has(c));
      if (joins || changeOwn || external) return;
      ctx.report({
        message: `preauth entry ${j + 1} (\`${name}\`) authorizes nothing: \`${name}\` cannot be joined by preauthorization, no role holds \`canChangeOwnRole\`, and an unlisted sender acting as \`${name}\` could do nothing`,
        roles: [t],
        span: spans.preauth(j),
        help: `grant \`canJoinIfPreauthorized\` to \`${name}\`${model.fixed ? ' (in a room without fixed membership)' : ''}, or remove the entry`,
      });
    });
  },
};
