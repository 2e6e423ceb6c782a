/**
 * The doctor's catalogue, row by row: a healthy app passes every check of each flow, and each
 * row has cases that fail (or warn, skip, error) for the reason it names, with its fix. The facts
 * are built through THE app reader (readEca), as the operation builds them.
 */
import { createPrivateKey } from 'node:crypto';
import { expect } from 'chai';
import { generate } from 'selfsigned';
import { readEca } from '../../../src/domain/app/index.js';
import { DOCTOR_CHECKS, type DoctorCheck, type DoctorCheckId, doctorVerdict, runDoctorChecks } from '../../../src/domain/doctor/checks.js';
import type { DoctorFacts, DoctorUser } from '../../../src/domain/doctor/facts.js';
import { assembleEcas, type Component } from '../../../src/domain/model.js';
import type { TokenFlow } from '../../../src/domain/token/flows.js';
import { matchKeyToCertificate } from '../../../src/domain/token/keys.js';

const NOW = new Date('2026-10-01T12:00:00.000Z');
const DAY = 86_400_000;
const KEY = '3MVG9doctorTestConsumerKey';

type Cert = { cert: string; key: string };

async function cert(days: number, bits = 2048): Promise<Cert> {
  const pems = await generate([{ name: 'commonName', value: 'Acme CI' }], {
    keySize: bits,
    algorithm: 'sha256',
    notBeforeDate: new Date(NOW.getTime() - 10 * DAY),
    notAfterDate: new Date(NOW.getTime() + days * DAY),
  });
  return { cert: pems.cert, key: pems.private };
}

type AppOptions = {
  cc?: boolean;
  ccPolicy?: boolean;
  runAs?: string;
  certificate?: string;
  permitted?: 'AdminApprovedPreAuthorized' | 'AllSelfAuthorized';
  profiles?: string;
  permissionSets?: string;
  scopes?: string;
  enabled?: boolean;
  plugin?: boolean;
  policies?: boolean;
  distribution?: string;
};

function components(o: AppOptions): Component[] {
  const app = (values: Component['values']): Component['values'] => ({ externalClientApplication: 'Acme_CI', ...values });
  const out: Component[] = [
    { type: 'ExternalClientApplication', fullName: 'Acme_CI', values: { contactEmail: 'ops@acme.example', distributionState: o.distribution ?? 'Local', isProtected: false, label: 'Acme CI' } },
    { type: 'ExtlClntAppOauthSettings', fullName: 'Acme_CI_oauth', values: app({ commaSeparatedOauthScopes: o.scopes ?? 'Api, RefreshToken', label: 'Acme_CI_oauth' }) },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: 'Acme_CI_glbloauth',
      values: app({
        callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
        ...(o.certificate ? { certificate: o.certificate } : {}),
        consumerKey: KEY,
        isClientCredentialsFlowEnabled: o.cc ?? false,
        label: 'Acme_CI_glbloauth',
      }),
    },
    {
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: 'Acme_CI_oauthPlcy',
      values: app({
        ...(o.runAs ? { clientCredentialsFlowUser: o.runAs } : {}),
        ...(o.profiles ? { commaSeparatedProfile: o.profiles } : {}),
        ...(o.permissionSets ? { commaSeparatedPermissionSet: o.permissionSets } : {}),
        isClientCredentialsFlowEnabled: o.ccPolicy ?? o.cc ?? false,
        label: 'Acme_CI_oauthPlcy',
        permittedUsersPolicyType: o.permitted ?? 'AdminApprovedPreAuthorized',
      }),
    },
  ];
  if (o.policies !== false) {
    out.push({ type: 'ExtlClntAppConfigurablePolicies', fullName: 'Acme_CI_plcy', values: app({ isEnabled: o.enabled ?? true, isOauthPluginEnabled: o.plugin ?? true, label: 'Acme_CI_plcy' }) });
  }
  return out;
}

function settings(o: AppOptions) {
  const eca = assembleEcas(components(o)).ecas[0];
  return readEca({ ...eca, id: '0xI5g0000000001AAA' });
}

const ci = (over: Partial<DoctorUser> = {}): DoctorUser => ({
  username: 'ci@acme.example',
  id: '0055g00000CiUser',
  found: true,
  active: true,
  profile: 'CI Profile',
  permissionSets: ['CI_Deployer'],
  apiEnabled: true,
  apiOnly: false,
  ...over,
});
const runAs = (over: Partial<DoctorUser> = {}): DoctorUser => ({ ...ci({ username: 'integration@acme.example', profile: 'Integration User', permissionSets: [], apiOnly: true }), ...over });

