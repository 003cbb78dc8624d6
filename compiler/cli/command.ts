/**
 * What every subcommand shares: its metadata and help, argument parsing with usage errors, the exit
 * codes (0 ok, 1 problems in the input, 2 usage or I/O), and output streams that tests can capture.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { capDiagnostics, hasErrors, type Diagnostic } from '../../runtime/diagnostics.js';
import { DEFAULT_LIMITS, type Limits } from '../../runtime/limits.js';
import { diagnosticJson, renderHuman, renderPlain } from '../render.js';
import type { Policy } from '../../runtime/ir.js';
import type { LoadedPolicy } from '../input.js';
import { relativeSources, relativize } from './paths.js';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

export interface CliIO {
  /** false when the output is full: wait for `drain` before writing much more */
  out(text: string): void | boolean;
  err(text: string): void;
  /** colours on stderr/stdout are used only when this is true */
  color: boolean;
  cwd: string;
  /** resolves once output that `out` reported full has been taken (absent: nothing to wait for) */
  drain?(): Promise<void>;
}

export interface Command {
  name: string;
  summary: string;
  /** the full --help text */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CliIO): Promise<number> | number;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A usage mistake: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...cmd.options }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/^Unknown option/, 'unknown option'));
  }
}

export const FORMAT_OPTION = { format: { type: 'string' as const, short: 'f' } };
/** `--max-diagnostics N`: diagnostics shown per code and file (the rest are counted in one I0007 note). */
export const MAX_DIAGNOSTICS_OPTION = { 'max-diagnostics': { type: 'string' as const } };
export const COMMON_DIAG_OPTIONS = {
  ...FORMAT_OPTION,
  ...MAX_DIAGNOSTICS_OPTION,
  plain: { type: 'boolean' as const },
  'deny-warnings': { type: 'boolean' as const },
  'no-color': { type: 'boolean' as const },
};

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

/**
 * The input limits every command that reads a policy takes (runtime/limits.ts): source, wire and JSON
 * sizes, decoded wire elements, and how large a `hierarchy` may lower (E0122). Each is checked before
 * the work it bounds; exceeding one is a located E0006/E0122 naming its flag.
 */
const INPUT_LIMITS = [
  ['maxSourceBytes', 'max-source-bytes', 'refuse a .mimi file larger than n bytes'],
  ['maxWireBytes', 'max-wire-bytes', 'refuse a wire file larger than n bytes'],
  ['maxWireElements', 'max-wire-elements', 'refuse a wire file of more than n vector elements'],
  ['maxJsonBytes', 'max-json-bytes', 'refuse a JSON file (a JSONL line) larger than n bytes'],
  ['maxLoweredRoles', 'max-lowered-roles', 'refuse a hierarchy that lowers to more roles'],
  ['maxLoweredTargets', 'max-lowered-targets', '… or to more role-change targets'],
] as const satisfies readonly (readonly [keyof Limits, string, string])[];
export const INPUT_LIMIT_OPTIONS = Object.fromEntries(INPUT_LIMITS.map(([, flag]) => [flag, { type: 'string' as const }])) as Record<(typeof INPUT_LIMITS)[number][1], { type: 'string' }>;
/** The limits given on the command line (defaults for the rest), with `--max-diagnostics` as the findings budget. */
export function inputLimits(args: ParsedArgs): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, flag] of INPUT_LIMITS) out[key] = intOption(args, flag, DEFAULT_LIMITS[key]);
  out.maxDiagnosticsPerCode = diagnosticCap(args);
  return out as unknown as Limits;
}
/** The help lines of INPUT_LIMIT_OPTIONS, with the option column at `width`. */
export const inputLimitHelp = (width: number) =>
  INPUT_LIMITS.map(([key, flag, text]) => `      ${`--${flag} <n>`.padEnd(width - 7)} ${text} (default ${DEFAULT_LIMITS[key].toLocaleString('en-US')})`).join('\n');
/** @deprecated names of the first version of INPUT_LIMIT_OPTIONS (hierarchy limits only) */
export const LOWERING_LIMIT_OPTIONS = INPUT_LIMIT_OPTIONS;
export const loweringLimits = inputLimits;
export const loweringLimitHelp = inputLimitHelp;

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
