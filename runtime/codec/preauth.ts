/**
 * PreAuthData, the `preauth_list` component (draft-ietf-mimi-room-policy-03, "Preauthorized users"
 * and the appendix). -03 embeds a whole Role as the target, not an index.
 *
 * ```
 * ClaimId { CredentialType credential_type; opaque id<V> }     -- CredentialType = uint16 (RFC 9420)
 * Claim { ClaimId claim_id; opaque claim_value<V> }
 * PreAuthRoleEntry { Claim claimset<V>; Role target_role }
 * PreAuthData { PreAuthRoleEntry preauthorized_entries<V> }
 * ```
 * Claim ids and values are opaque bytes: lowercase hex in the IR.
 */
import type { Claim, PreAuthEntry } from '../ir.js';
import type { Reader } from './reader.js';
import { readRole, writeRole } from './role.js';
import type { Writer } from './writer.js';

export function writePreAuthData(w: Writer, entries: readonly PreAuthEntry[]): void {
  w.vector('preauthorized_entries', entries, (e) => {
    w.vector('claimset', e.claims, (c) => {
      w.field('claim_id', () => {
        w.u16('credential_type', c.credentialType);
        w.hex('id', c.id);
      });
      w.hex('claim_value', c.value);
    });
    w.field('target_role', () => writeRole(w, e.role));
  });
}

export function readPreAuthData(r: Reader): PreAuthEntry[] {
  return r.vector('preauthorized_entries', () =>
    r.struct('', 'PreAuthRoleEntry', (): PreAuthEntry => {
      const claims = r.vector('claimset', () =>
        r.struct('', 'Claim', (): Claim => {
          const { credentialType, id } = r.struct('claim_id', 'ClaimId', () => ({
            credentialType: r.u16('credential_type'),
            id: r.hex('id'),
          }));
          const value = r.hex('claim_value');
          return { credentialType, id, value };
        }),
      );
      const role = r.struct('target_role', 'Role', () => readRole(r));
      return { claims, role };
    }),
  );
}
