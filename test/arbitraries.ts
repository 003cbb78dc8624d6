/**
 * fast-check arbitraries for valid policy IR (runtime/ir.ts), shared by tests: every value they
 * produce has a wire encoding, and decoding that encoding gives the value back.
 */
import fc from 'fast-check';
import {
  ComponentId,
  type BaseRoomPolicy,
  type Claim,
  type HistoryPolicy,
  type OpaqueComponent,
  type ParticipantListUpdate,
  type Policy,
  type PreAuthEntry,
  type Role,
  type RoleChange,
  type UserRolePair,
} from '../runtime/ir.js';

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** uint32, biased to small values and boundaries. */
export const arbU32: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 8 }), weight: 3 },
  { arbitrary: fc.constantFrom(63, 64, 255, 256, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 2 },
);
/** uint16, biased to the capability codes and private-use range. */
export const arbU16: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0xf000, max: 0xffff }),
  fc.integer({ min: 0, max: 0xffff }),
);
/** Well-formed text: any code points (no lone surrogates), sometimes long enough for a 2-byte length. */
export const arbText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 8 }), weight: 4 },
  { arbitrary: fc.constantFrom('', 'admin', 'banned', '\uFEFFbom', 'caf\u00e9 \u{1F600}'), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 70 }), weight: 1 },
);
/** Opaque bytes as lowercase hex. */
export const arbHex: fc.Arbitrary<string> = fc.uint8Array({ maxLength: 12 }).map(toHex);

export const arbRoleChange: fc.Arbitrary<RoleChange> = fc.record({ from: arbU32, to: fc.array(arbU32, { maxLength: 4 }) });

export const arbRole: fc.Arbitrary<Role> = fc.record({
  index: arbU32,
  name: arbText,
  description: arbText,
  capabilities: fc.oneof(
    { arbitrary: fc.array(arbU16, { maxLength: 6 }), weight: 5 },
    // 40 codes = 80 bytes: a 2-byte length prefix
    { arbitrary: fc.array(arbU16, { minLength: 32, maxLength: 40 }), weight: 1 },
  ),
  minParticipants: arbU32,
  maxParticipants: fc.option(arbU32, { nil: null }),
  minActive: arbU32,
  maxActive: fc.option(arbU32, { nil: null }),
  changes: fc.array(arbRoleChange, { maxLength: 3 }),
});

export const arbClaim: fc.Arbitrary<Claim> = fc.record({ credentialType: arbU16, id: arbHex, value: arbHex });

export const arbPreAuthEntry: fc.Arbitrary<PreAuthEntry> = fc.record({ claims: fc.array(arbClaim, { maxLength: 3 }), role: arbRole });

export const arbBase: fc.Arbitrary<BaseRoomPolicy> = fc.record({
  fixedMembership: fc.boolean(),
  parentDependant: fc.boolean(),
  parentRooms: fc.array(arbText, { maxLength: 2 }),
  multiDevice: fc.boolean(),
  maxClients: fc.option(arbU32, { nil: null }),
  maxUsers: fc.option(arbU32, { nil: null }),
  pseudonymsAllowed: fc.boolean(),
  persistentRoom: fc.boolean(),
  discoverable: fc.boolean(),
  policyComponentIds: fc.array(arbU16, { maxLength: 5 }),
});

export const arbUserRolePair: fc.Arbitrary<UserRolePair> = fc.record({ user: arbText, role: arbU32 });
export const arbParticipants: fc.Arbitrary<UserRolePair[]> = fc.array(arbUserRolePair, { maxLength: 5 });

export const arbParticipantListUpdate: fc.Arbitrary<ParticipantListUpdate> = fc.record({
  changed: fc.array(fc.record({ userIndex: arbU32, role: arbU32 }), { maxLength: 3 }),
  removed: fc.array(arbU32, { maxLength: 3 }),
  added: fc.array(arbUserRolePair, { maxLength: 3 }),
});

/** Forbidden history carries nothing else, so its IR is fixed (empty, false, 0). */
export const arbHistory: fc.Arbitrary<HistoryPolicy> = fc.oneof(
  fc.record({
    sharing: fc.constantFrom('optional' as const, 'required' as const),
    rolesThatCanShare: fc.array(arbU32, { maxLength: 4 }),
    automaticallyShare: fc.boolean(),
    maxTimePeriod: arbU32,
  }),
  fc.constant<HistoryPolicy>({ sharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 }),
);

const MODELLED: ReadonlySet<number> = new Set([
  ComponentId.participantList,
  ComponentId.roles,
  ComponentId.preauth,
  ComponentId.base,
  ComponentId.history,
]);

/** Components sorted by id without duplicates (any ids: an AppDataDictionary). */
export const arbDictionary: fc.Arbitrary<OpaqueComponent[]> = fc
  .uniqueArray(fc.record({ id: fc.oneof(fc.integer({ min: 0x20, max: 0x31 }), arbU16), data: arbHex }), {
    maxLength: 5,
    selector: (c) => c.id,
  })
  .map((cs) => [...cs].sort((a, b) => a.id - b.id));

/** Components a Policy carries opaquely: ids outside the modelled set, sorted, unique. */
export const arbOtherComponents: fc.Arbitrary<OpaqueComponent[]> = arbDictionary.map((cs) => cs.filter((c) => !MODELLED.has(c.id)));

export const arbPolicy: fc.Arbitrary<Policy> = fc.record({
  base: arbBase,
  roles: fc.array(arbRole, { maxLength: 4 }),
  preauth: fc.option(fc.array(arbPreAuthEntry, { maxLength: 2 }), { nil: null }),
  participants: fc.option(arbParticipants, { nil: null }),
  history: fc.option(arbHistory, { nil: null }),
  otherComponents: arbOtherComponents,
});
