/**
 * `sf eca token verify`: proves that an External Client App issues a token, as an integration
 * would ask for it (client credentials, JWT bearer), and explains every refusal for this app in
 * this org (domain/token/explain.ts). `create --template jwt-ci` runs it against the app it made.
 *
 * The token never leaves org/tokenEndpoint.ts; every credential read or made here is redacted
 * from anything that leaves the operation.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Messages, SfError } from '@salesforce/core';
import { readInstalledEcas, readOrgApps } from '../org/apps.js';
import type { OrgAccess } from '../org/orgAccess.js';
import { openSession, type OrgRef } from '../org/session.js';
import { readAppSavedAt, readConsumerKeyByRest, readIsSandbox, readUserFacts } from '../org/tokenFacts.js';
import { type ProvedToken, requestAndProveToken } from '../org/tokenEndpoint.js';
import { type AppTokenSettings, installedTokenSettings, tokenSettingsOf } from '../domain/token/app.js';
import { type ConsumerKeySource, type Explanation, type ExplainContext, explainFailure, factsWanted } from '../domain/token/explain.js';
import * as flows from '../domain/token/flows.js';
import type { AudienceChoice, TokenFlow } from '../domain/token/flows.js';
import { signAssertion } from '../domain/token/jwt.js';
import { type KeyCertificateMatch, matchKeyToCertificate, PrivateKeyError, readPrivateKey } from '../domain/token/keys.js';
import { redactError } from '../domain/token/redact.js';
import type { TokenFailure } from '../domain/token/response.js';
import { readClientSecret } from '../domain/token/secret.js';
import { EXIT_CODES } from '../shared/exitCodes.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.token.verify');

/** The app's policies that shape the session the token opens. */
export type SessionPolicies = {
  permittedUsers?: string;
  profiles: string[];
  permissionSets: string[];
  runAs?: string;
  refreshTokenPolicy?: string;
  sessionTimeoutInMinutes?: number;
  ipRelaxation?: string;
  /** the scopes the app may grant (ECA scope names) */
  scopes: string[];
};

export type VerifyResult = {
  flow: TokenFlow;
  app: string;
  /** ExternalClientApplication record id (0xI...) */
  appId?: string;
  /** installed from a package: only the policies the org controls are known */
  installed: boolean;
  /** the consumer key used (not a secret; never the consumer secret) */
  consumerKey: string;
  /** --client-id (flag), the retrieved app (metadata), or the Connect REST credentials resource (rest) */
  consumerKeySource: ConsumerKeySource;
  tokenEndpoint: string;
  /** JWT bearer: the assertion's audience, and why */
  audience?: string;
  audienceSource?: 'flag' | 'sandbox' | 'production';
  /** the user the token is for */
  user: { username?: string; id?: string; name?: string };
  orgId?: string;
  instanceUrl?: string;
  /** scopes Salesforce granted the token */
  scopes: string[];
  tokenType: string;
  /** jwt when the access token is a JWT (its expiry is then known), else opaque */
  tokenFormat: 'jwt' | 'opaque';
  issuedAt?: string;
  /** JWT access tokens only: the token's exp; opaque tokens end with the session timeout */
  expiresAt?: string;
  refreshTokenIssued: boolean;
  /** the calls that proved the token works */
  proof: { userinfo: boolean; rest: string };
  /** JWT bearer: the app's certificate, and whether --jwt-key-file matches it */
  certificate?: { subject: string; fingerprint256: string; validTo: string; expired: boolean; keyMatches: boolean };
  policies: SessionPolicies;
  warnings: string[];
};

/** What the command line gives (flag names as the user types them). */
export type VerifyFlags = {
  name: string;
  flow: TokenFlow;
  'client-id'?: string;
  'secret-stdin': boolean;
  username?: string;
  'jwt-key-file'?: string;
  audience?: string;
};

