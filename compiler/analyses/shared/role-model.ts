/**
 * The role model every analysis reads: the policy's roles as nodes, and every way a participant can
 * move between them ("moves"), each derived from runtime/semantics.ts (`entryUses` for the
 * `authorized_role_changes` entries, the JOIN table for joins, ACTIONS for fixed membership and for
 * who holds what) — nothing here restates which capability triggers which transition.
 *
 * The model (README "Analyses"): one role per participant; the state that matters is which roles have
 * holders, not who they are, so every question is about roles (n nodes), never about users.
 */
import { ACTIONS, cap, entryUses, hasBannedRole, JOIN, JOIN_VIAS, roleTable, type ActionType, type EntryUse, type JoinVia } from '../../../runtime/semantics.js';
import { capabilityByCode, capabilityByName, capabilityName } from '../../../runtime/registry.js';
import type { PreAuthEntry, Policy, Role } from '../../../runtime/ir.js';
import type { PathStep, PathRole } from '../../../runtime/diagnostics.js';
import { forwardChain, type Rule } from '../../graph/index.js';

/** One way a holder of `actor` can move a user from `from` to `to`. */
export interface Move {
  /** index of the role whose capability is used (for a preauthorized join: the destination) */
  readonly actor: number;
  readonly action: ActionType;
  readonly via?: JoinVia;
  /** the capability's code */
  readonly capability: number;
  readonly from: number;
  readonly to: number;
  /** `other`: on another user; `self`: the holder moves itself; `joiner`: a non-participant joins */
  readonly on: 'self' | 'other' | 'joiner';
  /** consumes the `from -> to` entry of `actor`'s authorized_role_changes */
  readonly entry: boolean;
  /** for a preauthorized join or a changeOwnRole: the preauth entry (position) it uses */
  readonly preauth?: number;
}


/** Capabilities a participant of a role never exercises itself: how one joins *into* it or from outside (JOIN holders `zero`/`destination`). */
export const JOIN_CAPABILITIES: ReadonlySet<number> = new Set(JOIN_VIAS.map((v) => cap(JOIN[v].capability)));
/** The capabilities of actions on another user (add, remove, changeRole, ban, unban, kick). */
export const ON_OTHERS: ReadonlySet<number> = new Set(
  Object.values(ACTIONS)
    .filter((a) => a.refusesSelf && a.capability !== null)
    .map((a) => cap(a.capability!)),
);
/** Capabilities of actions the actor takes on its own membership or clients (it must be listed). */
export const ON_SELF: ReadonlySet<number> = new Set(
  Object.values(ACTIONS)
    .filter((a) => a.holder === 'actor' && a.targetListed === 'n/a' && a.capability !== null)
    .map((a) => cap(a.capability!)),
);
/**
 * Administrative capabilities: acting on other users (ON_OTHERS) or on the room and its policy as a
 * whole (the registry's `disruptive` and `mls` categories, reserved ones excluded).
 */
export const isAdministrative = (c: number): boolean => {
  if (ON_OTHERS.has(c)) return true;
  const info = capabilityByCode.get(c);
  return !!info && !info.reserved && (info.category === 'disruptive' || info.category === 'mls');
};

export const CAN_CHANGE_ROLES = cap('canChangeRoleDefinitions');
export const CAN_CHANGE_PREAUTH = cap('canChangePreauthorizedUserList');
export const CAN_CHANGE_OWN_ROLE = cap(ACTIONS.changeOwnRole.capability!);
export const CAN_UNBAN = cap(ACTIONS.unban.capability!);
export const CAN_JOIN_PREAUTH = cap(JOIN.preauth.capability);

/** Is this use of an action forbidden in a fixed-membership room? (ACTIONS: forbidden outright, or when it adds a new user) */
export function fixedForbids(action: ActionType, from: number): boolean {
  const a = ACTIONS[action];
  return a.forbiddenByFixedMembership || (a.targetListed === 'any' && from === 0);
}

/**
 * `entryUses` with its results shared: its answer depends only on which of the roles involved are
 * role 0, the banned role, the holder or each other (the predicates its body tests), so the uses are
 * computed once per combination. test/analyses.test.ts checks the equivalence against `entryUses`.
 */
