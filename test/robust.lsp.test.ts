/**
 * The language server under hostile input, driven as an editor drives it (`mimi-policy lsp --stdio`
 * spawned from bin/, i.e. dist/): malformed frames between good ones, wrong params, documents the
 * compiler cannot handle, and a seeded mini-fuzz. After each bad frame the next good request must get
 * its correct answer, the process must be alive, and stderr must say what was dropped.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConnection, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node';
import type { CompileOptions } from '../compiler/compile.js';
import { FrameParser, FrameReader, startServer, type FrameEvent } from '../compiler/lsp/index.js';
import { prng } from './fuzz/rand.js';

const root = join(import.meta.dirname, '..');

// In process (the last describe), the compiler and the hover text fail on demand, as a compiler bug would.
vi.mock('../compiler/compile.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../compiler/compile.js')>();
  return {
    ...real,
    compileFile: (path: string, options?: CompileOptions) => {
      if (options?.text?.includes('COMPILER_BUG')) throw new RangeError('Maximum call stack size exceeded');
      return real.compileFile(path, options);
    },
  };
});
vi.mock('../compiler/lsp/hover.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../compiler/lsp/hover.js')>();
  return {
    ...real,
    hoverFor: (...args: Parameters<typeof real.hoverFor>) => {
      if (args[0].name === 'hover_bug') throw new TypeError("Cannot read properties of undefined (reading 'index')");
      return real.hoverFor(...args);
    },
  };
});

interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

const frame = (body: string | Buffer): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`, 'ascii'), b]);
};
const json = (m: unknown): Buffer => frame(JSON.stringify(m));

/** A raw LSP client: writes any bytes, reads the server's frames strictly. */
class RawClient {
  readonly proc: ChildProcessWithoutNullStreams;
  stderr = '';
  private out = Buffer.alloc(0);
  private nextId = 1;
  private readonly replies = new Map<number | string | null, Message[]>();
  private readonly notes: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[] = []) {
    this.proc = spawn(process.execPath, [join(root, 'bin', 'mimi-policy.js'), 'lsp', '--stdio', ...args], { cwd: root });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves once `ready()` holds (checked on every frame from the server). */
  private until<T>(ready: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = () => {
        const v = ready();
        if (v !== undefined) resolve(v);
        else this.waiters.push(check);
      };
      check();
    });
  }

  private receive(chunk: Buffer): void {
    this.out = Buffer.concat([this.out, chunk]);
    for (;;) {
      const end = this.out.indexOf('\r\n\r\n');
      if (end < 0) break;
      const m = /^Content-Length: (\d+)$/i.exec(this.out.subarray(0, end).toString('ascii'));
      if (!m) throw new Error(`the server wrote a bad header: ${this.out.subarray(0, end).toString('latin1')}`);
      const length = Number(m[1]);
      if (this.out.length < end + 4 + length) break;
      const msg = JSON.parse(this.out.subarray(end + 4, end + 4 + length).toString('utf8')) as Message;
      this.out = this.out.subarray(end + 4 + length);
      if (msg.method === undefined) this.replies.set(msg.id ?? null, [...(this.replies.get(msg.id ?? null) ?? []), msg]);
      else if (msg.id !== undefined) this.write(json({ jsonrpc: '2.0', id: msg.id, result: null }));
      else this.notes.push(msg);
    }
    this.wake();
  }

  write(bytes: Buffer | string): void {
    this.proc.stdin.write(bytes);
  }
  id(): number {
    return this.nextId++;
  }
  /** The (first unclaimed) reply to request `id` that passes `test`. */
  reply(id: number | string | null, test: (m: Message) => boolean = () => true): Promise<Message> {
    return this.until(() => {
      const list = this.replies.get(id) ?? [];
      const i = list.findIndex(test);
      return i >= 0 ? list.splice(i, 1)[0] : undefined;
    });
  }
  /** Send a request (its frame preceded by `before`) and wait for its reply. */
  async request(method: string, params: unknown, before: Buffer | string = ''): Promise<Message> {
    const id = this.id();
    this.write(Buffer.concat([Buffer.from(before as string, typeof before === 'string' ? 'latin1' : undefined), json({ jsonrpc: '2.0', id, method, params })]));
    return this.reply(id);
  }
  notify(method: string, params: unknown): void {
    this.write(json({ jsonrpc: '2.0', method, params }));
  }
  /** The next notification `method` whose params pass `test`. */
  notification<P>(method: string, test: (p: P) => boolean): Promise<P> {
    return this.until(() => {
      const i = this.notes.findIndex((m) => m.method === method && test(m.params as P));
      return i >= 0 ? (this.notes.splice(i, 1)[0].params as P) : undefined;
    });
  }
  /** Resolves when stderr has grown past `from` and matches `re` there. */
  stderrSince(from: number, re: RegExp): Promise<string> {
    return this.until(() => (re.test(this.stderr.slice(from)) ? this.stderr.slice(from) : undefined));
  }
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
}

