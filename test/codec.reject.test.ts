/**
 * The strict decoder: every rejection rule, each asserting the error class, the byte offset of the
 * problem, the wire path and a fragment of the message. Also the encoder's rejections.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeComponent, decodePolicy, EncodeError, encodeComponent, encodePolicy, type ComponentKind } from '../runtime/codec/index.js';
import type { Policy, Role } from '../runtime/ir.js';

const bytes = (...parts: string[]): Uint8Array => Uint8Array.from(Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex'));

function decodeError(kind: ComponentKind | 'policy', input: Uint8Array): DecodeError {
  try {
    if (kind === 'policy') decodePolicy(input);
    else decodeComponent(kind, input);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

function expectReject(kind: ComponentKind | 'policy', input: Uint8Array, offset: number, fragment: string, path?: string): void {
  const e = decodeError(kind, input);
  expect(e.message).toContain(fragment);
  expect(e.offset).toBe(offset);
  if (path !== undefined) expect(e.path).toBe(path);
  // message style: lowercase start, no final period
  expect(e.message).toMatch(/^[a-z0-9].*[^.]$/);
}

// A base policy with every field at its simplest: 12 bytes
const BASE = ['00', '00', '00', '01', '00', '00', '00', '00', '00', '00'];
const ROLE = ['00000002', '01 6d', '00', '00', '00000000', '00', '00000000', '00', '00']; // 19 bytes: index 2, name "m", all else empty/0/absent

describe('decoder rejections', () => {
  it('truncated input', () => {
    expectReject('base', bytes('00'), 1, 'unexpected end of input: bool at offset 1 needs 1 bytes, 0 left', 'parent_dependant');
    expectReject('history', bytes('00', '00', '00', '0000'), 3, 'unexpected end of input: uint32 at offset 3 needs 4 bytes, 2 left', 'max_time_period');
    expectReject('participantsUpdate', bytes('00', '00'), 2, 'unexpected end of input', 'addedParticipants');
    expectReject('dictionary', bytes(), 0, 'unexpected end of input: varint length at offset 0', 'component_data');
    expectReject('dictionary', bytes('40'), 0, '2-byte varint length at offset 0 needs 2 bytes, 1 left');
  });

  it('trailing bytes after the top-level struct', () => {
    expectReject('roles', bytes('00', 'ff'), 1, '1 trailing byte at offset 1 after the end of RoleData', '');
    expectReject('base', bytes(...BASE, '0000'), 10, '2 trailing bytes at offset 10 after the end of BaseRoomPolicy');
    expectReject('history', bytes('02', '00'), 1, 'trailing byte');
  });

  it('non-minimal varints', () => {
    expectReject('roles', bytes('4000'), 0, 'non-minimal varint at offset 0: length 0 encoded in 2 bytes instead of 1', 'roles');
    expectReject('roles', bytes('8000003f'), 0, 'length 63 encoded in 4 bytes instead of 1');
    expectReject('roles', bytes('80003fff'), 0, 'length 16383 encoded in 4 bytes instead of 2');
    // inside a role: role_name length 1 written as 40 01
    expectReject('roles', bytes('14', '00000002', '4001 6d', ...ROLE.slice(2)), 5, 'non-minimal varint at offset 5', 'roles[0].role_name');
  });

  it('varint prefix 0b11', () => {
    expectReject('roles', bytes('c0'), 0, 'invalid varint prefix 0b11 at offset 0', 'roles');
    expectReject('participants', bytes('ff', '00000000'), 0, 'invalid varint prefix 0b11');
  });

  it('a vector length past the end', () => {
    expectReject('roles', bytes('05', '00'), 0, 'vector length 5 at offset 0 runs past the end of the input (2 bytes)', 'roles');
    // role_name says 9 bytes but the roles vector ends after 6
    expectReject(
      'roles',
      bytes('06', '00000002', '09 6d'),
      5,
      'vector length 9 at offset 5 runs past the end of the enclosing vector (ends at offset 7)',
      'roles[0].role_name',
    );
  });

  it('a vector length that does not end on an element boundary', () => {
    // role_capabilities of 3 bytes: not a whole number of uint16
    expectReject('roles', bytes('15', '00000002', '00', '00', '03 000100', '00000000 00 00000000 00 00'), 7, 'vector length 3 at offset 7 is not a multiple of 2', 'roles[0].role_capabilities');
    // target_role_indexes of 6 bytes
    expectReject('history', bytes('00', '06 000000020000', '00', '00000000'), 1, 'vector length 6 at offset 1 is not a multiple of 4 (uint32 elements)', 'roles_that_can_share');
    // changedRoleParticipants of 4 bytes: UserindexRolePair is 8
    expectReject('participantsUpdate', bytes('04 00000001', '00', '00'), 0, 'is not a multiple of 8 (UserindexRolePair elements)');
    // roles vector of 22 bytes: a whole role (20 bytes) then 2 bytes of a second role_index
    expectReject(
      'roles',
      bytes('15', ...ROLE, '0000'),
      20,
      'uint32 at offset 20 needs 4 bytes but the enclosing vector ends at offset 22: the vector length does not end on an element boundary',
      'roles[1].role_index',
    );
    // target_role_indexes inside authorized_role_changes: the change vector ends inside from_role_index
    expectReject('roles', bytes('16', ...ROLE.slice(0, 8), '03 000000'), 20, 'the enclosing vector ends at offset 23', 'roles[0].authorized_role_changes[0].from_role_index');
  });

  it('bool and optional flags other than 0 and 1', () => {
    expectReject('base', bytes('02', ...BASE.slice(1)), 0, 'invalid bool 2 at offset 0 (must be 0 or 1)', 'fixed_membership');
    expectReject('base', bytes(...BASE.slice(0, 4), '02'), 4, 'invalid optional presence flag 2 at offset 4 (must be 0 or 1)', 'max_clients');
    expectReject('roles', bytes('13', ...ROLE.slice(0, 5), 'ff', ...ROLE.slice(6)), 13, 'invalid optional presence flag 255', 'roles[0].maximum_participants_constraint');
    expectReject('history', bytes('00', '00', '07', '00000000'), 2, 'invalid bool 7', 'automatically_share');
  });

  it('invalid utf-8 in text fields', () => {
    expectReject('roles', bytes('13', '00000002', '01 ff', ...ROLE.slice(2)), 6, 'invalid utf-8 in role_name at offset 6', 'roles[0].role_name');
    // a UTF-16 surrogate (U+D800) encoded in UTF-8 is not UTF-8
    expectReject('roles', bytes('15', '00000002', '00', '03 eda080', ...ROLE.slice(3)), 7, 'invalid utf-8 in role_description', 'roles[0].role_description');
    // overlong encoding of '/'
    expectReject('participants', bytes('07', '02 c0af', '00000000'), 2, 'invalid utf-8 in user at offset 2', 'participants[0].user');
    // truncated sequence
    expectReject('base', bytes('00', '01', '02 01 c3', ...BASE.slice(3)), 4, 'invalid utf-8 in uri', 'parent_room[0].uri');
  });

  it('unsorted or duplicate component ids in a dictionary', () => {
    expectReject('dictionary', bytes('06', '0027 00', '0025 00'), 4, 'component id 0x0025 at offset 4 is out of order (after 0x0027)', 'component_data[1]');
    expectReject('dictionary', bytes('06', '0025 00', '0025 00'), 4, 'duplicate component id 0x0025 at offset 4', 'component_data[1]');
  });

  it('AppDataUpdate op 0 or above 2', () => {
    expectReject('appDataUpdate', bytes('0025', '00'), 2, 'invalid app data update operation 0 at offset 2 (allowed: 1 update, 2 remove)', 'op');
    expectReject('appDataUpdate', bytes('0025', '03', '00'), 2, 'invalid app data update operation 3');
  });

  it('Optionality above 2', () => {
    expectReject('history', bytes('03'), 0, 'invalid optionality 3 at offset 0 (allowed: 0 optional, 1 required, 2 forbidden)', 'history_sharing');
  });

  it('a policy without roles or base, or with a malformed component', () => {
    const base = ['0027 0a', ...BASE];
    expectReject('policy', bytes('0d', ...base), 0, 'the policy has no 0x0025 roles_list component');
    expectReject('policy', bytes('04', '0025 01 00'), 0, 'the policy has no 0x0027 base_room_policy component');
    // errors inside a component report offsets in the whole input and the path through the dictionary
    expectReject('policy', bytes('12', '0025 02 00 00', ...base), 5, '1 trailing byte at offset 5 after the end of RoleData', 'component_data[0].data');
    expectReject(
      'policy',
      bytes('12', '0025 02 01 00', ...base),
      5,
      'uint32 at offset 5 needs 4 bytes but the enclosing vector ends at offset 6',
      'component_data[0].data.roles[0].role_index',
    );
  });

  it('input that is not bytes', () => {
    expectReject('roles', 'not bytes' as unknown as Uint8Array, 0, 'input is not a byte array');
  });
});

describe('encoder rejections', () => {
  const role: Role = { index: 2, name: 'm', description: '', capabilities: [], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: null, changes: [] };
  const policy: Policy = {
    base: { fixedMembership: false, parentDependant: false, parentRooms: [], multiDevice: true, maxClients: null, maxUsers: null, pseudonymsAllowed: false, persistentRoom: false, discoverable: false, policyComponentIds: [] },
    roles: [role],
    preauth: null,
    participants: null,
    history: null,
    otherComponents: [],
  };

  function encodeError(fn: () => unknown): EncodeError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      return e as EncodeError;
    }
    throw new Error('expected an EncodeError');
  }

  it('integers out of range, with the wire path', () => {
    const e = encodeError(() => encodeComponent('roles', [role, { ...role, capabilities: [1, 70000] }]));
    expect(e.message).toBe('70000 is not a uint16');
    expect(e.path).toBe('roles[1].role_capabilities[1]');
    expect(encodeError(() => encodeComponent('roles', [{ ...role, index: -1 }])).message).toBe('-1 is not a uint32');
    expect(encodeError(() => encodeComponent('roles', [{ ...role, maxActive: 2 ** 32 }])).path).toBe('roles[0].maximum_active_participants_constraint');
  });

  it('bad hex, lone surrogates and malformed objects', () => {
    expect(encodeError(() => encodeComponent('dictionary', [{ id: 1, data: 'ABC' }])).path).toBe('component_data[0].data');
    expect(encodeError(() => encodeComponent('participants', [{ user: '\uD800', role: 0 }])).message).toContain('lone utf-16 surrogate');
    expect(encodeError(() => encodeComponent('roles', [{ ...role, changes: undefined } as unknown as Role])).message).toContain('is not an array');
  });

  it('a forbidden history policy with anything else set', () => {
    const e = encodeError(() => encodeComponent('history', { sharing: 'forbidden', rolesThatCanShare: [2], automaticallyShare: false, maxTimePeriod: 0 }));
    expect(e.message).toContain('a forbidden history policy must have no roles_that_can_share');
  });

  it('an unsorted dictionary or clashing component ids', () => {
    const unsorted = encodeError(() => encodeComponent('dictionary', [{ id: 2, data: '' }, { id: 1, data: '' }]));
    expect(unsorted.message).toBe('component id 0x0001 follows 0x0002: the dictionary must be sorted ascending without duplicates');
    expect(encodeError(() => encodePolicy({ ...policy, otherComponents: [{ id: 0x25, data: '' }] })).message).toContain('0x0025 roles_list, a component the policy models itself');
    expect(encodeError(() => encodePolicy({ ...policy, otherComponents: [{ id: 0x28, data: '' }, { id: 0x28, data: '00' }] })).message).toContain('0x0028 follows 0x0028');
  });
});
