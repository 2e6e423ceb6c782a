/**
 * The one place that talks to an org: metadata retrieve (./metadataRetrieve.ts, read in memory by
 * ./retrieveZip.ts), deploy through SDR, SOQL through the CLI's stored connection. Few round trips:
 * one retrieve (plus its status polls) reads every component asked for, however many apps there
 * are; a deploy is one zip for all components. Import this module lazily (inside run()); it loads
 * SDR only when it deploys.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Connection } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import type { DeployMessage, MetadataApiDeployStatus, VirtualTreeContainer } from '@salesforce/source-deploy-retrieve';
import { sourceFilePath, sourceLayoutOf } from '../domain/components.js';
import type { Component } from '../domain/model.js';
import { serializeMetadataXml } from '../domain/xml.js';
import { orgRequestError } from './errors.js';
import { retrieveZip } from './metadataRetrieve.js';
import { packagePath, readRetrievedFiles } from './retrieveZip.js';

export { orgRequestError };

export type OrgComponent = Component & {
  id?: string;
  namespacePrefix?: string;
  manageableState?: string;
};

export type MemberRequest = { type: string; fullName: string };

export type ComponentFailure = {
  type: string;
  fullName: string;
  problem: string;
  problemType: string;
  line?: number;
  column?: number;
  fileName?: string;
};

export type DeployOutcome = {
  id: string;
  status: string;
  success: boolean;
  checkOnly: boolean;
  failures: ComponentFailure[];
  deployed: Array<{ type: string; fullName: string; created: boolean; changed: boolean }>;
};

export class DeployTimeoutError extends Error {
  public constructor(public readonly jobId: string) {
    super(`deploy ${jobId} did not finish in time`);
    this.name = 'DeployTimeoutError';
  }
}

export type PollOptions = { frequencyMs?: number; timeoutSeconds?: number };

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function toNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseInt(v, 10) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function failureOf(m: DeployMessage): ComponentFailure {
  return {
    type: m.componentType ?? '',
    fullName: m.fullName,
    problem: m.problem ?? '',
    problemType: m.problemType ?? 'Error',
    line: toNumber(m.lineNumber),
    column: toNumber(m.columnNumber),
    fileName: m.fileName,
  };
}

const truthy = (v: unknown): boolean => v === true || v === 'true';

export class OrgAccess {
  /** `orgName`: the alias or username the user typed, named in errors (default: the connection's username) */
  public constructor(private readonly conn: Connection, private readonly apiVersion: string, private readonly orgName: string = conn.getUsername() ?? conn.instanceUrl) {}

  public get connection(): Connection {
    return this.conn;
  }

  /** Runs a SOQL query and returns every record (following nextRecordsUrl). */
  public async query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
    try {
      const result = await this.conn.query<T>(soql, { autoFetch: true, maxFetch: 50_000 });
      return result.records;
    } catch (e) {
      throw orgRequestError(e, 'A query', this.orgName);
    }
  }

  /**
   * Retrieves the components asked for (fullName may be "*") in one retrieve, and returns them
   * parsed, with the id, namespace and manageable state Salesforce reports for each.
   */
  public async retrieve(members: readonly MemberRequest[], poll: PollOptions = {}): Promise<OrgComponent[]> {
    try {
      return await this.retrieveOnce(members, poll);
    } catch (e) {
      throw orgRequestError(e, 'The metadata retrieve', this.orgName);
    }
  }

  private async retrieveOnce(members: readonly MemberRequest[], poll: PollOptions): Promise<OrgComponent[]> {
    const { zip, fileProperties } = await retrieveZip(this.conn, this.apiVersion, members, poll);
    const props = new Map(fileProperties.map((p) => [packagePath(p.fileName), p]));
    return readRetrievedFiles(zip).map((f) => {
      const p = props.get(f.path);
      return {
        type: f.type,
        fullName: f.fullName,
        values: f.values,
        id: p?.id || undefined,
        namespacePrefix: p?.namespacePrefix || undefined,
        manageableState: p?.manageableState || undefined,
      };
    });
  }

  /**
   * Deploys the components as one all-or-nothing transaction (rollbackOnError). With checkOnly
   * nothing changes in the org. Throws DeployTimeoutError (with the job id) when it does not
   * finish in time, so the caller can say how to resume.
   */
  public async deploy(components: readonly Component[], options: { checkOnly: boolean } & PollOptions): Promise<DeployOutcome> {
    try {
      return await this.deployOnce(components, options);
    } catch (e) {
      if (e instanceof DeployTimeoutError) throw e;
      throw orgRequestError(e, options.checkOnly ? 'The check-only deploy' : 'The deploy', this.orgName);
    }
  }

  private async deployOnce(components: readonly Component[], options: { checkOnly: boolean } & PollOptions): Promise<DeployOutcome> {
    // SDR builds the zip from source files: write them to a private temporary folder
    const root = await mkdtemp(join(tmpdir(), 'eca-deploy-'));
    let op;
    try {
      for (const c of components) {
        const kind = sourceLayoutOf(c.type);
        const rel = kind ? sourceFilePath(kind, c.fullName) : settingsSourcePath(c);
        if (!rel) throw new Error(`no source layout for ${c.type}`);
        const file = join(root, rel);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, serializeMetadataXml(c.type, c.values));
      }
      // SDR builds and sends the deploy; reads never load it
      const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
      const set = ComponentSet.fromSource(root);
      set.apiVersion = this.apiVersion;
      set.sourceApiVersion = this.apiVersion;
      op = await set.deploy({
        usernameOrConnection: this.conn,
        apiOptions: { checkOnly: options.checkOnly, rollbackOnError: true, singlePackage: true, ignoreWarnings: false },
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    let status: MetadataApiDeployStatus;
    try {
      status = (await op.pollStatus({ frequency: Duration.milliseconds(options.frequencyMs ?? 500), timeout: durationSeconds(options.timeoutSeconds ?? 600) })).response;
    } catch (e) {
      if (e instanceof Error && /timeout|timed out/i.test(`${e.name} ${e.message}`) && op.id) throw new DeployTimeoutError(op.id);
      throw e;
    }
    return outcomeOf(status, options.checkOnly);
  }

  /**
   * Deploys like deploy(), with the source files built in memory (SDR's VirtualTreeContainer, then
   * its in-memory zip) instead of a temporary folder: for components that carry a secret (a
   * consumer secret restored from a snapshot's vault), which must never touch the disk.
   */
  public async deployFromMemory(components: readonly Component[], options: { checkOnly: boolean } & PollOptions): Promise<DeployOutcome> {
    try {
      const { ComponentSet, VirtualTreeContainer: Tree } = await import('@salesforce/source-deploy-retrieve');
      const set = ComponentSet.fromSource({ fsPaths: [MEMORY_ROOT], tree: memoryTree(Tree, components) });
      set.apiVersion = this.apiVersion;
      set.sourceApiVersion = this.apiVersion;
      const op = await set.deploy({
        usernameOrConnection: this.conn,
        apiOptions: { checkOnly: options.checkOnly, rollbackOnError: true, singlePackage: true, ignoreWarnings: false },
      });
      let status: MetadataApiDeployStatus;
      try {
        status = (await op.pollStatus({ frequency: Duration.milliseconds(options.frequencyMs ?? 500), timeout: durationSeconds(options.timeoutSeconds ?? 600) })).response;
      } catch (e) {
        if (e instanceof Error && /timeout|timed out/i.test(`${e.name} ${e.message}`) && op.id) throw new DeployTimeoutError(op.id);
        throw e;
      }
      return outcomeOf(status, options.checkOnly);
    } catch (e) {
      if (e instanceof DeployTimeoutError) throw e;
      throw orgRequestError(e, options.checkOnly ? 'The check-only deploy' : 'The deploy', this.orgName);
    }
  }

  /** Reads the status of a deploy started earlier (a resumed `--wait`). */
  public async deployStatus(jobId: string, checkOnly: boolean): Promise<DeployOutcome> {
    try {
      const status = (await this.conn.metadata.checkDeployStatus(jobId, true)) as unknown as MetadataApiDeployStatus;
      return outcomeOf(status, checkOnly);
    } catch (e) {
      throw orgRequestError(e, 'The deploy status request', this.orgName);
    }
  }

  /** A REST request with the stored authorization (GET by default); failures become named org errors. */
  public async request<T>(url: string, what: string): Promise<T> {
    try {
      return await this.conn.request<T>({ method: 'GET', url });
    } catch (e) {
      throw orgRequestError(e, what, this.orgName);
    }
  }
}

/** A Settings component (root ExternalClientAppSettings, member ExternalClientApp) in source format. */
function settingsSourcePath(c: Component): string | undefined {
  const m = /^(\w+)Settings$/.exec(c.type);
  return m && m[1] === c.fullName ? `settings/${c.fullName}.settings-meta.xml` : undefined;
}

function outcomeOf(status: MetadataApiDeployStatus, checkOnly: boolean): DeployOutcome {
  const details = status.details ?? {};
  return {
    id: status.id,
    status: status.status,
    success: truthy(status.success),
    checkOnly,
    failures: asArray(details.componentFailures).map(failureOf),
    deployed: asArray(details.componentSuccesses)
      .filter((s) => s.componentType && s.componentType !== 'Package')
      .map((s) => ({ type: s.componentType as string, fullName: s.fullName, created: truthy(s.created), changed: truthy(s.changed) })),
  };
}

/** Where deployFromMemory's files live: a path in SDR's virtual tree only, never created on disk. */
const MEMORY_ROOT = join(tmpdir(), 'eca-deploy-in-memory');

/**
 * The components as source files in a virtual tree: <root>/<directory>/<name>.<suffix>-meta.xml.
 * SDR is loaded by the caller (deploys only); its tree is made readable as a stream too (the
 * converter streams each file into the zip; SDR 13 leaves stream() unimplemented).
 */
function memoryTree(Tree: typeof VirtualTreeContainer, components: readonly Component[]): VirtualTreeContainer {
  class MemoryTree extends Tree {
    public stream(fsPath: string): Readable {
      return Readable.from([this.readFileSync(fsPath)]);
    }
  }
  const dirs = new Map<string, Array<{ name: string; data: Buffer }>>();
  for (const c of components) {
    const kind = sourceLayoutOf(c.type);
    const rel = kind ? sourceFilePath(kind, c.fullName) : settingsSourcePath(c);
    if (!rel) throw new Error(`no source layout for ${c.type}`);
    const [dir, name] = rel.split('/');
    dirs.set(dir, [...(dirs.get(dir) ?? []), { name, data: Buffer.from(serializeMetadataXml(c.type, c.values), 'utf8') }]);
  }
  return new MemoryTree([
    { dirPath: MEMORY_ROOT, children: [...dirs.keys()] },
    ...[...dirs].map(([dir, children]) => ({ dirPath: join(MEMORY_ROOT, dir), children })),
  ]);
}

function durationSeconds(seconds: number): Duration {
  return Duration.seconds(seconds);
}
