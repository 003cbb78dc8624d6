import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import { loadPolicyFile, type LoadedPolicy } from '../../input.js';
import { summaryLine } from '../../render.js';
import { EXIT_INPUT, EXIT_OK, diagnosticCap, fails, formatOf, inputName, jsonDiagnostics, inputLimits, noteDetected, oneOf, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';
import type { WireKind } from '../../compile.js';
import { toSarif } from '../../sarif.js';
import { capDiagnostics } from '../../../runtime/diagnostics.js';

/** `mimi-policy check` (its options and help: ./check.ts); with --watch, again on every change. */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('check needs at least one file');
  if (!args.values.watch) return checkOnce(args, io).code;
  if (args.positionals.includes('-')) throw new UsageError('--watch cannot watch stdin (`-`)');
  const { watchAndRerun } = await import('../watch.js');
  return watchAndRerun(() => checkOnce(args, io), io);
}

/** One run of check: its exit code, and the files it read (the inputs and their imports), for --watch. */
export function checkOnce(args: ParsedArgs, io: CliIO): { code: number; files: string[] } {
  const format = formatOf(args, ['text', 'json', 'sarif'] as const, 'text');
  const component = args.values.component === undefined ? undefined : oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary');
  const deny = !!args.values['deny-warnings'];
  const analyses = !args.values['no-analyses'];
  const loaded: { file: string; r: LoadedPolicy }[] = args.positionals.map((file) => ({ file, r: loadPolicyFile(file, { analyses, limits: inputLimits(args), ...(component ? { component: component as WireKind } : {}) }) }));
  // acknowledged findings are listed, but do not fail the run
  const failing = (r: LoadedPolicy) => fails(r.diagnostics.filter((d) => !d.acknowledged), deny);
  const all = loaded.flatMap(({ r }) => relativize(r.diagnostics, io.cwd));
  if (format === 'sarif') {
    // SARIF 2.1.0 for code scanning (compiler/sarif.ts); the inputs are its artifacts
    io.out(`${JSON.stringify(toSarif(capDiagnostics(all, diagnosticCap(args)), { files: args.positionals.map((f) => displayPath(f, io.cwd)) }), null, 2)}\n`);
  } else if (format === 'json') {
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
      noteDetected(r, file, args, io);
      printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
      const verdict = failing(r) ? 'failed' : 'ok';
      const what = r.policy ? `${r.policy.roles.length} roles${r.wireKind ? `, ${r.wireKind}` : ''}` : 'unreadable';
      // -q: the verdict only when it failed
      if (!args.values.quiet || failing(r)) io.err(`${inputName(file)}: ${verdict} (${what}; ${summaryLine(r.diagnostics)})\n`);
    }
  }
  const files = [...new Set(loaded.flatMap(({ file, r }) => [file, ...r.sources.keys()]))];
  return { code: loaded.some(({ r }) => failing(r)) ? EXIT_INPUT : EXIT_OK, files };
}
