import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from '../../../grammar/index.js';
import { format } from '../../format/index.js';
import { contentKind, InputError, ioReason, readBounded, STDIN_NAME, tooLargeDiagnostic } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, inputName, printDiagnostics, UsageError, intOption, type ParsedArgs, type CliIO } from '../command.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../../../runtime/limits.js';
import { displayPath, relativize } from '../paths.js';
import { unifiedDiff } from '../diff.js';

/** Folders never searched for `.mimi` files. */
const SKIPPED = new Set(['node_modules', 'dist', 'out']);

/** The `.mimi` files named: files as given, folders searched recursively (sorted, dot-folders skipped). */
function expand(args: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, shown: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || SKIPPED.has(e.name)) continue;
      if (e.isDirectory()) walk(join(dir, e.name), join(shown, e.name));
      else if (e.name.endsWith('.mimi')) out.push(join(shown, e.name));
    }
  };
  for (const arg of args) {
    if (arg === '-') {
      out.push(arg);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(resolve(cwd, arg)).isDirectory();
    } catch (e) {
      throw new InputError(`cannot read \`${arg}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : ioReason(e)}`);
    }
    if (isDir) walk(resolve(cwd, arg), arg);
    else out.push(arg);
  }
  return out;
}

/** `mimi-policy fmt` (its options and help: ./fmt.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const check = !!args.values.check;
  const write = !!args.values.write;
  const diff = !!args.values.diff;
  if ([check, write, diff].filter(Boolean).length > 1) throw new UsageError('use one of --check, --write and --diff');
  if (args.positionals.length === 0) throw new UsageError('fmt needs at least one file or folder');
  const maxSourceBytes = intOption(args, 'max-source-bytes', DEFAULT_LIMITS.maxSourceBytes);
  const widthArg = args.values['print-width'];
  const printWidth = widthArg === undefined ? undefined : Number(widthArg);
  if (printWidth !== undefined && !(Number.isInteger(printWidth) && printWidth > 0)) throw new UsageError(`--print-width must be a positive integer (got \`${String(widthArg)}\`)`);
  // a file named twice (`fmt --check examples examples/a.mimi`) is formatted and counted once
  const files = [...new Set(expand(args.positionals, io.cwd))];
  if (write && files.includes('-')) throw new UsageError('--write rewrites files in place: it cannot take `-` (stdin)');
  if (!check && !write && !diff && (files.length !== 1 || args.positionals.length !== 1 || files[0] !== args.positionals[0]))
    throw new UsageError('without --check or --write, fmt prints one file; name exactly one .mimi file');

  let failed = false;
  let failures = 0;
  const unformatted: string[] = [];
  for (const file of files) {
    const path = file === '-' ? '-' : resolve(io.cwd, file);
    const shown = inputName(file);
    let text: string;
    try {
      // a file over the limit is not read at all (parse would refuse it after reading)
      const r = readBounded(path, maxSourceBytes);
      if ('tooLarge' in r) {
        printDiagnostics([tooLargeDiagnostic(displayPath(inputName(path), io.cwd), 'the source file', r.tooLarge, maxSourceBytes, LIMIT_FLAGS.maxSourceBytes)], new Map(), args, io);
        io.err(`${shown}: not formatted: too large\n`);
        failed = true;
        failures++;
        continue;
      }
      if (contentKind(r.bytes) === 'binary') {
        io.err(`${shown}: not formatted: the file holds binary data (MIMI wire bytes?), not .mimi source; \`mimi-policy decompile ${shown}\` turns wire bytes into source\n`);
        failed = true;
        failures++;
        continue;
      }
      text = r.bytes.toString('utf8');
    } catch (e) {
      throw new InputError(`cannot read \`${shown}\`: ${ioReason(e)}`);
    }
    const sourcePath = file === '-' ? resolve(io.cwd, STDIN_NAME) : path;
    const { diagnostics } = parse(text, sourcePath, { maxSourceBytes });
    if (diagnostics.length > 0) {
      printDiagnostics(relativize(diagnostics, io.cwd), new Map([[displayPath(sourcePath, io.cwd), text]]), args, io);
      io.err(`${shown}: not formatted: ${diagnostics.some((d) => d.kind === 'limit-exceeded') ? 'too large' : 'syntax errors'}\n`);
      failed = true;
      failures++;
      continue;
    }
    const formatted = await format(text, { filepath: sourcePath, maxSourceBytes, ...(printWidth ? { printWidth } : {}) });
    if (!check && !write && !diff) io.out(formatted);
    else if (formatted !== text) {
      unformatted.push(file);
      if (diff) {
        // what --write would change, as a unified diff (paths as given)
        io.out(unifiedDiff(text, formatted, shown.replace(/^\.\//, '')));
        continue;
      }
      if (write) {
        try {
          writeFileSync(path, formatted);
        } catch (e) {
          throw new InputError(`cannot write \`${file}\`: ${ioReason(e)}`);
        }
        io.err(`formatted ${file}\n`);
      } else io.out(`${shown}\n`);
    }
  }
  if ((check || diff) && unformatted.length > 0) {
    const n = unformatted.length;
    // each file counted once (a file named twice, or in a folder named too, is one file)
    const unread = failures > 0 ? `; ${failures} could not be formatted (above)` : '';
    io.err(`${n} of ${files.length} file${files.length === 1 ? '' : 's'} not formatted${unread}; run \`mimi-policy fmt --write\` on ${n === 1 ? 'it' : 'them'}\n`);
    return EXIT_INPUT;
  }
  return failed ? EXIT_INPUT : EXIT_OK;
}
