/**
 * The one reader of an app's settings: an External Client App (header plus satellites) or a
 * Connected App, as metadata (from files or an org), to the effective settings of ./model.ts.
 * The decisions it takes where ECAs, Connected Apps and missing components differ are listed
 * there, once.
 *
 * - A value a pipeline substitutes later (`${VAR}`, `@VAR`) is kept but marked as a placeholder;
 *   no rule judges its content.
 * - Every setting has a field path (`<component>.<field>`, see ./locations.ts) so a finding can
 *   name the file and line (SARIF) and `--fix` knows what to edit.
 *
 * Pure: no file, network or org access. Org facts (run-as user, org settings, token usage) are
 * injected by the caller through ReadOptions.
 */
import { X509Certificate } from 'node:crypto';
import { certificateBody, isPlaceholder } from '../certificate.js';
import type { EcaPart } from '../components.js';
import type { Component, ConnectedApp, Eca } from '../model.js';
import { ipRelaxationOf, parseConnectedAppRefreshPolicy as parseCaRefreshPolicy, refreshTokenTypeOf, refreshTokenUnitOf } from '../oauthPolicyValues.js';
import { splitScopes, toEcaScope } from '../scopes.js';
import { consumerIdOf } from './oauthLink.js';
import type {
  AppComponent,
  AppOrigin,
  AppSettings,
  CertificateFacts,
  FlowSwitches,
  IpRelaxation,
  PermittedUsers,
  ReadOptions,
  RefreshTokenPolicy,
  RefreshTokenUnit,
} from './model.js';

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

