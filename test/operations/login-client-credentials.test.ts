/**
 * The client-credentials login and its renewal in process, against the simulator with auth stored
 * as the CLI stores it: the stored login opens as any org; a login that is not ours costs no
 * request; a working token costs one probe; an expired one is re-minted with the stored secret; an
 * org that does not answer is left to the command; a refused secret is the named renewal error.
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { AuthInfo, Org, StateAggregator } from '@salesforce/core';
import { expect } from 'chai';
import { loginClientCredentials, renewStoredLogin } from '../../src/operations/loginClientCredentials.js';
import { failure } from '../helpers/failure.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

const RUN_AS = 'integration@dev.acme.example';

describe('login client-credentials and its renewal (operations, in process)', function () {
  this.timeout(60_000);
  let h: Harness;
  let key: string;
  let secret: string;
  const input = (over: Partial<Parameters<typeof loginClientCredentials>[0]> = {}): Parameters<typeof loginClientCredentials>[0] => ({
    instanceUrl: h.sim.baseUrl,
    clientId: key,
    alias: 'svc',
    setDefault: false,
    secretStdin: false,
    env: { ECA_CLIENT_SECRET: secret },
    ...over,
  });

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    for (const c of oauthEca('CC_App', { clientCredentials: true, runAs: RUN_AS })) h.sim.org('dev').addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
    const creds = h.sim.org('dev').credentials.get('eca:CC_App');
    key = creds?.consumerKey ?? '';
    secret = creds?.consumerSecret ?? '';
  });
  after(() => h?.close());
  afterEach(async () => {
    h.sim.faults.clear();
    await h.sim.settled();
  });

  it('stores a login every sf command can open, with the secret only encrypted', async () => {
    const r = await loginClientCredentials(input());
    expect(r).to.deep.include({ alias: 'svc', username: RUN_AS, instanceUrl: h.sim.baseUrl, clientId: key, renewal: 'automatic', isSandbox: false, isDevHub: false });
    StateAggregator.clearInstance();
    const org = await Org.create({ aliasOrUsername: 'svc' });
    const rows = await org.getConnection().query<{ Username: string }>(`SELECT Id, Username FROM User WHERE Username = '${RUN_AS}'`);
    expect(rows.records[0].Username).to.equal(RUN_AS);
    const fields = (await AuthInfo.create({ username: RUN_AS })).getFields() as Record<string, unknown>;
    expect(fields.ecaClientSecret).to.be.a('string').and.not.equal(secret);
    expect(JSON.stringify(fields)).to.not.contain(secret);
  });

  it('a login that is not ours: no request at all', async () => {
    h.sim.resetLog();
    expect(await renewStoredLogin(h.sim.login('dev').username)).to.deep.equal({ outcome: 'not-ours' });
    expect(h.sim.count()).to.equal(0);
  });

  it('a working token: one probe, nothing else', async () => {
    h.sim.resetLog();
    expect(await renewStoredLogin(RUN_AS)).to.deep.equal({ outcome: 'valid' });
    expect(h.sim.counts()).to.deep.equal({ 'rest:resources': 1 });
  });

  it('an expired token: a new one minted with the stored secret and saved', async () => {
    h.sim.expireSessions('dev');
    h.sim.resetLog();
    expect(await renewStoredLogin(RUN_AS)).to.deep.equal({ outcome: 'renewed', alias: 'svc' });
    expect(h.sim.requests.filter((q) => q.endpoint === 'oauth:token').map((q) => q.detail)).to.deep.equal(['client_credentials']);
    StateAggregator.clearInstance();
    const org = await Org.create({ aliasOrUsername: 'svc' });
    expect((await org.getConnection().query('SELECT Id FROM Organization')).totalSize).to.equal(1);
  });

  it('an auth file dated after this process\'s clock keeps its values: AuthNotSavedError naming the file, never "renewed" or a login it did not store', async () => {
    // @salesforce/core keeps the newer of the file's values (its mtime) and the save's (this
    // process's clock): a save into a file dated ahead is dropped without an error
    const file = join(h.home.dir, '.sfdx', `${RUN_AS}.json`);
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(file, ahead, ahead);
    try {
      h.sim.expireSessions('dev');
      const renewal = await failure(renewStoredLogin(RUN_AS));
      expect(renewal).to.include({ name: 'AuthNotSavedError', exitCode: 1 });
      expect(renewal.message).to.contain(file).and.contain(ahead.toISOString());
      expect(renewal.actions?.join('\n')).to.contain(`sf eca login client-credentials --instance-url ${h.sim.baseUrl} --client-id ${key} --alias svc`);
      utimesSync(file, ahead, ahead); // the failed save rewrote the file (with its old values)
      const login = await failure(loginClientCredentials(input()));
      expect(login).to.include({ name: 'AuthNotSavedError', exitCode: 1 });
      for (const e of [renewal, login]) expect(JSON.stringify({ ...e, message: e.message, actions: e.actions })).to.not.contain(secret);
    } finally {
      const past = new Date(Date.now() - 60_000);
      utimesSync(file, past, past);
    }
    // dated right again, the renewal saves
    h.sim.expireSessions('dev');
    expect(await renewStoredLogin(RUN_AS)).to.deep.equal({ outcome: 'renewed', alias: 'svc' });
  });

  it('an org that does not answer: left to the command', async () => {
    h.sim.faults.set({ unreachable: { mode: 'refuse' } });
    await h.sim.settled();
    expect(await renewStoredLogin(RUN_AS)).to.deep.equal({ outcome: 'unknown' });
  });

  it('a stored secret Salesforce refuses: ClientCredentialsRenewalError naming the command that renews the login', async () => {
    const creds = h.sim.org('dev').credentials.get('eca:CC_App');
    if (!creds) throw new Error('no credentials');
    creds.consumerSecret = 'rotated-secret';
    try {
      h.sim.expireSessions('dev');
      const e = await failure(renewStoredLogin(RUN_AS));
      expect(e.name).to.equal('ClientCredentialsRenewalError');
      expect(e.message).to.contain('svc');
      expect(e.actions?.join('\n')).to.contain(`sf eca login client-credentials --instance-url ${h.sim.baseUrl} --client-id ${key} --alias svc`);
      expect(JSON.stringify(e)).to.not.contain(secret);
    } finally {
      creds.consumerSecret = secret;
    }
  });

  it('refuses a login host and a missing secret by name, before any request', async () => {
    h.sim.resetLog();
    const host = await failure(loginClientCredentials(input({ instanceUrl: 'https://test.salesforce.com' })));
    expect(host.name).to.equal('NotMyDomainError');
    expect(host.message).to.contain('request not supported on this domain');
    const missing = await failure(loginClientCredentials(input({ env: {} })));
    expect(missing).to.include({ name: 'MissingSecretError', exitCode: 1 });
    expect(h.sim.count()).to.equal(0);
  });
});
