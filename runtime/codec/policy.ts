/**
 * A whole room policy as one AppDataDictionary (wire-format.md, "Component framing"): the policy's
 * components keyed by their suggested ids (draft-ietf-mimi-room-policy-03 IANA section):
 * participant list 0x0022 (when present), roles_list 0x0025, preauth_list 0x0026 (when present),
 * base_room_policy 0x0027, chat_history_policy 0x002E (when present), and any other component as
 * opaque bytes — in ascending id order, as the dictionary requires.
 */
import { ComponentId, type BaseRoomPolicy, type HistoryPolicy, type OpaqueComponent, type Policy, type PreAuthEntry, type Role, type UserRolePair } from '../ir.js';
import { readBaseRoomPolicy, writeBaseRoomPolicy } from './base.js';
import { readDictionaryWith, showComponentId, writeDictionaryWith } from './dictionary.js';
import { readHistoryPolicy, writeHistoryPolicy } from './history.js';
import { readParticipantListData, writeParticipantListData } from './participants.js';
import { readPreAuthData, writePreAuthData } from './preauth.js';
import { readAll, type Reader, type ReaderOptions, type TraceHook } from './reader.js';
import { readRoleData, writeRoleData } from './role.js';
import { writeAll, type Writer } from './writer.js';

/** The component ids the Policy IR models itself; any other id goes to `otherComponents`. */
export const MODELLED_COMPONENT_IDS: ReadonlySet<number> = new Set([
  ComponentId.participantList,
  ComponentId.roles,
  ComponentId.preauth,
  ComponentId.base,
  ComponentId.history,
]);

export function writePolicy(w: Writer, p: Policy): void {
  // each entry writes its own `data` field: a nested struct, or opaque bytes for other components
  const entries: Array<{ id: number; writeData: () => void }> = [];
  const nested = (id: number, write: () => void) => entries.push({ id, writeData: () => w.nested('data', write) });
  const { participants, preauth, history } = p;
  if (participants !== null) nested(ComponentId.participantList, () => writeParticipantListData(w, participants));
  nested(ComponentId.roles, () => writeRoleData(w, p.roles));
  if (preauth !== null) nested(ComponentId.preauth, () => writePreAuthData(w, preauth));
  nested(ComponentId.base, () => writeBaseRoomPolicy(w, p.base));
  if (history !== null) nested(ComponentId.history, () => writeHistoryPolicy(w, history));
  for (const c of p.otherComponents) {
    if (MODELLED_COMPONENT_IDS.has(c.id)) {
      w.fail(`otherComponents holds ${showComponentId(c.id)}, a component the policy models itself`);
    }
    entries.push({ id: c.id, writeData: () => w.hex('data', c.data) });
  }
  // otherComponents is sorted in a valid IR; sorting here keeps the dictionary valid regardless.
  // Duplicate ids are left adjacent and rejected by writeDictionaryWith.
  entries.sort((a, b) => a.id - b.id);
  writeDictionaryWith(w, entries, (e) => e.writeData());
}

export function readPolicy(r: Reader): Policy {
  const found: {
    participants: UserRolePair[] | null;
    roles: Role[] | null;
    preauth: PreAuthEntry[] | null;
    base: BaseRoomPolicy | null;
    history: HistoryPolicy | null;
  } = { participants: null, roles: null, preauth: null, base: null, history: null };
  const otherComponents: OpaqueComponent[] = [];
  readDictionaryWith(r, (id) => {
    switch (id) {
      case ComponentId.participantList:
        found.participants = r.nested('data', 'ParticipantListData', () => readParticipantListData(r));
        break;
      case ComponentId.roles:
        found.roles = r.nested('data', 'RoleData', () => readRoleData(r));
        break;
      case ComponentId.preauth:
        found.preauth = r.nested('data', 'PreAuthData', () => readPreAuthData(r));
        break;
      case ComponentId.base:
        found.base = r.nested('data', 'BaseRoomPolicy', () => readBaseRoomPolicy(r));
        break;
      case ComponentId.history:
        found.history = r.nested('data', 'HistoryPolicy', () => readHistoryPolicy(r));
        break;
      default:
        otherComponents.push({ id, data: r.hex('data') });
    }
  });
  const { participants, roles, preauth, base, history } = found;
  // A policy needs its roles and its base policy; the other components are optional.
  if (roles === null) r.fail(`the policy has no ${showComponentId(ComponentId.roles)} component`, 0);
  if (base === null) r.fail(`the policy has no ${showComponentId(ComponentId.base)} component`, 0);
  return { base, roles, preauth, participants, history, otherComponents };
}

/**
 * Encodes a policy as one AppDataDictionary. Throws EncodeError for a value with no wire encoding,
 * or an `otherComponents` entry that duplicates an id (its own or a modelled component's).
 */
export function encodePolicy(policy: Policy): Uint8Array {
  return writeAll((w) => writePolicy(w, policy));
}

/**
 * Decodes an AppDataDictionary into a policy: roles_list and base_room_policy are required, unknown
 * ids go to `otherComponents` as hex. Throws only DecodeError.
 */
export function decodePolicy(bytes: Uint8Array, options?: TraceHook | ReaderOptions): Policy {
  return readAll(bytes, 'AppDataDictionary', readPolicy, options);
}
