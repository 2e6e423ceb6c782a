/**
 * The report page in a real browser: headless Chromium from the Debian package, driven by
 * playwright-core, with networking off (an offline context, and every request routed and
 * refused). The page must render with no console error, no request but its own file and no
 * dialog (the fixture's hostile names try to open one), show its charts and tables with the
 * report's counts, sort and filter, and print. It leaves a screenshot of the summary at 1280x800
 * in test-results/report-summary.png (the README's screenshot comes from the command's own page:
 * report-command.test.ts).
 *
 * It skips, loudly, only when no Chromium is installed (`apt-get install -y chromium`; .ci/run
 * installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { OrgReportOk, ReportData } from '../../src/domain/report/index.js';
import { renderHtml } from '../../src/domain/report/render/index.js';
import { ROOT } from '../helpers/paths.js';
import { fixtureReport } from '../helpers/reportFixture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(ROOT, 'test-results');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function okOrgs(r: ReportData): OrgReportOk[] {
  return r.orgs.filter((o): o is OrgReportOk => o.status === 'ok');
}

describe('sf eca report: the HTML page in headless Chromium, offline', function () {
  this.timeout(180_000);
  const data = fixtureReport();
  const file = join(RESULTS, 'report', 'acme.html');
  const url = pathToFileURL(file).href;
  const profile = mkdtempSync(join(tmpdir(), 'eca-report-chromium-'));
  const requests: string[] = [];
  const refused: string[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  let context: BrowserContext | undefined;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const why = `SKIPPED: no Chromium at ${CHROMIUM}. Install it with "apt-get install -y chromium" (or set CHROMIUM_PATH); .ci/run does this.`;
      // eslint-disable-next-line no-console
      console.warn(`\n${'!'.repeat(100)}\n${why}\n${'!'.repeat(100)}\n`);
      this.skip();
    }
    mkdirSync(join(RESULTS, 'report'), { recursive: true });
    writeFileSync(file, await renderHtml(data));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      offline: true,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
    });
    await context.route('**/*', async (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      refused.push(u);
      return route.abort('blockedbyclient');
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
  });

  after(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('renders with no console error, no dialog, and no request but its own file', () => {
    expect(consoleErrors).to.deep.equal([]);
    expect(dialogs).to.deep.equal([]);
    expect(refused).to.deep.equal([]);
    expect(requests).to.deep.equal([url]);
  });

  it('runs its own script only', async () => {
    expect(await page.locator('script').count()).to.equal(1);
    expect(await page.evaluate('document.documentElement.classList.contains("js")')).to.equal(true);
  });

  it('shows the summary counts, the unreadable org and three SVG charts with their numbers', async () => {
    const t = data.totals;
    expect(await page.locator('[data-kpi="convertible-now"] .value').textContent()).to.equal(String(t.readiness.eligible));
    expect(await page.locator('[data-kpi="will-break"] .value').textContent()).to.equal(String(t.willBreak.total));
    expect(await page.locator('[data-kpi="findings"] .value').textContent()).to.equal(String(t.findings.critical + t.findings.high));
    expect(await page.locator('[data-kpi="orgs"] .value').textContent()).to.equal('2 / 3');
    expect(await page.locator('[data-org-error="acme-dev"]').textContent()).to.contain('expired access/refresh token');
    expect(await page.locator('figure[data-chart] > svg').count()).to.equal(3);
    for (const id of ['findings-by-severity', 'readiness-funnel', 'will-break-usage']) {
      const box = await page.locator(`figure[data-chart="${id}"] > svg`).boundingBox();
      expect(box?.width, id).to.be.greaterThan(300);
    }
    const orgLabels = await page.locator('figure[data-chart="findings-by-severity"] svg text').allTextContents();
    expect(orgLabels).to.include.members(['acme-prod', 'acme-uat']);
    expect(await page.locator('[data-chart-table="findings-by-severity"] tbody tr').count()).to.equal(2);
    const funnel = await page.locator('figure[data-chart="readiness-funnel"] svg text').allTextContents();
    expect(funnel).to.include(`Convertible now: ${t.readiness.eligible}`);
    expect(await page.locator('[data-chart-table="will-break-usage"] tbody tr').count()).to.equal(Math.min(12, t.willBreak.total));
  });

  it('has a row per finding, app to convert, thing that will break and app, and shows hostile names as text', async () => {
    const t = data.totals;
    expect(await page.locator('table[data-table="findings"] tbody tr').count()).to.equal(t.findings.total);
    expect(await page.locator('table[data-table="readiness"] tbody tr').count()).to.equal(t.readiness.total);
    expect(await page.locator('table[data-table="will-break"] tbody tr').count()).to.equal(t.willBreak.total);
    expect(await page.locator('table[data-table="inventory"] tbody tr').count()).to.equal(okOrgs(data).reduce((n, o) => n + o.inventory.apps.length, 0));
    expect(await page.locator('table[data-table="inventory"]').textContent()).to.contain('<script>alert("label")</script> Partner Portal');
    expect(await page.locator('section.org[data-status="error"]').count()).to.equal(1);
  });

  it('sorts a column both ways when its header is clicked', async () => {
    const logins = async (): Promise<number[]> =>
      (await page.locator('table[data-table="will-break"] tbody tr td:nth-child(4)').allTextContents()).map((s) => Number(s.replace(/,/g, '')));
    const header = page.locator('table[data-table="will-break"] thead button', { hasText: 'Logins' });
    await header.click();
    const up = await logins();
    expect(up).to.deep.equal([...up].sort((a, b) => a - b));
    expect(await page.locator('table[data-table="will-break"] thead th[aria-sort]').getAttribute('aria-sort')).to.equal('ascending');
    await header.click();
    const down = await logins();
    expect(down).to.deep.equal([...up].sort((a, b) => b - a));

    await page.locator('table[data-table="findings"] thead button', { hasText: 'Severity' }).click();
    await page.locator('table[data-table="findings"] thead button', { hasText: 'Severity' }).click();
    const first = await page.locator('table[data-table="findings"] tbody tr').first().getAttribute('data-severity');
    expect(first).to.equal('critical');
  });

  it('filters rows by severity, by org and by text, and counts what it shows', async () => {
    const t = data.totals;
    await page.locator('select[data-filter-for="findings"][data-filter-column="severity"]').selectOption('high');
    expect(await page.locator('table[data-table="findings"] tbody tr:visible').count()).to.equal(t.findings.high);
    expect(await page.locator('[data-count-for="findings"]').textContent()).to.equal(`${t.findings.high} of ${t.findings.total}`);
    await page.locator('select[data-filter-for="findings"][data-filter-column="org"]').selectOption('acme-uat');
    expect(await page.locator('table[data-table="findings"] tbody tr:visible').count()).to.equal(okOrgs(data)[1].findings.summary.high);
    await page.locator('select[data-filter-for="findings"][data-filter-column="severity"]').selectOption('');
    await page.locator('select[data-filter-for="findings"][data-filter-column="org"]').selectOption('');
    expect(await page.locator('table[data-table="findings"] tbody tr:visible').count()).to.equal(t.findings.total);

    await page.locator('input[data-filter-for="readiness"]').fill('username-password');
    const shown = await page.locator('table[data-table="readiness"] tbody tr:visible').count();
    const expected = okOrgs(data).flatMap((o) => o.readiness.apps).filter((a) => a.reasons.some((r) => /username-password/.test(r.message))).length;
    expect(shown).to.equal(expected).and.to.be.greaterThan(0);
    await page.locator('input[data-filter-for="readiness"]').fill('');
    expect(await page.locator('table[data-table="readiness"] tbody tr:visible').count()).to.equal(t.readiness.total);
  });

  it('prints: filters hidden, every row shown, a PDF comes out', async () => {
    await page.locator('select[data-filter-for="findings"][data-filter-column="severity"]').selectOption('critical');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.filters').first().isVisible()).to.equal(false);
    expect(await page.locator('table[data-table="findings"] tbody tr:visible').count()).to.equal(data.totals.findings.total);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(RESULTS, 'report', 'acme.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    await page.locator('select[data-filter-for="findings"][data-filter-column="severity"]').selectOption('');
  });

  it('leaves a screenshot of the summary at 1280x800', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    const shot = join(RESULTS, 'report-summary.png');
    await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1280, height: 800 } });
    const png = readFileSync(shot);
    expect(png.readUInt32BE(16)).to.equal(1280);
    expect(png.readUInt32BE(20)).to.equal(800);
  });
});
