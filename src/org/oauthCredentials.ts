/**
 * The Connect REST "OAuth Credentials" and "OAuth Usage" resources of one org, as a small client.
 * Sources, and what is UNCONFIRMED, in simulator/README.md ("Connect REST: OAuth credentials",
 * "Connect REST: OAuth usage") and the Connect REST API guide ("OAuth Credentials Resources").
 *
 * API (kept stable: `snapshot --include-credentials`, `doctor` and the credentials commands use it):
 *
 *   const client = new OAuthCredentialsClient(session);   // a Session from openSession(), or { connection, apiVersion, name }
 *   client.listConsumers(appId)                    -> OAuthConsumer[]        GET  /apps/oauth/credentials/{appId}               (API 60+; no secret)
 *   client.readConsumer(appId, consumerId, part)   -> ConsumerCredentials    GET  .../{appId}/{consumerId}?part=key|secret|keyandsecret
 *   client.getStaged(appId, consumerId)            -> StagedCredentials | undefined   GET .../staged (API 65+)
 *   client.createStaged(appId, consumerId)         -> StagedCredentials      POST .../staged, body {} (new key AND secret)
 *   client.rotateStaged(appId, consumerId, id)     -> void                   PATCH .../staged/{id} {"command":"rotate"}
 *   client.deleteStaged(appId, consumerId, id)     -> void                   DELETE .../staged/{id}
 *   client.usageApps()                             -> UsageApp[]             GET  /apps/oauth/usage (API 59+; every page)
 *   client.tokenUse(appId)                         -> TokenUse               GET  /apps/oauth/usage/{appId}/users, then .../{userId}/tokens per user
 *
 * `appId` is the ExternalClientApplication record id (SOQL, or `identifier` of usageApps());
 * `consumerId` the `id` of a consumer from listConsumers(). Every URL is built from ids: the staged
 * credential's own `url` field is read differently by the guide and by peers (see the register),
 * so it is never followed.
 *
 * Errors: every failure is an SfError marked as an org error (src/org/errors.ts), so a command
 * gives it its documented org-failure code. The answers of the credentials resources are named
 * CredentialsError with `data.reason` (CredentialsErrorReason) for callers that branch:
 *   setting-off        403 FUNCTIONALITY_NOT_ENABLED: "Allow access to External Client App consumer
 *                      secrets via REST API" (ExternalClientAppSettings.enableClientSecretInRestApiAccess) is off
 *   missing-permission 403 INSUFFICIENT_ACCESS: the user lacks External Client App Developer / View Client Secret
 *   not-found          404: no such app or consumer (or a Connected App on a staged resource)
 *   packaged           400: a packaged or installed app (staged credentials are for local apps only)
 *   already-staged     400: an Active staged credential exists (one per consumer)
 *   not-rotatable      400: the staged credential is not Active
 *   api-version        the org's API version is below the resource's
 * Anything else (expired session, request limit, unreachable org) is the usual named org error.
 *
 * Secrets: the client returns a secret only from readConsumer(part secret|keyandsecret),
 * getStaged() and createStaged(); it never logs one (jsforce logs the method and URL only) and
 * never puts one in an error. Callers hold secrets in memory and hand them to a sink.
 */
import { type Connection, Logger, Messages, SfError } from '@salesforce/core';
import { orgRequestError } from './errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.oauthCredentials');

/** The first API version of each resource (Connect REST guide). */
export const CREDENTIALS_API_VERSION = 60;
export const STAGED_API_VERSION = 65;
export const USAGE_API_VERSION = 59;

export type OAuthConsumer = {
  /** the consumer's id (also the <consumerId> of an ECA's oauthLink) */
  readonly id: string;
  /** the consumer key (not a secret) */
  readonly key?: string;
  readonly name?: string;
};

export type ConsumerCredentials = OAuthConsumer & {
  /** only when part is secret or keyandsecret */
  readonly secret?: string;
};

/** Active: staged, not yet promoted; Rotated: the former primary pair after a rotation; Expired: past expirationDate. */
export type StagedState = 'Active' | 'Rotated' | 'Expired';

export type StagedCredentials = {
  readonly id: string;
  readonly state: StagedState | string;
  readonly key?: string;
  readonly secret?: string;
  /** ISO 8601 */
  readonly createdDate?: string;
  readonly createdBy?: string;
  /** ISO 8601 (created + 30 days: "Staged credentials are valid for 30 days unless they're deleted before then") */
  readonly expirationDate?: string;
};

export type UsageApp = { readonly identifier: string; readonly developerName: string; readonly label?: string };

