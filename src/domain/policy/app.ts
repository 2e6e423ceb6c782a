/**
 * One normalised model of an OAuth app, shared by External Client Apps and Connected Apps, for the
 * policy audit (`sf eca policy check`). The rules in ./rules.ts read only this model, so a rule is
 * written once for both kinds of app.
 *
 * Normalisation, in short:
 * - ECA spellings win: scopes use ECA tokens (Connected App `SFAP` is `SFApiPlatform`), the IP
 *   relaxation and refresh-token policy use the ECA enums (`BYPASS` -> `Bypass`,
 *   `specific_lifetime:1:HOURS` -> SpecificLifetime 1 Hours).
 * - A boolean the source does not set is false, as the Metadata API reads a missing xsd:boolean.
 * - A value a pipeline substitutes later (`${VAR}`, `@VAR`) is kept but marked as a placeholder;
 *   no rule judges its content.
 * - Every setting a rule can point at has a field path (`<component>.<field>`, see SETTING_FIELDS)
 *   so a finding can name the file and line (for SARIF) and `--fix` knows what to edit.
 *
 * Pure: no file, network or org access. Org facts (run-as user, org settings, token usage) are
 * injected by the caller through AuditOptions.
 */
import { X509Certificate } from 'node:crypto';
import { certificateBody, isPlaceholder } from '../certificate.js';
import type { EcaPart } from '../components.js';
import type { Component, ConnectedApp, Eca } from '../model.js';
import { ipRelaxationOf, parseConnectedAppRefreshPolicy as parseCaRefreshPolicy, refreshTokenTypeOf, refreshTokenUnitOf } from '../oauthPolicyValues.js';
import { splitScopes, toEcaScope } from '../scopes.js';
import type { ElementPosition } from '../xml.js';

export type AppKind = 'eca' | 'connectedApp';

/** The component a field path starts with: an ECA part, or the Connected App itself. */
export type AppComponent = EcaPart | 'connectedApp';

export type SourceLocation = {
  readonly file: string;
  /** 1-based; absent when only the file is known */
  readonly line?: number;
  readonly column?: number;
};

/** Field path ("oauthPolicies.refreshTokenPolicyType", "connectedApp.oauthConfig.scopes") -> where it is. */
export type FieldLocations = Readonly<Record<string, SourceLocation>>;

export type RefreshTokenPolicyType = 'Infinite' | 'Zero' | 'SpecificLifetime' | 'SpecificInactivity';
export type RefreshTokenUnit = 'Hours' | 'Days' | 'Months';
export type RefreshTokenPolicy = {
  readonly type: RefreshTokenPolicyType;
  /** with SpecificLifetime and SpecificInactivity */
  readonly period?: number;
  readonly unit?: RefreshTokenUnit;
};

export type IpRelaxation = 'Enforce' | 'Enforce_RelaxRefresh' | 'Bypass_2factor' | 'Bypass';
export type PermittedUsers = 'AdminApprovedPreAuthorized' | 'AllSelfAuthorized';

export type AppFlows = {
  /** web-server (authorization code) and user-agent flows: open to any OAuth app with a callback URL */
  readonly authorizationCode: boolean;
  /** effective: the developer switch, and the admin policy switch where the source has the policy */
  readonly clientCredentials: boolean;
  /** JWT bearer: a certificate is set (possibly a placeholder) */
  readonly jwtBearer: boolean;
  readonly device: boolean;
  /** effective, like clientCredentials */
  readonly tokenExchange: boolean;
  /** authorization code and credentials (headless) flow */
  readonly codeCredential: boolean;
  /** the app can be issued refresh tokens: RefreshToken or OfflineAccess scope, or scopes unknown */
  readonly refreshToken: boolean;
};

/** A flow that needs the developer setting and the admin policy both on. */
export type FlowSwitches = {
  /** ECA GlobalOauthSettings / Connected App oauthConfig */
  readonly developer: boolean;
  /** ECA OauthConfigurablePolicies / Connected App oauthPolicy */
  readonly policy?: boolean;
};

