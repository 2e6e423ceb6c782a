/**
 * The seed format: a readable JSON file that states the orgs a test or a developer needs.
 *
 * {
 *   "orgs": [{
 *     "alias": "dev", "orgId": "00D...", "name": "Acme Dev", "myDomain": "acme-dev", "isSandbox": false,
 *     "apiVersion": "66.0",
 *     "settings": { "enableConsumerSecretApiAccess": false, "enableClientSecretInRestApiAccess": false },
 *     "profiles": [{ "name": "Integration", "apiOnly": true }],
 *     "permissionSets": [{ "name": "CI_Deployer", "label": "CI Deployer" }],
 *     "users": [{ "username": "admin@dev.example", "profile": "System Administrator", "permissionSets": [] }],
 *     "components": [{ "type": "ExternalClientApplication", "fullName": "Acme", "values": { ... } }],
 *     "oauthTokens": [{ "app": "Acme", "username": "admin@dev.example", "useCount": 3 }],
 *     "loginHistory": [{ "username": "admin@dev.example", "loginType": "Partner Product", "apiType": "SOAP Partner", "apiVersion": "35.0" }],
 *     "isDevHub": false, "accessTokenLifetimeSeconds": 7200, "sandboxName": "uat", "sandboxOf": "prod"
 *   }]
 * }
 *
 * Standard profiles (System Administrator, Standard User, Minimum Access - Salesforce, Minimum
 * Access - API Only Integrations) exist in every org unless the seed defines a profile of that name.
 * The first user is the one the CLI logs in as unless `cliUser` names another.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataValues } from './metadata/values.js';

export type OrgSettingsSeed = {
  enableConsumerSecretApiAccess?: boolean;
  enableClientSecretInRestApiAccess?: boolean;
  enablePackageEcaOauthFromDevOrg?: boolean;
  /** Salesforce Support re-enabled Connected App creation in this org (default false) */
  connectedAppCreationEnabled?: boolean;
};

export type ProfileSeed = {
  name: string;
  /** the profile's "API Only User" permission */
  apiOnly?: boolean;
  /** PermissionsModifyAllData */
  modifyAllData?: boolean;
  /** user permissions without the "Permissions" prefix ("ApiEnabled", "ViewClientSecret"); default ["ApiEnabled"] */
  permissions?: string[];
};

export type PermissionSetSeed = {
  /** API name */
  name: string;
  label?: string;
  modifyAllData?: boolean;
  /** grants "API Only User", as integration permission sets do */
  apiOnly?: boolean;
  /** user permissions without the "Permissions" prefix ("ExternalClientAppDeveloper", "ViewClientSecret") */
  permissions?: string[];
};

export type UserSeed = {
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** profile name */
  profile: string;
  /** permission set API names */
  permissionSets?: string[];
  isActive?: boolean;
  /** UserPermissionsApiUserOnly */
  apiOnly?: boolean;
};

export type ManageableState = 'unmanaged' | 'installed' | 'released' | 'beta' | 'deleted' | 'deprecated';

export type ComponentSeed = {
  type: string;
  fullName: string;
  values: MetadataValues;
  namespacePrefix?: string;
  manageableState?: ManageableState;
};

export type OAuthTokenSeed = {
  /** the app's name (ECA or Connected App developer name, or "Salesforce CLI") */
  app: string;
  username: string;
  useCount?: number;
  lastUsedDate?: string;
  createdDate?: string;
};

/**
 * A LoginHistory row. loginType and loginSubType are the picklist labels the object reference
 * lists ("Remote Access 2.0", "Partner Product", "Other Apex API", "Application"; "OAuth
 * Username-Password", "OAuth Client Credentials", ...); apiType "SOAP Enterprise", "SOAP Partner"
 * or "N/A".
 */
export type LoginSeed = {
  username?: string;
  loginTime?: string;
  loginType: string;
  loginSubType?: string | null;
  apiType?: string | null;
  apiVersion?: string | null;
  application?: string | null;
  status?: string;
  sourceIp?: string | null;
  loginUrl?: string | null;
  browser?: string | null;
  platform?: string | null;
  clientVersion?: string | null;
  tlsProtocol?: string | null;
  countryIso?: string | null;
};

