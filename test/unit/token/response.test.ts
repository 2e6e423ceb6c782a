import { expect } from 'chai';
import { clockSkewSeconds, parseFailure, parseIdentityUrl, readTokenResponse } from '../../../src/domain/token/response.js';

const b64url = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('token responses', () => {
  it('describes an opaque token response without its tokens', () => {
    const read = readTokenResponse({
      access_token: '00D5g00000DevSm!AQ4AQ.secret.token',
      refresh_token: '5Aep861secret',
      signature: 'sig',
      scope: 'api refresh_token',
      instance_url: 'https://acme.my.salesforce.com/',
      id: 'https://login.salesforce.com/id/00D5g00000DevSmEAJ/0055g0000000009AAA',
      token_type: 'Bearer',
      issued_at: '1767225600000',
    });
    expect(read?.accessToken).to.equal('00D5g00000DevSm!AQ4AQ.secret.token');
    expect(read?.issued).to.deep.equal({
      tokenType: 'Bearer',
      scopes: ['api', 'refresh_token'],
      instanceUrl: 'https://acme.my.salesforce.com',
      identityUrl: 'https://login.salesforce.com/id/00D5g00000DevSmEAJ/0055g0000000009AAA',
      orgId: '00D5g00000DevSmEAJ',
      userId: '0055g0000000009AAA',
      issuedAt: '2026-01-01T00:00:00.000Z',
      format: 'opaque',
      expiresAt: undefined,
      refreshTokenIssued: true,
    });
    expect(JSON.stringify(read?.issued)).to.not.contain('secret');
  });

  it('reads the expiry of a JWT access token', () => {
    const token = `${b64url({ alg: 'RS256' })}.${b64url({ iat: 1_767_225_600, exp: 1_767_227_400 })}.c2ln`;
    const read = readTokenResponse({ access_token: token, token_type: 'Bearer', scope: 'api' });
    expect(read?.issued).to.deep.include({ format: 'jwt', expiresAt: '2026-01-01T00:30:00.000Z', issuedAt: '2026-01-01T00:00:00.000Z', refreshTokenIssued: false });
  });

  it('has nothing to describe without an access token', () => {
    expect(readTokenResponse({ error: 'x' })).to.equal(undefined);
    expect(readTokenResponse('text')).to.equal(undefined);
  });

  it('reads the org and user ids of an identity URL', () => {
    expect(parseIdentityUrl('https://x/id/00D5g00000DevSm/0055g0000000009')).to.deep.equal({ orgId: '00D5g00000DevSm', userId: '0055g0000000009' });
    expect(parseIdentityUrl('https://x/services/data')).to.equal(undefined);
  });

  it('parses OAuth errors, REST errors and other bodies into one failure shape, redacting secrets', () => {
    expect(parseFailure('token', 400, '{"error":"invalid_grant","error_description":"user hasn\'t approved this consumer"}')).to.deep.equal({
      stage: 'token',
      status: 400,
      error: 'invalid_grant',
      description: "user hasn't approved this consumer",
    });
    expect(parseFailure('rest', 401, '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]')).to.deep.equal({
      stage: 'rest',
      status: 401,
      error: 'INVALID_SESSION_ID',
      description: 'Session expired or invalid',
    });
    expect(parseFailure('userinfo', 403, 'Bad_OAuth_Token')).to.deep.equal({ stage: 'userinfo', status: 403, description: 'Bad_OAuth_Token' });
    expect(parseFailure('token', 502, '<html><body><h1>Bad gateway</h1></body></html>')).to.deep.equal({ stage: 'token', status: 502, description: 'Bad gateway' });
    expect(parseFailure('token', 400, '{"error":"invalid_client","error_description":"bad s3cr3tvalue"}', ['s3cr3tvalue']).description).to.equal('bad [REDACTED]');
  });

  it('measures the clock difference from the Date header', () => {
    const local = new Date('2026-01-01T00:00:00Z');
    expect(clockSkewSeconds('Thu, 01 Jan 2026 00:05:00 GMT', local)).to.equal(300);
    expect(clockSkewSeconds('Wed, 31 Dec 2025 23:59:00 GMT', local)).to.equal(-60);
    expect(clockSkewSeconds(null, local)).to.equal(undefined);
    expect(clockSkewSeconds('nonsense', local)).to.equal(undefined);
  });
});
