/**
 * JSON Web Tokens: signing the JWT bearer assertion (RS256, with jsonwebtoken, as
 * @salesforce/core does for `sf org login jwt`), and reading the payload of an access token that
 * is a JWT. The payload is only decoded, never verified: this is a report, not a trust decision.
 */
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtClaims } from './flows.js';

/** Signs the assertion. jsonwebtoken adds `iat`, as it does for @salesforce/core. */
export function signAssertion(claims: JwtClaims, privateKey: KeyObject): string {
  return jwt.sign({ ...claims }, privateKey, { algorithm: 'RS256' });
}

const JWT_RE = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/;

/** True when the token has the three base64url parts of a JWT. */
export function looksLikeJwt(token: string): boolean {
  return JWT_RE.test(token);
}

/** The payload of a JWT as an object; undefined when it is not a JWT with a JSON object payload. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const m = JWT_RE.exec(token);
  if (!m) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export type JwtTokenTimes = { issuedAt?: string; expiresAt?: string; notBefore?: string };

function isoFromSeconds(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000).toISOString() : undefined;
}

/** The times a JWT access token states (iat, exp, nbf), as ISO 8601. */
export function jwtTimes(token: string): JwtTokenTimes | undefined {
  const payload = decodeJwtPayload(token);
  if (!payload) return undefined;
  return { issuedAt: isoFromSeconds(payload.iat), expiresAt: isoFromSeconds(payload.exp), notBefore: isoFromSeconds(payload.nbf) };
}
