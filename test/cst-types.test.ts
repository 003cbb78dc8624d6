import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CST_FILE, cstTypes } from '../scripts/cst-types.js';

describe('grammar/cst.ts (the CST types)', () => {
  it('is what the grammar generates now: after a grammar change, run `npm run cst`', () => {
    expect(readFileSync(CST_FILE, 'utf8')).toBe(cstTypes());
  });
  it('names a type for every rule of the grammar', () => {
    const text = cstTypes();
    for (const rule of ['file', 'roleDecl', 'claim', 'expectStep']) expect(text).toContain(`name: "${rule}";`);
  });
});
