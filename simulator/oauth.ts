/**
 * The OAuth endpoints: token (refresh_token, client_credentials, jwt-bearer), userinfo and revoke,
 * with Salesforce's error bodies (HTTP 400 {"error","error_description"}).
 */
import { createHmac } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { certificatePem } from './certificates.js';
import { isPreAuthorized, oauthApp, scopeString } from './apps.js';
import { formFields, json, type SimRequest, type SimResponse } from './http.js';
import { CLI_CLIENT_ID, type OrgState, type Registry, type Session, type UserRecord } from './store.js';

export const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
export const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type Handled = { response: SimResponse; org?: OrgState; detail?: string };

/** Salesforce's token endpoint error. */
export function oauthError(error: string, description: string, status = 400): SimResponse {
  return json(status, { error, error_description: description });
}

const ERR = {
  expiredToken: () => oauthError('invalid_grant', 'expired access/refresh token'),
  clientId: () => oauthError('invalid_client_id', 'client identifier invalid'),
  clientCredentials: () => oauthError('invalid_client', 'invalid client credentials'),
  noCcUser: () => oauthError('invalid_grant', 'no client credentials user enabled'),
  notApproved: () => oauthError('invalid_grant', "user hasn't approved this consumer"),
  notAdminApproved: () => oauthError('invalid_app_access', 'user is not admin approved to access this app'),
  invalidAssertion: () => oauthError('invalid_grant', 'invalid assertion'),
  expiredAssertion: () => oauthError('invalid_grant', 'expired authorization code'),
  inactiveUser: () => oauthError('invalid_grant', 'inactive user'),
  notInstalled: () => oauthError('invalid_client', 'External client app is not installed in this org'),
};

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function identityUrl(org: OrgState, userId: string): string {
  return `${trimSlash(org.instanceUrl)}/id/${org.orgId}/${userId}`;
}

function tokenResponse(org: OrgState, session: Session, scope: string, signingKey: string, refreshToken?: string): SimResponse {
  const id = identityUrl(org, session.userId);
  const issuedAt = String(session.issuedAt);
  return json(200, {
    access_token: session.token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature: createHmac('sha256', signingKey).update(id + issuedAt).digest('base64'),
    scope,
    instance_url: trimSlash(org.instanceUrl),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  });
}

export class OAuthEndpoints {
  public constructor(private readonly registry: Registry) {}

  public token(req: SimRequest): Handled {
    const form = formFields(req);
    const grant = form.get('grant_type') ?? '';
    switch (grant) {
      case 'refresh_token':
        return { ...this.refresh(form), detail: grant };
      case 'client_credentials':
        return { ...this.clientCredentials(form), detail: grant };
      case JWT_BEARER_GRANT:
        return { ...this.jwtBearer(form), detail: 'jwt-bearer' };
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
    if (!grant) return { response: ERR.expiredToken() };
    const org = this.registry.orgById(grant.orgId) as OrgState;
    if ((form.get('client_id') ?? CLI_CLIENT_ID) !== grant.clientId) return { response: ERR.clientId(), org };
    const user = org.user(grant.userId);
    if (!user?.isActive) return { response: ERR.inactiveUser(), org };
    const session = this.registry.issueSession(org, user, grant.app);
    org.recordUsage(grant.app, user.id);
    const scope = grant.clientId === CLI_CLIENT_ID ? 'web openid api id refresh_token' : 'api refresh_token';
    return { response: tokenResponse(org, session, scope, grant.token), org };
  }

  private clientCredentials(form: URLSearchParams): Handled {
    const found = this.registry.findConsumer(form.get('client_id') ?? '');
    if (!found) return { response: ERR.clientId() };
    const { org } = found;
    const app = oauthApp(org, found.owner);
    // an app switched off (or with its OAuth plugin off) is no OAuth client: UNCONFIRMED wording
    if (!app?.enabled) return { response: ERR.clientId(), org };
    if ((form.get('client_secret') ?? '') !== app.credentials.consumerSecret) return { response: ERR.clientCredentials(), org };
    const user = app.clientCredentialsUser ? org.user(app.clientCredentialsUser) : undefined;
    if (!app.clientCredentialsEnabled || !user?.isActive) return { response: ERR.noCcUser(), org };
    const session = this.registry.issueSession(org, user, app.name);
    org.recordUsage(app.name, user.id);
    return { response: tokenResponse(org, session, scopeString(app.scopes.filter((s) => s !== 'RefreshToken')), app.credentials.consumerSecret), org };
  }

  private jwtBearer(form: URLSearchParams): Handled {
    const assertion = form.get('assertion') ?? '';
    const decoded = jwt.decode(assertion, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') return { response: ERR.invalidAssertion() };
    const claims: JwtPayload = decoded.payload;
    const found = this.registry.findConsumer(typeof claims.iss === 'string' ? claims.iss : '');
    if (!found) return { response: ERR.clientId() };
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    const target = this.findUserOrg(subject) ?? found.org;
    if (target !== found.org) return { response: ERR.notInstalled(), org: target };
    const org = target;
    const app = oauthApp(org, found.owner);
    if (app && !app.enabled) return { response: ERR.clientId(), org };
    if (!app?.certificate) return { response: ERR.invalidAssertion(), org };
    const audience = this.audienceProblem(org, claims.aud);
    if (audience) return { response: audience, org };
    try {
      jwt.verify(assertion, certificatePem(app.certificate), { algorithms: ['RS256'], clockTolerance: 0 });
    } catch (e) {
      const expired = e instanceof jwt.TokenExpiredError || (e instanceof Error && /jwt expired|exp/i.test(e.message));
      return { response: expired ? ERR.expiredAssertion() : ERR.invalidAssertion(), org };
    }
    if (typeof claims.exp !== 'number') return { response: ERR.invalidAssertion(), org };
    const user = org.user(subject);
    if (!user) return { response: ERR.notApproved(), org };
    if (!user.isActive) return { response: ERR.inactiveUser(), org };
    const refused = this.accessProblem(org, app, user);
    if (refused) return { response: refused, org };
    const session = this.registry.issueSession(org, user, app.name);
    org.recordUsage(app.name, user.id);
    return { response: tokenResponse(org, session, scopeString(app.scopes.filter((s) => s !== 'RefreshToken')), app.credentials.consumerSecret), org };
  }

  private accessProblem(org: OrgState, app: NonNullable<ReturnType<typeof oauthApp>>, user: UserRecord): SimResponse | undefined {
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
    if (accepted.includes(trimSlash(given))) return undefined;
    return oauthError('invalid_grant', `audience is invalid [audience=${given} login=${login}/]`);
  }

  private findUserOrg(username: string): OrgState | undefined {
    return [...this.registry.orgs.values()].find((o) => o.user(username) !== undefined);
  }
}


