import { expect } from 'chai';
import JSZip from 'jszip';
import { retrieveManifest } from '../../src/org/metadataRetrieve.js';
import { readRetrievedFiles, zipEntries, ZipFormatError } from '../../src/org/retrieveZip.js';
import { serializeMetadataXml } from '../../src/domain/xml.js';

const header = (label: string): string => serializeMetadataXml('ExternalClientApplication', { contactEmail: 'a@acme.example', distributionState: 'Local', isProtected: false, label });

/** A zip as the Metadata API sends it, written by another library (jszip, as the simulator does). */
async function zipOf(files: Record<string, string>, compression: 'DEFLATE' | 'STORE' = 'DEFLATE'): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression });
}

/**
 * A ZIP64 archive (end of central directory in ZIP64 records, sizes in ZIP64 extra fields), written
 * by Python's zipfile with its ZIP64 limits lowered so that two small files need it:
 *   zipfile.ZIP_FILECOUNT_LIMIT = 1; zipfile.ZIP64_LIMIT = 16
 *   ZipFile(b, 'w', ZIP_DEFLATED): writestr('unpackaged/package.xml', '<Package/>'),
 *   writestr('unpackaged/externalClientApps/Big.eca', <a header labelled Big>)
 * `unzip -t` and Python read it; jszip 3.10 does not.
 */
const ZIP64 =
  'UEsDBBQAAAAIALVTfl04//m4DAAAAAoAAAAWAAAAdW5wYWNrYWdlZC9wYWNrYWdlLnhtbLMJSEzOTkxP1bcDAFBLAwQtAAAACAC1U35dVmi+6f//////////JQAUAHVucGFja2FnZWQvZXh0ZXJuYWxDbGllbnRBcHBzL0JpZy5lY2EBABAApwAAAAAAAACCAAAAAAAAAHWNQQrCMBAA73lFyN1sFBGRNEVFX6APWNO1DaRJaBbp8w14dk5zGcb26xzlh5YacurUVhslKfk8hDR26vm4b46qd8LeVqYlYbzGQInPpcTgkVsjW59qpybmcgKoGYuu77x40j7PsDPmAGYPMzEOyKickA0b8UXRXcJo4afCwt+HE19QSwECFAMUAAAACAC1U35dOP/5uAwAAAAKAAAAFgAAAAAAAAAAAAAAgAEAAAAAdW5wYWNrYWdlZC9wYWNrYWdlLnhtbFBLAQItAy0AAAAIALVTfl1WaL7p//////////8lABwAAAAAAAAAAACAAf////91bnBhY2thZ2VkL2V4dGVybmFsQ2xpZW50QXBwcy9CaWcuZWNhAQAYAKcAAAAAAAAAggAAAAAAAABAAAAAAAAAAFBLBgYsAAAAAAAAAC0ALQAAAAAAAAAAAAIAAAAAAAAAAgAAAAAAAACzAAAAAAAAABkBAAAAAAAAUEsGBwAAAADMAQAAAAAAAAEAAABQSwUGAAAAAAIAAgCzAAAAGQEAAAAA';

function readAll(zip: Buffer): Array<[string, string]> {
  return [...zipEntries(zip)].map((e) => [e.name, e.data.toString('utf8')]);
}

