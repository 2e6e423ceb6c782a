/**
 * The private key of a JWT bearer client and the app's certificate: reading the key, and whether
 * the key is the one the certificate certifies (same public key). node:crypto only; no file access.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { certificateBody, isPlaceholder, parseCertificate } from '../certificate.js';

export type KeyProblem = 'not-a-private-key' | 'encrypted' | 'not-rsa';

export class PrivateKeyError extends Error {
  public constructor(public readonly problem: KeyProblem, detail: string) {
    super(detail);
    this.name = 'PrivateKeyError';
  }
}

/**
 * Reads a PEM private key (PKCS#1 or PKCS#8). RS256 needs an RSA key. The error never carries
 * the key text.
 */
export function readPrivateKey(pem: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    throw new PrivateKeyError('encrypted', 'the private key is encrypted with a passphrase');
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem)) {
    throw new PrivateKeyError('not-a-private-key', /-----BEGIN (CERTIFICATE|PUBLIC KEY)-----/.test(pem) ? 'the file holds a certificate or public key, not a private key' : 'no PEM private key found');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    const code = (e as { code?: unknown } | undefined)?.code;
    const reason = typeof code === 'string' ? code : 'unreadable';
    throw new PrivateKeyError('not-a-private-key', `the private key cannot be read (${reason})`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new PrivateKeyError('not-rsa', `the private key is ${key.asymmetricKeyType ?? 'not'} an RSA key; RS256 needs RSA`);
  }
  return key;
}

function spkiSha256(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?=.)/g, '$1:');
}

export type CertificateFacts = {
  subject: string;
  /** SHA-256 fingerprint of the certificate, colon separated (as Setup and openssl show it) */
  fingerprint256: string;
  validTo: string;
  expired: boolean;
  daysLeft: number;
};

export type KeyCertificateMatch = {
  /** the key's public half is the certificate's public key */
  matches: boolean;
  certificate: CertificateFacts;
  /** SHA-256 of the key's public half (SubjectPublicKeyInfo DER): names the key without showing it */
  keyFingerprint: string;
  certificateKeyFingerprint: string;
};

/** The facts of the app's certificate, or undefined for a placeholder or an unreadable value. */
export function certificateFacts(certificate: string | undefined, now: Date): CertificateFacts | undefined {
  if (!certificate || isPlaceholder(certificate)) return undefined;
  try {
    const info = parseCertificate(certificate, now);
    return { subject: info.subject, fingerprint256: info.fingerprint256, validTo: info.validTo, expired: new Date(info.validTo).getTime() < now.getTime(), daysLeft: info.daysLeft };
  } catch {
    return undefined;
  }
}

/**
 * Compares the private key with the app's certificate. Undefined when the app has no readable
 * certificate (none, a placeholder, or not X.509).
 */
export function matchKeyToCertificate(privateKey: KeyObject, certificate: string | undefined, now: Date): KeyCertificateMatch | undefined {
  const facts = certificateFacts(certificate, now);
  if (!facts || !certificate) return undefined;
  const cert = new X509Certificate(Buffer.from(certificateBody(certificate), 'base64'));
  const keyPublic = createPublicKey(privateKey);
  return {
    matches: keyPublic.equals(cert.publicKey),
    certificate: facts,
    keyFingerprint: spkiSha256(keyPublic),
    certificateKeyFingerprint: spkiSha256(cert.publicKey),
  };
}
