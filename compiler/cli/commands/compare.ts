import { MAX_DIAGNOSTICS_OPTION, FORMAT_OPTION, QUIET_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const compareCommand: CommandInfo = {
  name: 'compare',
  summary: 'compare two policies (e.g. the two role models): sizes, findings, every differing role and policy field, scenario decisions',
  help: `Usage: mimi-policy compare <a> <b> [options]

Side by side: number of roles and transitions, wire size in bytes, findings by kind, every field
that differs of roles matched by name (or --map): capabilities, transitions, index, wire name,
description, participant and active bounds; then what differs outside the roles (base policy,
history, preauth entries and their order, participant list), and every scenario's decision under
each policy, the differing ones first. Inputs: .mimi, .bin or .json policies.

Options:
      --scenarios <file>      a .mimi file whose scenarios run under both (repeatable; default: the
                              scenarios written in <a> and <b> themselves)
      --map <a=b>             match role a of the first policy with role b of the second, and run
                              scenarios with b wherever they name a (repeatable)
  -f, --format <text|md|json> output format (default text; \`markdown\` is md)
  -q, --quiet                 errors only
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 compared, 1 an input has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, ...QUIET_OPTION, scenarios: { type: 'string', multiple: true }, map: { type: 'string', multiple: true }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION, ...INPUT_LIMIT_OPTIONS },
  load: async () => (await import('./compare.run.js')).run,
};
