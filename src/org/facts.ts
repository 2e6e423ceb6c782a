/**
 * Facts the metadata does not hold, read with a constant number of queries whatever the number
 * of apps: the run-as users (two queries: profile and permission set grants), OAuth token usage
 * (one query), the org's settings (in the same retrieve as the apps).
 */
import type { OrgAccess } from './orgAccess.js';
import { soqlInList } from './session.js';

export type RunAsFacts = {
  username: string;
  isActive: boolean;
  profile?: string;
  isApiOnly: boolean;
  adminPermissions: string[];
};

export type UsageFacts = { tokens: number; users: number; lastUsed?: string; /** sum of OauthToken.UseCount */ useCount: number };

type UserRow = {
  Username: string;
  IsActive: boolean;
  Profile?: {
    Name?: string;
    PermissionsApiUserOnly?: boolean;
    PermissionsModifyAllData?: boolean;
    PermissionsViewAllData?: boolean;
    PermissionsCustomizeApplication?: boolean;
  } | null;
};

type PermissionFlags = {
  PermissionsApiUserOnly?: boolean;
  PermissionsModifyAllData?: boolean;
  PermissionsViewAllData?: boolean;
  PermissionsCustomizeApplication?: boolean;
};

type AssignmentRow = { Assignee?: { Username?: string } | null; PermissionSet?: PermissionFlags | null };

const ADMIN_PERMISSIONS = ['PermissionsModifyAllData', 'PermissionsViewAllData', 'PermissionsCustomizeApplication'] as const;


/** The run-as users' profile and the admin and API-only permissions their profile grants. */
export async function readRunAsUsers(access: OrgAccess, usernames: readonly string[]): Promise<Map<string, RunAsFacts>> {
  const out = new Map<string, RunAsFacts>();
  const names = [...new Set(usernames.filter((u) => u && !u.includes('${')))];
  if (names.length === 0) return out;
  const inList = soqlInList(names);
  // the profile's permissions, and those of every permission set assigned (integration users
  // often get "API Only User" from a permission set): two queries whatever the number of apps
  const [rows, assignments] = await Promise.all([
    access.query<UserRow>(
      `SELECT Username, IsActive, Profile.Name, Profile.PermissionsApiUserOnly, Profile.PermissionsModifyAllData, Profile.PermissionsViewAllData, Profile.PermissionsCustomizeApplication FROM User WHERE Username IN (${inList})`
    ),
    access.query<AssignmentRow>(
      `SELECT Assignee.Username, PermissionSet.PermissionsApiUserOnly, PermissionSet.PermissionsModifyAllData, PermissionSet.PermissionsViewAllData, PermissionSet.PermissionsCustomizeApplication FROM PermissionSetAssignment WHERE Assignee.Username IN (${inList})`
    ),
  ]);
  for (const r of rows) {
    const granted = assignments.filter((a) => a.Assignee?.Username?.toLowerCase() === r.Username.toLowerCase()).map((a) => a.PermissionSet ?? {});
    const sources = [r.Profile ?? {}, ...granted];
    out.set(r.Username.toLowerCase(), {
      username: r.Username,
      isActive: r.IsActive,
      profile: r.Profile?.Name,
      isApiOnly: sources.some((x) => x.PermissionsApiUserOnly === true),
      adminPermissions: ADMIN_PERMISSIONS.filter((p) => sources.some((x) => x[p] === true)).map((p) => p.replace(/^Permissions/, '')),
    });
  }
  return out;
}

/** OAuth token usage per app name (OauthToken.AppName, UseCount summed), from one query (Salesforce caps it at 2,500 rows). */
export async function readTokenUsage(access: OrgAccess): Promise<Map<string, UsageFacts>> {
  const rows = await access.query<{ AppName: string; UserId: string; LastUsedDate?: string | null; UseCount?: number | null }>(
    'SELECT AppName, UserId, LastUsedDate, UseCount FROM OauthToken ORDER BY LastUsedDate DESC LIMIT 2500'
  );
  const byApp = new Map<string, { tokens: number; users: Set<string>; lastUsed?: string; useCount: number }>();
  for (const r of rows) {
    const e = byApp.get(r.AppName) ?? { tokens: 0, users: new Set<string>(), useCount: 0 };
    e.tokens++;
    e.useCount += typeof r.UseCount === 'number' ? r.UseCount : 0;
    e.users.add(r.UserId);
    if (r.LastUsedDate && (!e.lastUsed || r.LastUsedDate > e.lastUsed)) e.lastUsed = r.LastUsedDate;
    byApp.set(r.AppName, e);
  }
  return new Map([...byApp].map(([k, v]) => [k, { tokens: v.tokens, users: v.users.size, lastUsed: v.lastUsed, useCount: v.useCount }]));
}
