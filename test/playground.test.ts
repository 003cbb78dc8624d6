/**
 * The playground (playground/, built by scripts/playground.ts): its model in Node, then the built
 * page in headless Chromium (Debian's chromium driven by playwright-core, as test/report.test.ts;
 * skipped when /usr/bin/chromium is missing, an error on CI) served by the script's own static server:
 * edit, see a diagnostic, fix it, see the graph change, download the wire file and compare its bytes
 * with the library's encoder, upload a wire file and get its source back. A screenshot of the edited
 * page is written to out/test/playground.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFile, encodePolicy } from '../index.js';
import { analyseSource, decompileWire, openUpload, parseHex, playgroundHost, toHexText } from '../playground/model.js';
import { buildPlayground, collectFiles, ROOT, servePlayground } from '../scripts/playground.js';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);

const EXAMPLE = 'examples/models/kick.single.mimi';
const files = collectFiles();
/** the library's own bytes for a source, compiled as the page compiles it */
const wireOf = (text: string, file = EXAMPLE) => {
  const r = compileFile(file, { text, host: playgroundHost(files) });
  expect(r.ok).toBe(true);
  return encodePolicy(r.policy);
};

describe('playground model', () => {
  it('an example: no errors, a graph, a matrix, scenarios run, the wire bytes the encoder gives', () => {
    const text = files[EXAMPLE];
    const r = analyseSource(text, EXAMPLE, files);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.graph!.nodes.map((n) => n.index)).toEqual([...new Set([0, ...compileFile(EXAMPLE, { text, host: playgroundHost(files) }).policy.roles.map((x) => x.index)])]);
    expect(r.svg).toContain('<svg');
    expect(r.svg!.match(/class="edge/g)?.length).toBe(r.graph!.edges.length);
    expect(r.matrixHtml).toContain('<table class="matrix">');
    expect(r.scenarios!.length).toBeGreaterThan(0);
    expect(r.scenarios!.every((s) => s.passed)).toBe(true);
    expect(r.wire).toEqual(wireOf(text));
    // the bytes decompile to a source that compiles to the same bytes
    const back = decompileWire(r.wire!, 'kick.bin');
    expect(back.problems).toEqual([]);
    expect(wireOf(back.source!, 'kick.mimi')).toEqual(r.wire);
  });

  it('every bundled example and template opens without errors, and its wire bytes decompile to a source with the same bytes', () => {
    const opened = Object.keys(files).filter((p) => p.startsWith('examples/') || p.startsWith('stdlib/templates/'));
    expect(opened.length).toBeGreaterThan(20);
    for (const f of opened) {
      const r = analyseSource(files[f], f, files);
      expect([f, r.ok]).toEqual([f, true]);
      if (r.scenarioOnly) continue;
      const back = decompileWire(r.wire!, f);
      expect([f, back.problems]).toEqual([f, []]);
      expect(wireOf(back.source!, 'back.mimi')).toEqual(r.wire);
    }
  });

  it('a file of scenarios only says it needs a policy, and runs against the one picked (as `test --policy`)', () => {
    const suite = 'examples/models/multi-org.scenarios.mimi';
    const alone = analyseSource(files[suite], suite, files);
    expect(alone.scenarioOnly).toBe(true);
    expect(alone.scenarioError).toMatch(/need a policy to run against/);
    const run = analyseSource(files[suite], suite, files, { scenarioPolicy: 'examples/models/multi-org.single.mimi' });
    expect(run.ok).toBe(true);
    // the suite's scenarios and the policy's own
    const count = (f: string) => (files[f].match(/^scenario /gm) ?? []).length;
    expect(run.scenarios!.length).toBe(count(suite) + count('examples/models/multi-org.single.mimi'));
    expect(run.scenarios!.every((x) => x.passed)).toBe(true);
  });

  it('lists at most 100 diagnostics of a code, and says how many it left out', () => {
    const src = Array.from({ length: 110 }, (_, i) => `role r${i + 1} {\n  changes { none -> r${i + 1} }\n}\n`).join('');
    const r = analyseSource(src, 'many.mimi', {});
    expect([...r.diagnostics, ...r.findings].filter((d) => d.code === 'W0502')).toHaveLength(100);
    expect(r.diagnostics.find((d) => d.code === 'I0007')?.message).toMatch(/^10 more `W0502`/);
  });

  it('an error is located (line:col, offsets, code) and the pictures are withheld', () => {
    const text = files[EXAMPLE].replace('grant canKick', 'grant canKik');
    const r = analyseSource(text, EXAMPLE, files);
    expect(r.ok).toBe(false);
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    expect(e).toMatchObject({ code: 'E0101', inSource: true });
    expect(text.slice(e.start, e.end)).toBe('canKik');
    expect(text.split('\n')[e.line! - 1].slice(e.column! - 1)).toMatch(/^canKik/);
    expect(r.graph).toBeUndefined();
    expect(r.wire).toBeUndefined();
  });

  it('hex: pasted with spaces, newlines and 0x prefixes; a bad digit or an odd count is located', () => {
    const bytes = wireOf(files[EXAMPLE]);
    const hex = toHexText(bytes);
    expect(parseHex(hex)).toEqual({ bytes });
    expect(parseHex(`0x${hex.slice(0, 4)} ${hex.slice(4, 8).toUpperCase()}`)).toEqual({ bytes: bytes.slice(0, 4) });
    expect(parseHex('00 1\n0g')).toEqual({ error: '2:2: `g` is not a hex digit' });
    expect(parseHex('abc')).toMatchObject({ error: expect.stringContaining('odd number') });
    expect(decompileWire(new Uint8Array([1, 2, 3])).problems[0]).toMatch(/^byte \d+: E03/);
  });

  it('an upload is read by its content: text opens as source whatever its name, bytes are decompiled', () => {
    const text = files[EXAMPLE];
    expect(openUpload(new TextEncoder().encode(text), 'room.bin')).toEqual({ source: text, kind: 'text', asText: true, problems: [] });
    const bytes = wireOf(text);
    expect(openUpload(bytes, 'room.mimi')).toMatchObject({ kind: 'dictionary', problems: [], source: expect.stringContaining('role ') });
  });
});

describe.skipIf(!haveBrowser)('playground in headless chromium', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let context: import('playwright-core').BrowserContext;
  let profile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mimi-playground-'));
    await buildPlayground(dir);
    ({ server, url } = await servePlayground(dir, 0));
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'mimi-playground-profile-'));
    // a fresh profile (--user-data-dir) per run
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    for (const d of [dir, profile]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('the build is a static page, served from the temp folder, with nothing in the repository', () => {
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<script src="playground.js"');
    expect(existsSync(join(dir, 'playground.js'))).toBe(true);
    expect(existsSync(join(ROOT, 'playground', 'playground.js'))).toBe(false);
  });

  it('edit: a diagnostic appears (click moves the caret); fixed, the graph gains a role and an edge; wire bytes download and upload', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    const requests: string[] = [];
    page.on('request', (req) => !req.url().startsWith(url) && !req.url().startsWith('blob:') && requests.push(req.url()));
    try {
      await page.goto(`${url}#example=${EXAMPLE}`);
      const source = page.locator('#source');
      await page.waitForSelector('#graph svg g.node');
      expect(await source.inputValue()).toBe(files[EXAMPLE]);
      const nodes = await page.locator('#graph g.node').count();
      const edges = await page.locator('#graph g.edge').count();
      expect(await page.locator('#scenarios .scenario.passed').count()).toBeGreaterThan(0);
      expect(await page.locator('#matrix table.matrix').isVisible()).toBe(true);

      // an error: the diagnostic appears, located; clicking it puts the caret there
      const original = files[EXAMPLE];
      const broken = original.replace('grant canKick', 'grant canKik');
      await source.fill(broken);
      const diag = page.locator('#diagnostics li.error[data-code="E0101"]');
      await diag.waitFor();
      const where = await diag.locator('.where').textContent();
      const at = broken.indexOf('canKik');
      const line = broken.slice(0, at).split('\n').length;
      expect(where).toBe(`${line}:${at - broken.lastIndexOf('\n', at - 1)}`);
      await diag.locator('button').click();
      expect(await source.evaluate((t: HTMLTextAreaElement) => [t.selectionStart, t.selectionEnd])).toEqual([at, at + 'canKik'.length]);
      expect(await page.locator('#download-wire').isDisabled()).toBe(true);

      // fixed, with one more role that the admin may add members to: one more node, one more edge
      const grown = `${original.replace('    admin -> none\n', '    admin -> none\n    none -> observer\n')}\nrole observer @40 { }\n`;
      expect(grown).toContain('none -> observer');
      await source.fill(grown);
      await page.waitForFunction((n) => document.querySelectorAll('#graph g.node').length === n, nodes + 1);
      expect(await page.locator('#diagnostics li.error').count()).toBe(0);
      expect(await page.locator('#graph g.node[data-role="40"]').count()).toBe(1);
      expect(await page.locator('#graph g.edge[data-from="0"][data-to="40"]').count()).toBe(1);
      expect(await page.locator('#graph g.edge').count()).toBe(edges + 1);
      // edits are analysed in a Web Worker (the page's first analysis is on its own thread)
      expect(await page.evaluate(() => document.body.dataset.analysedIn)).toBe('worker');
      const shots = join(ROOT, 'out', 'test');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'playground.png') });

      // download the wire file: the library's bytes for the same source
      const text = await source.inputValue();
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-wire').click()]);
      expect(download.suggestedFilename()).toBe('kick.single.bin');
      const got = new Uint8Array(readFileSync(await download.path()));
      expect(got).toEqual(wireOf(text));

      // upload a wire file: its source is decompiled into the editor
      await page.locator('#wire-file').setInputFiles({ name: 'foreign.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(wireOf(original)) });
      await page.waitForFunction(() => document.getElementById('file-name')!.textContent === 'foreign.mimi');
      const decompiled = await source.inputValue();
      expect(decompiled).toContain('role ');
      expect(wireOf(decompiled, 'foreign.mimi')).toEqual(wireOf(original));
      await page.waitForFunction((n) => document.querySelectorAll('#graph g.node').length === n, nodes);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 30_000);

  it('pasted hex decompiles (a bad digit is located); a file of scenarios only runs against its sibling policy', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${url}#example=examples/dm.mimi`);
      await page.waitForSelector('#graph svg g.node');
      await page.locator('#hex-input').fill('42 0x1g');
      await page.locator('#decompile-hex').click();
      expect(await page.locator('#decompile-status').textContent()).toBe('hex: 1:7: `g` is not a hex digit');
      const bytes = wireOf(files[EXAMPLE]);
      await page.locator('#hex-input').fill(toHexText(bytes).toUpperCase());
      await page.locator('#decompile-hex').click();
      await page.waitForFunction(() => document.getElementById('file-name')!.textContent === 'pasted.mimi');
      expect(wireOf(await page.locator('#source').inputValue(), 'pasted.mimi')).toEqual(bytes);

      // a text file given as wire is opened as source, and says so
      await page.locator('#wire-file').setInputFiles({ name: 'room.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(files['examples/dm.mimi']) });
      await page.waitForFunction(() => document.getElementById('file-name')!.textContent === 'room.bin.mimi');
      expect(await page.locator('#decompile-status').textContent()).toBe('room.bin is text, not wire bytes: opened as source');
      expect(await page.locator('#source').inputValue()).toBe(files['examples/dm.mimi']);

      const suite = 'examples/models/multi-org.scenarios.mimi';
      await page.locator('#example').selectOption(suite);
      await page.waitForFunction((f) => document.getElementById('file-name')!.textContent === f, suite);
      await page.locator('#scenario-policy-row').waitFor();
      expect(await page.locator('#scenario-policy').inputValue()).toBe('examples/models/multi-org.single.mimi');
      await page.locator('#scenarios .scenario').first().waitFor();
      expect(await page.locator('#scenarios .scenario.failed').count()).toBe(0);
      expect(await page.locator('#scenarios .scenario.passed').count()).toBeGreaterThanOrEqual(4);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 30_000);
});
