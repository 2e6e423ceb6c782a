/**
 * What can go wrong between the plugin and an org, named: an org the CLI cannot open, an org that
 * does not answer, an expired authorization, a request limit, a Salesforce error. Each error is an
 * SfError marked as an org error (`data.org`: the alias or username the user typed), so the
 * command that runs it gives it the exit code it documents for org failures
 * (src/shared/errorMapping.ts). No cause is attached: sf-plugins-core reads the cause chain and
 * would turn a network TypeError into exit 10, or a Salesforce ErrorId into exit 20.
 */
import { Messages, SfError } from '@salesforce/core';
import { DEPLOY_EXIT_CODES } from '../shared/exitCodes.js';
import type { StopSignal } from './interrupts.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.org');

/** The mark every org error carries in its data. */
export type OrgErrorData = { orgError: true; org: string };

export function isOrgError(e: unknown): e is SfError & { data: OrgErrorData } {
  return e instanceof SfError && (e.data as Partial<OrgErrorData> | undefined)?.orgError === true;
}

function marked(e: SfError, org: string): SfError {
  e.setData({ ...(typeof e.data === 'object' && e.data !== null ? e.data : {}), orgError: true, org } satisfies OrgErrorData);
  return e;
}

/** Errors the CLI raises when an alias or username has no usable stored authorization. */
const CANNOT_OPEN = new Set(['NamedOrgNotFoundError', 'NoAuthInfoFound', 'NoDefaultEnvError', 'AuthInfoCreationError', 'OrgDataNotAvailableError', 'DomainNotFoundError', 'NoAliasFoundError', 'AuthDecryptError']);

/** A network failure: nothing came back from the org (refused, unknown host, reset, timed out). */
export function isUnreachable(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE|UND_ERR_\w+)$/.test(code)) return true;
    if (/fetch failed|socket hang up|ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|getaddrinfo/i.test(x.message)) return true;
  }
  return false;
}

/** The error's own words, its cause's too (where the network error hides), without "TypeError". */
export function describeFailure(e: unknown): string {
  const parts: string[] = [];
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    const err = x instanceof Error ? x : new Error(String(x));
    const code = (err as { errorCode?: string }).errorCode ?? (err.name && !/^(Error|TypeError|SfError)$/.test(err.name) ? err.name : undefined);
    // jsforce names a SOAP fault "sf:CODE" and its message already starts with "CODE: "
    const named = code !== undefined && !err.message.startsWith(`${code.replace(/^sf:/, '')}: `);
    // a wrapper that already quotes its cause ("Metadata API request failed: <the fault>") says it once
    if (parts.some((p) => p.includes(err.message))) continue;
    parts.push(`${named ? `${code}: ` : ''}${err.message}`);
  }
  return [...new Set(parts)].join(': ').replace(/\bTypeError:?\s*/g, '');
}

/** Why the CLI cannot open an org by the name the user gave (unknown alias, no default org, expired auth). */
export function orgOpenError(e: unknown, org: string): Error {
  if (isOrgError(e)) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  if (isUnreachable(err)) return marked(messages.createError('error.OrgUnreachable', [org, describeFailure(err)], [org, org]), org);
  if (err instanceof SfError && CANNOT_OPEN.has(err.name)) {
    const named = new SfError(err.message, err.name, [...(err.actions ?? []), ...messages.getMessages('error.OrgUnavailable.actions', [org])]);
    return marked(named, org);
  }
  return marked(messages.createError('error.OrgUnavailable', [org, describeFailure(err)], [org]), org);
}

/**
 * Turns what jsforce and SDR throw for a failed request into a named org error with actions;
 * errors that are already ours pass through.
 */
export function orgRequestError(e: unknown, what: string, org: string): Error {
  if (isOrgError(e)) return e;
  // core's RefreshTokenAuthError has actions, none naming the org as the user typed it
  if (e instanceof SfError && e.actions?.length && e.name !== 'RefreshTokenAuthError') return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const text = describeFailure(err);
  if (/INVALID_SESSION_ID|RefreshTokenAuthError|invalid_grant|expired access\/refresh token/i.test(text)) {
    return marked(messages.createError('error.SessionExpired', [org, text], [org]), org);
  }
  if (/REQUEST_LIMIT_EXCEEDED/.test(text)) return marked(messages.createError('error.RequestLimit', [org, text], [org]), org);
  if (isUnreachable(err)) return marked(messages.createError('error.OrgUnreachable', [org, text], [org, org]), org);
  // a query error such as INVALID_FIELD says what is wrong itself: keep its name, mark it
  if (/^[A-Z_]+$/.test(err.name) || (err instanceof SfError && err.name !== 'SfError' && err.name !== 'Error')) {
    const actions = err instanceof SfError && err.actions?.length ? err.actions : messages.getMessages('error.RequestFailed.actions', [org]);
    return marked(new SfError(describeFailure(err).replace(/^[A-Za-z_]+: /, ''), err.name, actions), org);
  }
  return marked(messages.createError('error.RequestFailed', [what, org, text], [org]), org);
}

/** The org's API version is below the first with External Client Apps. */
export function apiVersionTooLowError(org: string, version: string, minimum: string): Error {
  return marked(messages.createError('error.ApiVersionTooLow', [org, version, minimum], [minimum, org]), org);
}

