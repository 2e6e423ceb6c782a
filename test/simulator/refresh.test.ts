/**
 * A sandbox refresh (issue 13): the sandbox becomes a new copy of its production org, with a new
 * org id, usernames carrying ".<sandbox>", emails ".invalid", local ECAs gone (Connected Apps and
 * installed apps copied), and every session and refresh token of the old org dead; also through
 * the control endpoint.
 */
import { AuthInfo, Connection, Org } from '@salesforce/core';
import { expect } from 'chai';
import { orgAction } from '../../simulator/control.js';
import { loginOrg } from '../helpers/cliAuth.js';
import { type Harness, oauthEca, startHarness } from './harness.js';

describe('simulator: sandbox refresh', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ orgs: ['prod', 'uat'] });
    const prod = h.sim.org('prod');
    const uat = h.sim.org('uat');
    for (const c of oauthEca('Prod_Local')) prod.addComponent(c);
    prod.addComponent({ type: 'ExternalClientApplication', fullName: 'Vendor_Sync', namespacePrefix: 'vend', values: { label: 'Vendor Sync', distributionState: 'Packaged', contactEmail: 'x@vendor.example' } });
    for (const c of oauthEca('Uat_Local', { clientCredentials: true, runAs: 'integration@acme.example.uat' })) uat.addComponent(c);
    uat.settings.enableClientSecretInRestApiAccess = true;
  });
  after(async () => h.close());

  it('recreates the sandbox from production: new org id, renamed users, no local ECA, dead sessions', async () => {
    const uat = h.sim.org('uat');
    const before = uat.orgId;
    const conn = await h.connection('uat');
    await conn.query('SELECT Id FROM Organization');
    const ccCreds = { ...(uat.credentials.get('eca:Uat_Local') as { consumerKey: string; consumerSecret: string }) };

    const outcome = h.sim.refreshSandbox('uat');
    expect(outcome.previousOrgId).to.equal(before);
    expect(uat.orgId).to.match(/^00D\w{15}$/).and.not.equal(before);
    expect(outcome.renamedUsers).to.deep.equal({ 'admin@acme.example': 'admin@acme.example.uat', 'integration@acme.example': 'integration@acme.example.uat' });
    expect(uat.users.map((u) => u.email)).to.deep.equal(['admin@acme.example.invalid', 'integration@acme.example.invalid']);
    expect(outcome.removedApps).to.deep.equal(['Prod_Local']);
    expect(uat.component('ExternalClientApplication', 'Uat_Local')).to.equal(undefined);
    expect(uat.component('ExternalClientApplication', 'Prod_Local')).to.equal(undefined);
    expect(uat.component('ExternalClientApplication', 'Vendor_Sync')?.manageableState).to.equal('installed');
    expect(uat.component('ConnectedApp', 'Legacy_Integration')).not.to.equal(undefined);
    expect(uat.credentials.get('ca:Legacy_Integration')?.consumerKey).to.equal(h.sim.org('prod').credentials.get('ca:Legacy_Integration')?.consumerKey);
    // the copied Connected App runs as the renamed user (user ids are kept)
    expect((uat.component('ConnectedApp', 'Legacy_Integration')?.values.oauthConfig as { oauthClientCredentialUser?: string }).oauthClientCredentialUser).to.equal('integration@acme.example.uat');
    // settings are production's again
    expect(uat.settings.enableClientSecretInRestApiAccess).to.equal(false);

    // the old access token and the CLI's refresh token are dead; the local app's secret mints nothing
    let failed: unknown;
    try {
      await conn.query('SELECT Id FROM Organization');
    } catch (e) {
      failed = e;
    }
    expect(String(failed)).to.match(/expired access\/refresh token|INVALID_SESSION_ID/);
    const mint = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ccCreds.consumerKey, client_secret: ccCreds.consumerSecret }).toString(),
    });
    expect(((await mint.json()) as { error: string }).error).to.equal('invalid_client_id');

    // a new login works and reads the new org id
    await loginOrg(h.home, h.sim, 'uat');
    const auth = await AuthInfo.create({ username: 'admin@acme.example.uat' });
    const fresh = await Connection.create({ authInfo: auth });
    const org = await fresh.singleRecordQuery<{ Id: string; IsSandbox: boolean }>('SELECT Id, IsSandbox FROM Organization');
    expect(org).to.include({ Id: uat.orgId, IsSandbox: true });
    expect((await Org.create({ connection: fresh })).getOrgId()).to.equal(uat.orgId);
  });

  it('refreshes a sandbox as a copy of itself, keeping its usernames', () => {
    const uat = h.sim.org('uat');
    const outcome = h.sim.refreshSandbox('uat', { from: 'uat' });
    expect(Object.values(outcome.renamedUsers)).to.deep.equal(['admin@acme.example.uat', 'integration@acme.example.uat']);
    expect(uat.users.every((u) => u.email.endsWith('.invalid') && !u.email.endsWith('.invalid.invalid'))).to.equal(true);
  });

  it('refuses to refresh a production org, and works through the control endpoint', () => {
    expect(() => h.sim.refreshSandbox('prod')).to.throw(/not a sandbox/);
    const answer = orgAction(h.sim, 'POST', 'uat', '/refresh', { sandboxName: 'qa' });
    expect(answer.status).to.equal(200);
    const body = answer.body as { orgId: string; renamedUsers: Record<string, string>; login: { username: string; sfdxAuthUrl: string } };
    expect(body.renamedUsers['admin@acme.example']).to.equal('admin@acme.example.qa');
    expect(body.login.username).to.equal('admin@acme.example.qa');
    expect(body.login.sfdxAuthUrl).to.match(/^force:\/\/PlatformCLI::5Aep861/);
  });
});
