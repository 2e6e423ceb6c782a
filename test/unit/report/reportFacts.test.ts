/**
 * The org floor of the report, on the answers an org gives (a stand-in OrgAccess that records the
 * SOQL): LoginHistory grouped in the query, failed logins dropped, API versions merged, the limit
 * reported; usernames in chunks; publisher names, and what a refused Publisher query costs.
 */
import { expect } from 'chai';
import type { OrgAccess } from '../../../src/org/orgAccess.js';
import { LOGIN_GROUP_LIMIT, readLoginHistory, readPublishers, readSeesEveryLogin, readUsernames } from '../../../src/org/reportFacts.js';

function access(answer: (soql: string) => unknown[], tooling?: (soql: string) => unknown[]): { access: OrgAccess; soql: string[] } {
  const soql: string[] = [];
  const fake = {
    query: async (q: string) => {
      soql.push(q);
      return answer(q);
    },
    connection: { tooling: { query: async (q: string) => ({ records: (tooling ?? (() => { throw Object.assign(new Error("sObject type 'Publisher' is not supported."), { name: 'INVALID_TYPE', errorCode: 'INVALID_TYPE' }); }))(q) }) } },
  };
  return { access: fake as unknown as OrgAccess, soql };
}

const row = (o: Record<string, unknown>): Record<string, unknown> => ({ Application: 'Data Loader', UserId: '005000000000001AAA', LoginType: 'Other Apex API', LoginSubType: null, ApiType: 'SOAP Partner', ApiVersion: '35.0', Status: 'Success', logins: 10, lastLogin: '2026-09-01T10:00:00.000+0000', ...o });

describe('report: the org floor (src/org/reportFacts.ts)', () => {
  it('reads LoginHistory in one grouped query of the window, UI logins left out, grouping what cannot be filtered', async () => {
    const { access: a, soql } = access(() => []);
    await readLoginHistory(a, 30);
    expect(soql).to.have.length(1);
    expect(soql[0]).to.contain('FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:30 AND LoginType != \'Application\'');
    expect(soql[0]).to.contain('GROUP BY Application, UserId, LoginType, LoginSubType, ApiType, ApiVersion, Status');
    expect(soql[0]).to.not.match(/WHERE[^G]*(ApiType|Application|Status)\s*=/);
    await readLoginHistory(a, 10_000);
    expect(soql[1]).to.contain('LAST_N_DAYS:365');
  });

  it('drops failed logins, merges API versions of one user and method, and keeps the latest login', async () => {
    const { access: a } = access(() => [
      row({}),
      row({ ApiVersion: '42.0', logins: 3, lastLogin: '2026-09-10T10:00:00.000+0000' }),
      row({ Status: 'Invalid Password', logins: 50 }),
      row({ Application: null, UserId: '005000000000002AAA', LoginType: 'Remote Access 2.0', LoginSubType: 'OAuth Username-Password', ApiType: 'N/A', ApiVersion: null, logins: 2 }),
    ]);
    const { groups, truncated } = await readLoginHistory(a, 90);
    expect(truncated).to.equal(false);
    expect(groups).to.deep.equal([
      { application: 'Data Loader', userId: '005000000000001AAA', loginType: 'Other Apex API', apiType: 'SOAP Partner', apiVersion: '35.0', logins: 13, lastLogin: '2026-09-10T10:00:00.000+0000' },
      { application: '', userId: '005000000000002AAA', loginType: 'Remote Access 2.0', loginSubType: 'OAuth Username-Password', apiType: 'N/A', logins: 2, lastLogin: '2026-09-01T10:00:00.000+0000' },
    ]);
  });

  it('says when the org had more groups than one read keeps', async () => {
    const { access: a } = access(() => Array.from({ length: LOGIN_GROUP_LIMIT }, (_, i) => row({ UserId: `005${String(i).padStart(15, '0')}` })));
    expect((await readLoginHistory(a, 90)).truncated).to.equal(true);
  });

  it('reads usernames 200 ids a query, ignoring anything that is not an id', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `005${String(i).padStart(15, '0')}`);
    const { access: a, soql } = access((q) => (q.includes(ids[0]) ? [{ Id: ids[0], Username: 'a@b.example' }] : []));
    const names = await readUsernames(a, [...ids, ids[0], "x') OR Id != ('"]);
    expect(soql).to.have.length(3);
    expect(names.get(ids[0])).to.equal('a@b.example');
    expect(soql.join(' ')).to.not.contain('OR Id');
    expect((await readUsernames(access(() => []).access, [])).size).to.equal(0);
  });

  it('maps namespaces to publishers through the Tooling API, and names none when Salesforce refuses the object', async () => {
    const { access: a } = access(() => [], () => [{ Name: 'Docutrack Inc.', NamespacePrefix: 'dtrk' }, { Name: 'Acme', NamespacePrefix: null }]);
    expect([...((await readPublishers(a, 'acme')) ?? [])]).to.deep.equal([['dtrk', 'Docutrack Inc.']]);
    expect(await readPublishers(access(() => []).access, 'acme')).to.equal(undefined);
  });

  it('sees every login with Manage Users or Monitor Login History, from the profile or a permission set', async () => {
    const sees = async (profile: Record<string, boolean>, sets: Array<Record<string, boolean>>): Promise<boolean | undefined> =>
      readSeesEveryLogin(access((q) => (q.includes('FROM User') ? [{ Profile: profile }] : sets.map((p) => ({ PermissionSet: p })))).access, "o'brien@acme.example");
    expect(await sees({ PermissionsManageUsers: true }, [])).to.equal(true);
    expect(await sees({}, [{ PermissionsMonitorLoginHistory: true }])).to.equal(true);
    expect(await sees({ PermissionsManageUsers: false }, [{ PermissionsManageUsers: false }])).to.equal(false);
  });
});
