/**
 * sf eca login client-credentials through the real sf (@salesforce/cli from npm, the plugin
 * linked), against the org simulator: the stored login works for sf org display and sf data
 * query; when its token expires (the simulator's accessTokenLifetimeSeconds, or every session
 * expired at once) the next command renews it through the plugin's prerun hook; a secret that no
 * longer works stops the command with ClientCredentialsRenewalError naming the one command that
 * renews the login; an auth file dated ahead of the clock, where core drops the renewal's save,
 * stops the command with AuthNotSavedError instead of running on the old token. Run at
 * SF_LOG_LEVEL=trace with the log file on: no secret and no token in any output, log or file of
 * the CLI's home other than the CLI's encrypted auth file.
 */
import { readFileSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { findLeaks } from '../../src/domain/token/redact.js';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { listFiles } from '../helpers/files.js';
import { ROOT } from '../helpers/paths.js';
import { SfCli, type SfRun } from '../helpers/sfCli.js';
import { oauthEca } from '../simulator/harness.js';

const RUN_AS = 'integration@dev.acme.example';
const QUERY = `SELECT Id, Username FROM User WHERE Username = '${RUN_AS}'`;

const files = (dir: string): string[] => listFiles(dir).map((f) => join(dir, f));

describe('end to end: sf eca login client-credentials in the real sf, and its renewal', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let sf: SfCli;
  let key: string;
  let secret: string;
  const runs: SfRun[] = [];
  const secrets: string[] = [];

  const run = async (args: string[], env: Record<string, string> = {}): Promise<SfRun> => {
    const r = await sf.run(args, { env });
    runs.push(r);
    return r;
  };
  const login = (more: string[] = [], env: Record<string, string> = { ECA_CLIENT_SECRET: secret }): Promise<SfRun> =>
    run(['eca', 'login', 'client-credentials', '--instance-url', sim.baseUrl, '--client-id', key, '--alias', 'svc', ...more, '--json'], env);
  const query = (): Promise<SfRun> => run(['data', 'query', '--query', QUERY, '--target-org', 'svc', '--json']);
  const tokenGrants = (): number => sim.requests.filter((q) => q.endpoint === 'oauth:token' && q.detail === 'client_credentials').length;

  before(async () => {
    sim = await startSimulator({ orgs: ['dev'] });
    for (const c of oauthEca('CC_App', { clientCredentials: true, runAs: RUN_AS })) sim.org('dev').addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
    const creds = sim.org('dev').credentials.get('eca:CC_App');
    key = creds?.consumerKey ?? '';
    secret = creds?.consumerSecret ?? '';
    secrets.push(secret);
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.caCertPath ?? '', SF_LOG_LEVEL: 'trace', SF_DISABLE_LOG_FILE: 'false' });
  });

  after(async () => {
    sf?.dispose();
    await sim?.close();
  });

  it('refuses a login host with the reason, and nothing is stored', async () => {
    const r = await run(['eca', 'login', 'client-credentials', '--instance-url', 'https://login.salesforce.com', '--client-id', key, '--alias', 'svc', '--json'], { ECA_CLIENT_SECRET: secret });
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.json?.name).to.equal('NotMyDomainError');
    expect(r.json?.message).to.contain('not an org\'s My Domain').and.contain('request not supported on this domain');
  });

  it('a wrong secret: exit 3, explained, nothing stored', async () => {
    const r = await login([], { ECA_CLIENT_SECRET: 'not-the-secret' });
    expect(r.status, r.stdout + r.stderr).to.equal(3);
    expect(r.json).to.include({ name: 'ClientCredentialsRefusedError' });
    expect(r.json?.message).to.contain('does not belong to the consumer key');
    const display = await run(['org', 'display', '--target-org', 'svc', '--json']);
    expect(display.status).to.not.equal(0);
  });

  it('stores the login: sf org display and sf data query work with it (result valid against its schema)', async () => {
    const r = await login();
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-login-client-credentials.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(r.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    expect(r.json?.result).to.deep.include({ alias: 'svc', username: RUN_AS, instanceUrl: sim.baseUrl, clientId: key, renewal: 'automatic' });

    const display = await run(['org', 'display', '--target-org', 'svc', '--json']);
    expect(display.status, display.stdout + display.stderr).to.equal(0);
    expect(display.json?.result).to.deep.include({ username: RUN_AS, instanceUrl: sim.baseUrl, clientId: key, connectedStatus: 'Connected', alias: 'svc' });

    const q = await query();
    expect(q.status, q.stdout + q.stderr).to.equal(0);
    expect((q.json?.result as { totalSize: number }).totalSize).to.equal(1);
  });

  it('the auth file holds the token and the secret only encrypted', () => {
    const auth = readFileSync(join(sf.home, '.sfdx', `${RUN_AS}.json`), 'utf8');
    const fields = JSON.parse(auth) as Record<string, string>;
    expect(fields.ecaLoginFlow).to.equal('client-credentials');
    expect(fields.clientId).to.equal(key);
    expect(fields.ecaClientSecret).to.be.a('string').and.not.equal(secret);
    expect(auth).to.not.contain(secret);
    expect(fields.refreshToken).to.equal(undefined);
  });

  it('after the simulator expires every session, the next command renews the token with the stored secret', async () => {
    expect(sim.expireSessions('dev')).to.be.greaterThan(0);
    sim.resetLog();
    const q = await query();
    expect(q.status, q.stdout + q.stderr).to.equal(0);
    expect(tokenGrants()).to.equal(1);
    // while it works, no new token: one probe only
    sim.resetLog();
    const again = await query();
    expect(again.status).to.equal(0);
    expect(tokenGrants()).to.equal(0);
  });

  it('with a token lifetime of 3 seconds (accessTokenLifetimeSeconds), a command after the lifetime renews it', async () => {
    sim.org('dev').accessTokenLifetimeSeconds = 3;
    try {
      const fresh = await login();
      expect(fresh.status).to.equal(0);
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      sim.resetLog();
      const display = await run(['org', 'display', '--target-org', 'svc', '--json']);
      expect(display.status, display.stdout + display.stderr).to.equal(0);
      expect(display.json?.result).to.deep.include({ connectedStatus: 'Connected' });
      expect(tokenGrants()).to.equal(1);
    } finally {
      sim.org('dev').accessTokenLifetimeSeconds = undefined;
    }
  });

  it('a stored secret Salesforce refuses stops the command with the named error and the one command that renews the login', async () => {
    const creds = sim.org('dev').credentials.get('eca:CC_App');
    if (!creds) throw new Error('no credentials');
    const rotated = `${secret}-rotated`;
    creds.consumerSecret = rotated;
    secrets.push(rotated);
    try {
      sim.expireSessions('dev');
      const q = await query();
      expect(q.status, q.stdout + q.stderr).to.equal(1);
      expect(q.json).to.include({ name: 'ClientCredentialsRenewalError' });
      expect(q.json?.message).to.contain('svc').and.contain('does not belong to the consumer key');
      expect(q.json?.actions?.join('\n')).to.contain(`ECA_CLIENT_SECRET=<consumer secret> sf eca login client-credentials --instance-url ${sim.baseUrl} --client-id ${key} --alias svc`);
      const human = await run(['data', 'query', '--query', QUERY, '--target-org', 'svc']);
      expect(human.status).to.equal(1);
      expect(human.stderr).to.contain('Error (ClientCredentialsRenewalError)').and.contain('sf eca login client-credentials');
      // the command it names renews the login
      const renewed = await login([], { ECA_CLIENT_SECRET: rotated });
      expect(renewed.status, renewed.stdout + renewed.stderr).to.equal(0);
      expect((await query()).status).to.equal(0);
    } finally {
      creds.consumerSecret = secret;
    }
  });

  it('an auth file dated ahead of the clock keeps its old token: the prerun hook stops the command with AuthNotSavedError (exit 1), never a run on a renewal that was not saved', async () => {
    // @salesforce/core keeps the newer of the file's values (its mtime) and a save's (the sf
    // process's clock), so the renewal's save into a file dated an hour ahead is dropped.
    // The test before left the rotated secret stored: log in again with the one the org holds.
    expect((await login()).status).to.equal(0);
    const authFile = join(sf.home, '.sfdx', `${RUN_AS}.json`);
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(authFile, ahead, ahead);
    try {
      sim.expireSessions('dev');
      sim.resetLog();
      const q = await query();
      expect(q.status, q.stdout + q.stderr).to.equal(1);
      expect(q.json).to.include({ name: 'AuthNotSavedError' });
      expect(q.json?.message).to.contain(authFile).and.contain(ahead.toISOString());
      expect(q.json?.actions?.join('\n')).to.contain(`sf eca login client-credentials --instance-url ${sim.baseUrl} --client-id ${key} --alias svc`);
      expect(tokenGrants(), 'the hook asked for a token once').to.equal(1);
      expect(sim.requests.filter((r) => r.endpoint === 'rest:query'), 'the query never ran').to.deep.equal([]);
    } finally {
      const past = new Date(Date.now() - 60_000);
      utimesSync(authFile, past, past);
    }
    // dated right again, the next command renews and runs
    const again = await query();
    expect(again.status, again.stdout + again.stderr).to.equal(0);
  });

  it('no secret or token in any output, the trace log or any file of the home but the encrypted auth file', () => {
    const authFile = join(sf.home, '.sfdx', `${RUN_AS}.json`);
    const logs = files(sf.home).filter((f) => f.endsWith('.log'));
    expect(logs.length, 'SF_LOG_LEVEL=trace wrote a log').to.be.greaterThan(0);
    for (const r of runs) {
      expect(findLeaks(r.stdout, secrets), r.stdout).to.deep.equal([]);
      expect(findLeaks(r.stderr, secrets), r.stderr).to.deep.equal([]);
    }
    for (const f of files(sf.home).filter((p) => p !== authFile && !p.includes(`${join('node_modules', '')}`))) {
      const text = readFileSync(f, 'utf8');
      expect(findLeaks(text, secrets), relative(sf.home, f)).to.deep.equal([]);
    }
  });
});
