import { Messages, SfError } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { AppTokenSettings } from '../../../domain/token/app.js';
import type { ConsumerKeySource, Explanation } from '../../../domain/token/explain.js';
import { TOKEN_FLOWS, type TokenFlow } from '../../../domain/token/flows.js';
import type { TokenFailure } from '../../../domain/token/response.js';

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

/** Exit codes: bad input or no check possible, versus Salesforce refusing the token. */
export const TOKEN_VERIFY_EXIT_CODES = { verified: 0, failed: 1, refused: 3 } as const;

export type VerifyFlags = {
  name: string;
  flow: TokenFlow;
  'client-id'?: string;
  'secret-stdin': boolean;
  username?: string;
  'jwt-key-file'?: string;
  audience?: string;
};

type OrgAccess = import('../../../org/orgAccess.js').OrgAccess;
type KeyObject = import('node:crypto').KeyObject;
type AudienceChoice = import('../../../domain/token/flows.js').AudienceChoice;
type KeyCertificateMatch = import('../../../domain/token/keys.js').KeyCertificateMatch;

/** What the command line gives, checked before any request. */
type Input = { clientSecret?: string; privateKey?: KeyObject; audience?: string };

/** The token request, and what it was built from. */
type Grant = { form: URLSearchParams; audience?: AudienceChoice; isSandbox?: boolean; keyMatch?: KeyCertificateMatch };

/** Where the check runs: the org, read with the CLI's stored authorization. */
type Target = { access: OrgAccess; org: string; orgId: string; instanceUrl: string; tokenEndpoint: string; apiVersion: string; version: number };

