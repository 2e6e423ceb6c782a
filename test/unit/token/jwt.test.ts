import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { buildJwtClaims } from '../../../src/domain/token/flows.js';
import { decodeJwtPayload, jwtTimes, looksLikeJwt, signAssertion } from '../../../src/domain/token/jwt.js';
import { readPrivateKey } from '../../../src/domain/token/keys.js';
import { makeCert, type TestCert } from '../../helpers/certs.js';

const b64url = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('token JWTs', () => {
  let cert: TestCert;
  before(async () => {
    cert = await makeCert(365);
  });

  it('signs the assertion with RS256 so that the certificate verifies it, with the claims asked for', () => {
    const now = new Date();
    const claims = buildJwtClaims({ consumerKey: '3MVG9key', username: 'ci@acme.example', audience: 'https://test.salesforce.com', now });
    const assertion = signAssertion(claims, readPrivateKey(cert.key));
    const verified = jwt.verify(assertion, cert.cert, { algorithms: ['RS256'] }) as jwt.JwtPayload;
    expect(verified).to.include({ iss: '3MVG9key', sub: 'ci@acme.example', aud: 'https://test.salesforce.com', exp: claims.exp });
    expect(jwt.decode(assertion, { complete: true })?.header.alg).to.equal('RS256');
  });

  it('decodes a JWT access token\'s payload without verifying it, and reads its times', () => {
    const token = `${b64url({ alg: 'RS256', kid: 'x' })}.${b64url({ iat: 1_767_225_600, exp: 1_767_227_400, scp: ['api'] })}.c2lnbmF0dXJl`;
    expect(looksLikeJwt(token)).to.equal(true);
    expect(decodeJwtPayload(token)).to.deep.include({ iat: 1_767_225_600 });
    expect(jwtTimes(token)).to.deep.equal({ issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:30:00.000Z', notBefore: undefined });
  });

  it('leaves opaque tokens and broken payloads alone', () => {
    expect(looksLikeJwt('00D5g00000DevSm!AQ4AQFa.xyz_123')).to.equal(false);
    expect(decodeJwtPayload('00D5g00000DevSm!AQ4AQFa.xyz_123')).to.equal(undefined);
    expect(decodeJwtPayload(`${b64url({ alg: 'none' })}.bm90IGpzb24.`)).to.equal(undefined);
    expect(decodeJwtPayload(`${b64url({ alg: 'none' })}.${Buffer.from('[1]').toString('base64url')}.`)).to.equal(undefined);
  });
});
