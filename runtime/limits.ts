/**
 * Size limits, decided before the expensive work (issue 10): every input and every output whose cost
 * grows with what a user hands us has a limit here, with a default that real policies never reach and
 * a CLI flag that raises it. Exceeding one is a located `limit-exceeded` diagnostic (E0006) that names
 * the flag — never an out-of-memory abort, a hang or a partial output file.
 *
 * One place for all of them, so that the CLI flags, the library options and the README agree.
 */

export interface Limits {
  /** `.mimi` source bytes per file (`--max-source-bytes`) */
  readonly maxSourceBytes: number;
  /** wire input bytes per file (`--max-wire-bytes`) */
  readonly maxWireBytes: number;
  /** JSON input bytes per file: IR, state, action (`--max-json-bytes`); JSONL limits each line */
  readonly maxJsonBytes: number;
  /** diagnostics kept per code; the rest are counted in one `diagnostics-omitted` note (`--max-diagnostics`) */
  readonly maxDiagnosticsPerCode: number;
  /** roles a `hierarchy` may lower to, one per reachable (level, add-ons) state (`--max-lowered-roles`) */
  readonly maxLoweredRoles: number;
  /** authorized role-change targets over all the roles a `hierarchy` lowers to, 4 RoleData bytes each (`--max-lowered-targets`) */
  readonly maxLoweredTargets: number;
  /** vector elements decoded from one wire file, over all its vectors (`--max-wire-elements`): each becomes an IR value */
  readonly maxWireElements: number;
  /** roles in a role graph laid out by Graphviz (`graph --format svg`, the report's picture) (`--max-graph-nodes`) */
  readonly maxGraphNodes: number;
  /** role changes (edges) in a role graph laid out by Graphviz: layout time grows faster than linearly (`--max-graph-edges`) */
  readonly maxGraphEdges: number;
  /** cells (roles × capability columns) of the capability matrix embedded in the HTML report (`--max-matrix-cells`) */
  readonly maxReportMatrixCells: number;
  /** bytes of generated TypeScript (`build --emit ts`), estimated before generating it (`--max-emit-bytes`) */
  readonly maxEmitBytes: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxSourceBytes: 16 * 1024 * 1024,
  maxWireBytes: 256 * 1024 * 1024,
  maxJsonBytes: 64 * 1024 * 1024,
  maxDiagnosticsPerCode: 100,
  maxLoweredRoles: 4096,
  maxLoweredTargets: 1_000_000,
  maxWireElements: 4 * 1024 * 1024,
  maxGraphNodes: 1000,
  maxGraphEdges: 600,
  maxReportMatrixCells: 60_000,
  maxEmitBytes: 8 * 1024 * 1024,
});

/** The CLI flag that raises each limit. */
export const LIMIT_FLAGS: Readonly<Record<keyof Limits, string>> = Object.freeze({
  maxSourceBytes: '--max-source-bytes',
  maxWireBytes: '--max-wire-bytes',
  maxJsonBytes: '--max-json-bytes',
  maxDiagnosticsPerCode: '--max-diagnostics',
  maxLoweredRoles: '--max-lowered-roles',
  maxLoweredTargets: '--max-lowered-targets',
  maxWireElements: '--max-wire-elements',
  maxGraphNodes: '--max-graph-nodes',
  maxGraphEdges: '--max-graph-edges',
  maxReportMatrixCells: '--max-matrix-cells',
  maxEmitBytes: '--max-emit-bytes',
});

/** Defaults overridden by whatever `partial` sets. */
export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(partial)) if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  return out as unknown as Limits;
}

/** "1.5 MB", "12 KB", "900 bytes": sizes in messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/**
 * The message and help of a `limit-exceeded` diagnostic: what is too large, by how much, and the flag
 * (or library option) that raises the limit. `what` reads as a noun phrase: "the source file", "the
 * lowered hierarchy's role changes".
 */
export function limitMessage(what: string, actual: string, limit: string, flag: string): { message: string; help: string } {
  return { message: `${what} is too large: ${actual}, the limit is ${limit}`, help: `raise the limit with \`${flag} <n>\` if this input is expected` };
}
