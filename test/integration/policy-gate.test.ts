/**
 * policy check never passes on an org it could not read, and counts each org once: against
 * simulator orgs with auth stored as the CLI stores it, one login to an org that does not answer,
 * a second login of one org (another user, another alias), and apps installed from packages.
 */
import type { Server } from 'node:net';
import { AuthInfo } from '@salesforce/core';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import PolicyCheck, { type PolicyCheckResult } from '../../src/commands/eca/policy/check.js';
import { buildEca } from '../../src/domain/build.js';
import { ecaComponents } from '../../src/domain/model.js';
import { EXIT_CODES } from '../../src/shared/exitCodes.js';
import type { OrgSeed } from '../../simulator/seed.js';
import { notHttpsServer, writeDeadLogin, writeSecondLogin } from '../helpers/orgLogins.js';
import { runPluginAsync } from '../helpers/runCli.js';
import { type Harness, startHarness } from '../simulator/harness.js';

type Result = PolicyCheckResult;

function app(name: string, template: 'web-app' | 'server-to-server' = 'web-app'): NonNullable<OrgSeed['components']> {
  return ecaComponents(
    buildEca({ name, contactEmail: 'a@acme.example', apiVersion: 66, template, callbackUrls: ['https://x.acme.example/cb'], runAs: template === 'server-to-server' ? 'api@alpha.gate.acme.example' : undefined }).eca
  );
}

/** An ECA installed from a package: the vendor's parts, and the policies the subscriber set (IP Bypass). */
function installedEca(): NonNullable<OrgSeed['components']> {
  return app('Vendor_Sync').map((c) => ({
    ...c,
    namespacePrefix: 'dtrk',
    manageableState: 'installed' as const,
    values: c.type === 'ExtlClntAppOauthConfigurablePolicies' ? { ...c.values, ipRelaxationPolicyType: 'Bypass' } : c.values,
  }));
}

const installedConnectedApp = {
  type: 'ConnectedApp',
  fullName: 'mpls__Mapper',
  namespacePrefix: 'mpls',
  manageableState: 'installed' as const,
  values: { label: 'Mapper by MPLS', contactEmail: 'a@mpls.example', oauthConfig: { callbackUrl: 'https://mpls.example/cb', scopes: ['Api'] } },
};

