/**
 * The parser used at run time skips chevrotain's grammar validations (about 20 ms of every CLI start,
 * grammar/parser.ts). They run here instead, so a grammar mistake (an ambiguous alternative, left
 * recursion, a duplicate production) still fails CI.
 */
import { describe, expect, it } from 'vitest';
import { MimiParser } from '../grammar/parser.js';

describe('grammar', () => {
  it("passes chevrotain's validations (skipped by the parser used at run time)", () => {
    // performSelfAnalysis throws "Parser Definition Errors detected" when one fails
    expect(() => new MimiParser({ validate: true })).not.toThrow();
  });
});
