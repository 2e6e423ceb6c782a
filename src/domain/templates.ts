/**
 * The presets of `sf eca generate` and `sf eca create`, in one table. Each preset is safe by
 * default: admin-approved users, a finite refresh token, IP restrictions enforced, PKCE and
 * secrets required, and the fewest scopes its flow needs. Flags loosen them only on request.
 * "Safe" is what `sf eca policy check` says: at its defaults, at every API version it supports,
 * no template gets a finding at medium or above (test/unit/templates.test.ts).
 */

export const TEMPLATE_NAMES = ['server-to-server', 'jwt-ci', 'web-app', 'public-client', 'device'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export type Flow = 'authorization-code' | 'client-credentials' | 'jwt-bearer' | 'device' | 'refresh-token';

export type RefreshTokenPolicy =
  | { type: 'Infinite' }
  | { type: 'Zero' }
  | { type: 'SpecificLifetime' | 'SpecificInactivity'; period: number; unit: 'Hours' | 'Days' | 'Months' };

export type Template = {
  name: TemplateName;
  summary: string;
  flows: readonly Flow[];
  scopes: readonly string[];
  refreshToken: RefreshTokenPolicy;
  /** a callback URL is needed by the flow (authorization code) */
  needsCallback: boolean;
  defaultCallback?: string;
  needsCertificate: boolean;
  needsRunAs: boolean;
  pkceRequired: boolean;
  /** consumer secret required for the web-server flow */
  secretRequired: boolean;
  secretRequiredForRefreshToken: boolean;
  refreshTokenRotation: boolean;
  /**
   * The fields without which the template is not what it says: its flow, or the setting that
   * makes it safe. An API version that lacks one cannot build the template (TemplateApiVersionError).
   */
  requires: readonly RequiredField[];
};

/** A field a template cannot do without, and why. */
export type RequiredField = { readonly type: string; readonly field: string; readonly why: string };

const GLOBAL = 'ExtlClntAppGlobalOauthSettings';
const POLICIES = 'ExtlClntAppOauthConfigurablePolicies';

export const TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  'server-to-server': {
    name: 'server-to-server',
    summary: 'A backend calls Salesforce as one integration user (OAuth client credentials flow).',
    flows: ['client-credentials'],
    scopes: ['Api'],
    refreshToken: { type: 'Zero' },
    needsCallback: false,
    needsCertificate: false,
    needsRunAs: true,
    pkceRequired: true,
    secretRequired: true,
    secretRequiredForRefreshToken: true,
    refreshTokenRotation: false,
    requires: [
      { type: GLOBAL, field: 'isClientCredentialsFlowEnabled', why: 'the client credentials flow' },
      { type: POLICIES, field: 'clientCredentialsFlowUser', why: 'the run-as user' },
    ],
  },
  'jwt-ci': {
    name: 'jwt-ci',
    summary: 'A pipeline logs in with `sf org login jwt` (OAuth JWT bearer flow with a certificate).',
    flows: ['jwt-bearer'],
    // the scopes Salesforce documents for `sf org login jwt`
    scopes: ['Api', 'Web', 'RefreshToken'],
    refreshToken: { type: 'Zero' },
    needsCallback: false,
    defaultCallback: 'http://localhost:1717/OauthRedirect',
    needsCertificate: true,
    needsRunAs: false,
    pkceRequired: true,
    secretRequired: true,
    secretRequiredForRefreshToken: true,
    refreshTokenRotation: false,
    requires: [{ type: GLOBAL, field: 'certificate', why: 'the certificate that enables the JWT bearer flow' }],
  },
  'web-app': {
    name: 'web-app',
    summary: 'A web application signs users in (authorization code flow with PKCE and a secret).',
    flows: ['authorization-code', 'refresh-token'],
    scopes: ['Api', 'RefreshToken'],
    refreshToken: { type: 'SpecificLifetime', period: 7, unit: 'Days' },
    needsCallback: true,
    needsCertificate: false,
    needsRunAs: false,
    pkceRequired: true,
    secretRequired: true,
    secretRequiredForRefreshToken: true,
    refreshTokenRotation: true,
    // confidential: refresh tokens need the secret, so rotation (API 60) is a bonus, not a requirement
    requires: [],
  },
  'public-client': {
    name: 'public-client',
    summary: 'A desktop, mobile or single-page app that cannot keep a secret (authorization code with PKCE, no secret).',
    flows: ['authorization-code', 'refresh-token'],
    scopes: ['Api', 'RefreshToken'],
    refreshToken: { type: 'SpecificLifetime', period: 7, unit: 'Days' },
    needsCallback: true,
    needsCertificate: false,
    needsRunAs: false,
    pkceRequired: true,
    secretRequired: false,
    secretRequiredForRefreshToken: false,
    refreshTokenRotation: true,
    requires: [{ type: GLOBAL, field: 'isRefreshTokenRotationEnabled', why: 'refresh-token rotation, the only guard of a client without a secret' }],
  },
  device: {
    name: 'device',
    summary: 'A device or command-line tool without a browser (OAuth device flow).',
    flows: ['device', 'refresh-token'],
    scopes: ['Api', 'RefreshToken'],
    refreshToken: { type: 'SpecificLifetime', period: 7, unit: 'Days' },
    needsCallback: false,
    needsCertificate: false,
    needsRunAs: false,
    pkceRequired: true,
    secretRequired: true,
    secretRequiredForRefreshToken: false,
    refreshTokenRotation: true,
    requires: [
      { type: GLOBAL, field: 'isDeviceFlowEnabled', why: 'the device flow' },
      { type: GLOBAL, field: 'isRefreshTokenRotationEnabled', why: 'refresh-token rotation, the only guard of a client without a secret' },
    ],
  },
};

export const IP_RELAXATION_VALUES = ['Enforce', 'Enforce_RelaxRefresh', 'Bypass_2factor', 'Bypass'] as const;
export type IpRelaxation = (typeof IP_RELAXATION_VALUES)[number];

/**
 * Parses the --refresh-token flag: "infinite", "zero", "lifetime:8h", "inactivity:30d",
 * "lifetime:3m" (months). Returns a message saying what is wrong instead of throwing.
 */
export function parseRefreshTokenPolicy(text: string): RefreshTokenPolicy | { error: string } {
  const t = text.trim().toLowerCase();
  if (t === 'infinite') return { type: 'Infinite' };
  if (t === 'zero') return { type: 'Zero' };
  const m = /^(lifetime|inactivity):(\d+)\s*(h|d|m|hours?|days?|months?)$/.exec(t);
  if (!m) {
    return { error: `"${text}" is not a refresh token policy; use infinite, zero, lifetime:<n><h|d|m> or inactivity:<n><h|d|m>` };
  }
  const period = Number.parseInt(m[2], 10);
  if (period < 1) return { error: `the period in "${text}" must be at least 1` };
  const unit = m[3].startsWith('h') ? 'Hours' : m[3].startsWith('d') ? 'Days' : 'Months';
  return { type: m[1] === 'lifetime' ? 'SpecificLifetime' : 'SpecificInactivity', period, unit };
}

export function describeRefreshTokenPolicy(p: RefreshTokenPolicy): string {
  switch (p.type) {
    case 'Infinite':
      return 'valid until revoked';
    case 'Zero':
      return 'expires immediately (no refresh)';
    default:
      return `${p.type === 'SpecificLifetime' ? 'expires after' : 'expires after inactivity of'} ${p.period} ${p.unit.toLowerCase()}`;
  }
}
