/**
 * Lowering the multi-role model (a strict linear hierarchy of levels, add-on roles stacked on a level,
 * a separate ban list — the January 2025 alternative discussed by the MIMI working group) to the
 * draft's single-role wire model.
 *
 * A user's state is (level, set of add-ons). Every *reachable* state becomes one MIMI role (name
 * `moderator+programmer`, capabilities = the level's cumulative grants ∪ the add-ons' grants ∪ the
 * capabilities its holder needs for the moves it may make), and every move an actor at some level may
 * make — promote, demote, give or drop an add-on, add, remove, ban, unban, leave — becomes an
 * authorized role change on the actor's lowered roles. What the wire cannot carry (ban reasons and
 * expiry, `grant all` meaning "every future capability", self-assignment, protection from kicks,
 * constraints on a level split over several roles) is a warning naming what is lost.
 */
import type * as A from '../grammar/index.js';
import type { DiagnosticKind, DiagnosticLabel } from '../runtime/diagnostics.js';
import { changeKey, type Role, type SourceSpan } from '../runtime/ir.js';
import { capabilities } from '../runtime/registry.js';
import { ACTIONS, cap, entryUses, JOIN, type EntryUse } from '../runtime/semantics.js';
import { didYouMean } from '../runtime/suggest.js';

export const DEFAULT_MAX_LOWERED_ROLES = 4096;

export interface HierarchyContext {
  fileOf(item: A.Item): string;
  at(span: A.Span, file: string): SourceSpan;
  report(kind: DiagnosticKind, message: string, span: SourceSpan, extra?: { labels?: DiagnosticLabel[]; help?: string }): void;
  /** capability codes of a grant reference (a capability or a package), reporting unknown names */
  resolveGrant(ref: A.Ident, file: string): number[] | undefined;
  maxRoles: number;
  /** role names used by the participant list and preauth (`owner`, `moderator+programmer`): initial states */
  seedNames: readonly string[];
}

export interface LoweredRoleProvenance {
  span: SourceSpan;
  origin: string;
  grants: Map<number, SourceSpan>;
  changes: Map<string, SourceSpan>;
  participants?: SourceSpan;
  active?: SourceSpan;
}

export interface HierarchyLowering {
  roles: Role[];
  provenance: LoweredRoleProvenance[];
  /** lowered role name → index (`none`, `banned`, `regular`, `moderator+programmer` …) */
  names: Map<string, number>;
  /** reachable states, and the bound Σ over levels of 2^(add-ons allowed at that level) */
  stateCount: number;
  bound: number;
}

type Protect = 'strictly_lower' | 'lower_or_equal' | 'none';

interface Level {
  name: string;
  decl: A.LevelDecl;
  file: string;
  own: Map<number, SourceSpan>;
  all?: SourceSpan;
  givenBy?: number;
  givenBySpan?: SourceSpan;
  droppedBy?: number;
  droppedBySpan?: SourceSpan;
  participants?: A.ConstraintItem;
  active?: A.ConstraintItem;
}
interface Addon {
  name: string;
  decl: A.AddonDecl;
  file: string;
  grants: Map<number, SourceSpan>;
  requires: number;
  givenBy?: number;
  givenBySpan?: SourceSpan;
  droppedBy?: number;
  droppedBySpan?: SourceSpan;
}

/** A state: level index and a bitmask of add-ons. */
interface State {
  level: number;
  addons: number;
}
const key = (s: State) => `${s.level}:${s.addons}`;

