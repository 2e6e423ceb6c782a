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
 *
 * Answers come once the listeners follow the new faults (an unreachable org is closed by then).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultConfig } from './faults.js';
import { FaultSpecError, parseFaultSpecs } from './faultSpec.js';
import type { Simulator } from './server.js';

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
        default:
          return send(res, 404, { error: 'not_found', message: `no ${route}` });
      }
    })().catch((e: unknown) => {
      const status = e instanceof BadRequest || e instanceof FaultSpecError ? 400 : 500;
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
