/**
 * What `sf eca doctor` reads from an org, at a constant cost whatever the org's number of apps:
 * one metadata retrieve (every ECA type by wildcard, the Connected App of that name, the
 * ExternalClientApp settings), then a few queries and one userinfo call, in two rounds:
 *
 *   round 1 (with the retrieve): Organization.IsSandbox, userinfo (urls.custom_domain: the My
 *           Domain), ScratchOrgInfo (is it a Dev Hub); an installed ECA's policy row when the
 *           retrieve did not return the app;
 *   round 2 (once the app names its run-as user): the users with their profile and permission
 *           sets (two queries), when the app was last saved (two queries), and whether the user
 *           approved a self-authorized app (one OauthToken query).
 *
 * The retrieve is the one read the doctor cannot do without: its failure is the command's org
 * error. Any other fact that cannot be read is returned in `unread` with the reason, so the checks
 * that need it say ERROR while the others go on. Never a consumer secret.
 */
import { readInstalledEcas, readOrgApps, type InstalledEca, type OrgApps } from './apps.js';
import { describeFailure } from './errors.js';
import type { FactName } from '../domain/doctor/facts.js';
import type { Session } from './session.js';
import { soqlInList } from './session.js';
import { readAppSavedAt } from './tokenFacts.js';

export type DoctorOrgRead = {
  apps: OrgApps;
  /** the ECA of that name installed from a package, when the retrieve did not return it */
  installed?: InstalledEca;
  isSandbox?: boolean;
  /** urls.custom_domain of userinfo; null when the org has none */
  myDomainUrl?: string | null;
  isDevHub?: boolean;
  unread: Partial<Record<FactName, string>>;
};

export type DoctorUserRead = {
  username: string;
  id?: string;
  found: boolean;
  active?: boolean;
  profile?: string;
  permissionSets: string[];
  apiOnly?: boolean;
  apiEnabled?: boolean;
};

export type DoctorUsersRead = {
  /** by lower-case username */
  users: Map<string, DoctorUserRead>;
  appSavedAt?: Date;
  approved?: boolean;
  unread: Partial<Record<FactName, string>>;
};

type Settled<T> = { ok: true; value: T } | { ok: false; why: string };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, why: describeFailure(e) };
  }
}

/** Round 1: the apps (one retrieve), the org's kind, its My Domain and whether it is a Dev Hub. */
export async function readDoctorOrg(s: Session, name: string): Promise<DoctorOrgRead> {
  const [apps, isSandbox, myDomain, devHub] = await Promise.all([
    // the read the doctor cannot do without: its failure is the command's org error
    readOrgApps(s.access, s.version, { name, settings: true }),
    settle(s.access.query<{ IsSandbox?: boolean }>('SELECT Id, IsSandbox FROM Organization').then((r) => r[0]?.IsSandbox === true)),
    settle(readMyDomain(s)),
    settle(readIsDevHub(s)),
  ]);
  const unread: DoctorOrgRead['unread'] = {};
  if (!isSandbox.ok) unread.isSandbox = `the Organization query failed: ${isSandbox.why}`;
  if (!myDomain.ok) unread.myDomain = `userinfo (GET /services/oauth2/userinfo) failed: ${myDomain.why}`;
  if (!devHub.ok) unread.devHub = `the ScratchOrgInfo query failed: ${devHub.why}`;
  if (!apps.settings) unread.settings = 'the retrieve returned no ExternalClientApp settings (Settings:ExternalClientApp)';

  let installed: InstalledEca | undefined;
  const retrieved = apps.ecas.some((e) => e.name === name) || apps.connectedApps.some((c) => c.fullName === name);
  if (!retrieved) {
    const list = await readInstalledEcas(s.access, new Set(apps.ecas.map((e) => e.name)));
    installed = list.find((i) => i.name === name || i.name.endsWith(`__${name}`));
  }
  return {
    apps,
    installed,
    isSandbox: isSandbox.ok ? isSandbox.value : undefined,
    myDomainUrl: myDomain.ok ? myDomain.value : undefined,
    isDevHub: devHub.ok ? devHub.value : undefined,
    unread,
  };
}

/** The org's My Domain URL from userinfo (urls.custom_domain), null when it has none. */
async function readMyDomain(s: Session): Promise<string | null> {
  const info = await s.access.request<{ urls?: { custom_domain?: unknown } }>('/services/oauth2/userinfo', 'The userinfo request');
  const domain = info?.urls?.custom_domain;
  return typeof domain === 'string' && domain !== '' ? domain.replace(/\/+$/, '') : null;
}

