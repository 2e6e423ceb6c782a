/**
 * End to end in the real @salesforce/cli (the plugin linked), over three simulator orgs (the
 * report seed: Northwind production, its UAT sandbox, a developer org) logged in as the CLI
 * stores logins: `sf eca report --all-orgs --output-file acme.html` writes a page that loads
 * nothing and report.json valid against its schema, exit 0; with one org that does not answer,
 * the report is written and the exit code is 68 (incomplete), never 0; the documented codes for a
 * bad option value (2) and a lone org that does not answer (1). Needs the built plugin (npm test
 * builds first).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { findLeaks } from '../../src/domain/token/redact.js';
import { REPORT_SEED_FILE } from '../../simulator/seeds/report.js';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { type CliHome, writeAuthFiles } from '../helpers/cliAuth.js';
import { ROOT } from '../helpers/paths.js';
import { SfCli } from '../helpers/sfCli.js';

const ORGS = ['client', 'client-uat', 'client-dev'];

function validator(name: string): ReturnType<Ajv['compile']> {
  return new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.json`), 'utf8')) as object);
}

describe('end to end: sf eca report over three simulator orgs', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let sf: SfCli;
  let home: CliHome;
  let dead: Server;
  let cwd: string;

  before(async () => {
    sim = await startSimulator({ seedFile: REPORT_SEED_FILE });
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.caCertPath ?? '' });
    home = { dir: sf.home, env: {} };
    mkdirSync(join(sf.home, '.sfdx'), { recursive: true });
    mkdirSync(join(sf.home, '.sf'), { recursive: true });
    for (const alias of ORGS) writeAuthFiles(home, sim, alias);
    // an address that answers with something that is not TLS ("fetch failed"); the real sf resets
    // the connection, which must not bring this process down
    dead = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    cwd = mkdtempSync(join(tmpdir(), 'eca-e2e-report-'));
  });
  after(async () => {
    dead?.close();
    await sim?.close();
    sf?.dispose();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('sf eca report --all-orgs --output-file acme.html: exit 0, a page that loads nothing, report.json valid against its schema', async () => {
    const r = await sf.run(['eca', 'report', '--all-orgs', '--output-file', 'acme.html'], { cwd });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('Report written: acme.html, acme.json');
    expect(r.stdout).to.match(/can be converted now/);
    const page = readFileSync(join(cwd, 'acme.html'), 'utf8');
    expect(page).to.match(/http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
    expect(page).to.not.match(/<(script|img|link|iframe)[^>]+(src|href)="https?:/i);
    expect(page).to.contain('data-kpi="convertible-now"');
    const data = JSON.parse(readFileSync(join(cwd, 'acme.json'), 'utf8')) as { totals: { orgs: { read: number } }; orgs: Array<{ org: { alias: string } }> };
    const validate = validator('eca-report');
    expect(validate(data), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    expect(data.totals.orgs.read).to.equal(3);
    expect(data.orgs.map((o) => o.org.alias)).to.deep.equal(['client', 'client-dev', 'client-uat']);
    for (const text of [page, readFileSync(join(cwd, 'acme.json'), 'utf8'), r.stdout, r.stderr]) expect(findLeaks(text)).to.deep.equal([]);
  });

  it('the page opens offline in Chromium: no console error, no request but its own file, the summary\'s numbers', async function () {
    const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromiumPath) || !existsSync(join(cwd, 'acme.html'))) this.skip();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const url = pathToFileURL(join(cwd, 'acme.html')).href;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url, { waitUntil: 'load' });
      expect(errors).to.deep.equal([]);
      expect(requests).to.deep.equal([url]);
      const data = JSON.parse(readFileSync(join(cwd, 'acme.json'), 'utf8')) as { totals: { readiness: { eligible: number }; willBreak: { total: number } } };
      expect(await page.locator('[data-kpi="convertible-now"] .value').textContent()).to.equal(String(data.totals.readiness.eligible));
      expect(await page.locator('[data-kpi="will-break"] .value').textContent()).to.equal(String(data.totals.willBreak.total));
      expect(await page.locator('figure[data-chart] > svg').count()).to.equal(3);
    } finally {
      await browser.close();
    }
  });

  it('one org that does not answer: the report is written for the others, --json says which and why, exit 68', async () => {
    writeAuthFiles(home, sim, 'client-dev', { instanceUrl: `https://127.0.0.1:${(dead.address() as { port: number }).port}` });
    try {
      const r = await sf.run(['eca', 'report', '--all-orgs', '--output-file', 'partial.html', '--json'], { cwd });
      expect(r.status, r.stdout).to.equal(68);
      const result = r.json?.result as { complete: boolean; orgs: Array<{ name: string; status: string; error?: { name: string; actions?: string[] } }> };
      const validate = validator('eca-report-result');
      expect(validate(result), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
      expect(result.complete).to.equal(false);
      const devOrg = result.orgs.find((o) => o.name === 'client-dev');
      expect(devOrg).to.deep.include({ status: 'unreadable' });
      expect(devOrg?.error?.name).to.equal('OrgUnreachableError');
      expect(devOrg?.error?.actions?.join('\n')).to.contain('client-dev');
      expect(existsSync(join(cwd, 'partial.html')) && existsSync(join(cwd, 'partial.json'))).to.equal(true);

      const alone = await sf.run(['eca', 'report', '--target-org', 'client-dev', '--output-file', 'dev.html', '--json'], { cwd });
      expect(alone.status, alone.stdout).to.equal(1);
      expect(alone.json?.name).to.equal('OrgUnreachableError');
      expect(existsSync(join(cwd, 'dev.html'))).to.equal(false);
    } finally {
      writeAuthFiles(home, sim, 'client-dev');
    }
  });

  it('a bad option value is the usage code, 2 (sf alone: 1)', async () => {
    const r = await sf.run(['eca', 'report', '--all-orgs', '--format', 'pdf', '--output-file', 'x.pdf', '--json'], { cwd });
    expect(r.status, r.stdout).to.equal(2);
    expect(r.json?.name).to.equal('FlagInvalidOptionError');
  });
});
