/**
 * The org side of pre-authorizing an app's users through a permission set (create --template
 * jwt-ci): the CI user, the permission set and who holds it, how many users a profile admits, and
 * the assignment itself (a REST insert of PermissionSetAssignment, as `sf org assign permset` does
 * it in @salesforce/core lib/org/permissionSetAssignment.js). A constant number of requests.
 */
import type { OrgAccess } from './orgAccess.js';
import { orgRequestError } from './errors.js';
import { soqlQuote as quote } from './session.js';

export type OrgUser = { id: string; username: string; profile?: string };

/** An active user with their profile; undefined when the org has no such active user. */
export async function readActiveUser(access: OrgAccess, username: string): Promise<OrgUser | undefined> {
  const rows = await access.query<{ Id: string; Username: string; Profile?: { Name?: string } | null }>(
    `SELECT Id, Username, Profile.Name FROM User WHERE Username = ${quote(username)} AND IsActive = true`
  );
  const row = rows[0];
  return row ? { id: row.Id, username: row.Username, profile: row.Profile?.Name ?? undefined } : undefined;
}

export type PermissionSetState = { id?: string; exists: boolean; assignees: string[] };

/** Whether the permission set exists, and the usernames it is assigned to (two queries). */
export async function readPermissionSet(access: OrgAccess, name: string): Promise<PermissionSetState> {
  const [sets, assignments] = await Promise.all([
    access.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = ${quote(name)}`),
    access.query<{ Assignee?: { Username?: string } | null }>(`SELECT Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.Name = ${quote(name)}`),
  ]);
  return {
    id: sets[0]?.Id,
    exists: sets.length > 0,
    assignees: assignments.map((a) => a.Assignee?.Username).filter((u): u is string => typeof u === 'string'),
  };
}

/** How many active users have the profile (one aggregate query). */
export async function countActiveUsersOfProfile(access: OrgAccess, profile: string): Promise<number> {
  const rows = await access.query<{ n?: number }>(`SELECT COUNT(Id) n FROM User WHERE Profile.Name = ${quote(profile)} AND IsActive = true`);
  return Number(rows[0]?.n ?? 0);
}

export type Assignment = { status: 'assigned' | 'already-assigned' } | { status: 'failed'; problem: string };

/**
 * Assigns the permission set to the user: its id read once (it may have been deployed moments
 * ago), then one insert. A second assignment (DUPLICATE_VALUE) is `already-assigned`; any other
 * failure is reported, not thrown: the caller has already changed the org.
 */
export async function assignPermissionSet(access: OrgAccess, name: string, userId: string, orgName: string): Promise<Assignment> {
  try {
    const sets = await access.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = ${quote(name)}`);
    if (!sets[0]) return { status: 'failed', problem: `the org has no permission set named ${name}` };
    await access.connection.sobject('PermissionSetAssignment').create({ AssigneeId: userId, PermissionSetId: sets[0].Id });
    return { status: 'assigned' };
  } catch (e) {
    const err = e as { errorCode?: string; name?: string; message?: string };
    if (err.errorCode === 'DUPLICATE_VALUE' || err.name === 'DUPLICATE_VALUE' || /^Duplicate PermissionSetAssignment/.test(err.message ?? '')) return { status: 'already-assigned' };
    const named = orgRequestError(e, 'The permission set assignment', orgName);
    return { status: 'failed', problem: named.message };
  }
}
