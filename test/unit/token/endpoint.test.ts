import { expect } from 'chai';
import { type FetchLike, requestAndProveToken } from '../../../src/org/tokenEndpoint.js';
import { clientCredentialsForm } from '../../../src/domain/token/flows.js';
import { findLeaks } from '../../../src/domain/token/redact.js';

const ENDPOINT = 'https://acme.my.salesforce.com/services/oauth2/token';
const TOKEN = '00D5g00000DevSm!AQ4AQHn3l1Y5xS8.pKJp_secret_token_value';
const SECRET = 'D2A1C0FFEE0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF012345';
const USER = '0055g0000000009AAA';
const ORG = '00D5g00000DevSmEAJ';

type Call = { url: string; init: RequestInit };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const tokenBody = {
  access_token: TOKEN,
  scope: 'api',
  instance_url: 'https://acme.my.salesforce.com',
  id: `https://login.salesforce.com/id/${ORG}/${USER}`,
  token_type: 'Bearer',
  issued_at: '1767225600000',
  signature: 'x',
};

/** A fake Salesforce: answers by path, remembers the calls. */
function fake(answers: { token?: () => Response; userinfo?: () => Response; rest?: () => Response } = {}): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn: FetchLike = (url, init) => {
    calls.push({ url, init });
    const path = new URL(url).pathname;
    if (path === '/services/oauth2/token') return Promise.resolve((answers.token ?? (() => json(200, tokenBody)))());
    if (path === '/services/oauth2/userinfo') {
      return Promise.resolve((answers.userinfo ?? (() => json(200, { user_id: USER, organization_id: ORG, preferred_username: 'integration@acme.example', name: 'Integration' })))());
    }
    return Promise.resolve((answers.rest ?? (() => json(200, { totalSize: 1, done: true, records: [{ Id: USER, Username: 'integration@acme.example' }] })))());
  };
  return { fetch: fetchFn, calls };
}

const probe = (f: FetchLike) =>
  requestAndProveToken({ tokenEndpoint: ENDPOINT, form: clientCredentialsForm('3MVG9key', SECRET), apiVersion: '66.0', secrets: [SECRET], fetch: f });

describe('token endpoint and proof', () => {
  it('posts the form, proves the token with userinfo and a REST query, and returns everything but the token', async () => {
    const { fetch, calls } = fake();
    const r = await probe(fetch);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.proved.user).to.deep.equal({ id: USER, orgId: ORG, username: 'integration@acme.example', name: 'Integration' });
    expect(r.proved.issued).to.deep.include({ format: 'opaque', scopes: ['api'], issuedAt: '2026-01-01T00:00:00.000Z' });
    expect(r.proved.restCall).to.equal(`GET /services/data/v66.0/query?q=SELECT Id, Username FROM User WHERE Id = '${USER}'`);
    expect(calls.map((c) => `${c.init.method ?? 'GET'} ${new URL(c.url).pathname}`)).to.deep.equal([
      'POST /services/oauth2/token',
      'GET /services/oauth2/userinfo',
      'GET /services/data/v66.0/query',
    ]);
    expect(calls[0].init.body).to.contain('grant_type=client_credentials');
    expect((calls[1].init.headers as Record<string, string>).authorization).to.equal(`Bearer ${TOKEN}`);
    expect(findLeaks(r, [TOKEN, SECRET])).to.deep.equal([]);
  });

  it('an OAuth error: the failure with the clock difference from the Date header', async () => {
    const date = new Date(Date.now() + 300_000).toUTCString();
    const { fetch, calls } = fake({ token: () => json(400, { error: 'invalid_grant', error_description: 'expired authorization code' }, { date }) });
    const r = await probe(fetch);
    expect(r).to.deep.include({ ok: false, failure: { stage: 'token', status: 400, error: 'invalid_grant', description: 'expired authorization code' } });
    if (r.ok) return;
    expect(r.clockSkewSeconds).to.be.within(298, 302);
    expect(calls).to.have.length(1);
  });

  it('userinfo refused but the REST API accepting: proved, with the userinfo failure kept as a warning', async () => {
    const { fetch } = fake({ userinfo: () => new Response('Bad_OAuth_Token', { status: 403 }) });
    const r = await probe(fetch);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.proved.userinfoFailure).to.deep.equal({ stage: 'userinfo', status: 403, description: 'Bad_OAuth_Token' });
    expect(r.proved.user.username).to.equal('integration@acme.example');
  });

  it('the REST API refusing: a rest-stage failure', async () => {
    const { fetch } = fake({ rest: () => json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]) });
    const r = await probe(fetch);
    expect(r).to.deep.include({ ok: false, failure: { stage: 'rest', status: 401, error: 'INVALID_SESSION_ID', description: 'Session expired or invalid' } });
  });

  it('no answer at all: status 0 with the network error', async () => {
    const r = await probe(() => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:443') })));
    expect(r).to.deep.include({ ok: false, failure: { stage: 'token', status: 0, description: 'fetch failed: connect ECONNREFUSED 127.0.0.1:443' } });
  });

  it('a 200 without an access token is a failure, not a success', async () => {
    const r = await probe(fake({ token: () => json(200, { hello: 'world' }) }).fetch);
    expect(r.ok).to.equal(false);
  });

  it('never lets the token or the secret out, even when an answer echoes them', async () => {
    const echoes = [
      fake({ token: () => json(400, { error: 'invalid_client', error_description: `bad secret ${SECRET}` }) }),
      fake({ userinfo: () => new Response(`token ${TOKEN} refused`, { status: 403 }) }),
      fake({ rest: () => json(401, [{ message: `Session ${TOKEN} expired`, errorCode: 'INVALID_SESSION_ID' }]) }),
      fake({ rest: () => Promise.reject(new Error(`socket closed while sending Bearer ${TOKEN}`)) as unknown as Response }),
    ];
    for (const { fetch } of echoes) {
      const r = await probe((url, init) => Promise.resolve(fetch(url, init)));
      expect(findLeaks(r, [TOKEN, SECRET]), JSON.stringify(r)).to.deep.equal([]);
      expect(JSON.stringify(r)).to.contain('[REDACTED]');
    }
  });
});
