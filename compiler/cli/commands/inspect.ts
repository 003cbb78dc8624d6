import { readFileSync } from 'node:fs';
import { COMPONENT_KINDS, detectComponent, inspectPartial, renderInspect, type InspectKind } from '../../../runtime/codec/index.js';
import { EXIT_INPUT, EXIT_OK, FORMAT_OPTION, oneOf, UsageError, type Command } from '../command.js';
import { InputError } from '../../input.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'annotated dump of a wire file, field by field, with byte offsets',
  help: `Usage: mimi-policy inspect <file.bin> [options]

Prints every field of the wire encoding with its byte offset, length, raw bytes and decoded value.
On malformed input, prints the fields read so far and the error with its byte offset.

Options:
      --component <kind>      what the file holds: ${COMPONENT_KINDS.join('|')} (default: detected;
                              a dictionary's policy components are expanded)
  -f, --format <text|json>    output format (default text)
  -h, --help                  show this help

Exit codes: 0 decoded, 1 malformed bytes, 2 usage or I/O error.`,
  options: { ...FORMAT_OPTION, component: { type: 'string' } },
  run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('inspect takes exactly one file');
    const format = oneOf(args.values.format, ['text', 'json'] as const, 'format', 'text');
    const file = args.positionals[0];
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
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
    const { lines, error } = inspectPartial(bytes, kind);
    if (format === 'json')
      io.out(`${JSON.stringify({ file, component: kind, bytes: bytes.length, fields: lines, error: error ? { message: error.message, offset: error.offset, path: error.path } : null }, null, 2)}\n`);
    else {
      io.out(`${file}: ${bytes.length} bytes, ${kind}\n`);
      io.out(`${renderInspect(lines)}\n`);
      if (error) io.err(`${file}@${error.offset}: error[E0301]: ${error.message}${error.path ? ` (in ${error.path})` : ''}\n`);
    }
    return error ? EXIT_INPUT : EXIT_OK;
  },
};
