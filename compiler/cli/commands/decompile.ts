import { COMPONENT_KINDS, COMMON_DIAG_OPTIONS, OUT_OPTION, VERBOSE_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const decompileCommand: CommandInfo = {
  name: 'decompile',
  summary: 'turn a wire policy (.bin) or IR (.json) back into readable .mimi source',
  help: `Usage: mimi-policy decompile <file.bin|file.json|-> [options]

Writes .mimi source that compiles back to exactly the same bytes: explicit role indexes, \`extends\`
recovered where one role's capabilities contain another's, recurring capability groups named as
packages when that makes the file shorter.

Options:
  -o, --out <file>            write to a file instead of stdout (\`-\`: stdout)
      --component <kind>      what the .bin holds: ${COMPONENT_KINDS.join('|')} (default: detected)
  -q, --quiet                 errors only
      --verbose               every finding in full (default: counted in one line)
      --plain, --no-color     diagnostic rendering, as for check
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 ok, 1 the input has errors (malformed bytes, or a policy the language cannot express), 2 usage or I/O.`,
  options: { ...COMMON_DIAG_OPTIONS, ...INPUT_LIMIT_OPTIONS, ...OUT_OPTION, ...VERBOSE_OPTION, component: { type: 'string' } },
  load: async () => (await import('./decompile.run.js')).run,
};
