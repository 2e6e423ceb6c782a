/**
 * REST under /services/data: the version list, SOQL query (with `columns=true`), sObject records
 * by id, the Connect OAuth usage and credentials resources, and the tooling describe the CLI probes.
 */
import { json, notFound, restError, type SimRequest, type SimResponse } from './http.js';
import { sameId } from './ids.js';
import { oauthApp } from './apps.js';
import { describeColumns, type QueryRecord, querySoql, SoqlError, SoqlNotSimulated } from './soql.js';
import { sobjectDef } from './sobjects.js';
import { CONNECTED_APP_TYPE, HEADER_TYPE, type OrgState } from './store.js';

/** API versions and their release names, oldest first. */
const RELEASES: ReadonlyArray<[number, string]> = [
  [31, "Summer '14"], [32, "Winter '15"], [33, "Spring '15"], [34, "Summer '15"], [35, "Winter '16"], [36, "Spring '16"],
  [37, "Summer '16"], [38, "Winter '17"], [39, "Spring '17"], [40, "Summer '17"], [41, "Winter '18"], [42, "Spring '18"],
  [43, "Summer '18"], [44, "Winter '19"], [45, "Spring '19"], [46, "Summer '19"], [47, "Winter '20"], [48, "Spring '20"],
  [49, "Summer '20"], [50, "Winter '21"], [51, "Spring '21"], [52, "Summer '21"], [53, "Winter '22"], [54, "Spring '22"],
  [55, "Summer '22"], [56, "Winter '23"], [57, "Spring '23"], [58, "Summer '23"], [59, "Winter '24"], [60, "Spring '24"],
  [61, "Summer '24"], [62, "Winter '25"], [63, "Spring '25"], [64, "Summer '25"], [65, "Winter '26"], [66, "Spring '26"],
  [67, "Summer '26"], [68, "Winter '27"],
];

export function versionList(maxVersion: string): Array<{ label: string; url: string; version: string }> {
  const max = Number.parseFloat(maxVersion);
  return RELEASES.filter(([v]) => v <= max).map(([v, label]) => ({ label, url: `/services/data/v${v}.0`, version: `${v}.0` }));
}

/** "/services/data/v66.0/query" -> { version: "66.0", rest: "query" } */
export function splitDataPath(path: string): { version: string; rest: string } | undefined {
  const m = /^\/services\/data\/v(\d+\.\d)(?:\/(.*))?$/.exec(path);
  return m ? { version: m[1], rest: (m[2] ?? '').replace(/\/$/, '') } : undefined;
}

/** The endpoint key of a data path, for the request log and fault matching. */
export function restEndpoint(rest: string): string {
  if (rest === '') return 'rest:resources';
  if (/^(tooling\/)?query(All)?(\/[A-Za-z0-9-]+)?$/.test(rest)) return rest.startsWith('tooling') ? 'rest:tooling-query' : 'rest:query';
  if (rest.startsWith('tooling/')) return 'rest:tooling';
  if (rest.startsWith('sobjects/')) return 'rest:sobject';
  if (rest.startsWith('apps/oauth/usage')) return 'rest:apps-usage';
  if (rest.startsWith('apps/oauth/credentials')) return 'rest:apps-credentials';
  return 'rest:unknown';
}

/** Records per batch: 2000 unless the Sforce-Query-Options header asks for 200 to 2000. */
function batchSizeOf(req: SimRequest): number {
  const header = req.headers['sforce-query-options'];
  const m = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  const n = m ? Number.parseInt(m[1], 10) : 2000;
  return Math.min(2000, Math.max(200, n));
}

type Cursor = { org: OrgState; records: QueryRecord[]; totalSize: number; batchSize: number };

export class RestApi {
  /** Open query cursors by locator id ("01g...-2000" pages through them). */
  private readonly cursors = new Map<string, Cursor>();

