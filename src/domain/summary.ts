/**
 * The effective settings of an ECA, as people read them in Setup: who may use it, which flows it
 * allows, how long its tokens live. Used by generate, create, list and display.
 */
import { isPlaceholder, parseCertificate } from './certificate.js';
import type { Eca } from './model.js';
import { splitScopes } from './scopes.js';
import { describeRefreshTokenPolicy, type RefreshTokenPolicy } from './templates.js';

export type CertificateSummary = { subject?: string; validTo?: string; daysLeft?: number; placeholder?: boolean; invalid?: boolean };

export type EcaSummary = {
  name: string;
  label?: string;
  distributionState?: string;
  permittedUsers?: string;
  profiles: string[];
  permissionSets: string[];
  flows: string[];
  scopes: string[];
  callbackUrls: string[];
  refreshTokenPolicy?: string;
  ipRelaxation?: string;
  sessionTimeoutInMinutes?: number;
  runAs?: string;
  pkceRequired?: boolean;
  consumerSecretOptional?: boolean;
  certificate?: CertificateSummary;
};

function list(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export function refreshTokenPolicyOf(values: {
  refreshTokenPolicyType?: string;
  refreshTokenValidityPeriod?: number;
  refreshTokenValidityUnit?: string;
}): RefreshTokenPolicy | undefined {
  const type = values.refreshTokenPolicyType;
  if (type === 'Infinite' || type === 'Zero') return { type };
  if (type === 'SpecificLifetime' || type === 'SpecificInactivity') {
    return {
      type,
      period: values.refreshTokenValidityPeriod ?? 0,
      unit: (values.refreshTokenValidityUnit ?? 'Hours') as 'Hours' | 'Days' | 'Months',
    };
  }
  return undefined;
}

function certificateSummary(value: string | undefined, now: Date): CertificateSummary | undefined {
  if (!value) return undefined;
  if (isPlaceholder(value)) return { placeholder: true };
  try {
    const info = parseCertificate(value, now);
    return { subject: info.subject, validTo: info.validTo, daysLeft: info.daysLeft };
  } catch {
    return { invalid: true };
  }
}

export function summarizeEca(eca: Eca, now: Date = new Date()): EcaSummary {
  const h = eca.parts.header?.values;
  const g = eca.parts.globalOauthSettings?.values;
  const o = eca.parts.oauthSettings?.values;
  const p = eca.parts.oauthPolicies?.values;
  const flows: string[] = [];
  const callbackUrls = (g?.callbackUrl ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (g) {
    if (callbackUrls.length) flows.push('authorization-code');
    if (g.isClientCredentialsFlowEnabled && p?.isClientCredentialsFlowEnabled) flows.push('client-credentials');
    if (g.certificate) flows.push('jwt-bearer');
    if (g.isDeviceFlowEnabled) flows.push('device');
    if (g.isTokenExchangeEnabled && p?.isTokenExchangeFlowEnabled) flows.push('token-exchange');
    if (g.isCodeCredFlowEnabled) flows.push('code-credential');
  }
  const refresh = p ? refreshTokenPolicyOf(p) : undefined;
  return {
    name: eca.name,
    label: h?.label,
    distributionState: h?.distributionState,
    permittedUsers: p?.permittedUsersPolicyType,
    profiles: list(p?.commaSeparatedProfile),
    permissionSets: list(p?.commaSeparatedPermissionSet),
    flows,
    scopes: splitScopes(o?.commaSeparatedOauthScopes),
    callbackUrls,
    refreshTokenPolicy: refresh ? `${refresh.type}${'period' in refresh ? ` ${refresh.period} ${refresh.unit}` : ''}` : undefined,
    ipRelaxation: p?.ipRelaxationPolicyType,
    sessionTimeoutInMinutes: p?.sessionTimeoutInMinutes,
    runAs: p?.clientCredentialsFlowUser,
    pkceRequired: g?.isPkceRequired,
    consumerSecretOptional: g?.isConsumerSecretOptional,
    certificate: certificateSummary(g?.certificate, now),
  };
}

export { describeRefreshTokenPolicy };
