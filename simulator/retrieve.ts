/**
 * A Metadata API retrieve: the members asked for (or `*`), written in MDAPI layout with
 * the simulator's own XML writer, zipped with their package.xml, and the fileProperties Salesforce reports.
 */
import { schemaFor } from './metadata/schema.js';
import { writeMetadataXml } from './metadata/xml.js';
import { valuesForRead } from './metadataView.js';
import { buildManifest } from './packageXml.js';
import { objects, text, texts, bool, type SoapObject } from './soap.js';
import type { OrgState, StoredComponent } from './store.js';
import { writeZip, type ZipFile } from './zipWriter.js';

export type FileProperties = {
  createdById: string;
  createdByName: string;
  createdDate: string;
  fileName: string;
  fullName: string;
  id: string;
  lastModifiedById: string;
  lastModifiedByName: string;
  lastModifiedDate: string;
  manageableState?: string;
  namespacePrefix?: string;
  type: string;
};

export type RetrieveOutcome = {
  zipFile: string;
  fileProperties: FileProperties[];
  messages: Array<{ fileName: string; problem: string }>;
};

export type RetrieveRequest = {
  apiVersion: string;
  singlePackage: boolean;
  types: Array<{ name: string; members: string[] }>;
};

export function readRetrieveRequest(request: SoapObject, fallbackVersion: string): RetrieveRequest {
  const unpackaged = objects(request.unpackaged)[0] ?? {};
  return {
    apiVersion: text(request.apiVersion) ?? text(unpackaged.version) ?? fallbackVersion,
    singlePackage: bool(request.singlePackage, false),
    types: objects(unpackaged.types).map((t) => ({ name: text(t.name) ?? '', members: texts(t.members) })),
  };
}

function userName(org: OrgState, id: string): string {
  const u = org.user(id);
  return u ? [u.firstName, u.lastName].filter((s) => s !== '').join(' ') : 'Automated Process';
}

/** FileProperties of a stored component; `prefix` is "unpackaged/" in a retrieve, "" in listMetadata. */
export function fileProperties(org: OrgState, c: StoredComponent, prefix: string): FileProperties {
  return {
    createdById: c.createdById,
    createdByName: userName(org, c.createdById),
    createdDate: c.createdDate,
    fileName: prefix + c.fileName,
    fullName: c.fullName,
    id: c.id,
    lastModifiedById: c.lastModifiedById,
    lastModifiedByName: userName(org, c.lastModifiedById),
    lastModifiedDate: c.lastModifiedDate,
    manageableState: c.manageableState,
    ...(c.namespacePrefix ? { namespacePrefix: c.namespacePrefix } : {}),
    type: c.type,
  };
}

function fileContent(org: OrgState, c: StoredComponent, apiVersion: number): string {
  return c.content ?? writeMetadataXml(schemaFor(apiVersion), c.type, valuesForRead(org, c, apiVersion));
}

export async function runRetrieve(org: OrgState, req: RetrieveRequest): Promise<RetrieveOutcome> {
  const prefix = req.singlePackage ? '' : 'unpackaged/';
  const apiVersion = Number.parseFloat(req.apiVersion);
  const found: StoredComponent[] = [];
  const messages: RetrieveOutcome['messages'] = [];
  // Settings are one file per settings name; the org's ECA settings are the only ones modelled
  const settingsFiles: Array<{ fileName: string; fullName: string; content: string }> = [];
  for (const t of req.types.filter((x) => x.name === 'Settings')) {
    for (const member of t.members) {
      if (member === 'ExternalClientApp' || member === '*') {
        settingsFiles.push({
          fileName: 'settings/ExternalClientApp.settings',
          fullName: 'ExternalClientApp',
          content: writeMetadataXml(schemaFor(apiVersion), 'ExternalClientAppSettings', {
            enableClientSecretInRestApiAccess: org.settings.enableClientSecretInRestApiAccess,
            enableConsumerSecretApiAccess: org.settings.enableConsumerSecretApiAccess,
            enablePackageEcaOauthFromDevOrg: org.settings.enablePackageEcaOauthFromDevOrg,
          }),
        });
      } else {
        messages.push({ fileName: `${prefix}package.xml`, problem: `Entity of type 'Settings' named '${member}' cannot be found` });
      }
    }
  }
  for (const t of req.types.filter((x) => x.name !== 'Settings')) {
    for (const member of t.members) {
      if (member === '*') {
        // a wildcard retrieves the org's own components, not those installed from packages
        found.push(...org.componentsOf(t.name).filter((c) => c.manageableState !== 'installed'));
        continue;
      }
      const c = org.component(t.name, member);
      if (c) found.push(c);
      else messages.push({ fileName: `${prefix}package.xml`, problem: `Entity of type '${t.name}' named '${member}' cannot be found` });
    }
  }
  const unique = [...new Map(found.map((c) => [`${c.type}:${c.fullName}`, c])).values()];
  const manifestTypes = new Map<string, string[]>();
  for (const c of unique) manifestTypes.set(c.type, [...(manifestTypes.get(c.type) ?? []), c.fullName]);
  if (settingsFiles.length) manifestTypes.set('Settings', settingsFiles.map((f) => f.fullName));
  const manifest = buildManifest(manifestTypes, req.apiVersion);
  const files: ZipFile[] = [
    { name: `${prefix}package.xml`, content: manifest },
    ...unique.map((c) => ({ name: prefix + c.fileName, content: fileContent(org, c, apiVersion) })),
    ...settingsFiles.map((f) => ({ name: prefix + f.fileName, content: f.content })),
  ];
  const now = new Date().toISOString();
  const admin = org.user(org.cliUsername);
  const packageProps: FileProperties = {
    createdById: admin?.id ?? '',
    createdByName: admin ? userName(org, admin.id) : '',
    createdDate: now,
    fileName: `${prefix}package.xml`,
    fullName: `${prefix}package.xml`,
    id: '',
    lastModifiedById: admin?.id ?? '',
    lastModifiedByName: admin ? userName(org, admin.id) : '',
    lastModifiedDate: now,
    manageableState: 'unmanaged',
    type: 'Package',
  };
  const buffer = await writeZip(files);
  return {
    zipFile: buffer.toString('base64'),
    fileProperties: [
      ...unique.map((c) => fileProperties(org, c, prefix)),
      ...settingsFiles.map((f) => ({ ...packageProps, fileName: prefix + f.fileName, fullName: f.fullName, type: 'Settings' })),
      packageProps,
    ],
    messages,
  };
}
