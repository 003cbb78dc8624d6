/**
 * The seed scenarios of examples/models/: the same seven intents written in both role models (the
 * draft's single-role model and the hierarchy + add-ons model), each with a shared suite of
 * scenarios that states the intent.
 *
 * - every policy file's own scenarios pass under that policy (`mimi-policy test`, spawned);
 * - each shared suite, run under each model, fails exactly on the steps README.md documents as the
 *   intent that model cannot express (nothing else);
 * - `mimi-policy compare … --format json` for each shipped pair reports the documented role counts
 *   and exactly the documented differing decisions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFile } from '../compiler/index.js';
import { namesOf } from '../compiler/compare.js';
import { runWithCoverage, runScenarios } from '../compiler/scenarios.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'mimi-policy.js');
const dir = join(root, 'examples', 'models');

type Verdict = 'allow' | 'deny' | 'error';
/** A decision that differs between the models: the step (whitespace collapsed) and each model's verdict. */
type Differs = [scenario: string, step: string, single: Verdict, hierarchy: Verdict];

interface Intent {
  /** `--map a=b` pairs: single-role names → lowered hierarchy names */
  map: Record<string, string>;
  /** wire roles of the single-role policy and of the lowered hierarchy */
  roles: [number, number];
  /** the decisions that differ (README.md explains each) */
  differs: Differs[];
  /** steps of the shared suite whose expectation a model does not meet (the intent it cannot express) */
  fails: { single: string[]; hierarchy: string[] };
}

const INTENTS: Record<string, Intent> = {
  'multi-org': {
    map: { no_role: 'none', acme_member: 'member+acme', globex_member: 'member+globex', acme_admin: 'org_admin+acme', globex_admin: 'org_admin+globex' },
    roles: [7, 11],
    differs: [
      ["an org admin manages its own org's users", 'expect allow arthur add alma to acme_member', 'allow', 'deny'],
      ["an org admin manages its own org's users", 'expect allow arthur changeRole ann to acme_admin', 'allow', 'deny'],
      ["an org admin manages its own org's users", 'expect allow arthur changeRole aaron to acme_member', 'allow', 'deny'],
      ["an org admin cannot touch another org's users", 'expect deny arthur remove gus', 'deny', 'allow'],
      ["an org admin cannot touch another org's users", 'expect deny arthur ban gil', 'deny', 'allow'],
      ["an org admin cannot touch another org's users", 'expect deny greta ban ann', 'deny', 'allow'],
      ['the global admin manages everyone', 'expect allow olivia unban gus to globex_member', 'allow', 'deny'],
    ],
    fails: {
      single: [],
      hierarchy: [
        'expect allow arthur add alma to acme_member',
        'expect allow arthur changeRole ann to acme_admin',
        'expect allow arthur changeRole aaron to acme_member',
        'expect deny arthur remove gus',
        'expect deny arthur ban gil',
        'expect deny greta ban ann',
        'expect allow olivia unban gus to globex_member',
      ],
    },
  },
  addon: {
    map: { no_role: 'none', regular_programmer: 'regular+programmer', moderator_programmer: 'moderator+programmer' },
    roles: [7, 7],
    differs: [],
    fails: { single: [], hierarchy: [] },
  },
  banning: {
    map: { no_role: 'none' },
    roles: [5, 5],
    differs: [
      ["lifting a ban restores the user's role", 'expect allow a unban m to moderator', 'allow', 'deny'],
      ["lifting a ban restores the user's role", 'expect allow m capability canBan', 'allow', 'deny'],
    ],
    fails: { single: [], hierarchy: ['expect allow a unban m to moderator', 'expect allow m capability canBan'] },
  },
  kick: {
    map: { no_role: 'none' },
    roles: [4, 4],
    differs: [],
    // neither wire model scopes canKick, and `moderator -> none` (leaving) also lets a moderator remove a peer
    fails: { single: ['expect deny m kick a', 'expect deny m remove n'], hierarchy: ['expect deny m kick a', 'expect deny m remove n'] },
  },
  enforcer: {
    map: { no_role: 'none', policy_enforcer: 'enforcer' },
    roles: [6, 6],
    differs: [
      ['the enforcer does not add, restore or take part', 'expect deny hub add w to regular', 'deny', 'allow'],
      ['the enforcer does not add, restore or take part', 'expect deny hub unban v to regular', 'deny', 'allow'],
      ['the enforcer does not add, restore or take part', 'expect deny hub capability canSendMessage', 'deny', 'allow'],
      ['the enforcer does not add, restore or take part', 'expect deny hub capability canReceiveMessage', 'deny', 'allow'],
    ],
    fails: {
      single: [],
      hierarchy: ['expect deny hub add w to regular', 'expect deny hub unban v to regular', 'expect deny hub capability canSendMessage', 'expect deny hub capability canReceiveMessage'],
    },
  },
  ownership: {
    map: { no_role: 'none' },
    roles: [5, 5],
    differs: [
      ['the owner hands ownership to an admin', 'expect allow o changeRole a to owner', 'allow', 'deny'],
      ['the owner hands ownership to an admin', 'expect allow a changeRole o to admin', 'allow', 'deny'],
      ['the owner hands ownership to an admin', 'expect allow a capability canChangeRoleDefinitions', 'allow', 'deny'],
      ['the owner hands ownership to an admin', 'expect deny o capability canChangeRoleDefinitions', 'deny', 'allow'],
      ['a hand-over passes through two owners, never three', 'expect allow o changeRole a to owner', 'allow', 'deny'],
    ],
    fails: {
      single: [],
      hierarchy: [
        'expect allow o changeRole a to owner',
        'expect allow a changeRole o to admin',
        'expect allow a capability canChangeRoleDefinitions',
        'expect deny o capability canChangeRoleDefinitions',
        'expect allow o changeRole a to owner',
      ],
    },
  },
  'self-tags': {
    map: { no_role: 'none', regular_she_her: 'regular+she_her', regular_they_them: 'regular+they_them', regular_she_her_they_them: 'regular+she_her+they_them' },
    roles: [6, 7],
    differs: [
      ['a user tags themselves', 'expect allow u changeOwnRole to regular_she_her', 'allow', 'deny'],
      ['a user holds two tags', 'expect allow m changeRole v to regular_she_her_they_them', 'error', 'allow'],
    ],
    fails: {
      // the token, not the user, picks the tag; no role holds both tags
      single: ['expect allow v changeOwnRole to regular_they_them', 'expect allow w changeOwnRole to regular', 'expect allow m changeRole v to regular_she_her_they_them'],
      // self_assign and self_drop are lost in the lowering
      hierarchy: ['expect allow u changeOwnRole to regular_she_her', 'expect allow v changeOwnRole to regular_they_them', 'expect allow w changeOwnRole to regular'],
    },
  },
};

