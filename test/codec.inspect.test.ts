/**
 * The annotated dump: produced by the decoders' trace hook, so it covers exactly the bytes decoded
 * and fails exactly where decoding fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodePolicy, encodeComponent, encodePolicy, inspect, inspectPartial, renderInspect } from '../runtime/codec/index.js';
import type { Role } from '../runtime/ir.js';
import { arbPolicy } from './arbitraries.js';

const roleM: Role = { index: 2, name: 'm', description: '', capabilities: [0x0100], minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: 0, changes: [{ from: 0, to: [2] }] };

describe('inspect', () => {
  it('annotates each field with offset, length, depth, path and value', () => {
    const lines = inspect(encodeComponent('roles', [roleM]), 'roles');
    expect(lines[0]).toEqual({ offset: 0, length: 1, depth: 0, path: 'roles', field: 'roles', hex: '22', value: 'vector length 34' });
    expect(lines[1]).toEqual({ offset: 1, length: 34, depth: 1, path: 'roles[0]', field: '[0]', hex: '', value: 'Role' });
    expect(lines[2]).toEqual({ offset: 1, length: 4, depth: 2, path: 'roles[0].role_index', field: 'role_index', hex: '00000002', value: '2' });
    expect(lines[3]).toMatchObject({ offset: 5, length: 2, path: 'roles[0].role_name', hex: '016d', value: '"m"' });
    expect(lines.find((l) => l.path === 'roles[0].role_capabilities[0]')).toMatchObject({ offset: 9, hex: '0100', value: '0x0100 canSendMessage', depth: 3 });
    expect(lines.at(-1)).toMatchObject({ offset: 31, path: 'roles[0].authorized_role_changes[0].target_role_indexes[0]', value: '2', depth: 5 });
  });

  it('renders as text: hex offset, bytes (at most 16), indented field and value', () => {
    const text = renderInspect(inspect(encodeComponent('roles', [roleM]), 'roles'));
    const rows = text.split('\n');
    expect(rows[0]).toMatch(/^0000 {2}22 +roles: vector length 34$/);
    expect(rows[1]).toMatch(/^0001 {4,}\[0\]: Role \(34 bytes\)$/);
    expect(rows[2]).toMatch(/^0001 {2}00 00 00 02 +role_index: 2$/);
    const long = renderInspect(inspect(encodeComponent('dictionary', [{ id: 0x40, data: 'ab'.repeat(20) }]), 'dictionary'));
    expect(long).toContain(`14 ${Array(15).fill('ab').join(' ')}…`); // length prefix + first 15 data bytes
    expect(long).toContain('data: 20 bytes abababababababababababababababab…');
  });

  it('decodes the modelled components of a policy in place', () => {
    const policy = {
      base: { fixedMembership: false, parentDependant: false, parentRooms: [], multiDevice: true, maxClients: null, maxUsers: null, pseudonymsAllowed: false, persistentRoom: false, discoverable: false, policyComponentIds: [] },
      roles: [roleM],
      preauth: null,
      participants: null,
      history: null,
      otherComponents: [],
    };
    const lines = inspect(encodePolicy(policy), 'policy');
    expect(lines.map((l) => l.value)).toContain('0x0025 roles_list');
    expect(lines.find((l) => l.path === 'component_data[0].data.roles[0].role_name')).toMatchObject({ value: '"m"', depth: 5 });
  });

  it('the non-header lines cover the input exactly, in order', () => {
    fc.assert(
      fc.property(arbPolicy, (policy) => {
        const bytes = encodePolicy(policy);
        let offset = 0;
        let hex = '';
        for (const l of inspect(bytes, 'policy')) {
          if (l.hex === '') continue; // struct header
          expect(l.offset).toBe(offset);
          expect(l.hex.length).toBe(2 * l.length);
          offset += l.length;
          hex += l.hex;
        }
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
      }),
      { numRuns: 100 },
    );
  });

  it('stops where decoding stops, with the same error', () => {
    const bytes = encodeComponent('roles', [roleM]).slice(0, 20);
    expect(() => inspect(bytes, 'roles')).toThrow(DecodeError);
    const { lines, error } = inspectPartial(bytes, 'roles');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error?.message).toBe('vector length 34 at offset 0 runs past the end of the input (20 bytes)');
    expect(lines).toEqual([]);

    const cut = encodePolicy({
      base: { fixedMembership: false, parentDependant: false, parentRooms: [], multiDevice: true, maxClients: null, maxUsers: null, pseudonymsAllowed: false, persistentRoom: false, discoverable: false, policyComponentIds: [] },
      roles: [roleM],
      preauth: null,
      participants: null,
      history: null,
      otherComponents: [],
    });
    // 0: component_data<V>, 1: component_id, 3: data<V>, 4: roles<V>, 5: role_index ... 24: maximum_active flag
    cut[24] = 9;
    const partial = inspectPartial(cut, 'policy');
    let expected: unknown;
    try {
      decodePolicy(cut);
    } catch (e) {
      expected = e;
    }
    expect(partial.error).toEqual(expected);
    const rendered = renderInspect(partial.lines, partial.error);
    expect(rendered.split('\n').at(-2)).toMatch(/^0014 {2}00 00 00 00 +minimum_active_participants_constraint: 0$/);
    expect(rendered.split('\n').at(-1)).toBe(
      '0018  error in component_data[0].data.roles[0].maximum_active_participants_constraint: invalid optional presence flag 9 at offset 24 (must be 0 or 1)',
    );
  });

  it('never throws anything but DecodeError on random input, and inspectPartial never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.constantFrom('policy' as const, 'roles' as const, 'preauth' as const, 'base' as const, 'dictionary' as const), (bytes, kind) => {
        const { lines, error } = inspectPartial(bytes, kind);
        for (const l of lines) expect(l.offset + l.length).toBeLessThanOrEqual(bytes.length);
        if (error !== undefined) expect(error).toBeInstanceOf(DecodeError);
        renderInspect(lines, error);
      }),
      { numRuns: 300 },
    );
  });
});
