/**
 * Hostile JSON against every place the tools read JSON from a user — the strict scanner itself, an IR
 * policy (`.json`), `authorize`'s state and action files and its batch lines — and the batch read as a
 * stream: every input gives a located error or an answer, never a throw, a stack overflow or a
 * polluted prototype; a batch answers every other line, in order, whatever is in the middle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../compiler/cli/main.js';
import { loadPolicyFile, loadPolicyJson } from '../compiler/input.js';
import { compileFile } from '../compiler/index.js';
import { LineSplitter, parseJson, parseJsonBytes, readCase, scanJson, StateCache, type InputLine } from '../runtime/evaluator/index.js';

const root = join(import.meta.dirname, '..');
const multiOrg = join(root, 'examples', 'multi-org.mimi');
const enc = new TextEncoder();

async function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), color: false, cwd });
  return { code, out, err };
}

const P = (user: string, role: unknown, clients = 1) => ({ user, role, clients });
const STATE = { participants: [P('arthur', 'acme_admin', 2), P('amy', 2)] };
const BAN = { type: 'ban', actor: 'arthur', target: 'amy' };
const stateText = JSON.stringify(STATE);

/**
 * Hostile texts, each as a state (`{ "participants": … }` at the top): what the error says and where
 * (line, column) — or, for the ones that are JSON but not a state, the field the error names.
 */
