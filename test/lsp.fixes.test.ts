/**
 * Quick fixes and semantic tokens, driven as an editor drives them: the server started on a
 * connection over in-memory streams, spoken to in Content-Length frames (the transport the CLI uses),
 * diagnostics awaited as published, code actions requested for them, their edits applied to the text
 * and the document changed, and the new diagnostics read back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConnection, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { format } from '../compiler/format/index.js';
import { FINDING_KINDS } from '../compiler/analyses/index.js';
import { allowInsertion, allowLine, codeActions, fixData, Workspace, decodeSemanticTokens, FrameParser, FrameReader, SEMANTIC_TOKENS_LEGEND, startServer, suggestionOf } from '../compiler/lsp/index.js';
import { parse } from '../grammar/index.js';
import { didYouMean } from '../runtime/suggest.js';

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
interface Diagnostic {
  range: Range;
  code?: string;
  severity?: number;
  message: string;
  source?: string;
  data?: unknown;
}
interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  edit?: { changes: Record<string, TextEdit[]> };
}

const frame = (m: unknown): Buffer => {
  const body = Buffer.from(JSON.stringify(m), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
};

/** An editor: the server over in-memory streams, its documents kept in sync. */
async function editor() {
  const input = new PassThrough();
  const output = new PassThrough();
  const connection = createConnection(ProposedFeatures.all, new FrameReader(input), new StreamMessageWriter(output));
  const logs: string[] = [];
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
  const request = async <T>(method: string, params: unknown): Promise<T> => {
    const n = ++id;
    input.write(frame({ jsonrpc: '2.0', id: n, method, params }));
    const m = await next((r) => r.id === n && r.method === undefined);
    if (m.error) throw new Error(m.error.message);
    return m.result as T;
  };
  const notify = (method: string, params: unknown) => input.write(frame({ jsonrpc: '2.0', method, params }));
  const init = await request<{ capabilities: Record<string, unknown> }>('initialize', { processId: null, capabilities: {} });
  notify('initialized', {});
  const docs = new Map<string, TextDocument>();
  const diagnosticsOf = async (uri: string, version: number) =>
    ((await next((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version: number }).uri === uri && (m.params as { version: number }).version === version)).params as { diagnostics: Diagnostic[] }).diagnostics;
  return {
    capabilities: init.capabilities,
    logs,
    request,
    notify,
    text: (uri: string) => docs.get(uri)!.getText(),
    /** open a document and wait for its diagnostics */
    async open(uri: string, text: string): Promise<Diagnostic[]> {
      docs.set(uri, TextDocument.create(uri, 'mimi', 1, text));
      notify('textDocument/didOpen', { textDocument: { uri, languageId: 'mimi', version: 1, text } });
      return diagnosticsOf(uri, 1);
    },
    /** apply an action's edit as an editor does (ranged changes), and wait for the new diagnostics */
    async apply(uri: string, action: CodeAction): Promise<Diagnostic[]> {
      const edits = action.edit!.changes[uri];
      const doc = docs.get(uri)!;
      const version = doc.version + 1;
      docs.set(uri, TextDocument.update(doc, edits.map((e) => ({ range: e.range, text: e.newText })), version));
      notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })) });
      return diagnosticsOf(uri, version);
    },
    codeActions: (uri: string, diagnostics: Diagnostic[], only?: string[]) =>
      request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics, ...(only ? { only } : {}) } }),
    close: () => {
      connection.dispose();
      input.end();
    },
  };
}

/** The text a range of `text` covers. */
const at = (text: string, r: Range): string => {
  const doc = TextDocument.create('x', 'mimi', 0, text);
  return text.slice(doc.offsetAt(r.start), doc.offsetAt(r.end));
};

const TYPOS = `import "std/packages"

role no_role @0 { active 0..0 }

role member {
  grant chatter, canUnban
  changes { membr -> none }
}

allow last-holdr for member because "x"
`;

