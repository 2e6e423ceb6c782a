/**
 * The OAuth endpoints: token (refresh_token, client_credentials, jwt-bearer), userinfo and revoke,
 * with Salesforce's error bodies (HTTP 400 {"error","error_description"}). Sources for each answer
 * are in simulator/README.md.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { certificatePem } from './certificates.js';
import { clientCredentialsScopes, isPreAuthorized, type OAuthApp, oauthApp, scopeTokens } from './apps.js';
import type { Faults } from './faults.js';
import { formFields, json, type SimRequest, type SimResponse } from './http.js';
import { CLI_APP_NAME, CLI_CLIENT_ID, CONNECTED_APP_TYPE, HEADER_TYPE, type OrgState, type Registry, type Session, type UserRecord } from './store.js';

export const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
export const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type Handled = { response: SimResponse; org?: OrgState; detail?: string };

/**
 * Which host a token request reached: the org's My Domain (the simulator's main address), or a
 * login host (login.salesforce.com / test.salesforce.com: the simulator's login listener, or a
 * request whose Host header names one).
 */
export type HostKind = 'my-domain' | 'login';

/** Salesforce's token endpoint error. */
export function oauthError(error: string, description: string, status = 400): SimResponse {
  return json(status, { error, error_description: description });
}

export const ERR = {
  expiredToken: () => oauthError('invalid_grant', 'expired access/refresh token'),
  clientId: () => oauthError('invalid_client_id', 'client identifier invalid'),
  clientCredentials: () => oauthError('invalid_client', 'invalid client credentials'),
  noCcUser: () => oauthError('invalid_grant', 'no client credentials user enabled'),
  notApproved: () => oauthError('invalid_grant', "user hasn't approved this consumer"),
  notAdminApproved: () => oauthError('invalid_app_access', 'user is not admin approved to access this app'),
  invalidAssertion: () => oauthError('invalid_grant', 'invalid assertion'),
  expiredAssertion: () => oauthError('invalid_grant', 'expired authorization code'),
  inactiveUser: () => oauthError('invalid_grant', 'inactive user'),
  /** row 5: the error code is app_not_found (issue 10); the description is the one users report */
  notInstalled: () => oauthError('app_not_found', 'External client app is not installed in this org'),
  /** row 6: Salesforce says only this; @salesforce/core adds "[audience=... login=...]" itself */
  badAudience: () => oauthError('invalid_grant', 'audience is invalid'),
  /** row 13: client credentials off the My Domain host */
  notThisDomain: () => oauthError('invalid_grant', 'request not supported on this domain'),
};

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function identityUrl(org: OrgState, userId: string): string {
  return `${trimSlash(org.instanceUrl)}/id/${org.orgId}/${userId}`;
}

/** The key the simulator signs JWT access tokens with (one per process). */
let signingKey: { privateKey: string; publicKey: string } | undefined;

function jwtSigningKey(): { privateKey: string; publicKey: string } {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return signingKey;
}

/** The public key JWT access tokens verify with (for tests). */
export function jwtAccessTokenPublicKey(): string {
  return jwtSigningKey().publicKey;
}

function tokenResponse(org: OrgState, session: Session, signingSecret: string, refreshToken?: string, extra: Record<string, string> = {}): SimResponse {
  const id = identityUrl(org, session.userId);
  const issuedAt = String(session.issuedAt);
  return json(200, {
    access_token: session.token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature: createHmac('sha256', signingSecret).update(id + issuedAt).digest('base64'),
    scope: session.scopes.join(' '),
    instance_url: trimSlash(org.instanceUrl),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    ...extra,
  });
}

export class OAuthEndpoints {
  public constructor(
    private readonly registry: Registry,
    private readonly faults: Faults
  ) {}

  public token(req: SimRequest, host: HostKind = 'my-domain'): Handled {
    const form = formFields(req);
    const grant = form.get('grant_type') ?? '';
    switch (grant) {
      case 'refresh_token':
        return { ...this.refresh(form), detail: grant };
      case 'client_credentials':
        return { ...(host === 'login' ? { response: ERR.notThisDomain() } : this.clientCredentials(form)), detail: grant };
      case JWT_BEARER_GRANT:
        return { ...this.jwtBearer(form), detail: 'jwt-bearer' };
      case 'authorization_code':
        return { ...this.authorizationCode(form), detail: grant };
      default:
        return { response: oauthError('unsupported_grant_type', 'grant type not supported'), detail: grant };
    }
  }

