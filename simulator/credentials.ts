/**
 * Connect REST "OAuth Credentials" resources (sources and what is UNCONFIRMED: simulator/README.md,
 * "Connect REST: OAuth credentials"):
 *
 *   GET    /apps/oauth/credentials/{appId}                                  consumers of the app (API 60+)
 *   GET    /apps/oauth/credentials/{appId}/{consumerId}?part=key|secret|keyandsecret   (API 60+)
 *   GET    /apps/oauth/credentials/{appId}/{consumerId}/staged              the staged slot (API 65+)
 *   POST   /apps/oauth/credentials/{appId}/{consumerId}/staged              new staged key and secret
 *   GET    /apps/oauth/credentials/{appId}/{consumerId}/staged/{stagedId}   one staged credential
 *   PATCH  /apps/oauth/credentials/{appId}/{consumerId}/staged/{stagedId}   {"command":"rotate"} promotes it
 *   DELETE /apps/oauth/credentials/{appId}/{consumerId}/staged/{stagedId}   revokes it (204)
 *
 * Staged credentials coexist with the primary ones and both mint tokens; after a rotation the
 * former primary credentials sit in the staged slot as "Rotated" (and still mint) until deleted or
 * expired; one staged credential per consumer.
 */
import { json, restError, type SimRequest, type SimResponse } from './http.js';
import { consumerKey, consumerSecret, KEY_PREFIX, sameId } from './ids.js';
import { CONNECTED_APP_TYPE, HEADER_TYPE, type AppCredentials, type OrgState, STAGED_VALIDITY_DAYS, type StagedCredential, type StoredComponent, type UserRecord } from './store.js';

/** Salesforce's answers, in one place (wordings UNCONFIRMED unless the README says otherwise). */
export const CREDENTIALS_ERRORS = {
  /** the org setting "Allow access to External Client App consumer secrets via REST API" is off */
  settingOff: (): SimResponse =>
    restError(403, 'FUNCTIONALITY_NOT_ENABLED', 'This feature is not currently enabled for this user type or org: [enableClientSecretInRestApiAccess]'),
  /** the calling user lacks External Client App Developer / View Client Secret (or a viewer permission to read keys) */
  noPermission: (missing: readonly string[]): SimResponse =>
    restError(403, 'INSUFFICIENT_ACCESS', `You don't have permission to manage this external client app's OAuth credentials. Missing user permissions: ${missing.join(', ')}.`),
  /** packaged or installed apps cannot use the staged-credentials resources */
  notLocal: (): SimResponse => restError(400, 'INVALID_OPERATION', 'Staged OAuth credentials are available only for local external client apps.'),
  /** a second staged credential while one is Active */
  alreadyStaged: (): SimResponse =>
    restError(400, 'INVALID_OPERATION', 'This OAuth consumer already has staged credentials. Rotate or delete them before you stage new credentials.'),
  badPart: (part: string): SimResponse => restError(400, 'INVALID_INPUT', `Invalid value for part: ${part}. Valid values are key, secret, keyandsecret.`),
  badCommand: (): SimResponse => restError(400, 'INVALID_INPUT', 'The request body must be {"command":"rotate"}.'),
  /** PATCH rotate on credentials that are not Active staged ones */
  notRotatable: (state: string): SimResponse => restError(400, 'INVALID_OPERATION', `Staged credentials in state ${state} can't be rotated.`),
  notFound: (): SimResponse => restError(404, 'NOT_FOUND', 'The requested resource does not exist'),
};

/** Permissions the staged-credentials resources need (Help, "Stage, Rotate, and Delete OAuth Credentials"). */
export const STAGE_PERMISSIONS = ['ExternalClientAppDeveloper', 'ViewClientSecret'] as const;
/** Reading a key: any of the ECA permissions (UNCONFIRMED). */
const READ_KEY_PERMISSIONS = ['ExternalClientAppViewer', 'ExternalClientAppAdmin', 'ExternalClientAppDeveloper'] as const;

type Consumer = { app: StoredComponent; owner: string; kind: 'eca' | 'ca'; credentials: AppCredentials };