describe('sf eca policy check: every org read, each once, or the run is incomplete', function () {
  this.timeout(180_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dead: Server;
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    h = await startHarness({
      orgs: [
        {
          alias: 'alpha',
          users: [
            { username: 'admin@alpha.gate.acme.example', lastName: 'Admin', profile: 'System Administrator' },
            { username: 'ci@alpha.gate.acme.example', lastName: 'CI', profile: 'System Administrator' },
            { username: 'api@alpha.gate.acme.example', lastName: 'Api', profile: 'Minimum Access - API Only Integrations', apiOnly: true },
          ],
          components: [...app('Alpha_Portal'), ...app('Alpha_Sync', 'server-to-server'), ...installedEca(), installedConnectedApp],
        },
        { alias: 'beta', users: [{ username: 'admin@beta.gate.acme.example', lastName: 'Admin', profile: 'System Administrator' }], components: app('Beta_Portal') },
        { alias: 'vendor', users: [{ username: 'admin@vendor.gate.acme.example', lastName: 'Admin', profile: 'System Administrator' }], components: installedEca() },
      ],
    });
    dead = await notHttpsServer();
    writeDeadLogin(h.home.dir, 'dead', (dead.address() as { port: number }).port);
    // the login `sf org login jwt --username ci@... --alias zeta-ci` adds next to the original one
    writeSecondLogin(h.home.dir, h.sim, 'alpha', 'ci@alpha.gate.acme.example', 'zeta-ci');
  });
  after(async () => {
    dead?.close();
    await h?.close();
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  describe('--all-orgs with an org that does not answer and two logins of one org', () => {
    let r: Result;
    before(async () => {
      // a before() runs ahead of the outer beforeEach: keep the output quiet here too
      const quiet = sinon.createSandbox();
      stubSfCommandUx(quiet);
      try {
        r = await PolicyCheck.run(['--all-orgs', '--fail-on', 'none']);
      } finally {
        quiet.restore();
        process.exitCode = undefined;
      }
    });

    it('checks the other orgs and exits 2 (incomplete), even with --fail-on none', () => {
      expect(r.complete).to.equal(false);
      expect(r.passed).to.equal(false);
      expect(r.apps.map((a) => `${a.org}/${a.name}`).sort()).to.deep.equal(['alpha/Alpha_Portal', 'alpha/Alpha_Sync', 'beta/Beta_Portal']);
    });

    it('names the dead org as a problem, with the named error and an action for its alias', () => {
      expect(r.problems).to.have.length(1);
      const p = r.problems[0];
      expect(p).to.include({ code: 'org-unreadable', org: 'dead', error: 'OrgUnreachableError' });
      expect(p.message).to.contain('dead');
      expect(p.actions?.join('\n')).to.contain('--target-org dead');
      expect(r.orgs.find((o) => o.name === 'dead')).to.include({ status: 'unreadable', apps: 0 });
    });

    it('counts an org with two logins once, under the first name, and says which logins were merged', () => {
      const alpha = r.orgs.filter((o) => o.orgId === h.sim.login('alpha').orgId);
      expect(alpha).to.have.length(1);
      expect(alpha[0]).to.include({ name: 'alpha', status: 'checked', apps: 2 });
      expect(alpha[0].merged).to.deep.equal(['zeta-ci']);
      expect(r.apps.filter((a) => a.name === 'Alpha_Portal')).to.have.length(1);
    });

    it('lists apps installed from packages as skipped, with the reason and the policies the subscriber set', () => {
      const vendor = r.skipped.filter((s) => s.org === 'alpha');
      expect(vendor.map((s) => `${s.kind}:${s.name}`).sort()).to.deep.equal(['connectedApp:Mapper by MPLS', 'eca:dtrk__Vendor_Sync']);
      const eca = vendor.find((s) => s.kind === 'eca');
      expect(eca?.reason).to.match(/installed from a package/);
      expect(eca?.policies).to.include({ ipRelaxation: 'Bypass' });
      expect(r.orgs.find((o) => o.name === 'alpha')).to.include({ skipped: 2 });
    });
  });

  it('the exit code is 2 in process, and the human view names the dead org and the merged login', async () => {
    await PolicyCheck.run(['--all-orgs', '--fail-on', 'none']);
    expect(process.exitCode).to.equal(EXIT_CODES.policyCheck.Incomplete);
    const out = ux.log.getCalls().map((c) => String(c.args[0] ?? '')).join('\n');
    expect(out).to.contain('org dead').and.contain('OrgUnreachableError');
    expect(out).to.contain('zeta-ci: another login of org alpha');
    expect(out).to.match(/Incomplete: 1 input could not be read/);
  });

  it('a login the CLI cannot read is named, not dropped', async () => {
    const original = AuthInfo.listAllAuthorizations.bind(AuthInfo);
    sandbox.stub(AuthInfo, 'listAllAuthorizations').callsFake(async (filter) => [
      ...(await original(filter)),
      { username: 'gone@acme.example', aliases: ['gone'], configs: null, orgId: '00D000000000GONEAA', oauthMethod: 'unknown', isExpired: 'unknown', error: 'The auth file cannot be decrypted' },
    ]);
    const r = await PolicyCheck.run(['--all-orgs', '--fail-on', 'none']);
    const gone = r.problems.find((p) => p.org === 'gone');
    expect(gone).to.include({ code: 'login-unreadable' });
    expect(gone?.message).to.contain('The auth file cannot be decrypted');
    expect(gone?.actions?.join('\n')).to.contain('sf org login web --alias gone');
    expect(r.apps.map((a) => a.name)).to.include('Beta_Portal');
  });

  it('an unreadable login of an org another login read is merged, not a problem', async () => {
    const original = AuthInfo.listAllAuthorizations.bind(AuthInfo);
    const beta = h.sim.login('beta').orgId;
    sandbox.stub(AuthInfo, 'listAllAuthorizations').callsFake(async (filter) => [
      ...(await original(filter)),
      { username: 'old@beta.acme.example', aliases: ['beta-old'], configs: null, orgId: beta, oauthMethod: 'unknown', isExpired: 'unknown', error: 'The auth file cannot be decrypted' },
    ]);
    const r = await PolicyCheck.run(['--all-orgs', '--fail-on', 'none']);
    expect(r.problems.map((p) => p.org)).to.deep.equal(['dead']);
    expect(r.orgs.find((o) => o.name === 'beta')?.merged).to.deep.equal(['beta-old']);
  });

  it('two --target-org names of one org are one org', async () => {
    const r = await PolicyCheck.run(['-o', 'zeta-ci', '-o', 'alpha', '--fail-on', 'none']);
    expect(r.complete).to.equal(true);
    expect(r.orgs).to.have.length(1);
    expect(r.orgs[0]).to.include({ name: 'zeta-ci' });
    expect(r.orgs[0].merged).to.deep.equal(['alpha']);
    expect(r.apps.map((a) => a.name).sort()).to.deep.equal(['Alpha_Portal', 'Alpha_Sync']);
  });

  it('an org with only installed apps: nothing audited, every app named as skipped, exit 0', async () => {
    const r = await PolicyCheck.run(['-o', 'vendor']);
    expect(process.exitCode).to.equal(EXIT_CODES.policyCheck.Passed);
    expect(r.apps).to.deep.equal([]);
    expect(r.skipped.map((s) => s.name)).to.deep.equal(['dtrk__Vendor_Sync']);
    const out = ux.log.getCalls().map((c) => String(c.args[0] ?? '')).join('\n');
    expect(out).to.contain('Not audited (1 app)').and.contain('dtrk__Vendor_Sync');
  });

  it('installed apps cost a constant number of queries: one retrieve, six queries at most', async () => {
    h.sim.resetLog();
    await PolicyCheck.run(['-o', 'alpha', '--fail-on', 'none']);
    expect(h.sim.count('soap:retrieve')).to.equal(1);
    // run-as users (2), token usage (1), ExternalClientApplication and its policies (2), ConnectedApplication (1)
    expect(h.sim.count('rest:query')).to.equal(6);
  });

  it('one named org that does not answer, and nothing else: the command\'s own error, exit 2', async () => {
    try {
      await PolicyCheck.run(['-o', 'dead']);
      expect.fail('should fail');
    } catch (e) {
      expect(e).to.include({ name: 'OrgUnreachableError', exitCode: EXIT_CODES.policyCheck.Error });
    }
  });

  it('SARIF and JUnit name the dead org: a notification on an unsuccessful invocation, an <error>', async () => {
    const sarif = await runPluginAsync(['eca', 'policy', 'check', '--all-orgs', '--output-format', 'sarif', '--fail-on', 'none'], { env: h.home.env });
    expect(sarif.status, sarif.stderr).to.equal(2);
    const log = JSON.parse(sarif.stdout) as { runs: Array<{ invocations: Array<{ executionSuccessful: boolean; exitCode: number; toolExecutionNotifications: Array<{ level: string; message: { text: string }; locations: Array<{ logicalLocations: Array<{ name: string }> }> }> }>; results: unknown[] }> };
    const inv = log.runs[0].invocations[0];
    expect(inv).to.include({ executionSuccessful: false, exitCode: 2 });
    expect(inv.toolExecutionNotifications).to.have.length(1);
    expect(inv.toolExecutionNotifications[0].level).to.equal('error');
    expect(inv.toolExecutionNotifications[0].locations[0].logicalLocations[0].name).to.equal('dead');
    const junit = await runPluginAsync(['eca', 'policy', 'check', '--all-orgs', '--output-format', 'junit', '--fail-on', 'none'], { env: h.home.env });
    expect(junit.status, junit.stderr).to.equal(2);
    expect(junit.stdout).to.match(/<testsuites [^>]*errors="1"/);
    expect(junit.stdout).to.contain('<testsuite name="Org dead"').and.match(/<error message="[^"]*dead[^"]*" type="org-unreadable">/);
    expect(junit.stdout).to.contain('Beta_Portal');
  });
});
