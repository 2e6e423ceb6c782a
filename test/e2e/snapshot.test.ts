/**
 * The sandbox refresh recipe through the real `sf` (the plugin linked), against the simulator:
 * `sf eca snapshot -o uat --include-credentials --output-dir snap`, a refresh of uat, `sf eca
 * restore --snapshot snap -o uat`, then `sf eca token verify` with the old secret; `sf eca diff
 * --source-org prod --target-org uat` exits 1 naming the one changed setting. Every run is at
 * SF_LOG_LEVEL=trace with the log file on: no secret and no passphrase in any output or log.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { SfCli, type SfRun } from '../helpers/sfCli.js';
import { oauthEca } from '../simulator/harness.js';

const PASSPHRASE = 'e2e passphrase for the refresh recipe';
const TRACE = { SF_LOG_LEVEL: 'trace', SF_DISABLE_LOG_FILE: 'false' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('end to end: before and after a sandbox refresh, in the real sf', function () {
  this.timeout(600_000);
  let sim: Simulator;
  let sf: SfCli;
  const runs: SfRun[] = [];
  let secret: string;
  let key: string;

  const login = async (alias: string): Promise<void> => {
    const file = join(sf.home, `${alias}.url`);
    writeFileSync(file, sim.login(alias).sfdxAuthUrl);
    const r = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', file, '--alias', alias, '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  };
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<SfRun> => {
    const r = await sf.run(args, { env: { ...TRACE, ...env } });
    runs.push(r);
    return r;
  };

  before(async () => {
    sim = await startSimulator({ orgs: ['prod', 'uat'] });
    for (const c of oauthEca('Acme_CI', { clientCredentials: true, runAs: 'integration@acme.example.uat' })) sim.org('uat').addComponent(c);
    for (const c of oauthEca('Acme_CI', { clientCredentials: true, runAs: 'integration@acme.example' })) sim.org('prod').addComponent(c);
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('uat').caCertPath });
    await login('prod');
    await login('uat');
    ({ consumerKey: key, consumerSecret: secret } = sim.org('uat').credentials.get('eca:Acme_CI') as { consumerKey: string; consumerSecret: string });
  });
  after(async () => {
    await sim?.close();
    sf?.dispose();
  });

  it('snapshot with credentials, refresh, restore: the old key and secret issue tokens again', async () => {
    mkdirSync(join(sf.home, 'work'), { recursive: true });
    const snap = join(sf.home, 'work', 'snap');
    const snapshot = await run(['eca', 'snapshot', '-o', 'uat', '--include-credentials', '--allow-secret-access', '--output-dir', snap, '--json'], { ECA_SNAPSHOT_PASSPHRASE: PASSPHRASE });
    expect(snapshot.status, snapshot.stdout + snapshot.stderr).to.equal(0);
    expect((snapshot.json?.result as { credentials: { apps: string[] } }).credentials.apps).to.deep.equal(['Acme_CI']);
    for (const f of filesUnder(snap)) expect(readFileSync(f, 'utf8'), f).to.not.contain(secret);

    sim.refreshSandbox('uat');
    await login('uat');

    const wrong = await run(['eca', 'restore', '--snapshot', snap, '-o', 'uat', '--json'], { ECA_SNAPSHOT_PASSPHRASE: 'a wrong passphrase, long enough' });
    expect(wrong.status, wrong.stdout).to.equal(1);
    expect(wrong.json?.name).to.equal('WrongPassphraseError');
    expect(sim.org('uat').component('ExternalClientApplication', 'Acme_CI')).to.equal(undefined);

    const empty = await run(['eca', 'restore', '--snapshot', snap, '-o', 'uat', '--passphrase-stdin', '--json']);
    expect(empty.status, empty.stdout).to.equal(1);
    expect(empty.json?.name).to.equal('PassphraseProblemError');
    const restored = await sf.run(['eca', 'restore', '--snapshot', snap, '-o', 'uat', '--passphrase-stdin', '--json'], { env: TRACE, input: `${PASSPHRASE}\n` });
    runs.push(restored);
    expect(restored.status, restored.stdout + restored.stderr).to.equal(0);
    const result = restored.json?.result as { status: string; apps: Array<{ name: string; login?: { status: string } }> };
    expect(result.status).to.equal('restored');
    expect(result.apps.find((a) => a.name === 'Acme_CI')?.login?.status).to.equal('verified');

    const verify = await run(['eca', 'token', 'verify', '-o', 'uat', '--name', 'Acme_CI', '--flow', 'client-credentials', '--json'], { ECA_CLIENT_SECRET: secret });
    expect(verify.status, verify.stdout + verify.stderr).to.equal(0);
    expect((verify.json?.result as { consumerKey: string }).consumerKey).to.equal(key);

    const again = await sf.run(['eca', 'restore', '--snapshot', snap, '-o', 'uat', '--passphrase-stdin'], { env: TRACE, input: PASSPHRASE });
    runs.push(again);
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('already matches the snapshot');
  });

  it('diff --source-org prod --target-org uat exits 1 and names the one changed setting', async () => {
    const same = await run(['eca', 'diff', '--source-org', 'prod', '--target-org', 'uat']);
    expect(same.status, same.stdout + same.stderr).to.equal(0);
    const policies = [...sim.org('uat').components.values()].find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies' && c.values.externalClientApplication === 'Acme_CI');
    policies!.values.ipRelaxationPolicyType = 'BypassUsingIpRange';
    const changed = await run(['eca', 'diff', '--source-org', 'prod', '--target-org', 'uat']);
    expect(changed.status, changed.stderr).to.equal(1);
    expect(changed.stdout).to.contain('oauthPolicies.ipRelaxationPolicyType').and.contain('BypassUsingIpRange').and.contain('ip-restrictions-relaxed');
    const json = await run(['eca', 'diff', '--source-org', 'prod', '--target-org', 'uat', '--json']);
    expect(json.status).to.equal(1);
    const apps = (json.json?.result as { apps: Array<{ fields: Array<{ setting: string }> }> }).apps;
    expect(apps.flatMap((a) => a.fields.map((f) => f.setting))).to.deep.equal(['oauthPolicies.ipRelaxationPolicyType']);
    const broken = await run(['eca', 'diff', '--source-org', 'prod', '--target-org', 'nowhere', '--json']);
    expect(broken.status, broken.stdout).to.equal(2);
  });

  it('a Salesforce error with an ErrorId: snapshot 1 with nothing written, diff 2, restore 1 (sf alone: 20)', async () => {
    const snap = join(sf.home, 'work', 'faulted');
    sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500 }] });
    try {
      const snapshot = await run(['eca', 'snapshot', '-o', 'prod', '--output-dir', snap, '--json']);
      expect(snapshot.status, snapshot.stdout).to.equal(1);
      expect(snapshot.json?.name).to.equal('RequestFailedError');
      expect(() => readdirSync(snap)).to.throw();
      const diff = await run(['eca', 'diff', '--source-org', 'prod', '--target-org', 'uat', '--json']);
      expect(diff.status, diff.stdout).to.equal(2);
      const restore = await run(['eca', 'restore', '--snapshot', join(sf.home, 'work', 'snap'), '-o', 'uat', '--json'], { ECA_SNAPSHOT_PASSPHRASE: PASSPHRASE });
      expect(restore.status, restore.stdout).to.equal(1);
      expect(restore.json?.message).to.contain('in uat');
    } finally {
      sim.faults.set({});
    }
  });

  it('no secret and no passphrase in any output or in the trace log', () => {
    const logs = filesUnder(join(sf.home, '.sf')).filter((f) => f.endsWith('.log'));
    expect(logs.length).to.be.greaterThan(0);
    // the log really is at trace level: the secret-access switch wrote its steps there
    expect(logs.map((f) => readFileSync(f, 'utf8')).join('\n')).to.contain('secret access: turning enableClientSecretInRestApiAccess on');
    const texts = [...runs.flatMap((r) => [r.stdout, r.stderr]), ...logs.map((f) => readFileSync(f, 'utf8'))];
    for (const text of texts) {
      expect(text).to.not.contain(secret);
      expect(text).to.not.contain(PASSPHRASE);
    }
  });
});
