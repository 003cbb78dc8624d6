/**
 * The conventions every command shares (README "Conventions"), one test each: -o/--out (and `-`),
 * -f/--format names, --no-color and NO_COLOR, -q/--quiet and the one-line findings summary,
 * did-you-mean for commands and options, located I/O messages, `-` for stdin, the input kind by
 * content. Most run the command line in-process (main(), the same code as the binary); the ones that
 * need a real process (stdin, the environment) spawn the built binary like test/cli.test.ts.
 */
import { spawn as spawnAsync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { colorWanted, commands, main } from '../compiler/cli/main.js';
import { writeOutput } from '../compiler/cli/write.js';
import { contentKind, ioReason, loadPolicyFile } from '../compiler/input.js';
import { defaultArtifactName } from '../compiler/cli/commands/build.run.js';
import { unifiedDiff } from '../compiler/cli/diff.js';

/** Applies a unified diff of one file to `text` (what `patch` does), for checking unifiedDiff. */
function applyDiff(text: string, diff: string): string {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let at = 0;
  const body = diff.split(/(?<=\n)/).slice(2);
  for (let i = 0; i < body.length; i++) {
    const h = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@\n$/.exec(body[i]);
    if (!h) throw new Error(`not a hunk header: ${body[i]}`);
    const start = Number(h[1]) - (h[2] === '0' ? 0 : 1);
    while (at < start) out.push(lines[at++]);
    for (i++; i < body.length && !body[i].startsWith('@@'); i++) {
      const noNewline = body[i + 1]?.startsWith('\\');
      const line = noNewline ? body[i].slice(1, -1) : body[i].slice(1);
      if (body[i][0] === ' ' || body[i][0] === '-') {
        expect(lines[at]).toBe(line);
        at++;
      }
      if (body[i][0] === ' ' || body[i][0] === '+') out.push(line);
      if (noNewline) i++;
    }
    i--;
  }
  while (at < lines.length) out.push(lines[at++]);
  return out.join('');
}

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'mimi-policy.js');
const dm = join(root, 'examples', 'dm.mimi');
const engineering = join(root, 'examples', 'engineering.mimi');
let dir: string;

/** The command line in-process, with paths relative to the scratch folder made absolute. */
async function cli(args: string[], color = false) {
  let out = '';
  let err = '';
  // relative paths are the scratch folder's (in-process, the working directory is the repository's)
  const abs = args.map((a, i) => (!a.startsWith('-') && !a.startsWith('/') && (/\.(mimi|bin|json|txt|hex|md|dot)$/.test(a) || /^(-o|--out|--output)$/.test(args[i - 1] ?? '')) ? join(dir, a) : a));
  const code = await main(abs, { out: (s) => void (out += s), err: (s) => void (err += s), color, cwd: dir });
  return { code, out, err };
}
/** The built binary, as a process (stdin, environment). */
function spawn(args: string[], input?: string | Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const ANSI = /\u001b\[/;

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mimi-conventions-'));
  writeFileSync(join(dir, 'warn.mimi'), 'role member @2 { grant canKnock }\n');
  writeFileSync(join(dir, 'bad.mimi'), 'role member @2 {\n  grant canUnban\n}\n');
  writeFileSync(join(dir, 'room.txt'), readFileSync(dm));
});

