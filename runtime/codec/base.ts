/**
 * BaseRoomPolicy, the `base_room_policy` component (draft-ietf-mimi-room-policy-03, "Base room
 * policy" and the appendix).
 *
 * ```
 * Uri { opaque uri<V> }
 * BaseRoomPolicy {
 *   bool fixed_membership; bool parent_dependant; Uri parent_room<V>; bool multi_device;
 *   optional<uint32> max_clients; optional<uint32> max_users;
 *   bool pseudonyms_allowed; bool persistent_room; bool discoverable;
 *   Component policy_component_ids<V>                   -- Component = ComponentID = uint16
 * }
 * ```
 * `Uri parent_room<V>` is read literally, as a vector of Uri structs (wire-format.md, settled
 * readings). Whether it is empty unless parent_dependant is a policy check, not a wire rule, so the
 * codec does not enforce it.
 */
import type { BaseRoomPolicy } from '../ir.js';
import { showComponentId } from './dictionary.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export function writeBaseRoomPolicy(w: Writer, b: BaseRoomPolicy): void {
  w.bool('fixed_membership', b.fixedMembership);
  w.bool('parent_dependant', b.parentDependant);
  w.vector('parent_room', b.parentRooms, (uri) => w.text('uri', uri));
  w.bool('multi_device', b.multiDevice);
  w.optional('max_clients', b.maxClients, (v) => w.u32('', v));
  w.optional('max_users', b.maxUsers, (v) => w.u32('', v));
  w.bool('pseudonyms_allowed', b.pseudonymsAllowed);
  w.bool('persistent_room', b.persistentRoom);
  w.bool('discoverable', b.discoverable);
  w.vector('policy_component_ids', b.policyComponentIds, (id) => w.u16('', id));
}

export function readBaseRoomPolicy(r: Reader): BaseRoomPolicy {
  const fixedMembership = r.bool('fixed_membership');
  const parentDependant = r.bool('parent_dependant');
  const parentRooms = r.vector('parent_room', () => r.struct('', 'Uri', () => r.text('uri')));
  const multiDevice = r.bool('multi_device');
  const maxClients = r.optional('max_clients', () => r.u32(''));
  const maxUsers = r.optional('max_users', () => r.u32(''));
  const pseudonymsAllowed = r.bool('pseudonyms_allowed');
  const persistentRoom = r.bool('persistent_room');
  const discoverable = r.bool('discoverable');
  const policyComponentIds = r.vector('policy_component_ids', () => r.u16('', showComponentId), 2, 'uint16');
  return {
    fixedMembership,
    parentDependant,
    parentRooms,
    multiDevice,
    maxClients,
    maxUsers,
    pseudonymsAllowed,
    persistentRoom,
    discoverable,
    policyComponentIds,
  };
}
