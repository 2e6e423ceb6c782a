/**
 * REST under /services/data: the version list, SOQL query (with `columns=true`), sObject records
 * by id, inserts and deletes of the records the simulator writes (dml.ts), the Connect OAuth
 * credentials (credentials.ts) and usage (usage.ts) resources, and the tooling describe the CLI probes.
 */
import { CredentialsResources } from './credentials.js';
import { Dml } from './dml.js';
import { json, notFound, restError, type SimRequest, type SimResponse } from './http.js';
import { sameId } from './ids.js';
import { describeColumns, type QueryRecord, querySoql, SoqlError, SoqlNotSimulated } from './soql.js';
import { sobjectDef } from './sobjects.js';
import type { OrgState, Registry, UserRecord } from './store.js';
import { UsageResources } from './usage.js';

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
  if (rest.startsWith('composite/')) return 'rest:composite';
  if (/^apps\/oauth\/usage\/[^/]+\/users$/.test(rest)) return 'rest:apps-usage-users';
  if (/^apps\/oauth\/usage\/.+\/tokens$/.test(rest) || rest.startsWith('apps/oauth/usage/tokens/')) return 'rest:apps-usage-tokens';
  if (rest.startsWith('apps/oauth/usage')) return 'rest:apps-usage';
  if (/^apps\/oauth\/credentials\/[^/]+\/[^/]+\/staged(\/[^/]+)?$/.test(rest)) return 'rest:apps-credentials-staged';
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

function jsonBody(req: SimRequest): unknown {
  const text = req.body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export class RestApi {
  /** Open query cursors by locator id ("01g...-2000" pages through them). */
  private readonly cursors = new Map<string, Cursor>();
  private readonly credentials: CredentialsResources;
  private readonly usage: UsageResources;
  private readonly dml: Dml;

  public constructor(registry: Registry, now: () => number = Date.now, loginUrl: () => string = () => registry.baseUrl) {
    this.credentials = new CredentialsResources(now);
    this.usage = new UsageResources(registry);
    this.dml = new Dml(registry, loginUrl);
  }

  public handle(req: SimRequest, org: OrgState, version: string, rest: string, user?: UserRecord): SimResponse {
    if (Number.parseFloat(version) > Number.parseFloat(org.apiVersion)) return notFound();
    const viewer = user ?? (org.user(org.cliUsername) as UserRecord);
    if (rest.startsWith('apps/oauth/credentials/')) return this.credentials.handle(req, org, viewer, version, rest.split('/').slice(3));
    if (rest === 'apps/oauth/usage' || rest.startsWith('apps/oauth/usage/')) return this.usage.handle(req, org, version, rest.split('/').slice(3));
    if (rest === 'composite/sobjects') {
      if (req.method === 'POST') return this.dml.collectionInsert(org, viewer, jsonBody(req));
      if (req.method === 'DELETE') return this.dml.collectionDelete(org, (req.query.get('ids') ?? '').split(',').filter((x) => x !== ''));
      return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are POST, DELETE`);
    }
    const insert = /^sobjects\/([A-Za-z]+)$/.exec(rest);
    if (insert && req.method === 'POST') return this.dml.insertResponse(org, viewer, insert[1], jsonBody(req));
    const byId = /^sobjects\/([A-Za-z]+)\/([A-Za-z0-9]{15,18})$/.exec(rest);
    if (byId && req.method === 'DELETE') {
      const problem = this.dml.remove(org, byId[1], byId[2]);
      return problem ? restError(problem.status, problem.errorCode, problem.message) : { status: 204, contentType: 'application/json;charset=UTF-8', body: '' };
    }
    if (req.method !== 'GET') return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET`);
    if (rest === '') return this.resources(version);
    if (/^(tooling\/)?query(All)?$/.test(rest)) return this.query(req, org, version, viewer);
    const more = /^(?:tooling\/)?query(?:All)?\/([A-Za-z0-9]+)-(\d+)$/.exec(rest);
    if (more) return this.queryMore(org, version, more[1], Number(more[2]));
    if (rest === 'tooling/sobjects/SourceMember/describe') return notFound();
    if (byId) return this.record(org, version, byId[1], byId[2], viewer);
    return notFound();
  }

  private resources(version: string): SimResponse {
    const base = `/services/data/v${version}`;
    return json(200, { sobjects: `${base}/sobjects`, query: `${base}/query`, tooling: `${base}/tooling`, connect: `${base}/connect`, limits: `${base}/limits` });
  }

  private query(req: SimRequest, org: OrgState, version: string, viewer: UserRecord): SimResponse {
    const soql = req.query.get('q');
    if (!soql) return restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    try {
      if (req.query.get('columns') === 'true') return json(200, describeColumns(soql, org));
      const result = querySoql(org, soql, version, Date.now(), viewer);
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

  private record(org: OrgState, version: string, type: string, id: string, viewer: UserRecord): SimResponse {
    const def = sobjectDef(type, org);
    if (!def) return restError(404, 'NOT_FOUND', `The requested resource does not exist`);
    const row = def.rows(org, viewer).find((r) => typeof r.Id === 'string' && sameId(r.Id, id));
    if (!row) return restError(404, 'NOT_FOUND', 'Provided external ID field does not exist or is not accessible: ' + id);
    return json(200, { attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${String(row.Id)}` }, ...row });
  }
}
