import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { certificateBody } from '../../../src/domain/certificate.js';
import { certificateFacts, matchKeyToCertificate, PrivateKeyError, readPrivateKey } from '../../../src/domain/token/keys.js';
import { makeCert, type TestCert } from '../../helpers/certs.js';

function problemOf(pem: string): string | undefined {
  try {
    readPrivateKey(pem);
    return undefined;
  } catch (e) {
    expect(e).to.be.instanceOf(PrivateKeyError);
    expect((e as Error).message).to.not.contain('PRIVATE KEY');
    return (e as PrivateKeyError).problem;
  }
}

describe('token keys and certificates', () => {
  let a: TestCert;
  let b: TestCert;
  let old: TestCert;
  const now = new Date();

  before(async () => {
    [a, b, old] = await Promise.all([makeCert(365, -1, 'Acme CI'), makeCert(365, -1, 'Other'), makeCert(-2, -30, 'Old CI')]);
  });

  describe('readPrivateKey', () => {
    it('reads an RSA private key (PKCS#8 and PKCS#1)', () => {
      expect(readPrivateKey(a.key).asymmetricKeyType).to.equal('rsa');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      expect(privateKey).to.contain('BEGIN RSA PRIVATE KEY');
      expect(readPrivateKey(privateKey).asymmetricKeyType).to.equal('rsa');
    });

    it('names what is wrong: a certificate, an encrypted key, an EC key, garbage', () => {
      expect(problemOf(a.cert)).to.equal('not-a-private-key');
      expect(problemOf('hello')).to.equal('not-a-private-key');
      const encrypted = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
      }).privateKey;
      expect(problemOf(encrypted)).to.equal('encrypted');
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).privateKey;
      expect(problemOf(ec)).to.equal('not-rsa');
      expect(problemOf('-----BEGIN PRIVATE KEY-----\nnotbase64\n-----END PRIVATE KEY-----\n')).to.equal('not-a-private-key');
    });
  });

  describe('matchKeyToCertificate', () => {
    it('matches the key of the certificate, with the certificate\'s subject and SHA-256 fingerprint', () => {
      const m = matchKeyToCertificate(readPrivateKey(a.key), a.cert, now);
      expect(m?.matches).to.equal(true);
      expect(m?.certificate.subject).to.contain('CN=Acme CI');
      expect(m?.certificate.fingerprint256).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(m?.certificate.expired).to.equal(false);
      expect(m?.keyFingerprint).to.equal(m?.certificateKeyFingerprint);
    });

    it('tells another key apart, naming both public key fingerprints', () => {
      const m = matchKeyToCertificate(readPrivateKey(b.key), a.cert, now);
      expect(m?.matches).to.equal(false);
      expect(m?.keyFingerprint).to.not.equal(m?.certificateKeyFingerprint);
      expect(m?.keyFingerprint).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    });

    it('reads a certificate given as bare base64 (as Connected Apps hold it)', () => {
      expect(matchKeyToCertificate(readPrivateKey(a.key), certificateBody(a.cert), now)?.matches).to.equal(true);
    });

    it('says an expired certificate is expired (and still compares the key)', () => {
      const m = matchKeyToCertificate(readPrivateKey(old.key), old.cert, now);
      expect(m).to.deep.include({ matches: true });
      expect(m?.certificate.expired).to.equal(true);
      expect(m?.certificate.daysLeft).to.be.lessThan(0);
    });

    it('has nothing to compare for no certificate, a placeholder or a value that is not X.509', () => {
      const key = readPrivateKey(a.key);
      expect(matchKeyToCertificate(key, undefined, now)).to.equal(undefined);
      expect(matchKeyToCertificate(key, '${CI_CERTIFICATE}', now)).to.equal(undefined);
      expect(matchKeyToCertificate(key, 'not a certificate', now)).to.equal(undefined);
      expect(certificateFacts('${CI_CERTIFICATE}', now)).to.equal(undefined);
    });
  });
});
