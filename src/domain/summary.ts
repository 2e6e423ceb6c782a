/**
 * The effective settings of an ECA, as people read them in Setup: who may use it, which flows it
 * allows, how long its tokens live. Used by generate, create, list and display.
 */
import { isPlaceholder, parseCertificate } from './certificate.js';
import { SECRET_FIELDS } from './secrets.js';
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

/** The same summary for a Connected App; its policy values are shown as the Connected App holds them. */
export function summarizeConnectedApp(name: string, values: import('./model.js').ConnectedAppValues, now: Date = new Date()): EcaSummary {
  const o = values.oauthConfig;
  const callbackUrls = (o?.callbackUrl ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  const flows: string[] = [];
  if (o) {
    if (callbackUrls.length) flows.push('authorization-code');
    if (o.isClientCredentialEnabled) flows.push('client-credentials');
    if (o.certificate) flows.push('jwt-bearer');
    if (o.isTokenExchangeEnabled) flows.push('token-exchange');
    if (o.isCodeCredentialEnabled) flows.push('code-credential');
  }
  return {
    name,
    label: values.label,
    distributionState: undefined,
    permittedUsers: o?.isAdminApproved === undefined ? undefined : o.isAdminApproved ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
    profiles: values.profileName ?? [],
    permissionSets: values.permissionSetName ?? [],
    flows,
    scopes: o?.scopes ?? [],
    callbackUrls,
    refreshTokenPolicy: values.oauthPolicy?.refreshTokenPolicy,
    ipRelaxation: values.oauthPolicy?.ipRelaxation,
    sessionTimeoutInMinutes: values.sessionPolicy?.sessionTimeout,
    runAs: o?.oauthClientCredentialUser,
    pkceRequired: o?.isPkceRequired,
    consumerSecretOptional: o?.isConsumerSecretOptional,
    certificate: certificateSummary(o?.certificate, now),
  };
}

export type SettingEntry = { field: string; value: string; secret: boolean };

/** Every field of a component as dotted paths with printable values; secrets are marked. */
export function flattenSettings(values: import('./xml.js').MetadataValues, prefix = ''): SettingEntry[] {
  const out: SettingEntry[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const field = prefix ? `${prefix}.${key}` : key;
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      const path = Array.isArray(value) && items.length > 1 && typeof item === 'object' ? `${field}[${i}]` : field;
      if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
        out.push(...flattenSettings(item, path));
      }
    });
    if (items.every((i) => typeof i !== 'object')) {
      out.push({ field, value: items.map(String).join(Array.isArray(value) ? ', ' : ''), secret: SECRET_FIELDS.has(key) });
    }
  }
  return out;
}
