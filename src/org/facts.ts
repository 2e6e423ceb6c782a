/**
 * Facts the metadata does not hold, read with a constant number of queries whatever the number
 * of apps: the run-as users (one query), OAuth token usage (one query), the org's settings
 * (one Settings retrieve, done together with the apps).
 */
import type { OrgAccess } from './orgAccess.js';

export type RunAsFacts = {
  username: string;
  isActive: boolean;
  profile?: string;
  isApiOnly: boolean;
  adminPermissions: string[];
};

export type UsageFacts = { tokens: number; users: number; lastUsed?: string };

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

const ADMIN_PERMISSIONS = ['PermissionsModifyAllData', 'PermissionsViewAllData', 'PermissionsCustomizeApplication'] as const;

function quote(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The run-as users' profile and the admin and API-only permissions their profile grants. */
export async function readRunAsUsers(access: OrgAccess, usernames: readonly string[]): Promise<Map<string, RunAsFacts>> {
  const out = new Map<string, RunAsFacts>();
  const names = [...new Set(usernames.filter((u) => u && !u.includes('${')))];
  if (names.length === 0) return out;
  const rows = await access.query<UserRow>(
    `SELECT Username, IsActive, Profile.Name, Profile.PermissionsApiUserOnly, Profile.PermissionsModifyAllData, Profile.PermissionsViewAllData, Profile.PermissionsCustomizeApplication FROM User WHERE Username IN (${names.map(quote).join(', ')})`
  );
  for (const r of rows) {
    out.set(r.Username.toLowerCase(), {
      username: r.Username,
      isActive: r.IsActive,
      profile: r.Profile?.Name,
      isApiOnly: r.Profile?.PermissionsApiUserOnly === true,
      adminPermissions: ADMIN_PERMISSIONS.filter((p) => r.Profile?.[p] === true).map((p) => p.replace(/^Permissions/, '')),
    });
  }
  return out;
}

/** OAuth token usage per app name (OauthToken.AppName), from one query (Salesforce caps it at 2,500 rows). */
export async function readTokenUsage(access: OrgAccess): Promise<Map<string, UsageFacts>> {
  const rows = await access.query<{ AppName: string; UserId: string; LastUsedDate?: string | null }>(
    'SELECT AppName, UserId, LastUsedDate FROM OauthToken ORDER BY LastUsedDate DESC LIMIT 2500'
  );
  const byApp = new Map<string, { tokens: number; users: Set<string>; lastUsed?: string }>();
  for (const r of rows) {
    const e = byApp.get(r.AppName) ?? { tokens: 0, users: new Set<string>() };
    e.tokens++;
    e.users.add(r.UserId);
    if (r.LastUsedDate && (!e.lastUsed || r.LastUsedDate > e.lastUsed)) e.lastUsed = r.LastUsedDate;
    byApp.set(r.AppName, e);
  }
  return new Map([...byApp].map(([k, v]) => [k, { tokens: v.tokens, users: v.users.size, lastUsed: v.lastUsed }]));
}
