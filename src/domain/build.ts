/**
 * Builds a new External Client App from a template and the user's choices. Only fields the
 * target API version knows are written (the schema says which); nothing here writes a consumer
 * key or secret: Salesforce generates them when the app is created.
 */
import { componentByPart, type EcaPart } from './components.js';
import type { Component, Eca, EcaPartValues } from './model.js';
import { fieldSince, formatApiVersion, MIN_ECA_API_VERSION, typeSpec } from './schema/index.js';
import { joinScopes } from './scopes.js';
import { type IpRelaxation, type RefreshTokenPolicy, TEMPLATES, type TemplateName } from './templates.js';
import type { MetadataValues } from './xml.js';

export type PermittedUsers = 'admin-approved' | 'all-self-authorized';

export type EcaSpec = {
  name: string;
  label?: string;
  contactEmail: string;
  contactPhone?: string;
  description?: string;
  distributionState?: 'Local' | 'Packaged';
  apiVersion: number;
  template: TemplateName;
  scopes?: readonly string[];
  callbackUrls?: readonly string[];
  /** PEM */
  certificate?: string;
  runAs?: string;
  permittedUsers?: PermittedUsers;
  permissionSets?: readonly string[];
  profiles?: readonly string[];
  refreshToken?: RefreshTokenPolicy;
  sessionTimeoutInMinutes?: number;
  ipRelaxation?: IpRelaxation;
};

export type BuildResult = {
  eca: Eca;
  /** fields left out because the target API version does not know them */
  omitted: string[];
};

/** Satellite full names: "<App>_oauth", "<App>_glbloauth", ... the names people give in source. */
export const SATELLITE_NAMES: Readonly<Record<Exclude<EcaPart, 'header'>, string>> = {
  oauthSettings: '_oauth',
  globalOauthSettings: '_glbloauth',
  oauthPolicies: '_oauthPlcy',
  policies: '_plcy',
  samlPolicies: '_samlPlcy',
  canvasSettings: '_canvas',
  mobileSettings: '_mobile',
  mobilePolicies: '_mobilePlcy',
  pushSettings: '_push',
  pushPolicies: '_pushPlcy',
  notificationSettings: '_notif',
  oauthSecuritySettings: '_oauthSecurity',
  attestSettings: '_attest',
  attestPolicies: '_attestPlcy',
};

export function satelliteName(app: string, part: Exclude<EcaPart, 'header'>): string {
  return `${app}${SATELLITE_NAMES[part]}`;
}

class Writer {
  public readonly omitted: string[] = [];
  public constructor(private readonly apiVersion: number) {}

  /** Keeps only defined fields the target version knows; records the rest. */
  public values(type: string, candidate: Record<string, unknown>): MetadataValues {
    const out: MetadataValues = {};
    for (const [field, value] of Object.entries(candidate)) {
      if (value === undefined) continue;
      const since = fieldSince(type, field);
      if (since === undefined) throw new Error(`${type}.${field} is not in the schema`);
      if (since > this.apiVersion) {
        this.omitted.push(`${type}.${field} (API ${formatApiVersion(since)}+)`);
        continue;
      }
      out[field] = value as MetadataValues[string];
    }
    return out;
  }

  public component<P extends EcaPart>(part: P, fullName: string, candidate: Record<string, unknown>): Component<EcaPartValues[P]> {
    const type = componentByPart(part).type;
    return { type, fullName, values: this.values(type, candidate) as unknown as EcaPartValues[P] };
  }
}

// ---------------------------------------------------------------------------------------------
// templates and API versions (here, not in templates.ts, which --help loads: the schema stays out of start-up)

/** The first API version at which a template is what it says: every field it requires exists. */
export function templateMinApiVersion(name: TemplateName): number {
  const since = TEMPLATES[name].requires.map((r) => {
    const v = fieldSince(r.type, r.field);
    if (v === undefined) throw new Error(`template ${name} requires ${r.type}.${r.field}, which the schema does not have`);
    return v;
  });
  return Math.max(MIN_ECA_API_VERSION, ...since);
}

/**
 * A template asked for at an API version that lacks what it needs. Named, with an exit code and
 * actions, so the CLI reports it like its own errors (sf-plugins-core keeps name, exitCode and
 * actions of any error); nothing is built or written.
 */
export class TemplateApiVersionError extends Error {
  public readonly exitCode = 1;
  public readonly actions: string[];

  public constructor(public readonly template: TemplateName, public readonly apiVersion: number, public readonly needed: number) {
    const missing = TEMPLATES[template].requires.filter((r) => (fieldSince(r.type, r.field) ?? 0) > apiVersion).map((r) => r.why);
    super(
      `The ${template} template needs API ${formatApiVersion(needed)} or later (for ${missing.join(' and ')}); API ${formatApiVersion(apiVersion)} was asked for, which would build an app without it.`
    );
    this.name = 'TemplateNeedsNewerApiVersionError';
    this.actions = [`Use --api-version ${formatApiVersion(needed)} or later, or leave --api-version out.`];
  }
}

