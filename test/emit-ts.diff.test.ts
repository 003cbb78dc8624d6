/**
 * Differential tests: the generated evaluator and the interpreter give the same decision (or both
 * reject the input) on random policies, states and actions — every action type and field — on whole
 * ParticipantListUpdates, on the stdlib and example policies, and for the state-free queries. The
 * generated evaluator is pure: answers do not depend on earlier calls and inputs are never written.
 * MIMI_FUZZ=<runs> turns the random policies up (default: a quick pass).
 */
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitOptionsFromSymbols } from '../compiler/emit/typescript.js';
import { compileFile } from '../compiler/index.js';
import { allowedTargets, authorize, authorizeUpdate, canTransition, hasCapability, indexPolicy, parseState, preauthorizedRole } from '../runtime/evaluator/index.js';
import type { Policy } from '../runtime/ir.js';
import { arbAction, arbEvalPolicy, arbMaybeBrokenSender, arbMaybeBrokenState, arbMaybeBrokenUpdate, CLAIMS } from './evaluator-arbitraries.js';
import { generate, type GeneratedEvaluator } from './emit-ts-module.js';

const FUZZ = Number(process.env.MIMI_FUZZ ?? 0);
const root = join(import.meta.dirname, '..');

type Outcome = { threw: true } | { threw: false; value: unknown };
const outcome = (f: () => unknown): Outcome => {
  try {
    return { threw: false, value: f() };
  } catch (e) {
    if ((e as Error).name !== 'InvalidInputError') throw e;
    return { threw: true };
  }
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const errorOf = (f: () => unknown): any => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an InvalidInputError');
};

/**
 * The first problem an evaluator reports, `path: message`. The interpreter reports every problem, the
 * generated evaluator the first, in the same order (both check the shapes of runtime/evaluator/inputs.ts),
 * with the same message — up to the interpreter's did-you-mean for an unknown name, which the
 * generated evaluator (no edit distances in it) leaves out.
 */
const firstProblem = (f: () => unknown): string => {
  const e = errorOf(f);
  const plain = (m: string) => m.replace(/; (did you mean|expected one of) .*$/, '');
  if (Array.isArray(e.issues)) return `${e.issues[0].path}: ${plain(e.issues[0].message)}`;
  const prefix = e.path ? `\`${e.path}\`: ` : '';
  return `${e.path}: ${plain((e.message as string).slice(prefix.length))}`;
};

const deepFreeze = <T>(x: T): T => {
  if (typeof x === 'object' && x !== null) {
    Object.values(x).forEach(deepFreeze);
    Object.freeze(x);
  }
  return x;
};

/** Compare the two evaluators on one policy over random states, actions and updates. */
function agree(policy: Policy, gen: GeneratedEvaluator, runs: number, names?: ReadonlyMap<string, number>) {
  const ip = indexPolicy(policy, names ? { capabilityNames: names } : {});
  fc.assert(
    fc.property(arbMaybeBrokenState(policy), fc.array(arbAction, { minLength: 1, maxLength: 8 }), (state, actions) => {
      deepFreeze(state);
      // a malformed state: both reject it, the generated evaluator with a problem the interpreter reports too
      const wantState = outcome(() => parseState(ip, state as never));
      expect(outcome(() => gen.prepareState(state)).threw, JSON.stringify(state)).toBe(wantState.threw);
      if (wantState.threw) {
        expect(firstProblem(() => gen.prepareState(state)), JSON.stringify(state)).toBe(firstProblem(() => parseState(ip, state as never)));
        // the state is checked first: whatever the action, its first problem
        for (const action of actions) expect(firstProblem(() => gen.authorize(state, action as never)), JSON.stringify({ state, action })).toBe(firstProblem(() => authorize(ip, state as never, action as never)));
        return;
      }
      const prepared = gen.prepareState(state);
      for (const action of actions) {
        deepFreeze(action);
        const want = outcome(() => authorize(ip, state as never, action as never));
        expect(outcome(() => gen.authorize(state, action as never)), JSON.stringify({ state, action })).toEqual(want);
        expect(outcome(() => gen.authorize(prepared, action as never))).toEqual(want);
        // the same first problem, at the same path
        if (want.threw) expect(firstProblem(() => gen.authorize(prepared, action as never)), JSON.stringify(action)).toBe(firstProblem(() => authorize(ip, state as never, action as never)));
      }
    }),
    { numRuns: runs },
  );
  fc.assert(
    fc.property(arbMaybeBrokenState(policy), arbMaybeBrokenSender, arbMaybeBrokenUpdate, (state, sender, update) => {
      deepFreeze([state, sender, update]);
      const want = outcome(() => authorizeUpdate(ip, state as never, sender as never, update as never));
      expect(outcome(() => gen.authorizeUpdate(state, sender as never, update as never)), JSON.stringify({ state, sender, update })).toEqual(want);
      if (want.threw) expect(firstProblem(() => gen.authorizeUpdate(state, sender as never, update as never)), JSON.stringify({ state, sender, update })).toBe(firstProblem(() => authorizeUpdate(ip, state as never, sender as never, update as never)));
    }),
    { numRuns: Math.ceil(runs / 2) },
  );
  const indexes = [0, 1, 2, 3, 4, 5, 6, 7, 9, ...policy.roles.map((r) => r.index)];
  for (const a of indexes)
    for (const f of indexes) {
      expect(gen.allowedTargets(a, f), `allowedTargets(${a}, ${f})`).toEqual(allowedTargets(ip, a, f));
      for (const t of indexes) if (gen.canTransition(a, f, t) !== canTransition(ip, a, f, t)) expect.fail(`canTransition(${a}, ${f}, ${t})`);
    }
  for (const r of indexes) for (const c of [0, 1, 4, 5, 10, 11, 12, 15, 16, 0x100, 0xf001, 0x1234, 0xffff]) expect(gen.hasCapability(r, c)).toBe(hasCapability(ip, r, c));
  for (const claims of [[], CLAIMS, [CLAIMS[0]], [CLAIMS[1]], [CLAIMS[2]]]) expect(gen.preauthorizedRole(claims)).toBe(preauthorizedRole(ip, claims));
}