  public userinfo(session: Session | undefined): Handled {
    const org = session ? this.registry.orgById(session.orgId) : undefined;
    const user = session && org ? org.user(session.userId) : undefined;
    if (!session || !org || !user) return { response: { status: 403, contentType: 'text/plain', body: 'Bad_OAuth_Token' } };
    const base = trimSlash(org.instanceUrl);
    return {
      org,
      response: json(200, {
        sub: identityUrl(org, user.id),
        user_id: user.id,
        organization_id: org.orgId,
        preferred_username: user.username,
        nickname: user.username.split('@')[0],
        name: [user.firstName, user.lastName].filter((s) => s !== '').join(' '),
        given_name: user.firstName,
        family_name: user.lastName,
        email: user.email,
        email_verified: true,
        zoneinfo: 'America/Los_Angeles',
        locale: 'en_US',
        language: 'en_US',
        user_type: 'STANDARD',
        active: user.isActive,
        is_app_installed: true,
        updated_at: user.createdDate,
        urls: {
          rest: `${base}/services/data/v{version}/`,
          sobjects: `${base}/services/data/v{version}/sobjects/`,
          query: `${base}/services/data/v{version}/query/`,
          metadata: `${base}/services/Soap/m/{version}/${org.orgId}`,
          // the org's My Domain, as the identity service gives it (the simulator answers on 127.0.0.1)
          ...(org.hasMyDomain ? { custom_domain: org.myDomainUrl } : {}),
        },
      }),
    };
  }

  /** Revokes an access or refresh token (both forms: form field or query `token`). */
  public revoke(req: SimRequest): Handled {
    const token = formFields(req).get('token') ?? '';
    const session = this.registry.sessions.get(token);
    const grant = this.registry.refreshGrants.get(token);
    if (!session && !grant) return { response: oauthError('unsupported_token_type', 'this token type is not supported') };
    const orgId = session?.orgId ?? grant?.orgId ?? '';
    this.registry.sessions.delete(token);
    if (grant) {
      this.registry.refreshGrants.delete(token);
      // revoking a refresh token ends the sessions it issued
      for (const [t, s] of this.registry.sessions) {
        if (s.orgId === grant.orgId && s.userId === grant.userId && s.app === grant.app) this.registry.sessions.delete(t);
      }
    }
    return { response: { status: 200, contentType: 'text/plain', body: '' }, org: this.registry.orgById(orgId) };
  }

  private refresh(form: URLSearchParams): Handled {
    const grant = this.registry.refreshGrants.get(form.get('refresh_token') ?? '');
    if (!grant || this.faults.takeRefreshRevoked()) return { response: ERR.expiredToken(), org: grant ? this.registry.orgById(grant.orgId) : undefined };
    const org = this.registry.orgById(grant.orgId) as OrgState;
    if ((form.get('client_id') ?? CLI_CLIENT_ID) !== grant.clientId) return { response: ERR.clientId(), org };
    const user = org.user(grant.userId);
    if (!user?.isActive) return { response: ERR.inactiveUser(), org };
    const session = this.registry.issueSession(org, user, grant.app, { scopes: grant.scopes, issuedAt: this.faults.now() });
    org.recordUsage(grant.app, user.id);
    this.recordLogin(org, user, grant.app, 'OAuth Refresh Token');
    return { response: tokenResponse(org, session, grant.token), org };
  }

  /** A successful OAuth login, as LoginHistory shows it: Remote Access 2.0, the app's label, API type N/A. */
  private recordLogin(org: OrgState, user: UserRecord, app: string, subType: string | null): void {
    const component = org.component(HEADER_TYPE, app) ?? org.component(CONNECTED_APP_TYPE, app);
    const label = typeof component?.values.label === 'string' ? component.values.label : app;
    org.recordLogin(user.id, { loginType: 'Remote Access 2.0', loginSubType: subType, application: label, loginTime: new Date(this.faults.now()).toISOString(), loginUrl: new URL(org.myDomainUrl).host });
  }

