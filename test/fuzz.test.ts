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