describe('reading a retrieve zip', () => {
  it('reads deflated and stored entries as jszip wrote them, directories left out', async () => {
    const files = { 'unpackaged/package.xml': '<Package/>', 'unpackaged/externalClientApps/A.eca': header('A'), 'unpackaged/empty.txt': '' };
    for (const compression of ['DEFLATE', 'STORE'] as const) {
      const zip = await zipOf(files, compression);
      expect(readAll(zip)).to.deep.equal(Object.entries(files));
    }
    const withFolders = new JSZip();
    withFolders.folder('unpackaged')?.folder('externalClientApps')?.file('A.eca', header('A'));
    expect(readAll(await withFolders.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }))).to.deep.equal([['unpackaged/externalClientApps/A.eca', header('A')]]);
  });

  it('reads a ZIP64 archive', () => {
    const entries = readAll(Buffer.from(ZIP64, 'base64'));
    expect(entries.map(([n]) => n)).to.deep.equal(['unpackaged/package.xml', 'unpackaged/externalClientApps/Big.eca']);
    expect(entries[1][1]).to.contain('<label>Big</label>');
  });

  it('refuses a damaged archive instead of reading less', async () => {
    const zip = await zipOf({ 'unpackaged/externalClientApps/A.eca': header('A') });
    const bad = (b: Buffer): (() => unknown) => () => [...zipEntries(b)];
    expect(bad(zip.subarray(0, zip.length - 10))).to.throw(ZipFormatError, /end of central directory/);
    expect(bad(Buffer.from('not a zip at all, but long enough to hold an end record'))).to.throw(ZipFormatError);
    // flip one byte of the compressed data: inflate fails or the CRC-32 does not match
    const flipped = Buffer.from(zip);
    const name = flipped.indexOf('unpackaged/externalClientApps/A.eca'); // in its local header
    flipped[name + 'unpackaged/externalClientApps/A.eca'.length + flipped.readUInt16LE(name - 2) + 5] ^= 0xff;
    expect(bad(flipped)).to.throw(ZipFormatError, /A\.eca/);
    // a directory that promises one byte more than the entry holds
    const longer = Buffer.from(zip);
    const central = longer.indexOf('unpackaged/externalClientApps/A.eca', name + 1) - 46; // its directory record
    longer.writeUInt32LE(longer.readUInt32LE(central + 24) + 1, central + 24);
    expect(bad(longer)).to.throw(ZipFormatError, /holds \d+ bytes/);
  });

  it('skips what it is not asked for without inflating it', async () => {
    const zip = await zipOf({ 'unpackaged/package.xml': '<Package/>', 'unpackaged/externalClientApps/A.eca': header('A') });
    expect([...zipEntries(zip, (n) => n.endsWith('.eca'))].map((e) => e.name)).to.deep.equal(['unpackaged/externalClientApps/A.eca']);
  });

  it('turns the files into components by path and root, folder by folder', async () => {
    const policies = serializeMetadataXml('ExtlClntAppOauthConfigurablePolicies', { externalClientApplication: 'A', label: 'A_oauthPlcy', permittedUsersPolicyType: 'AllSelfAuthorized' });
    const settings = serializeMetadataXml('ExternalClientAppSettings', { enableConsumerSecretApiAccess: true });
    const zip = await zipOf({
      'unpackaged/package.xml': '<Package/>',
      'unpackaged/externalClientApps/A.eca': header('A'),
      'unpackaged/extlClntAppOauthPolicies/A_oauthPlcy.ecaOauthPlcy': policies,
      'unpackaged/externalClientApps/B.eca': header('B'),
      'unpackaged/settings/ExternalClientApp.settings': settings,
      'unpackaged/externalClientApps/C.eca-meta.xml': header('C'),
    });
    const files = await readRetrievedFiles(zip);
    expect(files.map((f) => [f.path, f.type, f.fullName])).to.deep.equal([
      ['externalClientApps/A.eca', 'ExternalClientApplication', 'A'],
      ['externalClientApps/B.eca', 'ExternalClientApplication', 'B'],
      ['extlClntAppOauthPolicies/A_oauthPlcy.ecaOauthPlcy', 'ExtlClntAppOauthConfigurablePolicies', 'A_oauthPlcy'],
      ['settings/ExternalClientApp.settings', 'ExternalClientAppSettings', 'ExternalClientApp'],
    ]);
    expect(files[0].values).to.deep.equal({ contactEmail: 'a@acme.example', distributionState: 'Local', isProtected: false, label: 'A' });
    expect(files[3].values.enableConsumerSecretApiAccess).to.equal(true);
  });

  it('reads the types asked for first, hands them over before parsing the rest, and gives the same result', async () => {
    const policy = (app: string, user: string): string =>
      serializeMetadataXml('ExtlClntAppOauthConfigurablePolicies', { externalClientApplication: app, label: `${app}_oauthPlcy`, clientCredentialsFlowUser: user });
    const zip = await zipOf({
      'unpackaged/externalClientApps/A.eca': header('A'),
      'unpackaged/extlClntAppOauthPolicies/B_oauthPlcy.ecaOauthPlcy': policy('B', 'b@acme.example'),
      'unpackaged/externalClientApps/B.eca': header('B'),
      'unpackaged/extlClntAppOauthPolicies/A_oauthPlcy.ecaOauthPlcy': policy('A', 'a@acme.example'),
      'unpackaged/connectedApps/Old.connectedApp': '<?xml version="1.0" encoding="UTF-8"?><ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata"><contactEmail>o@acme.example</contactEmail><label>Old</label></ConnectedApp>',
    });
    const seen: string[][] = [];
    const files = await readRetrievedFiles(zip, {
      types: new Set(['ExtlClntAppOauthConfigurablePolicies']),
      then: async (early) => {
        seen.push(early.map((f) => `${f.fullName}:${String(f.values.clientCredentialsFlowUser)}`));
        await Promise.resolve();
      },
    });
    // once, with the policies only, in the order of the result (folder by folder, archive order inside)
    expect(seen).to.deep.equal([['B_oauthPlcy:b@acme.example', 'A_oauthPlcy:a@acme.example']]);
    expect(files.map((f) => f.fullName)).to.deep.equal((await readRetrievedFiles(zip)).map((f) => f.fullName));
    expect(files.map((f) => f.fullName)).to.deep.equal(['A', 'B', 'B_oauthPlcy', 'A_oauthPlcy', 'Old']);
  });

  it('asks for members as package.xml lists them: types by name, members sorted', () => {
    expect(
      retrieveManifest(
        [
          { type: 'ExtlClntAppOauthSettings', fullName: '*' },
          { type: 'ConnectedApp', fullName: 'Zeta' },
          { type: 'ConnectedApp', fullName: 'Alpha' },
          { type: 'ConnectedApp', fullName: 'Alpha' },
        ],
        '66.0'
      )
    ).to.deep.equal({
      types: [
        { members: ['Alpha', 'Zeta'], name: 'ConnectedApp' },
        { members: ['*'], name: 'ExtlClntAppOauthSettings' },
      ],
      version: '66.0',
    });
  });
});
