import { COMPONENT_KINDS, COMMON_DIAG_OPTIONS, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const checkCommand: CommandInfo = {
  name: 'check',
  summary: 'type-check policies (.mimi sources, .bin wire files, .json IR) and report every problem',
  help: `Usage: mimi-policy check <file…|-> [options]

Checks each policy: syntax, names, and every MUST the draft places on a policy; then, when it has
no errors, analyses what its role system allows (README "Analyses": inert capabilities, dead
transitions, constraint conflicts, shadowed or unusable preauth entries, escalation, ban evasion,
lockout, rank inversion). Findings an \`allow <kind> for <role> because "…"\` line acknowledges are
listed as acknowledged and do not fail --deny-warnings.
Inputs: .mimi source, .bin wire bytes (a component dictionary or one component), .json IR, hex
of wire bytes; the content decides, the extension is the hint. \`-\` reads stdin.

Options:
  -f, --format <text|json|sarif>
                              output format (default text; json prints
                              { "files": [...], "diagnostics": [...] } on stdout;
                              sarif prints SARIF 2.1.0 for code scanning)
  -q, --quiet                 errors only (and the verdict of a file that fails)
      --plain                 one line per diagnostic (file:line:col: severity[code]: message)
      --deny-warnings         exit 1 on warnings too (acknowledged findings excepted)
      --no-analyses           only the checks, not the analyses
      --watch                 check again whenever an input or a file it imports changes (Ctrl-C
                              stops; the exit code is the last run's)
      --component <kind>      what .bin files hold: ${COMPONENT_KINDS.join('|')}
                              (default: detected)
      --no-color              no ANSI colours
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 usage or I/O error.`,
  options: { ...COMMON_DIAG_OPTIONS, ...INPUT_LIMIT_OPTIONS, component: { type: 'string' }, 'no-analyses': { type: 'boolean' }, watch: { type: 'boolean' } },
  load: async () => (await import('./check.run.js')).run,
};
