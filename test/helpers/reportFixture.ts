/**
 * A realistic report fixture: three orgs of one client (production, a UAT sandbox, and a dev
 * sandbox whose authorization has expired), 46 apps of every kind. Every part is computed by the
 * plugin's own functions from metadata XML, as the org floor will: fromEca/fromConnectedApp and
 * evaluate() (policy check), convertConnectedApp() (convert), list's row shape; only the org's
 * answers (token usage, login history, installed packages) are written out here.
 *
 * Client text is hostile on purpose: labels and descriptions with markup, an application name
 * that closes a table cell, a description carrying an access token.
 */
import type { AuditedApp, AuditOptions, RunAsUserFacts } from '../../src/domain/policy/app.js';
import type { PolicyConfig } from '../../src/domain/policy/config.js';
import { evaluate } from '../../src/domain/policy/evaluate.js';
import { convertConnectedApp } from '../../src/domain/convert/index.js';
import {
  buildReport,
  type ConversionInput,
  type InventoryApp,
  type LoginSummary,
  type AppUsage,
  type OrgFailure,
  type OrgInput,
  type ReportData,
  type ReportOptions,
} from '../../src/domain/report/index.js';
import { component, metadataXml, secureEca, type XmlFields, type XmlValue } from '../unit/policy/helpers.js';
import { fromConnectedApp } from '../../src/domain/policy/app.js';
import type { ConnectedApp } from '../../src/domain/model.js';

export const NOW = new Date('2026-09-15T09:00:00Z');
export const HOSTILE_LABEL = '<script>alert("label")</script> Partner Portal';
export const HOSTILE_DESCRIPTION = '<img src=x onerror=alert(1)> "quoted" & <b>bold</b>';
export const HOSTILE_APPLICATION = 'Evil </td></tr><script>alert(2)</script>';
export const SMUGGLED_TOKEN = '00D5g000004ABCDEFG!AQ0AQH0dMHZfz972Szmpkb58urFRkgeBGsxL_QJWwYMfAbUeeG7c1E6LYUfiDUkWe6H34r1AAwOR8B8fLEz6n04NE_5ayYz';
export const SHARED_RUN_AS = 'integration@acme.example.com';

const SECURE_CA: XmlFields = {
  contactEmail: 'ops@acme.example',
  label: 'Acme Legacy',
  oauthConfig: {
    callbackUrl: 'https://app.acme.example/oauth/callback',
    isAdminApproved: true,
    isClientCredentialEnabled: false,
    isCodeCredentialEnabled: false,
    isConsumerSecretOptional: false,
    isIntrospectAllTokens: false,
    isPkceRequired: true,
    isRefreshTokenRotationEnabled: true,
    isSecretRequiredForRefreshToken: true,
    isSecretRequiredForTokenExchange: true,
    isTokenExchangeEnabled: false,
    scopes: ['Api', 'RefreshToken'],
  },
  oauthPolicy: { ipRelaxation: 'ENFORCE', isTokenExchangeFlowEnabled: false, refreshTokenPolicy: 'specific_lifetime:30:DAYS' },
  permissionSetName: ['Acme Integration'],
  sessionPolicy: { sessionTimeout: 60 },
};

const PERMISSION_SETS = new Map([['Acme Integration', 'Acme_Integration']]);

type CaSpec = { name: string; label: string; changes?: Record<string, XmlValue | null>; description?: string };

function merge(changes: Record<string, XmlValue | null> = {}): XmlFields {
  const fields: Record<string, XmlValue> = { ...SECURE_CA };
  for (const [key, change] of Object.entries(changes)) {
    const base = fields[key];
    if (change === null) delete fields[key];
    else if (typeof change === 'object' && !Array.isArray(change) && typeof base === 'object' && !Array.isArray(base)) fields[key] = { ...(base as XmlFields), ...(change as XmlFields) };
    else fields[key] = change;
  }
  return fields;
}

type Built = { audited: AuditedApp; conversion: ConversionInput; row: InventoryApp };

