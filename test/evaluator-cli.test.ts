/**
 * `mimi-policy authorize` and `build --emit ts` end to end, as spawned processes running dist/
 * (built by `npm test` before vitest runs): decisions as JSON, the batch mode with per-line errors and
 * per-line policies, exit codes, and all-or-nothing output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'mimi-policy.js');
const run = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

let dir: string;
const multiOrg = join(root, 'examples', 'multi-org.mimi');
const STATE = { participants: [{ user: 'arthur', role: 'acme_admin', clients: 2 }, { user: 'amy', role: 2, clients: 1 }, { user: 'greg', role: 'globex_member', clients: 1 }] };
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'commands', 'authorize.js'))) throw new Error('dist/ is stale: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mimi-authorize-'));
  writeFileSync(join(dir, 'state.json'), JSON.stringify(STATE));
  writeFileSync(join(dir, 'ban-amy.json'), JSON.stringify({ type: 'ban', actor: 'arthur', target: 'amy' }));
  writeFileSync(join(dir, 'ban-greg.json'), JSON.stringify({ type: 'ban', actor: 'arthur', target: 'greg' }));
  writeFileSync(join(dir, 'bad-action.json'), JSON.stringify({ type: 'ban', actor: 'arthur', target: 'amy', to: 'banned' }));
  writeFileSync(join(dir, 'typo-action.json'), JSON.stringify({ type: 'bann', actor: 'arthur', target: 'amy' }));
  writeFileSync(join(dir, 'broken-state.json'), '{ "participants": [\n  { "user": "amy", "role": 2 "clients": 1 }\n] }\n');
  mkdirSync(join(dir, 'suite', 'policies'), { recursive: true });
  // a policy with a warning: its diagnostics must be printed once however many cases use it
  writeFileSync(join(dir, 'suite', 'policies', 'knock.mimi'), 'role no_role @0 { grant canOpenJoin changes { none -> member } }\nrole member @2 { grant canKnock }\n');
  writeFileSync(join(dir, 'suite', 'policies', 'broken.mimi'), 'role member @2 { grant canUnban }\n');
  const lines = [
    { id: 'ban-amy', participants: STATE.participants, action: { type: 'ban', actor: 'arthur', target: 'amy' } },
    { id: 'ban-greg', participants: STATE.participants, action: { type: 'ban', actor: 'arthur', target: 'greg' } },
    '',
    '{ not json',
    { id: 'typo', participants: STATE.participants, action: { type: 'ban', actor: 'arthur', target: 'amy', to: 1 } },
    { id: 'join-1', policy: 'policies/knock.mimi', participants: [], action: { type: 'join', actor: 'x', via: 'open', to: 'member' } },
    { id: 'join-2', policy: 'policies/knock.mimi', participants: [{ user: 'x', role: 2, clients: 1 }], action: { type: 'join', actor: 'x', via: 'open', to: 'member' } },
    { id: 'broken', policy: 'policies/broken.mimi', participants: [], action: { type: 'leave', actor: 'x' } },
    { id: 'missing', policy: 'policies/nope.mimi', participants: [], action: { type: 'leave', actor: 'x' } },
    { id: 7, participants: STATE.participants, action: { type: 'capability', actor: 'amy', capability: 'canSendMessage' } },
  ];
  writeFileSync(join(dir, 'suite', 'cases.jsonl'), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
});

describe('mimi-policy authorize', () => {
  it('--help, exit 0', () => {
    const r = run(['authorize', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: mimi-policy authorize/);
    expect(r.out).toMatch(/Exit codes/);
  });
  it('one action: the decision as JSON, exit 0 whether allowed or denied', () => {
    const yes = run(['authorize', multiOrg, '--state', 'state.json', '--action', 'ban-amy.json', '-f', 'json'], dir);
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.out)).toEqual({ allowed: true, rule: 'ok:canBan', reason: '`acme_admin` may ban `amy`, who has `acme_member` (canBan)' });
    const no = run(['authorize', multiOrg, '--state', 'state.json', '--action', 'ban-greg.json'], dir);
    expect(no.code).toBe(0);
    expect(no.out).toBe('denied (no_role_change_entry): `acme_admin` has no authorized role change `globex_member` -> `banned`\n');
  });
  it('malformed input is an error (exit 1)', () => {
    const bad = run(['authorize', multiOrg, '--state', 'state.json', '--action', 'bad-action.json'], dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/`action\.to`: unrecognized key/);
    expect(bad.out).toBe('');
    const typo = run(['authorize', multiOrg, '--state', 'state.json', '--action', 'typo-action.json'], dir);
    expect([typo.code, typo.err.trim()]).toEqual([1, 'mimi-policy: `action.type`: unknown action type `bann`; did you mean `ban`?']);
    // malformed JSON: the file, line and column where it stops being JSON
    const broken = run(['authorize', multiOrg, '--state', 'broken-state.json', '--action', 'ban-amy.json'], dir);
    expect([broken.code, broken.err.trim()]).toEqual([1, 'mimi-policy: broken-state.json:2:30: malformed JSON: unexpected `"`']);
  });
  it('usage mistakes exit 2', () => {
    expect(run(['authorize', multiOrg, '--state', 'state.json'], dir).code).toBe(2);
    expect(run(['authorize', multiOrg, '--state', 'state.json', '--action', 'nope.json'], dir).code).toBe(2);
    expect(run(['authorize', multiOrg, '--cases', 'suite/cases.jsonl', '--state', 'state.json'], dir).code).toBe(2);
  });
  it('a batch: one line per case in order, per-line errors with their line number, per-line policies', () => {
    const r = run(['authorize', multiOrg, '--cases', join('suite', 'cases.jsonl'), '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toEqual([
      { id: 'ban-amy', allowed: true, rule: 'ok:canBan', reason: expect.any(String) },
      { id: 'ban-greg', allowed: false, rule: 'no_role_change_entry', reason: expect.any(String) },
      { line: 4, error: expect.stringMatching(/^line 4, column \d+: malformed JSON: unexpected /) },
      { id: 'typo', line: 5, error: expect.stringMatching(/unrecognized key/) },
      { id: 'join-1', allowed: true, rule: 'ok:canOpenJoin', reason: '`x` may join as `member` (canOpenJoin on `no_role`)' },
      { id: 'join-2', allowed: false, rule: 'actor_listed', reason: '`x` is already in the participant list' },
      { id: 'broken', line: 8, error: expect.stringMatching(/^policy `.*broken.mimi` has errors \(1 error/) },
      { id: 'missing', line: 9, error: expect.stringMatching(/cannot read `.*nope.mimi`: no such file/) },
      { id: 7, allowed: true, rule: 'ok:canSendMessage', reason: expect.any(String) },
    ]);
    // each policy is loaded (and its diagnostics shown: errors in full, the rest counted) once
    expect(r.err.match(/: 1 warning \(run `mimi-policy check /g)).toHaveLength(1);
    expect(r.err.match(/error\[E0101\]/g)).toHaveLength(1);
    expect(r.err).toMatch(/4 case\(s\) could not be decided/);
  });
  it('a batch from stdin (`--cases -`), streamed: blank lines skipped but counted, a too long line answered in place', () => {
    const ok = JSON.stringify({ id: 'a', participants: STATE.participants, action: { type: 'ban', actor: 'arthur', target: 'amy' } });
    const long = JSON.stringify({ id: 'long', participants: STATE.participants, action: { type: 'leave', actor: 'x'.repeat(500) } });
    const input = [ok, '', long, '{"id":"dup","id":"dup2"}', ok].join('\n');
    const r = spawnSync(process.execPath, [bin, 'authorize', multiOrg, '--cases', '-', '--max-json-bytes', '400', '-f', 'human'], { cwd: dir, input, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').map((l) => l.replace(/\): .*/, ')'))).toEqual([
      'line 1 [a]: allowed (ok:canBan)',
      `line 3: error: line 3: the line is too large: ${long.length} bytes, the limit is 400 bytes; raise the limit with \`--max-json-bytes <n>\` if this input is expected`,
      'line 4: error: line 4, column 13: duplicate key `id`: a key may appear once in an object',
      'line 5 [a]: allowed (ok:canBan)',
      '',
    ]);
    expect(r.stderr).toBe('stdin: 2 case(s) could not be decided\n');
  });
});

describe('mimi-policy build --emit ts', () => {
  it('writes <name>.evaluator.ts beside the wire files', () => {
    const out = join(dir, 'build');
    const r = run(['build', multiOrg, '--out', out, '--emit', 'ts'], dir);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain('multi-org.evaluator.ts');
    const text = readFileSync(join(out, 'multi-org.evaluator.ts'), 'utf8');
    expect(text).toMatch(/^\/\/ @generated by mimi-policy \S+ from multi-org\.mimi\./);
  });
  it('all or nothing: a policy with errors writes no file; an unknown --emit is a usage error', () => {
    const out = join(dir, 'build-bad');
    expect(run(['build', join(dir, 'suite', 'policies', 'broken.mimi'), '--out', out, '--emit', 'ts'], dir).code).toBe(1);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(run(['build', multiOrg, '--out', out, '--emit', 'js'], dir).code).toBe(2);
  });
});
