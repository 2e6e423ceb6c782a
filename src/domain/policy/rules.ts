/**
 * The policy-audit rule catalogue. Each rule is a small pure function of one AuditedApp (./app.ts)
 * that returns "hits"; runRules() turns hits into findings that name the app, the metadata field
 * (`oauthPolicies.refreshTokenPolicyType`), its file and line, and a `fix` that `--fix` can apply.
 *
 * Adding a rule: append `rule({...})` to RULES with a new kebab-case id, then add the id to the
 * enum in schemas/eca-policy-file.json (a unit test keeps the two in step).
 *
 * Severity of a finding: the rule's default, unless the hit says otherwise (a rule may grade its
 * findings, e.g. IP relaxation Bypass is worse than Enforce_RelaxRefresh); a severity override in
 * the policy config replaces both.
 */
import { isPlaceholder } from '../certificate.js';
import { ECA_SCOPE_RENAMES, joinScopes } from '../scopes.js';
import { someNames } from '../text.js';
import {
  type AppComponent,
  type AppKind,
  type AuditedApp,
  fieldPath,
  locate,
  type RefreshTokenPolicy,
  refreshTokenPeriodDays,
  type Setting,
  type SourceLocation,
  splitFieldPath,
} from './app.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Lowest first. */
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export type Thresholds = {
  /** longest acceptable refresh-token lifetime or idle time, in days */
  readonly maxRefreshTokenDays: number;
  /** longest acceptable app session timeout, in minutes */
  readonly maxSessionTimeoutMinutes: number;
  /** warn this many days before a JWT certificate expires */
  readonly certificateExpiryDays: number;
  /** an app whose tokens were last used longer ago than this is unused (needs token-usage facts) */
  readonly unusedAppDays: number;
  /** smallest acceptable RSA key of a JWT certificate, in bits */
  readonly minRsaKeyBits: number;
  /** oldest acceptable consumer secret, in days (needs org facts) */
  readonly maxSecretAgeDays: number;
};

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxRefreshTokenDays: 90,
  maxSessionTimeoutMinutes: 120,
  certificateExpiryDays: 30,
  unusedAppDays: 90,
  minRsaKeyBits: 2048,
  maxSecretAgeDays: 365,
};

export type RuleContext = {
  readonly thresholds: Thresholds;
  readonly now: Date;
};

export type FixValue = string | number | boolean | readonly string[] | null;

/** What `--fix` would change in the source: fields of one component, to recommended values. */
export type Fix = {
  /** the component to edit: an ECA part, or the Connected App */
  readonly part: AppComponent;
  /** field path inside the component -> value; null removes the element */
  readonly set: Readonly<Record<string, FixValue>>;
  readonly summary: string;
};

/** What a rule's check returns; runRules() adds the rule id, target, field path and location. */
export type Hit = {
  readonly message: string;
  /** the setting at fault; gives the finding its field path and source location */
  readonly setting?: Setting;
  /** overrides the rule's default severity for this finding */
  readonly severity?: Severity;
  readonly fix?: Fix;
};

/** app: one finding per app; org: about the org the app lives in (one per org after evaluate()); config: about the policy file. */
export type RuleScope = 'app' | 'org' | 'config';

export type Rule = {
  readonly id: string;
  readonly title: string;
  /** default severity */
  readonly severity: Severity;
  readonly scope: RuleScope;
  /** kinds of app the rule reads */
  readonly kinds: readonly AppKind[];
  /** skipped for apps without OAuth */
  readonly needsOauth: boolean;
  readonly rationale: string;
  readonly remediation: string;
  /** the Salesforce control or guidance the rule follows */
  readonly control: string;
  readonly helpUri: string;
  /** some of its findings carry a fix */
  readonly fixable: boolean;
  readonly check: (app: AuditedApp, ctx: RuleContext) => readonly Hit[];
};

export type FindingTarget =
  | { readonly type: 'app'; readonly kind: AppKind; readonly name: string; readonly label?: string; readonly org?: string }
  | { readonly type: 'org'; readonly name: string; readonly id?: string }
  | { readonly type: 'config'; readonly name: string };

export type Finding = {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly target: FindingTarget;
  /** field path, e.g. "oauthPolicies.refreshTokenPolicyType" or "connectedApp.oauthPolicy.ipRelaxation" */
  readonly field?: string;
  readonly location?: SourceLocation;
  readonly fix?: Fix;
};

// ---------------------------------------------------------------------------------------------
// references

const HELP = {
  reviewEcas: 'https://help.salesforce.com/s/articleView?id=xcloud.shr_external_client_apps.htm&type=5',
  oauthPolicies: 'https://help.salesforce.com/s/articleView?id=xcloud.connected_app_manage_oauth.htm&type=5',
  idleRefreshTtl: 'https://help.salesforce.com/s/articleView?id=xcloud.eca_limit_idle_refresh_token_ttl.htm&type=5',
  rotation: 'https://help.salesforce.com/s/articleView?id=xcloud.shr_security_enable_refresh_token_rotation.htm&type=5',
  oauthUsage:
    'https://help.salesforce.com/s/articleView?id=xcloud.shr_configure_oauth_policies_manage_external_client_app_oauth_usage.htm&type=5',
  partnerSecurity: 'https://developer.salesforce.com/docs/platform/isvforce/guide/secure-code-ac-eca.html',
  policiesMetadata:
    'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappoauthconfigurablepolicies.htm',
  noNewConnectedApps: 'https://help.salesforce.com/s/articleView?id=005228017&type=1',
  expiredJwtCertificate: 'https://salesforce.stackexchange.com/questions/313488/do-expired-certificates-for-salesforce-connected-applications-block-connections',
  clientCredentialsSetup: 'https://help.salesforce.com/s/articleView?id=xcloud.connected_app_client_credentials_setup.htm&type=5',
  integrationUser: 'https://help.salesforce.com/s/articleView?id=platform.integration_user.htm&type=5',
  oauthSecurityBcp: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.1',
  redirectTls: 'https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2.1',
  stageCredentials: 'https://help.salesforce.com/s/articleView?id=xcloud.eca_stage_oauth_credentials.htm&type=5',
} as const;

