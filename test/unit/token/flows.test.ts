import { expect } from 'chai';
import {
  ASSERTION_LIFETIME_SECONDS,
  buildJwtClaims,
  chooseAudience,
  clientCredentialsForm,
  consumerIdOf,
  isGenericLoginHost,
  JWT_BEARER_GRANT,
  jwtBearerForm,
  normalizeAudience,
  PRODUCTION_AUDIENCE,
  SANDBOX_AUDIENCE,
  tokenEndpointOf,
} from '../../../src/domain/token/flows.js';

describe('token flows', () => {
  describe('chooseAudience', () => {
    it('picks https://test.salesforce.com for a sandbox and https://login.salesforce.com otherwise', () => {
      expect(chooseAudience({ isSandbox: true })).to.deep.equal({ audience: SANDBOX_AUDIENCE, source: 'sandbox' });
      expect(chooseAudience({ isSandbox: false })).to.deep.equal({ audience: PRODUCTION_AUDIENCE, source: 'production' });
      expect(SANDBOX_AUDIENCE).to.equal('https://test.salesforce.com');
      expect(PRODUCTION_AUDIENCE).to.equal('https://login.salesforce.com');
    });

    it('lets --audience override the org kind', () => {
      expect(chooseAudience({ isSandbox: true, override: 'https://acme--uat.sandbox.my.salesforce.com' })).to.deep.equal({
        audience: 'https://acme--uat.sandbox.my.salesforce.com',
        source: 'flag',
      });
    });
  });

  describe('normalizeAudience', () => {
    it('keeps an http(s) URL without its trailing slash, and refuses anything else', () => {
      expect(normalizeAudience('https://test.salesforce.com/')).to.equal('https://test.salesforce.com');
      expect(normalizeAudience(' https://acme.my.salesforce.com ')).to.equal('https://acme.my.salesforce.com');
      expect(normalizeAudience('login.salesforce.com')).to.equal(undefined);
      expect(normalizeAudience('ftp://login.salesforce.com')).to.equal(undefined);
      expect(normalizeAudience('https://login.salesforce.com/?x=1')).to.equal(undefined);
    });
  });

  describe('buildJwtClaims', () => {
    it('iss is the consumer key, sub the username, aud the audience, exp three minutes ahead', () => {
      const now = new Date('2026-03-01T12:00:00.500Z');
      expect(buildJwtClaims({ consumerKey: '3MVG9abc', username: 'ci@acme.example', audience: PRODUCTION_AUDIENCE, now })).to.deep.equal({
        iss: '3MVG9abc',
        sub: 'ci@acme.example',
        aud: 'https://login.salesforce.com',
        exp: Math.floor(now.getTime() / 1000) + 180,
      });
      expect(ASSERTION_LIFETIME_SECONDS).to.equal(180);
    });
  });

  describe('the token endpoint', () => {
    it('is <instance URL>/services/oauth2/token, whatever trailing slashes the stored URL has', () => {
      expect(tokenEndpointOf('https://acme.my.salesforce.com/')).to.equal('https://acme.my.salesforce.com/services/oauth2/token');
      expect(tokenEndpointOf('https://acme.my.salesforce.com')).to.equal('https://acme.my.salesforce.com/services/oauth2/token');
    });

    it('knows the generic login hosts, which are not a My Domain', () => {
      expect(isGenericLoginHost('https://login.salesforce.com')).to.equal(true);
      expect(isGenericLoginHost('https://TEST.salesforce.com/')).to.equal(true);
      expect(isGenericLoginHost('https://acme.my.salesforce.com')).to.equal(false);
      expect(isGenericLoginHost('not a url')).to.equal(false);
    });
  });

  describe('forms', () => {
    it('client credentials and JWT bearer grants', () => {
      expect(Object.fromEntries(clientCredentialsForm('key', 'secret'))).to.deep.equal({ grant_type: 'client_credentials', client_id: 'key', client_secret: 'secret' });
      expect(Object.fromEntries(jwtBearerForm('a.b.c'))).to.deep.equal({ grant_type: JWT_BEARER_GRANT, assertion: 'a.b.c' });
    });
  });

  describe('consumerIdOf', () => {
    it('reads the consumer id from OauthSettings.oauthLink (<OrgId>:<ConsumerId>)', () => {
      expect(consumerIdOf('00D5g00000DevSm:8885g0000000001')).to.equal('8885g0000000001');
      expect(consumerIdOf('00D5g00000DevSmEAJ:8885g0000000001AAA')).to.equal('8885g0000000001AAA');
      expect(consumerIdOf(undefined)).to.equal(undefined);
      expect(consumerIdOf('${ORG}:${CONSUMER}')).to.equal(undefined);
    });
  });
});