describe('generated evaluator ≡ interpreter', () => {
  it(`on random policies (${FUZZ || 12} policies)`, async () => {
    const policies = fc.sample(arbEvalPolicy, { numRuns: FUZZ || 12, seed: 4242 });
    for (const [i, policy] of policies.entries()) {
      const { mod } = await generate(policy, { format: false, ...(i % 3 === 2 ? { denseRoleLimit: 0 } : {}) });
      agree(policy, mod, FUZZ ? 200 : 40);
    }
  });

  it('on policies with role indexes far apart (sparse slot lookup)', async () => {
    const far = (i: number) => (i === 2 ? 70_000 : i === 3 ? 0xffffffff : i);
    const policies = fc.sample(arbEvalPolicy, { numRuns: 4, seed: 99 }).map((p) => ({
      ...p,
      roles: p.roles.map((r) => ({ ...r, index: far(r.index), changes: r.changes.map((c) => ({ from: far(c.from), to: c.to.map(far) })) })),
    }));
    for (const policy of policies) {
      const { mod, text } = await generate(policy, { format: false });
      if (policy.roles.some((r) => r.index > 4096)) expect(text).toContain('new Map<number, number>');
      agree(policy, mod, 30);
    }
  });

  const files = [
    ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mimi')).map((f) => join(root, 'examples', f)),
    ...readdirSync(join(root, 'stdlib', 'templates')).map((f) => join(root, 'stdlib', 'templates', f)),
  ];
  it.each(files.map((f) => [f.slice(root.length + 1), f]))('on %s', async (_, file) => {
    const r = compileFile(file);
    expect(r.ok).toBe(true);
    const options = emitOptionsFromSymbols(r.symbols);
    const { mod } = await generate(r.policy, options);
    // states over the policy's own users and roles, as well as the generic pools
    agree(r.policy, mod, FUZZ ? 100 : 15, options.capabilityNames);
  });
});

describe('the generated evaluator is pure', () => {
  it('answers do not depend on earlier calls, and inputs are never written', async () => {
    const policy = fc.sample(arbEvalPolicy, { numRuns: 1, seed: 7 })[0];
    const { mod } = await generate(policy, { format: false });
    const { mod: fresh } = await generate(policy, { format: false });
    fc.assert(
      fc.property(arbMaybeBrokenState(policy), fc.array(arbAction, { minLength: 2, maxLength: 10 }), (state, actions) => {
        deepFreeze([state, actions]);
        const once = actions.map((a) => outcome(() => fresh.authorize(state, a)));
        // the same calls, reversed and interleaved with others, on a module that has already served many
        const again = [...actions].reverse().map((a) => (outcome(() => mod.authorize(state, actions[0])), outcome(() => mod.authorize(state, a))));
        expect(again.reverse()).toEqual(once);
      }),
      { numRuns: 50 },
    );
    const bytes = mod.policyBytes();
    bytes[0] ^= 0xff;
    expect(mod.isPolicy(mod.policyBytes())).toBe(true);
    expect(mod.isPolicy(bytes)).toBe(false);
  });
});
