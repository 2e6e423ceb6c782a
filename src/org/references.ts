/**
 * Which of the users, profiles and permission sets an app refers to an org has: one query per
 * kind, whatever the number of apps. Used by create and migrate before they deploy. Also the
 * user and permission set look-ups create and convert need.
 */
import type { OrgNames } from '../domain/migrate/references.js';
import type { OrgAccess } from './orgAccess.js';
import { soqlInList as inList, soqlQuote } from './session.js';

export async function readOrgNames(
  access: OrgAccess,
  refs: { users: readonly string[]; profiles: readonly string[]; permissionSets: readonly string[] }
): Promise<OrgNames> {
  const [users, profiles, permissionSets] = await Promise.all([
    refs.users.length ? access.query<{ Username: string; IsActive: boolean }>(`SELECT Username, IsActive FROM User WHERE Username IN (${inList(refs.users)})`) : [],
    refs.profiles.length ? access.query<{ Name: string }>(`SELECT Name FROM Profile WHERE Name IN (${inList(refs.profiles)})`) : [],
    refs.permissionSets.length ? access.query<{ Name: string }>(`SELECT Name FROM PermissionSet WHERE Name IN (${inList(refs.permissionSets)})`) : [],
  ]);
  return {
    users: users.filter((u) => u.IsActive).map((u) => u.Username),
    inactiveUsers: users.filter((u) => !u.IsActive).map((u) => u.Username),
    profiles: profiles.map((p) => p.Name),
    permissionSets: permissionSets.map((p) => p.Name),
  };
}

/** The profile of an active user (create pre-authorizes the CI user's profile); undefined when no such active user. */
export async function readUserProfile(access: OrgAccess, username: string): Promise<string | undefined> {
  const rows = await access.query<{ Username: string; Profile?: { Name?: string } | null }>(
    `SELECT Username, Profile.Name FROM User WHERE Username = ${soqlQuote(username)} AND IsActive = true`
  );
  return rows[0]?.Profile?.Name ?? undefined;
}

/** Permission set label -> API name (a Connected App names its permission sets by label): one query. */
export async function readPermissionSetNamesByLabel(access: OrgAccess): Promise<Map<string, string>> {
  const rows = await access.query<{ Name: string; Label: string }>('SELECT Name, Label FROM PermissionSet WHERE IsOwnedByProfile = false');
  return new Map(rows.map((p) => [p.Label, p.Name]));
}
