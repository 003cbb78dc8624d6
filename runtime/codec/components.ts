/**
 * Per-component entry points: one table, keyed by component kind, of each struct's wire name, writer
 * and reader. Every kind's bytes are exactly one top-level struct (no trailing bytes).
 */
import type { BaseRoomPolicy, OpaqueComponent, ParticipantListUpdate, PreAuthEntry, Role, UserRolePair, HistoryPolicy } from '../ir.js';
import { readBaseRoomPolicy, writeBaseRoomPolicy } from './base.js';
import { readAppDataUpdate, readDictionary, writeAppDataUpdate, writeDictionary, type AppDataUpdate } from './dictionary.js';
import { readHistoryPolicy, writeHistoryPolicy } from './history.js';
import { readParticipantListData, readParticipantListUpdate, writeParticipantListData, writeParticipantListUpdate } from './participants.js';
import { readPreAuthData, writePreAuthData } from './preauth.js';
import { readAll, type Reader, type ReaderOptions, type TraceHook } from './reader.js';
import { readRoleData, writeRoleData } from './role.js';
import { writeAll, type Writer } from './writer.js';

/** The IR value of each component kind. */
export interface ComponentValues {
  /** AppDataDictionary, components as opaque hex (no component is interpreted) */
  dictionary: OpaqueComponent[];
  /** RoleData (also the format of RoleUpdate) */
  roles: Role[];
  /** PreAuthData */
  preauth: PreAuthEntry[];
  /** BaseRoomPolicy */
  base: BaseRoomPolicy;
  /** ParticipantListData */
  participants: UserRolePair[];
  /** ParticipantListUpdate */
  participantsUpdate: ParticipantListUpdate;
  /** HistoryPolicy (chat_history_policy) */
  history: HistoryPolicy;
  /** AppDataUpdate */
  appDataUpdate: AppDataUpdate;
}
export type ComponentKind = keyof ComponentValues;

interface StructCodec<T> {
  /** the struct's name in the drafts, used in messages */
  typeName: string;
  write(w: Writer, value: T): void;
  read(r: Reader): T;
}

export const COMPONENT_CODECS: { readonly [K in ComponentKind]: StructCodec<ComponentValues[K]> } = {
  dictionary: { typeName: 'AppDataDictionary', write: writeDictionary, read: readDictionary },
  roles: { typeName: 'RoleData', write: writeRoleData, read: readRoleData },
  preauth: { typeName: 'PreAuthData', write: writePreAuthData, read: readPreAuthData },
  base: { typeName: 'BaseRoomPolicy', write: writeBaseRoomPolicy, read: readBaseRoomPolicy },
  participants: { typeName: 'ParticipantListData', write: writeParticipantListData, read: readParticipantListData },
  participantsUpdate: { typeName: 'ParticipantListUpdate', write: writeParticipantListUpdate, read: readParticipantListUpdate },
  history: { typeName: 'HistoryPolicy', write: writeHistoryPolicy, read: readHistoryPolicy },
  appDataUpdate: { typeName: 'AppDataUpdate', write: writeAppDataUpdate, read: readAppDataUpdate },
};

export const COMPONENT_KINDS = Object.keys(COMPONENT_CODECS) as ComponentKind[];

/** Encodes one struct of the given kind. Throws EncodeError for a value with no wire encoding. */
export function encodeComponent<K extends ComponentKind>(kind: K, value: ComponentValues[K]): Uint8Array {
  const codec = COMPONENT_CODECS[kind] as StructCodec<ComponentValues[K]>;
  return writeAll((w) => codec.write(w, value));
}

/**
 * Decodes all of `bytes` as one struct of the given kind. Throws only DecodeError. `options` is a
 * trace hook, or ReaderOptions (with `validateOnly`, every rule is checked but no value kept).
 */
export function decodeComponent<K extends ComponentKind>(kind: K, bytes: Uint8Array, options?: TraceHook | ReaderOptions): ComponentValues[K] {
  const codec = COMPONENT_CODECS[kind] as StructCodec<ComponentValues[K]>;
  return readAll(bytes, codec.typeName, (r) => codec.read(r), options);
}

/** The kinds `detectComponent` tries, in order. */
export const DETECT_ORDER: readonly ComponentKind[] = ['dictionary', 'roles', 'preauth', 'base', 'participants'];

/**
 * Guesses what `bytes` hold: the first of dictionary, roles, preauth, base, participants that decodes
 * the whole input without error, or null. This is a heuristic, not a format check: the formats
 * overlap (e.g. `00` is an empty dictionary and also an empty RoleData), so the order decides.
 * No values are kept (validateOnly): detection takes constant memory, whatever the input.
 */
export function detectComponent(bytes: Uint8Array): ComponentKind | null {
  for (const kind of DETECT_ORDER) {
    try {
      decodeComponent(kind, bytes, { validateOnly: true });
      return kind;
    } catch {
      // not this kind (decodeComponent throws only DecodeError)
    }
  }
  return null;
}
