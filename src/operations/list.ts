/**
 * `sf eca list`: every External Client App and Connected App of an org, with the settings people
 * compare them by. One wildcard retrieve (plus two queries for apps installed from packages),
 * whatever the number of apps.
 */
import { type InstalledEca, type OrgApps, readInstalledEcas, readOrgApps } from '../org/apps.js';
import { readEcaRecords } from '../org/ecaRecords.js';
import { openSession, type OrgRef } from '../org/session.js';
import { readConnectedApp, readEca } from '../domain/app/index.js';
import { flowNames, formatRefreshTokenPolicy } from '../domain/summary.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

export type AppRow = {
  name: string;
  label?: string;
  kind: 'ExternalClientApp' | 'ConnectedApp';
  id?: string;
  distributionState?: string;
  namespacePrefix?: string;
  manageableState?: string;
  permittedUsers?: string;
  refreshTokenPolicy?: string;
  ipRelaxation?: string;
  flows: string[];
};

export type ListResult = {
  /** the org as the user named it */
  org: string;
  username: string;
  orgId: string;
  apps: AppRow[];
};

export type ListInput = { org: OrgRef; apiVersion?: string; connectedApps: boolean };

/** Reads the org's apps; reports one stage, `Reading` (data: org), while it waits. */
export async function listApps(input: ListInput, onProgress?: OnProgress): Promise<ListResult> {
  const progress = progressTo(onProgress);
  const s = await openSession(input.org, { apiVersion: input.apiVersion });
  progress({ stage: 'Reading', data: { org: s.name } });
  // the ECA records do not wait for the retrieve; its failure is still the one said first
  const records = readEcaRecords(s.access);
  records.catch(() => undefined);
  const apps = await readOrgApps(s.access, s.version, { connectedApps: input.connectedApps });
  const installed = await readInstalledEcas(s.access, new Set(apps.ecas.map((e) => e.name)), await records);
  return { org: s.name, username: s.username, orgId: s.orgId, apps: appRows(apps, installed) };
}

/** The rows of list (the report's inventory reads them too): local ECAs, ECAs installed from packages, Connected Apps, by name. */
export function appRows(apps: Pick<OrgApps, 'ecas' | 'connectedApps'>, installed: readonly InstalledEca[]): AppRow[] {
  const rowOf = (kind: AppRow['kind'], app: ReturnType<typeof readEca>, manageableState?: string): AppRow => ({
    name: app.name,
    label: app.label,
    kind,
    id: app.id,
    distributionState: app.distributionState,
    namespacePrefix: app.namespacePrefix,
    manageableState,
    permittedUsers: app.permittedUsers,
    refreshTokenPolicy: formatRefreshTokenPolicy(app.refreshTokenPolicy),
    ipRelaxation: app.ipRelaxation,
    flows: flowNames(app),
  });
  const rows: AppRow[] = [
    ...apps.ecas.map((e) => rowOf('ExternalClientApp', readEca(e), e.manageableState)),
    // installed from a package: only the policies a subscriber can query are known
    ...installed.map((i) => ({
      name: i.name,
      label: i.label,
      kind: 'ExternalClientApp' as const,
      id: i.id,
      distributionState: i.distributionState,
      namespacePrefix: i.namespacePrefix,
      manageableState: 'installed',
      permittedUsers: i.permittedUsers,
      refreshTokenPolicy: i.refreshTokenPolicy,
      ipRelaxation: i.ipRelaxation,
      flows: [],
    })),
    ...apps.connectedApps.map((c) => rowOf('ConnectedApp', readConnectedApp(c), c.manageableState)),
  ].sort((a, b) => a.name.localeCompare(b.name));
  return rows;
}
