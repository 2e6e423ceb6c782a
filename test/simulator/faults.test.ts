/**
 * Faults and the request log: expired sessions that the CLI refreshes (REST and SOAP), server
 * errors that jsforce retries, dropped connections, request limits, latency, a deploy that stays
 * InProgress and is canceled, and per-endpoint counters.
 */
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import JSZip from 'jszip';
import { serializeMetadataXml } from '../../src/domain/xml.js';
import { type Harness, startHarness } from './harness.js';

describe('simulator: faults and request log', () => {
  let h: Harness;
  let dev: Connection;

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    dev = await h.connection('dev');
  });
  after(async () => h.close());
  beforeEach(() => {
    h.sim.faults.clear();
    h.sim.resetLog();
  });

  it('counts round trips per endpoint', async () => {
    await dev.query('SELECT Id FROM User');
    await dev.query('SELECT Id FROM Profile');
    await dev.metadata.list([{ type: 'ExternalClientApplication' }]);
    expect(h.sim.count('rest:query')).to.equal(2);
    expect(h.sim.count('soap:listMetadata')).to.equal(1);
    expect(h.sim.count('soap:*')).to.equal(1);
    expect(h.sim.counts()).to.deep.equal({ 'rest:query': 2, 'soap:listMetadata': 1 });
    expect(h.sim.requests[0]).to.include({ method: 'GET', endpoint: 'rest:query', status: 200, org: 'dev', detail: 'SELECT Id FROM User' });
  });

  it('expires the session once; the CLI refreshes and retries (REST)', async () => {
    h.sim.faults.set({ expireSession: { count: 1 } });
    const res = await dev.query<{ Name: string }>('SELECT Name FROM Organization');
    expect(res.records[0].Name).to.equal('Acme Dev');
    // core's refresh also probes ScratchOrgInfo (a 400 INVALID_TYPE means "not a Dev Hub")
    expect(h.sim.requests.map((r) => `${r.endpoint} ${r.status} ${r.detail ?? ''}`.trim())).to.deep.equal([
      'rest:query 401 SELECT Name FROM Organization',
      'oauth:token 200 refresh_token',
      'rest:query 400 SELECT Id FROM ScratchOrgInfo limit 1',
      'rest:query 200 SELECT Name FROM Organization',
    ]);
  });

  it('expires the session once; the CLI refreshes and retries (SOAP fault sf:INVALID_SESSION_ID)', async () => {
    h.sim.faults.set({ expireSession: { match: 'soap:*', count: 1 } });
    const list = await dev.metadata.list([{ type: 'ExternalClientApplication' }]);
    expect(list.map((p) => p.fullName)).to.include('Salesforce_Insights');
    expect(h.sim.requests.map((r) => `${r.endpoint} ${r.status}`)).to.deep.equal(['soap:listMetadata 500', 'oauth:token 200', 'rest:query 400', 'soap:listMetadata 200']);
  });

  it('answers a 500 with Salesforce\'s ErrorId in REST and SOAP, and expired auth that cannot refresh', async () => {
    h.sim.faults.set({ errors: [{ match: 'soap:listMetadata', count: 1 }] });
    const soap = await dev.metadata.list([{ type: 'ExternalClientApplication' }]).then(
      () => undefined,
      (e: Error) => e
    );
    expect(soap?.message).to.match(/An unexpected error occurred\. Please include this ErrorId if you contact support: \d+-\d+ \(-?\d+\)/);
    h.sim.faults.set({ expireSession: {}, refreshRevoked: {} });
    const refused = await dev.query('SELECT Id FROM User').then(
      () => undefined,
      (e: Error) => e
    );
    expect(refused?.message).to.match(/expired access\/refresh token/);
    expect(h.sim.requests.find((r) => r.endpoint === 'oauth:token')?.status).to.equal(400);
    // once the fault is gone the stored refresh token works again
    h.sim.faults.clear();
    expect((await dev.query('SELECT Id FROM User')).totalSize).to.be.greaterThan(0);
  });

  it('makes the org unreachable in process too, and reachable again on the same port', async () => {
    const port = h.sim.port;
    h.sim.faults.set({ unreachable: true });
    await h.sim.settled();
    const down = await fetch(`${h.sim.baseUrl}/services/data`).then(
      () => undefined,
      (e: Error & { cause?: { code?: string } }) => e.cause?.code
    );
    expect(down).to.equal('ECONNREFUSED');
    h.sim.faults.clear();
    await h.sim.settled();
    expect(h.sim.port).to.equal(port);
    expect((await fetch(`${h.sim.baseUrl}/services/data`)).status).to.equal(200);
  });

  it('invalidates every session of an org on demand', async () => {
    expect(h.sim.expireSessions('dev')).to.be.greaterThan(0);
    await dev.query('SELECT Id FROM User');
    expect(h.sim.count('oauth:token')).to.equal(1);
  });

  it('answers 503 a limited number of times (jsforce retries)', async () => {
    h.sim.faults.set({ errors: [{ match: 'rest:query', status: 503, count: 1 }] });
    await dev.query('SELECT Id FROM User');
    expect(h.sim.requests.map((r) => r.status)).to.deep.equal([503, 200]);
  });

  it('drops connections', async () => {
    h.sim.faults.set({ drops: [{ match: '/services/data', count: 1 }] });
    let error: unknown;
    try {
      await fetch(`${h.sim.baseUrl}/services/data`);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    expect((await fetch(`${h.sim.baseUrl}/services/data`)).status).to.equal(200);
  });

  it('answers REQUEST_LIMIT_EXCEEDED', async () => {
    h.sim.faults.set({ requestLimit: { match: 'rest:query', count: 1 } });
    try {
      await dev.query('SELECT Id FROM User');
      expect.fail('expected REQUEST_LIMIT_EXCEEDED');
    } catch (e) {
      expect((e as { errorCode?: string }).errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
    }
  });

  it('adds latency', async () => {
    h.sim.faults.set({ latencyMs: 60 });
    const started = Date.now();
    await dev.query('SELECT Id FROM User');
    expect(Date.now() - started).to.be.at.least(60);
  });

  it('keeps a deploy InProgress until it is canceled, and changes nothing', async () => {
    h.sim.faults.set({ deployInProgress: true });
    const zip = new JSZip();
    zip.file('package.xml', '<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata"><types><members>Held</members><name>ExternalClientApplication</name></types><version>66.0</version></Package>');
    zip.file('externalClientApps/Held.eca', serializeMetadataXml('ExternalClientApplication', { contactEmail: 'a@b.example', distributionState: 'Local', label: 'Held' }));
    const { id } = await dev.metadata.deploy(await zip.generateAsync({ type: 'nodebuffer' }), { singlePackage: true, rollbackOnError: true });
    const status = await dev.metadata.checkDeployStatus(id, true);
    expect(status).to.include({ done: false, status: 'InProgress' });
    await dev.metadata.cancelDeploy(id);
    const canceled = await dev.metadata.checkDeployStatus(id, true);
    expect(canceled).to.include({ done: true, status: 'Canceled', success: false });
    h.sim.faults.clear();
    expect(h.sim.org('dev').component('ExternalClientApplication', 'Held')).to.equal(undefined);
  });
});
