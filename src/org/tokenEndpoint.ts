/**
 * The token request and the two calls that prove the token works (userinfo and one REST query),
 * with plain fetch and none of the CLI's stored auth. The access token lives only inside
 * requestAndProveToken: it is never returned, stored, logged or printed; failures are redacted.
 *
 * Not pure (HTTP), so fetch is a parameter. It sits next to the pure token domain because the
 * flow it drives is the token domain's; it never touches the org's stored authorization.
 */
import { clockSkewSeconds, type FailureStage, type IssuedToken, parseFailure, readTokenResponse, type TokenFailure } from '../domain/token/response.js';
import { redact } from '../domain/token/redact.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type TokenUser = { id?: string; username?: string; name?: string; orgId?: string };

export type ProvedToken = {
  issued: IssuedToken;
  user: TokenUser;
  /** userinfo refused the token (the REST call still proved it): a warning, not a failure */
  userinfoFailure?: TokenFailure;
  /** the REST request that proved the token, without host */
  restCall: string;
  clockSkewSeconds?: number;
};

export type TokenProbe =
  | { ok: true; proved: ProvedToken }
  | { ok: false; failure: TokenFailure; issued?: IssuedToken; clockSkewSeconds?: number };

export type ProbeInput = {
  tokenEndpoint: string;
  form: URLSearchParams;
  /** API version of the REST call, e.g. "66.0" */
  apiVersion: string;
  /** values to redact from any failure text (the consumer secret, the assertion) */
  secrets: readonly string[];
  fetch?: FetchLike;
  timeoutMs?: number;
  now?: () => Date;
};

type Answer = { status: number; text: string; date: string | null };

async function call(fetchFn: FetchLike, url: string, init: RequestInit, timeoutMs: number): Promise<Answer | { error: string }> {
  try {
    const res = await fetchFn(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text(), date: res.headers.get('date') };
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return { error: `${e instanceof Error ? e.message : String(e)}${cause}` };
  }
}

function unreachable(stage: FailureStage, error: string, secrets: readonly string[]): TokenFailure {
  return { stage, status: 0, description: redact(error, secrets) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Requests a token, then proves it with userinfo and a REST query; the token never leaves. */
export async function requestAndProveToken(input: ProbeInput): Promise<TokenProbe> {
  const fetchFn = input.fetch ?? ((url: string, init: RequestInit): Promise<Response> => fetch(url, init));
  const timeoutMs = input.timeoutMs ?? 60_000;
  const now = input.now ?? ((): Date => new Date());

  const answer = await call(
    fetchFn,
    input.tokenEndpoint,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: input.form.toString() },
    timeoutMs
  );
  if ('error' in answer) return { ok: false, failure: unreachable('token', answer.error, input.secrets) };
  const skew = clockSkewSeconds(answer.date, now());
  if (answer.status !== 200) return { ok: false, failure: parseFailure('token', answer.status, answer.text, input.secrets), clockSkewSeconds: skew };
  const read = readTokenResponse(parseJson(answer.text));
  if (!read) {
    return { ok: false, failure: { stage: 'token', status: answer.status, description: 'the answer holds no access token' }, clockSkewSeconds: skew };
  }

  const { issued } = read;
  const secrets = [...input.secrets, read.accessToken];
  const headers = { authorization: `Bearer ${read.accessToken}`, accept: 'application/json' };
  const instance = issued.instanceUrl ?? new URL(input.tokenEndpoint).origin;

  const info = await call(fetchFn, `${instance}/services/oauth2/userinfo`, { headers }, timeoutMs);
  let userinfoFailure: TokenFailure | undefined;
  const user: TokenUser = { id: issued.userId, orgId: issued.orgId };
  if ('error' in info) {
    userinfoFailure = unreachable('userinfo', info.error, secrets);
  } else if (info.status !== 200) {
    userinfoFailure = parseFailure('userinfo', info.status, info.text, secrets);
  } else {
    const body = parseJson(info.text);
    if (typeof body === 'object' && body !== null) {
      const b = body as Record<string, unknown>;
      user.id = str(b.user_id) ?? user.id;
      user.orgId = str(b.organization_id) ?? user.orgId;
      user.username = str(b.preferred_username);
      user.name = str(b.name);
    }
  }
  if (userinfoFailure && userinfoFailure.status >= 500) return { ok: false, failure: userinfoFailure, issued, clockSkewSeconds: skew };

  const soql = user.id && /^005[A-Za-z0-9]{12,15}$/.test(user.id) ? `SELECT Id, Username FROM User WHERE Id = '${user.id}'` : 'SELECT Id FROM Organization';
  const restPath = `/services/data/v${input.apiVersion}/query?q=${encodeURIComponent(soql)}`;
  const rest = await call(fetchFn, `${instance}${restPath}`, { headers }, timeoutMs);
  if ('error' in rest) return { ok: false, failure: unreachable('rest', rest.error, secrets), issued, clockSkewSeconds: skew };
  if (rest.status !== 200) return { ok: false, failure: parseFailure('rest', rest.status, rest.text, secrets), issued, clockSkewSeconds: skew };
  const records = (parseJson(rest.text) as { records?: Array<Record<string, unknown>> } | undefined)?.records ?? [];
  user.username ??= str(records[0]?.Username);

  return { ok: true, proved: { issued, user, userinfoFailure, restCall: `GET /services/data/v${input.apiVersion}/query?q=${soql}`, clockSkewSeconds: skew } };
}
