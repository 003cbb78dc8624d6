import { basename } from 'node:path';
import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import type { WireKind } from '../../compile.js';
import { decompile, DecompileError } from '../../emit/source.js';
import { loadPolicyFile } from '../../input.js';
import { COMMON_DIAG_OPTIONS, EXIT_INPUT, EXIT_OK, oneOf, printDiagnostics, UsageError, type Command, INPUT_LIMIT_OPTIONS, inputLimitHelp, inputLimits } from '../command.js';
import { relativeSources, relativize } from '../paths.js';
import { writeAllOrNothing } from '../write.js';
import { dirname } from 'node:path';

export const decompileCommand: Command = {
  name: 'decompile',
  summary: 'turn a wire policy (.bin) or IR (.json) back into readable .mimi source',
  help: `Usage: mimi-policy decompile <file.bin|file.json> [options]

Writes .mimi source that compiles back to exactly the same bytes: explicit role indexes, \`extends\`
recovered where one role's capabilities contain another's, recurring capability groups named as
packages when that makes the file shorter.

Options:
  -o, --output <file>         write to a file instead of stdout
      --component <kind>      what the .bin holds: ${COMPONENT_KINDS.join('|')} (default: detected)
      --plain, --no-color     diagnostic rendering, as for check
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 ok, 1 the input has errors (malformed bytes, or a policy the language cannot express), 2 usage or I/O.`,
  options: { ...COMMON_DIAG_OPTIONS, ...INPUT_LIMIT_OPTIONS, output: { type: 'string', short: 'o' }, component: { type: 'string' } },
  run(args, io) {
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
  },
};
