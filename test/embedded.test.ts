import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreText, EMBEDDED_FILE, embeddedModule } from '../scripts/embed.js';

describe('compiler/emit/embedded.ts (runtime code the generated evaluator carries)', () => {
  it('is update-core.ts as it is now: after changing runtime/evaluator/update-core.ts, run `npm run embed`', () => {
    expect(readFileSync(EMBEDDED_FILE, 'utf8')).toBe(embeddedModule());
  });
  it('drops the exports and the file comment, and refuses a core that imports', () => {
    expect(coreText('/** doc */\nexport function f(): void {}\n')).toBe('function f(): void {}\n');
    expect(coreText('export interface I {\n  /** a field */\n  readonly a: number;\n}\n')).toBe('interface I {\n  readonly a: number;\n}\n');
    expect(() => coreText("import { x } from './x.js';\nexport const y = x;\n")).toThrow(/must not import/);
  });
});
