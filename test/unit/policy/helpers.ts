/**
 * Test helpers for the policy audit: small ECAs and Connected Apps written as metadata XML,
 * parsed with parseMetadataXml and assembled with assembleEcas, exactly as the command will.
 * `secureEca()` / `secureConnectedApp()` produce apps no rule fires on; a test changes one field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentOfFile, type EcaPart } from '../../../src/domain/components.js';
import { assembleEcas, type Component, type ConnectedApp } from '../../../src/domain/model.js';
import {
  type AppComponent,
  type AuditedApp,
  type AuditOptions,
  fieldLocations,
  fromConnectedApp,
  fromEca,
  type SourceLocation,
} from '../../../src/domain/policy/app.js';
import { DEFAULT_THRESHOLDS, type Finding, type RuleContext, ruleById, runRules } from '../../../src/domain/policy/rules.js';
import { METADATA_NS, parseMetadataXml } from '../../../src/domain/xml.js';

export const NOW = new Date('2026-07-01T12:00:00Z');
export const CTX: RuleContext = { thresholds: DEFAULT_THRESHOLDS, now: NOW };

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/real-metadata');

/** An element value: text, a nested element, a repeated element, or undefined to leave it out. */
export type XmlValue = string | number | boolean | undefined | XmlFields | readonly (string | XmlFields)[];
export type XmlFields = { readonly [element: string]: XmlValue };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function elements(fields: XmlFields, indent: string): string {
  return Object.keys(fields)
    .sort()
    .flatMap((name) => {
      const value = fields[name];
      if (value === undefined) return [];
      const values = Array.isArray(value) ? (value as ReadonlyArray<string | XmlFields>) : [value as string | number | boolean | XmlFields];
      return values.map((v) =>
        typeof v === 'object' ? `${indent}<${name}>\n${elements(v, `${indent}    `)}${indent}</${name}>\n` : `${indent}<${name}>${escape(String(v))}</${name}>\n`
      );
    })
    .join('');
}