export default class Verify extends SfCommand<VerifyResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Verified (0)', description: 'Salesforce issued a token, and userinfo and the REST API accepted it.' },
      {
        name: 'Failed (1)',
        description: 'Nothing was asked of the token endpoint, or it did not answer: bad flags, no secret, an unusable key file, an app the org does not have, an unreachable or failing endpoint.',
      },
      { name: 'Refused (3)', description: 'Salesforce refused the token, or refused the token it issued; the error says why for this app and how to fix it.' },
    ],
  };

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    flow: Flags.option({ summary: messages.getMessage('flags.flow.summary'), options: TOKEN_FLOWS, required: true })(),
    'client-id': Flags.string({ summary: messages.getMessage('flags.client-id.summary') }),
    'secret-stdin': Flags.boolean({ summary: messages.getMessage('flags.secret-stdin.summary'), default: false }),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary') }),
    'jwt-key-file': Flags.file({ summary: messages.getMessage('flags.jwt-key-file.summary'), exists: true }),
    audience: Flags.string({ summary: messages.getMessage('flags.audience.summary') }),
  };

  /**
   * The whole check without output: what `create --template jwt-ci` runs against the app it has
   * just made. Throws the same explained errors as the command.
   */
  public static async check(org: import('@salesforce/core').Org, flags: VerifyFlags, apiVersion?: string): Promise<VerifyResult> {
    const secrets: string[] = [];
    try {
      const input = await readInput(flags, org.getUsername() ?? '', secrets);
      const target = await targetOf(org, apiVersion, flags.flow);
      const { requestAndProveToken } = await import('../../../org/tokenEndpoint.js');
      const app = await readApp(target, flags);
      const key = await consumerKeyOf(target, app, flags['client-id']);
      const grant = await grantOf(target, app, key.key, flags, input, secrets);
      const probe = await requestAndProveToken({ tokenEndpoint: target.tokenEndpoint, form: grant.form, apiVersion: target.apiVersion, secrets });
      if (!probe.ok) throw await refusal(probe.failure, probe.clockSkewSeconds, { target, app, key, grant, flags });
      return await resultOf(probe.proved, { target, app, key, grant, flow: flags.flow });
    } catch (e) {
      const { redactError } = await import('../../../domain/token/redact.js');
      throw redactError(e, secrets);
    }
  }

  public async run(): Promise<VerifyResult> {
    const { flags } = await this.parse(Verify);
    // every credential read or made here, to redact from anything that leaves the command
    const secrets: string[] = [];
    try {
      const org = flags['target-org'];
      const input = await readInput(flags, org.getUsername() ?? '', secrets);
      const target = await targetOf(org, flags['api-version'], flags.flow);
      const { requestAndProveToken } = await import('../../../org/tokenEndpoint.js');

      this.spinner.start(messages.getMessage('spinner.read', [flags.name, target.org]));
      const app = await readApp(target, flags);
      const key = await consumerKeyOf(target, app, flags['client-id']);
      const grant = await grantOf(target, app, key.key, flags, input, secrets);

      this.spinner.start(messages.getMessage('spinner.token', [flags.flow, target.tokenEndpoint]));
      const probe = await requestAndProveToken({ tokenEndpoint: target.tokenEndpoint, form: grant.form, apiVersion: target.apiVersion, secrets });
      if (!probe.ok) throw await refusal(probe.failure, probe.clockSkewSeconds, { target, app, key, grant, flags });
      this.spinner.stop();

      const result = await resultOf(probe.proved, { target, app, key, grant, flow: flags.flow });
      this.render(result, target.org);
      return result;
    } catch (e) {
      this.spinner.stop();
      const { redactError } = await import('../../../domain/token/redact.js');
      throw redactError(e, secrets);
    }
  }

  private render(r: VerifyResult, target: string): void {
    for (const w of r.warnings) this.warn(w);
    this.logSuccess(messages.getMessage('success', [r.flow, r.app, target, r.user.username ?? r.user.id ?? 'its user']));
    const rows: Array<[string, string | undefined]> = [
      ['Flow', r.flow],
      ['App', r.app],
      ['Consumer key', `${r.consumerKey} (${r.consumerKeySource === 'flag' ? '--client-id' : r.consumerKeySource === 'rest' ? 'Connect REST' : 'the app'})`],
      ['Audience', r.audience],
      ['User', r.user.username],
      ['User ID', r.user.id],
      ['Org ID', r.orgId],
      ['Instance URL', r.instanceUrl],
      ['Scopes granted', r.scopes.join(' ')],
      ['Token type', `${r.tokenType} (${r.tokenFormat === 'jwt' ? 'JWT' : 'opaque'})`],
      ['Issued at', r.issuedAt],
      ['Expires at', r.expiresAt ?? (r.tokenFormat === 'opaque' ? messages.getMessage(r.policies.sessionTimeoutInMinutes === undefined ? 'expiry.orgSession' : 'expiry.appSession', [String(r.policies.sessionTimeoutInMinutes ?? '')]) : undefined)],
      ['Refresh token', r.refreshTokenIssued ? 'issued' : 'none'],
      ['Proved with', `${r.proof.userinfo ? 'GET /services/oauth2/userinfo, ' : ''}${r.proof.rest}`],
      ['Certificate', r.certificate ? `${r.certificate.subject}, expires ${r.certificate.validTo}, SHA-256 ${r.certificate.fingerprint256}` : undefined],
    ];
    this.table({ data: rows.filter(([, v]) => v).map(([Key, Value]) => ({ Key, Value: Value as string })), title: messages.getMessage('title.token') });
    const p = r.policies;
    const policyRows: Array<[string, string | undefined]> = [
      ['Permitted users', p.permittedUsers],
      ['Profiles', p.profiles.join(', ')],
      ['Permission sets', p.permissionSets.join(', ')],
      ['Run-as user', p.runAs],
      ['Refresh token policy', p.refreshTokenPolicy],
      ['Session timeout (minutes)', p.sessionTimeoutInMinutes === undefined ? undefined : String(p.sessionTimeoutInMinutes)],
      ['IP relaxation', p.ipRelaxation],
      ['App scopes', p.scopes.join(', ')],
    ];
    const shown = policyRows.filter(([, v]) => v);
    if (shown.length) this.table({ data: shown.map(([Policy, Value]) => ({ Policy, Value: Value as string })), title: messages.getMessage('title.policies', [r.app]) });
  }
}

