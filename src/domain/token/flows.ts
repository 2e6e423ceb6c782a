/**
 * The two server-to-server OAuth flows `sf eca token verify` proves, as Salesforce's token
 * endpoint expects them (eca-reference.md §6): where to send the request, which audience a JWT
 * assertion names, the assertion's claims and the form fields of each grant. Pure: no I/O.
 */

export const TOKEN_FLOWS = ['client-credentials', 'jwt-bearer'] as const;
export type TokenFlow = (typeof TOKEN_FLOWS)[number];

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The audience production orgs expect (also what `sf org login jwt` always sends). */
export const PRODUCTION_AUDIENCE = 'https://login.salesforce.com';
/** The audience sandboxes expect. */
export const SANDBOX_AUDIENCE = 'https://test.salesforce.com';

/** How far ahead of now the assertion's `exp` lies. Salesforce allows at most a few minutes. */
export const ASSERTION_LIFETIME_SECONDS = 180;

/** Environment variable the client credentials flow reads the consumer secret from. */
export const CLIENT_SECRET_ENV = 'ECA_CLIENT_SECRET';

export type AudienceChoice = {
  audience: string;
  /** why this audience: the --audience flag, or the org's Organization.IsSandbox */
  source: 'flag' | 'sandbox' | 'production';
};

/** Hosts that are not an org's My Domain: the client credentials flow is refused there. */
const GENERIC_LOGIN_HOSTS: ReadonlySet<string> = new Set([
  'login.salesforce.com',
  'test.salesforce.com',
  'login.salesforce.mil',
  'test.salesforce.mil',
  'login.cloudforce.com',
  'login.database.com',
]);

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Normalises an audience given by hand: an absolute http(s) URL without a trailing slash (the
 * form Salesforce compares against). Returns undefined when it is not such a URL.
 */
export function normalizeAudience(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.search || url.hash) return undefined;
  return trimSlashes(`${url.protocol}//${url.host}${url.pathname}`);
}

/**
 * The audience of a JWT bearer assertion: the override when given, else the login URL that the
 * org's kind expects (sandboxes https://test.salesforce.com, others https://login.salesforce.com).
 */
export function chooseAudience(input: { override?: string; isSandbox: boolean }): AudienceChoice {
  if (input.override !== undefined) return { audience: input.override, source: 'flag' };
  return input.isSandbox ? { audience: SANDBOX_AUDIENCE, source: 'sandbox' } : { audience: PRODUCTION_AUDIENCE, source: 'production' };
}

export type JwtClaims = {
  /** the app's consumer key */
  iss: string;
  /** the username the token is for */
  sub: string;
  aud: string;
  /** seconds since the epoch */
  exp: number;
};

/** The claims of a JWT bearer assertion; `exp` is ASSERTION_LIFETIME_SECONDS after `now`. */
export function buildJwtClaims(input: { consumerKey: string; username: string; audience: string; now: Date }): JwtClaims {
  return {
    iss: input.consumerKey,
    sub: input.username,
    aud: input.audience,
    exp: Math.floor(input.now.getTime() / 1000) + ASSERTION_LIFETIME_SECONDS,
  };
}

/** `<instance URL>/services/oauth2/token`, whatever trailing slashes the stored URL has. */
export function tokenEndpointOf(instanceUrl: string): string {
  return `${trimSlashes(instanceUrl)}/services/oauth2/token`;
}

/** True for login.salesforce.com and its kin, which are not an org's My Domain. */
export function isGenericLoginHost(url: string): boolean {
  try {
    return GENERIC_LOGIN_HOSTS.has(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** The form fields of a client credentials request. */
export function clientCredentialsForm(consumerKey: string, consumerSecret: string): URLSearchParams {
  return new URLSearchParams({ grant_type: CLIENT_CREDENTIALS_GRANT, client_id: consumerKey, client_secret: consumerSecret });
}

/** The form fields of a JWT bearer request. */
export function jwtBearerForm(assertion: string): URLSearchParams {
  return new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
}

/** The consumer id of an ECA from OauthSettings.oauthLink: read by the one app reader (../app). */
export { consumerIdOf } from '../app/oauthLink.js';
