/** The public face of compiler/lsp/: the `.mimi` language server, started on any LSP connection. */
export { startServer, toLspDiagnostic, DEBOUNCE_MS } from './server.js';
export { Workspace, type Analysis } from './analysis.js';
export { completions, completionContext } from './completion.js';
export { collectOccurrences, type Occurrence, type Namespace } from './occurrences.js';
