/**
 * HistoryPolicy, the `chat_history_policy` component 0x002E (draft-ietf-mimi-room-policy-03,
 * "History sharing" and the appendix).
 *
 * ```
 * enum { optional(0), required(1), forbidden(2), (255) } Optionality;   -- "mandatory" in the select
 * HistoryPolicy {
 *   Optionality history_sharing;
 *   select (history_sharing) {
 *     case optional, mandatory: uint32 roles_that_can_share<V>; bool automatically_share; uint32 max_time_period;
 *     case forbidden: struct {};
 *   }
 * }
 * ```
 * A forbidden policy has nothing after the enum; in the IR it is `rolesThatCanShare: []`,
 * `automaticallyShare: false`, `maxTimePeriod: 0`, and the encoder rejects anything else (it would
 * not survive a round trip).
 */
import { OptionalityCode, type HistoryPolicy, type Optionality } from '../ir.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

const OPTIONALITY_NAMES: readonly Optionality[] = ['optional', 'required', 'forbidden'];

export function writeHistoryPolicy(w: Writer, h: HistoryPolicy): void {
  const code = OptionalityCode[h.sharing];
  if (code === undefined) w.field('history_sharing', () => w.fail(`${JSON.stringify(h.sharing)} is not an Optionality`));
  w.u8('history_sharing', code);
  if (h.sharing === 'forbidden') {
    if (h.rolesThatCanShare.length !== 0 || h.automaticallyShare || h.maxTimePeriod !== 0) {
      w.fail('a forbidden history policy must have no roles_that_can_share, automatically_share false and max_time_period 0');
    }
    return;
  }
  w.vector('roles_that_can_share', h.rolesThatCanShare, (i) => w.u32('', i));
  w.bool('automatically_share', h.automaticallyShare);
  w.u32('max_time_period', h.maxTimePeriod);
}

export function readHistoryPolicy(r: Reader): HistoryPolicy {
  const sharing = OPTIONALITY_NAMES[r.enumU8('history_sharing', 'optionality', OPTIONALITY_NAMES)];
  if (sharing === 'forbidden') return { sharing, rolesThatCanShare: [], automaticallyShare: false, maxTimePeriod: 0 };
  const rolesThatCanShare = r.vector('roles_that_can_share', () => r.u32(''), 4, 'uint32');
  const automaticallyShare = r.bool('automatically_share');
  const maxTimePeriod = r.u32('max_time_period');
  return { sharing, rolesThatCanShare, automaticallyShare, maxTimePeriod };
}