/** Why a command stopped watching a deploy the org had accepted (or, for a signal, was about to start). */
export type DeployStopReason = 'timeout' | 'dropped' | 'failed' | StopSignal;

/** What a deploy-stop error carries in its data (and `--json` shows): the ID above all. */
export type DeployStopData = {
  deployId?: string;
  /** the org as the user typed it */
  org: string;
  checkOnly: boolean;
  stoppedBy: DeployStopReason;
  /** `sf project deploy resume --job-id` finds the job (./deployCache.ts) */
  resumable: boolean;
};

export type DeployStop = DeployStopData & {
  /** timeout: how long the command waited ("10 minutes"); dropped/failed: what went wrong */
  detail?: string;
};

/**
 * A deploy the org accepted that goes on while this command stopped watching it: --wait ran
 * out, the connection dropped, or a status request failed. Exit 69, as `sf project deploy`
 * gives a deploy still InProgress (plugin-deploy-retrieve src/utils/errorCodes.ts).
 * (`DeployTimeoutError`, its name in ./orgAccess.ts, is this class.)
 */
export class DeployInProgressError extends SfError<DeployStopData> {
  public readonly jobId: string;
  public constructor(stop: DeployStop & { deployId: string }) {
    super(stopMessage(stop), 'DeployInProgressError', stopActions(stop), DEPLOY_EXIT_CODES.InProgress);
    this.jobId = stop.deployId;
    this.setData(dataOf(stop));
  }
}

/**
 * Ctrl-C or SIGTERM while a deploy was in flight (./interrupts.ts): exit 130 or 143. With an ID,
 * the deploy goes on in the org; without one, nothing of it reached the org.
 */
export class DeployInterruptedError extends SfError<DeployStopData> {
  public readonly jobId?: string;
  public readonly signal: StopSignal;
  public constructor(stop: DeployStop & { stoppedBy: StopSignal }) {
    const exitCode = stop.stoppedBy === 'SIGINT' ? DEPLOY_EXIT_CODES.Interrupted : DEPLOY_EXIT_CODES.Terminated;
    super(stopMessage(stop), 'DeployInterruptedError', stopActions(stop), exitCode);
    this.jobId = stop.deployId;
    this.signal = stop.stoppedBy;
    this.setData(dataOf(stop));
  }
}

/** A deploy this command stopped watching, or a signal that stopped it: its exit code is its own (69, 130, 143). */
export function isDeployStop(e: unknown): e is DeployInProgressError | DeployInterruptedError {
  return e instanceof DeployInProgressError || e instanceof DeployInterruptedError;
}

export function deployStopError(stop: DeployStop): DeployInProgressError | DeployInterruptedError {
  if (stop.stoppedBy === 'SIGINT' || stop.stoppedBy === 'SIGTERM') return new DeployInterruptedError({ ...stop, stoppedBy: stop.stoppedBy });
  if (stop.deployId === undefined) throw new Error('a deploy in progress has an ID');
  return new DeployInProgressError({ ...stop, deployId: stop.deployId });
}

function dataOf(stop: DeployStop): DeployStopData {
  return { deployId: stop.deployId, org: stop.org, checkOnly: stop.checkOnly, stoppedBy: stop.stoppedBy, resumable: stop.resumable };
}

function stopMessage(stop: DeployStop): string {
  const kind = messages.getMessage(stop.checkOnly ? 'deploy.kind.validation' : 'deploy.kind.deploy');
  const signal = stop.stoppedBy === 'SIGINT' || stop.stoppedBy === 'SIGTERM' ? messages.getMessage(`deploy.signal.${stop.stoppedBy}`) : '';
  if (stop.deployId === undefined) return messages.getMessage('error.DeployInterruptedBeforeStart', [signal, stop.org, kind]);
  const goesOn = messages.getMessage(stop.checkOnly ? 'deploy.goesOn.validation' : 'deploy.goesOn.deploy');
  const detail = stop.detail ?? '';
  switch (stop.stoppedBy) {
    case 'timeout':
      return messages.getMessage('error.DeployTimedOut', [kind, stop.deployId, stop.org, detail, goesOn]);
    case 'dropped':
      return messages.getMessage('error.DeployDropped', [stop.org, kind, stop.deployId, detail, goesOn]);
    case 'failed':
      return messages.getMessage('error.DeployStatusFailed', [kind, stop.deployId, stop.org, detail, goesOn]);
    default:
      return messages.getMessage('error.DeployInterrupted', [signal, kind, stop.deployId, stop.org, goesOn]);
  }
}

function stopActions(stop: DeployStop): string[] {
  const id = stop.deployId;
  if (id === undefined) return messages.getMessages('error.DeployInterruptedBeforeStart.actions');
  return stop.resumable
    ? messages.getMessages('error.DeployInProgress.actions', [id, id, stop.org, id, stop.org])
    : messages.getMessages('error.DeployInProgressNotCached.actions', [id, stop.org, id, stop.org, id, stop.org]);
}

/** What a second Ctrl-C prints before the process exits at once. */
export function deployLastWords(deployId: string, org: string): string {
  return messages.getMessage('deploy.lastWords', [deployId, org, deployId, org]);
}
