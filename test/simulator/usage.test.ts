/**
 * Connect REST OAuth usage (API 59+): the external client apps that have usage data (the shape
 * sfdx-hardis reads), their users, their refresh tokens, and revocation that ends the tokens.
 */
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { type Harness, oauthEca, startHarness } from './harness.js';

type ApiError = { errorCode?: string };

describe('simulator: Connect REST OAuth usage', () => {
  let h: Harness;
  let dev: Connection;
  const V = '/services/data/v66.0/apps/oauth/usage';

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    dev = await h.connection('dev');
    const org = h.sim.org('dev');
    for (const c of oauthEca('Used_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) org.addComponent(c);
    for (const c of oauthEca('Idle_App')) org.addComponent(c);
    const admin = org.user(org.cliUsername);
    const integration = org.user('integration@dev.acme.example');
    const now = new Date().toISOString();
    org.oauthTokens.push(
      { id: org.newId('0CQ'), appName: 'Used_App', userId: admin?.id ?? '', useCount: 5, lastUsedDate: now, createdDate: '2026-01-01T00:00:00.000Z' },
      { id: org.newId('0CQ'), appName: 'Used_App', userId: integration?.id ?? '', useCount: 2, lastUsedDate: now, createdDate: now }
    );
  });
  after(async () => h.close());

  it('lists the external client apps that have usage data, with identifier and developerName, paged', async () => {
    const org = h.sim.org('dev');
    const usage = (await dev.request(V)) as { apps: Array<Record<string, string>>; currentPageUrl: string; nextPageUrl: string };
    expect(usage.apps).to.deep.equal([{ developerName: 'Used_App', identifier: org.component('ExternalClientApplication', 'Used_App')?.id, label: 'Used_App app' }]);
    expect(usage.currentPageUrl).to.equal(`${V}?page=0&pageSize=100`);
    expect(usage.nextPageUrl).to.equal(`${V}?page=1&pageSize=100`);
    const past = (await dev.request(`${V}?page=1`)) as { apps: unknown[] };
    expect(past.apps).to.deep.equal([]);
    expect((await failure(dev.request('/services/data/v58.0/apps/oauth/usage'))).errorCode).to.equal('NOT_FOUND');
  });

  it('lists an app\'s users and a user\'s refresh tokens, and revokes them', async () => {
    const org = h.sim.org('dev');
    const appId = org.component('ExternalClientApplication', 'Used_App')?.id ?? '';
    const users = (await dev.request(`${V}/${appId}/users`)) as { users: Array<{ userIdentifier: string; username: string }> };
    expect(users.users.map((u) => u.username)).to.deep.equal(['admin@dev.acme.example', 'integration@dev.acme.example']);
    const integration = users.users[1].userIdentifier;
    const tokens = (await dev.request(`${V}/${appId}/${integration}/tokens`)) as { tokens: Array<Record<string, unknown>> };
    expect(tokens.tokens).to.have.length(1);
    expect(tokens.tokens[0]).to.include({ appDeveloperName: 'Used_App', appIdentifier: appId, useCount: 2, username: 'integration@dev.acme.example', accessTokenFormat: 'Opaque' });
    expect(tokens.tokens[0].revocationUrl).to.match(/\/apps\/oauth\/usage\/tokens\/0CQ\w+$/);

    // a live client-credentials session of that user ends with the revocation
    const creds = org.credentials.get('eca:Used_App');
    const minted = (await (
      await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds?.consumerKey ?? '', client_secret: creds?.consumerSecret ?? '' }).toString(),
      })
    ).json()) as { access_token: string };
    const query = (): Promise<Response> => fetch(`${h.sim.baseUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, { headers: { authorization: `Bearer ${minted.access_token}` } });
    expect((await query()).status).to.equal(200);
    await dev.request({ method: 'DELETE', url: `${V}/${appId}/${integration}/tokens` });
    expect((await query()).status).to.equal(401);
    expect(((await dev.request(`${V}/${appId}/users`)) as { users: unknown[] }).users).to.have.length(1);

    const [adminToken] = ((await dev.request(`${V}/${appId}/${users.users[0].userIdentifier}/tokens`)) as { tokens: Array<{ revocationUrl: string }> }).tokens;
    await dev.request({ method: 'DELETE', url: adminToken.revocationUrl });
    expect(((await dev.request(V)) as { apps: unknown[] }).apps).to.deep.equal([]);
    expect(h.sim.count('rest:apps-usage-tokens')).to.equal(4);
    expect(h.sim.count('rest:apps-usage-users')).to.equal(2);
  });

  it('revokes every refresh token of an app at once', async () => {
    const org = h.sim.org('dev');
    const admin = org.user(org.cliUsername);
    org.oauthTokens.push({ id: org.newId('0CQ'), appName: 'Idle_App', userId: admin?.id ?? '', useCount: 1, lastUsedDate: new Date().toISOString(), createdDate: new Date().toISOString() });
    const appId = org.component('ExternalClientApplication', 'Idle_App')?.id ?? '';
    await dev.request({ method: 'DELETE', url: `${V}/${appId}/tokens` });
    expect(org.oauthTokens.filter((t) => t.appName === 'Idle_App')).to.deep.equal([]);
  });
});

async function failure(p: PromiseLike<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}
