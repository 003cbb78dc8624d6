/**
 * The hand-optimized baseline, the practical ceiling in JavaScript: what one would write by hand for
 * one room with no generality at all — a full 65,536-bit capability set per role (one load per
 * question) and a role × role × role bit matrix for "may a holder of a move a user from f to t".
 * Built from the same IR (and canTransition) so it gives the same answers; roles are 0..7.
 */
import { canTransition, type IndexedPolicy } from '../../runtime/evaluator/index.js';

export function baseline(ip: IndexedPolicy) {
  const caps = new Uint32Array(8 * 2048);
  for (const [r, set] of ip.caps) if (r < 8) for (const c of set) caps[(r << 11) | (c >>> 5)] |= 1 << (c & 31);
  const moves = new Uint8Array(8 * 8);
  for (let a = 0; a < 8; a++) for (let f = 0; f < 8; f++) for (let t = 0; t < 8; t++) if (canTransition(ip, a, f, t)) moves[(a << 3) | f] |= 1 << t;
  return {
    hasCapability: (r: number, c: number): boolean => ((caps[(r << 11) | (c >>> 5)] >>> (c & 31)) & 1) === 1,
    canTransition: (a: number, f: number, t: number): boolean => ((moves[(a << 3) | f] >>> t) & 1) === 1,
  };
}