const HOSTILE: readonly { name: string; text: string; located: RegExp }[] = [
  { name: 'a duplicate key', text: '{"participants":[{"user":"amy","role":"acme_member","role":"global_admin","clients":1}]}', located: /:1:53: duplicate key `role`/ },
  { name: 'a duplicate key, escaped', text: '{"participants":[],\n "particip\\u0061nts":[]}', located: /:2:2: duplicate key `participants`/ },
  { name: 'deep nesting', text: '['.repeat(1_000_000), located: /:1:1001: JSON nesting too deep: more than 1000 levels/ },
  { name: 'deep objects', text: '{"a":'.repeat(5000), located: /:1:5001: JSON nesting too deep/ },
  { name: 'a lone surrogate', text: '{"participants":[{"user":"\\ud800","role":2,"clients":1}]}', located: /:1:27: malformed JSON: lone surrogate `\\ud800`/ },
  { name: 'a lone low surrogate', text: '{"participants":[{"user":"a\\udc00b","role":2,"clients":1}]}', located: /:1:28: malformed JSON: lone surrogate/ },
  { name: 'a byte order mark inside', text: '{"participants":\uFEFF[]}', located: /:1:17: malformed JSON: unexpected byte order mark/ },
  { name: 'trailing garbage', text: `${stateText} {}`, located: /:1:\d+: malformed JSON: unexpected `\{`/ },
  { name: 'NaN', text: '{"participants":[{"user":"amy","role":2,"clients":NaN}]}', located: /:1:51: malformed JSON: unexpected `N`/ },
  { name: 'Infinity', text: '{"participants":[{"user":"amy","role":2,"clients":-Infinity}]}', located: /:1:52: malformed JSON: unexpected `I`/ },
  { name: 'a leading zero', text: '{"participants":[{"user":"amy","role":02,"clients":1}]}', located: /:1:40: malformed JSON: a number cannot have a leading zero/ },
  { name: 'a raw control character', text: '{"participants":[{"user":"a\tb","role":2,"clients":1}]}', located: /:1:28: malformed JSON: U\+0009 must be escaped/ },
  { name: 'an unterminated string', text: '{"participants":[{"user":"amy', located: /:1:26: malformed JSON: unterminated string/ },
  { name: 'empty', text: '', located: /:1:1: malformed JSON: unexpected end of input/ },
  { name: 'a huge number', text: '{"participants":[{"user":"amy","role":2,"clients":1e400}]}', located: /`participants\.0\.clients`/ },
  { name: 'a long number', text: `{"participants":[{"user":"amy","role":${'9'.repeat(100_000)},"clients":1}]}`, located: /`participants\.0\.role`/ },
  { name: 'a __proto__ key', text: '{"participants":[{"user":"amy","role":2,"clients":1,"__proto__":{"polluted":true}}]}', located: /`participants\.0\.__proto__`: unrecognized key/ },
  { name: 'a top-level __proto__', text: '{"__proto__":{"polluted":true},"participants":[]}', located: /expected \{ "participants": \[\.\.\.\] \}|`__proto__`: unrecognized key/ },
  { name: 'an array', text: '[]', located: /expected \{ "participants"/ },
  { name: 'a string', text: '"participants"', located: /expected \{ "participants"/ },
  { name: 'null', text: 'null', located: /expected \{ "participants"/ },
];

const unpolluted = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
};

describe('the strict JSON scanner', () => {
  it('accepts what JSON.parse accepts, strictly (no duplicates, no lone surrogates), with a leading BOM skipped', () => {
    for (const t of ['{}', '[]', '0', '-0.5e+3', '"\\ud83d\\ude00"', '"😀"', ' {"a":[1,{"b":null}],"c":true} ', '{"a":1,"b":{"a":2}}']) expect(parseJson(t)).toEqual({ ok: true, value: JSON.parse(t) });
    expect(parseJson('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    // many keys (the duplicate check goes from spans to a set): linear, and still exact
    const many = `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(parseJson(many).ok).toBe(true);
    const dup = parseJson(`${many.slice(0, -1)},\n"k19999":0}`);
    expect(dup.ok ? undefined : [dup.error.line, dup.error.column, dup.error.message]).toEqual([2, 1, 'duplicate key `k19999`: a key may appear once in an object']);
  });
  it.each(HOSTILE.filter((h) => !h.located.source.startsWith('`') && !h.located.source.startsWith('expected')).map((h) => [h.name, h]))('%s: a located error, no throw', (_, h) => {
    const r = parseJson(h.text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(`x:${r.error.line}:${r.error.column}: ${r.error.message}`).toMatch(h.located);
    expect(r.error.offset).toBeGreaterThanOrEqual(0);
  });
  it('bytes that are not UTF-8 are located; a __proto__ key stays an own property', () => {
    const bad = parseJsonBytes(new Uint8Array([0x7b, 0x0a, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(bad.ok ? undefined : [bad.error.line, bad.error.column, bad.error.message]).toEqual([2, 2, 'byte 0xc3 (at byte 3) is not UTF-8']);
    const r = parseJson('{"__proto__":{"polluted":true}}');
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(r.ok && Object.keys(r.value as object)).toEqual(['__proto__']);
    unpolluted();
  });
});

describe('an IR policy as JSON', () => {
  const ir = () => JSON.stringify(compileFile(multiOrg).policy, null, 1);
  it('is read strictly: a duplicate key is an error at its second occurrence', () => {
    const text = ir().replace('"fixedMembership": false', '"fixedMembership": false, "fixedMembership": true');
    const r = loadPolicyJson(text, 'p.json');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toBe('duplicate key `fixedMembership`: a key may appear once in an object');
    const line = text.split('\n').findIndex((l) => l.includes('"fixedMembership": false, "fixedMembership"')) + 1;
    expect([r.diagnostics[0].span?.line, r.diagnostics[0].span?.column]).toEqual([line, text.split('\n')[line - 1].lastIndexOf('"fixedMembership"') + 1]);
  });
  it.each(HOSTILE.map((h) => [h.name, h]))('%s: diagnostics, no throw', (_, h) => {
    const r = loadPolicyJson(h.text, 'p.json');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    const d = r.diagnostics[0];
    if (!h.located.source.startsWith('`') && !h.located.source.startsWith('expected')) expect(`p.json:${d.span?.line}:${d.span?.column}: ${d.message}`).toMatch(h.located);
    unpolluted();
  });
  it('a file: a BOM is skipped, bytes that are not UTF-8 are an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-robust-ir-'));
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${ir()}`);
    expect(loadPolicyFile(join(dir, 'bom.json')).ok).toBe(true);
    writeFileSync(join(dir, 'latin1.json'), Buffer.concat([Buffer.from('{"base":"'), Buffer.from([0xe9]), Buffer.from('"}')]));
    const r = loadPolicyFile(join(dir, 'latin1.json'));
    expect([r.ok, r.diagnostics[0].message]).toEqual([false, 'byte 0xe9 (at byte 9) is not UTF-8']);
  });
});

describe('authorize --state/--action', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mimi-robust-'));
    writeFileSync(join(dir, 'state.json'), stateText);
    writeFileSync(join(dir, 'ban.json'), JSON.stringify(BAN));
    HOSTILE.forEach((h, i) => writeFileSync(join(dir, `h${i}.json`), h.text));
  });
  it('decides well-formed input (a BOM is skipped)', async () => {
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${stateText}`);
    const r = await cli(['authorize', multiOrg, '--state', 'bom.json', '--action', 'ban.json', '-f', 'json'], dir);
    expect([r.code, JSON.parse(r.out).rule]).toEqual([0, 'ok:canBan']);
  });
  it.each(HOSTILE.map((h, i) => [h.name, h, i] as const))('%s as the state, and as the action: a located error, exit 1', async (_, h, i) => {
    const s = await cli(['authorize', multiOrg, '--state', `h${i}.json`, '--action', 'ban.json'], dir);
    expect([s.code, s.out]).toEqual([1, '']);
    expect(s.err).toMatch(h.located);
    expect(s.err).toMatch(new RegExp(`^mimi-policy: h${i}\\.json|\``));
    expect(s.err).not.toMatch(/internal error|\n\s+at /);
    const a = await cli(['authorize', multiOrg, '--state', 'state.json', '--action', `h${i}.json`], dir);
    expect([a.code, a.out]).toEqual([1, '']);
    expect(a.err).not.toMatch(/internal error|\n\s+at /);
    unpolluted();
  });
  it('a file larger than --max-json-bytes is refused before it is read', async () => {
    const r = await cli(['authorize', multiOrg, '--state', 'state.json', '--action', 'ban.json', '--max-json-bytes', '20'], dir);
    expect([r.code, r.err.trim()]).toEqual([1, `mimi-policy: state.json: the file is too large: ${stateText.length} bytes, the limit is 20 bytes; raise the limit with \`--max-json-bytes <n>\` if this input is expected`]);
    expect((await cli(['authorize', multiOrg, '--state', 'state.json', '--action', 'ban.json', '--max-json-bytes', 'lots'], dir)).code).toBe(2);
  });
});

describe('authorize --cases, streamed', () => {
  it('answers every other line, in order, around blank, malformed, too long and duplicate-key lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-robust-cases-'));
    const ok = (id: number) => JSON.stringify({ id, participants: STATE.participants, action: BAN });
    const lines = [
      ok(1),
      '',
      '   ',
      '{"id":2,"participants":[],"action":{"type":"leave","actor":"x"}',
      ok(3),
      JSON.stringify({ id: 4, participants: [P('a'.repeat(3000), 2)], action: BAN }),
      ok(5),
      '{"id":6,"participants":[{"user":"amy","role":"acme_member","role":"global_admin","clients":1}],"action":{"type":"leave","actor":"amy"}}',
      '\r',
      '{"id":7,"participants":[],"__proto__":{"polluted":true},"action":{"type":"leave","actor":"x"}}',
      '[[[[[[[[',
      `${ok(8)}\r`,
      ok(9),
    ];
    writeFileSync(join(dir, 'cases.jsonl'), `${lines.join('\n')}\n`);
    const r = await cli(['authorize', multiOrg, '--cases', 'cases.jsonl', '--max-json-bytes', '2000', '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const allowed = (id: number) => ({ id, allowed: true, rule: 'ok:canBan', reason: expect.any(String) });
    expect(out).toEqual([
      allowed(1),
      { line: 4, error: 'line 4, column 64: malformed JSON: unexpected end of input' },
      allowed(3),
      { line: 6, error: expect.stringMatching(/^line 6: the line is too large: 3\.0 KB, the limit is 2\.0 KB; raise the limit with `--max-json-bytes <n>`/) },
      allowed(5),
      { line: 8, error: 'line 8, column 60: duplicate key `role`: a key may appear once in an object' },
      { id: 7, line: 10, error: 'unrecognized key `__proto__`' },
      { line: 11, error: 'line 11, column 9: malformed JSON: unexpected end of input' },
      allowed(8),
      allowed(9),
    ]);
    expect(r.err).toMatch(/cases\.jsonl: 5 case\(s\) could not be decided/);
    unpolluted();
  });
  it('a line split anywhere between chunks reads the same; a long line is counted, not kept', () => {
    const text = `\uFEFF${['{"a":1}', '', 'é€😀', 'x'.repeat(50), '{"b":2}\r', 'last'].join('\n')}`;
    const bytes = enc.encode(text);
    const read = (chunk: number) => {
      const got: InputLine[] = [];
      const s = new LineSplitter({ maxLineBytes: 20 }, (l) => got.push(l));
      for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.slice(i, i + chunk));
      s.end();
      return got.map((l) => l.text ?? l.error!.message);
    };
    const want = ['{"a":1}', '', 'é€😀', 'the line is too large: 50 bytes, the limit is 20 bytes', '{"b":2}', 'last'];
    for (const chunk of [1, 2, 3, 7, 64]) expect(read(chunk), `chunks of ${chunk}`).toEqual(want);
    // a 16 MB line with a 1 KB limit: counted as it streams by
    const got: InputLine[] = [];
    const s = new LineSplitter({ maxLineBytes: 1024 }, (l) => got.push(l));
    const mb = new Uint8Array(1 << 20).fill(0x61);
    for (let i = 0; i < 16; i++) s.push(mb);
    s.push(enc.encode('\n{}\n'));
    s.end();
    expect(got.map((l) => l.text ?? l.error!.message)).toEqual(['the line is too large: 16 MB, the limit is 1.0 KB', '{}']);
  });
  it('a participant list shared by many lines is prepared once', () => {
    const cache = new StateCache();
    const line = (id: number) => JSON.stringify({ id, participants: [...STATE.participants, ...Array.from({ length: 20 }, (_, i) => P(`u${i}`, 3))], action: BAN });
    for (let i = 0; i < 50; i++) expect(readCase(line(i), cache).ok).toBe(true);
    expect([cache.size, cache.misses, cache.hits]).toEqual([1, 1, 49]);
    // a skipped list is still checked around: a duplicate after it is found
    const r = readCase(line(1).replace('"action"', '"id":2,"action"'), cache);
    expect(r.ok ? undefined : r.error.message).toBe('duplicate key `id`: a key may appear once in an object');
    // bounded: the least recently used lists go
    const small = new StateCache({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) readCase(JSON.stringify({ participants: [P(`user-${i}-${'x'.repeat(200)}`, 2)], action: BAN }), small);
    expect(small.size).toBe(3);
    expect(scanJson('{"participants":[]}').ok).toBe(true);
  });
});
