import { basename } from 'node:path';
import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import type { WireKind } from '../../compile.js';
import { decompile, DecompileError } from '../../emit/source.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, oneOf, printDiagnostics, UsageError, inputLimits, type ParsedArgs, type CliIO } from '../command.js';
import { relativeSources, relativize } from '../paths.js';
import { writeAllOrNothing } from '../write.js';
import { dirname } from 'node:path';

/** `mimi-policy decompile` (its options and help: ./decompile.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 1) throw new UsageError('decompile takes exactly one input file');
  const component = args.values.component === undefined ? undefined : (oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary') as WireKind);
  const file = args.positionals[0];
  const r = loadPolicyFile(file, { limits: inputLimits(args), ...(component ? { component } : {}) });
  printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
  if (!r.policy || !r.ok) {
    io.err(`${file}: cannot decompile a policy with errors\n`);
    return EXIT_INPUT;
  }
  let text: string;
  try {
    text = decompile(r.policy, { source: basename(file) });
  } catch (e) {
    if (!(e instanceof DecompileError)) throw e;
    io.err(`${file}: error: ${e.message}\n`);
    return EXIT_INPUT;
  }
  const output = args.values.output;
  if (typeof output === 'string') writeAllOrNothing(dirname(output), [{ name: basename(output), bytes: new TextEncoder().encode(text) }]);
  else io.out(text);
  return EXIT_OK;
}