function readBody(req: SimRequest): unknown {
  const text = req.body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export class CredentialsResources {
  public constructor(private readonly now: () => number) {}

  /** rest: "apps/oauth/credentials/..." without the prefix split into parts. */
  public handle(req: SimRequest, org: OrgState, user: UserRecord, version: string, parts: string[]): SimResponse {
    const v = Number.parseFloat(version);
    const [appId, consumerId, staged, stagedId, ...extra] = parts;
    if (!appId || extra.length > 0 || v < 60) return CREDENTIALS_ERRORS.notFound();
    const base = `/services/data/v${version}/apps/oauth/credentials`;
    if (consumerId === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
      const refused = this.readRefusal(org, user);
      if (refused) return refused;
      const consumers = this.consumersOf(org, appId);
      if (!consumers) return CREDENTIALS_ERRORS.notFound();
      const url = `${base}/${appId}`;
      return json(200, { consumers: consumers.map((c) => this.consumerView(c, base, appId, version, 'key')), currentPageUrl: url, nextPageUrl: null });
    }
    const consumer = this.consumer(org, appId, consumerId);
    if (staged === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
      const part = (req.query.get('part') ?? 'key').toLowerCase();
      if (!['key', 'secret', 'keyandsecret'].includes(part)) return CREDENTIALS_ERRORS.badPart(part);
      if (part !== 'key') {
        if (!org.settings.enableClientSecretInRestApiAccess) return CREDENTIALS_ERRORS.settingOff();
        const missing = STAGE_PERMISSIONS.filter((p) => !org.hasPermission(user, p));
        if (missing.length) return CREDENTIALS_ERRORS.noPermission(missing);
      } else {
        const refused = this.readRefusal(org, user);
        if (refused) return refused;
      }
      if (!consumer) return CREDENTIALS_ERRORS.notFound();
      return json(200, this.consumerView(consumer, base, appId, version, part as 'key' | 'secret' | 'keyandsecret'));
    }
    if (staged !== 'staged' || v < 65) return CREDENTIALS_ERRORS.notFound();
    // staged resources: the org setting, then the user's permissions, then the app
    if (!org.settings.enableClientSecretInRestApiAccess) return CREDENTIALS_ERRORS.settingOff();
    const missing = STAGE_PERMISSIONS.filter((p) => !org.hasPermission(user, p));
    if (missing.length) return CREDENTIALS_ERRORS.noPermission(missing);
    if (!consumer || consumer.kind !== 'eca') return CREDENTIALS_ERRORS.notFound();
    if (!isLocal(consumer.app)) return CREDENTIALS_ERRORS.notLocal();
    const consumerUrl = `${base}/${appId}/${consumerId}`;
    if (stagedId === undefined) return this.stagedCollection(req, org, user, consumer, consumerUrl);
    return this.stagedOne(req, org, consumer, consumerUrl, stagedId);
  }

  /** Reading keys: any ECA permission (UNCONFIRMED); the setting is not needed for keys. */
  private readRefusal(org: OrgState, user: UserRecord): SimResponse | undefined {
    return READ_KEY_PERMISSIONS.some((p) => org.hasPermission(user, p)) ? undefined : CREDENTIALS_ERRORS.noPermission([READ_KEY_PERMISSIONS[0]]);
  }

  private consumersOf(org: OrgState, appId: string): Consumer[] | undefined {
    const app = [...org.componentsOf(HEADER_TYPE), ...org.componentsOf(CONNECTED_APP_TYPE)].find((c) => sameId(c.id, appId));
    if (!app) return undefined;
    const kind = app.type === HEADER_TYPE ? 'eca' : 'ca';
    const owner = `${kind}:${app.fullName}`;
    const credentials = org.credentials.get(owner);
    return credentials ? [{ app, owner, kind, credentials }] : [];
  }

  private consumer(org: OrgState, appId: string, consumerId: string): Consumer | undefined {
    return this.consumersOf(org, appId)?.find((c) => sameId(c.credentials.consumerId, consumerId));
  }

  /** "App Oauth Credentials": id, key, name, secret, stagedCredentialsUrl, url. */
  private consumerView(c: Consumer, base: string, appId: string, version: string, part: 'key' | 'secret' | 'keyandsecret'): Record<string, unknown> {
    const url = `${base}/${appId}/${c.credentials.consumerId}`;
    return {
      id: c.credentials.consumerId,
      ...(part !== 'secret' ? { key: c.credentials.consumerKey } : {}),
      name: c.app.fullName,
      ...(part !== 'key' ? { secret: c.credentials.consumerSecret } : {}),
      ...(Number.parseFloat(version) >= 65 && c.kind === 'eca' ? { stagedCredentialsUrl: `${url}/staged` } : {}),
      url,
    };
  }

  /** "App Oauth Staged Credentials": createdBy, createdDate, expirationDate, id, key, secret, stagedCredentialsUrl, state, url. */
  private stagedView(org: OrgState, s: StagedCredential, consumerUrl: string): Record<string, unknown> {
    const creator = org.user(s.createdById);
    return {
      createdBy: creator?.username ?? s.createdById,
      createdDate: s.createdDate,
      expirationDate: s.expirationDate,
      id: s.id,
      key: s.key,
      secret: s.secret,
      stagedCredentialsUrl: `${consumerUrl}/staged`,
      state: s.state,
      // the staged credential's own address (how peers PATCH and DELETE it); the guide's wording
      // ("URL for the primary credentials") differs: see README
      url: `${consumerUrl}/staged/${s.id}`,
    };
  }

  private stagedCollection(req: SimRequest, org: OrgState, user: UserRecord, c: Consumer, consumerUrl: string): SimResponse {
    const collectionUrl = `${consumerUrl}/staged`;
    if (req.method === 'GET') {
      const staged = org.stagedOf(c.credentials, this.now());
      return json(200, { stagedCredentials: staged ? [this.stagedView(org, staged, consumerUrl)] : [], url: collectionUrl });
    }
    if (req.method !== 'POST') return methodNotAllowed(req.method, 'GET, POST');
    const current = org.stagedOf(c.credentials, this.now());
    if (current?.state === 'Active') return CREDENTIALS_ERRORS.alreadyStaged();
    // a Rotated or Expired credential in the slot gives way (it stops minting): inferred, see README
    const created = new Date(this.now());
    const staged: StagedCredential = {
      id: org.newId(KEY_PREFIX.StagedCredential),
      key: consumerKey(),
      secret: consumerSecret(),
      state: 'Active',
      createdDate: created.toISOString(),
      createdById: user.id,
      expirationDate: new Date(created.getTime() + STAGED_VALIDITY_DAYS * 86_400_000).toISOString(),
    };
    c.credentials.staged = staged;
    return json(201, { stagedCredentials: [this.stagedView(org, staged, consumerUrl)], url: collectionUrl });
  }

  private stagedOne(req: SimRequest, org: OrgState, c: Consumer, consumerUrl: string, stagedId: string): SimResponse {
    const staged = org.stagedOf(c.credentials, this.now());
    if (!staged || !sameId(staged.id, stagedId)) return CREDENTIALS_ERRORS.notFound();
    switch (req.method) {
      case 'GET':
        return json(200, this.stagedView(org, staged, consumerUrl));
      case 'DELETE':
        c.credentials.staged = undefined;
        return { status: 204, contentType: 'application/json;charset=UTF-8', body: '' };
      case 'PATCH': {
        const body = readBody(req);
        if (typeof body !== 'object' || body === null || (body as { command?: unknown }).command !== 'rotate') return CREDENTIALS_ERRORS.badCommand();
        if (staged.state !== 'Active') return CREDENTIALS_ERRORS.notRotatable(staged.state);
        const creds = c.credentials;
        const now = new Date(this.now());
        // the former primary credentials take the staged slot as Rotated; the staged ones become primary
        const previous: StagedCredential = {
          id: creds.primaryId ?? org.newId(KEY_PREFIX.StagedCredential),
          key: creds.consumerKey,
          secret: creds.consumerSecret,
          state: 'Rotated',
          createdDate: creds.primaryCreatedDate ?? now.toISOString(),
          createdById: staged.createdById,
          expirationDate: new Date(now.getTime() + STAGED_VALIDITY_DAYS * 86_400_000).toISOString(),
        };
        creds.consumerKey = staged.key;
        creds.consumerSecret = staged.secret;
        creds.primaryId = staged.id;
        creds.primaryCreatedDate = staged.createdDate;
        creds.staged = previous;
        return json(200, this.stagedView(org, { ...staged, state: 'Active' }, consumerUrl));
      }
      default:
        return methodNotAllowed(req.method, 'GET, PATCH, DELETE');
    }
  }
}

function isLocal(app: StoredComponent): boolean {
  const state = typeof app.values.distributionState === 'string' ? app.values.distributionState : 'Local';
  return state === 'Local' && app.manageableState !== 'installed' && !app.namespacePrefix;
}

function methodNotAllowed(method: string, allowed: string): SimResponse {
  return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);
}