export function usesOf(bannedRole: boolean): (from: number, to: number, holder: number) => { action: ActionType; capability: number; on: EntryUse['on'] }[] {
  const memo = new Map<number, { action: ActionType; capability: number; on: EntryUse['on'] }[]>();
  return (from, to, holder) => {
    const key =
      +(from === to) | (+(from === 0) << 1) | (+(to === 0) << 2) | (+(bannedRole && from === 1) << 3) | (+(bannedRole && to === 1) << 4) | (+(holder === from) << 5) | (+(holder === 0) << 6) | (+(holder === to) << 7) | (+(bannedRole && holder === 1) << 8);
    let r = memo.get(key);
    if (!r) memo.set(key, (r = entryUses(from, to, bannedRole, holder).map((u) => ({ action: u.action === 'join-open' ? ('join' as const) : u.action, capability: cap(u.capability), on: u.on }))));
    return r;
  };
}

const subset = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  for (const k of a) if (!b.has(k)) return false;
  return true;
};

export interface PreauthInfo {
  readonly entries: readonly PreAuthEntry[];
  /** for each entry: the earlier entry that is always matched before it, or -1 */
  readonly shadowedBy: readonly number[];
}

export class RoleModel {
  readonly policy: Policy;
  /** defined roles (an index defined twice is undefined), keyed by index */
  readonly byIndex: Map<number, Role>;
  /** role indexes in policy order, role 0 first (whether declared or not) */
  readonly indexes: number[];
  /** dense node id of each role index */
  readonly id: Map<number, number>;
  /** position in `policy.roles` (the provenance key) of each defined role index */
  readonly position: Map<number, number>;
  readonly bannedRole: boolean;
  readonly fixed: boolean;
  readonly caps: Map<number, ReadonlySet<number>>;
  readonly preauth: PreauthInfo;
  /** every move but changeOwnRole (see `ownRole`) */
  readonly moves: Move[];
  /**
   * changeOwnRole, kept apart from `moves` (its pairs, holders × preauth roles, would grow with
   * roles²): each holder (non-zero, holding canChangeOwnRole) may move itself to the role of each
   * live preauth entry (`targets`: non-zero defined roles, each with its first entry, in entry order)
   * other than its own. `ownRoleMove` is one such move.
   */
  readonly ownRole: { readonly holders: readonly number[]; readonly targets: readonly { to: number; at: number }[] };
  /** participant-list counts per role; null when the policy carries no participant list (unknown start) */
  readonly initial: Map<number, number> | null;
  private populatedCache?: { present: Set<number>; actors: Set<number> };
  private readonly index_ = new Map<string, Map<number, Move[]>>();
  private readonly exercisedCache = new Map<number, number[]>();
  private readonly powersCache = new Map<number, number[]>();
  private entrySets?: Map<number, Set<number>>;
  private rules?: { rules: Rule[]; actor: Int32Array };

  constructor(policy: Policy) {
    this.policy = policy;
    this.byIndex = roleTable(policy);
    this.bannedRole = hasBannedRole(policy);
    this.fixed = policy.base.fixedMembership;
    this.position = new Map();
    policy.roles.forEach((r, i) => {
      if (this.byIndex.get(r.index) === r) this.position.set(r.index, i);
    });
    this.indexes = [0, ...policy.roles.filter((r) => r.index !== 0 && this.byIndex.get(r.index) === r).map((r) => r.index)];
    this.id = new Map(this.indexes.map((ix, i) => [ix, i]));
    this.caps = new Map(this.indexes.map((ix) => [ix, new Set(this.byIndex.get(ix)?.capabilities ?? [])]));
    this.preauth = this.shadowing();
    this.initial = policy.participants === null ? null : new Map();
    if (policy.participants) for (const p of policy.participants) this.initial!.set(p.role, (this.initial!.get(p.role) ?? 0) + 1);
    this.moves = this.buildMoves();
    const targets: { to: number; at: number }[] = [];
    const seen = new Set<number>();
    for (const { entry, at } of this.livePreauth()) {
      const t = entry.role.index;
      if (t === 0 || seen.has(t) || !this.byIndex.has(t)) continue;
      seen.add(t);
      targets.push({ to: t, at });
    }
    this.ownRole = { holders: this.indexes.filter((h) => h !== 0 && this.has(h, CAN_CHANGE_OWN_ROLE)), targets };
  }

