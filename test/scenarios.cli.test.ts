/**
 * `mimi-policy test` on the command line (in-process): a file of scenarios only (the located error
 * without a policy, `--policy`), `--filter`, and `--min-coverage` (exit code, the line, the JSON).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../compiler/cli/main.js';

let dir: string;
async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t: string) => void (out += t), err: (t: string) => void (err += t), cwd: dir } as never);
  return { code, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mimi-scen-'));
  writeFileSync(
    join(dir, 'policy.mimi'),
    `capability canEditOtherMessage = 0xF001
role no_role @0 { }
role banned @1 { active 0..0 }
role regular @2 { grant canSendMessage canRemoveSelf  changes { regular -> none } }
role mod @3 extends regular { grant canEditOtherMessage canBan  changes { regular -> banned } }
`,
  );
  const scenarios = `// scenarios only
scenario "edit" {
  given { m: mod  u: regular }
  expect allow m capability canEditOtherMessage
}
scenario "ban" {
  given { m: mod  u: regular }
  expect allow m ban u
  expect u banned
}
`;
  writeFileSync(join(dir, 'only.mimi'), scenarios);
  writeFileSync(join(dir, 'imports.mimi'), `import "./policy.mimi"\n${scenarios}`);
});

describe('a file of scenarios without a policy', () => {
  it('is one located error that says how to give the policy, exit 2', async () => {
    const r = await cli('test', join(dir, 'only.mimi'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([
      expect.stringMatching(/only\.mimi:2:1: error: these scenarios need a policy to run against, and this file has none \(no roles\)$/),
      expect.stringMatching(/--policy <policy\.mimi>`, or add `import "\.\/<policy>\.mimi"`/),
    ]);
  });
  it('runs against --policy, the file keeping its own lines', async () => {
    const r = await cli('test', join(dir, 'only.mimi'), '--policy', join(dir, 'policy.mimi'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3/3 expectations met in 2 scenarios');
    expect(r.out).toContain('allowed (ok:canEditOtherMessage)');
  });
  it('--policy with a file that has its own policy is refused, exit 2', async () => {
    const r = await cli('test', join(dir, 'imports.mimi'), '--policy', join(dir, 'policy.mimi'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has its own policy/);
  });
});

describe('--filter', () => {
  it('runs only the scenarios whose name contains the text', async () => {
    const r = await cli('test', join(dir, 'imports.mimi'), '--filter', 'ban');
    expect(r.code).toBe(0);
    expect(r.out).toContain('scenario "ban" passed');
    expect(r.out).not.toContain('scenario "edit"');
    expect(r.out).toContain('2/2 expectations met in 1 scenarios');
  });
  it('a filter that matches nothing is a failure that says so', async () => {
    const r = await cli('test', join(dir, 'imports.mimi'), '--filter', 'nothing');
    expect(r.code).toBe(1);
    expect(r.err).toBe("no scenario's name contains `nothing` (--filter)\n");
  });
});

describe('--min-coverage', () => {
  it('below the minimum: exit 1 and one line naming both figures', async () => {
    const r = await cli('test', join(dir, 'imports.mimi'), '--min-coverage', '90');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/coverage: 50% of roles, role changes and capabilities exercised/);
    expect(r.err).toMatch(/imports\.mimi: coverage 50% is below --min-coverage 90%\n$/);
  });
  it('met: exit 0; the JSON has the percentage, the minimum and whether it is met', async () => {
    const r = await cli('test', join(dir, 'imports.mimi'), '--min-coverage', '50', '-f', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).files[0].coverage).toMatchObject({ percent: 50, minimum: 50, met: true });
  });
  it('a value that is not a percentage is a usage error', async () => {
    for (const v of ['abc', '101', '-1']) expect((await cli('test', join(dir, 'imports.mimi'), '--min-coverage', v)).code).toBe(2);
  });
});
