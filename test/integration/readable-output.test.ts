/**
 * Output people can read, through the built plugin in a child process (stdout and stderr are
 * pipes, as in CI): at COLUMNS=80 and 120 list, display and migrate show whole app names and
 * consumer keys (never "…"), an empty result is a sentence, and progress is quiet (no spinner
 * frames, no MultiStageOutput redraws, no ANSI codes: one line per stage at most).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Create from '../../src/commands/eca/create.js';
import { runPluginAsync } from '../helpers/runCli.js';
import { type Harness, startHarness } from '../simulator/harness.js';

const LONG = 'Acme_Order_Synchronisation_Production'; // 37 characters
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏◐◓◑◒]/;
/** the screen-clearing sequences of ink's redraws, and the elapsed-time lines MultiStageOutput prints */
// eslint-disable-next-line no-control-regex
const REDRAW = /\u001b\[(?:\d*[AKG]|2K|\?25)|Elapsed time/;

function widest(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

describe('readable output through the built plugin (non-TTY, COLUMNS set)', function () {
  this.timeout(120_000);
  let h: Harness;
  let dir: string;
  let consumerKey: string;

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod', 'uat'] });
    dir = mkdtempSync(join(tmpdir(), 'eca-readable-'));
    const sandbox = sinon.createSandbox();
    stubSfCommandUx(sandbox);
    try {
      const r = await Create.run([
        '--name', LONG, '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--permission-sets', 'Integration_Access',
        '--contact-email', 'ops@acme.example', '-o', 'dev', '--json',
      ]);
      consumerKey = r.consumerKey as string;
    } finally {
      sandbox.restore();
      process.exitCode = undefined;
    }
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const columns of [80, 120]) {
    it(`list at COLUMNS=${columns}: whole names, nothing cut, lines within the width, quiet progress`, async () => {
      const r = await runPluginAsync(['eca', 'list', '-o', 'dev'], { env: { COLUMNS: String(columns) } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(LONG).and.contain('Salesforce_Insights').and.not.contain('…');
      expect(r.stdout).to.contain('pre-authorized');
      expect(widest(r.stdout)).to.be.at.most(columns);
      expect(r.stderr).to.not.match(ANSI).and.not.match(SPINNER).and.not.match(REDRAW);
      expect(r.stderr.trim().split('\n').filter(Boolean).length).to.be.at.most(1);
    });

    it(`display at COLUMNS=${columns}: the consumer key whole on one line`, async () => {
      const r = await runPluginAsync(['eca', 'display', '-o', 'dev', '--name', LONG], { env: { COLUMNS: String(columns) } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.split('\n').some((l) => l.includes(consumerKey))).to.equal(true);
      expect(r.stdout).to.contain(LONG).and.contain('Require Secret for Web Server Flow').and.not.contain('…');
      expect(r.stderr).to.not.match(SPINNER).and.not.match(REDRAW);
    });
  }

  it('list of an org without apps says so in words, and names the org as typed', async () => {
    const empty = await runPluginAsync(['eca', 'list', '-o', 'uat'], { env: { COLUMNS: '80' } });
    expect(empty.status, empty.stderr).to.equal(0);
    expect(empty.stdout.trim()).to.equal('No External Client Apps or Connected Apps found in uat.');
    const noEcas = await runPluginAsync(['eca', 'list', '-o', 'prod', '--no-connected-apps'], { env: { COLUMNS: '80' } });
    expect(noEcas.stdout.trim()).to.equal('No External Client Apps found in prod.');
  });

  it('migrate at COLUMNS=80 in a pipe: one plain progress line per stage, whole names in the result', async () => {
    const mapping = join(dir, 'map.json');
    writeFileSync(mapping, JSON.stringify({ targets: { prod: { users: { 'integration@dev.acme.example': 'integration@acme.example' } } } }));
    const r = await runPluginAsync(['eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--name', LONG, '--mapping', mapping], { env: { COLUMNS: '80' } });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(LONG).and.not.contain('…');
    expect(r.stderr).to.not.match(ANSI).and.not.match(SPINNER).and.not.match(REDRAW);
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('Migrating from dev to prod: '));
    expect(progress.map((l) => l.replace(/ \(.*\)$/, ''))).to.deep.equal(
      ['Retrieving', 'Transforming', 'Checking targets', 'Validating', 'Deploying', 'Verifying'].map((s) => `Migrating from dev to prod: ${s}`)
    );
  });
});
