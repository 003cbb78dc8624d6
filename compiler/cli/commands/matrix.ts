import { FORMAT_OPTION, OUT_OPTION, QUIET_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, MAX_DIAGNOSTICS_OPTION, type CommandInfo } from '../options.js';

export const matrixCommand: CommandInfo = {
  name: 'matrix',
  summary: 'the roles × capabilities matrix, grouped by category (md, html or csv)',
  help: `Usage: mimi-policy matrix <policy> [options]

One row per role, one column per capability some role holds, grouped by the registry's categories;
● granted directly, ○ inherited through \`extends\` (known for .mimi sources only).

Options:
  -f, --format <md|html|csv>   output format (default md; \`markdown\` is md)
  -o, --out <file>             write to a file instead of stdout (\`-\`: stdout)
  -q, --quiet                  errors only
${inputLimitHelp(31)}
  -h, --help                   show this help

Exit codes: 0 ok, 1 the policy has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, ...OUT_OPTION, ...QUIET_OPTION, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...INPUT_LIMIT_OPTIONS, ...MAX_DIAGNOSTICS_OPTION },
  load: async () => (await import('./matrix.run.js')).run,
};
