/**
 * The one place that talks to an org: metadata retrieve (./metadataRetrieve.ts, read in memory by
 * ./retrieveZip.ts), deploy through SDR, SOQL through the CLI's stored connection. Few round trips:
 * one retrieve (plus its status polls) reads every component asked for, however many apps there
 * are; a deploy is one zip for all components. Import this module lazily (inside run()); it loads
 * SDR only when it deploys.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Connection } from '@salesforce/core';
import type { DeployMessage, MetadataApiDeploy, MetadataApiDeployStatus, VirtualTreeContainer } from '@salesforce/source-deploy-retrieve';
import { sourceFilePath, sourceLayoutOf } from '../domain/components.js';
import type { Component } from '../domain/model.js';
import { serializeMetadataXml } from '../domain/xml.js';
import { rememberDeployForResume } from './deployCache.js';
import {
  DeployInProgressError,
  DeployInterruptedError,
  type DeployStopReason,
  deployLastWords,
  deployStopError,
  describeFailure,
  isDeployStop,
  isUnreachable,
  orgRequestError,
} from './errors.js';
import { SignalReceived, type SignalWatch, watchSignals } from './interrupts.js';
import { retrieveZip } from './metadataRetrieve.js';
import { packagePath, readRetrievedFiles, type RetrievedFile } from './retrieveZip.js';
import { withTempDir } from './tempDirs.js';

export { orgRequestError, DeployInProgressError, DeployInterruptedError, isDeployStop };

export type OrgComponent = Component & {
  id?: string;
  namespacePrefix?: string;
  manageableState?: string;
};

export type MemberRequest = { type: string; fullName: string };

/**
 * Components of these types are parsed first and handed to `then` before the rest of the retrieve
 * is parsed: a request it starts (the run-as users' query) goes out while the others are read.
 */
export type RetrieveFirst = { types: ReadonlySet<string>; then: (components: OrgComponent[]) => void };

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

/**
 * The deploy goes on in the org but the command stopped watching it (--wait ran out, the
 * connection dropped, a status request failed): exit 69, with the deploy ID (`jobId`). The
 * name the operations know it by.
 */
export const DeployTimeoutError = DeployInProgressError;
export type DeployTimeoutError = DeployInProgressError;

/**
 * Consecutive status requests that may fail on the network (a dropped connection, a 502/503)
 * before the command stops watching and says how to follow the deploy; each waits twice as long
 * as the one before. SDR's own polling tolerates 1,000 such failures in a row and so waits out
 * the whole --wait on a dead connection (source-deploy-retrieve metadataTransfer.ts,
 * calculateErrorRetryLimit); here the user gets the ID within seconds, and the deploy goes on.
 */
const STATUS_RETRIES = 3;

/** Status failures worth another try, as SDR counts them (metadataTransfer.ts isRetryableError). */
const TRANSIENT = /ERROR_HTTP_(420|502|503)|JsonParseError|INVALID_QUERY_LOCATOR|Client network socket disconnected|connection timeout/;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type PollOptions = { frequencyMs?: number; timeoutSeconds?: number };

