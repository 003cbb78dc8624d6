import { basename, dirname } from 'node:path';
import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { GraphLayoutError, graphModel, layoutRefusal, renderDot, renderMermaid, renderSvg } from '../../emit/graph.js';
import { highlightsOf } from '../../emit/highlights.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, intOption, inputLimits, oneOf, policyOrReport, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { writeAllOrNothing } from '../write.js';

/** `mimi-policy graph` (its options and help: ./graph.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('graph takes exactly one policy');
  const format = oneOf(args.values.format, ['dot', 'mermaid', 'svg'] as const, 'format', 'dot');
  const file = args.positionals[0];
  const highlight = !args.values['no-highlight'];
  const limits = {
    ...inputLimits(args),
    maxGraphNodes: intOption(args, 'max-graph-nodes', DEFAULT_LIMITS.maxGraphNodes),
    maxGraphEdges: intOption(args, 'max-graph-edges', DEFAULT_LIMITS.maxGraphEdges),
  };
  const refused = (d: Parameters<typeof printDiagnostics>[0][number]) => {
    printDiagnostics([d], new Map(), args, io);
    io.err(`${file}: no graph\n`);
    return EXIT_INPUT;
  };
  if (format === 'svg') {
    // the size is known without the analyses: refuse before them, as before the layout
    const plain = loadPolicyFile(file, { limits, analyses: false });
    const policy = policyOrReport(plain, file, args, io, 'no graph');
    if (!policy) return EXIT_INPUT;
    const refusal = layoutRefusal(graphModel(policy), file, limits);
    if (refusal) return refused(refusal);
  }
  const r = loadPolicyFile(file, { limits, analyses: highlight });
  const policy = policyOrReport(r, file, args, io, 'no graph');
  if (!policy) return EXIT_INPUT;
  const g = graphModel(policy, highlight ? highlightsOf(r.diagnostics) : []);
  const title = basename(file).replace(/\.(mimi|bin|json)$/, '');
  let text: string;
  try {
    text = format === 'dot' ? renderDot(g, title) : format === 'mermaid' ? renderMermaid(g) : await renderSvg(g, title, { limits, file });
  } catch (e) {
    if (e instanceof GraphLayoutError) return refused(e.diagnostic);
    throw e;
  }
  const output = args.values.output;
  if (typeof output === 'string') writeAllOrNothing(dirname(output), [{ name: basename(output), bytes: new TextEncoder().encode(text) }]);
  else io.out(text);
  return EXIT_OK;
}
