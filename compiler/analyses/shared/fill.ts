/**
 * How each role first gets a holder: the same forward closure as `RoleModel.populate` (from the
 * participant list, or every role when the policy carries none; role 0 and the roles an unlisted sender
 * acts as through preauth can act), but worklist-driven and remembering, for each role, the move that
 * first put someone there, so a witness path can be read back. Linear in the moves: each move is
 * looked at once per premise that becomes true. Used by unmet-minimum (the steps that fill a role) and
 * creation-only-role (whether anything leads to a role at all).
 */
import type { Move, RoleModel } from './role-model.js';

export class FillPaths {
  /** the move that first put a holder into each role it can reach; roles present from the start are absent */
  private readonly via = new Map<number, Move>();
  private readonly present = new Set<number>();
  private readonly actors = new Set<number>();

  constructor(model: RoleModel) {
    const queue: number[] = [];
    const enter = (role: number, m?: Move) => {
      if (this.present.has(role)) return;
      this.present.add(role);
      if (m) this.via.set(role, m);
      queue.push(role);
    };
    const act = (role: number) => {
      if (this.actors.has(role)) return false;
      this.actors.add(role);
      return true;
    };
    const fires = (m: Move): boolean => m.to !== 0 && model.enterable(m.to) && !this.present.has(m.to);
    const tryMove = (m: Move) => {
      if (!fires(m)) return;
      const ok = m.on === 'joiner' || (m.on === 'self' ? this.present.has(m.from) : this.actors.has(m.actor) && (m.from === 0 || this.present.has(m.from)));
      if (ok) enter(m.to, m);
    };
    const byActor = (r: number) => {
      for (const m of model.movesBy('actor', r)) if (m.on === 'other') tryMove(m);
    };
    const start: number[] = [0, ...model.externalActors()];
    for (const ix of model.indexes) {
      if (ix === 0) continue;
      if (model.initial === null || (model.initial.get(ix) ?? 0) > 0) enter(ix);
    }
    // then the moves that need nobody in the room (joins), then what role 0 and external senders do
    for (const m of model.moves) if (m.on === 'joiner') tryMove(m);
    for (const r of start) if (act(r)) byActor(r);
    // changeOwnRole: the first two present holders are enough (one of them is not the target)
    const holders = new Set(model.ownRole.holders);
    let ownFired = 0;
    for (let head = 0; head < queue.length; head++) {
      const r = queue[head];
      if (act(r)) byActor(r);
      for (const m of model.movesBy('from', r)) tryMove(m);
      if (ownFired < 2 && holders.has(r)) {
        ownFired++;
        for (const t of model.ownRole.targets) if (t.to !== r && model.enterable(t.to)) enter(t.to, model.ownRoleMove(r, t));
      }
    }
    this.external = new Set(start);
  }
  private readonly external: ReadonlySet<number>;

  /** Can someone ever hold this role (from the start, or by some sequence of actions)? */
  reaches(role: number): boolean {
    return this.present.has(role);
  }

  /** Is this role held from the start (the participant list names it, or there is no list)? */
  fromStart(role: number): boolean {
    return this.present.has(role) && !this.via.has(role);
  }

  /**
   * The steps, in order, that first put someone into `role` from the start (empty when it is held
   * from the start; undefined when nothing does). Each step's premises come before it.
   */
  path(role: number): Move[] | undefined {
    if (!this.present.has(role)) return undefined;
    const out: Move[] = [];
    const done = new Set<number>();
    // iterative post-order over the premises (no recursion: paths may be as long as there are roles)
    const stack: { role: number; expanded: boolean }[] = [{ role, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (done.has(top.role)) {
        stack.pop();
        continue;
      }
      const m = this.via.get(top.role);
      if (!m) {
        done.add(top.role);
        stack.pop();
        continue;
      }
      if (!top.expanded) {
        top.expanded = true;
        const needs: number[] = [];
        if (m.on === 'self' || (m.on === 'other' && m.from !== 0)) needs.push(m.from);
        if (m.on === 'other' && !this.external.has(m.actor)) needs.push(m.actor);
        for (const n of needs) if (!done.has(n)) stack.push({ role: n, expanded: false });
        continue;
      }
      out.push(m);
      done.add(top.role);
      stack.pop();
    }
    return out;
  }
}
