import { basename, dirname } from 'node:path';
import { buildMatrix, renderMatrixCsv, renderMatrixHtml, renderMatrixMarkdown } from '../../emit/matrix.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, oneOf, policyOrReport, UsageError, inputLimits, type ParsedArgs, type CliIO } from '../command.js';
import { writeAllOrNothing } from '../write.js';

/** `mimi-policy matrix` (its options and help: ./matrix.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
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
}
