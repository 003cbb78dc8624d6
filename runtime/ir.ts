/**
 * The policy IR: the MIMI room-policy data model itself (draft-ietf-mimi-room-policy-03 and
 * draft-mahy-mimi-app-components), as plain TypeScript data with zod schemas.
 *
 * Everything downstream (checker rules on decoded policies, analyses, the wire codec, emitters, the
 * interpreter) reads only this. Field order and meaning follow the wire structs exactly, so that
 * `decode(encode(ir))` is the identity and a policy decoded from bytes is the same IR as one compiled
 * from source. Opaque byte strings that are not text (claim ids and values, unknown components) are
 * lowercase hex strings so that the IR is JSON and compares with `===`.
 */
import { z } from 'zod';

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

const u16 = z.number().int().min(0).max(U16_MAX);
const u32 = z.number().int().min(0).max(U32_MAX);
const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex with an even number of digits');

export const RoleChangeSchema = z.object({
  /** `from_role_index` of SingleSourceRoleChangeTargets */
  from: u32,
  /** `target_role_indexes`, in wire order */
  to: z.array(u32),
});
export type RoleChange = z.infer<typeof RoleChangeSchema>;

export const RoleSchema = z.object({
  index: u32,
  name: z.string(),
  description: z.string(),
  /** `role_capabilities`, uint16 codes in wire order (mimi-policy writes them ascending) */
  capabilities: z.array(u16),
  minParticipants: u32,
  maxParticipants: u32.nullable(),
  minActive: u32,
  maxActive: u32.nullable(),
  /** `authorized_role_changes`, in wire order */
  changes: z.array(RoleChangeSchema),
});
export type Role = z.infer<typeof RoleSchema>;

export const ClaimSchema = z.object({
  credentialType: u16,
  /** ClaimId.id as hex: DER OID (x509), UTF-8 claim name (JWT), CBOR key (CWT), empty (basic) */
  id: hex,
  /** claim_value as hex */
  value: hex,
});
export type Claim = z.infer<typeof ClaimSchema>;

export const PreAuthEntrySchema = z.object({
  claims: z.array(ClaimSchema),
  /** -03 embeds a whole Role as the target, not just an index */
  role: RoleSchema,
});
export type PreAuthEntry = z.infer<typeof PreAuthEntrySchema>;

export const BaseRoomPolicySchema = z.object({
  fixedMembership: z.boolean(),
  parentDependant: z.boolean(),
  /** `Uri parent_room<V>` read literally: a vector of URIs */
  parentRooms: z.array(z.string()),
  multiDevice: z.boolean(),
  maxClients: u32.nullable(),
  maxUsers: u32.nullable(),
  pseudonymsAllowed: z.boolean(),
  persistentRoom: z.boolean(),
  discoverable: z.boolean(),
  policyComponentIds: z.array(u16),
});
export type BaseRoomPolicy = z.infer<typeof BaseRoomPolicySchema>;

export const UserRolePairSchema = z.object({ user: z.string(), role: u32 });
export type UserRolePair = z.infer<typeof UserRolePairSchema>;

export const ParticipantListUpdateSchema = z.object({
  changed: z.array(z.object({ userIndex: u32, role: u32 })),
  removed: z.array(u32),
  added: z.array(UserRolePairSchema),
});
export type ParticipantListUpdate = z.infer<typeof ParticipantListUpdateSchema>;

/** `Optionality` enum: optional 0, required 1 ("mandatory" in the HistoryPolicy select), forbidden 2 */
export const OptionalitySchema = z.enum(['optional', 'required', 'forbidden']);
export type Optionality = z.infer<typeof OptionalitySchema>;
export const OptionalityCode: Record<Optionality, number> = { optional: 0, required: 1, forbidden: 2 };

export const HistoryPolicySchema = z.object({
  sharing: OptionalitySchema,
  /** empty, false and 0 when sharing is forbidden (nothing else goes on the wire then) */
  rolesThatCanShare: z.array(u32),
  automaticallyShare: z.boolean(),
  maxTimePeriod: u32,
});
export type HistoryPolicy = z.infer<typeof HistoryPolicySchema>;

export const OpaqueComponentSchema = z.object({ id: u16, data: hex });
export type OpaqueComponent = z.infer<typeof OpaqueComponentSchema>;

/**
 * A whole room policy: the components mimi-policy understands, plus any others carried through
 * unchanged (so a dictionary from another provider round-trips byte for byte).
 */
export const PolicySchema = z.object({
  base: BaseRoomPolicySchema,
  roles: z.array(RoleSchema),
  /** null = no preauth_list component; [] = present and empty */
  preauth: z.array(PreAuthEntrySchema).nullable(),
  /** null = no participant list component */
  participants: z.array(UserRolePairSchema).nullable(),
  /** null = no chat_history_policy component */
  history: HistoryPolicySchema.nullable(),
  /** components not modelled here, sorted by id, never one of the ids above */
  otherComponents: z.array(OpaqueComponentSchema),
});
export type Policy = z.infer<typeof PolicySchema>;

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

