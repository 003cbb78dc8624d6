/**
 * The analyses through the spawned CLI (bin/ → dist/, built by `npm test` before vitest runs):
 * `check` lists findings with their paths (human and JSON), acknowledged findings do not fail
 * --deny-warnings, wire input gets the same findings; `explain` answers yes with the shortest path,
 * no with what is missing, lists what a role reaches, and follows the exit-code conventions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'mimi-policy.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const POLICY = `role no_role @0 { }
role banned @1 { active 0..0 }
role member @2 { grant canSendMessage, canRemoveSelf  changes { member -> none } }
role helper @3 {
  grant canSendMessage, canChangeUserRole
  changes { helper -> mod }
}
role mod @4 { grant canSendMessage, canKick }
`;

let dir: string;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mimi-analyses-'));
  writeFileSync(join(dir, 'p.mimi'), POLICY);
  writeFileSync(join(dir, 'ack.mimi'), `${POLICY}allow escalation for helper because "helpers appoint moderators"\n`);
});

describe('check with analyses', () => {
  it('prints the finding with its numbered path; warnings fail only --deny-warnings', () => {
    const r = run(['check', 'p.mimi']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning[W0506]: holders of `helper` can come to exercise `canKick`');
    expect(r.err).toContain('= path:\n      1. a `helper` holder moves a `helper` user to `mod` (`canChangeUserRole`)');
    expect(r.err).toMatch(/p.mimi: ok \(5 roles; 0 errors, 1 warning\)/);
    expect(run(['check', '--deny-warnings', 'p.mimi']).code).toBe(1);
    expect(run(['check', '--no-analyses', '--deny-warnings', 'p.mimi']).code).toBe(0);
  });
  it('JSON: kind, roles, subkind and path in the one diagnostics list', () => {
    const json = JSON.parse(run(['check', '-f', 'json', 'p.mimi']).out);
    const d = json.diagnostics.find((x: { kind: string }) => x.kind === 'escalation');
    expect(d).toMatchObject({ code: 'W0506', severity: 'warning', roles: [3, 4], subkind: 'direct', span: { line: 5, column: 25 } });
    expect(d.path).toEqual([{ actor: { index: 3, name: 'helper' }, action: 'changeRole', capability: 'canChangeUserRole', target: { from: { index: 3, name: 'helper' }, to: { index: 4, name: 'mod' } } }]);
  });
  it('acknowledged findings are listed as such and do not fail --deny-warnings', () => {
    const r = run(['check', '--deny-warnings', 'ack.mimi']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning[W0506] (acknowledged): holders of `helper`');
    expect(r.err).toContain('= acknowledged: helpers appoint moderators');
    expect(r.err).toMatch(/ack.mimi: ok \(5 roles; 0 errors, 0 warnings, 1 acknowledged\)/);
    const json = JSON.parse(run(['check', '-f', 'json', 'ack.mimi']).out);
    expect(json.diagnostics.find((x: { kind: string }) => x.kind === 'escalation').acknowledged).toEqual({ reason: 'helpers appoint moderators' });
    expect(json.files[0].ok).toBe(true);
  });
  it('wire input gets the same findings, without a span', () => {
    expect(run(['build', 'p.mimi', '--out', 'w']).code).toBe(0);
    const json = JSON.parse(run(['check', '-f', 'json', 'w/p.policy.bin']).out);
    const d = json.diagnostics.find((x: { kind: string }) => x.kind === 'escalation');
    expect(d).toMatchObject({ code: 'W0506', span: null, roles: [3, 4] });
    expect(d.path).toHaveLength(1);
  });
  it('the minimum findings: a creation-only role fails --deny-warnings until acknowledged; a last holder is a note', () => {
    const room = 'role no_role @0 { }\nrole banned @1 { active 0..0 }\nrole owner @2 {\n  grant canRemoveSelf, canAddParticipant\n  participants 1..\n  changes { owner -> none  none -> owner }\n}\nrole hub @3 { grant canKick  participants 1.. }\nparticipants { "o@x": owner  "h@x": hub }\n';
    writeFileSync(join(dir, 'min.mimi'), room);
    const r = run(['check', '--deny-warnings', 'min.mimi']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('warning[W0513]: only the users listed at creation can ever hold `hub`');
    expect(r.err).toContain('info[I0511]: `owner` needs at least 1 participant, so its last holder can never leave or be removed');
    expect(r.err).toContain('= path:\n      1. an `owner` user leaves the room (`canRemoveSelf`)');
    writeFileSync(join(dir, 'min-ack.mimi'), `${room}allow creation-only-role for hub because "the hub is set when the room is created"\n`);
    const ok = run(['check', '--deny-warnings', 'min-ack.mimi']);
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/min-ack.mimi: ok \(4 roles; 0 errors, 0 warnings, 1 note, 1 acknowledged\)/);
  });
});

describe('explain', () => {
  it('--help, exit 0', () => {
    const r = run(['explain', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: mimi-policy explain/);
    expect(r.out).toMatch(/Exit codes/);
  });
  it('yes: the shortest path, each step with where it is authorized', () => {
    const r = run(['explain', 'p.mimi', '--role', 'helper', '--capability', 'canKick']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('yes: holders of `helper` can come to exercise `canKick` (direct, 1 step):\n  1. a `helper` holder moves a `helper` user to `mod` (`canChangeUserRole`)  [p.mimi:6:13]\n');
  });
  it('yes, held: and by index', () => {
    expect(run(['explain', 'p.mimi', '-r', '4', '-c', 'canKick']).out).toBe('yes: holders of `mod` hold `canKick` themselves\n');
  });
  it('no: what is missing', () => {
    const r = run(['explain', 'p.mimi', '--role', 'member', '--capability', 'canKick']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'no: holders of `member` cannot come to exercise `canKick`\n  - holders of `member` can get accounts into no other role\n  - `helper` can move users into `mod` (`helper -> mod` with `canChangeUserRole`), but holders of `member` cannot get an account into `helper`\n',
    );
  });
  it('--role alone: everything the role reaches, and how; JSON', () => {
    const r = run(['explain', 'p.mimi', '--role', 'helper']);
    expect(r.out).toContain('holders of `helper` hold 2 capabilities: canChangeUserRole, canSendMessage\nand can come to exercise 1 more:\n  `canKick` — direct, 1 step:');
    const json = JSON.parse(run(['explain', 'p.mimi', '--role', 'helper', '-f', 'json']).out);
    expect(json.role).toEqual({ index: 3, name: 'helper' });
    expect(json.reachable).toEqual([expect.objectContaining({ capabilities: ['canKick'], subkind: 'direct', public: false })]);
    const yes = JSON.parse(run(['explain', 'p.mimi', '--role', 'helper', '-c', 'canKick', '-f', 'json']).out);
    expect(yes).toMatchObject({ answer: 'yes', held: false, subkind: 'direct', path: [{ action: 'changeRole', at: { file: 'p.mimi', line: 6, column: 13 } }] });
  });
  it('usage errors exit 2 with a suggestion', () => {
    const role = run(['explain', 'p.mimi', '--role', 'helpr']);
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/no role `helpr` in p.mimi \(did you mean `helper`\?\)/);
    const cap = run(['explain', 'p.mimi', '--role', 'helper', '-c', 'canKik']);
    expect(cap.code).toBe(2);
    expect(cap.err).toMatch(/did you mean `canKick`\?/);
    expect(run(['explain', 'p.mimi']).code).toBe(2);
  });
  it('a policy with errors exits 1, with its suggestion', () => {
    writeFileSync(join(dir, 'bad.mimi'), 'role a @2 { grant canUnban }\n');
    const bad = run(['explain', 'bad.mimi', '--role', 'a']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/did you mean `canUnBan`/);
  });
});
