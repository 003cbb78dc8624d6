/**
 * The wire artifacts of a policy: one file per component plus the component dictionary and the IR as
 * JSON. Pure: returns names and bytes; the CLI writes them (all or nothing).
 */
import { encodeComponent, encodePolicy } from '../../runtime/codec/index.js';
import type { Policy } from '../../runtime/ir.js';

export interface Artifact {
  /** file name, e.g. `room.roles.bin` */
  name: string;
  /** what it holds, for reports */
  what: string;
  bytes: Uint8Array;
}

/** Deterministic JSON of the IR (key order is the schema's), newline-terminated. */
export const policyToJson = (policy: Policy): string => `${JSON.stringify(policy, null, 2)}\n`;

export function wireArtifacts(policy: Policy, name: string): Artifact[] {
  const out: Artifact[] = [
    { name: `${name}.roles.bin`, what: 'RoleData (roles_list, 0x0025)', bytes: encodeComponent('roles', policy.roles) },
  ];
  if (policy.preauth !== null) out.push({ name: `${name}.preauth.bin`, what: 'PreAuthData (preauth_list, 0x0026)', bytes: encodeComponent('preauth', policy.preauth) });
  out.push({ name: `${name}.base.bin`, what: 'BaseRoomPolicy (base_room_policy, 0x0027)', bytes: encodeComponent('base', policy.base) });
  if (policy.participants !== null)
    out.push({ name: `${name}.participants.bin`, what: 'ParticipantListData (0x0022)', bytes: encodeComponent('participants', policy.participants) });
  if (policy.history !== null) out.push({ name: `${name}.history.bin`, what: 'HistoryPolicy (chat_history_policy, 0x002E)', bytes: encodeComponent('history', policy.history) });
  out.push({ name: `${name}.policy.bin`, what: 'AppDataDictionary of all components', bytes: encodePolicy(policy) });
  out.push({ name: `${name}.policy.json`, what: 'the policy IR as JSON', bytes: new TextEncoder().encode(policyToJson(policy)) });
  return out;
}
