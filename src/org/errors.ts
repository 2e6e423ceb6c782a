/**
 * What can go wrong between the plugin and an org, named: an org the CLI cannot open, an org that
 * does not answer, an expired authorization, a request limit, a Salesforce error. Each error is an
 * SfError marked as an org error (`data.org`: the alias or username the user typed), so the
 * command that runs it gives it the exit code it documents for org failures
 * (src/shared/errorMapping.ts). No cause is attached: sf-plugins-core reads the cause chain and
 * would turn a network TypeError into exit 10, or a Salesforce ErrorId into exit 20.
 */
import { Messages, SfError } from '@salesforce/core';

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
const CANNOT_OPEN = new Set(['NamedOrgNotFoundError', 'NoAuthInfoFound', 'NoDefaultEnvError', 'AuthInfoCreationError', 'OrgDataNotAvailableError', 'DomainNotFoundError', 'NoAliasFoundError']);

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
    parts.push(`${code ? `${code}: ` : ''}${err.message}`);
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
  if (e instanceof SfError && e.actions?.length) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const text = describeFailure(err);
  if (/INVALID_SESSION_ID|RefreshTokenAuthError|invalid_grant|expired access\/refresh token/i.test(text)) {
    return marked(messages.createError('error.SessionExpired', [org, text], [org]), org);
  }
  if (/REQUEST_LIMIT_EXCEEDED/.test(text)) return marked(messages.createError('error.RequestLimit', [org, text]), org);
  if (isUnreachable(err)) return marked(messages.createError('error.OrgUnreachable', [org, text], [org, org]), org);
  // a query error such as INVALID_FIELD says what is wrong itself: keep its name, mark it
  if (/^[A-Z_]+$/.test(err.name) || (err instanceof SfError && err.name !== 'SfError' && err.name !== 'Error')) {
    return marked(new SfError(describeFailure(err).replace(/^[A-Za-z_]+: /, ''), err.name, err instanceof SfError ? err.actions : undefined), org);
  }
  return marked(messages.createError('error.RequestFailed', [what, org, text]), org);
}

/** The org's API version is below the first with External Client Apps. */
export function apiVersionTooLowError(org: string, version: string, minimum: string): Error {
  return marked(messages.createError('error.ApiVersionTooLow', [org, version, minimum], [minimum, org]), org);
}
