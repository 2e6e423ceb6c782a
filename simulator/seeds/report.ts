/**
 * The seed for report tests (issue 15): a realistic client, "Northwind", with a production org, a
 * UAT sandbox and a developer org. Production has 40 Connected Apps of mixed kinds (web server,
 * JWT bearer, client credentials, username-password era, mobile, canvas), apps installed from three
 * vendor packages (namespace and publisher), a few local External Client Apps, OAuth token usage,
 * and LoginHistory with SOAP login() calls and OAuth username-password logins next to modern ones.
 *
 * Deterministic (a seeded generator); dates are relative ("-3d") and resolved when the seed loads.
 * Regenerate with `tsx simulator/seeds/report.ts` (a test fails when report.json is stale).
 *
 * LoginHistory values are the picklist labels of the LoginHistory object reference (LoginType
 * "Remote Access 2.0", "Partner Product", "Other Apex API", "Application"; LoginSubType "OAuth
 * Username-Password", "OAuth Client Credentials", "OAuth Refresh Token", "OAuth Web Server"; ApiType
 * "SOAP Partner", "SOAP Enterprise", "N/A"). Which LoginType a SOAP login() records (Other Apex API
 * without a client id, Partner Product with one) is UNCONFIRMED: see simulator/README.md.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentSeed, LoginSeed, OAuthTokenSeed, OrgSeed, SeedFile, UserSeed } from '../seed.js';

/** A public test certificate (no key is kept anywhere): the JWT apps' certificate. */
const CERTIFICATE = 'MIIDJzCCAg+gAwIBAgIJQTVRoKkVQIDPMA0GCSqGSIb3DQEBCwUAMCExHzAdBgNVBAMTFm5vcnRod2luZC1pbnRlZ3JhdGlvbnMwHhcNMjUwMTE1MDAwMDAwWhcNMjcwMTE1MDAwMDAwWjAhMR8wHQYDVQQDExZub3J0aHdpbmQtaW50ZWdyYXRpb25zMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAniL5RgF7ektqzvUYGkaoyOKGpXcgX4oNQxa58vLzbirJrjUo29d0+0Y9msJghTH+PVRFcmRN/V5Xc18g3KoLRfkL/tz5pBpRdDxsNufKNyCpCc8z72P+8QTadmC7qiAnFB3rEyWmpQb3YMTeYphaAAY+1/8rkp7JgUY+W1pAczS64UAv+1C/rhTfGRFoJY73x2v1206mD5MaE/4dGzDA0puWFg2G+APh2EJHd1IJB8nL1j86an9pMhu8LkwIbYnctDm8RQoeYRNz7Wn5OZ2vfVLeQaKwV6FjjQqfV4hQ+ALkNXfDbIUWKtkAstosr68O60EnEXLxph3vlnq9t3jp1wIDAQABo2IwYDAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIFoDAdBgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwIQYDVR0RBBowGIIWbm9ydGh3aW5kLWludGVncmF0aW9uczANBgkqhkiG9w0BAQsFAAOCAQEAK9TatcozweQK20O6/LmlvLEGid3yF3NJcpWO57tpGQmJjDpxuozouvH9IenM8kuDbw8IfPHZr3mj5qAaXoKE9o0Lj6cToRhShiEDBG+3I6wTnJddiqEOYBr5DZV+HWMpRVF/tntbUOPuGAh3LqaeL4ak27sSt+Thk8khx3k0tj79MBKolJtzJBsFoJV1iXd72Haibo9cI1Wm6dQtt2/3Ajvn2AHJepBS0FIvR12aJBi9vclzWXtQ1khYnY7iWvbIWCXnzeZngnbJSwsewicCjdSnqX+fUPXagTpJrLB9ahLA0FLuoYJfXiOVwd3sQKcYOijFyFiE6bW74LKKbvX36A==';

