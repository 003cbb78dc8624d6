import { MAX_DIAGNOSTICS_OPTION, OUT_OPTION, QUIET_OPTION, VERBOSE_OPTION, type CommandInfo } from '../options.js';

export const demoCommand: CommandInfo = {
  name: 'demo',
  summary: 'check and build every policy in a folder, verifying the wire round trips',
  help: `Usage: mimi-policy demo [dir…] --out <dir>

For every .mimi file in the given folders (default: examples): check it, build its wire files into
<out>/<name>/, decode the dictionary back and compare, and decompile it and rebuild to the same bytes.
Prints one report line per policy (its findings counted; \`mimi-policy check FILE\` shows them) and
the errors of any that fail.

Options:
  -o, --out <dir>             where to write the outputs (default out/demo)
  -q, --quiet                 errors only
      --verbose               every finding in full, under its row
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
  -h, --help                  show this help

Exit codes: 0 every policy built and round-tripped, 1 otherwise, 2 usage or I/O.`,
  options: { ...OUT_OPTION, ...QUIET_OPTION, ...VERBOSE_OPTION, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION },
  load: async () => (await import('./demo.run.js')).run,
};