export type DeployOptions = {
  checkOnly: boolean;
  /**
   * a deploy that puts back what this command changed (a setting turned on for a moment): it
   * runs even after Ctrl-C, which stops the command, not its repair (./interrupts.ts)
   */
  cleanup?: boolean;
  /** build the deploy's files in memory, never on disk (components that carry a secret) */
  inMemory?: boolean;
} & PollOptions;

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
  public async retrieve(members: readonly MemberRequest[], poll: PollOptions = {}, first?: RetrieveFirst): Promise<OrgComponent[]> {
    try {
      return await this.retrieveOnce(members, poll, first);
    } catch (e) {
      throw orgRequestError(e, 'The metadata retrieve', this.orgName);
    }
  }

  private async retrieveOnce(members: readonly MemberRequest[], poll: PollOptions, first?: RetrieveFirst): Promise<OrgComponent[]> {
    const { zip, fileProperties } = await retrieveZip(this.conn, this.apiVersion, members, poll);
    const props = new Map(fileProperties.map((p) => [packagePath(p.fileName), p]));
    const component = (f: RetrievedFile): OrgComponent => {
      const p = props.get(f.path);
      return {
        type: f.type,
        fullName: f.fullName,
        values: f.values,
        id: p?.id || undefined,
        namespacePrefix: p?.namespacePrefix || undefined,
        manageableState: p?.manageableState || undefined,
      };
    };
    const files = await readRetrievedFiles(zip, first && { types: first.types, then: (early) => first.then(early.map(component)) });
    return files.map(component);
  }

  /**
   * Deploys the components as one all-or-nothing transaction (rollbackOnError). With checkOnly
   * nothing changes in the org. Once the org has accepted the deploy (it has an ID), nothing loses
   * that ID: when --wait runs out, the connection drops or a status request fails, this throws
   * DeployInProgressError (exit 69); on Ctrl-C or SIGTERM, DeployInterruptedError (130, 143);
   * both name the ID and how to follow the deploy (./errors.ts). After a signal no new deploy
   * starts in this process (./interrupts.ts), except a `cleanup` one.
   */
  public async deploy(components: readonly Component[], options: DeployOptions): Promise<DeployOutcome> {
    const watch = watchSignals({ cleanup: options.cleanup });
    try {
      return await this.deployOnce(components, options, watch);
    } catch (e) {
      if (isDeployStop(e)) throw e;
      throw orgRequestError(e, options.checkOnly ? 'The check-only deploy' : 'The deploy', this.orgName);
    } finally {
      watch.close();
    }
  }

  private async deployOnce(components: readonly Component[], options: DeployOptions, watch: SignalWatch): Promise<DeployOutcome> {
    const { checkOnly } = options;
    if (watch.received) throw await this.stopped(undefined, checkOnly, watch.received);
    let op: MetadataApiDeploy;
    try {
      // SDR builds and sends the deploy (reads never load it); a signal during the request waits
      // for its answer: the ID it brings must not be lost
      const { ComponentSet, VirtualTreeContainer: Tree } = await import('@salesforce/source-deploy-retrieve');
      const send = (set: InstanceType<typeof ComponentSet>): Promise<MetadataApiDeploy> => {
        set.apiVersion = this.apiVersion;
        set.sourceApiVersion = this.apiVersion;
        return set.deploy({
          usernameOrConnection: this.conn,
          apiOptions: { checkOnly, rollbackOnError: true, singlePackage: true, ignoreWarnings: false },
        });
      };
      op = options.inMemory
        ? // the files never touch the disk: SDR's virtual tree, then its in-memory zip
          await send(ComponentSet.fromSource({ fsPaths: [MEMORY_ROOT], tree: memoryTree(Tree, components) }))
        : // SDR builds the zip from source files: write them to a private temporary folder
          await withTempDir('eca-deploy-', async (root) => {
            for (const c of components) {
              const file = join(root, sourcePathOf(c));
              await mkdir(dirname(file), { recursive: true });
              await writeFile(file, serializeMetadataXml(c.type, c.values));
            }
            return send(ComponentSet.fromSource(root));
          });
    } catch (e) {
      if (watch.received) throw await this.stopped(undefined, checkOnly, watch.received);
      throw e;
    }
    const id = op.id;
    if (!id) throw new Error('the org answered the deploy request without an ID');
    watch.setLastWords(deployLastWords(id, this.orgName));
    if (watch.received) throw await this.stopped(id, checkOnly, watch.received);
    return outcomeOf(await this.watchDeploy(op, id, options, watch), checkOnly);
  }

  /**
   * Polls the deploy's status until it is done. Network failures are tried again a few times;
   * any other failure, the deadline or a signal stops the watch with a named error.
   */
  private async watchDeploy(op: MetadataApiDeploy, id: string, options: DeployOptions, watch: SignalWatch): Promise<MetadataApiDeployStatus> {
    const { checkOnly } = options;
    const frequencyMs = options.frequencyMs ?? 500;
    const timeoutSeconds = options.timeoutSeconds ?? 600;
    const deadline = Date.now() + timeoutSeconds * 1000;
    const signalled = async (e: unknown): Promise<never> => {
      if (e instanceof SignalReceived) throw await this.stopped(id, checkOnly, e.signal);
      throw e;
    };
    let failures = 0;
    for (;;) {
      let status: MetadataApiDeployStatus | undefined;
      let pause = frequencyMs;
      try {
        status = await watch.race(op.checkStatus());
        failures = 0;
      } catch (e) {
        if (e instanceof SignalReceived) await signalled(e);
        const transient = isUnreachable(e) || TRANSIENT.test(`${(e as Error)?.name} ${describeFailure(e)}`);
        if (!transient) throw await this.stopped(id, checkOnly, 'failed', describeFailure(e));
        if (++failures > STATUS_RETRIES) throw await this.stopped(id, checkOnly, 'dropped', describeFailure(e));
        pause = frequencyMs * 2 ** (failures - 1);
      }
      if (status && truthy(status.done)) return status;
      const left = deadline - Date.now();
      if (left <= 0) throw await this.stopped(id, checkOnly, 'timeout', waited(timeoutSeconds));
      await watch.race(sleep(Math.min(pause, left))).catch(signalled);
    }
  }

  /** The error for a deploy this command stops watching; the CLI's deploy cache learns the job so `sf project deploy resume` finds it. */
  private async stopped(deployId: string | undefined, checkOnly: boolean, stoppedBy: DeployStopReason, detail?: string): Promise<Error> {
    const username = this.conn.getUsername();
    const resumable = deployId !== undefined && username !== undefined && (await rememberDeployForResume(deployId, username));
    return deployStopError({ deployId, org: this.orgName, checkOnly, stoppedBy, detail, resumable });
  }

  /**
   * Deploys like deploy(), with the source files built in memory (SDR's VirtualTreeContainer, then
   * its in-memory zip) instead of a temporary folder: for components that carry a secret (a
   * consumer secret restored from a snapshot's vault), which must never touch the disk.
   */
  public async deployFromMemory(components: readonly Component[], options: DeployOptions): Promise<DeployOutcome> {
    return this.deploy(components, { ...options, inMemory: true });
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
/** Where a component's source file goes, relative to the project's package folder. */
function sourcePathOf(c: Component): string {
  const kind = sourceLayoutOf(c.type);
  const rel = kind ? sourceFilePath(kind, c.fullName) : settingsSourcePath(c);
  if (!rel) throw new Error(`no source layout for ${c.type}`);
  return rel;
}

function memoryTree(Tree: typeof VirtualTreeContainer, components: readonly Component[]): VirtualTreeContainer {
  class MemoryTree extends Tree {
    public stream(fsPath: string): Readable {
      return Readable.from([this.readFileSync(fsPath)]);
    }
  }
  const dirs = new Map<string, Array<{ name: string; data: Buffer }>>();
  for (const c of components) {
    const [dir, name] = sourcePathOf(c).split('/');
    dirs.set(dir, [...(dirs.get(dir) ?? []), { name, data: Buffer.from(serializeMetadataXml(c.type, c.values), 'utf8') }]);
  }
  return new MemoryTree([
    { dirPath: MEMORY_ROOT, children: [...dirs.keys()] },
    ...[...dirs].map(([dir, children]) => ({ dirPath: join(MEMORY_ROOT, dir), children })),
  ]);
}

/** "10 minutes", "1 minute", "45 seconds" */
function waited(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
