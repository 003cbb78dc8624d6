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
import { changeKey, type Role, type RoleChange, type SourceSpan } from '../runtime/ir.js';
import { DEFAULT_LIMITS, formatBytes, LIMIT_FLAGS } from '../runtime/limits.js';
import { capabilities } from '../runtime/registry.js';
import { ACTIONS, cap, entryUses, JOIN, type EntryUse } from '../runtime/semantics.js';
import { didYouMean } from '../runtime/suggest.js';

/** @deprecated use `DEFAULT_LIMITS.maxLoweredRoles` (runtime/limits.ts) */
export const DEFAULT_MAX_LOWERED_ROLES = DEFAULT_LIMITS.maxLoweredRoles;

export interface HierarchyContext {
  fileOf(item: A.Item): string;
  at(span: A.Span, file: string): SourceSpan;
  report(kind: DiagnosticKind, message: string, span: SourceSpan, extra?: { labels?: DiagnosticLabel[]; help?: string }): void;
  /** capability codes of a grant reference (a capability or a package), reporting unknown names */
  resolveGrant(ref: A.Ident, file: string): number[] | undefined;
  /** refuse above this many lowered roles for user states (`--max-lowered-roles`) */
  maxRoles: number;
  /** refuse above this many authorized role-change targets over all lowered roles (`--max-lowered-targets`) */
  maxTargets?: number;
  /** role names used by the participant list and preauth (`owner`, `moderator+programmer`): initial states */
  seedNames: readonly string[];
  /** the role names of the preauth entries, in order (what `canChangeOwnRole` can move a holder to) */
  preauthNames?: readonly string[];
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
  /** what the lowering was predicted to produce before it ran: all roles, change targets, RoleData bytes (about) */
  size: LoweringSize;
}

