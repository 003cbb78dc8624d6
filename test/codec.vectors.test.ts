/**
 * Hand-computed wire bytes for small structs (RFC 9420 §2.1 encoding of the structs in
 * draft-ietf-mimi-room-policy-03's appendix), both directions.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeComponent,
  decodePolicy,
  EncodeError,
  encodeComponent,
  encodePolicy,
  encodeVarint,
  VARINT_MAX,
  type ComponentKind,
  type ComponentValues,
} from '../runtime/codec/index.js';
import type { Policy, Role } from '../runtime/ir.js';

const bytes = (parts: string[]): Uint8Array => Uint8Array.from(Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex'));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const roleM: Role = {
  index: 2,
  name: 'm',
  description: '',
  capabilities: [0x0100],
  minParticipants: 0,
  maxParticipants: null,
  minActive: 0,
  maxActive: 0,
  changes: [{ from: 0, to: [2] }],
};
const roleMBytes = [
  '00000002', // role_index 2
  '01 6d', // role_name: length 1, "m"
  '00', // role_description: length 0
  '02 0100', // role_capabilities: 2 bytes, [0x0100]
  '00000000', // minimum_participants_constraint 0
  '00', // maximum_participants_constraint absent
  '00000000', // minimum_active_participants_constraint 0
  '01 00000000', // maximum_active_participants_constraint present, 0
  '09', // authorized_role_changes: 9 bytes
  '00000000', //   from_role_index 0
  '04 00000002', //   target_role_indexes: 4 bytes, [2]
];

/** Encoding `value` gives exactly `expected`, and decoding `expected` gives `value`. */
function roundTrip<K extends ComponentKind>(kind: K, value: ComponentValues[K], expected: Uint8Array): void {
  expect(hexOf(encodeComponent(kind, value))).toBe(hexOf(expected));
  expect(decodeComponent(kind, expected)).toEqual(value);
}

