/**
 * The control endpoint: faults set from outside the simulator's process. A plain-HTTP listener on
 * 127.0.0.1 (its own port, so it stays up while the org is "unreachable"), protected by a random
 * token printed at start; every request carries it as `Authorization: Bearer <token>` (or the
 * header `x-sim-token`).
 *
 *   GET    /__sim/faults       the faults in force
 *   POST   /__sim/faults       replace them: {"specs": ["error:match=soap:deploy"]} or a fault
 *                              configuration object ({"errors": [{"status": 500}]}); ?mode=update adds
 *   DELETE /__sim/faults       clear every fault
 *   GET    /__sim/requests     request counts per endpoint and the request log
 *   DELETE /__sim/requests     reset the request log
 *   GET    /__sim/orgs         the login line of every org (as printed at start)
 *   GET    /__sim/orgs/{alias}                    the org's switches, users and apps (never a secret)
 *   PATCH  /__sim/orgs/{alias}                    change switches: {"settings": {...}, "accessTokenLifetimeSeconds": 5,
 *                                                 "isDevHub": true, "propagationMinutes": 30, "hasMyDomain": false}
 *   POST   /__sim/orgs/{alias}/refresh            sandbox refresh {"from"?: alias, "sandboxName"?: name}; answers
 *                                                 the outcome and the new login line
 *   POST   /__sim/orgs/{alias}/permissions        {"holder": "<profile or permission set>", "permission": "ViewClientSecret", "enabled": false}
 *   PATCH  /__sim/orgs/{alias}/users/{username}   {"isActive": false}
 *   POST   /__sim/orgs/{alias}/apps/{name}/modified   {"minutesAgo": 5} or {"at": "<ISO date>"}
 *   POST   /__sim/orgs/{alias}/expire-sessions    every access token of the org expires (clients refresh or re-mint)
 *
 * Answers come once the listeners follow the new faults (an unreachable org is closed by then).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultConfig } from './faults.js';
import { FaultSpecError, parseFaultSpecs } from './faultSpec.js';
import type { Simulator } from './server.js';
import { CONNECTED_APP_TYPE, HEADER_TYPE, type OrgState } from './store.js';

export type ControlEndpoint = { url: string; token: string; close(): Promise<void> };

const CONFIG_KEYS = new Set([
  'latencyMs',
  'errors',
  'drops',
  'expireSession',
  'refreshRevoked',
  'requestLimit',
  'deployInProgress',
  'commitFailure',
  'unreachable',
  'clockSkewSeconds',
  'propagation',
]);

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('the body is not JSON');
  }
}

/** A request body as a fault configuration: specs, or the configuration object itself. */
export function faultConfigOf(body: unknown): FaultConfig {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('send a JSON object: {"specs": [...]} or a fault configuration');
  const o = body as Record<string, unknown>;
  const specs = o.specs ?? (o.spec !== undefined ? [o.spec] : undefined);
  if (specs !== undefined) {
    if (!Array.isArray(specs) || !specs.every((s) => typeof s === 'string')) throw new BadRequest('"specs" is a list of fault specs');
    return parseFaultSpecs(specs as string[]);
  }
  const unknown = Object.keys(o).filter((k) => !CONFIG_KEYS.has(k));
  if (unknown.length) throw new BadRequest(`unknown fault ${unknown.join(', ')}; known: ${[...CONFIG_KEYS].join(', ')}`);
  return o as FaultConfig;
}

type Answer = { status: number; body: unknown };

function record(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('send a JSON object');
  return body as Record<string, unknown>;
}

/** The org's switches, users and apps, as the control endpoint reports them (no secret, no token). */
export function describeOrg(org: OrgState): Record<string, unknown> {
  return {
    alias: org.alias,
    orgId: org.orgId,
    isSandbox: org.isSandbox,
    sandboxName: org.sandboxName,
    isDevHub: org.isDevHub,
    hasMyDomain: org.hasMyDomain,
    myDomainUrl: org.myDomainUrl,
    accessTokenLifetimeSeconds: org.accessTokenLifetimeSeconds ?? null,
    propagationMinutes: org.propagationMinutes,
    settings: org.settings,
    users: org.users.map((u) => ({
      username: u.username,
      isActive: u.isActive,
      apiOnly: org.isApiOnly(u),
      profile: org.profile(u.profileId)?.name,
      permissionSets: org.userPermissionSets(u).map((p) => p.name),
    })),
    permissionSets: org.permissionSets.map((p) => ({ name: p.name, permissions: [...p.permissions].sort() })),
    apps: [...org.components.values()]
      .filter((c) => c.type === HEADER_TYPE || c.type === CONNECTED_APP_TYPE)
      .map((c) => ({ type: c.type, fullName: c.fullName, distributionState: c.values.distributionState ?? null, manageableState: c.manageableState, lastModifiedDate: c.lastModifiedDate })),
  };
}

