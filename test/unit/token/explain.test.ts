import { expect } from 'chai';
import type { AppTokenSettings } from '../../../src/domain/token/app.js';
import { EXPLANATIONS, type ExplainContext, type ExplanationId, explainFailure, factsWanted } from '../../../src/domain/token/explain.js';
import type { KeyCertificateMatch } from '../../../src/domain/token/keys.js';
import type { TokenFailure } from '../../../src/domain/token/response.js';

const KEY = '3MVG9appKey';

const app = (over: Partial<AppTokenSettings> = {}): AppTokenSettings => ({
  name: 'Acme_CI',
  label: 'Acme CI',
  id: '0xI5g0000000001AAA',
  installed: false,
  consumerKey: KEY,
  clientCredentialsInSettings: false,
  clientCredentialsInPolicies: false,
  certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  permittedUsers: 'AdminApprovedPreAuthorized',
  profiles: ['Integration User'],
  permissionSets: ['CI_Deployer'],
  scopes: ['Api', 'RefreshToken'],
  components: { oauthSettings: 'Acme_CI_oauth', globalOauthSettings: 'Acme_CI_glbloauth', oauthPolicies: 'Acme_CI_oauthPlcy' },
  enabled: true,
  oauthPluginEnabled: true,
  policiesComponent: 'Acme_CI_plcy',
  ...over,
});

const match = (over: Partial<KeyCertificateMatch> & { expired?: boolean } = {}): KeyCertificateMatch => ({
  matches: true,
  keyFingerprint: 'AA:AA',
  certificateKeyFingerprint: 'AA:AA',
  ...over,
  certificate: { subject: 'CN=Acme CI', fingerprint256: '12:34:56', validTo: '2027-01-01T00:00:00.000Z', expired: over.expired ?? false, daysLeft: over.expired ? -3 : 300 },
});

const jwtCtx = (over: Partial<ExplainContext> = {}): ExplainContext => ({
  flow: 'jwt-bearer',
  org: 'ci@acme.example',
  isSandbox: false,
  app: app(),
  consumerKey: KEY,
  consumerKeySource: 'metadata',
  tokenEndpoint: 'https://acme.my.salesforce.com/services/oauth2/token',
  audience: 'https://login.salesforce.com',
  audienceSource: 'production',
  username: 'ci@acme.example',
  user: { username: 'ci@acme.example', found: true, active: true, profile: 'Standard User', permissionSets: ['Sales_Ops'] },
  keyFile: 'ci.key',
  key: match(),
  ...over,
});

const ccCtx = (over: Partial<ExplainContext> = {}, appOver: Partial<AppTokenSettings> = {}): ExplainContext => ({
  flow: 'client-credentials',
  org: 'admin@acme.example',
  app: app({ clientCredentialsInSettings: true, clientCredentialsInPolicies: true, runAs: 'integration@acme.example', permittedUsers: 'AllSelfAuthorized', ...appOver }),
  consumerKey: KEY,
  consumerKeySource: 'metadata',
  tokenEndpoint: 'https://acme.my.salesforce.com/services/oauth2/token',
  runAsUser: { username: 'integration@acme.example', found: true, active: true, profile: 'Integration User', permissionSets: [] },
  ...over,
});

const oauth = (error: string, description: string, status = 400): TokenFailure => ({ stage: 'token', status, error, description });
const NO_CC_USER = oauth('invalid_grant', 'no client credentials user enabled');
const INVALID_ASSERTION = oauth('invalid_grant', 'invalid assertion');
const APP_NOT_FOUND = oauth('app_not_found', 'External client app is not installed in this org');

type Case = { f: TokenFailure; c: ExplainContext; meaning: string[]; actions?: string[] };

