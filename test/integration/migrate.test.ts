/**
 * sf eca migrate between simulator orgs: sandbox to production with remapped users and
 * permission sets, everything missing listed at once, a consumer key already taken, two targets
 * with one failing, a re-run that changes nothing, and a secret that never leaves the source.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Create from '../../src/commands/eca/create.js';
import Migrate from '../../src/commands/eca/migrate.js';
import { Ajv } from 'ajv';
import { BIN, ROOT } from '../helpers/paths.js';
import { type Harness, retrieveInto, startHarness } from '../simulator/harness.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('sf eca migrate between simulator orgs', function () {
  this.timeout(120_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dir: string;
  let mapping: string;

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod', 'uat'] });
    dir = mkdtempSync(join(tmpdir(), 'eca-migrate-'));
    mapping = join(dir, 'map.yaml');
    writeFileSync(
      mapping,
      [
        'targets:',
        '  prod:',
        '    users:',
        '      integration@dev.acme.example: integration@acme.example',
        '  uat:',
        '    users:',
        '      integration@dev.acme.example: nobody@acme.example.uat',
        '',
      ].join('\n')
    );
    stubSfCommandUx(sandbox);
    await Create.run([
      '--name', 'Acme_Sync', '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--permission-sets', 'Integration_Access',
      '--contact-email', 'ops@acme.example', '-o', 'dev', '--json',
    ]);
    sandbox.restore();
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  it('refuses a source equal to a target', async () => {
    try {
      await Migrate.run(['--source-org', 'dev', '--target-org', 'dev', '--name', 'Acme_Sync', '--json']);
      expect.fail('should fail');
    } catch (e) {
      expect((e as Error).name).to.equal('SameOrgError');
    }
  });

  it('--dry-run validates in the target and deploys nothing', async () => {
    const r = await Migrate.run(['--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', mapping, '--dry-run', '--json']);
    expect(r.targets[0]).to.deep.include({ org: 'prod', status: 'validated' });
    expect(h.sim.org('prod').component('ExternalClientApplication', 'Acme_Sync')).to.equal(undefined);
  });

  it('moves the app to production with the run-as user remapped, and no trace of the source org remains', async () => {
    const r = await Migrate.run(['--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', mapping, '--json']);
    expect(r.targets[0]).to.deep.include({ org: 'prod', status: 'deployed' });
    expect(r.targets[0].apps[0]).to.deep.include({ name: 'Acme_Sync', status: 'new' });
    const changes = r.targets[0].apps[0].changes.map((c) => `${c.field}:${c.to ?? ''}`);
    expect(changes).to.include('clientCredentialsFlowUser:integration@acme.example');
    expect(process.exitCode).to.equal(0);
    // what the real retrieve brings back from the target
    const out = mkdtempSync(join(tmpdir(), 'eca-migrate-retrieve-'));
    await retrieveInto(await h.connection('prod'), out, [
      { type: 'ExternalClientApplication', fullName: '*' },
      { type: 'ExtlClntAppOauthSettings', fullName: '*' },
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: '*' },
      { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: '*' },
    ]);
    const text = filesUnder(out).map((f) => readFileSync(f, 'utf8')).join('\n');
    const devOrgId15 = h.sim.org('dev').orgId15;
    expect(text).to.contain('Acme_Sync');
    expect(text).to.not.contain(devOrgId15);
    expect(text).to.not.contain('@dev.acme.example');
    expect(text).to.contain(h.sim.org('prod').orgId15); // the target's own ids
    rmSync(out, { recursive: true, force: true });
  });

  it('a second run changes nothing', async () => {
    h.sim.resetLog();
    const r = await Migrate.run(['--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', mapping, '--json']);
    expect(r.targets[0]).to.deep.include({ status: 'unchanged' });
    expect(r.targets[0].apps[0].status).to.equal('unchanged');
    expect(h.sim.count('soap:deploy')).to.equal(0);
  });

  it('two targets, one missing what the app needs: the other still succeeds, all missing listed at once, exit 68', async () => {
    h.sim.org('prod').settings.enableConsumerSecretApiAccess = false;
    const r = await Migrate.run(['--source-org', 'dev', '--target-org', 'uat', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', mapping, '--json']);
    const uat = r.targets.find((t) => t.org === 'uat');
    expect(uat?.status).to.equal('failed');
    expect(uat?.missing.map((m) => `${m.kind}:${m.name}`).sort()).to.deep.equal(['user:nobody@acme.example.uat']);
    expect(h.sim.org('uat').component('ExternalClientApplication', 'Acme_Sync')).to.equal(undefined);
    expect(r.targets.find((t) => t.org === 'prod')?.status).to.equal('unchanged');
    expect(process.exitCode).to.equal(68);
  });

  it('--keep-consumer-key explains "The consumer key is already taken"', async () => {
    // another app of the target uses the key already
    const key = h.sim.org('dev').credentials.get('eca:Acme_Sync')?.consumerKey as string;
    h.sim.org('uat').addComponent({ type: 'ExternalClientApplication', fullName: 'Squatter', values: { label: 'Squatter', contactEmail: 'a@b.example', distributionState: 'Local' } });
    h.sim.org('uat').addComponent({
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: 'Squatter_glbloauth',
      values: { externalClientApplication: 'Squatter', consumerKey: key, callbackUrl: 'https://x.example/cb' },
    });
    const map2 = join(dir, 'map2.json');
    writeFileSync(map2, JSON.stringify({ targets: { uat: { users: { 'integration@dev.acme.example': 'admin@acme.example.uat' } } } }));
    const r = await Migrate.run(['--source-org', 'dev', '--target-org', 'uat', '--name', 'Acme_Sync', '--mapping', map2, '--keep-consumer-key', '--json']);
    const uat = r.targets[0];
    expect(uat.status).to.equal('failed');
    expect(uat.problems.map((p) => p.message).join('\n')).to.match(/consumer key is already taken[\s\S]*without --keep-consumer-key/i);
  });

  it('a deploy that fails after its validation passed is rolled back, the target stays as it was, and the report says so', async () => {
    const before = h.sim.org('prod').componentsOf('ExtlClntAppOauthConfigurablePolicies').map((c) => JSON.stringify(c.values));
    const map3 = join(dir, 'map3.json');
    writeFileSync(map3, JSON.stringify({ targets: { prod: { users: { 'integration@dev.acme.example': 'admin@acme.example' } } } }));
    h.sim.faults.set({ commitFailure: { count: 1 } });
    try {
      const r = await Migrate.run(['--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', map3, '--json']);
      const prod = r.targets[0];
      expect(prod.status).to.equal('failed');
      expect(prod.validationId).to.match(/^0Af/);
      expect(prod.message).to.contain('rolled back');
      expect(prod.problems.map((p) => p.message).join('\n')).to.contain('UNABLE_TO_LOCK_ROW');
      expect(process.exitCode).to.equal(1);
    } finally {
      h.sim.faults.set({});
    }
    const after = h.sim.org('prod').componentsOf('ExtlClntAppOauthConfigurablePolicies').map((c) => JSON.stringify(c.values));
    expect(after).to.deep.equal(before);
  });

  it('a secret the source returns never reaches stdout, stderr, --json, the log or the output files', async () => {
    h.sim.org('dev').settings.enableConsumerSecretApiAccess = true;
    const secret = h.sim.org('dev').credentials.get('eca:Acme_Sync')?.consumerSecret as string;
    expect(secret).to.have.length.greaterThan(10);
    const out = join(dir, 'written');
    const child = spawn(process.execPath, [BIN, 'eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', mapping, '--output-dir', out, '--json'], {
      env: { ...process.env, SF_LOG_LEVEL: 'trace', SF_DISABLE_LOG_FILE: 'false' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    h.sim.org('dev').settings.enableConsumerSecretApiAccess = false;
    expect(status, stderr).to.equal(0);
    const json = JSON.parse(stdout) as { result: unknown };
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-migrate.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(json.result), JSON.stringify(validate.errors)).to.equal(true);
    expect((json.result as { targets: Array<{ status: string }> }).targets[0].status).to.equal('written');
    expect(stdout).to.not.contain(secret);
    expect(stderr).to.not.contain(secret);
    for (const f of filesUnder(out)) expect(readFileSync(f, 'utf8'), f).to.not.contain(secret);
    const logs = join(process.env.HOME as string, '.sf');
    for (const f of filesUnder(logs).filter((x) => x.endsWith('.log'))) expect(readFileSync(f, 'utf8'), f).to.not.contain(secret);
  });
});
