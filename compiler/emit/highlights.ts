/**
 * The role-change steps to highlight in pictures: the witness paths of path-shaped findings
 * (escalation, ban evasion …) among a policy's diagnostics.
 */
import type { Diagnostic } from '../../runtime/diagnostics.js';

type Ref = number | { index: number };
const idx = (r: Ref | undefined): number | undefined => (typeof r === 'number' ? r : r?.index);

export function highlightsOf(ds: readonly Diagnostic[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const d of ds) {
    const path = (d as { path?: { target?: { from?: Ref; to?: Ref } }[] }).path;
    if (!Array.isArray(path)) continue;
    for (const step of path) {
      const from = idx(step.target?.from);
      const to = idx(step.target?.to);
      if (from !== undefined && to !== undefined) out.push({ from, to });
    }
  }
  return out;
}
