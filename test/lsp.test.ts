/**
 * The language server, driven over stdio as an editor drives it: `mimi-policy lsp --stdio` spawned
 * from bin/ (dist/, built by `npm test` first), JSON-RPC with Content-Length framing, from
 * initialize to exit.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../compiler/index.js';

const root = join(import.meta.dirname, '..');

interface Message {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}
interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface TextEdit {
  range: Range;
  newText: string;
}

/** A minimal LSP client: Content-Length framing over a child's stdio. */
class Client {
  readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void }>();
  private readonly notifications: Message[] = [];
  private readonly waiters: { method: string; test: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.proc = spawn(process.execPath, [join(root, 'bin', 'mimi-policy.js'), 'lsp', '--stdio'], { cwd: root });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined && m.method === undefined) {
      this.pending.get(m.id)?.resolve(m);
      this.pending.delete(m.id);
    } else if (m.id !== undefined) this.send({ jsonrpc: '2.0', id: m.id, result: null }); // a request from the server
    else {
      const i = this.waiters.findIndex((w) => w.method === m.method && w.test(m.params as never));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m.params);
      else this.notifications.push(m);
    }
  }

  private send(m: Message): void {
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  async request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    const reply = new Promise<Message>((resolve) => this.pending.set(id, { resolve }));
    this.send({ jsonrpc: '2.0', id, method, params });
    const m = await reply;
    if (m.error) throw Object.assign(new Error(m.error.message), { code: m.error.code });
    return m.result as T;
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next notification `method` whose params pass `test` (already received ones included). */
  notification<P>(method: string, test: (p: P) => boolean = () => true): Promise<P> {
    const i = this.notifications.findIndex((m) => m.method === method && test(m.params as P));
    if (i >= 0) return Promise.resolve(this.notifications.splice(i, 1)[0].params as P);
    return new Promise((resolve) => this.waiters.push({ method, test: test as (p: never) => boolean, resolve: resolve as (p: unknown) => void }));
  }
}

/** Apply LSP text edits to a text (edits do not overlap). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}
/** The position of the `n`th occurrence of `needle` (plus `delta` characters). */
function positionOf(text: string, needle: string, n = 0, delta = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, at + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

const SHARED = 'package shared_pkg { canStartTopic, canReplyInTopic }\n';
const BROKEN = `import "std/packages"
import "./shared.mimi"

role no_role @0 { active 0..0 }
role banned @1 { active 0..0 }
/// Everyone who joined.
role member {
  grant chatter, self_client, canUnban
  changes { member -> none }
}
role moderator extends member {
  grant canKick canBan canUnBan shared_pkg
  changes {
    member -> none, banned
    banned -> none, member
  }
}
participants { "alice@example.com": moderator }
`;
const FIXED = BROKEN.replace(', canUnban', '');

let client: Client;
let dir: string;
let uri: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mimi-lsp-'));
  writeFileSync(join(dir, 'shared.mimi'), SHARED);
  uri = pathToFileURL(join(dir, 'main.mimi')).href;
  client = new Client();
  const init = await client.request<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  expect(init.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, referencesProvider: true, documentSymbolProvider: true, documentFormattingProvider: true, renameProvider: { prepareProvider: true }, codeActionProvider: { codeActionKinds: ['quickfix'] } });
  expect(init.capabilities.semanticTokensProvider).toMatchObject({ full: true, legend: { tokenTypes: expect.arrayContaining(['keyword', 'class', 'enumMember']) } });
  client.notify('initialized', {});
});

afterAll(() => {
  if (client.proc.exitCode === null) client.proc.kill();
});