export interface LoweringSize {
  roles: number;
  targets: number;
  wireBytes: number;
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
  /** `add_by L` on the level: holders of L or above add users directly at it */
  addBy?: number;
  addBySpan?: SourceSpan;
  /** `self_drop` on the level: its holders may step down (carried only through preauth) */
  selfDrop?: SourceSpan;
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
      } else if (item.kind === 'Constraint') {
        // the wire's counts are uint32: a larger bound is refused here, as on a role
        const big = [item.min, item.max].find((lit) => lit && lit.value > 0xffffffff);
        if (big) ctx.report('value-out-of-range', `${big === item.min ? 'minimum' : 'maximum'} \`${big.text}\` does not fit in a uint32`, at(big.span));
        else lv[item.which] = item;
      }
      else if (item.kind === 'GivenBy') [lv.givenBy, lv.givenBySpan] = [levelRef(item.level, lv.file), at(item.span)];
      else if (item.kind === 'DroppedBy') [lv.droppedBy, lv.droppedBySpan] = [levelRef(item.level, lv.file), at(item.span)];
      else if (item.kind === 'AddBy') [lv.addBy, lv.addBySpan] = [levelRef(item.level, lv.file), at(item.span)];
      else if (item.kind === 'SelfDrop') lv.selfDrop = at(item.span);
      else {
        ctx.report('unknown-level', `\`${item.kind === 'SelfAssign' ? 'self_assign' : 'requires'}\` applies to add-ons, not levels`, at(item.span));
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
      else if (item.kind === 'AddBy') {
        ctx.report('unknown-level', '`add_by` in an add-on: users are added at a level (write it in that level, or in the hierarchy for the entry level)', ctx.at(item.span, file));
        ok = false;
      } else if (item.kind === 'SelfAssign' || item.kind === 'SelfDrop')
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
  if (levels.length > ctx.maxRoles) {
    ctx.report('hierarchy-too-large', `the hierarchy declares ${fmt(levels.length)} levels; the limit is ${fmt(ctx.maxRoles)} lowered roles`, at(h.span), { help: `raise the limit with \`${LIMIT_FLAGS.maxLoweredRoles} <n>\`` });
    return undefined;
  }
  // add-on sets are 31-bit masks; 2^31 roles is beyond any limit anyway
  if (addons.length > 30) {
    ctx.report('hierarchy-too-large', `${addons.length} add-ons: lowering supports at most 30 (they would make at least 2^31 roles)`, ctx.at(addonDecls[30].name.span, ctx.fileOf(addonDecls[30])));
    return undefined;
  }

  // --- bans -------------------------------------------------------------------------------------
  let banBy: { level: number; span: SourceSpan } | undefined;
  let unbanBy: { level: number; span: SourceSpan } | undefined;
  /** `members_only`: no `none -> banned` entry, so nobody bans a user who is not in the room */
  let membersOnly = false;
  if (bans) {
    const file = ctx.fileOf(bans);
    for (const s of bans.settings) {
      if (s.key === 'by' || s.key === 'unban_by') {
        const l = levelRef(s.value!, file);
        if (l !== undefined) (s.key === 'by' ? (banBy = { level: l, span: ctx.at(s.span, file) }) : (unbanBy = { level: l, span: ctx.at(s.span, file) }));
      } else if (s.key === 'members_only') membersOnly = true;
      else
        ctx.report('lowering-lost', s.key === 'reasons' ? 'ban reasons are not carried by the wire format' : 'ban expiry (timed bans) is not carried by the wire format', ctx.at(s.span, file), {
          help: s.key === 'reasons' ? 'a ban is a move to role 1; keep reasons in your provider’s own records' : 'a ban lasts until someone unbans; expiring bans need an actor (e.g. a policy enforcer) to unban on time',
        });
    }
  }
  if (!ok) return undefined;

  // --- rules that can never take effect, or that the wire widens ---------------------------------------
  // protection only widens with the actor's level: the top level can act whenever any level can
  const canEver = (min: number | undefined, target: number) => min !== undefined && protectedOk(levels.length - 1, target);
  levels.forEach((lv, l) => {
    if (lv.givenBy !== undefined && !canEver(lv.givenBy, l))
      ctx.report('lowering-lost', `\`given_by\` on level \`${lv.name}\` can never take effect: under \`protect ${protect}\` no level that may give it can act on \`${lv.name}\``, lv.givenBySpan!, {
        help: protect === 'strictly_lower' ? 'use `protect lower_or_equal` (e.g. for an owner handing over ownership), or give it from a higher level' : 'give it from a higher level',
      });
  });
  // a level named by given_by/dropped_by/add_by that the protection keeps from acting on the level: the rule
  // silently starts higher up (the lowest level that can act on `target` and is at least `named`)
  const lowestActing = (named: number, target: number) => Math.max(named, protect === 'none' ? 0 : protect === 'lower_or_equal' ? target : target + 1);
  const overridden = (what: string, named: number, target: number, span: SourceSpan, on: string) => {
    const eff = lowestActing(named, target);
    if (eff === named || eff >= levels.length) return;
    const verb = what === 'add_by' ? `add users at \`${levels[target].name}\`` : what === 'given_by' ? `move anyone to \`${levels[target].name}\`` : `act on \`${levels[target].name}\``;
    ctx.report('protection-overrides-level', `\`${what} ${levels[named].name}\` ${on} is ignored under \`protect ${protect}\`: holders of \`${levels[named].name}\` cannot ${verb}; the lowest level that can is \`${levels[eff].name}\``, span, {
      help: `write \`${what} ${levels[eff].name}\` to say what happens${protect === 'strictly_lower' ? ', or use `protect lower_or_equal`' : ''}`,
    });
  };
  levels.forEach((lv, l) => {
    if (lv.givenBy !== undefined) overridden('given_by', lv.givenBy, l, lv.givenBySpan!, `on level \`${lv.name}\``);
    if (lv.droppedBy !== undefined) overridden('dropped_by', lv.droppedBy, l, lv.droppedBySpan!, `on level \`${lv.name}\``);
    if (lv.addBy !== undefined) {
      if (!canEver(lv.addBy, l))
        ctx.report('lowering-lost', `\`add_by\` on level \`${lv.name}\` can never take effect: under \`protect ${protect}\` no level may add users at \`${lv.name}\``, lv.addBySpan!, {
          help: protect === 'strictly_lower' ? 'use `protect lower_or_equal`, or list the participant at creation' : 'list the participant at creation',
        });
      else overridden('add_by', lv.addBy, l, lv.addBySpan!, `on level \`${lv.name}\``);
    }
  });
  if (by.add_by) {
    if (!canEver(by.add_by.level, entry))
      ctx.report('lowering-lost', `\`add_by\` can never take effect: under \`protect ${protect}\` no level may add users at the entry level \`${levels[entry].name}\``, by.add_by.span, {
        help: protect === 'strictly_lower' ? 'use `protect lower_or_equal`, or a lower entry level' : 'use a lower entry level',
      });
    else overridden('add_by', by.add_by.level, entry, by.add_by.span, `(at the entry level \`${levels[entry].name}\`)`);
  }
  for (const a of addons)
    if (a.givenBy !== undefined && !levels.some((_, l) => l >= a.requires && canEver(a.givenBy, l)))
      ctx.report('lowering-lost', `\`given_by\` on add-on \`${a.name}\` can never take effect under \`protect ${protect}\``, a.givenBySpan!);
  if (leave && by.remove_by && protect === 'strictly_lower')
    ctx.report('lowering-lost', `with \`leave\` and \`remove_by\`, holders of a level at or above \`${levels[by.remove_by.level].name}\` can remove peers of their own role: the \`X -> none\` entry that lets them leave also authorizes removing others`, by.remove_by.span, {
      help: 'the wire has one entry for both; protection between peers is lost for removal',
    });

  // --- the model as bit masks ---------------------------------------------------------------------
  // A state is (level, mask of add-ons). Whether a move may be made, and by whom, depends only on the
  // levels involved and the add-on moved — never on the other add-ons — which keeps both the counting
  // and the building below cheap: counting works on cubes of masks, building is linear in the output.
  const L = levels.length;
  const top = L - 1;
  const allowed = levels.map((_, l) => addons.reduce((m, a, i) => (a.requires <= l ? m | (1 << i) : m), 0));
  const bound = allowed.reduce((n, m) => n + 2 ** popcount(m), 0);
  const dropMin = addons.map((a) => a.droppedBy ?? a.givenBy);
  /** an actor at `la` acts on levels below this one (protectedOk(la, t) ⇔ t < reach(la)) */
  const reach = (la: number) => Math.min(L, protect === 'none' ? L : protect === 'lower_or_equal' ? la + 1 : la);
  /** the minimum actor level of a demotion from `l` (a promotion to `t` needs `levels[t].givenBy`) */
  const downMin = (l: number) => levels[l].droppedBy ?? levels[l].givenBy;
  const givers = (la: number) => addons.reduce((m, a, i) => (a.givenBy !== undefined && a.givenBy <= la ? m | (1 << i) : m), 0);
  const droppers = (la: number) => dropMin.reduce((m: number, d, i) => (d !== undefined && d <= la ? m | (1 << i) : m), 0);
  // reachability asks whether *some* actor may make a move: the top level may whenever anyone may
  const reachTop = reach(top);
  const giveTop = givers(top);
  const dropTop = droppers(top);

  /** the levels an actor at `la` may add users at (ascending): the entry level by `add_by`, others by their own `add_by` */
  const addLevels = (la: number): number[] =>
    levels.flatMap((lv, t) => (t < reach(la) && ((t === entry && by.add_by !== undefined && la >= by.add_by.level) || (lv.addBy !== undefined && la >= lv.addBy)) ? [t] : []));

  // initial states: the entry level, the levels users can be added at, and the states the participant list, preauth and scenarios name
  const seeds: [number, number][] = [[entry, 0]];
  for (const t of addLevels(top)) if (t !== entry) seeds.push([t, 0]);
  for (const name of ctx.seedNames) {
    const [lvName, ...addonNames] = name.split('+');
    const level = levelIndex.get(lvName);
    const bits = addonNames.map((a) => addonIndex.get(a));
    if (level === undefined || bits.some((b) => b === undefined || addons[b].requires > level)) continue;
    seeds.push([level, bits.reduce((m: number, b) => m | (1 << b!), 0)]);
  }

  const hasBans = bans !== undefined;

  // --- the size of the output, counted before building it ----------------------------------------
  const maxTargets = ctx.maxTargets ?? DEFAULT_LIMITS.maxLoweredTargets;
  // the role limit counts every lowered role: `none`, `banned` and one per user state
  const maxStates = Math.max(0, ctx.maxRoles - 1 - (hasBans ? 1 : 0));
  const size = countLowering();
  if (size === 'too-many-states' || size.roles > ctx.maxRoles || size.targets > maxTargets) {
    const over: ('maxLoweredRoles' | 'maxLoweredTargets')[] =
      size === 'too-many-states' ? ['maxLoweredRoles'] : [...(size.roles > ctx.maxRoles ? (['maxLoweredRoles'] as const) : []), ...(size.targets > maxTargets ? (['maxLoweredTargets'] as const) : [])];
    const what =
      size === 'too-many-states'
        ? `more than ${fmt(ctx.maxRoles)} roles (of at most ${fmt(bound)} states: Σ over levels of 2^(add-ons allowed))`
        : `${fmt(size.roles)} roles and ${fmt(size.targets)} authorized role-change targets (${bytesAbout(size.wireBytes)} of RoleData)`;
    const limits = over.map((k) => (k === 'maxLoweredRoles' ? `${fmt(ctx.maxRoles)} roles` : `${fmt(maxTargets)} targets`));
    ctx.report('hierarchy-too-large', `the hierarchy would lower to ${what}; the limit is ${limits.join(' and ')}`, at(h.span), {
      help: `raise the limit with ${over.map((k) => `\`${LIMIT_FLAGS[k]} <n>\``).join(' and ')}, or use fewer add-ons, stricter \`requires\` or fewer \`given_by\` levels: every lowered role lists the moves its level may make on every state`,
    });
    return undefined;
  }

  // --- reachable states ------------------------------------------------------------------------------
  const masks = enumerateStates(maxStates);
  if (!masks) {
    // the count above is exact; this cannot happen unless it drifts, and then it is still a refusal
    ctx.report('hierarchy-too-large', `the hierarchy would lower to more than ${fmt(ctx.maxRoles)} roles`, at(h.span), { help: `raise the limit with \`${LIMIT_FLAGS.maxLoweredRoles} <n>\`` });
    return undefined;
  }
  const stateLevel: number[] = [];
  const stateMask: number[] = [];
  // index 1 is the banned role's, used or not (role 1 must be named `banned` when it exists)
  const firstIndex = 2;
  const indexAt = levels.map(() => new Map<number, number>());
  masks.forEach((ms, l) =>
    ms.forEach((m) => {
      indexAt[l].set(m, firstIndex + stateLevel.length);
      stateLevel.push(l);
      stateMask.push(m);
    }),
  );
  const n = stateLevel.length;
  const idx = (l: number, m: number) => indexAt[l].get(m)!;
  const addonsOf = (m: number) => addons.filter((_, i) => m & (1 << i));
  const nameOf = (l: number, m: number) => [levels[l].name, ...addonsOf(m).map((a) => a.name)].join('+');
  const entryIdx = idx(entry, 0);

  // --- roles ---------------------------------------------------------------------------------------
  const names = new Map<string, number>([['none', 0]]);
  if (hasBans) names.set('banned', 1);
  for (let k = 0; k < n; k++) names.set(nameOf(stateLevel[k], stateMask[k]), firstIndex + k);

  const cumulative: Map<number, SourceSpan>[] = [];
  levels.forEach((lv, i) => {
    const m = new Map(i > 0 ? cumulative[i - 1] : []);
    for (const [c, sp] of lv.own) if (!m.has(c)) m.set(c, sp);
    cumulative.push(m);
  });

  const roles: Role[] = [];
  const provenance: LoweredRoleProvenance[] = [];
  const statesOfLevel = masks.map((ms) => ms.length);
  const warnedConstraint = new Set<string>();

  // role 0: non-participants (open join) and role 1: the ban list
  const zeroProv: LoweredRoleProvenance = { span: at(h.span), origin: 'not in the room (hierarchy)', grants: new Map(), changes: new Map() };
  const zeroCaps: number[] = [];
  const zeroChanges: RoleChange[] = [];
  if (openJoin) {
    zeroCaps.push(cap(JOIN.open.capability));
    zeroProv.grants.set(cap(JOIN.open.capability), openJoin);
    zeroChanges.push({ from: 0, to: [entryIdx] });
    zeroProv.changes.set(changeKey(0, entryIdx), openJoin);
  }
  roles.push({ index: 0, name: 'none', description: 'not in the room', capabilities: zeroCaps, minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: zeroChanges });
  provenance.push(zeroProv);
  if (hasBans) {
    roles.push({ index: 1, name: 'banned', description: 'the ban list', capabilities: [], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: [] });
    provenance.push({ span: ctx.at(bans.span, ctx.fileOf(bans)), origin: 'the ban list (bans)', grants: new Map(), changes: new Map() });
  }

  // the capability each kind of entry consumes (runtime/semantics.ts decides; remembered by the shape of the entry)
  const capMemo = new Map<string, number>();
  const capOf = (action: EntryUse['action'], from: number, to: number, holder = -1): number => {
    const shape = (i: number) => (i === 0 ? 0 : i === 1 ? 1 : 2);
    const k = `${action}:${shape(from)}:${shape(to)}:${holder === from ? 'f' : shape(holder)}`;
    let c = capMemo.get(k);
    if (c === undefined) capMemo.set(k, (c = cap(usedCapability(action, from, to, hasBans, holder))));
    return c;
  };

  /**
   * What an actor at level `la` may do, shared by every lowered role of that level: the entries
   * (sorted by source, targets ascending), where each comes from, and the capabilities the moves need.
   * Linear in the entries it makes.
   */
  const buildLevel = (la: number) => {
    const c = reach(la);
    const spans = new Map<string, SourceSpan>();
    const actionCaps = new Map<number, SourceSpan>();
    const note = (from: number, to: number, action: EntryUse['action'], via: SourceSpan | undefined) => {
      if (via && !spans.has(changeKey(from, to))) spans.set(changeKey(from, to), via);
      const cp = capOf(action, from, to);
      if (!actionCaps.has(cp)) actionCaps.set(cp, via ?? at(h.span));
    };
    const gl = givers(la);
    const dl = droppers(la);
    const upLevels = levels.map((_, t) => t).filter((t) => t < c && levels[t].givenBy !== undefined && levels[t].givenBy! <= la);
    const removes = by.remove_by && la >= by.remove_by.level;
    const banning = hasBans && banBy && la >= banBy.level;
    const stateEntries: RoleChange[] = [];
    let up = 0;
    for (let k = 0; k < n; k++) {
      const l = stateLevel[k];
      if (l >= c) break; // states are in level order: the rest are protected from `la`
      const m = stateMask[k];
      const from = firstIndex + k;
      const to: number[] = [];
      const dm = downMin(l);
      if (dm !== undefined && dm <= la) {
        const via = levels[l].droppedBySpan ?? levels[l].givenBySpan;
        for (let t = 0; t < l; t++) {
          const j = idx(t, m & allowed[t]);
          to.push(j);
          note(from, j, 'changeRole', via);
        }
      }
      while (up < upLevels.length && upLevels[up] <= l) up++;
      for (let u = up; u < upLevels.length; u++) {
        const t = upLevels[u];
        const j = idx(t, m & allowed[t]);
        to.push(j);
        note(from, j, 'changeRole', levels[t].givenBySpan);
      }
      for (let bits = (gl & allowed[l] & ~m) | (dl & m); bits; bits &= bits - 1) {
        const bit = bits & -bits;
        const a = addons[31 - Math.clz32(bit)];
        const j = idx(l, m ^ bit);
        to.push(j);
        note(from, j, 'changeRole', m & bit ? (a.droppedBySpan ?? a.givenBySpan) : a.givenBySpan);
      }
      if (removes) {
        to.push(0);
        note(from, 0, 'remove', by.remove_by!.span);
      }
      if (banning) {
        to.push(1);
        note(from, 1, 'ban', banBy!.span);
      }
      if (to.length > 0) stateEntries.push({ from, to: to.sort((x, y) => x - y) });
    }
    const from0: number[] = [];
    const from1: number[] = [];
    for (const t of addLevels(la)) {
      const j = idx(t, 0);
      from0.push(j);
      note(0, j, 'add', t === entry && by.add_by && la >= by.add_by.level ? by.add_by.span : levels[t].addBySpan);
    }
    if (banning && !membersOnly) {
      from0.push(1);
      note(0, 1, 'ban', banBy!.span);
    }
    if (hasBans && unbanBy && la >= unbanBy.level && entry < c) {
      from1.push(entryIdx);
      note(1, entryIdx, 'unban', unbanBy.span);
    }
    if (by.kick_by && la >= by.kick_by.level) actionCaps.set(cap(ACTIONS.kick.capability!), by.kick_by.span);
    const entries: RoleChange[] = [];
    if (from0.length > 0) entries.push({ from: 0, to: from0.sort((x, y) => x - y) });
    if (from1.length > 0) entries.push({ from: 1, to: from1 });
    for (const e of stateEntries) entries.push(e);
    return { entries, spans, actionCaps };
  };
  const perLevel = new Map<number, ReturnType<typeof buildLevel>>();
  if (by.kick_by && protect !== 'none')
    ctx.report('lowering-lost', 'kick protection cannot be expressed: `canKick` is not scoped by role changes in the wire model', by.kick_by.span, {
      help: 'a kicker can kick every participant, higher levels included; use `remove_by` (scoped) if protection matters',
    });

  // stepping down (`self_drop` on a level): the wire has no self-demotion. `changeOwnRole` moves the sender to
  // the role of the first preauth entry (with a non-zero role) matching its claims, consuming no entry. That
  // is a step down exactly when every non-zero preauth role is a state of a lower level; then the level's
  // roles get canChangeOwnRole, otherwise nothing is carried. Either way a warning says what is lost.
  const preauthLevels = (ctx.preauthNames ?? []).filter((nm) => nm !== 'none').map((nm) => {
    const st = names.get(nm);
    return { name: nm, level: st === undefined || st < firstIndex ? undefined : stateLevel[st - firstIndex] };
  });
  const stepDown = levels.map((lv, l) => {
    if (!lv.selfDrop) return false;
    const up = preauthLevels.find((p) => p.level === undefined || p.level >= l);
    const carried = preauthLevels.length > 0 && !up;
    const lower = [...new Set(preauthLevels.map((p) => p.name))].map((nm) => `\`${nm}\``).join(', ');
    ctx.report(
      'lowering-lost',
      carried
        ? `\`self_drop\` on level \`${lv.name}\`: the wire has no self-demotion; a holder steps down only through preauthorization, to the role of the first preauth entry its claims match (${lower}), not to a level of its choice`
        : l === 0
          ? `\`self_drop\` on level \`${lv.name}\` means nothing: it is the lowest level, there is no level to step down to`
          : `\`self_drop\` on level \`${lv.name}\` cannot be expressed on the wire: ${preauthLevels.length === 0 ? 'no preauth entry names a lower level' : `the preauth entry for \`${up!.name}\` is not below \`${lv.name}\``}; lowered as not self-demotable`,
      lv.selfDrop,
      {
        help: carried
          ? 'its roles get canChangeOwnRole (changeOwnRole takes the first non-zero preauth match and consumes no role-change entry); a holder whose claims match no entry cannot step down'
          : 'a participant changes its own role only by changeOwnRole, to the first preauth entry matching its claims; granting canChangeOwnRole here would let holders move to a level that is not lower. Leaving and rejoining is not a step down (it needs an add or a join at that level); a higher level can demote with `dropped_by`',
      },
    );
    return carried;
  });
  const changeOwn = cap(ACTIONS.changeOwnRole.capability!);

  let targets = roles.reduce((t, r) => t + r.changes.reduce((u, e) => u + e.to.length, 0), 0);
  for (let k = 0; k < n; k++) {
    const index = firstIndex + k;
    const l = stateLevel[k];
    const m = stateMask[k];
    const lv = levels[l];
    let level = perLevel.get(l);
    if (!level) perLevel.set(l, (level = buildLevel(l)));
    const grants = new Map(cumulative[l]);
    for (const a of addonsOf(m)) for (const [c, sp] of a.grants) if (!grants.has(c)) grants.set(c, sp);
    for (const [c, sp] of level.actionCaps) if (!grants.has(c)) grants.set(c, sp);
    if (stepDown[l] && !grants.has(changeOwn)) grants.set(changeOwn, lv.selfDrop!);
    // the entries are shared by the roles of a level (nothing mutates a policy's entries); leaving adds `self -> none`
    let changes = level.entries;
    if (leave) {
      changes = changes.slice();
      const at0 = lowerBound(changes, index);
      if (at0 < changes.length && changes[at0].from === index) {
        if (changes[at0].to[0] !== 0) changes[at0] = { from: index, to: [0, ...changes[at0].to] };
      } else changes.splice(at0, 0, { from: index, to: [0] });
      const leaveCap = capOf('leave', index, 0, index);
      if (!grants.has(leaveCap)) grants.set(leaveCap, leave);
      // the span map is shared too: a role looks up only its own entries, and `index -> 0` is this role's
      if (!level.spans.has(changeKey(index, 0))) level.spans.set(changeKey(index, 0), leave);
    }
    for (const e of changes) targets += e.to.length;
    const prov: LoweredRoleProvenance = {
      span: at(lv.decl.span),
      origin: `hierarchy level ${lv.name}${m ? ` + add-ons {${addonsOf(m).map((a) => a.name).join(', ')}}` : ''}`,
      grants,
      changes: level.spans,
    };
    let constraints = { minParticipants: 0, maxParticipants: null as number | null, minActive: 0, maxActive: null as number | null };
    for (const which of ['participants', 'active'] as const) {
      const c = lv[which];
      if (!c) continue;
      if (statesOfLevel[l] === 1) {
        if (which === 'participants') constraints = { ...constraints, minParticipants: c.min.value, maxParticipants: c.max?.value ?? null };
        else constraints = { ...constraints, minActive: c.min.value, maxActive: c.max?.value ?? null };
        prov[which] = at(c.span);
      } else if (!warnedConstraint.has(`${l}:${which}`)) {
        warnedConstraint.add(`${l}:${which}`);
        ctx.report('lowering-lost', `the \`${which}\` constraint of level \`${lv.name}\` spans ${statesOfLevel[l]} lowered roles; the wire counts per role`, at(c.span), {
          help: 'it is dropped from the lowered roles; limit the add-ons allowed at this level to keep it',
        });
      }
    }
    roles.push({
      index,
      name: nameOf(l, m),
      description: [lv.decl.doc, ...addonsOf(m).map((a) => a.decl.doc)].filter(Boolean).join(' + ') || '',
      capabilities: [...grants.keys()].sort((a, b) => a - b),
      ...constraints,
      changes,
    });
    provenance.push(prov);
  }
  ctx.report(
    'lowering-info',
    `the hierarchy lowers to ${n} roles for user states (of at most ${bound} = Σ over ${L} levels of 2^(add-ons allowed)), plus role 0${hasBans ? ' and the banned role' : ''}, with ${fmt(targets)} authorized role-change targets (${bytesAbout(size.wireBytes)} of RoleData)`,
    at(h.span),
  );
  return { roles, provenance, names, stateCount: n, bound, size: { roles: size.roles, targets: size.targets, wireBytes: size.wireBytes } };

  // --- counting ------------------------------------------------------------------------------------

  /**
   * The reachable states as sorted masks per level (by number of add-ons, then mask), found by a
   * breadth-first search over (level, mask); undefined past `limit` states. Linear in the states.
   */
  function enumerateStates(limit: number): number[][] | undefined {
    const seen = levels.map(() => new Set<number>());
    const ql: number[] = [];
    const qm: number[] = [];
    const visit = (l: number, m: number): boolean => {
      if (seen[l].has(m)) return true;
      if (ql.length >= limit) return false;
      seen[l].add(m);
      ql.push(l);
      qm.push(m);
      return true;
    };
    for (const [l, m] of seeds) if (!visit(l, m)) return undefined;
    for (let q = 0; q < ql.length; q++) {
      const l = ql[q];
      const m = qm[q];
      if (l >= reachTop) continue; // nobody may act on this level
      const dm = downMin(l);
      for (let t = 0; t < reachTop; t++) {
        const min = t > l ? levels[t].givenBy : t < l ? dm : undefined;
        if (min !== undefined && !visit(t, m & allowed[t])) return undefined;
      }
      for (let bits = (giveTop & allowed[l] & ~m) | (dropTop & m); bits; bits &= bits - 1) if (!visit(l, m ^ (bits & -bits))) return undefined;
    }
    return seen.map((s) => [...s].sort((a, b) => popcount(a) - popcount(b) || a - b));
  }

  /**
   * What the lowering will produce — user-state roles, all roles, authorized role-change targets and
   * about how many RoleData bytes — counted without building a role. The reachable states are a union
   * of cubes (each add-on fixed at 0, fixed at 1, or free) per level: a move within a level flips one
   * add-on whatever the others are, and a move between levels masks the add-ons the target allows.
   * Counting a union of cubes is inclusion–exclusion, budgeted; past the budget (irregular `requires`
   * and `given_by` patterns) the states are enumerated instead, up to the role limit.
   */
  function countLowering(): { states: number; roles: number; targets: number; wireBytes: number } | 'too-many-states' {
    const N = addons.length;
    let S: number[];
    let O: number[][]; // O[l][i]: states at level l holding add-on i
    const counted = countByCubes();
    if (counted) [S, O] = counted;
    else {
      const ms = enumerateStates(maxStates);
      if (!ms) return 'too-many-states';
      S = ms.map((x) => x.length);
      O = ms.map((x) => addons.map((_, i) => x.filter((m) => m & (1 << i)).length));
    }
    const prefS = [0];
    for (let l = 0; l < L; l++) prefS.push(prefS[l] + S[l]);
    const prefO = addons.map((_, i) => {
      const p = [0];
      for (let l = 0; l < L; l++) p.push(p[l] + O[l][i]);
      return p;
    });
    const states = prefS[L];
    // capabilities a level grants with those below it
    const levelCaps: number[] = [];
    const seenCaps = new Set<number>();
    for (const lv of levels) levelCaps.push((lv.own.forEach((_, c) => seenCaps.add(c)), seenCaps.size));
    let targets = openJoin ? 1 : 0;
    let wireBytes = 4 + 40 + (hasBans ? 40 : 0) + (openJoin ? 10 : 0);
    for (let la = 0; la < L; la++) {
      if (S[la] === 0) continue;
      const c = reach(la);
      // promotions and demotions: from each level below c, to every level below c the actor may move to
      let t = 0;
      let upAbove = 0;
      for (let l = L - 1; l >= 0; l--) {
        if (l < c && S[l] > 0) {
          const dm = downMin(l);
          t += S[l] * ((dm !== undefined && dm <= la ? l : 0) + upAbove);
        }
        const g = levels[l].givenBy;
        if (l < c && g !== undefined && g <= la) upAbove++;
      }
      // giving and dropping add-ons
      for (let i = 0; i < N; i++) {
        const a = addons[i];
        if (dropMin[i] !== undefined && dropMin[i]! <= la) t += prefO[i][c];
        if (a.givenBy !== undefined && a.givenBy <= la && c > a.requires) t += prefS[c] - prefS[a.requires] - (prefO[i][c] - prefO[i][a.requires]);
      }
      if (by.remove_by && la >= by.remove_by.level) t += prefS[c];
      const banning = hasBans && banBy !== undefined && la >= banBy.level;
      if (banning) t += prefS[c] + (membersOnly ? 0 : 1);
      const adds = addLevels(la).length;
      const add = adds > 0 || (banning && !membersOnly);
      const unban = hasBans && unbanBy !== undefined && la >= unbanBy.level && entry < c;
      t += adds + (unban ? 1 : 0);
      const leaves = leave && !(by.remove_by && la >= by.remove_by.level && la < c) ? 1 : 0;
      targets += S[la] * (t + leaves);
      // bytes: 4 per target, about 5 per source entry (at most one per state the actor may act on), the role's own fields
      const entries = Math.min(t, prefS[c] + (add ? 1 : 0) + (unban ? 1 : 0)) + (leave ? 1 : 0);
      const nameBytes = S[la] * (utf8(levels[la].name) + 1) + addons.reduce((s, a, i) => s + O[la][i] * (utf8(a.name) + 1), 0);
      const docBytes = S[la] * utf8(levels[la].decl.doc ?? '') + addons.reduce((s, a, i) => s + O[la][i] * (utf8(a.decl.doc ?? '') + 3), 0);
      wireBytes += S[la] * (4 + 2 + 2 * (levelCaps[la] + 4) + 4 + 1 + 4 + 1 + 4 + 5 * entries + 4 * (t + leaves)) + nameBytes + docBytes;
    }
    return { states, roles: states + 1 + (hasBans ? 1 : 0), targets, wireBytes };
  }

  /** per level: the number of reachable states, and of those holding each add-on; undefined past the budget */
  function countByCubes(): [number[], number[][]] | undefined {
    const cubes: Cube[][] = levels.map(() => []);
    const pending: [number, Cube][] = [];
    let total = 0;
    const close = (l: number, c: Cube): Cube => {
      if (l >= reachTop) return c;
      const free = c.free | (giveTop & allowed[l] & ~c.ones) | (dropTop & c.ones);
      return { free, ones: c.ones & ~free };
    };
    const add = (l: number, c0: Cube): boolean => {
      const c = close(l, c0);
      if (cubes[l].some((o) => contains(o, c))) return true;
      if (++total > CUBE_BUDGET) return false;
      cubes[l].push(c);
      pending.push([l, c]);
      return true;
    };
    for (const [l, m] of seeds) if (!add(l, { free: 0, ones: m })) return undefined;
    while (pending.length > 0) {
      const [l, c] = pending.pop()!;
      if (l >= reachTop) continue;
      const dm = downMin(l);
      for (let t = 0; t < reachTop; t++) {
        const min = t > l ? levels[t].givenBy : t < l ? dm : undefined;
        if (min !== undefined && !add(t, { free: c.free & allowed[t], ones: c.ones & allowed[t] })) return undefined;
      }
    }
    const budget = { left: UNION_BUDGET };
    try {
      const S = cubes.map((cs) => countUnion(cs, budget));
      const O = cubes.map((cs, l) => addons.map((_, i) => (allowed[l] & (1 << i) ? countUnion(cs.flatMap((c) => withBit(c, 1 << i)), budget) : 0)));
      return [S, O];
    } catch (e) {
      if (e === OUT_OF_BUDGET) return undefined;
      throw e;
    }
  }
}