export type VerifyInput = VerifyFlags & {
  org: OrgRef;
  apiVersion?: string;
  /**
   * Credentials another operation already holds (a secret it just staged, a key it just made):
   * used instead of ECA_CLIENT_SECRET / standard input / --jwt-key-file, and redacted like them.
   */
  credentials?: { clientSecret?: string; privateKeyPem?: string };
};


/** What the command line gives, checked before any request. */
type Input = { clientSecret?: string; privateKey?: KeyObject; audience?: string };

/** The token request, and what it was built from. */
type Grant = { form: URLSearchParams; audience?: AudienceChoice; isSandbox?: boolean; keyMatch?: KeyCertificateMatch };

/** Where the check runs: the org, read with the CLI's stored authorization. */
type Target = { access: OrgAccess; org: string; orgId: string; instanceUrl: string; tokenEndpoint: string; apiVersion: string; version: number };

/**
 * The whole check. Reports the stages `Reading` (data: app, org) and `Requesting` (data: flow,
 * endpoint). Throws the explained errors: TokenRefusedError (exit 3) and the others.
 */
export async function verifyToken(input: VerifyInput, onProgress?: OnProgress): Promise<VerifyResult> {
  const progress = progressTo(onProgress);
  // every credential read or made here, to redact from anything that leaves
  const secrets: string[] = [];
  try {
    const checked = await readInput(input, input.org.name, secrets, input.credentials);
    const target = await targetOf(input.org, input.apiVersion, input.flow);
    progress({ stage: 'Reading', data: { app: input.name, org: target.org } });
    const app = await readApp(target, input);
    const key = await consumerKeyOf(target, app, input['client-id']);
    const grant = await grantOf(target, app, key.key, input, checked, secrets);
    progress({ stage: 'Requesting', data: { flow: input.flow, endpoint: target.tokenEndpoint } });
    const probe = await requestAndProveToken({ tokenEndpoint: target.tokenEndpoint, form: grant.form, apiVersion: target.apiVersion, secrets });
    if (!probe.ok) throw await refusal(probe.failure, probe.clockSkewSeconds, { target, app, key, grant, flags: input });
    return resultOf(probe.proved, { target, app, key, grant, flow: input.flow });
  } catch (e) {
    throw redactError(e, secrets);
  }
}

async function readInput(flags: VerifyFlags, target: string, secrets: string[], given?: VerifyInput['credentials']): Promise<Input> {
  const audience = flags.audience === undefined ? undefined : flows.normalizeAudience(flags.audience);
  if (flags.audience !== undefined && audience === undefined) throw messages.createError('error.InvalidAudience', [flags.audience]);
  if (flags.flow === 'client-credentials' && given?.clientSecret !== undefined) {
    secrets.push(given.clientSecret);
    return { clientSecret: given.clientSecret };
  }
  if (flags.flow === 'jwt-bearer' && given?.privateKeyPem !== undefined) {
    const { createPrivateKey } = await import('node:crypto');
    return { privateKey: createPrivateKey(given.privateKeyPem), audience };
  }
  checkFlowFlags(flags);
  if (flags.flow === 'client-credentials') {
    const read = await readClientSecret({ fromStdin: flags['secret-stdin'], stdin: process.stdin, env: process.env });
    if ('problem' in read) throw secretError(read.problem, flags.name, target, flags['secret-stdin']);
    secrets.push(read.secret);
    return { clientSecret: read.secret };
  }
  return { privateKey: await readKeyFile(flags['jwt-key-file'] as string), audience };
}

async function targetOf(ref: OrgRef, apiVersionFlag: string | undefined, flow: TokenFlow): Promise<Target> {
  const s = await openSession(ref, { apiVersion: apiVersionFlag });
  // explanations and the commands in their fixes name the org as the user typed it (alias or username)
  const name = s.name;
  if (flow === 'client-credentials' && flows.isGenericLoginHost(s.instanceUrl)) throw messages.createError('error.NotMyDomain', [name, s.instanceUrl], [name]);
  return { access: s.access, org: name, orgId: s.orgId, instanceUrl: s.instanceUrl, tokenEndpoint: flows.tokenEndpointOf(s.instanceUrl), apiVersion: s.apiVersion, version: s.version };
}

