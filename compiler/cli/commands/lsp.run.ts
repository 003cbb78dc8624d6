import { createConnection, ProposedFeatures, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { startServer } from '../../lsp/index.js';
import { FrameReader } from '../../lsp/transport.js';
import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { intOption, UsageError, type ParsedArgs, type CliIO } from '../command.js';

/** `mimi-policy lsp` (its options and help: ./lsp.ts). */
export function run(args: ParsedArgs, io: CliIO): Promise<number> {
  if (!args.values.stdio) throw new UsageError('lsp talks over stdio only: pass --stdio');
  if (args.positionals.length > 0) throw new UsageError('lsp takes no files (the editor sends them)');
  const limits = { maxSourceBytes: intOption(args, 'max-source-bytes', DEFAULT_LIMITS.maxSourceBytes), maxDiagnosticsPerCode: intOption(args, 'max-diagnostics', DEFAULT_LIMITS.maxDiagnosticsPerCode) };
  // stdout carries the protocol: anything a library prints goes to stderr, on one line
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : String(a))).join(' ');
  for (const level of ['log', 'info', 'debug', 'warn', 'error', 'trace'] as const) console[level] = (...a: unknown[]) => io.err(`mimi-policy lsp: ${line(a)}\n`);

  let connection: Connection | undefined;
  const log = (message: string) => {
    io.err(`mimi-policy lsp: ${message}\n`);
    connection?.console.error(message);
  };
  const writer = new StreamMessageWriter(process.stdout);
  // a flood of garbage is not echoed line for line: the first 100 drops are logged, then every 1000th
  let drops = 0;
  const reader = new FrameReader(process.stdin, {
    onDrop: (d) => {
      drops++;
      if (drops <= 100 || drops % 1000 === 0)
        log(`dropped a malformed frame (${d.bytes} bytes at input offset ${d.offset}${drops > 100 ? `; ${drops} dropped so far, every 1000th logged` : ''}): ${d.reason}`);
      if (d.reply) writer.write(d.reply).catch((e: unknown) => io.err(`mimi-policy lsp: could not answer a dropped frame: ${String(e)}\n`));
    },
  });
  connection = createConnection(ProposedFeatures.all, reader, writer);
  const server = startServer(connection, { limits, log });
  // the connection ends the process on the editor's `exit` notification; stdin closing without it ends the run
  return new Promise<number>((resolve) => reader.onClose(() => resolve(server.shutdownRequested ? 0 : 1)));
}