export type TokenUse = {
  /** users holding OAuth tokens of the app */
  readonly users: number;
  readonly tokens: number;
  /** ISO 8601: the latest lastUsedAt of any token */
  readonly lastUsedAt?: string;
  /** the usernames were more than `maxUsers`: only the first were read */
  readonly truncated: boolean;
};

export type CredentialsErrorReason = 'setting-off' | 'missing-permission' | 'not-found' | 'packaged' | 'already-staged' | 'not-rotatable' | 'api-version';

/** The part of a Session the client needs. */
export type CredentialsTarget = {
  readonly connection: Pick<Connection, 'request'>;
  /** "66.0" */
  readonly apiVersion: string;
  /** the alias or username the user typed, named in errors */
  readonly name: string;
  readonly username?: string;
  readonly instanceUrl?: string;
};

export type CredentialsErrorData = { orgError: true; org: string; reason: CredentialsErrorReason; salesforce?: string };

export function credentialsReason(e: unknown): CredentialsErrorReason | undefined {
  return e instanceof SfError ? (e.data as Partial<CredentialsErrorData> | undefined)?.reason : undefined;
}

/** Setup > External Client App Settings, where the org setting is (the same page sfdx-hardis links to). */
export function secretAccessSetupUrl(instanceUrl: string | undefined): string {
  return instanceUrl ? `${instanceUrl.replace(/\/+$/, '')}/lightning/setup/ExternalClientApplicationSettings/home` : 'Setup > External Client App Settings';
}

/** Every page of a paged usage collection, at most this many pages (a runaway nextPageUrl stops here). */
const MAX_PAGES = 50;
const PAGE_SIZE = 100;

export class OAuthCredentialsClient {
  private readonly logger = Logger.childFromRoot('eca:oauthCredentials');
  private readonly version: number;

  public constructor(private readonly target: CredentialsTarget) {
    this.version = Number.parseFloat(target.apiVersion);
  }

  /** The consumers of an app: id, key and name; never a secret. */
  public async listConsumers(appId: string): Promise<OAuthConsumer[]> {
    this.needs(CREDENTIALS_API_VERSION, 'The OAuth credentials resource');
    const body = await this.call<{ consumers?: unknown }>('GET', this.credentialsUrl(appId), 'list consumers', { appId });
    const list = Array.isArray(body?.consumers) ? (body.consumers as unknown[]) : [];
    return list.filter(isObject).map((c) => ({ id: str(c.id) ?? '', key: str(c.key), name: str(c.name) })).filter((c) => c.id !== '');
  }

  /** One consumer's key, secret or both (`part`); a secret needs the org setting and View Client Secret. */
  public async readConsumer(appId: string, consumerId: string, part: 'key' | 'secret' | 'keyandsecret'): Promise<ConsumerCredentials> {
    this.needs(CREDENTIALS_API_VERSION, 'The OAuth credentials resource');
    const body = await this.call<Record<string, unknown>>('GET', `${this.credentialsUrl(appId, consumerId)}?part=${part}`, `read consumer ${part}`, { appId, consumerId });
    return { id: str(body?.id) ?? consumerId, key: str(body?.key), name: str(body?.name), secret: part === 'key' ? undefined : str(body?.secret) };
  }

  /** The credentials in the consumer's staged slot (Active, Rotated or Expired), or undefined when it is empty. */
  public async getStaged(appId: string, consumerId: string): Promise<StagedCredentials | undefined> {
    this.needs(STAGED_API_VERSION, 'The staged OAuth credentials resource');
    const body = await this.call<unknown>('GET', `${this.credentialsUrl(appId, consumerId)}/staged`, 'read staged credentials', { appId, consumerId });
    return stagedOf(body);
  }

  /**
   * New staged credentials: a new consumer key and secret, Active, minting tokens beside the
   * primary pair until promoted or deleted. POST takes no body, but Salesforce needs one (sfdx-hardis:
   * without it the request hangs), so it sends `{}`. When the answer lacks the id or the secret
   * (peers have seen other shapes) the slot is read again.
   */
  public async createStaged(appId: string, consumerId: string): Promise<StagedCredentials> {
    this.needs(STAGED_API_VERSION, 'The staged OAuth credentials resource');
    const body = await this.call<unknown>('POST', `${this.credentialsUrl(appId, consumerId)}/staged`, 'create staged credentials', { appId, consumerId }, '{}');
    const created = stagedOf(body);
    if (created?.id && created.secret && created.key) return created;
    const read = await this.getStaged(appId, consumerId);
    if (read?.id && read.state === 'Active') return { ...read, ...(created ?? {}), id: read.id, key: created?.key ?? read.key, secret: created?.secret ?? read.secret };
    throw messages.createError('error.NoStagedAnswer', [appId, this.target.name]);
  }