async function readInput(flags: VerifyFlags, target: string, secrets: string[]): Promise<Input> {
  checkFlowFlags(flags);
  const [flows, { readClientSecret }] = await Promise.all([import('../../../domain/token/flows.js'), import('../../../domain/token/secret.js')]);
  const audience = flags.audience === undefined ? undefined : flows.normalizeAudience(flags.audience);
  if (flags.audience !== undefined && audience === undefined) throw messages.createError('error.InvalidAudience', [flags.audience]);
  if (flags.flow === 'client-credentials') {
    const read = await readClientSecret({ fromStdin: flags['secret-stdin'], stdin: process.stdin, env: process.env });
    if ('problem' in read) throw secretError(read.problem, flags.name, target, flags['secret-stdin']);
    secrets.push(read.secret);
    return { clientSecret: read.secret };
  }
  return { privateKey: await readKeyFile(flags['jwt-key-file'] as string), audience };
}

async function targetOf(org: import('@salesforce/core').Org, apiVersionFlag: string | undefined, flow: TokenFlow): Promise<Target> {
  const [schema, { OrgAccess }, flows] = await Promise.all([
    import('../../../domain/schema/index.js'),
    import('../../../org/orgAccess.js'),
    import('../../../domain/token/flows.js'),
  ]);
  const conn = org.getConnection(apiVersionFlag);
  const name = org.getUsername() ?? '';
  const instanceUrl = conn.instanceUrl.replace(/\/+$/, '');
  if (flow === 'client-credentials' && flows.isGenericLoginHost(instanceUrl)) throw messages.createError('error.NotMyDomain', [name, instanceUrl], [name]);
  // the schema decides which metadata types exist: never read for a version newer than it knows
  const version = Math.min(Number.parseFloat(conn.getApiVersion()), schema.LATEST_KNOWN_API_VERSION);
  const apiVersion = schema.formatApiVersion(version);
  return { access: new OrgAccess(conn, apiVersion), org: name, orgId: org.getOrgId(), instanceUrl, tokenEndpoint: flows.tokenEndpointOf(instanceUrl), apiVersion, version };
}

/** The app's token settings, from one retrieve (an installed app: from its policy row). */
async function readApp(t: Target, flags: VerifyFlags): Promise<AppTokenSettings> {
  const [{ readOrgApps, readInstalledEcas }, app] = await Promise.all([import('../../../org/apps.js'), import('../../../domain/token/app.js')]);
  const apps = await readOrgApps(t.access, t.version, { name: flags.name });
  const eca = apps.ecas.find((e) => e.name === flags.name);
  if (eca) return app.tokenSettingsOf(eca);
  if (apps.connectedApps.some((c) => c.fullName === flags.name)) throw messages.createError('error.IsConnectedApp', [flags.name], [t.org, flags.name]);
  const installed = (await readInstalledEcas(t.access, new Set(apps.ecas.map((e) => e.name)))).find((i) => i.name === flags.name || i.name.endsWith(`__${flags.name}`));
  if (!installed) {
    const names = apps.ecas.map((e) => e.name);
    throw messages.createError('error.AppNotFound', [t.org, flags.name], [names.slice(0, 20).join(', ') || '(none)', t.org]);
  }
  if (!flags['client-id']) throw messages.createError('error.InstalledNeedsClientId', [installed.name, installed.namespacePrefix ?? '']);
  return app.installedTokenSettings(installed);
}

/** --client-id, else the key the retrieve returned, else the Connect REST credentials resource (part=key). */
async function consumerKeyOf(t: Target, app: AppTokenSettings, clientId: string | undefined): Promise<{ key: string; source: ConsumerKeySource }> {
  if (clientId) return { key: clientId, source: 'flag' };
  if (app.consumerKey) return { key: app.consumerKey, source: 'metadata' };
  const { readConsumerKeyByRest } = await import('../../../org/tokenFacts.js');
  const read = app.id && app.consumerId ? await readConsumerKeyByRest(t.access, t.apiVersion, app.id, app.consumerId) : undefined;
  if (read && 'key' in read) return { key: read.key, source: 'rest' };
  const why = read?.problem ?? 'the retrieve returned no consumerKey, and the app has no oauthLink to ask the Connect REST API with';
  throw messages.createError('error.NoConsumerKey', [app.name, t.org, why], [app.label ?? app.name]);
}

