/**
 * The effective settings of an app as people read them in Setup: who may use it, which flows it
 * allows, how long its tokens live. Used by generate, create, list and display. Derived from the
 * one app reader (./app): no metadata is read here.
 */
import { type AppSettings, type CertificateFacts, readConnectedApp, readEca, type RefreshTokenPolicy as AppRefreshPolicy } from './app/index.js';
import type { ConnectedAppValues, Eca } from './model.js';
import { SECRET_FIELDS } from './secrets.js';
import type { MetadataValues } from './xml.js';

export type CertificateSummary = { subject?: string; validTo?: string; daysLeft?: number; placeholder?: boolean; invalid?: boolean };

export type EcaSummary = {
  name: string;
  label?: string;
  distributionState?: string;
  /** ECA app policies: the app switched on (isEnabled) and its OAuth plugin (isOauthPluginEnabled), when known */
  enabled?: boolean;
  oauthPluginEnabled?: boolean;
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

/** "SpecificLifetime 8 Hours", "Infinite"; a period or unit the source leaves out is left out. */
export function formatRefreshTokenPolicy(p: AppRefreshPolicy | undefined): string | undefined {
  if (!p) return undefined;
  return [p.type, p.period === undefined ? undefined : String(p.period), p.unit].filter((x) => x !== undefined).join(' ');
}

const DAY_MS = 86_400_000;

function certificateSummary(c: CertificateFacts | undefined, now: Date): CertificateSummary | undefined {
  if (!c) return undefined;
  if (c.status === 'placeholder') return { placeholder: true };
  if (c.status === 'unreadable') return { invalid: true };
  return { subject: c.subject, validTo: c.validTo, daysLeft: Math.floor((Date.parse(c.validTo) - now.getTime()) / DAY_MS) };
}

/** The flows an app allows, by the names the commands print. */
export function flowNames(app: Pick<AppSettings, 'flows'>): string[] {
  const f = app.flows;
  return [
    f.authorizationCode ? 'authorization-code' : undefined,
    f.clientCredentials ? 'client-credentials' : undefined,
    f.jwtBearer ? 'jwt-bearer' : undefined,
    f.device ? 'device' : undefined,
    f.tokenExchange ? 'token-exchange' : undefined,
    f.codeCredential ? 'code-credential' : undefined,
  ].filter((x): x is string => x !== undefined);
}

/** The summary of an app's effective settings. */
export function summarize(app: AppSettings, now: Date = new Date()): EcaSummary {
  return {
    name: app.name,
    label: app.label,
    distributionState: app.distributionState,
    enabled: app.enabled,
    oauthPluginEnabled: app.oauthPluginEnabled,
    permittedUsers: app.permittedUsers,
    profiles: [...app.preAuthorized.profiles],
    permissionSets: [...app.preAuthorized.permissionSets],
    flows: flowNames(app),
    scopes: [...(app.scopes ?? [])],
    callbackUrls: [...app.callbackUrls],
    refreshTokenPolicy: formatRefreshTokenPolicy(app.refreshTokenPolicy),
    ipRelaxation: app.ipRelaxation,
    sessionTimeoutInMinutes: app.sessionTimeoutMinutes,
    runAs: app.runAsUser,
    // without OAuth settings there is nothing to require or not
    pkceRequired: app.oauthConfigured ? app.pkceRequired : undefined,
    consumerSecretOptional: app.oauthConfigured ? app.consumerSecretOptional : undefined,
    certificate: certificateSummary(app.certificate, now),
  };
}

export function summarizeEca(eca: Eca, now: Date = new Date()): EcaSummary {
  return summarize(readEca(eca), now);
}

/** The same summary for a Connected App, its values spelled the ECA way (see ./app/model.ts). */
export function summarizeConnectedApp(name: string, values: ConnectedAppValues, now: Date = new Date()): EcaSummary {
  return summarize(readConnectedApp({ type: 'ConnectedApp', fullName: name, values }), now);
}

export type SettingEntry = { field: string; value: string; secret: boolean };

/** Every field of a component as dotted paths with printable values; secrets are marked. */
export function flattenSettings(values: MetadataValues, prefix = ''): SettingEntry[] {
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
