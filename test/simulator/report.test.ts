/**
 * The report seed (issue 15) and the queries a readiness report sends: 40 Connected Apps of mixed
 * kinds, vendor packages with their publishers, OAuth usage, and LoginHistory with SOAP logins and
 * username-password OAuth logins, read with GROUP BY and aggregates, the object reference's
 * filter and group rules enforced.
 */
import { readFileSync } from 'node:fs';
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import sinon from 'sinon';
import { schemaFor } from '../../simulator/metadata/schema.js';
import { writeMetadataXml } from '../../simulator/metadata/xml.js';
import { judgeFile } from '../../simulator/metadata/xsd.js';
import { REPORT_SEED_FILE, reportSeed } from '../../simulator/seeds/report.js';
import { runSoql } from '../../simulator/soql.js';
import { Registry } from '../../simulator/store.js';
import { type Harness, startHarness } from './harness.js';

type ApiError = { errorCode?: string; message?: string };

async function failure(p: PromiseLike<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('simulator: report seed and LoginHistory', function () {
  this.timeout(30_000);
  let h: Harness;
  let client: Connection;

  before(async () => {
    h = await startHarness({ seedFile: REPORT_SEED_FILE, login: ['client'] });
    client = await h.connection('client');
  });
  after(async () => h.close());

  it('is the generator\'s output (run tsx simulator/seeds/report.ts when it is stale), and every component is valid at 66.0', () => {
    expect(JSON.parse(readFileSync(REPORT_SEED_FILE, 'utf8'))).to.deep.equal(JSON.parse(JSON.stringify(reportSeed())));
    const schema = schemaFor(66);
    for (const org of reportSeed().orgs) {
      for (const c of org.components ?? []) {
        const verdict = judgeFile(writeMetadataXml(schema, c.type, { ...c.values, ...(c.type === 'ExternalClientApplication' ? {} : {}) }), 66);
        expect(verdict.ok, `${org.alias} ${c.type} ${c.fullName}: ${verdict.ok ? '' : verdict.finding.problem}`).to.equal(true);
      }
    }
  });

  it('has 40 local Connected Apps of six kinds, vendor apps with namespaces and publishers, and local ECAs', async () => {
    const apps = await client.query<{ Name: string; NamespacePrefix: string | null }>('SELECT Name, NamespacePrefix FROM ConnectedApplication');
    expect(apps.records.filter((a) => a.NamespacePrefix === null)).to.have.length(40);
    expect(apps.records.filter((a) => a.NamespacePrefix !== null).map((a) => a.NamespacePrefix)).to.deep.equal(['dtrk', 'mpls', 'mpls']);
    const org = h.sim.org('client');
    const cas = org.componentsOf('ConnectedApp').filter((c) => c.manageableState !== 'installed');
    const has = (f: (v: Record<string, unknown>) => boolean): number => cas.filter((c) => f(c.values as Record<string, unknown>)).length;
    expect(has((v) => v.mobileAppConfig !== undefined)).to.equal(6);
    expect(has((v) => v.canvasConfig !== undefined)).to.equal(4);
    expect(has((v) => (v.oauthConfig as { isClientCredentialEnabled?: boolean }).isClientCredentialEnabled === true)).to.equal(6);
    expect(has((v) => typeof (v.oauthConfig as { certificate?: string }).certificate === 'string')).to.equal(8);
    const publishers = await client.query<{ Name: string; NamespacePrefix: string | null }>('SELECT Name, NamespacePrefix FROM Publisher WHERE NamespacePrefix != null ORDER BY NamespacePrefix');
    expect(publishers.records.map((p) => [p.NamespacePrefix, p.Name])).to.deep.equal([
      ['dtrk', 'Docutrack Inc.'],
      ['ldgr', 'Ledgerly GmbH'],
      ['mpls', 'Mailpulse Ltd.'],
    ]);
    const ecas = await client.query<{ DeveloperName: string; DistributionState: string; NamespacePrefix: string | null }>('SELECT DeveloperName, DistributionState, NamespacePrefix FROM ExternalClientApplication ORDER BY DeveloperName');
    expect(ecas.records.map((e) => `${e.DeveloperName}:${e.DistributionState}`)).to.deep.equal(['ldgr__Ledgerly_Billing:Packaged', 'Northwind_CI:Local', 'Northwind_Reports:Local', 'Northwind_Sync:Local']);
  });

  it('answers the grouped LoginHistory query a report sends: SOAP logins and username-password OAuth logins in the last 90 days', async () => {
    const rows = await client.query<{ UserId: string; LoginType: string; LoginSubType: string | null; ApiType: string; ApiVersion: string; Application: string; logins: number; lastLogin: string }>(
      'SELECT UserId, LoginType, LoginSubType, ApiType, ApiVersion, Application, COUNT(Id) logins, MAX(LoginTime) lastLogin FROM LoginHistory ' +
        'WHERE LoginTime = LAST_N_DAYS:90 GROUP BY UserId, LoginType, LoginSubType, ApiType, ApiVersion, Application ORDER BY COUNT(Id) DESC'
    );
    const top = rows.records[0];
    expect(top).to.deep.include({ LoginType: 'Other Apex API', ApiType: 'SOAP Partner', ApiVersion: '35.0', logins: 90 });
    expect((top as unknown as { attributes: unknown }).attributes).to.deep.equal({ type: 'AggregateResult' });
    expect(Date.now() - Date.parse(top.lastLogin)).to.be.lessThan(2 * 86_400_000);
    expect(rows.records.some((r) => r.LoginType === 'Partner Product' && r.ApiType === 'SOAP Enterprise')).to.equal(true);
    const password = rows.records.filter((r) => r.LoginSubType === 'OAuth Username-Password');
    expect(password.length).to.be.greaterThan(0);
    expect(password.every((r) => r.LoginType === 'Remote Access 2.0' && r.ApiType === 'N/A')).to.equal(true);
    // the same through HAVING and COUNT_DISTINCT
    const busy = await client.query<{ LoginType: string; users: number }>(
      'SELECT LoginType, COUNT_DISTINCT(UserId) users FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:90 GROUP BY LoginType HAVING COUNT(Id) > 50 ORDER BY LoginType'
    );
    expect(busy.records.map((r) => r.LoginType)).to.deep.equal(['Application', 'Other Apex API', 'Remote Access 2.0']);
    expect(busy.records.find((r) => r.LoginType === 'Other Apex API')?.users).to.equal(1);
    const filtered = await client.query<{ expr0: number }>("SELECT COUNT(Id) FROM LoginHistory WHERE LoginType IN ('Other Apex API', 'Partner Product') AND LoginTime > 2020-01-01T00:00:00Z");
    expect(filtered.records[0].expr0).to.equal(90 + 13);
  });

  it('keeps every seeded login inside LAST_N_DAYS:90 whatever the time of day the seed loads (a CI run that loaded it before 09:00 UTC lost the oldest)', () => {
    const seed = reportSeed().orgs.find((o) => o.alias === 'client');
    expect(seed?.loginHistory?.length).to.be.greaterThan(300);
    for (const at of ['T00:00:01Z', 'T02:00:00Z', 'T08:59:00Z', 'T09:01:00Z', 'T23:59:59Z']) {
      const clock = sinon.useFakeTimers({ now: Date.parse(`2026-12-01${at}`), toFake: ['Date'] });
      try {
        const org = new Registry('https://localhost:1').addOrg(seed!);
        const admin = org.user(org.cliUsername);
        const inWindow = runSoql(org, 'SELECT COUNT() FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:90', '66.0', admin);
        expect(inWindow.totalSize, at).to.equal(org.loginHistory.length);
        const daily = runSoql(org, "SELECT COUNT(Id) n FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:90 AND LoginType = 'Other Apex API'", '66.0', admin);
        expect(daily.records[0].n, at).to.equal(90);
      } finally {
        clock.restore();
      }
    }
  });

  it('refuses what Salesforce refuses on LoginHistory: filtering ApiType, grouping LoginTime, an ungrouped field', async () => {
    const filter = await failure(client.query("SELECT Id FROM LoginHistory WHERE ApiType = 'SOAP Partner'"));
    expect(filter.errorCode).to.equal('INVALID_FIELD');
    expect(filter.message).to.contain("field 'ApiType' can not be filtered in query call");
    const group = await failure(client.query('SELECT LoginTime, COUNT(Id) FROM LoginHistory GROUP BY LoginTime'));
    expect(group.message).to.contain("field 'LoginTime' can not be grouped in a query call");
    const ungrouped = await failure(client.query('SELECT UserId, Application, COUNT(Id) FROM LoginHistory GROUP BY UserId'));
    expect(ungrouped.errorCode).to.equal('MALFORMED_QUERY');
    expect(ungrouped.message).to.contain('Field must be grouped or aggregated: Application');
  });

  it('shows a user without Manage Users or Monitor Login History only their own logins', () => {
    const org = h.sim.org('client');
    const alice = org.user('alice@northwind.example');
    const own = runSoql(org, 'SELECT UserId FROM LoginHistory', '66.0', alice);
    expect(own.totalSize).to.be.greaterThan(0);
    expect(own.records.every((r) => r.UserId === alice?.id)).to.equal(true);
    const admin = runSoql(org, 'SELECT COUNT() FROM LoginHistory', '66.0', org.user(org.cliUsername));
    expect(admin.totalSize).to.equal(org.loginHistory.length);
  });

  it('aggregates OAuth usage per app, as a usage section reads it', async () => {
    const usage = await client.query<{ AppName: string; users: number; uses: number; lastUsed: string }>(
      'SELECT AppName, COUNT(UserId) users, SUM(UseCount) uses, MAX(LastUsedDate) lastUsed FROM OauthToken GROUP BY AppName ORDER BY SUM(UseCount) DESC LIMIT 5'
    );
    expect(usage.records).to.have.length(5);
    expect(usage.records[0].uses).to.be.at.least(usage.records[1].uses);
  });

  it('starts every seed org: the sandbox copies production\'s keys, a refresh of it renames users as Salesforce does', () => {
    const uat = h.sim.org('client-uat');
    expect(uat.credentials.get('ca:Partner_Portal')?.consumerKey).to.equal(h.sim.org('client').credentials.get('ca:Partner_Portal')?.consumerKey);
    const outcome = h.sim.refreshSandbox('client-uat');
    expect(outcome.renamedUsers['alice@northwind.example']).to.equal('alice@northwind.example.uat');
    expect(outcome.removedApps).to.deep.equal(['Northwind_CI', 'Northwind_Reports', 'Northwind_Sync']);
    expect(h.sim.org('client-dev').componentsOf('ConnectedApp')).to.have.length(2);
  });
});