/** Prefix of the controls named in Salesforce Help "Review External Client Apps" (names checked there). */
const CONTROL = 'External Client Apps';

// ---------------------------------------------------------------------------------------------
// helpers for checks

function rule(r: Omit<Rule, 'scope' | 'kinds' | 'needsOauth' | 'fixable'> & Partial<Pick<Rule, 'scope' | 'kinds' | 'needsOauth' | 'fixable'>>): Rule {
  return { scope: 'app', kinds: ['eca', 'connectedApp'], needsOauth: true, fixable: false, ...r };
}

/** The same setting's recommended value in each kind's own spelling. */
function byKind(app: AuditedApp, eca: FixValue, connectedApp: FixValue): FixValue {
  return app.kind === 'eca' ? eca : connectedApp;
}

function fixOf(app: AuditedApp, setting: Setting, value: FixValue, summary: string): Fix {
  const { component, field } = splitFieldPath(fieldPath(app, setting));
  return { part: component, set: { [field]: value }, summary };
}

function refreshFix(app: AuditedApp, type: 'SpecificLifetime' | 'SpecificInactivity', days: number): Fix {
  const summary = `${type === 'SpecificLifetime' ? 'Expire refresh tokens' : 'Expire idle refresh tokens'} after ${days} days`;
  if (app.kind === 'eca') {
    return {
      part: 'oauthPolicies',
      set: { refreshTokenPolicyType: type, refreshTokenValidityPeriod: days, refreshTokenValidityUnit: 'Days' },
      summary,
    };
  }
  const keyword = type === 'SpecificLifetime' ? 'specific_lifetime' : 'specific_inactivity';
  return { part: 'connectedApp', set: { 'oauthPolicy.refreshTokenPolicy': `${keyword}:${days}:DAYS` }, summary };
}

const CA_SCOPE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ECA_SCOPE_RENAMES).map(([ca, eca]) => [eca, ca])
);

function scopesFix(app: AuditedApp, scopes: readonly string[], summary: string): Fix {
  return app.kind === 'eca'
    ? fixOf(app, 'scopes', joinScopes(scopes), summary)
    : fixOf(app, 'scopes', scopes.map((s) => CA_SCOPE_NAMES[s] ?? s), summary);
}

/**
 * The refresh-token policy in force: with the idle TTL limit on (isEnforceRefreshTokenTTL),
 * "valid until revoked" and long idle times become 30 idle days.
 */
function effectiveRefreshPolicy(app: AuditedApp): RefreshTokenPolicy | undefined {
  const p = app.refreshTokenPolicy;
  if (!p || !app.refreshTokenIdleLimit) return p;
  const idleCap: RefreshTokenPolicy = { type: 'SpecificInactivity', period: 30, unit: 'Days' };
  if (p.type === 'Infinite') return idleCap;
  if (p.type === 'SpecificInactivity' && (refreshTokenPeriodDays(p) ?? 0) > 30) return idleCap;
  return p;
}

