/**
 * `sf eca display`: every setting of one External Client App (header and each satellite) or
 * Connected App, under the labels and in the sections Setup shows them (domain/setupLabels.ts),
 * with the effective settings from the one app reader. One retrieve. Secrets are redacted unless
 * the caller asks to show them.
 */
import { Messages } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
import { openSession, type OrgRef } from '../org/session.js';
import { isPlaceholder, parseCertificate } from '../domain/certificate.js';
import { CONNECTED_APP } from '../domain/components.js';
import { ecaComponents } from '../domain/model.js';
import { REDACTED } from '../domain/secrets.js';
import { setupOrder, setupPlace, type SetupPlace, setupTitle, setupValue } from '../domain/setupLabels.js';
import { type EcaSummary, flattenSettings, summarizeConnectedApp, summarizeEca } from '../domain/summary.js';
import type { MetadataValues } from '../domain/xml.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.display');

export { REDACTED };

export type DisplaySetting = {
  /** the metadata field ("callbackUrl", "oauthConfig.scopes") */
  field: string;
  /** the label Setup shows for it, or the field when Setup has none */
  label: string;
  /** the value as the metadata holds it (secrets redacted) */
  value: string;
  /** the value as Setup shows it: "yes"/"no" for a checkbox, Permitted Users in words, a certificate's subject */
  shown: string;
  /** "ExtlClntAppGlobalOauthSettings:Acme_glbloauth" */
  component: string;
};

export type DisplayGroup = {
  /** "Settings > OAuth Settings > Flow Enablement" (a Connected App: the section) */
  title: string;
  /** the External Client App Manager tab, for an ECA */
  tab?: 'Settings' | 'Policies';
  section: string;
  /** the components the settings come from, comma separated */
  component: string;
  settings: DisplaySetting[];
};

export type DisplayResult = {
  name: string;
  kind: 'ExternalClientApp' | 'ConnectedApp';
  id?: string;
  namespacePrefix?: string;
  /** the org as the user named it */
  org: string;
  username: string;
  orgId: string;
  summary: EcaSummary;
  groups: DisplayGroup[];
};

export type DisplayInput = { org: OrgRef; apiVersion?: string; name: string; showSecrets: boolean };

/** A certificate as a person recognises it: subject and expiry, not 1,000 characters of base64. */
function certificateShown(value: string): string {
  if (isPlaceholder(value)) return value;
  try {
    const c = parseCertificate(value);
    return `${c.subject}, expires ${c.validTo.slice(0, 10)}`;
  } catch {
    return 'not a valid certificate';
  }
}

/** Fields that tie a satellite to its app: Setup shows neither. */
const STRUCTURAL = new Set(['externalClientApplication']);

type Placed = DisplaySetting & { place: SetupPlace };

/** The settings in Setup's sections, in Setup's order. */
function grouped(settings: readonly Placed[]): DisplayGroup[] {
  const groups = new Map<string, { place: SetupPlace; settings: Placed[] }>();
  for (const s of settings) {
    const title = setupTitle(s.place);
    const g = groups.get(title) ?? { place: s.place, settings: [] };
    g.settings.push(s);
    groups.set(title, g);
  }
  return [...groups.entries()]
    .sort(([, a], [, b]) => setupOrder(a.place, b.place))
    .map(([title, g]) => ({
      title,
      ...(g.place.tab ? { tab: g.place.tab } : {}),
      section: g.place.section,
      component: [...new Set(g.settings.map((s) => s.component))].join(', '),
      // in Setup's order on the page; fields without a label keep the metadata's order
      settings: [...g.settings].sort((a, b) => a.place.rank - b.place.rank).map(({ place, ...s }) => s),
    }));
}

/** Reads one app; reports one stage, `Reading` (data: app, org), while it waits. */
export async function displayApp(input: DisplayInput, onProgress?: OnProgress): Promise<DisplayResult> {
  const progress = progressTo(onProgress);
  // a Connected App can be displayed from an org of any version
  const s = await openSession(input.org, { apiVersion: input.apiVersion, needsEca: false });
  progress({ stage: 'Reading', data: { app: input.name, org: s.name } });
  const apps = await readOrgApps(s.access, s.version, { name: input.name });

  const placed = (type: string, component: string, values: object, satellite: boolean): Placed[] =>
    flattenSettings(values as MetadataValues)
      .filter((e) => !STRUCTURAL.has(e.field) && !(satellite && e.field === 'label'))
      .map((e) => {
        // the field Setup labels: the top-level one of an ECA component ("customAttributes"), a Connected App's part and field ("oauthConfig.scopes")
        const key = e.field.replace(/\[\d+\]/g, '').split('.').slice(0, type === CONNECTED_APP.type ? 2 : 1).join('.');
        const place = setupPlace(type, key);
        const value = e.secret && !input.showSecrets ? REDACTED : e.value;
        const shown = value === REDACTED ? REDACTED : place.shown === 'certificate' ? certificateShown(value) : setupValue(value, place.shown);
        return { field: e.field, label: place.labelled && place.label !== key ? place.label : e.field, value, shown, component, place };
      });
  const base = { org: s.name, username: s.username, orgId: s.orgId };
  const eca = apps.ecas.find((e) => e.name === input.name);
  if (eca) {
    return {
      name: eca.name,
      kind: 'ExternalClientApp',
      id: eca.id,
      namespacePrefix: eca.namespacePrefix,
      ...base,
      summary: summarizeEca(eca),
      groups: grouped(ecaComponents(eca).flatMap((c) => placed(c.type, `${c.type}:${c.fullName}`, c.values, c.type !== 'ExternalClientApplication'))),
    };
  }
  const ca = apps.connectedApps.find((c) => c.fullName === input.name);
  if (ca) {
    return {
      name: ca.fullName,
      kind: 'ConnectedApp',
      id: ca.id,
      namespacePrefix: ca.namespacePrefix,
      ...base,
      summary: summarizeConnectedApp(ca.fullName, ca.values),
      groups: grouped(placed(CONNECTED_APP.type, `${CONNECTED_APP.type}:${ca.fullName}`, ca.values, false)),
    };
  }
  const names = [...apps.ecas.map((e) => e.name), ...apps.connectedApps.map((c) => c.fullName)];
  throw messages.createError('error.NotFound', [s.name, input.name], [names.slice(0, 20).join(', ') || '(none)', s.name]);
}
