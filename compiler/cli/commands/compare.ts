import { compileFile } from '../../compile.js';
import { compare, renderComparison, sideOf } from '../../compare.js';
import { loadPolicyFile, type LoadedPolicy } from '../../input.js';
import type { ScenarioIR } from '../../lower.js';
import { MAX_DIAGNOSTICS_OPTION, EXIT_INPUT, EXIT_OK, FORMAT_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, inputLimits, oneOf, parseMaps, policyOrReport, printDiagnostics, UsageError, type Command } from '../command.js';
import { relativeSources, relativize } from '../paths.js';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'compare two policies (e.g. the two role models): sizes, findings, role differences, scenario decisions',
  help: `Usage: mimi-policy compare <a> <b> [options]

Side by side: number of roles and transitions, wire size in bytes, findings by kind, the capability
and transition differences of roles matched by name (or --map), and every scenario's decision under
each policy, the differing ones first. Inputs: .mimi, .bin or .json policies.

Options:
      --scenarios <file>      a .mimi file whose scenarios run under both (repeatable; default: the
                              scenarios written in <a> and <b> themselves)
      --map <a=b>             match role a of the first policy with role b of the second, and run
                              scenarios with b wherever they name a (repeatable)
  -f, --format <text|markdown|json>   output format (default text)
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 compared, 1 an input has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, scenarios: { type: 'string', multiple: true }, map: { type: 'string', multiple: true }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...MAX_DIAGNOSTICS_OPTION, ...INPUT_LIMIT_OPTIONS },
  run(args, io) {
    if (args.positionals.length !== 2) throw new UsageError('compare takes exactly two policies');
    const format = oneOf(args.values.format, ['text', 'markdown', 'json'] as const, 'format', 'text');
    const map = parseMaps(args.values.map);
    const sides: LoadedPolicy[] = args.positionals.map((f) => loadPolicyFile(f, { limits: inputLimits(args) }));
    let bad = false;
    sides.forEach((r, i) => {
      if (!policyOrReport(r, args.positionals[i], args, io, 'cannot compare')) bad = true;
    });
    let scenarios: ScenarioIR[] = [];
    const files = (args.values.scenarios as string[] | undefined) ?? [];
    for (const f of files) {
      const r = compileFile(f, inputLimits(args));
      if (!r.ok) {
        printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(new Map(r.files.map((x) => [x.file, x.text])), io.cwd), args, io);
        io.err(`${f}: has errors\n`);
        bad = true;
      }
      scenarios.push(...r.scenarios);
    }
    if (bad) return EXIT_INPUT;
    if (files.length === 0) scenarios = sides.flatMap((s) => s.scenarios ?? []);
    const label = (p: string) => p.split('/').pop()!.replace(/\.(mimi|bin|json)$/, '');
    const la = label(args.positionals[0]);
    const lb = label(args.positionals[1]) === la ? `${la} (2)` : label(args.positionals[1]);
    const c = compare(sideOf(sides[0], la), sideOf(sides[1], lb), { map, scenarios });
    io.out(format === 'json' ? `${JSON.stringify(c, null, 2)}\n` : `${renderComparison(c, format)}\n`);
    return EXIT_OK;
  },
};
