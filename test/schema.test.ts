/**
 * Schemas as data (runtime/schema.ts): the one checker's paths, messages and order, and the zod
 * schemas derived from the same data (runtime/zod.ts) accepting exactly what the checker accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionInputShape, SenderInputShape, StateInputShape, UpdateInputShape } from '../runtime/evaluator/inputs.js';
import { PolicyShape } from '../runtime/ir.js';
import * as S from '../runtime/schema.js';
import { toZod } from '../runtime/zod.js';
import { arbEvalPolicy } from './evaluator-arbitraries.js';

describe('check', () => {
  const shape = S.object({ name: S.string(), n: S.int(1, 9), tags: S.optional(S.array(S.hex())), max: S.nullable(S.int(0, 3)), kind: S.enumOf(['a', 'b'], 'kind') });

  it('accepts a fitting value (optional fields absent or undefined, nullable null)', () => {
    expect(S.check(shape, { name: 'x', n: 1, max: null, kind: 'a' })).toBeUndefined();
    expect(S.check(shape, { name: 'x', n: 9, tags: ['00ff', ''], max: 3, kind: 'b' })).toBeUndefined();
    expect(S.fits(shape, { name: 'x', n: 9, tags: undefined, max: 0, kind: 'b' })).toBe(true);
  });

  it('reports every problem at its path with the node’s message: unknown keys, then declared fields in order', () => {
    expect(S.check(shape, { zz: 1, kind: 'c', n: 0.5, tags: ['0F', 'a'], name: 3, max: 7 }, 'in')).toEqual([
      { path: 'in.zz', message: 'unrecognized key' },
      { path: 'in.name', message: 'expected a string' },
      { path: 'in.n', message: 'expected an integer from 1 to 9' },
      { path: 'in.tags.0', message: 'expected lowercase hex (an even number of digits)' },
      { path: 'in.tags.1', message: 'expected lowercase hex (an even number of digits)' },
      { path: 'in.max', message: 'expected an integer from 0 to 3, or null' },
      { path: 'in.kind', message: 'unknown kind `c`; expected one of a, b' },
    ]);
    expect(S.check(shape, [], 'in')).toEqual([{ path: 'in', message: 'expected an object' }]);
    expect(S.check(shape, null)).toEqual([{ path: '', message: 'expected an object' }]);
  });

  it('checks inside a nullable object or array that is there (a misspelt history key is located, not a crash later)', () => {
    const h = S.object({ n: S.nullable(S.object({ roles: S.array(S.int(0, 9)) })), xs: S.nullable(S.array(S.int(0, 9))) });
    expect(S.check(h, { n: { rolez: [] }, xs: [1, 'a'] })).toEqual([
      { path: 'n.rolez', message: 'unrecognized key' },
      { path: 'n.roles', message: expect.any(String) },
      { path: 'xs.1', message: 'expected an integer from 0 to 9' },
    ]);
    expect(S.check(h, { n: null, xs: null })).toBeUndefined();
  });

  it('stops after maxIssues', () => {
    expect(S.check(S.array(S.string()), [1, 2, 3, 4], '', { maxIssues: 2 })).toHaveLength(2);
  });

  it('a __proto__ key is an unrecognized key, not the prototype', () => {
    expect(S.check(StateInputShape, JSON.parse('{"participants":[],"__proto__":{"x":1}}'))).toEqual([{ path: '__proto__', message: 'unrecognized key' }]);
  });

  it('actions: one strict object per type, told apart by `type`', () => {
    expect(S.check(ActionInputShape, { type: 'ban', actor: 'a', target: 'b' })).toBeUndefined();
    expect(S.check(ActionInputShape, { type: 'ban', actor: 'a', target: 'b', to: 2 }, 'action')).toEqual([{ path: 'action.to', message: 'unrecognized key' }]);
    expect(S.check(ActionInputShape, { type: 'bann' }, 'action')).toEqual([{ path: 'action.type', message: expect.stringMatching(/^unknown action type `bann`; expected one of .*ban/) }]);
    expect(S.check(ActionInputShape, { type: 2 }, 'action')).toEqual([{ path: 'action.type', message: expect.stringMatching(/^expected one of /) }]);
    expect(S.check(ActionInputShape, { type: 'addOwnClient', actor: 'a', clients: 0 }, 'action')).toEqual([{ path: 'action.clients', message: 'expected an integer from 1 to 4294967295' }]);
    expect(S.check(SenderInputShape, 3, 'sender')).toEqual([{ path: 'sender', message: 'expected a user or { user, claims? }' }]);
    expect(S.check(SenderInputShape, { user: 'a', claims: [{ credentialType: 1, id: '', value: '' }] })).toBeUndefined();
  });
});

/** Values near the shapes: right and wrong kinds, in and out of ranges, extra keys. */
const arbJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, 0, 1, -1, 2.5, 65535, 65536, 4294967295, 4294967296, '', 'ab', 'AB', 'x', 'ban', 'join', 'open', 'mod', 'optional'),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('user', 'role', 'clients', 'type', 'actor', 'target', 'via', 'id', 'value', 'credentialType', 'participants', 'changed', 'removed', 'added', 'extra'), tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('toZod', () => {
  it('accepts exactly what check accepts', () => {
    for (const shape of [StateInputShape, ActionInputShape, SenderInputShape, UpdateInputShape, PolicyShape] as S.Schema[]) {
      const z = toZod(shape);
      fc.assert(
        fc.property(arbJson, (v) => {
          expect(z.safeParse(v).success, JSON.stringify(v)).toBe(S.check(shape, v) === undefined);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('accepts the policies the evaluators are tested on', () => {
    const z = toZod(PolicyShape);
    fc.assert(
      fc.property(arbEvalPolicy, (p) => {
        expect(S.check(PolicyShape, p)).toBeUndefined();
        expect(z.safeParse(p).success).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