export type OrgSeed = {
  alias: string;
  /** 15 or 18 characters starting 00D; generated when missing */
  orgId?: string;
  name?: string;
  /** My Domain name: "acme-dev" stands for https://acme-dev.my.salesforce.com (accepted as a JWT audience) */
  myDomain?: string;
  isSandbox?: boolean;
  /** Organization.OrganizationType */
  edition?: string;
  instanceName?: string;
  /** the highest API version the org serves; default 66.0 */
  apiVersion?: string;
  /** minutes a newly saved app takes before it issues tokens (default 0; Salesforce reports up to 30) */
  propagationMinutes?: number;
  settings?: OrgSettingsSeed;
  profiles?: ProfileSeed[];
  permissionSets?: PermissionSetSeed[];
  users: UserSeed[];
  /** username the CLI logs in as; default the first user */
  cliUser?: string;
  components?: ComponentSeed[];
  oauthTokens?: OAuthTokenSeed[];
  /** LoginHistory rows (each names its user by username) */
  loginHistory?: Array<LoginSeed & { username: string }>;
  /** seconds an access token lives before REST answers INVALID_SESSION_ID (default: no limit) */
  accessTokenLifetimeSeconds?: number;
  /** the org is a Dev Hub (ScratchOrgInfo queries answer, scratch-org signup works) */
  isDevHub?: boolean;
  /** a sandbox's name, appended to usernames when it is refreshed; default the alias */
  sandboxName?: string;
  /** the alias of the org a refresh of this sandbox copies (its production org); default itself */
  sandboxOf?: string;
  /** false for an org without My Domain (no custom_domain in userinfo); default true */
  hasMyDomain?: boolean;
  /** packages installed in the org (the Publisher object lists their publishers) */
  packages?: PackageSeed[];
};

export type PackageSeed = { namespace: string; name: string; publisher: string; version?: string };

/**
 * A seed date: an ISO date, or a time relative to when the seed loads ("-3d", "-26h", "-90m"), so a
 * committed seed keeps its "last 90 days" meaning.
 */
export function seedDate(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const m = /^-(\d+)([dhm])$/.exec(value.trim());
  if (!m) return new Date(value).toISOString();
  const unit = m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000;
  return new Date(now - Number(m[1]) * unit).toISOString();
}

export type SeedFile = { orgs: OrgSeed[] };

export const DEFAULT_SEED_FILE = join(dirname(fileURLToPath(import.meta.url)), 'seeds', 'default.json');

function fail(file: string, message: string): never {
  throw new Error(`${file}: ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the parts of a seed that the simulator cannot default; the rest is trusted as typed. */
export function checkSeed(value: unknown, file = 'seed'): SeedFile {
  if (!isRecord(value) || !Array.isArray(value.orgs)) fail(file, 'expected {"orgs": [...]}');
  value.orgs.forEach((org: unknown, i: number) => {
    const where = `orgs[${i}]`;
    if (!isRecord(org)) fail(file, `${where} is not an object`);
    if (typeof org.alias !== 'string' || org.alias === '') fail(file, `${where}.alias is required`);
    if (org.orgId !== undefined && (typeof org.orgId !== 'string' || !/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(org.orgId))) {
      fail(file, `${where}.orgId must be a 15 or 18 character id starting with 00D`);
    }
    if (!Array.isArray(org.users) || org.users.length === 0) fail(file, `${where}.users needs at least one user`);
    org.users.forEach((u: unknown, j: number) => {
      if (!isRecord(u) || typeof u.username !== 'string' || typeof u.profile !== 'string') {
        fail(file, `${where}.users[${j}] needs "username" and "profile"`);
      }
    });
    for (const c of Array.isArray(org.components) ? org.components : []) {
      if (!isRecord(c) || typeof c.type !== 'string' || typeof c.fullName !== 'string' || !isRecord(c.values)) {
        fail(file, `${where}.components: each needs "type", "fullName" and "values"`);
      }
    }
  });
  return value as SeedFile;
}

export function loadSeedFile(file: string = DEFAULT_SEED_FILE): SeedFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(file, e instanceof Error ? e.message : String(e));
  }
  return checkSeed(parsed, file);
}

/** The seeds of the named orgs from a seed file, in the order asked. */
export function pickOrgs(seed: SeedFile, aliases: readonly string[], file = 'seed'): OrgSeed[] {
  return aliases.map((alias) => seed.orgs.find((o) => o.alias === alias) ?? fail(file, `no org "${alias}" (has: ${seed.orgs.map((o) => o.alias).join(', ')})`));
}
