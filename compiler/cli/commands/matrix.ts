import { basename, dirname } from 'node:path';
import { buildMatrix, renderMatrixCsv, renderMatrixHtml, renderMatrixMarkdown } from '../../emit/matrix.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, FORMAT_OPTION, oneOf, policyOrReport, UsageError, type Command, INPUT_LIMIT_OPTIONS, inputLimitHelp, inputLimits, MAX_DIAGNOSTICS_OPTION } from '../command.js';
import { writeAllOrNothing } from '../write.js';

export const matrixCommand: Command = {
  name: 'matrix',
  summary: 'the roles × capabilities matrix, grouped by category (md, html or csv)',
  help: `Usage: mimi-policy matrix <policy> [options]

One row per role, one column per capability some role holds, grouped by the registry's categories;
● granted directly, ○ inherited through \`extends\` (known for .mimi sources only).

Options:
  -f, --format <md|html|csv>   output format (default md)
  -o, --output <file>          write to a file instead of stdout
${inputLimitHelp(31)}
  -h, --help                   show this help

Exit codes: 0 ok, 1 the policy has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, output: { type: 'string', short: 'o' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...INPUT_LIMIT_OPTIONS, ...MAX_DIAGNOSTICS_OPTION },
  run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('matrix takes exactly one policy');
    const format = oneOf(args.values.format, ['md', 'html', 'csv'] as const, 'format', 'md');
    const file = args.positionals[0];
    const r = loadPolicyFile(file, { limits: inputLimits(args), analyses: false });
    const policy = policyOrReport(r, file, args, io, 'no matrix');
    if (!policy) return EXIT_INPUT;
    const declared = new Map([...(r.symbols?.privateCapabilities ?? new Map())].map(([n, v]) => [v.code as number, n as string]));
    const m = buildMatrix(policy, r.provenance, declared);
    const text = format === 'md' ? renderMatrixMarkdown(m) : format === 'html' ? renderMatrixHtml(m) : renderMatrixCsv(m);
    const output = args.values.output;
    if (typeof output === 'string') writeAllOrNothing(dirname(output), [{ name: basename(output), bytes: new TextEncoder().encode(text) }]);
    else io.out(text);
    return EXIT_OK;
  },
};
