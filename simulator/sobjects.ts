/**
 * The sObjects the simulator serves through SOQL, as rows computed from an org's state: field
 * names and types as Salesforce spells them, and the relationships a query may follow.
 */
import type { MetadataValue } from './metadata/values.js';
import { KEY_PREFIX } from './ids.js';
import { CLI_APP_NAME, CONNECTED_APP_TYPE, HEADER_TYPE, OAUTH_POLICIES_TYPE, type OrgState, type StoredComponent, USER_PERMISSIONS, type UserRecord } from './store.js';

export type FieldType = 'id' | 'string' | 'boolean' | 'int' | 'datetime' | 'reference' | 'picklist';
export type FieldValue = string | number | boolean | null;
export type Row = Record<string, FieldValue>;

export type SObjectDef = {
  name: string;
  keyPrefix: string;
  fields: Readonly<Record<string, FieldType>>;
  /** relationship name -> the object it points to and the field holding the id */
  relationships?: Readonly<Record<string, { object: string; field: string }>>;
  /** fields a WHERE clause may not use (the object reference's "Filter" property is missing) */
  notFilterable?: readonly string[];
  /** fields GROUP BY may not use (no "Group" property) */
  notGroupable?: readonly string[];
  /** whether the org has this object at all (ScratchOrgInfo: Dev Hubs only); default yes */
  available?(org: OrgState): boolean;
  /** the rows the calling user may see (viewer: the session's user, when known) */
  rows(org: OrgState, viewer?: UserRecord): Row[];
};

/** The Profile and PermissionSet permission fields the simulator serves: Permissions<Name>. */
function permissionFields(): Record<string, FieldType> {
  return Object.fromEntries(USER_PERMISSIONS.map((p) => [`Permissions${p}`, 'boolean' as FieldType]));
}

function permissionValues(permissions: Set<string>): Row {
  return Object.fromEntries(USER_PERMISSIONS.map((p) => [`Permissions${p}`, permissions.has(p)]));
}

function str(v: MetadataValue | undefined): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function bool(v: MetadataValue | undefined): boolean {
  return v === true;
}

function num(v: MetadataValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

function listOf(v: MetadataValue | undefined): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.filter((x): x is string => typeof x === 'string');
}