  /** The changeOwnRole move of a holder of `holder` to `target` (one of `ownRole.targets`). */
  ownRoleMove(holder: number, target: { to: number; at: number }): Move {
    return { actor: holder, action: 'changeOwnRole', capability: CAN_CHANGE_OWN_ROLE, from: holder, to: target.to, on: 'self', entry: false, preauth: target.at };
  }

  get size(): number {
    return this.indexes.length;
  }
  has(index: number, capability: number): boolean {
    return this.caps.get(index)?.has(capability) ?? false;
  }
  isDefined(index: number): boolean {
    return index === 0 || this.byIndex.has(index);
  }
  isBanned(index: number): boolean {
    return this.bannedRole && index === 1;
  }
  /** a role's name (`none` for an undeclared role 0) */
  name(index: number): string {
    return this.byIndex.get(index)?.name ?? (index === 0 ? 'none' : `role ${index}`);
  }
  ref(index: number): PathRole {
    return { index, name: this.name(index) };
  }
  /** `name` in backticks */
  label(index: number): string {
    return `\`${this.name(index)}\``;
  }
  /** how an entry is written in source: `none -> member` */
  entryText(from: number, to: number | number[]): string {
    const side = (i: number) => (i === 0 ? 'none' : this.name(i));
    return `${side(from)} -> ${(Array.isArray(to) ? to : [to]).map(side).join(', ')}`;
  }
  /** Can anyone ever be moved into this role? (a maximum of 0 participants says no) */
  enterable(index: number): boolean {
    if (index === 0) return false;
    const r = this.byIndex.get(index);
    return !!r && r.maxParticipants !== 0;
  }
  /** The capabilities holders of a role exercise themselves: all but the ways of joining into it. */
  exercised(index: number): number[] {
    let r = this.exercisedCache.get(index);
    if (!r) this.exercisedCache.set(index, (r = [...(this.caps.get(index) ?? [])].filter((c) => !JOIN_CAPABILITIES.has(c)).sort((a, b) => a - b)));
    return r;
  }
  /**
   * A role's powers, for escalation: what its holders exercise (`exercised`) except the actions on
   * their own membership and clients (leaving, own clients, changeOwnRole), which give an account
   * someone else controls nothing to use.
   */
  powers(index: number): number[] {
    let r = this.powersCache.get(index);
    if (!r) this.powersCache.set(index, (r = this.exercised(index).filter((c) => !ON_SELF.has(c))));
    return r;
  }

  /** The moves whose `key` (actor, from or to) is `value`, in model order. */
  movesBy(key: 'actor' | 'from' | 'to', value: number): readonly Move[] {
    let byKey = this.index_.get(key);
    if (!byKey) {
      this.index_.set(key, (byKey = new Map()));
      for (const m of this.moves) {
        let l = byKey.get(m[key]);
        if (!l) byKey.set(m[key], (l = []));
        l.push(m);
      }
    }
    return byKey.get(value) ?? [];
  }

  /** Does some move consume the `from -> to` entry of `holder`'s list? */
  entryUsed(holder: number, from: number, to: number): boolean {
    const n = this.size;
    if (!this.entrySets) {
      this.entrySets = new Map();
      for (const m of this.moves) {
        if (!m.entry) continue;
        let set = this.entrySets.get(m.actor);
        if (!set) this.entrySets.set(m.actor, (set = new Set()));
        set.add(this.id.get(m.from)! * n + this.id.get(m.to)!);
      }
    }
    const f = this.id.get(from);
    const t = this.id.get(to);
    return f !== undefined && t !== undefined && (this.entrySets.get(holder)?.has(f * n + t) ?? false);
  }
  capName(c: number): string {
    return capabilityName(c);
  }