/** One case per row of the table, each answer as Salesforce words it (eca-reference.md §6). */
const CASES: Record<ExplanationId, Case> = {
  'service-unavailable': { f: { stage: 'token', status: 503, description: 'Service Unavailable' }, c: ccCtx(), meaning: ['HTTP 503', 'says nothing about Acme_CI'], actions: ['status.salesforce.com'] },
  'client-id-not-this-app': {
    f: oauth('invalid_client_id', 'client identifier invalid'),
    c: ccCtx({ consumerKey: '3MVG9typo', consumerKeySource: 'flag' }),
    meaning: ['--client-id (3MVG9typo)', `Acme_CI's consumer key in admin@acme.example is ${KEY}`],
    actions: ['without --client-id'],
  },
  'app-switched-off': {
    f: oauth('invalid_client_id', 'client identifier invalid'),
    c: ccCtx({}, { oauthPluginEnabled: false }),
    meaning: ['switched off', 'ExtlClntAppConfigurablePolicies Acme_CI_plcy', 'isOauthPluginEnabled false'],
    actions: ['sf project deploy start --metadata ExtlClntAppConfigurablePolicies:Acme_CI_plcy'],
  },
  'app-just-saved': {
    f: oauth('invalid_client_id', 'client identifier invalid'),
    c: ccCtx({ appSavedMinutesAgo: 3.4 }),
    meaning: ['saved in admin@acme.example 3 minute(s) ago', 'up to about 30 minutes'],
    actions: ['Wait and run the command again', 'sf eca token verify --name Acme_CI --flow client-credentials --target-org admin@acme.example'],
  },
  'client-id-unknown': { f: oauth('invalid_client_id', 'client identifier invalid'), c: ccCtx({ appSavedMinutesAgo: 600 }), meaning: [`does not know Acme_CI's consumer key (${KEY}`] },
  'client-secret-wrong': {
    f: oauth('invalid_client', 'invalid client credentials'),
    c: ccCtx(),
    meaning: [`does not belong to Acme_CI's consumer key ${KEY}`, 'rotated'],
    actions: ['Consumer Key and Secret', 'ECA_CLIENT_SECRET', '--secret-stdin'],
  },
  'user-in-other-org': {
    f: APP_NOT_FOUND,
    c: jwtCtx({ username: 'ops@other.example', user: { username: 'ops@other.example', found: false, permissionSets: [] } }),
    meaning: ['ops@other.example is not a user of ci@acme.example'],
  },
  'app-not-preauthorized': {
    f: APP_NOT_FOUND,
    c: jwtCtx(),
    meaning: ['Acme_CI exists in ci@acme.example', 'also answers when the user is not pre-authorized', "ci@acme.example's profile Standard User is not among them"],
    actions: ['commaSeparatedProfile to "Integration User, Standard User"'],
  },
  'app-propagating': { f: APP_NOT_FOUND, c: ccCtx({ appSavedMinutesAgo: 12 }), meaning: ['exists in admin@acme.example and was saved 12 minute(s) ago', 'up to about 30 minutes'], actions: ['Wait and run the command again'] },
  'app-not-installed': { f: APP_NOT_FOUND, c: ccCtx({}, { installed: true, namespacePrefix: 'acme' }), meaning: ['app_not_found', 'package acme'], actions: ['--client-id'] },
  'app-not-found': {
    f: APP_NOT_FOUND,
    c: jwtCtx({ user: { username: 'ci@acme.example', found: true, active: true, profile: 'Integration User', permissionSets: [] }, appSavedMinutesAgo: 600 }),
    meaning: ['Acme_CI exists in ci@acme.example, yet Salesforce answered "app_not_found"', 'not pre-authorized', 'up to about 30 minutes'],
    actions: ['Permitted Users', 'sf org display --target-org ci@acme.example'],
  },
  'cc-off-in-policies': {
    f: NO_CC_USER,
    c: ccCtx({}, { clientCredentialsInPolicies: false }),
    meaning: ["on in Acme_CI's OAuth settings (ExtlClntAppGlobalOauthSettings Acme_CI_glbloauth", 'off in its OAuth policies (ExtlClntAppOauthConfigurablePolicies Acme_CI_oauthPlcy'],
    actions: ['Enable Client Credentials Flow', 'sf project deploy start --metadata ExtlClntAppOauthConfigurablePolicies:Acme_CI_oauthPlcy --target-org admin@acme.example'],
  },
  'cc-off-in-settings': {
    f: NO_CC_USER,
    c: ccCtx({}, { clientCredentialsInSettings: false }),
    meaning: ["on in Acme_CI's OAuth policies", 'off in its OAuth settings (ExtlClntAppGlobalOauthSettings Acme_CI_glbloauth'],
    actions: ['ExtlClntAppGlobalOauthSettings:Acme_CI_glbloauth'],
  },
  'cc-off': { f: NO_CC_USER, c: ccCtx({}, { clientCredentialsInSettings: false, clientCredentialsInPolicies: false }), meaning: ['does not allow the client credentials flow'], actions: ['--template server-to-server'] },
  'cc-no-run-as': { f: NO_CC_USER, c: ccCtx({}, { runAs: undefined }), meaning: ['name no run-as user (clientCredentialsFlowUser)'], actions: ['Run As'] },
  'cc-run-as-unusable': {
    f: NO_CC_USER,
    c: ccCtx({ runAsUser: { username: 'integration@acme.example', found: true, active: false, permissionSets: [] } }),
    meaning: ['run-as user integration@acme.example is deactivated'],
    actions: ['Reactivate integration@acme.example'],
  },
  'cc-no-user': { f: NO_CC_USER, c: ccCtx({ runAsUser: undefined }, { clientCredentialsInSettings: undefined, clientCredentialsInPolicies: undefined, installed: true }), meaning: ['no usable run-as user'] },
  'audience-sandbox': {
    // a "[audience=... login=...]" tail is @salesforce/core's, never Salesforce's: it must not be read
    f: oauth('invalid_grant', 'audience is invalid [audience=https://test.salesforce.com login=https://login.salesforce.com/]'),
    c: jwtCtx({ isSandbox: true, audienceSource: 'flag', tokenEndpoint: 'https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token' }),
    meaning: ['is a sandbox (Organization.IsSandbox true), which accepts the JWT audience https://test.salesforce.com or its My Domain URL https://acme--uat.sandbox.my.salesforce.com', 'the assertion named https://login.salesforce.com'],
    actions: ['without --audience', '--audience https://acme--uat.sandbox.my.salesforce.com', 'SF_AUDIENCE_URL=https://test.salesforce.com sf org login jwt'],
  },
  'audience-production': {
    f: oauth('invalid_grant', 'audience is invalid'),
    c: jwtCtx({ audience: 'https://test.salesforce.com' }),
    meaning: ['is a production org (Organization.IsSandbox false), which accepts the JWT audience https://login.salesforce.com'],
    actions: ['--audience https://login.salesforce.com'],
  },
  'audience-invalid': { f: oauth('invalid_grant', 'audience is invalid'), c: jwtCtx({ isSandbox: undefined, audience: 'https://x.example' }), meaning: ['does not accept the JWT audience https://x.example'], actions: ['https://acme.my.salesforce.com'] },
  'key-mismatch': {
    f: INVALID_ASSERTION,
    c: jwtCtx({ key: match({ matches: false, keyFingerprint: 'BB:BB' }) }),
    meaning: ["The private key does not match the app's certificate (CN=Acme CI, SHA-256 fingerprint 12:34:56)", 'ci.key has SHA-256 BB:BB', "the certificate's has AA:AA"],
    actions: ['--jwt-key-file', 'openssl req -new -x509 -key ci.key', 'ExtlClntAppGlobalOauthSettings:Acme_CI_glbloauth'],
  },
  'no-certificate': { f: INVALID_ASSERTION, c: jwtCtx({ key: undefined, app: app({ certificate: undefined }) }), meaning: ['Acme_CI has no certificate'], actions: ['Enable JWT Bearer Flow'] },
  'certificate-unreadable': { f: INVALID_ASSERTION, c: jwtCtx({ key: undefined, app: app({ certificate: '${CI_CERT}' }) }), meaning: ['the placeholder "${CI_CERT}"'] },
  'assertion-invalid': { f: INVALID_ASSERTION, c: jwtCtx(), meaning: ['did not accept the assertion (iss 3MVG9appKey, sub ci@acme.example', 'may have changed since'] },
  'clock-skew': { f: oauth('invalid_grant', 'expired authorization code'), c: jwtCtx({ clockSkewSeconds: 420 }), meaning: ["This computer's clock is 420 seconds behind Salesforce's"], actions: ['NTP'] },
  'assertion-expired': { f: oauth('invalid_grant', 'expired authorization code'), c: jwtCtx({ clockSkewSeconds: 2 }), meaning: ['read the assertion as expired', 'within a minute'] },
  'user-unknown': {
    f: oauth('invalid_grant', "user hasn't approved this consumer"),
    c: jwtCtx({ username: 'nobody@acme.example', user: { username: 'nobody@acme.example', found: false, permissionSets: [] } }),
    meaning: ['There is no user nobody@acme.example in ci@acme.example'],
  },
  'user-inactive': { f: oauth('invalid_grant', 'inactive user'), c: jwtCtx(), meaning: ['ci@acme.example is deactivated'] },
  'user-not-preauthorized': {
    f: oauth('invalid_app_access', 'user is not admin approved to access this app'),
    c: jwtCtx(),
    meaning: [
      "Acme_CI admits only pre-authorized users (permittedUsersPolicyType AdminApprovedPreAuthorized) and ci@acme.example's profile Standard User is not among them (profiles: Integration User)",
      "permission sets (Sales_Ops) among the app's (CI_Deployer)",
    ],
    actions: [
      'commaSeparatedProfile to "Integration User, Standard User" in ExtlClntAppOauthConfigurablePolicies Acme_CI_oauthPlcy',
      'sf org assign permset --name CI_Deployer --on-behalf-of ci@acme.example --target-org ci@acme.example',
    ],
  },
  'not-admin-approved': { f: oauth('invalid_app_access', 'user is not admin approved to access this app'), c: jwtCtx({ user: undefined }), meaning: ['admits only pre-authorized users, and ci@acme.example is not one'] },
  'user-not-approved': {
    f: oauth('invalid_grant', "user hasn't approved this consumer"),
    c: jwtCtx({ app: app({ permittedUsers: 'AllSelfAuthorized' }) }),
    meaning: ['lets users authorize it themselves (permittedUsersPolicyType AllSelfAuthorized)', 'ci@acme.example has never approved it'],
    actions: ['AdminApprovedPreAuthorized', 'the profile Standard User', `sf org login web --client-id ${KEY}`],
  },
  'grant-not-supported': { f: oauth('unsupported_grant_type', 'request not supported on this domain'), c: ccCtx(), meaning: ["only on the org's My Domain host"], actions: ['sf org display'] },
  'token-refused': { f: oauth('invalid_request', 'something new'), c: jwtCtx(), meaning: [] },
  'userinfo-refused': { f: { stage: 'userinfo', status: 403, description: 'Bad_OAuth_Token' }, c: ccCtx({}, { scopes: ['Api'] }), meaning: ['userinfo refused it', "Acme_CI's scopes are Api"] },
  'api-scope-missing': {
    f: { stage: 'rest', status: 403, error: 'INSUFFICIENT_ACCESS', description: 'no api scope' },
    c: ccCtx({}, { scopes: ['OpenID', 'RefreshToken'] }),
    meaning: ["Acme_CI's OAuth scopes (OpenID, RefreshToken) include neither Api nor Full"],
    actions: ['commaSeparatedOauthScopes in ExtlClntAppOauthSettings Acme_CI_oauth', 'ExtlClntAppOauthSettings:Acme_CI_oauth'],
  },
  'api-disabled': { f: { stage: 'rest', status: 403, error: 'API_DISABLED_FOR_ORG', description: 'API is not enabled for this Organization or Partner' }, c: ccCtx(), meaning: ['API Enabled'] },
  'rest-refused': { f: { stage: 'rest', status: 401, error: 'INVALID_SESSION_ID', description: 'Session expired or invalid' }, c: ccCtx(), meaning: ['refused it at once', 'INVALID_SESSION_ID'] },
};

