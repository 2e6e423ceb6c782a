/**
 * `sf eca login client-credentials`: mints a token with the client credentials flow at the org's
 * My Domain and stores the login where the CLI keeps its auth (src/org/clientCredentialsLogin.ts),
 * so every sf command works with it. And its renewal: @salesforce/core cannot renew such a token
 * (it refreshes only with a refresh token or a JWT key), so renewStoredLogin mints a new one with
 * the stored, encrypted secret when the stored token no longer works (the prerun hook calls it).
 *
 * The secret comes only through readSecret (ECA_CLIENT_SECRET or standard input); it and the
 * token are redacted from every error that leaves.
 */
import { Messages, SfError } from '@salesforce/core';
import { checkInstanceUrl, explainLoginRefusal, type LoginTarget, renewalCommand } from '../domain/login/clientCredentials.js';
import { CLIENT_SECRET_ENV } from '../domain/token/flows.js';
import { redactError } from '../domain/token/redact.js';
import { readSecret } from '../domain/token/secret.js';
import { type LostSave, mintToken, probeToken, readStoredLogin, saveAccessToken, storeLogin, tokenUser } from '../org/clientCredentialsLogin.js';
import { EXIT_CODES } from '../shared/exitCodes.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.login.client-credentials');

/** The API version of the query that names the token's user (client credentials exist since 56.0). */
const QUERY_API_VERSION = '59.0';

export type LoginClientCredentialsResult = {
  alias: string;
  username: string;
  orgId: string;
  /** the My Domain URL the login is stored with */
  instanceUrl: string;
  /** the consumer key (not a secret) */
  clientId: string;
  /** scopes Salesforce granted the token */
  scopes: string[];
  isDevHub: boolean;
  isSandbox: boolean;
  /** made the default org (target-org) */
  setDefault: boolean;
  /** how the login is kept working once the token expires */
  renewal: 'automatic';
};

export type LoginClientCredentialsInput = {
  instanceUrl: string;
  clientId: string;
  alias: string;
  setDefault: boolean;
  secretStdin: boolean;
  stdin?: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env?: Readonly<Record<string, string | undefined>>;
};

/** Stages: `Requesting` (data: endpoint), `Storing` (data: alias). */
export async function loginClientCredentials(input: LoginClientCredentialsInput, onProgress?: OnProgress): Promise<LoginClientCredentialsResult> {
  const progress = progressTo(onProgress);
  const secrets: string[] = [];
  try {
    const url = checkInstanceUrl(input.instanceUrl);
    if (!url.ok) throw renamed(messages.createError(`error.NotMyDomain.${url.problem}`, [input.instanceUrl, url.host ?? '']), 'NotMyDomainError');
    const target: LoginTarget = { instanceUrl: url.url, clientId: input.clientId, alias: input.alias };
    const secret = await readClientSecret(input);
    secrets.push(secret);
    progress({ stage: 'Requesting', data: { endpoint: `${url.url}/services/oauth2/token` } });
    const minted = await mintToken(url.url, input.clientId, secret);
    if (!minted.ok) throw refusal(minted.failure, target);
    secrets.push(minted.accessToken);
    const { issued } = minted;
    if (!issued.userId || !issued.orgId) throw messages.createError('error.NoIdentity', [url.url]);
    const instanceUrl = issued.instanceUrl ?? url.url;
    const who = await tokenUser(instanceUrl, minted.accessToken, QUERY_API_VERSION, issued.userId);
    if (!who.ok) throw messages.createError('error.TokenUnusable', [input.clientId, [who.failure.error, who.failure.description].filter(Boolean).join(': ') || `HTTP ${who.failure.status}`]);
    progress({ stage: 'Storing', data: { alias: input.alias } });
    const stored = await storeLogin({
      accessToken: minted.accessToken,
      instanceUrl,
      username: who.username,
      orgId: issued.orgId,
      userId: issued.userId,
      clientId: input.clientId,
      clientSecret: secret,
      alias: input.alias,
      setDefault: input.setDefault,
    });
    if ('lost' in stored) throw notSaved(stored.lost, target);
    return {
      alias: input.alias,
      username: who.username,
      orgId: stored.orgId ?? issued.orgId,
      instanceUrl,
      clientId: input.clientId,
      scopes: issued.scopes,
      isDevHub: stored.isDevHub === true,
      isSandbox: stored.isSandbox === true,
      setDefault: input.setDefault,
      renewal: 'automatic',
    };
  } catch (e) {
    throw redactError(e, secrets);
  }
}