export type CertificateFacts =
  | { readonly status: 'placeholder'; readonly value: string }
  | { readonly status: 'unreadable'; readonly error: string }
  | {
      readonly status: 'parsed';
      readonly subject: string;
      readonly issuer: string;
      /** ISO 8601 */
      readonly validFrom: string;
      /** ISO 8601 */
      readonly validTo: string;
      readonly fingerprint256: string;
      readonly keyType?: string;
      readonly keyBits?: number;
    };

/** What the caller learnt about the client-credentials run-as user from the org. */
export type RunAsUserFacts = {
  readonly username?: string;
  /** the user has the "API Only User" permission */
  readonly isApiOnly?: boolean;
  /** ModifyAllData, ViewAllData or CustomizeApplication */
  readonly hasAdminPermissions?: boolean;
  /** which of those it has, for messages */
  readonly adminPermissions?: readonly string[];
  readonly profile?: string;
  readonly isActive?: boolean;
};

export type OrgSettingsFacts = {
  /** consumer secrets readable through the Metadata API */
  readonly enableConsumerSecretApiAccess?: boolean;
  /** consumer secrets readable through REST (/apps/oauth/credentials) */
  readonly enableClientSecretInRestApiAccess?: boolean;
};

export type OrgFacts = {
  /** 00D... */
  readonly id?: string;
  /** alias or username, as the user named the org */
  readonly name?: string;
  readonly settings?: OrgSettingsFacts;
};

export type TokenUsage = {
  /** OAuth tokens (OauthToken rows) of the app */
  readonly tokens: number;
  readonly users?: number;
  /** ISO 8601; the latest LastUsedDate */
  readonly lastUsed?: string;
};

export type AuditOptions = {
  /** field path -> file and line; see fieldLocations() */
  readonly locations?: FieldLocations;
  readonly runAsUser?: RunAsUserFacts;
  readonly org?: OrgFacts;
  readonly tokenUsage?: TokenUsage;
};

export type AuditedApp = {
  readonly kind: AppKind;
  /** developer name (ECA header, Connected App full name) */
  readonly name: string;
  readonly label?: string;
  /** ECA distributionState (Local, Packaged, ...); undefined for Connected Apps */
  readonly distributionState?: string;
  readonly packaged: boolean;
  /** OAuth is configured (ECA OAuth settings present and the OAuth plugin not off; CA oauthConfig) */
  readonly oauthEnabled: boolean;
  /** the admin policies (refresh token, IP, permitted users, ...) are in the source */
  readonly policiesInSource: boolean;
  readonly flows: AppFlows;
  /** the two switches behind flows.clientCredentials and flows.tokenExchange; policy undefined when not in source (Connected App client credentials have one switch) */
  readonly switches: {
    readonly clientCredentials: FlowSwitches;
    readonly tokenExchange: FlowSwitches;
  };
  readonly pkceRequired: boolean;
  /** "Require secret for web server flow" off: isConsumerSecretOptional */
  readonly consumerSecretOptional: boolean;
  readonly secretRequired: {
    readonly webServer: boolean;
    readonly refreshToken: boolean;
    readonly tokenExchange: boolean;
  };
  readonly refreshTokenRotation: boolean;
  /** API 67 isEnforceRefreshTokenTTL: refresh tokens expire after 30 idle days whatever the policy */
  readonly refreshTokenIdleLimit: boolean;
  /** ECA spellings; undefined when the source does not say (no ECA OAuth settings) */
  readonly scopes?: readonly string[];
  readonly refreshTokenPolicy?: RefreshTokenPolicy;
  readonly ipRelaxation?: IpRelaxation;
  readonly sessionTimeoutMinutes?: number;
  readonly permittedUsers?: PermittedUsers;
  readonly preAuthorized: { readonly profiles: readonly string[]; readonly permissionSets: readonly string[] };
  /** client-credentials run-as username (may be a placeholder) */
  readonly runAsUser?: string;
  readonly introspectAllTokens: boolean;
  readonly callbackUrls: readonly string[];
  readonly certificate?: CertificateFacts;
  /** a consumer secret is written in the app's metadata: a value, or a placeholder a pipeline fills; never the secret itself */
  readonly consumerSecret?: 'value' | 'placeholder';
  /** values the normaliser did not understand, in words */
  readonly notes: readonly string[];
  readonly facts: {
    readonly runAsUser?: RunAsUserFacts;
    readonly org?: OrgFacts;
    readonly tokenUsage?: TokenUsage;
  };
  readonly source: {
    /** the file of each component read from disk */
    readonly files: Readonly<Partial<Record<AppComponent, string>>>;
    readonly locations: FieldLocations;
  };
};

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

