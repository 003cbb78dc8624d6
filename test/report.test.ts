/**
 * The HTML report in a real headless browser (Debian's chromium, driven by playwright-core): the
 * page loads without console errors, the graph and every finding are visible, and a screenshot is
 * written to out/test/. CI installs chromium (.ci/run); elsewhere the browser test is skipped when
 * /usr/bin/chromium is missing. At scale (in process, no Graphviz): what the page leaves out, and says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../compiler/emit/report.js';
import { loadPolicyFile } from '../compiler/input.js';

const root = join(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);

function report(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mimi-report-'));
  const out = join(dir, 'report.html');
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mimi-policy.js'), 'report', ...args, '--out', out], { cwd: root, encoding: 'utf8' });
  return { ...r, out };
}

describe('report', () => {
  it('is one self-contained page: no scripts, no external resources', () => {
    const r = report(['examples/multi-org.mimi']);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(r.out, 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/);
    expect(html).toContain('<svg');
    expect(html).toContain('id="matrix"');
  });
  it('a policy with errors writes nothing (exit 1); a missing one is an I/O error (exit 2)', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'mimi-bad-')), 'bad.mimi');
    writeFileSync(bad, 'role a @2 { grant canUnban }\n');
    const r = report([bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/did you mean `canUnBan`/);
    expect(existsSync(r.out)).toBe(false);
    expect(report(['test/fixtures/does-not-exist.mimi']).status).toBe(2);
  });

  it.skipIf(!haveBrowser)('renders in headless chromium without console errors; graph and findings visible; screenshot', async () => {
    const { chromium } = await import('playwright-core');
    const policy = existsSync(join(root, 'examples/models/multi-org.single.mimi')) ? 'examples/models/multi-org.single.mimi' : 'stdlib/templates/multi-org.mimi';
    const other = policy.replace('.single.', '.hierarchy.');
    // the same comparison as examples/models/README.md gives for this pair
    const maps = ['acme_member=member+acme', 'globex_member=member+globex', 'acme_admin=org_admin+acme', 'globex_admin=org_admin+globex'].flatMap((m) => ['--map', m]);
    const suite = 'examples/models/multi-org.scenarios.mimi';
    const r = report([policy, ...(other !== policy && existsSync(join(root, other)) ? ['--compare', other, '--scenarios', suite, ...maps] : [])]);
    expect(r.status, r.stderr).toBe(0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      const requests: string[] = [];
      page.on('request', (req) => !req.url().startsWith('file:') && !req.url().startsWith('data:') && requests.push(req.url()));
      await page.goto(`file://${r.out}`);
      expect(await page.locator('#graph svg').isVisible()).toBe(true);
      expect(await page.locator('#graph svg g.node').count()).toBeGreaterThan(3);
      const findings = page.locator('#findings .finding');
      const n = await findings.count();
      for (let i = 0; i < n; i++) expect(await findings.nth(i).isVisible()).toBe(true);
      expect(await page.locator('#matrix table').isVisible()).toBe(true);
      const shots = join(root, 'out', 'test');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('report at scale: the page stays proportionate', () => {
  const file = join(root, 'examples/engineering.mimi');
  const r = loadPolicyFile(file);
  const input = { title: 'engineering', source: 'examples/engineering.mimi', policy: r.policy!, ...(r.provenance ? { provenance: r.provenance } : {}), diagnostics: r.diagnostics };

  it('a graph over the layout limit is left out, and the page says why and how to get it', async () => {
    const { html, omitted } = await buildReport({ ...input, limits: { maxGraphEdges: 2 } });
    expect(html).not.toContain('<svg');
    expect(html).toContain('The role graph is not drawn');
    expect(html).toContain('<code>--max-graph-edges &lt;n&gt;</code>');
    expect(html).toContain('mimi-policy graph examples/engineering.mimi --format dot');
    // the rest of the page is all there
    expect(html).toContain('id="matrix"');
    expect(html).toContain('id="findings"');
    expect(omitted).toEqual([expect.stringMatching(/^the role graph is not drawn: the role graph for Graphviz layout is too large/)]);
  });

  it('the matrix shows at most --max-matrix-cells cells, and says how many roles it left out', async () => {
    const { html, omitted } = await buildReport({ ...input, limits: { maxGraphEdges: 0, maxReportMatrixCells: 1 } });
    expect(html).toMatch(/The first 0 of \d+ roles are shown/);
    expect(html).toContain('mimi-policy matrix examples/engineering.mimi --format html');
    expect(omitted).toHaveLength(2);
  });
});