const DOC = 'file:///robust/main.mimi';
const TEXT = 'import "std/packages"\nrole member {\n  grant chatter, canKick\n}\n';
const HOVER = { textDocument: { uri: DOC }, position: { line: 2, character: 18 } }; // on canKick

let client: RawClient;

/** The good request that must be answered correctly after each bad frame. */
async function hoverIsRight(before: Buffer | string = ''): Promise<void> {
  const r = await client.request('textDocument/hover', HOVER, before);
  expect(r.error).toBeUndefined();
  expect((r.result as { contents: { value: string } }).contents.value).toMatch(/capability `canKick`/);
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  client = new RawClient(['--max-source-bytes', '4096']);
  const init = await client.request('initialize', { processId: null, rootUri: null, capabilities: {} });
  expect(init.result).toMatchObject({ capabilities: { hoverProvider: true } });
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: DOC, languageId: 'mimi', version: 1, text: TEXT } });
  await client.notification<{ uri: string }>('textDocument/publishDiagnostics', (p) => p.uri === DOC);
  await hoverIsRight();
});

afterAll(() => {
  if (client.alive) client.proc.kill();
});

describe('malformed frames are dropped, logged, and the next good frame is served', () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 'lost', method: 'textDocument/hover', params: HOVER });
  const cases: [string, string | Buffer, RegExp][] = [
    ['Content-Length: abc', 'Content-Length: abc\r\n\r\n{}', /Content-Length "abc" is not a number/],
    ['a body with no header', body, /skipped \d+ bytes/],
    ['a length too short', `Content-Length: 7\r\n\r\n${body}`, /the body is not JSON/],
    ['a length too long', `Content-Length: ${body.length + 40}\r\n\r\n${body}`, /the frame ends early/],
    ['a length far too long (waiting for bytes that never come)', `Content-Length: 50000\r\n\r\n${body}`, /the frame ends early/],
    ['a length of 2^40 (not allocated)', `Content-Length: ${2 ** 40}\r\n\r\n${body}`, /over the frame limit/],
    ['headers ended by \\n\\n', `Content-Length: ${body.length}\n\n${body}`, /dropped/],
    ['no Content-Length', `Content-Type: application/vscode-jsonrpc\r\n\r\n${body}`, /no Content-Length/],
    ['two Content-Lengths', `Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, /more than one Content-Length/],
    ['a charset other than utf-8', `Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{}`, /charset latin1/],
    ['binary garbage', Buffer.from([0, 255, 254, 13, 10, 13, 10, 0x80, 0x43, 0x6f, 0x6e, 0x74, 7]), /skipped \d+ bytes/],
    ['a body that is not JSON', frame('{"jsonrpc":"2.0",'), /the body is not JSON/],
    ['JSON that is not a message', Buffer.concat([frame('42'), frame('[1,2]'), frame('{"hello":1}'), frame('null')]), /"jsonrpc" is not "2.0"/],
  ];
  it.each(cases)('%s', async (_, bad, logged) => {
    const from = client.stderr.length;
    await hoverIsRight(bad);
    expect(await client.stderrSince(from, logged)).toMatch(/mimi-policy lsp: dropped a malformed frame/);
    expect(client.alive).toBe(true);
  });

  it('answers a dropped request it can identify with a JSON-RPC error, a parse error with id null', async () => {
    const lost = body.replace('"lost"', '"lost-2"');
    client.write(`Content-Length: ${lost.length + 40}\r\n\r\n${lost}`);
    await hoverIsRight();
    expect((await client.reply('lost-2')).error).toMatchObject({ code: -32600, message: expect.stringMatching(/frame ends early/) });
    client.write(frame('{not json'));
    await hoverIsRight();
    const parseError = await client.reply(null, (m) => /Expected property name/.test(m.error?.message ?? ''));
    expect(parseError.error).toMatchObject({ code: -32700, message: expect.stringMatching(/^Parse error: the body is not JSON/) });
  });

  it('survives a frame split across many writes, and garbage split the same way', async () => {
    const bytes = Buffer.concat([Buffer.from('garbage\r\n\r\n'), json({ jsonrpc: '2.0', id: 'split', method: 'textDocument/hover', params: HOVER })]);
    for (let i = 0; i < bytes.length; i += 5) client.write(bytes.subarray(i, i + 5));
    expect(((await client.reply('split')).result as { contents: { value: string } }).contents.value).toMatch(/canKick/);
  });
});

describe('requests with wrong params, unknown methods, unknown documents', () => {
  it('rejects params of the wrong shape with InvalidParams naming the field', async () => {
    const r = await client.request('textDocument/hover', { textDocument: { uri: DOC }, position: { line: 'x', character: 0 } });
    expect(r.error).toMatchObject({ code: -32602, message: expect.stringMatching(/params\.position\.line must be an integer/) });
    const positional = await client.request('textDocument/completion', [1, 2]);
    expect(positional.error).toMatchObject({ code: -32602, message: expect.stringMatching(/params must be an object, not an array/) });
    await hoverIsRight();
  });

  it('clamps positions outside the document (line -1, line 10^9)', async () => {
    const before = await client.request('textDocument/hover', { textDocument: { uri: DOC }, position: { line: -1, character: -5 } });
    expect(before.error).toBeUndefined();
    expect(before.result).toBeNull();
    const after = await client.request('textDocument/completion', { textDocument: { uri: DOC }, position: { line: 1e9, character: 1e9 } });
    expect(after.error).toBeUndefined();
    expect(Array.isArray(after.result)).toBe(true);
  });

  it('answers an unknown method with MethodNotFound and ignores unknown notifications', async () => {
    const r = await client.request('mimi/noSuchMethod', { x: 1 });
    expect(r.error).toMatchObject({ code: -32601 });
    client.notify('mimi/noSuchNotification', [1, 2, 3]);
    await hoverIsRight();
  });

  it('ignores changes to a document never opened; answers requests on closed documents with empty results', async () => {
    client.notify('textDocument/didChange', { textDocument: { uri: 'file:///robust/never.mimi', version: 2 }, contentChanges: [{ text: 'role x {}' }] });
    client.notify('textDocument/didChange', { textDocument: { uri: DOC, version: 2 }, contentChanges: [{ range: { start: { line: 99, character: 0 }, end: { line: 1e9, character: 7 } }, text: '' }] });
    const other = 'file:///robust/closed.mimi';
    client.notify('textDocument/didOpen', { textDocument: { uri: other, languageId: 'mimi', version: 1, text: 'role a {}\n' } });
    client.notify('textDocument/didClose', { textDocument: { uri: other } });
    for (const method of ['textDocument/completion', 'textDocument/hover', 'textDocument/definition', 'textDocument/documentSymbol', 'textDocument/formatting', 'textDocument/codeAction', 'textDocument/semanticTokens/full'])
      expect((await client.request(method, { textDocument: { uri: other }, position: { line: 0, character: 6 }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, context: { diagnostics: [] }, options: { tabSize: 2, insertSpaces: true } })).error).toBeUndefined();
    client.notify('textDocument/didClose', { textDocument: { uri: 'file:///robust/never.mimi' } });
    client.notify('textDocument/didOpen', { textDocument: { uri: 'file://some-host/x.mimi', languageId: 'mimi', version: 1, text: '' } });
    await hoverIsRight();
  });
});

describe('quick fixes and semantic tokens under garbage', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
  it('rejects code action params of the wrong shape with InvalidParams naming the field', async () => {
    const noContext = await client.request('textDocument/codeAction', { textDocument: { uri: DOC }, range });
    expect(noContext.error).toMatchObject({ code: -32602, message: expect.stringMatching(/params\.context must be an object/) });
    const badDiagnostic = await client.request('textDocument/codeAction', { textDocument: { uri: DOC }, range, context: { diagnostics: [{ range: { start: 1 } }] } });
    expect(badDiagnostic.error).toMatchObject({ code: -32602, message: expect.stringMatching(/params\.context\.diagnostics\[0\]\.range\.start must be an object/) });
    const badOnly = await client.request('textDocument/codeAction', { textDocument: { uri: DOC }, range, context: { diagnostics: [], only: 'quickfix' } });
    expect(badOnly.error).toMatchObject({ code: -32602, message: expect.stringMatching(/params\.context\.only must be an array/) });
    const badTokens = await client.request('textDocument/semanticTokens/full', { textDocument: 'main.mimi' });
    expect(badTokens.error).toMatchObject({ code: -32602, message: expect.stringMatching(/params\.textDocument must be an object/) });
    await hoverIsRight();
  });

  it('answers code actions for diagnostics with garbage data, ranges and codes with no fix (and no error)', async () => {
    const far = { start: { line: 1e9, character: -3 }, end: { line: -1, character: 1e9 } };
    const diagnostics = [
      { range, message: 'x', data: 42 },
      { range, message: 'x', data: [1, 2], code: 'E0101' },
      { range: far, message: 'x', code: 'E0101', data: { rename: { from: 'member', to: 'role', start: -5, end: 1e15 } } },
      { range, message: 'x', code: 7, data: { rename: { from: 'role', to: '}', start: 0, end: 4 }, acknowledge: { kind: 'no-such-kind', role: '"; drop' } } },
      { range, message: 'x', code: 'W0513', data: { acknowledge: { kind: 'last-holder', role: 'a b' } } },
      { range: far, message: '' },
    ];
    const r = await client.request('textDocument/codeAction', { textDocument: { uri: DOC }, range: far, context: { diagnostics } });
    expect(r.error).toBeUndefined();
    // no rename whose name is not at its place or whose replacement is not a name; no acknowledgement of a kind or role that is not one
    expect(r.result).toEqual([]);
    await hoverIsRight();
  });

  it('a code action request listing 100,000 diagnostics is answered (fixes for the first 100 at most)', async () => {
    const diagnostics = Array.from({ length: 100_000 }, (_, i) => ({ range, message: 'x', data: { acknowledge: { kind: 'escalation', role: i % 2 ? 'member' : `r${i}` }, rename: { from: 'impo', to: `n${i}`, start: 0, end: 4 } } }));
    const r = await client.request('textDocument/codeAction', { textDocument: { uri: DOC }, range, context: { diagnostics } });
    expect(r.error).toBeUndefined();
    const titles = (r.result as { title: string }[]).map((a) => a.title);
    expect(titles.length).toBeLessThanOrEqual(200);
    expect(titles).toContain('Acknowledge `escalation` for `member` (add `allow … because "…"`)');
    expect(titles.filter((t) => t.startsWith('Acknowledge'))).toHaveLength(1); // r0, r2 … are not roles of the document
    await hoverIsRight();
  });

  it('semantic tokens of documents that are garbage: well-formed 5-tuples, or nothing', async () => {
    const texts = ['\u0000\uffff\ud800 role "open\r\r\n/* x \r\n y', 'role a { /* */ } '.repeat(50), `${'"'.repeat(999)}\n${'->'.repeat(999)}`, '\r'.repeat(500), ''];
    for (const [i, text] of texts.entries()) {
      const uri = `file:///robust/tokens-${i}.mimi`;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text } });
      const r = await client.request('textDocument/semanticTokens/full', { textDocument: { uri } });
      expect(r.error).toBeUndefined();
      const data = (r.result as { data: number[] }).data;
      expect(data.length % 5).toBe(0);
      expect(data.every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
      for (let j = 2; j < data.length; j += 5) expect(data[j]).toBeGreaterThan(0);
      client.notify('textDocument/didClose', { textDocument: { uri } });
    }
    const never = await client.request('textDocument/semanticTokens/full', { textDocument: { uri: 'file:///robust/never-opened.mimi' } });
    expect(never.result).toEqual({ data: [] });
    await hoverIsRight();
  });
});

