/**
 * REST through real jsforce connections from Org.create: SOQL, the errors `sf` and the plugin
 * see, the column metadata `sf data query` asks for, and the Connect OAuth resources.
 */
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { type Harness, oauthEca, startHarness } from './harness.js';

type ApiError = { errorCode?: string; message?: string };

async function failure(p: PromiseLike<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('simulator: REST', () => {
  let h: Harness;
  let dev: Connection;
  let prod: Connection;

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod'] });
    dev = await h.connection('dev');
    prod = await h.connection('prod');
  });
  after(async () => h.close());

  it('logs in as the CLI does and reads the org', async () => {
    expect(dev.getApiVersion()).to.equal('66.0');
    const org = await dev.singleRecordQuery<{ Id: string; Name: string; IsSandbox: boolean; OrganizationType: string }>(
      'SELECT Id, Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization'
    );
    expect(org).to.include({ Id: h.sim.org('dev').orgId, Name: 'Acme Dev', IsSandbox: false, OrganizationType: 'Developer Edition' });
    const versions = (await dev.request('/services/data')) as Array<{ version: string; url: string }>;
    expect(versions.at(-1)).to.deep.include({ version: '66.0', url: '/services/data/v66.0' });
  });

  it('answers the SOQL subset: relationships, WHERE, IN, LIKE, ORDER BY, LIMIT, COUNT()', async () => {
    const users = await dev.query<{ Username: string; Profile: { Name: string } }>(
      "SELECT Username, Profile.Name FROM User WHERE IsActive = true AND (Profile.Name = 'Standard User' OR Username LIKE 'integration%') ORDER BY Username DESC LIMIT 5"
    );
    expect(users.records.map((u) => [u.Username, u.Profile.Name])).to.deep.equal([
      ['integration@dev.acme.example', 'Integration User'],
      ['ci@dev.acme.example', 'Standard User'],
    ]);
    const sets = await dev.query<{ Name: string; Label: string }>("SELECT Name, Label FROM PermissionSet WHERE Name IN ('CI_Deployer', 'Nope')");
    expect(sets.records).to.have.length(1);
    expect(sets.records[0]).to.include({ Name: 'CI_Deployer', Label: 'CI Deployer' });
    const count = await dev.query("SELECT COUNT() FROM User WHERE IsActive = false");
    expect(count.totalSize).to.equal(1);
    const tokens = await prod.query<{ AppName: string; UseCount: number; User: { Username: string } }>('SELECT AppName, UseCount, User.Username FROM OauthToken ORDER BY UseCount DESC');
    expect(tokens.records[0]).to.deep.include({ AppName: 'Legacy Integration', UseCount: 42 });
    expect(tokens.records[0].User.Username).to.equal('integration@acme.example');
  });

  it('answers unknown objects and fields with INVALID_TYPE and INVALID_FIELD', async () => {
    const type = await failure(dev.query('SELECT Id FROM Widget'));
    expect(type.errorCode).to.equal('INVALID_TYPE');
    expect(type.message).to.contain("sObject type 'Widget' is not supported.");
    const scratch = await failure(dev.query('SELECT Id FROM ScratchOrgInfo LIMIT 1'));
    expect(scratch.errorCode).to.equal('INVALID_TYPE');
    const field = await failure(dev.query('SELECT Id, Bogus FROM User'));
    expect(field.errorCode).to.equal('INVALID_FIELD');
    expect(field.message).to.contain("No such column 'Bogus' on entity 'User'.");
    expect(field.message).to.contain('ERROR at Row:1:Column:12');
    const malformed = await failure(dev.query('SELECT FROM User'));
    expect(malformed.errorCode).to.equal('MALFORMED_QUERY');
  });

  it('pages a large result with nextRecordsUrl: 2000 a batch, or the Sforce-Query-Options batch size', async () => {
    const org = h.sim.org('dev');
    const user = org.user(org.cliUsername);
    const now = new Date().toISOString();
    for (let i = 0; i < 2100; i++) org.oauthTokens.push({ id: org.newId('0CQ'), appName: `Paged_${i}`, userId: user?.id ?? '', useCount: i, lastUsedDate: now, createdDate: now });
    try {
      const soql = "SELECT Id, AppName FROM OauthToken WHERE AppName LIKE 'Paged\\_%'";
      const all = await dev.query<{ AppName: string }>(soql, { autoFetch: true, maxFetch: 5000 });
      expect(all.records).to.have.length(2100);
      expect(new Set(all.records.map((r) => r.AppName)).size).to.equal(2100);
      const first = (await dev.request({ method: 'GET', url: `/services/data/v66.0/query?q=${encodeURIComponent(soql)}`, headers: { 'Sforce-Query-Options': 'batchSize=500' } })) as {
        totalSize: number;
        done: boolean;
        records: unknown[];
        nextRecordsUrl: string;
      };
      expect(first).to.include({ totalSize: 2100, done: false });
      expect(first.records).to.have.length(500);
      expect(first.nextRecordsUrl).to.match(/^\/services\/data\/v66\.0\/query\/01g\w+-500$/);
      const second = (await dev.request(first.nextRecordsUrl)) as { done: boolean; records: unknown[] };
      expect(second.records).to.have.length(500);
      const stale = await failure(dev.request(first.nextRecordsUrl.replace(/-500$/, '-7')));
      expect(stale.errorCode).to.equal('INVALID_QUERY_LOCATOR');
    } finally {
      org.oauthTokens.splice(org.oauthTokens.findIndex((t) => t.appName === 'Paged_0'), 2100);
    }
  });

  it('answers a query the grammar accepts but the simulator does not evaluate with NOT_SIMULATED (501), not MALFORMED_QUERY', async () => {
    const e = await failure(dev.query('SELECT Id, (SELECT Id FROM PermissionSetAssignments) FROM User'));
    expect(e.errorCode).to.equal('NOT_SIMULATED');
  });

  it('describes the columns of a query as `sf data query` asks (columns=true)', async () => {
    const q = encodeURIComponent('SELECT Id, Username, Profile.Name FROM User');
    const cols = (await dev.request(`/services/data/v66.0/query?q=${q}&columns=true`)) as {
      entityName: string;
      columnMetadata: Array<{ columnName: string; joinColumns: Array<{ columnName: string }> }>;
    };
    expect(cols.entityName).to.equal('User');
    expect(cols.columnMetadata.map((c) => c.columnName)).to.deep.equal(['Id', 'Username', 'Profile']);
    expect(cols.columnMetadata[2].joinColumns.map((c) => c.columnName)).to.deep.equal(['Name']);
  });

  it('serves records by id and 404 NOT_FOUND for unknown paths', async () => {
    const login = h.sim.login('dev');
    const user = (await dev.request(`/services/data/v51.0/sobjects/User/${login.userId}`)) as { Username: string };
    expect(user.Username).to.equal(login.username);
    const missing = await failure(dev.request('/services/data/v66.0/no/such/thing'));
    expect(missing).to.include({ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
    const tooNew = await failure(dev.request('/services/data/v99.0/query?q=SELECT+Id+FROM+User'));
    expect(tooNew.errorCode).to.equal('NOT_FOUND');
  });

  it('hands out keys, and secrets only as the org setting allows, in the App Oauth Credentials shape', async () => {
    const org = h.sim.org('dev');
    for (const c of oauthEca('Creds_App')) org.addComponent(c);
    const app = org.component('ExternalClientApplication', 'Creds_App');
    const creds = org.credentials.get('eca:Creds_App');
    const base = `/services/data/v66.0/apps/oauth/credentials/${app?.id ?? ''}/${creds?.consumerId ?? ''}`;
    expect(await dev.request(`${base}?part=key`)).to.deep.equal({ id: creds?.consumerId, key: creds?.consumerKey, name: 'Creds_App', stagedCredentialsUrl: `${base}/staged`, url: base });
    const refused = await failure(dev.request(`${base}?part=keyandsecret`));
    expect(refused.errorCode).to.equal('FUNCTIONALITY_NOT_ENABLED');
    org.settings.enableClientSecretInRestApiAccess = true;
    try {
      expect(await dev.request(`${base}?part=secret`)).to.deep.include({ id: creds?.consumerId, secret: creds?.consumerSecret });
    } finally {
      org.settings.enableClientSecretInRestApiAccess = false;
    }
  });
});
