/**
 * Component framing (draft-ietf-mls-extensions, "Application data" / AppDataDictionary and
 * AppDataUpdate).
 *
 * ```
 * uint16 ComponentID
 * ComponentData { ComponentID component_id; opaque data<V> }
 * AppDataDictionary { ComponentData component_data<V> }     -- sorted by component_id, no duplicates
 * enum { invalid(0), update(1), remove(2), (255) } AppDataUpdateOperation
 * AppDataUpdate { ComponentID component_id; AppDataUpdateOperation op;
 *                 select (op) { case update: opaque update<V>; case remove: struct {}; } }
 * ```
 */
import { ComponentId, type OpaqueComponent } from '../ir.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** Component names from draft-ietf-mimi-room-policy-03's IANA section (participant list: 0x0022). */
const COMPONENT_NAMES: ReadonlyMap<number, string> = new Map([
  [ComponentId.participantList, 'participant_list'],
  [ComponentId.mlsOperationalPolicy, 'mls_operational_policy'],
  [ComponentId.roles, 'roles_list'],
  [ComponentId.preauth, 'preauth_list'],
  [ComponentId.base, 'base_room_policy'],
  [ComponentId.statusNotification, 'status_notification_policy'],
  [ComponentId.joinLinkPolicy, 'join_link_policy'],
  [ComponentId.joinLinks, 'join_links'],
  [ComponentId.linkPreview, 'link_preview_policy'],
  [ComponentId.asset, 'asset_policy'],
  [ComponentId.logging, 'logging_policy'],
  [ComponentId.history, 'chat_history_policy'],
  [ComponentId.bot, 'bot_policy'],
  [ComponentId.messageExpiration, 'message_expiration_policy'],
]);

const hex4 = (id: number): string => `0x${id.toString(16).padStart(4, '0')}`;

/** `0x0025 roles_list`, or just `0x1234` for an id without a suggested name. */
export function showComponentId(id: number): string {
  const name = COMPONENT_NAMES.get(id);
  return name === undefined ? hex4(id) : `${hex4(id)} ${name}`;
}

/** An AppDataUpdate: replace a component's data, or remove the component. `data` is lowercase hex. */
export type AppDataUpdate = { componentId: number; op: 'update'; data: string } | { componentId: number; op: 'remove' };

/**
 * Writes an AppDataDictionary whose entries' data `writeData` writes. Entries must already be sorted
 * strictly ascending by id (the dictionary rule); anything else is an EncodeError, never re-sorted
 * silently here.
 */
export function writeDictionaryWith<T extends { id: number }>(w: Writer, entries: readonly T[], writeData: (entry: T) => void): void {
  w.vector('component_data', entries, (e, i) => {
    if (i > 0 && !(e.id > entries[i - 1].id)) {
      w.field('component_id', () =>
        w.fail(`component id ${hex4(e.id)} follows ${hex4(entries[i - 1].id)}: the dictionary must be sorted ascending without duplicates`),
      );
    }
    w.u16('component_id', e.id);
    writeData(e);
  });
}

export function writeDictionary(w: Writer, components: readonly OpaqueComponent[]): void {
  writeDictionaryWith(w, components, (c) => w.hex('data', c.data));
}

/**
 * Reads an AppDataDictionary, handing each entry's data to `readData` (which reads the `data` field
 * itself: as opaque hex, or as a nested struct). Rejects an id not above its predecessor.
 */
export function readDictionaryWith<T>(r: Reader, readData: (id: number) => T): Array<{ id: number; value: T }> {
  let previous = -1;
  return r.vector('component_data', () =>
    r.struct('', 'ComponentData', () => {
      const at = r.offset;
      const id = r.u16('component_id', showComponentId);
      if (id === previous) r.fail(`duplicate component id ${hex4(id)} at offset ${at}`, at);
      if (id < previous) r.fail(`component id ${hex4(id)} at offset ${at} is out of order (after ${hex4(previous)})`, at);
      previous = id;
      return { id, value: readData(id) };
    }),
  );
}

export function readDictionary(r: Reader): OpaqueComponent[] {
  return readDictionaryWith(r, () => r.hex('data')).map(({ id, value }) => ({ id, data: value }));
}

const OPERATION_NAMES = [null, 'update', 'remove'] as const;

export function writeAppDataUpdate(w: Writer, u: AppDataUpdate): void {
  w.u16('component_id', u.componentId);
  if (u.op === 'update') {
    w.u8('op', 1);
    w.hex('update', u.data);
  } else if (u.op === 'remove') {
    w.u8('op', 2);
  } else {
    w.field('op', () => w.fail(`${JSON.stringify((u as { op: unknown }).op)} is not an AppDataUpdate operation`));
  }
}

/** Reads an AppDataUpdate; op 0 (invalid) and ops above 2 are rejected. */
export function readAppDataUpdate(r: Reader): AppDataUpdate {
  const componentId = r.u16('component_id', showComponentId);
  const op = r.enumU8('op', 'app data update operation', OPERATION_NAMES);
  if (op === 1) return { componentId, op: 'update', data: r.hex('update') };
  return { componentId, op: 'remove' };
}