describe('documents the server cannot analyse', () => {
  it('a document the compiler overflows on gets diagnostics, and the server goes on', async () => {
    const uri = 'file:///robust/deep.mimi';
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text: 'role x{}->'.repeat(3000) } });
    const diags = await client.notification<{ uri: string; diagnostics: unknown[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    expect(diags.diagnostics.length).toBeGreaterThan(0);
    await hoverIsRight();
    expect(client.alive).toBe(true);
    client.notify('textDocument/didClose', { textDocument: { uri } }); // not recompiled as other documents change
  });

  it('a document over the source limit gets one E0006 at 1:1 naming the flag, and no analysis', async () => {
    const uri = 'file:///robust/huge.mimi';
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text: `${'role r {}\n'.repeat(500)}` } });
    const p = await client.notification<{ uri: string; diagnostics: { code: string; range: unknown; message: string }[] }>('textDocument/publishDiagnostics', (d) => d.uri === uri);
    expect(p.diagnostics).toEqual([expect.objectContaining({ code: 'E0006', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })]);
    expect(p.diagnostics[0].message).toMatch(/the document is too large: 4\.9 KB, the limit is 4\.0 KB[\s\S]*--max-source-bytes/);
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols.result).toEqual([]);
    expect((await client.request('textDocument/semanticTokens/full', { textDocument: { uri } })).result).toEqual({ data: [] });
    expect((await client.request('textDocument/codeAction', { textDocument: { uri }, range: p.diagnostics[0].range, context: { diagnostics: p.diagnostics } })).result).toEqual([]);
  });
});