function splitNames(v: MetadataValue | undefined): string[] {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

function auditFields(c: StoredComponent): Row {
  return { CreatedDate: c.createdDate, CreatedById: c.createdById, LastModifiedDate: c.lastModifiedDate, LastModifiedById: c.lastModifiedById };
}

const AUDIT: Readonly<Record<string, FieldType>> = { CreatedDate: 'datetime', CreatedById: 'reference', LastModifiedDate: 'datetime', LastModifiedById: 'reference' };

/** Permission sets that grant an app (admin-approved apps only), as SetupEntityAccess rows. */
function setupEntityAccess(org: OrgState): Row[] {
  const rows: Row[] = [];
  const add = (app: StoredComponent, entityType: string, permissionSetIds: string[]): void => {
    for (const parentId of permissionSetIds) {
      rows.push({ Id: org.newIdFor(`sea:${app.id}:${parentId}`, KEY_PREFIX.SetupEntityAccess), ParentId: parentId, SetupEntityId: app.id, SetupEntityType: entityType });
    }
  };
  for (const header of org.componentsOf(HEADER_TYPE)) {
    const policy = org.satellite(header.fullName, OAUTH_POLICIES_TYPE);
    if (policy?.values.permittedUsersPolicyType !== 'AdminApprovedPreAuthorized') continue;
    const ids = splitNames(policy.values.commaSeparatedPermissionSet).map((n) => org.permissionSet(n)?.id).filter((id): id is string => id !== undefined);
    add(header, 'ExternalClientApplication', ids);
  }
  for (const ca of org.componentsOf(CONNECTED_APP_TYPE)) {
    const labels = listOf(ca.values.permissionSetName);
    const ids = org.permissionSets.filter((ps) => labels.includes(ps.label) || labels.includes(ps.name)).map((ps) => ps.id);
    add(ca, 'ConnectedApplication', ids);
  }
  return rows;
}

export const SOBJECTS: readonly SObjectDef[] = [
  {
    name: 'Organization',
    keyPrefix: KEY_PREFIX.Organization,
    fields: { Id: 'id', Name: 'string', InstanceName: 'string', IsSandbox: 'boolean', TrialExpirationDate: 'datetime', NamespacePrefix: 'string', OrganizationType: 'picklist' },
    rows: (org) => [
      { Id: org.orgId, Name: org.name, InstanceName: org.instanceName, IsSandbox: org.isSandbox, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: org.edition },
    ],
  },
  {
    name: 'User',
    keyPrefix: KEY_PREFIX.User,
    fields: { Id: 'id', Username: 'string', Name: 'string', FirstName: 'string', LastName: 'string', Email: 'string', ProfileId: 'reference', IsActive: 'boolean', UserType: 'picklist', CreatedDate: 'datetime' },
    relationships: { Profile: { object: 'Profile', field: 'ProfileId' } },
    rows: (org) =>
      org.users.map((u) => ({
        Id: u.id,
        Username: u.username,
        Name: [u.firstName, u.lastName].filter((s) => s !== '').join(' '),
        FirstName: u.firstName === '' ? null : u.firstName,
        LastName: u.lastName,
        Email: u.email,
        ProfileId: u.profileId,
        IsActive: u.isActive,
        UserType: 'Standard',
        CreatedDate: u.createdDate,
      })),
  },
  {
    name: 'Profile',
    keyPrefix: KEY_PREFIX.Profile,
    fields: { Id: 'id', Name: 'string', UserType: 'picklist', ...permissionFields() },
    rows: (org) => org.profiles.map((p) => ({ Id: p.id, Name: p.name, UserType: 'Standard', ...permissionValues(p.permissions) })),
  },
  {
    name: 'PermissionSet',
    keyPrefix: KEY_PREFIX.PermissionSet,
    fields: { Id: 'id', Name: 'string', Label: 'string', Description: 'string', IsOwnedByProfile: 'boolean', NamespacePrefix: 'string', ProfileId: 'reference', ...permissionFields() },
    rows: (org) =>
      org.permissionSets.map((p) => ({
        Id: p.id,
        Name: p.name,
        Label: p.label,
        Description: p.description ?? null,
        IsOwnedByProfile: false,
        NamespacePrefix: null,
        ProfileId: null,
        ...permissionValues(p.permissions),
      })),
  },
  {
    name: 'PermissionSetAssignment',
    keyPrefix: KEY_PREFIX.PermissionSetAssignment,
    fields: { Id: 'id', AssigneeId: 'reference', PermissionSetId: 'reference' },
    relationships: { Assignee: { object: 'User', field: 'AssigneeId' }, PermissionSet: { object: 'PermissionSet', field: 'PermissionSetId' } },
    rows: (org) => org.users.flatMap((u) => u.permissionSetIds.map((ps) => ({ Id: org.assignmentId(u.id, ps), AssigneeId: u.id, PermissionSetId: ps }))),
  },
  {
    name: 'ExternalClientApplication',
    keyPrefix: KEY_PREFIX.ExternalClientApplication,
    fields: { Id: 'id', DeveloperName: 'string', MasterLabel: 'string', DistributionState: 'picklist', NamespacePrefix: 'string', Description: 'string', ContactEmail: 'string', ...AUDIT },
    rows: (org) =>
      org.componentsOf(HEADER_TYPE).map((c) => ({
        Id: c.id,
        DeveloperName: c.fullName,
        MasterLabel: str(c.values.label) ?? c.fullName,
        DistributionState: str(c.values.distributionState) ?? 'Local',
        NamespacePrefix: c.namespacePrefix ?? null,
        Description: str(c.values.description),
        ContactEmail: str(c.values.contactEmail),
        ...auditFields(c),
      })),
  },
  {
    name: 'ExtlClntAppOauthPlcyCnfg',
    keyPrefix: KEY_PREFIX.ExtlClntAppOauthPlcyCnfg,
    fields: {
      Id: 'id',
      DeveloperName: 'string',
      MasterLabel: 'string',
      ExternalClientApplicationId: 'reference',
      PermittedUsersPolicyType: 'picklist',
      IpRelaxationPolicyType: 'picklist',
      RefreshTokenPolicyType: 'picklist',
      RefreshTokenValidityPeriod: 'int',
      RefreshTokenValidityUnit: 'picklist',
      SessionTimeoutInMinutes: 'int',
      PolicyAction: 'picklist',
      RequiredSessionLevel: 'picklist',
      IsClientCredentialsFlowEnabled: 'boolean',
      ClientCredentialsFlowUser: 'reference',
      IsTokenExchangeFlowEnabled: 'boolean',
      ...AUDIT,
    },
    relationships: { ExternalClientApplication: { object: 'ExternalClientApplication', field: 'ExternalClientApplicationId' } },
    rows: (org) =>
      org.componentsOf(OAUTH_POLICIES_TYPE).flatMap((c) => {
        const header = org.component(HEADER_TYPE, str(c.values.externalClientApplication) ?? '');
        if (!header) return [];
        const runAs = str(c.values.clientCredentialsFlowUser);
        return [
          {
            Id: c.id,
            DeveloperName: c.fullName,
            MasterLabel: str(c.values.label) ?? c.fullName,
            ExternalClientApplicationId: header.id,
            PermittedUsersPolicyType: str(c.values.permittedUsersPolicyType) ?? 'AllSelfAuthorized',
            IpRelaxationPolicyType: str(c.values.ipRelaxationPolicyType) ?? 'Enforce',
            RefreshTokenPolicyType: str(c.values.refreshTokenPolicyType) ?? 'Infinite',
            RefreshTokenValidityPeriod: num(c.values.refreshTokenValidityPeriod),
            RefreshTokenValidityUnit: str(c.values.refreshTokenValidityUnit),
            SessionTimeoutInMinutes: num(c.values.sessionTimeoutInMinutes),
            PolicyAction: str(c.values.policyAction),
            RequiredSessionLevel: str(c.values.requiredSessionLevel),
            IsClientCredentialsFlowEnabled: bool(c.values.isClientCredentialsFlowEnabled),
            ClientCredentialsFlowUser: runAs ? (org.user(runAs)?.id ?? null) : null,
            IsTokenExchangeFlowEnabled: bool(c.values.isTokenExchangeFlowEnabled),
            ...auditFields(c),
          },
        ];
      }),
  },
  {
    name: 'ConnectedApplication',
    keyPrefix: KEY_PREFIX.ConnectedApplication,
    fields: {
      Id: 'id',
      Name: 'string',
      NamespacePrefix: 'string',
      OptionsAllowAdminApprovedUsersOnly: 'boolean',
      OptionsRefreshTokenValidityMetric: 'boolean',
      RefreshTokenValidityPeriod: 'int',
      StartUrl: 'string',
      ...AUDIT,
    },
    rows: (org) =>
      org.componentsOf(CONNECTED_APP_TYPE).map((c) => {
        const oauth = c.values.oauthConfig;
        const admin = typeof oauth === 'object' && !Array.isArray(oauth) ? bool(oauth.isAdminApproved) : false;
        const policy = c.values.oauthPolicy;
        const refresh = typeof policy === 'object' && !Array.isArray(policy) ? str(policy.refreshTokenPolicy) : null;
        const specific = refresh ? /^specific_(lifetime|inactivity):(\d+)/.exec(refresh) : null;
        return {
          Id: c.id,
          Name: str(c.values.label) ?? c.fullName,
          NamespacePrefix: c.namespacePrefix ?? null,
          OptionsAllowAdminApprovedUsersOnly: admin,
          OptionsRefreshTokenValidityMetric: specific?.[1] === 'inactivity',
          RefreshTokenValidityPeriod: specific ? Number(specific[2]) : null,
          StartUrl: str(c.values.startUrl),
          ...auditFields(c),
        };
      }),
  },
  {
    name: 'OauthToken',
    keyPrefix: KEY_PREFIX.OauthToken,
    fields: { Id: 'id', AppName: 'string', UserId: 'reference', LastUsedDate: 'datetime', UseCount: 'int', CreatedDate: 'datetime', AppMenuItemId: 'reference' },
    relationships: { User: { object: 'User', field: 'UserId' } },
    rows: (org) =>
      org.oauthTokens.map((t) => {
        const app = org.component(HEADER_TYPE, t.appName) ?? org.component(CONNECTED_APP_TYPE, t.appName);
        const label = app ? (str(app.values.label) ?? t.appName) : t.appName === CLI_APP_NAME ? CLI_APP_NAME : t.appName;
        return { Id: t.id, AppName: label, UserId: t.userId, LastUsedDate: t.lastUsedDate, UseCount: t.useCount, CreatedDate: t.createdDate, AppMenuItemId: null };
      }),
  },
  {
    name: 'SetupEntityAccess',
    keyPrefix: KEY_PREFIX.SetupEntityAccess,
    fields: { Id: 'id', ParentId: 'reference', SetupEntityId: 'reference', SetupEntityType: 'string' },
    relationships: { Parent: { object: 'PermissionSet', field: 'ParentId' } },
    rows: setupEntityAccess,
  },
  {
    // object reference "LoginHistory" (API 21+): only Manage Users or Monitor Login History see every
    // row; from API 37 any user sees their own. Filter and Group properties as the reference lists them.
    name: 'LoginHistory',
    keyPrefix: KEY_PREFIX.LoginHistory,
    fields: {
      Id: 'id',
      UserId: 'reference',
      LoginTime: 'datetime',
      LoginType: 'picklist',
      LoginSubType: 'picklist',
      ApiType: 'string',
      ApiVersion: 'string',
      Application: 'string',
      Status: 'string',
      SourceIp: 'string',
      LoginUrl: 'string',
      Browser: 'string',
      Platform: 'string',
      ClientVersion: 'string',
      TlsProtocol: 'picklist',
      CountryIso: 'string',
    },
    notFilterable: ['ApiType', 'ApiVersion', 'Application', 'Status', 'Browser', 'Platform', 'ClientVersion'],
    notGroupable: ['Id', 'LoginTime'],
    rows: (org, viewer) =>
      org.loginHistory
        .filter((l) => !viewer || org.hasPermission(viewer, 'ManageUsers') || org.hasPermission(viewer, 'MonitorLoginHistory') || l.userId === viewer.id)
        .map((l) => ({
          Id: l.id,
          UserId: l.userId,
          LoginTime: l.loginTime,
          LoginType: l.loginType,
          LoginSubType: l.loginSubType,
          ApiType: l.apiType,
          ApiVersion: l.apiVersion,
          Application: l.application,
          Status: l.status,
          SourceIp: l.sourceIp,
          LoginUrl: l.loginUrl,
          Browser: l.browser,
          Platform: l.platform,
          ClientVersion: l.clientVersion,
          TlsProtocol: l.tlsProtocol,
          CountryIso: l.countryIso,
        })),
  },
  {
    // the publishers of the org's installed packages, and the org itself (object and fields UNCONFIRMED)
    name: 'Publisher',
    keyPrefix: KEY_PREFIX.Publisher,
    fields: { Id: 'id', Name: 'string', NamespacePrefix: 'string', IsSalesforce: 'boolean', MajorVersion: 'int', MinorVersion: 'int' },
    rows: (org) => [
      { Id: org.newIdFor('publisher:self', KEY_PREFIX.Publisher), Name: org.name, NamespacePrefix: null, IsSalesforce: false, MajorVersion: null, MinorVersion: null },
      ...org.packages.map((p) => {
        const [major, minor] = (p.version ?? '1.0').split('.').map((n) => Number.parseInt(n, 10));
        return { Id: org.newIdFor(`publisher:${p.namespace}`, KEY_PREFIX.Publisher), Name: p.publisher, NamespacePrefix: p.namespace, IsSalesforce: false, MajorVersion: major ?? null, MinorVersion: minor ?? null };
      }),
    ],
  },
  {
    name: 'ScratchOrgInfo',
    keyPrefix: KEY_PREFIX.ScratchOrgInfo,
    available: (org) => org.isDevHub,
    fields: {
      Id: 'id',
      Status: 'picklist',
      ErrorCode: 'string',
      OrgName: 'string',
      Edition: 'picklist',
      SignupUsername: 'string',
      SignupEmail: 'string',
      SignupInstance: 'string',
      ConnectedAppConsumerKey: 'string',
      ConnectedAppCallbackUrl: 'string',
      AuthCode: 'string',
      LoginUrl: 'string',
      ScratchOrg: 'string',
      DurationDays: 'int',
      Namespace: 'string',
      ExpirationDate: 'datetime',
      CreatedDate: 'datetime',
      CreatedById: 'reference',
    },
    rows: (org) =>
      org.scratchOrgInfos.map((i) => ({
        Id: i.id,
        Status: i.status,
        ErrorCode: i.errorCode,
        OrgName: i.orgName,
        Edition: i.edition,
        SignupUsername: i.signupUsername,
        SignupEmail: i.adminEmail,
        // no instance name: @salesforce/core then authorizes at LoginUrl (the simulator's address)
        SignupInstance: null,
        ConnectedAppConsumerKey: i.connectedAppConsumerKey,
        ConnectedAppCallbackUrl: i.connectedAppCallbackUrl,
        AuthCode: i.authCode,
        LoginUrl: i.loginUrl,
        ScratchOrg: i.scratchOrg,
        DurationDays: i.durationDays,
        Namespace: i.namespace,
        ExpirationDate: i.expirationDate,
        CreatedDate: i.createdDate,
        CreatedById: i.createdById,
      })),
  },
];

/** The object of this name, if the org has it (ScratchOrgInfo only on a Dev Hub). */
export function sobjectDef(name: string, org?: OrgState): SObjectDef | undefined {
  const def = SOBJECTS.find((o) => o.name.toLowerCase() === name.toLowerCase());
  return def && (!org || !def.available || def.available(org)) ? def : undefined;
}
