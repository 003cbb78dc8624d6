/**
 * The `mimi-policy` command line: picks the subcommand, parses its arguments, runs it, maps failures
 * to exit codes. Everything the commands do is a library function; this file only dispatches.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_USAGE, optionNames, parseCommandArgs, UsageError, type CliIO, type CommandInfo } from './options.js';
import { authorizeCommand } from './commands/authorize.js';
import { buildCommand } from './commands/build.js';
import { checkCommand } from './commands/check.js';
import { decompileCommand } from './commands/decompile.js';
import { demoCommand } from './commands/demo.js';
import { inspectCommand } from './commands/inspect.js';
import { explainCommand } from './commands/explain.js';
import { fmtCommand } from './commands/fmt.js';
import { lspCommand } from './commands/lsp.js';
import { testCommand } from './commands/test.js';
import { graphCommand } from './commands/graph.js';
import { matrixCommand } from './commands/matrix.js';
import { reportCommand } from './commands/report.js';
import { compareCommand } from './commands/compare.js';

/** Each command's metadata; its implementation (`commands/<name>.run.ts`) is imported only when it runs. */
export const commands: readonly CommandInfo[] = [checkCommand, buildCommand, decompileCommand, inspectCommand, explainCommand, testCommand, compareCommand, graphCommand, matrixCommand, reportCommand, demoCommand, authorizeCommand, fmtCommand, lspCommand];

/** The package's version: the nearest package.json above this file (compiler/cli/ in the sources, dist/compiler/cli/ when built). */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mimi-policy' && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
  }
  return 'unknown';
}

const usage = () => `mimi-policy ${version()} — a policy-as-code compiler for MIMI room policies

Usage: mimi-policy <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(11)} ${c.summary}`).join('\n')}

Run \`mimi-policy <command> --help\` for a command's options.
Exit codes: 0 ok, 1 errors in the input, 2 usage or I/O error.`;

/** Whether to colour output: the caller's choice (a terminal), never with --no-color or NO_COLOR (any non-empty value). */
export function colorWanted(terminal: boolean, noColorFlag: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return terminal && !noColorFlag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out(`${topic ? topic.help : usage()}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${version()}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  try {
    if (!cmd) {
      // the suggester is loaded only for a mistake (the start-up path imports no more than the metadata)
      const { didYouMean } = await import('../../runtime/suggest.js');
      const hint = didYouMean(name, commands.map((c) => c.name));
      throw new UsageError(`unknown command \`${name}\`${hint ? `; ${hint}` : ''}`);
    }
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      io.out(`${cmd.help}\n`);
      return 0;
    }
    // `-` is stdin wherever an input is read; it can be read once
    const stdinUses = [...args.positionals, ...Object.entries(args.values).flatMap(([k, v]) => (k === 'out' ? [] : Array.isArray(v) ? v : [v]))].filter((v) => v === '-').length;
    if (stdinUses > 1) throw new UsageError('stdin (`-`) can be read only once: give the other inputs as files');
    const run = await cmd.load();
    return await run(args, { ...io, color: colorWanted(io.color, args.values['no-color'] === true, process.env) });
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.unknownOption !== undefined && cmd) {
        const { didYouMean } = await import('../../runtime/suggest.js');
        const hint = didYouMean(e.unknownOption, optionNames(cmd));
        if (hint) e.message = `${e.message}; ${hint}`;
      }
      io.err(`mimi-policy: ${e.message}\nRun \`mimi-policy ${cmd ? `${cmd.name} ` : ''}--help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if ((e as Error).name === 'InputError' || (e as Error).name === 'WriteError') {
      io.err(`mimi-policy: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
    if ((e as NodeJS.ErrnoException).code !== undefined) {
      // a system error no command put in words: the path and the reason, not Node's text
      const { ioReason } = await import('../input.js');
      const path = (e as NodeJS.ErrnoException).path;
      io.err(`mimi-policy: ${path !== undefined ? `cannot ${(e as NodeJS.ErrnoException).syscall === 'open' || (e as NodeJS.ErrnoException).syscall === 'read' ? 'read' : 'use'} \`${path}\`: ` : ''}${ioReason(e)}\n`);
      return EXIT_USAGE;
    }
    io.err(`mimi-policy: internal error: ${(e as Error).message}\nThis is a bug in mimi-policy; please report it with the input that caused it.\n`);
    if (process.env.MIMI_POLICY_DEBUG) io.err(`${(e as Error).stack}\n`);
    return EXIT_USAGE;
  }
}