  /**
   * The web server flow's code exchange, for the AuthCode of a scratch org signup (the only codes
   * the simulator hands out): client_id must be the signup's Connected App, the code is single use.
   */
  private authorizationCode(form: URLSearchParams): Handled {
    const code = form.get('code') ?? '';
    for (const hub of this.registry.orgs.values()) {
      const info = hub.scratchOrgInfos.find((i) => i.authCode !== null && i.authCode === code);
      if (!info?.scratchOrgAlias) continue;
      if ((form.get('client_id') ?? '') !== info.connectedAppConsumerKey) return { response: ERR.clientId(), org: hub };
      info.authCode = null;
      const org = this.registry.org(info.scratchOrgAlias);
      const user = org.user(info.signupUsername ?? org.cliUsername) as UserRecord;
      const grant = this.registry.grantRefreshToken(org, user, info.connectedAppConsumerKey ?? CLI_CLIENT_ID, CLI_APP_NAME);
      const session = this.registry.issueSession(org, user, grant.app, { scopes: grant.scopes, issuedAt: this.faults.now() });
      this.recordLogin(org, user, grant.app, 'OAuth Web Server');
      return { response: tokenResponse(org, session, grant.token, grant.token), org };
    }
    return { response: oauthError('invalid_grant', 'invalid authorization code') };
  }

  /**
   * A newly saved app issues no tokens until it has propagated (row 12): the org's
   * propagationMinutes, or the propagation fault, say for how long.
   */
  private notPropagated(org: OrgState, app: OAuthApp): SimResponse | undefined {
    const fault = this.faults.propagation;
    const minutes = Math.max(org.propagationMinutes, fault?.minutes ?? 0);
    if (minutes <= 0 || Date.now() - app.savedAt >= minutes * 60_000) return undefined;
    return fault?.answer === 'app_not_found' ? ERR.notInstalled() : ERR.clientId();
  }

  /** An access token for the app: opaque, or a JWT when the app issues JWT-based access tokens. */
  private issue(org: OrgState, user: UserRecord, app: OAuthApp, scopes: readonly string[]): { session: Session; extra: Record<string, string> } {
    const now = this.faults.now();
    if (!app.jwtAccessTokens) return { session: this.registry.issueSession(org, user, app.name, { scopes, issuedAt: now }), extra: {} };
    const iat = Math.floor(now / 1000);
    const exp = iat + (app.jwtTimeoutMinutes ?? 120) * 60;
    const token = jwt.sign(
      { iss: org.myDomainUrl, sub: user.id, aud: org.myDomainUrl, client_id: app.credentials.consumerKey, scp: [...scopes], mty: 'oauth', iat, exp, jti: randomUUID() },
      jwtSigningKey().privateKey,
      { algorithm: 'RS256', keyid: 'simulator' }
    );
    const session = this.registry.issueSession(org, user, app.name, { scopes, token, issuedAt: now, expiresAt: exp * 1000 });
    return { session, extra: { token_format: 'jwt' } };
  }

  private clientCredentials(form: URLSearchParams): Handled {
    const found = this.registry.findConsumer(form.get('client_id') ?? '');
    if (!found) return { response: ERR.clientId() };
    const { org } = found;
    const app = oauthApp(org, found.owner);
    // an app switched off (or with its OAuth plugin off) is no OAuth client: UNCONFIRMED wording
    if (!app?.enabled) return { response: ERR.clientId(), org };
    const waiting = this.notPropagated(org, app);
    if (waiting) return { response: waiting, org };
    // the primary secret, or the secret of live staged credentials that carry this key (issue 12)
    const secrets = this.registry.consumerSecrets(org, found.owner, form.get('client_id') ?? '');
    if (!secrets.includes(form.get('client_secret') ?? '')) return { response: ERR.clientCredentials(), org };
    const user = app.clientCredentialsUser ? org.user(app.clientCredentialsUser) : undefined;
    if (!app.clientCredentialsEnabled || !user?.isActive) return { response: ERR.noCcUser(), org };
    // row 8: the token carries the app's scopes except full, web and refresh_token/offline_access
    const { session, extra } = this.issue(org, user, app, scopeTokens(clientCredentialsScopes(app.scopes)));
    org.recordUsage(app.name, user.id);
    this.recordLogin(org, user, app.name, 'OAuth Client Credentials');
    return { response: tokenResponse(org, session, app.credentials.consumerSecret, undefined, extra), org };
  }