describe('hand-computed vectors', () => {
  it('RoleData with one role', () => {
    roundTrip('roles', [roleM], bytes(['22', ...roleMBytes])); // roles: 34 bytes
  });

  it('PreAuthData embeds a whole Role as the target', () => {
    const value = [
      {
        claims: [{ credentialType: 1, id: '', value: '616c' }],
        role: { index: 3, name: '', description: '', capabilities: [], minParticipants: 1, maxParticipants: 1, minActive: 0, maxActive: null, changes: [] },
      },
    ];
    roundTrip(
      'preauth',
      value,
      bytes([
        '1d', // preauthorized_entries: 29 bytes
        '06', //   claimset: 6 bytes
        '0001', //     claim_id.credential_type 1 (basic)
        '00', //     claim_id.id: empty
        '02 616c', //     claim_value: "al"
        '00000003', //   target_role.role_index 3
        '00', //   role_name ""
        '00', //   role_description ""
        '00', //   role_capabilities: empty
        '00000001', //   minimum_participants_constraint 1
        '01 00000001', //   maximum_participants_constraint present, 1
        '00000000', //   minimum_active_participants_constraint 0
        '00', //   maximum_active_participants_constraint absent
        '00', //   authorized_role_changes: empty
      ]),
    );
  });

  it('BaseRoomPolicy', () => {
    roundTrip(
      'base',
      {
        fixedMembership: false,
        parentDependant: true,
        parentRooms: ['r'],
        multiDevice: true,
        maxClients: 100,
        maxUsers: null,
        pseudonymsAllowed: false,
        persistentRoom: true,
        discoverable: false,
        policyComponentIds: [0x25, 0x27],
      },
      bytes([
        '00', // fixed_membership false
        '01', // parent_dependant true
        '02 01 72', // parent_room: 2 bytes, one Uri: length 1, "r"
        '01', // multi_device true
        '01 00000064', // max_clients present, 100
        '00', // max_users absent
        '00', // pseudonyms_allowed false
        '01', // persistent_room true
        '00', // discoverable false
        '04 0025 0027', // policy_component_ids: 4 bytes, [0x0025, 0x0027]
      ]),
    );
  });

  it('ParticipantListData', () => {
    roundTrip(
      'participants',
      [
        { user: 'a', role: 2 },
        { user: '', role: 0 },
      ],
      bytes([
        '0b', // participants: 11 bytes
        '01 61 00000002', //   user "a", role_index 2
        '00 00000000', //   user "", role_index 0
      ]),
    );
  });

  it('ParticipantListUpdate', () => {
    roundTrip(
      'participantsUpdate',
      { changed: [{ userIndex: 1, role: 3 }], removed: [0, 5], added: [{ user: 'b', role: 2 }] },
      bytes([
        '08 00000001 00000003', // changedRoleParticipants: 8 bytes, (user_index 1, role_index 3)
        '08 00000000 00000005', // removedIndices: 8 bytes, [0, 5]
        '06 01 62 00000002', // addedParticipants: 6 bytes, (user "b", role_index 2)
      ]),
    );
  });

  it('HistoryPolicy optional, required and forbidden', () => {
    roundTrip(
      'history',
      { sharing: 'optional', rolesThatCanShare: [2, 3], automaticallyShare: true, maxTimePeriod: 86400 },
      bytes([
        '00', // history_sharing optional
        '08 00000002 00000003', // roles_that_can_share: 8 bytes, [2, 3]
        '01', // automatically_share true
        '00015180', // max_time_period 86400
      ]),
    );
    roundTrip(
      'history',
      { sharing: 'required', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 },
      bytes(['01', '00', '00', '00000000']), // required, no roles, false, 0
    );
    // forbidden: nothing after the enum
    roundTrip('history', { sharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 }, bytes(['02']));
  });

  it('AppDataDictionary', () => {
    roundTrip(
      'dictionary',
      [
        { id: 0x0028, data: '00ff' },
        { id: 0x1234, data: '' },
      ],
      bytes([
        '08', // component_data: 8 bytes
        '0028 02 00ff', //   component_id 0x0028, data: 2 bytes
        '1234 00', //   component_id 0x1234, data: empty
      ]),
    );
  });

  it('AppDataUpdate update and remove', () => {
    roundTrip('appDataUpdate', { componentId: 0x25, op: 'update', data: 'abcd' }, bytes(['0025', '01', '02 abcd'])); // id, op update, update<V>
    roundTrip('appDataUpdate', { componentId: 0x26, op: 'remove' }, bytes(['0026', '02'])); // id, op remove, nothing
  });

  it('a policy is one dictionary, components sorted by id', () => {
    const policy: Policy = {
      base: {
        fixedMembership: false,
        parentDependant: false,
        parentRooms: [],
        multiDevice: true,
        maxClients: null,
        maxUsers: null,
        pseudonymsAllowed: false,
        persistentRoom: false,
        discoverable: false,
        policyComponentIds: [0x25],
      },
      roles: [],
      preauth: [],
      participants: null,
      history: { sharing: 'forbidden', rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 },
      otherComponents: [{ id: 0x30, data: '01' }],
    };
    const expected = bytes([
      '1f', // component_data: 31 bytes
      '0025 01 00', //   roles_list: data 1 byte, no roles
      '0026 01 00', //   preauth_list: data 1 byte, no entries
      '0027 0c', //   base_room_policy: data 12 bytes
      '00 00 00 01 00 00 00 00 00', //     fixed, parent_dependant, parent_room<V> empty, multi_device, max_clients/max_users absent, pseudonyms, persistent, discoverable
      '02 0025', //     policy_component_ids [0x0025]
      '002e 01 02', //   chat_history_policy: data 1 byte, forbidden
      '0030 01 01', //   message_expiration_policy (opaque): data 1 byte
    ]);
    expect(hexOf(encodePolicy(policy))).toBe(hexOf(expected));
    expect(decodePolicy(expected)).toEqual(policy);
  });

  it('text is UTF-8 and a leading byte-order mark is kept', () => {
    const role = { ...roleM, name: '\uFEFFé' };
    const b = encodeComponent('roles', [role]);
    expect(hexOf(b).slice(10, 22)).toBe('05efbbbfc3a9'); // role_name: 5 bytes, U+FEFF, U+00E9
    expect(decodeComponent('roles', b)).toEqual([role]);
  });
});

describe('varint length prefixes (RFC 9420 §2.1.2)', () => {
  it('uses the minimal size at each boundary', () => {
    expect(hexOf(encodeVarint(0))).toBe('00');
    expect(hexOf(encodeVarint(63))).toBe('3f');
    expect(hexOf(encodeVarint(64))).toBe('4040');
    expect(hexOf(encodeVarint(16383))).toBe('7fff');
    expect(hexOf(encodeVarint(16384))).toBe('80004000');
    expect(hexOf(encodeVarint(2 ** 30 - 1))).toBe('bfffffff');
    expect(VARINT_MAX).toBe(2 ** 30 - 1);
    expect(() => encodeVarint(2 ** 30)).toThrow(EncodeError);
  });

  it.each([
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '80004000'],
  ])('an opaque of %i bytes round-trips with prefix %s', (n, prefix) => {
    const data = 'ab'.repeat(n);
    const b = encodeComponent('appDataUpdate', { componentId: 1, op: 'update', data });
    expect(hexOf(b.subarray(3, 3 + prefix.length / 2))).toBe(prefix);
    expect(b.length).toBe(3 + prefix.length / 2 + n);
    expect(decodeComponent('appDataUpdate', b)).toEqual({ componentId: 1, op: 'update', data });
  });

  it('decodes the largest length 2^30-1 without allocating it', () => {
    // component_data length bf ff ff ff = 1073741823, with no bytes following
    expect(() => decodeComponent('dictionary', bytes(['bfffffff']))).toThrow(
      'vector length 1073741823 at offset 0 runs past the end of the input (4 bytes)',
    );
  });
});