describe('quick fixes for did-you-mean', () => {
  it('suggestionOf reads back exactly what didYouMean writes', () => {
    expect(suggestionOf(didYouMean('canUnban', ['canUnBan', 'canBan']))).toBe('canUnBan');
    expect(suggestionOf('the kinds are a, b')).toBeUndefined();
    expect(suggestionOf(undefined)).toBeUndefined();
  });

  it('offers "Change to `x`" for each typo; applying the edits clears the errors', async () => {
    const e = await editor();
    const uri = 'file:///fixes/typos.mimi';
    const diags = await e.open(uri, TYPOS);
    expect(e.capabilities).toMatchObject({ codeActionProvider: { codeActionKinds: ['quickfix'] } });
    const typos = diags.filter((d) => ['E0101', 'E0102', 'E0119'].includes(d.code!));
    expect(typos.map((d) => `${d.code} ${at(TYPOS, d.range)}`)).toEqual(['E0101 canUnban', 'E0102 membr', 'E0119 last-holdr']);
    for (const d of typos) {
      const [action, ...more] = await e.codeActions(uri, [d]);
      expect(more).toEqual([]);
      const expected = { canUnban: 'canUnBan', membr: 'member', 'last-holdr': 'last-holder' }[at(e.text(uri), d.range)];
      expect(action).toMatchObject({ title: `Change to \`${expected}\``, kind: 'quickfix', isPreferred: true, diagnostics: [d] });
      expect(action.edit!.changes[uri]).toEqual([{ range: d.range, newText: expected }]);
    }
    // fixed one by one, as a user would: re-request each against the current text
    let current = diags;
    for (;;) {
      const d = current.find((x) => ['E0101', 'E0102', 'E0119'].includes(x.code!));
      if (!d) break;
      const [action] = await e.codeActions(uri, [d]);
      current = await e.apply(uri, action);
    }
    expect(e.text(uri)).toBe(TYPOS.replace('canUnban', 'canUnBan').replace('membr', 'member').replace('last-holdr', 'last-holder'));
    expect(current.filter((d) => d.severity === 1)).toEqual([]);
    e.close();
  });

  it('works when the client sends the diagnostic back without its data, and not on a stale one', async () => {
    const e = await editor();
    const uri = 'file:///fixes/nodata.mimi';
    const diags = await e.open(uri, TYPOS);
    const d = diags.find((x) => x.code === 'E0101')!;
    expect(d.data).toMatchObject({ rename: { from: 'canUnban', to: 'canUnBan' } });
    const { data: _, ...bare } = d;
    const [action] = await e.codeActions(uri, [bare]);
    expect(action).toMatchObject({ title: 'Change to `canUnBan`', isPreferred: true, edit: { changes: { [uri]: [{ range: d.range, newText: 'canUnBan' }] } } });
    // garbage data is read as no data
    expect((await e.codeActions(uri, [{ ...d, data: { rename: { from: 1 } } }]))[0]).toMatchObject({ title: 'Change to `canUnBan`' });
    // another source's diagnostics and other kinds of actions are not ours
    expect(await e.codeActions(uri, [{ ...d, source: 'eslint' }])).toEqual([]);
    expect(await e.codeActions(uri, [d], ['refactor'])).toEqual([]);
    // the name is no longer there (the document changed since the diagnostic was published): no edit
    const edited = { title: '', edit: { changes: { [uri]: [{ range: d.range, newText: 'canKick' }] } } };
    await e.apply(uri, edited);
    expect(await e.codeActions(uri, [d])).toEqual([]);
    e.close();
  });
});

const FINDING = `import "std/packages"

role no_role @0 { active 0..0 }

role regular {
  grant chatter
  changes { regular -> none }
}

/// Appoints nobody.
role admin extends regular {
  grant canChangeUserRole
  participants 1..
  changes { regular -> none }
}

participants { "alice@example.com": admin }
`;

