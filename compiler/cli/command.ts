/**
 * What every subcommand shares: its metadata and help, argument parsing with usage errors, the exit
 * codes (0 ok, 1 problems in the input, 2 usage or I/O), and output streams that tests can capture.
 */
import { capDiagnostics, hasErrors, type Diagnostic } from '../../runtime/diagnostics.js';
import { DEFAULT_LIMITS, type Limits } from '../../runtime/limits.js';
import { INPUT_LIMITS, INPUT_LIMIT_OPTIONS, inputLimitHelp, UsageError, type CliIO, type CommandInfo, type ParsedArgs } from './options.js';
import { diagnosticJson, renderHuman, renderPlain } from '../render.js';
import type { Policy } from '../../runtime/ir.js';
import type { LoadedPolicy } from '../input.js';
import { relativeSources, relativize } from './paths.js';

export { FORMAT_OPTION, MAX_DIAGNOSTICS_OPTION, COMMON_DIAG_OPTIONS, INPUT_LIMIT_OPTIONS, inputLimitHelp, EXIT_OK, EXIT_INPUT, EXIT_USAGE, UsageError, parseCommandArgs, type CommandInfo, type CliIO, type ParsedArgs } from './options.js';

/** A subcommand with its implementation loaded (compare CommandInfo, what the command line starts from). */
export interface Command extends Omit<CommandInfo, 'load'> {
  run(args: ParsedArgs, io: CliIO): Promise<number> | number;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got \`${String(value)}\`)`);
}

/** Whether these diagnostics fail the run. */
export const fails = (ds: readonly Diagnostic[], denyWarnings: boolean): boolean =>
  hasErrors(ds) || (denyWarnings && ds.some((d) => d.severity === 'warning' && !d.acknowledged));

/** A non-negative integer option (`--max-… N`), or the fallback when absent; a usage error otherwise. */
export function intOption(args: ParsedArgs, flag: string, fallback: number): number {
  const v = args.values[flag];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--${flag} takes a whole number ≥ 0 (got \`${String(v)}\`)`);
  return Number(v);
}

/** The limits given on the command line (defaults for the rest), with `--max-diagnostics` as the findings budget. */
export function inputLimits(args: ParsedArgs): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, flag] of INPUT_LIMITS) out[key] = intOption(args, flag, DEFAULT_LIMITS[key]);
  out.maxDiagnosticsPerCode = diagnosticCap(args);
  return out as unknown as Limits;
}

/** How many diagnostics of one code (per file) to show: `--max-diagnostics`, 0 = all. */
export const diagnosticCap = (args: ParsedArgs): number => intOption(args, 'max-diagnostics', DEFAULT_LIMITS.maxDiagnosticsPerCode);

/** Human or plain rendering of diagnostics to stderr, at most `--max-diagnostics` per code and file. */
export function printDiagnostics(all: readonly Diagnostic[], sources: ReadonlyMap<string, string>, args: ParsedArgs, io: CliIO): void {
  if (all.length === 0) return;
  const ds = capDiagnostics(all, diagnosticCap(args));
  if (args.values.plain) io.err(`${renderPlain(ds)}\n`);
  else io.err(`${renderHuman(ds, { sources, color: io.color && !args.values['no-color'] })}\n\n`);
}

/** Diagnostics as JSON, at most `--max-diagnostics` per code and file (the rest counted in an I0007 `omitted`). */
export const jsonDiagnostics = (ds: readonly Diagnostic[], args: ParsedArgs) => capDiagnostics(ds, diagnosticCap(args)).map(diagnosticJson);

/** The policy of a loaded input, or undefined after printing its diagnostics and why nothing follows. */
export function policyOrReport(r: LoadedPolicy, file: string, args: ParsedArgs, io: CliIO, consequence: string): Policy | undefined {
  if (r.ok && r.policy) return r.policy;
  printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
  io.err(`${file}: has errors; ${consequence}\n`);
  return undefined;
}

/** `--map a=b` values (repeatable) as a map of role names. */
export function parseMaps(values: unknown): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of (values as string[] | undefined) ?? []) {
    const [a, b, extra] = m.split('=');
    if (!a || !b || extra !== undefined) throw new UsageError(`--map takes a=b (got \`${m}\`)`);
    map.set(a, b);
  }
  return map;
}