  /** Promotes the staged credentials to primary; the former primary pair takes the staged slot as Rotated. */
  public async rotateStaged(appId: string, consumerId: string, stagedId: string): Promise<void> {
    this.needs(STAGED_API_VERSION, 'The staged OAuth credentials resource');
    await this.call<unknown>('PATCH', this.stagedUrl(appId, consumerId, stagedId), 'rotate staged credentials', { appId, consumerId, stagedId }, JSON.stringify({ command: 'rotate' }));
  }

  /** Deletes the credentials in the staged slot (Active ones not promoted, or Rotated ones: the previous pair). They stop minting at once. */
  public async deleteStaged(appId: string, consumerId: string, stagedId: string): Promise<void> {
    this.needs(STAGED_API_VERSION, 'The staged OAuth credentials resource');
    await this.call<unknown>('DELETE', this.stagedUrl(appId, consumerId, stagedId), 'delete staged credentials', { appId, consumerId, stagedId });
  }

  /** The external client apps that have OAuth usage data (every page). */
  public async usageApps(): Promise<UsageApp[]> {
    this.needs(USAGE_API_VERSION, 'The OAuth usage resource');
    const items = await this.pages('apps', this.usageUrl(), 'list apps with OAuth usage');
    return items.map((a) => ({ identifier: str(a.identifier) ?? '', developerName: str(a.developerName) ?? '', label: str(a.label) })).filter((a) => a.identifier !== '');
  }

  /**
   * When the app's OAuth tokens were last used: its users (every page), then each user's tokens.
   * The resource has no per-app token list, so this costs 1 + users requests; `maxUsers` caps it.
   */
  public async tokenUse(appId: string, maxUsers = 50): Promise<TokenUse> {
    this.needs(USAGE_API_VERSION, 'The OAuth usage resource');
    const users = (await this.pages('users', `${this.usageUrl()}/${encodeURIComponent(appId)}/users`, 'list OAuth users')).map((u) => str(u.userIdentifier)).filter((u): u is string => u !== undefined);
    let tokens = 0;
    let last: string | undefined;
    for (const user of users.slice(0, maxUsers)) {
      const rows = await this.pages('tokens', `${this.usageUrl()}/${encodeURIComponent(appId)}/${encodeURIComponent(user)}/tokens`, 'list OAuth tokens');
      tokens += rows.length;
      for (const t of rows) {
        const used = str(t.lastUsedAt);
        if (used && (!last || Date.parse(used) > Date.parse(last))) last = used;
      }
    }
    return { users: users.length, tokens, lastUsedAt: last, truncated: users.length > maxUsers };
  }

  // -------------------------------------------------------------------------------------------

  private credentialsUrl(appId: string, consumerId?: string): string {
    const base = `/services/data/v${this.target.apiVersion}/apps/oauth/credentials/${encodeURIComponent(appId)}`;
    return consumerId === undefined ? base : `${base}/${encodeURIComponent(consumerId)}`;
  }

  private stagedUrl(appId: string, consumerId: string, stagedId: string): string {
    return `${this.credentialsUrl(appId, consumerId)}/staged/${encodeURIComponent(stagedId)}`;
  }

  private usageUrl(): string {
    return `/services/data/v${this.target.apiVersion}/apps/oauth/usage`;
  }

  private needs(version: number, what: string): void {
    if (!(this.version >= version)) {
      throw marked(messages.createError('error.ApiVersion', [what, `${version.toFixed(1)}`, this.target.name, this.target.apiVersion], [this.target.name]), this.target.name, 'api-version');
    }
  }

