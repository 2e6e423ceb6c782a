/**
 * Which of the users, profiles and permission sets an app refers to an org has: one query per
 * kind, whatever the number of apps. Used by create and migrate before they deploy.
 */
import type { OrgNames } from '../domain/migrate/references.js';
import type { OrgAccess } from './orgAccess.js';

function inList(names: readonly string[]): string {
  return names.map((n) => `'${n.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
}

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