/** A set of add-on masks: the bits in `free` take either value, the others are those of `ones`. */
interface Cube {
  free: number;
  ones: number;
}
const CUBE_BUDGET = 2_000;
const UNION_BUDGET = 20_000_000;
const OUT_OF_BUDGET = Symbol('out of budget');
const contains = (o: Cube, c: Cube) => (c.free & ~o.free) === 0 && (c.ones & ~o.free) === o.ones;
const withBit = (c: Cube, bit: number): Cube[] => (c.free & bit ? [{ free: c.free & ~bit, ones: c.ones | bit }] : c.ones & bit ? [c] : []);
function intersect(a: Cube, b: Cube): Cube | undefined {
  if ((a.ones ^ b.ones) & ~a.free & ~b.free) return undefined;
  return { free: a.free & b.free, ones: a.ones | b.ones };
}
/** |C1 ∪ … ∪ Ck| = Σ_j |Cj| − |∪_{i<j} (Cj ∩ Ci)|, after dropping cubes another contains */
function countUnion(all: Cube[], budget: { left: number }): number {
  budget.left -= all.length * all.length + 1;
  if (budget.left < 0) throw OUT_OF_BUDGET;
  const cs = all.filter((c, j) => !all.some((o, i) => i !== j && contains(o, c) && (i < j || !contains(c, o))));
  let total = 0;
  for (let j = 0; j < cs.length; j++) {
    const overlaps: Cube[] = [];
    for (let i = 0; i < j; i++) {
      const x = intersect(cs[j], cs[i]);
      if (x) overlaps.push(x);
    }
    total += 2 ** popcount(cs[j].free) - (overlaps.length > 0 ? countUnion(overlaps, budget) : 0);
  }
  return total;
}

function lowerBound(entries: readonly RoleChange[], from: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].from < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "about 18 MB", "more than 1 TB" (the estimate is close, not exact; past a terabyte the digits say nothing) */
const bytesAbout = (n: number) => (n >= 2 ** 40 ? 'more than 1 TB' : `about ${formatBytes(n)}`);
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
/** 1234567 → "1,234,567" */
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

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
