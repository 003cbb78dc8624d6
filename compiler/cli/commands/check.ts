import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import { loadPolicyFile, type LoadedPolicy } from '../../input.js';
import { summaryLine } from '../../render.js';
import { COMMON_DIAG_OPTIONS, diagnosticCap, EXIT_INPUT, EXIT_OK, fails, jsonDiagnostics, INPUT_LIMIT_OPTIONS, inputLimitHelp, inputLimits, oneOf, printDiagnostics, UsageError, type Command } from '../command.js';
import { relativeSources, relativize } from '../paths.js';
import type { WireKind } from '../../compile.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'type-check policies (.mimi sources, .bin wire files, .json IR) and report every problem',
  help: `Usage: mimi-policy check <file…> [options]

Checks each policy: syntax, names, and every MUST the draft places on a policy; then, when it has
no errors, analyses what its role system allows (README "Analyses": inert capabilities, dead
transitions, constraint conflicts, shadowed or unusable preauth entries, escalation, ban evasion,
lockout, rank inversion). Findings an \`allow <kind> for <role> because "…"\` line acknowledges are
listed as acknowledged and do not fail --deny-warnings.
Inputs: .mimi source, .bin wire bytes (a component dictionary or one component), .json IR.

Options:
  -f, --format <human|json>   output format (default human; json prints
                              { "files": [...], "diagnostics": [...] } on stdout)
      --plain                 one line per diagnostic (file:line:col: severity[code]: message)
      --deny-warnings         exit 1 on warnings too (acknowledged findings excepted)
      --no-analyses           only the checks, not the analyses
      --component <kind>      what .bin files hold: ${COMPONENT_KINDS.join('|')}
                              (default: detected)
      --no-color              no ANSI colours
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 usage or I/O error.`,
  options: { ...COMMON_DIAG_OPTIONS, ...INPUT_LIMIT_OPTIONS, component: { type: 'string' }, 'no-analyses': { type: 'boolean' } },
  run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('check needs at least one file');
    const format = oneOf(args.values.format, ['human', 'json'] as const, 'format', 'human');
    const component = args.values.component === undefined ? undefined : oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary');
    const deny = !!args.values['deny-warnings'];
    const analyses = !args.values['no-analyses'];
    const loaded: { file: string; r: LoadedPolicy }[] = args.positionals.map((file) => ({ file, r: loadPolicyFile(file, { analyses, limits: inputLimits(args), ...(component ? { component: component as WireKind } : {}) }) }));
    // acknowledged findings are listed, but do not fail the run
    const failing = (r: LoadedPolicy) => fails(r.diagnostics.filter((d) => !d.acknowledged), deny);
    const all = loaded.flatMap(({ r }) => relativize(r.diagnostics, io.cwd));
    if (format === 'json') {
      io.out(
        `${JSON.stringify(
          {
            files: loaded.map(({ file, r }) => ({ file, format: r.format, ...(r.wireKind ? { component: r.wireKind } : {}), ok: !failing(r), roles: r.policy?.roles.length ?? null })),
            diagnostics: jsonDiagnostics(all, args),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      for (const { file, r } of loaded) {
        printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
        const verdict = failing(r) ? 'failed' : 'ok';
        const what = r.policy ? `${r.policy.roles.length} roles${r.wireKind ? `, ${r.wireKind}` : ''}` : 'unreadable';
        io.err(`${file}: ${verdict} (${what}; ${summaryLine(r.diagnostics)})\n`);
      }
    }
    return loaded.some(({ r }) => failing(r)) ? EXIT_INPUT : EXIT_OK;
  },
};