/** A metadata file as Salesforce writes it. */
export function metadataXml(type: string, fields: XmlFields): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="${METADATA_NS}">\n${elements(fields, '    ')}</${type}>\n`;
}

export function component(xml: string, fullName: string, file?: string): Component {
  const parsed = parseMetadataXml(xml);
  return { type: parsed.type, fullName, values: parsed.values, ...(file === undefined ? {} : { file }) };
}

type EcaSpec = Partial<Record<'header' | 'oauthSettings' | 'globalOauthSettings' | 'oauthPolicies' | 'policies', XmlFields | null>>;

const ECA_TYPES: Record<keyof EcaSpec, { type: string; suffix: string }> = {
  header: { type: 'ExternalClientApplication', suffix: '' },
  oauthSettings: { type: 'ExtlClntAppOauthSettings', suffix: '_oauth' },
  globalOauthSettings: { type: 'ExtlClntAppGlobalOauthSettings', suffix: '_glbloauth' },
  oauthPolicies: { type: 'ExtlClntAppOauthConfigurablePolicies', suffix: '_oauthPlcy' },
  policies: { type: 'ExtlClntAppConfigurablePolicies', suffix: '_plcy' },
};

const SECURE_ECA: Required<Record<keyof EcaSpec, XmlFields>> = {
  header: { contactEmail: 'ops@acme.example', distributionState: 'Local', isProtected: false, label: 'Acme CI' },
  oauthSettings: { commaSeparatedOauthScopes: 'Api, RefreshToken', label: 'Acme_oauth' },
  globalOauthSettings: {
    callbackUrl: 'https://app.acme.example/oauth/callback',
    isClientCredentialsFlowEnabled: false,
    isCodeCredFlowEnabled: false,
    isConsumerSecretOptional: false,
    isDeviceFlowEnabled: false,
    isIntrospectAllTokens: false,
    isPkceRequired: true,
    isRefreshTokenRotationEnabled: true,
    isSecretRequiredForRefreshToken: true,
    isSecretRequiredForTokenExchange: true,
    isTokenExchangeEnabled: false,
    label: 'Acme_glbloauth',
  },
  oauthPolicies: {
    ipRelaxationPolicyType: 'Enforce',
    isClientCredentialsFlowEnabled: false,
    isTokenExchangeFlowEnabled: false,
    label: 'Acme_oauthPlcy',
    permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
    commaSeparatedPermissionSet: 'Acme_Integration',
    refreshTokenPolicyType: 'SpecificLifetime',
    refreshTokenValidityPeriod: 30,
    refreshTokenValidityUnit: 'Days',
    sessionTimeoutInMinutes: 60,
  },
  policies: { isEnabled: true, isOauthPluginEnabled: true, label: 'Acme_plcy' },
};

/** The XML files of an ECA: the secure baseline with `changes` merged per part (null drops the part). */
export function ecaFiles(name: string, changes: EcaSpec = {}): Array<{ part: keyof EcaSpec; fullName: string; file: string; xml: string }> {
  return (Object.keys(ECA_TYPES) as Array<keyof EcaSpec>).flatMap((part) => {
    const change = changes[part];
    if (change === null) return [];
    const { type, suffix } = ECA_TYPES[part];
    const fields: XmlFields = { ...SECURE_ECA[part], ...(change ?? {}), ...(part === 'header' ? {} : { externalClientApplication: name }) };
    const fullName = `${name}${suffix}`;
    return [{ part, fullName, file: `force-app/main/default/${part}/${fullName}.xml`, xml: metadataXml(type, fields) }];
  });
}

/** An audited ECA built from XML: the secure baseline plus `changes`, with field locations. */
export function secureEca(changes: EcaSpec = {}, opts: AuditOptions = {}, name = 'Acme_CI'): AuditedApp {
  const files = ecaFiles(name, changes);
  const { ecas } = assembleEcas(files.map((f) => component(f.xml, f.fullName, f.file)));
  const locations: Record<string, SourceLocation> = {};
  for (const f of files) Object.assign(locations, fieldLocations(f.part as EcaPart, f.file, parseMetadataXml(f.xml).elements));
  return fromEca(ecas[0], { locations, ...opts });
}

const SECURE_CA: XmlFields = {
  contactEmail: 'ops@acme.example',
  label: 'Acme Legacy',
  oauthConfig: {
    callbackUrl: 'https://app.acme.example/oauth/callback',
    isAdminApproved: true,
    isClientCredentialEnabled: false,
    isCodeCredentialEnabled: false,
    isConsumerSecretOptional: false,
    isIntrospectAllTokens: false,
    isPkceRequired: true,
    isRefreshTokenRotationEnabled: true,
    isSecretRequiredForRefreshToken: true,
    isSecretRequiredForTokenExchange: true,
    isTokenExchangeEnabled: false,
    scopes: ['Api', 'RefreshToken'],
  },
  oauthPolicy: { ipRelaxation: 'ENFORCE', isTokenExchangeFlowEnabled: false, refreshTokenPolicy: 'specific_lifetime:30:DAYS' },
  permissionSetName: ['Acme Integration'],
  sessionPolicy: { sessionTimeout: 60 },
};

/** A Connected App from XML: the secure baseline with `changes` merged one level deep. */
export function secureConnectedApp(changes: Readonly<Record<string, XmlValue | null>> = {}, opts: AuditOptions = {}, name = 'Acme_Legacy'): AuditedApp {
  const fields: Record<string, XmlValue> = { ...SECURE_CA };
  for (const [key, change] of Object.entries(changes)) {
    const base = fields[key];
    if (change === null) delete fields[key];
    else if (typeof change === 'object' && !Array.isArray(change) && typeof base === 'object' && !Array.isArray(base)) fields[key] = { ...(base as XmlFields), ...(change as XmlFields) };
    else fields[key] = change;
  }
  return connectedAppFromXml(metadataXml('ConnectedApp', fields), name, `force-app/main/default/connectedApps/${name}.connectedApp-meta.xml`, opts);
}

export function connectedAppFromXml(xml: string, name: string, file?: string, opts: AuditOptions = {}): AuditedApp {
  const ca = component(xml, name, file) as ConnectedApp;
  const locations = file === undefined ? {} : fieldLocations('connectedApp', file, parseMetadataXml(xml).elements);
  return fromConnectedApp(ca, { locations, ...opts });
}

/** Findings of one rule on one app (the rule must exist). */
export function findingsOf(ruleId: string, app: AuditedApp, ctx: RuleContext = CTX): Finding[] {
  const rule = ruleById(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return runRules(app, ctx, [rule]);
}

export type CorpusApp = { file: string; app: AuditedApp };

/**
 * Every app in the real-metadata corpus. Connected Apps one per file; ECAs assembled from the
 * files of one header (the `_def*` set and the `@32557b03` header are the org-generated twin of
 * InformaticaCloud and are assembled on their own, under the name InformaticaCloud@32557b03).
 */
export function loadCorpus(): { apps: CorpusApp[]; errors: string[] } {
  const apps: CorpusApp[] = [];
  const errors: string[] = [];
  const head: Component[] = [];
  const generated: Component[] = [];
  const locations: Record<string, SourceLocation> = {};
  for (const name of readdirSync(FIXTURES).sort()) {
    const kind = componentOfFile(name);
    if (!kind) continue;
    const file = join(FIXTURES, name);
    const fullName = kind.fullName.replace(/^.*__/, '');
    try {
      const xml = readFileSync(file, 'utf8');
      const parsed = parseMetadataXml(xml);
      const c: Component = { type: parsed.type, fullName, values: parsed.values, file };
      const part: AppComponent = kind.kind.type === 'ConnectedApp' ? 'connectedApp' : kind.kind.part;
      const locs = fieldLocations(part, file, parsed.elements);
      if (part === 'connectedApp') {
        apps.push({ file, app: fromConnectedApp(c as ConnectedApp, { locations: locs }) });
        continue;
      }
      // locations are per app; keep them by file and pick them when assembling
      for (const [k, v] of Object.entries(locs)) locations[`${file}\u0000${k}`] = v;
      if (fullName.includes('@') || fullName.includes('_def')) generated.push(c);
      else head.push(c);
    } catch (e) {
      errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const set of [head, generated]) {
    for (const eca of assembleEcas(set.map((c) => (c.fullName.includes('@') ? { ...c, fullName: c.fullName.split('@')[0] } : c))).ecas) {
      const files = new Set(Object.values(eca.parts).map((p) => p?.file));
      const locs: Record<string, SourceLocation> = {};
      for (const [k, v] of Object.entries(locations)) {
        const [file, path] = k.split('\u0000');
        if (files.has(file)) locs[path] = v;
      }
      const app = fromEca(eca, { locations: locs });
      apps.push({ file: eca.parts.header?.file ?? '', app: set === generated ? { ...app, name: `${app.name}@32557b03` } : app });
    }
  }
  return { apps, errors };
}
