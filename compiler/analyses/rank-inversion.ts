/**
 * Rank inversion: holders of X can remove, ban, kick or demote holders of Y although Y's capabilities
 * strictly contain X's. Matrix (power levels), XMPP (affiliations) and Discord (role hierarchy) all
 * forbid acting on a higher rank; MIMI does not — in -03 canKick is not scoped at all, and the
 * `authorized_role_changes` of a lower role may name a higher one. Often intended (a hub's policy
 * enforcer), so severity info. Demoting = moving to a role that lacks some of Y's capabilities.
 */
import { ACTIONS, ACTION_TYPES } from '../../runtime/semantics.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { listNames } from './shared/context.js';
import { code, type Move } from './shared/role-model.js';

/** Actions on another participant that consume no transition (kick): they reach every role. */
const UNSCOPED = ACTION_TYPES.filter((t) => ACTIONS[t].transition === null && ACTIONS[t].refusesSelf && ACTIONS[t].capability !== null);
const VERB: Record<string, string> = { remove: 'remove', ban: 'ban', kick: 'kick', changeRole: 'demote' };

export const rankInversion: Analysis = {
  code: 'I0509',
  kind: 'rank-inversion',
  name: 'roles that can act on a strictly more capable role',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const { present, actors } = model.populate();
    // capability sets as bit sets over the capabilities the policy uses
    const bit = new Map<number, number>();
    for (const ix of model.indexes) for (const c of model.exercised(ix)) if (!bit.has(c)) bit.set(c, bit.size);
    const words = Math.max(1, Math.ceil(bit.size / 32));
    const sets = new Map<number, { bits: Uint32Array; size: number }>();
    for (const ix of model.indexes) {
      const bits = new Uint32Array(words);
      for (const c of model.exercised(ix)) bits[bit.get(c)! >>> 5] |= 1 << (bit.get(c)! & 31);
      sets.set(ix, { bits, size: model.exercised(ix).length });
    }
    /** does `a` contain `b`? */
    const contains = (a: number, b: number) => {
      const x = sets.get(a)!.bits;
      const y = sets.get(b)!.bits;
      for (let k = 0; k < words; k++) if (((x[k] & y[k]) >>> 0) !== y[k]) return false;
      return true;
    };
    const above = (y: number, x: number) => sets.get(y)!.size > sets.get(x)!.size && contains(y, x);
    for (const x of model.indexes) {
      if (!actors.has(x)) continue;
      const acts = new Map<number, { actions: Set<string>; first: Move | { kick: number } }>();
      const note = (y: number, action: string, how: Move | { kick: number }) => {
        let a = acts.get(y);
        if (!a) acts.set(y, (a = { actions: new Set(), first: how }));
        a.actions.add(action);
      };
      for (const m of model.movesBy('actor', x)) {
        if (m.on !== 'other' || m.from === 0 || model.isBanned(m.from) || !present.has(m.from) || !above(m.from, x)) continue;
        if (m.action === 'changeRole' && contains(m.to, m.from)) continue;
        if (m.action === 'remove' || m.action === 'ban' || m.action === 'changeRole') note(m.from, m.action, m);
      }
      for (const t of UNSCOPED) {
        const c = code(ACTIONS[t].capability!);
        if (!model.has(x, c)) continue;
        for (const y of model.indexes) if (y !== 0 && !model.isBanned(y) && present.has(y) && above(y, x)) note(y, t, { kick: c });
      }
      // one finding per set of actions, listing the roles it reaches
      const bySet = new Map<string, { ys: number[]; actions: string[]; first: Move | { kick: number } }>();
      for (const y of model.indexes) {
        const a = acts.get(y);
        if (!a) continue;
        const actions = ['remove', 'ban', 'kick', 'changeRole'].filter((v) => a.actions.has(v));
        const key = actions.join(',');
        let s = bySet.get(key);
        if (!s) bySet.set(key, (s = { ys: [], actions, first: a.first }));
        s.ys.push(y);
      }
      for (const s of bySet.values()) {
        const verbs = s.actions.map((v) => VERB[v]);
        const verbText = verbs.length === 1 ? verbs[0] : `${verbs.slice(0, -1).join(', ')} or ${verbs[verbs.length - 1]}`;
        const ys = listNames(s.ys.map((y) => model.name(y)));
        const span = 'kick' in s.first ? spans.grant(x, s.first.kick) : spans.step(s.first);
        const who = x === 0 ? 'anyone not in the room' : `holders of \`${model.name(x)}\``;
        ctx.report({
          message: `${who} can ${verbText} holders of ${ys}, whose capabilities strictly contain theirs`,
          roles: [x, ...s.ys],
          span,
          labels: s.ys.flatMap((y) => (spans.roleName(y) ? [{ span: spans.roleName(y)!, message: `\`${model.name(y)}\` holds every capability of \`${model.name(x)}\` and more` }] : [])),
          help: `Matrix, XMPP and Discord forbid acting on a higher rank; if \`${model.name(x)}\` should not, narrow its capabilities or changes, or acknowledge it with \`allow rank-inversion for ${x === 0 ? 'none' : model.name(x)} because "…"\``,
        });
      }
    }
  },
};
