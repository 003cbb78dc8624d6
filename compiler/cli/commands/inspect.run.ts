import { readFileSync, statSync } from 'node:fs';
import { COMPONENT_KINDS, detectComponent, INSPECT_DEFAULTS, inspectPartial, renderInspect, wireSizeDiagnostic, type InspectKind } from '../../../runtime/codec/index.js';
import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { EXIT_INPUT, EXIT_OK, intOption, oneOf, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { InputError } from '../../input.js';
import { relativize } from '../paths.js';

/** `mimi-policy inspect` (its options and help: ./inspect.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 1) throw new UsageError('inspect takes exactly one file');
  const format = oneOf(args.values.format, ['text', 'json'] as const, 'format', 'text');
  const maxElements = intOption(args, 'max-elements', INSPECT_DEFAULTS.maxElements);
  const maxLines = intOption(args, 'max-lines', INSPECT_DEFAULTS.maxLines);
  const maxWireBytes = intOption(args, 'max-wire-bytes', DEFAULT_LIMITS.maxWireBytes);
  const file = args.positionals[0];
  let bytes: Uint8Array;
  try {
    // the size limit is checked before anything is read
    const size = statSync(file).size;
    const tooLarge = wireSizeDiagnostic(file, size, maxWireBytes);
    if (tooLarge !== undefined) {
      if (format === 'json') io.out(`${JSON.stringify({ file, component: null, bytes: size, fields: [], error: { code: tooLarge.code, message: tooLarge.message, offset: 0, path: '' } }, null, 2)}\n`);
      else printDiagnostics(relativize([tooLarge], io.cwd), new Map(), args, io);
      return EXIT_INPUT;
    }
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read \`${file}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let kind: InspectKind;
  if (args.values.component !== undefined) kind = oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary');
  else {
    const detected = detectComponent(bytes);
    kind = detected === 'dictionary' ? 'policy' : (detected ?? 'policy');
  }
  if (kind === 'dictionary') kind = 'policy';
  const { lines, error, truncated } = inspectPartial(bytes, kind, { maxElements, maxLines });
  if (format === 'json')
    io.out(
      `${JSON.stringify(
        { file, component: kind, bytes: bytes.length, fields: lines, ...(truncated ? { truncated } : {}), error: error ? { message: error.message, offset: error.offset, path: error.path } : null },
        null,
        2,
      )}\n`,
    );
  else {
    io.out(`${file}: ${bytes.length} bytes, ${kind}\n`);
    io.out(`${renderInspect(lines, undefined, truncated)}\n`);
    if (error) io.err(`${file}@${error.offset}: error[E0301]: ${error.message}${error.path ? ` (in ${error.path})` : ''}\n`);
  }
  return error ? EXIT_INPUT : EXIT_OK;
}
