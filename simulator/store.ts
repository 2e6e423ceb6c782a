/**
 * The simulator's state: orgs (users, profiles, permission sets, settings, metadata components,
 * app credentials) and the sessions and refresh tokens issued for them. All orgs share one
 * server; requests find their org through the token they carry.
 */
import { CONNECTED_APP_TYPE, GLOBAL_OAUTH_TYPE, HEADER_TYPE, mdapiPath } from './metadata/components.js';
import type { MetadataValue, MetadataValues } from './metadata/values.js';
import { accessToken, consumerKey, consumerSecret, IdFactory, KEY_PREFIX, refreshToken, sameId, to15, to18 } from './ids.js';
import { type ComponentSeed, type LoginSeed, type ManageableState, type OrgSeed, type PackageSeed, seedDate } from './seed.js';

export const DEFAULT_API_VERSION = '66.0';
/** The client id `sf` logs in with. */
export const CLI_CLIENT_ID = 'PlatformCLI';
export const CLI_APP_NAME = 'Salesforce CLI';

export {
  CONNECTED_APP_TYPE,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  OAUTH_POLICIES_TYPE,
  OAUTH_SETTINGS_TYPE,
  POLICIES_TYPE,
  mdapiPath,
} from './metadata/components.js';

export type OrgSettings = {
  /** ExternalClientAppSettings: consumer secrets readable through the Metadata API (deprecated by Salesforce) */
  enableConsumerSecretApiAccess: boolean;
  /** ExternalClientAppSettings (API 60+): consumer secrets and staged credentials through Connect REST */
  enableClientSecretInRestApiAccess: boolean;
  /** ExternalClientAppSettings (API 60+) */
  enablePackageEcaOauthFromDevOrg: boolean;
  /** Connected App creation re-enabled for this org by Salesforce Support (blocked by default since Spring '26) */
  connectedAppCreationEnabled: boolean;
};

/**
 * User permissions, by their API name without the "Permissions" prefix of the Profile and
 * PermissionSet fields (PermissionsViewClientSecret -> "ViewClientSecret").
 */
export const USER_PERMISSIONS = [
  'ApiEnabled',
  'ApiUserOnly',
  'AssignPermissionSets',
  'CustomizeApplication',
  'ExternalClientAppAdmin',
  'ExternalClientAppDeveloper',
  'ExternalClientAppViewer',
  'ManageUsers',
  'ModifyAllData',
  'MonitorLoginHistory',
  'ViewAllData',
  'ViewClientSecret',
  'ViewSetup',
] as const;
export type UserPermission = (typeof USER_PERMISSIONS)[number];

export type ProfileRecord = { id: string; name: string; apiOnly: boolean; modifyAllData: boolean; permissions: Set<string> };
export type PermissionSetRecord = { id: string; name: string; label: string; modifyAllData: boolean; apiOnly: boolean; permissions: Set<string>; description?: string };
export type UserRecord = {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  profileId: string;
  permissionSetIds: string[];
  isActive: boolean;
  apiOnly: boolean;
  createdDate: string;
};

export type StoredComponent = {
  id: string;
  type: string;
  fullName: string;
  /** field values without consumerKey/consumerSecret, which live in the org's credentials */
  values: MetadataValues;
  /** MDAPI path inside a retrieve zip: "externalClientApps/Acme.eca" */
  fileName: string;
  /** the file as deployed, for types the simulator does not model */
  content?: string;
  namespacePrefix?: string;
  manageableState: ManageableState;
  createdDate: string;
  createdById: string;
  lastModifiedDate: string;
  lastModifiedById: string;
};

/**
 * One staged credential of an OAuth consumer (Connect REST "App Oauth Staged Credentials"): states
 * Active (staged, not yet promoted), Rotated (the former primary after a rotation), Expired.
 */
export type StagedCredential = {
  id: string;
  key: string;
  secret: string;
  state: 'Active' | 'Rotated' | 'Expired';
  createdDate: string;
  createdById: string;
  expirationDate: string;
};