  /** Follows nextPageUrl (relative or absolute) until a page comes back short, empty or without one. */
  private async pages(field: string, first: string, step: string): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let url: string | undefined = `${first}?page=0&pageSize=${PAGE_SIZE}`;
    for (let n = 0; url !== undefined && n < MAX_PAGES; n++) {
      const body: Record<string, unknown> | undefined = await this.call<Record<string, unknown>>('GET', url, step, {});
      const items: Array<Record<string, unknown>> = Array.isArray(body?.[field]) ? (body?.[field] as unknown[]).filter(isObject) : [];
      out.push(...items);
      const next = str(body?.nextPageUrl);
      // a short page is the last one (the resource gives nextPageUrl even then)
      url = items.length < PAGE_SIZE || !next || next === url ? undefined : next.replace(/^https?:\/\/[^/]+/, '');
    }
    return out;
  }

  /** One request; its step goes to the trace log by name and ids, never a body. */
  private async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, step: string, ids: Record<string, string>, body?: string): Promise<T> {
    this.logger.trace(`${step}: ${method} ${url.replace(/\?.*$/, '')} ${Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ')}`.trim());
    try {
      return await this.target.connection.request<T>({
        method: method as 'GET' | 'POST' | 'PATCH' | 'DELETE',
        url,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      });
    } catch (e) {
      this.logger.trace(`${step}: failed (${e instanceof Error ? e.name : 'error'})`);
      throw this.named(e, step, ids);
    }
  }

  /** The answers of the credentials resources by name; other failures as the usual org errors. */
  private named(e: unknown, step: string, ids: Record<string, string>): Error {
    const org = this.target.name;
    const err = e as { errorCode?: unknown; name?: unknown; message?: unknown };
    const code = typeof err.errorCode === 'string' ? err.errorCode : typeof err.name === 'string' ? err.name : '';
    const said = `${code ? `${code}: ` : ''}${typeof err.message === 'string' ? err.message : String(e)}`;
    const app = ids.appId ?? '';
    const user = this.target.username ?? org;
    if (code === 'FUNCTIONALITY_NOT_ENABLED' || /not currently enabled|feature is not enabled|not enabled for this user/i.test(said)) {
      return marked(messages.createError('error.SettingOff', [org, said], [secretAccessSetupUrl(this.target.instanceUrl)]), org, 'setting-off', said);
    }
    if (code === 'INSUFFICIENT_ACCESS' || code === 'INSUFFICIENT_ACCESS_OR_READONLY' || /missing user permissions/i.test(said)) {
      return marked(messages.createError('error.MissingPermission', [user, org, said], [user, org]), org, 'missing-permission', said);
    }
    if (code === 'NOT_FOUND' || code === 'ERROR_HTTP_404') {
      return marked(messages.createError('error.NotFound', [step, app, ids.consumerId ?? '-', org, said], [org]), org, 'not-found', said);
    }
    if (/only for local|local external client app|packaged/i.test(said)) {
      return marked(messages.createError('error.Packaged', [app, org, said]), org, 'packaged', said);
    }
    if (/already has staged|already staged/i.test(said)) {
      return marked(messages.createError('error.AlreadyStaged', [app, org, said]), org, 'already-staged', said);
    }
    if (code === 'INVALID_OPERATION' && /rotat/i.test(said)) {
      return marked(messages.createError('error.NotRotatable', [app, org, said]), org, 'not-rotatable', said);
    }
    return orgRequestError(e, `The request to ${step}`, org);
  }
}

function marked(e: SfError, org: string, reason: CredentialsErrorReason, salesforce?: string): SfError {
  e.setData({ orgError: true, org, reason, ...(salesforce === undefined ? {} : { salesforce }) } satisfies CredentialsErrorData);
  return e;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The id of a staged credential: `id`, else `stagedCredentialId`, else the last segment of its URL after "staged/". */
function stagedIdOf(s: Record<string, unknown>): string | undefined {
  const direct = str(s.id) ?? str(s.stagedCredentialId);
  if (direct) return direct;
  for (const u of [s.url, s.stagedCredentialsUrl, s.stagedCredentialsURL]) {
    const m = typeof u === 'string' ? /\/staged\/([^/?#]+)/.exec(u) : null;
    if (m) return decodeURIComponent(m[1]);
  }
  return undefined;
}

/**
 * The staged credential in an answer: the credential itself, an array of them, or a collection
 * `{ stagedCredentials: [...] | {...} }` (the shapes peers handle). Undefined when the slot is empty.
 */
export function stagedOf(body: unknown): StagedCredentials | undefined {
  let s: unknown = body;
  if (Array.isArray(s)) s = s[0];
  else if (isObject(s) && 'stagedCredentials' in s) s = Array.isArray(s.stagedCredentials) ? s.stagedCredentials[0] : s.stagedCredentials;
  if (!isObject(s)) return undefined;
  const id = stagedIdOf(s);
  if (!id) return undefined;
  return {
    id,
    state: str(s.state) ?? 'Active',
    key: str(s.key),
    secret: str(s.secret),
    createdDate: str(s.createdDate),
    createdBy: str(s.createdBy),
    expirationDate: str(s.expirationDate),
  };
}
