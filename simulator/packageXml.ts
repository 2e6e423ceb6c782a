/** package.xml (and destructiveChanges.xml): the manifest of a deploy or retrieve. */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from './soap.js';

export type ManifestType = { name: string; members: string[] };
export type Manifest = { types: ManifestType[]; version?: string };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'types' || name === 'members',
});

type RawManifest = { Package?: { types?: Array<{ name?: string; members?: string[] }>; version?: string } };

/** Reads a manifest; throws when it is not one. */
export function parseManifest(xml: string): Manifest {
  const doc = parser.parse(xml) as RawManifest;
  if (!doc.Package) throw new Error('root element is not Package');
  const types = (doc.Package.types ?? []).map((t) => ({ name: String(t.name ?? ''), members: (t.members ?? []).map(String) }));
  return { types, version: doc.Package.version };
}

export function buildManifest(types: ReadonlyMap<string, readonly string[]>, version: string): string {
  const body = [...types.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => `    <types>\n${[...members].sort().map((m) => `        <members>${escapeXml(m)}</members>\n`).join('')}        <name>${escapeXml(name)}</name>\n    </types>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}    <version>${escapeXml(version)}</version>\n</Package>\n`;
}