describe('token failure explanations (one table)', () => {
  it('has a case below for every row, and every row has a unique id', () => {
    const ids = EXPLANATIONS.map((r) => r.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(Object.keys(CASES).sort());
  });

  for (const [id, k] of Object.entries(CASES) as Array<[ExplanationId, Case]>) {
    it(`${id}: ${k.f.stage} ${k.f.error ?? k.f.status} "${k.f.description ?? ''}"`, () => {
      const x = explainFailure(k.f, k.c);
      expect(x.cause).to.equal(id);
      for (const text of k.meaning) expect(x.meaning).to.contain(text);
      for (const text of k.actions ?? []) expect(x.actions.join('\n')).to.contain(text);
      expect(x.actions.length).to.be.greaterThan(0);
      expect(x.meaning).to.not.match(/undefined|\[object/);
      for (const a of x.actions) expect(a).to.not.match(/undefined|\[object/);
    });
  }

  it('the precise cause wins over the general row for the same answer', () => {
    // the same "invalid assertion" answer, three causes by the facts
    expect(explainFailure(INVALID_ASSERTION, jwtCtx({ key: match({ matches: false, expired: true }) })).cause).to.equal('key-mismatch');
    // an expired certificate is not a cause: Salesforce accepts JWTs for it (SE q/313488), so the answer says so
    const expired = explainFailure(INVALID_ASSERTION, jwtCtx({ key: match({ expired: true }) }));
    expect(expired.cause).to.equal('assertion-invalid');
    expect(expired.meaning).to.contain('not the cause');
    expect(explainFailure(INVALID_ASSERTION, jwtCtx()).cause).to.equal('assertion-invalid');
    // a pre-authorized app whose user is unknown is about the user, not the profile
    expect(explainFailure(oauth('invalid_app_access', 'user is not admin approved to access this app'), jwtCtx({ user: { username: 'x', found: false, permissionSets: [] } })).cause).to.equal('user-unknown');
    // the client credentials flow off in the policies is named before the missing run-as user
    expect(explainFailure(NO_CC_USER, ccCtx({}, { clientCredentialsInPolicies: false, runAs: undefined })).cause).to.equal('cc-off-in-policies');
  });

  it('app_not_found for an app that exists: pre-authorization and propagation first, never "deploy the app"', () => {
    const x = explainFailure(APP_NOT_FOUND, jwtCtx({ user: { username: 'ci@acme.example', found: true, active: true, profile: 'Integration User', permissionSets: [] } }));
    expect(x.cause).to.equal('app-not-found');
    expect(x.meaning.indexOf('pre-authorized')).to.be.lessThan(x.meaning.indexOf('another org'));
    expect(x.meaning.indexOf('propagates')).to.be.lessThan(x.meaning.indexOf('another org'));
    expect(x.actions[0]).to.contain('pre-authorized');
    for (const c of [jwtCtx(), ccCtx(), ccCtx({ appSavedMinutesAgo: 5 }), ccCtx({}, { installed: true })]) {
      expect(explainFailure(APP_NOT_FOUND, c).actions.join('\n')).to.not.match(/^Deploy /m);
    }
    // Salesforce's wording alone, without the error code, is recognised too
    expect(explainFailure(oauth('invalid_client', 'External client app is not installed in this org'), ccCtx()).cause).to.equal('app-not-found');
  });

  it('client credentials: an "admin approved" answer is not about the run-as user, and Full gives no API access', () => {
    expect(explainFailure(oauth('invalid_app_access', 'user is not admin approved to access this app'), ccCtx()).cause).to.equal('token-refused');
    const rest = explainFailure({ stage: 'rest', status: 403, error: 'INSUFFICIENT_ACCESS', description: 'no api scope' }, ccCtx({}, { scopes: ['Full', 'RefreshToken'] }));
    expect(rest.cause).to.equal('api-scope-missing');
    expect(rest.meaning).to.contain('never carries Full');
    expect(explainFailure({ stage: 'rest', status: 403, error: 'INSUFFICIENT_ACCESS', description: 'x' }, jwtCtx({ app: app({ scopes: ['Full'] }) })).cause).to.equal('rest-refused');
  });

  it('never reads the audience from an "[audience=... login=...]" tail, only from Organization.IsSandbox', () => {
    const tail = oauth('invalid_grant', 'audience is invalid [audience=https://login.salesforce.com login=https://test.salesforce.com/]');
    expect(explainFailure(tail, jwtCtx({ isSandbox: false })).cause).to.equal('audience-production');
    expect(explainFailure(tail, jwtCtx({ isSandbox: undefined })).cause).to.equal('audience-invalid');
  });

  it('every stage ends in a general row, so no failure is left unexplained', () => {
    expect(explainFailure({ stage: 'token', status: 400 }, jwtCtx()).cause).to.equal('token-refused');
    expect(explainFailure({ stage: 'rest', status: 418 }, ccCtx()).cause).to.equal('rest-refused');
    expect(explainFailure({ stage: 'userinfo', status: 418 }, ccCtx()).cause).to.equal('userinfo-refused');
    expect(explainFailure({ stage: 'token', status: 0, description: 'ECONNREFUSED' }, ccCtx()).cause).to.equal('service-unavailable');
  });

  it('asks for the facts a failure needs, and only those', () => {
    const none = { user: false, runAsUser: false, appSavedAt: false, isSandbox: false };
    expect(factsWanted(INVALID_ASSERTION, 'jwt-bearer')).to.deep.equal({ ...none, user: true });
    expect(factsWanted(NO_CC_USER, 'client-credentials')).to.deep.equal({ ...none, runAsUser: true });
    expect(factsWanted(oauth('invalid_client_id', 'client identifier invalid'), 'client-credentials')).to.deep.equal({ ...none, appSavedAt: true });
    expect(factsWanted(APP_NOT_FOUND, 'jwt-bearer')).to.deep.equal({ ...none, user: true, appSavedAt: true });
    expect(factsWanted(oauth('invalid_grant', 'audience is invalid'), 'jwt-bearer')).to.deep.equal({ ...none, user: true, isSandbox: true });
    // permitted-users policies do not apply to the run-as user: an "admin approved" answer needs no run-as facts
    expect(factsWanted(oauth('invalid_app_access', 'user is not admin approved to access this app'), 'client-credentials')).to.deep.equal(none);
    expect(factsWanted({ stage: 'token', status: 503 }, 'jwt-bearer')).to.deep.equal(none);
    expect(factsWanted({ stage: 'rest', status: 401 }, 'jwt-bearer')).to.deep.equal(none);
  });
});