async function readClientSecret(input: LoginClientCredentialsInput): Promise<string> {
  const read = await readSecret({ envName: CLIENT_SECRET_ENV, fromStdin: input.secretStdin, stdin: input.stdin ?? process.stdin, env: input.env ?? process.env });
  if (!('problem' in read)) return read.secret;
  const tokens = read.problem === 'empty' || read.problem === 'missing' ? [input.secretStdin ? 'standard input' : CLIENT_SECRET_ENV] : [];
  throw renamed(messages.createError(`error.Secret.${read.problem}`, tokens), read.problem === 'missing' ? 'MissingSecretError' : 'UnusableSecretError');
}

/** A named error whose message key has a variant (error.NotMyDomain.login-host) gets the plain name. */
function renamed(e: SfError, name: string): SfError {
  return new SfError(e.message, name, e.actions, e.exitCode);
}

function refusal(f: Parameters<typeof explainLoginRefusal>[0], t: LoginTarget): SfError {
  const x = explainLoginRefusal(f, t);
  const unavailable = f.status === 0 || f.status >= 500;
  return SfError.create({
    name: unavailable ? 'TokenEndpointUnavailableError' : 'ClientCredentialsRefusedError',
    message: unavailable ? messages.getMessage('error.Unavailable', [x.meaning]) : messages.getMessage('error.Refused', [t.instanceUrl, x.meaning]),
    actions: x.actions,
    exitCode: unavailable ? EXIT_CODES.loginClientCredentials.Failed : EXIT_CODES.loginClientCredentials.Refused,
    data: { status: f.status, error: f.error ?? null, description: f.description ?? null },
  });
}

export type Renewal = { outcome: 'not-ours' } | { outcome: 'valid' } | { outcome: 'unknown' } | { outcome: 'renewed'; alias?: string };

/**
 * Renews a stored client-credentials login whose token no longer works: one probe of the token,
 * and, when it expired, a new token minted with the stored secret and saved. Logins that are not
 * ours are left alone. Throws ClientCredentialsRenewalError, naming the one command that renews
 * the login, when Salesforce refuses the stored secret.
 */
export async function renewStoredLogin(username: string): Promise<Renewal> {
  const stored = await readStoredLogin(username);
  if (!stored) return { outcome: 'not-ours' };
  const secrets = [stored.clientSecret, stored.accessToken].filter((s): s is string => Boolean(s));
  const target: LoginTarget = { instanceUrl: stored.instanceUrl, clientId: stored.clientId, alias: stored.alias ?? username };
  try {
    if (stored.accessToken) {
      const state = await probeToken(stored.instanceUrl, stored.accessToken, stored.apiVersion ?? QUERY_API_VERSION);
      if (state !== 'expired') return { outcome: state };
    }
    if (!stored.clientSecret) throw renewalError(target, messages.getMessage('renewal.noSecret'));
    const minted = await mintToken(stored.instanceUrl, stored.clientId, stored.clientSecret);
    if (!minted.ok) {
      if (minted.failure.status === 0 || minted.failure.status >= 500) return { outcome: 'unknown' };
      throw renewalError(target, explainLoginRefusal(minted.failure, target).meaning);
    }
    secrets.push(minted.accessToken);
    const lost = await saveAccessToken(username, minted.accessToken);
    if (lost) throw notSaved(lost, target);
    return { outcome: 'renewed', alias: stored.alias };
  } catch (e) {
    throw redactError(e, secrets);
  }
}

/** The auth file kept its old values through our save (see saveChecked): said, never reported as stored. */
function notSaved(lost: LostSave, t: LoginTarget): SfError {
  return SfError.create({
    name: 'AuthNotSavedError',
    message: messages.getMessage('error.NotSaved', [t.alias, lost.file, lost.fileTime, lost.clock]),
    actions: messages.getMessages('error.NotSaved.actions', [lost.file, renewalCommand(t)]),
    exitCode: EXIT_CODES.loginClientCredentials.Failed,
    data: { file: lost.file, fileTime: lost.fileTime, clock: lost.clock },
  });
}

function renewalError(t: LoginTarget, why: string): SfError {
  return SfError.create({
    name: 'ClientCredentialsRenewalError',
    message: messages.getMessage('error.Renewal', [t.alias, why]),
    actions: messages.getMessages('error.Renewal.actions', [renewalCommand(t)]),
    exitCode: EXIT_CODES.loginClientCredentials.Failed,
  });
}
