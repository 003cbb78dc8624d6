/**
 * What the command line needs before it runs anything: each subcommand's metadata (name, summary,
 * help, options) and the option sets they share. Kept free of the compiler, the parser and the
 * renderers so that `mimi-policy --help` and `<command> --help` load almost nothing; a command's
 * implementation (`commands/<name>.run.ts`) is imported only when it runs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_LIMITS, type Limits } from '../../runtime/limits.js';

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

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A usage mistake: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** an option the command does not have (`--formt`), for a did-you-mean */
    readonly unknownOption?: string,
  ) {
    super(message);
  }
}

/** Options every command takes: `--help`, and `--no-color` (as does NO_COLOR in the environment). */
const GLOBAL_OPTIONS = { help: { type: 'boolean', short: 'h' }, 'no-color': { type: 'boolean' } } as const;

/**
 * The spellings kept working after the conventions were unified (README "Conventions"): an option
 * name → the name it now has, when the command has that one. Not shown in any help.
 */
const OPTION_ALIASES: Readonly<Record<string, string>> = { output: 'out' };

/** The command's options under their current names: `--output x` (the old spelling) → `--out x`. */
function canonicalArgs(options: Record<string, unknown>, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--([^=]+)(=.*)?$/s.exec(a);
    const target = m ? OPTION_ALIASES[m[1]] : undefined;
    out.push(m && target !== undefined && !(m[1] in options) && target in options ? `--${target}${m[2] ?? ''}` : a);
  }
  return out;
}

/** The options a command takes, as typed (`--format`), for a did-you-mean. */
export const optionNames = (cmd: Pick<CommandInfo, 'options'>): string[] => Object.keys({ ...GLOBAL_OPTIONS, ...cmd.options }).map((n) => `--${n}`);

export function parseCommandArgs(cmd: Pick<CommandInfo, 'options'>, argv: string[]): ParsedArgs {
  const options = { ...GLOBAL_OPTIONS, ...cmd.options };
  try {
    const { values, positionals } = parseArgs({ args: canonicalArgs(options, argv), options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/^Unknown option/, 'unknown option');
    const unknown = /^unknown option '(--?[^']+)'/.exec(message);
    throw new UsageError(message, unknown?.[1]?.replace(/=.*$/s, ''));
  }
}

export interface CommandInfo {
  name: string;
  summary: string;
  /** the full --help text */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** the implementation, imported on first use */
  load(): Promise<(args: ParsedArgs, io: CliIO) => Promise<number> | number>;
}

export const FORMAT_OPTION = { format: { type: 'string' as const, short: 'f' } };
/** `-o/--out <path>`: where a command writes its output (`-` for stdout where the output is one file). */
export const OUT_OPTION = { out: { type: 'string' as const, short: 'o' } };
/** `-q/--quiet`: errors only (no warnings, notes, summaries or progress). */
export const QUIET_OPTION = { quiet: { type: 'boolean' as const, short: 'q' } };
/** `--verbose`: every finding in full where only their count is printed by default (build, decompile, demo, authorize). */
export const VERBOSE_OPTION = { verbose: { type: 'boolean' as const } };
/** `--max-diagnostics N`: diagnostics shown per code and file (the rest are counted in one I0007 note). */
export const MAX_DIAGNOSTICS_OPTION = { 'max-diagnostics': { type: 'string' as const } };
export const COMMON_DIAG_OPTIONS = {
  ...FORMAT_OPTION,
  ...MAX_DIAGNOSTICS_OPTION,
  ...QUIET_OPTION,
  plain: { type: 'boolean' as const },
  'deny-warnings': { type: 'boolean' as const },
  'no-color': { type: 'boolean' as const },
};

/**
 * The input limits every command that reads a policy takes (runtime/limits.ts): source, wire and JSON
 * sizes, decoded wire elements, and how large a `hierarchy` may lower (E0122). Each is checked before
 * the work it bounds; exceeding one is a located E0006/E0122 naming its flag.
 */
export const INPUT_LIMITS = [
  ['maxSourceBytes', 'max-source-bytes', 'refuse a .mimi file larger than n bytes'],
  ['maxWireBytes', 'max-wire-bytes', 'refuse a wire file larger than n bytes'],
  ['maxWireElements', 'max-wire-elements', 'refuse a wire file of more than n vector elements'],
  ['maxJsonBytes', 'max-json-bytes', 'refuse a JSON file (a JSONL line) larger than n bytes'],
  ['maxLoweredRoles', 'max-lowered-roles', 'refuse a hierarchy that lowers to more roles'],
  ['maxLoweredTargets', 'max-lowered-targets', '… or to more role-change targets'],
] as const satisfies readonly (readonly [keyof Limits, string, string])[];
export const INPUT_LIMIT_OPTIONS = Object.fromEntries(INPUT_LIMITS.map(([, flag]) => [flag, { type: 'string' as const }])) as Record<(typeof INPUT_LIMITS)[number][1], { type: 'string' }>;
/** The help lines of INPUT_LIMIT_OPTIONS, with the option column at `width`. */
export const inputLimitHelp = (width: number) =>
  INPUT_LIMITS.map(([key, flag, text]) => `      ${`--${flag} <n>`.padEnd(width - 7)} ${text} (default ${DEFAULT_LIMITS[key].toLocaleString('en-US')})`).join('\n');

/**
 * runtime/codec's COMPONENT_KINDS and INSPECT_DEFAULTS, restated for the help texts so that `--help`
 * does not load the codec (test/entry-points.test.ts keeps them equal).
 */
export const COMPONENT_KINDS = ['dictionary', 'roles', 'preauth', 'base', 'participants', 'participantsUpdate', 'history', 'appDataUpdate'] as const;
export const INSPECT_DEFAULTS = { maxElements: 1000, maxLines: 20000 } as const;
