/**
 * The page `sf eca report` writes from the simulator's report seed (three Northwind orgs), opened
 * in headless Chromium (Debian package, playwright-core) with networking off: no console error, no
 * request but its own file; the summary, charts and tables show the counts of the report.json the
 * command wrote beside it; sorting and filtering work; a run with one org that does not answer
 * explains it on the page. Leaves test-results/report-northwind-summary.png (1280x800);
 * UPDATE_SCREENSHOT=1 copies it to docs/report-summary.png, the README's screenshot.
 *
 * Skips, loudly, only when no Chromium is installed (`apt-get install -y chromium`).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateAggregator } from '@salesforce/core';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import sinon from 'sinon';
import Report from '../../src/commands/eca/report.js';
import type { OrgReportOk, ReportData } from '../../src/domain/report/index.js';
import { REPORT_SEED_FILE } from '../../simulator/seeds/report.js';
import { writeAuthFiles } from '../helpers/cliAuth.js';
import { notHttpsServer } from '../helpers/orgLogins.js';
import { ROOT } from '../helpers/paths.js';
import { type Harness, startHarness } from '../simulator/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(ROOT, 'test-results');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Opened = { page: Page; url: string; requests: string[]; refused: string[]; errors: string[] };

describe('sf eca report: the command\'s page from the simulator, in headless Chromium, offline', function () {
  this.timeout(300_000);
  const dir = join(RESULTS, 'report');
  const profile = mkdtempSync(join(tmpdir(), 'eca-report-command-chromium-'));
  let h: Harness | undefined;
  let context: BrowserContext | undefined;
  let data: ReportData;
  let full: Opened;
  let partial: Opened;

  async function open(file: string): Promise<Opened> {
    if (!context) throw new Error('no browser');
    const url = pathToFileURL(file).href;
    const o: Opened = { page: await context.newPage(), url, requests: [], refused: [], errors: [] };
    await o.page.route('**/*', async (route) => {
      if (route.request().url() === url) return route.continue();
      o.refused.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    o.page.on('request', (r) => o.requests.push(r.url()));
    o.page.on('console', (m) => {
      if (m.type() === 'error') o.errors.push(m.text());
    });
    o.page.on('pageerror', (e) => o.errors.push(String(e)));
    await o.page.goto(url, { waitUntil: 'load' });
    return o;
  }

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // eslint-disable-next-line no-console
      console.warn(`\n${'!'.repeat(100)}\nSKIPPED: no Chromium at ${CHROMIUM}. Install it with "apt-get install -y chromium" (or set CHROMIUM_PATH).\n${'!'.repeat(100)}\n`);
      this.skip();
    }
    mkdirSync(dir, { recursive: true });
    h = await startHarness({ seedFile: REPORT_SEED_FILE });
    const quiet = sinon.createSandbox();
    stubSfCommandUx(quiet);
    let dead: Server | undefined;
    try {
      await Report.run(['--all-orgs', '--output-file', join(dir, 'northwind.html'), '--json']);
      // the same orgs, client-dev's stored login pointing at an address that does not answer
      dead = await notHttpsServer();
      writeAuthFiles(h.home, h.sim, 'client-dev', { instanceUrl: `https://127.0.0.1:${(dead.address() as { port: number }).port}` });
      StateAggregator.clearInstance();
      await Report.run(['--all-orgs', '--output-file', join(dir, 'northwind-partial.html'), '--json']);
    } finally {
      quiet.restore();
      process.exitCode = undefined;
      dead?.close();
    }
    data = JSON.parse(readFileSync(join(dir, 'northwind.json'), 'utf8')) as ReportData;
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, offline: true, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    full = await open(join(dir, 'northwind.html'));
    partial = await open(join(dir, 'northwind-partial.html'));
  });

  after(async () => {
    await context?.close();
    await h?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('renders with no console error and no request but its own file', () => {
    for (const o of [full, partial]) {
      expect(o.errors, o.url).to.deep.equal([]);
      expect(o.refused, o.url).to.deep.equal([]);
      expect(o.requests, o.url).to.deep.equal([o.url]);
    }
  });

  it('states in its summary what report.json holds: convertible now, will break, critical and high findings, orgs read', async () => {
    const t = data.totals;
    const kpi = async (id: string): Promise<string | null> => full.page.locator(`[data-kpi="${id}"] .value`).textContent();
    expect(await kpi('convertible-now')).to.equal(String(t.readiness.eligible));
    expect(await kpi('will-break')).to.equal(String(t.willBreak.total));
    expect(await kpi('findings')).to.equal(String(t.findings.critical + t.findings.high));
    expect(await kpi('orgs')).to.equal('3 / 3');
    expect(t.readiness.eligible).to.be.greaterThan(0);
    expect(t.willBreak.total).to.be.greaterThan(0);
    const lede = await full.page.locator('[data-summary="text"]').textContent();
    expect(lede).to.contain('SOAP API login() retired').and.contain('June 2027');
  });

  it('draws three SVG charts whose data tables hold the report\'s numbers', async () => {
    expect(await full.page.locator('figure[data-chart] > svg').count()).to.equal(3);
    for (const id of ['findings-by-severity', 'readiness-funnel', 'will-break-usage']) {
      const box = await full.page.locator(`figure[data-chart="${id}"] > svg`).boundingBox();
      expect(box?.width, id).to.be.greaterThan(300);
    }
    expect(await full.page.locator('[data-chart-table="findings-by-severity"] tbody tr').count()).to.equal(3);
    expect(await full.page.locator('figure[data-chart="readiness-funnel"] svg text').allTextContents()).to.include(`Convertible now: ${data.totals.readiness.eligible}`);
    expect(await full.page.locator('[data-chart-table="will-break-usage"] tbody tr').count()).to.equal(Math.min(12, data.totals.willBreak.total));
  });

  it('has a table row for every finding, Connected App, thing that will break and app of the three orgs', async () => {
    const t = data.totals;
    const ok = data.orgs.filter((o): o is OrgReportOk => o.status === 'ok');
    const rows = async (table: string): Promise<number> => full.page.locator(`table[data-table="${table}"] tbody tr`).count();
    expect(await rows('findings')).to.equal(t.findings.total);
    expect(await rows('readiness')).to.equal(t.readiness.total);
    expect(await rows('will-break')).to.equal(t.willBreak.total);
    expect(await rows('inventory')).to.equal(ok.reduce((n, o) => n + o.inventory.apps.length, 0));
  });

  it('sorts and filters: logins both ways, findings by severity and org, with the count shown', async () => {
    const logins = async (): Promise<number[]> => (await full.page.locator('table[data-table="will-break"] tbody tr td:nth-child(4)').allTextContents()).map((s) => Number(s.replace(/,/g, '')));
    const header = full.page.locator('table[data-table="will-break"] thead button', { hasText: 'Logins' });
    await header.click();
    const up = await logins();
    expect(up).to.deep.equal([...up].sort((a, b) => a - b));
    await header.click();
    expect(await logins()).to.deep.equal([...up].sort((a, b) => b - a));
    const t = data.totals;
    await full.page.locator('select[data-filter-for="findings"][data-filter-column="severity"]').selectOption('high');
    expect(await full.page.locator('table[data-table="findings"] tbody tr:visible').count()).to.equal(t.findings.high);
    expect(await full.page.locator('[data-count-for="findings"]').textContent()).to.equal(`${t.findings.high} of ${t.findings.total}`);
    await full.page.locator('select[data-filter-for="findings"][data-filter-column="org"]').selectOption('client-uat');
    const uat = data.orgs.find((o) => o.org.alias === 'client-uat') as OrgReportOk;
    expect(await full.page.locator('table[data-table="findings"] tbody tr:visible').count()).to.equal(uat.findings.summary.high);
    await full.page.locator('select[data-filter-for="findings"][data-filter-column="severity"]').selectOption('');
    await full.page.locator('select[data-filter-for="findings"][data-filter-column="org"]').selectOption('');
  });

  it('with one org that does not answer: 2 / 3 orgs read, the org\'s section says why', async () => {
    expect(await partial.page.locator('[data-kpi="orgs"] .value').textContent()).to.equal('2 / 3');
    expect(await partial.page.locator('[data-org-error="client-dev"]').textContent()).to.contain('client-dev');
    expect(await partial.page.locator('section.org[data-status="error"]').count()).to.equal(1);
  });

  it('leaves a screenshot of the summary at 1280x800', async () => {
    // as a reader first sees it: freshly opened, nothing sorted or filtered
    await full.page.reload({ waitUntil: 'load' });
    await full.page.evaluate('window.scrollTo(0, 0)');
    const shot = join(RESULTS, 'report-northwind-summary.png');
    await full.page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1280, height: 800 } });
    const png = readFileSync(shot);
    expect(png.readUInt32BE(16)).to.equal(1280);
    expect(png.readUInt32BE(20)).to.equal(800);
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(ROOT, 'docs', 'report-summary.png'));
  });
});
