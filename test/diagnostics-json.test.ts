// The published JSON Schemas (schemas/) are current, and what `check --format json` prints validates
// against them with a real JSON Schema validator — for findings with witness paths and labels,
// acknowledged findings, syntax errors, wire errors (offset, no span) and capped diagnostics.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { main } from '../compiler/cli/main.js';
import { jsonSchemas } from '../compiler/diagnostics-json.js';
import { compileFile, encodePolicy } from '../index.js';

const ROOT = join(import.meta.dirname, '..');
const schemaFile = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as object;

async function checkJson(args: string[], cwd = ROOT): Promise<{ code: number; json: unknown }> {
  let out = '';
  let err = '';
  const code = await main(['check', '--format', 'json', ...args], { out: (s) => void (out += s), err: (s) => void (err += s), color: false, cwd });
  expect(err).toBe('');
  return { code, json: JSON.parse(out) };
}

describe('JSON Schemas of the diagnostics JSON', () => {
  it('schemas/ holds exactly what compiler/diagnostics-json.ts gives (run `npm run schemas` after a change)', () => {
    for (const { name, schema } of jsonSchemas()) expect(schemaFile(name), name).toEqual(schema);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const report = ajv.compile(schemaFile('check-report.schema.json'));
  const one = ajv.compile(schemaFile('diagnostic.schema.json'));
  const valid = (json: unknown) => {
    const ok = report(json);
    return ok ? 'valid' : ajv.errorsText(report.errors);
  };

  it('check output validates: findings with paths, labels and acknowledgements, from every example', async () => {
    const { json } = await checkJson(['examples/dm.mimi', 'examples/multi-org.mimi', 'examples/engineering.mimi', 'test/fixtures/kitchen-sink.mimi']);
    expect(valid(json)).toBe('valid');
    const ds = (json as { diagnostics: { path?: unknown; labels?: unknown; acknowledged?: unknown }[] }).diagnostics;
    // the run really exercised the optional parts of the schema
    expect(ds.some((d) => d.path)).toBe(true);
    expect(ds.some((d) => d.labels)).toBe(true);
    expect(ds.some((d) => d.acknowledged)).toBe(true);
  });

  it('errors validate: a typo, a truncated wire file (offset, no span), and capped diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimi-schema-'));
    writeFileSync(join(dir, 'typo.mimi'), readFileSync(join(ROOT, 'examples/dm.mimi'), 'utf8').replace('canSendMessage', 'canSendMesage'));
    const bytes = encodePolicy(compileFile(join(ROOT, 'examples/multi-org.mimi')).policy!);
    writeFileSync(join(dir, 'cut.bin'), bytes.subarray(0, 60));
    writeFileSync(join(dir, 'many.mimi'), Array.from({ length: 5 }, (_, i) => `role r${i} = 9${i} { capabilities [canNope${i}] }`).join('\n'));
    const { code, json } = await checkJson([join(dir, 'typo.mimi'), join(dir, 'cut.bin'), join(dir, 'many.mimi'), '--max-diagnostics', '2'], dir);
    expect(code).toBe(1);
    expect(valid(json)).toBe('valid');
    const ds = (json as { diagnostics: { severity: string; span: unknown; offset?: number; omitted?: unknown }[] }).diagnostics;
    expect(ds.some((d) => d.severity === 'error' && d.span === null && typeof d.offset === 'number')).toBe(true);
    expect(ds.some((d) => d.omitted)).toBe(true);
  });

  it('the schema is strict: an unknown code, a missing field or an extra one is rejected', async () => {
    const { json } = await checkJson(['examples/multi-org.mimi']);
    const d = (json as { diagnostics: Record<string, unknown>[] }).diagnostics[0]!;
    expect(one(d)).toBe(true);
    expect(one({ ...d, code: 'E9999' })).toBe(false);
    expect(one({ ...d, kind: 'no-such-kind' })).toBe(false);
    expect(one({ ...d, extra: 1 })).toBe(false);
    const { message: _, ...noMessage } = d;
    expect(one(noMessage)).toBe(false);
    expect(one({ ...d, span: { line: 0, column: 1, endLine: 1, endColumn: 2 } })).toBe(false);
  });
});
