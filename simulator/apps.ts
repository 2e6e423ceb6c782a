/**
 * The runtime view of an OAuth app, the same for an External Client App (header plus satellites)
 * and a Connected App: what the token endpoint needs to decide a grant.
 */
import type { MetadataValue, MetadataValues } from './metadata/values.js';
import {
  type AppCredentials,
  CONNECTED_APP_TYPE,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  OAUTH_POLICIES_TYPE,
  POLICIES_TYPE,
  OAUTH_SETTINGS_TYPE,
  type OrgState,
  type UserRecord,
} from './store.js';

export type PermittedUsers = 'AllSelfAuthorized' | 'AdminApprovedPreAuthorized';

export type OAuthApp = {
  kind: 'eca' | 'ca';
  /** developer name */
  name: string;
  label: string;
  id: string;
  credentials: AppCredentials;
  /** PEM or bare base64 DER; enables the JWT bearer flow */
  certificate?: string;
  clientCredentialsEnabled: boolean;
  clientCredentialsUser?: string;
  permittedUsers: PermittedUsers;
  profiles: string[];
  /** permission set API names (ECA) or labels (Connected App) */
  permissionSets: string[];
  scopes: string[];
  /** the app and its OAuth plugin are on (ExtlClntAppConfigurablePolicies isEnabled, isOauthPluginEnabled) */
  enabled: boolean;
  /** when the app (any of its components) was last saved, epoch ms */
  savedAt: number;
  /** ExtlClntAppGlobalOauthSettings isNamedUserJwtEnabled: access tokens are JWTs */
  jwtAccessTokens: boolean;
  /** minutes a JWT access token lives (namedUserJwtTimeout with namedUserJwtSessionTimeoutType Custom) */
  jwtTimeoutMinutes?: number;
};

function savedAt(...dates: Array<string | undefined>): number {
  return Math.max(0, ...dates.map((d) => (d ? Date.parse(d) : 0)).filter((n) => !Number.isNaN(n)));
}

function record(v: MetadataValue | undefined): MetadataValues {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

function text(v: MetadataValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function list(v: MetadataValue | undefined): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.filter((x): x is string => typeof x === 'string');
}

function commaList(v: MetadataValue | undefined): string[] {
  return (text(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The app that owns a set of credentials ("eca:<App>" or "ca:<App>"), or undefined when it is gone. */
export function oauthApp(org: OrgState, owner: string): OAuthApp | undefined {
  const credentials = org.credentials.get(owner);
  if (!credentials) return undefined;
  const [kind, name] = owner.split(/:(.*)/s) as ['eca' | 'ca', string];
  if (kind === 'ca') {
    const ca = org.component(CONNECTED_APP_TYPE, name);
    if (!ca) return undefined;
    const oauth = record(ca.values.oauthConfig);
    return {
      kind,
      name,
      label: text(ca.values.label) ?? name,
      id: ca.id,
      credentials,
      certificate: text(oauth.certificate),
      clientCredentialsEnabled: oauth.isClientCredentialEnabled === true,
      clientCredentialsUser: text(oauth.oauthClientCredentialUser),
      permittedUsers: oauth.isAdminApproved === true ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
      profiles: list(ca.values.profileName),
      permissionSets: list(ca.values.permissionSetName),
      scopes: list(oauth.scopes),
      enabled: true,
      savedAt: savedAt(ca.lastModifiedDate),
      jwtAccessTokens: oauth.isNamedUserJwtEnabled === true,
    };
  }
  const header = org.component(HEADER_TYPE, name);
  if (!header) return undefined;
  const global = org.satellite(name, GLOBAL_OAUTH_TYPE)?.values ?? {};
  const policy = org.satellite(name, OAUTH_POLICIES_TYPE)?.values ?? {};
  const settings = org.satellite(name, OAUTH_SETTINGS_TYPE)?.values ?? {};
  const switches = org.satellite(name, POLICIES_TYPE)?.values ?? {};
  const parts = [header, ...org.satellitesOf(name)];
  const timeout = typeof policy.namedUserJwtTimeout === 'number' && policy.namedUserJwtSessionTimeoutType === 'Custom' ? policy.namedUserJwtTimeout : undefined;
  return {
    kind,
    name,
    label: text(header.values.label) ?? name,
    id: header.id,
    credentials,
    certificate: text(global.certificate),
    clientCredentialsEnabled: global.isClientCredentialsFlowEnabled === true && policy.isClientCredentialsFlowEnabled === true,
    clientCredentialsUser: text(policy.clientCredentialsFlowUser),
    permittedUsers: policy.permittedUsersPolicyType === 'AdminApprovedPreAuthorized' ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
    profiles: commaList(policy.commaSeparatedProfile),
    permissionSets: commaList(policy.commaSeparatedPermissionSet),
    scopes: commaList(settings.commaSeparatedOauthScopes),
    enabled: switches.isEnabled !== false && switches.isOauthPluginEnabled !== false,
    savedAt: savedAt(...parts.map((c) => c.lastModifiedDate)),
    jwtAccessTokens: global.isNamedUserJwtEnabled === true,
    ...(timeout !== undefined ? { jwtTimeoutMinutes: timeout } : {}),
  };
}

/** Whether an admin-approved app lets this user in: by profile name or by permission set. */
export function isPreAuthorized(org: OrgState, app: OAuthApp, user: UserRecord): boolean {
  const profile = org.profile(user.profileId)?.name.toLowerCase();
  if (profile && app.profiles.some((p) => p.toLowerCase() === profile)) return true;
  const granted = org.userPermissionSets(user);
  return app.permissionSets.some((ps) => granted.some((g) => g.name === ps || (app.kind === 'ca' && g.label === ps)));
}

/** The OAuth scope token of each metadata scope name (Salesforce Help, "OAuth Tokens and Scopes"). */
const SCOPE_TOKENS: Readonly<Record<string, string>> = {
  Api: 'api',
  Basic: 'id',
  Chatter: 'chatter_api',
  CustomPermissions: 'custom_permissions',
  Full: 'full',
  OfflineAccess: 'offline_access',
  OpenID: 'openid',
  Profile: 'profile',
  RefreshToken: 'refresh_token',
  SFApiPlatform: 'sfap_api',
  SFAP: 'sfap_api',
  Web: 'web',
};

/** The scope tokens of a token response ("api", "refresh_token"), from the app's scope names. */
export function scopeTokens(scopes: readonly string[]): string[] {
  return scopes.map((s) => SCOPE_TOKENS[s] ?? s.toLowerCase());
}

/** The scope string of a token response ("api refresh_token"), from the app's scope names. */
export function scopeString(scopes: readonly string[]): string {
  return scopeTokens(scopes).join(' ');
}

/**
 * The scopes a client-credentials token carries: the app's, except full, web and
 * refresh_token/offline_access (Salesforce Help, "OAuth 2.0 Client Credentials Flow").
 */
export function clientCredentialsScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !['Full', 'Web', 'RefreshToken', 'OfflineAccess'].includes(s));
}

/** Whether a session's scopes let it call the REST and SOAP APIs (api, or full which encompasses it). */
export function allowsApi(scopeTokenList: readonly string[]): boolean {
  return scopeTokenList.includes('api') || scopeTokenList.includes('full');
}
