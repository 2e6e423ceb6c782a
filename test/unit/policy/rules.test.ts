import { expect } from 'chai';
import { generate } from 'selfsigned';
import type { AuditedApp } from '../../../src/domain/policy/app.js';
import { type Finding, RULE_IDS, RULES, ruleById, runRules, severityRank } from '../../../src/domain/policy/rules.js';
import { CTX, findingsOf, NOW, secureConnectedApp, secureEca } from './helpers.js';

const covered = { fires: new Set<string>(), quiet: new Set<string>() };

function fires(ruleId: string, app: AuditedApp, count = 1): Finding[] {
  const found = findingsOf(ruleId, app);
  expect(found, `${ruleId} on ${app.kind} ${app.name}: ${JSON.stringify(found.map((f) => f.message))}`).to.have.length(count);
  covered.fires.add(ruleId);
  return found;
}

function quiet(ruleId: string, app: AuditedApp): void {
  expect(findingsOf(ruleId, app).map((f) => f.message), `${ruleId} on ${app.kind} ${app.name}`).to.deep.equal([]);
  covered.quiet.add(ruleId);
}

const DAY = 86_400_000;

async function certificate(notAfter: Date, keySize = 2048): Promise<string> {
  const pems = await generate([{ name: 'commonName', value: 'acme-jwt' }], {
    keySize,
    notBeforeDate: new Date(NOW.getTime() - 400 * DAY),
    notAfterDate: notAfter,
  });
  return pems.cert;
}