let good: Cert;
let other: Cert;
let expired: Cert;
let soon: Cert;
let weak: Cert;

/** A healthy JWT pipeline: the CI user pre-authorized by profile, key and certificate matching. */
function jwtFacts(o: AppOptions = {}, over: Partial<DoctorFacts> = {}): DoctorFacts {
  const s = settings({ certificate: good.cert, profiles: 'CI Profile', ...o });
  return {
    org: 'dev',
    orgId: '00D5g00000DevSm',
    instanceUrl: 'https://acme-dev.my.salesforce.com',
    isSandbox: false,
    myDomainUrl: 'https://acme-dev.my.salesforce.com',
    isDevHub: false,
    settings: { enableClientSecretInRestApiAccess: false },
    app: { kind: 'eca', settings: s },
    appSavedAt: new Date(NOW.getTime() - 3 * DAY),
    username: 'ci@acme.example',
    user: ci(),
    keyFile: 'ci.key',
    key: matchKeyToCertificate(createPrivateKey(good.key), s.certificateText, NOW),
    unread: {},
    now: NOW,
    ...over,
  };
}

/** A healthy client credentials pipeline: both switches on, an active API-only run-as user. */
function ccFacts(o: AppOptions = {}, over: Partial<DoctorFacts> = {}): DoctorFacts {
  const s = settings({ cc: true, runAs: 'integration@acme.example', ...o });
  return {
    org: 'prod',
    orgId: '00D5g00000PrdSm',
    instanceUrl: 'https://acme.my.salesforce.com',
    isSandbox: false,
    myDomainUrl: 'https://acme.my.salesforce.com',
    isDevHub: false,
    settings: { enableClientSecretInRestApiAccess: false },
    app: { kind: 'eca', settings: s },
    appSavedAt: new Date(NOW.getTime() - 3 * DAY),
    runAsUser: runAs(),
    unread: {},
    now: NOW,
    ...over,
  };
}

const run = (facts: DoctorFacts, flow: TokenFlow): DoctorCheck[] => runDoctorChecks(facts, { flow, name: 'Acme_CI' });
const check = (facts: DoctorFacts, flow: TokenFlow, id: DoctorCheckId): DoctorCheck => run(facts, flow).find((c) => c.id === id) as DoctorCheck;

type Case = { name: string; flow: TokenFlow; facts: () => DoctorFacts; status: DoctorCheck['status']; evidence: string[]; fix?: string[] };

