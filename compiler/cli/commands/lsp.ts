import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import type { CommandInfo } from '../options.js';

export const lspCommand: CommandInfo = {
  name: 'lsp',
  summary: 'the .mimi language server (LSP over stdio), for editors',
  help: `Usage: mimi-policy lsp --stdio

Speaks the Language Server Protocol on stdin/stdout, for editors (editors/vscode/ is a VS Code
extension that starts it): diagnostics as you type (the check command's, analyses included),
hover (capabilities, packages, roles), completion in context, go to definition, find references,
rename of roles and packages, document symbols and formatting (the fmt command's).

Malformed input does not stop it: a bad frame (header, length, JSON, message or params) is dropped,
answered with a JSON-RPC error when the client may be waiting for an answer, and logged on stderr
and as window/logMessage; reading resumes at the next Content-Length header. Frames are limited to
64 MB; a document over the source limit gets one diagnostic instead of analysis.

Options:
      --stdio                 talk LSP over stdin/stdout (required)
      --max-source-bytes N    analyse documents up to N bytes (default ${DEFAULT_LIMITS.maxSourceBytes})
      --max-diagnostics N     publish at most N diagnostics per code and document (default ${DEFAULT_LIMITS.maxDiagnosticsPerCode}, 0 = all)
  -h, --help                  show this help

Exit codes: 0 after an LSP shutdown and exit, 1 when the editor exits without shutdown, 2 usage error.`,
  options: { stdio: { type: 'boolean' }, 'max-source-bytes': { type: 'string' }, 'max-diagnostics': { type: 'string' } },
  load: async () => (await import('./lsp.run.js')).run,
};