describe('bounded work per change', () => {
  it('a didChange that would copy too much is refused, and the document is marked out of date until sent whole', async () => {
    const uri = 'file:///robust/many-edits.mimi';
    const from = client.stderr.length;
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text: `// ${'x'.repeat(1024 * 1024)}\n` } });
    const edit = { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } }, text: 'y' };
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: Array.from({ length: 300 }, () => edit) });
    const stale = await client.notification<{ uri: string; version: number; diagnostics: { message: string }[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
    expect(stale.diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/out of date in the language server: a change of 300 edits would copy \d+ characters[\s\S]*close and reopen it/) })]);
    expect(await client.stderrSince(from, /didChange of file:\/\/\/robust\/many-edits\.mimi refused/)).not.toMatch(/\n\s+at /);
    expect((await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).result).toBeNull();
    client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: 'role a {}\n' }] });
    const current = await client.notification<{ uri: string; version: number; diagnostics: { message: string }[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 3);
    expect(current.diagnostics.map((d) => d.message).join('\n')).not.toMatch(/out of date/);
    client.notify('textDocument/didClose', { textDocument: { uri } });
  });
});


/** `count` random frames: good-looking messages with random methods and params, truncated, mutated, garbage. */
function fuzzFrames(seed: number, count: number): Buffer[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  // never `exit` (which ends the server, as it should) nor `initialize` (its processId starts a watchdog)
  const methods = ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references', 'textDocument/rename', 'textDocument/prepareRename', 'textDocument/documentSymbol', 'textDocument/formatting', 'textDocument/codeAction', 'textDocument/semanticTokens/full', 'textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', '$/cancelRequest', '$/setTrace', 'workspace/symbol', 'initialized', 'x/y'];
  const words = ['role', 'a', '{', '}', 'grant', 'chatter', '->', 'changes', 'package', 'import "std/packages"', '\n', '"', '0x', 'hierarchy', 'level', '@1', ','];
  const value = (depth: number): unknown => {
    switch (int(depth > 2 ? 5 : 8)) {
      case 0: return null;
      case 1: return rnd() < 0.5;
      case 2: return pick([0, -1, 1, 2 ** 53, 1e9, 1.5, -0]);
      case 3: return pick(['', 'file:///robust/fuzz.mimi', 'x'.repeat(int(50)), '\u0000\uffff']);
      case 4: return Array.from({ length: int(4) }, () => pick(words)).join(' ');
      case 5: return Array.from({ length: int(4) }, () => value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (const k of Array.from({ length: int(5) }, () => pick(['textDocument', 'uri', 'position', 'line', 'character', 'text', 'version', 'contentChanges', 'range', 'newName', 'options', 'id', 'value', 'context']))) o[k] = value(depth + 1);
        return o;
      }
    }
  };
  const params = (): unknown => {
    // not DOC, which the final hover reads
    const uri = pick(['file:///robust/fuzz.mimi', 'file:///robust/other.mimi', 'untitled:x', 'file://h/x']);
    const pos = { line: pick([0, 1, -1, 1e9, 3]), character: pick([0, 5, -2, 1e9]) };
    const start = { line: int(5), character: int(20) };
    const range = { start, end: { line: start.line + int(2), character: int(20) } };
    const text = () => Array.from({ length: int(30) }, () => pick(words)).join(' ');
    return pick([
      // every field any handled method reads, well-formed: fits them all (extra fields are allowed)
      {
        textDocument: { uri, version: int(100), text: text(), languageId: 'mimi' },
        position: pos,
        contentChanges: rnd() < 0.5 ? [{ text: text() }] : [{ range, text: pick(words) }],
        newName: pick(['b', 'role', '', '1x']),
        context: { includeDeclaration: rnd() < 0.5, diagnostics: rnd() < 0.5 ? [] : [{ range, message: pick(words), code: pick(['E0101', 'W0513', 7]), data: value(1) }], ...(rnd() < 0.3 ? { only: [pick(['quickfix', '', 'refactor'])] } : {}) },
        range,
        options: { tabSize: pick([2, 0, -1, 1e9]), insertSpaces: rnd() < 0.5 },
        id: int(1e6),
        value: pick(['off', 'verbose', 'x']),
      },
      { textDocument: { uri }, position: pos },
      { textDocument: { uri, version: int(100), text: Array.from({ length: int(30) }, () => pick(words)).join(' '), languageId: 'mimi' } },
      { textDocument: { uri, version: int(100) }, contentChanges: [{ text: pick(words) }, { range: { start: pos, end: pos }, text: pick(words) }] },
      { textDocument: { uri }, position: pos, newName: pick(['b', 'role', '', '1x']), context: { includeDeclaration: rnd() < 0.5 }, options: { tabSize: pick([2, 0, -1, 1e9]), insertSpaces: rnd() < 0.5 } },
    ]);
  };
  const message = (): string =>
    JSON.stringify({
      jsonrpc: rnd() < 0.9 ? '2.0' : pick(['1.0', undefined]),
      ...(rnd() < 0.6 ? { id: rnd() < 0.9 ? pick([int(1e6) + 1000, `f${int(1000)}`]) : pick([null, {}, 1.5]) } : {}),
      method: rnd() < 0.9 ? pick(methods) : `m${int(1000)}`,
      params: rnd() < 0.8 ? params() : value(0),
    });
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const body = Buffer.from(message(), 'utf8');
    switch (int(12)) {
      case 0: // truncated: the declared length is longer than what is sent
        out.push(Buffer.concat([Buffer.from(`Content-Length: ${body.length + 1 + int(100)}\r\n\r\n`), body]));
        break;
      case 1: // shorter length
        out.push(Buffer.concat([Buffer.from(`Content-Length: ${int(body.length)}\r\n\r\n`), body]));
        break;
      case 2: {
        // a mutated header
        const f = frame(body);
        for (let k = 0; k < 1 + int(3); k++) f[int(Math.min(f.length, 24))] = int(256);
        out.push(f);
        break;
      }
      case 3: // garbage
        out.push(Buffer.from(Array.from({ length: int(200) }, () => int(256))));
        break;
      case 4: // random JSON, possibly not a message
        out.push(frame(JSON.stringify(value(0)) ?? 'null'));
        break;
      case 5: // a mutated body
        body[int(body.length)] = int(256);
        out.push(frame(body));
        break;
      default: // intact
        out.push(frame(body));
    }
  }
  return out;
}

