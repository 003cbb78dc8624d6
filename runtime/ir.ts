/**
 * The policy IR: the MIMI room-policy data model itself (draft-ietf-mimi-room-policy-03 and
 * draft-mahy-mimi-app-components), as plain TypeScript data, with its shape as data (runtime/schema.ts;
 * zod schemas derived from it are in runtime/zod.ts).
 *
 * Everything downstream (checker rules on decoded policies, analyses, the wire codec, emitters, the
 * interpreter) reads only this. Field order and meaning follow the wire structs exactly, so that
 * `decode(encode(ir))` is the identity and a policy decoded from bytes is the same IR as one compiled
 * from source. Opaque byte strings that are not text (claim ids and values, unknown components) are
 * lowercase hex strings so that the IR is JSON and compares with `===`.
 */
import * as S from './schema.js';

export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;

/** Suggested component IDs (draft-ietf-mimi-room-policy-03 IANA section; participant list 0x0022). */
export const ComponentId = {
  participantList: 0x0022,
  mlsOperationalPolicy: 0x0024,
  roles: 0x0025,
  preauth: 0x0026,
  base: 0x0027,
  statusNotification: 0x0028,
  joinLinkPolicy: 0x0029,
  joinLinks: 0x002a,
  linkPreview: 0x002b,
  asset: 0x002c,
  logging: 0x002d,
  history: 0x002e,
  bot: 0x002f,
  messageExpiration: 0x0030,
} as const;

/** MLS credential types (RFC 9420 §17.1). JWT/CWT have no registered code: policies declare one. */
export const CredentialType = { basic: 1, x509: 2 } as const;

const u16 = S.int(0, U16_MAX);
const u32 = S.int(0, U32_MAX);
const hex = S.hex();

// The IR's shapes as data (runtime/schema.ts): indexPolicy and loadPolicyJson check with them;
// runtime/zod.ts derives the zod schemas (PolicySchema, RoleSchema, …) from them. The types below are
// written out for their documentation; `Same` assertions at the end keep them equal to the shapes.
// Objects are not strict (unknown keys are ignored, as zod's z.object did).

export interface RoleChange {
  /** `from_role_index` of SingleSourceRoleChangeTargets */
  from: number;
  /** `target_role_indexes`, in wire order */
  to: number[];
}
export const RoleChangeShape = S.object({ from: u32, to: S.array(u32) }, undefined, false);

export interface Role {
  index: number;
  name: string;
  description: string;
  /** `role_capabilities`, uint16 codes in wire order (mimi-policy writes them ascending) */
  capabilities: number[];
  minParticipants: number;
  maxParticipants: number | null;
  minActive: number;
  maxActive: number | null;
  /** `authorized_role_changes`, in wire order */
  changes: RoleChange[];
}
export const RoleShape = S.object(
  {
    index: u32,
    name: S.string(),
    description: S.string(),
    capabilities: S.array(u16),
    minParticipants: u32,
    maxParticipants: S.nullable(u32),
    minActive: u32,
    maxActive: S.nullable(u32),
    changes: S.array(RoleChangeShape),
  },
  undefined,
  false,
);

export interface Claim {
  credentialType: number;
  /** ClaimId.id as hex: DER OID (x509), UTF-8 claim name (JWT), CBOR key (CWT), empty (basic) */
  id: string;
  /** claim_value as hex */
  value: string;
}
export const ClaimShape = S.object({ credentialType: u16, id: hex, value: hex }, undefined, false);

export interface PreAuthEntry {
  claims: Claim[];
  /** -03 embeds a whole Role as the target, not just an index */
  role: Role;
}
export const PreAuthEntryShape = S.object({ claims: S.array(ClaimShape), role: RoleShape }, undefined, false);

export interface BaseRoomPolicy {
  fixedMembership: boolean;
  parentDependant: boolean;
  /** `Uri parent_room<V>` read literally: a vector of URIs */
  parentRooms: string[];
  multiDevice: boolean;
  maxClients: number | null;
  maxUsers: number | null;
  pseudonymsAllowed: boolean;
  persistentRoom: boolean;
  discoverable: boolean;
  policyComponentIds: number[];
}
export const BaseRoomPolicyShape = S.object(
  {
    fixedMembership: S.boolean(),
    parentDependant: S.boolean(),
    parentRooms: S.array(S.string()),
    multiDevice: S.boolean(),
    maxClients: S.nullable(u32),
    maxUsers: S.nullable(u32),
    pseudonymsAllowed: S.boolean(),
    persistentRoom: S.boolean(),
    discoverable: S.boolean(),
    policyComponentIds: S.array(u16),
  },
  undefined,
  false,
);

export interface UserRolePair {
  user: string;
  role: number;
}
export const UserRolePairShape = S.object({ user: S.string(), role: u32 }, undefined, false);

export interface ParticipantListUpdate {
  changed: { userIndex: number; role: number }[];
  removed: number[];
  added: UserRolePair[];
}
export const ParticipantListUpdateShape = S.object(
  { changed: S.array(S.object({ userIndex: u32, role: u32 }, undefined, false)), removed: S.array(u32), added: S.array(UserRolePairShape) },
  undefined,
  false,
);