/** mulberry32: a small seeded generator, so the seed is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

type AppKind = 'web' | 'jwt' | 'cc' | 'password' | 'mobile' | 'canvas';
type AppPlan = { name: string; label: string; kind: AppKind; runAs?: string; users: string[]; lastUsedDaysAgo: number | null; useCount: number };

const DOMAIN = 'northwind.example';

const KINDS: ReadonlyArray<[AppKind, number, string[]]> = [
  ['web', 10, ['Partner_Portal', 'Expense_Tracker', 'Survey_Hub', 'Field_Notes', 'Quote_Builder', 'Event_Desk', 'Doc_Viewer', 'Training_Site', 'Help_Widget', 'Legacy_Intranet']],
  ['jwt', 8, ['CI_Deploy', 'Data_Sync', 'Billing_Bridge', 'HR_Feed', 'Warehouse_Link', 'Backup_Job', 'Analytics_Export', 'Ops_Monitor']],
  ['cc', 6, ['ERP_Connector', 'Order_Service', 'Pricing_Engine', 'Shipping_Hook', 'Tax_Calc', 'Loyalty_API']],
  ['password', 6, ['Old_ETL', 'Nightly_Import', 'Marketing_Sync', 'Finance_Extract', 'Legacy_Middleware', 'Report_Mailer']],
  ['mobile', 6, ['Sales_Mobile', 'Service_Mobile', 'Inventory_Scanner', 'Field_Tech', 'Exec_Dashboard', 'Kiosk_App']],
  ['canvas', 4, ['Map_Canvas', 'Chat_Canvas', 'Contract_Canvas', 'Ticket_Canvas']],
];

const INTEGRATION_USERS = ['int.erp', 'int.orders', 'int.etl', 'int.marketing', 'int.finance', 'int.ci'];
const BUSINESS_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil'];

function users(): UserSeed[] {
  return [
    { username: `admin@${DOMAIN}`, firstName: 'Nora', lastName: 'Admin', profile: 'System Administrator' },
    { username: `admin2@${DOMAIN}`, firstName: 'Otto', lastName: 'Admin', profile: 'System Administrator' },
    ...INTEGRATION_USERS.map((u) => ({ username: `${u}@${DOMAIN}`, lastName: u.replace('int.', '').toUpperCase(), profile: 'Integration User', apiOnly: true })),
    ...BUSINESS_USERS.map((u, i) => ({ username: `${u}@${DOMAIN}`, firstName: u[0].toUpperCase() + u.slice(1), lastName: 'Northwind', profile: 'Standard User', isActive: i % 7 !== 6 })),
  ];
}

function plans(rnd: () => number): AppPlan[] {
  const out: AppPlan[] = [];
  for (const [kind, , names] of KINDS) {
    names.forEach((name, i) => {
      const pick = (list: string[], n: number): string[] => [...list].sort(() => rnd() - 0.5).slice(0, n);
      // run-as users: ERP and Order share one (a finding), the others have their own
      const runAs = kind === 'cc' ? `${INTEGRATION_USERS[i < 2 ? 0 : i]}@${DOMAIN}` : undefined;
      const appUsers =
        kind === 'cc' ? [runAs as string]
        : kind === 'jwt' || kind === 'password' ? [`${INTEGRATION_USERS[(i + 2) % INTEGRATION_USERS.length]}@${DOMAIN}`]
        : pick(BUSINESS_USERS, 1 + Math.floor(rnd() * 5)).map((u) => `${u}@${DOMAIN}`);
      // a quarter of the apps are unused for a long time or never used
      const r = rnd();
      const lastUsedDaysAgo = r < 0.12 ? null : r < 0.25 ? 120 + Math.floor(rnd() * 300) : Math.floor(rnd() * 20);
      out.push({ name, label: name.replace(/_/g, ' '), kind, runAs, users: appUsers, lastUsedDaysAgo, useCount: lastUsedDaysAgo === null ? 0 : 1 + Math.floor(rnd() * 5000) });
    });
  }
  return out;
}

function key(rnd: () => number): string {
  let s = '3MVG9';
  for (let i = 0; i < 80; i++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  return s;
}

function connectedApp(p: AppPlan, rnd: () => number): ComponentSeed {
  const base = { contactEmail: `it@${DOMAIN}`, label: p.label };
  const callbackUrl = `https://apps.${DOMAIN}/${p.name.toLowerCase()}/oauth/callback`;
  const refreshTokenPolicy = rnd() < 0.6 ? 'infinite' : 'specific_lifetime:90:DAYS';
  const oauthPolicy = { ipRelaxation: rnd() < 0.3 ? 'BYPASS' : 'ENFORCE', refreshTokenPolicy };
  const consumerKey = key(rnd);
  switch (p.kind) {
    case 'web':
      return { type: 'ConnectedApp', fullName: p.name, values: { ...base, oauthConfig: { callbackUrl, consumerKey, isAdminApproved: false, scopes: ['Api', 'RefreshToken', 'Web'] }, oauthPolicy } };
    case 'jwt':
      return {
        type: 'ConnectedApp',
        fullName: p.name,
        values: { ...base, oauthConfig: { callbackUrl, certificate: CERTIFICATE, consumerKey, isAdminApproved: true, scopes: ['Api', 'RefreshToken'] }, oauthPolicy, profileName: ['Integration User'] },
      };
    case 'cc':
      return {
        type: 'ConnectedApp',
        fullName: p.name,
        values: { ...base, oauthConfig: { callbackUrl, consumerKey, isAdminApproved: true, isClientCredentialEnabled: true, oauthClientCredentialUser: p.runAs as string, scopes: ['Api'] }, oauthPolicy, profileName: ['Integration User'] },
      };
    case 'password':
      // the username-password era: full access, no callback of use, refresh tokens forever
      return { type: 'ConnectedApp', fullName: p.name, values: { ...base, oauthConfig: { callbackUrl: 'https://login.salesforce.com/services/oauth2/success', consumerKey, isAdminApproved: false, scopes: ['Full', 'RefreshToken'] }, oauthPolicy: { ipRelaxation: 'BYPASS', refreshTokenPolicy: 'infinite' } } };
    case 'mobile':
      return {
        type: 'ConnectedApp',
        fullName: p.name,
        values: {
          ...base,
          mobileAppConfig: { applicationBundleIdentifier: `com.northwind.${p.name.toLowerCase()}`, devicePlatform: rnd() < 0.5 ? 'ios' : 'android', deviceType: 'phone', privateApp: true, version: '3.2' },
          oauthConfig: { callbackUrl: `${p.name.toLowerCase()}://oauth/done`, consumerKey, isAdminApproved: false, scopes: ['Api', 'RefreshToken', 'OfflineAccess'] },
          oauthPolicy,
        },
      };
    case 'canvas':
      return {
        type: 'ConnectedApp',
        fullName: p.name,
        values: {
          ...base,
          canvasConfig: { accessMethod: 'Post', canvasUrl: `https://canvas.${DOMAIN}/${p.name.toLowerCase()}`, locations: ['Visualforce', 'ChatterFeed'] },
          oauthConfig: { callbackUrl, consumerKey, isAdminApproved: true, scopes: ['Api', 'Web'] },
          oauthPolicy,
          profileName: ['Standard User'],
        },
      };
  }
}

function localEcas(rnd: () => number): ComponentSeed[] {
  const out: ComponentSeed[] = [];
  for (const [name, runAs] of [['Northwind_Sync', `int.erp@${DOMAIN}`], ['Northwind_CI', undefined], ['Northwind_Reports', `int.finance@${DOMAIN}`]] as const) {
    const app = { externalClientApplication: name };
    out.push(
      { type: 'ExternalClientApplication', fullName: name, values: { contactEmail: `it@${DOMAIN}`, distributionState: 'Local', isProtected: false, label: name.replace(/_/g, ' ') } },
      { type: 'ExtlClntAppOauthSettings', fullName: `${name}_oauth`, values: { ...app, commaSeparatedOauthScopes: 'Api, RefreshToken', label: `${name}_oauth` } },
      {
        type: 'ExtlClntAppGlobalOauthSettings',
        fullName: `${name}_glbloauth`,
        values: {
          ...app,
          callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
          ...(runAs ? {} : { certificate: CERTIFICATE }),
          consumerKey: key(rnd),
          isClientCredentialsFlowEnabled: runAs !== undefined,
          isConsumerSecretOptional: false,
          isPkceRequired: true,
          isSecretRequiredForRefreshToken: true,
          label: `${name}_glbloauth`,
        },
      },
      {
        type: 'ExtlClntAppOauthConfigurablePolicies',
        fullName: `${name}_oauthPlcy`,
        values: {
          ...app,
          ...(runAs ? { clientCredentialsFlowUser: runAs } : {}),
          ipRelaxationPolicyType: 'Enforce',
          isClientCredentialsFlowEnabled: runAs !== undefined,
          label: `${name}_oauthPlcy`,
          permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
          commaSeparatedProfile: 'Integration User',
          refreshTokenPolicyType: 'SpecificLifetime',
          refreshTokenValidityPeriod: 90,
          refreshTokenValidityUnit: 'Days',
        },
      },
      { type: 'ExtlClntAppConfigurablePolicies', fullName: `${name}_plcy`, values: { ...app, isEnabled: true, isOauthPluginEnabled: true, label: `${name}_plcy` } }
    );
  }
  return out;
}

/** Three vendor packages: installed Connected Apps and one installed (packaged) External Client App. */
const PACKAGES = [
  { namespace: 'dtrk', name: 'Docutrack for Salesforce', publisher: 'Docutrack Inc.', version: '7.4', apps: ['Docutrack_Connector'] },
  { namespace: 'mpls', name: 'Mailpulse Marketing', publisher: 'Mailpulse Ltd.', version: '12.1', apps: ['Mailpulse_Sync', 'Mailpulse_Tracking'] },
  { namespace: 'ldgr', name: 'Ledgerly Billing', publisher: 'Ledgerly GmbH', version: '3.0', apps: [] as string[], eca: 'Ledgerly_Billing' },
];