describe('a seeded mini-fuzz', () => {
  it('300 random frames, then a hover that is answered correctly', async () => {
    const from = client.stderr.length;
    for (const f of fuzzFrames(20260105, 300)) client.write(f);
    await hoverIsRight();
    expect(client.alive).toBe(true);
    expect(client.stderr.slice(from)).toMatch(/dropped a malformed frame/);
    expect(client.stderr).not.toMatch(/\n\s+at /); // no stack traces
  });
});

describe('FrameParser (in process)', () => {
  const summary = (events: FrameEvent[]) => events.map((e) => (e.kind === 'message' ? `message ${JSON.stringify((e.message as Message).id)}` : 'dropped'));
  it('finds the same messages however the input is split', () => {
    const input = Buffer.concat([...fuzzFrames(7, 30), json({ jsonrpc: '2.0', id: 'last', method: 'shutdown' })]);
    const whole = new FrameParser().push(input);
    expect(summary(whole).at(-1)).toBe('message "last"');
    for (const size of [1, 3, 64]) {
      const p = new FrameParser();
      const messages: FrameEvent[] = [];
      for (let i = 0; i < input.length; i += size) messages.push(...p.push(input.subarray(i, i + size)));
      expect(summary(messages).filter((s) => s !== 'dropped')).toEqual(summary(whole).filter((s) => s !== 'dropped'));
    }
  });
  it('a flood of bad headers is one dropped run, and the frame after it is found', () => {
    for (const line of ['Content-Length: 1\r\n', 'Content-Length:', 'Content-Length: abc\r\n\r\n']) {
      const events = new FrameParser().push(Buffer.concat([Buffer.from(line.repeat(20000)), json({ jsonrpc: '2.0', id: 'after', method: 'shutdown' })]));
      expect(summary(events)).toEqual(['dropped', 'message "after"']);
    }
  });
  it('a huge Content-Length is refused from the header, without waiting for or allocating the body', () => {
    const events = new FrameParser().push(Buffer.concat([Buffer.from(`Content-Length: ${2 ** 40}\r\n\r\n`), json({ jsonrpc: '2.0', id: 1, method: 'shutdown' })]));
    expect(events[0]).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(/over the frame limit of 67108864 bytes/) });
    expect(summary(events).at(-1)).toBe('message 1');
  });
});