describe('quick fix: acknowledge a finding', () => {
  it('adds a formatted `allow … because "TODO…"` line at the end; the warning becomes an acknowledged note', async () => {
    const e = await editor();
    const uri = 'file:///fixes/finding.mimi';
    const diags = await e.open(uri, FINDING);
    const finding = diags.find((d) => d.code === 'W0513')!;
    expect(finding.severity).toBe(2);
    const actions = await e.codeActions(uri, [finding]);
    expect(actions).toEqual([expect.objectContaining({ title: 'Acknowledge `creation-only-role` for `admin` (add `allow … because "…"`)', kind: 'quickfix' })]);
    expect(actions[0].isPreferred).toBeUndefined();
    const after = await e.apply(uri, actions[0]);
    const text = e.text(uri);
    expect(text).toBe(`${FINDING}\nallow creation-only-role for admin because "TODO: why this is intended"\n`);
    expect(await format(text)).toBe(text);
    const warnings = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 2).map((d) => d.code);
    expect(warnings(after)).toEqual(warnings(diags).filter((c) => c !== 'W0513'));
    expect(after.find((d) => d.code === 'W0513')).toMatchObject({ severity: 3, message: expect.stringContaining('(acknowledged: TODO: why this is intended)') });
    // an acknowledged finding offers no acknowledgement
    expect(await e.codeActions(uri, after.filter((d) => d.code === 'W0513'))).toEqual([]);
    e.close();
  });

  it('puts it after the last `allow` line (its comment kept), also without data, in a hierarchy room', async () => {
    const e = await editor();
    const uri = 'file:///fixes/hierarchy.mimi';
    const src = `import "std/packages"

hierarchy {
  level regular { grant chatter, self_client }
  level moderator { grant canKick, canRemoveParticipant  given_by admin }
  level admin { grant canChangeUserRole, canAddParticipant  participants 1.. }
  add_by moderator
  remove_by moderator
}

allow rank-inversion for moderator because "moderators kick anyone" // by design

participants { "alice@example.com": admin }
`;
    const diags = await e.open(uri, src);
    const finding = diags.find((d) => d.code === 'W0513');
    expect(finding).toBeDefined();
    const { data: _, ...bare } = finding!;
    const [action] = await e.codeActions(uri, [bare]);
    expect(action.title).toBe('Acknowledge `creation-only-role` for `admin` (add `allow … because "…"`)');
    const after = await e.apply(uri, action);
    expect(e.text(uri)).toBe(src.replace('// by design\n', '// by design\nallow creation-only-role for admin because "TODO: why this is intended"\n'));
    expect(after.filter((d) => d.code === 'W0513' && d.severity !== 3)).toEqual([]);
    expect(after.filter((d) => d.code === 'I0510')).toEqual([]); // no unused acknowledgement
    e.close();
  });
});

describe('the allow line and where it goes', () => {
  it('is written as fmt writes it, `level + addon` roles included; names that are not names give none', async () => {
    expect(await allowLine('rank-inversion', 'moderator+programmer')).toBe('allow rank-inversion for moderator + programmer because "TODO: why this is intended"');
    expect(await allowLine('escalation', 'none')).toBe('allow escalation for none because "TODO: why this is intended"');
    expect(await allowLine('escalation', 'role')).toBeUndefined(); // a keyword
    expect(await allowLine('escalation', 'a"b')).toBeUndefined();
    expect(await allowLine('Escalation', 'a')).toBeUndefined();
  });
  it('goes after the last allow line, else at the end after one blank line, keeping the line ends', () => {
    const put = (text: string) => {
      const at = allowInsertion(text, parse(text, 'x.mimi').ast, 'ALLOW');
      return text.slice(0, at.start) + at.newText + text.slice(at.end);
    };
    expect(put('role a {}')).toBe('role a {}\n\nALLOW\n');
    expect(put('role a {}\n\n\n  \n')).toBe('role a {}\n\nALLOW\n');
    expect(put('role a {}\r\n')).toBe('role a {}\r\n\r\nALLOW\r\n');
    expect(put('// only a comment\n')).toBe('// only a comment\n\nALLOW\n');
    expect(put('\n \n')).toBe('ALLOW\n');
    expect(put('allow a-b for x because "y"  // why\nrole x {}\n')).toBe('allow a-b for x because "y"  // why\nALLOW\nrole x {}\n');
    expect(put('allow a-b for x because "y" role x {}\n')).toBe('allow a-b for x because "y"\nALLOW role x {}\n');
  });
});

describe('acknowledging every finding of the examples', () => {
  // the examples without their `allow` lines: each finding in turn gets its quick fix, until none is left
  it.each(['examples/engineering.mimi', 'examples/models/addon.hierarchy.mimi'])('%s', async (file) => {
    const path = join(import.meta.dirname, '..', file);
    const uri = `file://${path}`;
    const original = readFileSync(path, 'utf8');
    let text = original.replace(/^allow .*\n/gm, '');
    const removed = original.length - text.length;
    for (let round = 0; ; round++) {
      const ws = new Workspace();
      const analysis = ws.analyse(ws.open(uri, text));
      expect(analysis.result.diagnostics.filter((d) => d.kind === 'unused-acknowledgement')).toEqual([]);
      const open = analysis.result.diagnostics.filter((d) => (FINDING_KINDS as readonly string[]).includes(d.kind) && !d.acknowledged);
      if (open.length === 0) break;
      expect(round).toBeLessThan(10);
      const doc = TextDocument.create(uri, 'mimi', round, text);
      const [action] = await codeActions(doc, analysis, [{ diagnostic: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: '' }, fixes: fixData(open[0], analysis) }]);
      expect(action.title).toMatch(/^Acknowledge/);
      text = TextDocument.applyEdits(doc, action.edit!.changes![uri]);
    }
    expect(removed).toBeGreaterThan(0);
    expect(await format(text)).toBe(text);
  });
});

