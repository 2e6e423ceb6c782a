/**
 * `sf eca display`: every setting of one External Client App (header and each satellite) or
 * Connected App, grouped as Setup groups them, with the effective settings from the one app
 * reader. One retrieve. Secrets are redacted unless the caller asks to show them.
 */
import { Messages } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
import { openSession, type OrgRef } from '../org/session.js';
import { componentByType } from '../domain/components.js';
import { ecaComponents } from '../domain/model.js';
import { REDACTED } from '../domain/secrets.js';
import { type EcaSummary, flattenSettings, summarizeConnectedApp, summarizeEca } from '../domain/summary.js';
import type { MetadataValues } from '../domain/xml.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.display');

export { REDACTED };

export type DisplaySetting = { field: string; value: string };
export type DisplayGroup = { title: string; component: string; settings: DisplaySetting[] };

export type DisplayResult = {
  name: string;
  kind: 'ExternalClientApp' | 'ConnectedApp';
  id?: string;
  namespacePrefix?: string;
  username: string;
  orgId: string;
  summary: EcaSummary;
  groups: DisplayGroup[];
};

export type DisplayInput = { org: OrgRef; apiVersion?: string; name: string; showSecrets: boolean };

/** Reads one app; reports one stage, `Reading` (data: app, org), while it waits. */
export async function displayApp(input: DisplayInput, onProgress?: OnProgress): Promise<DisplayResult> {
  const progress = progressTo(onProgress);
  // a Connected App can be displayed from an org of any version
  const s = await openSession(input.org, { apiVersion: input.apiVersion, needsEca: false });
  progress({ stage: 'Reading', data: { app: input.name, org: s.username } });
  const apps = await readOrgApps(s.access, s.version, { name: input.name });

  const printable = (values: object, prefix = ''): DisplaySetting[] =>
    flattenSettings(values as MetadataValues, prefix).map((e) => ({ field: e.field, value: e.secret && !input.showSecrets ? REDACTED : e.value }));
  const base = { username: s.username, orgId: s.orgId };
  const eca = apps.ecas.find((e) => e.name === input.name);
  if (eca) {
    return {
      name: eca.name,
      kind: 'ExternalClientApp',
      id: eca.id,
      namespacePrefix: eca.namespacePrefix,
      ...base,
      summary: summarizeEca(eca),
      groups: ecaComponents(eca).map((c) => ({ title: componentByType(c.type)?.title ?? c.type, component: `${c.type}:${c.fullName}`, settings: printable(c.values) })),
    };
  }
  const ca = apps.connectedApps.find((c) => c.fullName === input.name);
  if (ca) {
    const { oauthConfig, oauthPolicy, sessionPolicy, samlConfig, canvasConfig, mobileAppConfig, ...basic } = ca.values;
    const group = (title: string, values: object | undefined, prefix: string): DisplayGroup[] =>
      values ? [{ title, component: `ConnectedApp:${ca.fullName}`, settings: printable(values, prefix) }] : [];
    return {
      name: ca.fullName,
      kind: 'ConnectedApp',
      id: ca.id,
      namespacePrefix: ca.namespacePrefix,
      ...base,
      summary: summarizeConnectedApp(ca.fullName, ca.values),
      groups: [
        ...group('Basic information', basic, ''),
        ...group('OAuth settings', oauthConfig, 'oauthConfig'),
        ...group('OAuth policies', oauthPolicy, 'oauthPolicy'),
        ...group('Session policies', sessionPolicy, 'sessionPolicy'),
        ...group('SAML settings', samlConfig, 'samlConfig'),
        ...group('Canvas settings', canvasConfig, 'canvasConfig'),
        ...group('Mobile settings', mobileAppConfig, 'mobileAppConfig'),
      ],
    };
  }
  const names = [...apps.ecas.map((e) => e.name), ...apps.connectedApps.map((c) => c.fullName)];
  throw messages.createError('error.NotFound', [s.name, input.name], [names.slice(0, 20).join(', ') || '(none)', s.name]);
}
