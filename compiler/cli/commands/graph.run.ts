import { basename } from 'node:path';
import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { GraphLayoutError, graphModel, layoutRefusal, renderDot, renderMermaid, renderSvg } from '../../emit/graph.js';
import { highlightsOf } from '../../emit/highlights.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, intOption, inputLimits, formatOf, inputName, outOption, policyOrReport, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { writeOutput } from '../write.js';

/** `mimi-policy graph` (its options and help: ./graph.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('graph takes exactly one policy');
  const format = formatOf(args, ['dot', 'mermaid', 'svg'] as const, 'dot');
  const file = args.positionals[0];
  const highlight = !args.values['no-highlight'];
  const limits = {
    ...inputLimits(args),
    maxGraphNodes: intOption(args, 'max-graph-nodes', DEFAULT_LIMITS.maxGraphNodes),
    maxGraphEdges: intOption(args, 'max-graph-edges', DEFAULT_LIMITS.maxGraphEdges),
  };
  const refused = (d: Parameters<typeof printDiagnostics>[0][number]) => {
    printDiagnostics([d], new Map(), args, io);
    io.err(`${inputName(file)}: no graph\n`);
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
  const title = basename(inputName(file)).replace(/\.(mimi|bin|json)$/, '');
  let text: string;
  try {
    text = format === 'dot' ? renderDot(g, title) : format === 'mermaid' ? renderMermaid(g) : await renderSvg(g, title, { limits, file });
  } catch (e) {
    if (e instanceof GraphLayoutError) return refused(e.diagnostic);
    throw e;
  }
  writeOutput(outOption(args), text, (t) => io.out(t));
  return EXIT_OK;
}