  public handle(req: SimRequest, org: OrgState, version: string, rest: string): SimResponse {
    if (Number.parseFloat(version) > Number.parseFloat(org.apiVersion)) return notFound();
    if (req.method !== 'GET') return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET`);
    if (rest === '') return this.resources(version);
    if (/^(tooling\/)?query(All)?$/.test(rest)) return this.query(req, org, version);
    const more = /^(?:tooling\/)?query(?:All)?\/([A-Za-z0-9]+)-(\d+)$/.exec(rest);
    if (more) return this.queryMore(org, version, more[1], Number(more[2]));
    if (rest === 'tooling/sobjects/SourceMember/describe') return notFound();
    const record = /^sobjects\/([A-Za-z]+)\/([A-Za-z0-9]{15,18})$/.exec(rest);
    if (record) return this.record(org, version, record[1], record[2]);
    if (rest === 'apps/oauth/usage') return this.usage(req, org, version);
    const creds = /^apps\/oauth\/credentials\/([A-Za-z0-9]+)\/([A-Za-z0-9]+)$/.exec(rest);
    if (creds) return this.credentials(req, org, version, creds[1], creds[2]);
    return notFound();
  }

  private resources(version: string): SimResponse {
    const base = `/services/data/v${version}`;
    return json(200, { sobjects: `${base}/sobjects`, query: `${base}/query`, tooling: `${base}/tooling`, connect: `${base}/connect`, limits: `${base}/limits` });
  }

  private query(req: SimRequest, org: OrgState, version: string): SimResponse {
    const soql = req.query.get('q');
    if (!soql) return restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    try {
      if (req.query.get('columns') === 'true') return json(200, describeColumns(soql));
      const result = querySoql(org, soql, version);
      const cursor: Cursor = { org, records: result.records, totalSize: result.totalSize, batchSize: batchSizeOf(req) };
      return json(200, this.page(cursor, org.newId('01g'), 0, version));
    } catch (e) {
      if (e instanceof SoqlError) return restError(400, e.errorCode, e.message);
      if (e instanceof SoqlNotSimulated) return restError(501, 'NOT_SIMULATED', `The org simulator parses this query but does not evaluate ${e.message}.`);
      throw e;
    }
  }

  /** One batch of a cursor; the rest stays open under a locator, as nextRecordsUrl. */
  private page(cursor: Cursor, queryId: string, from: number, version: string): { totalSize: number; done: boolean; records: QueryRecord[]; nextRecordsUrl?: string } {
    const records = cursor.records.slice(from, from + cursor.batchSize);
    const next = from + cursor.batchSize;
    if (next >= cursor.records.length) {
      this.cursors.delete(queryId);
      return { totalSize: cursor.totalSize, done: true, records };
    }
    this.cursors.set(queryId, cursor);
    return { totalSize: cursor.totalSize, done: false, nextRecordsUrl: `/services/data/v${version}/query/${queryId}-${next}`, records };
  }

  private queryMore(org: OrgState, version: string, queryId: string, from: number): SimResponse {
    const cursor = this.cursors.get(queryId);
    if (!cursor || cursor.org !== org || from % cursor.batchSize !== 0 || from >= cursor.records.length) {
      return restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return json(200, this.page(cursor, queryId, from, version));
  }

  private record(org: OrgState, version: string, type: string, id: string): SimResponse {
    const def = sobjectDef(type);
    if (!def) return restError(404, 'NOT_FOUND', `The requested resource does not exist`);
    const row = def.rows(org).find((r) => typeof r.Id === 'string' && sameId(r.Id, id));
    if (!row) return restError(404, 'NOT_FOUND', 'Provided external ID field does not exist or is not accessible: ' + id);
    return json(200, { attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${String(row.Id)}` }, ...row });
  }

  /** Connect `apps/oauth/usage` (API 59+). The body's shape is approximated from the resource's documentation. */
  private usage(req: SimRequest, org: OrgState, version: string): SimResponse {
    if (Number.parseFloat(version) < 59) return notFound();
    const page = Number.parseInt(req.query.get('page') ?? '0', 10) || 0;
    const pageSize = Number.parseInt(req.query.get('pageSize') ?? '100', 10) || 100;
    const byApp = new Map<string, { users: Set<string>; useCount: number; lastUsedDate: string }>();
    for (const t of org.oauthTokens) {
      const entry = byApp.get(t.appName) ?? { users: new Set<string>(), useCount: 0, lastUsedDate: t.lastUsedDate };
      entry.users.add(t.userId);
      entry.useCount += t.useCount;
      if (t.lastUsedDate > entry.lastUsedDate) entry.lastUsedDate = t.lastUsedDate;
      byApp.set(t.appName, entry);
    }
    const apps = [...byApp.entries()]
      .map(([name, e]) => {
        const eca = org.component(HEADER_TYPE, name);
        const ca = org.component(CONNECTED_APP_TYPE, name);
        const app = eca ?? ca;
        return {
          appId: app?.id ?? null,
          appName: name,
          appLabel: typeof app?.values.label === 'string' ? app.values.label : name,
          appType: eca ? 'ExternalClientApp' : ca ? 'ConnectedApp' : 'Other',
          userCount: e.users.size,
          useCount: e.useCount,
          lastUsedDate: e.lastUsedDate,
        };
      })
      .sort((a, b) => a.appName.localeCompare(b.appName));
    const slice = apps.slice(page * pageSize, (page + 1) * pageSize);
    const base = `/services/data/v${version}/apps/oauth/usage`;
    return json(200, {
      apps: slice,
      currentPageUrl: `${base}?page=${page}&pageSize=${pageSize}`,
      nextPageUrl: (page + 1) * pageSize < apps.length ? `${base}?page=${page + 1}&pageSize=${pageSize}` : null,
      totalSize: apps.length,
    });
  }

  /**
   * Connect `apps/oauth/credentials/{appId}/{consumerId}?part=key|secret|keyandsecret` (API 60+).
   * The secret needs the org setting enableClientSecretInRestApiAccess.
   */
  private credentials(req: SimRequest, org: OrgState, version: string, appId: string, consumerId: string): SimResponse {
    if (Number.parseFloat(version) < 60) return notFound();
    const part = (req.query.get('part') ?? 'key').toLowerCase();
    if (!['key', 'secret', 'keyandsecret'].includes(part)) {
      return restError(400, 'INVALID_INPUT', `Invalid value for part: ${part}. Valid values are key, secret, keyandsecret.`);
    }
    const match = [...org.credentials.entries()].find(([owner, c]) => {
      const app = oauthApp(org, owner);
      return app !== undefined && sameId(app.id, appId) && sameId(c.consumerId, consumerId);
    });
    if (!match) return notFound();
    const creds = match[1];
    if (part !== 'key' && !org.settings.enableClientSecretInRestApiAccess) {
      return restError(403, 'FORBIDDEN', 'Access to the consumer secret through the REST API is turned off for this org. An admin can allow it with the org setting enableClientSecretInRestApiAccess.');
    }
    return json(200, {
      consumerId: creds.consumerId,
      ...(part !== 'secret' ? { key: creds.consumerKey } : {}),
      ...(part !== 'key' ? { secret: creds.consumerSecret } : {}),
    });
  }
}
