import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { COMPONENT_KINDS, INSPECT_DEFAULTS, FORMAT_OPTION, type CommandInfo } from '../options.js';

export const inspectCommand: CommandInfo = {
  name: 'inspect',
  summary: 'annotated dump of a wire file, field by field, with byte offsets',
  help: `Usage: mimi-policy inspect <file.bin|-> [options]

Prints every field of the wire encoding with its byte offset, length, raw bytes and decoded value.
On malformed input, prints the fields read so far and the error with its byte offset. Hex text of
wire bytes is read as the bytes.
The dump is bounded whatever the file holds: a long byte field shows its length and its first and
last bytes, a long text its start, a vector its first --max-elements elements then one line counting
the rest, and the dump at most --max-lines lines. Every byte is still decoded and checked.

Options:
      --component <kind>      what the file holds: ${COMPONENT_KINDS.join('|')} (default: detected;
                              a dictionary's policy components are expanded)
  -f, --format <text|json>    output format (default text)
      --max-elements <n>      elements shown per vector (default ${INSPECT_DEFAULTS.maxElements}; 0 = all)
      --max-lines <n>         lines shown in all (default ${INSPECT_DEFAULTS.maxLines}; 0 = all)
      --max-wire-bytes <n>    refuse larger files (default ${DEFAULT_LIMITS.maxWireBytes}), before reading them
      --no-color              no ANSI colours
  -h, --help                  show this help

Exit codes: 0 decoded, 1 malformed bytes or a file over --max-wire-bytes, 2 usage or I/O error.`,
  options: { ...FORMAT_OPTION, component: { type: 'string' }, 'max-elements': { type: 'string' }, 'max-lines': { type: 'string' }, 'max-wire-bytes': { type: 'string' } },
  load: async () => (await import('./inspect.run.js')).run,
};
