/**
 * The one place that talks to an org: metadata retrieve and deploy through SDR, SOQL through the
 * CLI's stored connection. Few round trips: one retrieve (plus its status polls) reads every
 * component asked for, however many apps there are; a deploy is one zip for all components.
 * Import this module lazily (inside run()): it loads SDR.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import {
  ComponentSet,
  RequestStatus,
  ZipTreeContainer,
  type DeployMessage,
  type FileProperties,
  type MetadataApiDeployStatus,
} from '@salesforce/source-deploy-retrieve';
import { componentByType, componentOfFile, sourceFilePath } from '../domain/components.js';
import type { Component } from '../domain/model.js';
import { parseMetadataXml, serializeMetadataXml } from '../domain/xml.js';
import { orgRequestError } from './errors.js';

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
    const set = new ComponentSet(members.map((m) => ({ type: m.type, fullName: m.fullName })));
    set.apiVersion = this.apiVersion;
    const output = await mkdtemp(join(tmpdir(), 'eca-retrieve-'));
    try {
      const op = await set.retrieve({
        usernameOrConnection: this.conn,
        output,
        format: 'metadata',
        singlePackage: true,
        unzip: false,
        zipFileName: 'retrieve.zip',
        suppressEvents: true,
      });
      const result = await op.pollStatus({ frequency: Duration.milliseconds(poll.frequencyMs ?? 500), timeout: durationSeconds(poll.timeoutSeconds ?? 600) });
      const status = result.response;
      if (status.status !== RequestStatus.Succeeded) {
        const messages = asArray(status.messages)
          .map((m) => m.problem)
          .join('; ');
        throw new Error(`retrieve ${status.id} ${status.status}${messages ? `: ${messages}` : ''}`);
      }
      const props = new Map<string, FileProperties>();
      for (const p of asArray(status.fileProperties)) props.set(p.fileName.replace(/^unpackaged\//, ''), p);
      const zip = await ZipTreeContainer.create(Buffer.from(status.zipFile, 'base64'));
      const components: OrgComponent[] = [];
      for (const path of listZip(zip, '.')) {
        const rel = path.replace(/^\.\//, '').replace(/^unpackaged\//, '');
        const found = componentOfFile(path);
        const settings = /^settings\/(\w+)\.settings$/.exec(rel);
        if ((!found || found.format !== 'mdapi') && !settings) continue;
        const parsed = parseMetadataXml((await zip.readFile(path)).toString('utf8'));
        const p = props.get(rel);
        components.push({
          // a Settings file's root names its type (ExternalClientAppSettings)
          type: found ? found.kind.type : parsed.type,
          fullName: found ? found.fullName : (settings as RegExpExecArray)[1],
          values: parsed.values,
          id: p?.id || undefined,
          namespacePrefix: p?.namespacePrefix || undefined,
          manageableState: p?.manageableState || undefined,
        });
      }
      return components;
    } finally {
      await rm(output, { recursive: true, force: true });
    }
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
        const kind = componentByType(c.type);
        const rel = kind ? sourceFilePath(kind, c.fullName) : settingsSourcePath(c);
        if (!rel) throw new Error(`no source layout for ${c.type}`);
        const file = join(root, rel);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, serializeMetadataXml(c.type, c.values));
      }
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

function listZip(zip: ZipTreeContainer, dir: string): string[] {
  return zip.readDirectory(dir).flatMap((name) => {
    const path = dir === '.' ? name : `${dir}/${name}`;
    return zip.isDirectory(path) ? listZip(zip, path) : [path];
  });
}

function durationSeconds(seconds: number): Duration {
  return Duration.seconds(seconds);
}
