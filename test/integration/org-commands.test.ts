/**
 * create, list and display against the org simulator over real HTTPS, with auth stored as the
 * CLI stores it in an isolated home. Nothing in Org or Connection is stubbed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Create from '../../src/commands/eca/create.js';
import Display from '../../src/commands/eca/display.js';
import List from '../../src/commands/eca/list.js';
import { OrgAccess, DeployTimeoutError } from '../../src/org/orgAccess.js';
import { buildEca } from '../../src/domain/build.js';
import { ecaComponents } from '../../src/domain/model.js';
import { loginOrg } from '../helpers/cliAuth.js';
import { type Harness, startHarness } from '../simulator/harness.js';

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; actions?: string[]; exitCode?: number }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string; actions?: string[]; exitCode?: number };
  }
  throw new Error('expected a failure');
}

describe('create, list and display against the org simulator', function () {
  this.timeout(60_000);
  let h: Harness;
  const sandbox = sinon.createSandbox();
  const sync = ['--name', 'Acme_Sync', '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--contact-email', 'ops@acme.example', '-o', 'dev', '--json'];

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod'] });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => sandbox.restore());

  it('create --dry-run validates and changes nothing', async () => {
    const r = await Create.run([...sync, '--dry-run']);
    expect(r).to.include({ dryRun: true, name: 'Acme_Sync', updated: false });
    expect(r.id).to.equal(undefined);
    expect(h.sim.org('dev').component('ExternalClientApplication', 'Acme_Sync')).to.equal(undefined);
  });

  it('create deploys the five components and reports the id and consumer key, never the secret', async () => {
    h.sim.resetLog();
    const r = await Create.run(sync);
    expect(r.id).to.match(/^0xI/);
    expect(r.consumerKey).to.match(/^3MVG9/);
    expect(r.components.map((c) => c.type).sort()).to.deep.equal([
      'ExternalClientApplication',
      'ExtlClntAppConfigurablePolicies',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppOauthSettings',
    ]);
    const secret = h.sim.org('dev').ensureCredentials('Acme_Sync').consumerSecret;
    expect(secret).to.have.length.greaterThan(10);
    expect(JSON.stringify(r)).to.not.contain(secret);
    expect(h.sim.count('soap:deploy')).to.equal(1);
  });

  it('create refuses an app that exists, and updates it with --update', async () => {
    const err = await failure(Create.run(sync));
    expect(err.name).to.equal('AppExistsError');
    expect(err.actions?.join('\n')).to.contain('--update');
    const r = await Create.run([...sync, '--update', '--refresh-token', 'lifetime:8h']);
    expect(r.updated).to.equal(true);
    const policies = h.sim.org('dev').componentsOf('ExtlClntAppOauthConfigurablePolicies').find((c) => c.values.externalClientApplication === 'Acme_Sync');
    expect(policies?.values).to.include({ refreshTokenPolicyType: 'SpecificLifetime', refreshTokenValidityPeriod: 8, refreshTokenValidityUnit: 'Hours' });
  });

  it('create lists every missing user, profile and permission set at once, and deploys nothing', async () => {
    h.sim.resetLog();
    const err = await failure(
      Create.run(['--name', 'Acme_Bad', '--template', 'server-to-server', '--run-as', 'nobody@dev.acme.example', '--permission-sets', 'Missing_PS,CI_Deployer', '--profiles', 'Ghost Profile', '--contact-email', 'a@b.example', '-o', 'dev', '--json'])
    );
    expect(err.name).to.equal('MissingReferencesError');
    expect(err.message).to.contain('user nobody@dev.acme.example').and.contain('permission set Missing_PS').and.contain('profile Ghost Profile');
    expect(err.message).to.not.contain('CI_Deployer');
    expect(err.actions?.join('\n')).to.contain('--target-org dev');
    expect(h.sim.count('soap:deploy')).to.equal(0);
  });

  it('list shows the app with its policies, the installed app and Connected Apps, with one retrieve', async () => {
    h.sim.resetLog();
    const r = await List.run(['-o', 'dev']);
    const sync = r.apps.find((a) => a.name === 'Acme_Sync');
    expect(sync).to.deep.include({ kind: 'ExternalClientApp', distributionState: 'Local', permittedUsers: 'AdminApprovedPreAuthorized', ipRelaxation: 'Enforce', refreshTokenPolicy: 'SpecificLifetime 8 Hours' });
    expect(sync?.flows).to.deep.equal(['client-credentials']);
    const installed = r.apps.find((a) => a.namespacePrefix === 'sf_insights');
    expect(installed).to.include({ kind: 'ExternalClientApp', distributionState: 'Packaged' });
    expect(h.sim.count('soap:retrieve')).to.equal(1);
    const prod = await List.run(['-o', 'prod']);
    // one model, one spelling: a Connected App's values are shown the ECA way (src/domain/app/model.ts)
    expect(prod.apps.find((a) => a.name === 'Legacy_Integration')).to.deep.include({ kind: 'ConnectedApp', refreshTokenPolicy: 'Infinite', ipRelaxation: 'Enforce' });
  });

  it('display shows every setting under its Setup label, in Setup\'s sections and order, and redacts a retrieved secret', async () => {
    h.sim.org('dev').settings.enableConsumerSecretApiAccess = true;
    try {
      const r = await Display.run(['--name', 'Acme_Sync', '-o', 'dev']);
      expect(r.org).to.equal('dev');
      expect(r.groups.map((g) => g.title)).to.deep.equal([
        'Settings > Basic Information',
        'Settings > OAuth Settings > App Settings',
        'Settings > OAuth Settings > Flow Enablement',
        'Settings > OAuth Settings > Security',
        'Settings > OAuth Settings > Consumer Key and Secret',
        'Policies > App Policies',
        'Policies > OAuth Policies > Plugin Policies',
        'Policies > OAuth Policies > App Authorization',
        'Policies > OAuth Policies',
        'Other fields (metadata names)',
      ]);
      const all = r.groups.flatMap((g) => g.settings);
      const one = (label: string): (typeof all)[number] | undefined => all.find((x) => x.label === label);
      expect(one('External Client App Name')).to.include({ field: 'label', value: 'Acme Sync', component: 'ExternalClientApplication:Acme_Sync' });
      expect(one('Enable Client Credentials Flow')).to.include({ value: 'true', shown: 'yes' });
      // Setup's checkbox says the opposite of the metadata field
      expect(one('Require Secret for Web Server Flow')).to.include({ field: 'isConsumerSecretOptional', value: 'false', shown: 'yes' });
      expect(one('Permitted Users')).to.include({ value: 'AdminApprovedPreAuthorized', shown: 'Admin approved users are pre-authorized' });
      expect(one('Consumer Secret')).to.include({ value: '[REDACTED]', shown: '[REDACTED]' });
      expect(one('Consumer Key')?.value).to.match(/^3MVG9/);
      expect(r.groups.at(-1)?.settings.map((x) => x.label)).to.include('orgScopedExternalApp');
      // satellites' own labels and their link to the app are not settings
      expect(all.filter((x) => x.field === 'externalClientApplication')).to.deep.equal([]);

      const ca = await Display.run(['--name', 'Legacy_Integration', '-o', 'prod']);
      expect(ca.kind).to.equal('ConnectedApp');
      expect(ca.groups.map((g) => g.title).slice(0, 3)).to.deep.equal(['Basic Information', 'API (Enable OAuth Settings)', 'OAuth Policies']);
      expect(ca.groups[2].settings.map((x) => x.label)).to.deep.equal(['Permitted Users', 'IP Relaxation', 'Refresh Token Policy']);
      expect(ca.groups[1].settings.find((x) => x.field === 'oauthConfig.scopes')?.label).to.equal('Selected OAuth Scopes');
    } finally {
      h.sim.org('dev').settings.enableConsumerSecretApiAccess = false;
    }
  });

  it('display names the apps the org has when the name is unknown', async () => {
    const err = await failure(Display.run(['--name', 'Nope', '-o', 'dev']));
    expect(err.name).to.equal('NotFoundError');
    expect(err.actions?.join('\n')).to.contain('Acme_Sync');
  });

  it('create --template jwt-ci without a certificate makes the key (0600, outside packages), pre-authorizes the user through the app\'s own permission set and prints the login line', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'eca-keys-'));
    try {
      const r = await Create.run(['--name', 'Acme_CI', '--template', 'jwt-ci', '--username', 'ci@dev.acme.example', '--key-dir', keyDir, '--contact-email', 'ops@acme.example', '-o', 'dev', '--json']);
      const keyFile = join(keyDir, 'Acme_CI.key');
      expect(r.privateKeyFile).to.equal(keyFile);
      expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
      expect(readFileSync(keyFile, 'utf8')).to.contain('PRIVATE KEY');
      expect(JSON.stringify(r)).to.not.contain('PRIVATE KEY');
      expect(r.loginCommand).to.match(new RegExp(`^sf org login jwt --client-id 3MVG9\\S+ --jwt-key-file ${keyFile} --username ci@dev.acme.example --instance-url https://127\\.0\\.0\\.1:\\d+ --alias acme_ci$`));
      // least privilege (issue 16): the CI user's permission set, not its whole profile
      expect(r.settings.profiles).to.deep.equal([]);
      expect(r.settings.permissionSets).to.deep.equal(['Acme_CI_Access']);
      // pipeline secret names outside SF_*: the real sf writes SF_* variables to its debug log
      expect(r.ciSecrets?.map((s) => s.name)).to.deep.equal(['ECA_CONSUMER_KEY', 'ECA_JWT_KEY', 'ECA_USERNAME', 'ECA_INSTANCE_URL']);
      // the login was proved with the same check as sf eca token verify
      expect(r.verification).to.deep.equal({ verified: true, username: 'ci@dev.acme.example' });
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('an expired session is refreshed with the stored refresh token, as the CLI does', async () => {
    h.sim.faults.set({ expireSession: { count: 1 } });
    try {
      h.sim.resetLog();
      const r = await List.run(['-o', 'dev', '--json']);
      expect(r.apps.map((a) => a.name)).to.include('Acme_Sync');
      expect(h.sim.count('oauth:token')).to.be.greaterThan(0);
    } finally {
      h.sim.faults.set({});
    }
  });

  it('a server error mid-operation is a named error with actions, and nothing changes', async () => {
    h.sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500, count: 10 }] });
    try {
      const err = await failure(List.run(['-o', 'dev', '--json']));
      expect(err.name).to.equal('RequestFailedError');
      expect(err.message).to.contain('The metadata retrieve failed');
      expect(err.actions?.join('\n')).to.contain('run the command again');
    } finally {
      h.sim.faults.set({});
    }
  });

  it('an org whose API version is below 59 is a named error', async () => {
    h.sim.addOrg({ alias: 'old', apiVersion: '58.0', users: [{ username: 'admin@old.acme.example', lastName: 'Old', profile: 'System Administrator' }] });
    await loginOrg(h.home, h.sim, 'old');
    const err = await failure(List.run(['-o', 'old', '--json']));
    expect(err.name).to.equal('ApiVersionTooLowError');
    expect(err.message).to.contain('58.0');
    const create = await failure(Create.run([...sync.slice(0, -3), '-o', 'old', '--json']));
    expect(create.name).to.equal('ApiVersionTooLowError');
  });

  it('an unknown alias is a named error', async () => {
    const err = await failure(List.run(['-o', 'no-such-org', '--json']));
    expect(err.name).to.equal('NamedOrgNotFoundError');
  });

  it('a deploy still running when the wait ends raises DeployTimeoutError with the job id', async () => {
    h.sim.faults.set({ deployInProgress: true });
    try {
      const conn = await h.connection('dev');
      const { eca } = buildEca({ name: 'Acme_Slow', contactEmail: 'a@b.example', apiVersion: 66, template: 'device' });
      const err = await failure(new OrgAccess(conn, '66.0').deploy(ecaComponents(eca), { checkOnly: false, timeoutSeconds: 1, frequencyMs: 200 }));
      expect(err).to.be.instanceOf(DeployTimeoutError);
      expect((err as unknown as DeployTimeoutError).jobId).to.match(/^0Af/);
    } finally {
      h.sim.faults.set({});
    }
  });
});
