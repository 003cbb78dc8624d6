import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { decodePolicy, encodePolicy } from '../../../runtime/codec/index.js';
import { compileSource } from '../../compile.js';
import { decompile } from '../../emit/source.js';
import { wireArtifacts } from '../../emit/wire.js';
import { InputError, ioReason, loadPolicyFile } from '../../input.js';
import { summaryLine } from '../../render.js';
import { EXIT_INPUT, EXIT_OK, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';
import { writeAllOrNothing } from '../write.js';
import { artifactName } from './build.run.js';

/** `mimi-policy demo` (its options and help: ./demo.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  const dirs = args.positionals.length > 0 ? args.positionals : ['examples'];
  const out = typeof args.values.out === 'string' ? args.values.out : join('out', 'demo');
  const files: string[] = [];
  for (const d of dirs) {
    let entries: string[];
    try {
      entries = statSync(d).isDirectory() ? readdirSync(d).filter((f) => f.endsWith('.mimi')).sort().map((f) => join(d, f)) : [d];
    } catch (e) {
      throw new InputError(`cannot read \`${d}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : ioReason(e)}`);
    }
    files.push(...entries);
  }
  if (files.length === 0) throw new UsageError(`no .mimi files in ${dirs.join(', ')}`);
  let failures = 0;
  let withFindings = 0;
  io.out(`mimi-policy demo: ${files.length} policies → ${out}/\n\n`);
  io.out(`${'policy'.padEnd(34)} ${'roles'.padStart(5)} ${'preauth'.padStart(7)} ${'wire bytes'.padStart(10)}  ${'round trip'.padEnd(10)}  diagnostics\n`);
  for (const file of files) {
    const r = loadPolicyFile(file);
    const name = artifactName(file);
    if (!r.ok || !r.policy) {
      failures++;
      io.out(`${displayPath(file, io.cwd).padEnd(34)} ${'-'.padStart(5)} ${'-'.padStart(7)} ${'-'.padStart(10)}  ${'-'.padEnd(10)}  FAILED: ${summaryLine(r.diagnostics)}\n`);
      // a policy that fails: its errors in full (warnings and notes are counted in its row)
      printDiagnostics(relativize(r.diagnostics.filter((d) => d.severity === 'error'), io.cwd), relativeSources(r.sources, io.cwd), args, io);
      continue;
    }
    const artifacts = wireArtifacts(r.policy, name);
    writeAllOrNothing(join(out, name), artifacts);
    const bytes = encodePolicy(r.policy);
    let trip = 'ok';
    if (!isDeepStrictEqual(decodePolicy(bytes), r.policy)) trip = 'DECODE≠';
    else {
      try {
        const again = compileSource(decompile(r.policy, { source: `${name}.policy.bin` }), join(out, name, `${name}.decompiled.mimi`));
        if (!again.ok || !Buffer.from(encodePolicy(again.policy)).equals(Buffer.from(bytes))) trip = 'REBUILD≠';
      } catch (e) {
        trip = `ERROR ${(e as Error).message}`;
      }
    }
    if (trip !== 'ok') failures++;
    io.out(
      `${displayPath(file, io.cwd).padEnd(34)} ${String(r.policy.roles.length).padStart(5)} ${String(r.policy.preauth?.length ?? 0).padStart(7)} ${String(bytes.length).padStart(10)}  ${trip.padEnd(10)}  ${summaryLine(r.diagnostics)}\n`,
    );
    // the findings are counted in the row; `check` (or --verbose) shows them
    if (r.diagnostics.some((d) => !d.acknowledged && d.severity !== 'error')) withFindings++;
    if (args.values.verbose && r.diagnostics.length > 0) printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
  }
  io.out(`\n${files.length - failures}/${files.length} policies built and round-tripped; outputs in ${out}/<name>/\n`);
  if (withFindings > 0 && !args.values.verbose && !args.values.quiet) io.out(`${withFindings} ${withFindings === 1 ? 'policy has' : 'policies have'} warnings or notes: run \`mimi-policy check FILE\` to see them\n`);
  return failures > 0 ? EXIT_INPUT : EXIT_OK;
}
