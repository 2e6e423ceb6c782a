/**
 * Connect REST "OAuth Usage" resources (API 59+; sources in simulator/README.md):
 *
 *   GET    /apps/oauth/usage?page=&pageSize=                       external client apps that have OAuth usage data
 *   GET    /apps/oauth/usage/{appId}/users?page=&pageSize=         the app's OAuth users
 *   GET    /apps/oauth/usage/{appId}/{userId}/tokens               the user's refresh tokens for the app
 *   DELETE /apps/oauth/usage/{appId}/{userId}/tokens               revoke them (204)
 *   DELETE /apps/oauth/usage/{appId}/tokens                        revoke every refresh token of the app (204)
 *   DELETE /apps/oauth/usage/tokens/{tokenId}                      revoke one refresh token (204)
 *
 * Usage data are the org's OauthToken rows (one per app and user). Revoking deletes the rows and
 * ends the refresh tokens and access tokens the simulator issued for that app and user.
 */
import { json, restError, type SimRequest, type SimResponse } from './http.js';
import { sameId } from './ids.js';
import { GLOBAL_OAUTH_TYPE, HEADER_TYPE, type OAuthTokenRecord, type OrgState, type Registry, type StoredComponent } from './store.js';

const noContent = (): SimResponse => ({ status: 204, contentType: 'application/json;charset=UTF-8', body: '' });
const notFound = (): SimResponse => restError(404, 'NOT_FOUND', 'The requested resource does not exist');

function paging(req: SimRequest): { page: number; pageSize: number } {
  const page = Math.max(0, Number.parseInt(req.query.get('page') ?? '0', 10) || 0);
  const pageSize = Math.min(2000, Math.max(1, Number.parseInt(req.query.get('pageSize') ?? '100', 10) || 100));
  return { page, pageSize };
}

/** A page of a collection: currentPageUrl and nextPageUrl (given with every page, even the last). */
function page<T>(req: SimRequest, url: string, items: readonly T[]): { items: T[]; currentPageUrl: string; nextPageUrl: string } {
  const { page: p, pageSize } = paging(req);
  return {
    items: items.slice(p * pageSize, (p + 1) * pageSize),
    currentPageUrl: `${url}?page=${p}&pageSize=${pageSize}`,
    nextPageUrl: `${url}?page=${p + 1}&pageSize=${pageSize}`,
  };
}

export class UsageResources {
  public constructor(private readonly registry: Registry) {}

  public handle(req: SimRequest, org: OrgState, version: string, parts: string[]): SimResponse {
    if (Number.parseFloat(version) < 59) return notFound();
    const base = `/services/data/v${version}/apps/oauth/usage`;
    if (parts.length === 0) {
      if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
      return this.apps(req, org, base);
    }
    if (parts.length === 2 && parts[0] === 'tokens') {
      if (req.method !== 'DELETE') return methodNotAllowed(req.method, 'DELETE');
      const row = org.oauthTokens.find((t) => sameId(t.id, parts[1]));
      if (!row) return notFound();
      this.revoke(org, [row]);
      return noContent();
    }
    const app = org.componentsOf(HEADER_TYPE).find((c) => sameId(c.id, parts[0]));
    if (!app) return notFound();
    const rows = org.oauthTokens.filter((t) => t.appName === app.fullName);
    if (parts.length === 2 && parts[1] === 'users') {
      if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
      const userIds = [...new Set(rows.map((t) => t.userId))];
      const users = userIds
        .map((id) => org.user(id))
        .filter((u) => u !== undefined)
        .map((u) => ({ userIdentifier: u.id, username: u.username }))
        .sort((a, b) => a.username.localeCompare(b.username));
      const p = page(req, `${base}/${app.id}/users`, users);
      return json(200, { currentPageUrl: p.currentPageUrl, nextPageUrl: p.nextPageUrl, users: p.items });
    }
    if (parts.length === 2 && parts[1] === 'tokens') {
      if (req.method !== 'DELETE') return methodNotAllowed(req.method, 'DELETE');
      this.revoke(org, rows);
      return noContent();
    }
    if (parts.length === 3 && parts[2] === 'tokens') {
      const userRows = rows.filter((t) => sameId(t.userId, parts[1]));
      if (req.method === 'DELETE') {
        this.revoke(org, userRows);
        return noContent();
      }
      if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET, DELETE');
      const p = page(req, `${base}/${app.id}/${parts[1]}/tokens`, userRows.map((t) => this.tokenView(org, app, t, base)));
      return json(200, { currentPageUrl: p.currentPageUrl, nextPageUrl: p.nextPageUrl, tokens: p.items });
    }
    return notFound();
  }

  /**
   * The external client apps with OAuth usage data: { apps: [{ identifier, developerName, label }],
   * currentPageUrl, nextPageUrl } (the fields sfdx-hardis reads; others UNCONFIRMED).
   */
  private apps(req: SimRequest, org: OrgState, base: string): SimResponse {
    const used = new Set(org.oauthTokens.map((t) => t.appName));
    const apps = org
      .componentsOf(HEADER_TYPE)
      .filter((c) => used.has(c.fullName))
      .map((c) => ({ developerName: c.fullName, identifier: c.id, label: typeof c.values.label === 'string' ? c.values.label : c.fullName }));
    const p = page(req, base, apps);
    return json(200, { apps: p.items, currentPageUrl: p.currentPageUrl, nextPageUrl: p.nextPageUrl });
  }

  /** "App OAuth Usage Token". */
  private tokenView(org: OrgState, app: StoredComponent, t: OAuthTokenRecord, base: string): Record<string, unknown> {
    const global = org.satellite(app.fullName, GLOBAL_OAUTH_TYPE);
    return {
      accessTokenFormat: global?.values.isNamedUserJwtEnabled === true ? 'JWT' : 'Opaque',
      appDeveloperName: app.fullName,
      appIdentifier: app.id,
      initialConnectionAt: t.createdDate,
      lastUsedAt: t.lastUsedDate,
      revocationUrl: `${base}/tokens/${t.id}`,
      useCount: t.useCount,
      userIdentifier: t.userId,
      username: org.user(t.userId)?.username ?? null,
    };
  }

  private revoke(org: OrgState, rows: readonly OAuthTokenRecord[]): void {
    for (const row of rows) {
      const i = org.oauthTokens.indexOf(row);
      if (i >= 0) org.oauthTokens.splice(i, 1);
      this.registry.revokeAppTokens(org, row.appName, row.userId);
    }
  }
}

function methodNotAllowed(method: string, allowed: string): SimResponse {
  return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);
}
