import { basename } from 'node:path';
import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import type { WireKind } from '../../compile.js';
import { decompile, DecompileError } from '../../emit/source.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, inputName, noteDetected, oneOf, outOption, printFindings, UsageError, inputLimits, type ParsedArgs, type CliIO } from '../command.js';
import { relativeSources, relativize } from '../paths.js';
import { writeOutput } from '../write.js';

/** `mimi-policy decompile` (its options and help: ./decompile.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 1) throw new UsageError('decompile takes exactly one input file');
  const component = args.values.component === undefined ? undefined : (oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary') as WireKind);
  const file = args.positionals[0];
  const r = loadPolicyFile(file, { limits: inputLimits(args), ...(component ? { component } : {}) });
  noteDetected(r, file, args, io);
  // the errors in full, the other findings counted in one line (`check` shows them)
  printFindings(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), inputName(file), args, io);
  if (!r.policy || !r.ok) {
    io.err(`${inputName(file)}: cannot decompile a policy with errors\n`);
    return EXIT_INPUT;
  }
  let text: string;
  try {
    text = decompile(r.policy, { source: basename(inputName(file)) });
  } catch (e) {
    if (!(e instanceof DecompileError)) throw e;
    io.err(`${inputName(file)}: error: ${e.message}\n`);
    return EXIT_INPUT;
  }
  writeOutput(outOption(args), text, (t) => io.out(t));
  return EXIT_OK;
}
