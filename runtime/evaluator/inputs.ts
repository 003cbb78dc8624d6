/**
 * The evaluators' inputs as JSON — participants, actions, claims, ParticipantListUpdates — and their
 * validation with zod at the boundary. Malformed input throws InvalidInputError (an error, not a
 * decision); role and capability names are resolved against the policy here, so an unknown name is an
 * error while an unknown role *index* is left to the semantics, which deny it (fail closed).
 */
import { z } from 'zod';
import { U32_MAX, type Claim } from '../ir.js';
import { ACTION_TYPES, actionFields, EFFECTS, JOIN_VIAS, planKey, type ActionType, type JoinVia, type PlanKey } from '../semantics.js';
import { didYouMean } from '../suggest.js';
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

const u32 = z.number().int().min(0).max(U32_MAX);
const u16 = z.number().int().min(0).max(0xffff);
const roleRef = z.union([u32, z.string()], { error: 'expected a role index (an integer from 0 to 4294967295) or a role name' });
const claimSchema = z.object({ credentialType: u16, id: z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex'), value: z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex') }).strict();
export const ParticipantInputSchema = z.object({ user: z.string(), role: roleRef, clients: u32 }).strict();
export const StateInputSchema = z.object({ participants: z.array(ParticipantInputSchema) }).strict();

/** One strict object schema per action type, with exactly the fields semantics.ts says it reads. */
function actionSchema(type: ActionType) {
  const f = actionFields(type);
  const shape: Record<string, z.ZodType> = { type: z.literal(type), actor: z.string(), claims: z.array(claimSchema).optional() };
  if (f.target) shape.target = z.string();
  if (f.to) shape.to = roleRef.optional();
  if (f.clients) shape.clients = (EFFECTS[type].clients === 'add' ? u32.min(1) : u32).optional();
  if (f.via) shape.via = z.enum(JOIN_VIAS);
  if (f.capability) shape.capability = z.union([u16, z.string()], { error: 'expected a capability code (an integer from 0 to 65535) or a capability name' });
  return z.object(shape).strict();
}
export const ActionInputSchema = z.discriminatedUnion(
  'type',
  ACTION_TYPES.map(actionSchema) as unknown as [ReturnType<typeof actionSchema>, ...ReturnType<typeof actionSchema>[]],
);

export const SenderSchema = z.union([z.string(), z.object({ user: z.string(), claims: z.array(claimSchema).optional() }).strict()]);
export const UpdateInputSchema = z
  .object({
    changed: z.array(z.object({ userIndex: u32, role: roleRef }).strict()),
    removed: z.array(u32),
    added: z.array(z.object({ user: z.string(), role: roleRef }).strict()),
  })
  .strict();
export type SenderInput = z.infer<typeof SenderSchema>;
export type UpdateInput = z.infer<typeof UpdateInputSchema>;

/** The value at a path of the input (for messages that name it). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** `; did you mean \`x\`?` when `name` looks like a typo of a candidate, else nothing. */
export const hint = (name: string, candidates: Iterable<string>): string => {
  const d = didYouMean(name, candidates);
  return d === undefined ? '' : `; ${d}`;
};

function issuesOf(prefix: string, e: z.ZodError, input: unknown): InputIssue[] {
  const at = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter((s) => s !== '').join('.');
  return e.issues.flatMap((i): InputIssue[] => {
    // an unknown key is reported at the key itself (as the generated evaluator does), one issue per key
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: at([...i.path, k]), message: 'unrecognized key' }));
    const value = valueAt(input, i.path);
    // an unknown action type (or other choice): name it, and the likely intended one
    const options = i.code === 'invalid_union' && 'options' in i ? (i.options as unknown[]) : i.code === 'invalid_value' ? i.values : undefined;
    if (options !== undefined && typeof value === 'string') {
      const names = options.filter((o): o is string => typeof o === 'string');
      return [{ path: at(i.path), message: `unknown ${i.path.at(-1) === 'type' ? 'action type' : 'value'} \`${value}\`${hint(value, names) || `; expected one of ${names.join(', ')}`}` }];
    }
    return [{ path: at(i.path), message: i.message.charAt(0).toLowerCase() + i.message.slice(1) }];
  });
}
function parseWith<T>(schema: z.ZodType<T>, input: unknown, prefix: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new InvalidInputError(issuesOf(prefix, r.error, input));
  return r.data;
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
  const s = parseWith(StateInputSchema, input, '');
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
  const a = parseWith(ActionInputSchema, input, 'action') as unknown as ActionInput;
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
  return parseWith(z.array(claimSchema), input, path);
}
export const parseSender = (input: unknown): SenderInput => parseWith(SenderSchema, input, 'sender');
export const parseUpdate = (input: unknown): UpdateInput => parseWith(UpdateInputSchema, input, 'update');
