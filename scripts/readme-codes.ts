/**
 * The README's table of diagnostic codes, generated from the one code table (runtime/diagnostics.ts)
 * so the two never drift: `npm run docs` rewrites it; test/readme.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES } from '../runtime/diagnostics.js';

export const START = '<!-- codes:start (generated from runtime/diagnostics.ts by `npm run docs`; a test checks it is current) -->';
export const END = '<!-- codes:end -->';

export function codesTable(): string {
  const rows = Object.entries(DIAGNOSTIC_CODES).map(([kind, c]) => `| ${c.code} | \`${kind}\` | ${c.summary} |`);
  return ['| code | kind | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function withCodes(readme: string): string {
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  if (s < 0 || e < 0) throw new Error('README.md has no codes markers');
  return `${readme.slice(0, s + START.length)}\n${codesTable()}\n${readme.slice(e)}`;
}

if (process.argv[1]?.endsWith('readme-codes.ts')) {
  const path = join(import.meta.dirname, '..', 'README.md');
  writeFileSync(path, withCodes(readFileSync(path, 'utf8')));
}
