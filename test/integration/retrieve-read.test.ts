/**
 * The retrieve-reading path against simulator orgs: checkRetrieveStatus read as text agrees with
 * jsforce's own reading of the same answer (the one SDR and `sf project retrieve start` use), and
 * OrgAccess.retrieve survives what an org does to a status check: an expired session, a fault.
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { buildEca } from '../../src/domain/build.js';
import { ecaComponents } from '../../src/domain/model.js';
import { retrieveManifest } from '../../src/org/metadataRetrieve.js';
import { OrgAccess } from '../../src/org/orgAccess.js';
import { checkRetrieveStatus } from '../../src/org/retrieveStatus.js';
import { loginOrg } from '../helpers/cliAuth.js';
import { type Harness, startHarness } from '../simulator/harness.js';

const ECA_TYPES = ['ExternalClientApplication', 'ExtlClntAppOauthSettings', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'];

async function startRetrieve(conn: Connection, members: Array<{ type: string; fullName: string }>): Promise<string> {
  const request = { apiVersion: conn.getApiVersion(), singlePackage: true, unpackaged: retrieveManifest(members, '66.0') };
  const { id } = await conn.metadata.retrieve(request as unknown as Parameters<Connection['metadata']['retrieve']>[0]);
  return id;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('reading a retrieve', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({
      orgs: [
        'dev',
        'prod',
        {
          alias: 'mixed',
          users: [{ username: 'admin@mixed.read.acme.example', lastName: 'Admin', profile: 'System Administrator' }],
          components: [
            ...ecaComponents(buildEca({ name: 'A_&_B', contactEmail: 'a@acme.example', apiVersion: 66, template: 'web-app', callbackUrls: ['https://x.acme.example/cb?a=1&b=2'] }).eca),
            { type: 'ConnectedApp', fullName: 'acme__Packaged', namespacePrefix: 'acme', manageableState: 'released', values: { contactEmail: 'a@acme.example', label: 'Packaged <App>' } },
          ],
        },
      ],
    });
  });

  after(async () => h.close());

  for (const alias of ['dev', 'prod', 'mixed']) {
    it(`reads checkRetrieveStatus of ${alias} as jsforce does`, async () => {
      const conn = await h.connection(alias);
      const members = [...ECA_TYPES.map((type) => ({ type, fullName: '*' })), { type: 'ConnectedApp', fullName: '*' }, { type: 'ConnectedApp', fullName: 'No_Such_App' }, { type: 'Settings', fullName: 'ExternalClientApp' }];
      const id = await startRetrieve(conn, members);
      const theirs = (await conn.metadata.checkRetrieveStatus(id)) as unknown as Record<string, unknown> & { fileProperties?: unknown; messages?: unknown };
      const ours = await checkRetrieveStatus(conn, id);
      expect(ours.id).to.equal(theirs.id);
      expect(ours.done).to.equal(theirs.done === true || theirs.done === 'true');
      expect(ours.status).to.equal(theirs.status);
      expect(ours.zip?.toString('base64')).to.equal(theirs.zipFile);
      const fields = ['fileName', 'fullName', 'type', 'id', 'namespacePrefix', 'manageableState', 'createdByName', 'lastModifiedDate'];
      const pick = (p: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(fields.map((f) => [f, p[f] ?? null]));
      const theirProps = asArray(theirs.fileProperties as Array<Record<string, unknown>>).map(pick);
      expect(theirProps.length).to.be.greaterThan(0);
      expect(ours.fileProperties.map(pick)).to.deep.equal(theirProps);
      expect(ours.messages.map((m) => [m.fileName, m.problem])).to.deep.equal(asArray(theirs.messages as Array<Record<string, unknown>>).map((m) => [m.fileName, m.problem]));
      if (alias === 'mixed') {
        expect(ours.fileProperties.some((p) => p.fullName === 'A_&_B')).to.equal(true);
        expect(ours.fileProperties.some((p) => p.fullName === 'acme__Packaged' && p.namespacePrefix === 'acme' && p.manageableState === 'released')).to.equal(true);
      }
    });
  }

  it('calls the Metadata API no higher than the org supports, as SDR does', async () => {
    h.sim.addOrg({
      alias: 'older',
      apiVersion: '60.0',
      users: [{ username: 'admin@older.read.acme.example', lastName: 'Admin', profile: 'System Administrator' }],
      components: ecaComponents(buildEca({ name: 'Older', contactEmail: 'a@acme.example', apiVersion: 60, template: 'web-app', callbackUrls: ['https://x.acme.example/cb'] }).eca),
    });
    await loginOrg(h.home, h.sim, 'older');
    const conn = await h.connection('older');
    conn.setApiVersion('62.0');
    const components = await new OrgAccess(conn, '60.0').retrieve([{ type: 'ExternalClientApplication', fullName: '*' }], { frequencyMs: 20 });
    expect(components.map((c) => c.fullName)).to.deep.equal(['Older']);
    expect(conn.getApiVersion()).to.equal('60.0');
  });

  it('refreshes an expired session during a status check, as jsforce does', async () => {
    const conn = await h.connection('mixed');
    const access = new OrgAccess(conn, '66.0');
    h.sim.faults.set({ expireSession: { match: 'soap:checkRetrieveStatus', count: 1 } });
    try {
      h.sim.resetLog();
      const components = await access.retrieve([{ type: 'ExternalClientApplication', fullName: '*' }], { frequencyMs: 20 });
      expect(components.map((c) => c.fullName)).to.include('A_&_B');
      expect(h.sim.count('oauth:token')).to.be.greaterThan(0);
      expect(h.sim.count('soap:checkRetrieveStatus')).to.equal(2);
    } finally {
      h.sim.faults.set({});
    }
  });

  it('a fault while polling is a MetadataTransferError with the fault; a request limit is named', async () => {
    const conn = await h.connection('dev');
    const access = new OrgAccess(conn, '66.0');
    h.sim.faults.set({ errors: [{ match: 'soap:checkRetrieveStatus', status: 500, count: 10 }] });
    try {
      const err = await access.retrieve([{ type: 'ExternalClientApplication', fullName: '*' }], { frequencyMs: 20 }).then(
        () => expect.fail('should fail'),
        (e: Error) => e
      );
      expect(err.name).to.equal('MetadataTransferError');
      // the fault said once, with the ErrorId support asks for
      expect(err.message, err.message).to.match(/^Metadata API request failed: UNKNOWN_EXCEPTION: An unexpected error occurred\. Please include this ErrorId if you contact support: [\d-]+ \(-?\d+\)$/);
    } finally {
      h.sim.faults.set({});
    }
    h.sim.faults.set({ requestLimit: { match: 'soap:checkRetrieveStatus', count: 10 } });
    try {
      const err = await access.retrieve([{ type: 'ExternalClientApplication', fullName: '*' }], { frequencyMs: 20 }).then(
        () => expect.fail('should fail'),
        (e: Error) => e
      );
      expect(err.name).to.equal('RequestLimitError');
    } finally {
      h.sim.faults.set({});
    }
  });
});