  /** Preauth entries and which ones can never be the first match (an earlier entry's claims are a subset). */
  private shadowing(): PreauthInfo {
    const entries = this.policy.preauth ?? [];
    const keys = entries.map((e) => new Set(e.claims.map((c) => `${c.credentialType}|${c.id}|${c.value}`)));
    // a role-0 entry is skipped by changeOwnRole (first match with a non-zero role), so it only
    // shadows later entries when nobody can change their own role
    const ownRole = this.policy.roles.some((r) => r.capabilities.includes(CAN_CHANGE_OWN_ROLE));
    const skip = (i: number) => entries[i].role.index === 0 && ownRole;
    // the first eligible entry with each claim set; an entry with few claims looks up each subset of
    // its claims (2^k lookups: an entry with more claims than it cannot be a subset), one with many
    // compares with every earlier entry
    const canonical = keys.map((k) => [...k].sort());
    const first = new Map<string, number>();
    const shadowedBy = entries.map((_, j) => {
      const mine = canonical[j];
      let found = -1;
      if (mine.length <= 8) {
        for (let mask = 0; mask < 1 << mine.length; mask++) {
          const i = first.get(JSON.stringify(mine.filter((_, b) => mask & (1 << b))));
          if (i !== undefined && (found === -1 || i < found)) found = i;
        }
      } else for (let i = 0; i < j && found === -1; i++) if (!skip(i) && subset(keys[i], keys[j])) found = i;
      const key = JSON.stringify(mine);
      if (!skip(j) && !first.has(key)) first.set(key, j);
      return found;
    });
    return { entries, shadowedBy };
  }

  /** Preauth entries that can be a first match, with their positions. */
  livePreauth(): { entry: PreAuthEntry; at: number }[] {
    return this.preauth.entries.map((entry, at) => ({ entry, at })).filter(({ at }) => this.preauth.shadowedBy[at] === -1);
  }

  private buildMoves(): Move[] {
    const moves: Move[] = [];
    const uses = usesOf(this.bannedRole);
    for (const holder of this.indexes) {
      const role = this.byIndex.get(holder);
      if (!role) continue;
      const caps = this.caps.get(holder)!;
      for (const ch of role.changes) {
        if (!this.isDefined(ch.from)) continue;
        for (const to of ch.to) {
          if (!this.isDefined(to)) continue;
          for (const use of uses(ch.from, to, holder)) {
            if (!caps.has(use.capability) || (this.fixed && fixedForbids(use.action, ch.from))) continue;
            moves.push(use.action === 'join' ? { actor: holder, action: 'join', via: 'open', capability: use.capability, from: ch.from, to, on: use.on, entry: true } : { actor: holder, action: use.action, capability: use.capability, from: ch.from, to, on: use.on, entry: true });
          }
        }
      }
    }
    const live = this.livePreauth();
    if (!this.fixed) {
      // a preauthorized join: the destination holds the capability (JOIN.preauth.holder)
      for (const { entry, at } of live) {
        const t = entry.role.index;
        if (t !== 0 && this.byIndex.has(t) && this.has(t, CAN_JOIN_PREAUTH)) moves.push({ actor: t, action: 'join', via: 'preauth', capability: CAN_JOIN_PREAUTH, from: 0, to: t, on: 'joiner', entry: false, preauth: at });
      }
      // a join code may name any defined non-zero role (semantics.md); role 0's own targets first
      const codeCap = cap(JOIN.code.capability);
      if (this.has(0, codeCap)) {
        const listed = new Set((this.byIndex.get(0)?.changes ?? []).filter((c) => c.from === 0).flatMap((c) => c.to));
        const targets = this.indexes.filter((t) => t !== 0 && !this.isBanned(t));
        for (const t of [...targets.filter((x) => listed.has(x)), ...targets.filter((x) => !listed.has(x))])
          moves.push({ actor: 0, action: 'join', via: 'code', capability: codeCap, from: 0, to: t, on: 'joiner', entry: false });
      }
    }
    // changeOwnRole: `ownRole`
    return moves;
  }

  /** A path step for a move. */
  step(m: Move): PathStep {
    return { actor: this.ref(m.actor), action: m.action, capability: this.capName(m.capability), target: { from: this.ref(m.from), to: this.ref(m.to) } };
  }

