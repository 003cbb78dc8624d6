import { basename, dirname } from 'node:path';
import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { GraphLayoutError, graphModel, layoutRefusal, renderDot, renderMermaid, renderSvg } from '../../emit/graph.js';
import { highlightsOf } from '../../emit/highlights.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, FORMAT_OPTION, intOption, INPUT_LIMIT_OPTIONS, inputLimitHelp, inputLimits, oneOf, policyOrReport, printDiagnostics, UsageError, type Command } from '../command.js';
import { writeAllOrNothing } from '../write.js';

export const graphCommand: Command = {
  name: 'graph',
  summary: 'draw the role graph (dot, mermaid or svg), highlighting escalation and ban-evasion paths',
  help: `Usage: mimi-policy graph <policy> [options]

Roles are nodes; each authorized role change is an edge labelled with the capability that triggers it
and the roles holding it. Changes no holder can use are dashed. Witness paths of escalation and
ban-evasion findings are drawn in red. SVG is rendered in-process (Graphviz WebAssembly), whose
layout time grows faster than the graph: a graph over --max-graph-nodes or --max-graph-edges is
refused (E0006) before layout; dot and mermaid text have no such limit.

Options:
  -f, --format <dot|mermaid|svg>   output format (default dot)
  -o, --output <file>              write to a file instead of stdout
      --no-highlight               do not highlight analysis paths (and skip the analyses)
      --max-graph-nodes <n>        svg: refuse a graph of more roles (default ${DEFAULT_LIMITS.maxGraphNodes})
      --max-graph-edges <n>        svg: refuse a graph of more role changes (default ${DEFAULT_LIMITS.maxGraphEdges})
${inputLimitHelp(35)}
  -h, --help                       show this help

Exit codes: 0 drawn, 1 the policy has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, output: { type: 'string', short: 'o' }, 'no-highlight': { type: 'boolean' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, 'max-graph-nodes': { type: 'string' }, 'max-graph-edges': { type: 'string' }, ...INPUT_LIMIT_OPTIONS },
  async run(args, io) {
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
  },
};