describe('CLI conventions', () => {
  it('-o/--out writes the one output file (`-` is stdout); --output still works, hidden', async () => {
    const a = await cli(['decompile', dm, '-o', 'a.mimi']);
    const b = await cli(['decompile', dm, '--output', 'b.mimi']);
    const c = await cli(['decompile', dm, '-o', '-']);
    expect([a.code, b.code, c.code]).toEqual([0, 0, 0]);
    expect(readFileSync(join(dir, 'a.mimi'), 'utf8')).toBe(c.out);
    expect(readFileSync(join(dir, 'b.mimi'), 'utf8')).toBe(c.out);
    const m = await cli(['matrix', dm, '--out', 'm.md']);
    expect([m.code, readFileSync(join(dir, 'm.md'), 'utf8')]).toEqual([0, (await cli(['matrix', dm])).out]);
    expect((await cli(['graph', dm, `--output=${join(dir, 'g.dot')}`, '--no-highlight'])).code).toBe(0);
    expect(readFileSync(join(dir, 'g.dot'), 'utf8')).toMatch(/^digraph/);
    // every command that writes a path takes -o/--out; none lists --output in its help
    for (const name of ['build', 'decompile', 'graph', 'matrix', 'report', 'demo']) {
      const cmd = commands.find((x) => x.name === name)!;
      expect(cmd.options.out, name).toMatchObject({ type: 'string', short: 'o' });
      expect(cmd.help, name).toMatch(/-o, --out </);
      expect(cmd.help, name).not.toMatch(/--output/);
    }
    // a command writing several files takes a folder
    expect((await cli(['build', dm, '-o', '-'])).err).toMatch(/--out takes a folder, not `-`/);
  });

  it('-f/--format: text|json everywhere (human and markdown still accepted), a mistyped name gets a did-you-mean', async () => {
    for (const name of ['check', 'build', 'explain', 'test', 'inspect', 'authorize', 'compare']) expect(commands.find((x) => x.name === name)!.help, name).toMatch(/-f, --format <text\|(json|md)/);
    expect(commands.find((x) => x.name === 'check')!.help).toMatch(/<text\|json\|sarif>/);
    const text = await cli(['explain', dm, '--role', 'peer', '-f', 'text']);
    const human = await cli(['explain', dm, '--role', 'peer', '-f', 'human']);
    expect([text.code, text.out]).toEqual([0, human.out]);
    const md = await cli(['compare', dm, dm, '-f', 'md']);
    expect(md.out).toBe((await cli(['compare', dm, dm, '-f', 'markdown'])).out);
    expect(md.out).toMatch(/^#/m);
    const bad = await cli(['check', dm, '-f', 'jsn']);
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('--format must be one of text, json, sarif (got `jsn`); did you mean `json`?')]);
  });

  it('authorize answers in text by default, like the other commands', async () => {
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ participants: [{ user: 'alice@example.com', role: 'peer', clients: 1 }, { user: 'bob@example.org', role: 'peer', clients: 1 }] }));
    writeFileSync(join(dir, 'leave.json'), JSON.stringify({ type: 'leave', actor: 'alice@example.com' }));
    const args = ['authorize', dm, '--state', join(dir, 'state.json'), '--action', join(dir, 'leave.json')];
    const t = await cli(args);
    expect(t.out).toMatch(/^(allowed|denied) \([a-z_:A-Z]+\): .+\n$/);
    expect(JSON.parse((await cli([...args, '-f', 'json'])).out)).toMatchObject({ allowed: expect.any(Boolean), rule: expect.any(String) });
  });

  it('--no-color on every command; NO_COLOR (non-empty) turns colours off', async () => {
    for (const c of commands) expect((await cli([c.name, '--no-color', '--help'])).code, c.name).toBe(0);
    expect((await cli(['check', 'bad.mimi'], true)).err).toMatch(ANSI);
    expect((await cli(['check', 'bad.mimi', '--no-color'], true)).err).not.toMatch(ANSI);
    expect([colorWanted(true, false, { NO_COLOR: '1' }), colorWanted(true, false, { NO_COLOR: '' }), colorWanted(true, true, {}), colorWanted(false, false, {})]).toEqual([false, true, false, false]);
  });

  it('-q/--quiet: errors only; build, decompile and demo count the other findings in one line (check prints them)', async () => {
    const check = await cli(['check', 'warn.mimi']);
    expect(check.err).toMatch(/warning\[W0\d+\]/);
    const quiet = await cli(['check', 'warn.mimi', '-q']);
    expect([quiet.code, quiet.err]).toEqual([0, '']);
    expect((await cli(['check', 'bad.mimi', '--quiet'])).err).toMatch(/error\[E0101\][\s\S]*bad.mimi: failed/);

    const build = await cli(['build', engineering, '--out', 'eng']);
    expect(build.code).toBe(0);
    expect(build.err).not.toMatch(/warning\[|note\[/);
    expect(build.err).toMatch(/engineering.mimi: 2 warnings, 2 notes \(run `mimi-policy check .*engineering.mimi` to see them\)\n/);
    expect((await cli(['build', engineering, '--out', 'eng', '--verbose'])).err).toMatch(/warning\[W0\d+\]/);
    const q = await cli(['build', engineering, '--out', 'eng', '-q']);
    expect([q.code, q.out, q.err]).toEqual([0, '', '']);
    const d = await cli(['decompile', engineering]);
    expect(d.err).toMatch(/^[^\n]*engineering.mimi: 2 warnings, 2 notes \(run `mimi-policy check /);
    // every command that prints findings takes -q
    for (const c of commands.filter((x) => !['inspect', 'lsp'].includes(x.name))) expect(c.options.quiet, c.name).toMatchObject({ type: 'boolean', short: 'q' });

    // test -q: only failing scenarios
    writeFileSync(join(dir, 'scen.mimi'), `${readFileSync(dm, 'utf8')}\nscenario "fine" {\n  given {\n    a: peer\n    b: peer\n  }\n  expect deny a leave\n}\nscenario "wrong" {\n  given {\n    a: peer\n    b: peer\n  }\n  expect allow a leave\n}\n`);
    const all = await cli(['test', 'scen.mimi']);
    const tq = await cli(['test', 'scen.mimi', '-q']);
    expect([all.code, tq.code]).toEqual([1, 1]);
    expect(all.out).toMatch(/scenario "fine" passed[\s\S]*scenario "wrong" FAILED[\s\S]*coverage:/);
    expect(tq.out).not.toMatch(/"fine"|coverage:/);
    expect(tq.out).toMatch(/scenario "wrong" FAILED/);

    const demo = await cli(['demo', join(root, 'examples'), '--out', join(dir, 'demo')]);
    expect(demo.code).toBe(0);
    expect(demo.err).toBe('');
    expect(demo.out.split('\n').length).toBeLessThan(15);
    expect(demo.out).toMatch(/(has|have) warnings or notes: run `mimi-policy check FILE` to see them/);
  });

  it('did-you-mean for a mistyped command and option (exit 2)', async () => {
    const c = await cli(['chek', dm]);
    expect([c.code, c.err]).toEqual([2, expect.stringMatching(/^mimi-policy: unknown command `chek`; did you mean `check`\?\n/)]);
    const o = await cli(['check', '--formt', 'json', dm]);
    expect([o.code, o.err]).toEqual([2, expect.stringMatching(/unknown option '--formt'; did you mean `--format`\?/)]);
    expect((await cli(['fmt', '--writ', dm])).err).toMatch(/did you mean `--write`\?/);
    expect((await cli(['frobnicate'])).err).not.toMatch(/did you mean/);
  });

  it('I/O problems are located messages (exit 2), never the system text', async () => {
    mkdirSync(join(dir, 'adir'), { recursive: true });
    writeFileSync(join(dir, 'afile'), 'x');
    const cases: [string[], RegExp][] = [
      [['check', dir], /^mimi-policy: cannot read `.*`: it is a directory\n$/],
      [['check', 'missing.mimi'], /cannot read `.*missing.mimi`: no such file\n$/],
      [['inspect', join(dir, 'adir')], /cannot read `.*adir`: it is a directory\n$/],
      [['inspect', join(dir, 'nope.bin')], /cannot read `.*nope.bin`: no such file\n$/],
      [['demo', join(dir, 'nowhere')], /cannot read `.*nowhere`: no such file or folder\n$/],
      [['build', dm, '--out', join(dir, 'afile')], /cannot write `.*afile`: it is a file, not a directory; no file was written\n$/],
      [['decompile', dm, '-o', join(dir, 'adir')], /cannot write `.*adir`: it is a directory; no file was written\n$/],
      [['matrix', dm, '-o', `${join(dir, 'adir')}/`], /cannot write `.*adir\/`: expected a file name, not a directory/],
      [['build', dm, '--out', join(dir, 'afile', 'sub')], /cannot write `.*afile\/sub`: a part of the path is a file, not a directory/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect([r.code, r.err], args.join(' ')).toEqual([2, expect.stringMatching(message)]);
      expect(r.err).not.toMatch(/E[A-Z]{3,}:|illegal operation|\n\s+at /);
    }
    // stdin can be read once; an empty input is said to be empty
    expect((await cli(['compare', '-', '-'])).err).toMatch(/^mimi-policy: stdin \(`-`\) can be read only once/);
    writeFileSync(join(dir, 'empty.bin'), '');
    expect((await cli(['check', 'empty.bin'])).err).toMatch(/error\[E0301\]: the file is empty: no policy in it/);
    // unreadable and system errors in words (running as root, permissions cannot be tested on files)
    expect([ioReason({ code: 'EACCES' }), ioReason(Object.assign(new Error("EXDEV: cross-device link not permitted, read '/x'"), { code: 'EXDEV' }))]).toEqual(['permission denied', 'EXDEV: cross-device link not permitted']);
    const failing = { writeFileSync: () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); }, renameSync: () => {} };
    expect(() => writeOutput(join(dir, 'full.txt'), 'x', () => {}, failing)).toThrow(/^cannot write `.*full.txt`: no space left on the device; no file was written$/);
  });

  it('`-` reads stdin (check, decompile, fmt) and `-o -` writes stdout', () => {
    const src = readFileSync(dm, 'utf8');
    const c = spawn(['check', '-'], src);
    expect([c.code, c.err]).toEqual([0, expect.stringMatching(/<stdin>: ok \(2 roles;/)]);
    const d = spawn(['decompile', '-', '-o', '-'], src);
    expect([d.code, d.out]).toEqual([0, expect.stringMatching(/role peer/)]);
    const f = spawn(['fmt', '-'], src);
    expect([f.code, f.out]).toEqual([0, src]);
  });
  it('`-` reads stdin (build, inspect: wire bytes too)', () => {
    const src = readFileSync(dm, 'utf8');
    const b = spawn(['build', '-', '--out', 'from-stdin', '-q'], src);
    expect([b.code, existsSync(join(dir, 'from-stdin', 'stdin.policy.bin'))]).toEqual([0, true]);
    const wire = readFileSync(join(dir, 'from-stdin', 'stdin.policy.bin'));
    const i = spawn(['inspect', '-'], wire);
    expect([i.code, i.out]).toEqual([0, expect.stringMatching(/^<stdin>: \d+ bytes, policy/)]);
  });

  it('the content decides the input kind, the extension is the hint', async () => {
    // .mimi text named room.txt
    const txt = await cli(['check', 'room.txt']);
    expect([txt.code, txt.err]).toEqual([0, expect.stringMatching(/room.txt: ok \(2 roles;/)]);
    expect(txt.err).not.toMatch(/E0301|note:/);
    // .mimi text named .bin: read as source, and said so
    writeFileSync(join(dir, 'text.bin'), readFileSync(dm));
    const asBin = await cli(['check', 'text.bin']);
    expect([asBin.code, asBin.err]).toEqual([0, expect.stringMatching(/text.bin: note: read as .mimi source: the file holds text, not wire bytes\n/)]);
    // hex text of wire bytes
    const wire = readFileSync(join(dir, 'from-stdin', 'stdin.policy.bin'));
    writeFileSync(join(dir, 'policy.hex'), `${wire.toString('hex').replace(/(.{64})/g, '$1\n')}\n`);
    expect((await cli(['check', 'policy.hex'])).code).toBe(0);
    expect(loadPolicyFile(join(dir, 'policy.hex')).format).toBe('wire');
    // wire bytes given as source say so
    writeFileSync(join(dir, 'wire.mimi'), wire);
    expect((await cli(['check', 'wire.mimi'])).err).toMatch(/wire.mimi: note: read as MIMI wire bytes: the file holds binary data, not text/);
    expect((await cli(['test', 'wire.mimi'])).err).toMatch(/scenarios live in .mimi source, and this file holds MIMI wire bytes/);
    expect((await cli(['fmt', 'wire.mimi'])).err).toMatch(/holds binary data \(MIMI wire bytes\?\), not .mimi source/);
    expect((await cli(['inspect', 'room.txt'])).err).toMatch(/holds text .*, not wire bytes/);
    // the size limit is the detected kind's, decided before the file is read
    writeFileSync(join(dir, 'big.txt'), `// ${'x'.repeat(3000)}\n`);
    const big = await cli(['check', 'big.txt', '--max-source-bytes', '1000', '-f', 'json']);
    expect([big.code, JSON.parse(big.out).diagnostics[0]]).toEqual([1, expect.objectContaining({ code: 'E0006', help: expect.stringContaining('--max-source-bytes') })]);
    expect([contentKind(new Uint8Array([0x41, 0x00])), contentKind(Buffer.from('{"a":1}')), contentKind(Buffer.from('0a0b\n')), contentKind(Buffer.from('role x {}'))]).toEqual(['binary', 'json', 'hex', 'text']);
  });

  it('small things: a default --name from any file name, report counts bytes, fmt --check counts each file once', async () => {
    expect([defaultArtifactName('rööm é.mimi'), defaultArtifactName('dir/room.policy.bin'), defaultArtifactName('café.mimi'), defaultArtifactName('-')]).toEqual(['room-e', 'room', 'cafe', 'stdin']);
    writeFileSync(join(dir, 'rööm é.mimi'), readFileSync(dm));
    const b = await cli(['build', 'rööm é.mimi', '--out', 'accents', '-q']);
    expect([b.code, existsSync(join(dir, 'accents', 'room-e.policy.bin'))]).toEqual([0, true]);
    expect((await cli(['build', dm, '--out', 'accents', '--name', 'a b'])).err).toMatch(/--name `a b` may only contain/);
    // the page names the file (non-ASCII: more bytes than characters); the message counts bytes
    const rep = await cli(['report', 'rööm é.mimi', '-o', join(dir, 'rööm.html')]);
    const size = readFileSync(join(dir, 'rööm.html')).length;
    expect(size).toBeGreaterThan(readFileSync(join(dir, 'rööm.html'), 'utf8').length);
    expect(rep.err).toBe(`${join(dir, 'rööm.html')}: report written (${size.toLocaleString('en-US')} bytes)\n`);

    mkdirSync(join(dir, 'fmt'), { recursive: true });
    writeFileSync(join(dir, 'fmt', 'messy.mimi'), 'role   member @2 { grant chatter }\n');
    writeFileSync(join(dir, 'fmt', 'tidy.mimi'), readFileSync(dm));
    const f = await cli(['fmt', '--check', join(dir, 'fmt'), join(dir, 'fmt', 'messy.mimi')]);
    expect([f.code, f.err]).toEqual([1, '1 of 2 files not formatted; run `mimi-policy fmt --write` on it\n']);
  });

  it('fmt --diff: a unified diff of what --write would change, exit 1 if anything would', async () => {
    writeFileSync(join(dir, 'fmt', 'nonl.mimi'), '// c\nrole   y @4 { grant chatter }');
    const d = await cli(['fmt', '--diff', join(dir, 'fmt')]);
    expect(d.code).toBe(1);
    expect(d.out).toContain('--- a/');
    expect(d.out).toMatch(/\n-role {3}member @2 \{ grant chatter \}\n\+role member @2 \{ grant chatter \}\n/);
    expect(d.out).toMatch(/-role {3}y @4 \{ grant chatter \}\n\\ No newline at end of file\n\+role y @4 \{ grant chatter \}\n/);
    expect(d.err).toBe('2 of 3 files not formatted; run `mimi-policy fmt --write` on them\n');
    expect(await cli(['fmt', '--diff', join(dir, 'fmt', 'tidy.mimi')])).toEqual({ code: 0, out: '', err: '' });
    expect((await cli(['fmt', '--diff', '--write', dm])).code).toBe(2);
    // the diff applies: random texts of a few distinct lines, with and without a final line feed
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let t = 0; t < 300; t++) {
      const text = () => Array.from({ length: rnd(12) }, () => 'abcd'[rnd(4)]).join('\n') + (rnd(2) ? '\n' : '');
      const [a, b] = [text(), text()];
      const diff = unifiedDiff(a, b, 'f', { context: rnd(4) });
      expect(diff === '', JSON.stringify([a, b])).toBe(a === b);
      if (diff) expect(applyDiff(a, diff), JSON.stringify([a, b, diff])).toBe(b);
    }
  });

  it('check --watch runs again when the file or one it imports changes, and ends cleanly on SIGINT', async () => {
    mkdirSync(join(dir, 'watch'), { recursive: true });
    writeFileSync(join(dir, 'watch', 'lib.mimi'), 'package talk { canSendMessage }\n');
    writeFileSync(join(dir, 'watch', 'room.mimi'), 'import "./lib.mimi"\nrole member @2 { grant talk }\n');
    const child = spawnAsync(process.execPath, [bin, 'check', '--watch', 'watch/room.mimi', '--no-analyses'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const until = (re: RegExp) =>
      new Promise<void>((r, reject) => {
        const t = setInterval(() => {
          if (re.test(err)) {
            clearInterval(t);
            r();
          }
        }, 10);
        child.on('exit', () => {
          clearInterval(t);
          reject(new Error(`exited early: ${err}`));
        });
      });
    await until(/waiting for changes to 2 files/);
    expect(err).toMatch(/room.mimi: ok/);
    // the imported file breaks: the run says so
    writeFileSync(join(dir, 'watch', 'lib.mimi'), 'package talk { canSendMesage }\n');
    await until(/lib.mimi changed; running again[\s\S]*room.mimi: failed[\s\S]*waiting for changes \(/);
    appendFileSync(join(dir, 'watch', 'room.mimi'), '// touched\n');
    await until(/room.mimi changed; running again/);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(err).not.toMatch(/\n\s+at |internal error/);
  });
});
