/**
 * The snapshot folder without an org: what `diff` and `restore` refuse to read (a manifest that is
 * not JSON or breaks its schema, a file the manifest does not list, a changed file), a write that
 * fails leaving nothing behind, and which flags make the two sides of a diff.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ecaComponents } from '../../src/domain/model.js';
import { planSnapshot } from '../../src/domain/snapshot/manifest.js';
import { sidesOf } from '../../src/operations/diff.js';
import { readSnapshotFolder, writeSnapshotFolder } from '../../src/operations/snapshotFolder.js';
import { makeEca, ORG_A } from '../unit/drift/helpers.js';

function plan(): ReturnType<typeof planSnapshot> {
  return planSnapshot({
    org: { id: ORG_A, instanceUrl: 'https://acme.my.salesforce.com', apiVersion: '66.0' },
    createdAt: new Date('2026-07-01T12:00:00Z'),
    createdBy: 'plugin-eca test',
    ecaComponents: [makeEca('Acme_CI'), makeEca('Beta')].flatMap(ecaComponents),
  });
}

async function failure(p: Promise<unknown>): Promise<Error & { actions?: string[] }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  return expect.fail('should have failed');
}

describe('snapshot folder', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'eca-snapshot-folder-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('writes a folder diff and restore read back, apps assembled from their files', async () => {
    const dir = join(work, 'snap');
    await writeSnapshotFolder(dir, plan(), undefined);
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    const read = await readSnapshotFolder(dir);
    expect(read.ecas.map((e) => e.name)).to.deep.equal(['Acme_CI', 'Beta']);
    expect(read.manifest.org.id).to.equal(ORG_A);
    expect(read.vault).to.equal(undefined);
  });

  it('a write that fails leaves nothing behind', async () => {
    const p = plan();
    const broken = { ...p, files: [...p.files, { path: 'source/main/default/externalClientApps', text: 'a file where a folder is' }] };
    const dir = join(work, 'broken');
    await failure(writeSnapshotFolder(dir, broken, undefined));
    expect(() => statSync(dir)).to.throw();
    // an empty folder the user made stays, empty
    const mine = join(work, 'mine');
    mkdirSync(mine);
    await failure(writeSnapshotFolder(mine, broken, undefined));
    expect(readdirSync(mine)).to.deep.equal([]);
  });

  it('refuses a manifest that is not JSON, or that breaks its schema, naming where', async () => {
    const dir = join(work, 'snap');
    await writeSnapshotFolder(dir, plan(), undefined);
    const manifest = join(dir, 'snapshot.json');
    const text = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, '{ not json');
    expect((await failure(readSnapshotFolder(dir))).name).to.equal('SnapshotManifestInvalidError');
    writeFileSync(manifest, text.replace('"formatVersion": 1', '"formatVersion": "one"'));
    const e = await failure(readSnapshotFolder(dir));
    expect(e.name).to.equal('SnapshotManifestInvalidError');
    expect(e.message).to.contain('/formatVersion');
    const missing = await failure(readSnapshotFolder(join(work, 'nowhere')));
    expect(missing.name).to.equal('SnapshotNotFoundError');
  });

  it('refuses a file the manifest does not list, and a file changed since the snapshot', async () => {
    const dir = join(work, 'snap');
    await writeSnapshotFolder(dir, plan(), undefined);
    writeFileSync(join(dir, 'source', 'main', 'default', 'externalClientApps', 'Extra.eca-meta.xml'), '<x/>');
    const extra = await failure(readSnapshotFolder(dir));
    expect(extra.name).to.equal('SnapshotVerificationError');
    expect(extra.message).to.contain('Extra.eca-meta.xml: not in the manifest');
    rmSync(join(dir, 'source', 'main', 'default', 'externalClientApps', 'Extra.eca-meta.xml'));
    const file = join(dir, 'source', 'main', 'default', 'externalClientApps', 'Beta.eca-meta.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Acme CI', 'Someone else'));
    const changed = await failure(readSnapshotFolder(dir));
    expect(changed.message).to.contain('Beta.eca-meta.xml: changed since the snapshot was taken');
  });

  it('makes the two sides of a diff: --snapshot, --source-org, --source-dir first, --target-org always right; exactly two', () => {
    expect(sidesOf({ sourceOrg: 'prod', targetOrg: 'uat' })).to.deep.equal({ left: { kind: 'org', org: 'prod' }, right: { kind: 'org', org: 'uat' } });
    expect(sidesOf({ targetOrg: 'uat', sourceDirs: ['force-app'] })).to.deep.equal({ left: { kind: 'source', dir: 'force-app' }, right: { kind: 'org', org: 'uat' } });
    expect(sidesOf({ sourceOrg: 'prod', snapshots: ['snap'] })).to.deep.equal({ left: { kind: 'snapshot', dir: 'snap' }, right: { kind: 'org', org: 'prod' } });
    expect(sidesOf({ snapshots: ['a', 'b'] })).to.deep.equal({ left: { kind: 'snapshot', dir: 'a' }, right: { kind: 'snapshot', dir: 'b' } });
    expect(() => sidesOf({ targetOrg: 'uat' })).to.throw(/exactly two sides/);
    expect(() => sidesOf({ sourceOrg: 'a', targetOrg: 'b', sourceDirs: ['c'] })).to.throw(/3 were given \(a, c, b\)/);
  });
});
