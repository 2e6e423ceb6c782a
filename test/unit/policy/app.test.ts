import { expect } from 'chai';
import {
  certificateFacts,
  fieldPath,
  locate,
  parseConnectedAppRefreshPolicy,
  refreshTokenPeriodDays,
  SETTING_FIELDS,
  splitFieldPath,
} from '../../../src/domain/policy/app.js';
import { secureConnectedApp, secureEca } from './helpers.js';

describe('policy/app: one model for ECAs and Connected Apps', () => {
  it('normalises a secure ECA', () => {
    const app = secureEca();
    expect(app).to.deep.include({
      kind: 'eca',
      name: 'Acme_CI',
      label: 'Acme CI',
      distributionState: 'Local',
      packaged: false,
      oauthEnabled: true,
      policiesInSource: true,
      pkceRequired: true,
      consumerSecretOptional: false,
      refreshTokenRotation: true,
      refreshTokenIdleLimit: false,
      scopes: ['Api', 'RefreshToken'],
      refreshTokenPolicy: { type: 'SpecificLifetime', period: 30, unit: 'Days' },
      ipRelaxation: 'Enforce',
      sessionTimeoutMinutes: 60,
      permittedUsers: 'AdminApprovedPreAuthorized',
      introspectAllTokens: false,
      callbackUrls: ['https://app.acme.example/oauth/callback'],
      notes: [],
    });
    expect(app.secretRequired).to.deep.equal({ webServer: true, refreshToken: true, tokenExchange: true });
    expect(app.flows).to.deep.equal({
      authorizationCode: true,
      clientCredentials: false,
      jwtBearer: false,
      device: false,
      tokenExchange: false,
      codeCredential: false,
      refreshToken: true,
    });
    expect(app.preAuthorized).to.deep.equal({ profiles: [], permissionSets: ['Acme_Integration'] });
  });

  it('normalises a secure Connected App to the same values', () => {
    const ca = secureConnectedApp();
    const eca = secureEca();
    for (const key of ['pkceRequired', 'consumerSecretOptional', 'secretRequired', 'refreshTokenRotation', 'scopes', 'refreshTokenPolicy', 'ipRelaxation', 'sessionTimeoutMinutes', 'permittedUsers', 'introspectAllTokens', 'callbackUrls', 'flows'] as const) {
      expect(ca[key], key).to.deep.equal(eca[key]);
    }
    expect(ca).to.deep.include({ kind: 'connectedApp', name: 'Acme_Legacy', label: 'Acme Legacy', packaged: false });
    expect(ca.preAuthorized).to.deep.equal({ profiles: [], permissionSets: ['Acme Integration'] });
  });

  it('spells Connected App scopes the ECA way (SFAP is SFApiPlatform)', () => {
    expect(secureConnectedApp({ oauthConfig: { scopes: ['Api', 'SFAP'] } }).scopes).to.deep.equal(['Api', 'SFApiPlatform']);
    expect(secureEca({ oauthSettings: { commaSeparatedOauthScopes: 'Api,SFApiPlatform , ' } }).scopes).to.deep.equal(['Api', 'SFApiPlatform']);
  });

  it('leaves ECA scopes unknown without OAuth settings, and then assumes refresh tokens are possible', () => {
    const app = secureEca({ oauthSettings: null });
    expect(app.scopes).to.equal(undefined);
    expect(app.flows.refreshToken).to.equal(true);
    expect(app.oauthEnabled).to.equal(true);
  });

  it('reads Connected App refresh-token policy strings', () => {
    expect(parseConnectedAppRefreshPolicy('infinite')).to.deep.equal({ type: 'Infinite' });
    expect(parseConnectedAppRefreshPolicy('zero')).to.deep.equal({ type: 'Zero' });
    expect(parseConnectedAppRefreshPolicy('specific_lifetime:1:HOURS')).to.deep.equal({ type: 'SpecificLifetime', period: 1, unit: 'Hours' });
    expect(parseConnectedAppRefreshPolicy('specific_inactivity:3:MONTHS')).to.deep.equal({ type: 'SpecificInactivity', period: 3, unit: 'Months' });
    expect(parseConnectedAppRefreshPolicy('specific_lifetime')).to.equal(undefined);
    expect(parseConnectedAppRefreshPolicy('forever')).to.equal(undefined);
    expect(parseConnectedAppRefreshPolicy('infinite:1:DAYS')).to.equal(undefined);
  });

  it('counts refresh-token periods in days', () => {
    expect(refreshTokenPeriodDays({ type: 'SpecificLifetime', period: 48, unit: 'Hours' })).to.equal(2);
    expect(refreshTokenPeriodDays({ type: 'SpecificLifetime', period: 2, unit: 'Months' })).to.equal(60);
    expect(refreshTokenPeriodDays({ type: 'SpecificLifetime' })).to.equal(undefined);
  });

  it('maps Connected App IP relaxation and admin approval to the ECA enums', () => {
    const app = secureConnectedApp({ oauthConfig: { isAdminApproved: false }, oauthPolicy: { ipRelaxation: 'BYPASS_2FACTOR' } });
    expect(app.ipRelaxation).to.equal('Bypass_2factor');
    expect(app.permittedUsers).to.equal('AllSelfAuthorized');
    expect(secureConnectedApp({ oauthPolicy: { ipRelaxation: 'ENFORCE_RELAXREFRESH' } }).ipRelaxation).to.equal('Enforce_RelaxRefresh');
  });

  it('notes values it does not understand instead of guessing', () => {
    const ca = secureConnectedApp({ oauthPolicy: { ipRelaxation: 'SOMETIMES', refreshTokenPolicy: 'forever' } });
    expect(ca.ipRelaxation).to.equal(undefined);
    expect(ca.refreshTokenPolicy).to.equal(undefined);
    expect(ca.notes).to.have.length(2);
    const eca = secureEca({ oauthPolicies: { refreshTokenPolicyType: 'Never', permittedUsersPolicyType: 'Everyone' } });
    expect(eca.notes.join('\n')).to.match(/refreshTokenPolicyType "Never"/).and.match(/permittedUsersPolicyType "Everyone"/);
  });

  it('treats a boolean the source leaves out as false, and text in a boolean as false', () => {
    const app = secureEca({ globalOauthSettings: { isPkceRequired: undefined, isSecretRequiredForRefreshToken: '${REQUIRE}' } });
    expect(app.pkceRequired).to.equal(false);
    expect(app.secretRequired.refreshToken).to.equal(false);
  });

  it('needs the developer switch and, where present, the policy switch for client credentials and token exchange', () => {
    const half = secureEca({ globalOauthSettings: { isClientCredentialsFlowEnabled: true } });
    expect(half.flows.clientCredentials).to.equal(false);
    expect(half.switches.clientCredentials).to.deep.equal({ developer: true, policy: false });
    expect(secureEca({ oauthPolicies: null }).switches.tokenExchange).to.deep.equal({ developer: false });
    expect(
      secureEca({ globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true } }).flows.clientCredentials
    ).to.equal(true);
    // policy not in source: an admin may turn it on, so the developer switch decides
    expect(secureEca({ globalOauthSettings: { isTokenExchangeEnabled: true }, oauthPolicies: null }).flows.tokenExchange).to.equal(true);
    expect(secureConnectedApp({ oauthConfig: { isTokenExchangeEnabled: true } }).flows.tokenExchange).to.equal(false);
    expect(
      secureConnectedApp({ oauthConfig: { isTokenExchangeEnabled: true }, oauthPolicy: { isTokenExchangeFlowEnabled: true } }).flows.tokenExchange
    ).to.equal(true);
  });

  it('splits newline-separated callback URLs', () => {
    const app = secureEca({ globalOauthSettings: { callbackUrl: 'https://a.example/cb\r\n\nhttp://localhost:1717/OauthRedirect\n' } });
    expect(app.callbackUrls).to.deep.equal(['https://a.example/cb', 'http://localhost:1717/OauthRedirect']);
  });

  it('is off for a header-only ECA and for an ECA whose OAuth plugin is off', () => {
    const headerOnly = secureEca({ oauthSettings: null, globalOauthSettings: null, oauthPolicies: null, policies: null });
    expect(headerOnly.oauthEnabled).to.equal(false);
    expect(headerOnly.flows.authorizationCode).to.equal(false);
    expect(secureEca({ policies: { isOauthPluginEnabled: false } }).oauthEnabled).to.equal(false);
  });

  it('marks packaged ECAs', () => {
    expect(secureEca({ header: { distributionState: 'Packaged' } }).packaged).to.equal(true);
  });

  it('keeps placeholders unjudged', () => {
    expect(certificateFacts('${SF_CERT}')).to.deep.equal({ status: 'placeholder', value: '${SF_CERT}' });
    expect(certificateFacts(undefined)).to.equal(undefined);
    expect(certificateFacts('  ')).to.equal(undefined);
    expect(certificateFacts('not a certificate')?.status).to.equal('unreadable');
    expect(secureEca({ globalOauthSettings: { certificate: '${SF_CERT}' } }).flows.jwtBearer).to.equal(true);
  });

  it('records that a consumer secret is written, or a placeholder for one, and never keeps the secret', () => {
    const eca = secureEca({ globalOauthSettings: { consumerSecret: 'S3CRET-ECA-VALUE' } });
    const ca = secureConnectedApp({ oauthConfig: { consumerSecret: 'S3CRET-CA-VALUE' } });
    expect(eca.consumerSecret).to.equal('value');
    expect(ca.consumerSecret).to.equal('value');
    expect(JSON.stringify([eca, ca])).to.not.match(/S3CRET/);
    expect(secureEca({ globalOauthSettings: { consumerSecret: '${ACME_SECRET}' } }).consumerSecret).to.equal('placeholder');
    expect(secureEca().consumerSecret).to.equal(undefined);
    expect(fieldPath(eca, 'consumerSecret')).to.equal('globalOauthSettings.consumerSecret');
    expect(fieldPath(ca, 'consumerSecret')).to.equal('connectedApp.oauthConfig.consumerSecret');
  });

  it('injects org facts untouched', () => {
    const app = secureEca({}, { runAsUser: { username: 'int@acme.example', isApiOnly: true }, org: { id: '00D000000000001', name: 'prod' }, tokenUsage: { tokens: 3 } });
    expect(app.facts).to.deep.equal({
      runAsUser: { username: 'int@acme.example', isApiOnly: true },
      org: { id: '00D000000000001', name: 'prod' },
      tokenUsage: { tokens: 3 },
    });
  });

  describe('field paths and locations', () => {
    it('maps every setting to a field path of each kind', () => {
      for (const [setting, paths] of Object.entries(SETTING_FIELDS)) {
        expect(paths.eca, setting).to.match(/^(header|oauthSettings|globalOauthSettings|oauthPolicies)(\.|$)/);
        expect(paths.connectedApp, setting).to.match(/^connectedApp(\.|$)/);
      }
      expect(splitFieldPath('connectedApp.oauthPolicy.refreshTokenPolicy')).to.deep.equal({ component: 'connectedApp', field: 'oauthPolicy.refreshTokenPolicy' });
      expect(splitFieldPath('header')).to.deep.equal({ component: 'header', field: '' });
    });

    it('finds the line of a field, of its parent, or the file of its component', () => {
      const ca = secureConnectedApp();
      const ipLine = locate(ca, fieldPath(ca, 'ipRelaxation'));
      expect(ipLine?.file).to.match(/Acme_Legacy\.connectedApp-meta\.xml$/);
      expect(ipLine?.line).to.be.a('number').greaterThan(1);
      // certificate is absent: its parent oauthConfig is where it would go
      const cert = locate(ca, fieldPath(ca, 'certificate'));
      expect(cert?.line).to.equal(locate(ca, 'connectedApp.oauthConfig')?.line);
      const eca = secureEca({ oauthPolicies: null });
      expect(locate(eca, fieldPath(eca, 'refreshTokenPolicy'))).to.deep.equal({ file: 'force-app/main/default/header/Acme_CI.xml' });
    });
  });
});
