/**
 * A policy prepared for evaluation: the IR validated once (its shape, runtime/ir.ts) and indexed by role — capability sets,
 * transition lists, unique role names — so the interpreter answers without re-reading the IR.
 * Everything here is derived with runtime/semantics.ts (roleTable, hasBannedRole); nothing decides.
 */
import { PolicyShape, type BaseRoomPolicy, type Policy, type PreAuthEntry, type Role } from '../ir.js';
import { check } from '../schema.js';
import { capabilityByCode, capabilityByName, hex16 } from '../registry.js';
import { hasBannedRole, roleTable } from '../semantics.js';
import { InvalidInputError } from './errors.js';

export interface IndexOptions {
  /** names of private-use capabilities (a compiled source's `capability x = 0xF…` declarations) */
  capabilityNames?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

export class IndexedPolicy {
  /** defined roles by index (an index defined twice is undefined) */
  readonly roles: ReadonlyMap<number, Role>;
  /** role names that name exactly one defined role */
  readonly roleByName: ReadonlyMap<string, number>;
  /** capability codes held, by role index */
  readonly caps: ReadonlyMap<number, ReadonlySet<number>>;
  /** holder index → from → the set of `to`s its authorized_role_changes list (entries combined) */
  readonly changes: ReadonlyMap<number, ReadonlyMap<number, ReadonlySet<number>>>;
  readonly bannedRole: boolean;
  readonly preauth: readonly PreAuthEntry[];
  readonly base: BaseRoomPolicy;
  /** capability name → code: the registry plus the declared private-use names */
  readonly capabilityCodes: ReadonlyMap<string, number>;
  private readonly declaredNames: ReadonlyMap<number, string>;

  /** Use `indexPolicy`. */
  constructor(
    readonly policy: Policy,
    options: IndexOptions,
  ) {
    this.roles = roleTable(policy);
    const nameCount = new Map<string, number>();
    for (const r of this.roles.values()) nameCount.set(r.name, (nameCount.get(r.name) ?? 0) + 1);
    this.roleByName = new Map([...this.roles.values()].filter((r) => nameCount.get(r.name) === 1).map((r) => [r.name, r.index]));
    this.caps = new Map([...this.roles.values()].map((r) => [r.index, new Set(r.capabilities)]));
    this.changes = new Map(
      [...this.roles.values()].map((r) => {
        const m = new Map<number, Set<number>>();
        for (const ch of r.changes) for (const to of ch.to) (m.get(ch.from) ?? m.set(ch.from, new Set()).get(ch.from)!).add(to);
        return [r.index, m];
      }),
    );
    this.bannedRole = hasBannedRole(policy);
    this.preauth = policy.preauth ?? [];
    this.base = policy.base;
    const declared = options.capabilityNames instanceof Map ? [...options.capabilityNames] : Object.entries(options.capabilityNames ?? {});
    this.capabilityCodes = new Map([...[...capabilityByName].map(([n, c]) => [n, c.code] as [string, number]), ...declared]);
    this.declaredNames = new Map(declared.map(([n, c]) => [c, n]));
  }

  roleName(index: number): string | undefined {
    return this.roles.get(index)?.name;
  }
  /** a capability's registry or declared name, or its hex code */
  capabilityName(code: number): string {
    return capabilityByCode.get(code)?.name ?? this.declaredNames.get(code) ?? hex16(code);
  }
  lists(holder: number, from: number, to: number): boolean {
    return this.changes.get(holder)?.get(from)?.has(to) ?? false;
  }
  /** memo of `canTransition` answers by numeric (actor, from, to): the policy is immutable */
  private readonly transitionMemo = new Map<number, Map<number, Map<number, boolean>>>();
  memoTransition(actor: number, from: number, to: number, compute: () => boolean): boolean {
    let byFrom = this.transitionMemo.get(actor);
    if (!byFrom) this.transitionMemo.set(actor, (byFrom = new Map()));
    let byTo = byFrom.get(from);
    if (!byTo) byFrom.set(from, (byTo = new Map()));
    let v = byTo.get(to);
    if (v === undefined) byTo.set(to, (v = compute()));
    return v;
  }
  holds(role: number, capability: number): boolean {
    return this.caps.get(role)?.has(capability) ?? false;
  }
}

/**
 * Validate a policy IR (its shape, runtime/ir.ts) and index it. Throws InvalidInputError on a malformed
 * policy. The index is built from the policy as given: do not change the policy object afterwards.
 */
export function indexPolicy(policy: Policy | IndexedPolicy, options: IndexOptions = {}): IndexedPolicy {
  if (policy instanceof IndexedPolicy) return policy;
  const issues = check(PolicyShape, policy, 'policy');
  if (issues !== undefined) throw new InvalidInputError(issues);
  return new IndexedPolicy(policy, options);
}
