/**
 * One Metadata API retrieve (`retrieve` through jsforce, the client SDR itself calls, then
 * `checkRetrieveStatus` until done, read as text by ./retrieveStatus.ts), returning the zip in
 * memory with the file properties the org reports.
 *
 * A read needs nothing more: the members are known types (wildcards or names) and the zip is read
 * in memory (./retrieveZip.ts). Going through SDR's ComponentSet cost every read 0.2 to 0.3 s of
 * CPU and about 9 MB (loading SDR and its registry, writing the zip to a temporary folder) for a
 * manifest this module builds in ten lines. Deploys still go through SDR.
 *
 * Errors keep the shape SDR gave them: a failed `retrieve` call is jsforce's error; a failure
 * while polling is a MetadataTransferError "Metadata API request failed: ...". Polling tolerates
 * up to five transient failures in a row (network errors, HTTP 502/503/504, an unparseable answer).
 */
import { type Connection, Lifecycle, PollingClient, SfError } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { checkRetrieveStatus, type RetrieveStatus } from './retrieveStatus.js';

export type RetrieveMember = { type: string; fullName: string };

export type RetrievedFileProperties = {
  fileName: string;
  fullName: string;
  type: string;
  id?: string;
  namespacePrefix?: string | null;
  manageableState?: string | null;
};

export type RetrievedZip = { id: string; zip: Buffer; fileProperties: RetrievedFileProperties[] };

export type RetrievePoll = { frequencyMs?: number; timeoutSeconds?: number };

/** How many failed status checks in a row are tolerated (network blips, an unparseable answer). */
const TRANSIENT_RETRIES = 5;
const TRANSIENT = /ETIMEDOUT|ENOTFOUND|ECONNRESET|socket hang up|ERROR_HTTP_50[234]|UnexpectedRetrieveStatus/;

/** The package manifest of a retrieve: types by name, members sorted, as package.xml lists them. */
export function retrieveManifest(members: readonly RetrieveMember[], version: string): { types: Array<{ name: string; members: string[] }>; version: string } {
  const byType = new Map<string, Set<string>>();
  for (const m of members) byType.set(m.type, (byType.get(m.type) ?? new Set()).add(m.fullName));
  const types = [...byType]
    .map(([name, names]) => ({ members: [...names].sort(), name }))
    .sort((a, b) => (a.name > b.name ? 1 : a.name < b.name ? -1 : 0));
  return { types, version };
}

/**
 * Retrieves the members (fullName may be "*") in one retrieve, as a single package, and returns
 * the zip. Throws when the retrieve does not succeed.
 */
export async function retrieveZip(conn: Connection, apiVersion: string, members: readonly RetrieveMember[], poll: RetrievePoll = {}): Promise<RetrievedZip> {
  // as SDR does: never call the Metadata API at a version above the org's (cached by the CLI)
  const max = await conn.retrieveMaxApiVersion();
  if (Number.parseFloat(conn.getApiVersion()) > Number.parseFloat(max)) {
    await Lifecycle.getInstance().emitWarning(`The requested API version (${conn.getApiVersion()}) is higher than the org supports.  Using ${max}.`);
    conn.setApiVersion(max);
  }
  const request = { apiVersion: conn.getApiVersion(), singlePackage: true, unpackaged: retrieveManifest(members, apiVersion) };
  const { id } = await conn.metadata.retrieve(request as unknown as Parameters<Connection['metadata']['retrieve']>[0]);
  let failures = 0;
  // the answer stays here, not in the polling client's JSON payload (it holds the zip as bytes)
  let last: RetrieveStatus | undefined;
  const client = await PollingClient.create({
    frequency: Duration.milliseconds(poll.frequencyMs ?? 500),
    timeout: Duration.seconds(poll.timeoutSeconds ?? 600),
    poll: async () => {
      try {
        const status = await checkRetrieveStatus(conn, id);
        failures = 0;
        last = status;
        return { completed: status.done };
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        const text = `${err.name} ${(err as { errorCode?: string }).errorCode ?? ''} ${err.message}`;
        if (TRANSIENT.test(text) && ++failures <= TRANSIENT_RETRIES) return { completed: false };
        throw err;
      }
    },
  });
  try {
    await client.subscribe();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const wrapped = new SfError(`Metadata API request failed: ${err.message}`, 'MetadataTransferError', undefined, err);
    wrapped.setData({ id });
    throw wrapped;
  }
  const status = last as RetrieveStatus;
  if (status.status !== 'Succeeded' || !status.zip) {
    const problems = status.messages.map((m) => m.problem).join('; ');
    throw new Error(`retrieve ${status.id ?? id} ${status.status}${problems ? `: ${problems}` : ''}`);
  }
  const fileProperties = status.fileProperties.map((p) => ({
    fileName: p.fileName ?? '',
    fullName: p.fullName ?? '',
    type: p.type ?? '',
    id: p.id ?? undefined,
    namespacePrefix: p.namespacePrefix,
    manageableState: p.manageableState,
  }));
  return { id, zip: status.zip, fileProperties };
}

