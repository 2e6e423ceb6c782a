/**
 * The simulator's zip writer (retrieve results), read back by JSZip, a reader that shares no code
 * with it: every entry in order with its folders, contents byte for byte, CRC-32 checked; and the
 * event loop gets turns while a large zip is written.
 */
import { expect } from 'chai';
import JSZip from 'jszip';
import { writeZip } from '../../simulator/zipWriter.js';

describe('simulator: zip writer', () => {
  it('writes files that JSZip reads back in order, with their folders, checked by CRC-32', async () => {
    const files = [
      { name: 'unpackaged/package.xml', content: '<?xml version="1.0" encoding="UTF-8"?>\n<Package/>\n' },
      { name: 'unpackaged/externalClientApps/Café_App.eca', content: '<label>Café – ünïcode ✓</label>' },
      { name: 'unpackaged/externalClientApps/Empty.eca', content: '' },
      { name: 'unpackaged/settings/ExternalClientApp.settings', content: Buffer.from('x'.repeat(100_000)) },
    ];
    const zip = await JSZip.loadAsync(await writeZip(files), { checkCRC32: true });
    expect(Object.keys(zip.files)).to.deep.equal([
      'unpackaged/',
      'unpackaged/package.xml',
      'unpackaged/externalClientApps/',
      'unpackaged/externalClientApps/Café_App.eca',
      'unpackaged/externalClientApps/Empty.eca',
      'unpackaged/settings/',
      'unpackaged/settings/ExternalClientApp.settings',
    ]);
    expect(zip.files['unpackaged/'].dir).to.equal(true);
    for (const f of files) {
      const read = await zip.file(f.name)?.async('nodebuffer');
      expect(read?.equals(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8')), f.name).to.equal(true);
    }
  });

  it('lets other work run while a large zip is written', async () => {
    const files = Array.from({ length: 500 }, (_, i) => ({ name: `unpackaged/externalClientApps/App${i}.eca`, content: `<label>App ${i}</label>`.repeat(50) }));
    const order: string[] = [];
    const written = writeZip(files).then(() => order.push('zip'));
    setImmediate(() => order.push('other request'));
    await written;
    expect(order).to.deep.equal(['other request', 'zip']);
  });

  it('refuses more entries than a zip without ZIP64 can hold', async () => {
    const files = Array.from({ length: 0x10000 }, (_, i) => ({ name: `f${i}`, content: '' }));
    let error: unknown;
    await writeZip(files).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/needs ZIP64/);
  });
});
