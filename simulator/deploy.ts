/**
 * A Metadata API deploy against one org: read the zip, judge every file the way Salesforce does
 * (well-formedness and the XSD of the deploy's API version through libxml2, with line and column,
 * then the platform rules), and apply the whole set only when nothing failed (or, with
 * rollbackOnError false, the parts that passed). Creating an ECA's OAuth settings generates its
 * consumer key and secret, and the default OAuth and app policies the deploy lacks.
 */
import JSZip from 'jszip';
import { isModeled, memberOfPath } from './metadata/components.js';
import { schemaFor } from './metadata/schema.js';
import type { MetadataValues } from './metadata/values.js';
import { filterForVersion } from './metadata/xml.js';
import { readPermissionSet, type PermissionSetFile } from './metadata/permissionSet.js';
import { judgeFile, type Position } from './metadata/xsd.js';
import { consumerKey, consumerSecret } from './ids.js';
import { type Manifest, parseManifest } from './packageXml.js';
import { defaultPolicies, platformProblems, type Incoming } from './platformRules.js';
import { bool, type SoapObject } from './soap.js';
import {
  componentKey,
  CONNECTED_APP_TYPE,
  credentialsOwner,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  mdapiPath,
  type OrgState,
  type Registry,
  takeSecrets,
  type UserRecord,
} from './store.js';

export type DeployOptions = {
  checkOnly: boolean;
  rollbackOnError: boolean;
  singlePackage: boolean;
  ignoreWarnings: boolean;
  purgeOnDelete: boolean;
};

export function readDeployOptions(o: SoapObject): DeployOptions {
  return {
    checkOnly: bool(o.checkOnly, false),
    rollbackOnError: bool(o.rollbackOnError, true),
    singlePackage: bool(o.singlePackage, false),
    ignoreWarnings: bool(o.ignoreWarnings, false),
    purgeOnDelete: bool(o.purgeOnDelete, false),
  };
}

export type DeployMessage = {
  changed: boolean;
  columnNumber?: number;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  lineNumber?: number;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
};

export type DeployOutcome = {
  status: 'Succeeded' | 'SucceededPartial' | 'Failed';
  successes: DeployMessage[];
  failures: DeployMessage[];
  numberComponentsTotal: number;
  numberComponentsDeployed: number;
  numberComponentErrors: number;
  errorMessage?: string;
  errorStatusCode?: string;
};

/** The files of a deploy zip, by path. */
export type DeployFiles = ReadonlyMap<string, string>;

export async function readDeployZip(base64: string): Promise<DeployFiles> {
  const zip = await JSZip.loadAsync(Buffer.from(base64, 'base64'));
  const files = new Map<string, string>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) files.set(entry.name.replace(/^\.\//, ''), await entry.async('string'));
  }
  return files;
}

type Candidate = {
  /** the package folder inside the zip: "" or "unpackaged/" */
  root: string;
  type: string;
  fullName: string;
  fileName: string;
  content?: string;
  /** the file's values, once it passed the XSD (types the simulator models) */
  values?: MetadataValues;
  positions: ReadonlyMap<string, Position>;
  failure?: { problem: string; line?: number; column?: number };
  /** a PermissionSet file's fields */
  permissionSet?: PermissionSetFile;
};

type Deletion = { type: string; fullName: string; fileName: string };

const MANIFESTS = ['package.xml', 'destructiveChanges.xml', 'destructiveChangesPre.xml', 'destructiveChangesPost.xml'];

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

function positionOf(positions: ReadonlyMap<string, Position>, field: string | undefined): Position {
  return (field ? positions.get(field.split('.')[0]) : undefined) ?? {};
}

/** The file of a member: the MDAPI path the registry gives (modeled types), else the file named after it. */
function findFile(files: DeployFiles, root: string, type: string, fullName: string): string | undefined {
  const known = isModeled(type) ? mdapiPath(type, fullName) : undefined;
  if (known) return files.has(root + known) ? root + known : undefined;
  return [...files.keys()].find((p) => p.startsWith(root) && !p.endsWith('-meta.xml') && baseName(p).replace(/\.[^.]+$/, '') === fullName.split('/').pop());
}

