/**
 * Dead transitions: an `authorized_role_changes` entry that none of the holder's capabilities can use.
 *
 * An entry `from -> to` in a role's list authorizes nothing by itself: it scopes the holder's
 * canAddParticipant, canRemoveParticipant, canRemoveSelf, canBan, canUnBan, canChangeUserRole and (on
 * role 0) canOpenJoin (draft-ietf-mimi-room-policy-03 §"Role Changes"; which capability each entry
 * serves is `entryUses` in runtime/semantics.ts). An entry none of them can use is dead: usually a
 * misunderstanding — e.g. `none -> member` on role 0 with only canUseJoinCode, although join codes
 * never consult role 0's list. Entries from one source with the same missing capabilities are
 * reported together.
 */
import { cap, JOIN } from '../../runtime/semantics.js';
import type { Analysis, AnalysisContext } from './shared/context.js';
import { listNames } from './shared/context.js';
import { fixedForbids, usesOf as usesOfEntry } from './shared/role-model.js';

export const deadTransition: Analysis = {
  code: 'W0502',
  kind: 'dead-transition',
  name: 'transitions no capability of the holder can use',
  run(ctx: AnalysisContext) {
    const { model, spans } = ctx;
    const usesOf = usesOfEntry(model.bannedRole);
    for (const role of model.indexes) {
      const r = model.byIndex.get(role);
      if (!r) continue;
      const name = model.name(role);
      for (const ch of r.changes) {
        if (ch.to.every((to) => model.entryUsed(role, ch.from, to) || !model.isDefined(to) || !model.isDefined(ch.from) || to === ch.from)) continue;
        // group the dead targets of this entry by what they would need
        const groups = new Map<string, { targets: number[]; needs: string[]; fixedOnly: boolean }>();
        for (const to of ch.to) {
          if (!model.isDefined(to) || !model.isDefined(ch.from) || to === ch.from || model.entryUsed(role, ch.from, to)) continue;
          const uses = usesOf(ch.from, to, role);
          const allowed = uses.filter((u) => !(model.fixed && fixedForbids(u.action, ch.from)));
          if (allowed.some((u) => model.has(role, u.capability))) continue;
          const fixedOnly = allowed.length === 0 && uses.length > 0;
          const needs = [...new Set(allowed.map((u) => model.capName(u.capability)))];
          const key = `${fixedOnly}|${needs.join(',')}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { targets: [], needs, fixedOnly }));
          g.targets.push(to);
        }
        for (const g of groups.values()) {
          const entry = model.entryText(ch.from, g.targets);
          const span = spans.change(role, ch.from, g.targets[g.targets.length - 1]);
          const verb = g.targets.length > 1 ? 'authorize' : 'authorizes';
          if (g.fixedOnly) {
            ctx.report({ message: `\`${entry}\` in \`${name}\`'s changes ${verb} nothing: the room has fixed membership`, roles: [role, ...g.targets], span, help: 'remove the entry' });
            continue;
          }
          let help = `grant ${g.needs.length > 1 ? 'one of ' : ''}${listNames(g.needs, 'or')} to \`${name}\`, or remove the entry`;
          // join codes never consult role 0's list (JOIN.code has no transition)
          if (role === 0 && ch.from === 0 && JOIN.code.transition === null && model.has(0, cap(JOIN.code.capability)))
            help = `\`${JOIN.code.capability}\` does not consult role 0's changes (a join code may name any role); ${help}`;
          ctx.report({ message: `\`${entry}\` in \`${name}\`'s changes ${verb} nothing: \`${name}\` holds no capability that uses ${g.targets.length > 1 ? 'them' : 'it'} (${listNames(g.needs, 'or')})`, roles: [role, ...g.targets], span, help });
        }
      }
    }
  },
};
