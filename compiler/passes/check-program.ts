/**
 * Pass 2, check: the program-level checks that need names but build nothing. Blocks a policy has at
 * most one of (`room`, `preauth`, `participants`, `history`, `hierarchy`, `bans`), and which role
 * model the room is written in. The result says which block of each kind the lower pass reads.
 */
import type * as A from '../../grammar/index.js';
import type { PassContext } from './context.js';
import type { Names } from './resolve-names.js';

/** The blocks the lower pass reads: the first of each kind (later ones are reported here). */
export interface CheckedProgram {
  room?: A.RoomDecl;
  preauth?: A.PreauthDecl;
  participants?: A.ParticipantsDecl;
  history?: A.HistoryDecl;
  /** the room's hierarchy, when it is to be lowered (absent in a single-role room or a mixed one) */
  hierarchy?: A.HierarchyDecl;
  addons: A.AddonDecl[];
  bans?: A.BansDecl;
}

const ofKind = <K extends A.Item['kind']>(items: readonly A.Item[], kind: K) => items.filter((i): i is Extract<A.Item, { kind: K }> => i.kind === kind);

export function checkProgram(ctx: PassContext, names: Names): CheckedProgram {
  const { items } = ctx;
  const hierarchies = ofKind(items, 'Hierarchy');
  const addons = ofKind(items, 'Addon');
  const bans = ofKind(items, 'Bans');
  const rooms = ofKind(items, 'Room');
  const preauths = ofKind(items, 'Preauth');
  const participants = ofKind(items, 'Participants');
  const histories = ofKind(items, 'History');

  // --- the role model --------------------------------------------------------------------------
  for (const extra of [...hierarchies.slice(1), ...bans.slice(1)]) ctx.scopeOf(extra).report('duplicate-declaration', `the policy already has a \`${extra.kind === 'Hierarchy' ? 'hierarchy' : 'bans'}\` block`, extra.span);
  if (hierarchies.length === 0)
    for (const d of [...addons, ...bans])
      ctx.scopeOf(d).report('model-without-hierarchy', `\`${d.kind === 'Addon' ? 'addon' : 'bans'}\` belongs to the multi-role model, which needs a \`hierarchy\``, d.kind === 'Addon' ? d.name.span : d.span, {
        help: 'declare `hierarchy { level … }`, or write `role` declarations instead',
      });
  let hierarchy: A.HierarchyDecl | undefined;
  if (hierarchies.length > 0) {
    const h = hierarchies[0];
    const first = names.roleDecls[0];
    if (first) {
      const { report, at } = ctx.scope(first.file);
      report('mixed-role-models', 'a room with a `hierarchy` cannot also declare `role`s: the two role models may not be mixed', first.decl.name.span, {
        labels: [{ span: at(h.span, ctx.fileOf(h, first.file)), message: 'the hierarchy is here' }],
        help: 'write the room in one model; capability packages can be shared by both through `import`',
      });
    } else hierarchy = h;
  }

  // --- blocks a policy has once ------------------------------------------------------------------
  for (const r of rooms.slice(1))
    ctx.scopeOf(r).report('duplicate-declaration', 'the policy already has a `room` block', r.span, { labels: [{ span: ctx.scopeOf(rooms[0]).at(rooms[0].span), message: 'first given here' }] });
  for (const b of preauths.slice(1))
    ctx.scopeOf(b).report('duplicate-declaration', 'the policy already has a `preauth` block', b.span, { help: 'put all preauthorization rules in one block: their order decides the first match' });
  for (const b of participants.slice(1)) ctx.scopeOf(b).report('duplicate-declaration', 'the policy already has a `participants` block', b.span);
  for (const h of histories.slice(1)) ctx.scopeOf(h).report('duplicate-declaration', 'the policy already has a `history` block', h.span);

  return {
    ...(rooms[0] ? { room: rooms[0] } : {}),
    ...(preauths[0] ? { preauth: preauths[0] } : {}),
    ...(participants[0] ? { participants: participants[0] } : {}),
    ...(histories[0] ? { history: histories[0] } : {}),
    ...(hierarchy ? { hierarchy } : {}),
    addons,
    ...(bans[0] ? { bans: bans[0] } : {}),
  };
}
