/**
 * RoleData, the `roles_list` component (draft-ietf-mimi-room-policy-03, "Roles" and the appendix
 * "Complete TLS Presentation Language Syntax"). RoleUpdate has the same format.
 *
 * ```
 * SingleSourceRoleChangeTargets { uint32 from_role_index; uint32 target_role_indexes<V> }
 * Role {
 *   uint32 role_index; opaque role_name<V>; opaque role_description<V>;
 *   CapabilityType role_capabilities<V>;                 -- CapabilityType = uint16
 *   uint32 minimum_participants_constraint; optional<uint32> maximum_participants_constraint;
 *   uint32 minimum_active_participants_constraint; optional<uint32> maximum_active_participants_constraint;
 *   SingleSourceRoleChangeTargets authorized_role_changes<V>
 * }
 * RoleData { Role roles<V> }
 * ```
 */
import type { Role, RoleChange } from '../ir.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';
import { capabilityByCode, hex16, isPrivateUse } from '../registry.js';

/** `0x000b canUnBan` in dumps: the code, and the registry name when there is one */
const showCapability = (v: number): string => `${hex16(v)}${capabilityByCode.has(v) ? ` ${capabilityByCode.get(v)!.name}` : isPrivateUse(v) ? ' (private use)' : ''}`;

export function writeRole(w: Writer, role: Role): void {
  w.u32('role_index', role.index);
  w.text('role_name', role.name);
  w.text('role_description', role.description);
  w.vector('role_capabilities', role.capabilities, (c) => w.u16('', c));
  w.u32('minimum_participants_constraint', role.minParticipants);
  w.optional('maximum_participants_constraint', role.maxParticipants, (v) => w.u32('', v));
  w.u32('minimum_active_participants_constraint', role.minActive);
  w.optional('maximum_active_participants_constraint', role.maxActive, (v) => w.u32('', v));
  w.vector('authorized_role_changes', role.changes, (c) => {
    w.u32('from_role_index', c.from);
    w.vector('target_role_indexes', c.to, (t) => w.u32('', t));
  });
}

/** Reads the fields of one Role (the caller frames it as a struct). */
export function readRole(r: Reader): Role {
  const index = r.u32('role_index');
  const name = r.text('role_name');
  const description = r.text('role_description');
  const capabilities = r.vector('role_capabilities', () => r.u16('', showCapability), 2, 'uint16');
  const minParticipants = r.u32('minimum_participants_constraint');
  const maxParticipants = r.optional('maximum_participants_constraint', () => r.u32(''));
  const minActive = r.u32('minimum_active_participants_constraint');
  const maxActive = r.optional('maximum_active_participants_constraint', () => r.u32(''));
  const changes = r.vector('authorized_role_changes', () =>
    r.struct('', 'SingleSourceRoleChangeTargets', (): RoleChange => {
      const from = r.u32('from_role_index');
      const to = r.vector('target_role_indexes', () => r.u32(''), 4, 'uint32');
      return { from, to };
    }),
  );
  return { index, name, description, capabilities, minParticipants, maxParticipants, minActive, maxActive, changes };
}

export function writeRoleData(w: Writer, roles: readonly Role[]): void {
  w.vector('roles', roles, (role) => writeRole(w, role));
}

export function readRoleData(r: Reader): Role[] {
  return r.vector('roles', () => r.struct('', 'Role', () => readRole(r)));
}