/** `Optionality` enum: optional 0, required 1 ("mandatory" in the HistoryPolicy select), forbidden 2 */
export type Optionality = 'optional' | 'required' | 'forbidden';
export const OptionalityShape = S.enumOf(['optional', 'required', 'forbidden']);
export const OptionalityCode: Record<Optionality, number> = { optional: 0, required: 1, forbidden: 2 };

export interface HistoryPolicy {
  sharing: Optionality;
  /** empty, false and 0 when sharing is forbidden (nothing else goes on the wire then) */
  rolesThatCanShare: number[];
  automaticallyShare: boolean;
  maxTimePeriod: number;
}
export const HistoryPolicyShape = S.object({ sharing: OptionalityShape, rolesThatCanShare: S.array(u32), automaticallyShare: S.boolean(), maxTimePeriod: u32 }, undefined, false);

export interface OpaqueComponent {
  id: number;
  data: string;
}
export const OpaqueComponentShape = S.object({ id: u16, data: hex }, undefined, false);

/**
 * A whole room policy: the components mimi-policy understands, plus any others carried through
 * unchanged (so a dictionary from another provider round-trips byte for byte).
 */
export interface Policy {
  base: BaseRoomPolicy;
  roles: Role[];
  /** null = no preauth_list component; [] = present and empty */
  preauth: PreAuthEntry[] | null;
  /** null = no participant list component */
  participants: UserRolePair[] | null;
  /** null = no chat_history_policy component */
  history: HistoryPolicy | null;
  /** components not modelled here, sorted by id, never one of the ids above */
  otherComponents: OpaqueComponent[];
}
export const PolicyShape = S.object(
  {
    base: BaseRoomPolicyShape,
    roles: S.array(RoleShape),
    preauth: S.nullable(S.array(PreAuthEntryShape)),
    participants: S.nullable(S.array(UserRolePairShape)),
    history: S.nullable(HistoryPolicyShape),
    otherComponents: S.array(OpaqueComponentShape),
  },
  'expected a policy object',
  false,
);

// The written-out types are the shapes' types (a compile error here when they drift apart).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type ShapesAreTheTypes = [
  Assert<Same<S.Infer<typeof RoleChangeShape>, RoleChange>>,
  Assert<Same<S.Infer<typeof RoleShape>, Role>>,
  Assert<Same<S.Infer<typeof ClaimShape>, Claim>>,
  Assert<Same<S.Infer<typeof PreAuthEntryShape>, PreAuthEntry>>,
  Assert<Same<S.Infer<typeof BaseRoomPolicyShape>, BaseRoomPolicy>>,
  Assert<Same<S.Infer<typeof UserRolePairShape>, UserRolePair>>,
  Assert<Same<S.Infer<typeof ParticipantListUpdateShape>, ParticipantListUpdate>>,
  Assert<Same<S.Infer<typeof OptionalityShape>, Optionality>>,
  Assert<Same<S.Infer<typeof HistoryPolicyShape>, HistoryPolicy>>,
  Assert<Same<S.Infer<typeof OpaqueComponentShape>, OpaqueComponent>>,
  Assert<Same<S.Infer<typeof PolicyShape>, Policy>>,
];

export const defaultBasePolicy = (): BaseRoomPolicy => ({
  fixedMembership: false,
  parentDependant: false,
  parentRooms: [],
  multiDevice: true,
  maxClients: null,
  maxUsers: null,
  pseudonymsAllowed: false,
  persistentRoom: false,
  discoverable: false,
  policyComponentIds: [],
});

/** The policy components a policy carries, ascending: what `policy_component_ids` lists by default. */
export function defaultPolicyComponentIds(p: Pick<Policy, 'preauth' | 'history' | 'otherComponents'>): number[] {
  const ids: number[] = [ComponentId.roles];
  if (p.preauth !== null) ids.push(ComponentId.preauth);
  if (p.history !== null) ids.push(ComponentId.history);
  for (const c of p.otherComponents) ids.push(c.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Where a piece of the IR came from: a source span, and for lowered roles, what it was lowered from. */
export interface SourceSpan {
  file: string;
  /** 1-based */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based offsets into the file text */
  start: number;
  end: number;
}
export interface ProvenanceEntry {
  span: SourceSpan;
  /** e.g. "hierarchy level moderator + add-ons {programmer}" */
  origin?: string;
}
/** Side table keyed by IR position; absent for policies decoded from bytes. */
export interface Provenance {
  roles: Map<number, ProvenanceEntry & { name?: SourceSpan; index?: SourceSpan; grants: Map<number, SourceSpan>; changes: Map<string, SourceSpan>; participants?: SourceSpan; active?: SourceSpan; /** capabilities that come only through `extends` */ inherited?: Set<number> }>;
  preauth: ProvenanceEntry[];
  participants: ProvenanceEntry[];
  base: Partial<Record<keyof BaseRoomPolicy, SourceSpan>> & { block?: SourceSpan };
  history?: ProvenanceEntry & { roles: SourceSpan[] };
}
export const emptyProvenance = (): Provenance => ({ roles: new Map(), preauth: [], participants: [], base: {} });
/** Key for `Provenance.roles[i].changes`: "from->to". */
export const changeKey = (from: number, to: number): string => `${from}->${to}`;

