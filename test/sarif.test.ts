/**
 * `check --format sarif` and the library's toSarif: SARIF 2.1.0 that code scanning accepts.
 *
 * The official SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json, OASIS) is not available offline here
 * (no copy in node_modules, no network in CI), so the log is validated against a strict zod transcription
 * of the parts of that schema mimi-policy emits: the required properties, their types, enums and
 * minimums (sarifLog, run, tool/toolComponent, reportingDescriptor, result, location, physicalLocation,
 * artifactLocation, region, message, suppression). Strict objects: a misspelt property fails too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main } from '../compiler/cli/main.js';
import { DIAGNOSTIC_CODES, diagnostic, pathToSarifUri, toSarif } from '../index.js';

const message = z.strictObject({ text: z.string().min(1), markdown: z.string().optional() });
const artifactLocation = z.strictObject({ uri: z.string().min(1), uriBaseId: z.string().optional(), index: z.number().int().min(-1).optional() });
const region = z
  .strictObject({
    startLine: z.number().int().min(1).optional(),
    startColumn: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
    endColumn: z.number().int().min(1).optional(),
    byteOffset: z.number().int().min(0).optional(),
  })
  // §3.30.2: a region is text (startLine) or binary (byteOffset); the end is not before the start
  .refine((r) => r.startLine !== undefined || r.byteOffset !== undefined, 'a region needs startLine or byteOffset')
  .refine((r) => r.endLine === undefined || r.startLine === undefined || r.endLine >= r.startLine, 'endLine before startLine')
  .refine((r) => r.endLine !== r.startLine || r.endColumn === undefined || r.startColumn === undefined || r.endColumn >= r.startColumn, 'endColumn before startColumn');
const location = z.strictObject({
  id: z.number().int().min(-1).optional(),
  physicalLocation: z.strictObject({ artifactLocation, region: region.optional() }).optional(),
  message: message.optional(),
});
const level = z.enum(['none', 'note', 'warning', 'error']);
const rule = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: message,
  fullDescription: message,
  help: message,
  defaultConfiguration: z.strictObject({ level }),
  properties: z.strictObject({ tags: z.array(z.string()) }),
});
const result = z.strictObject({
  ruleId: z.string(),
  ruleIndex: z.number().int().min(-1),
  level,
  message,
  locations: z.array(location),
  relatedLocations: z.array(location).optional(),
  suppressions: z.array(z.strictObject({ kind: z.enum(['inSource', 'external']), justification: z.string().optional() })).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});
const sarifLog = z.strictObject({
  $schema: z.url(),
  version: z.literal('2.1.0'),
  runs: z.array(
    z.strictObject({
      tool: z.strictObject({ driver: z.strictObject({ name: z.string().min(1), version: z.string().optional(), semanticVersion: z.string().optional(), informationUri: z.url().optional(), rules: z.array(rule) }) }),
      columnKind: z.enum(['utf16CodeUnits', 'unicodeCodePoints']),
      artifacts: z.array(z.strictObject({ location: artifactLocation })),
      results: z.array(result),
    }),
  ),
});
type Log = z.infer<typeof sarifLog>;

/** The references inside a log resolve: ruleIndex names the rule of ruleId, artifact indexes the artifact of that uri. */
function checkReferences(log: Log) {
  for (const run of log.runs) {
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of run.results) {
      expect(ids[r.ruleIndex]).toBe(r.ruleId);
      for (const l of [...r.locations, ...(r.relatedLocations ?? [])]) {
        const a = l.physicalLocation?.artifactLocation;
        if (a?.index !== undefined) expect(run.artifacts[a.index]!.location.uri).toBe(a.uri);
      }
    }
  }
}

let dir: string;
async function check(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['check', ...args.map((a) => (/\.(mimi|bin)$/.test(a) ? join(dir, a) : a))], { out: (s) => void (out += s), err: (s) => void (err += s), color: false, cwd: dir });
  return { code, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mimi-sarif-'));
  // one error (E0101, with help) and a duplicate role index (E0201-style label), in a file whose name needs encoding
  writeFileSync(join(dir, 'bad room.mimi'), 'role member @2 {\n  grant canUnban\n}\nrole x @2 { }\n');
  // warnings only (analysis findings)
  writeFileSync(join(dir, 'warn.mimi'), 'role member @2 { grant canKnock }\n');
});

