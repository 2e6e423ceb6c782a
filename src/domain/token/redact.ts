/**
 * Keeps credentials out of everything the command prints or returns: access tokens, refresh
 * tokens, the consumer secret, the signed assertion and private keys. Known values are replaced
 * wherever they appear; token-shaped strings are replaced even when not known (an error body that
 * echoes one, for instance).
 */
import { REDACTED } from '../secrets.js';

const PATTERNS: readonly RegExp[] = [
  // an opaque Salesforce access token: 00D + 12 or 15 characters, "!", the rest
  /\b00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._-]{10,}/g,
  // a JWT (assertion or JWT access token): three base64url parts, the first a JSON header
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  // a PEM private key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // a refresh token as Salesforce issues them
  /\b5Aep861[A-Za-z0-9._]{20,}/g,
];

/** Replaces the known secrets and anything token-shaped in a text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join(REDACTED);
  }
  for (const p of PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

/** The same for every string inside a JSON-like value (arrays and plain objects). */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, secrets)) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  }
  return value;
}

/**
 * Where a value still holds a secret or something token-shaped: the JSON paths, empty when clean.
 * Tests use it to scan results, messages and output.
 */
export function findLeaks(value: unknown, secrets: readonly string[] = [], path = '$'): string[] {
  if (typeof value === 'string') return redact(value, secrets) === value ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => findLeaks(v, secrets, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => findLeaks(v, secrets, `${path}.${k}`));
  }
  return [];
}

/**
 * Redacts an error before it leaves the command: its message, stack, actions and data, and its
 * cause (an error from a library might quote a request). Returns the same error.
 */
export function redactError<E>(e: E, secrets: readonly string[] = [], depth = 0): E {
  if (!(e instanceof Error) || depth > 3) return e;
  const err = e as Error & { actions?: unknown; data?: unknown; cause?: unknown };
  err.message = redact(err.message, secrets);
  if (err.stack) err.stack = redact(err.stack, secrets);
  if (Array.isArray(err.actions)) err.actions = err.actions.map((a: unknown) => (typeof a === 'string' ? redact(a, secrets) : a));
  if (err.data !== undefined) {
    try {
      err.data = redactDeep(err.data, secrets);
    } catch {
      err.data = undefined;
    }
  }
  if (err.cause !== undefined) {
    try {
      if (err.cause instanceof Error) redactError(err.cause, secrets, depth + 1);
      else if (typeof err.cause === 'string') err.cause = redact(err.cause, secrets);
    } catch {
      // a read-only cause: leave it, it is never printed by the CLI
    }
  }
  return e;
}
