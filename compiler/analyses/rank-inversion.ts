/**
 * Rank inversion: holders of X can remove, ban, kick or demote holders of Y although Y's capabilities
 * strictly contain X's. Matrix (power levels), XMPP (affiliations) and Discord (role hierarchy) all
 * forbid acting on a higher rank; MIMI does not — in -03 canKick is not scoped at all, and the
 * `authorized_role_changes` of a lower role may name a higher one. Often intended (a hub's policy
 * enforcer), so severity info. Demoting = moving to a role that lacks some of Y's capabilities.
 */
import { ACTIONS, ACTION_TYPES, cap } from '../../runtime/semantics.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { listNames } from './shared/context.js';
import { type Move } from './shared/role-model.js';

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
    // for the unscoped actions (kick): the roles holding each capability, as bit sets over node ids,
    // so "which present roles contain x's capabilities?" is one AND per capability of x
    const n = model.size;
    const nodeWords = (n + 31) >>> 5;
    const eligible = new Uint32Array(nodeWords);
    const holding = new Map<number, Uint32Array>();
    const sameSet = new Map<string, number>();
    const setKey = (ix: number) => model.exercised(ix).join(',');
    model.indexes.forEach((ix, v) => {
      for (const c of model.exercised(ix)) {
        let b = holding.get(c);
        if (!b) holding.set(c, (b = new Uint32Array(nodeWords)));
        b[v >>> 5] |= 1 << (v & 31);
      }
      if (ix !== 0 && !model.isBanned(ix) && present.has(ix)) {
        eligible[v >>> 5] |= 1 << (v & 31);
        sameSet.set(setKey(ix), (sameSet.get(setKey(ix)) ?? 0) + 1);
      }
    });
    /** the present roles (not role 0, not banned) whose capabilities contain x's, and how many strictly (per capability set) */
    const containingBySet = new Map<string, { bits: Uint32Array; strictly: number }>();
    const containing = (x: number) => {
      const key = setKey(x);
      let r = containingBySet.get(key);
      if (!r) containingBySet.set(key, (r = computeContaining(x)));
      return r;
    };
    const computeContaining = (x: number) => {
      const bits = eligible.slice();
      for (const c of model.exercised(x)) {
        const b = holding.get(c)!;
        for (let k = 0; k < nodeWords; k++) bits[k] &= b[k];
      }
      let count = 0;
      for (let k = 0; k < nodeWords; k++) count += popcount(bits[k]);
      return { bits, strictly: count - (sameSet.get(setKey(x)) ?? 0) };
    };
    const ORDER = ['remove', 'ban', 'kick', 'changeRole'];
    for (const x of model.indexes) {
      if (!actors.has(x)) continue;
      const scoped = new Map<number, { actions: Set<string>; first: Move }>();
      for (const m of model.movesBy('actor', x)) {
        if (m.on !== 'other' || m.from === 0 || model.isBanned(m.from) || !present.has(m.from) || !above(m.from, x)) continue;
        if (m.action === 'changeRole' && contains(m.to, m.from)) continue;
        if (m.action === 'remove' || m.action === 'ban' || m.action === 'changeRole') {
          let a = scoped.get(m.from);
          if (!a) scoped.set(m.from, (a = { actions: new Set(), first: m }));
          a.actions.add(m.action);
        }
      }
      const kicks = UNSCOPED.filter((t) => model.has(x, cap(ACTIONS[t].capability!)));
      const kicked = kicks.length > 0 ? containing(x) : undefined;
      // how many findings (one per set of actions): counted without listing the roles reached
      const keys = new Set<string>();
      for (const a of scoped.values()) {
        const all = new Set<string>(a.actions);
        if (kicked) for (const t of kicks) all.add(t);
        keys.add(ORDER.filter((v) => all.has(v)).join(','));
      }
      if (kicked && kicked.strictly > scoped.size) keys.add(ORDER.filter((v) => (kicks as string[]).includes(v)).join(','));
      if (keys.size === 0) continue;
      if (!ctx.wants(x)) {
        ctx.omit(keys.size - 1);
        continue;
      }
      const acts = new Map<number, { actions: Set<string>; first: Move | { kick: number } }>();
      const note = (y: number, action: string, how: Move | { kick: number }) => {
        let a = acts.get(y);
        if (!a) acts.set(y, (a = { actions: new Set(), first: how }));
        a.actions.add(action);
      };
      for (const [y, a] of scoped) for (const action of a.actions) note(y, action, a.first);
      if (kicked)
        for (const t of kicks) {
          const c = cap(ACTIONS[t].capability!);
          for (let k = 0; k < nodeWords; k++)
            for (let w = kicked.bits[k]; w !== 0; w &= w - 1) {
              const y = model.indexes[(k << 5) + (31 - Math.clz32(w & -w))];
              if (above(y, x)) note(y, t, { kick: c });
            }
        }
      // one finding per set of actions, listing the roles it reaches
      const bySet = new Map<string, { ys: number[]; actions: string[]; first: Move | { kick: number } }>();
      for (const y of model.indexes) {
        const a = acts.get(y);
        if (!a) continue;
        const actions = ORDER.filter((v) => a.actions.has(v));
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

/** the number of bits set in a 32-bit word */
function popcount(w: number): number {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