/** One or more cases per row; each names the reason the row reports. */
const CASES: Record<DoctorCheckId, Case[]> = {
  'app-found': [
    { name: 'no such app', flow: 'jwt-bearer', facts: () => jwtFacts({}, { app: { kind: 'missing', available: ['Other_App'] } }), status: 'FAIL', evidence: ['no External Client App named Acme_CI', 'Other_App'], fix: ['sf eca list --target-org dev'] },
    {
      name: 'no such app in a sandbox: refreshes do not copy local ECAs',
      flow: 'jwt-bearer',
      facts: () => jwtFacts({}, { isSandbox: true, app: { kind: 'missing', available: [] } }),
      status: 'FAIL',
      evidence: ['sandbox refresh does not copy local External Client Apps'],
      fix: ['sf project deploy start --metadata ExternalClientApplication:Acme_CI'],
    },
    { name: 'a Connected App', flow: 'client-credentials', facts: () => ccFacts({}, { app: { kind: 'connectedApp' } }), status: 'FAIL', evidence: ['is a Connected App'], fix: ['sf eca convert --target-org prod --name Acme_CI'] },
    { name: 'a local app, with the app_not_found causes', flow: 'jwt-bearer', facts: () => jwtFacts(), status: 'PASS', evidence: ['local External Client App', KEY, 'not pre-authorized', 'up to about 30 minutes'] },
    {
      name: 'installed from a package',
      flow: 'client-credentials',
      facts: () => ccFacts({}, { app: { kind: 'installed', installed: { id: '0xI000000000009', name: 'ns__Acme_CI', namespacePrefix: 'ns', permittedUsers: 'AdminApprovedPreAuthorized' } } }),
      status: 'PASS',
      evidence: ['installed from the package ns'],
    },
  ],
  'app-enabled': [
    { name: 'switched off', flow: 'jwt-bearer', facts: () => jwtFacts({ enabled: false }), status: 'FAIL', evidence: ['switched off', 'isEnabled false'], fix: ['Enable the app'] },
    { name: 'OAuth plugin off', flow: 'client-credentials', facts: () => ccFacts({ plugin: false }), status: 'FAIL', evidence: ['isOauthPluginEnabled false'] },
    { name: 'app policies not returned', flow: 'client-credentials', facts: () => ccFacts({ policies: false }), status: 'WARN', evidence: ['Not checked', 'ExtlClntAppConfigurablePolicies'] },
  ],
  'flow-in-settings': [
    { name: 'client credentials off in the settings only', flow: 'client-credentials', facts: () => ccFacts({ cc: false, ccPolicy: true }), status: 'FAIL', evidence: ['on in Acme_CI\'s OAuth policies', 'off in its OAuth settings'], fix: ['Enable Client Credentials Flow'] },
    { name: 'client credentials off in both', flow: 'client-credentials', facts: () => ccFacts({ cc: false, ccPolicy: false }), status: 'FAIL', evidence: ['does not allow the client credentials flow'] },
    { name: 'JWT bearer without a certificate', flow: 'jwt-bearer', facts: () => jwtFacts({ certificate: undefined }), status: 'FAIL', evidence: ['has no certificate'], fix: ['Enable JWT Bearer Flow'] },
  ],
  'flow-in-policies': [
    { name: 'client credentials off in the policies only', flow: 'client-credentials', facts: () => ccFacts({ cc: true, ccPolicy: false }), status: 'FAIL', evidence: ['off in its OAuth policies'], fix: ['OAuth Policies > Enable Client Credentials Flow'] },
    { name: 'no policy switch for JWT bearer', flow: 'jwt-bearer', facts: () => jwtFacts(), status: 'SKIP', evidence: ['no switch for the JWT bearer flow'] },
  ],
  'api-scope': [
    { name: 'no Api scope', flow: 'jwt-bearer', facts: () => jwtFacts({ scopes: 'OpenID, RefreshToken' }), status: 'FAIL', evidence: ['neither Api nor Full'], fix: ['Selected OAuth Scopes'] },
    { name: 'Full only, with client credentials', flow: 'client-credentials', facts: () => ccFacts({ scopes: 'Full' }), status: 'FAIL', evidence: ['never carries Full'] },
  ],
  'permitted-users': [
    {
      name: "the CI user's profile is not pre-authorized (done-when)",
      flow: 'jwt-bearer',
      facts: () => jwtFacts({ profiles: 'Integration User' }, { user: ci({ profile: 'Standard User', permissionSets: ['CI_Deployer'] }) }),
      status: 'FAIL',
      evidence: ["ci@acme.example's profile Standard User is not among them", 'AdminApprovedPreAuthorized'],
      fix: ['add Standard User', 'commaSeparatedProfile to "Integration User, Standard User"', 'sf project deploy start --metadata ExtlClntAppOauthConfigurablePolicies:Acme_CI_oauthPlcy --target-org dev'],
    },
    { name: 'pre-authorized through a permission set', flow: 'jwt-bearer', facts: () => jwtFacts({ profiles: undefined, permissionSets: 'CI_Deployer' }), status: 'PASS', evidence: ['permission set CI_Deployer'] },
    {
      name: 'self-authorized and never approved',
      flow: 'jwt-bearer',
      facts: () => jwtFacts({ permitted: 'AllSelfAuthorized' }, { approved: false }),
      status: 'FAIL',
      evidence: ['has never approved it', 'No OAuth token'],
      fix: ['Admin approved users are pre-authorized', 'sf org login web'],
    },
    { name: 'self-authorized and approved', flow: 'jwt-bearer', facts: () => jwtFacts({ permitted: 'AllSelfAuthorized' }, { approved: true }), status: 'PASS', evidence: ['approved it before'] },
    { name: 'approval unreadable', flow: 'jwt-bearer', facts: () => jwtFacts({ permitted: 'AllSelfAuthorized' }, { unread: { approval: 'the OauthToken query failed: boom' } }), status: 'ERROR', evidence: ['boom'] },
    { name: 'no --username', flow: 'jwt-bearer', facts: () => jwtFacts({}, { username: undefined, user: undefined }), status: 'WARN', evidence: ['no user was named'], fix: ['--username'] },
    { name: 'not for the run-as user', flow: 'client-credentials', facts: () => ccFacts(), status: 'SKIP', evidence: ['do not apply to the client credentials run-as user'] },
    { name: 'users unreadable', flow: 'jwt-bearer', facts: () => jwtFacts({}, { unread: { users: 'the User and PermissionSetAssignment queries failed: REQUEST_LIMIT_EXCEEDED' } }), status: 'ERROR', evidence: ['REQUEST_LIMIT_EXCEEDED'] },
  ],
  'user-active': [
    { name: 'no such user', flow: 'jwt-bearer', facts: () => jwtFacts({}, { user: { username: 'ci@acme.example', found: false, permissionSets: [] } }), status: 'FAIL', evidence: ['There is no user ci@acme.example in dev'] },
    { name: 'deactivated user', flow: 'jwt-bearer', facts: () => jwtFacts({}, { user: ci({ active: false }) }), status: 'FAIL', evidence: ['deactivated'], fix: ['Reactivate'] },
    { name: 'no run-as user', flow: 'client-credentials', facts: () => ccFacts({ runAs: undefined }), status: 'FAIL', evidence: ['name no run-as user'], fix: ['Run As'] },
    { name: 'run-as user deactivated', flow: 'client-credentials', facts: () => ccFacts({}, { runAsUser: runAs({ active: false }) }), status: 'FAIL', evidence: ['integration@acme.example is deactivated'] },
  ],
  'user-api-enabled': [
    { name: 'no API Enabled', flow: 'jwt-bearer', facts: () => jwtFacts({}, { user: ci({ apiEnabled: false }) }), status: 'FAIL', evidence: ['grants API Enabled'], fix: ['API Enabled'] },
    { name: 'run-as without API Enabled', flow: 'client-credentials', facts: () => ccFacts({}, { runAsUser: runAs({ apiEnabled: false }) }), status: 'FAIL', evidence: ['integration@acme.example'] },
  ],
  'user-api-only': [
    { name: 'run-as user can log in to the UI', flow: 'client-credentials', facts: () => ccFacts({}, { runAsUser: runAs({ apiOnly: false, profile: 'Standard User' }) }), status: 'WARN', evidence: ['is not API-only', 'Salesforce Help recommends'], fix: ['API Only User'] },
    { name: 'not for JWT bearer', flow: 'jwt-bearer', facts: () => jwtFacts(), status: 'SKIP', evidence: ['does not need an API-only user'] },
  ],
  'user-is-run-as': [
    { name: 'the pipeline expects another user', flow: 'client-credentials', facts: () => ccFacts({}, { username: 'ci@acme.example' }), status: 'FAIL', evidence: ['expects ci@acme.example', 'run-as user integration@acme.example'], fix: ['Run As'] },
  ],
  certificate: [
    { name: 'placeholder certificate', flow: 'jwt-bearer', facts: () => jwtFacts({ certificate: '${CI_CERT}' }, { key: undefined }), status: 'FAIL', evidence: ['placeholder'] },
    { name: 'weak key', flow: 'jwt-bearer', facts: () => jwtFacts({ certificate: weak.cert }, { key: undefined }), status: 'WARN', evidence: ['shorter than 2048 bits'] },
  ],
  'key-matches-certificate': [
    {
      name: 'another key',
      flow: 'jwt-bearer',
      facts: () => jwtFacts({}, { key: matchKeyToCertificate(createPrivateKey(other.key), good.cert, NOW) }),
      status: 'FAIL',
      evidence: ['does not match the app\'s certificate'],
      fix: ['openssl'],
    },
    { name: 'no key given', flow: 'jwt-bearer', facts: () => jwtFacts({}, { keyFile: undefined, key: undefined }), status: 'SKIP', evidence: ['--jwt-key-file'] },
  ],
  'certificate-expiry': [
    { name: 'expired: hygiene only', flow: 'jwt-bearer', facts: () => jwtFacts({ certificate: expired.cert }, { key: undefined }), status: 'WARN', evidence: ['Logins still work', 'by design'], fix: ['Rotate the key'] },
    { name: 'expiring soon', flow: 'jwt-bearer', facts: () => jwtFacts({ certificate: soon.cert }, { key: undefined }), status: 'WARN', evidence: ['in 10 days'] },
  ],
  'my-domain': [
    { name: 'client credentials without My Domain', flow: 'client-credentials', facts: () => ccFacts({}, { myDomainUrl: null }), status: 'FAIL', evidence: ['has no My Domain'], fix: ['Setup > Company Settings > My Domain'] },
    { name: 'the CLI login is on a login host', flow: 'client-credentials', facts: () => ccFacts({}, { instanceUrl: 'https://login.salesforce.com' }), status: 'FAIL', evidence: ['not a My Domain'], fix: ['--instance-url https://acme.my.salesforce.com'] },
    { name: 'the login command for the pipeline', flow: 'client-credentials', facts: () => ccFacts(), status: 'PASS', evidence: ['sf eca login client-credentials --instance-url https://acme.my.salesforce.com --client-id 3MVG9'] },
    { name: 'JWT bearer without My Domain', flow: 'jwt-bearer', facts: () => jwtFacts({}, { myDomainUrl: null }), status: 'WARN', evidence: ['sfdx-hardis#1979'], fix: ['My Domain'] },
    { name: 'JWT bearer: the pipeline logs in at the My Domain', flow: 'jwt-bearer', facts: () => jwtFacts(), status: 'PASS', evidence: ['--instance-url https://acme-dev.my.salesforce.com, not login.salesforce.com'] },
    { name: 'userinfo failed', flow: 'client-credentials', facts: () => ccFacts({}, { unread: { myDomain: 'userinfo failed: 503' } }), status: 'ERROR', evidence: ['userinfo failed'] },
  ],
  audience: [
    { name: 'a sandbox', flow: 'jwt-bearer', facts: () => jwtFacts({}, { isSandbox: true }), status: 'PASS', evidence: ['a sandbox (Organization.IsSandbox true)', 'https://test.salesforce.com', 'SF_AUDIENCE_URL=https://test.salesforce.com'] },
    { name: 'a production org', flow: 'jwt-bearer', facts: () => jwtFacts(), status: 'PASS', evidence: ['https://login.salesforce.com'] },
    { name: 'IsSandbox unreadable', flow: 'jwt-bearer', facts: () => jwtFacts({}, { unread: { isSandbox: 'the Organization query failed' } }), status: 'ERROR', evidence: ['Organization query'] },
  ],
  propagation: [
    { name: 'saved 5 minutes ago', flow: 'client-credentials', facts: () => ccFacts({}, { appSavedAt: new Date(NOW.getTime() - 5 * 60_000) }), status: 'WARN', evidence: ['5 minute(s) ago', 'up to about 30 minutes', '25 more minute(s)'], fix: ['sf eca token verify --name Acme_CI'] },
    { name: 'saved days ago', flow: 'client-credentials', facts: () => ccFacts(), status: 'PASS', evidence: ['3 day(s) ago'] },
  ],
  'secret-rest-access': [
    { name: 'on: exposure', flow: 'client-credentials', facts: () => ccFacts({}, { settings: { enableClientSecretInRestApiAccess: true } }), status: 'WARN', evidence: ['On:', 'leaked admin token'], fix: ['Turn the setting off'] },
    { name: 'off: what a pipeline reading the secret meets', flow: 'client-credentials', facts: () => ccFacts(), status: 'PASS', evidence: ['Off:', 'part=secret'] },
    { name: 'settings not returned', flow: 'client-credentials', facts: () => ccFacts({}, { settings: undefined, unread: { settings: 'the retrieve returned no ExternalClientApp settings' } }), status: 'ERROR', evidence: ['no ExternalClientApp settings'] },
  ],
  'devhub-scratch-orgs': [
    { name: 'a Dev Hub: C-1016 and its workaround', flow: 'jwt-bearer', facts: () => jwtFacts({}, { isDevHub: true }), status: 'WARN', evidence: ['C-1016', 'forcedotcom/cli#3515'], fix: ['SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI sf org create scratch --target-dev-hub dev'] },
    { name: 'not a Dev Hub', flow: 'jwt-bearer', facts: () => jwtFacts(), status: 'SKIP', evidence: ['not a Dev Hub'] },
  ],
  token: [
    { name: 'no credentials', flow: 'client-credentials', facts: () => ccFacts(), status: 'SKIP', evidence: ['ECA_CLIENT_SECRET'] },
    {
      name: 'refused',
      flow: 'client-credentials',
      facts: () => ccFacts({}, { token: { outcome: 'refused', message: 'Salesforce refused: invalid client credentials', actions: ['Copy the secret again'] } }),
      status: 'FAIL',
      evidence: ['invalid client credentials'],
      fix: ['Copy the secret again'],
    },
    { name: 'verified', flow: 'client-credentials', facts: () => ccFacts({}, { token: { outcome: 'verified', username: 'integration@acme.example', scopes: ['api'], proof: 'the REST API', warnings: [] } }), status: 'PASS', evidence: ['integration@acme.example'] },
    { name: 'endpoint down', flow: 'client-credentials', facts: () => ccFacts({}, { token: { outcome: 'error', message: 'HTTP 503', actions: [] } }), status: 'ERROR', evidence: ['HTTP 503'] },
  ],
};

