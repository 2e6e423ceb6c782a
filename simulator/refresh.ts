/**
 * A sandbox refresh, as Salesforce Help describes it (sources in simulator/README.md, "Sandbox refresh"):
 *
 * - the sandbox is deleted and recreated as a copy of its source org ("the sandbox copy engine
 *   creates an org as part of each creation and refresh request"): a NEW org id, and every session
 *   and refresh token of the old org is gone;
 * - users are copied with the sandbox name appended to their usernames (user@acme.com ->
 *   user@acme.com.test; if that is taken, characters are prepended) and ".invalid" appended to their
 *   email addresses; sandbox-only users are gone;
 * - local External Client Apps are not copied; Connected Apps and apps installed from packages are
 *   (with the keys the source org has);
 * - settings, profiles and permission sets are the source's again.
 */
import { KEY_PREFIX, randomString } from './ids.js';
import { CLI_APP_NAME, CLI_CLIENT_ID, CONNECTED_APP_TYPE, credentialsOwner, HEADER_TYPE, type OrgState, type Registry, type StoredComponent, type UserRecord } from './store.js';

export type RefreshOptions = {
  /** the org the sandbox copies (default: the seed's sandboxOf when that org is loaded, else the sandbox itself) */
  from?: string;
  /** the sandbox name appended to usernames (default: the org's sandboxName) */
  sandboxName?: string;
};

export type RefreshOutcome = {
  alias: string;
  previousOrgId: string;
  orgId: string;
  /** the source org's username -> the refreshed sandbox's username */
  renamedUsers: Record<string, string>;
  /** developer names of the local ECAs the refresh did not copy */
  removedApps: string[];
  /** apps copied: Connected Apps and installed (packaged) apps */
  keptApps: string[];
};

/** Whether an ECA header is local: Local distribution and not installed from a package. */
export function isLocalEca(c: StoredComponent): boolean {
  const state = typeof c.values.distributionState === 'string' ? c.values.distributionState : 'Local';
  return c.type === HEADER_TYPE && state === 'Local' && c.manageableState !== 'installed' && !c.namespacePrefix;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The username a sandbox copy gives: the production name plus ".<sandbox>", made unique if needed. */
function sandboxUsername(registry: Registry, sandbox: OrgState, base: string, sandboxName: string): string {
  const name = `${base}.${sandboxName.toLowerCase()}`;
  const taken = (u: string): boolean => [...registry.orgs.values()].some((o) => o !== sandbox && o.user(u) !== undefined);
  if (!taken(name)) return name;
  let candidate: string;
  do candidate = `${randomString(7)}${name}`;
  while (taken(candidate));
  return candidate;
}

/** Every string value that is a copied user's username (case-insensitive), as the renamed user's. */
function renameUsers(value: unknown, renamed: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    const hit = Object.keys(renamed).find((u) => u.toLowerCase() === value.toLowerCase());
    return hit ? renamed[hit] : value;
  }
  if (Array.isArray(value)) return value.map((v) => renameUsers(v, renamed));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameUsers(v, renamed)]));
  return value;
}

export function refreshSandbox(registry: Registry, alias: string, opts: RefreshOptions = {}): RefreshOutcome {
  const org = registry.org(alias);
  if (!org.isSandbox) throw new Error(`org ${alias} is not a sandbox: only a sandbox can be refreshed`);
  const fromAlias = opts.from ?? (org.sandboxOf && registry.orgs.has(org.sandboxOf) ? org.sandboxOf : alias);
  const source = registry.org(fromAlias);
  const sandboxName = opts.sandboxName ?? org.sandboxName;
  const suffix = `.${sandboxName.toLowerCase()}`;

  // what the copy takes from the source, read before the sandbox is emptied (the source may be itself)
  const users = source.users.map((u) => clone(u));
  const profiles = source.profiles.map((p) => ({ ...p, permissions: new Set(p.permissions) }));
  const permissionSets = source.permissionSets.map((p) => ({ ...p, permissions: new Set(p.permissions) }));
  const settings = { ...source.settings };
  const all = [...source.components.values()].map((c) => clone(c));
  const localApps = new Set(all.filter(isLocalEca).map((c) => c.fullName));
  const components = all.filter((c) => !localApps.has(c.fullName) && !(typeof c.values.externalClientApplication === 'string' && localApps.has(c.values.externalClientApplication)));
  const credentials = new Map(
    components
      .map((c) => credentialsOwner(c.type, c.values, c.fullName))
      .filter((o): o is string => o !== undefined && source.credentials.has(o))
      .map((o) => {
        const { staged: _staged, ...creds } = clone(source.credentials.get(o)!);
        void _staged;
        return [o, creds] as const;
      })
  );
  const sourceCliUser = source.user(source.cliUsername) as UserRecord;
  const removedApps = [...localApps].sort();

  const previousOrgId = org.orgId;
  registry.forgetOrgTokens(org);
  org.orgId = registry.ids.id(KEY_PREFIX.Organization);
  org.settings.enableClientSecretInRestApiAccess = settings.enableClientSecretInRestApiAccess;
  org.settings.enableConsumerSecretApiAccess = settings.enableConsumerSecretApiAccess;
  org.settings.enablePackageEcaOauthFromDevOrg = settings.enablePackageEcaOauthFromDevOrg;
  org.settings.connectedAppCreationEnabled = settings.connectedAppCreationEnabled;
  org.profiles.splice(0, org.profiles.length, ...profiles);
  org.permissionSets.splice(0, org.permissionSets.length, ...permissionSets);

  const renamedUsers: Record<string, string> = {};
  org.users.length = 0;
  for (const u of users) {
    // a copy of the sandbox itself: its usernames already carry the suffix
    const base = source === org && u.username.toLowerCase().endsWith(suffix) ? u.username.slice(0, -suffix.length) : u.username;
    const username = sandboxUsername(registry, org, base, sandboxName);
    const email = u.email.endsWith('.invalid') ? u.email : `${u.email}.invalid`;
    org.users.push({ ...u, username, email });
    renamedUsers[u.username] = username;
  }
  org.cliUsername = org.users.find((u) => u.id === sourceCliUser.id)?.username ?? org.users[0].username;

  // metadata refers to users by record (ids are kept), so copied components name the renamed users
  org.components.clear();
  for (const c of components) org.components.set(`${c.type}:${c.fullName}`, { ...c, values: renameUsers(c.values, renamedUsers) as StoredComponent['values'] });
  org.credentials.clear();
  for (const [owner, creds] of credentials) org.credentials.set(owner, creds);
  org.oauthTokens.length = 0;
  org.loginHistory.length = 0;
  org.scratchOrgInfos.length = 0;

  const cliUser = org.user(org.cliUsername) as UserRecord;
  org.cliRefreshToken = registry.grantRefreshToken(org, cliUser, CLI_CLIENT_ID, CLI_APP_NAME).token;
  const keptApps = components.filter((c) => credentialsOwner(c.type, c.values, c.fullName) !== undefined && (c.type === HEADER_TYPE || c.type === CONNECTED_APP_TYPE)).map((c) => c.fullName).sort();
  return { alias, previousOrgId, orgId: org.orgId, renamedUsers, removedApps, keptApps };
}
