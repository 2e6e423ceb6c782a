/**
 * What `sf eca report` reads from an org beyond the audit every org command shares
 * (operations/shared/orgAudit.ts), each in one request whatever the number of apps:
 *
 * - LoginHistory of the window, grouped (readLoginHistory). ApiType, Application and Status
 *   cannot be filtered on (object reference: no Filter property), so they are grouped and the
 *   rows of failed logins are dropped here. UI logins (LoginType "Application") are left out in
 *   the query: they are most of an org's logins and tell nothing about apps or API clients.
 * - the usernames of the user ids the report names (readUsernames: one query per 200 ids, and
 *   only the users of the logins the report shows by name);
 * - the publishers of installed packages (readPublishers: Tooling API `Publisher`, one query).
 *
 * OAuth token usage (with UseCount) comes from facts.ts readTokenUsage, the query policy check
 * makes; Organization.IsSandbox from tokenFacts.ts readIsSandbox.
 */
import { orgRequestError } from './errors.js';
import type { OrgAccess } from './orgAccess.js';
import { soqlInList, soqlQuote } from './session.js';

/** Successful logins of one application, user and way of logging in, in the window. */
export type LoginGroup = {
  /** LoginHistory.Application; empty when the org gives none */
  application: string;
  userId: string;
  loginType?: string;
  loginSubType?: string;
  apiType?: string;
  apiVersion?: string;
  logins: number;
  /** ISO 8601 */
  lastLogin: string;
};

/** Most groups one LoginHistory read keeps (the busiest first); more are reported as truncated. */
export const LOGIN_GROUP_LIMIT = 2000;

type LoginRow = {
  Application?: string | null;
  UserId: string;
  LoginType?: string | null;
  LoginSubType?: string | null;
  ApiType?: string | null;
  ApiVersion?: string | number | null;
  Status?: string | null;
  logins: number;
  lastLogin: string;
};

const text = (v: string | number | null | undefined): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v));

/**
 * Successful logins of the last `days` days (1 to 365), except UI logins, grouped by application,
 * user, login type, subtype and API type; `truncated` when the org had more groups than
 * LOGIN_GROUP_LIMIT (the least used are left out).
 */
export async function readLoginHistory(access: OrgAccess, days: number): Promise<{ groups: LoginGroup[]; truncated: boolean }> {
  const n = Math.min(365, Math.max(1, Math.floor(days)));
  const rows = await access.query<LoginRow>(
    'SELECT Application, UserId, LoginType, LoginSubType, ApiType, ApiVersion, Status, COUNT(Id) logins, MAX(LoginTime) lastLogin FROM LoginHistory ' +
      `WHERE LoginTime = LAST_N_DAYS:${n} AND LoginType != 'Application' ` +
      'GROUP BY Application, UserId, LoginType, LoginSubType, ApiType, ApiVersion, Status ' +
      `ORDER BY COUNT(Id) DESC LIMIT ${LOGIN_GROUP_LIMIT}`
  );
  // one group per application, user and way of logging in: API versions are merged (the most used one kept)
  const groups = new Map<string, LoginGroup>();
  for (const r of rows) {
    if (r.Status !== 'Success') continue;
    const g: LoginGroup = {
      application: r.Application ?? '',
      userId: r.UserId,
      ...(text(r.LoginType) === undefined ? {} : { loginType: text(r.LoginType) }),
      ...(text(r.LoginSubType) === undefined ? {} : { loginSubType: text(r.LoginSubType) }),
      ...(text(r.ApiType) === undefined ? {} : { apiType: text(r.ApiType) }),
      ...(text(r.ApiVersion) === undefined ? {} : { apiVersion: text(r.ApiVersion) }),
      logins: Number(r.logins) || 0,
      lastLogin: r.lastLogin,
    };
    const key = [g.application, g.userId, g.loginType ?? '', g.loginSubType ?? '', g.apiType ?? ''].join('\u0000');
    const seen = groups.get(key);
    if (!seen) {
      groups.set(key, g);
      continue;
    }
    seen.logins += g.logins;
    if (Date.parse(g.lastLogin) > Date.parse(seen.lastLogin)) seen.lastLogin = g.lastLogin;
  }
  return { groups: [...groups.values()], truncated: rows.length >= LOGIN_GROUP_LIMIT };
}

/** Ids per User query: an IN list of 200 ids keeps the query URL well under the REST limits. */
const IDS_PER_QUERY = 200;

/** User id -> username, for the ids given (one query per 200 ids). */
export async function readUsernames(access: OrgAccess, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id) => /^[A-Za-z0-9]{15,18}$/.test(id)))];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) chunks.push(unique.slice(i, i + IDS_PER_QUERY));
  const rows = (await Promise.all(chunks.map((c) => access.query<{ Id: string; Username: string }>(`SELECT Id, Username FROM User WHERE Id IN (${soqlInList(c)})`)))).flat();
  return new Map(rows.map((r) => [r.Id, r.Username]));
}

/**
 * Namespace prefix -> publisher name of every installed package (Tooling API `Publisher`: "the
 * package is the publisher for installed packages"); undefined when the org does not let the user
 * read it (the report then names no publisher).
 */
export async function readPublishers(access: OrgAccess, orgName: string): Promise<Map<string, string> | undefined> {
  try {
    const result = await access.connection.tooling.query<{ Name?: string | null; NamespacePrefix?: string | null }>('SELECT Name, NamespacePrefix FROM Publisher WHERE NamespacePrefix != null');
    return new Map(result.records.filter((r) => r.NamespacePrefix && r.Name).map((r) => [r.NamespacePrefix as string, r.Name as string]));
  } catch (e) {
    // a query Salesforce refuses (INVALID_TYPE, INSUFFICIENT_ACCESS...) costs only the publisher
    // names; an org that does not answer, an expired session, a limit or a server error is the org's
    const named = orgRequestError(e, 'The publisher query', orgName);
    if (/^[A-Z_]+$/.test(named.name) && named.name !== 'REQUEST_LIMIT_EXCEEDED') return undefined;
    throw named;
  }
}

type LoginPermissions = { PermissionsManageUsers?: boolean | null; PermissionsMonitorLoginHistory?: boolean | null };

/**
 * Whether the user sees every row of LoginHistory: only users with Manage Users or Monitor Login
 * History do; from API 37.0 anyone else sees their own logins only, without an error (object
 * reference, LoginHistory). Two queries: the user's profile and the permission sets assigned.
 * Undefined when the org does not say (a field or object the user cannot query).
 */
export async function readSeesEveryLogin(access: OrgAccess, username: string): Promise<boolean | undefined> {
  const quoted = soqlQuote(username);
  try {
    const [users, assignments] = await Promise.all([
      access.query<{ Profile?: LoginPermissions | null }>(`SELECT Profile.PermissionsManageUsers, Profile.PermissionsMonitorLoginHistory FROM User WHERE Username = ${quoted}`),
      access.query<{ PermissionSet?: LoginPermissions | null }>(
        `SELECT PermissionSet.PermissionsManageUsers, PermissionSet.PermissionsMonitorLoginHistory FROM PermissionSetAssignment WHERE Assignee.Username = ${quoted}`
      ),
    ]);
    const grants = [users[0]?.Profile, ...assignments.map((a) => a.PermissionSet)];
    return grants.some((g) => g?.PermissionsManageUsers === true || g?.PermissionsMonitorLoginHistory === true);
  } catch (e) {
    if (/^[A-Z_]+$/.test((e as Error).name) && (e as Error).name !== 'REQUEST_LIMIT_EXCEEDED') return undefined;
    throw e;
  }
}