function vendorApps(rnd: () => number): ComponentSeed[] {
  const out: ComponentSeed[] = [];
  for (const p of PACKAGES) {
    for (const app of p.apps) {
      out.push({
        type: 'ConnectedApp',
        fullName: `${p.namespace}__${app}`,
        namespacePrefix: p.namespace,
        manageableState: 'installed',
        values: {
          contactEmail: `support@${p.namespace}.example`,
          label: app.replace(/_/g, ' '),
          oauthConfig: { callbackUrl: `https://${p.namespace}.example/oauth`, consumerKey: key(rnd), isAdminApproved: false, scopes: ['Api', 'RefreshToken', 'Web'] },
          oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' },
        },
      });
    }
    if (p.eca) {
      out.push({
        type: 'ExternalClientApplication',
        fullName: `${p.namespace}__${p.eca}`,
        namespacePrefix: p.namespace,
        manageableState: 'installed',
        values: { contactEmail: `support@${p.namespace}.example`, distributionState: 'Packaged', isProtected: true, label: p.eca.replace(/_/g, ' ') },
      });
    }
  }
  return out;
}

function tokens(apps: AppPlan[], rnd: () => number): OAuthTokenSeed[] {
  const out: OAuthTokenSeed[] = [];
  for (const a of apps) {
    if (a.lastUsedDaysAgo === null) continue;
    for (const u of a.users) {
      out.push({ app: a.name, username: u, useCount: Math.max(1, Math.round(a.useCount / a.users.length)), lastUsedDate: `-${a.lastUsedDaysAgo}d`, createdDate: `-${a.lastUsedDaysAgo + 30 + Math.floor(rnd() * 600)}d` });
    }
  }
  for (const p of PACKAGES) {
    for (const app of p.apps) out.push({ app: `${p.namespace}__${app}`, username: `alice@${DOMAIN}`, useCount: 300, lastUsedDate: '-1d', createdDate: '-400d' });
  }
  return out;
}