function connectedApp(spec: CaSpec, opts: AuditOptions): Built {
  const fields = merge({ ...spec.changes, label: spec.label, ...(spec.description ? { description: spec.description } : {}) });
  const ca = component(metadataXml('ConnectedApp', fields), spec.name) as ConnectedApp;
  const audited = fromConnectedApp(ca, opts);
  const result = convertConnectedApp({ fullName: spec.name, values: ca.values }, { permissionSetNames: PERMISSION_SETS });
  return {
    audited,
    conversion: { name: spec.name, label: spec.label, result },
    row: { name: spec.name, label: spec.label, kind: 'ConnectedApp', flows: flowsOf(audited), ...(spec.description ? { description: spec.description } : {}) },
  };
}

function flowsOf(a: AuditedApp): string[] {
  return Object.entries(a.flows)
    .filter(([, on]) => on)
    .map(([f]) => f);
}

function eca(name: string, label: string, changes: Parameters<typeof secureEca>[0], opts: AuditOptions): { audited: AuditedApp; row: InventoryApp } {
  const audited = secureEca({ ...changes, header: { label, ...(changes?.header ?? {}) } }, opts, name);
  return {
    audited,
    row: { name, label, kind: 'ExternalClientApp', distributionState: audited.distributionState ?? 'Local', flows: flowsOf(audited) },
  };
}

const HEADLESS = { oauthConfig: { callbackUrl: 'https://login.salesforce.com/services/oauth2/token' } };
const MOBILE = {
  mobileStartUrl: 'https://m.acme.example',
  mobileAppConfig: { applicationBinaryFileName: 'acme.ipa', applicationInstallUrl: 'https://m.acme.example/i', devicePlatform: 'ios', minimumOsVersion: '15', privateApp: true, version: '1.0' },
};
const CANVAS = { canvas: { canvasUrl: 'https://canvas.acme.example' } };
const CLIENT_CREDENTIALS = { oauthConfig: { isClientCredentialEnabled: true, oauthClientCredentialUser: SHARED_RUN_AS } };

function login(application: string, user: string, n: number, last: string, kind: 'soap' | 'partner' | 'up' | 'oauth'): LoginSummary {
  const how = {
    soap: { loginType: 'Other Apex API', apiType: 'SOAP Enterprise', apiVersion: '58.0' },
    partner: { loginType: 'Partner Product', apiType: 'SOAP Partner', apiVersion: '52.0' },
    up: { loginType: 'Remote Access 2.0', loginSubType: 'OAuth Username-Password' },
    oauth: { loginType: 'Remote Access 2.0', loginSubType: 'OAuth Web Server' },
  }[kind];
  return { application, userId: `005${user.length.toString().padStart(3, '0')}${application.length.toString().padStart(9, '0')}AAA`.slice(0, 18), username: user, ...how, logins: n, lastLogin: last };
}

function usage(app: string, tokens: number, users: number, lastUsed: string): AppUsage {
  return { app, tokens, users, lastUsed };
}

const POLICY: PolicyConfig = {
  waivers: [{ rule: 'scope-full', app: 'Analytics_Export', reason: 'Vendor needs Full until its 2027 release', expires: '2026-12-31' }],
};

// ---------------------------------------------------------------------------------------------
// production

