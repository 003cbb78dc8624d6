import { basename, dirname } from 'node:path';
import { graphModel, renderDot, renderMermaid, renderSvg } from '../../emit/graph.js';
import { highlightsOf } from '../../emit/highlights.js';
import { loadPolicyFile } from '../../input.js';
import { EXIT_INPUT, EXIT_OK, FORMAT_OPTION, LOWERING_LIMIT_OPTIONS, loweringLimitHelp, loweringLimits, oneOf, policyOrReport, UsageError, type Command } from '../command.js';
import { writeAllOrNothing } from '../write.js';

export const graphCommand: Command = {
  name: 'graph',
  summary: 'draw the role graph (dot, mermaid or svg), highlighting escalation and ban-evasion paths',
  help: `Usage: mimi-policy graph <policy> [options]

Roles are nodes; each authorized role change is an edge labelled with the capability that triggers it
and the roles holding it. Changes no holder can use are dashed. Witness paths of escalation and
ban-evasion findings are drawn in red. SVG is rendered in-process (Graphviz WebAssembly).

Options:
  -f, --format <dot|mermaid|svg>   output format (default dot)
  -o, --output <file>              write to a file instead of stdout
      --no-highlight               do not highlight analysis paths
${loweringLimitHelp(35)}
  -h, --help                       show this help

Exit codes: 0 drawn, 1 the policy has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, output: { type: 'string', short: 'o' }, 'no-highlight': { type: 'boolean' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, ...LOWERING_LIMIT_OPTIONS },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('graph takes exactly one policy');
    const format = oneOf(args.values.format, ['dot', 'mermaid', 'svg'] as const, 'format', 'dot');
    const file = args.positionals[0];
    const r = loadPolicyFile(file, { limits: loweringLimits(args) });
    const policy = policyOrReport(r, file, args, io, 'no graph');
    if (!policy) return EXIT_INPUT;
    const g = graphModel(policy, args.values['no-highlight'] ? [] : highlightsOf(r.diagnostics));
    const title = basename(file).replace(/\.(mimi|bin|json)$/, '');
    const text = format === 'dot' ? renderDot(g, title) : format === 'mermaid' ? renderMermaid(g) : await renderSvg(g, title);
    const output = args.values.output;
    if (typeof output === 'string') writeAllOrNothing(dirname(output), [{ name: basename(output), bytes: new TextEncoder().encode(text) }]);
    else io.out(text);
    return EXIT_OK;
  },
};
