/**
 * Reads the apps of an org in one retrieve: every ECA component type (and Connected Apps) by
 * wildcard, so the cost does not grow with the number of apps. Satellites are matched to their
 * header through externalClientApplication.
 */
import { CONNECTED_APP, ECA_COMPONENTS } from '../domain/components.js';
import { assembleEcas, type Component, type ConnectedApp, type Eca } from '../domain/model.js';
import { typeSpec } from '../domain/schema/index.js';
import type { OrgAccess, OrgComponent } from './orgAccess.js';
import { type EcaRecord, readEcaRecords } from './ecaRecords.js';
import { soqlQuote } from './session.js';

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

/** The components that name a run-as user: an ECA's OAuth policies, a Connected App. */
const RUN_AS_TYPES: ReadonlySet<string> = new Set(['ExtlClntAppOauthConfigurablePolicies', CONNECTED_APP.type]);

/** The run-as usernames (client credentials flow) these components name. */
function runAsUsernamesOf(components: readonly OrgComponent[]): string[] {
  const names = components.map((c) =>
    c.type === CONNECTED_APP.type ? (c.values.oauthConfig as { oauthClientCredentialUser?: unknown } | undefined)?.oauthClientCredentialUser : c.values.clientCredentialsFlowUser
  );
  return names.filter((u): u is string => typeof u === 'string');
}

/**
 * `onRunAsUsers`: called, once the OAuth policies and Connected Apps are parsed and before the
 * rest of the retrieve is, with every run-as username they name (orphan policies' included), so
 * that the query of those users goes out while the other files are read.
 */
export async function readOrgApps(
  access: OrgAccess,
  apiVersion: number,
  options: { connectedApps?: boolean; name?: string; settings?: boolean; onRunAsUsers?: (usernames: string[]) => void } = {}
): Promise<OrgApps> {
  const members = ecaTypesFor(apiVersion).map((type) => ({ type, fullName: '*' }));
  if (options.connectedApps !== false) members.push({ type: CONNECTED_APP.type, fullName: options.name ?? '*' });
  if (options.settings) members.push({ type: 'Settings', fullName: 'ExternalClientApp' });
  const onRunAsUsers = options.onRunAsUsers;
  const all: OrgComponent[] = await access.retrieve(members, {}, onRunAsUsers && { types: RUN_AS_TYPES, then: (early) => onRunAsUsers(runAsUsernamesOf(early)) });
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

export type InstalledEca = {
  id: string;
  name: string;
  label?: string;
  distributionState?: string;
  namespacePrefix?: string;
  permittedUsers?: string;
  ipRelaxation?: string;
  refreshTokenPolicy?: string;
};

type PolicyRow = {
  ExternalClientApplicationId: string;
  PermittedUsersPolicyType?: string;
  IpRelaxationPolicyType?: string;
  RefreshTokenPolicyType?: string;
  RefreshTokenValidityPeriod?: number | null;
  RefreshTokenValidityUnit?: string | null;
};

/**
 * ECAs a wildcard retrieve leaves out (installed from a managed package), with the admin policies
 * a subscriber controls: two queries, whatever the number of apps. `records`: the org's ECA
 * records when the caller has read them already (one query serves several facts).
 */
export async function readInstalledEcas(access: OrgAccess, retrievedNames: ReadonlySet<string>, records?: readonly EcaRecord[]): Promise<InstalledEca[]> {
  const apps = records ?? (await readEcaRecords(access));
  const missing = apps.filter((a) => !retrievedNames.has(a.name) && !retrievedNames.has(a.developerName));
  if (missing.length === 0) return [];
  const policies = await access.query<PolicyRow>(
    'SELECT ExternalClientApplicationId, PermittedUsersPolicyType, IpRelaxationPolicyType, RefreshTokenPolicyType, RefreshTokenValidityPeriod, RefreshTokenValidityUnit FROM ExtlClntAppOauthPlcyCnfg'
  );
  const byApp = new Map(policies.map((p) => [p.ExternalClientApplicationId, p]));
  return missing.map((a) => {
    const p = byApp.get(a.id);
    return {
      id: a.id,
      name: a.name,
      label: a.label,
      distributionState: a.distributionState,
      namespacePrefix: a.namespacePrefix,
      permittedUsers: p?.PermittedUsersPolicyType,
      ipRelaxation: p?.IpRelaxationPolicyType,
      refreshTokenPolicy: p?.RefreshTokenPolicyType
        ? `${p.RefreshTokenPolicyType}${p.RefreshTokenValidityPeriod ? ` ${p.RefreshTokenValidityPeriod} ${p.RefreshTokenValidityUnit ?? ''}`.trimEnd() : ''}`
        : undefined,
    };
  });
}

/** The record id of a local ECA by developer name (create checks for it, then reads it back). */
export async function readEcaId(access: OrgAccess, name: string): Promise<string | undefined> {
  const rows = await access.query<{ Id: string }>(`SELECT Id, DeveloperName FROM ExternalClientApplication WHERE DeveloperName = ${soqlQuote(name)}`);
  return rows[0]?.Id;
}

/**
 * The names (labels) of every Connected App the org runs, ConnectedApplication.Name: convert tells
 * an app installed from a package (the org runs it, a retrieve does not return it) from an unknown one.
 */
export async function readConnectedApplicationNames(access: OrgAccess): Promise<string[]> {
  return (await access.query<{ Name: string }>('SELECT Name FROM ConnectedApplication')).map((r) => r.Name);
}