function production(): OrgInput {
  const org = { id: '00D5g000004PRODAAA', name: 'acme-prod', settings: { enableConsumerSecretApiAccess: true, enableClientSecretInRestApiAccess: false } };
  const runAs: RunAsUserFacts = { username: SHARED_RUN_AS, isApiOnly: true, hasAdminPermissions: false, adminPermissions: [], isActive: true };
  const admin: RunAsUserFacts = { username: 'admin.integration@acme.example.com', isApiOnly: false, hasAdminPermissions: true, adminPermissions: ['ModifyAllData'], isActive: true };
  const usageRows: AppUsage[] = [
    usage('Billing Sync', 412, 3, '2026-09-14T22:10:00Z'),
    usage('Warehouse Feed', 120, 2, '2026-09-13T03:00:00Z'),
    usage('Field Service Mobile', 880, 140, '2026-09-15T07:00:00Z'),
    usage('Partner Portal Canvas', 35, 12, '2026-09-10T12:00:00Z'),
    usage(HOSTILE_LABEL, 9, 4, '2026-09-01T12:00:00Z'),
    usage('Order Gateway', 300, 1, '2026-09-15T06:00:00Z'),
    usage('Marketing Cloud Connect', 60, 1, '2026-09-14T06:00:00Z'),
    usage('Acme Partner App', 1500, 320, '2026-09-15T08:00:00Z'),
    usage('Legacy Reporting', 3, 1, '2026-02-01T00:00:00Z'),
  ];
  const opts = (name: string): AuditOptions => ({ org, tokenUsage: usageRows.find((u) => u.app === name) });
  const cas: Built[] = [
    connectedApp({ name: 'Billing_Sync', label: 'Billing Sync' }, opts('Billing Sync')),
    connectedApp({ name: 'Warehouse_Feed', label: 'Warehouse Feed' }, opts('Warehouse Feed')),
    connectedApp({ name: 'HR_Directory', label: 'HR Directory' }, opts('HR Directory')),
    connectedApp({ name: 'Expense_Bot', label: 'Expense Bot' }, opts('Expense Bot')),
    connectedApp({ name: 'Survey_Tool', label: 'Survey Tool' }, opts('Survey Tool')),
    connectedApp({ name: 'Docs_Signer', label: 'Docs Signer' }, opts('Docs Signer')),
    connectedApp({ name: 'Order_Gateway', label: 'Order Gateway', changes: HEADLESS }, opts('Order Gateway')),
    connectedApp({ name: 'Legacy_ETL', label: 'Legacy ETL', changes: HEADLESS }, opts('Legacy ETL')),
    connectedApp({ name: 'Batch_Importer', label: 'Batch Importer', changes: HEADLESS }, opts('Batch Importer')),
    connectedApp({ name: 'Field_Service_Mobile', label: 'Field Service Mobile', changes: MOBILE }, opts('Field Service Mobile')),
    connectedApp({ name: 'Partner_Portal_Canvas', label: 'Partner Portal Canvas', changes: CANVAS }, opts('Partner Portal Canvas')),
    connectedApp({ name: 'Portal_Widget', label: HOSTILE_LABEL, description: `${HOSTILE_DESCRIPTION} token ${SMUGGLED_TOKEN}` }, opts(HOSTILE_LABEL)),
    connectedApp({ name: 'Data_Loader_Jobs', label: 'Data Loader Jobs', changes: { ...CLIENT_CREDENTIALS, oauthPolicy: { ipRelaxation: 'BYPASS' } } }, { ...opts('Data Loader Jobs'), runAsUser: runAs }),
    connectedApp({ name: 'Analytics_Export', label: 'Analytics Export', changes: { oauthConfig: { scopes: ['Full', 'RefreshToken'] } } }, opts('Analytics Export')),
    connectedApp({ name: 'Legacy_Reporting', label: 'Legacy Reporting', changes: { oauthPolicy: { refreshTokenPolicy: 'infinite' } } }, opts('Legacy Reporting')),
    connectedApp({ name: 'Ticket_Sync', label: 'Ticket Sync', changes: { oauthConfig: { isPkceRequired: false } } }, opts('Ticket Sync')),
    connectedApp({ name: 'Payroll_Bridge', label: 'Payroll Bridge', changes: { ...CLIENT_CREDENTIALS } }, { ...opts('Payroll Bridge'), runAsUser: runAs }),
  ];
  // converted already: an ECA of the same name exists
  const converted: ConversionInput[] = [
    { name: 'Marketing_Sync', label: 'Marketing Sync', skipped: 'converted' },
    { name: 'Slack_Alerts', label: 'Slack Alerts', skipped: 'converted' },
  ];
  // installed from packages: convert skips them
  const installed: InventoryApp[] = [
    { name: 'mcc__Marketing_Cloud_Connect', label: 'Marketing Cloud Connect', kind: 'ConnectedApp', namespacePrefix: 'mcc', manageableState: 'installed', publisher: 'Salesforce', flows: [] },
    { name: 'dsfs__DocuSign', label: 'DocuSign', kind: 'ConnectedApp', namespacePrefix: 'dsfs', manageableState: 'installed', publisher: 'DocuSign, Inc.', flows: [] },
    { name: 'dsfs__DocuSign_Connect', label: 'DocuSign Connect', kind: 'ExternalClientApp', namespacePrefix: 'dsfs', manageableState: 'installed', distributionState: 'Packaged', publisher: 'DocuSign, Inc.', flows: [] },
  ];
  const ecas = [
    eca('Marketing_Sync', 'Marketing Sync', {}, opts('Marketing Sync')),
    eca('Slack_Alerts', 'Slack Alerts', {}, opts('Slack Alerts')),
    eca('CI_Deploy', 'CI Deploy', {}, opts('CI Deploy')),
    eca('Order_Events', 'Order Events', { globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: SHARED_RUN_AS } }, { ...opts('Order Events'), runAsUser: runAs }),
    eca('Inventory_Push', 'Inventory Push', { globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: 'admin.integration@acme.example.com' } }, { ...opts('Inventory Push'), runAsUser: admin }),
    eca('BI_Dashboard', 'BI Dashboard', { oauthSettings: { commaSeparatedOauthScopes: 'Full, RefreshToken' } }, opts('BI Dashboard')),
    eca('Field_Tablet', 'Field Tablet', { oauthPolicies: { ipRelaxationPolicyType: 'Bypass' } }, opts('Field Tablet')),
    eca('Acme_Partner_App', 'Acme Partner App', { header: { distributionState: 'Packaged' }, globalOauthSettings: { isPkceRequired: false, isRefreshTokenRotationEnabled: false } }, opts('Acme Partner App')),
    eca('Support_Chat', 'Support Chat', { oauthPolicies: { refreshTokenPolicyType: 'Infinite' } }, opts('Support Chat')),
    eca('Quote_Engine', 'Quote Engine', {}, opts('Quote Engine')),
  ];
  const audited = [...cas.map((c) => c.audited), ...ecas.map((e) => e.audited)];
  const logins: LoginSummary[] = [
    login('Data Loader', 'ops.loader@acme.example.com', 214, '2026-09-14T23:00:00Z', 'partner'),
    login('Informatica Cloud', 'informatica@acme.example.com', 1330, '2026-09-15T05:00:00Z', 'soap'),
    login(HOSTILE_APPLICATION, 'evil.app@acme.example.com', 17, '2026-09-12T05:00:00Z', 'soap'),
    login('Custom .NET sync', 'dotnet.sync@acme.example.com', 96, '2026-08-30T05:00:00Z', 'soap'),
    login('Old Java client', 'java.client@acme.example.com', 4, '2026-03-01T05:00:00Z', 'soap'), // outside the window
    login('Order Gateway', 'gateway@acme.example.com', 380, '2026-09-15T06:00:00Z', 'up'),
    login('Legacy ETL', 'etl@acme.example.com', 45, '2026-09-11T06:00:00Z', 'up'),
    login('Legacy ETL', 'etl2@acme.example.com', 5, '2026-09-09T06:00:00Z', 'up'),
    login('Billing Sync', 'billing@acme.example.com', 900, '2026-09-14T22:10:00Z', 'oauth'),
    login('Acme Partner App', 'partner.user@acme.example.com', 2400, '2026-09-15T08:00:00Z', 'oauth'),
  ];
  const evaluation = evaluate(audited, POLICY, NOW);
  return {
    org: { alias: 'acme-prod', username: 'admin@acme.example.com', orgId: org.id, instanceUrl: 'https://acme.my.salesforce.com', isSandbox: false },
    readAt: '2026-09-15T08:58:10Z',
    apiVersion: '66.0',
    requests: 9,
    apps: [...cas.map((c) => c.row), ...ecas.map((e) => e.row), ...installed],
    audited,
    evaluation,
    conversions: [...cas.map((c) => c.conversion), ...converted, { name: 'mcc__Marketing_Cloud_Connect', label: 'Marketing Cloud Connect', skipped: 'installed' }, { name: 'dsfs__DocuSign', label: 'DocuSign', skipped: 'installed' }],
    usage: usageRows,
    logins,
    secrets: [
      { app: 'Billing_Sync', kind: 'connectedApp', issued: '2023-01-10T00:00:00Z' },
      { app: 'CI_Deploy', kind: 'eca', issued: '2026-05-01T00:00:00Z' },
      { app: 'Order_Events', kind: 'eca', issued: '2024-11-02T00:00:00Z' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// UAT sandbox

function uat(): OrgInput {
  const org = { id: '00D5g000004UATXAAA', name: 'acme-uat', settings: { enableConsumerSecretApiAccess: false, enableClientSecretInRestApiAccess: false } };
  const opts: AuditOptions = { org };
  const cas: Built[] = [
    connectedApp({ name: 'Billing_Sync', label: 'Billing Sync' }, opts),
    connectedApp({ name: 'Warehouse_Feed', label: 'Warehouse Feed' }, opts),
    connectedApp({ name: 'QA_Harness', label: 'QA Harness', changes: HEADLESS }, opts),
    connectedApp({ name: 'Load_Test', label: 'Load Test', changes: { oauthConfig: { scopes: ['Full'] } } }, opts),
    connectedApp({ name: 'Test_Reporting', label: 'Test Reporting' }, opts),
    connectedApp({ name: 'Sandbox_Seeder', label: 'Sandbox Seeder', changes: { oauthConfig: { isConsumerSecretOptional: true, isPkceRequired: false } } }, opts),
    connectedApp({ name: 'UAT_Portal', label: 'UAT Portal' }, opts),
  ];
  const ecas = [eca('CI_Deploy', 'CI Deploy', {}, opts), eca('UAT_Monitor', 'UAT Monitor', { oauthPolicies: { ipRelaxationPolicyType: 'Enforce_RelaxRefresh' } }, opts), eca('Smoke_Tests', 'Smoke Tests', {}, opts)];
  const audited = [...cas.map((c) => c.audited), ...ecas.map((e) => e.audited)];
  return {
    org: { alias: 'acme-uat', username: 'admin@acme.example.com.uat', orgId: org.id, instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com', isSandbox: true },
    readAt: '2026-09-15T08:58:12Z',
    apiVersion: '66.0',
    requests: 9,
    apps: [...cas.map((c) => c.row), ...ecas.map((e) => e.row)],
    audited,
    evaluation: evaluate(audited, POLICY, NOW),
    conversions: cas.map((c) => c.conversion),
    usage: [usage('QA Harness', 40, 2, '2026-09-14T10:00:00Z'), usage('Billing Sync', 12, 1, '2026-09-01T10:00:00Z')],
    logins: [
      login('QA Harness', 'qa.bot@acme.example.com.uat', 75, '2026-09-14T10:00:00Z', 'up'),
      login('Data Loader', 'ops.loader@acme.example.com.uat', 12, '2026-09-02T10:00:00Z', 'partner'),
    ],
  };
}

export const UNREACHABLE: OrgFailure = {
  org: { alias: 'acme-dev', username: 'admin@acme.example.com.dev' },
  error: {
    name: 'RefreshTokenAuthError',
    message: 'Error authenticating with the refresh token due to: expired access/refresh token',
    actions: ['Log in again: sf org login web --alias acme-dev --instance-url https://test.salesforce.com'],
  },
};

export function fixtureInputs(): Array<OrgInput | OrgFailure> {
  return [production(), uat(), UNREACHABLE];
}

export function fixtureReport(options: Partial<ReportOptions> = {}): ReportData {
  return buildReport(fixtureInputs(), {
    now: NOW,
    windowDays: 90,
    packs: ['review-eca', 'isv-oauth'],
    tool: { name: 'plugin-eca', version: '0.1.0', command: 'sf eca report --all-orgs --output-file acme.html' },
    ...options,
  });
}