describe('check --format sarif', () => {
  it('a policy with warnings and one with errors: a valid SARIF 2.1.0 log, exit 1', async () => {
    const r = await check(['bad room.mimi', 'warn.mimi', '--format', 'sarif']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const log = sarifLog.parse(JSON.parse(r.out));
    checkReferences(log);
    const run = log.runs[0]!;
    // every code of the table is a rule, with its kind as name and its summary as description and help
    expect(run.tool.driver.rules.map((x) => x.id).sort()).toEqual(Object.values(DIAGNOSTIC_CODES).map((c) => c.code).sort());
    const e0101 = run.tool.driver.rules.find((x) => x.id === 'E0101')!;
    expect(e0101.name).toBe('unknown-capability');
    expect(e0101.shortDescription.text).toBe(DIAGNOSTIC_CODES['unknown-capability'].summary);
    expect(e0101.help.text).toContain(DIAGNOSTIC_CODES['unknown-capability'].summary);
    expect(e0101.defaultConfiguration.level).toBe('error');
    // the inputs are the artifacts, relative to the working directory and percent-encoded
    expect(run.artifacts.map((a) => a.location)).toEqual([
      { uri: 'bad%20room.mimi', uriBaseId: '%SRCROOT%' },
      { uri: 'warn.mimi', uriBaseId: '%SRCROOT%' },
    ]);
    const unknown = run.results.find((x) => x.ruleId === 'E0101')!;
    expect(unknown.level).toBe('error');
    expect(unknown.message.text).toMatch(/unknown capability or package `canUnban`\nhelp: did you mean `canUnBan`\?/);
    expect(unknown.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'bad%20room.mimi', uriBaseId: '%SRCROOT%', index: 0 },
      region: { startLine: 2, startColumn: 9, endLine: 2, endColumn: 17 },
    });
    expect(run.results.some((x) => x.level === 'warning' && x.locations[0]!.physicalLocation!.artifactLocation.uri === 'warn.mimi')).toBe(true);
    // related places (labels) are related locations with their message
    const related = run.results.find((x) => x.relatedLocations?.length);
    expect(related, 'a diagnostic with a label').toBeDefined();
    expect(related!.relatedLocations![0]!.message!.text.length).toBeGreaterThan(0);
  });

  it('agrees with --format json: one result per diagnostic, same codes and places', async () => {
    const sarif = sarifLog.parse(JSON.parse((await check(['bad room.mimi', 'warn.mimi', '-f', 'sarif'])).out));
    const json = JSON.parse((await check(['bad room.mimi', 'warn.mimi', '-f', 'json'])).out) as { diagnostics: { code: string; span: { line: number; column: number } | null }[] };
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]?.physicalLocation?.region?.startLine, r.locations[0]?.physicalLocation?.region?.startColumn])).toEqual(
      json.diagnostics.map((d) => [d.code, d.span?.line, d.span?.column]),
    );
  });

  it('a wire file: the region is a byte offset; an unknown format is a usage error', async () => {
    writeFileSync(join(dir, 'trunc.bin'), Buffer.from([0x41, 0x79, 0x00]));
    const r = await check(['trunc.bin', '-f', 'sarif']);
    expect(r.code).toBe(1);
    const log = sarifLog.parse(JSON.parse(r.out));
    const res = log.runs[0]!.results[0]!;
    expect(res.ruleId).toBe('E0301');
    expect(res.locations[0]!.physicalLocation!.region).toEqual({ byteOffset: expect.any(Number) });
    const bad = await check(['warn.mimi', '-f', 'sarf']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/sarif/);
  });
});

describe('toSarif (library)', () => {
  it('acknowledged findings are suppressed in source with their reason; info is a note; paths become URIs', () => {
    const span = { file: '/abs/dir/p #1.mimi', line: 3, column: 5, endLine: 3, endColumn: 5, start: 20, end: 20 };
    const d = diagnostic('lockout', 'the room can lose `canBan` for good', span.file, span, { help: 'appoint a second admin' });
    d.acknowledged = { reason: 'one admin by design' };
    const note = diagnostic('rank-inversion', 'a note', 'C:\\work\\p.mimi', undefined);
    const log = sarifLog.parse(toSarif([d, note], { version: '1.2.3' }));
    checkReferences(log);
    const [a, b] = log.runs[0]!.results;
    expect(a!.suppressions).toEqual([{ kind: 'inSource', justification: 'one admin by design' }]);
    expect(a!.level).toBe('warning');
    expect(a!.locations[0]!.physicalLocation!.artifactLocation.uri).toBe('file:///abs/dir/p%20%231.mimi');
    // an empty span is a point, not an inverted region
    expect(a!.locations[0]!.physicalLocation!.region).toEqual({ startLine: 3, startColumn: 5, endLine: 3, endColumn: 5 });
    expect(b!.level).toBe('note');
    expect(b!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'file:///C:/work/p.mimi', index: 1 } });
    expect(log.runs[0]!.tool.driver.semanticVersion).toBe('1.2.3');
    expect(pathToSarifUri('./examples/rööm é.mimi')).toEqual({ uri: 'examples/r%C3%B6%C3%B6m%20%C3%A9.mimi', uriBaseId: '%SRCROOT%' });
  });
  it('is deterministic', () => {
    const d = diagnostic('unknown-role', 'unknown role `x`', 'a.mimi', { file: 'a.mimi', line: 1, column: 1, endLine: 1, endColumn: 2, start: 0, end: 1 });
    expect(JSON.stringify(toSarif([d]))).toBe(JSON.stringify(toSarif([d])));
  });
});