/** A Dev Hub answers ScratchOrgInfo queries; another org answers INVALID_TYPE (as the CLI's own probe reads it). */
async function readIsDevHub(s: Session): Promise<boolean> {
  try {
    await s.access.query('SELECT Id FROM ScratchOrgInfo LIMIT 1');
    return true;
  } catch (e) {
    const named = e as { name?: string; message?: string };
    if (named.name === 'INVALID_TYPE' || /INVALID_TYPE|not supported/i.test(named.message ?? '')) return false;
    throw e;
  }
}

type UserRow = {
  Id: string;
  Username: string;
  IsActive?: boolean;
  Profile?: { Name?: string; PermissionsApiUserOnly?: boolean; PermissionsApiEnabled?: boolean } | null;
};
type AssignmentRow = {
  AssigneeId?: string;
  PermissionSet?: { Name?: string; IsOwnedByProfile?: boolean; PermissionsApiUserOnly?: boolean; PermissionsApiEnabled?: boolean } | null;
};

/** Round 2: the users (profile, permission sets, API permissions), when the app was saved, and approval. */
export async function readDoctorUsers(
  s: Session,
  q: { usernames: readonly string[]; app?: { id?: string; name: string; label?: string }; approvalOf?: string }
): Promise<DoctorUsersRead> {
  const names = [...new Set(q.usernames.filter((u) => u !== ''))];
  const [users, savedAt, approval] = await Promise.all([
    names.length ? settle(readUsers(s, names)) : Promise.resolve<Settled<Map<string, DoctorUserRead>>>({ ok: true, value: new Map() }),
    q.app ? settle(readAppSavedAt(s.access, q.app.id, q.app.name)) : Promise.resolve<Settled<Date | undefined>>({ ok: true, value: undefined }),
    q.app && q.approvalOf ? settle(readApproval(s, q.app, q.approvalOf)) : Promise.resolve<Settled<boolean | undefined>>({ ok: true, value: undefined }),
  ]);
  const unread: DoctorUsersRead['unread'] = {};
  if (!users.ok) unread.users = `the User and PermissionSetAssignment queries failed: ${users.why}`;
  if (!savedAt.ok) unread.appSavedAt = `the LastModifiedDate queries failed: ${savedAt.why}`;
  if (!approval.ok) unread.approval = `the OauthToken query failed: ${approval.why}`;
  return { users: users.ok ? users.value : new Map(), appSavedAt: savedAt.ok ? savedAt.value : undefined, approved: approval.ok ? approval.value : undefined, unread };
}

async function readUsers(s: Session, names: readonly string[]): Promise<Map<string, DoctorUserRead>> {
  const inList = soqlInList(names);
  const [rows, assignments] = await Promise.all([
    s.access.query<UserRow>(`SELECT Id, Username, IsActive, Profile.Name, Profile.PermissionsApiUserOnly, Profile.PermissionsApiEnabled FROM User WHERE Username IN (${inList})`),
    s.access.query<AssignmentRow>(
      `SELECT AssigneeId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsApiUserOnly, PermissionSet.PermissionsApiEnabled FROM PermissionSetAssignment WHERE Assignee.Username IN (${inList})`
    ),
  ]);
  const out = new Map<string, DoctorUserRead>();
  for (const name of names) out.set(name.toLowerCase(), { username: name, found: false, permissionSets: [] });
  for (const r of rows) {
    const granted = assignments.filter((a) => a.AssigneeId === r.Id).map((a) => a.PermissionSet ?? {});
    const sources = [r.Profile ?? {}, ...granted];
    out.set(r.Username.toLowerCase(), {
      username: r.Username,
      id: r.Id,
      found: true,
      active: r.IsActive !== false,
      profile: r.Profile?.Name ?? undefined,
      permissionSets: granted.filter((p) => p.Name && p.IsOwnedByProfile !== true).map((p) => p.Name as string),
      apiOnly: sources.some((p) => p.PermissionsApiUserOnly === true),
      apiEnabled: sources.some((p) => p.PermissionsApiEnabled === true),
    });
  }
  return out;
}

/** Whether the user holds an OAuth token for the app (they approved a self-authorized app once). */
async function readApproval(s: Session, app: { name: string; label?: string }, username: string): Promise<boolean> {
  const names = [...new Set([app.name, app.label].filter((n): n is string => Boolean(n)))];
  const rows = await s.access.query<{ AppName?: string; UserId?: string; User?: { Username?: string } | null }>(
    `SELECT AppName, UserId, User.Username FROM OauthToken WHERE AppName IN (${soqlInList(names)})`
  );
  return rows.some((r) => r.User?.Username?.toLowerCase() === username.toLowerCase());
}

