/**
 * The simulator's own zip writer, for retrieve results: each file deflated by node's zlib (native),
 * a few files per turn of the event loop, so the simulator goes on answering other requests while
 * a retrieve's zip is written, as Salesforce's API does while a retrieve job runs on its own
 * servers (the Metadata API's retrieve() is asynchronous: retrieve returns an id,
 * checkRetrieveStatus the zip).
 *
 * JSZip wrote these zips before; its deflate runs in JavaScript (0.7 to 1.25 s for a 1,000-app org
 * here, against 0.2 s for zlib), so the time a retrieve took was mostly the simulator's own and
 * varied with what else its process did. zlib on libuv's thread pool (one job per file) was slower
 * still: 2.4 s for 5,000 small files, as each job sets up its own deflate state. JSZip still reads
 * deploy zips (deploy.ts).
 *
 * The layout is the one JSZip wrote: a folder entry before the first file of each folder, then
 * local header and deflated data per file (sizes and CRC-32 in the local header, no data
 * descriptors), the central directory, and the end record. No ZIP64: a retrieve holds at most
 * 10,000 files (the Metadata API's limit), far below the 65,535 entries and 4 GB of a plain zip.
 */
import * as zlib from 'node:zlib';

/** Files deflated between two turns of the event loop (a few milliseconds of work). */
const FILES_PER_TURN = 50;

export type ZipFile = { name: string; content: string | Buffer };

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const VERSION = 20;
/** bit 11: names are UTF-8 */
const UTF8 = 0x0800;
const STORED = 0;
const DEFLATED = 8;

/** MS-DOS time and date of `d` (local time, two-second steps), as zip headers hold them. */
function dosDateTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

type Entry = { name: Buffer; folder: boolean; crc: number; size: number; data: Buffer; offset: number };

/** A zip of `files`, in their order, each under a folder entry for every folder above it. */
export async function writeZip(files: readonly ZipFile[], when = new Date()): Promise<Buffer> {
  const names: Array<{ name: string; content?: Buffer }> = [];
  const folders = new Set<string>();
  for (const f of files) {
    const parts = f.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join('/')}/`;
      if (folders.has(folder)) continue;
      folders.add(folder);
      names.push({ name: folder });
    }
    names.push({ name: f.name, content: Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8') });
  }
  if (names.length > 0xffff) throw new Error(`a zip of ${names.length} entries needs ZIP64, which this writer does not write`);
  const entries: Entry[] = [];
  for (const { name, content } of names) {
    if (entries.length % FILES_PER_TURN === FILES_PER_TURN - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    const data = content ? zlib.deflateRawSync(content) : Buffer.alloc(0);
    // CRC-32: zlib's own (node 20.15 and 22.2 on; the project needs 22)
    entries.push({ name: Buffer.from(name, 'utf8'), folder: !content, crc: content ? zlib.crc32(content) >>> 0 : 0, size: content?.length ?? 0, data, offset: 0 });
  }
  const { time, date } = dosDateTime(when);
  const header = (e: Entry, central: boolean): Buffer => {
    const b = Buffer.alloc(central ? 46 : 30);
    let at = 0;
    const u16 = (v: number): void => void (at = b.writeUInt16LE(v, at));
    const u32 = (v: number): void => void (at = b.writeUInt32LE(v >>> 0, at));
    u32(central ? CENTRAL : LOCAL);
    if (central) u16(VERSION);
    u16(VERSION);
    u16(UTF8);
    u16(e.folder ? STORED : DEFLATED);
    u16(time);
    u16(date);
    u32(e.crc);
    u32(e.data.length);
    u32(e.size);
    u16(e.name.length);
    u16(0); // extra field
    if (central) {
      u16(0); // comment
      u16(0); // disk
      u16(0); // internal attributes
      u32(e.folder ? 0x10 : 0); // MS-DOS directory attribute
      u32(e.offset);
    }
    return b;
  };
  const parts: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    e.offset = offset;
    const local = header(e, false);
    parts.push(local, e.name, e.data);
    offset += local.length + e.name.length + e.data.length;
  }
  const centralStart = offset;
  for (const e of entries) {
    const central = header(e, true);
    parts.push(central, e.name);
    offset += central.length + e.name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(offset - centralStart, 12);
  end.writeUInt32LE(centralStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}