export type AppCredentials = {
  consumerKey: string;
  consumerSecret: string;
  consumerId: string;
  /** the id the primary credentials carry once they are rotated into the staged slot (given then) */
  primaryId?: string;
  /** when the primary credentials were created or last promoted (not served: the resource gives no date) */
  primaryCreatedDate?: string;
  /** the one staged slot of the consumer */
  staged?: StagedCredential;
};

/** Staged credentials are valid for 30 days unless deleted before (Connect REST "App Oauth Staged Credentials"). */
export const STAGED_VALIDITY_DAYS = 30;

/** A LoginHistory row (object reference: LoginType and LoginSubType as their labels). */
export type LoginHistoryRecord = {
  id: string;
  userId: string;
  loginTime: string;
  loginType: string;
  loginSubType: string | null;
  apiType: string | null;
  apiVersion: string | null;
  application: string | null;
  status: string;
  sourceIp: string | null;
  loginUrl: string | null;
  browser: string | null;
  platform: string | null;
  clientVersion: string | null;
  tlsProtocol: string | null;
  countryIso: string | null;
};

/** A ScratchOrgInfo record of a Dev Hub. */
export type ScratchOrgInfoRecord = {
  id: string;
  status: 'New' | 'Creating' | 'Active' | 'Error' | 'Deleted';
  errorCode: string | null;
  orgName: string;
  edition: string;
  signupUsername: string | null;
  adminEmail: string | null;
  connectedAppConsumerKey: string | null;
  connectedAppCallbackUrl: string | null;
  authCode: string | null;
  loginUrl: string | null;
  scratchOrg: string | null;
  scratchOrgAlias?: string;
  durationDays: number;
  namespace: string | null;
  createdDate: string;
  expirationDate: string;
  createdById: string;
};

export type OAuthTokenRecord = {
  id: string;
  appName: string;
  userId: string;
  useCount: number;
  lastUsedDate: string;
  createdDate: string;
};

export type Session = {
  token: string;
  orgId: string;
  userId: string;
  app: string;
  issuedAt: number;
  /** OAuth scope tokens the session carries ("api", "web", ...): REST and SOAP need api (or full) */
  scopes: readonly string[];
  /** epoch ms after which the token is refused (JWT access tokens); none: until expired or revoked */
  expiresAt?: number;
};

/** The scopes of the CLI's own sessions (PlatformCLI) and of sessions a test issues directly. */
export const CLI_SCOPES: readonly string[] = ['web', 'openid', 'api', 'id', 'refresh_token'];
export type RefreshGrant = { token: string; orgId: string; userId: string; clientId: string; app: string; scopes: readonly string[] };

/**
 * The standard profiles every org has, with the permissions the simulator gives them. Which ECA
 * permissions Salesforce's System Administrator profile carries is UNCONFIRMED: the simulator gives
 * it all of them, and a test takes them away with `OrgState.setPermission`.
 */
const STANDARD_PROFILES: ReadonlyArray<{ name: string; apiOnly: boolean; modifyAllData: boolean; permissions: readonly string[] }> = [
  {
    name: 'System Administrator',
    apiOnly: false,
    modifyAllData: true,
    permissions: [
      'ApiEnabled',
      'AssignPermissionSets',
      'CustomizeApplication',
      'ExternalClientAppAdmin',
      'ExternalClientAppDeveloper',
      'ExternalClientAppViewer',
      'ManageUsers',
      'ModifyAllData',
      'MonitorLoginHistory',
      'ViewAllData',
      'ViewClientSecret',
      'ViewSetup',
    ],
  },
  { name: 'Standard User', apiOnly: false, modifyAllData: false, permissions: ['ApiEnabled'] },
  { name: 'Minimum Access - Salesforce', apiOnly: false, modifyAllData: false, permissions: [] },
  { name: 'Minimum Access - API Only Integrations', apiOnly: true, modifyAllData: false, permissions: ['ApiEnabled', 'ApiUserOnly'] },
];

