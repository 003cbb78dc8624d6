/**
 * The evaluators' inputs as JSON — participants, actions, claims, ParticipantListUpdates — their
 * schemas, written once as data (runtime/schema.ts; the generated evaluator prints the same checks),
 * and their validation at the boundary. Malformed input throws InvalidInputError (an error, not a
 * decision); role and capability names are resolved against the policy here, so an unknown name is an
 * error while an unknown role *index* is left to the semantics, which deny it (fail closed).
 */
import { U32_MAX, type Claim } from '../ir.js';
import { ACTION_TYPES, actionFields, EFFECTS, JOIN_VIAS, planKey, type ActionType, type JoinVia, type PlanKey } from '../semantics.js';
import { didYouMean } from '../suggest.js';
import * as S from '../schema.js';
import { InvalidInputError, type InputIssue } from './errors.js';
import type { IndexedPolicy } from './policy.js';

/** A role by index or by name. */
export type RoleRef = number | string;
/** A capability by code or by name. */
export type CapabilityRef = number | string;

export interface ParticipantInput {
  user: string;
  role: RoleRef;
  clients: number;
}
export interface StateInput {
  participants: readonly ParticipantInput[];
}
export interface ClaimInput {
  credentialType: number;
  /** the claim id's bytes as lowercase hex (DER OID for X.509, UTF-8 claim name for JWT, CBOR key for CWT) */
  id: string;
  /** the claim value's bytes as lowercase hex */
  value: string;
}
/** An action, flat as in the JSON: which fields apply depends on `type` (others are an error). */
export interface ActionInput {
  type: ActionType;
  actor: string;
  target?: string;
  to?: RoleRef;
  clients?: number;
  via?: JoinVia;
  claims?: readonly ClaimInput[];
  capability?: CapabilityRef;
}

const u32 = S.int(0, U32_MAX);
const u16 = S.int(0, 0xffff);
const roleRef = S.ref(U32_MAX, 'expected a role index (an integer from 0 to 4294967295) or a role name');
const capabilityRef = S.ref(0xffff, 'expected a capability code (an integer from 0 to 65535) or a capability name');
/** A claim: `{ credentialType, id, value }`, id and value as lowercase hex. */
export const ClaimInputShape = S.object({ credentialType: u16, id: S.hex(), value: S.hex() });
export const ClaimsInputShape = S.array(ClaimInputShape);
export const ParticipantInputShape = S.object({ user: S.string(), role: roleRef, clients: u32 });
export const StateInputShape = S.object({ participants: S.array(ParticipantInputShape) }, 'expected a state { participants }');

/** One strict object schema per action type, with exactly the fields semantics.ts says it reads. */
function actionSchema(type: ActionType): S.ObjectNode {
  const f = actionFields(type);
  const shape: Record<string, S.Schema> = { type: S.enumOf([type], 'action type'), actor: S.string() };
  if (f.target) shape.target = S.string();
  if (f.to) shape.to = S.optional(roleRef);
  if (f.clients) shape.clients = S.optional(EFFECTS[type].clients === 'add' ? S.int(1, U32_MAX) : u32);
  if (f.via) shape.via = S.enumOf(JOIN_VIAS);
  if (f.capability) shape.capability = capabilityRef;
  shape.claims = S.optional(ClaimsInputShape);
  return S.object(shape);
}
/** An action: told apart by `type`, one strict object per action type. */
export const ActionInputShape = S.tagged('type', ACTION_TYPES.map(actionSchema), 'action type') as S.TaggedNode<ActionInput>;

export const SenderInputShape = S.union(S.string(), S.object({ user: S.string(), claims: S.optional(ClaimsInputShape) }), 'expected a user or { user, claims? }');
export const UpdateInputShape = S.object({
  changed: S.array(S.object({ userIndex: u32, role: roleRef })),
  removed: S.array(u32),
  added: S.array(S.object({ user: S.string(), role: roleRef })),
});
export type SenderInput = S.Infer<typeof SenderInputShape>;
export type UpdateInput = S.Infer<typeof UpdateInputShape>;

/** `; did you mean \`x\`?` when `name` looks like a typo of a candidate, else nothing. */
export const hint = (name: string, candidates: Iterable<string>): string => {
  const d = didYouMean(name, candidates);
  return d === undefined ? '' : `; ${d}`;
};

/** The interpreter's wording of an unknown choice: the likely intended one when there is one. */
const CHECK_OPTIONS: S.CheckOptions = {
  unknownValue: (value, node) => {
    const h = hint(value, node.values);
    return h ? `unknown ${node.what} \`${value}\`${h}` : S.unknownValueMessage(value, node);
  },
};

