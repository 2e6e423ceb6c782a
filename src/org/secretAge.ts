/**
 * How old each External Client App's consumer secret can be, for the policy rule
 * consumer-secret-not-rotated, at a constant cost per org: one SOQL query, whatever the number of
 * apps. Salesforce gives no date for the current (primary) credentials, and the staged-credentials
 * resource is per app and needs the org setting on; so the org fact is the app's CreatedDate, which
 * bounds the secret's age (a secret is no older than its app). `sf eca credentials status` reads
 * more per app.
 */
import type { SecretAgeFacts } from '../domain/app/index.js';
import { type EcaRecord, readEcaRecords } from './ecaRecords.js';
import type { OrgAccess } from './orgAccess.js';

/** The secret-age fact of each ECA by developer name (ns__Name for namespaced ones). */
export async function readSecretAgeFacts(access: OrgAccess): Promise<(appName: string) => SecretAgeFacts> {
  try {
    return secretAgeFacts(await readEcaRecords(access));
  } catch (e) {
    return secretAgeFacts(e instanceof Error ? e : new Error(String(e)));
  }
}

/** The same from records already read (or the error that kept them from being read). */
export function secretAgeFacts(records: readonly EcaRecord[] | Error): (appName: string) => SecretAgeFacts {
  if (records instanceof Error) return () => ({ status: 'unreadable', error: records.message });
  const byName = new Map(records.filter((r) => r.createdDate).map((r) => [r.name, r.createdDate as string]));
  return (appName) => {
    const created = byName.get(appName);
    return created ? { status: 'bounded', appCreatedDate: created } : { status: 'unreadable', error: `the org has no creation date for ${appName}` };
  };
}