  /** Roles of unshadowed preauth entries: an unlisted sender whose claims match acts as that role. */
  externalActors(): Set<number> {
    return new Set(this.livePreauth().map(({ entry }) => entry.role.index).filter((t) => t !== 0 && this.byIndex.has(t)));
  }

  /**
   * Which roles can ever have a participant (`present`), and which can ever act (`actors`: present,
   * role 0, and roles an unlisted sender acts as through preauth), starting from the participant list
   * (every role when the policy carries none) and closing under the moves: a move happens once its
   * actor can act and, for a move of another user, someone can be in its source role.
   * `without` removes roles from the start and from the actors (used by lockout: "once they are empty").
   */
  populate(without: ReadonlySet<number> = new Set()): { present: Set<number>; actors: Set<number> } {
    if (without.size === 0 && this.populatedCache) return this.populatedCache;
    const n = this.size;
    const present = (ix: number) => this.id.get(ix)!;
    const actor = (ix: number) => n + this.id.get(ix)!;
    if (!this.rules) {
      // facts: present(r) = r's node id, actor(r) = n + id; each rule remembers whose action it is (-1: nobody's)
      const rules: Rule[] = [];
      const by: number[] = [];
      for (const ix of this.indexes) rules.push({ premises: [present(ix)], conclusion: actor(ix) }), by.push(ix);
      for (const m of this.moves) {
        if (m.to === 0 || !this.enterable(m.to)) continue;
        if (m.on === 'joiner') rules.push({ premises: [], conclusion: present(m.to) }), by.push(-1);
        else rules.push({ premises: m.on === 'self' ? [present(m.from)] : m.from === 0 ? [actor(m.actor)] : [actor(m.actor), present(m.from)], conclusion: present(m.to) }), by.push(m.actor);
      }
      // changeOwnRole through one more fact (2n: a holder is present), not one rule per pair
      for (const h of this.ownRole.holders) rules.push({ premises: [present(h)], conclusion: 2 * n }), by.push(h);
      for (const { to } of this.ownRole.targets) if (this.enterable(to)) rules.push({ premises: [2 * n], conclusion: present(to) }), by.push(-1);
      this.rules = { rules, actor: Int32Array.from(by) };
    }
    const { rules, actor: ruleActor } = this.rules;
    const given: number[] = [actor(0)];
    for (const ix of this.externalActors()) if (!without.has(ix)) given.push(actor(ix));
    for (const ix of this.indexes) {
      if (ix === 0 || without.has(ix)) continue;
      if (this.initial === null || (this.initial.get(ix) ?? 0) > 0) given.push(present(ix));
    }
    const r = forwardChain(2 * n + 1, rules, given, without.size === 0 ? undefined : (i) => !without.has(ruleActor[i]));
    const out = { present: new Set<number>(), actors: new Set<number>() };
    this.indexes.forEach((ix, i) => {
      if (r.holds[i]) out.present.add(ix);
      if (r.holds[n + i]) out.actors.add(ix);
    });
    if (without.size === 0) this.populatedCache = out;
    return out;
  }

  /** Can some sequence of actions put a user into this role (whatever the participant list says)? */
  fillable(index: number): boolean {
    if (!this.enterable(index)) return false;
    const { present, actors } = this.populate();
    return (
      this.movesBy('to', index).some(
        (m) => m.to === index && (m.on === 'joiner' || (m.on === 'self' ? present.has(m.from) && m.from !== index : actors.has(m.actor) && (m.from === 0 || (present.has(m.from) && m.from !== index)))),
      ) ||
      this.ownRoleInto(index)
    );
  }

  private ownInto?: { targets: Set<number>; present: number[] };
  /** Can some present holder of canChangeOwnRole move itself into this role? */
  private ownRoleInto(index: number): boolean {
    if (!this.ownInto) {
      const { present } = this.populate();
      // two present holders are enough: one of them is not `index`
      this.ownInto = { targets: new Set(this.ownRole.targets.map((t) => t.to)), present: this.ownRole.holders.filter((h) => present.has(h)).slice(0, 2) };
    }
    return this.ownInto.targets.has(index) && this.ownInto.present.some((h) => h !== index);
  }
}