/** Every member of the manifest, `*` expanded to the files of that type in the package. */
function members(files: DeployFiles, root: string, manifest: Manifest): Array<{ type: string; fullName: string }> {
  const out: Array<{ type: string; fullName: string }> = [];
  for (const t of manifest.types) {
    for (const m of t.members) {
      if (m !== '*') {
        out.push({ type: t.name, fullName: m });
        continue;
      }
      for (const path of files.keys()) {
        const name = path.startsWith(root) ? memberOfPath(t.name, path.slice(root.length)) : undefined;
        if (name) out.push({ type: t.name, fullName: name });
      }
    }
  }
  return out;
}

/** The org settings the simulator models: Settings member ExternalClientApp (ExternalClientAppSettings). */
export const ECA_SETTINGS_MEMBER = 'ExternalClientApp';

/** Judges one file through the XSD engine; types the simulator does not model are taken as they are. */
function checkFile(c: Candidate, apiVersion: number): void {
  if (c.content === undefined) return;
  if (c.type === 'PermissionSet') {
    const read = readPermissionSet(c.content);
    if (!read.ok) c.failure = { problem: read.problem, line: read.line };
    else c.permissionSet = read.file;
    return;
  }
  if (!isModeled(c.type) && !(c.type === 'Settings' && c.fullName === ECA_SETTINGS_MEMBER)) return;
  const verdict = judgeFile(c.content, apiVersion);
  if (!verdict.ok) {
    const { problem, line, column } = verdict.finding;
    c.failure = { problem, line, column };
    return;
  }
  // a Settings member's file has the root element <Name>Settings
  const expected = c.type === 'Settings' ? `${c.fullName}Settings` : c.type;
  if (verdict.type !== expected) {
    // a file whose root element is another type than the manifest says (wording UNCONFIRMED)
    c.failure = { problem: `Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}${verdict.type} invalid at this location`, line: 2, column: 1 };
    return;
  }
  c.values = verdict.values;
  c.positions = verdict.positions;
}

/** Whether a deployed ExternalClientAppSettings file changes the org's settings. */
function settingsChange(org: OrgState, values: MetadataValues): boolean {
  return (['enableClientSecretInRestApiAccess', 'enableConsumerSecretApiAccess', 'enablePackageEcaOauthFromDevOrg'] as const).some(
    (f) => typeof values[f] === 'boolean' && values[f] !== org.settings[f]
  );
}