function facts(opts: ReadOptions): AppSettings['facts'] {
  return {
    ...(opts.runAsUser ? { runAsUser: opts.runAsUser } : {}),
    ...(opts.org ? { org: opts.org } : {}),
    ...(opts.tokenUsage ? { tokenUsage: opts.tokenUsage } : {}),
    ...(opts.secretAge ? { secretAge: opts.secretAge } : {}),
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

function origin(o: AppOrigin): Pick<AppSettings, 'installed' | 'id' | 'namespacePrefix'> {
  return {
    installed: o.manageableState === 'installed',
    ...(o.id === undefined ? {} : { id: o.id }),
    ...(o.namespacePrefix ? { namespacePrefix: o.namespacePrefix } : {}),
  };
}

/** Reads an External Client App: its header and whichever satellites are in hand. */
export function readEca(eca: Eca & AppOrigin, opts: ReadOptions = {}): AppSettings {
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
  const certificateText = text(g.certificate);
  const certificate = certificateFacts(certificateText);
  const oauthConfigured = eca.parts.oauthSettings !== undefined || eca.parts.globalOauthSettings !== undefined;
  const enabled = eca.parts.policies ? bool(c.isEnabled) : undefined;
  const oauthPluginEnabled = eca.parts.policies ? bool(c.isOauthPluginEnabled) : undefined;
  const consumerSecretOptional = bool(g.isConsumerSecretOptional) ?? false;
  const distributionState = text(h.distributionState);
  const runAsUser = text(p.clientCredentialsFlowUser);
  const sessionTimeoutMinutes = int(p.sessionTimeoutInMinutes);
  const refreshTokenPolicy = ecaRefreshPolicy(p, notes);
  const ip = ipRelaxation(p.ipRelaxationPolicyType, 'oauthPolicies.ipRelaxationPolicyType', notes);
  const permitted = permittedUsers(p.permittedUsersPolicyType, notes);
  const label = text(h.label);
  const consumerKey = text(g.consumerKey);
  const consumerSecret = secretFacts(g.consumerSecret);
  const consumerId = consumerIdOf(text(o.oauthLink));
  const clientCredentials = switches(bool(g.isClientCredentialsFlowEnabled) ?? false, policy(p.isClientCredentialsFlowEnabled));
  const tokenExchange = switches(bool(g.isTokenExchangeEnabled) ?? false, policy(p.isTokenExchangeFlowEnabled));

  const files: Partial<Record<AppComponent, string>> = {};
  const components: Partial<Record<AppComponent, string>> = {};
  for (const [part, component] of Object.entries(eca.parts) as Array<[EcaPart, Component<object> | undefined]>) {
    if (component === undefined) continue;
    components[part] = component.fullName;
    if (component.file !== undefined) files[part] = component.file;
  }

  return {
    kind: 'eca',
    name: eca.name,
    ...(label === undefined ? {} : { label }),
    ...(distributionState === undefined ? {} : { distributionState }),
    packaged: distributionState !== undefined && PACKAGED_STATES.has(distributionState),
    ...origin(eca),
    oauthConfigured,
    // OAuth is off with the OAuth plugin switched off; the flows still say what the settings allow
    oauthEnabled: oauthConfigured && oauthPluginEnabled !== false,
    ...(enabled === undefined ? {} : { enabled }),
    ...(oauthPluginEnabled === undefined ? {} : { oauthPluginEnabled }),
    policiesInSource: hasPolicies,
    flows: {
      authorizationCode: oauthConfigured && callbackUrls.length > 0,
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
    ...(certificateText === undefined ? {} : { certificateText }),
    ...(certificate === undefined ? {} : { certificate }),
    ...(consumerKey === undefined ? {} : { consumerKey }),
    ...(consumerSecret === undefined ? {} : { consumerSecret }),
    ...(consumerId === undefined ? {} : { consumerId }),
    components,
    notes,
    facts: facts(opts),
    source: { files, locations: opts.locations ?? {} },
  };
}

/** Reads a Connected App (one component, its OAuth settings and policies nested). */
export function readConnectedApp(ca: ConnectedApp & AppOrigin, opts: ReadOptions = {}): AppSettings {
  const notes: string[] = [];
  const v = valuesOf(ca);
  const hasOauth = v.oauthConfig !== undefined;
  const o = record(v.oauthConfig);
  const hasPolicy = v.oauthPolicy !== undefined;
  const p = record(v.oauthPolicy);
  const s = record(v.sessionPolicy);

  const scopes = texts(o.scopes).map(toEcaScope);
  const callbackUrls = lines(o.callbackUrl);
  const certificateText = text(o.certificate);
  const certificate = certificateFacts(certificateText);
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
  const consumerKey = text(o.consumerKey);
  const consumerSecret = secretFacts(o.consumerSecret);
  const clientCredentials = switches(bool(o.isClientCredentialEnabled) ?? false, undefined);
  const tokenExchange = switches(bool(o.isTokenExchangeEnabled) ?? false, hasPolicy ? (bool(p.isTokenExchangeFlowEnabled) ?? false) : undefined);

  return {
    kind: 'connectedApp',
    name: ca.fullName,
    ...(label === undefined ? {} : { label }),
    packaged: false,
    ...origin(ca),
    oauthConfigured: hasOauth,
    oauthEnabled: hasOauth,
    policiesInSource: hasPolicy,
    flows: {
      authorizationCode: hasOauth && callbackUrls.length > 0,
      clientCredentials: effective(clientCredentials),
      jwtBearer: certificate !== undefined,
      // in the Metadata API for Connected Apps from API 67.0 only (see ./model.ts)
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
    ...(certificateText === undefined ? {} : { certificateText }),
    ...(certificate === undefined ? {} : { certificate }),
    ...(consumerKey === undefined ? {} : { consumerKey }),
    ...(consumerSecret === undefined ? {} : { consumerSecret }),
    components: { connectedApp: ca.fullName },
    notes,
    facts: facts(opts),
    source: { files: ca.file === undefined ? {} : { connectedApp: ca.file }, locations: opts.locations ?? {} },
  };
}

/** "Connected App Foo" / "External Client App Foo", for messages. */
export function describeApp(app: Pick<AppSettings, 'kind' | 'name'>): string {
  return `${app.kind === 'eca' ? 'External Client App' : 'Connected App'} ${app.name}`;
}
