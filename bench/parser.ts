/**
 * Parser and formatter benchmark (issue 10): `parse`, `compileFile` without analyses (the front end of
 * `check --no-analyses`) and `format` on generated sources of each size, valid and hostile. Each
 * measurement runs in a fresh process, so its peak RSS is its own. Time and memory must grow linearly
 * with the size: compare the per-MB columns across sizes.
 *
 *   npx tsx bench/parser.ts [sizes in MB, default 1 10] [--only kind,kind] [--what parse,check,fmt]
 *
 * Kinds: valid (roles, capabilities, comments), caps (one duplicate `capability` per line), comments
 * (end-of-line comments to align), random (bytes), tokens (random tokens), braces (`{` only), nest (one
 * role, then `{` only), longline (valid declarations on one line), string (one string literal),
 * comment (an unterminated comment), errors (a syntax error run on every line).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileFile } from '../compiler/compile.js';
import { memoryHost } from '../compiler/resolve.js';
import { format } from '../compiler/format/index.js';
import { parse } from '../grammar/index.js';
import { prng } from '../test/fuzz/rand.js';

const KINDS = ['valid', 'caps', 'comments', 'random', 'tokens', 'braces', 'nest', 'longline', 'string', 'comment', 'errors'] as const;
type Kind = (typeof KINDS)[number];
const WHAT = ['parse', 'check', 'fmt'] as const;
type What = (typeof WHAT)[number];


/** Lines from `line(i)` up to `bytes`. */
function lines(bytes: number, line: (i: number) => string): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const l = line(i);
    parts.push(l);
    n += l.length;
  }
  return parts.join('');
}

export function generate(kind: Kind, bytes: number): string {
  const rnd = prng(42);
  switch (kind) {
    case 'valid':
      return lines(bytes, (i) =>
        i === 0
          ? 'room "r" {\n  multi_device true\n  max_users 10\n}\n'
          : `capability cap${i} = 0x${(0xf000 + (i % 4096)).toString(16)}\n// comment ${i}\n/// role ${i}\nrole r${i} @${i + 2} {\n  name "Role ${i}"\n  grant cap${i}, canKick\n  participants 0..\n  changes {\n    none -> r${i}\n  }\n}\n`,
      );
    case 'caps':
      return lines(bytes, () => 'capability canX = 0xF001\n');
    case 'comments':
      return lines(bytes, (i) => `capability c${i} = 0xF001 // c${i}\n`);
    case 'random': {
      const b = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i++) b[i] = Math.floor(rnd() * 256);
      return b.toString('utf8');
    }
    case 'tokens': {
      const toks = ['role', 'grant', 'x', '{', '}', '->', '..', ',', '"s"', '0x1', '@', 'changes', 'none', '[', ']', 'capability', '=', ':', '+', 'preauth', 'when', '\n'];
      return lines(bytes, () => `${toks[Math.floor(rnd() * toks.length)]} `);
    }
    case 'braces':
      return '{'.repeat(bytes);
    case 'nest':
      return `role a { changes { ${'{'.repeat(bytes)} } }`;
    case 'longline':
      return lines(bytes, (i) => `capability c${i} = 0xF001 `);
    case 'string':
      return `role a { name "${'a'.repeat(bytes)}" }\n`;
    case 'comment':
      return `role a {}\n/* ${'abc /* "d\n'.repeat(Math.ceil(bytes / 11))}`;
    case 'errors':
      return lines(bytes, () => 'role x { grant ,, } ->-> ..\n');
  }
}

interface Measure {
  cpuMs: number;
  wallMs: number;
  maxRssMb: number;
  result: string;
}

async function measure(kind: Kind, mb: number, what: What): Promise<Measure> {
  const text = generate(kind, Math.round(mb * 1024 * 1024));
  const file = `/bench/${kind}.mimi`;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let result: string;
  if (what === 'parse') {
    const r = parse(text, file);
    result = `${r.ast.items.length} items, ${r.diagnostics.length} diagnostics`;
  } else if (what === 'check') {
    const r = compileFile(file, { host: memoryHost({ [file]: text }), text, analyses: false });
    result = `${r.diagnostics.length} diagnostics${r.ok ? ', ok' : ''}`;
  } else {
    try {
      result = `formatted, ${(await format(text, { filepath: file })).length} chars`;
    } catch (e) {
      result = `rejected: ${(e as Error).name}`;
    }
  }
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, result };
}

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const isMain = process.argv[1] !== undefined && fileURLToPath(new URL(`file://${process.argv[1]}`)).replace(/\.ts$/, '') === self.replace(/\.ts$/, '');
if (!isMain) {
  // imported (for `generate`): measure nothing
} else if (args[0] === '--one') {
  const m = await measure(args[1] as Kind, Number(args[2]), args[3] as What);
  process.stdout.write(JSON.stringify(m));
} else {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const only = (opt('--only')?.split(',') as Kind[] | undefined) ?? [...KINDS];
  const whats = (opt('--what')?.split(',') as What[] | undefined) ?? [...WHAT];
  const sizes = args.length ? args.map(Number) : [1, 10];
  console.log('kind      size   what   cpu ms  cpu ms/MB  peak RSS MB  result');
  for (const kind of only)
    for (const what of whats)
      for (const mb of sizes) {
        let line: string;
        try {
          const out = execFileSync(process.execPath, [...process.execArgv, self, '--one', kind, String(mb), what], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20 });
          const m = JSON.parse(out) as Measure;
          line = `${m.cpuMs.toFixed(0).padStart(7)}  ${(m.cpuMs / mb).toFixed(0).padStart(9)}  ${m.maxRssMb.toFixed(0).padStart(11)}  ${m.result}`;
        } catch (e) {
          line = `FAILED: ${((e as { stderr?: string }).stderr ?? String(e)).trim().split('\n').slice(-3).join(' | ')}`;
        }
        console.log(`${kind.padEnd(9)} ${String(mb).padStart(4)}MB  ${what.padEnd(5)}  ${line}`);
      }
}
