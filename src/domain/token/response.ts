/**
 * What Salesforce answers: a token response described without its tokens, the identity URL, and
 * the failures of the token endpoint, userinfo and REST as one shape for the explanation table.
 * Pure: parses text already received.
 */
import { jwtTimes, looksLikeJwt } from './jwt.js';
import { redact } from './redact.js';

/** Which request failed: the token request, or one of the two calls that prove the token works. */
export type FailureStage = 'token' | 'userinfo' | 'rest';

export type TokenFailure = {
  stage: FailureStage;
  /** HTTP status; 0 when no HTTP answer came back */
  status: number;
  /** OAuth `error` (invalid_grant, ...) or REST `errorCode` (INVALID_SESSION_ID, ...) */
  error?: string;
  /** OAuth `error_description` or REST `message`; the start of the body when it is not JSON */
  description?: string;
};

/** A token response, described: never the access token or refresh token themselves. */
export type IssuedToken = {
  tokenType: string;
  scopes: string[];
  instanceUrl?: string;
  identityUrl?: string;
  orgId?: string;
  userId?: string;
  /** when Salesforce issued it (its `issued_at`, milliseconds), ISO 8601 */
  issuedAt?: string;
  /** `jwt` when the access token is a JWT (ECAs can issue them), else `opaque` */
  format: 'jwt' | 'opaque';
  /** from the JWT access token's `exp`; opaque tokens do not say */
  expiresAt?: string;
  refreshTokenIssued: boolean;
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `https://host/id/<orgId>/<userId>` -> the two ids. */
export function parseIdentityUrl(id: string | undefined): { orgId: string; userId: string } | undefined {
  const m = /\/id\/(00D[A-Za-z0-9]{12,15})\/(005[A-Za-z0-9]{12,15})\/?$/.exec(id ?? '');
  return m ? { orgId: m[1], userId: m[2] } : undefined;
}

function isoFromMillis(v: unknown): string | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : undefined;
}

/**
 * The access token and a description of the rest of a successful token response; undefined when
 * the body has no access token. Callers keep the token to themselves.
 */
export function readTokenResponse(body: unknown): { accessToken: string; issued: IssuedToken } | undefined {
  if (!isRecord(body)) return undefined;
  const accessToken = str(body.access_token);
  if (!accessToken) return undefined;
  const identityUrl = str(body.id);
  const ids = parseIdentityUrl(identityUrl);
  const jwt = looksLikeJwt(accessToken) ? jwtTimes(accessToken) : undefined;
  return {
    accessToken,
    issued: {
      tokenType: str(body.token_type) ?? 'Bearer',
      scopes: (str(body.scope) ?? '').split(/\s+/).filter(Boolean),
      instanceUrl: str(body.instance_url)?.replace(/\/+$/, ''),
      identityUrl,
      orgId: ids?.orgId,
      userId: ids?.userId,
      issuedAt: isoFromMillis(body.issued_at) ?? jwt?.issuedAt,
      format: jwt ? 'jwt' : 'opaque',
      expiresAt: jwt?.expiresAt,
      refreshTokenIssued: str(body.refresh_token) !== undefined,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function snippet(text: string): string | undefined {
  const t = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t ? (t.length > 200 ? `${t.slice(0, 200)}...` : t) : undefined;
}

/**
 * A failed answer as a TokenFailure: the OAuth body `{"error","error_description"}`, a REST
 * body `[{"errorCode","message"}]`, or the start of any other body. Known secrets are redacted.
 */
export function parseFailure(stage: FailureStage, status: number, text: string, secrets: readonly string[] = []): TokenFailure {
  const body = parseJson(text);
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  let error: string | undefined;
  let description: string | undefined;
  if (isRecord(first)) {
    error = str(first.error) ?? str(first.errorCode);
    description = str(first.error_description) ?? str(first.message);
  } else {
    description = snippet(text);
  }
  return {
    stage,
    status,
    ...(error ? { error: redact(error, secrets) } : {}),
    ...(description ? { description: redact(description, secrets) } : {}),
  };
}

/** Seconds the server's clock is ahead of ours (negative: behind), from an HTTP Date header. */
export function clockSkewSeconds(dateHeader: string | null | undefined, localTime: Date): number | undefined {
  if (!dateHeader) return undefined;
  const server = Date.parse(dateHeader);
  if (!Number.isFinite(server)) return undefined;
  return Math.round((server - localTime.getTime()) / 1000);
}