function describePeriod(p: RefreshTokenPolicy): string {
  return `${p.period ?? '?'} ${(p.unit ?? 'units').toLowerCase()}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const DAY_MS = 86_400_000;

function wholeDays(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

function serverSideFlows(app: AuditedApp): string[] {
  return [
    app.flows.jwtBearer ? 'JWT bearer' : undefined,
    app.flows.tokenExchange ? 'token exchange' : undefined,
    app.flows.codeCredential ? 'authorization code and credentials' : undefined,
  ].filter((f): f is string => f !== undefined);
}

/**
 * Clients that hold no consumer secret when they redeem refresh tokens: apps whose web-server flow
 * does not require it, and device-flow apps (a device or command line cannot keep a secret, and the
 * device flow's token requests carry none).
 */
function publicClient(app: AuditedApp): boolean {
  return app.consumerSecretOptional || app.flows.device;
}

/** The app has the client credentials flow and no other way to issue tokens. */
function clientCredentialsOnly(app: AuditedApp): boolean {
  const f = app.flows;
  return f.clientCredentials && !f.jwtBearer && !f.authorizationCode && !f.device && !f.tokenExchange && !f.codeCredential;
}

function hasScope(app: AuditedApp, ...scopes: string[]): boolean {
  return (app.scopes ?? []).some((s) => scopes.includes(s));
}

// ---------------------------------------------------------------------------------------------
// the catalogue

export const RULES: readonly Rule[] = [
  rule({
    id: 'refresh-token-never-expires',
    title: 'Refresh tokens never expire',
    severity: 'high',
    fixable: true,
    rationale:
      'With "Refresh token is valid until revoked" (Infinite) a refresh token that leaks from a laptop, a log or a third party keeps minting access tokens until someone notices and revokes it.',
    remediation:
      'Set refreshTokenPolicyType to SpecificLifetime (or SpecificInactivity) with a period no longer than the policy allows, or turn on the idle refresh-token TTL limit (isEnforceRefreshTokenTTL, API 67).',
    control: 'OAuth policies: Refresh Token Policy (Salesforce Help, Manage OAuth Access Policies); Limit the Idle Refresh Token TTL in External Client Apps',
    helpUri: HELP.idleRefreshTtl,
    check: (app, ctx) =>
      app.flows.refreshToken && effectiveRefreshPolicy(app)?.type === 'Infinite'
        ? [
            {
              setting: 'refreshTokenPolicy',
              message: 'Refresh tokens are valid until revoked (Infinite).',
              fix: refreshFix(app, 'SpecificLifetime', ctx.thresholds.maxRefreshTokenDays),
            },
          ]
        : [],
  }),
  rule({
    id: 'refresh-token-lifetime-too-long',
    title: 'Refresh tokens live longer than the policy allows',
    severity: 'medium',
    fixable: true,
    rationale: 'The longer a refresh token stays valid, the longer a stolen one is useful.',
    remediation: 'Shorten refreshTokenValidityPeriod to the policy maximum (thresholds.maxRefreshTokenDays).',
    control: 'OAuth policies: Refresh Token Policy (Salesforce Help, Manage OAuth Access Policies)',
    helpUri: HELP.oauthPolicies,
    check: (app, ctx) => {
      const p = effectiveRefreshPolicy(app);
      if (!app.flows.refreshToken || !p || (p.type !== 'SpecificLifetime' && p.type !== 'SpecificInactivity')) return [];
      const days = refreshTokenPeriodDays(p);
      const max = ctx.thresholds.maxRefreshTokenDays;
      if (days === undefined || days <= max) return [];
      const kind = p.type === 'SpecificLifetime' ? 'expire' : 'expire when unused';
      return [
        {
          setting: 'refreshTokenPeriod',
          message: `Refresh tokens ${kind} after ${describePeriod(p)} (${p.type}); the policy allows at most ${max} days.`,
          fix: refreshFix(app, p.type, max),
        },
      ];
    },
  }),
  rule({
    id: 'ip-restrictions-relaxed',
    title: 'IP restrictions are relaxed',
    severity: 'high',
    fixable: true,
    rationale:
      "Relaxing IP restrictions lets the app's users, and anyone holding their tokens, reach the org from networks their profile's login IP ranges would refuse.",
    remediation:
      'Set ipRelaxationPolicyType to Enforce; if an integration must work from elsewhere, add its egress ranges to the trusted IP ranges instead.',
    control: 'OAuth policies: IP Relaxation (Salesforce Help, Manage OAuth Access Policies)',
    helpUri: HELP.oauthPolicies,
    check: (app) => {
      const graded = { Bypass: 'high', Bypass_2factor: 'medium', Enforce_RelaxRefresh: 'low' } as const;
      const ip = app.ipRelaxation;
      if (ip === undefined || ip === 'Enforce') return [];
      const what = {
        Bypass: 'IP restrictions are bypassed (Bypass): tokens work from any network.',
        Bypass_2factor: 'IP restrictions are bypassed for activated devices and two-factor logins (Bypass_2factor).',
        Enforce_RelaxRefresh: 'IP restrictions are enforced, but relaxed for refresh tokens (Enforce_RelaxRefresh).',
      }[ip];
      return [
        {
          setting: 'ipRelaxation',
          severity: graded[ip],
          message: what,
          fix: fixOf(app, 'ipRelaxation', byKind(app, 'Enforce', 'ENFORCE'), 'Enforce IP restrictions'),
        },
      ];
    },
  }),
  rule({
    id: 'session-timeout-not-set',
    title: 'No app session timeout',
    severity: 'low',
    fixable: true,
    rationale:
      "Without an app-specific timeout, access tokens (opaque ones) last as long as the org's session timeout, which is often set for people, not for integrations.",
    remediation: 'Set sessionTimeoutInMinutes (Connected Apps: sessionPolicy.sessionTimeout) to what the app needs.',
    control: 'OAuth policies: session timeout (ExtlClntAppOauthConfigurablePolicies.sessionTimeoutInMinutes; Connected Apps: Session Policies, Timeout Value)',
    helpUri: HELP.policiesMetadata,
    check: (app, ctx) =>
      app.sessionTimeoutMinutes === undefined && (app.kind === 'connectedApp' || app.policiesInSource)
        ? [
            {
              setting: 'sessionTimeout',
              message: "No session timeout is set for the app; the org's session timeout applies.",
              fix: fixOf(app, 'sessionTimeout', ctx.thresholds.maxSessionTimeoutMinutes, `Time sessions out after ${ctx.thresholds.maxSessionTimeoutMinutes} minutes`),
            },
          ]
        : [],
  }),
  rule({
    id: 'session-timeout-too-long',
    title: 'App session timeout is longer than the policy allows',
    severity: 'medium',
    fixable: true,
    rationale: 'A long session timeout keeps every access token issued to the app valid for that long.',
    remediation: 'Lower sessionTimeoutInMinutes (Connected Apps: sessionPolicy.sessionTimeout) to the policy maximum.',
    control: 'OAuth policies: session timeout (ExtlClntAppOauthConfigurablePolicies.sessionTimeoutInMinutes; Connected Apps: Session Policies, Timeout Value)',
    helpUri: HELP.policiesMetadata,
    check: (app, ctx) => {
      const minutes = app.sessionTimeoutMinutes;
      const max = ctx.thresholds.maxSessionTimeoutMinutes;
      return minutes !== undefined && minutes > max
        ? [
            {
              setting: 'sessionTimeout',
              message: `Sessions time out after ${minutes} minutes; the policy allows at most ${max}.`,
              fix: fixOf(app, 'sessionTimeout', max, `Time sessions out after ${max} minutes`),
            },
          ]
        : [];
    },
  }),
  rule({
    id: 'self-authorization-with-server-flows',
    title: 'All users may self-authorize an app that issues tokens without a consent screen',
    severity: 'high',
    fixable: true,
    rationale:
      'JWT bearer, token exchange and the headless code-and-credentials flow issue user tokens without the user at a Salesforce consent screen. With "All users may self-authorize", whoever holds the signing key or the upstream token can act as any user who ever approved the app.',
    remediation:
      'Set permittedUsersPolicyType to AdminApprovedPreAuthorized (Connected Apps: oauthConfig.isAdminApproved true) and grant the app through a permission set.',
    control: 'OAuth policies: Permitted Users (Salesforce Help, Manage OAuth Access Policies)',
    helpUri: HELP.oauthPolicies,
    check: (app) => {
      const flows = serverSideFlows(app);
      return app.permittedUsers === 'AllSelfAuthorized' && flows.length > 0
        ? [
            {
              setting: 'permittedUsers',
              message: `All users may self-authorize, and the app has the ${flows.join(', ')} flow${flows.length > 1 ? 's' : ''}.`,
              fix: fixOf(app, 'permittedUsers', byKind(app, 'AdminApprovedPreAuthorized', true), 'Admin-approved users are pre-authorized'),
            },
          ]
        : [];
    },
  }),
  rule({
    id: 'pkce-not-required',
    title: 'PKCE is not required',
    severity: 'medium',
    fixable: true,
    rationale:
      'Without Proof Key for Code Exchange an intercepted authorization code can be redeemed by someone else. Salesforce requires PKCE of partner apps, for public and confidential clients alike.',
    remediation: 'Set isPkceRequired to true and send code_challenge / code_verifier from the client.',
    control: `${CONTROL}: Security: Require Proof Key for Code Exchange (PKCE)`,
    helpUri: HELP.partnerSecurity,
    check: (app) =>
      app.flows.authorizationCode && !app.pkceRequired
        ? [
            {
              setting: 'pkce',
              message: 'The authorization code flow does not require PKCE.',
              fix: fixOf(app, 'pkce', true, 'Require PKCE'),
            },
          ]
        : [],
  }),
  rule({
    id: 'consumer-secret-optional',
    title: 'The web-server flow does not require the consumer secret',
    severity: 'high',
    fixable: true,
    rationale:
      'With isConsumerSecretOptional, an authorization code is redeemed with the consumer key alone, which is not a secret. Acceptable only for a public client (mobile, desktop, MCP) that cannot keep a secret, and then only with PKCE.',
    remediation:
      'Set isConsumerSecretOptional to false for confidential clients; for a genuine public client require PKCE and rotate refresh tokens.',
    control: `${CONTROL}: Security: Require Secret for Web Server Flow`,
    helpUri: HELP.reviewEcas,
    check: (app) => {
      if (!app.consumerSecretOptional) return [];
      const cc = app.flows.clientCredentials ? ' The app also has the client credentials flow, which only a confidential client can use.' : '';
      return app.pkceRequired
        ? [
            {
              setting: 'consumerSecretOptional',
              severity: 'low',
              message: `The consumer secret is optional for the web-server flow; PKCE is required, which suits a public client. Confirm the app is one.${cc}`,
            },
          ]
        : [
            {
              setting: 'consumerSecretOptional',
              message: `The consumer secret is optional for the web-server flow and PKCE is not required: an intercepted authorization code can be redeemed with the consumer key alone.${cc}`,
              fix: fixOf(app, 'consumerSecretOptional', false, 'Require the secret for the web-server flow'),
            },
          ];
    },
  }),
  rule({
    id: 'refresh-token-secret-not-required',
    title: 'The refresh-token flow does not require the consumer secret',
    severity: 'medium',
    fixable: true,
    rationale: 'A confidential client that does not have to present its secret with a refresh token lets a stolen refresh token work on its own.',
    remediation: 'Set isSecretRequiredForRefreshToken to true.',
    control: `${CONTROL}: Security: Require Secret for Refresh Token Flow`,
    helpUri: HELP.reviewEcas,
    check: (app) =>
      app.flows.refreshToken && !publicClient(app) && !app.secretRequired.refreshToken
        ? [
            {
              setting: 'secretForRefreshToken',
              message: 'Refresh tokens can be redeemed without the consumer secret.',
              fix: fixOf(app, 'secretForRefreshToken', true, 'Require the secret for the refresh-token flow'),
            },
          ]
        : [],
  }),
  rule({
    id: 'public-client-refresh-token-not-rotated',
    title: 'A public client gets refresh tokens that are not rotated',
    severity: 'medium',
    fixable: true,
    rationale:
      'A public client (no secret for the web-server flow, or the device flow, whose devices hold no secret) cannot present a secret with its refresh token, so the token alone is the credential; rotation makes each one single-use and exposes replay.',
    remediation: 'Set isRefreshTokenRotationEnabled to true, and shorten the refresh-token lifetime.',
    control: `${CONTROL}: Security: Enable Refresh Token Rotation`,
    helpUri: HELP.rotation,
    check: (app) =>
      app.flows.refreshToken && publicClient(app) && !app.secretRequired.refreshToken && !app.refreshTokenRotation
        ? [
            {
              setting: 'refreshTokenRotation',
              message: 'Refresh tokens work without the consumer secret and are not rotated.',
              fix: fixOf(app, 'refreshTokenRotation', true, 'Rotate refresh tokens'),
            },
          ]
        : [],
  }),
  rule({
    id: 'token-exchange-secret-not-required',
    title: 'Token exchange does not require the consumer secret',
    severity: 'high',
    fixable: true,
    rationale: 'Without the secret, anyone holding an upstream token and the consumer key can exchange it for a Salesforce token.',
    remediation: 'Set isSecretRequiredForTokenExchange to true.',
    control: 'OAuth settings: Require Secret for Token Exchange Flow (isSecretRequiredForTokenExchange)',
    helpUri: HELP.reviewEcas,
    check: (app) =>
      app.flows.tokenExchange && !app.secretRequired.tokenExchange
        ? [
            {
              setting: 'secretForTokenExchange',
              message: 'The token exchange flow is on and does not require the consumer secret.',
              fix: fixOf(app, 'secretForTokenExchange', true, 'Require the secret for token exchange'),
            },
          ]
        : [],
  }),
  rule({
    id: 'scope-full',
    title: 'The app requests the Full scope',
    severity: 'high',
    fixable: true,
    rationale:
      "Full gives a token everything its user can do, UI and Setup included; least privilege asks for the narrow scopes the integration uses (usually Api, plus RefreshToken where it needs offline access).",
    remediation: 'Replace Full with the scopes the app needs, e.g. Api.',
    control: `${CONTROL}: Configure the External Client App OAuth Settings: OAuth Scope Least Privilege`,
    helpUri: HELP.reviewEcas,
    check: (app) => {
      if (!hasScope(app, 'Full')) return [];
      const scopes = app.scopes ?? [];
      const narrowed = [...new Set(scopes.map((s) => (s === 'Full' ? 'Api' : s)))];
      const offline = hasScope(app, 'RefreshToken', 'OfflineAccess') ? ' with offline access (RefreshToken)' : '';
      return [
        {
          setting: 'scopes',
          message: `The app requests the Full scope${offline}: ${joinScopes(scopes)}.`,
          fix: scopesFix(app, narrowed, `Request ${joinScopes(narrowed)} instead of Full`),
        },
      ];
    },
  }),
  rule({
    id: 'scope-refresh-token-unneeded',
    title: 'RefreshToken scope on an app whose only flow is client credentials',
    severity: 'low',
    fixable: true,
    // Only client-credentials-only apps. Never an app with a certificate (JWT bearer): Salesforce issues
    // a JWT bearer token on an earlier approval of the app, which needs the refresh_token/offline_access
    // scope, and the CLI's own JWT setup (sfdx_dev_auth_eca) selects it. Client credentials tokens never
    // carry refresh_token/offline_access (Salesforce Help on the flow; Winter '26 "no valid scopes defined").
    rationale:
      'The client credentials flow never returns refresh tokens, and its access tokens never carry the refresh_token or offline_access scope; on an app that has no other flow, RefreshToken only widens what the app is approved for. Apps with a certificate (JWT bearer) need it: that flow issues tokens on an earlier approval that includes it.',
    remediation: 'Remove RefreshToken (and OfflineAccess), unless people also log in through this app or it will get a JWT bearer certificate.',
    control: `${CONTROL}: Configure the External Client App OAuth Settings: OAuth Scope Least Privilege`,
    helpUri: HELP.reviewEcas,
    check: (app) => {
      if (!clientCredentialsOnly(app) || !hasScope(app, 'RefreshToken', 'OfflineAccess')) return [];
      const kept = (app.scopes ?? []).filter((s) => s !== 'RefreshToken' && s !== 'OfflineAccess');
      return [
        {
          setting: 'scopes',
          message: 'The app\'s only flow is client credentials, which never returns refresh tokens, yet it requests RefreshToken.',
          ...(kept.length > 0 ? { fix: scopesFix(app, kept, `Request ${joinScopes(kept)}`) } : {}),
        },
      ];
    },
  }),
  rule({
    id: 'client-credentials-without-run-as-user',
    title: 'Client credentials flow without a run-as user in source',
    severity: 'medium',
    rationale:
      'Every client-credentials token acts as the run-as user. Left to each org, the choice is easily a person or an administrator instead of a dedicated API-only integration user.',
    remediation:
      'Set clientCredentialsFlowUser (Connected Apps: oauthClientCredentialUser) per environment to a dedicated integration user with the API Only User permission and the least permissions the integration needs.',
    control: `${CONTROL}: OAuth Flow Enablement: Disable Client Credentials Flow`,
    helpUri: HELP.policiesMetadata,
    check: (app) =>
      app.flows.clientCredentials && app.runAsUser === undefined && app.facts.runAsUser?.username === undefined
        ? [{ setting: 'runAsUser', message: 'The client credentials flow is on and no run-as user is set.' }]
        : [],
  }),
  rule({
    id: 'client-credentials-run-as-not-api-only',
    title: 'Client credentials run-as user is not API-only',
    severity: 'high',
    rationale:
      'Salesforce Help recommends an execution user with the API Only User permission, and the Metadata API reference (ExtlClntAppOauthConfigurablePolicies.clientCredentialsFlowUser) says the user must have it; a user who can also log in to the UI widens what a leaked secret exposes.',
    remediation: 'Run the flow as a dedicated integration user with the API Only User permission.',
    control: `${CONTROL}: OAuth Flow Enablement: Disable Client Credentials Flow`,
    helpUri: HELP.policiesMetadata,
    check: (app) => {
      const user = app.facts.runAsUser;
      if (!app.flows.clientCredentials || user?.isApiOnly !== false) return [];
      const name = user.username ?? app.runAsUser;
      return [{ setting: 'runAsUser', message: `The run-as user${name ? ` ${name}` : ''} is not an API-only user.` }];
    },
  }),
  rule({
    id: 'client-credentials-run-as-admin',
    title: 'Client credentials run-as user has administrator permissions',
    severity: 'critical',
    rationale:
      'Anyone with the consumer key and secret gets tokens as the run-as user, without a password or MFA: with Modify All Data, View All Data or Customize Application that is an administrator account behind a single shared secret.',
    remediation: 'Run the flow as an integration user whose permission sets grant only the objects and fields the integration uses.',
    control: `${CONTROL}: OAuth Flow Enablement: Disable Client Credentials Flow`,
    helpUri: HELP.policiesMetadata,
    check: (app) => {
      const user = app.facts.runAsUser;
      if (!app.flows.clientCredentials || user?.hasAdminPermissions !== true) return [];
      const which = user.adminPermissions && user.adminPermissions.length > 0 ? ` (${user.adminPermissions.join(', ')})` : '';
      const name = user.username ?? app.runAsUser;
      return [{ setting: 'runAsUser', message: `The run-as user${name ? ` ${name}` : ''} has administrator permissions${which}.` }];
    },
  }),
  rule({
    id: 'introspect-all-tokens',
    title: 'The app may introspect every token of the org',
    severity: 'medium',
    fixable: true,
    rationale: "isIntrospectAllTokens lets the app's credentials inspect tokens issued to any other app, which a client seldom needs.",
    remediation: 'Set isIntrospectAllTokens to false unless the app is a resource server that validates other apps\' tokens.',
    control: 'OAuth settings: Introspect All Tokens (isIntrospectAllTokens)',
    helpUri: HELP.reviewEcas,
    check: (app) =>
      app.introspectAllTokens
        ? [{ setting: 'introspectAllTokens', message: 'The app may introspect all tokens issued in the org.', fix: fixOf(app, 'introspectAllTokens', false, 'Introspect only own tokens') }]
        : [],
  }),
  rule({
    id: 'callback-url-not-https',
    title: 'Callback URL over plain HTTP',
    severity: 'high',
    rationale:
      'Authorization codes and, in the user-agent flow, tokens travel to the callback URL; over plain HTTP anyone on the path reads them. Loopback addresses (localhost, 127.0.0.1, [::1]) stay on the machine and are fine.',
    remediation: 'Use an https:// callback, a loopback address for native tools, or a private-use URI scheme for mobile apps.',
    control: 'OAuth 2.0: TLS for redirection endpoints (RFC 6749 §3.1.2.1); loopback redirects for native apps (RFC 8252 §7.3)',
    helpUri: HELP.redirectTls,
    check: (app) =>
      app.callbackUrls
        .filter((u) => !isPlaceholder(u))
        .map((u) => ({ raw: u, url: parseUrl(u) }))
        .filter(({ url }) => url?.protocol === 'http:' && !isLoopback(url.hostname))
        .map(({ raw }): Hit => ({ setting: 'callbackUrls', message: `Callback URL ${raw} is plain HTTP and not a loopback address.` })),
  }),
  rule({
    id: 'callback-url-wildcard',
    title: 'Callback URL with a wildcard',
    severity: 'high',
    rationale: 'A wildcard callback lets an authorization code or token go to any matching host or path, including one an attacker controls; redirect URIs should match exactly.',
    remediation: 'List every callback URL in full.',
    control: 'OAuth 2.0 Security Best Current Practice: exact redirect URI matching (RFC 9700 §2.1)',
    helpUri: HELP.oauthSecurityBcp,
    check: (app) =>
      app.callbackUrls
        .filter((u) => !isPlaceholder(u) && u.includes('*'))
        .map((u): Hit => ({ setting: 'callbackUrls', message: `Callback URL ${u} contains a wildcard.` })),
  }),
  rule({
    id: 'jwt-certificate-expired',
    title: 'JWT bearer certificate has expired',
    // Medium, as hygiene: Salesforce does not refuse JWT bearer logins signed for an expired app
    // certificate ("When the app cert expires, nothing happens ... this is by design", Salesforce
    // product management quoted on Salesforce StackExchange q/313488). Shown for Connected Apps;
    // UNCONFIRMED for ECAs, for which no public source says otherwise.
    severity: 'medium',
    rationale:
      'Key hygiene: Salesforce keeps accepting JWT bearer assertions signed for an expired app certificate (by design, per Salesforce product management), so nothing breaks; but an expired certificate means the key pair is past the lifetime its owner set, and nothing forces it to be replaced.',
    remediation: 'Rotate the key: issue a new key pair, upload its certificate, move the client to the new private key, then retire the old key.',
    control: `${CONTROL}: OAuth Flow Enablement: Enable JWT Bearer Flow`,
    helpUri: HELP.expiredJwtCertificate,
    check: (app, ctx) => {
      const c = app.certificate;
      return c?.status === 'parsed' && Date.parse(c.validTo) <= ctx.now.getTime()
        ? [{ setting: 'certificate', message: `The certificate (${c.subject}) expired on ${c.validTo.slice(0, 10)}; JWT logins still work, but rotate the key pair.` }]
        : [];
    },
  }),
  rule({
    id: 'jwt-certificate-expiring',
    title: 'JWT bearer certificate expires soon',
    severity: 'low',
    rationale:
      'Key hygiene: Salesforce keeps accepting JWT bearer logins after the app certificate expires (SE q/313488), so nothing stops on that date; but it is the date the key was meant to be replaced by.',
    remediation: 'Plan the key rotation: a new key pair, its certificate uploaded, the client moved to the new private key.',
    control: `${CONTROL}: OAuth Flow Enablement: Enable JWT Bearer Flow`,
    helpUri: HELP.expiredJwtCertificate,
    check: (app, ctx) => {
      const c = app.certificate;
      if (c?.status !== 'parsed') return [];
      const left = wholeDays(ctx.now, new Date(c.validTo));
      const expired = Date.parse(c.validTo) <= ctx.now.getTime();
      return !expired && left <= ctx.thresholds.certificateExpiryDays
        ? [{ setting: 'certificate', message: `The certificate (${c.subject}) expires on ${c.validTo.slice(0, 10)}, in ${left} days.` }]
        : [];
    },
  }),
  rule({
    id: 'jwt-certificate-unreadable',
    title: 'JWT bearer certificate cannot be read',
    severity: 'low',
    rationale: 'A certificate that is not a valid X.509 certificate cannot verify JWT assertions; it could not be checked for expiry either.',
    remediation: 'Store the certificate as PEM or base64 DER, or as a placeholder your pipeline fills in.',
    control: `${CONTROL}: OAuth Flow Enablement: Enable JWT Bearer Flow`,
    helpUri: HELP.reviewEcas,
    check: (app) =>
      app.certificate?.status === 'unreadable'
        ? [{ setting: 'certificate', message: `The certificate is not a readable X.509 certificate: ${app.certificate.error}.` }]
        : [],
  }),
  rule({
    id: 'jwt-certificate-weak-key',
    title: 'JWT bearer certificate has a weak key',
    severity: 'medium',
    rationale: 'An RSA key shorter than 2048 bits can be factored; whoever does so signs JWTs as any pre-authorized user.',
    remediation: 'Issue a new key pair of at least 2048 bits (3072 or more for new keys) and upload its certificate.',
    control: `${CONTROL}: OAuth Flow Enablement: Enable JWT Bearer Flow`,
    helpUri: HELP.reviewEcas,
    check: (app, ctx) => {
      const c = app.certificate;
      return c?.status === 'parsed' && c.keyType === 'rsa' && c.keyBits !== undefined && c.keyBits < ctx.thresholds.minRsaKeyBits
        ? [{ setting: 'certificate', message: `The certificate's RSA key has ${c.keyBits} bits; at least ${ctx.thresholds.minRsaKeyBits} are required.` }]
        : [];
    },
  }),
  rule({
    id: 'connected-app-should-migrate',
    title: 'Connected App should move to an External Client App',
    severity: 'low',
    kinds: ['connectedApp'],
    needsOauth: false,
    rationale:
      'Since Spring \'26 customers cannot create new Connected Apps in the UI or through the Metadata API unless Salesforce Support re-enables it; package installs still create them, and existing ones keep working. So a source-controlled Connected App may not deploy to a new org; External Client Apps are the supported path, with secure defaults and separate developer settings and admin policies.',
    remediation: "Convert it to an External Client App (this plugin's convert command, or Setup's \"Migrate to External Client App\"), then retire the Connected App.",
    control: 'Salesforce: New Connected Apps Can No Longer Be Created in Spring \'26',
    helpUri: HELP.noNewConnectedApps,
    check: () => [{ setting: 'app', message: 'This is a Connected App; creating it in another org needs a Support case (or a package install). New integrations need an External Client App.' }],
  }),
  rule({
    id: 'consumer-secret-in-source',
    title: 'Consumer secret committed in source',
    severity: 'critical',
    needsOauth: false,
    // No --fix: a fix prints its diff, which would show the secret; and removing it from the file does
    // not un-leak it from the history. The message and the finding never hold the value.
    rationale:
      'A consumer secret written in a metadata file (ECA global OAuth settings, Connected App oauthConfig) is in every clone, fork, CI log and backup of the repository. With the consumer key, which is not secret, it lets anyone redeem authorization codes or, with client credentials on, get tokens as the run-as user.',
    remediation:
      'Rotate the secret now (ECA: staged rotation in Setup or the credentials REST API; Connected App: Setup > Manage Consumer Details), then delete the <consumerSecret> element and keep the secret in a secret manager; a placeholder such as ${ECA_CONSUMER_SECRET} is fine if a pipeline must set it.',
    control: `${CONTROL}: External Client App Settings: Metadata Secrets Protection`,
    helpUri: HELP.reviewEcas,
    check: (app) => {
      const file = app.kind === 'eca' ? app.source.files.globalOauthSettings : app.source.files.connectedApp;
      return app.consumerSecret === 'value' && file !== undefined
        ? [{ setting: 'consumerSecret', message: 'A consumer secret is written in the source (value not shown); rotate it and remove it from the file.' }]
        : [];
    },
  }),
  rule({
    id: 'org-consumer-secret-metadata-access',
    title: 'Consumer secrets are readable through the Metadata API',
    severity: 'medium',
    scope: 'org',
    needsOauth: false,
    rationale: 'With enableConsumerSecretApiAccess on, anyone with the permission can retrieve every app\'s consumer secret in plain text with a metadata retrieve.',
    remediation: 'Turn the setting off (External Client App Settings) and read secrets in Setup, or rotate them through the staged-rotation REST API.',
    control: `${CONTROL}: External Client App Settings: Metadata Secrets Protection`,
    helpUri: HELP.reviewEcas,
    check: (app) =>
      app.facts.org?.settings?.enableConsumerSecretApiAccess === true
        ? [{ message: 'The org lets consumer secrets be retrieved through the Metadata API (enableConsumerSecretApiAccess).' }]
        : [],
  }),
  rule({
    id: 'org-consumer-secret-rest-access',
    title: 'Consumer secrets are readable through REST',
    severity: 'medium',
    scope: 'org',
    needsOauth: false,
    rationale: 'With enableClientSecretInRestApiAccess on, consumer secrets can be fetched programmatically (/apps/oauth/credentials), so a single leaked admin token exposes every app.',
    remediation: 'Turn the setting off unless an automated rotation process needs it, and then restrict who has the permission.',
    control: `${CONTROL}: External Client App Settings: REST API Secret Masking`,
    helpUri: HELP.reviewEcas,
    check: (app) =>
      app.facts.org?.settings?.enableClientSecretInRestApiAccess === true
        ? [{ message: 'The org lets consumer secrets be read through the REST API (enableClientSecretInRestApiAccess).' }]
        : [],
  }),
  rule({
    id: 'oauth-policies-not-in-source',
    title: 'OAuth policies are not in source',
    severity: 'low',
    rationale:
      'Refresh-token, IP, session and permitted-user policies are not in the source, so this audit cannot check them and each org keeps whatever an admin or Salesforce\'s defaults set.',
    remediation: 'Retrieve the app\'s OAuth policies (ExtlClntAppOauthConfigurablePolicies; Connected Apps: oauthPolicy) and keep them with the app.',
    control: 'OAuth policies (ExtlClntAppOauthConfigurablePolicies metadata reference)',
    helpUri: HELP.policiesMetadata,
    check: (app) => (app.policiesInSource ? [] : [{ setting: 'oauthPolicies', message: 'The app\'s OAuth policies are not in the source; they could not be checked.' }]),
  }),
  rule({
    id: 'app-unused',
    title: 'App not used recently',
    severity: 'low',
    rationale: 'An integration nobody uses still holds scopes, secrets and perhaps valid refresh tokens: attack surface with no business value.',
    remediation: 'Confirm with the owner, revoke its tokens, and delete the app if it is no longer needed.',
    control: `${CONTROL}: Configure OAuth Policies: Manage External Client App OAuth Usage`,
    helpUri: HELP.oauthUsage,
    check: (app, ctx) => {
      const usage = app.facts.tokenUsage;
      if (!usage) return [];
      if (usage.tokens === 0) return [{ setting: 'app', message: 'The app has no OAuth tokens in the org.' }];
      const last = usage.lastUsed === undefined ? undefined : new Date(usage.lastUsed);
      if (!last || Number.isNaN(last.getTime())) return [];
      const idle = wholeDays(last, ctx.now);
      return idle > ctx.thresholds.unusedAppDays
        ? [{ setting: 'app', message: `The app's tokens were last used ${idle} days ago (${usage.lastUsed?.slice(0, 10) ?? ''}).` }]
        : [];
    },
  }),
  rule({
    id: 'unrecognised-value',
    title: 'Policy value not recognised',
    severity: 'low',
    needsOauth: false,
    rationale: 'A value the audit does not understand cannot be checked, and Salesforce may reject it on deploy.',
    remediation: 'Correct the value to one the Metadata API reference lists for the field.',
    control: 'Metadata API reference',
    helpUri: HELP.policiesMetadata,
    check: (app) => app.notes.map((note) => ({ message: `${note}.` })),
  }),
  rule({
    id: 'waiver-expired',
    title: 'Policy waiver has expired',
    severity: 'low',
    scope: 'config',
    kinds: [],
    needsOauth: false,
    rationale: 'An expired waiver no longer hides its finding; it is reported so the exception is reviewed, renewed or removed.',
    remediation: 'Fix the finding and delete the waiver, or renew it with a new expiry date and reason.',
    control: 'plugin-eca policy as code (.eca-policy.json)',
    helpUri: HELP.reviewEcas,
    check: () => [],
  }),
  rule({
    id: 'consumer-secret-not-rotated',
    title: 'Consumer secret not rotated',
    severity: 'medium',
    kinds: ['eca'],
    rationale:
      'A consumer secret that never changes stays useful to everyone who ever copied it: a former employee, a CI log, a laptop backup. Annual rotation is the minimum cadence governance guides give for production (Salesforce\'s Marketing Cloud guide asks for at least every 180 days), and staged credentials make it possible without downtime.',
    remediation:
      'Stage new credentials and deliver them to the pipeline (sf eca credentials stage), then promote them after a verified login and revoke the old ones (sf eca credentials rotate --revoke-previous). See the secret age with sf eca credentials status.',
    control: `${CONTROL}: Stage, Rotate, and Delete OAuth Credentials for an External Client App (Salesforce Help)`,
    helpUri: HELP.stageCredentials,
    check: (app, ctx) => {
      // source files hold no secret age; an installed app's credentials are its publisher's
      if (app.facts.org === undefined || app.installed) return [];
      const max = ctx.thresholds.maxSecretAgeDays;
      const age = app.facts.secretAge;
      const where = app.facts.org.name === undefined ? '' : ` --target-org ${app.facts.org.name}`;
      const notAssessed = (why: string): Hit[] => [{ severity: 'low', message: `Not assessed: ${why} Check it with sf eca credentials status --name ${app.name}${where}.` }];
      // without the fact the rule does not run (as app-unused without usage); an org read always gives one
      if (age === undefined) return [];
      if (age.status === 'unreadable') return notAssessed(`the org could not say how old the secret is (${age.error}).`);
      if (age.status === 'known') {
        const days = wholeDays(new Date(age.since), ctx.now);
        return days > max ? [{ message: `The consumer secret is ${days} days old (primary since ${age.since.slice(0, 10)}, ${age.basis}); the policy allows ${max} days.` }] : [];
      }
      const appDays = wholeDays(new Date(age.appCreatedDate), ctx.now);
      // the secret can be no older than its app: a young app passes
      if (!(appDays > max)) return [];
      return notAssessed(
        `Salesforce gives no date for an app's current consumer secret, and the app was created ${appDays} days ago (${age.appCreatedDate.slice(0, 10)}), more than the ${max} days the policy allows, so the secret may be that old.`
      );
    },
  }),
  rule({
    id: 'run-as-user-shared',
    title: 'Client credentials run-as user shared with other apps',
    severity: 'medium',
    rationale:
      'Salesforce Help ("Give Integration Users API Only Access") recommends one Salesforce user for every integration: each is then limited to its own data and functions, its transactions can be traced to it, and a compromised integration exposes only its own access. Apps whose client credentials flow runs as the same user each get every permission the others need, and the audit trail cannot tell them apart.',
    remediation:
      'Give each integration its own API-only integration user with the least permissions it needs, and set that user as the app\'s run-as user (clientCredentialsFlowUser; Connected Apps: oauthClientCredentialUser).',
    control: `${CONTROL}: Configure OAuth Policies: Configure Client Credentials Flow Policy`,
    helpUri: HELP.integrationUser,
    // an org fact (the org's other apps): absent when the app was read from source
    check: (app) => {
      const others = app.facts.runAsUserSharedWith;
      if (!app.flows.clientCredentials || others === undefined || others.length === 0) return [];
      const user = app.facts.runAsUser?.username ?? app.runAsUser;
      return [
        {
          setting: 'runAsUser',
          message: `The run-as user${user ? ` ${user}` : ''} is also the run-as user of ${others.length === 1 ? others[0] : `${others.length} other apps (${someNames(others)})`}.`,
        },
      ];
    },
  }),
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

