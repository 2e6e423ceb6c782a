/**
 * src/org/oauthCredentials.ts and src/org/orgSettings.ts against the simulator, through a session
 * opened as the CLI stores auth: the Connect REST credentials client (consumers, staged
 * credentials, rotation, deletion, usage) with each refusal named, and the org setting turned on
 * for a piece of work and off again, also when the work fails and when the restoring deploy fails.
 */
import { expect } from 'chai';
import { credentialsReason, OAuthCredentialsClient, stagedOf } from '../../src/org/oauthCredentials.js';
import { readSecretAccess, withSecretAccess, type SecretAccessChange } from '../../src/org/orgSettings.js';
import { openSession, type Session } from '../../src/org/session.js';
import { failure } from '../helpers/failure.js';
import { mintStatus } from '../helpers/mint.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

describe('org: OAuth credentials client and temporary secret access', function () {
  this.timeout(120_000);
  let h: Harness;
  let s: Session;
  let client: OAuthCredentialsClient;
  let appId: string;

  const mint = (key: string, secret: string): Promise<number> => mintStatus(h.sim.baseUrl, key, secret);

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    const org = h.sim.org('dev');
    for (const c of oauthEca('Rot_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) org.addComponent(c);
    const packaged = oauthEca('Pkg_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' });
    packaged[0].values.distributionState = 'Packaged';
    for (const c of packaged) org.addComponent(c);
    appId = org.component('ExternalClientApplication', 'Rot_App')?.id ?? '';
    s = await openSession('dev');
    client = new OAuthCredentialsClient(s);
  });
  after(async () => h?.close());
  beforeEach(() => {
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = true;
    h.sim.org('dev').setPermission('System Administrator', 'ViewClientSecret', true);
    h.sim.faults.clear();
    h.sim.resetLog();
  });

  it('lists consumers with their key and no secret', async () => {
    const consumers = await client.listConsumers(appId);
    expect(consumers).to.have.length(1);
    expect(consumers[0].key).to.equal(h.sim.org('dev').credentials.get('eca:Rot_App')?.consumerKey);
    expect(JSON.stringify(consumers)).to.not.contain(h.sim.org('dev').credentials.get('eca:Rot_App')?.consumerSecret);
  });

  it('stages, rotates and deletes: both pairs mint between stage and delete, only the new one after', async () => {
    const creds = h.sim.org('dev').credentials.get('eca:Rot_App');
    const old = { key: creds?.consumerKey as string, secret: creds?.consumerSecret as string };
    const [consumer] = await client.listConsumers(appId);
    expect(await client.getStaged(appId, consumer.id)).to.equal(undefined);
    const staged = await client.createStaged(appId, consumer.id);
    expect(staged.state).to.equal('Active');
    expect(staged.key).to.be.a('string').and.not.equal(old.key);
    expect(await mint(staged.key as string, staged.secret as string)).to.equal(200);
    expect(await mint(old.key, old.secret)).to.equal(200);
    const again = await failure(client.createStaged(appId, consumer.id));
    expect(credentialsReason(again)).to.equal('already-staged');
    await client.rotateStaged(appId, consumer.id, staged.id);
    const previous = await client.getStaged(appId, consumer.id);
    expect(previous?.state).to.equal('Rotated');
    expect(previous?.key).to.equal(old.key);
    expect(await mint(old.key, old.secret)).to.equal(200);
    await client.deleteStaged(appId, consumer.id, previous?.id as string);
    expect(await mint(old.key, old.secret)).to.equal(400);
    expect(await mint(staged.key as string, staged.secret as string)).to.equal(200);
    // every URL was built from ids
    expect(h.sim.count('rest:apps-credentials-staged')).to.be.greaterThan(4);
  });

  it('names each refusal: setting off, missing permission, unknown app, packaged app, old API version', async () => {
    const [consumer] = await client.listConsumers(appId);
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
    const off = await failure<Error & { actions?: string[] }>(client.getStaged(appId, consumer.id));
    expect(credentialsReason(off)).to.equal('setting-off');
    expect(off.name).to.equal('SettingOffError');
    expect(off.actions?.join(' ')).to.contain('/lightning/setup/ExternalClientApplicationSettings/home');
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = true;
    h.sim.org('dev').setPermission('System Administrator', 'ViewClientSecret', false);
    const perm = await failure<Error>(client.createStaged(appId, consumer.id));
    expect(credentialsReason(perm)).to.equal('missing-permission');
    expect(perm.message).to.contain('View Client Secret');
    h.sim.org('dev').setPermission('System Administrator', 'ViewClientSecret', true);
    expect(credentialsReason(await failure(client.getStaged('0xI000000000000AAA', consumer.id)))).to.equal('not-found');
    const pkgId = h.sim.org('dev').component('ExternalClientApplication', 'Pkg_App')?.id ?? '';
    const pkgConsumer = (await client.listConsumers(pkgId))[0];
    expect(credentialsReason(await failure(client.createStaged(pkgId, pkgConsumer.id)))).to.equal('packaged');
    const old = new OAuthCredentialsClient({ ...s, apiVersion: '62.0', name: 'dev' });
    expect(credentialsReason(await failure(old.getStaged(appId, consumer.id)))).to.equal('api-version');
  });

  it('reads the usage resource: apps with usage data and when their tokens were last used', async () => {
    const creds = h.sim.org('dev').credentials.get('eca:Rot_App');
    expect(await mint(creds?.consumerKey as string, creds?.consumerSecret as string)).to.equal(200);
    const apps = await client.usageApps();
    expect(apps.map((a) => a.developerName)).to.include('Rot_App');
    const use = await client.tokenUse(appId);
    expect(use.users).to.be.greaterThan(0);
    expect(Date.parse(use.lastUsedAt as string)).to.be.greaterThan(Date.now() - 60_000);
  });

  it('reads staged credentials from every answer shape peers handle', () => {
    expect(stagedOf({ stagedCredentials: [] })).to.equal(undefined);
    expect(stagedOf({ stagedCredentials: [{ id: '1Sg1', state: 'Active' }] })?.id).to.equal('1Sg1');
    expect(stagedOf([{ stagedCredentialId: '1Sg2' }])?.id).to.equal('1Sg2');
    expect(stagedOf({ url: '/services/data/v66.0/apps/oauth/credentials/a/b/staged/1Sg3' })?.id).to.equal('1Sg3');
    expect(stagedOf({ stagedCredentialsUrl: '/services/data/v66.0/apps/oauth/credentials/a/b/staged' })).to.equal(undefined);
  });

  describe('withSecretAccess', () => {
    it('refuses by name, and changes nothing, when the setting is off and not allowed', async () => {
      h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
      let ran = false;
      const e = await failure<Error & { actions?: string[] }>(withSecretAccess(s, { allow: false }, async () => (ran = true)));
      expect(e.name).to.equal('DisabledError');
      expect(e.actions?.[0]).to.contain('--allow-secret-access');
      expect(ran).to.equal(false);
      expect(h.sim.count('soap:deploy')).to.equal(0);
    });

    it('changes nothing when the setting is on already', async () => {
      const r = await withSecretAccess(s, { allow: true }, async () => 'done');
      expect(r).to.deep.equal({ value: 'done', access: { wasOn: true, changed: false } });
      expect(h.sim.count('soap:deploy')).to.equal(0);
    });

    it('turns it on for the work and off again, and says so', async () => {
      h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
      const changes: SecretAccessChange[] = [];
      const r = await withSecretAccess(s, { allow: true, onChange: (c) => changes.push(c) }, async () => h.sim.org('dev').settings.enableClientSecretInRestApiAccess);
      expect(r.value).to.equal(true);
      expect(r.access).to.deep.equal({ wasOn: false, changed: true });
      expect(changes).to.deep.equal(['turning-on', 'on', 'turning-off', 'off-again']);
      expect(h.sim.org('dev').settings.enableClientSecretInRestApiAccess).to.equal(false);
      expect(await readSecretAccess(s)).to.equal(false);
    });

    it('turns it off again when the work fails, and the error says so', async () => {
      h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
      const e = await failure<Error & { actions?: string[] }>(
        withSecretAccess(s, { allow: true }, async () => {
          throw new Error('midway');
        })
      );
      expect(e.message).to.equal('midway');
      expect(e.actions?.join(' ')).to.contain('is off again');
      expect(h.sim.org('dev').settings.enableClientSecretInRestApiAccess).to.equal(false);
    });

    it('retries a failed restoring deploy once (commit-failure:skip=1,count=1,type=Settings)', async () => {
      h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
      h.sim.faults.set({ commitFailure: { skip: 1, count: 1, type: 'Settings' } });
      await withSecretAccess(s, { allow: true, retryDelayMs: 0 }, async () => 'ok');
      expect(h.sim.org('dev').settings.enableClientSecretInRestApiAccess).to.equal(false);
    });

    it('says loudly that the setting is still ON when both restoring deploys fail, with what the work did', async () => {
      h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
      h.sim.faults.set({ commitFailure: { skip: 1, count: 2, type: 'Settings' } });
      const e = await failure<Error & { actions?: string[] }>(withSecretAccess(s, { allow: true, retryDelayMs: 0, describe: () => 'staged credentials 1Sg' }, async () => 'ok'));
      expect(e.name).to.equal('StillOnError');
      expect(e.message).to.contain('STILL ON').and.contain('staged credentials 1Sg');
      expect(e.actions?.[0]).to.contain('/lightning/setup/ExternalClientApplicationSettings/home');
      expect(h.sim.org('dev').settings.enableClientSecretInRestApiAccess).to.equal(true);
    });
  });
});
