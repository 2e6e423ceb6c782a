/**
 * A client-credentials login stored where the CLI keeps its auth, and its renewal.
 *
 * The token is minted with plain fetch (the grant @salesforce/core does not have), then stored
 * with @salesforce/core's AuthInfo as an access-token login (as `sf org login access-token`
 * stores one: ~/.sfdx/<username>.json, the token encrypted with the CLI's key), so every sf
 * command uses it. Two fields of our own go with it:
 *   - ecaLoginFlow "client-credentials": marks the login as ours (plain; the prerun hook looks for it);
 *   - ecaClientSecret: the consumer secret, encrypted by AuthInfo like the CLI's own tokens and
 *     secrets (AuthInfoConfig encrypts every field whose name matches /token/, /password/, /secret/).
 * clientId is the consumer key (not a secret). `sf org logout` removes the whole file.
 *
 * @salesforce/core renews only refresh-token and JWT logins; ours is renewed by renewStoredLogin
 * (the prerun hook, src/hooks/prerun.ts): a probe of the stored token, a new token when it expired.
 */
import { stat } from 'node:fs/promises';
import { AuthInfo, type AuthFields, StateAggregator } from '@salesforce/core';
import { clientCredentialsForm, tokenEndpointOf } from '../domain/token/flows.js';
import { type IssuedToken, parseFailure, readTokenResponse, type TokenFailure } from '../domain/token/response.js';

/** The marker field and its value: a login `sf eca login client-credentials` stored. */
export const LOGIN_FLOW_FIELD = 'ecaLoginFlow';
export const LOGIN_FLOW = 'client-credentials';
/** Encrypted by AuthInfo (its name matches /secret/i). */
export const SECRET_FIELD = 'ecaClientSecret';

const TIMEOUT_MS = 60_000;

export type Minted = { ok: true; accessToken: string; issued: IssuedToken } | { ok: false; failure: TokenFailure };

async function call(url: string, init: RequestInit, timeoutMs = TIMEOUT_MS): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return { error: `${e instanceof Error ? e.message : String(e)}${cause}` };
  }
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The client credentials grant at the org's token endpoint; failures carry no secret. */
export async function mintToken(instanceUrl: string, clientId: string, clientSecret: string): Promise<Minted> {
  const answer = await call(tokenEndpointOf(instanceUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: clientCredentialsForm(clientId, clientSecret).toString(),
  });
  if ('error' in answer) return { ok: false, failure: { stage: 'token', status: 0, description: answer.error.split(clientSecret).join('[REDACTED]') } };
  if (answer.status !== 200) return { ok: false, failure: parseFailure('token', answer.status, answer.text, [clientSecret]) };
  const read = readTokenResponse(json(answer.text));
  if (!read) return { ok: false, failure: { stage: 'token', status: answer.status, description: 'the answer holds no access token' } };
  return { ok: true, accessToken: read.accessToken, issued: read.issued };
}

