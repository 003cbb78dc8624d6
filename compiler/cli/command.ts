/**
 * What every subcommand shares: its metadata and help, argument parsing with usage errors, the exit
 * codes (0 ok, 1 problems in the input, 2 usage or I/O), and output streams that tests can capture.
 */
import { capDiagnostics, DIAGNOSTIC_CODES, hasErrors, type Diagnostic } from '../../runtime/diagnostics.js';
import { DEFAULT_LIMITS, type Limits } from '../../runtime/limits.js';
import { INPUT_LIMITS, INPUT_LIMIT_OPTIONS, inputLimitHelp, UsageError, type CliIO, type CommandInfo, type ParsedArgs } from './options.js';
import { diagnosticJson, renderHuman, renderPlain } from '../render.js';
import type { Policy } from '../../runtime/ir.js';
import { STDIN_NAME, type LoadedPolicy } from '../input.js';
import { relativeSources, relativize } from './paths.js';
import { didYouMean } from '../../runtime/suggest.js';

export { FORMAT_OPTION, OUT_OPTION, QUIET_OPTION, VERBOSE_OPTION, MAX_DIAGNOSTICS_OPTION, COMMON_DIAG_OPTIONS, INPUT_LIMIT_OPTIONS, inputLimitHelp, EXIT_OK, EXIT_INPUT, EXIT_USAGE, UsageError, parseCommandArgs, type CommandInfo, type CliIO, type ParsedArgs } from './options.js';

/** A subcommand with its implementation loaded (compare CommandInfo, what the command line starts from). */
export interface Command extends Omit<CommandInfo, 'load'> {
  run(args: ParsedArgs, io: CliIO): Promise<number> | number;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got \`${String(value)}\`)${hint ? `; ${hint}` : ''}`);
}

/** Older spellings of format names, still accepted (README "Conventions"): `human` is `text`, `markdown` is `md`. */
const FORMAT_ALIASES: Readonly<Record<string, string>> = { human: 'text', markdown: 'md' };

/** `-f/--format`: one of `allowed` (an old spelling counts as its new name), or the fallback. */
export function formatOf<T extends string>(args: ParsedArgs, allowed: readonly T[], fallback: T): T {
  const v = args.values.format;
  const name = typeof v === 'string' && FORMAT_ALIASES[v] !== undefined && (allowed as readonly string[]).includes(FORMAT_ALIASES[v]) ? FORMAT_ALIASES[v] : v;
  return oneOf(name, allowed, 'format', fallback);
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

/**
 * Human or plain rendering of diagnostics to stderr, at most `--max-diagnostics` per code and file;
 * with `-q/--quiet` only the errors.
 */
export function printDiagnostics(all: readonly Diagnostic[], sources: ReadonlyMap<string, string>, args: ParsedArgs, io: CliIO): void {
  const shown = args.values.quiet ? all.filter((d) => d.severity === 'error' && !d.acknowledged) : all;
  if (shown.length === 0) return;
  const ds = capDiagnostics(shown, diagnosticCap(args));
  if (args.values.plain) io.err(`${renderPlain(ds)}\n`);
  else io.err(`${renderHuman(ds, { sources, color: io.color && !args.values['no-color'] })}\n\n`);
}

/**
 * What build, decompile, demo and authorize print of a policy's findings (README "Conventions"):
 * the errors in full (and the warnings when `--deny-warnings` makes them fail), the rest as one line
 * counting them and naming the command that shows them; `--verbose` prints every finding, `-q` only
 * the errors.
 */
export function printFindings(all: readonly Diagnostic[], sources: ReadonlyMap<string, string>, file: string, args: ParsedArgs, io: CliIO): void {
  if (args.values.verbose) return printDiagnostics(all, sources, args, io);
  const full = (d: Diagnostic) => !d.acknowledged && (d.severity === 'error' || (d.severity === 'warning' && !!args.values['deny-warnings']));
  printDiagnostics(all.filter(full), sources, args, io);
  if (args.values.quiet) return;
  const rest = all.filter((d) => !full(d) && !d.acknowledged);
  const line = findingsLine(rest, file);
  if (line) io.err(`${line}\n`);
}

/** `file: 3 warnings, 12 notes (run \`mimi-policy check file\` to see them)`, or undefined when there are none. */
export function findingsLine(ds: readonly Diagnostic[], file: string): string | undefined {
  const count = (sev: string) => ds.reduce((n, d) => n + (d.omitted ? (DIAGNOSTIC_CODES[d.omitted.kind].severity === sev ? d.omitted.count : 0) : d.severity === sev ? 1 : 0), 0);
  const w = count('warning');
  const i = count('info');
  if (w + i === 0) return undefined;
  const parts = [w ? `${w} warning${w === 1 ? '' : 's'}` : '', i ? `${i} note${i === 1 ? '' : 's'}` : ''].filter(Boolean);
  return `${file}: ${parts.join(', ')} (run \`mimi-policy check ${quoteArg(file)}\` to see them)`;
}

/** A path as it would be typed in a shell (quoted when it holds anything but plain characters). */
export const quoteArg = (s: string): string => (/^[A-Za-z0-9._\/@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Diagnostics as JSON, at most `--max-diagnostics` per code and file (the rest counted in an I0007 `omitted`). */
export const jsonDiagnostics = (ds: readonly Diagnostic[], args: ParsedArgs) => capDiagnostics(ds, diagnosticCap(args)).map(diagnosticJson);

/** The policy of a loaded input, or undefined after printing its diagnostics and why nothing follows. */
export function policyOrReport(r: LoadedPolicy, file: string, args: ParsedArgs, io: CliIO, consequence: string): Policy | undefined {
  if (r.ok && r.policy) return r.policy;
  noteDetected(r, file, args, io);
  printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
  io.err(`${inputName(file)}: has errors; ${consequence}\n`);
  return undefined;
}

/** `-o/--out <file>` of a command writing one file (undefined or `-`: stdout). */
export function outOption(args: ParsedArgs): string | undefined {
  const v = args.values.out;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError('--out needs a file name (or `-` for stdout)');
  return v;
}

/** How an input argument is named in messages: `-` is `<stdin>`. */
export const inputName = (file: string): string => (file === '-' ? STDIN_NAME : file);

/** `file: note: read as .mimi source: …` when the content decided the kind against the file name (not with -q). */
export function noteDetected(r: LoadedPolicy, file: string, args: ParsedArgs, io: CliIO): void {
  if (r.detected && !args.values.quiet) io.err(`${inputName(file)}: note: ${r.detected}\n`);
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
