import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from '../../lsp/index.js';
import { UsageError, type Command } from '../command.js';

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'the .mimi language server (LSP over stdio), for editors',
  help: `Usage: mimi-policy lsp --stdio

Speaks the Language Server Protocol on stdin/stdout, for editors (editors/vscode/ is a VS Code
extension that starts it): diagnostics as you type (the check command's, analyses included),
hover (capabilities, packages, roles), completion in context, go to definition, find references,
rename of roles and packages, document symbols and formatting (the fmt command's).

Options:
      --stdio                 talk LSP over stdin/stdout (required)
  -h, --help                  show this help

Exit codes: 0 after an LSP shutdown and exit, 1 when the editor exits without shutdown, 2 usage error.`,
  options: { stdio: { type: 'boolean' } },
  run(args) {
    if (!args.values.stdio) throw new UsageError('lsp talks over stdio only: pass --stdio');
    if (args.positionals.length > 0) throw new UsageError('lsp takes no files (the editor sends them)');
    const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
    startServer(connection);
    // the connection ends the process on the editor's `exit` notification or when stdin closes
    return new Promise<number>(() => {});
  },
};