/** LoginHistory over the last 90 days (about 370 rows). */
function logins(apps: AppPlan[], rnd: () => number): Array<LoginSeed & { username: string }> {
  const out: Array<LoginSeed & { username: string }> = [];
  const at = (day: number, hour: number): string => `-${day * 24 + hour}h`;
  // SOAP login(): a middleware on the Partner WSDL every day, a Data Loader-style client weekly. The
  // daily login is dated d - 1 days and 9 hours back, so all 90 fall inside LAST_N_DAYS:90 (which
  // starts at midnight 90 days ago) at any time of day: dated d days back, the oldest fell out of
  // the window whenever the seed loaded before 09:00 UTC
  for (let d = 1; d <= 90; d++) {
    out.push({ username: `int.etl@${DOMAIN}`, loginTime: at(d - 1, 9), loginType: 'Other Apex API', loginSubType: null, apiType: 'SOAP Partner', apiVersion: '35.0', application: 'N/A', status: 'Success', sourceIp: '203.0.113.10' });
    if (d % 7 === 0) out.push({ username: `int.marketing@${DOMAIN}`, loginTime: at(d, 2), loginType: 'Partner Product', loginSubType: null, apiType: 'SOAP Enterprise', apiVersion: '52.0', application: 'Marketing Sync Client', status: 'Success', sourceIp: '198.51.100.7', clientVersion: '52.0' });
  }
  out.push({ username: `int.marketing@${DOMAIN}`, loginTime: at(3, 4), loginType: 'Partner Product', apiType: 'SOAP Enterprise', apiVersion: '52.0', application: 'Marketing Sync Client', status: 'Invalid Password', sourceIp: '198.51.100.7' });
  for (const a of apps) {
    if (a.lastUsedDaysAgo === null || a.lastUsedDaysAgo > 90) continue;
    const subType =
      a.kind === 'password' ? 'OAuth Username-Password'
      : a.kind === 'cc' ? 'OAuth Client Credentials'
      : a.kind === 'jwt' ? null
      : 'OAuth Refresh Token';
    const count = a.kind === 'password' || a.kind === 'cc' ? 8 : 3;
    for (let i = 0; i < count; i++) {
      const day = Math.min(89, a.lastUsedDaysAgo + Math.floor(rnd() * 60));
      out.push({ username: a.users[i % a.users.length], loginTime: at(day, Math.floor(rnd() * 24)), loginType: 'Remote Access 2.0', loginSubType: subType, apiType: 'N/A', apiVersion: 'N/A', application: a.label, status: 'Success', sourceIp: '192.0.2.44' });
    }
  }
  // people in the browser
  for (const [i, u] of BUSINESS_USERS.entries()) {
    for (let d = i % 3; d < 90; d += 11) {
      out.push({ username: `${u}@${DOMAIN}`, loginTime: at(d, 8), loginType: 'Application', loginSubType: 'UI Username-Password', apiType: 'N/A', apiVersion: 'N/A', application: 'Browser', status: 'Success', sourceIp: '192.0.2.10', browser: 'Chrome 141', platform: 'Mac OSX' });
    }
  }
  return out.sort((x, y) => Number((y.loginTime ?? '').slice(1, -1)) - Number((x.loginTime ?? '').slice(1, -1)));
}

