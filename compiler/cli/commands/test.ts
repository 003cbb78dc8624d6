import { MAX_DIAGNOSTICS_OPTION, FORMAT_OPTION, QUIET_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const testCommand: CommandInfo = {
  name: 'test',
  summary: 'run the scenarios of policies and report failures and coverage',
  help: `Usage: mimi-policy test <file.mimi…|-> [options]

Runs every \`scenario\` block in the given files (a scenario file may \`import\` the policy it tests):
the \`given\` participants form the state, each \`expect allow|deny\` step is decided by the
interpreter, and every allowed step carries the state forward. Prints one line per expectation with
the decision's rule and reason, then what no scenario exercised: roles, authorized role changes
(holder: from -> to) and capabilities.

A file of scenarios without a policy runs against \`--policy <file.mimi>\` (or \`import\` the policy in it).

Options:
  -f, --format <text|json>    output format (default text)
  -q, --quiet                 only the scenarios that fail (no coverage report), errors only
      --policy <file.mimi>    the policy to run scenario-only files against
      --filter <text>         run only the scenarios whose name contains <text>
      --min-coverage <pct>    fail (exit 1) when less than pct% of roles, role changes and capabilities
                              are exercised
      --no-coverage           do not print the coverage report
      --watch                 run again whenever a file or one it imports changes (Ctrl-C stops;
                              the exit code is the last run's)
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
      --no-color              no ANSI colours
  -h, --help                  show this help

Exit codes: 0 every expectation met, 1 a failure (or a policy with errors, no scenarios, none matching\n--filter, coverage below --min-coverage), 2 usage or I/O (or scenarios without a policy).`,
  options: { ...FORMAT_OPTION, ...QUIET_OPTION, policy: { type: 'string' }, filter: { type: 'string' }, 'min-coverage': { type: 'string' }, 'no-coverage': { type: 'boolean' }, watch: { type: 'boolean' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION, ...INPUT_LIMIT_OPTIONS },
  load: async () => (await import('./test.run.js')).run,
};
