/**
 * A snapshot of an org's apps: every ECA component (and Connected App) in source format under
 * the snapshot folder, the org's External Client App settings, and `snapshot.json`, the manifest
 * that says what was taken from which org, when, and the SHA-256 of every file.
 *
 * ```text
 * snap/                                   (mode 0700)
 *   snapshot.json                         the manifest (SnapshotManifest)
 *   credentials.vault                     only with --include-credentials (./vault.ts)
 *   source/main/default/externalClientApps/Acme.eca-meta.xml
 *   source/main/default/extlClntAppGlobalOauthSets/Acme_glbloauth.ecaGlblOauth-meta.xml
 *   source/main/default/settings/ExternalClientApp.settings-meta.xml
 * ```
 *
 * The layout is SDR's: a retrieve in source format writes `<output>/main/default/<directory>/
 * <name>.<suffix>-meta.xml` (DEFAULT_PACKAGE_ROOT_SFDX in source-deploy-retrieve), with the
 * folder and suffix of each type from ../components.ts (checked against SDR's registry there).
 *
 * Nothing secret is ever in the manifest or the source files: secret fields (consumerSecret and
 * the others of ../secrets.ts) are taken out of the components before they are written, and the
 * credentials go, sealed, into the vault. The manifest's JSON Schema is
 * schemas/eca-snapshot-manifest.json. Pure: the I/O layer writes `files` and `manifestText`.
 */
import { createHash } from 'node:crypto';
import { CONNECTED_APP, componentByType, sourceFilePath } from '../components.js';
import { assembleEcas, type Component, type ConnectedApp, ecaComponents } from '../model.js';
import { isSecretField } from '../secrets.js';
import { type MetadataValue, type MetadataValues, serializeMetadataXml } from '../xml.js';

export const SNAPSHOT_FORMAT = 'plugin-eca-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'snapshot.json';
export const VAULT_FILE = 'credentials.vault';
/** The folder SDR is given as output; source goes under its main/default. */
export const SOURCE_ROOT = 'source';
export const SOURCE_PACKAGE_ROOT = `${SOURCE_ROOT}/main/default`;

/** The org-wide settings type the snapshot keeps, and its Settings file. */
export const ECA_SETTINGS_TYPE = 'ExternalClientAppSettings';
export const ECA_SETTINGS_NAME = 'ExternalClientApp';

/** One file of the snapshot. */
export type SnapshotFile = {
  /** metadata type: ExternalClientApplication, ExtlClntAppOauthSettings, ..., ConnectedApp, ExternalClientAppSettings */
  type: string;
  fullName: string;
  /**
   * relative to the snapshot folder, "/"-separated
   *
   * @pattern ^source/main/default/[A-Za-z]+/[^/\\]+-meta\.xml$
   */
  path: string;
  /**
   * SHA-256 of the file's bytes, lowercase hex
   *
   * @pattern ^[0-9a-f]{64}$
   */
  sha256: string;
  /**
   * @minimum 0
   * @TJS-type integer
   */
  bytes: number;
};

export type SnapshotApp = {
  /** developer name of the ECA header or the Connected App */
  name: string;
  kind: 'eca' | 'connectedApp';
  /** ECA header distributionState (Local, Packaged), as retrieved */
  distributionState?: string;
  /** header first, then satellites in deploy order */
  components: SnapshotFile[];
};

export type SnapshotOrg = {
  /**
   * 15 or 18 characters
   *
   * @pattern ^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$
   */
  id: string;
  /** @pattern ^https://\S+$ */
  instanceUrl: string;
  /** @pattern ^[1-9][0-9]\.0$ */
  apiVersion: string;
  /** the sandbox name, when the org is a sandbox: its users' names end with ".<sandboxName>" */
  sandboxName?: string;
};

export type SnapshotCredentials =
  | { included: false }
  | {
      included: true;
      /** the vault file, relative to the snapshot folder */
      file: 'credentials.vault';
      /** apps whose consumer key and secret are in the vault (names only) */
      apps: string[];
    };

export type SnapshotManifest = {
  format: 'plugin-eca-snapshot';
  formatVersion: 1;
  /** "plugin-eca 0.1.0" */
  createdBy: string;
  /**
   * ISO 8601, UTC
   *
   * @format date-time
   */
  createdAt: string;
  org: SnapshotOrg;
  /** "source": the folder under which SDR's main/default holds the files */
  sourceRoot: 'source';
  apps: SnapshotApp[];
  /** the org's ExternalClientAppSettings (at most one) */
  settings: SnapshotFile[];
  credentials: SnapshotCredentials;
};

/** A file to write: its path relative to the snapshot folder and its text (UTF-8). */
export type FileToWrite = { readonly path: string; readonly text: string };

/** A value taken out because it is secret; only where, never what. */
export type RemovedSecret = { readonly component: string; readonly field: string };

export type SnapshotProblemNote = { readonly component: string; readonly message: string };

export type SnapshotInput = {
  readonly org: SnapshotOrg;
  readonly createdAt: Date;
  readonly createdBy: string;
  /** every ECA component the retrieve returned */
  readonly ecaComponents: readonly Component[];
  readonly connectedApps?: readonly ConnectedApp[];
  /** the ExternalClientAppSettings component, when retrieved */
  readonly settings?: Component;
  /** apps whose credentials are sealed in the vault; absent: no vault */
  readonly credentialsFor?: readonly string[];
};