const oneSpace = (s: string) => s.replace(/\s+/g, ' ');
const file = (intent: string, kind: 'single' | 'hierarchy' | 'scenarios') => join(dir, `${intent}.${kind}.mimi`);
const mapArgs = (m: Record<string, string>) => Object.entries(m).flatMap(([a, b]) => ['--map', `${a}=${b}`]);
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const compiled = (path: string) => {
  const r = compileFile(path);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), path).toEqual([]);
  return { ...r, names: namesOf({ policy: r.policy, roleNames: new Map([...r.symbols.roles].map(([n, s]) => [n, s.index])) }) };
};

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'compiler', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
});

describe('examples/models', () => {
  it('holds exactly the three files of each intent, and the README', () => {
    const expected = Object.keys(INTENTS).flatMap((i) => ['single', 'hierarchy', 'scenarios'].map((k) => `${i}.${k}.mimi`));
    expect(readdirSync(dir).sort()).toEqual([...expected, 'README.md'].sort());
  });

  it('every policy passes its own scenarios (`mimi-policy test`)', () => {
    const files = Object.keys(INTENTS).flatMap((i) => [file(i, 'single'), file(i, 'hierarchy')]);
    const r = cli(['test', '--no-coverage', ...files]);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('✗');
  });

  it('each shared suite holds scenarios only', () => {
    for (const intent of Object.keys(INTENTS)) {
      const r = compiled(file(intent, 'scenarios'));
      expect(r.policy.roles, intent).toEqual([]);
      expect(r.scenarios.length, intent).toBeGreaterThan(0);
    }
  });
});

describe.each(Object.entries(INTENTS))('intent %s', (intent, spec) => {
  const single = compiled(file(intent, 'single'));
  const hierarchy = compiled(file(intent, 'hierarchy'));
  const suite = compiled(file(intent, 'scenarios')).scenarios;

  it('the single-role policy is written in roles, the other as a hierarchy', () => {
    expect(single.symbols.hierarchy).toBeUndefined();
    expect(hierarchy.symbols.hierarchy).toBeDefined();
  });

  it('the shared suite fails, under each model, exactly where that model cannot express the intent', () => {
    const failing = (results: ReturnType<typeof runScenarios>) => {
      expect(results.filter((s) => s.error).map((s) => s.error)).toEqual([]);
      return results.flatMap((s) => s.steps.filter((st) => !st.passed).map((st) => oneSpace(st.text)));
    };
    expect(failing(runWithCoverage(single.policy, suite, single.names).results)).toEqual(spec.fails.single);
    const rename = (n: string) => spec.map[n] ?? n;
    expect(failing(runScenarios(hierarchy.policy, suite, hierarchy.names, rename))).toEqual(spec.fails.hierarchy);
  });

  it('`compare --format json` reports the role counts and exactly the documented differences', () => {
    const r = cli(['compare', file(intent, 'single'), file(intent, 'hierarchy'), '--scenarios', file(intent, 'scenarios'), ...mapArgs(spec.map), '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const c = JSON.parse(r.out) as {
      a: { roles: number };
      b: { roles: number };
      scenarios: { scenario: string; step: string; differs: boolean; a: { allowed?: boolean }; b: { allowed?: boolean } }[];
    };
    expect([c.a.roles, c.b.roles]).toEqual(spec.roles);
    const verdict = (d: { allowed?: boolean }): Verdict => (d.allowed === undefined ? 'error' : d.allowed ? 'allow' : 'deny');
    const differing = c.scenarios.filter((s) => s.differs).map((s): Differs => [s.scenario, oneSpace(s.step), verdict(s.a), verdict(s.b)]);
    expect(differing).toEqual(spec.differs);
    expect(c.scenarios.length).toBe(suite.reduce((n, s) => n + s.steps.length, 0));
  });

  it('README.md gives the compare command with this role map', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const command = `mimi-policy compare ${intent}.single.mimi ${intent}.hierarchy.mimi --scenarios ${intent}.scenarios.mimi ${mapArgs(spec.map).join(' ')}`;
    expect(oneSpace(readme.replace(/\\\n/g, ' '))).toContain(command);
  });
});
