/**
 * sf eca migrate with two targets, one of them failing after the other was deployed: on its
 * session, on its checks, on its read-back, or interrupted. Each failure is that target's outcome
 * (exit 68, results per target), the report is always written (also when every target failed,
 * exit 1), and errors and warnings are told apart.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SfError } from '@salesforce/core';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Create from '../../src/commands/eca/create.js';
import Migrate, { type MigrateResult } from '../../src/commands/eca/migrate.js';
import { OrgAccess } from '../../src/org/orgAccess.js';
import { loginOrg } from '../helpers/cliAuth.js';
import { type Harness, startHarness } from '../simulator/harness.js';

describe('sf eca migrate: one failing target among two', function () {
  this.timeout(120_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dir: string;
  let mapping: string;
  let stubs: ReturnType<typeof stubSfCommandUx>;
  let n = 0;

  /** A new app in dev, so that each test deploys afresh to prod. */
  async function newApp(): Promise<string> {
    const name = `Acme_Sync_${++n}`;
    await Create.run(['--name', name, '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--permission-sets', 'Integration_Access', '--contact-email', 'ops@acme.example', '-o', 'dev', '--json']);
    process.exitCode = undefined;
    return name;
  }

  async function migrate(name: string, report: string, targets = ['prod', 'uat']): Promise<MigrateResult> {
    return Migrate.run(['--source-org', 'dev', ...targets.flatMap((t) => ['--target-org', t]), '--name', name, '--mapping', mapping, '--report-file', report, '--json']);
  }

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod', 'uat'] });
    dir = mkdtempSync(join(tmpdir(), 'eca-migrate-targets-'));
    mapping = join(dir, 'map.json');
    writeFileSync(
      mapping,
      JSON.stringify({ targets: { prod: { users: { 'integration@dev.acme.example': 'integration@acme.example' } }, uat: { users: { 'integration@dev.acme.example': 'admin@acme.example.uat' } } } })
    );
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    stubs = stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(async () => {
    sandbox.restore();
    h.sim.faults.set({});
    process.exitCode = undefined;
  });

  it('a target whose login cannot be refreshed fails alone: the other is deployed, exit 68, the report says both', async () => {
    const app = await newApp();
    const report = join(dir, 'session.md');
    // prod is done first; uat's stored session has expired and its refresh token is refused
    h.sim.expireSessions('uat');
    h.sim.faults.set({ refreshRevoked: {} });
    try {
      const r = await migrate(app, report);
      expect(process.exitCode).to.equal(68);
      expect(r.targets.map((t) => `${t.org}:${t.status}`)).to.deep.equal(['prod:deployed', 'uat:failed']);
      const uat = r.targets[1];
      expect(uat.message).to.match(/uat/).and.match(/expired|refresh/i);
      expect(uat.actions?.join('\n')).to.contain('--alias uat');
      expect(h.sim.org('prod').component('ExternalClientApplication', app)).to.not.equal(undefined);
      expect(h.sim.org('uat').component('ExternalClientApplication', app)).to.equal(undefined);
      const text = readFileSync(report, 'utf8');
      expect(text).to.contain('**Complete.**').and.contain('## prod: deployed').and.contain('## uat: FAILED').and.contain('sf org login web --alias uat');
      // the failed target is an error on stderr, not a warning
      const errors = stubs.logToStderr.args.flat().join('\n');
      expect(errors).to.match(/Error.*uat: .*expired/i);
      expect(stubs.warn.args.flat().join('\n')).to.not.contain('uat: The stored authorization');
    } finally {
      h.sim.faults.set({});
      await loginOrg(h.home, h.sim, 'uat');
    }
  });

  it('a target whose checks fail (a 500 on its retrieve) fails alone, after the other was deployed: exit 68 and the report', async () => {
    const app = await newApp();
    const report = join(dir, 'checks.md');
    // retrieves, in order: the source's apps, prod's checks, prod's read-back, then uat's checks
    h.sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500, skip: 3, count: 1 }] });
    const r = await migrate(app, report);
    expect(process.exitCode).to.equal(68);
    expect(r.targets.map((t) => `${t.org}:${t.status}`)).to.deep.equal(['prod:deployed', 'uat:failed']);
    expect(r.targets[0].readBack).to.equal('matched');
    expect(r.targets[1].message).to.match(/retrieve/i).and.contain('uat');
    expect(h.sim.org('uat').component('ExternalClientApplication', app)).to.equal(undefined);
    const text = readFileSync(report, 'utf8');
    expect(text).to.contain('## prod: deployed').and.contain('## uat: FAILED').and.contain('### Errors');
  });

  it('a target whose read-back fails stays deployed, not verified: a warning, exit 68, the report says so', async () => {
    const app = await newApp();
    const report = join(dir, 'readback.md');
    // retrieves: the source's, prod's checks and read-back, uat's checks, then uat's read-back
    h.sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500, skip: 4, count: 1 }] });
    const r = await migrate(app, report);
    expect(process.exitCode).to.equal(68);
    const uat = r.targets[1];
    expect(uat).to.deep.include({ org: 'uat', status: 'deployed', readBack: 'failed' });
    expect(uat.deployId).to.match(/^0Af/);
    expect(uat.problems).to.have.length(1);
    expect(uat.problems[0]).to.include({ severity: 'warning' });
    expect(uat.problems[0].message).to.contain(uat.deployId as string).and.contain('succeeded');
    expect(uat.actions?.join('\n')).to.contain(`sf eca display --name ${app} --target-org uat`);
    expect(h.sim.org('uat').component('ExternalClientApplication', app)).to.not.equal(undefined);
    expect(readFileSync(report, 'utf8')).to.contain('## uat: deployed, NOT VERIFIED');
    expect(stubs.warn.args.flat().join('\n')).to.contain('uat: ');
  });

  it('every target failing: exit 1, and the report is written', async () => {
    const app = await newApp();
    const report = join(dir, 'all-failed.md');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ default: { users: { 'integration@dev.acme.example': 'nobody@acme.example' } } }));
    const r: MigrateResult = await Migrate.run(['--source-org', 'dev', '--target-org', 'prod', '--target-org', 'uat', '--name', app, '--mapping', bad, '--report-file', report, '--json']);
    expect(process.exitCode).to.equal(1);
    expect(r.targets.map((t) => t.status)).to.deep.equal(['failed', 'failed']);
    expect(readFileSync(report, 'utf8')).to.contain('**Complete.**').and.contain('## prod: FAILED').and.contain('## uat: FAILED');
  });

  it('a target that cannot be opened (an alias the CLI does not know) fails alone', async () => {
    const app = await newApp();
    const r = await migrate(app, join(dir, 'unknown.md'), ['prod', 'nosuchorg']);
    expect(process.exitCode).to.equal(68);
    expect(r.targets.map((t) => `${t.org}:${t.status}`)).to.deep.equal(['prod:deployed', 'nosuchorg:failed']);
    expect(r.targets[1].actions?.join('\n')).to.contain('nosuchorg');
  });

  it('--fail-fast: the targets after the failed one are listed as not attempted', async () => {
    const app = await newApp();
    const report = join(dir, 'failfast.md');
    const r: MigrateResult = await Migrate.run(['--source-org', 'dev', '--target-org', 'nosuchorg', '--target-org', 'prod', '--name', app, '--mapping', mapping, '--report-file', report, '--fail-fast', '--json']);
    expect(r.targets.map((t) => `${t.org}:${t.status}`)).to.deep.equal(['nosuchorg:failed', 'prod:not-started']);
    expect(process.exitCode).to.equal(1);
    expect(readFileSync(report, 'utf8')).to.contain('## prod: not attempted');
  });

  it('interrupted during the second target’s deploy: the signal’s code, the first target in the report and in the error’s data', async () => {
    const app = await newApp();
    const report = join(dir, 'interrupted.md');
    // the deploy poller's interrupt (Ctrl-C while a deploy runs), as the faults work names it
    const deploy = OrgAccess.prototype.deploy;
    sandbox.stub(OrgAccess.prototype, 'deploy').callsFake(async function (this: OrgAccess, ...args: Parameters<OrgAccess['deploy']>) {
      if ((this as unknown as { orgName: string }).orgName === 'uat' && args[1]?.checkOnly === false) {
        const e = new SfError('Interrupted (SIGINT) while deploy 0Af000000000001AAA was running.', 'DeployInterruptedError', [], 130);
        throw Object.assign(e, { deployId: '0Af000000000001AAA' });
      }
      return deploy.apply(this, args);
    });
    let thrown: SfError | undefined;
    try {
      await migrate(app, report);
    } catch (e) {
      thrown = e as SfError;
    }
    expect(thrown?.name).to.equal('DeployInterruptedError');
    expect(thrown?.exitCode).to.equal(130);
    const data = thrown?.data as { migration: { targets: Array<{ org: string; status: string; deployId?: string }> } };
    expect(data.migration.targets.map((t) => `${t.org}:${t.status}`)).to.deep.equal(['prod:deployed', 'uat:interrupted']);
    expect(data.migration.targets[1].deployId).to.equal('0Af000000000001AAA');
    const text = readFileSync(report, 'utf8');
    expect(text).to.contain('**Interrupted:**').and.contain('## prod: deployed').and.contain('## uat: INTERRUPTED').and.contain('sf project deploy report --job-id 0Af000000000001AAA --target-org uat');
  });

  it('a report that cannot be written stops the run before anything is done', async () => {
    const app = await newApp();
    h.sim.resetLog();
    try {
      // a folder that is a file
      await migrate(app, join(mapping, 'r.md'));
      expect.fail('should fail');
    } catch (e) {
      expect((e as Error).name).to.equal('ReportUnwritableError');
    }
    expect(h.sim.count('soap:deploy')).to.equal(0);
  });

  it('a source that cannot be read: exit 1, and the report says the migration did not start', async () => {
    const report = join(dir, 'no-source.md');
    h.sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500, count: 1 }] });
    try {
      await migrate('Acme_Sync_1', report);
      expect.fail('should fail');
    } catch (e) {
      expect((e as Error).message).to.contain('dev');
    }
    expect(readFileSync(report, 'utf8')).to.contain('**Not started:**');
  });
});
