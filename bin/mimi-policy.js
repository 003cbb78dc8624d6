#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { main } from '../dist/compiler/cli/main.js';

// a closed pipe (`mimi-policy … | head`) ends the output quietly, not with a stack trace
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw e; });

const io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  color: !!process.stderr.isTTY && !process.env.NO_COLOR,
  cwd: process.cwd(),
  drain: () => new Promise((resolve) => process.stdout.once('drain', resolve)),
};
process.exitCode = await main(process.argv.slice(2), io);
