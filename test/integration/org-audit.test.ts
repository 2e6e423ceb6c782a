/**
 * The audit every org command shares (operations/shared/orgAudit.ts) against the simulator: the
 * run-as users' query goes out from the policies parsed first (src/org/retrieveZip.ts, ReadFirst),
 * once, and only the users of the apps audited come back, not the user an orphan policy names.
 */
import { expect } from 'chai';
import { readOrgAudit } from '../../src/operations/shared/orgAudit.js';
import { openSession } from '../../src/org/session.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

describe('the shared org audit: run-as users', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({
      orgs: [
        {
          alias: 'runas',
          users: [
            { username: 'svc@runas.acme.example', lastName: 'Svc', profile: 'System Administrator' },
            { username: 'orphan@runas.acme.example', lastName: 'Orphan', profile: 'System Administrator' },
            { username: 'legacy@runas.acme.example', lastName: 'Legacy', profile: 'System Administrator' },
          ],
          components: [
            ...oauthEca('Sync', { runAs: 'svc@runas.acme.example', clientCredentials: true }),
            // a policy whose app header the retrieve does not return
            {
              type: 'ExtlClntAppOauthConfigurablePolicies',
              fullName: 'Gone_oauthPlcy',
              values: { externalClientApplication: 'Gone', label: 'Gone_oauthPlcy', clientCredentialsFlowUser: 'orphan@runas.acme.example', permittedUsersPolicyType: 'AdminApprovedPreAuthorized' },
            },
            {
              type: 'ConnectedApp',
              fullName: 'Legacy',
              values: { contactEmail: 'ops@acme.example', label: 'Legacy', oauthConfig: { consumerKey: 'K', isClientCredentialEnabled: true, oauthClientCredentialUser: 'legacy@runas.acme.example', scopes: ['Api'] } },
            },
          ],
        },
      ],
    });
  });

  after(async () => h.close());

  it('asks about the run-as users once, and keeps those of the apps audited', async () => {
    const s = await openSession('runas');
    h.sim.resetLog();
    const audit = await readOrgAudit(s, 'runas');
    expect([...audit.runAsUsers.keys()].sort()).to.deep.equal(['legacy@runas.acme.example', 'svc@runas.acme.example']);
    const sync = audit.audited.find((a) => a.name === 'Sync');
    expect(sync?.facts.runAsUser).to.deep.include({ username: 'svc@runas.acme.example', isActive: true });
    const userQueries = h.sim.requests.filter((r) => /FROM User WHERE Username IN/.test(r.detail ?? ''));
    expect(userQueries.length, JSON.stringify(h.sim.requests.map((r) => r.detail))).to.equal(1);
    // the orphan policy's user was in that one query: it went out before the apps were assembled
    expect(userQueries[0].detail).to.include('orphan@runas.acme.example');
  });
});