export type SnapshotPlan = {
  readonly manifest: SnapshotManifest;
  /** the manifest as written: its SHA-256 binds the vault (vault.ts additional data) */
  readonly manifestText: string;
  readonly manifestSha256: string;
  /** source files, in manifest order */
  readonly files: readonly FileToWrite[];
  readonly removedSecrets: readonly RemovedSecret[];
  /** satellites whose header was not retrieved, or that repeat a part: not in the snapshot */
  readonly skipped: readonly SnapshotProblemNote[];
};

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Where a component's source file goes, relative to the snapshot folder. */
export function snapshotPath(type: string, fullName: string): string {
  if (type === ECA_SETTINGS_TYPE) return `${SOURCE_PACKAGE_ROOT}/settings/${fullName}.settings-meta.xml`;
  const kind = componentByType(type);
  if (!kind) throw new Error(`snapshotPath: ${type} is not an app component type`);
  return `${SOURCE_PACKAGE_ROOT}/${sourceFilePath(kind, fullName)}`;
}

function isValues(v: MetadataValue | undefined): v is MetadataValues {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy without secret fields, and the dotted paths of those removed. */
export function withoutSecrets(values: MetadataValues, path = ''): { values: MetadataValues; removed: string[] } {
  const out: MetadataValues = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const field = path ? `${path}.${key}` : key;
    if (isSecretField(key)) {
      removed.push(field);
      continue;
    }
    if (Array.isArray(value)) {
      out[key] = value.map((item, i) => {
        if (!isValues(item)) return item;
        const inner = withoutSecrets(item, `${field}[${i}]`);
        removed.push(...inner.removed);
        return inner.values;
      });
    } else if (isValues(value)) {
      const inner = withoutSecrets(value, field);
      removed.push(...inner.removed);
      out[key] = inner.values;
    } else {
      out[key] = value;
    }
  }
  return { values: out, removed };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class Writer {
  public readonly files: FileToWrite[] = [];
  public readonly removedSecrets: RemovedSecret[] = [];

  public add(c: Pick<Component, 'type' | 'fullName' | 'values'>): SnapshotFile {
    const { values, removed } = withoutSecrets(c.values);
    for (const field of removed) this.removedSecrets.push({ component: `${c.type}:${c.fullName}`, field });
    const text = serializeMetadataXml(c.type, values);
    const path = snapshotPath(c.type, c.fullName);
    this.files.push({ path, text });
    const bytes = Buffer.byteLength(text, 'utf8');
    return { type: c.type, fullName: c.fullName, path, sha256: sha256Hex(text), bytes };
  }
}

/** The manifest as written to snapshot.json: two-space JSON and a final newline. */
export function manifestText(manifest: SnapshotManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Everything a snapshot writes, from what the org returned: the source files (secrets taken
 * out), the manifest and its hash. Apps come sorted by name, each header first.
 */
export function planSnapshot(input: SnapshotInput): SnapshotPlan {
  const w = new Writer();
  const { ecas, orphans, duplicates } = assembleEcas(input.ecaComponents);
  const skipped: SnapshotProblemNote[] = [
    ...orphans.map((c) => ({ component: `${c.type}:${c.fullName}`, message: `its app "${String(c.values.externalClientApplication)}" was not retrieved` })),
    ...duplicates.map((c) => ({ component: `${c.type}:${c.fullName}`, message: `a second ${c.type} for app "${String(c.values.externalClientApplication)}"` })),
  ];
  const apps: SnapshotApp[] = ecas.map((eca) => {
    const state = eca.parts.header?.values.distributionState;
    return {
      name: eca.name,
      kind: 'eca',
      ...(typeof state === 'string' ? { distributionState: state } : {}),
      components: ecaComponents(eca).map((c) => w.add(c)),
    };
  });
  for (const ca of [...(input.connectedApps ?? [])].sort((a, b) => compareText(a.fullName, b.fullName))) {
    apps.push({ name: ca.fullName, kind: 'connectedApp', components: [w.add({ type: CONNECTED_APP.type, fullName: ca.fullName, values: ca.values })] });
  }
  const settings = input.settings ? [w.add({ type: ECA_SETTINGS_TYPE, fullName: ECA_SETTINGS_NAME, values: input.settings.values })] : [];
  const credentialsFor = input.credentialsFor ? [...new Set(input.credentialsFor)].sort(compareText) : undefined;
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    createdBy: input.createdBy,
    createdAt: input.createdAt.toISOString(),
    org: { ...input.org },
    sourceRoot: SOURCE_ROOT,
    apps,
    settings,
    credentials: credentialsFor ? { included: true, file: VAULT_FILE, apps: credentialsFor } : { included: false },
  };
  const text = manifestText(manifest);
  return { manifest, manifestText: text, manifestSha256: sha256Hex(text), files: w.files, removedSecrets: w.removedSecrets, skipped };
}

/** Every file the manifest lists, apps first. */
export function manifestFiles(manifest: SnapshotManifest): SnapshotFile[] {
  return [...manifest.apps.flatMap((a) => a.components), ...manifest.settings];
}