/** Throws TemplateApiVersionError when the API version cannot hold what the template needs. */
export function checkTemplateApiVersion(name: TemplateName, apiVersion: number): void {
  const needed = templateMinApiVersion(name);
  if (apiVersion < needed) throw new TemplateApiVersionError(name, apiVersion, needed);
}

/** Throws TemplateApiVersionError when spec.apiVersion lacks a field the template cannot do without. */
export function buildEca(spec: EcaSpec): BuildResult {
  checkTemplateApiVersion(spec.template, spec.apiVersion);
  const t = TEMPLATES[spec.template];
  const w = new Writer(spec.apiVersion);
  const flows = new Set(t.flows);
  const clientCredentials = flows.has('client-credentials');
  const permittedUsers = spec.permittedUsers ?? 'admin-approved';
  const refresh = spec.refreshToken ?? t.refreshToken;
  const callbacks = spec.callbackUrls?.length ? spec.callbackUrls : t.defaultCallback ? [t.defaultCallback] : [];
  const app = spec.name;

  const header = w.component('header', app, {
    contactEmail: spec.contactEmail,
    contactPhone: spec.contactPhone,
    description: spec.description,
    distributionState: spec.distributionState ?? 'Local',
    isProtected: false,
    label: spec.label ?? app.replace(/_/g, ' '),
  });

  const oauthSettings = w.component('oauthSettings', satelliteName(app, 'oauthSettings'), {
    commaSeparatedOauthScopes: joinScopes(spec.scopes?.length ? spec.scopes : t.scopes),
    externalClientApplication: app,
    isFirstPartyAppEnabled: false,
    label: satelliteName(app, 'oauthSettings'),
  });

  const globalOauthSettings = w.component('globalOauthSettings', satelliteName(app, 'globalOauthSettings'), {
    callbackUrl: callbacks.length ? callbacks.join('\n') : undefined,
    certificate: spec.certificate,
    externalClientApplication: app,
    isClientCredentialsFlowEnabled: clientCredentials,
    isCodeCredFlowEnabled: false,
    isConsumerSecretOptional: !t.secretRequired,
    isDeviceFlowEnabled: flows.has('device'),
    isIntrospectAllTokens: false,
    isPkceRequired: t.pkceRequired,
    isRefreshTokenRotationEnabled: t.refreshTokenRotation,
    isSecretRequiredForRefreshToken: t.secretRequiredForRefreshToken,
    isSecretRequiredForTokenExchange: true,
    isTokenExchangeEnabled: false,
    label: satelliteName(app, 'globalOauthSettings'),
    shouldRotateConsumerKey: false,
    shouldRotateConsumerSecret: false,
  });

  const oauthPolicies = w.component('oauthPolicies', satelliteName(app, 'oauthPolicies'), {
    clientCredentialsFlowUser: clientCredentials ? spec.runAs : undefined,
    commaSeparatedPermissionSet: spec.permissionSets?.length ? spec.permissionSets.join(',') : undefined,
    commaSeparatedProfile: spec.profiles?.length ? spec.profiles.join(',') : undefined,
    externalClientApplication: app,
    ipRelaxationPolicyType: spec.ipRelaxation ?? 'Enforce',
    isClientCredentialsFlowEnabled: clientCredentials,
    isGuestCodeCredFlowEnabled: false,
    isTokenExchangeFlowEnabled: false,
    label: satelliteName(app, 'oauthPolicies'),
    permittedUsersPolicyType: permittedUsers === 'admin-approved' ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
    refreshTokenPolicyType: refresh.type,
    refreshTokenValidityPeriod: 'period' in refresh ? refresh.period : undefined,
    refreshTokenValidityUnit: 'unit' in refresh ? refresh.unit : undefined,
    requiredSessionLevel: 'STANDARD',
    sessionTimeoutInMinutes: spec.sessionTimeoutInMinutes,
  });

  const parts: Eca['parts'] = { header, oauthSettings, globalOauthSettings, oauthPolicies };
  // ExtlClntAppConfigurablePolicies exists from API 60.0 on; before that Salesforce enables the app itself
  const policiesType = componentByPart('policies').type;
  const policiesSince = typeSpec(policiesType)?.since ?? 0;
  if (policiesSince <= spec.apiVersion) {
    parts.policies = w.component('policies', satelliteName(app, 'policies'), {
      externalClientApplication: app,
      isEnabled: true,
      isOauthPluginEnabled: true,
      label: satelliteName(app, 'policies'),
      startPage: 'None',
    });
  } else {
    w.omitted.push(`${policiesType} (API ${formatApiVersion(policiesSince)}+)`);
  }

  return { eca: { name: app, parts }, omitted: w.omitted };
}
