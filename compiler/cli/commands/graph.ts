import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { FORMAT_OPTION, OUT_OPTION, QUIET_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const graphCommand: CommandInfo = {
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
  -o, --out <file>                 write to a file instead of stdout (\`-\`: stdout)
  -q, --quiet                      errors only
      --no-highlight               do not highlight analysis paths (and skip the analyses)
      --max-graph-nodes <n>        svg: refuse a graph of more roles (default ${DEFAULT_LIMITS.maxGraphNodes})
      --max-graph-edges <n>        svg: refuse a graph of more role changes (default ${DEFAULT_LIMITS.maxGraphEdges})
${inputLimitHelp(35)}
  -h, --help                       show this help

Exit codes: 0 drawn, 1 the policy has errors, 2 usage or I/O.`,
  options: { ...FORMAT_OPTION, ...OUT_OPTION, ...QUIET_OPTION, 'no-highlight': { type: 'boolean' }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, 'max-graph-nodes': { type: 'string' }, 'max-graph-edges': { type: 'string' }, ...INPUT_LIMIT_OPTIONS },
  load: async () => (await import('./graph.run.js')).run,
};