describe('policy/rules: the catalogue', () => {
  it('finds nothing on a secure ECA, and only the migration note on a secure Connected App', () => {
    expect(runRules(secureEca(), CTX)).to.deep.equal([]);
    expect(runRules(secureConnectedApp(), CTX).map((f) => f.ruleId)).to.deep.equal(['connected-app-should-migrate']);
  });

  it('has unique kebab-case ids and complete documentation', () => {
    expect(new Set(RULE_IDS).size).to.equal(RULE_IDS.length);
    for (const r of RULES) {
      expect(r.id).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const text of [r.title, r.rationale, r.remediation, r.control]) expect(text.length, r.id).to.be.greaterThan(5);
      expect(r.helpUri, r.id).to.match(/^https:\/\//);
    }
  });

  it('skips OAuth rules for an ECA without OAuth', () => {
    const headerOnly = secureEca({ oauthSettings: null, globalOauthSettings: null, oauthPolicies: null, policies: null });
    expect(runRules(headerOnly, CTX)).to.deep.equal([]);
  });

  it('names the field, file and line of a source finding', () => {
    const [f] = fires('ip-restrictions-relaxed', secureEca({ oauthPolicies: { ipRelaxationPolicyType: 'Bypass' } }));
    expect(f.field).to.equal('oauthPolicies.ipRelaxationPolicyType');
    expect(f.location?.file).to.equal('force-app/main/default/oauthPolicies/Acme_CI_oauthPlcy.xml');
    expect(f.location?.line).to.be.a('number').greaterThan(2);
    expect(f.target).to.deep.equal({ type: 'app', kind: 'eca', name: 'Acme_CI', label: 'Acme CI' });
  });

  describe('refresh-token-never-expires', () => {
    it('fires on Infinite, for both kinds, with a fix', () => {
      const [eca] = fires('refresh-token-never-expires', secureEca({ oauthPolicies: { refreshTokenPolicyType: 'Infinite', refreshTokenValidityPeriod: undefined, refreshTokenValidityUnit: undefined } }));
      expect(eca.severity).to.equal('high');
      expect(eca.fix).to.deep.equal({
        part: 'oauthPolicies',
        set: { refreshTokenPolicyType: 'SpecificLifetime', refreshTokenValidityPeriod: 90, refreshTokenValidityUnit: 'Days' },
        summary: 'Expire refresh tokens after 90 days',
      });
      const [ca] = fires('refresh-token-never-expires', secureConnectedApp({ oauthPolicy: { refreshTokenPolicy: 'infinite' } }));
      expect(ca.field).to.equal('connectedApp.oauthPolicy.refreshTokenPolicy');
      expect(ca.fix?.set).to.deep.equal({ 'oauthPolicy.refreshTokenPolicy': 'specific_lifetime:90:DAYS' });
    });

    it('is quiet on specific lifetimes, on apps that get no refresh tokens, and with the idle TTL limit', () => {
      quiet('refresh-token-never-expires', secureEca());
      quiet('refresh-token-never-expires', secureConnectedApp({ oauthConfig: { scopes: ['Api'] }, oauthPolicy: { refreshTokenPolicy: 'infinite' } }));
      quiet(
        'refresh-token-never-expires',
        secureEca({ globalOauthSettings: { isEnforceRefreshTokenTTL: true }, oauthPolicies: { refreshTokenPolicyType: 'Infinite' } })
      );
    });
  });

  describe('refresh-token-lifetime-too-long', () => {
    it('fires above the threshold, in any unit', () => {
      const [f] = fires('refresh-token-lifetime-too-long', secureEca({ oauthPolicies: { refreshTokenValidityPeriod: 6, refreshTokenValidityUnit: 'Months' } }));
      expect(f.message).to.equal('Refresh tokens expire after 6 months (SpecificLifetime); the policy allows at most 90 days.');
      expect(f.field).to.equal('oauthPolicies.refreshTokenValidityPeriod');
      expect(f.fix?.set).to.deep.equal({ refreshTokenPolicyType: 'SpecificLifetime', refreshTokenValidityPeriod: 90, refreshTokenValidityUnit: 'Days' });
      const [ca] = fires('refresh-token-lifetime-too-long', secureConnectedApp({ oauthPolicy: { refreshTokenPolicy: 'specific_inactivity:365:DAYS' } }));
      expect(ca.fix?.set).to.deep.equal({ 'oauthPolicy.refreshTokenPolicy': 'specific_inactivity:90:DAYS' });
    });

    it('is quiet within the threshold and honours a custom one', () => {
      quiet('refresh-token-lifetime-too-long', secureEca({ oauthPolicies: { refreshTokenValidityPeriod: 2160, refreshTokenValidityUnit: 'Hours' } }));
      quiet('refresh-token-lifetime-too-long', secureConnectedApp({ oauthPolicy: { refreshTokenPolicy: 'zero' } }));
      const app = secureEca({ oauthPolicies: { refreshTokenValidityPeriod: 30 } });
      expect(findingsOf('refresh-token-lifetime-too-long', app, { ...CTX, thresholds: { ...CTX.thresholds, maxRefreshTokenDays: 7 } })).to.have.length(1);
    });

    it('caps long idle times at 30 days when the idle TTL limit is on', () => {
      const capped = secureEca({
        globalOauthSettings: { isEnforceRefreshTokenTTL: true },
        oauthPolicies: { refreshTokenPolicyType: 'SpecificInactivity', refreshTokenValidityPeriod: 12, refreshTokenValidityUnit: 'Months' },
      });
      quiet('refresh-token-lifetime-too-long', capped);
      expect(findingsOf('refresh-token-lifetime-too-long', capped, { ...CTX, thresholds: { ...CTX.thresholds, maxRefreshTokenDays: 7 } })[0]?.message).to.match(/30 days/);
    });
  });

  describe('ip-restrictions-relaxed', () => {
    it('grades Bypass, Bypass_2factor and Enforce_RelaxRefresh', () => {
      const severity = (ip: string): string => fires('ip-restrictions-relaxed', secureEca({ oauthPolicies: { ipRelaxationPolicyType: ip } }))[0].severity;
      expect(severity('Bypass')).to.equal('high');
      expect(severity('Bypass_2factor')).to.equal('medium');
      expect(severity('Enforce_RelaxRefresh')).to.equal('low');
      const [ca] = fires('ip-restrictions-relaxed', secureConnectedApp({ oauthPolicy: { ipRelaxation: 'BYPASS' } }));
      expect(ca.fix?.set).to.deep.equal({ 'oauthPolicy.ipRelaxation': 'ENFORCE' });
    });

    it('is quiet on Enforce', () => {
      quiet('ip-restrictions-relaxed', secureEca());
      quiet('ip-restrictions-relaxed', secureConnectedApp());
    });
  });

  describe('session-timeout-not-set / session-timeout-too-long', () => {
    it('fires when no timeout is set (policies in source) or it is too long', () => {
      const [unset] = fires('session-timeout-not-set', secureEca({ oauthPolicies: { sessionTimeoutInMinutes: undefined } }));
      expect(unset.fix?.set).to.deep.equal({ sessionTimeoutInMinutes: 120 });
      fires('session-timeout-not-set', secureConnectedApp({ sessionPolicy: null }));
      const [long] = fires('session-timeout-too-long', secureConnectedApp({ sessionPolicy: { sessionTimeout: 1440 } }));
      expect(long.field).to.equal('connectedApp.sessionPolicy.sessionTimeout');
      expect(long.fix?.set).to.deep.equal({ 'sessionPolicy.sessionTimeout': 120 });
    });

    it('is quiet within the threshold, or when the policies are not in source', () => {
      quiet('session-timeout-not-set', secureEca());
      quiet('session-timeout-not-set', secureEca({ oauthPolicies: null }));
      quiet('session-timeout-too-long', secureEca({ oauthPolicies: { sessionTimeoutInMinutes: 120 } }));
    });
  });

  describe('self-authorization-with-server-flows', () => {
    it('fires on self-authorization with JWT bearer, token exchange or headless flows', async () => {
      const cert = await certificate(new Date(NOW.getTime() + 365 * DAY));
      const [eca] = fires(
        'self-authorization-with-server-flows',
        secureEca({ globalOauthSettings: { certificate: cert, isCodeCredFlowEnabled: true }, oauthPolicies: { permittedUsersPolicyType: 'AllSelfAuthorized' } })
      );
      expect(eca.message).to.equal('All users may self-authorize, and the app has the JWT bearer, authorization code and credentials flows.');
      expect(eca.fix?.set).to.deep.equal({ permittedUsersPolicyType: 'AdminApprovedPreAuthorized' });
      const [ca] = fires(
        'self-authorization-with-server-flows',
        secureConnectedApp({ oauthConfig: { isAdminApproved: false, isTokenExchangeEnabled: true }, oauthPolicy: { isTokenExchangeFlowEnabled: true } })
      );
      expect(ca.fix?.set).to.deep.equal({ 'oauthConfig.isAdminApproved': true });
    });

    it('is quiet for admin-approved apps and for interactive-only apps', () => {
      quiet('self-authorization-with-server-flows', secureEca({ globalOauthSettings: { certificate: '${CERT}' } }));
      quiet('self-authorization-with-server-flows', secureConnectedApp({ oauthConfig: { isAdminApproved: false } }));
    });
  });

  describe('pkce-not-required', () => {
    it('fires when the authorization code flow does not require PKCE', () => {
      const [f] = fires('pkce-not-required', secureConnectedApp({ oauthConfig: { isPkceRequired: false } }));
      expect(f.fix?.set).to.deep.equal({ 'oauthConfig.isPkceRequired': true });
      fires('pkce-not-required', secureEca({ globalOauthSettings: { isPkceRequired: undefined } }));
    });

    it('is quiet with PKCE, or without a callback URL', () => {
      quiet('pkce-not-required', secureEca());
      quiet('pkce-not-required', secureEca({ globalOauthSettings: { isPkceRequired: false, callbackUrl: undefined } }));
    });
  });

  describe('consumer-secret-optional', () => {
    it('is high without PKCE, low with PKCE (public client)', () => {
      const [high] = fires('consumer-secret-optional', secureEca({ globalOauthSettings: { isConsumerSecretOptional: true, isPkceRequired: false } }));
      expect(high.severity).to.equal('high');
      expect(high.fix?.set).to.deep.equal({ isConsumerSecretOptional: false });
      const [low] = fires('consumer-secret-optional', secureConnectedApp({ oauthConfig: { isConsumerSecretOptional: true } }));
      expect(low.severity).to.equal('low');
      expect(low.fix).to.equal(undefined);
    });

    it('mentions client credentials, which need the secret anyway', () => {
      const [f] = fires(
        'consumer-secret-optional',
        secureConnectedApp({ oauthConfig: { isConsumerSecretOptional: true, isClientCredentialEnabled: true, oauthClientCredentialUser: 'int@acme.example' } })
      );
      expect(f.message).to.match(/client credentials/);
    });

    it('is quiet when the secret is required', () => {
      quiet('consumer-secret-optional', secureEca());
    });
  });

  describe('refresh-token-secret-not-required / public-client-refresh-token-not-rotated', () => {
    it('fires for a confidential client that does not require the secret with refresh tokens', () => {
      const [f] = fires('refresh-token-secret-not-required', secureEca({ globalOauthSettings: { isSecretRequiredForRefreshToken: false } }));
      expect(f.fix?.set).to.deep.equal({ isSecretRequiredForRefreshToken: true });
      quiet('public-client-refresh-token-not-rotated', secureEca({ globalOauthSettings: { isSecretRequiredForRefreshToken: false } }));
    });

    it('asks public clients for rotation instead', () => {
      const app = secureEca({ globalOauthSettings: { isConsumerSecretOptional: true, isSecretRequiredForRefreshToken: false, isRefreshTokenRotationEnabled: false } });
      quiet('refresh-token-secret-not-required', app);
      const [f] = fires('public-client-refresh-token-not-rotated', app);
      expect(f.fix?.set).to.deep.equal({ isRefreshTokenRotationEnabled: true });
      quiet('public-client-refresh-token-not-rotated', secureEca({ globalOauthSettings: { isConsumerSecretOptional: true, isSecretRequiredForRefreshToken: false } }));
    });

    it('is quiet when the app gets no refresh tokens', () => {
      quiet('refresh-token-secret-not-required', secureConnectedApp({ oauthConfig: { scopes: ['Api'], isSecretRequiredForRefreshToken: false } }));
    });
  });

  describe('token-exchange-secret-not-required', () => {
    it('fires when token exchange is on without the secret', () => {
      const [f] = fires(
        'token-exchange-secret-not-required',
        secureEca({ globalOauthSettings: { isTokenExchangeEnabled: true, isSecretRequiredForTokenExchange: false }, oauthPolicies: { isTokenExchangeFlowEnabled: true } })
      );
      expect(f.fix?.set).to.deep.equal({ isSecretRequiredForTokenExchange: true });
    });

    it('is quiet when token exchange is off or requires the secret', () => {
      quiet('token-exchange-secret-not-required', secureEca({ globalOauthSettings: { isSecretRequiredForTokenExchange: false } }));
      quiet(
        'token-exchange-secret-not-required',
        secureEca({ globalOauthSettings: { isTokenExchangeEnabled: true }, oauthPolicies: { isTokenExchangeFlowEnabled: true } })
      );
    });
  });

  describe('scope-full', () => {
    it('fires on Full and proposes Api in its place', () => {
      const [eca] = fires('scope-full', secureEca({ oauthSettings: { commaSeparatedOauthScopes: 'Full, RefreshToken' } }));
      expect(eca.fix?.set).to.deep.equal({ commaSeparatedOauthScopes: 'Api, RefreshToken' });
      const [ca] = fires('scope-full', secureConnectedApp({ oauthConfig: { scopes: ['Api', 'Full', 'SFAP'] } }));
      expect(ca.fix?.set).to.deep.equal({ 'oauthConfig.scopes': ['Api', 'SFAP'] });
      expect(ca.field).to.equal('connectedApp.oauthConfig.scopes');
    });

    it('is quiet without Full', () => {
      quiet('scope-full', secureEca());
    });
  });

  describe('scope-refresh-token-unneeded', () => {
    const ccOnly = {
      globalOauthSettings: { callbackUrl: undefined, isClientCredentialsFlowEnabled: true },
      oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: 'int@acme.example' },
    };

    it('fires on RefreshToken for an app whose only flow is client credentials', () => {
      const [f] = fires('scope-refresh-token-unneeded', secureEca(ccOnly));
      expect(f.fix?.set).to.deep.equal({ commaSeparatedOauthScopes: 'Api' });
      expect(f.message).to.contain('client credentials');
      fires('scope-refresh-token-unneeded', secureConnectedApp({ oauthConfig: { callbackUrl: undefined, isClientCredentialEnabled: true, scopes: ['Api', 'RefreshToken'] } }));
    });

    it('never fires for an app with a certificate (JWT bearer): the flow checks earlier approvals that include RefreshToken', () => {
      const jwt = secureEca({ globalOauthSettings: { callbackUrl: undefined, certificate: '${ACME_CERT}' } });
      quiet('scope-refresh-token-unneeded', jwt);
      quiet('scope-refresh-token-unneeded', secureEca({ ...ccOnly, globalOauthSettings: { ...ccOnly.globalOauthSettings, certificate: '${ACME_CERT}' } }));
      quiet('scope-refresh-token-unneeded', secureConnectedApp({ oauthConfig: { scopes: ['Api', 'RefreshToken'], certificate: '${CERT}' } }));
    });

    it('is quiet for interactive apps, and for client credentials next to an interactive flow', () => {
      quiet('scope-refresh-token-unneeded', secureEca());
      quiet('scope-refresh-token-unneeded', secureEca({ ...ccOnly, globalOauthSettings: { isClientCredentialsFlowEnabled: true } }));
      quiet('scope-refresh-token-unneeded', secureEca({ ...ccOnly, globalOauthSettings: { ...ccOnly.globalOauthSettings, isDeviceFlowEnabled: true } }));
    });
  });

  describe('client credentials run-as user', () => {
    const cc = { globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: 'int@acme.example' } };
    it('fires without a run-as user', () => {
      const [f] = fires('client-credentials-without-run-as-user', secureEca({ ...cc, oauthPolicies: { isClientCredentialsFlowEnabled: true } }));
      expect(f.field).to.equal('oauthPolicies.clientCredentialsFlowUser');
      fires('client-credentials-without-run-as-user', secureConnectedApp({ oauthConfig: { isClientCredentialEnabled: true } }));
      quiet('client-credentials-without-run-as-user', secureEca(cc));
      quiet('client-credentials-without-run-as-user', secureEca({ oauthPolicies: { isClientCredentialsFlowEnabled: true } }));
    });

    it('with org facts, fires on a run-as user that is not API-only or is an administrator', () => {
      const app = secureEca(cc, { runAsUser: { username: 'int@acme.example', isApiOnly: false, hasAdminPermissions: true, adminPermissions: ['ModifyAllData'] } });
      expect(fires('client-credentials-run-as-not-api-only', app)[0].message).to.equal('The run-as user int@acme.example is not an API-only user.');
      const [admin] = fires('client-credentials-run-as-admin', app);
      expect(admin.severity).to.equal('critical');
      expect(admin.message).to.equal('The run-as user int@acme.example has administrator permissions (ModifyAllData).');
    });

    it('is quiet for an API-only user without admin permissions, without facts, and when the flow is off', () => {
      const good = secureEca(cc, { runAsUser: { isApiOnly: true, hasAdminPermissions: false } });
      quiet('client-credentials-run-as-not-api-only', good);
      quiet('client-credentials-run-as-admin', good);
      quiet('client-credentials-run-as-admin', secureEca(cc));
      quiet('client-credentials-run-as-admin', secureEca({}, { runAsUser: { hasAdminPermissions: true } }));
    });
  });

  describe('run-as-user-shared', () => {
    const cc = { globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: 'int@acme.example' } };
    const sharing = (app: AuditedApp, others: string[]): AuditedApp => ({ ...app, facts: { ...app.facts, runAsUserSharedWith: others } });
    it('fires when the org says other apps run as the same user, naming them', () => {
      const [one] = fires('run-as-user-shared', sharing(secureEca(cc), ['Billing_Sync']));
      expect(one.message).to.equal('The run-as user int@acme.example is also the run-as user of Billing_Sync.');
      expect(one.field).to.equal('oauthPolicies.clientCredentialsFlowUser');
      expect(one.severity).to.equal('medium');
      const [two] = fires('run-as-user-shared', sharing(secureConnectedApp({ oauthConfig: { isClientCredentialEnabled: true, oauthClientCredentialUser: 'int@acme.example' } }), ['A', 'B (Connected App)']));
      expect(two.message).to.equal('The run-as user int@acme.example is also the run-as user of 2 other apps (A, B (Connected App)).');
    });
    it('names five of many others and counts the rest, so the message does not grow with the org', () => {
      const others = Array.from({ length: 499 }, (_, i) => `App_${i}`);
      const [many] = fires('run-as-user-shared', sharing(secureEca(cc), others));
      expect(many.message).to.equal('The run-as user int@acme.example is also the run-as user of 499 other apps (App_0, App_1, App_2, App_3, App_4 and 494 more).');
    });
    it('is quiet when no other app shares the user, without the org fact (source), and when the flow is off', () => {
      quiet('run-as-user-shared', sharing(secureEca(cc), []));
      quiet('run-as-user-shared', secureEca(cc));
      quiet('run-as-user-shared', sharing(secureEca(), ['Other']));
    });
  });

  describe('introspect-all-tokens', () => {
    it('fires when on', () => {
      const [f] = fires('introspect-all-tokens', secureConnectedApp({ oauthConfig: { isIntrospectAllTokens: true } }));
      expect(f.fix?.set).to.deep.equal({ 'oauthConfig.isIntrospectAllTokens': false });
    });
    it('is quiet when off', () => quiet('introspect-all-tokens', secureEca()));
  });

  describe('callback-url-not-https / callback-url-wildcard', () => {
    const urls = [
      'http://app.acme.example/cb',
      'http://localhost:1717/OauthRedirect',
      'http://127.0.0.1:8080/cb',
      'http://[::1]:3000/cb',
      'https://*.acme.example/cb',
      'sfdc://success',
      'cursor://anysphere.cursor-mcp/oauth/callback',
      '${SF_INSTANCE_URL}/services/authcallback/X',
      'http://${HOST}/cb',
    ].join('\n');

    it('flags plain HTTP off loopback, and wildcards, one finding per URL', () => {
      const app = secureEca({ globalOauthSettings: { callbackUrl: urls } });
      const [http] = fires('callback-url-not-https', app);
      expect(http.message).to.equal('Callback URL http://app.acme.example/cb is plain HTTP and not a loopback address.');
      expect(http.field).to.equal('globalOauthSettings.callbackUrl');
      const [wild] = fires('callback-url-wildcard', app);
      expect(wild.message).to.match(/https:\/\/\*\.acme\.example\/cb/);
    });

    it('is quiet for https, loopback, custom schemes and placeholders', () => {
      quiet('callback-url-not-https', secureConnectedApp({ oauthConfig: { callbackUrl: 'http://localhost:8080\nsfdc://success\nhttps://ok.example' } }));
      quiet('callback-url-wildcard', secureEca());
    });
  });

  describe('JWT certificate', () => {
    it('fires on an expired, an expiring, an unreadable and a weak certificate', async function () {
      this.timeout(20_000);
      const expired = await certificate(new Date(NOW.getTime() - 2 * DAY));
      const expiring = await certificate(new Date(NOW.getTime() + 10 * DAY));
      const weak = await certificate(new Date(NOW.getTime() + 365 * DAY), 1024);
      const [gone] = fires('jwt-certificate-expired', secureEca({ globalOauthSettings: { certificate: expired } }));
      expect(gone.message).to.match(/CN=acme-jwt\) expired on 2026-06-29/);
      quiet('jwt-certificate-expiring', secureEca({ globalOauthSettings: { certificate: expired } }));
      const [soon] = fires('jwt-certificate-expiring', secureConnectedApp({ oauthConfig: { certificate: expiring } }));
      expect(soon.message).to.match(/in 10 days/);
      expect(soon.field).to.equal('connectedApp.oauthConfig.certificate');
      quiet('jwt-certificate-expired', secureConnectedApp({ oauthConfig: { certificate: expiring } }));
      fires('jwt-certificate-unreadable', secureEca({ globalOauthSettings: { certificate: 'MIIBroken' } }));
      expect(fires('jwt-certificate-weak-key', secureEca({ globalOauthSettings: { certificate: weak } }))[0].message).to.match(/1024 bits/);
    });

    it('treats expiry as key hygiene below high: Salesforce accepts JWTs for an expired certificate (SE q/313488)', async function () {
      this.timeout(20_000);
      const expired = await certificate(new Date(NOW.getTime() - 2 * DAY));
      const expiring = await certificate(new Date(NOW.getTime() + 10 * DAY));
      const [gone] = fires('jwt-certificate-expired', secureEca({ globalOauthSettings: { certificate: expired } }));
      const [soon] = fires('jwt-certificate-expiring', secureEca({ globalOauthSettings: { certificate: expiring } }));
      for (const f of [gone, soon]) expect(severityRank(f.severity), f.ruleId).to.be.lessThan(severityRank('high'));
      expect(gone.severity).to.equal('medium');
      expect(gone.message).to.match(/rotate/i);
      for (const id of ['jwt-certificate-expired', 'jwt-certificate-expiring']) {
        const r = ruleById(id);
        expect(`${r?.rationale} ${r?.remediation}`, id).to.not.match(/refuse|fails|is down|outage/i);
        expect(r?.rationale, id).to.match(/hygiene/i);
      }
    });

    it('is quiet for a valid certificate, a bare-base64 one, and a placeholder', async () => {
      const valid = await certificate(new Date(NOW.getTime() + 365 * DAY));
      const bare = valid.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
      for (const cert of [valid, bare, '${SF_MINLOPRO_CERT_BASE64_VALUE}']) {
        const app = secureEca({ globalOauthSettings: { certificate: cert } });
        for (const id of ['jwt-certificate-expired', 'jwt-certificate-expiring', 'jwt-certificate-unreadable', 'jwt-certificate-weak-key']) quiet(id, app);
      }
    });
  });

  describe('connected-app-should-migrate', () => {
    it('fires on every Connected App, OAuth or not, and never on an ECA', () => {
      const [f] = fires('connected-app-should-migrate', secureConnectedApp({ oauthConfig: null, oauthPolicy: null }));
      expect(f.field).to.equal('connectedApp');
      expect(f.location?.file).to.match(/Acme_Legacy\.connectedApp-meta\.xml$/);
      quiet('connected-app-should-migrate', secureEca());
    });
  });

  describe('rule texts say what the sources say', () => {
    it('connected-app-should-migrate: creation is blocked in the UI and the Metadata API, Support can re-enable it, package installs still create them', () => {
      const r = ruleById('connected-app-should-migrate');
      expect(r?.rationale).to.match(/Metadata API/);
      expect(r?.rationale).to.match(/Support/);
      expect(r?.rationale).to.match(/package/i);
      expect(r?.rationale).to.not.match(/sandbox refresh|cannot be recreated/i);
    });

    it('client-credentials-run-as-not-api-only: Help recommends API Only, the Metadata API reference says the user must have it', () => {
      const r = ruleById('client-credentials-run-as-not-api-only');
      expect(r?.rationale).to.match(/recommends/);
      expect(r?.rationale).to.match(/must/);
    });

    it('names no command that does not exist', () => {
      for (const r of RULES) expect(`${r.remediation} ${r.rationale}`, r.id).to.not.contain('sf eca validate');
    });
  });

  describe('consumer-secret-in-source', () => {
    it('fires, critical, on a consumer secret written in an ECA or a Connected App file, and never shows it', () => {
      const [eca] = fires('consumer-secret-in-source', secureEca({ globalOauthSettings: { consumerSecret: 'S3CRET-ECA' } }));
      expect(eca.severity).to.equal('critical');
      expect(eca.field).to.equal('globalOauthSettings.consumerSecret');
      expect(eca.location?.file).to.match(/glbloauth/);
      expect(eca.location?.line).to.be.a('number');
      const [ca] = fires('consumer-secret-in-source', secureConnectedApp({ oauthConfig: { consumerSecret: 'S3CRET-CA' } }));
      expect(ca.field).to.equal('connectedApp.oauthConfig.consumerSecret');
      expect(JSON.stringify([eca, ca, ruleById('consumer-secret-in-source')])).to.not.contain('S3CRET');
      expect(eca.fix, 'no automatic fix: a fix would print the secret in its diff').to.equal(undefined);
    });

    it('is quiet without a secret, for a placeholder a pipeline fills, and for an app read from an org', () => {
      quiet('consumer-secret-in-source', secureEca());
      quiet('consumer-secret-in-source', secureEca({ globalOauthSettings: { consumerSecret: '${ACME_SECRET}' } }));
      const fromOrg = { ...secureEca({ globalOauthSettings: { consumerSecret: 'S3CRET' } }), source: { files: {}, locations: {} } };
      quiet('consumer-secret-in-source', fromOrg);
    });
  });

  describe('device-flow apps are public clients for refresh tokens', () => {
    const device = { globalOauthSettings: { callbackUrl: undefined, isDeviceFlowEnabled: true, isSecretRequiredForRefreshToken: false, isRefreshTokenRotationEnabled: true } };
    it('asks a device-flow app for rotation, not for a secret its devices cannot hold', () => {
      quiet('refresh-token-secret-not-required', secureEca(device));
      quiet('public-client-refresh-token-not-rotated', secureEca(device));
      fires('public-client-refresh-token-not-rotated', secureEca({ globalOauthSettings: { ...device.globalOauthSettings, isRefreshTokenRotationEnabled: false } }));
    });
  });

  describe('org settings', () => {
    it('fire from injected org facts, as org-level findings', () => {
      const app = secureEca({}, { org: { id: '00D5g000000TEST', name: 'prod', settings: { enableConsumerSecretApiAccess: true, enableClientSecretInRestApiAccess: true } } });
      const [md] = fires('org-consumer-secret-metadata-access', app);
      expect(md.target).to.deep.equal({ type: 'org', name: 'prod', id: '00D5g000000TEST' });
      expect(md.location).to.equal(undefined);
      fires('org-consumer-secret-rest-access', app);
    });

    it('are quiet when the settings are off or unknown', () => {
      const off = secureEca({}, { org: { settings: { enableConsumerSecretApiAccess: false, enableClientSecretInRestApiAccess: false } } });
      quiet('org-consumer-secret-metadata-access', off);
      quiet('org-consumer-secret-rest-access', secureEca());
    });
  });

  describe('oauth-policies-not-in-source', () => {
    it('fires when the OAuth policies are missing', () => {
      fires('oauth-policies-not-in-source', secureEca({ oauthPolicies: null }));
      fires('oauth-policies-not-in-source', secureConnectedApp({ oauthPolicy: null }));
    });
    it('is quiet when they are there', () => quiet('oauth-policies-not-in-source', secureEca()));
  });

  describe('app-unused', () => {
    it('fires on apps without tokens or idle longer than the threshold', () => {
      fires('app-unused', secureEca({}, { tokenUsage: { tokens: 0 } }));
      expect(fires('app-unused', secureEca({}, { tokenUsage: { tokens: 4, lastUsed: '2026-01-01T00:00:00Z' } }))[0].message).to.match(/181 days ago/);
    });
    it('is quiet on recent use or without usage facts', () => {
      quiet('app-unused', secureEca({}, { tokenUsage: { tokens: 4, lastUsed: '2026-06-20T00:00:00Z' } }));
      quiet('app-unused', secureEca());
    });
  });

  describe('unrecognised-value', () => {
    it('reports values the normaliser did not understand', () => {
      fires('unrecognised-value', secureConnectedApp({ oauthPolicy: { refreshTokenPolicy: 'forever' } }));
    });
    it('is quiet otherwise', () => quiet('unrecognised-value', secureEca()));
  });

  describe('waiver-expired', () => {
    it('never fires on an app (evaluate() reports expired waivers)', () => quiet('waiver-expired', secureEca()));
  });

  describe('consumer-secret-not-rotated', () => {
    const org = { id: '00D000000000001AAA', name: 'prod' };
    it('fires when an org cannot date the secret of an app older than the limit, or knows it is older', () => {
      expect(fires('consumer-secret-not-rotated', secureEca({}, { org, secretAge: { status: 'bounded', appCreatedDate: '2025-01-01T00:00:00Z' } }))[0].message).to.match(/^Not assessed/);
      fires('consumer-secret-not-rotated', secureEca({}, { org, secretAge: { status: 'known', since: '2025-01-01T00:00:00Z', basis: 'test' } }));
    });
    it('is quiet for a young app and for source files', () => {
      quiet('consumer-secret-not-rotated', secureEca({}, { org, secretAge: { status: 'bounded', appCreatedDate: '2026-06-01T00:00:00Z' } }));
      quiet('consumer-secret-not-rotated', secureEca());
    });
  });

  describe('coverage', () => {
    it('tests every rule firing and not firing', () => {
    const notFiring = RULE_IDS.filter((id) => !covered.quiet.has(id));
    const notFired = RULE_IDS.filter((id) => id !== 'waiver-expired' && !covered.fires.has(id));
    expect({ notFired, notFiring }).to.deep.equal({ notFired: [], notFiring: [] });
    });
  });
});
