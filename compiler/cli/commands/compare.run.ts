import { compileFile } from '../../compile.js';
import { compare, renderComparison, sideOf } from '../../compare.js';
import { loadPolicyFile, type LoadedPolicy } from '../../input.js';
import type { ScenarioIR } from '../../lower.js';
import { EXIT_INPUT, EXIT_OK, formatOf, inputLimits, parseMaps, policyOrReport, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { relativeSources, relativize } from '../paths.js';

/** `mimi-policy compare` (its options and help: ./compare.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 2) throw new UsageError('compare takes exactly two policies');
  const format = formatOf(args, ['text', 'md', 'json'] as const, 'text');
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
  io.out(format === 'json' ? `${JSON.stringify(c, null, 2)}\n` : `${renderComparison(c, format === 'md' ? 'markdown' : format)}\n`);
  return EXIT_OK;
}
