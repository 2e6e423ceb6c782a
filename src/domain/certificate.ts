/**
 * X.509 certificates as ECAs hold them (GlobalOauthSettings.certificate, which enables the JWT
 * bearer flow). Parsing uses node:crypto; no file or network access here.
 */
import { X509Certificate } from 'node:crypto';

export type CertificateInfo = {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  /** whole days from `now` until it expires; negative once expired */
  daysLeft: number;
};

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/;

/** True for a value a pipeline substitutes later (${VAR}, @VAR), which cannot be checked here. */
export function isPlaceholder(value: string): boolean {
  return /\$\{[^}]+\}/.test(value) || /^@[A-Z0-9_]+$/.test(value.trim());
}

/** The base64 body of a certificate given as PEM or as bare base64 (as Connected Apps retrieve it). */
export function certificateBody(value: string): string {
  const m = PEM_RE.exec(value);
  return (m ? m[1] : value).replace(/\s+/g, '');
}

const PEM_BLOCKS = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g;

/**
 * The DER bytes of a certificate given as PEM (every certificate block of a chain, in order) or as
 * bare base64; undefined for text that is neither. Two values are the same certificate exactly when
 * these bytes are equal: line breaks, padding and PEM armour do not count.
 */
export function certificateDer(value: string): Buffer | undefined {
  const blocks = [...value.matchAll(PEM_BLOCKS)].map((m) => m[1]);
  const bodies = (blocks.length ? blocks : [value]).map((b) => b.replace(/\s+/g, ''));
  if (bodies.some((b) => b.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b))) return undefined;
  return Buffer.concat(bodies.map((b) => Buffer.from(b, 'base64')));
}

/** Normalises a PEM or bare base64 certificate to PEM with 64-character lines. */
export function toPem(value: string): string {
  const body = certificateBody(value);
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Parses a certificate; throws when it is not an X.509 certificate. */
export function parseCertificate(value: string, now: Date = new Date()): CertificateInfo {
  const cert = new X509Certificate(Buffer.from(certificateBody(value), 'base64'));
  const validTo = new Date(cert.validTo);
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    fingerprint256: cert.fingerprint256,
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / 86_400_000),
  };
}