export function reportSeed(): SeedFile {
  const rnd = random(20_260_415);
  const apps = plans(rnd);
  const cas = apps.map((p) => connectedApp(p, rnd));
  const ecas = localEcas(rnd);
  const vendors = vendorApps(rnd);
  const common = {
    edition: 'Enterprise Edition',
    apiVersion: '66.0',
    profiles: [{ name: 'Integration User', apiOnly: true }],
    permissionSets: [{ name: 'Integration_Access', label: 'Integration Access' }],
  };
  const prodUsers = users();
  const prod: OrgSeed = {
    alias: 'client',
    orgId: '00D5g00000NwPrd',
    name: 'Northwind',
    myDomain: 'northwind',
    isSandbox: false,
    ...common,
    settings: { connectedAppCreationEnabled: false, enableClientSecretInRestApiAccess: false, enableConsumerSecretApiAccess: false },
    users: prodUsers,
    components: [...cas, ...ecas, ...vendors],
    packages: PACKAGES.map(({ namespace, name, publisher, version }) => ({ namespace, name, publisher, version })),
    oauthTokens: tokens(apps, rnd),
    loginHistory: logins(apps, rnd),
  };
  const uat: OrgSeed = {
    alias: 'client-uat',
    orgId: '00D5g00000NwUat',
    name: 'Northwind UAT',
    myDomain: 'northwind--uat',
    isSandbox: true,
    sandboxName: 'uat',
    sandboxOf: 'client',
    ...common,
    users: prodUsers.map((u) => ({ ...u, username: `${u.username}.uat`, email: `${u.username}.invalid` })),
    // a sandbox copy has production's Connected Apps and installed apps (same keys), not its local ECAs
    components: [...cas, ...vendors],
    packages: prod.packages,
    oauthTokens: [{ app: 'Partner_Portal', username: `alice@${DOMAIN}.uat`, useCount: 12, lastUsedDate: '-2d' }],
    loginHistory: [{ username: `int.etl@${DOMAIN}.uat`, loginTime: '-26h', loginType: 'Other Apex API', apiType: 'SOAP Partner', apiVersion: '35.0', application: 'N/A', status: 'Success' }],
  };
  const dev: OrgSeed = {
    alias: 'client-dev',
    orgId: '00D5g00000NwDev',
    name: 'Northwind Dev',
    myDomain: 'northwind-dev',
    isSandbox: false,
    edition: 'Developer Edition',
    apiVersion: '66.0',
    users: [{ username: `dev@${DOMAIN}`, firstName: 'Dana', lastName: 'Dev', profile: 'System Administrator' }],
    components: [cas[0], cas[10], ...ecas.slice(0, 5)].map((c) => ({ ...c, values: { ...c.values } })),
  };
  // the developer org's copies need keys of their own (a consumer key is unique across orgs)
  for (const c of dev.components ?? []) {
    const oauth = c.values.oauthConfig;
    if (typeof oauth === 'object' && oauth !== null && !Array.isArray(oauth)) c.values = { ...c.values, oauthConfig: { ...oauth, consumerKey: key(rnd) } };
    if (c.type === 'ExtlClntAppGlobalOauthSettings') c.values = { ...c.values, consumerKey: key(rnd) };
  }
  return { orgs: [prod, uat, dev] };
}

export const REPORT_SEED_FILE = join(dirname(fileURLToPath(import.meta.url)), 'report.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(REPORT_SEED_FILE, `${JSON.stringify(reportSeed(), null, 1)}\n`);
  process.stdout.write(`wrote ${REPORT_SEED_FILE}\n`);
}
