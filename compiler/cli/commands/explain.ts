import { COMPONENT_KINDS, QUIET_OPTION, MAX_DIAGNOSTICS_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, FORMAT_OPTION, type CommandInfo } from '../options.js';

export const explainCommand: CommandInfo = {
  name: 'explain',
  summary: 'can holders of a role come to exercise a capability? the shortest path, or what is missing',
  help: `Usage: mimi-policy explain <policy> --role <role> [--capability <capability>] [options]

With --capability: can holders of <role> come to exercise <capability>? Prints the shortest path
(who moves whom where, with which capability), or "no" and which edges are missing.
Without it: every capability holders of <role> can reach beyond their own, and how.
The model is the escalation analysis's (README "Analyses"): holders may control several accounts
and collude with the holders they appoint; a path may also start from a new account, which joins
like anyone else. Join codes and credentials are not theirs to arrange.
Inputs: .mimi source, .bin wire bytes, .json IR.

Options:
  -r, --role <role>                  the role: its name, or its index
  -c, --capability <name|code>       a capability name (canKick) or code (0x000c)
  -f, --format <text|json>           output format (default text)
  -q, --quiet                        errors only
      --component <kind>             what a .bin holds: ${COMPONENT_KINDS.join('|')}
      --plain, --no-color            diagnostic rendering, as for check
      --max-diagnostics <n>          at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(37)}
  -h, --help                         show this help

Exit codes: 0 answered (yes or no), 1 the policy has errors, 2 usage or I/O error.`,
  options: { ...FORMAT_OPTION, ...QUIET_OPTION, role: { type: 'string', short: 'r' }, capability: { type: 'string', short: 'c' }, component: { type: 'string' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION, ...INPUT_LIMIT_OPTIONS },
  load: async () => (await import('./explain.run.js')).run,
};
