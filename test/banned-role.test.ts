/**
 * Role 1 not named `banned` (issue 10): the draft makes "the role_name of role 1 MUST be `banned`" a
 * condition of canBan and canUnBan, not of the policy. Such a policy is checked, built, read back and
 * decided: ban and unban are denied (`no_banned_role`) by both evaluators, and a warning says why.
 */
import { describe, expect, it } from 'vitest';
import { decodePolicy, encodePolicy } from '../runtime/codec/index.js';
import { authorize } from '../runtime/evaluator/index.js';
import { compileVirtual } from './harness.js';
import { generate } from './emit-ts-module.js';

const SRC = `
role no_role @0 { }
role blocked @1 { }
role mod @2 {
  grant canBan, canUnBan, canChangeUserRole, canRemoveParticipant
  changes { mod -> blocked, none  blocked -> mod }
}
participants { "a": mod "b": mod }
`;
const state = { participants: [ { user: 'a', role: 2, clients: 1 }, { user: 'b', role: 2, clients: 1 }, { user: 'c', role: 1, clients: 0 } ] };

describe('role 1 named otherwise than `banned`', () => {
  it('is a valid policy, with a warning at the role that says what it means', () => {
    const r = compileVirtual(SRC);
    expect(r.ok).toBe(true);
    const w = r.diagnostics.find((d) => d.kind === 'banned-role-name')!;
    expect(w.code).toBe('W0202');
    expect(w.severity).toBe('warning');
    expect(w.message).toMatch(/nobody can ban or unban/);
    expect(w.span?.line).toBe(3);
  });

  it('round-trips through the wire and is decided: ban and unban denied, other moves into role 1 allowed', async () => {
    const r = compileVirtual(SRC);
    const policy = decodePolicy(encodePolicy(r.policy!));
    const gen = (await generate(policy)).mod;
    for (const decide of [(s: unknown, a: unknown) => authorize(policy, s as never, a as never), gen.authorize]) {
      expect(decide(state, { type: 'ban', actor: 'a', target: 'b' })).toMatchObject({ allowed: false, rule: 'no_banned_role' });
      expect(decide(state, { type: 'unban', actor: 'a', target: 'c', to: 'mod' })).toMatchObject({ allowed: false, rule: 'no_banned_role' });
      // role 1 is an ordinary role: moving into it is a role change
      expect(decide(state, { type: 'changeRole', actor: 'a', target: 'b', to: 'blocked' })).toMatchObject({ allowed: true });
      expect(decide(state, { type: 'remove', actor: 'a', target: 'b' })).toMatchObject({ allowed: true });
    }
  });
});