function sameValues(a: MetadataValues, b: MetadataValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export type DeployContext = { registry: Registry; org: OrgState; user: UserRecord; apiVersion: number };

export class Deployment {
  private readonly candidates: Candidate[] = [];
  private readonly deletions: Deletion[] = [];
  private readonly now = new Date().toISOString();
  private manifestError?: string;

  public constructor(
    private readonly ctx: DeployContext,
    private readonly files: DeployFiles,
    private readonly options: DeployOptions,
    /** the commitFailure fault, asked with the deploy's types: the commit fails after every check passed */
    private readonly commitFailure?: (types: readonly string[]) => string | undefined
  ) {
    this.collect();
  }

  /** Checks everything, applies what it may, and reports as checkDeployStatus does. */
  public run(): DeployOutcome {
    if (this.manifestError) {
      return { status: 'Failed', successes: [], failures: [], numberComponentsTotal: 0, numberComponentsDeployed: 0, numberComponentErrors: 0, errorMessage: this.manifestError, errorStatusCode: 'UNKNOWN_EXCEPTION' };
    }
    const { org, registry, apiVersion } = this.ctx;
    for (const c of this.candidates) checkFile(c, apiVersion);
    const valid: Incoming[] = this.candidates.filter((c) => !c.failure && c.values).map((c) => ({ type: c.type, fullName: c.fullName, values: c.values as MetadataValues }));
    const byKey = new Map(this.candidates.map((c) => [componentKey(c.type, c.fullName), c]));
    const deployedPermissionSets = new Set(this.candidates.filter((c) => c.permissionSet && !c.failure).map((c) => c.fullName));
    for (const p of platformProblems(registry, org, valid, apiVersion, deployedPermissionSets)) {
      const c = byKey.get(p.key);
      if (c && !c.failure) c.failure = { problem: p.problem, ...positionOf(c.positions, p.field) };
    }
    const commitProblem =
      this.commitFailure && this.candidates.length && this.candidates.every((c) => !c.failure) ? this.commitFailure([...new Set(this.candidates.map((c) => c.type))]) : undefined;
    if (commitProblem) {
      // Salesforce reports a commit failure on the component it was writing: the last one
      this.candidates[this.candidates.length - 1].failure = { problem: commitProblem };
    }
    const failed = this.candidates.filter((c) => c.failure);
    const passed = this.candidates.filter((c) => !c.failure);
    const apply = !this.options.checkOnly && (failed.length === 0 || !this.options.rollbackOnError);
    const successes: DeployMessage[] = [
      { changed: true, componentType: '', created: false, createdDate: this.now, deleted: false, fileName: 'package.xml', fullName: 'package.xml', success: true },
    ];
    for (const c of passed) successes.push(apply ? this.applyOne(c) : this.preview(c));
    for (const d of this.deletions) successes.push(this.deleteOne(d, apply && failed.length === 0));
    if (apply) this.generateDefaults(passed);
    const failures = failed.map((c): DeployMessage => {
      const f = c.failure as NonNullable<Candidate['failure']>;
      return {
        changed: false,
        columnNumber: f.column,
        componentType: c.type,
        created: false,
        createdDate: this.now,
        deleted: false,
        fileName: c.fileName,
        fullName: c.fullName,
        lineNumber: f.line,
        problem: f.problem,
        problemType: 'Error',
        success: false,
      };
    });
    const status = failed.length === 0 ? 'Succeeded' : !this.options.rollbackOnError && passed.length > 0 ? 'SucceededPartial' : 'Failed';
    return {
      status,
      successes,
      failures,
      numberComponentsTotal: this.candidates.length + this.deletions.length,
      numberComponentsDeployed: passed.length + this.deletions.length,
      numberComponentErrors: failed.length,
    };
  }

  private collect(): void {
    const roots = [...this.files.keys()].filter((p) => baseName(p) === 'package.xml').map((p) => p.slice(0, -'package.xml'.length));
    const usable = this.options.singlePackage ? roots.filter((r) => r === '') : roots.filter((r) => r === '' || /^[^/]+\/$/.test(r));
    if (usable.length === 0) {
      this.manifestError = this.options.singlePackage && roots.length > 0 ? 'Single package deploy must have package.xml at the root of the zip file' : 'No package.xml found';
      return;
    }
    for (const root of usable) {
      let manifest: Manifest;
      try {
        manifest = parseManifest(this.files.get(`${root}package.xml`) ?? '');
      } catch (e) {
        this.manifestError = `Error parsing file: ${root}package.xml: ${e instanceof Error ? e.message : String(e)}`;
        return;
      }
      for (const m of members(this.files, root, manifest)) {
        const file = findFile(this.files, root, m.type, m.fullName);
        const fileName = file ?? `${root}${mdapiPath(m.type, m.fullName) ?? `${m.type}/${m.fullName}`}`;
        const c: Candidate = { ...m, root, fileName, content: file ? this.files.get(file) : undefined, positions: new Map() };
        if (!file) c.failure = { problem: `An object '${m.fullName}' of type ${m.type} was named in package.xml, but was not found in zipped directory` };
        this.candidates.push(c);
      }
      for (const name of MANIFESTS.slice(1)) {
        const xml = this.files.get(root + name);
        if (!xml) continue;
        let destructive: Manifest;
        try {
          destructive = parseManifest(xml);
        } catch (e) {
          this.manifestError = `Error parsing file: ${root}${name}: ${e instanceof Error ? e.message : String(e)}`;
          return;
        }
        for (const t of destructive.types) {
          for (const fullName of t.members) this.deletions.push({ type: t.name, fullName, fileName: root + name });
        }
      }
    }
  }

  private preview(c: Candidate): DeployMessage {
    if (c.type === 'Settings' && c.values) return this.message(c, undefined, false, settingsChange(this.ctx.org, c.values));
    const existing = this.ctx.org.component(c.type, c.fullName);
    const values = takeSecrets(c.type, c.values ?? {}).values;
    return this.message(c, existing?.id, !existing, existing !== undefined && !sameValues(existing.values, values));
  }

  private message(c: Candidate, id: string | undefined, created: boolean, changed: boolean): DeployMessage {
    return { changed, componentType: c.type, created, createdDate: this.now, deleted: false, fileName: c.fileName, fullName: c.fullName, id, success: true };
  }

  private applyOne(c: Candidate): DeployMessage {
    const { org, user } = this.ctx;
    if (c.type === 'Settings' && c.values) {
      // the org's ExternalClientAppSettings: only the fields the file states change
      const changed = settingsChange(org, c.values);
      for (const f of ['enableClientSecretInRestApiAccess', 'enableConsumerSecretApiAccess', 'enablePackageEcaOauthFromDevOrg'] as const) {
        if (typeof c.values[f] === 'boolean') org.settings[f] = c.values[f];
      }
      return this.message(c, undefined, false, changed);
    }
    const existing = org.component(c.type, c.fullName);
    if (!c.values) {
      const stored = org.putComponent(c.type, c.fullName, {}, user.id, { content: c.content, fileName: c.fileName.slice(c.root.length) });
      if (c.permissionSet) {
        const ps = org.upsertPermissionSet(c.fullName, c.permissionSet);
        stored.id = ps.id;
      }
      return this.message(c, stored.id, !existing, existing?.content !== c.content);
    }
    const raw = c.values;
    const { values: stripped, key, secret } = takeSecrets(c.type, raw);
    const values: MetadataValues = { ...stripped };
    const owner = credentialsOwner(c.type, raw, c.fullName);
    if (owner && (c.type === GLOBAL_OAUTH_TYPE || (c.type === CONNECTED_APP_TYPE && raw.oauthConfig !== undefined))) {
      const rotateKey = values.shouldRotateConsumerKey === true;
      const rotateSecret = values.shouldRotateConsumerSecret === true;
      if (rotateKey) values.shouldRotateConsumerKey = false;
      if (rotateSecret) values.shouldRotateConsumerSecret = false;
      // an ECA's consumer key is fixed once the app exists: a redeploy with another key succeeds and
      // keeps the old one (a public report, proven live); a new app takes the key it is given
      const fixedKey = c.type === GLOBAL_OAUTH_TYPE ? org.credentials.get(owner)?.consumerKey : undefined;
      org.ensureCredentials(owner, rotateKey ? consumerKey() : (fixedKey ?? key), rotateSecret ? consumerSecret() : secret);
    }
    const changed = existing !== undefined && !sameValues(existing.values, values);
    const stored = org.putComponent(c.type, c.fullName, values, user.id);
    return this.message(c, stored.id, !existing, changed);
  }

  private deleteOne(d: Deletion, apply: boolean): DeployMessage {
    const { org } = this.ctx;
    const existing = org.component(d.type, d.fullName);
    const base = { changed: false, componentType: d.type, created: false, createdDate: this.now, fileName: d.fileName, fullName: d.fullName, success: true };
    if (!existing) return { ...base, deleted: false, problem: `No ${d.type} named: ${d.fullName} found`, problemType: 'Warning' };
    if (apply) {
      org.components.delete(componentKey(d.type, d.fullName));
      const owner = credentialsOwner(d.type, existing.values, d.fullName);
      if (owner && (d.type === GLOBAL_OAUTH_TYPE || d.type === CONNECTED_APP_TYPE || d.type === HEADER_TYPE)) org.credentials.delete(owner);
    }
    return { ...base, deleted: true, id: existing.id };
  }

  /** Default OAuth and app policies for ECAs that have OAuth but lack them, as Salesforce saves them. */
  private generateDefaults(passed: readonly Candidate[]): void {
    const { org, user, apiVersion } = this.ctx;
    const apps = new Set<string>();
    for (const c of passed) {
      if (c.type === HEADER_TYPE) apps.add(c.fullName);
      const owner = c.values?.externalClientApplication;
      if (typeof owner === 'string') apps.add(owner);
    }
    const schema = schemaFor(apiVersion);
    for (const app of apps) {
      for (const d of defaultPolicies(org, app)) {
        if (!schema.types.get(d.type)?.metadataType) continue;
        org.putComponent(d.type, d.fullName, filterForVersion(schema, d.type, d.values), user.id);
      }
      if (!org.credentials.has(`eca:${app}`) && org.satellite(app, GLOBAL_OAUTH_TYPE)) org.ensureCredentials(`eca:${app}`);
    }
  }
}
