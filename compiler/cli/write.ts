/**
 * All-or-nothing output: every artifact is written to a temporary folder inside the destination, then
 * renamed into place, so a failure never leaves a partial set of files.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeAllOrNothing(dir: string, files: readonly { name: string; bytes: Uint8Array }[]): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.mimi-policy-tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    for (const f of files) writeFileSync(join(tmp, f.name), f.bytes);
    for (const f of files) renameSync(join(tmp, f.name), join(dir, f.name));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
