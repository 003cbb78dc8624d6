/**
 * The CLI end to end, as a spawned process running the installed binary (bin/ → dist/, built by
 * `npm test` before vitest runs): exit codes, outputs, and no output files on error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'mimi-policy.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let dir: string;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mimi-cli-'));
  writeFileSync(
    join(dir, 'good.mimi'),
    'import "std/packages"\nrole no_role @0 { }\nrole banned @1 { active 0..0 }\nrole member { grant chatter canRemoveSelf changes { member -> none } }\nrole admin extends member { grant canBan canUnBan participants 1.. changes { member -> banned banned -> member admin -> none } }\npreauth { member when x509 "2.5.4.10" = "Example" }\nallow creation-only-role for admin because "the admins are listed when the room is created"\n',
  );
  writeFileSync(join(dir, 'bad.mimi'), 'role member @2 {\n  grant canUnban\n}\nrole x @2 { }\n');
  writeFileSync(join(dir, 'warn.mimi'), 'role member @2 { grant canKnock }\n');
});

describe('mimi-policy', () => {
  it('--help lists every command, exit 0', () => {
    const top = run(['--help'], dir);
    expect(top.code).toBe(0);
    for (const cmd of ['check', 'build', 'decompile', 'inspect', 'demo']) expect(top.out).toContain(cmd);
  });
  it.each(['check', 'build', 'decompile', 'inspect', 'demo'])('%s --help, exit 0', (cmd) => {
    const r = run([cmd, '--help'], dir);
    expect(r.code, cmd).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: mimi-policy ${cmd}`));
    expect(r.out).toMatch(/Exit codes/);
  });
  it.each([['frobnicate'], ['check'], ['check', '--bogus', 'x.mimi'], ['build', 'good.mimi'], ['check', '-f', 'xml', 'good.mimi']])('usage error exits 2 with a pointer to --help: %s', (...args) => {
    const r = run(args, dir);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.err).toMatch(/--help/);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });
  it('a missing file is an I/O error, exit 2', () => {
    const r = run(['check', 'nope.mimi'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read `nope.mimi`: no such file/);
  });

  describe('check', () => {
    it('ok policy: exit 0', () => {
      const r = run(['check', 'good.mimi'], dir);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/good.mimi: ok \(4 roles; 0 errors, 0 warnings, 1 acknowledged\)/);
    });
    it('errors: exit 1, code frame with the underlined text and the suggestion', () => {
      const r = run(['check', 'bad.mimi'], dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain('error[E0101]: unknown capability or package `canUnban`');
      expect(r.err).toContain(' --> bad.mimi:2:9');
      expect(r.err).toContain('  grant canUnban\n  |         ^^^^^^^^');
      expect(r.err).toContain('help: did you mean `canUnBan`?');
      expect(r.err).toContain('first used here');
    });
    it('--plain: one line per diagnostic', () => {
      const r = run(['check', '--plain', 'bad.mimi'], dir);
      expect(r.err.split('\n').filter((l) => /^bad.mimi:\d/.test(l))).toEqual([
        'bad.mimi:2:9: error[E0101]: unknown capability or package `canUnban`; help: did you mean `canUnBan`?',
        expect.stringMatching(/^bad.mimi:4:9: error\[E0201\]/),
      ]);
    });
    it('--format json: the stable diagnostic shape on stdout', () => {
      const r = run(['check', '-f', 'json', 'bad.mimi'], dir);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.out);
      expect(json.diagnostics[0]).toEqual({
        code: 'E0101',
        kind: 'unknown-capability',
        severity: 'error',
        message: 'unknown capability or package `canUnban`',
        file: 'bad.mimi',
        span: { line: 2, column: 9, endLine: 2, endColumn: 17 },
        help: 'did you mean `canUnBan`?',
      });
    });
    it('warnings pass unless --deny-warnings', () => {
      expect(run(['check', 'warn.mimi'], dir).code).toBe(0);
      expect(run(['check', '--deny-warnings', 'warn.mimi'], dir).code).toBe(1);
    });
  });

  describe('build', () => {
    it('writes every artifact, deterministically', () => {
      const a = run(['build', 'good.mimi', '--out', 'out1'], dir);
      expect(a.code).toBe(0);
      expect(readdirSync(join(dir, 'out1')).sort()).toEqual(['good.base.bin', 'good.policy.bin', 'good.policy.json', 'good.preauth.bin', 'good.roles.bin']);
      run(['build', 'good.mimi', '--out', 'out2'], dir);
      for (const f of readdirSync(join(dir, 'out1'))) expect(readFileSync(join(dir, 'out2', f)).equals(readFileSync(join(dir, 'out1', f))), f).toBe(true);
    });
    it('a policy with errors writes nothing, exit 1', () => {
      const r = run(['build', 'bad.mimi', '--out', 'out-bad'], dir);
      expect(r.code).toBe(1);
      expect(existsSync(join(dir, 'out-bad'))).toBe(false);
      expect(r.err).toMatch(/no files written/);
    });
    it('--deny-warnings turns a warning into no output', () => {
      expect(run(['build', 'warn.mimi', '--deny-warnings', '--out', 'out-warn'], dir).code).toBe(1);
      expect(existsSync(join(dir, 'out-warn'))).toBe(false);
    });
    it('re-emits a .bin policy byte for byte, and reads the .json IR', () => {
      run(['build', 'good.mimi', '--out', 'out3'], dir);
      expect(run(['build', 'out3/good.policy.bin', '--out', 'out4'], dir).code).toBe(0);
      expect(readFileSync(join(dir, 'out4', 'good.policy.bin')).equals(readFileSync(join(dir, 'out3', 'good.policy.bin')))).toBe(true);
      expect(run(['build', 'out3/good.policy.json', '--out', 'out5', '--name', 'fromjson'], dir).code).toBe(0);
      expect(readFileSync(join(dir, 'out5', 'fromjson.policy.bin')).equals(readFileSync(join(dir, 'out3', 'good.policy.bin')))).toBe(true);
    });
  });

  describe('wire input', () => {
    it('check detects what a .bin holds and accepts --component', () => {
      run(['build', 'good.mimi', '--out', 'w'], dir);
      const r = run(['check', 'w/good.policy.bin', 'w/good.roles.bin', 'w/good.preauth.bin'], dir);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/good.roles.bin: ok \(4 roles, roles;/);
      expect(run(['check', '--component', 'base', 'w/good.base.bin'], dir).code).toBe(0);
    });
    it.each(['trunc.bin', 'junk.bin'])('truncated or hostile bytes (%s): located error, exit 1, no stack trace, nothing written', (f) => {
      if (!existsSync(join(dir, 'w2', 'good.policy.bin'))) run(['build', 'good.mimi', '--out', 'w2'], dir);
      const full = readFileSync(join(dir, 'w2', 'good.policy.bin'));
      writeFileSync(join(dir, 'trunc.bin'), full.subarray(0, full.length - 3));
      writeFileSync(join(dir, 'junk.bin'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01]));
      const r = run(['check', f], dir);
      expect(r.code, f).toBe(1);
      expect(r.err).toMatch(new RegExp(`${f}@\\d+ \\(byte offset\\)`));
      expect(r.err).not.toMatch(/\n\s+at /);
      const d = run(['decompile', f], dir);
      expect(d.code).toBe(1);
      expect(d.out).toBe('');
      expect(run(['build', f, '--out', 'never'], dir).code).toBe(1);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    });
    it('malformed JSON IR is located', () => {
      writeFileSync(join(dir, 'broken.json'), '{\n  "base": {\n    "fixedMembership": nope\n');
      const r = run(['check', 'broken.json'], dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/broken.json:3:\d+/);
      expect(r.err).toMatch(/malformed JSON: unexpected `nope`/);
      writeFileSync(join(dir, 'schema.json'), JSON.stringify({ base: {}, roles: [] }));
      const s = run(['check', 'schema.json'], dir);
      expect(s.code).toBe(1);
      expect(s.err).toMatch(/`base.fixedMembership`/);
    });
    it('inspect: annotated dump with offsets; partial dump and the offset on bad bytes', () => {
      run(['build', 'good.mimi', '--out', 'w3'], dir);
      const r = run(['inspect', 'w3/good.roles.bin'], dir);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^0002 +00 00 00 00 +role_index: 0$/m);
      expect(r.out).toMatch(/role_name: "no_role"/);
      const j = JSON.parse(run(['inspect', '-f', 'json', 'w3/good.roles.bin'], dir).out);
      expect(j.fields[0]).toMatchObject({ offset: 0, field: 'roles' });
      const roles = readFileSync(join(dir, 'w3', 'good.roles.bin'));
      writeFileSync(join(dir, 'cut.bin'), roles.subarray(0, 40));
      const bad = run(['inspect', '--component', 'roles', 'cut.bin'], dir);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/cut.bin@\d+: error\[E0301\]/);
    });
    it('decompile → build gives the same bytes', () => {
      run(['build', 'good.mimi', '--out', 'w4'], dir);
      const d = run(['decompile', 'w4/good.policy.bin', '-o', 'w4/back.mimi'], dir);
      expect(d.code).toBe(0);
      expect(readFileSync(join(dir, 'w4', 'back.mimi'), 'utf8')).toMatch(/role admin @3 extends member/);
      expect(run(['build', 'w4/back.mimi', '--out', 'w5'], dir).code).toBe(0);
      expect(readFileSync(join(dir, 'w5', 'back.policy.bin')).equals(readFileSync(join(dir, 'w4', 'good.policy.bin')))).toBe(true);
    });
  });

  it('demo: builds and round-trips every example', () => {
    const r = run(['demo', join(root, 'examples'), join(root, 'stdlib', 'templates'), '--out', join(dir, 'demo')], dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/(\d+)\/\1 policies built and round-tripped/);
    expect(r.out).not.toMatch(/FAILED|≠/);
  });
});