export function lowerHierarchy(h: A.HierarchyDecl, addonDecls: readonly A.AddonDecl[], bans: A.BansDecl | undefined, ctx: HierarchyContext): HierarchyLowering | undefined {
  const hFile = ctx.fileOf(h);
  const at = (span: A.Span, file = hFile) => ctx.at(span, file);
  let ok = true;

  // --- levels ---------------------------------------------------------------------------------
  const levels: Level[] = [];
  const levelIndex = new Map<string, number>();
  for (const l of h.levels) {
    if (levelIndex.has(l.name.name)) {
      ctx.report('duplicate-declaration', `level \`${l.name.name}\` is already declared`, at(l.name.span));
      ok = false;
      continue;
    }
    levelIndex.set(l.name.name, levels.length);
    levels.push({ name: l.name.name, decl: l, file: hFile, own: new Map() });
  }
  if (levels.length === 0) {
    ctx.report('unknown-level', 'the hierarchy declares no level', at(h.span), { help: 'list the levels lowest first: `level restricted { … } level regular { … }`' });
    return undefined;
  }
  const levelRef = (ref: A.Ident, file: string): number | undefined => {
    const i = levelIndex.get(ref.name);
    if (i === undefined) {
      ctx.report('unknown-level', `unknown level \`${ref.name}\``, ctx.at(ref.span, file), { help: didYouMean(ref.name, levelIndex.keys()) });
      ok = false;
    }
    return i;
  };
  // `grant all` on a level never includes the open-join capability: only role 0 may hold it
  const usable = capabilities.filter((c) => !c.reserved && c.name !== JOIN.open.capability).map((c) => c.code);
  for (const lv of levels) {
    for (const item of lv.decl.items) {
      if (item.kind === 'Grant') {
        if (item.all) {
          lv.all = at(item.all);
          for (const c of usable) if (!lv.own.has(c)) lv.own.set(c, at(item.all));
          ctx.report('lowering-lost', `\`grant all\` on level \`${lv.name}\` becomes the ${usable.length} capabilities registered today`, at(item.all), {
            help: 'the wire lists capabilities explicitly: a capability registered later is not implied; rebuild the policy to pick it up',
          });
        }
        for (const ref of item.refs) for (const c of ctx.resolveGrant(ref, lv.file) ?? []) if (!lv.own.has(c)) lv.own.set(c, at(ref.span));
      } else if (item.kind === 'Constraint') lv[item.which] = item;
      else if (item.kind === 'GivenBy') [lv.givenBy, lv.givenBySpan] = [levelRef(item.level, lv.file), at(item.span)];
      else if (item.kind === 'DroppedBy') [lv.droppedBy, lv.droppedBySpan] = [levelRef(item.level, lv.file), at(item.span)];
      else {
        ctx.report('unknown-level', '`requires` applies to add-ons, not levels', at(item.span));
        ok = false;
      }
    }
  }

  // --- hierarchy-wide rules -------------------------------------------------------------------
  let protect: Protect = 'strictly_lower';
  let entry = 0;
  let entrySpan: SourceSpan | undefined;
  const by: Partial<Record<'add_by' | 'remove_by' | 'kick_by', { level: number; span: SourceSpan }>> = {};
  let leave: SourceSpan | undefined;
  let openJoin: SourceSpan | undefined;
  for (const s of h.settings) {
    if (s.key === 'protect') protect = s.value!.name as Protect;
    else if (s.key === 'entry') {
      const l = levelRef(s.value!, hFile);
      if (l !== undefined) [entry, entrySpan] = [l, at(s.span)];
    } else if (s.key === 'leave') leave = at(s.span);
    else if (s.key === 'open_join') openJoin = at(s.span);
    else {
      const l = levelRef(s.value!, hFile);
      if (l !== undefined) by[s.key] = { level: l, span: at(s.span) };
    }
  }
  const protectedOk = (actor: number, target: number) => (protect === 'none' ? true : protect === 'lower_or_equal' ? actor >= target : actor > target);

  // --- add-ons ----------------------------------------------------------------------------------
  const addons: Addon[] = [];
  const addonIndex = new Map<string, number>();
  for (const d of addonDecls) {
    const file = ctx.fileOf(d);
    if (addonIndex.has(d.name.name) || levelIndex.has(d.name.name)) {
      ctx.report('duplicate-declaration', `add-on \`${d.name.name}\` is already declared as a ${levelIndex.has(d.name.name) ? 'level' : 'add-on'}`, ctx.at(d.name.span, file));
      ok = false;
      continue;
    }
    const a: Addon = { name: d.name.name, decl: d, file, grants: new Map(), requires: 0 };
    for (const item of d.items) {
      if (item.kind === 'Grant') {
        if (item.all) ctx.report('unknown-level', '`grant all` is for hierarchy levels; an add-on grants named capabilities', ctx.at(item.all, file));
        for (const ref of item.refs) for (const c of ctx.resolveGrant(ref, file) ?? []) if (!a.grants.has(c)) a.grants.set(c, ctx.at(ref.span, file));
      } else if (item.kind === 'Requires') a.requires = levelRef(item.level, file) ?? 0;
      else if (item.kind === 'GivenBy') [a.givenBy, a.givenBySpan] = [levelRef(item.level, file), ctx.at(item.span, file)];
      else if (item.kind === 'DroppedBy') [a.droppedBy, a.droppedBySpan] = [levelRef(item.level, file), ctx.at(item.span, file)];
      else if (item.kind === 'SelfAssign' || item.kind === 'SelfDrop')
        ctx.report('lowering-lost', `\`${item.kind === 'SelfAssign' ? 'self_assign' : 'self_drop'}\` on add-on \`${a.name}\` cannot be expressed on the wire`, ctx.at(item.span, file), {
          help: 'in the single-role model a participant changes its own role only through preauthorization (canChangeOwnRole), to one fixed role: lowered as not self-assignable',
        });
      else if (item.kind === 'Constraint')
        ctx.report('lowering-lost', `the \`${item.which}\` constraint of add-on \`${a.name}\` counts holders across several lowered roles; the wire counts per role`, ctx.at(item.span, file), {
          help: 'it is dropped from the lowered roles; a scenario can check the intent',
        });
    }
    addonIndex.set(a.name, addons.length);
    addons.push(a);
  }
  if (addons.length > 30) {
    ctx.report('hierarchy-too-large', `${addons.length} add-ons: lowering supports at most 30`, ctx.at(addonDecls[30].name.span, ctx.fileOf(addonDecls[30])));
    return undefined;
  }

  // --- bans -------------------------------------------------------------------------------------
  let banBy: { level: number; span: SourceSpan } | undefined;
  let unbanBy: { level: number; span: SourceSpan } | undefined;
  if (bans) {
    const file = ctx.fileOf(bans);
    for (const s of bans.settings) {
      if (s.key === 'by' || s.key === 'unban_by') {
        const l = levelRef(s.value!, file);
        if (l !== undefined) (s.key === 'by' ? (banBy = { level: l, span: ctx.at(s.span, file) }) : (unbanBy = { level: l, span: ctx.at(s.span, file) }));
      } else
        ctx.report('lowering-lost', s.key === 'reasons' ? 'ban reasons are not carried by the wire format' : 'ban expiry (timed bans) is not carried by the wire format', ctx.at(s.span, file), {
          help: s.key === 'reasons' ? 'a ban is a move to role 1; keep reasons in your provider’s own records' : 'a ban lasts until someone unbans; expiring bans need an actor (e.g. a policy enforcer) to unban on time',
        });
    }
  }
  if (!ok) return undefined;

  // --- rules that can never take effect, or that the wire widens ---------------------------------------
  const canEver = (min: number | undefined, target: number) => levels.some((_, la) => min !== undefined && la >= min && protectedOk(la, target));
  levels.forEach((lv, l) => {
    if (lv.givenBy !== undefined && !canEver(lv.givenBy, l))
      ctx.report('lowering-lost', `\`given_by\` on level \`${lv.name}\` can never take effect: under \`protect ${protect}\` no level that may give it can act on \`${lv.name}\``, lv.givenBySpan!, {
        help: protect === 'strictly_lower' ? 'use `protect lower_or_equal` (e.g. for an owner handing over ownership), or give it from a higher level' : 'give it from a higher level',
      });
  });
  for (const a of addons)
    if (a.givenBy !== undefined && !levels.some((_, l) => l >= a.requires && canEver(a.givenBy, l)))
      ctx.report('lowering-lost', `\`given_by\` on add-on \`${a.name}\` can never take effect under \`protect ${protect}\``, a.givenBySpan!);
  if (leave && by.remove_by && protect === 'strictly_lower')
    ctx.report('lowering-lost', `with \`leave\` and \`remove_by\`, holders of a level at or above \`${levels[by.remove_by.level].name}\` can remove peers of their own role: the \`X -> none\` entry that lets them leave also authorizes removing others`, by.remove_by.span, {
      help: 'the wire has one entry for both; protection between peers is lost for removal',
    });

  // --- reachable states ---------------------------------------------------------------------------
  const allowedAddons = (level: number) => addons.reduce((m, a, i) => (a.requires <= level ? m | (1 << i) : m), 0);
  const bound = levels.reduce((n, _, l) => n + 2 ** addons.filter((a) => a.requires <= l).length, 0);
  const levelsAtLeast = (min: number | undefined) => (min === undefined ? [] : levels.map((_, i) => i).filter((i) => i >= min));
  /** can an actor at some level make this move? (existence is what reachability needs) */
  const someActor = (min: number | undefined, targets: number[]) => levelsAtLeast(min).some((la) => targets.every((t) => protectedOk(la, t)));

  const start: State = { level: entry, addons: 0 };
  const seen = new Map<string, State>([[key(start), start]]);
  const queue: State[] = [start];
  // states users start in (the initial participant list, preauthorization targets) are reachable too
  for (const name of ctx.seedNames) {
    const [lvName, ...addonNames] = name.split('+');
    const level = levelIndex.get(lvName);
    const bits = addonNames.map((a) => addonIndex.get(a));
    if (level === undefined || bits.some((b) => b === undefined || addons[b].requires > level)) continue;
    const seed = { level, addons: bits.reduce((m: number, b) => m | (1 << b!), 0) };
    if (!seen.has(key(seed))) {
      seen.set(key(seed), seed);
      queue.push(seed);
    }
  }
  /** one-step moves from s to other in-room states, with the minimum actor level each needs */
  const moves = (s: State): { to: State; min: number | undefined; protects: number[]; via: SourceSpan | undefined }[] => {
    const out: { to: State; min: number | undefined; protects: number[]; via: SourceSpan | undefined }[] = [];
    for (let l = 0; l < levels.length; l++) {
      if (l === s.level) continue;
      const to = { level: l, addons: s.addons & allowedAddons(l) };
      if (l > s.level) out.push({ to, min: levels[l].givenBy, protects: [s.level, l], via: levels[l].givenBySpan });
      else out.push({ to, min: levels[s.level].droppedBy ?? levels[s.level].givenBy, protects: [s.level, l], via: levels[s.level].droppedBySpan ?? levels[s.level].givenBySpan });
    }
    addons.forEach((a, i) => {
      const bit = 1 << i;
      if (s.addons & bit) out.push({ to: { level: s.level, addons: s.addons & ~bit }, min: a.droppedBy ?? a.givenBy, protects: [s.level], via: a.droppedBySpan ?? a.givenBySpan });
      else if (a.requires <= s.level) out.push({ to: { level: s.level, addons: s.addons | bit }, min: a.givenBy, protects: [s.level], via: a.givenBySpan });
    });
    return out;
  };
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const m of moves(s)) {
      if (!someActor(m.min, m.protects) || seen.has(key(m.to))) continue;
      seen.set(key(m.to), m.to);
      if (seen.size > ctx.maxRoles) {
        ctx.report('hierarchy-too-large', `the hierarchy lowers to more than ${ctx.maxRoles} roles (at most ${bound} states: Σ over levels of 2^(add-ons allowed))`, at(h.span), {
          help: 'raise the limit with `--max-lowered-roles N`, or use fewer add-ons / stricter `requires`',
        });
        return undefined;
      }
      queue.push(m.to);
    }
  }
  const states = [...seen.values()].sort((a, b) => a.level - b.level || popcount(a.addons) - popcount(b.addons) || a.addons - b.addons);
  const nameOf = (s: State) => [levels[s.level].name, ...addons.filter((_, i) => s.addons & (1 << i)).map((a) => a.name)].join('+');

  // --- roles ---------------------------------------------------------------------------------------
  const hasBans = bans !== undefined;
  // index 1 is the banned role's, used or not (role 1 must be named `banned` when it exists)
  const firstIndex = 2;
  const indexOf = new Map(states.map((s, i) => [key(s), firstIndex + i]));
  const names = new Map<string, number>([['none', 0]]);
  if (hasBans) names.set('banned', 1);
  states.forEach((s) => names.set(nameOf(s), indexOf.get(key(s))!));

  const cumulative: Map<number, SourceSpan>[] = [];
  levels.forEach((lv, i) => {
    const m = new Map(i > 0 ? cumulative[i - 1] : []);
    for (const [c, sp] of lv.own) if (!m.has(c)) m.set(c, sp);
    cumulative.push(m);
  });

  const roles: Role[] = [];
  const provenance: LoweredRoleProvenance[] = [];
  const statesOfLevel = (l: number) => states.filter((s) => s.level === l).length;
  const warnedConstraint = new Set<string>();

  // role 0: non-participants (open join) and role 1: the ban list
  const zeroChanges = new Map<number, Set<number>>();
  const zeroProv: LoweredRoleProvenance = { span: at(h.span), origin: 'not in the room (hierarchy)', grants: new Map(), changes: new Map() };
  const zeroCaps: number[] = [];
  if (openJoin) {
    zeroCaps.push(cap(JOIN.open.capability));
    zeroProv.grants.set(cap(JOIN.open.capability), openJoin);
    zeroChanges.set(0, new Set([indexOf.get(key(start))!]));
    zeroProv.changes.set(changeKey(0, indexOf.get(key(start))!), openJoin);
  }
  roles.push({ index: 0, name: 'none', description: 'not in the room', capabilities: zeroCaps, minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: toChanges(zeroChanges) });
  provenance.push(zeroProv);
  if (hasBans) {
    roles.push({ index: 1, name: 'banned', description: 'the ban list', capabilities: [], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: [] });
    provenance.push({ span: ctx.at(bans.span, ctx.fileOf(bans)), origin: 'the ban list (bans)', grants: new Map(), changes: new Map() });
  }

  // what an actor at level la may do, shared by every lowered role of that level
  const perLevel = levels.map((_, la) => {
    const changes = new Map<number, Set<number>>();
    const spans = new Map<string, SourceSpan>();
    const actionCaps = new Map<number, SourceSpan>();
    const addChange = (from: number, to: number, action: EntryUse['action'], via: SourceSpan | undefined) => {
      const capName = usedCapability(action, from, to, hasBans);
      if (!changes.has(from)) changes.set(from, new Set());
      changes.get(from)!.add(to);
      if (via && !spans.has(changeKey(from, to))) spans.set(changeKey(from, to), via);
      if (!actionCaps.has(cap(capName))) actionCaps.set(cap(capName), via ?? at(h.span));
    };
    for (const s of states) {
      const from = indexOf.get(key(s))!;
      for (const m of moves(s)) {
        const to = indexOf.get(key(m.to));
        if (to === undefined || m.min === undefined || la < m.min || !m.protects.every((t) => protectedOk(la, t))) continue;
        addChange(from, to, 'changeRole', m.via);
      }
      if (by.remove_by && la >= by.remove_by.level && protectedOk(la, s.level)) addChange(from, 0, 'remove', by.remove_by.span);
      if (hasBans && banBy && la >= banBy.level && protectedOk(la, s.level)) addChange(from, 1, 'ban', banBy.span);
    }
    const entryIdx = indexOf.get(key(start))!;
    if (by.add_by && la >= by.add_by.level && protectedOk(la, entry)) addChange(0, entryIdx, 'add', by.add_by.span);
    if (hasBans && banBy && la >= banBy.level) addChange(0, 1, 'ban', banBy.span);
    if (hasBans && unbanBy && la >= unbanBy.level && protectedOk(la, entry)) addChange(1, entryIdx, 'unban', unbanBy.span);
    if (by.kick_by && la >= by.kick_by.level) actionCaps.set(cap(ACTIONS.kick.capability!), by.kick_by.span);
    return { changes, spans, actionCaps };
  });
  if (by.kick_by && protect !== 'none')
    ctx.report('lowering-lost', 'kick protection cannot be expressed: `canKick` is not scoped by role changes in the wire model', by.kick_by.span, {
      help: 'a kicker can kick every participant, higher levels included; use `remove_by` (scoped) if protection matters',
    });

  for (const s of states) {
    const index = indexOf.get(key(s))!;
    const lv = levels[s.level];
    const level = perLevel[s.level];
    const grants = new Map(cumulative[s.level]);
    addons.forEach((a, i) => {
      if (s.addons & (1 << i)) for (const [c, sp] of a.grants) if (!grants.has(c)) grants.set(c, sp);
    });
    for (const [c, sp] of level.actionCaps) if (!grants.has(c)) grants.set(c, sp);
    const changes = new Map<number, Set<number>>([...level.changes].map(([f, t]) => [f, new Set(t)]));
    const spans = new Map(level.spans);
    if (leave) {
      if (!changes.has(index)) changes.set(index, new Set());
      changes.get(index)!.add(0);
      const leaveCap = cap(usedCapability('leave', index, 0, hasBans, index));
      if (!grants.has(leaveCap)) grants.set(leaveCap, leave);
      if (!spans.has(changeKey(index, 0))) spans.set(changeKey(index, 0), leave);
    }
    // self moves are not changes of another user; drop entries from a role to itself
    for (const [f, t] of changes) t.delete(f);
    const prov: LoweredRoleProvenance = {
      span: at(lv.decl.span),
      origin: `hierarchy level ${lv.name}${s.addons ? ` + add-ons {${addons.filter((_, i) => s.addons & (1 << i)).map((a) => a.name).join(', ')}}` : ''}`,
      grants,
      changes: spans,
    };
    let constraints = { minParticipants: 0, maxParticipants: null as number | null, minActive: 0, maxActive: null as number | null };
    for (const which of ['participants', 'active'] as const) {
      const c = lv[which];
      if (!c) continue;
      if (statesOfLevel(s.level) === 1) {
        if (which === 'participants') constraints = { ...constraints, minParticipants: c.min.value, maxParticipants: c.max?.value ?? null };
        else constraints = { ...constraints, minActive: c.min.value, maxActive: c.max?.value ?? null };
        prov[which] = at(c.span);
      } else if (!warnedConstraint.has(`${s.level}:${which}`)) {
        warnedConstraint.add(`${s.level}:${which}`);
        ctx.report('lowering-lost', `the \`${which}\` constraint of level \`${lv.name}\` spans ${statesOfLevel(s.level)} lowered roles; the wire counts per role`, at(c.span), {
          help: 'it is dropped from the lowered roles; limit the add-ons allowed at this level to keep it',
        });
      }
    }
    roles.push({
      index,
      name: nameOf(s),
      description: [lv.decl.doc, ...addons.filter((_, i) => s.addons & (1 << i)).map((a) => a.decl.doc)].filter(Boolean).join(' + ') || '',
      capabilities: [...grants.keys()].sort((a, b) => a - b),
      ...constraints,
      changes: toChanges(changes),
    });
    provenance.push(prov);
  }
  ctx.report('lowering-info', `the hierarchy lowers to ${states.length} roles for user states (of at most ${bound} = Σ over ${levels.length} levels of 2^(add-ons allowed)), plus role 0${hasBans ? ' and the banned role' : ''}`, at(h.span));
  return { roles, provenance, names, stateCount: states.length, bound };
}

/**
 * The capability a move needs, from the one semantics (runtime/semantics.ts `entryUses`): lowering
 * decides which moves exist, never which capability a move consumes.
 */
function usedCapability(action: EntryUse['action'], from: number, to: number, bannedRole: boolean, holder = -1): string {
  const use = entryUses(from, to, bannedRole, holder).find((u) => u.action === action);
  if (!use) throw new Error(`lowering: no \`${action}\` use of ${from} -> ${to}`);
  return use.capability;
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

function toChanges(m: Map<number, Set<number>>): Role['changes'] {
  return [...m]
    .filter(([, t]) => t.size > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([from, to]) => ({ from, to: [...to].sort((a, b) => a - b) }));
}