describe('handlers that throw (in process, with a compiler and a hover that fail on demand)', () => {
  /** startServer on a connection over in-memory streams; frames are read back with FrameParser. */
  function inProcess() {
    const input = new PassThrough();
    const output = new PassThrough();
    const logs: string[] = [];
    const connection = createConnection(ProposedFeatures.all, new FrameReader(input), new StreamMessageWriter(output));
    startServer(connection, { log: (m) => logs.push(m) });
    const parser = new FrameParser();
    const received: Message[] = [];
    let wake = () => {};
    output.on('data', (chunk: Buffer) => {
      for (const e of parser.push(chunk)) if (e.kind === 'message') received.push(e.message as Message);
      wake();
    });
    const next = (test: (m: Message) => boolean): Promise<Message> =>
      new Promise((resolve) => {
        const check = () => {
          const i = received.findIndex(test);
          if (i >= 0) resolve(received.splice(i, 1)[0]);
          else wake = check;
        };
        check();
      });
    let id = 0;
    return {
      logs,
      send: (method: string, params: unknown) => input.write(json({ jsonrpc: '2.0', method, params })),
      request: (method: string, params: unknown) => {
        const n = ++id;
        input.write(json({ jsonrpc: '2.0', id: n, method, params }));
        return next((m) => m.id === n);
      },
      next,
      close: () => {
        connection.dispose();
        input.end();
      },
    };
  }

  it('a compiler exception becomes one diagnostic and a logged line; requests on the document get empty answers', async () => {
    const s = inProcess();
    await s.request('initialize', { processId: null, capabilities: {} });
    const uri = 'file:///robust/bug.mimi';
    s.send('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text: 'role COMPILER_BUG {}\n' } });
    const published = await s.next((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri);
    expect((published.params as { diagnostics: { message: string; range: unknown }[] }).diagnostics).toEqual([
      expect.objectContaining({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: expect.stringMatching(/could not analyse this document \(RangeError: Maximum call stack size exceeded\)/) }),
    ]);
    expect(s.logs).toContain(`analysis of ${uri} failed: RangeError: Maximum call stack size exceeded`);
    for (const method of ['textDocument/hover', 'textDocument/definition', 'textDocument/completion', 'textDocument/documentSymbol']) {
      const r = await s.request(method, { textDocument: { uri }, position: { line: 0, character: 6 } });
      expect(r.error).toBeUndefined();
    }
    s.close();
  });

  it('a handler that throws answers null and logs one line; the next request is served', async () => {
    const s = inProcess();
    await s.request('initialize', { processId: null, capabilities: {} });
    const uri = 'file:///robust/hover.mimi';
    s.send('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text: 'role hover_bug {}\nrole fine {}\n' } });
    const failed = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } });
    expect(failed).toMatchObject({ result: null });
    expect(s.logs).toEqual([`textDocument/hover failed on ${uri}: TypeError: Cannot read properties of undefined (reading 'index')`]);
    const fine = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 6 } });
    expect((fine.result as { contents: { value: string } }).contents.value).toMatch(/role `fine`/);
    s.close();
  });
});

describe('the end', () => {
  it('stdin closing without shutdown ends the server with code 1', async () => {
    client.proc.stdin.end();
    expect(await client.exited).toBe(1);
    expect(client.stderr).not.toMatch(/\n\s+at /);
  });
});
