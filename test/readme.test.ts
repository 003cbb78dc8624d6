/** The README's generated parts are current, and its quick start is the two documented commands. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withCodes } from '../scripts/readme-codes.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

it('the table of diagnostic codes matches runtime/diagnostics.ts (run `npm run docs`)', () => {
  expect(readme).toBe(withCodes(readme));
});
it('starts with the two-command quick start', () => {
  const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('```', readme.indexOf('```sh') + 5));
  expect(quick).toContain('npm ci && npm run demo');
  expect(quick).toContain('npm ci && npm test');
});
