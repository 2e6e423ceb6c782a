/**
 * Which policy-check rules a setting matters to, so that a drift report can mark a difference
 * with the rule ids it may make fire or go quiet ("ip-restrictions-relaxed").
 *
 * Derived from the rule catalogue (../policy/rules.ts, read only): for each rule, the settings
 * its findings point at (the `setting` of its hits and of its fixes) and the settings its check
 * reads to decide (flows, scopes, the secret switch...). A setting becomes field paths through
 * the catalogue's own SETTING_FIELDS (../policy/app.ts), plus the few fields app.ts reads for a
 * setting besides the one SETTING_FIELDS names (RELATED_FIELDS). A unit test reads rules.ts and
 * fails when a rule names a setting this table does not list, or when a rule is missing here.
 */
import { type AppKind, SETTING_FIELDS, type Setting } from '../policy/app.js';

export type RuleRelevance = {
  /** settings the rule's findings (and fixes) point at */
  readonly points: readonly Setting[];
  /** settings the rule reads to decide whether it fires */
  readonly reads?: readonly Setting[];
  /** other field paths the rule reads, by kind of app */
  readonly fields?: Readonly<Partial<Record<AppKind, readonly string[]>>>;
};

/** Every rule of the catalogue that looks at an app's metadata; org, config and fact-only rules point at nothing here. */
export const RULE_RELEVANCE: Readonly<Record<string, RuleRelevance>> = {
  'refresh-token-never-expires': { points: ['refreshTokenPolicy'], reads: ['scopes'], fields: { eca: ['oauthPolicies.refreshTokenValidityPeriod', 'oauthPolicies.refreshTokenValidityUnit'] } },
  'refresh-token-lifetime-too-long': { points: ['refreshTokenPeriod'], reads: ['refreshTokenPolicy', 'scopes'] },
  'ip-restrictions-relaxed': { points: ['ipRelaxation'] },
  'session-timeout-not-set': { points: ['sessionTimeout'], reads: ['oauthPolicies'] },
  'session-timeout-too-long': { points: ['sessionTimeout'] },
  'self-authorization-with-server-flows': {
    points: ['permittedUsers'],
    reads: ['certificate', 'tokenExchange'],
    fields: { eca: ['globalOauthSettings.isCodeCredFlowEnabled'], connectedApp: ['connectedApp.oauthConfig.isCodeCredentialEnabled'] },
  },
  'pkce-not-required': { points: ['pkce'], reads: ['callbackUrls'] },
  'consumer-secret-optional': { points: ['consumerSecretOptional'], reads: ['pkce', 'clientCredentials'] },
  'refresh-token-secret-not-required': { points: ['secretForRefreshToken'], reads: ['scopes', 'consumerSecretOptional'] },
  'public-client-refresh-token-not-rotated': { points: ['refreshTokenRotation'], reads: ['scopes', 'consumerSecretOptional', 'secretForRefreshToken'] },
  'token-exchange-secret-not-required': { points: ['secretForTokenExchange'], reads: ['tokenExchange'] },
  'scope-full': { points: ['scopes'] },
  'scope-refresh-token-unneeded': { points: ['scopes'], reads: ['clientCredentials', 'certificate'] },
  'client-credentials-without-run-as-user': { points: ['runAsUser'], reads: ['clientCredentials'] },
  'client-credentials-run-as-not-api-only': { points: ['runAsUser'], reads: ['clientCredentials'] },
  'client-credentials-run-as-admin': { points: ['runAsUser'], reads: ['clientCredentials'] },
  'run-as-user-shared': { points: ['runAsUser'], reads: ['clientCredentials'] },
  'introspect-all-tokens': { points: ['introspectAllTokens'] },
  'callback-url-not-https': { points: ['callbackUrls'] },
  'callback-url-wildcard': { points: ['callbackUrls'] },
  'jwt-certificate-expired': { points: ['certificate'] },
  'jwt-certificate-expiring': { points: ['certificate'] },
  'jwt-certificate-unreadable': { points: ['certificate'] },
  'jwt-certificate-weak-key': { points: ['certificate'] },
  'connected-app-should-migrate': { points: ['app'] },
  'oauth-policies-not-in-source': { points: ['oauthPolicies'] },
  'app-unused': { points: ['app'] },
  // a secret is never drift (normalised away), but a difference in whether one is written still points here
  'consumer-secret-in-source': { points: ['consumerSecret'] },
};

/** Rules of the catalogue that no metadata field drives: org settings and facts (a secret's age), the policy file, and notes about values the audit could not read. */
export const RULES_WITHOUT_FIELDS: readonly string[] = ['org-consumer-secret-metadata-access', 'org-consumer-secret-rest-access', 'unrecognised-value', 'waiver-expired', 'consumer-secret-not-rotated'];

/** Fields app.ts reads for a setting besides the one SETTING_FIELDS names (the admin switch of a flow, a period's unit, the idle TTL). */
export const RELATED_FIELDS: Readonly<Partial<Record<Setting, Readonly<Partial<Record<AppKind, readonly string[]>>>>>> = {
  clientCredentials: { eca: ['oauthPolicies.isClientCredentialsFlowEnabled'] },
  tokenExchange: { eca: ['oauthPolicies.isTokenExchangeFlowEnabled'], connectedApp: ['connectedApp.oauthPolicy.isTokenExchangeFlowEnabled'] },
  refreshTokenPeriod: { eca: ['oauthPolicies.refreshTokenValidityUnit'] },
  refreshTokenPolicy: { eca: ['globalOauthSettings.isEnforceRefreshTokenTTL'], connectedApp: ['connectedApp.oauthConfig.isEnforceRefreshTokenTTL'] },
};

/** Settings that stand for a whole component (the app, its OAuth policies): they match its presence, not each field in it. */
const COMPONENT_SETTINGS: ReadonlySet<Setting> = new Set<Setting>(['app', 'oauthPolicies']);

function settingPaths(setting: Setting, kind: AppKind): string[] {
  return [SETTING_FIELDS[setting][kind], ...(RELATED_FIELDS[setting]?.[kind] ?? [])];
}

function matches(pattern: string, path: string, wholeComponent: boolean): boolean {
  if (pattern === path) return true;
  return !wholeComponent && path.startsWith(`${pattern}.`);
}

function rulePaths(r: RuleRelevance, kind: AppKind): Array<{ path: string; whole: boolean }> {
  return [
    ...[...r.points, ...(r.reads ?? [])].flatMap((s) => settingPaths(s, kind).map((path) => ({ path, whole: COMPONENT_SETTINGS.has(s) }))),
    ...(r.fields?.[kind] ?? []).map((path) => ({ path, whole: false })),
  ];
}

const cache = new Map<string, readonly string[]>();

/**
 * The rule ids a field path matters to, sorted. Paths are `<part>.<field>[.<field>]` for an ECA
 * ("oauthPolicies.ipRelaxationPolicyType"; a part alone for the component's presence) and
 * `connectedApp.<field>...` for a Connected App, as SETTING_FIELDS writes them.
 */
export function rulesForField(kind: AppKind, path: string): readonly string[] {
  const key = `${kind}\u0000${path}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const ids = Object.entries(RULE_RELEVANCE)
    .filter(([, r]) => rulePaths(r, kind).some((p) => matches(p.path, path, p.whole)))
    .map(([id]) => id)
    .sort();
  cache.set(key, ids);
  return ids;
}
