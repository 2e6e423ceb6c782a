/**
 * Connect REST OAuth credentials (issue 12) through a real jsforce connection: consumers, key and
 * secret, staged credentials that mint tokens alongside the primary ones, rotation that leaves the
 * former credentials in the staged slot as Rotated until they are deleted, one staged credential
 * per consumer, packaged apps refused, the org setting and the user's permissions enforced, and
 * every request in the request log under its endpoint key.
 */
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { type Harness, oauthEca, startHarness } from './harness.js';

type ApiError = { errorCode?: string; message?: string };
type Staged = { id: string; key: string; secret: string; state: string; createdDate: string; expirationDate: string; createdBy: string; url: string; stagedCredentialsUrl: string };

async function failure(p: PromiseLike<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('simulator: Connect REST OAuth credentials', () => {
  let h: Harness;
  let dev: Connection;
  let appId: string;
  let consumerId: string;
  let base: string;
  const V = 'v66.0';

  const mint = async (key: string, secret: string): Promise<number> => {
    const res = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: key, client_secret: secret }).toString(),
    });
    return res.status;
  };
  const stagedList = async (): Promise<Staged[]> => ((await dev.request(`${base}/staged`)) as { stagedCredentials: Staged[] }).stagedCredentials;
  const stage = async (): Promise<Staged> =>
    ((await dev.request({ method: 'POST', url: `${base}/staged`, body: '{}', headers: { 'content-type': 'application/json' } })) as { stagedCredentials: Staged[] }).stagedCredentials[0];
  const rotate = (id: string): Promise<unknown> => dev.request({ method: 'PATCH', url: `${base}/staged/${id}`, body: JSON.stringify({ command: 'rotate' }), headers: { 'content-type': 'application/json' } });
  const remove = (id: string): Promise<unknown> => dev.request({ method: 'DELETE', url: `${base}/staged/${id}` });

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    dev = await h.connection('dev');
    const org = h.sim.org('dev');
    for (const c of oauthEca('Rot_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) org.addComponent(c);
    appId = org.component('ExternalClientApplication', 'Rot_App')?.id ?? '';
    consumerId = org.credentials.get('eca:Rot_App')?.consumerId ?? '';
    base = `/services/data/${V}/apps/oauth/credentials/${appId}/${consumerId}`;
  });
  after(async () => h.close());
  beforeEach(() => {
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = true;
    h.sim.resetLog();
  });

  it('lists the consumers of an app and gives key, secret or both', async () => {
    const list = (await dev.request(`/services/data/${V}/apps/oauth/credentials/${appId}`)) as { consumers: Array<Record<string, unknown>>; currentPageUrl: string };
    expect(list.consumers).to.have.length(1);
    expect(list.consumers[0]).to.deep.include({ id: consumerId, name: 'Rot_App', url: base, stagedCredentialsUrl: `${base}/staged` });
    expect(list.consumers[0]).not.to.have.property('secret');
    const both = (await dev.request(`${base}?part=keyandsecret`)) as { key: string; secret: string };
    const creds = h.sim.org('dev').credentials.get('eca:Rot_App');
    expect(both).to.deep.include({ key: creds?.consumerKey, secret: creds?.consumerSecret });
    expect((await failure(dev.request(`${base}?part=everything`))).errorCode).to.equal('INVALID_INPUT');
    expect(h.sim.count('rest:apps-credentials')).to.equal(3);
  });

  it('stages new credentials that mint tokens next to the primary ones, rotates, and revokes the previous ones', async () => {
    const org = h.sim.org('dev');
    const old = { ...(org.credentials.get('eca:Rot_App') as { consumerKey: string; consumerSecret: string }) };
    expect(await stagedList()).to.deep.equal([]);
    const staged = await stage();
    expect(staged).to.include({ state: 'Active', createdBy: 'admin@dev.acme.example', url: `${base}/staged/${staged.id}`, stagedCredentialsUrl: `${base}/staged` });
    expect(staged.key).to.match(/^3MVG9/).and.not.equal(old.consumerKey);
    expect(staged.secret).to.match(/^[0-9A-F]{64}$/).and.not.equal(old.consumerSecret);
    expect(Date.parse(staged.expirationDate) - Date.parse(staged.createdDate)).to.equal(30 * 86_400_000);
    // both pairs mint; a mixed pair does not
    expect(await mint(old.consumerKey, old.consumerSecret)).to.equal(200);
    expect(await mint(staged.key, staged.secret)).to.equal(200);
    expect(await mint(staged.key, old.consumerSecret)).to.equal(400);
    // one staged credential per consumer
    expect((await failure(stage())).errorCode).to.equal('INVALID_OPERATION');

    await rotate(staged.id);
    const creds = org.credentials.get('eca:Rot_App');
    expect(creds?.consumerKey).to.equal(staged.key);
    expect(creds?.consumerId).to.equal(consumerId);
    const [previous] = await stagedList();
    expect(previous).to.include({ state: 'Rotated', key: old.consumerKey });
    expect(await mint(old.consumerKey, old.consumerSecret)).to.equal(200);
    expect(await mint(staged.key, staged.secret)).to.equal(200);
    // a rotated credential cannot be rotated again
    expect((await failure(rotate(previous.id))).errorCode).to.equal('INVALID_OPERATION');

    await remove(previous.id);
    expect(await stagedList()).to.deep.equal([]);
    expect(await mint(old.consumerKey, old.consumerSecret)).to.equal(400);
    expect(await mint(staged.key, staged.secret)).to.equal(200);
    expect((await failure(remove(previous.id))).errorCode).to.equal('NOT_FOUND');
    expect(h.sim.requests.filter((r) => r.endpoint === 'rest:apps-credentials-staged').map((r) => `${r.method} ${r.status}`)).to.deep.equal([
      'GET 200',
      'POST 201',
      'POST 400',
      'PATCH 200',
      'GET 200',
      'PATCH 400',
      'DELETE 204',
      'GET 200',
      'DELETE 404',
    ]);
  });

  it('lets a new stage replace credentials left Rotated in the slot (the previous generation stops minting)', async () => {
    const first = await stage();
    await rotate(first.id);
    const [rotated] = await stagedList();
    expect(rotated.state).to.equal('Rotated');
    const second = await stage();
    expect(second.state).to.equal('Active');
    expect(await mint(rotated.key, rotated.secret)).to.equal(400);
    await rotate(second.id);
    // the id sticks to a credential: the one staged first is now the Rotated one
    const [now] = await stagedList();
    expect(now).to.include({ id: first.id, state: 'Rotated', key: first.key });
    await remove(now.id);
  });

  it('refuses secrets and staging while the org setting is off, in the words peers match', async () => {
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
    for (const call of [dev.request(`${base}?part=secret`), dev.request(`${base}/staged`), stage()]) {
      const e = await failure(call);
      expect(e.errorCode).to.equal('FUNCTIONALITY_NOT_ENABLED');
      expect(e.message).to.contain('not currently enabled');
    }
    // keys need no setting
    expect(((await dev.request(`${base}?part=key`)) as { key: string }).key).to.match(/^3MVG9/);
  });

  it('refuses a user without External Client App Developer or View Client Secret, and admits them again', async () => {
    const org = h.sim.org('dev');
    org.setPermission('System Administrator', 'ViewClientSecret', false);
    try {
      const e = await failure(stage());
      expect(e.errorCode).to.equal('INSUFFICIENT_ACCESS');
      expect(e.message).to.contain('ViewClientSecret');
      expect((await failure(dev.request(`${base}?part=secret`))).errorCode).to.equal('INSUFFICIENT_ACCESS');
      const profile = await dev.query<{ PermissionsViewClientSecret: boolean; PermissionsExternalClientAppDeveloper: boolean }>(
        "SELECT PermissionsViewClientSecret, PermissionsExternalClientAppDeveloper FROM Profile WHERE Name = 'System Administrator'"
      );
      expect(profile.records[0]).to.include({ PermissionsViewClientSecret: false, PermissionsExternalClientAppDeveloper: true });
      // a permission set can grant it back
      org.upsertPermissionSet('Secret_Viewer', { permissions: ['ViewClientSecret'] });
      const admin = org.user(org.cliUsername);
      admin?.permissionSetIds.push(org.permissionSet('Secret_Viewer')?.id ?? '');
      expect(await stagedList()).to.be.an('array');
    } finally {
      org.setPermission('System Administrator', 'ViewClientSecret', true);
    }
  });

  it('refuses packaged and installed apps, Connected Apps and API versions before 65', async () => {
    const org = h.sim.org('dev');
    for (const c of oauthEca('Pkg_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) {
      org.addComponent(c.type === 'ExternalClientApplication' ? { ...c, values: { ...c.values, distributionState: 'Packaged' } } : c);
    }
    const pkg = org.component('ExternalClientApplication', 'Pkg_App')?.id ?? '';
    const pkgBase = `/services/data/${V}/apps/oauth/credentials/${pkg}/${org.credentials.get('eca:Pkg_App')?.consumerId ?? ''}`;
    const refused = await failure(dev.request({ method: 'POST', url: `${pkgBase}/staged`, body: '{}' }));
    expect(refused.errorCode).to.equal('INVALID_OPERATION');
    expect(refused.message).to.contain('local external client apps');
    expect((await failure(dev.request(`/services/data/v64.0/apps/oauth/credentials/${appId}/${consumerId}/staged`))).errorCode).to.equal('NOT_FOUND');
    expect((await failure(dev.request(`/services/data/v59.0/apps/oauth/credentials/${appId}`))).errorCode).to.equal('NOT_FOUND');
    expect((await failure(dev.request(`/services/data/${V}/apps/oauth/credentials/0xI5g00000NoSuchAAA/888000000000000`))).errorCode).to.equal('NOT_FOUND');
  });

  it('gives no date for the primary credentials, only for staged ones', async () => {
    const consumer = (await dev.request(`${base}?part=keyandsecret`)) as Record<string, unknown>;
    expect(Object.keys(consumer).sort()).to.deep.equal(['id', 'key', 'name', 'secret', 'stagedCredentialsUrl', 'url']);
  });
});
