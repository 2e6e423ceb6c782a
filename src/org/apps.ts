/**
 * Reads the apps of an org in one retrieve: every ECA component type (and Connected Apps) by
 * wildcard, so the cost does not grow with the number of apps. Satellites are matched to their
 * header through externalClientApplication.
 */
import { CONNECTED_APP, ECA_COMPONENTS } from '../domain/components.js';
import { assembleEcas, type Component, type ConnectedApp, type Eca } from '../domain/model.js';
import { typeSpec } from '../domain/schema/index.js';
import type { OrgAccess, OrgComponent } from './orgAccess.js';

export type OrgApps = {
  ecas: Array<Eca & { id?: string; namespacePrefix?: string; manageableState?: string }>;
  connectedApps: Array<ConnectedApp & { id?: string; namespacePrefix?: string; manageableState?: string }>;
  /** satellites whose header was not retrieved (a packaged app's header, for instance) */
  orphans: Component[];
  /** ExternalClientAppSettings (consumer secret exposure), when asked for */
  settings?: Record<string, unknown>;
};

/** The metadata types an org of this API version can return. */
export function ecaTypesFor(apiVersion: number): string[] {
  return ECA_COMPONENTS.map((c) => c.type).filter((t) => (typeSpec(t)?.since ?? Number.POSITIVE_INFINITY) <= apiVersion);
}

export async function readOrgApps(
  access: OrgAccess,
  apiVersion: number,
  options: { connectedApps?: boolean; name?: string; settings?: boolean } = {}
): Promise<OrgApps> {
  const members = ecaTypesFor(apiVersion).map((type) => ({ type, fullName: '*' }));
  if (options.connectedApps !== false) members.push({ type: CONNECTED_APP.type, fullName: options.name ?? '*' });
  if (options.settings) members.push({ type: 'Settings', fullName: 'ExternalClientApp' });
  const all: OrgComponent[] = await access.retrieve(members);
  const settings = all.find((c) => c.type === 'ExternalClientAppSettings');
  const retrieved = all.filter((c) => c !== settings);
  const byKey = new Map(retrieved.map((c) => [`${c.type}:${c.fullName}`, c]));
  const { ecas, orphans } = assembleEcas(retrieved.filter((c) => c.type !== CONNECTED_APP.type));
  return {
    ecas: ecas.map((e) => {
      const h = byKey.get(`ExternalClientApplication:${e.name}`);
      return { ...e, id: h?.id, namespacePrefix: h?.namespacePrefix, manageableState: h?.manageableState };
    }),
    connectedApps: retrieved.filter((c) => c.type === CONNECTED_APP.type) as OrgApps['connectedApps'],
    orphans,
    settings: settings ? { ...settings.values } : undefined,
  };
}