// ---------------------------------------------------------------------------------------------
// running rules

/** The name org-level findings are filed under: the org's alias/username, else its id. */
export function orgName(app: AuditedApp): string {
  return app.facts.org?.name ?? app.facts.org?.id ?? 'org';
}

export function appTarget(app: AuditedApp): FindingTarget {
  const org = app.facts.org?.name ?? app.facts.org?.id;
  return {
    type: 'app',
    kind: app.kind,
    name: app.name,
    ...(app.label === undefined ? {} : { label: app.label }),
    ...(org === undefined ? {} : { org }),
  };
}

/** Whether a rule reads this app at all (kind, OAuth, scope). */
export function ruleApplies(r: Rule, app: AuditedApp): boolean {
  return r.scope !== 'config' && r.kinds.includes(app.kind) && (!r.needsOauth || app.oauthEnabled);
}

/** Runs rules on one app, in catalogue order. Org-level findings come once per app here; evaluate() keeps one per org. */
export function runRules(app: AuditedApp, ctx: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const findings: Finding[] = [];
  for (const r of rules) {
    if (!ruleApplies(r, app)) continue;
    for (const hit of r.check(app, ctx)) {
      const field = r.scope === 'app' && hit.setting !== undefined ? fieldPath(app, hit.setting) : undefined;
      const location = field === undefined ? undefined : locate(app, field);
      const target: FindingTarget =
        r.scope === 'org'
          ? { type: 'org', name: orgName(app), ...(app.facts.org?.id === undefined ? {} : { id: app.facts.org.id }) }
          : appTarget(app);
      findings.push({
        ruleId: r.id,
        severity: hit.severity ?? r.severity,
        message: hit.message,
        target,
        ...(field === undefined ? {} : { field }),
        ...(location === undefined ? {} : { location }),
        ...(hit.fix === undefined ? {} : { fix: hit.fix }),
      });
    }
  }
  return findings;
}
