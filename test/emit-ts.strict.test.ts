/**
 * Every generated evaluator is a file worth vendoring, not only the two golden ones: the plan printer
 * folds checks with what each policy fixes and what earlier checks established, so a policy with other
 * settings (no banned role, fixed membership, single device, limits, constraints, many roles, no
 * preauth) prints other code. Each must still type-check under the strictest flags an app may use.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitOptionsFromSymbols, emitTypeScript } from '../compiler/emit/typescript.js';
import { compileFile } from '../compiler/index.js';
import type { Policy } from '../runtime/ir.js';
import { strictProblems } from './emit-ts-module.js';
import { arbEvalPolicy } from './evaluator-arbitraries.js';

const root = join(import.meta.dirname, '..');
const sources = [...readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)), ...readdirSync(join(root, 'stdlib', 'templates')).map((f) => join(root, 'stdlib', 'templates', f))].filter((f) => f.endsWith('.mimi'));

describe('generated evaluators of varied policies', () => {
  it('type-check under --strict --noUnusedLocals --noUnusedParameters --noUncheckedIndexedAccess --exactOptionalPropertyTypes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-strict-'));
    const files: string[] = [];
    const write = (name: string, text: string) => {
      const f = join(dir, `${name}.ts`);
      writeFileSync(f, text);
      files.push(f);
    };
    for (const src of sources) {
      const r = compileFile(src);
      expect(r.policy, src).toBeDefined();
      write(src.split('/').pop()!.replace('.mimi', ''), await emitTypeScript(r.policy!, { source: src, format: false, ...emitOptionsFromSymbols(r.symbols) }));
    }
    // seeded random policies: banned role or not, fixed membership, limits, constraints, preauth, many settings at once
    const policies = fc.sample(arbEvalPolicy, { seed: 11, numRuns: 8 }) as Policy[];
    for (const [i, p] of policies.entries()) write(`random${i}`, await emitTypeScript(p, { source: `random${i}.mimi`, format: false }));
    expect(strictProblems(files)).toEqual([]);
  }, 15_000);
});
