/**
 * The editor side, in process: completion contexts on half-typed text, name occurrences across
 * files, and the VS Code extension folder (its grammar knows every keyword of the lexer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileVirtual } from './harness.js';
import { completionContext, completions, collectOccurrences } from '../compiler/lsp/index.js';
import { KEYWORDS, RESERVED_WORDS } from '../grammar/index.js';

const root = join(import.meta.dirname, '..');

describe('completion context', () => {
  const ctx = (before: string) => completionContext(before, before.length);
  it('knows the block and the item being typed', () => {
    expect(ctx('')).toEqual({ block: 'file', tokens: [] });
    expect(ctx('role a {\n  gr')).toEqual({ block: 'role', tokens: [] });
    expect(ctx('role a {\n  grant chatter, ')).toEqual({ block: 'role', tokens: ['grant', 'chatter', ','] });
    expect(ctx('role a {\n  grant chatter,\n    self')).toEqual({ block: 'role', tokens: ['grant', 'chatter', ','] });
    expect(ctx('role a {\n  changes { member -> none, ')).toEqual({ block: 'changes', tokens: ['member', '->', 'none', ','] });
    expect(ctx('role a { changes { a -> b } ')).toEqual({ block: 'role', tokens: [] });
    expect(ctx('preauth {\n  admin when x509 "2.5.4.11" = "IT" and ')).toEqual({ block: 'preauth', tokens: ['admin', 'when', 'x509', '=', 'and'] });
    expect(ctx('role a extends ')).toEqual({ block: 'file', tokens: ['role', 'a', 'extends'] });
    expect(ctx('// role a {\n/* { */ "{" ')).toEqual({ block: 'file', tokens: [] });
  });
  it('offers what fits there', () => {
    const { symbols } = compileVirtual('import "std/packages"\ncapability canPin = 0xF001\nrole member {}\nrole admin {}\n');
    const labels = (before: string) => completions(before, before.length, symbols).map((i) => i.label);
    expect(labels('role x {\n  grant ')).toEqual(expect.arrayContaining(['canKick', 'canPin', 'chatter']));
    expect(labels('role x {\n  capabilities [')).not.toContain('chatter');
    expect(labels('role x extends ')).toEqual(['member', 'admin']);
    expect(labels('role x {\n  ')).toEqual(['name', 'description', 'grant', 'capabilities', 'participants', 'active', 'changes']);
    expect(labels('preauth {\n  ')).toEqual(['member', 'admin', 'none']);
    expect(labels('preauth {\n  admin when ')).toEqual(['x509', 'jwt', 'cwt', 'basic', 'credential', 'anyone']);
    expect(labels('participants {\n  "a@b": ')).toEqual(['member', 'admin']);
    expect(labels('room {\n  discoverable ')).toEqual(['true', 'false']);
    expect(labels('history optional {\n  share_by ')).toEqual(['member', 'admin']);
    expect(labels('allow ')).toContain('escalation');
    expect(labels('import ')).toEqual(['"std/packages"']);
  });
});

describe('name occurrences', () => {
  it('finds declarations and uses of roles, levels, add-ons, packages and private capabilities', () => {
    const r = compileVirtual('import "./lib.mimi"\nrole a { grant p, canX  changes { a -> none } }\npreauth { a when anyone }\n', { 'lib.mimi': 'capability canX = 0xF001\npackage p { canX }\n' });
    const occ = collectOccurrences(r.files).map((o) => `${o.ns}:${o.name}${o.declares ? `=${o.declares}` : ''}@${o.file.split('/').pop()}`);
    expect(occ).toEqual(['capability:canX=capability@lib.mimi', 'capability:p=package@lib.mimi', 'capability:canX@lib.mimi', 'role:a=role@main.mimi', 'capability:p@main.mimi', 'capability:canX@main.mimi', 'role:a@main.mimi', 'role:a@main.mimi']);
    const h = compileVirtual('hierarchy { level reg { } level mod { given_by mod } entry reg }\naddon prog { requires reg }\nparticipants { "x": mod + prog }\n');
    const text = h.files[0].text;
    expect(collectOccurrences(h.files).map((o) => `${o.name}${o.declares ? `=${o.declares}` : ''}:${text.slice(o.start, o.end)}`)).toEqual(['reg=level:reg', 'mod=level:mod', 'mod:mod', 'reg:reg', 'prog=addon:prog', 'reg:reg', 'mod:mod', 'prog:prog']);
  });
});

describe('editors/vscode', () => {
  const dir = join(root, 'editors', 'vscode');
  const json = (p: string): unknown => JSON.parse(readFileSync(join(dir, p), 'utf8'));
  it('the extension declares the mimi language, its grammar and its client', () => {
    const pkg = json('package.json') as { main: string; contributes: { languages: { id: string; extensions: string[]; configuration: string }[]; grammars: { path: string; scopeName: string }[] } };
    expect(pkg.contributes.languages[0]).toMatchObject({ id: 'mimi', extensions: ['.mimi'] });
    expect(json(pkg.contributes.languages[0].configuration)).toHaveProperty('comments');
    expect(json(pkg.contributes.grammars[0].path)).toMatchObject({ scopeName: pkg.contributes.grammars[0].scopeName });
    expect(readFileSync(join(dir, pkg.main), 'utf8')).toMatch(/'lsp', '--stdio'/);
  });
  it('the TextMate grammar highlights every keyword the lexer knows', () => {
    const grammar = readFileSync(join(dir, 'syntaxes', 'mimi.tmLanguage.json'), 'utf8');
    const words = new Set([...grammar.matchAll(/\\\\b\(\?:([a-z0-9_|]+)\)/g)].flatMap((m) => m[1].split('|')));
    expect([...KEYWORDS, ...RESERVED_WORDS].filter((k) => !words.has(k))).toEqual([]);
  });
});
