#!/usr/bin/env node
// The installed command: runs the compiled CLI (dist/, shipped in the package; in a clone, `npm run build`).
import { statSync } from 'node:fs';

// `npm run build` compiles dist/ (tsc) and then bundles the CLI into dist/cli/ (esbuild: a few files
// instead of ~900 modules, the start-up time of every command). The bundle is used only when it is at
// least as new as the compiled sources, so a `tsc` alone after an edit runs the edited code; without a
// bundle (or with MIMI_POLICY_NO_BUNDLE set) the compiled modules run directly.
const mtime = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};
if (mtime('../dist/cli/main.js') < 0 && mtime('../dist/compiler/cli/main.js') < 0) {
  process.stderr.write('mimi-policy: the compiled CLI (dist/) is missing; in a clone of the repository, run `npm run build` first\n');
  process.exit(2);
}
const bundled = !process.env.MIMI_POLICY_NO_BUNDLE && mtime('../dist/cli/main.js') >= mtime('../dist/compiler/cli/main.js');
const { main } = await import(bundled ? '../dist/cli/main.js' : '../dist/compiler/cli/main.js');

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
