/**
 * The token endpoint and its neighbours, over real HTTPS: client credentials, JWT bearer (also
 * through @salesforce/core's own JWT login), refresh, userinfo, revoke, and Salesforce's errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthInfo, Connection } from '@salesforce/core';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { generate } from 'selfsigned';
import { JWT_BEARER_GRANT } from '../../simulator/oauth.js';
import { type Harness, oauthEca, startHarness } from './harness.js';

type TokenAnswer = { status: number; body: Record<string, string> };

describe('simulator: OAuth', () => {
  let h: Harness;
  let privateKey: string;
  let otherKey: string;

  const token = async (fields: Record<string, string>): Promise<TokenAnswer> => {
    const res = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const assertion = (claims: { iss: string; sub: string; aud: string; expiresIn?: number }, key = privateKey): string =>
    jwt.sign({ iss: claims.iss, sub: claims.sub, aud: claims.aud }, key, { algorithm: 'RS256', expiresIn: claims.expiresIn ?? 180 });
  const keyOf = (alias: string, app: string): string => h.sim.org(alias).credentials.get(`eca:${app}`)?.consumerKey ?? '';
  const jwtGrant = (iss: string, sub: string, aud = 'https://login.salesforce.com', expiresIn?: number, key?: string): Promise<TokenAnswer> =>
    token({ grant_type: JWT_BEARER_GRANT, assertion: assertion({ iss, sub, aud, expiresIn }, key) });

  before(async () => {
    const [pems, other] = await Promise.all([generate([{ name: 'commonName', value: 'ci' }], { keySize: 2048 }), generate([{ name: 'commonName', value: 'x' }], { keySize: 2048 })]);
    privateKey = pems.private;
    otherKey = other.private;
    h = await startHarness({ orgs: ['dev', 'prod', 'uat'], login: ['dev'] });
    const dev = h.sim.org('dev');
    for (const c of oauthEca('CC_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) dev.addComponent(c);
    for (const c of oauthEca('CC_Off', { clientCredentials: false, runAs: 'integration@dev.acme.example' })) dev.addComponent(c);
    for (const c of oauthEca('CC_Former', { clientCredentials: true, runAs: 'former@dev.acme.example' })) dev.addComponent(c);
    for (const c of oauthEca('JWT_App', { certificate: pems.cert, permissionSets: 'Integration_Access' })) dev.addComponent(c);
    for (const c of oauthEca('JWT_Self', { certificate: pems.cert })) dev.addComponent(c);
    for (const c of oauthEca('Sbx_App', { certificate: pems.cert, permissionSets: 'Integration_Access' })) h.sim.org('uat').addComponent(c);
    for (const c of oauthEca('Prod_App', { certificate: pems.cert, permissionSets: 'Integration_Access' })) h.sim.org('prod').addComponent(c);
    writeFileSync(join(h.home.dir, 'server.key'), privateKey);
  });
  after(async () => h.close());

  describe('client_credentials', () => {
    it('issues a token for the run-as user', async () => {
      const creds = h.sim.org('dev').credentials.get('eca:CC_App');
      const res = await token({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' });
      expect(res.status).to.equal(200);
      const user = h.sim.org('dev').user('integration@dev.acme.example');
      expect(res.body.access_token).to.match(/^00D\w{12}![.\w]+$/);
      expect(res.body.id).to.equal(`${h.sim.baseUrl}/id/${h.sim.org('dev').orgId}/${user?.id ?? ''}`);
      expect(res.body.instance_url).to.equal(h.sim.baseUrl);
      expect(res.body).not.to.have.property('refresh_token');
      const q = encodeURIComponent(`SELECT Username FROM User WHERE Id = '${user?.id ?? ''}'`);
      const me = await fetch(`${res.body.instance_url}/services/data/v66.0/query?q=${q}`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
      expect(((await me.json()) as { records: Array<{ Username: string }> }).records[0].Username).to.equal('integration@dev.acme.example');
    });

    it('answers each failure as Salesforce does', async () => {
      const dev = h.sim.org('dev');
      const cc = dev.credentials.get('eca:CC_App');
      expect((await token({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' })).body).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      const wrongSecret = await token({ grant_type: 'client_credentials', client_id: cc?.consumerKey ?? '', client_secret: 'wrong' });
      expect(wrongSecret).to.deep.equal({ status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } });
      for (const app of ['CC_Off', 'CC_Former']) {
        const creds = dev.credentials.get(`eca:${app}`);
        const res = await token({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' });
        expect(res.body, app).to.deep.equal({ error: 'invalid_grant', error_description: 'no client credentials user enabled' });
      }
    });
  });

  describe('jwt-bearer', () => {
    it('issues a token for a pre-authorized user', async () => {
      const res = await jwtGrant(keyOf('dev', 'JWT_App'), 'integration@dev.acme.example');
      expect(res.status).to.equal(200);
      expect(res.body.access_token.startsWith(h.sim.org('dev').orgId15)).to.equal(true);
    });

    it('logs in through @salesforce/core as `sf org login jwt` does', async () => {
      const authInfo = await AuthInfo.create({
        username: 'integration@dev.acme.example',
        oauth2Options: { clientId: keyOf('dev', 'JWT_App'), privateKeyFile: join(h.home.dir, 'server.key'), loginUrl: h.sim.baseUrl },
      });
      expect(authInfo.getFields().orgId).to.equal(h.sim.org('dev').orgId);
      const conn = await Connection.create({ authInfo });
      const org = await conn.query<{ Name: string }>('SELECT Name FROM Organization');
      expect(org.records[0].Name).to.equal('Acme Dev');
    });

    it('answers each failure as Salesforce does', async () => {
      const key = keyOf('dev', 'JWT_App');
      expect((await jwtGrant('unknown', 'integration@dev.acme.example')).body).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      expect((await jwtGrant(key, 'ci@dev.acme.example')).body).to.deep.equal({ error: 'invalid_app_access', error_description: 'user is not admin approved to access this app' });
      expect((await jwtGrant(keyOf('dev', 'JWT_Self'), 'ci@dev.acme.example')).body).to.deep.equal({ error: 'invalid_grant', error_description: "user hasn't approved this consumer" });
      expect((await jwtGrant(key, 'integration@dev.acme.example', undefined, -60)).body).to.deep.equal({ error: 'invalid_grant', error_description: 'expired authorization code' });
      expect((await jwtGrant(key, 'integration@dev.acme.example', undefined, undefined, otherKey)).body).to.deep.equal({ error: 'invalid_grant', error_description: 'invalid assertion' });
      expect((await jwtGrant(keyOf('prod', 'Prod_App'), 'integration@acme.example.uat')).body).to.deep.equal({ error: 'invalid_client', error_description: 'External client app is not installed in this org' });
    });

    it('wants the sandbox audience in a sandbox', async () => {
      const key = keyOf('uat', 'Sbx_App');
      const wrong = await jwtGrant(key, 'integration@acme.example.uat');
      expect(wrong).to.deep.equal({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'audience is invalid [audience=https://login.salesforce.com login=https://test.salesforce.com/]' },
      });
      expect((await jwtGrant(key, 'integration@acme.example.uat', 'https://test.salesforce.com')).status).to.equal(200);
      expect((await jwtGrant(key, 'integration@acme.example.uat', h.sim.org('uat').myDomainUrl)).status).to.equal(200);
    });
  });

  describe('refresh, userinfo, revoke', () => {
    it('refreshes the CLI token and refuses an unknown one', async () => {
      const login = h.sim.login('dev');
      const ok = await token({ grant_type: 'refresh_token', refresh_token: login.refreshToken, client_id: 'PlatformCLI' });
      expect(ok.status).to.equal(200);
      expect(ok.body.id).to.equal(`${h.sim.baseUrl}/id/${login.orgId}/${login.userId}`);
      expect(ok.body).to.include({ token_type: 'Bearer', instance_url: h.sim.baseUrl });
      expect(ok.body.signature).to.be.a('string');
      const bad = await token({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'PlatformCLI' });
      expect(bad).to.deep.equal({ status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    });

    it('answers userinfo until the token is revoked', async () => {
      const access = h.sim.issueAccessToken('dev');
      const info = await fetch(`${h.sim.baseUrl}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${access}` } });
      expect(info.status).to.equal(200);
      expect(await info.json()).to.include({ preferred_username: 'admin@dev.acme.example', organization_id: h.sim.org('dev').orgId });
      const revoke = await fetch(`${h.sim.baseUrl}/services/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(access)}` });
      expect(revoke.status).to.equal(200);
      const after = await fetch(`${h.sim.baseUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, { headers: { authorization: `Bearer ${access}` } });
      expect(after.status).to.equal(401);
      expect(await after.json()).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    });
  });
});
