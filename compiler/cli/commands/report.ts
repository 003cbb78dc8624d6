import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { OUT_OPTION, QUIET_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const reportCommand: CommandInfo = {
  name: 'report',
  summary: 'one self-contained HTML page: summary, graph, matrix, findings (and a comparison)',
  help: `Usage: mimi-policy report <policy> --out report.html [options]

Writes one self-contained HTML page (no scripts, no network): the room summary, the role graph with
the findings' witness paths highlighted, the capability matrix, the findings, and with --compare the
two policies side by side (sizes, findings, role differences, scenario decisions).

The page stays proportionate to the policy: a role graph over the Graphviz layout limits is not
drawn (the page says why and how to get it as text), the matrix shows at most --max-matrix-cells
cells, and the findings at most --max-diagnostics per code.

Options:
  -o, --out <file>            the HTML file to write (required; \`-\`: stdout)
  -q, --quiet                 errors only
      --compare <policy>      a second policy to compare with (e.g. the other role model)
      --scenarios <file>      scenarios to run under both (repeatable; default: those in the policies)
      --map <a=b>             role name mapping for the comparison (repeatable)
      --max-graph-nodes <n>   draw the graph only up to this many roles (default ${DEFAULT_LIMITS.maxGraphNodes})
      --max-graph-edges <n>   … and this many role changes (default ${DEFAULT_LIMITS.maxGraphEdges})
      --max-matrix-cells <n>  matrix rows shown: up to this many cells (default ${DEFAULT_LIMITS.maxReportMatrixCells})
      --max-diagnostics <n>   findings shown per code (default ${DEFAULT_LIMITS.maxDiagnosticsPerCode}, 0 = all)
${inputLimitHelp(30)}
  -h, --help                  show this help

Exit codes: 0 written, 1 a policy has errors (nothing written), 2 usage or I/O.`,
  options: { ...OUT_OPTION, ...QUIET_OPTION, compare: { type: 'string' }, scenarios: { type: 'string', multiple: true }, map: { type: 'string', multiple: true }, plain: { type: 'boolean' }, 'no-color': { type: 'boolean' }, 'max-graph-nodes': { type: 'string' }, 'max-graph-edges': { type: 'string' }, 'max-matrix-cells': { type: 'string' }, 'max-diagnostics': { type: 'string' }, ...INPUT_LIMIT_OPTIONS },
  load: async () => (await import('./report.run.js')).run,
};
