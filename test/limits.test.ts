/**
 * Limits (issue 10). Inputs larger than a limit are refused with a located E0006 that names the flag
 * raising it, before the work they would cost. Diagnostics are capped per code: a policy with thousands of findings or errors prints the
 * first N of each code (default 100) and one I0007 note counting the rest, in text and JSON alike;
 * `--max-diagnostics` raises the cap (0 = all), and the summary line still counts everything.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../compiler/cli/main.js';
import { capDiagnostics, diagnostic, omittedNote } from '../runtime/diagnostics.js';
import { compileFile } from '../compiler/compile.js';
import { encodePolicy } from '../runtime/codec/index.js';

async function run(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; }, color: false, cwd });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mimi-cap-'));
  // 130 unknown capabilities (E0101) and 3 duplicate role indexes (E0201)
  const names = Array.from({ length: 130 }, (_, i) => `canNope${i}`).join(' ');
  writeFileSync(join(dir, 'many.mimi'), `role no_role @0 { }\nrole banned @1 { }\nrole x @2 { grant ${names} }\nrole y @2 { }\nrole z @2 { }\nrole w @2 { }\n`);
});

describe('diagnostic cap', () => {
  it('keeps the first 100 of a code and counts the rest in one note; other codes untouched', async () => {
    const r = await run(['check', join(dir, 'many.mimi'), '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const ds = JSON.parse(r.out).diagnostics as { code: string; message: string; omitted?: { code: string; count: number } }[];
    expect(ds.filter((d) => d.code === 'E0101')).toHaveLength(100);
    expect(ds.filter((d) => d.code === 'E0201')).toHaveLength(3);
    const note = ds.filter((d) => d.code === 'I0007');
    expect(note).toHaveLength(1);
    expect(note[0].omitted).toEqual({ code: 'E0101', kind: 'unknown-capability', count: 30 });
    // the kept ones are the first ones
    expect(ds.find((d) => d.code === 'E0101')!.message).toContain('canNope0');
    expect(ds.some((d) => d.message.includes('canNope100'))).toBe(false);
  });

  it('text output: the note names the flag, the summary counts every diagnostic', async () => {
    const r = await run(['check', join(dir, 'many.mimi')], dir);
    expect(r.err).toMatch(/info\[I0007\]: 30 more `E0101` \(unknown-capability\) diagnostics not shown; the first 100 are/);
    expect(r.err).toMatch(/--max-diagnostics/);
    expect(r.err).toMatch(/failed \(4 roles; 133 errors, 0 warnings\)|failed \(\d+ roles; 133 errors/);
  });

  it('--max-diagnostics raises or removes the cap; a bad value is a usage error', async () => {
    const all = JSON.parse((await run(['check', join(dir, 'many.mimi'), '-f', 'json', '--max-diagnostics', '0'], dir)).out).diagnostics;
    expect(all.filter((d: { code: string }) => d.code === 'E0101')).toHaveLength(130);
    expect(all.some((d: { code: string }) => d.code === 'I0007')).toBe(false);
    const five = JSON.parse((await run(['check', join(dir, 'many.mimi'), '-f', 'json', '--max-diagnostics', '5'], dir)).out).diagnostics;
    expect(five.filter((d: { code: string }) => d.code === 'E0101')).toHaveLength(5);
    const bad = await run(['check', join(dir, 'many.mimi'), '--max-diagnostics', 'lots'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--max-diagnostics takes a whole number/);
  });

  it('capDiagnostics counts per code and file', () => {
    const ds = [...Array.from({ length: 4 }, () => diagnostic('unknown-role', 'x', 'a.mimi', undefined)), ...Array.from({ length: 3 }, () => diagnostic('unknown-role', 'x', 'b.mimi', undefined))];
    const capped = capDiagnostics(ds, 3);
    expect(capped.filter((d) => d.kind === 'unknown-role')).toHaveLength(6);
    expect(capped.filter((d) => d.omitted).map((d) => [d.file, d.omitted!.count])).toEqual([['a.mimi', 1]]);
  });
});

describe('input limits', () => {
  it('a source over --max-source-bytes: E0006 at 1:1 naming the flag, before parsing', async () => {
    const r = compileFile('/v/x.mimi', { text: 'role no_role @0 { }\n'.repeat(10), limits: { maxSourceBytes: 50 } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([['E0006', 1, 1]]);
    expect(r.diagnostics[0]!.message).toMatch(/the source file is too large: 200 bytes, the limit is 50 bytes/);
    expect(r.diagnostics[0]!.help).toMatch(/--max-source-bytes/);
    const cli = await run(['check', join(dir, 'many.mimi'), '--max-source-bytes', '100'], dir);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/error\[E0006\]: the source file is too large/);
    expect((await run(['check', join(dir, 'many.mimi'), '--max-source-bytes', '1000000'], dir)).err).not.toMatch(/E0006/);
  });

  it('a wire file over --max-wire-bytes is refused at offset 0 before it is read', async () => {
    const ok = compileFile(join(dir, 'ok.mimi'), { text: 'role no_role @0 { }\nrole banned @1 { }\nrole m @2 { }\n' });
    writeFileSync(join(dir, 'ok.bin'), encodePolicy(ok.policy));
    const r = await run(['check', join(dir, 'ok.bin'), '--max-wire-bytes', '10', '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const [d] = JSON.parse(r.out).diagnostics;
    expect([d.code, d.offset]).toEqual(['E0006', 0]);
    expect(d.help).toMatch(/--max-wire-bytes/);
    expect((await run(['check', join(dir, 'ok.bin')], dir)).code).toBe(0);
  });

  it('a note from upstream (rules, analyses) absorbs what the output cap drops: one note per code', () => {
    const kept = Array.from({ length: 5 }, () => diagnostic('escalation', 'x', 'a.mimi', undefined));
    const capped = capDiagnostics([...kept, omittedNote('escalation', 7, 5, 'a.mimi')], 3);
    const notes = capped.filter((d) => d.omitted);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.omitted).toEqual({ code: 'W0506', kind: 'escalation', count: 9 });
    expect(notes[0]!.message).toBe('9 more `W0506` (escalation) diagnostics not shown; the first 3 are');
    // unchanged when nothing more is dropped
    expect(capDiagnostics([...kept, omittedNote('escalation', 7, 5, 'a.mimi')], 100).filter((d) => d.omitted)[0]!.message).toMatch(/^7 more/);
  });
});

describe('findings about many roles', () => {
  it('label at most 20 related places; the message and `roles` still count them all', () => {
    const strong = Array.from({ length: 25 }, (_, i) => `role s${i} @${i + 3} { grant canKick, canSendMessage, canReceiveMessage }`).join('\n');
    const r = compileFile('/v/many.mimi', { text: `role no_role @0 { }\nrole banned @1 { }\nrole weak @2 { grant canKick }\n${strong}\nparticipants { "w": weak ${Array.from({ length: 25 }, (_, i) => `"u${i}": s${i}`).join(" ")} }\n`, analyses: true });
    const d = r.diagnostics.find((x) => x.kind === 'rank-inversion' && x.roles?.[0] === 2)!;
    expect(d).toBeDefined();
    expect(d.labels!.length).toBe(20);
    expect(d.roles!.length).toBe(26);
  });
});

describe('generated evaluator size', () => {
  it('build --emit ts over --max-emit-bytes is refused before generating: E0006, nothing written', async () => {
    const out = join(dir, 'emit-out');
    writeFileSync(join(dir, 'ok.mimi'), 'role no_role @0 { }\nrole banned @1 { }\nrole m @2 { }\n');
    const r = await run(['build', join(dir, 'ok.mimi'), '--out', out, '--emit', 'ts', '--max-emit-bytes', '1000'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[E0006\]: the generated evaluator is too large: about \d+(\.\d)? KB, the limit is 1000 bytes/);
    expect(r.err).toMatch(/--max-emit-bytes/);
    expect(existsSync(out)).toBe(false);
  });

  it('the estimate is within a factor of two of the generated size', async () => {
    const { emitTypeScript, estimateEvaluatorBytes } = await import('../compiler/emit/typescript.js');
    const roles = Array.from({ length: 150 }, (_, i) => `role r${i + 2} @${i + 2} { grant canSendMessage, canChangeUserRole changes { r${((i + 1) % 150) + 2} -> r${((i + 2) % 150) + 2}, none } }`).join('\n');
    const sources = [readFileSync(join(import.meta.dirname, '..', 'examples', 'multi-org.mimi'), 'utf8'), `role no_role @0 { }\nrole banned @1 { }\n${roles}\n`];
    for (const [k, text] of sources.entries()) {
      const c = compileFile(join(import.meta.dirname, '..', 'examples', `x${k}.mimi`), { text });
      expect(c.ok).toBe(true);
      const actual = (await emitTypeScript(c.policy, { source: 'x.mimi', generator: 'test', format: false })).length;
      const est = estimateEvaluatorBytes(c.policy);
      expect(est / actual, `policy ${k}: estimate ${est}, actual ${actual}`).toBeGreaterThan(0.5);
      expect(est / actual, `policy ${k}: estimate ${est}, actual ${actual}`).toBeLessThan(2);
    }
  });
});

describe('code frames', () => {
  it('a diagnostic on a very long line shows a window around it, with the caret under the span', async () => {
    const line = `${'role a{} '.repeat(500)}role x @2 { grant canUnban }`;
    writeFileSync(join(dir, 'long.mimi'), `${line}\n`);
    const r = await run(['check', join(dir, 'long.mimi'), '--no-analyses'], dir);
    const frame = r.err.split('\n');
    const i = frame.findIndex((l) => l.includes('unknown capability or package `canUnban`'));
    const [src, caret] = [frame[i + 3]!, frame[i + 4]!];
    expect(src.length).toBeLessThan(200);
    expect(src.slice(caret.indexOf('^'), caret.lastIndexOf('^') + 1)).toBe('canUnban');
    expect(r.err.length).toBeLessThan(50_000);
  });
});