/** Validate `input` against a schema (issues at `prefix` + their path), or throw InvalidInputError. */
function parseWith<T>(schema: S.Schema & { readonly __type?: T }, input: unknown, prefix: string): T {
  const issues = S.check(schema, input, prefix, CHECK_OPTIONS);
  if (issues !== undefined) throw new InvalidInputError(issues);
  return input as T;
}

/** A role reference resolved against the policy: indexes pass through, names must name one defined role. */
export function resolveRole(ip: IndexedPolicy, ref: RoleRef, path: string, issues: InputIssue[]): number {
  if (typeof ref === 'number') return ref;
  const i = ip.roleByName.get(ref);
  if (i === undefined) {
    issues.push({ path, message: `unknown role name \`${ref}\`${hint(ref, ip.roleByName.keys())}` });
    return -1;
  }
  return i;
}

export interface Entry {
  readonly user: string;
  readonly role: number;
  readonly clients: number;
}

/**
 * A validated participant list, frozen, with what the semantics count precomputed: entries by user,
 * participants and active participants by role, non-banned users, clients in the room.
 */
export class ParsedState {
  readonly byUser: ReadonlyMap<string, Entry>;
  readonly count: ReadonlyMap<number, number>;
  readonly active: ReadonlyMap<number, number>;
  readonly users: number;
  readonly clients: number;
  /** Use `parseState`. */
  constructor(
    readonly participants: readonly Entry[],
    bannedRole: boolean,
  ) {
    this.byUser = new Map(participants.map((p) => [p.user, p]));
    const count = new Map<number, number>();
    const active = new Map<number, number>();
    let users = 0;
    let clients = 0;
    for (const p of participants) {
      count.set(p.role, (count.get(p.role) ?? 0) + 1);
      if (p.clients > 0) active.set(p.role, (active.get(p.role) ?? 0) + 1);
      if (!(bannedRole && p.role === 1)) users++;
      clients += p.clients;
    }
    [this.count, this.active, this.users, this.clients] = [count, active, users, clients];
    Object.freeze(this);
  }
}

/** Validate a state `{ participants }` against the policy: shapes, role names, no role 0, no user twice. */
export function parseState(ip: IndexedPolicy, input: unknown): ParsedState {
  if (input instanceof ParsedState) return input;
  const s = parseWith(StateInputShape, input, '');
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  const entries = s.participants.map((p, i) => {
    const role = resolveRole(ip, p.role, `participants.${i}.role`, issues);
    if (role === 0) issues.push({ path: `participants.${i}.role`, message: 'a listed participant cannot have role 0' });
    if (seen.has(p.user)) issues.push({ path: `participants.${i}.user`, message: `user \`${p.user}\` is listed twice` });
    seen.add(p.user);
    return Object.freeze({ user: p.user, role, clients: p.clients });
  });
  if (issues.length) throw new InvalidInputError(issues);
  return new ParsedState(Object.freeze(entries), ip.bannedRole);
}

export class ParsedAction {
  /** Use `parseAction`. */
  constructor(
    readonly key: PlanKey,
    readonly type: ActionType,
    readonly actor: string,
    readonly target: string | undefined,
    readonly to: number | undefined,
    /** the resolved count: the action's, or the semantics' default */
    readonly clients: number,
    /** null when the action carries no claims */
    readonly claims: readonly Claim[] | null,
    readonly capability: number | undefined,
  ) {
    Object.freeze(this);
  }
}

/** Validate an action against the policy: its type's fields only, role and capability names resolved. */
export function parseAction(ip: IndexedPolicy, input: unknown): ParsedAction {
  if (input instanceof ParsedAction) return input;
  const a = parseWith(ActionInputShape, input, 'action');
  const issues: InputIssue[] = [];
  const to = a.to === undefined ? undefined : resolveRole(ip, a.to, 'action.to', issues);
  let capability: number | undefined;
  if (typeof a.capability === 'string') {
    capability = ip.capabilityCodes.get(a.capability);
    if (capability === undefined) issues.push({ path: 'action.capability', message: `unknown capability \`${a.capability}\`${hint(a.capability, ip.capabilityCodes.keys())}` });
  } else capability = a.capability;
  if (issues.length) throw new InvalidInputError(issues);
  const claims = a.claims ? Object.freeze(a.claims.map((c) => Object.freeze({ credentialType: c.credentialType, id: c.id, value: c.value }))) : null;
  return new ParsedAction(planKey(a.type, a.via), a.type, a.actor, a.target, to, a.clients ?? EFFECTS[a.type].clientsDefault, claims, capability);
}

export function parseClaims(input: unknown, path = 'claims'): readonly Claim[] {
  return parseWith(ClaimsInputShape, input, path);
}
export const parseSender = (input: unknown): SenderInput => parseWith(SenderInputShape, input, 'sender');
export const parseUpdate = (input: unknown): UpdateInput => parseWith(UpdateInputShape, input, 'update');
