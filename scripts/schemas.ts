/**
 * Writes the JSON Schema files of schemas/ from compiler/diagnostics-json.ts (`npm run schemas`);
 * test/diagnostics-json.test.ts fails while they are stale.
 */
import { writeFileSync } from 'node:fs';
import { jsonSchemas } from '../compiler/diagnostics-json.js';

for (const { name, schema } of jsonSchemas()) {
  writeFileSync(new URL(`../schemas/${name}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`schemas/${name}`);
}