/** The org routes of the control endpoint (see the header). */
export function orgAction(sim: Simulator, method: string, alias: string, rest: string, body: unknown): Answer {
  if (!sim.orgs.some((o) => o.alias === alias)) return { status: 404, body: { error: 'not_found', message: `no org "${alias}"` } };
  const org = sim.org(alias);
  const route = `${method} ${rest}`;
  if (route === 'GET ') return { status: 200, body: describeOrg(org) };
  const b = record(body);
  if (route === 'PATCH ') {
    const settings = b.settings === undefined ? {} : record(b.settings);
    for (const [k, v] of Object.entries(settings)) {
      if (!(k in org.settings) || typeof v !== 'boolean') throw new BadRequest(`settings.${k}: known boolean settings are ${Object.keys(org.settings).join(', ')}`);
      (org.settings as Record<string, boolean>)[k] = v;
    }
    if (b.accessTokenLifetimeSeconds !== undefined) {
      if (b.accessTokenLifetimeSeconds !== null && (typeof b.accessTokenLifetimeSeconds !== 'number' || b.accessTokenLifetimeSeconds <= 0)) throw new BadRequest('accessTokenLifetimeSeconds is a positive number or null');
      org.accessTokenLifetimeSeconds = b.accessTokenLifetimeSeconds ?? undefined;
    }
    for (const flag of ['isDevHub', 'hasMyDomain'] as const) {
      if (b[flag] === undefined) continue;
      if (typeof b[flag] !== 'boolean') throw new BadRequest(`${flag} is true or false`);
      org[flag] = b[flag];
    }
    if (b.propagationMinutes !== undefined) {
      if (typeof b.propagationMinutes !== 'number' || b.propagationMinutes < 0) throw new BadRequest('propagationMinutes is a number');
      org.propagationMinutes = b.propagationMinutes;
    }
    return { status: 200, body: describeOrg(org) };
  }
  if (route === 'POST /refresh') {
    const outcome = sim.refreshSandbox(alias, {
      ...(typeof b.from === 'string' ? { from: b.from } : {}),
      ...(typeof b.sandboxName === 'string' ? { sandboxName: b.sandboxName } : {}),
    });
    return { status: 200, body: { ...outcome, login: sim.login(alias) } };
  }
  if (route === 'POST /permissions') {
    if (typeof b.holder !== 'string' || typeof b.permission !== 'string' || typeof b.enabled !== 'boolean') throw new BadRequest('send {"holder": "<profile or permission set>", "permission": "<name>", "enabled": true|false}');
    org.setPermission(b.holder, b.permission, b.enabled);
    return { status: 200, body: describeOrg(org) };
  }
  if (route === 'POST /expire-sessions') return { status: 200, body: { expired: sim.expireSessions(alias) } };
  const user = /^PATCH \/users\/([^/]+)$/.exec(route);
  if (user) {
    const u = org.user(decodeURIComponent(user[1]));
    if (!u) return { status: 404, body: { error: 'not_found', message: `no user "${decodeURIComponent(user[1])}" in ${alias}` } };
    if (b.isActive !== undefined) {
      if (typeof b.isActive !== 'boolean') throw new BadRequest('isActive is true or false');
      u.isActive = b.isActive;
    }
    return { status: 200, body: describeOrg(org) };
  }
  const app = /^POST \/apps\/([^/]+)\/modified$/.exec(route);
  if (app) {
    const at = typeof b.at === 'string' ? new Date(b.at) : typeof b.minutesAgo === 'number' ? new Date(Date.now() - b.minutesAgo * 60_000) : undefined;
    if (!at || Number.isNaN(at.getTime())) throw new BadRequest('send {"minutesAgo": n} or {"at": "<ISO date>"}');
    org.setAppModified(decodeURIComponent(app[1]), at);
    return { status: 200, body: describeOrg(org) };
  }
  return { status: 404, body: { error: 'not_found', message: `no ${method} /__sim/orgs/${alias}${rest}` } };
}

function authorized(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  const given = (typeof auth === 'string' && /^Bearer\s+(.+)$/i.exec(auth)?.[1]) || (typeof req.headers['x-sim-token'] === 'string' ? req.headers['x-sim-token'] : '');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startControl(sim: Simulator, opts: { port?: number } = {}): Promise<ControlEndpoint> {
  const token = randomBytes(24).toString('hex');
  const server = createServer((req, res) => {
    void (async (): Promise<void> => {
      if (!authorized(req, token)) return send(res, 401, { error: 'unauthorized', message: 'send the control token printed at start as Authorization: Bearer <token>' });
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
      switch (route) {
        case 'GET /__sim/faults':
          return send(res, 200, sim.faults.describe());
        case 'POST /__sim/faults': {
          const config = faultConfigOf(await readJson(req));
          if (url.searchParams.get('mode') === 'update') sim.faults.update(config);
          else sim.faults.set(config);
          await sim.settled();
          return send(res, 200, sim.faults.describe());
        }
        case 'DELETE /__sim/faults':
          sim.faults.clear();
          await sim.settled();
          return send(res, 200, sim.faults.describe());
        case 'GET /__sim/requests':
          return send(res, 200, { counts: sim.counts(), records: sim.requests });
        case 'DELETE /__sim/requests':
          sim.resetLog();
          return send(res, 200, { counts: {} });
        case 'GET /__sim/orgs':
          return send(res, 200, sim.orgs.map((o) => sim.login(o.alias)));
        default: {
          const org = /^(GET|PATCH|POST) \/__sim\/orgs\/([^/]+)(\/.*)?$/.exec(route);
          if (org) {
            const answer = orgAction(sim, org[1], decodeURIComponent(org[2]), org[3] ?? '', org[1] === 'GET' ? {} : await readJson(req));
            return send(res, answer.status, answer.body);
          }
          return send(res, 404, { error: 'not_found', message: `no ${route}` });
        }
      }
    })().catch((e: unknown) => {
      const status = e instanceof BadRequest || e instanceof FaultSpecError ? 400 : e instanceof Error && /is not a sandbox|has no (app|profile)|no org /.test(e.message) ? 409 : 500;
      send(res, status, { error: status === 400 ? 'bad_request' : 'error', message: e instanceof Error ? e.message : String(e) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