  private jwtBearer(form: URLSearchParams): Handled {
    const assertion = form.get('assertion') ?? '';
    const decoded = jwt.decode(assertion, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') return { response: ERR.invalidAssertion() };
    const claims: JwtPayload = decoded.payload;
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    // a key several orgs share (a Connected App copied into a sandbox): the user's org decides
    const found = this.registry.findConsumer(typeof claims.iss === 'string' ? claims.iss : '', (o) => o.user(subject) !== undefined);
    if (!found) return { response: ERR.clientId() };
    const target = this.findUserOrg(subject) ?? found.org;
    // the user's org does not have the app (row 5)
    if (target !== found.org) return { response: ERR.notInstalled(), org: target };
    const org = target;
    const app = oauthApp(org, found.owner);
    if (app && !app.enabled) return { response: ERR.clientId(), org };
    if (app) {
      const waiting = this.notPropagated(org, app);
      if (waiting) return { response: waiting, org };
    }
    if (!app?.certificate) return { response: ERR.invalidAssertion(), org };
    const audience = this.audienceProblem(org, claims.aud);
    if (audience) return { response: audience, org };
    try {
      // an expired certificate does not stop the flow (Salesforce StackExchange q/313488): only the key counts
      jwt.verify(assertion, certificatePem(app.certificate), { algorithms: ['RS256'], clockTolerance: 0, clockTimestamp: Math.floor(this.faults.now() / 1000) });
    } catch (e) {
      const expired = e instanceof jwt.TokenExpiredError;
      return { response: expired ? ERR.expiredAssertion() : ERR.invalidAssertion(), org };
    }
    if (typeof claims.exp !== 'number') return { response: ERR.invalidAssertion(), org };
    const user = org.user(subject);
    if (!user) return { response: ERR.notApproved(), org };
    if (!user.isActive) return { response: ERR.inactiveUser(), org };
    const refused = this.accessProblem(org, app, user);
    if (refused) return { response: refused, org };
    const { session, extra } = this.issue(org, user, app, scopeTokens(app.scopes.filter((s) => s !== 'RefreshToken')));
    org.recordUsage(app.name, user.id);
    // the object reference lists no JWT bearer subtype: none is recorded
    this.recordLogin(org, user, app.name, null);
    return { response: tokenResponse(org, session, app.credentials.consumerSecret, undefined, extra), org };
  }

  private accessProblem(org: OrgState, app: OAuthApp, user: UserRecord): SimResponse | undefined {
    if (app.permittedUsers === 'AdminApprovedPreAuthorized') return isPreAuthorized(org, app, user) ? undefined : ERR.notAdminApproved();
    // self-authorized apps: the user must have approved the app before (an OAuth token exists)
    const approved = org.oauthTokens.some((t) => t.userId === user.id && t.appName === app.name);
    return approved ? undefined : ERR.notApproved();
  }

  /** Production orgs take login.salesforce.com, sandboxes test.salesforce.com; both their own URLs. */
  private audienceProblem(org: OrgState, aud: JwtPayload['aud']): SimResponse | undefined {
    const given = (Array.isArray(aud) ? aud[0] : aud) ?? '';
    const login = org.isSandbox ? SANDBOX_LOGIN_URL : PRODUCTION_LOGIN_URL;
    const accepted = [login, org.instanceUrl, org.myDomainUrl].map(trimSlash);
    return accepted.includes(trimSlash(given)) ? undefined : ERR.badAudience();
  }

  private findUserOrg(username: string): OrgState | undefined {
    return [...this.registry.orgs.values()].find((o) => o.user(username) !== undefined);
  }
}
