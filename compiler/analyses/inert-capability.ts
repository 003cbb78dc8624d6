/**
 * Inert capabilities: a capability a role is granted but that its holders can never exercise.
 *
 * The capabilities scoped by `authorized_role_changes` (draft-ietf-mimi-room-policy-03 §"Role
 * Changes"; in runtime/semantics.ts every action with a transition) need an entry of the holder's own
 * list that `entryUses` lets them consume — canBan also needs role 1 named `banned`, and fixed
 * membership forbids adding, removing and leaving. canJoinIfPreauthorized needs a preauth entry that
 * can be the first match for the role; canChangeOwnRole needs an entry for some other non-zero role;
 * a join code is only ever used by non-participants (role 0). An extending role that inherits
 * canJoinIfPreauthorized from a role that uses it is not reported: joining is a property of the role
 * joined into, and nobody expects to join as every role that extends it.
 */
import { ACTIONS, ACTION_TYPES, cap, JOIN, JOIN_VIAS, type ActionSpec, type ActionType } from '../../runtime/semantics.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { CAN_CHANGE_OWN_ROLE, CAN_JOIN_PREAUTH } from './shared/role-model.js';

/** Capabilities scoped by a transition, with the action that consumes it. */
const SCOPED: { capability: number; action: ActionType; transition: NonNullable<ActionSpec['transition']> }[] = [
  ...ACTION_TYPES.filter((t) => ACTIONS[t].transition && ACTIONS[t].capability).map((t) => ({ capability: cap(ACTIONS[t].capability!), action: t, transition: ACTIONS[t].transition! })),
  ...JOIN_VIAS.filter((v) => JOIN[v].transition).map((v) => ({ capability: cap(JOIN[v].capability), action: 'join' as const, transition: JOIN[v].transition! })),
];

/** The entry an action needs, in source syntax, from the ACTIONS row: `none -> <role>`, `<role> -> banned` … */
function neededEntry(t: NonNullable<ActionSpec['transition']>, holder: string): string {
  const side = (s: string) => (s === 'zero' ? 'none' : s === 'banned' ? 'banned' : s === 'actor' ? holder : s === 'target' ? '<role>' : '<other role>');
  return `${side(t.from)} -> ${side(t.to)}`;
}

export const inertCapability: Analysis = {
  code: 'W0501',
  kind: 'inert-capability',
  name: 'granted capabilities that can never be exercised',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const report = (role: number, capability: number, why: string, help: string) =>
      ctx.report({ message: `\`${model.name(role)}\` holds \`${model.capName(capability)}\` but can never use it: ${why}`, roles: [role], span: spans.grant(role, capability), help });
    const live = model.livePreauth();
    const preauthRoles = new Set(live.map(({ entry }) => entry.role.index));
    const usesPreauthJoin = (role: number) => preauthRoles.has(role);
    // the roles whose capabilities contain those of a role that joins by preauthorization (bit sets
    // over node ids: one AND per capability of each such role, not one comparison per pair of roles)
    let inheriting: Uint32Array | undefined;
    const inherits = (role: number) => {
      if (!inheriting) {
        const words = (model.size + 31) >>> 5;
        const holding = new Map<number, Uint32Array>();
        model.indexes.forEach((ix, v) => {
          for (const c of model.caps.get(ix)!) {
            let b = holding.get(c);
            if (!b) holding.set(c, (b = new Uint32Array(words)));
            b[v >>> 5] |= 1 << (v & 31);
          }
        });
        inheriting = new Uint32Array(words);
        for (const p of model.indexes) {
          if (!model.has(p, CAN_JOIN_PREAUTH) || !usesPreauthJoin(p)) continue;
          const bits = new Uint32Array(words).fill(0xffffffff);
          for (const c of model.caps.get(p)!) {
            const b = holding.get(c)!;
            for (let k = 0; k < words; k++) bits[k] &= b[k];
          }
          // p itself contains its own capabilities: it counts only through another role
          const v = model.id.get(p)!;
          bits[v >>> 5] &= ~(1 << (v & 31));
          for (let k = 0; k < words; k++) inheriting[k] |= bits[k];
        }
      }
      const v = model.id.get(role)!;
      return (inheriting[v >>> 5] & (1 << (v & 31))) !== 0;
    };
    // canChangeOwnRole needs a live entry for a defined non-zero role other than the holder's
    const ownTargets = new Set([...preauthRoles].filter((t) => t !== 0 && model.byIndex.has(t)));
    for (const role of model.indexes) {
      if (!model.byIndex.has(role)) continue;
      const name = model.name(role);
      for (const s of SCOPED) {
        if (!model.has(role, s.capability)) continue;
        if (s.action === 'join' && role !== 0) continue; // canOpenJoin off role 0 is an error (E0204)
        // the model's moves are exactly the usable (entry, capability) pairs of the holder
        if (model.movesBy('actor', role).some((m) => m.entry && m.capability === s.capability)) continue;
        const needsBanned = s.transition.from === 'banned' || s.transition.to === 'banned';
        if (needsBanned && !model.bannedRole) report(role, s.capability, 'the policy has no role 1 named `banned`', 'name role 1 `banned`, or remove the capability');
        else if (model.fixed && ACTIONS[s.action].forbiddenByFixedMembership)
          report(role, s.capability, 'the room has fixed membership', 'remove the capability (fixed-membership rooms forbid it)');
        else report(role, s.capability, `\`${name}\`'s changes have no entry it applies to (it needs \`${neededEntry(s.transition, name)}\`)`, `add the entry to \`${name}\`'s \`changes\`, or remove the capability`);
      }
      // canJoinIfPreauthorized: held by the role joined into (JOIN.preauth.holder)
      if (model.has(role, CAN_JOIN_PREAUTH)) {
        if (role === 0) report(role, CAN_JOIN_PREAUTH, 'a preauthorized join into role 0 is always denied', 'grant it to the roles users join as');
        else if (model.fixed) report(role, CAN_JOIN_PREAUTH, 'the room has fixed membership', 'remove the capability (nobody can join a fixed-membership room)');
        else if (!usesPreauthJoin(role) && !inherits(role))
          report(role, CAN_JOIN_PREAUTH, `no preauth entry that can be a first match gives \`${name}\``, `add a preauth entry for \`${name}\`, or remove the capability`);
      }
      // canChangeOwnRole: the destination is the first matching entry with a non-zero role
      if (model.has(role, CAN_CHANGE_OWN_ROLE) && role !== 0) {
        if (ownTargets.size === 0 || (ownTargets.size === 1 && ownTargets.has(role)))
          report(role, CAN_CHANGE_OWN_ROLE, model.preauth.entries.length === 0 ? 'the policy has no preauth entries' : `no preauth entry gives a role other than \`${name}\``, 'add preauth entries for the roles it should move to, or remove the capability');
      }
      // join codes are used by non-participants, who act as role 0 (JOIN.code.holder)
      const codeCap = cap(JOIN.code.capability);
      if (JOIN.code.holder === 'zero' && role !== 0 && model.has(role, codeCap))
        report(role, codeCap, 'join codes are used by non-participants, who act as role 0', `grant it to role 0 instead`);
    }
  },
};
