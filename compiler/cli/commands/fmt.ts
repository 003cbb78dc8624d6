import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { MAX_DIAGNOSTICS_OPTION, QUIET_OPTION, type CommandInfo } from '../options.js';

export const fmtCommand: CommandInfo = {
  name: 'fmt',
  summary: 'format .mimi policies (the prettier plugin); --check for CI, --write in place',
  help: `Usage: mimi-policy fmt [--check | --write | --diff] <file|folder…>

Formats .mimi source: one item per line, blocks kept on one line only when they were and fit, long
lists (grant, share_by, includes, changes targets) wrapped at the print width, blank lines kept (at
most one), end-of-line comments aligned. Every comment is kept and the policy compiles to the same
IR. Folders are searched for .mimi files (dot-folders, node_modules, dist and out skipped). The same
formatter is a prettier plugin: prettier --plugin mimi-policy/prettier-plugin.

With one file (\`-\`: stdin) and neither --check nor --write, the formatted text goes to stdout.

Options:
      --check                 list the files that are not formatted (stdout), exit 1 if any
      --write                 rewrite the files that are not formatted, in place
      --diff                  print what --write would change (a unified diff), exit 1 if anything
      --print-width <n>       the line width to wrap at (default 100)
      --max-source-bytes <n>  refuse a file larger than n bytes (default ${DEFAULT_LIMITS.maxSourceBytes.toLocaleString('en-US')})
  -q, --quiet                 errors only
      --plain, --no-color     diagnostic rendering, as for check
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
  -h, --help                  show this help

Exit codes: 0 formatted, 1 a file is not formatted (--check, --diff) or has a syntax error, 2 usage or I/O error.`,
  options: { ...QUIET_OPTION, diff: { type: 'boolean' }, check: { type: 'boolean' }, write: { type: 'boolean' }, 'print-width': { type: 'string' }, 'max-source-bytes': { type: 'string' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION },
  load: async () => (await import('./fmt.run.js')).run,
};
