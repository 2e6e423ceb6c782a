/**
 * What the token check reads with the CLI's stored authorization of the org, beyond the app's
 * retrieve: whether the org is a sandbox (the JWT audience), the consumer key through the Connect
 * REST API, and, after a failure only, the facts the explanation table uses (the user, the run-as
 * user, when the app was saved). A constant number of requests; never the consumer secret.
 *
 * Talks to the org through OrgAccess (src/org), like every org read of the plugin.
 */
import type { OrgAccess } from './orgAccess.js';
import { soqlQuote as quote } from './session.js';
import type { UserFacts } from '../domain/token/explain.js';


/** Organization.IsSandbox. */
export async function readIsSandbox(access: OrgAccess): Promise<boolean> {
  const rows = await access.query<{ IsSandbox?: boolean }>('SELECT Id, IsSandbox FROM Organization');
  return rows[0]?.IsSandbox === true;
}

export type ConsumerKeyRead = { key: string } | { problem: string };

/**
 * The consumer key through Connect REST `apps/oauth/credentials/{ecaId}/{consumerId}?part=key`
 * (API 60+). Only ever `part=key`: the secret is never asked for.
 */
export async function readConsumerKeyByRest(access: OrgAccess, apiVersion: string, ecaId: string, consumerId: string): Promise<ConsumerKeyRead> {
  if (Number.parseFloat(apiVersion) < 60) return { problem: `the credentials resource needs API 60.0 or later (the org serves ${apiVersion})` };
  const url = `/services/data/v${apiVersion}/apps/oauth/credentials/${encodeURIComponent(ecaId)}/${encodeURIComponent(consumerId)}?part=key`;
  try {
    const body = await access.connection.request<{ key?: unknown }>({ method: 'GET', url });
    return typeof body?.key === 'string' && body.key !== '' ? { key: body.key } : { problem: 'the credentials resource returned no key' };
  } catch (e) {
    const err = e as { errorCode?: string; message?: string };
    return { problem: `${err.errorCode ? `${err.errorCode}: ` : ''}${err.message ?? String(e)}` };
  }
}

type UserRow = { Id: string; Username: string; IsActive?: boolean; Profile?: { Name?: string } | null };
type AssignmentRow = { PermissionSet?: { Name?: string; IsOwnedByProfile?: boolean } | null };

/** A user with their profile and assigned permission sets (two queries). */
export async function readUserFacts(access: OrgAccess, username: string): Promise<UserFacts> {
  const users = await access.query<UserRow>(`SELECT Id, Username, IsActive, Profile.Name FROM User WHERE Username = ${quote(username)}`);
  const user = users[0];
  if (!user) return { username, found: false, permissionSets: [] };
  const assignments = await access.query<AssignmentRow>(`SELECT PermissionSet.Name, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment WHERE AssigneeId = ${quote(user.Id)}`);
  return {
    username: user.Username,
    found: true,
    active: user.IsActive !== false,
    profile: user.Profile?.Name ?? undefined,
    permissionSets: assignments
      .filter((a) => a.PermissionSet?.Name && a.PermissionSet.IsOwnedByProfile !== true)
      .map((a) => a.PermissionSet?.Name as string),
  };
}

/** When the app was last saved: the later of its header's and its OAuth policies' LastModifiedDate. */
export async function readAppSavedAt(access: OrgAccess, appId: string | undefined, appName: string): Promise<Date | undefined> {
  const apps = await access.query<{ Id: string; LastModifiedDate?: string }>(
    appId ? `SELECT Id, LastModifiedDate FROM ExternalClientApplication WHERE Id = ${quote(appId)}` : `SELECT Id, LastModifiedDate FROM ExternalClientApplication WHERE DeveloperName = ${quote(appName)}`
  );
  const app = apps[0];
  if (!app) return undefined;
  const policies = await access.query<{ LastModifiedDate?: string }>(`SELECT LastModifiedDate FROM ExtlClntAppOauthPlcyCnfg WHERE ExternalClientApplicationId = ${quote(app.Id)}`);
  const times = [app.LastModifiedDate, ...policies.map((p) => p.LastModifiedDate)]
    .map((t) => (t ? Date.parse(t) : Number.NaN))
    .filter((t) => Number.isFinite(t));
  return times.length ? new Date(Math.max(...times)) : undefined;
}
