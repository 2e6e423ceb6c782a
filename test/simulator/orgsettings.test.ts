/**
 * The org's External Client App settings as metadata (Settings:ExternalClientApp, the
 * ExternalClientAppSettings type): deployed through SDR and judged by the XSD of the deploy's API
 * version, retrieved back, and a fault that makes the restoring deploy fail after the first one
 * passed (a command that turns REST secret access on, then off again in a finally).
 */
import { readFileSync } from 'node:fs';
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { deploySource, type Harness, removeDir, retrieveInto, startHarness, writeSourceProject } from './harness.js';

const settingsFile = (body: string): Record<string, string> => ({
  'settings/ExternalClientApp.settings-meta.xml': `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientAppSettings xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</ExternalClientAppSettings>\n`,
});

describe('simulator: org settings (Settings:ExternalClientApp)', () => {
  let h: Harness;
  let dev: Connection;
  const dirs: string[] = [];
  const project = (body: string): string => {
    const dir = writeSourceProject([], settingsFile(body));
    dirs.push(dir);
    return dir;
  };

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    dev = await h.connection('dev');
  });
  after(async () => {
    dirs.forEach(removeDir);
    await h.close();
  });
  afterEach(() => h.sim.faults.clear());

  it('turns REST secret access on and off by deploy, and retrieves the settings as they are', async () => {
    const org = h.sim.org('dev');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);
    const on = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>true</enableClientSecretInRestApiAccess>'));
    expect(on.response.status).to.equal('Succeeded');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(true);
    // a field the file does not state keeps its value
    expect(org.settings.enableConsumerSecretApiAccess).to.equal(false);
    const out = project('');
    const retrieved = await retrieveInto(dev, out, [{ type: 'Settings', fullName: 'ExternalClientApp' }]);
    const file = retrieved.getFileResponses().find((f) => f.fullName === 'ExternalClientApp')?.filePath ?? '';
    expect(file).to.match(/ExternalClientApp\.settings-meta\.xml$/);
    const xml = readFileSync(file, 'utf8');
    expect(xml).to.contain('<enableClientSecretInRestApiAccess>true</enableClientSecretInRestApiAccess>');
    const off = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>false</enableClientSecretInRestApiAccess>'));
    expect(off.response.status).to.equal('Succeeded');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);
  });

  it('judges the settings file by the XSD: a wrong value or an unknown element fails and changes nothing', async () => {
    const org = h.sim.org('dev');
    const bad = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>yes</enableClientSecretInRestApiAccess>'));
    expect(bad.response.status).to.equal('Failed');
    expect(bad.getFileResponses().find((f) => f.state === 'Failed')?.error).to.contain("'yes' is not a valid value for the type xsd:boolean");
    const unknown = await deploySource(dev, project('    <enableEverything>true</enableEverything>'));
    expect(unknown.response.status).to.equal('Failed');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);
  });

  it('fails the restoring deploy midway: commit-failure:skip=1,type=Settings lets the first settings deploy pass', async () => {
    const org = h.sim.org('dev');
    h.sim.faults.set({ commitFailure: { skip: 1, type: 'Settings' } });
    const on = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>true</enableClientSecretInRestApiAccess>'));
    expect(on.response.status).to.equal('Succeeded');
    const restore = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>false</enableClientSecretInRestApiAccess>'));
    expect(restore.response.status).to.equal('Failed');
    expect(restore.getFileResponses().find((f) => f.state === 'Failed')?.error).to.contain('UNABLE_TO_LOCK_ROW');
    // the setting stays on: the command must say so
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(true);
    const again = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>false</enableClientSecretInRestApiAccess>'));
    expect(again.response.status).to.equal('Succeeded');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);
  });

  it('answers the second deploy call with a 500 under error:match=soap:deploy,skip=1', async () => {
    h.sim.faults.set({ errors: [{ match: 'soap:deploy', skip: 1, count: 1 }] });
    const first = await deploySource(dev, project('    <enableClientSecretInRestApiAccess>true</enableClientSecretInRestApiAccess>'));
    expect(first.response.status).to.equal('Succeeded');
    let failed: unknown;
    try {
      await deploySource(dev, project('    <enableClientSecretInRestApiAccess>false</enableClientSecretInRestApiAccess>'));
    } catch (e) {
      failed = e;
    }
    expect(String(failed)).to.contain('UNKNOWN_EXCEPTION');
    expect(h.sim.org('dev').settings.enableClientSecretInRestApiAccess).to.equal(true);
  });
});
