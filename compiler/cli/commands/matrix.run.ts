import { buildMatrix, renderMatrixCsv, renderMatrixHtml, renderMatrixMarkdown } from '../../emit/matrix.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, formatOf, outOption, policyOrReport, UsageError, inputLimits, type ParsedArgs, type CliIO } from '../command.js';
import { writeOutput } from '../write.js';

/** `mimi-policy matrix` (its options and help: ./matrix.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 1) throw new UsageError('matrix takes exactly one policy');
  const format = formatOf(args, ['md', 'html', 'csv'] as const, 'md');
  const file = args.positionals[0];
  const r = loadPolicyFile(file, { limits: inputLimits(args), analyses: false });
  const policy = policyOrReport(r, file, args, io, 'no matrix');
  if (!policy) return EXIT_INPUT;
  const declared = new Map([...(r.symbols?.privateCapabilities ?? new Map())].map(([n, v]) => [v.code as number, n as string]));
  const m = buildMatrix(policy, r.provenance, declared);
  const text = format === 'md' ? renderMatrixMarkdown(m) : format === 'html' ? renderMatrixHtml(m) : renderMatrixCsv(m);
  writeOutput(outOption(args), text, (t) => io.out(t));
  return EXIT_OK;
}