describe('mimi-policy lsp --stdio', () => {
  it('publishes diagnostics for an opened document, then again (debounced) as it is edited', async () => {
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text: BROKEN } });
    const first = await client.notification<{ uri: string; version: number; diagnostics: { code: string; range: Range; severity: number }[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    const error = first.diagnostics.find((d) => d.code === 'E0101');
    expect(error).toBeDefined();
    expect(error!.severity).toBe(1);
    expect(error!.range.start).toEqual(positionOf(BROKEN, 'canUnban'));

    // two quick edits: one recompilation, of the last one
    const sent = Date.now();
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: BROKEN.replace('canUnban', 'canUnBa') }] });
    client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: FIXED }] });
    const fixed = await client.notification<{ uri: string; version: number; diagnostics: { severity: number }[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version >= 2);
    expect(fixed.version).toBe(3);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(150);
    expect(fixed.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });

  it('hover: a capability’s code, category and description; a role’s index, capabilities and moves', async () => {
    const cap = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(FIXED, 'canKick', 0, 2) });
    expect(cap.contents.value).toMatch(/capability `canKick`.*0x[0-9a-f]{4}.*category `/);
    const role = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(FIXED, 'member', 2, 1) });
    expect(role.contents.value).toMatch(/role `member`\*\* — index 2/);
    expect(role.contents.value).toContain('Everyone who joined.');
    expect(role.contents.value).toMatch(/\*\*capabilities\*\* \(\d+\):.*`canSendMessage`/);
    // role 0 is `no_role` here, so `none` shows by that name
    expect(role.contents.value).toMatch(/\*\*can go to\*\*: `no_role` \(by `member`, `moderator`\), `banned` \(by `moderator`\)/);
    const pkg = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(FIXED, 'chatter', 0, 1) });
    expect(pkg.contents.value).toMatch(/package `chatter`[\s\S]*`canSendMessage`/);
  });

  it('completion in context: capabilities and packages after grant, roles in changes, keywords at item level', async () => {
    const labels = async (text: string, at: Position) => {
      client.notify('textDocument/didChange', { textDocument: { uri, version: 10 + at.line }, contentChanges: [{ text }] });
      const items = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: at });
      return items.map((i) => i.label);
    };
    const grant = FIXED.replace('grant chatter, self_client', 'grant chatter, self_client, ');
    const afterGrant = await labels(grant, positionOf(grant, 'self_client, ', 0, 'self_client, '.length));
    expect(afterGrant).toEqual(expect.arrayContaining(['canKick', 'canSendMessage', 'chatter', 'shared_pkg']));
    expect(afterGrant).not.toContain('moderator');

    const change = FIXED.replace('banned -> none, member', 'banned -> none, member, ');
    const inChanges = await labels(change, positionOf(change, 'member, \n', 0, 'member, '.length));
    expect(inChanges).toEqual(expect.arrayContaining(['member', 'moderator', 'banned', 'none']));
    expect(inChanges).not.toContain('canKick');

    const top = `${FIXED}\n`;
    const atTop = await labels(top, { line: top.split('\n').length - 1, character: 0 });
    expect(atTop).toEqual(expect.arrayContaining(['role', 'package', 'preauth', 'import']));
    client.notify('textDocument/didChange', { textDocument: { uri, version: 30 }, contentChanges: [{ text: FIXED }] });
  });

  it('go to definition and find references, across imports and into the stdlib', async () => {
    const def = await client.request<{ uri: string; range: Range }[]>('textDocument/definition', { textDocument: { uri }, position: positionOf(FIXED, 'member', 3) });
    expect(def).toEqual([{ uri, range: { start: positionOf(FIXED, 'member', 0), end: positionOf(FIXED, 'member', 0, 'member'.length) } }]);
    const shared = await client.request<{ uri: string; range: Range }[]>('textDocument/definition', { textDocument: { uri }, position: positionOf(FIXED, 'shared_pkg') });
    expect(shared).toEqual([{ uri: pathToFileURL(join(dir, 'shared.mimi')).href, range: { start: { line: 0, character: 8 }, end: { line: 0, character: 18 } } }]);
    const std = await client.request<{ uri: string }[]>('textDocument/definition', { textDocument: { uri }, position: positionOf(FIXED, 'chatter') });
    expect(std[0].uri).toMatch(/stdlib\/packages\.mimi$/);

    const refs = await client.request<{ uri: string; range: Range }[]>('textDocument/references', { textDocument: { uri }, position: positionOf(FIXED, 'moderator'), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range.start)).toEqual([positionOf(FIXED, 'moderator', 0), positionOf(FIXED, 'moderator', 1)]);
  });

  it('renames roles and packages everywhere they are used, refusing what cannot be renamed', async () => {
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(FIXED, 'member', 2) });
    expect(prepared.placeholder).toBe('member');
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position: positionOf(FIXED, 'member', 2), newName: 'participant' });
    expect(Object.keys(edit.changes)).toEqual([uri]);
    const renamed = applyEdits(FIXED, edit.changes[uri]);
    expect(renamed).not.toMatch(/\bmember\b/);
    const before = compileSource(FIXED, join(dir, 'main.mimi'));
    const after = compileSource(renamed, join(dir, 'main.mimi'));
    expect(after.ok).toBe(true);
    expect(after.policy.roles.map((r) => r.capabilities)).toEqual(before.policy.roles.map((r) => r.capabilities));
    expect(after.policy.roles.map((r) => r.name)).toEqual(before.policy.roles.map((r) => (r.name === 'member' ? 'participant' : r.name)));

    const pkg = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position: positionOf(FIXED, 'shared_pkg'), newName: 'topics_pkg' });
    expect(Object.keys(pkg.changes).sort()).toEqual([pathToFileURL(join(dir, 'shared.mimi')).href, uri].sort());

    await expect(client.request('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(FIXED, 'canKick') })).rejects.toThrow(/not a role or package/);
    await expect(client.request('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(FIXED, 'chatter') })).rejects.toThrow(/standard library/);
    await expect(client.request('textDocument/rename', { textDocument: { uri }, position: positionOf(FIXED, 'member', 2), newName: 'moderator' })).rejects.toThrow(/already declared/);
    await expect(client.request('textDocument/rename', { textDocument: { uri }, position: positionOf(FIXED, 'member', 2), newName: 'role' })).rejects.toThrow(/not a name/);
  });

  it('document symbols: the outline of the file', async () => {
    const symbols = await client.request<{ name: string; kind: number; detail?: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(['import std/packages', 'import ./shared.mimi', 'no_role', 'banned', 'member', 'moderator', 'participants']);
    expect(symbols.find((s) => s.name === 'moderator')?.detail).toBe('role extends member');
  });

  it('formatting: the formatter’s edits; none for a document with syntax errors', async () => {
    const messy = 'role   a {grant canSendMessage\n\n\n   active 0..0}\n';
    client.notify('textDocument/didChange', { textDocument: { uri, version: 40 }, contentChanges: [{ text: messy }] });
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(applyEdits(messy, edits)).toBe('role a {\n  grant canSendMessage\n\n  active 0..0\n}\n');
    client.notify('textDocument/didChange', { textDocument: { uri, version: 41 }, contentChanges: [{ text: 'role a { grant }\n' }] });
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toBeNull();
  });

  it('quick fix: the did-you-mean of a diagnostic, applied, clears it; semantic tokens mark the roles', async () => {
    const typo = `${FIXED}role helper extends membr {}\n`;
    client.notify('textDocument/didChange', { textDocument: { uri, version: 50 }, contentChanges: [{ text: typo }] });
    const published = await client.notification<{ version: number; diagnostics: { code: string; range: Range; message: string; data?: unknown }[] }>('textDocument/publishDiagnostics', (p) => p.version === 50);
    const d = published.diagnostics.find((x) => x.code === 'E0102')!;
    const [action] = await client.request<{ title: string; edit: { changes: Record<string, TextEdit[]> } }[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    expect(action.title).toBe('Change to `member`');
    const fixed = applyEdits(typo, action.edit.changes[uri]);
    client.notify('textDocument/didChange', { textDocument: { uri, version: 51 }, contentChanges: [{ text: fixed }] });
    const after = await client.notification<{ version: number; diagnostics: { code: string }[] }>('textDocument/publishDiagnostics', (p) => p.version === 51);
    expect(after.diagnostics.filter((x) => x.code === 'E0102')).toEqual([]);

    const legend = ['keyword', 'class', 'interface', 'enumMember', 'namespace', 'type', 'number', 'string', 'comment', 'operator'];
    const { data } = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    let line = 0;
    let character = 0;
    const classes: string[] = [];
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
      if (legend[data[i + 3]] === 'class') classes.push(fixed.split('\n')[line].slice(character, character + data[i + 2]));
    }
    expect(new Set(classes)).toEqual(new Set(['no_role', 'banned', 'member', 'moderator', 'helper']));
  });

  it('needs --stdio (a usage error otherwise)', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'mimi-policy.js'), 'lsp'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pass --stdio/);
  });

  it('shuts down and exits with code 0', async () => {
    client.notify('textDocument/didClose', { textDocument: { uri } });
    const cleared = await client.notification<{ uri: string; diagnostics: unknown[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length === 0);
    expect(cleared.diagnostics).toEqual([]);
    expect(await client.request('shutdown', null)).toBeNull();
    client.notify('exit', null);
    expect(await client.exited).toBe(0);
  });
});
