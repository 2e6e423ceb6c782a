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
import { request } from 'node:https';
import { JWT_BEARER_GRANT, jwtAccessTokenPublicKey } from '../../simulator/oauth.js';
import { makeCert } from '../helpers/certs.js';
import { type Harness, oauthEca, startHarness } from './harness.js';

type TokenAnswer = { status: number; body: Record<string, string> };

describe('simulator: OAuth', () => {
  let h: Harness;
  let privateKey: string;
  let otherKey: string;

  const token = async (fields: Record<string, string>, base = h.sim.baseUrl): Promise<TokenAnswer> => {
    const res = await fetch(`${base}/services/oauth2/token`, {
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
      // row 5: the user's org does not have the app: app_not_found, not invalid_client
      expect((await jwtGrant(keyOf('prod', 'Prod_App'), 'integration@acme.example.uat')).body).to.deep.equal({ error: 'app_not_found', error_description: 'External client app is not installed in this org' });
    });

    it('wants the sandbox audience in a sandbox', async () => {
      const key = keyOf('uat', 'Sbx_App');
      const wrong = await jwtGrant(key, 'integration@acme.example.uat');
      expect(wrong).to.deep.equal({
        status: 400,
        // row 6: Salesforce says only this; @salesforce/core appends "[audience=... login=...]" itself
        body: { error: 'invalid_grant', error_description: 'audience is invalid' },
      });
      expect((await jwtGrant(key, 'integration@acme.example.uat', 'https://test.salesforce.com')).status).to.equal(200);
      expect((await jwtGrant(key, 'integration@acme.example.uat', h.sim.org('uat').myDomainUrl)).status).to.equal(200);
    });
  });

  describe('what Salesforce does beyond the happy path', () => {
    const ccToken = (app: string, base?: string): Promise<TokenAnswer> => {
      const creds = h.sim.org('dev').credentials.get(`eca:${app}`);
      return token({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' }, base);
    };
    const seedApp = (name: string, scopes: string, extra: Record<string, unknown> = {}, lastModified = '2024-01-01T00:00:00.000Z'): void => {
      for (const c of oauthEca(name, { clientCredentials: true, runAs: 'integration@dev.acme.example' })) {
        if (c.type === 'ExtlClntAppOauthSettings') c.values.commaSeparatedOauthScopes = scopes;
        if (c.type === 'ExtlClntAppGlobalOauthSettings') Object.assign(c.values, extra);
        h.sim.org('dev').addComponent(c).lastModifiedDate = lastModified;
      }
    };
    afterEach(() => {
      h.sim.faults.clear();
      h.sim.org('dev').propagationMinutes = 0;
    });

    it('gives client-credentials tokens the app\'s scopes except full, web and refresh_token; REST and SOAP refuse a token without api (row 8)', async () => {
      seedApp('CC_Scopes', 'Api, Full, Web, RefreshToken, OpenID');
      seedApp('CC_FullOnly', 'Full, RefreshToken');
      const scoped = await ccToken('CC_Scopes');
      expect(scoped.body.scope).to.equal('api openid');
      const full = await ccToken('CC_FullOnly');
      expect(full.status).to.equal(200);
      expect(full.body.scope).to.equal('');
      const rest = await fetch(`${h.sim.baseUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, { headers: { authorization: `Bearer ${full.body.access_token}` } });
      expect(rest.status).to.equal(401);
      expect(await rest.json()).to.deep.equal([{ message: 'This session is not valid for use with the REST API', errorCode: 'INVALID_SESSION_ID' }]);
      const soap = await fetch(`${h.sim.baseUrl}/services/Soap/m/66.0`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', soapaction: '""' },
        body: `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${full.body.access_token}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><listMetadata><queries><type>ExternalClientApplication</type></queries></listMetadata></soapenv:Body></soapenv:Envelope>`,
      });
      expect(soap.status).to.equal(500);
      expect(await soap.text()).to.contain('<faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: This session is not valid for use with the API</faultstring>');
      const ok = await fetch(`${h.sim.baseUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, { headers: { authorization: `Bearer ${scoped.body.access_token}` } });
      expect(ok.status).to.equal(200);
    });

    it('refuses client credentials on a login host, not a My Domain (row 13); JWT and refresh still work there', async () => {
      const loginUrl = h.sim.loginUrl ?? '';
      expect(loginUrl).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await ccToken('CC_App', loginUrl)).to.deep.equal({ status: 400, body: { error: 'invalid_grant', error_description: 'request not supported on this domain' } });
      expect((await ccToken('CC_App')).status).to.equal(200);
      expect((await token({ grant_type: JWT_BEARER_GRANT, assertion: assertion({ iss: keyOf('dev', 'JWT_App'), sub: 'integration@dev.acme.example', aud: 'https://login.salesforce.com' }) }, loginUrl)).status).to.equal(200);
      // a request whose Host header names login.salesforce.com is a login host too
      const creds = h.sim.org('dev').credentials.get('eca:CC_App');
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' }).toString();
      const viaHost = await new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: h.sim.port, path: '/services/oauth2/token', method: 'POST', ca: h.sim.caCert, servername: 'localhost', headers: { host: 'login.salesforce.com', 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
          }
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(JSON.parse(viaHost)).to.deep.equal({ error: 'invalid_grant', error_description: 'request not supported on this domain' });
    });

    it('lets a newly saved app issue no tokens until it has propagated, when switched on (row 12)', async () => {
      seedApp('CC_New', 'Api', {}, new Date().toISOString());
      seedApp('CC_Old', 'Api');
      expect((await ccToken('CC_New')).status).to.equal(200);
      h.sim.org('dev').propagationMinutes = 30;
      expect((await ccToken('CC_New')).body).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      expect((await ccToken('CC_Old')).status, 'an app saved long ago').to.equal(200);
      h.sim.org('dev').propagationMinutes = 0;
      h.sim.faults.set({ propagation: { minutes: 30, answer: 'app_not_found' } });
      expect((await ccToken('CC_New')).body).to.deep.equal({ error: 'app_not_found', error_description: 'External client app is not installed in this org' });
    });

    it('checks the assertion\'s expiry with its own clock, and says what time it is (clock-skew fault)', async () => {
      h.sim.faults.set({ clockSkewSeconds: 600 });
      const res = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: assertion({ iss: keyOf('dev', 'JWT_App'), sub: 'integration@dev.acme.example', aud: 'https://login.salesforce.com' }) }).toString(),
      });
      expect(await res.json()).to.deep.equal({ error: 'invalid_grant', error_description: 'expired authorization code' });
      const skew = (Date.parse(res.headers.get('date') ?? '') - Date.now()) / 1000;
      expect(skew).to.be.within(590, 610);
    });

    it('issues JWT-based access tokens for an app with isNamedUserJwtEnabled, usable on REST', async () => {
      seedApp('CC_Jwt', 'Api', { isNamedUserJwtEnabled: true });
      const res = await ccToken('CC_Jwt');
      expect(res.status).to.equal(200);
      expect(res.body.token_format).to.equal('jwt');
      const claims = jwt.verify(res.body.access_token, jwtAccessTokenPublicKey(), { algorithms: ['RS256'] }) as jwt.JwtPayload;
      expect(claims).to.include({ client_id: h.sim.org('dev').credentials.get('eca:CC_Jwt')?.consumerKey, sub: h.sim.org('dev').user('integration@dev.acme.example')?.id });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).to.equal(7200);
      const q = await fetch(`${h.sim.baseUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
      expect(q.status).to.equal(200);
    });

    it('accepts an assertion signed for an expired certificate, as Salesforce does (StackExchange q/313488)', async () => {
      const old = await makeCert(-1, -30, 'expired');
      for (const c of oauthEca('JWT_Expired', { certificate: old.cert, permissionSets: 'Integration_Access' })) h.sim.org('dev').addComponent(c);
      const res = await jwtGrant(keyOf('dev', 'JWT_Expired'), 'integration@dev.acme.example', undefined, undefined, old.key);
      expect(res.status).to.equal(200);
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