/** The form of the token request; for JWT bearer, the signed assertion and the key compared with the app's certificate. */
async function grantOf(t: Target, app: AppTokenSettings, consumerKey: string, flags: VerifyFlags, input: Input, secrets: string[]): Promise<Grant> {
  const flows = await import('../../../domain/token/flows.js');
  if (flags.flow === 'client-credentials') return { form: flows.clientCredentialsForm(consumerKey, input.clientSecret as string) };
  const [{ readIsSandbox }, { signAssertion }, { matchKeyToCertificate }] = await Promise.all([
    import('../../../org/tokenFacts.js'),
    import('../../../domain/token/jwt.js'),
    import('../../../domain/token/keys.js'),
  ]);
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
  const [facts, { explainFailure, factsWanted }] = await Promise.all([import('../../../org/tokenFacts.js'), import('../../../domain/token/explain.js')]);
  const { target: t, app, flags } = c;
  const wanted = factsWanted(failure, flags.flow);
  // a fact that cannot be read leaves its rows out; it never hides the refusal
  const quietly = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
  const [user, runAsUser, savedAt] = await Promise.all([
    wanted.user && flags.username ? quietly(facts.readUserFacts(t.access, flags.username)) : undefined,
    wanted.runAsUser && app.runAs ? quietly(facts.readUserFacts(t.access, app.runAs)) : undefined,
    wanted.appSavedAt && !app.installed ? quietly(facts.readAppSavedAt(t.access, app.id, app.name)) : undefined,
  ]);
  const explanation = explainFailure(failure, {
    ...contextOf(c, flags.flow),
    isSandbox: c.grant.isSandbox,
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

function contextOf(c: Checked, flow: TokenFlow): import('../../../domain/token/explain.js').ExplainContext {
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

async function resultOf(proved: import('../../../org/tokenEndpoint.js').ProvedToken, c: Checked & { flow: TokenFlow }): Promise<VerifyResult> {
  const { explainFailure } = await import('../../../domain/token/explain.js');
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
      return messages.createError('error.EmptySecret', [fromStdin ? 'standard input' : 'SF_ECA_CLIENT_SECRET']);
    default:
      return messages.createError('error.MissingSecret', ['SF_ECA_CLIENT_SECRET'], [app, target, app, target, app]);
  }
}

async function readKeyFile(file: string): Promise<KeyObject> {
  const [{ readFile }, keys] = await Promise.all([import('node:fs/promises'), import('../../../domain/token/keys.js')]);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    throw messages.createError('error.KeyFileUnreadable', [file, e instanceof Error ? e.message : String(e)]);
  }
  try {
    return keys.readPrivateKey(pem);
  } catch (e) {
    if (e instanceof keys.PrivateKeyError) throw messages.createError('error.KeyNotUsable', [file, e.message], [file]);
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
      exitCode: TOKEN_VERIFY_EXIT_CODES.failed,
      data,
    });
  }
  if (f.stage === 'token') {
    return SfError.create({
      name: 'TokenRefusedError',
      message: messages.getMessage('error.TokenRefused', [c.tokenEndpoint, c.flow, c.app, said, x.meaning]),
      actions: x.actions,
      exitCode: TOKEN_VERIFY_EXIT_CODES.refused,
      data,
    });
  }
  return SfError.create({
    name: 'TokenUnusableError',
    message: messages.getMessage('error.TokenUnusable', [c.flow, c.app, f.stage === 'rest' ? 'the REST API' : 'userinfo', said, x.meaning]),
    actions: x.actions,
    exitCode: TOKEN_VERIFY_EXIT_CODES.refused,
    data,
  });
}