/** The app's token settings, from one retrieve (an installed app: from its policy row). */
async function readApp(t: Target, flags: VerifyFlags): Promise<AppTokenSettings> {
  const apps = await readOrgApps(t.access, t.version, { name: flags.name });
  const eca = apps.ecas.find((e) => e.name === flags.name);
  if (eca) return tokenSettingsOf(eca);
  if (apps.connectedApps.some((c) => c.fullName === flags.name)) throw messages.createError('error.IsConnectedApp', [flags.name], [t.org, flags.name]);
  const installed = (await readInstalledEcas(t.access, new Set(apps.ecas.map((e) => e.name)))).find((i) => i.name === flags.name || i.name.endsWith(`__${flags.name}`));
  if (!installed) {
    const names = apps.ecas.map((e) => e.name);
    throw messages.createError('error.AppNotFound', [t.org, flags.name], [names.slice(0, 20).join(', ') || '(none)', t.org]);
  }
  if (!flags['client-id']) throw messages.createError('error.InstalledNeedsClientId', [installed.name, installed.namespacePrefix ?? '']);
  return installedTokenSettings(installed);
}

/** --client-id, else the key the retrieve returned, else the Connect REST credentials resource (part=key). */
async function consumerKeyOf(t: Target, app: AppTokenSettings, clientId: string | undefined): Promise<{ key: string; source: ConsumerKeySource }> {
  if (clientId) return { key: clientId, source: 'flag' };
  if (app.consumerKey) return { key: app.consumerKey, source: 'metadata' };
  const read = app.id && app.consumerId ? await readConsumerKeyByRest(t.access, t.apiVersion, app.id, app.consumerId) : undefined;
  if (read && 'key' in read) return { key: read.key, source: 'rest' };
  const why = read?.problem ?? 'the retrieve returned no consumerKey, and the app has no oauthLink to ask the Connect REST API with';
  throw messages.createError('error.NoConsumerKey', [app.name, t.org, why], [app.label ?? app.name]);
}

/** The form of the token request; for JWT bearer, the signed assertion and the key compared with the app's certificate. */
async function grantOf(t: Target, app: AppTokenSettings, consumerKey: string, flags: VerifyFlags, input: Input, secrets: string[]): Promise<Grant> {
  if (flags.flow === 'client-credentials') return { form: flows.clientCredentialsForm(consumerKey, input.clientSecret as string) };
  const now = new Date();
  const key = input.privateKey as KeyObject;
  const isSandbox = input.audience === undefined ? await readIsSandbox(t.access) : undefined;
  const audience = flows.chooseAudience({ override: input.audience, isSandbox: isSandbox === true });
  const assertion = signAssertion(flows.buildJwtClaims({ consumerKey, username: flags.username as string, audience: audience.audience, now }), key);
  secrets.push(assertion);
  return { form: flows.jwtBearerForm(assertion), audience, isSandbox, keyMatch: matchKeyToCertificate(key, app.certificate, now) };
}

type Checked = { target: Target; app: AppTokenSettings; key: { key: string; source: ConsumerKeySource }; grant: Grant };

