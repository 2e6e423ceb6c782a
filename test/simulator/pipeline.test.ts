/**
 * Facts a pipeline-login doctor and a client-credentials login read (issue 14): access tokens that
 * expire after a configurable number of seconds (INVALID_SESSION_ID; the CLI refreshes, a
 * client-credentials caller re-mints), users' IsActive and API-only flags through SOQL, an app's
 * last modification through SOQL and listMetadata, the org's My Domain in userinfo, and a Dev Hub
 * that answers ScratchOrgInfo and fails a signup through an External Client App with C-1016 unless
 * the PlatformCLI workaround is used.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthInfo, Connection, Org, scratchOrgCreate } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { expect } from 'chai';
import { generate } from 'selfsigned';
import { orgAction } from '../../simulator/control.js';
import { type Harness, oauthEca, startHarness } from './harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('simulator: pipeline-login facts', function () {
  this.timeout(60_000);
  let h: Harness;
  let dev: Connection;

  const mint = async (app: string): Promise<{ status: number; body: Record<string, string> }> => {
    const creds = h.sim.org('dev').credentials.get(`eca:${app}`);
    const res = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod'] });
    dev = await h.connection('dev');
    for (const c of oauthEca('Pipe_CC', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) h.sim.org('dev').addComponent(c);
  });
  after(async () => h.close());
  afterEach(() => {
    h.sim.org('dev').accessTokenLifetimeSeconds = undefined;
    h.sim.org('dev').isDevHub = false;
  });

  it('expires access tokens after the org\'s lifetime: REST answers INVALID_SESSION_ID, a client-credentials caller re-mints', async () => {
    h.sim.org('dev').accessTokenLifetimeSeconds = 1;
    const first = await mint('Pipe_CC');
    expect(first.body).not.to.have.property('refresh_token');
    const query = (token: string): Promise<Response> => fetch(`${h.sim.baseUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, { headers: { authorization: `Bearer ${token}` } });
    expect((await query(first.body.access_token)).status).to.equal(200);
    await sleep(1100);
    const expired = await query(first.body.access_token);
    expect(expired.status).to.equal(401);
    expect(await expired.json()).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const again = await mint('Pipe_CC');
    expect((await query(again.body.access_token)).status).to.equal(200);
  });

  it('lets the CLI refresh an expired access token with its refresh token', async () => {
    h.sim.org('dev').accessTokenLifetimeSeconds = 1;
    await h.sim.expireSessions('dev');
    const conn = await h.connection('dev');
    await conn.query('SELECT Id FROM Organization');
    await sleep(1100);
    h.sim.resetLog();
    await conn.query('SELECT Id FROM Organization');
    const calls = h.sim.requests.filter((r) => r.detail !== 'SELECT Id FROM ScratchOrgInfo limit 1').map((r) => `${r.endpoint} ${r.status}`);
    // (after a refresh @salesforce/core also probes for a Dev Hub with a ScratchOrgInfo query)
    expect(calls).to.deep.equal(['rest:query 401', 'oauth:token 200', 'rest:query 200']);
    // and through the control endpoint
    expect((orgAction(h.sim, 'PATCH', 'dev', '', { accessTokenLifetimeSeconds: 7200 }).body as { accessTokenLifetimeSeconds: number }).accessTokenLifetimeSeconds).to.equal(7200);
  });

  it('answers the user facts a doctor queries: IsActive, profile and permission-set API Only', async () => {
    const users = await dev.query<{ Username: string; IsActive: boolean; Profile: { Name: string; PermissionsApiUserOnly: boolean } }>(
      "SELECT Username, IsActive, Profile.Name, Profile.PermissionsApiUserOnly FROM User WHERE Username IN ('integration@dev.acme.example', 'former@dev.acme.example') ORDER BY Username"
    );
    expect(users.records.map((u) => [u.Username, u.IsActive, u.Profile.Name, u.Profile.PermissionsApiUserOnly])).to.deep.equal([
      ['former@dev.acme.example', false, 'Standard User', false],
      ['integration@dev.acme.example', true, 'Integration User', true],
    ]);
    const integration = h.sim.org('dev').user('integration@dev.acme.example');
    const sets = await dev.query<{ PermissionSet: { Name: string; PermissionsApiUserOnly: boolean; IsOwnedByProfile: boolean } }>(
      `SELECT PermissionSet.Name, PermissionSet.PermissionsApiUserOnly, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment WHERE AssigneeId = '${integration?.id ?? ''}'`
    );
    expect(sets.records.map((r) => [r.PermissionSet.Name, r.PermissionSet.PermissionsApiUserOnly, r.PermissionSet.IsOwnedByProfile])).to.deep.equal([['Integration_Access', false, false]]);
    // a user deactivated through the control endpoint
    orgAction(h.sim, 'PATCH', 'dev', '/users/integration%40dev.acme.example', { isActive: false });
    try {
      expect((await dev.singleRecordQuery<{ IsActive: boolean }>("SELECT IsActive FROM User WHERE Username = 'integration@dev.acme.example'")).IsActive).to.equal(false);
      expect((await mint('Pipe_CC')).body.error_description).to.equal('no client credentials user enabled');
    } finally {
      orgAction(h.sim, 'PATCH', 'dev', '/users/integration%40dev.acme.example', { isActive: true });
    }
  });

  it('reports when an app was last changed, through SOQL and listMetadata, and lets a test set it', async () => {
    const read = async (): Promise<{ soql: string; list: string }> => {
      const row = await dev.singleRecordQuery<{ LastModifiedDate: string }>("SELECT LastModifiedDate FROM ExternalClientApplication WHERE DeveloperName = 'Pipe_CC'");
      const listed = await dev.metadata.list([{ type: 'ExtlClntAppOauthConfigurablePolicies' }]);
      const props = (Array.isArray(listed) ? listed : [listed]).find((p) => p.fullName === 'Pipe_CC_oauthPlcy');
      return { soql: row.LastModifiedDate, list: props?.lastModifiedDate ?? '' };
    };
    const fresh = await read();
    expect(Date.now() - Date.parse(fresh.soql)).to.be.lessThan(60_000);
    const fortyMinutesAgo = new Date(Date.now() - 40 * 60_000);
    orgAction(h.sim, 'POST', 'dev', '/apps/Pipe_CC/modified', { minutesAgo: 40 });
    const old = await read();
    expect(Math.abs(Date.parse(old.soql) - fortyMinutesAgo.getTime())).to.be.lessThan(5_000);
    expect(old.list).to.equal(old.soql);
  });

  it('gives the My Domain in userinfo (custom_domain) and refuses client credentials on the login host', async () => {
    const info = (await dev.request('/services/oauth2/userinfo')) as { urls: { custom_domain?: string } };
    expect(info.urls.custom_domain).to.equal('https://acme-dev.my.salesforce.com');
    const creds = h.sim.org('dev').credentials.get('eca:Pipe_CC');
    const res = await fetch(`${h.sim.loginUrl ?? ''}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' }).toString(),
    });
    expect(await res.json()).to.deep.equal({ error: 'invalid_grant', error_description: 'request not supported on this domain' });
    h.sim.org('dev').hasMyDomain = false;
    try {
      const none = (await dev.request('/services/oauth2/userinfo')) as { urls: Record<string, string> };
      expect(none.urls).not.to.have.property('custom_domain');
    } finally {
      h.sim.org('dev').hasMyDomain = true;
    }
  });

  describe('Dev Hub', () => {
    let keyFile: string;
    let hubKey: string;

    before(async () => {
      const pems = await generate([{ name: 'commonName', value: 'hub' }], { keySize: 2048 });
      keyFile = join(h.home.dir, 'hub.key');
      writeFileSync(keyFile, pems.private);
      const org = h.sim.org('dev');
      for (const c of oauthEca('Hub_CI', { certificate: pems.cert, permissionSets: 'CI_Deployer' })) org.addComponent(c);
      hubKey = org.credentials.get('eca:Hub_CI')?.consumerKey ?? '';
    });

    it('answers the ScratchOrgInfo probe only on a Dev Hub', async () => {
      const org = await Org.create({ aliasOrUsername: 'dev' });
      expect(await org.determineIfDevHubOrg(true)).to.equal(false);
      h.sim.org('dev').isDevHub = true;
      expect(await org.determineIfDevHubOrg(true)).to.equal(true);
      expect((await dev.query('SELECT Id, Status FROM ScratchOrgInfo')).totalSize).to.be.a('number');
    });

    it('fails a scratch-org signup through an External Client App with C-1016, and creates the org with PlatformCLI', async () => {
      h.sim.org('dev').isDevHub = true;
      const authInfo = await AuthInfo.create({ username: 'ci@dev.acme.example', oauth2Options: { clientId: hubKey, privateKeyFile: keyFile, loginUrl: h.sim.baseUrl } });
      await authInfo.save();
      const hubOrg = await Org.create({ connection: await Connection.create({ authInfo }) });
      let error: { name?: string; message?: string; actions?: string[] } = {};
      try {
        await scratchOrgCreate({ hubOrg, orgConfig: { edition: 'developer' }, wait: Duration.minutes(1) });
      } catch (e) {
        error = e as typeof error;
      }
      expect(error.name).to.equal('RemoteOrgSignupFailed');
      expect(error.message).to.equal('We encountered a problem while attempting to configure and approve the Connected App for your org. Verify the Connected App configuration with your Salesforce admin.');
      expect(error.actions?.join('\n')).to.contain('SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI');
      const info = h.sim.org('dev').scratchOrgInfos.at(-1);
      expect(info).to.include({ status: 'Error', errorCode: 'C-1016', connectedAppConsumerKey: hubKey });

      process.env.SF_SCRATCH_SIGNUP_CONNECTED_APP = 'PlatformCLI';
      try {
        const created = await scratchOrgCreate({ hubOrg, orgConfig: { edition: 'developer' }, wait: Duration.minutes(1) });
        const scratch = h.sim.orgs.find((o) => o.orgId.startsWith(created.scratchOrgInfo?.ScratchOrg ?? 'none'));
        expect(scratch?.edition).to.equal('Developer Edition');
        expect(created.username).to.equal(scratch?.cliUsername);
        const conn = await Connection.create({ authInfo: await AuthInfo.create({ username: created.username }) });
        expect((await conn.singleRecordQuery<{ Id: string }>('SELECT Id FROM Organization')).Id).to.equal(scratch?.orgId);
      } finally {
        delete process.env.SF_SCRATCH_SIGNUP_CONNECTED_APP;
      }
    });
  });
});
