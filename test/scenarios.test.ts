/**
 * Scenarios: resolution and errors, running them on the interpreter with the state carried forward,
 * coverage, and `compare` on two policies.
 */
import { describe, expect, it } from 'vitest';
import { compare, namesOf, renderComparison } from '../compiler/compare.js';
import { runWithCoverage } from '../compiler/scenarios.js';
import { compileVirtual, diagnose } from './harness.js';

const POLICY = `
role no_role @0 { }
role banned @1 { active 0..0 }
role member @2 { grant canSendMessage canRemoveSelf  changes { member -> none } }
role mod @3 extends member {
  grant canBan canUnBan canKick canAddParticipant canRemoveParticipant
  changes { none -> member  member -> none, banned  banned -> member }
}
`;
const run = (src: string) => {
  const r = compileVirtual(src);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const capabilityNames = new Map([...r.symbols.privateCapabilities].map(([n, v]) => [n, v.code] as [string, number]));
  return runWithCoverage(r.policy, r.scenarios, namesOf({ policy: r.policy, roleNames: new Map([...r.symbols.roles].map(([n, s]) => [n, s.index])) }), { capabilityNames });
};

describe('scenario language', () => {
  it('reports unknown actions, roles, capabilities and join modes, each located', () => {
    const seen = diagnose(`${POLICY}
scenario "s" {
  given { a: mod  b: membr }
  expect allow a remov b
  expect allow a capability canSendMesage
  expect allow x join via door
  expect allow a ban
  expect allow a leave b
}`);
    expect(seen.map((d) => [d.code, d.underline])).toEqual([
      ['E0102', 'membr'],
      ['E0130', 'remov'],
      ['E0130', 'canSendMesage'],
      ['E0130', 'door'],
      ['E0130', 'ban'],
      ['E0130', 'b'],
    ]);
  });
});

describe('running scenarios', () => {
  it('carries the state forward through allowed steps only', () => {
    const { results } = run(`${POLICY}
scenario "ban and come back" {
  given { m: mod  u: member clients 2 }
  expect deny  u ban m
  expect allow m ban u
  expect deny  u capability canSendMessage
  expect deny  m kick u
  expect allow m unban u to member
  expect allow u capability canSendMessage
  expect allow u leave
  expect allow m add u to member
}`);
    const steps = results[0].steps;
    expect(steps.map((s) => [s.passed, s.decision?.rule])).toEqual([
      [true, 'missing_capability'],
      [true, 'ok:canBan'],
      [true, 'missing_capability'], // banned now
      [true, 'no_clients'], // the ban removed u's clients, so there is nothing to kick
      [true, 'ok:canUnBan'],
      [true, 'ok:canSendMessage'],
      [true, 'ok:canRemoveSelf'],
      [true, 'ok:canAddParticipant'],
    ]);
    expect(results[0].passed).toBe(true);
  });
  it('a failed expectation names the decision it got', () => {
    const { results } = run(`${POLICY} scenario "s" { given { u: member  v: member } expect allow u remove v }`);
    expect(results[0].passed).toBe(false);
    expect(results[0].steps[0].decision).toMatchObject({ allowed: false, rule: 'missing_capability' });
  });
  it('coverage lists what no step exercised', () => {
    const { coverage } = run(`${POLICY} scenario "s" { given { m: mod  u: member } expect allow m remove u }`);
    expect(coverage.roles).toEqual([0, 1]);
    expect(coverage.transitions).toContainEqual({ holder: 3, from: 1, to: 2 });
    expect(coverage.transitions).not.toContainEqual({ holder: 3, from: 2, to: 0 });
  });
});

describe('private-use capabilities in scenarios', () => {
  const PRIVATE = `
capability canEditOtherMessage = 0xF001
role member @2 { grant canSendMessage }
role mod @3 extends member { grant canEditOtherMessage }
`;
  it('a capability the policy declares is recognised by name and by code', () => {
    const { results } = run(`${PRIVATE}
scenario "edit" {
  given { m: mod  u: member }
  expect allow m capability canEditOtherMessage
  expect deny  u capability canEditOtherMessage
  expect allow m capability 0xF001
  expect deny  u capability 61441
  expect deny  m capability 0xF002
}`);
    expect(results[0].steps.map((s) => [s.passed, s.error, s.decision?.rule])).toEqual([
      [true, undefined, 'ok:canEditOtherMessage'],
      [true, undefined, 'missing_capability'],
      [true, undefined, 'ok:canEditOtherMessage'],
      [true, undefined, 'missing_capability'],
      [true, undefined, 'missing_capability'],
    ]);
  });
  it('an undeclared name, a code beyond 16 bits and a number where a user goes are located errors', () => {
    expect(diagnose(`${PRIVATE}
scenario "s" {
  given { m: mod  u: member }
  expect allow m capability canEditOtherMesage
  expect allow m capability 0x10000
  expect allow m remove 3
}`).map((d) => [d.code, d.underline])).toEqual([
      ['E0130', 'canEditOtherMesage'],
      ['E0130', '0x10000'],
      ['E0130', '3'],
    ]);
  });
});

describe('compare', () => {
  const other = compileVirtual(POLICY.replace('canKick', '').replace('banned -> member', 'banned -> none'));
  const self = compileVirtual(`${POLICY} scenario "unban" { given { m: mod  u: member } expect allow m ban u  expect allow m unban u to member }`);
  const side = (r: ReturnType<typeof compileVirtual>, label: string) => ({ label, policy: r.policy, roleNames: new Map([...r.symbols.roles].map(([n, s]) => [n, s.index])), findings: [] });
  const c = compare(side(self, 'a'), side(other, 'b'), { scenarios: self.scenarios });
  it('counts roles, transitions and wire bytes', () => {
    expect(c.a.roles).toBe(4);
    expect(c.a.transitions).toBe(c.b.transitions);
    expect(c.a.wireBytes).toBeGreaterThan(c.b.wireBytes);
  });
  it('lists capability and transition differences of matched roles', () => {
    const mod = c.matched.find((m) => m.a === 'mod')!;
    expect(mod.onlyInA).toEqual(['canKick']);
    expect(mod.transitionsOnlyInA).toEqual(['banned -> member']);
    expect(mod.transitionsOnlyInB).toEqual(['banned -> no_role']);
  });
  it('runs every scenario under both, differing decisions first', () => {
    expect(c.scenarios[0]).toMatchObject({ step: 'expect allow m unban u to member', differs: true, b: { allowed: false, rule: 'no_role_change_entry' } });
    expect(c.scenarios[1].differs).toBe(false);
    const md = renderComparison(c, 'markdown');
    expect(md).toContain('| ≠ | unban | expect allow m unban u to member | ✓ allow (ok:canUnBan) | ✗ deny (no_role_change_entry) |');
  });
});