/** The refusal explained: reads the facts this failure needs (never more), then the one table. */
async function refusal(failure: TokenFailure, clockSkewSeconds: number | undefined, c: Checked & { flags: VerifyFlags }): Promise<SfError> {
  const { target: t, app, flags } = c;
  const wanted = factsWanted(failure, flags.flow);
  // a fact that cannot be read leaves its rows out; it never hides the refusal
  const quietly = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
  const [user, runAsUser, savedAt, isSandbox] = await Promise.all([
    wanted.user && flags.username ? quietly(readUserFacts(t.access, flags.username)) : undefined,
    wanted.runAsUser && app.runAs ? quietly(readUserFacts(t.access, app.runAs)) : undefined,
    wanted.appSavedAt && !app.installed ? quietly(readAppSavedAt(t.access, app.id, app.name)) : undefined,
    // with --audience the grant did not read it: an audience refusal is explained by the org's kind
    wanted.isSandbox && c.grant.isSandbox === undefined ? quietly(readIsSandbox(t.access)) : c.grant.isSandbox,
  ]);
  const explanation = explainFailure(failure, {
    ...contextOf(c, flags.flow),
    isSandbox,
    username: flags.username,
    user,
    runAsUser,
    keyFile: flags['jwt-key-file'],
    key: c.grant.keyMatch,
    clockSkewSeconds,
    appSavedMinutesAgo: savedAt ? (Date.now() - savedAt.getTime()) / 60_000 : undefined,
  });
  return refusalError(failure, explanation, { flow: flags.flow, app: app.name, tokenEndpoint: t.tokenEndpoint });
}

function contextOf(c: Checked, flow: TokenFlow): ExplainContext {
  return {
    flow,
    org: c.target.org,
    app: c.app,
    consumerKey: c.key.key,
    consumerKeySource: c.key.source,
    tokenEndpoint: c.target.tokenEndpoint,
    audience: c.grant.audience?.audience,
    audienceSource: c.grant.audience?.source,
  };
}

function resultOf(proved: ProvedToken, c: Checked & { flow: TokenFlow }): VerifyResult {
  const { target: t, app, key, grant } = c;
  const { issued, user } = proved;
  const warnings: string[] = [];
  const cert = grant.keyMatch?.certificate;
  if (cert?.expired) warnings.push(messages.getMessage('warn.CertificateExpired', [cert.subject, cert.validTo]));
  else if (cert && cert.daysLeft <= 30) warnings.push(messages.getMessage('warn.CertificateExpiring', [cert.subject, cert.validTo, String(cert.daysLeft)]));
  if (proved.userinfoFailure) warnings.push(messages.getMessage('warn.UserinfoRefused', [explainFailure(proved.userinfoFailure, contextOf(c, c.flow)).meaning]));
  if (key.source === 'rest') warnings.push(messages.getMessage('warn.KeyFromRest', [app.name]));
  if (key.source === 'flag' && app.consumerKey && app.consumerKey !== key.key) warnings.push(messages.getMessage('warn.ClientIdNotApps', [app.name, app.consumerKey, app.name]));
  if (app.installed) warnings.push(messages.getMessage('warn.Installed', [app.name, app.namespacePrefix ?? '']));
  const tokenOrg = user.orgId ?? issued.orgId;
  if (tokenOrg && tokenOrg.slice(0, 15) !== t.orgId.slice(0, 15)) warnings.push(messages.getMessage('warn.OtherOrg', [tokenOrg, t.org, t.orgId]));
  return {
    flow: c.flow,
    app: app.name,
    appId: app.id,
    installed: app.installed,
    consumerKey: key.key,
    consumerKeySource: key.source,
    tokenEndpoint: t.tokenEndpoint,
    audience: grant.audience?.audience,
    audienceSource: grant.audience?.source,
    user: { username: user.username, id: user.id, name: user.name },
    orgId: tokenOrg,
    instanceUrl: issued.instanceUrl ?? t.instanceUrl,
    scopes: issued.scopes,
    tokenType: issued.tokenType,
    tokenFormat: issued.format,
    issuedAt: issued.issuedAt,
    expiresAt: issued.expiresAt,
    refreshTokenIssued: issued.refreshTokenIssued,
    proof: { userinfo: proved.userinfoFailure === undefined, rest: proved.restCall },
    certificate: grant.keyMatch
      ? { subject: grant.keyMatch.certificate.subject, fingerprint256: grant.keyMatch.certificate.fingerprint256, validTo: grant.keyMatch.certificate.validTo, expired: grant.keyMatch.certificate.expired, keyMatches: grant.keyMatch.matches }
      : undefined,
    policies: {
      permittedUsers: app.permittedUsers,
      profiles: app.profiles,
      permissionSets: app.permissionSets,
      runAs: app.runAs,
      refreshTokenPolicy: app.summary?.refreshTokenPolicy,
      sessionTimeoutInMinutes: app.summary?.sessionTimeoutInMinutes,
      ipRelaxation: app.summary?.ipRelaxation,
      scopes: app.scopes,
    },
    warnings,
  };
}

