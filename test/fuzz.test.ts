/**
 * The seeded fuzz pass of CI (issue 10): a few hundred seeds of every target in test/fuzz/targets.ts —
 * mutated sources, mutated wire, hostile JSON, hostile authorize inputs. The same targets run for hours
 * with `npm run fuzz`. A failure names the target and seed that reproduce it.
 */
import { describe, expect, it } from 'vitest';
import { examples, runTarget, targets } from './fuzz/targets.js';

// seeds per target: enough to hit every mutation of every example several times, within a few seconds
const RUNS: Record<string, number> = { source: 80, wire: 400, json: 300, authorize: 600 };

describe('fuzz (seeded)', () => {
  it('has corpus examples to mutate', () => {
    expect(examples().length).toBeGreaterThan(10);
  });
  for (const t of targets)
    it(`${t.name}: ${t.summary}`, async () => {
      const failures = await runTarget(t, 1, RUNS[t.name] ?? 200);
      expect(failures.map((f) => `seed ${f.seed}: ${f.failure.message}`)).toEqual([]);
    });
});

describe('found by the fuzzer', () => {
  it('source seed 1001600: a lone UTF-16 surrogate is a located E0002, not an encode failure after a clean check', async () => {
    const { compileFile } = await import('../compiler/compile.js');
    const r = compileFile('/v/x.mimi', { text: 'role no_role @0 { }\nrole banned @1 { }\nrole m @2 { description "a\udc00b" }\n' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column, d.message])).toEqual([['E0002', 3, 27, 'a lone UTF-16 surrogate (U+DC00) has no UTF-8 encoding']]);
  });
  it('source seed 5015703: a hierarchy level bound past uint32 is E0114, not an encode failure after a clean check', async () => {
    const { compileFile } = await import('../compiler/compile.js');
    const r = compileFile('/v/h.mimi', { text: 'hierarchy { level a level b { participants 4294967296.. } }\n' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([['E0114', 1, 44]]);
  });
});
