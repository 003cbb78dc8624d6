/**
 * The participant list component (draft-mahy-mimi-app-components, "Participant list"; component ID
 * 0x0022 from draft-ietf-mimi-protocol).
 *
 * ```
 * UserRolePair { opaque user<V>; uint32 role_index }
 * ParticipantListData { UserRolePair participants<V> }
 * UserindexRolePair { uint32 user_index; uint32 role_index }
 * ParticipantListUpdate {
 *   UserindexRolePair changedRoleParticipants<V>; uint32 removedIndices<V>; UserRolePair addedParticipants<V>
 * }
 * ```
 * User ids are UTF-8 text (URIs).
 */
import type { ParticipantListUpdate, UserRolePair } from '../ir.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

function writeUserRolePair(w: Writer, p: UserRolePair): void {
  w.text('user', p.user);
  w.u32('role_index', p.role);
}

function readUserRolePair(r: Reader): UserRolePair {
  return r.struct('', 'UserRolePair', () => {
    const user = r.text('user');
    const role = r.u32('role_index');
    return { user, role };
  });
}

export function writeParticipantListData(w: Writer, participants: readonly UserRolePair[]): void {
  w.vector('participants', participants, (p) => writeUserRolePair(w, p));
}

export function readParticipantListData(r: Reader): UserRolePair[] {
  return r.vector('participants', () => readUserRolePair(r));
}

export function writeParticipantListUpdate(w: Writer, u: ParticipantListUpdate): void {
  w.vector('changedRoleParticipants', u.changed, (c) => {
    w.u32('user_index', c.userIndex);
    w.u32('role_index', c.role);
  });
  w.vector('removedIndices', u.removed, (i) => w.u32('', i));
  w.vector('addedParticipants', u.added, (p) => writeUserRolePair(w, p));
}

export function readParticipantListUpdate(r: Reader): ParticipantListUpdate {
  // UserindexRolePair is two uint32s: a length that is not a multiple of 8 is rejected up front
  const changed = r.vector(
    'changedRoleParticipants',
    () =>
      r.struct('', 'UserindexRolePair', () => {
        const userIndex = r.u32('user_index');
        const role = r.u32('role_index');
        return { userIndex, role };
      }),
    8,
    'UserindexRolePair',
  );
  const removed = r.vector('removedIndices', () => r.u32(''), 4, 'uint32');
  const added = r.vector('addedParticipants', () => readUserRolePair(r));
  return { changed, removed, added };
}
