/**
 * convert from an org of the simulator: one retrieve, permission set labels resolved to API
 * names, installed and already converted apps skipped, then validated and deployed, and display
 * shows the same policies.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateAggregator } from '@salesforce/core';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Convert from '../../src/commands/eca/convert.js';
import Display from '../../src/commands/eca/display.js';
import { parseMetadataXml } from '../../src/domain/xml.js';
import { FIXTURES } from '../helpers/paths.js';
import { writeAuthFiles } from '../helpers/cliAuth.js';
import { deploySource, type Harness, startHarness } from '../simulator/harness.js';

describe('sf eca convert from an org of the simulator', function () {
  this.timeout(60_000);
  let h: Harness;
  let out: string;
  const sandbox = sinon.createSandbox();

  before(async () => {
    h = await startHarness({ orgs: ['prod'] });
    const prod = h.sim.org('prod');
    prod.addComponent({
      type: 'ConnectedApp',
      fullName: 'Acme_Reporting',
      values: {
        contactEmail: 'bi@acme.example',
        label: 'Acme Reporting',
        oauthConfig: { callbackUrl: 'https://bi.acme.example/cb', isAdminApproved: true, isPkceRequired: true, scopes: ['Api', 'RefreshToken'] },
        oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'specific_lifetime:3:DAYS' },
        permissionSetName: ['Integration Access'],
      },
    });
    prod.addComponent({
      type: 'ConnectedApp',
      fullName: 'Vendor_App',
      namespacePrefix: 'vendor',
      values: { contactEmail: 'x@vendor.example', label: 'Vendor App', oauthConfig: { callbackUrl: 'https://vendor.example/cb', scopes: ['Api'] } },
    });
    out = mkdtempSync(join(tmpdir(), 'eca-convert-org-'));
  });
  after(async () => {
    await h?.close();
    rmSync(out, { recursive: true, force: true });
  });
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  it('resolves permission set labels, reads everything in one retrieve, validates then deploys, and display shows the same policies', async () => {
    h.sim.resetLog();
    const r = await Convert.run(['--target-org', 'prod', '--all', '--output-dir', out, '--deploy-to', 'prod', '--json']);
    expect(h.sim.count('soap:retrieve')).to.equal(1);
    const reporting = r.apps.find((a) => a.name === 'Acme_Reporting');
    expect(reporting?.report.find((f) => f.source === 'permissionSetName')).to.deep.include({ outcome: 'translated', to: 'Integration_Access' });
    expect(r.apps.find((a) => a.name === 'Vendor App')).to.deep.include({ status: 'skipped' });
    expect(r.deployed).to.deep.include({ org: 'prod' });
    expect(h.sim.count('soap:deploy')).to.equal(2); // check-only, then the deploy
    const shown = await Display.run(['--name', 'Acme_Reporting', '-o', 'prod', '--json']);
    expect(shown.kind).to.equal('ExternalClientApp');
    expect(shown.summary).to.deep.include({
      permittedUsers: 'AdminApprovedPreAuthorized',
      refreshTokenPolicy: 'SpecificLifetime 3 Days',
      ipRelaxation: 'Enforce',
      permissionSets: ['Integration_Access'],
    });
  });

  it('a second run skips the apps already converted', async () => {
    const r = await Convert.run(['--target-org', 'prod', '--name', 'Acme_Reporting', '--output-dir', join(out, 'again'), '--json']);
    expect(r.apps).to.have.length(1);
    expect(r.apps[0]).to.deep.include({ name: 'Acme_Reporting', status: 'skipped' });
    expect(r.apps[0].reason).to.contain('Already converted');
  });

  it('an unknown app name in the org is a named error that lists the apps', async () => {
    try {
      await Convert.run(['--target-org', 'prod', '--name', 'Nope', '--output-dir', out, '--json']);
      expect.fail('should fail');
    } catch (e) {
      expect((e as Error).name).to.equal('UnknownAppsError');
      expect((e as { actions?: string[] }).actions?.join('\n')).to.contain('Acme Reporting');
      // the actions name the org as typed
      expect((e as { actions?: string[] }).actions?.join('\n')).to.contain('sf eca list --target-org prod');
    }
  });

  it('converts at the retrieve\'s API version: at 67.0 the device flow setting is read, not reported unknown', async () => {
    const prod = h.sim.org('prod');
    prod.addComponent({
      type: 'ConnectedApp',
      fullName: 'Acme_Device',
      values: { contactEmail: 'tv@acme.example', label: 'Acme Device', oauthConfig: { callbackUrl: 'https://tv.acme.example/cb', scopes: ['Api'] } },
    });
    const old = prod.apiVersion;
    prod.apiVersion = '67.0';
    // the auth file says which version the org serves (as the CLI caches it): 67.0 now
    writeAuthFiles(h.home, h.sim, 'prod');
    await StateAggregator.clearInstance();
    try {
      const r = await Convert.run(['--target-org', 'prod', '--name', 'Acme_Device', '--output-dir', join(out, 'at67'), '--json']);
      expect(r.apps[0].sourceApiVersion).to.deep.equal({ version: '67.0', from: 'the retrieve from prod' });
      expect(r.apps[0].notices.map((n) => n.code)).to.not.include('device-flow-unknown');
      expect(r.apps[0].source).to.equal('org:prod');
    } finally {
      prod.apiVersion = old;
      writeAuthFiles(h.home, h.sim, 'prod');
      await StateAggregator.clearInstance();
    }
  });
});

describe('converted real Connected Apps deploy to a simulator org', function () {
  this.timeout(120_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dir: string;
  let cwd: string;

  before(async () => {
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'eca-convert-real-'));
    process.chdir(dir);
    stubSfCommandUx(sandbox);
    await Convert.run(['--source-dir', FIXTURES, '--output-dir', 'force-app/main/default', '--json']);
    sandbox.restore();
    // an org that has what the converted apps refer to: their profiles and run-as users
    const refs = { profiles: new Set<string>(), users: new Set<string>() };
    for (const f of readdirSync(join(dir, 'force-app/main/default/extlClntAppOauthPolicies'))) {
      const v = parseMetadataXml(readFileSync(join(dir, 'force-app/main/default/extlClntAppOauthPolicies', f), 'utf8')).values;
      for (const p of String(v.commaSeparatedProfile ?? '').split(',').filter(Boolean)) refs.profiles.add(p);
      if (typeof v.clientCredentialsFlowUser === 'string') refs.users.add(v.clientCredentialsFlowUser);
    }
    h = await startHarness({
      orgs: [
        {
          alias: 'target',
          profiles: [...refs.profiles].map((name) => ({ name })),
          users: [
            { username: 'admin@target.acme.example', lastName: 'Admin', profile: 'System Administrator' },
            ...[...refs.users].map((username, i) => ({ username, lastName: `RunAs${i}`, profile: 'Minimum Access - API Only Integrations', apiOnly: true })),
          ],
        },
      ],
    });
  });
  after(async () => {
    process.chdir(cwd);
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys the converted output with SDR', async () => {
    const result = await deploySource(await h.connection('target'), dir);
    const failures = [result.response.details?.componentFailures ?? []].flat();
    expect(failures.map((f) => `${f.fullName}: ${f.problem}`)).to.deep.equal([]);
    expect(result.response.success).to.equal(true);
    expect(h.sim.org('target').componentsOf('ExternalClientApplication')).to.have.length(16);
  });
});
