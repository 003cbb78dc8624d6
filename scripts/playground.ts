/**
 * `npm run playground`: builds the playground (playground/: a static page running the library in
 * the browser) with esbuild and serves it on 127.0.0.1; `--build-only` just builds. The examples
 * and the stdlib are embedded in the bundle. The page needs no server: index.html opens from disk too.
 *
 *   npm run playground -- [--out DIR] [--port N] [--build-only] [--help]
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

export const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const HERE = join(ROOT, 'playground');

/** Every `.mimi` file under examples/ and stdlib/, by its path relative to the package root (`/` separators). */
export function collectFiles(root = ROOT): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.mimi')) out[rel] = readFileSync(join(root, rel), 'utf8');
    }
  };
  walk('examples');
  walk('stdlib');
  return out;
}

/**
 * The library's Node-only imports, for the browser: `node:*` (imported at the top of compiler/resolve.ts
 * and compiler/emit/source.ts, not called on the page's path) → playground/shims/node.ts; the emitter
 * and the formatter, which the package root imports on first call → playground/shims/unavailable.ts;
 * the zod schemas are dropped when unused.
 */
const browserShims: Plugin = {
  name: 'playground-shims',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, () => ({ path: join(HERE, 'shims', 'node.ts') }));
    b.onResolve({ filter: /\/compiler\/(emit\/typescript|format\/index)\.js$/ }, () => ({ path: join(HERE, 'shims', 'unavailable.ts') }));
    // the zod schemas the package root re-exports (runtime/zod.ts and what builds on them) build objects at
    // import time, so esbuild keeps them, and zod (~450 kB), unless told they can go when nothing uses them
    b.onResolve({ filter: /\/(runtime\/zod|compiler\/diagnostics-json)\.js$/ }, (a) => ({ path: join(dirname(a.importer), a.path.replace(/\.js$/, '.ts')), sideEffects: false }));
  },
};

export interface BuildResult {
  outDir: string;
  /** bytes of each file written */
  files: Record<string, number>;
  /** the bundle's size gzipped (what a server sends) */
  jsGzip: number;
  ms: number;
}

/** Builds the page into `outDir`: index.html, style.css, playground.js. */
export async function buildPlayground(outDir: string, options: { minify?: boolean } = {}): Promise<BuildResult> {
  const t0 = performance.now();
  mkdirSync(outDir, { recursive: true });
  const r = await build({
    entryPoints: [join(HERE, 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: options.minify ?? true,
    outfile: join(outDir, 'playground.js'),
    define: { __PLAYGROUND_FILES__: JSON.stringify(collectFiles()) },
    plugins: [browserShims],
    // compiler/resolve.ts's packageRoot reads import.meta.url; the page never calls it
    logOverride: { 'empty-import-meta': 'silent' },
    logLevel: 'warning',
    metafile: true,
  });
  if (r.errors.length) throw new Error(r.errors.map((e) => e.text).join('\n'));
  copyFileSync(join(HERE, 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(HERE, 'style.css'), join(outDir, 'style.css'));
  const files: Record<string, number> = {};
  for (const name of ['index.html', 'style.css', 'playground.js']) files[name] = statSync(join(outDir, name)).size;
  const jsGzip = gzipSync(readFileSync(join(outDir, 'playground.js'))).length;
  return { outDir, files, jsGzip, ms: performance.now() - t0 };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A plain static file server over `dir` (GET and HEAD; nothing outside `dir`). Port 0 picks a free one. */
export function servePlayground(dir: string, port = 0, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if ((file !== root && !file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const a = server.address();
      ok({ server, url: `http://${host}:${typeof a === 'object' && a ? a.port : port}/` });
    });
  });
}

const HELP = `Usage: npm run playground -- [options]

Builds the playground (a static page: edit .mimi with live diagnostics, see the role graph, the
capability matrix and the findings, run scenarios, save and load wire bytes) and serves it on 127.0.0.1.

Options:
  --out DIR      where to build (default out/playground)
  --port N       the port to serve on (default 8080; 0 picks a free one)
  --build-only   build, print the sizes, do not serve (open DIR/index.html from disk)
  -h, --help     this text
`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { out: { type: 'string' }, port: { type: 'string' }, 'build-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (e) {
    process.stderr.write(`playground: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = args.values.port === undefined ? 8080 : Number(args.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`playground: --port \`${args.values.port}\`: expected a port number from 0 to 65535\n`);
    return 2;
  }
  const out = resolve(args.values.out ?? join(ROOT, 'out', 'playground'));
  if (existsSync(out) && !statSync(out).isDirectory()) {
    process.stderr.write(`playground: --out \`${out}\` is a file, not a folder\n`);
    return 2;
  }
  const b = await buildPlayground(out);
  const shown = relative(process.cwd(), out) || '.';
  process.stdout.write(
    `built ${shown}/ in ${Math.round(b.ms)} ms: ${Object.entries(b.files)
      .map(([n, s]) => `${n} ${s.toLocaleString('en-US')} bytes`)
      .join(', ')} (playground.js ${b.jsGzip.toLocaleString('en-US')} bytes gzipped)\n`,
  );
  if (args.values['build-only']) {
    process.stdout.write(`open ${pathToFileURL(join(out, 'index.html')).href}\n`);
    return 0;
  }
  try {
    const { url } = await servePlayground(out, port);
    process.stdout.write(`serving the playground at ${url} (Ctrl-C stops)\n`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`playground: cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use (try --port 0)' : (e as Error).message}\n`);
    return 2;
  }
  return -1; // keep serving
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // a closed pipe (`| head`) ends the output quietly
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`playground: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
