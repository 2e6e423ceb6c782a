/**
 * The External Client Apps of an org as records (one SOQL query, whatever the number of apps):
 * id, developer name, label, distribution state, namespace and creation date. The credentials
 * commands find an app's id here (the Connect REST resources take it), and the policy check bounds
 * each secret's age by the app's creation date.
 */
import type { OrgAccess } from './orgAccess.js';

export type EcaRecord = {
  readonly id: string;
  /** ns__Name for a namespaced app */
  readonly name: string;
  readonly developerName: string;
  readonly label?: string;
  /** Local, Packaged, ... */
  readonly distributionState?: string;
  readonly namespacePrefix?: string;
  /** ISO 8601 */
  readonly createdDate?: string;
};

type Row = { Id: string; DeveloperName: string; MasterLabel?: string | null; DistributionState?: string | null; NamespacePrefix?: string | null; CreatedDate?: string | null };

export async function readEcaRecords(access: OrgAccess): Promise<EcaRecord[]> {
  const rows = await access.query<Row>('SELECT Id, DeveloperName, MasterLabel, DistributionState, NamespacePrefix, CreatedDate FROM ExternalClientApplication');
  return rows.map((r) => ({
    id: r.Id,
    name: r.NamespacePrefix ? `${r.NamespacePrefix}__${r.DeveloperName}` : r.DeveloperName,
    developerName: r.DeveloperName,
    label: r.MasterLabel ?? undefined,
    distributionState: r.DistributionState ?? undefined,
    namespacePrefix: r.NamespacePrefix ?? undefined,
    createdDate: r.CreatedDate ?? undefined,
  }));
}

/** Staged credentials are for local apps only (Salesforce Help, "Stage, Rotate, and Delete OAuth Credentials"). */
export function isLocalEca(r: EcaRecord): boolean {
  return (r.distributionState ?? 'Local') === 'Local' && r.namespacePrefix === undefined;
}