const TOKENS = `import "std/packages"
/// Chats.
role member {
  grant chatter, canKick, canPin
  changes { member -> none }
}
capability canPin = 0xF001
/* two
   lines */
allow last-holder for member because "why"
`;

describe('semantic tokens', () => {
  const decoded = async (text: string) => {
    const e = await editor();
    const uri = `file:///tokens/${Math.random().toString(36).slice(2)}.mimi`;
    await e.open(uri, text);
    const { data } = await e.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    e.close();
    return { data, e, tokens: decodeSemanticTokens(data).map((t) => ({ ...t, text: text.split(/\r\n|\r|\n/)[t.line].slice(t.character, t.character + t.length) })) };
  };

  it('classifies keywords, roles, capabilities, packages, numbers, strings, comments and operators', async () => {
    const { e, tokens } = await decoded(TOKENS);
    expect(e.capabilities).toMatchObject({ semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true } });
    const show = tokens.map((t) => `${t.line}:${t.character} ${t.text} ${t.type}${t.modifiers.map((m) => `.${m}`).join('')}`);
    expect(show).toEqual([
      '0:0 import keyword',
      '0:7 "std/packages" string',
      '1:0 /// Chats. comment.documentation',
      '2:0 role keyword',
      '2:5 member class.declaration',
      '3:2 grant keyword',
      '3:8 chatter namespace.defaultLibrary',
      '3:17 canKick enumMember.defaultLibrary',
      '3:26 canPin enumMember',
      '4:2 changes keyword',
      '4:12 member class',
      '4:19 -> operator',
      '4:22 none keyword',
      '6:0 capability keyword',
      '6:11 canPin enumMember.declaration',
      '6:18 = operator',
      '6:20 0xF001 number',
      '7:0 /* two comment',
      '8:0    lines */ comment',
      '9:0 allow keyword',
      '9:6 last-holder type',
      '9:18 for keyword',
      '9:22 member class',
      '9:29 because keyword',
      '9:37 "why" string',
    ]);
  });

  it('marks the users and actions of scenarios', async () => {
    const text = `role member {\n  grant canBan\n}\nscenario "s" {\n  given {\n    alice: member\n    bob: member\n  }\n  expect allow alice ban bob\n  expect allow alice capability canBan\n  expect bob is member\n}\n`;
    const { tokens } = await decoded(text);
    expect(tokens.filter((t) => t.line >= 3).map((t) => `${t.text} ${t.type}${t.modifiers.map((m) => `.${m}`).join('')}`)).toEqual([
      'scenario keyword', '"s" string', 'given keyword',
      'alice variable.declaration', 'member class', 'bob variable.declaration', 'member class',
      'expect keyword', 'allow keyword', 'alice variable', 'ban function', 'bob variable',
      'expect keyword', 'allow keyword', 'alice variable', 'capability keyword', 'canBan enumMember.defaultLibrary',
      'expect keyword', 'bob variable', 'member class',
    ]);
  });

  it('counts \\r\\n and \\r as line ends, as LSP does; is deterministic; lexes a document that does not compile', async () => {
    const crlf = await decoded(TOKENS.replace(/\n/g, '\r\n'));
    const lf = await decoded(TOKENS);
    expect(crlf.data).toEqual(lf.data);
    expect((await decoded(TOKENS)).data).toEqual(lf.data);
    const cr = await decoded('role a {}\r/* x\r y */ role b {}\r');
    expect(cr.tokens.map((t) => `${t.line}:${t.character} ${t.text}`)).toEqual(['0:0 role', '0:5 a', '1:0 /* x', '2:0  y */', '2:6 role', '2:11 b']);
    const broken = await decoded('role a { grant ; "unterminated\n/* open');
    expect(broken.tokens.map((t) => `${t.text} ${t.type}`)).toEqual(['role keyword', 'a class', 'grant keyword', '/* open comment']);
  });
});