export function fieldPath(app: Pick<AuditedApp, 'kind'>, setting: Setting): string {
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
export function locate(app: Pick<AuditedApp, 'source'>, path: string): SourceLocation | undefined {
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
 * layer passes as AuditOptions.locations (merge the maps of an ECA's parts). A repeated element
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

// ---------------------------------------------------------------------------------------------
// value readers: the model is typed, but parsed XML may hold text where the schema wants a
// boolean or a number (placeholders, typos), so every read is checked.

type Values = Readonly<Record<string, unknown>>;

function valuesOf(component: Component<object> | undefined): Values {
  return (component?.values ?? {}) as Values;
}

function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

function text(v: unknown): string | undefined {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
  return s === undefined || s.length === 0 ? undefined : s;
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const s = text(v);
  return s !== undefined && /^-?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

function texts(v: unknown): string[] {
  const list = Array.isArray(v) ? (v as unknown[]) : v === undefined ? [] : [v];
  return list.map(text).filter((s): s is string => s !== undefined);
}

function commaList(v: unknown): string[] {
  return (text(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function lines(v: unknown): string[] {
  return (text(v) ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function record(v: unknown): Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Values) : {};
}

// ---------------------------------------------------------------------------------------------
// enums

function ipRelaxation(v: unknown, field: string, notes: string[]): IpRelaxation | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  const known = ipRelaxationOf(s);
  if (!known) notes.push(`${field} "${s}" is not one of Enforce, Enforce_RelaxRefresh, Bypass_2factor, Bypass`);
  return known;
}

/** Connected App oauthPolicy.refreshTokenPolicy: "infinite", "zero", "specific_lifetime:N:HOURS". */
export function parseConnectedAppRefreshPolicy(value: string): RefreshTokenPolicy | undefined {
  return parseCaRefreshPolicy(value);
}

function ecaRefreshPolicy(p: Values, notes: string[]): RefreshTokenPolicy | undefined {
  const raw = text(p.refreshTokenPolicyType);
  if (raw === undefined) return undefined;
  const type = refreshTokenTypeOf(raw);
  if (!type) {
    notes.push(`oauthPolicies.refreshTokenPolicyType "${raw}" is not one of Infinite, Zero, SpecificLifetime, SpecificInactivity`);
    return undefined;
  }
  if (type !== 'SpecificLifetime' && type !== 'SpecificInactivity') return { type };
  const period = int(p.refreshTokenValidityPeriod);
  const rawUnit = text(p.refreshTokenValidityUnit);
  const unit = rawUnit === undefined ? undefined : refreshTokenUnitOf(rawUnit);
  if (rawUnit !== undefined && !unit) notes.push(`oauthPolicies.refreshTokenValidityUnit "${rawUnit}" is not one of Hours, Days, Months`);
  return { type, ...(period === undefined ? {} : { period }), ...(unit === undefined ? {} : { unit }) };
}

/** Days a refresh-token period stands for (a month counts 30 days); undefined when incomplete. */
export function refreshTokenPeriodDays(policy: RefreshTokenPolicy): number | undefined {
  if (policy.period === undefined || policy.unit === undefined) return undefined;
  const perUnit: Record<RefreshTokenUnit, number> = { Hours: 1 / 24, Days: 1, Months: 30 };
  return policy.period * perUnit[policy.unit];
}

function permittedUsers(v: unknown, notes: string[]): PermittedUsers | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  if (s === 'AdminApprovedPreAuthorized' || s === 'AllSelfAuthorized') return s;
  notes.push(`oauthPolicies.permittedUsersPolicyType "${s}" is not one of AdminApprovedPreAuthorized, AllSelfAuthorized`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// certificates

/** Reads a PEM or bare base64 certificate; placeholders stay unjudged. */
export function certificateFacts(value: string | undefined): CertificateFacts | undefined {
  if (value === undefined || value.trim().length === 0) return undefined;
  if (isPlaceholder(value)) return { status: 'placeholder', value: value.trim() };
  try {
    const cert = new X509Certificate(Buffer.from(certificateBody(value), 'base64'));
    const key = cert.publicKey;
    return {
      status: 'parsed',
      subject: cert.subject.replace(/\n/g, ', '),
      issuer: cert.issuer.replace(/\n/g, ', '),
      validFrom: new Date(cert.validFrom).toISOString(),
      validTo: new Date(cert.validTo).toISOString(),
      fingerprint256: cert.fingerprint256,
      ...(key.asymmetricKeyType === undefined ? {} : { keyType: key.asymmetricKeyType }),
      ...(key.asymmetricKeyDetails?.modulusLength === undefined ? {} : { keyBits: key.asymmetricKeyDetails.modulusLength }),
    };
  } catch (e) {
    return { status: 'unreadable', error: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether a consumer secret is written, and whether it is a placeholder; the value itself is not kept. */
function secretFacts(v: unknown): 'value' | 'placeholder' | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  return isPlaceholder(s) ? 'placeholder' : 'value';
}

// ---------------------------------------------------------------------------------------------
// builders

const REFRESH_SCOPES = new Set(['RefreshToken', 'OfflineAccess']);

function refreshFlow(scopes: readonly string[] | undefined): boolean {
  return scopes === undefined || scopes.some((s) => REFRESH_SCOPES.has(s));
}

function facts(opts: AuditOptions): AuditedApp['facts'] {
  return {
    ...(opts.runAsUser ? { runAsUser: opts.runAsUser } : {}),
    ...(opts.org ? { org: opts.org } : {}),
    ...(opts.tokenUsage ? { tokenUsage: opts.tokenUsage } : {}),
  };
}

function switches(developer: boolean, policy: boolean | undefined): FlowSwitches {
  return policy === undefined ? { developer } : { developer, policy };
}

/** On when the developer switch is on and the policy, where the source has it, agrees: a policy
 *  not in source is one an admin may still turn on. */
function effective(s: FlowSwitches): boolean {
  return s.developer && (s.policy ?? true);
}

const PACKAGED_STATES = new Set(['Packaged', 'Managed', 'AutoInstalled']);

export function fromEca(eca: Eca, opts: AuditOptions = {}): AuditedApp {
  const notes: string[] = [];
  const h = valuesOf(eca.parts.header);
  const o = valuesOf(eca.parts.oauthSettings);
  const g = valuesOf(eca.parts.globalOauthSettings);
  const p = valuesOf(eca.parts.oauthPolicies);
  const c = valuesOf(eca.parts.policies);
  const hasPolicies = eca.parts.oauthPolicies !== undefined;
  const policy = (v: unknown): boolean | undefined => (hasPolicies ? (bool(v) ?? false) : undefined);

  const scopes = eca.parts.oauthSettings ? splitScopes(text(o.commaSeparatedOauthScopes)).map(toEcaScope) : undefined;
  const callbackUrls = lines(g.callbackUrl);
  const certificate = certificateFacts(text(g.certificate));
  const consumerSecret = secretFacts(g.consumerSecret);
  const oauthEnabled =
    (eca.parts.oauthSettings !== undefined || eca.parts.globalOauthSettings !== undefined) &&
    bool(c.isOauthPluginEnabled) !== false;
  const consumerSecretOptional = bool(g.isConsumerSecretOptional) ?? false;
  const distributionState = text(h.distributionState);
  const runAsUser = text(p.clientCredentialsFlowUser);
  const sessionTimeoutMinutes = int(p.sessionTimeoutInMinutes);
  const refreshTokenPolicy = ecaRefreshPolicy(p, notes);
  const ip = ipRelaxation(p.ipRelaxationPolicyType, 'oauthPolicies.ipRelaxationPolicyType', notes);
  const permitted = permittedUsers(p.permittedUsersPolicyType, notes);
  const label = text(h.label);
  const clientCredentials = switches(bool(g.isClientCredentialsFlowEnabled) ?? false, policy(p.isClientCredentialsFlowEnabled));
  const tokenExchange = switches(bool(g.isTokenExchangeEnabled) ?? false, policy(p.isTokenExchangeFlowEnabled));

  const files: Partial<Record<AppComponent, string>> = {};
  for (const [part, component] of Object.entries(eca.parts) as Array<[EcaPart, Component<object> | undefined]>) {
    if (component?.file !== undefined) files[part] = component.file;
  }

  return {
    kind: 'eca',
    name: eca.name,
    ...(label === undefined ? {} : { label }),
    ...(distributionState === undefined ? {} : { distributionState }),
    packaged: distributionState !== undefined && PACKAGED_STATES.has(distributionState),
    oauthEnabled,
    policiesInSource: hasPolicies,
    flows: {
      authorizationCode: oauthEnabled && callbackUrls.length > 0,
      clientCredentials: effective(clientCredentials),
      jwtBearer: certificate !== undefined,
      device: bool(g.isDeviceFlowEnabled) ?? false,
      tokenExchange: effective(tokenExchange),
      codeCredential: bool(g.isCodeCredFlowEnabled) ?? false,
      refreshToken: refreshFlow(scopes),
    },
    switches: { clientCredentials, tokenExchange },
    pkceRequired: bool(g.isPkceRequired) ?? false,
    consumerSecretOptional,
    secretRequired: {
      webServer: !consumerSecretOptional,
      refreshToken: bool(g.isSecretRequiredForRefreshToken) ?? false,
      tokenExchange: bool(g.isSecretRequiredForTokenExchange) ?? false,
    },
    refreshTokenRotation: bool(g.isRefreshTokenRotationEnabled) ?? false,
    refreshTokenIdleLimit: bool(g.isEnforceRefreshTokenTTL) ?? false,
    ...(scopes === undefined ? {} : { scopes }),
    ...(refreshTokenPolicy === undefined ? {} : { refreshTokenPolicy }),
    ...(ip === undefined ? {} : { ipRelaxation: ip }),
    ...(sessionTimeoutMinutes === undefined ? {} : { sessionTimeoutMinutes }),
    ...(permitted === undefined ? {} : { permittedUsers: permitted }),
    preAuthorized: { profiles: commaList(p.commaSeparatedProfile), permissionSets: commaList(p.commaSeparatedPermissionSet) },
    ...(runAsUser === undefined ? {} : { runAsUser }),
    introspectAllTokens: bool(g.isIntrospectAllTokens) ?? false,
    callbackUrls,
    ...(certificate === undefined ? {} : { certificate }),
    ...(consumerSecret === undefined ? {} : { consumerSecret }),
    notes,
    facts: facts(opts),
    source: { files, locations: opts.locations ?? {} },
  };
}

export function fromConnectedApp(ca: ConnectedApp, opts: AuditOptions = {}): AuditedApp {
  const notes: string[] = [];
  const v = valuesOf(ca);
  const hasOauth = v.oauthConfig !== undefined;
  const o = record(v.oauthConfig);
  const hasPolicy = v.oauthPolicy !== undefined;
  const p = record(v.oauthPolicy);
  const s = record(v.sessionPolicy);

  const scopes = texts(o.scopes).map(toEcaScope);
  const callbackUrls = lines(o.callbackUrl);
  const certificate = certificateFacts(text(o.certificate));
  const consumerSecret = secretFacts(o.consumerSecret);
  const consumerSecretOptional = bool(o.isConsumerSecretOptional) ?? false;
  const rawRefresh = text(p.refreshTokenPolicy);
  const refreshTokenPolicy = rawRefresh === undefined ? undefined : parseConnectedAppRefreshPolicy(rawRefresh);
  if (rawRefresh !== undefined && !refreshTokenPolicy) {
    notes.push(`oauthPolicy.refreshTokenPolicy "${rawRefresh}" is not infinite, zero, specific_lifetime:N:UNIT or specific_inactivity:N:UNIT`);
  }
  const ip = ipRelaxation(p.ipRelaxation, 'oauthPolicy.ipRelaxation', notes);
  const sessionTimeoutMinutes = int(s.sessionTimeout);
  const runAsUser = text(o.oauthClientCredentialUser);
  const label = text(v.label);
  const clientCredentials = switches(bool(o.isClientCredentialEnabled) ?? false, undefined);
  const tokenExchange = switches(bool(o.isTokenExchangeEnabled) ?? false, hasPolicy ? (bool(p.isTokenExchangeFlowEnabled) ?? false) : undefined);

  return {
    kind: 'connectedApp',
    name: ca.fullName,
    ...(label === undefined ? {} : { label }),
    packaged: false,
    oauthEnabled: hasOauth,
    policiesInSource: hasPolicy,
    flows: {
      authorizationCode: hasOauth && callbackUrls.length > 0,
      clientCredentials: effective(clientCredentials),
      jwtBearer: certificate !== undefined,
      device: bool(o.isDeviceFlowEnabled) ?? false,
      tokenExchange: effective(tokenExchange),
      codeCredential: bool(o.isCodeCredentialEnabled) ?? false,
      refreshToken: refreshFlow(scopes),
    },
    switches: { clientCredentials, tokenExchange },
    pkceRequired: bool(o.isPkceRequired) ?? false,
    consumerSecretOptional,
    secretRequired: {
      webServer: !consumerSecretOptional,
      refreshToken: bool(o.isSecretRequiredForRefreshToken) ?? false,
      tokenExchange: bool(o.isSecretRequiredForTokenExchange) ?? false,
    },
    refreshTokenRotation: bool(o.isRefreshTokenRotationEnabled) ?? false,
    refreshTokenIdleLimit: bool(o.isEnforceRefreshTokenTTL) ?? false,
    scopes,
    ...(refreshTokenPolicy === undefined ? {} : { refreshTokenPolicy }),
    ...(ip === undefined ? {} : { ipRelaxation: ip }),
    ...(sessionTimeoutMinutes === undefined ? {} : { sessionTimeoutMinutes }),
    ...(hasOauth ? { permittedUsers: bool(o.isAdminApproved) ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized' } : {}),
    preAuthorized: { profiles: texts(v.profileName), permissionSets: texts(v.permissionSetName) },
    ...(runAsUser === undefined ? {} : { runAsUser }),
    introspectAllTokens: bool(o.isIntrospectAllTokens) ?? false,
    callbackUrls,
    ...(certificate === undefined ? {} : { certificate }),
    ...(consumerSecret === undefined ? {} : { consumerSecret }),
    notes,
    facts: facts(opts),
    source: { files: ca.file === undefined ? {} : { connectedApp: ca.file }, locations: opts.locations ?? {} },
  };
}

/** "Connected App Foo" / "External Client App Foo", for messages. */
export function describeApp(app: Pick<AuditedApp, 'kind' | 'name'>): string {
  return `${app.kind === 'eca' ? 'External Client App' : 'Connected App'} ${app.name}`;
}
