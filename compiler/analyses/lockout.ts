/**
 * Lockout: a reachable state in which nobody can any longer exercise an administrative capability the
 * room has (acting on other users, or on the room and its policy: `isAdministrative`). For the roles
 * holding such a capability: each can be emptied (it starts empty, or its minimum is 0 and its holders
 * can leave or be removed by a role that stays), and once they are all empty no sequence of actions by
 * the remaining roles — joins included — puts anyone back. Roles an unlisted sender acts as through a
 * preauth entry cannot be emptied. A role that remains and can rewrite the role definitions could
 * restore the capability out of band; the help says so. draft-ietf-mimi-room-policy-03 §"Role"
 * (minimums), semantics.md (constraints).
 */
import type { Analysis, AnalysisContext } from './shared/context.js';
import { listNames } from './shared/context.js';
import { CAN_CHANGE_ROLES, isAdministrative, type Move } from './shared/role-model.js';

export const lockout: Analysis = {
  code: 'W0508',
  kind: 'lockout',
  name: 'administrative capabilities the room can lose for good',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const holders = new Map<string, { roles: number[]; caps: number[] }>();
    const all = new Set<number>();
    for (const ix of model.indexes) for (const c of model.exercised(ix)) all.add(c);
    for (const c of [...all].filter(isAdministrative).sort((a, b) => a - b)) {
      const roles = model.indexes.filter((ix) => model.has(ix, c));
      const key = roles.join(',');
      let h = holders.get(key);
      if (!h) holders.set(key, (h = { roles, caps: [] }));
      h.caps.push(c);
    }
    const external = model.externalActors();
    const { present, actors } = model.populate();
    for (const { roles, caps } of holders.values()) {
      if (roles.includes(0) || roles.some((r) => external.has(r))) continue;
      const inH = new Set(roles);
      // empty them one by one: leaving first, then removal by a role outside, then by another holder
      const occupied = new Set(roles.filter((r) => (model.initial === null ? present.has(r) : (model.initial.get(r) ?? 0) > 0)));
      const steps: Move[] = [];
      // one pass in order: a role that cannot be emptied now never can (the roles that could remove
      // it only ever empty), so each round's first role that can be emptied is the next one in order
      for (const t of roles) {
        if (!occupied.has(t) || model.byIndex.get(t)!.minParticipants > 0) continue;
        const out = model.movesBy('from', t).filter((m) => !inH.has(m.to) && m.to !== t);
        const choice =
          out.find((m) => m.on === 'self' && m.action === 'leave') ??
          out.find((m) => m.on === 'other' && !inH.has(m.actor) && actors.has(m.actor)) ??
          out.find((m) => m.on === 'other' && occupied.has(m.actor) && m.actor !== t);
        if (!choice) continue;
        occupied.delete(t);
        steps.push(choice);
      }
      const stuck = occupied.size > 0;
      if (stuck) continue;
      const after = model.populate(inH);
      if (roles.some((r) => after.present.has(r))) continue;
      const them = roles.length === 1 ? `\`${model.name(roles[0])}\`` : listNames(roles.map((r) => model.name(r)));
      const capsText = listNames(caps.map((c) => model.capName(c)));
      const rewriter = model.indexes.find((r) => !inH.has(r) && (after.present.has(r) || after.actors.has(r)) && r !== 0 && model.has(r, CAN_CHANGE_ROLES));
      const restore = rewriter === undefined ? '' : `; only \`${model.name(rewriter)}\` could restore ${caps.length === 1 ? 'it' : 'them'}, by rewriting the role definitions`;
      const first = roles[0];
      ctx.report({
        message:
          steps.length === 0
            ? `nobody can ever exercise ${capsText}: only ${them} ${roles.length === 1 ? 'holds' : 'hold'} ${caps.length === 1 ? 'it' : 'them'}, nobody starts there, and no sequence of actions puts anyone there`
            : `the room can lose ${capsText} for good: only ${them} ${roles.length === 1 ? 'holds' : 'hold'} ${caps.length === 1 ? 'it' : 'them'}, ${roles.length === 1 ? 'its last holder can go' : 'their last holders can go'}, and nobody can appoint another`,
        roles,
        span: spans.constraint(first, 'participants'),
        labels: [...ctx.stepLabels(steps), ...roles.flatMap((r) => (spans.grant(r, caps[0]) ? [{ span: spans.grant(r, caps[0])!, message: `\`${model.name(r)}\` holds \`${model.capName(caps[0])}\`` }] : []))],
        path: steps,
        help: `give \`${model.name(first)}\` a minimum of 1 (and list a holder in \`participants\`), or let a role that stays move users into it${restore}; or acknowledge it with \`allow lockout for ${model.name(first)} because "…"\``,
      });
    }
  },
};
