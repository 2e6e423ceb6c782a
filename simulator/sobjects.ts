/**
 * The sObjects the simulator serves through SOQL, as rows computed from an org's state: field
 * names and types as Salesforce spells them, and the relationships a query may follow.
 */
import type { MetadataValue } from './metadata/values.js';
import { KEY_PREFIX } from './ids.js';
import { CLI_APP_NAME, CONNECTED_APP_TYPE, HEADER_TYPE, OAUTH_POLICIES_TYPE, type OrgState, type StoredComponent } from './store.js';

export type FieldType = 'id' | 'string' | 'boolean' | 'int' | 'datetime' | 'reference' | 'picklist';
export type FieldValue = string | number | boolean | null;
export type Row = Record<string, FieldValue>;

export type SObjectDef = {
  name: string;
  keyPrefix: string;
  fields: Readonly<Record<string, FieldType>>;
  /** relationship name -> the object it points to and the field holding the id */
  relationships?: Readonly<Record<string, { object: string; field: string }>>;
  rows(org: OrgState): Row[];
};

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
    fields: {
      Id: 'id',
      Name: 'string',
      PermissionsModifyAllData: 'boolean',
      PermissionsViewAllData: 'boolean',
      PermissionsCustomizeApplication: 'boolean',
      PermissionsApiUserOnly: 'boolean',
      UserType: 'picklist',
    },
    // Modify All Data brings View All Data and Customize Application with it, as in Salesforce's admin profiles
    rows: (org) =>
      org.profiles.map((p) => ({
        Id: p.id,
        Name: p.name,
        PermissionsModifyAllData: p.modifyAllData,
        PermissionsViewAllData: p.modifyAllData,
        PermissionsCustomizeApplication: p.modifyAllData,
        PermissionsApiUserOnly: p.apiOnly,
        UserType: 'Standard',
      })),
  },
  {
    name: 'PermissionSet',
    keyPrefix: KEY_PREFIX.PermissionSet,
    fields: {
      Id: 'id',
      Name: 'string',
      Label: 'string',
      IsOwnedByProfile: 'boolean',
      NamespacePrefix: 'string',
      PermissionsModifyAllData: 'boolean',
      PermissionsViewAllData: 'boolean',
      PermissionsCustomizeApplication: 'boolean',
      PermissionsApiUserOnly: 'boolean',
      ProfileId: 'reference',
    },
    rows: (org) =>
      org.permissionSets.map((p) => ({
        Id: p.id,
        Name: p.name,
        Label: p.label,
        IsOwnedByProfile: false,
        NamespacePrefix: null,
        PermissionsModifyAllData: p.modifyAllData,
        PermissionsViewAllData: p.modifyAllData,
        PermissionsCustomizeApplication: p.modifyAllData,
        PermissionsApiUserOnly: p.apiOnly,
        ProfileId: null,
      })),
  },
  {
    name: 'PermissionSetAssignment',
    keyPrefix: '0Pa',
    fields: { Id: 'id', AssigneeId: 'reference', PermissionSetId: 'reference' },
    relationships: { Assignee: { object: 'User', field: 'AssigneeId' }, PermissionSet: { object: 'PermissionSet', field: 'PermissionSetId' } },
    rows: (org) => org.users.flatMap((u) => u.permissionSetIds.map((ps) => ({ Id: org.newIdFor(`psa:${u.id}:${ps}`, '0Pa'), AssigneeId: u.id, PermissionSetId: ps }))),
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
];

export function sobjectDef(name: string): SObjectDef | undefined {
  return SOBJECTS.find((o) => o.name.toLowerCase() === name.toLowerCase());
}