describe('doctor checks (src/domain/doctor/checks.ts)', () => {
  before(async function () {
    this.timeout(60_000);
    [good, other, expired, soon, weak] = await Promise.all([cert(365), cert(365), cert(-5), cert(10), cert(365, 1024)]);
  });

  it('has cases for every row, and every row a unique id', () => {
    const ids = DOCTOR_CHECKS.map((r) => r.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(Object.keys(CASES).sort()).to.deep.equal([...ids].sort());
    for (const id of ids) expect(CASES[id].length, id).to.be.greaterThan(0);
  });

  it('a healthy JWT bearer pipeline passes every check (the others do not apply)', () => {
    const checks = run(jwtFacts(), 'jwt-bearer');
    const bad = checks.filter((c) => c.status !== 'PASS' && c.status !== 'SKIP');
    expect(bad, JSON.stringify(bad, null, 2)).to.deep.equal([]);
    expect(checks.filter((c) => c.status === 'SKIP').map((c) => c.id)).to.deep.equal(['flow-in-policies', 'user-api-only', 'user-is-run-as', 'secret-rest-access', 'devhub-scratch-orgs', 'token']);
    expect(doctorVerdict(checks, 'warn')).to.equal('passed');
  });

  it('a healthy client credentials pipeline passes every check (the others do not apply)', () => {
    const checks = run(ccFacts(), 'client-credentials');
    const bad = checks.filter((c) => c.status !== 'PASS' && c.status !== 'SKIP');
    expect(bad, JSON.stringify(bad, null, 2)).to.deep.equal([]);
    expect(checks.filter((c) => c.status === 'SKIP').map((c) => c.id)).to.deep.equal([
      'permitted-users',
      'certificate',
      'key-matches-certificate',
      'certificate-expiry',
      'audience',
      'devhub-scratch-orgs',
      'token',
    ]);
  });

  for (const [id, cases] of Object.entries(CASES) as Array<[DoctorCheckId, Case[]]>) {
    for (const k of cases) {
      it(`${id}: ${k.name} -> ${k.status}`, () => {
        const c = check(k.facts(), k.flow, id);
        expect(c.status, JSON.stringify(c, null, 2)).to.equal(k.status);
        for (const e of k.evidence) expect(c.evidence).to.contain(e);
        for (const f of k.fix ?? []) expect(c.fix.join('\n')).to.contain(f);
        if (k.status === 'FAIL') expect(c.fix.length, 'a FAIL names its fix').to.be.greaterThan(0);
      });
    }
  }

  it('a missing app skips every check that reads it, with the reason', () => {
    const checks = run(jwtFacts({}, { app: { kind: 'missing', available: [] } }), 'jwt-bearer');
    expect(checks.find((c) => c.id === 'app-enabled')).to.deep.include({ status: 'SKIP' });
    expect(checks.find((c) => c.id === 'app-enabled')?.evidence).to.contain('was not found');
    expect(doctorVerdict(checks, 'fail')).to.equal('failed');
  });

  it('the verdict: FAIL fails; ERROR alone is incomplete; WARN fails only with failOn warn', () => {
    expect(doctorVerdict([{ status: 'PASS' }, { status: 'WARN' }], 'fail')).to.equal('passed');
    expect(doctorVerdict([{ status: 'PASS' }, { status: 'WARN' }], 'warn')).to.equal('failed');
    expect(doctorVerdict([{ status: 'ERROR' }, { status: 'SKIP' }], 'fail')).to.equal('incomplete');
    expect(doctorVerdict([{ status: 'ERROR' }, { status: 'FAIL' }], 'fail')).to.equal('failed');
  });
});
