/**
 * `mimi-policy fmt` end to end (the spawned binary, dist/ built by `npm test`), and the plugin as
 * prettier's own CLI loads it: `prettier --plugin mimi-policy/prettier-plugin`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'mimi-policy.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const MESSY = 'role   member {grant canSendMessage canReceiveMessage\n\n\n  changes {member->none}}\n';
const TIDY = 'role member {\n  grant canSendMessage, canReceiveMessage\n\n  changes { member -> none }\n}\n';

let dir: string;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mimi-fmt-'));
  mkdirSync(join(dir, 'policies', 'nested'), { recursive: true });
  mkdirSync(join(dir, 'policies', 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'messy.mimi'), MESSY);
  writeFileSync(join(dir, 'policies', 'tidy.mimi'), TIDY);
  writeFileSync(join(dir, 'policies', 'nested', 'messy.mimi'), MESSY);
  writeFileSync(join(dir, 'policies', 'node_modules', 'skipped.mimi'), MESSY);
  writeFileSync(join(dir, 'policies', 'notes.txt'), 'not a policy');
  writeFileSync(join(dir, 'broken.mimi'), 'role a {\n  grant\n}\n');
});

describe('mimi-policy fmt', () => {
  it('--help, exit 0', () => {
    const r = run(['fmt', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: mimi-policy fmt/);
    expect(r.out).toMatch(/Exit codes/);
  });

  it('prints one formatted file to stdout', () => {
    const r = run(['fmt', 'messy.mimi'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe(TIDY);
  });

  it('--check lists the unformatted files of folders and exits 1; --write fixes them', () => {
    const check = run(['fmt', '--check', 'policies', 'messy.mimi'], dir);
    expect(check.code).toBe(1);
    expect(check.out).toBe('policies/nested/messy.mimi\nmessy.mimi\n');
    expect(check.err).toMatch(/2 of 3 files not formatted/);

    const write = run(['fmt', '--write', 'policies'], dir);
    expect(write.code).toBe(0);
    expect(write.err).toBe('formatted policies/nested/messy.mimi\n');
    expect(readFileSync(join(dir, 'policies', 'nested', 'messy.mimi'), 'utf8')).toBe(TIDY);
    expect(readFileSync(join(dir, 'policies', 'node_modules', 'skipped.mimi'), 'utf8')).toBe(MESSY);
    expect(run(['fmt', '--check', 'policies'], dir)).toMatchObject({ code: 0, out: '' });
  });

  it('a syntax error: its diagnostics, exit 1, the file untouched', () => {
    for (const args of [['fmt', '--print-width', '30', 'broken.mimi'], ['fmt', '--write', 'broken.mimi']]) {
      const r = run(args, dir);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/error\[E0001\]: expected a name but found `}`\n --> broken.mimi:3:1/);
      expect(r.out).toBe('');
    }
    expect(readFileSync(join(dir, 'broken.mimi'), 'utf8')).toBe('role a {\n  grant\n}\n');
  });

  it('usage and I/O errors exit 2 with a pointer to --help', () => {
    for (const args of [['fmt'], ['fmt', 'messy.mimi', 'policies/tidy.mimi'], ['fmt', '--check', '--write', '--print-width', 'x', 'messy.mimi']]) {
      const r = run(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/--help/);
    }
    const missing = run(['fmt', '--check', 'nope.mimi'], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read `nope.mimi`/);
  });
});

describe('prettier --plugin mimi-policy/prettier-plugin', () => {
  it('formats .mimi files with prettier’s own CLI, the parser chosen by extension', () => {
    const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    const r = spawnSync(process.execPath, [prettier, '--plugin', 'mimi-policy/prettier-plugin', join(dir, 'messy.mimi')], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(TIDY);
  });
});