/** The token's user, with one REST query (a client credentials token may not reach userinfo). */
export async function tokenUser(instanceUrl: string, accessToken: string, apiVersion: string, userId: string): Promise<{ ok: true; username: string } | { ok: false; failure: TokenFailure }> {
  const soql = `SELECT Id, Username FROM User WHERE Id = '${userId.replace(/[^A-Za-z0-9]/g, '')}'`;
  const answer = await call(`${instanceUrl}/services/data/v${apiVersion}/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if ('error' in answer) return { ok: false, failure: { stage: 'rest', status: 0, description: answer.error } };
  if (answer.status !== 200) return { ok: false, failure: parseFailure('rest', answer.status, answer.text, [accessToken]) };
  const username = (json(answer.text) as { records?: Array<{ Username?: unknown }> } | undefined)?.records?.[0]?.Username;
  return typeof username === 'string' ? { ok: true, username } : { ok: false, failure: { stage: 'rest', status: answer.status, description: 'the User query returned no username' } };
}

export type StoreInput = {
  accessToken: string;
  instanceUrl: string;
  username: string;
  orgId: string;
  userId: string;
  clientId: string;
  clientSecret: string;
  alias: string;
  setDefault: boolean;
};

/**
 * Stores the login as AuthInfo stores an access-token login (the CLI then reads the org's kind
 * and Dev Hub status with the token), plus the consumer key and the encrypted secret. A refresh
 * token or JWT key left by an earlier login of the same user is removed: the login is ours.
 * When the file kept its old values (saveChecked), nothing more is written and `lost` says why.
 */
export async function storeLogin(s: StoreInput): Promise<AuthFields | { lost: LostSave }> {
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken: s.accessToken, instanceUrl: s.instanceUrl, loginUrl: s.instanceUrl, username: s.username, orgId: s.orgId, userId: s.userId },
  });
  const ours = { clientId: s.clientId, refreshToken: undefined, privateKey: undefined, authCode: undefined, [LOGIN_FLOW_FIELD]: LOGIN_FLOW, [SECRET_FIELD]: s.clientSecret } as AuthFields;
  const lost = await saveChecked(authInfo, s.username, ours, { accessToken: s.accessToken, [SECRET_FIELD]: s.clientSecret, [LOGIN_FLOW_FIELD]: LOGIN_FLOW });
  if (lost) return { lost };
  await authInfo.handleAliasAndDefaultSettings({ alias: s.alias, setDefault: s.setDefault, setDefaultDevHub: false });
  const fields = authInfo.getFields();
  return { username: fields.username, orgId: fields.orgId, instanceUrl: fields.instanceUrl, isDevHub: fields.isDevHub, isSandbox: fields.isSandbox, isScratch: fields.isScratch };
}

/** An auth file that kept its old values through a save: where it is, its date before the save and this process's clock. */
export type LostSave = { file: string; fileTime: string; clock: string };

/**
 * Saves through AuthInfo and says whether the file lost the values saved. @salesforce/core merges
 * a save with the file key by key and keeps the newer value: the file's are dated by its mtime
 * (the wall clock), the save's by this process's monotonic clock (performance.timeOrigin +
 * performance.now()). A file dated after that clock (the clock set back, a home shared with a host
 * whose clock runs ahead) keeps its old values, and the save is dropped without an error (the
 * file is rewritten all the same, so its date is read before). Values are compared decrypted and
 * none leaves this function.
 */
async function saveChecked(authInfo: AuthInfo, username: string, fields: AuthFields, expected: Record<string, string>): Promise<LostSave | undefined> {
  const state = await StateAggregator.getInstance();
  const file = state.orgs.getPath(username);
  const fileTime = await stat(file).then(
    (s) => s.mtime.toISOString(),
    () => 'unknown'
  );
  const clock = new Date(performance.timeOrigin + performance.now()).toISOString();
  await authInfo.save(fields);
  const onDisk = (await state.orgs.peek(username, true)) as Record<string, unknown> | null;
  if (onDisk && Object.entries(expected).every(([key, value]) => onDisk[key] === value)) return undefined;
  return { file, fileTime, clock };
}

export type StoredLogin = { username: string; instanceUrl: string; clientId: string; clientSecret?: string; accessToken?: string; apiVersion?: string; alias?: string };

/** The stored login when it is ours (our marker, no refresh token, no JWT key), else undefined. */
export async function readStoredLogin(username: string): Promise<StoredLogin | undefined> {
  const authInfo = await AuthInfo.create({ username });
  const f = authInfo.getFields(true) as AuthFields & Record<string, unknown>;
  if (f[LOGIN_FLOW_FIELD] !== LOGIN_FLOW || f.refreshToken || f.privateKey || !f.instanceUrl || !f.clientId) return undefined;
  const state = await StateAggregator.getInstance();
  return {
    username,
    instanceUrl: f.instanceUrl.replace(/\/+$/, ''),
    clientId: f.clientId,
    clientSecret: typeof f[SECRET_FIELD] === 'string' ? (f[SECRET_FIELD] as string) : undefined,
    accessToken: f.accessToken,
    apiVersion: f.instanceApiVersion,
    alias: state.aliases.get(username) ?? undefined,
  };
}

/**
 * Whether the stored token still works: one GET of the REST API's resource list. 401 is expired
 * (or revoked); no answer is unknown, and the command goes on to report it itself.
 */
export async function probeToken(instanceUrl: string, accessToken: string, apiVersion: string): Promise<'valid' | 'expired' | 'unknown'> {
  const answer = await call(`${instanceUrl}/services/data/v${apiVersion}/`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } }, 20_000);
  if ('error' in answer) return 'unknown';
  if (answer.status === 401) return 'expired';
  return answer.status < 400 ? 'valid' : 'unknown';
}

/** Replaces the stored access token (encrypted on save); what the file kept instead when the save was lost. */
export async function saveAccessToken(username: string, accessToken: string): Promise<LostSave | undefined> {
  const authInfo = await AuthInfo.create({ username });
  return saveChecked(authInfo, username, { accessToken }, { accessToken });
}
