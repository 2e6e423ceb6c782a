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
import { type Connection, Messages, SfError } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import type { DeployMessage, MetadataApiDeployStatus } from '@salesforce/source-deploy-retrieve';
import { componentByType, sourceFilePath } from '../domain/components.js';
import type { Component } from '../domain/model.js';
import { serializeMetadataXml } from '../domain/xml.js';
import { retrieveZip } from './metadataRetrieve.js';
import { packagePath, readRetrievedFiles } from './retrieveZip.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.org');

/**
 * Turns what jsforce and SDR throw for a failed request into a named error with actions; errors
 * that are already ours (SfError with actions) pass through.
 */
export function orgRequestError(e: unknown, what: string, org: string): Error {
  if (e instanceof SfError && e.actions?.length) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { errorCode?: string }).errorCode ?? err.name;
  const text = `${code && code !== 'Error' ? `${code}: ` : ''}${err.message}`;
  if (/INVALID_SESSION_ID|RefreshTokenAuthError|invalid_grant|expired access\/refresh token/i.test(text)) {
    return messages.createError('error.SessionExpired', [org, text], [org], undefined, err);
  }
  if (/REQUEST_LIMIT_EXCEEDED/.test(text)) return messages.createError('error.RequestLimit', [org, text], [], undefined, err);
  // a query error such as INVALID_FIELD says what is wrong itself: keep it, named
  if (err instanceof SfError || /^[A-Z_]+$/.test(err.name)) return err;
  return messages.createError('error.RequestFailed', [what, org, text], [], undefined, err);
}

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
  public constructor(private readonly conn: Connection, private readonly apiVersion: string) {}

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

  private get orgName(): string {
    return this.conn.getUsername() ?? this.conn.instanceUrl;
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
        const kind = componentByType(c.type);
        if (!kind) throw new Error(`no source layout for ${c.type}`);
        const file = join(root, sourceFilePath(kind, c.fullName));
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

  /** Reads the status of a deploy started earlier (a resumed `--wait`). */
  public async deployStatus(jobId: string, checkOnly: boolean): Promise<DeployOutcome> {
    const status = (await this.conn.metadata.checkDeployStatus(jobId, true)) as unknown as MetadataApiDeployStatus;
    return outcomeOf(status, checkOnly);
  }
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

function durationSeconds(seconds: number): Duration {
  return Duration.seconds(seconds);
}
