import { MAX_DIAGNOSTICS_OPTION, FORMAT_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const testCommand: CommandInfo = {
  name: 'test',
  summary: 'run the scenarios of policies and report failures and coverage',
  help: `Usage: mimi-policy test <file.mimi…> [options]

Runs every \`scenario\` block in the given files (a scenario file may \`import\` the policy it tests):
the \`given\` participants form the state, each \`expect allow|deny\` step is decided by the
interpreter, and every allowed step carries the state forward. Prints one line per expectation with
the decision's rule and reason, then what no scenario exercised: roles, authorized role changes
(holder: from -> to) and capabilities.

Options:
  -f, --format <text|json>    output format (default text)
      --no-coverage           do not print the coverage report
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 every expectation met, 1 a failure (or a policy with errors, or no scenarios), 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, 'no-coverage': { type: 'boolean' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION, ...INPUT_LIMIT_OPTIONS },
  load: async () => (await import('./test.run.js')).run,
};
