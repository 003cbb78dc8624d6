import { fromHex } from '../../../runtime/codec/hex.js';
import { COMPONENT_KINDS, detectComponent, INSPECT_DEFAULTS, inspectPartial, renderInspect, wireSizeDiagnostic, type InspectKind } from '../../../runtime/codec/index.js';
import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { EXIT_INPUT, EXIT_OK, formatOf, inputName, intOption, oneOf, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { contentKind, InputError, ioReason, readBounded } from '../../input.js';
import { relativize } from '../paths.js';

/** `mimi-policy inspect` (its options and help: ./inspect.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 1) throw new UsageError('inspect takes exactly one file');
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  const maxElements = intOption(args, 'max-elements', INSPECT_DEFAULTS.maxElements);
  const maxLines = intOption(args, 'max-lines', INSPECT_DEFAULTS.maxLines);
  const maxWireBytes = intOption(args, 'max-wire-bytes', DEFAULT_LIMITS.maxWireBytes);
  const file = inputName(args.positionals[0]);
  let bytes: Uint8Array;
  try {
    // the size limit is checked before anything is read (a pipe or stdin: after limit + 1 bytes)
    const r = readBounded(args.positionals[0], maxWireBytes);
    if ('tooLarge' in r) {
      const tooLarge = wireSizeDiagnostic(file, r.tooLarge.size, maxWireBytes)!;
      if (format === 'json') io.out(`${JSON.stringify({ file, component: null, bytes: r.tooLarge.size, fields: [], error: { code: tooLarge.code, message: tooLarge.message, offset: 0, path: '' } }, null, 2)}\n`);
      else printDiagnostics(relativize([tooLarge], io.cwd), new Map(), args, io);
      return EXIT_INPUT;
    }
    bytes = r.bytes;
  } catch (e) {
    throw new InputError(`cannot read \`${file}\`: ${ioReason(e)}`);
  }
  // hex text of wire bytes is read as the bytes; other text is not wire bytes at all
  const kind0 = contentKind(bytes);
  if (kind0 === 'hex') {
    const digits = Buffer.from(bytes).toString('latin1').replace(/\s+/g, '');
    if (digits.length % 2 === 0) bytes = fromHex(digits);
  } else if (kind0 === 'text' || kind0 === 'json') {
    io.err(`${file}: error: the file holds text (${kind0 === 'json' ? 'JSON' : '.mimi source?'}), not wire bytes; \`mimi-policy check ${file}\` reads it\n`);
    return EXIT_INPUT;
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
