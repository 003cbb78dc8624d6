// The npm package as a consumer gets it: `npm pack`, then `npm install` of the tarball into a scratch
// project. It installs without an install script or build, carries what the README links (docs/,
// schemas/, LICENSE) and no sources of tests, and both entry points and the command work from it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project = '';
let installLog = '';
let files: string[] = [];

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-pack-'));
  // dist/ is built by `npm test` before vitest runs; --ignore-scripts skips prepack's second build
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path).sort();
  project = join(dir, 'app');
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  const r = spawnSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed[0]!.filename)], { cwd: project, encoding: 'utf8' });
  installLog = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`npm install of the tarball failed:\n${installLog}`);
}, 120_000);

describe('the npm package', () => {
  it('installs with no install script or build, and carries docs, schemas and the licence but no tests or TypeScript sources', () => {
    expect(installLog).not.toMatch(/install-scripts|prepare|npm error/);
    for (const f of ['LICENSE', 'README.md', 'docs/language.md', 'docs/semantics.md', 'schemas/diagnostic.schema.json', 'schemas/check-report.schema.json', 'dist/index.js', 'dist/runtime/index.js', 'bin/mimi-policy.js'])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('dist/test/'))).toEqual([]);
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !f.startsWith('stdlib/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(existsSync(join(project, 'node_modules/mimi-policy/dist/cli/main.js'))).toBe(true);
  });

  it('both entry points import from the installed package and decide', () => {
    const script = [
      "import { compileFile } from 'mimi-policy';",
      "import { indexPolicy, authorize } from 'mimi-policy/runtime';",
      "const r = compileFile('node_modules/mimi-policy/examples/multi-org.mimi');",
      'const ip = indexPolicy(r.policy);',
      "const d = authorize(ip, { participants: [{ user: 'alice', role: 'global_admin', clients: 1 }] }, { type: 'capability', actor: 'alice', capability: 'canBan' });",
      'console.log(JSON.stringify({ roles: r.policy.roles.length, allowed: d.allowed }));',
    ].join('\n');
    writeFileSync(join(project, 'use.mjs'), script);
    const out = execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ roles: 7, allowed: true });
  });

  it('the installed command checks a bundled example', () => {
    const bin = join(project, 'node_modules/.bin/mimi-policy');
    const r = spawnSync(bin, ['check', 'node_modules/mimi-policy/examples/dm.mimi'], { cwd: project, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/dm\.mimi: ok \(2 roles/);
    expect(readdirSync(join(project, 'node_modules/mimi-policy/schemas')).sort()).toEqual(['check-report.schema.json', 'diagnostic.schema.json']);
  });
});