function checkFlowFlags(flags: VerifyFlags): void {
  if (flags.flow === 'client-credentials') {
    for (const f of ['username', 'jwt-key-file', 'audience'] as const) {
      if (flags[f] !== undefined) throw messages.createError('error.FlagNotForFlow', [`--${f}`, 'jwt-bearer'], [`--${f}`, 'jwt-bearer']);
    }
    return;
  }
  if (flags['secret-stdin']) throw messages.createError('error.FlagNotForFlow', ['--secret-stdin', 'client-credentials'], ['--secret-stdin', 'client-credentials']);
  const missing = [flags.username ? '' : '--username', flags['jwt-key-file'] ? '' : '--jwt-key-file'].filter(Boolean);
  if (missing.length) throw messages.createError('error.JwtNeedsFlags', [missing.join(' and ')]);
}

function secretError(problem: 'missing' | 'empty' | 'tty' | 'too-long', app: string, target: string, fromStdin: boolean): SfError {
  switch (problem) {
    case 'tty':
      return messages.createError('error.SecretStdinTty');
    case 'too-long':
      return messages.createError('error.SecretTooLong');
    case 'empty':
      return messages.createError('error.EmptySecret', [fromStdin ? 'standard input' : 'ECA_CLIENT_SECRET']);
    default:
      return messages.createError('error.MissingSecret', ['ECA_CLIENT_SECRET'], [app, target, app, target, app]);
  }
}

async function readKeyFile(file: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    throw messages.createError('error.KeyFileUnreadable', [file, e instanceof Error ? e.message : String(e)]);
  }
  try {
    return readPrivateKey(pem);
  } catch (e) {
    if (e instanceof PrivateKeyError) throw messages.createError('error.KeyNotUsable', [file, e.message], [file]);
    throw e;
  }
}

function refusalError(f: TokenFailure, x: Explanation, c: { flow: TokenFlow; app: string; tokenEndpoint: string }): SfError {
  const said = `${[f.error, f.description].filter(Boolean).join(': ') || 'no details'} (HTTP ${f.status})`;
  const data = { stage: f.stage, status: f.status, error: f.error ?? null, description: f.description ?? null, cause: x.cause };
  if (x.cause === 'service-unavailable') {
    return SfError.create({
      name: 'TokenEndpointUnavailableError',
      message: messages.getMessage('error.EndpointUnavailable', [c.flow, c.app, said, x.meaning]),
      actions: x.actions,
      exitCode: EXIT_CODES.tokenVerify.Failed,
      data,
    });
  }
  if (f.stage === 'token') {
    return SfError.create({
      name: 'TokenRefusedError',
      message: messages.getMessage('error.TokenRefused', [c.tokenEndpoint, c.flow, c.app, said, x.meaning]),
      actions: x.actions,
      exitCode: EXIT_CODES.tokenVerify.Refused,
      data,
    });
  }
  return SfError.create({
    name: 'TokenUnusableError',
    message: messages.getMessage('error.TokenUnusable', [c.flow, c.app, f.stage === 'rest' ? 'the REST API' : 'userinfo', said, x.meaning]),
    actions: x.actions,
    exitCode: EXIT_CODES.tokenVerify.Refused,
    data,
  });
}
