/**
 * Where each setting of an app is: the metadata field a setting reads (per kind of app), and the
 * file and line of that field when the app was read from files. Pure: the I/O layer passes the
 * element positions of each parsed component (fieldLocations), the reader keeps them.
 */
import type { ElementPosition } from '../xml.js';
import type { AppComponent, AppKind, AppSettings, SourceLocation } from './model.js';

/** The settings rules point at; each is one metadata field per kind of app. */
export type Setting =
  | 'app'
  | 'callbackUrls'
  | 'certificate'
  | 'clientCredentials'
  | 'consumerSecret'
  | 'consumerSecretOptional'
  | 'introspectAllTokens'
  | 'ipRelaxation'
  | 'oauthPolicies'
  | 'permittedUsers'
  | 'pkce'
  | 'refreshTokenPeriod'
  | 'refreshTokenPolicy'
  | 'refreshTokenRotation'
  | 'runAsUser'
  | 'scopes'
  | 'secretForRefreshToken'
  | 'secretForTokenExchange'
  | 'sessionTimeout'
  | 'tokenExchange';

/** Setting -> field path, `<component>.<field>[.<field>]`; the component is an ECA part or `connectedApp`. */
export const SETTING_FIELDS: Readonly<Record<Setting, Readonly<Record<AppKind, string>>>> = {
  app: { eca: 'header', connectedApp: 'connectedApp' },
  callbackUrls: { eca: 'globalOauthSettings.callbackUrl', connectedApp: 'connectedApp.oauthConfig.callbackUrl' },
  certificate: { eca: 'globalOauthSettings.certificate', connectedApp: 'connectedApp.oauthConfig.certificate' },
  clientCredentials: {
    eca: 'globalOauthSettings.isClientCredentialsFlowEnabled',
    connectedApp: 'connectedApp.oauthConfig.isClientCredentialEnabled',
  },
  consumerSecret: { eca: 'globalOauthSettings.consumerSecret', connectedApp: 'connectedApp.oauthConfig.consumerSecret' },
  consumerSecretOptional: {
    eca: 'globalOauthSettings.isConsumerSecretOptional',
    connectedApp: 'connectedApp.oauthConfig.isConsumerSecretOptional',
  },
  introspectAllTokens: {
    eca: 'globalOauthSettings.isIntrospectAllTokens',
    connectedApp: 'connectedApp.oauthConfig.isIntrospectAllTokens',
  },
  ipRelaxation: { eca: 'oauthPolicies.ipRelaxationPolicyType', connectedApp: 'connectedApp.oauthPolicy.ipRelaxation' },
  oauthPolicies: { eca: 'oauthPolicies', connectedApp: 'connectedApp.oauthPolicy' },
  permittedUsers: {
    eca: 'oauthPolicies.permittedUsersPolicyType',
    connectedApp: 'connectedApp.oauthConfig.isAdminApproved',
  },
  pkce: { eca: 'globalOauthSettings.isPkceRequired', connectedApp: 'connectedApp.oauthConfig.isPkceRequired' },
  refreshTokenPeriod: {
    eca: 'oauthPolicies.refreshTokenValidityPeriod',
    connectedApp: 'connectedApp.oauthPolicy.refreshTokenPolicy',
  },
  refreshTokenPolicy: {
    eca: 'oauthPolicies.refreshTokenPolicyType',
    connectedApp: 'connectedApp.oauthPolicy.refreshTokenPolicy',
  },
  refreshTokenRotation: {
    eca: 'globalOauthSettings.isRefreshTokenRotationEnabled',
    connectedApp: 'connectedApp.oauthConfig.isRefreshTokenRotationEnabled',
  },
  runAsUser: {
    eca: 'oauthPolicies.clientCredentialsFlowUser',
    connectedApp: 'connectedApp.oauthConfig.oauthClientCredentialUser',
  },
  scopes: { eca: 'oauthSettings.commaSeparatedOauthScopes', connectedApp: 'connectedApp.oauthConfig.scopes' },
  secretForRefreshToken: {
    eca: 'globalOauthSettings.isSecretRequiredForRefreshToken',
    connectedApp: 'connectedApp.oauthConfig.isSecretRequiredForRefreshToken',
  },
  secretForTokenExchange: {
    eca: 'globalOauthSettings.isSecretRequiredForTokenExchange',
    connectedApp: 'connectedApp.oauthConfig.isSecretRequiredForTokenExchange',
  },
  sessionTimeout: { eca: 'oauthPolicies.sessionTimeoutInMinutes', connectedApp: 'connectedApp.sessionPolicy.sessionTimeout' },
  tokenExchange: {
    eca: 'globalOauthSettings.isTokenExchangeEnabled',
    connectedApp: 'connectedApp.oauthConfig.isTokenExchangeEnabled',
  },
};

export function fieldPath(app: Pick<AppSettings, 'kind'>, setting: Setting): string {
  return SETTING_FIELDS[setting][app.kind];
}

/** Splits a field path into its component and the field path inside it ('' for the component itself). */
export function splitFieldPath(path: string): { component: AppComponent; field: string } {
  const dot = path.indexOf('.');
  return dot < 0
    ? { component: path as AppComponent, field: '' }
    : { component: path.slice(0, dot) as AppComponent, field: path.slice(dot + 1) };
}

/**
 * Where a field path is: its own element, else the nearest enclosing element the source has,
 * else the component's file, else (ECA) the header's file. Undefined for apps not read from files.
 */
export function locate(app: Pick<AppSettings, 'source'>, path: string): SourceLocation | undefined {
  const { locations, files } = app.source;
  for (let p = path; p.length > 0; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const hit = locations[p];
    if (hit) return hit;
  }
  const file = files[splitFieldPath(path).component] ?? files.header ?? files.connectedApp;
  return file === undefined ? undefined : { file };
}

/**
 * The locations of every element of one parsed component, keyed by field path: what the I/O
 * layer passes as ReadOptions.locations (merge the maps of an ECA's parts). A repeated element
 * (Connected App scopes) maps to its first occurrence.
 */
export function fieldLocations(component: AppComponent, file: string, elements: readonly ElementPosition[]): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  const walk = (prefix: string, list: readonly ElementPosition[]): void => {
    for (const e of list) {
      const path = `${prefix}.${e.name}`;
      if (!(path in out)) out[path] = e.line > 0 ? { file, line: e.line, column: e.column } : { file };
      walk(path, e.children);
    }
  };
  walk(component, elements);
  return out;
}