/** The permissions a profile or permission set seed states, with its apiOnly / modifyAllData flags folded in. */
function permissionSet(names: readonly string[] | undefined, apiOnly: boolean, modifyAllData: boolean): Set<string> {
  const set = new Set(names ?? []);
  if (apiOnly) set.add('ApiUserOnly');
  // Modify All Data brings View All Data and Customize Application with it, as in Salesforce's admin profiles
  if (modifyAllData) for (const p of ['ModifyAllData', 'ViewAllData', 'CustomizeApplication']) set.add(p);
  return set;
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function componentKey(type: string, fullName: string): string {
  return `${type}:${fullName}`;
}

/** "eca:<App>" or "ca:<App>": the owner of a set of credentials. */
export function credentialsOwner(type: string, values: MetadataValues, fullName: string): string | undefined {
  if (type === CONNECTED_APP_TYPE) return `ca:${fullName}`;
  if (type === HEADER_TYPE) return `eca:${fullName}`;
  const owner = values.externalClientApplication;
  return type === GLOBAL_OAUTH_TYPE && typeof owner === 'string' ? `eca:${owner}` : undefined;
}

function asRecord(v: MetadataValue | undefined): MetadataValues | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** Removes consumerKey/consumerSecret from a component's values; returns them. */
export function takeSecrets(type: string, values: MetadataValues): { values: MetadataValues; key?: string; secret?: string } {
  const str = (v: MetadataValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  if (type === GLOBAL_OAUTH_TYPE) {
    const { consumerKey: key, consumerSecret: secret, ...rest } = values;
    return { values: rest, key: str(key), secret: str(secret) };
  }
  if (type === CONNECTED_APP_TYPE) {
    const oauth = asRecord(values.oauthConfig);
    if (!oauth) return { values };
    const { consumerKey: key, consumerSecret: secret, ...rest } = oauth;
    return { values: { ...values, oauthConfig: rest }, key: str(key), secret: str(secret) };
  }
  return { values };
}

/** A LoginHistory row from what a seed or a login states. */
export function loginRow(id: string, userId: string, l: LoginSeed): LoginHistoryRecord {
  return {
    id,
    userId,
    loginTime: l.loginTime ?? new Date().toISOString(),
    loginType: l.loginType,
    loginSubType: l.loginSubType ?? null,
    apiType: l.apiType ?? 'N/A',
    apiVersion: l.apiVersion ?? 'N/A',
    application: l.application ?? null,
    status: l.status ?? 'Success',
    sourceIp: l.sourceIp ?? '127.0.0.1',
    loginUrl: l.loginUrl ?? null,
    browser: l.browser ?? 'Unknown',
    platform: l.platform ?? 'Unknown',
    clientVersion: l.clientVersion ?? 'N/A',
    tlsProtocol: l.tlsProtocol ?? 'TLS 1.3',
    countryIso: l.countryIso ?? null,
  };
}

export class OrgState {
  public readonly alias: string;
  /** changes when a sandbox is refreshed (a new org is created for each refresh) */
  public orgId: string;
  public name: string;
  public isSandbox: boolean;
  public edition: string;
  public instanceName: string;
  public myDomain: string;
  public apiVersion: string;
  /**
   * Minutes a newly saved app takes before it issues tokens (0: at once). Salesforce reports up to
   * 30 minutes for ECAs; the `propagation` fault sets it for every org.
   */
  public propagationMinutes: number;
  /** seconds an access token lives (undefined: until revoked or expired by a fault) */
  public accessTokenLifetimeSeconds?: number;
  /** the org is a Dev Hub: ScratchOrgInfo can be queried and inserted */
  public isDevHub: boolean;
  /** a sandbox's name (appended to usernames on refresh); default the alias */
  public sandboxName: string;
  /** the alias of the org a refresh copies (default: the org itself) */
  public sandboxOf?: string;
  /** false: the org has no My Domain (legacy; userinfo gives no custom_domain) */
  public hasMyDomain: boolean;
  public readonly settings: OrgSettings;
  public readonly profiles: ProfileRecord[] = [];
  public readonly permissionSets: PermissionSetRecord[] = [];
  public readonly users: UserRecord[] = [];
  public readonly components = new Map<string, StoredComponent>();
  /** by credentialsOwner(): "eca:<App>" / "ca:<App>" */
  public readonly credentials = new Map<string, AppCredentials>();
  public readonly oauthTokens: OAuthTokenRecord[] = [];
  public readonly loginHistory: LoginHistoryRecord[] = [];
  public readonly scratchOrgInfos: ScratchOrgInfoRecord[] = [];
  /** installed packages (namespace, name, publisher) */
  public readonly packages: PackageSeed[];
  public cliUsername: string;
  /** the refresh token `sf` holds for cliUsername (client id PlatformCLI) */
  public cliRefreshToken = '';
  private readonly derivedIds = new Map<string, string>();

  public constructor(
    seed: OrgSeed,
    private readonly ids: IdFactory,
    public instanceUrl: string
  ) {
    this.alias = seed.alias;
    this.orgId = seed.orgId ? to18(seed.orgId) : ids.id(KEY_PREFIX.Organization);
    this.name = seed.name ?? `${seed.alias} org`;
    this.isSandbox = seed.isSandbox ?? false;
    this.edition = seed.edition ?? 'Developer Edition';
    this.instanceName = seed.instanceName ?? 'SIM1';
    this.myDomain = seed.myDomain ?? `${seed.alias}-sim`;
    this.apiVersion = seed.apiVersion ?? DEFAULT_API_VERSION;
    this.propagationMinutes = seed.propagationMinutes ?? 0;
    this.accessTokenLifetimeSeconds = seed.accessTokenLifetimeSeconds;
    this.isDevHub = seed.isDevHub ?? false;
    this.sandboxName = seed.sandboxName ?? seed.alias;
    this.sandboxOf = seed.sandboxOf;
    this.hasMyDomain = seed.hasMyDomain ?? true;
    this.packages = (seed.packages ?? []).map((p) => ({ ...p }));
    this.settings = {
      enableConsumerSecretApiAccess: seed.settings?.enableConsumerSecretApiAccess ?? false,
      enableClientSecretInRestApiAccess: seed.settings?.enableClientSecretInRestApiAccess ?? false,
      enablePackageEcaOauthFromDevOrg: seed.settings?.enablePackageEcaOauthFromDevOrg ?? false,
      connectedAppCreationEnabled: seed.settings?.connectedAppCreationEnabled ?? false,
    };
    for (const p of STANDARD_PROFILES) {
      if (!seed.profiles?.some((s) => eq(s.name, p.name))) {
        this.profiles.push({ id: ids.id(KEY_PREFIX.Profile), name: p.name, apiOnly: p.apiOnly, modifyAllData: p.modifyAllData, permissions: permissionSet(p.permissions, p.apiOnly, p.modifyAllData) });
      }
    }
    for (const p of seed.profiles ?? []) {
      const apiOnly = p.apiOnly ?? false;
      const modifyAllData = p.modifyAllData ?? false;
      this.profiles.push({ id: ids.id(KEY_PREFIX.Profile), name: p.name, apiOnly, modifyAllData, permissions: permissionSet(p.permissions ?? ['ApiEnabled'], apiOnly, modifyAllData) });
    }
    for (const ps of seed.permissionSets ?? []) {
      const apiOnly = ps.apiOnly ?? false;
      const modifyAllData = ps.modifyAllData ?? false;
      this.permissionSets.push({
        id: ids.id(KEY_PREFIX.PermissionSet),
        name: ps.name,
        label: ps.label ?? ps.name.replace(/_/g, ' '),
        modifyAllData,
        apiOnly,
        permissions: permissionSet(ps.permissions, apiOnly, modifyAllData),
      });
    }
    const created = new Date().toISOString();
    for (const u of seed.users) {
      const profile = this.profile(u.profile);
      if (!profile) throw new Error(`org ${seed.alias}: user ${u.username} names unknown profile "${u.profile}"`);
      const permissionSetIds = (u.permissionSets ?? []).map((name) => {
        const ps = this.permissionSet(name);
        if (!ps) throw new Error(`org ${seed.alias}: user ${u.username} names unknown permission set "${name}"`);
        return ps.id;
      });
      const local = u.username.split('@')[0];
      this.users.push({
        id: ids.id(KEY_PREFIX.User),
        username: u.username,
        firstName: u.firstName ?? '',
        lastName: u.lastName ?? local,
        email: u.email ?? u.username,
        profileId: profile.id,
        permissionSetIds,
        isActive: u.isActive ?? true,
        apiOnly: u.apiOnly ?? false,
        createdDate: created,
      });
    }
    this.cliUsername = seed.cliUser ?? seed.users[0].username;
    if (!this.user(this.cliUsername)) throw new Error(`org ${seed.alias}: cliUser ${this.cliUsername} is not one of its users`);
    for (const c of seed.components ?? []) this.addComponent(c);
    for (const t of seed.oauthTokens ?? []) {
      const user = this.user(t.username);
      if (!user) throw new Error(`org ${seed.alias}: oauthTokens names unknown user ${t.username}`);
      this.oauthTokens.push({
        id: ids.id(KEY_PREFIX.OauthToken),
        appName: t.app,
        userId: user.id,
        useCount: t.useCount ?? 1,
        lastUsedDate: seedDate(t.lastUsedDate) ?? created,
        createdDate: seedDate(t.createdDate) ?? created,
      });
    }
    for (const l of seed.loginHistory ?? []) {
      const user = this.user(l.username);
      if (!user) throw new Error(`org ${seed.alias}: loginHistory names unknown user ${l.username}`);
      this.loginHistory.push(loginRow(ids.id(KEY_PREFIX.LoginHistory), user.id, { ...l, loginTime: seedDate(l.loginTime) }));
    }
  }

  public get orgId15(): string {
    return to15(this.orgId);
  }

  /** https://<myDomain>.my.salesforce.com (or the sandbox form): the org's nominal My Domain URL */
  public get myDomainUrl(): string {
    return this.isSandbox ? `https://${this.myDomain}.sandbox.my.salesforce.com` : `https://${this.myDomain}.my.salesforce.com`;
  }

  public newId(prefix: string): string {
    return this.ids.id(prefix);
  }

  /** A stable id for a computed row (the same key gives the same id). */
  public newIdFor(key: string, prefix: string): string {
    let id = this.derivedIds.get(key);
    if (!id) {
      id = this.newId(prefix);
      this.derivedIds.set(key, id);
    }
    return id;
  }

  public profile(nameOrId: string): ProfileRecord | undefined {
    return this.profiles.find((p) => eq(p.name, nameOrId) || sameId(p.id, nameOrId));
  }

  public permissionSet(name: string): PermissionSetRecord | undefined {
    return this.permissionSets.find((p) => eq(p.name, name));
  }

  public user(usernameOrId: string): UserRecord | undefined {
    return this.users.find((u) => eq(u.username, usernameOrId) || (usernameOrId.length >= 15 && sameId(u.id, usernameOrId)));
  }

  public userPermissionSets(user: UserRecord): PermissionSetRecord[] {
    return this.permissionSets.filter((ps) => user.permissionSetIds.includes(ps.id));
  }

  public isAdmin(user: UserRecord): boolean {
    return (this.profile(user.profileId)?.modifyAllData ?? false) || this.userPermissionSets(user).some((ps) => ps.modifyAllData);
  }

  public isApiOnly(user: UserRecord): boolean {
    return user.apiOnly || (this.profile(user.profileId)?.apiOnly ?? false) || this.userPermissionSets(user).some((ps) => ps.apiOnly);
  }

  /** Whether the user holds a permission through their profile or an assigned permission set. */
  public hasPermission(user: UserRecord, permission: string): boolean {
    const holders: Array<{ permissions: Set<string> }> = [...this.userPermissionSets(user)];
    const profile = this.profile(user.profileId);
    if (profile) holders.push(profile);
    return holders.some((h) => h.permissions.has(permission));
  }

  /**
   * Grants or takes away a permission on a profile or permission set (by name), as an admin would
   * in Setup: `org.setPermission('System Administrator', 'ViewClientSecret', false)`.
   */
  public setPermission(holderName: string, permission: string, enabled: boolean): void {
    const holder = this.profile(holderName) ?? this.permissionSet(holderName);
    if (!holder) throw new Error(`org ${this.alias} has no profile or permission set "${holderName}"`);
    if (enabled) holder.permissions.add(permission);
    else holder.permissions.delete(permission);
    if (permission === 'ApiUserOnly') holder.apiOnly = enabled;
    if (permission === 'ModifyAllData') holder.modifyAllData = enabled;
  }

  /** Creates or updates a permission set (a deployed PermissionSet, or a test's arrangement). */
  public upsertPermissionSet(name: string, fields: { label?: string; description?: string; permissions?: readonly string[] } = {}): PermissionSetRecord {
    const permissions = new Set(fields.permissions ?? []);
    const existing = this.permissionSet(name);
    if (existing) {
      if (fields.label) existing.label = fields.label;
      if (fields.description !== undefined) existing.description = fields.description;
      if (fields.permissions) {
        existing.permissions = permissions;
        existing.apiOnly = permissions.has('ApiUserOnly');
        existing.modifyAllData = permissions.has('ModifyAllData');
      }
      return existing;
    }
    const ps: PermissionSetRecord = {
      id: this.newId(KEY_PREFIX.PermissionSet),
      name,
      label: fields.label ?? name.replace(/_/g, ' '),
      modifyAllData: permissions.has('ModifyAllData'),
      apiOnly: permissions.has('ApiUserOnly'),
      permissions,
      ...(fields.description !== undefined ? { description: fields.description } : {}),
    };
    this.permissionSets.push(ps);
    return ps;
  }

  /** The id of the PermissionSetAssignment of a user to a permission set (stable). */
  public assignmentId(userId: string, permissionSetId: string): string {
    return this.newIdFor(`psa:${to15(userId)}:${to15(permissionSetId)}`, KEY_PREFIX.PermissionSetAssignment);
  }

  /**
   * Marks an app (header and satellites) as saved at a time, as if an admin edited it then: the
   * LastModifiedDate SOQL and listMetadata read, and what propagation is measured from.
   */
  public setAppModified(app: string, when: Date | string): void {
    const header = this.component(HEADER_TYPE, app) ?? this.component(CONNECTED_APP_TYPE, app);
    if (!header) throw new Error(`org ${this.alias} has no app "${app}"`);
    const iso = typeof when === 'string' ? new Date(when).toISOString() : when.toISOString();
    for (const c of [header, ...this.satellitesOf(app)]) c.lastModifiedDate = iso;
  }

  /** Records a login (LoginHistory), as Salesforce does for every login attempt. */
  public recordLogin(userId: string, login: LoginSeed): LoginHistoryRecord {
    const row = loginRow(this.newId(KEY_PREFIX.LoginHistory), userId, login);
    this.loginHistory.push(row);
    return row;
  }

  public component(type: string, fullName: string): StoredComponent | undefined {
    return this.components.get(componentKey(type, fullName));
  }

  public componentsOf(type: string): StoredComponent[] {
    return [...this.components.values()].filter((c) => c.type === type).sort((a, b) => a.fullName.localeCompare(b.fullName));
  }

  /** The satellites whose externalClientApplication names the app. */
  public satellitesOf(app: string): StoredComponent[] {
    return [...this.components.values()].filter((c) => c.type !== HEADER_TYPE && c.values.externalClientApplication === app);
  }

  /** The app's satellite of one type, found through externalClientApplication. */
  public satellite(app: string, type: string): StoredComponent | undefined {
    return this.satellitesOf(app).find((c) => c.type === type);
  }

  /** Creates or replaces a component; keeps id and creation data of the one it replaces. */
  public putComponent(type: string, fullName: string, values: MetadataValues, userId: string, extra: Partial<StoredComponent> = {}): StoredComponent {
    const now = new Date().toISOString();
    const existing = this.component(type, fullName);
    const stored: StoredComponent = {
      id: existing?.id ?? this.newId(type === HEADER_TYPE ? KEY_PREFIX.ExternalClientApplication : type === CONNECTED_APP_TYPE ? KEY_PREFIX.ConnectedApplication : KEY_PREFIX.MetadataComponent),
      type,
      fullName,
      values,
      fileName: existing?.fileName ?? mdapiPath(type, fullName) ?? `${type}/${fullName}`,
      manageableState: existing?.manageableState ?? 'unmanaged',
      namespacePrefix: existing?.namespacePrefix,
      createdDate: existing?.createdDate ?? now,
      createdById: existing?.createdById ?? userId,
      lastModifiedDate: now,
      lastModifiedById: userId,
      ...extra,
    };
    this.components.set(componentKey(type, fullName), stored);
    return stored;
  }

  /** The credentials of an app, created on first use; a new key or secret replaces the primary one. */
  public ensureCredentials(owner: string, key?: string, secret?: string): AppCredentials {
    const existing = this.credentials.get(owner);
    const now = new Date().toISOString();
    const creds: AppCredentials = {
      ...existing,
      consumerKey: key ?? existing?.consumerKey ?? consumerKey(),
      consumerSecret: secret ?? existing?.consumerSecret ?? consumerSecret(),
      consumerId: existing?.consumerId ?? this.newId(KEY_PREFIX.OauthConsumer),
      primaryCreatedDate: existing && (key ?? existing.consumerKey) === existing.consumerKey && (secret ?? existing.consumerSecret) === existing.consumerSecret ? (existing.primaryCreatedDate ?? now) : now,
    };
    this.credentials.set(owner, creds);
    return creds;
  }

  /** The staged credential of a consumer with its state as of now (Active or Rotated past 30 days is Expired). */
  public stagedOf(creds: AppCredentials, now = Date.now()): StagedCredential | undefined {
    const staged = creds.staged;
    if (staged && staged.state !== 'Expired' && Date.parse(staged.expirationDate) <= now) staged.state = 'Expired';
    return staged;
  }

  /** Counts a use of an app by a user (OauthToken / OAuth usage). */
  public recordUsage(appName: string, userId: string): void {
    const now = new Date().toISOString();
    const row = this.oauthTokens.find((t) => t.appName === appName && t.userId === userId);
    if (row) {
      row.useCount++;
      row.lastUsedDate = now;
    } else {
      this.oauthTokens.push({ id: this.newId(KEY_PREFIX.OauthToken), appName, userId, useCount: 1, lastUsedDate: now, createdDate: now });
    }
  }

  /**
   * Adds a component as a seed states it (no deploy checks): consumerKey/consumerSecret in its
   * values become the app's credentials, generated when missing.
   */
  public addComponent(c: ComponentSeed): StoredComponent {
    const admin = this.user(this.cliUsername) as UserRecord;
    const { values, key, secret } = takeSecrets(c.type, c.values);
    const stored = this.putComponent(c.type, c.fullName, values, admin.id, {
      namespacePrefix: c.namespacePrefix,
      manageableState: c.manageableState ?? (c.namespacePrefix ? 'installed' : 'unmanaged'),
    });
    const hasOauth = c.type === GLOBAL_OAUTH_TYPE || (c.type === CONNECTED_APP_TYPE && c.values.oauthConfig !== undefined);
    const owner = credentialsOwner(c.type, c.values, c.fullName);
    if (owner && hasOauth) this.ensureCredentials(owner, key, secret);
    return stored;
  }
}

/** Every org on the server, and the tokens that lead to them. */
export class Registry {
  public readonly ids = new IdFactory();
  public readonly orgs = new Map<string, OrgState>();
  public readonly sessions = new Map<string, Session>();
  public readonly refreshGrants = new Map<string, RefreshGrant>();

  public constructor(public baseUrl: string) {}

  public addOrg(seed: OrgSeed): OrgState {
    if (this.orgs.has(seed.alias)) throw new Error(`an org with alias "${seed.alias}" already exists`);
    const org = new OrgState(seed, this.ids, this.baseUrl);
    if ([...this.orgs.values()].some((o) => o.orgId === org.orgId)) throw new Error(`org id ${org.orgId} is used twice`);
    this.orgs.set(org.alias, org);
    const cliUser = org.user(org.cliUsername) as UserRecord;
    org.cliRefreshToken = this.grantRefreshToken(org, cliUser, CLI_CLIENT_ID, CLI_APP_NAME).token;
    return org;
  }

  public org(alias: string): OrgState {
    const org = this.orgs.get(alias);
    if (!org) throw new Error(`no org "${alias}" (have: ${[...this.orgs.keys()].join(', ')})`);
    return org;
  }

  public orgById(id: string): OrgState | undefined {
    return [...this.orgs.values()].find((o) => sameId(o.orgId, id));
  }

  public issueSession(org: OrgState, user: UserRecord, app: string, options: { scopes?: readonly string[]; token?: string; issuedAt?: number; expiresAt?: number } = {}): Session {
    const issuedAt = options.issuedAt ?? Date.now();
    // the org's access-token lifetime (a JWT access token brings its own expiry, the earlier counts)
    const lifetime = org.accessTokenLifetimeSeconds !== undefined ? issuedAt + org.accessTokenLifetimeSeconds * 1000 : undefined;
    const expiresAt = [options.expiresAt, lifetime].filter((n): n is number => n !== undefined).sort((a, b) => a - b)[0];
    const session: Session = {
      token: options.token ?? accessToken(org.orgId),
      orgId: org.orgId,
      userId: user.id,
      app,
      issuedAt,
      scopes: options.scopes ?? CLI_SCOPES,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
    this.sessions.set(session.token, session);
    return session;
  }

  public grantRefreshToken(org: OrgState, user: UserRecord, clientId: string, app: string, scopes: readonly string[] = CLI_SCOPES): RefreshGrant {
    const grant: RefreshGrant = { token: refreshToken(), orgId: org.orgId, userId: user.id, clientId, app, scopes };
    this.refreshGrants.set(grant.token, grant);
    org.recordUsage(app, user.id);
    return grant;
  }

  /** Invalidates access tokens (of one org, or all): the next call answers INVALID_SESSION_ID. */
  public expireSessions(org?: OrgState): number {
    let n = 0;
    for (const [token, s] of this.sessions) {
      if (!org || s.orgId === org.orgId) {
        this.sessions.delete(token);
        n++;
      }
    }
    return n;
  }

  /**
   * The org and app that own a consumer key, in any org on the server: the primary key, or the key
   * of live staged credentials (Active or Rotated: both mint tokens until deleted or expired).
   * `prefer` picks among orgs that share a key (a Connected App copied into a sandbox).
   */
  public findConsumer(key: string, prefer?: (org: OrgState) => boolean): { org: OrgState; owner: string; credentials: AppCredentials; secret: string; staged?: StagedCredential } | undefined {
    const found: Array<{ org: OrgState; owner: string; credentials: AppCredentials; secret: string; staged?: StagedCredential }> = [];
    for (const org of this.orgs.values()) {
      for (const [owner, credentials] of org.credentials) {
        if (credentials.consumerKey === key) found.push({ org, owner, credentials, secret: credentials.consumerSecret });
        const staged = org.stagedOf(credentials);
        if (staged && staged.state !== 'Expired' && staged.key === key) found.push({ org, owner, credentials, secret: staged.secret, staged });
      }
    }
    return (prefer ? found.find((f) => prefer(f.org)) : undefined) ?? found[0];
  }

  /** Every consumer entry (primary or live staged) that carries this key: a key may have both pairs. */
  public consumerSecrets(org: OrgState, owner: string, key: string): string[] {
    const creds = org.credentials.get(owner);
    if (!creds) return [];
    const out: string[] = [];
    if (creds.consumerKey === key) out.push(creds.consumerSecret);
    const staged = org.stagedOf(creds);
    if (staged && staged.state !== 'Expired' && staged.key === key) out.push(staged.secret);
    return out;
  }

  /** Ends every session and refresh token of one org (a refresh recreates the org). */
  public forgetOrgTokens(org: OrgState, orgId = org.orgId): void {
    for (const [token, s] of this.sessions) if (s.orgId === orgId) this.sessions.delete(token);
    for (const [token, g] of this.refreshGrants) if (g.orgId === orgId) this.refreshGrants.delete(token);
  }

  /** Revokes the refresh tokens (and their sessions) of an app, optionally of one user. */
  public revokeAppTokens(org: OrgState, app: string, userId?: string): void {
    for (const [token, g] of this.refreshGrants) {
      if (g.orgId === org.orgId && g.app === app && (!userId || sameId(g.userId, userId))) this.refreshGrants.delete(token);
    }
    for (const [token, s] of this.sessions) {
      if (s.orgId === org.orgId && s.app === app && (!userId || sameId(s.userId, userId))) this.sessions.delete(token);
    }
  }
}
