/**
 * The org simulator: one HTTP(S) server on 127.0.0.1 that answers like Salesforce for every
 * endpoint the plugin and the real `sf` use (OAuth, REST, Metadata API SOAP), for any number of
 * orgs. Requests find their org through the token they carry (the token endpoint through the
 * refresh token, consumer key or assertion).
 *
 *   const sim = await startSimulator({ orgs: ['dev', 'prod'] });
 *   sim.login('dev')       // username, refresh token, sfdxAuthUrl for the CLI
 *   sim.faults.set({ expireSession: { count: 1 } });
 *   sim.count('soap:retrieve');
 *   await sim.close();
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { allowsApi } from './apps.js';
import { type ControlEndpoint, startControl } from './control.js';
import { type FaultConfig, type FaultDecision, type FaultMatch, Faults } from './faults.js';
import { bearerToken, invalidSession, json, notApiSession, notFound, requestLimitExceeded, serverError, type SimRequest, type SimResponse, unexpectedErrorMessage } from './http.js';
import { MetadataApi } from './metadataApi.js';
import { type HostKind, OAuthEndpoints } from './oauth.js';
import { type RequestRecord, RequestLog } from './requestLog.js';
import { refreshSandbox, type RefreshOptions, type RefreshOutcome } from './refresh.js';
import { RestApi, restEndpoint, splitDataPath, versionList } from './rest.js';
import { DEFAULT_SEED_FILE, loadSeedFile, type OrgSeed, pickOrgs } from './seed.js';
import { invalidSessionFault, notApiSessionFault, parseSoapRequest, requestLimitFault, soapFault, type SoapRequest } from './soap.js';
import { CLI_CLIENT_ID, DEFAULT_API_VERSION, type OrgState, Registry, type Session, type UserRecord } from './store.js';

export type SimulatorOptions = {
  /** default https, with a self-signed certificate written to caCertPath */
  protocol?: 'https' | 'http';
  /** default 0: a free port */
  port?: number;
  /** default simulator/seeds/default.json */
  seedFile?: string;
  /** aliases from the seed file, or whole seeds; default every org of the seed file */
  orgs?: ReadonlyArray<string | OrgSeed>;
  /** delay every answer by this many milliseconds */
  latencyMs?: number;
  /** print each request to stderr */
  verbose?: boolean;
  /** faults in force from the start (as `--fault` gives them) */
  faults?: FaultConfig;
  /**
   * start the control endpoint: a loopback HTTP listener, protected by a random token, through
   * which another process reads and sets faults (POST /__sim/faults); default false
   */
  control?: boolean | { port?: number };
};

/** What the CLI needs to log in to an org of the simulator. */
export type OrgLogin = {
  alias: string;
  username: string;
  orgId: string;
  userId: string;
  instanceUrl: string;
  loginUrl: string;
  clientId: string;
  refreshToken: string;
  /** force://PlatformCLI::<refreshToken>@127.0.0.1:<port>, for `sf org login sfdx-url` */
  sfdxAuthUrl: string;
  caCertPath?: string;
};

/** What a handler answered, and what it learned about the request for the log. */
type Outcome = { response: SimResponse; org?: OrgState; detail?: string };
type Routed = { endpoint: string; org?: OrgState; detail?: string; respond: () => Promise<Outcome> | Outcome };

const answer = (response: SimResponse): Outcome => ({ response });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function collapse(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One listening socket of the simulator: the org's My Domain address, or the login host. */
type Listener = { server: Server; host: HostKind; port: number; sockets: Set<Socket> };

/** The login hosts: token requests whose Host header names one are answered as login hosts do. */
const LOGIN_HOSTNAMES = new Set(['login.salesforce.com', 'test.salesforce.com']);

export class Simulator {
  public readonly faults = new Faults();
  public readonly log = new RequestLog();
  private readonly registry: Registry;
  private readonly oauth: OAuthEndpoints;
  private readonly rest: RestApi;
  private readonly metadata: MetadataApi;
  private readonly listeners: Listener[] = [];
  private pending: Promise<void> = Promise.resolve();
  private closed = false;
  private control?: ControlEndpoint;

  /** @internal use startSimulator */
  public constructor(
    main: Server,
    public readonly baseUrl: string,
    public readonly caCertPath: string | undefined,
    /** the PEM of the server certificate (https only) */
    public readonly caCert: string | undefined,
    private readonly verbose: boolean,
    private readonly tempDir: string | undefined,
    login?: Server
  ) {
    this.registry = new Registry(baseUrl);
    this.oauth = new OAuthEndpoints(this.registry, this.faults);
    this.metadata = new MetadataApi(this.registry, this.faults);
    this.rest = new RestApi(this.registry, () => this.faults.now(), () => this.baseUrl);
    this.attach(main, 'my-domain');
    if (login) this.attach(login, 'login');
    this.faults.onChange(() => {
      this.pending = this.pending.then(() => this.applyReachability());
    });
  }

  public get protocol(): 'http' | 'https' {
    return this.baseUrl.startsWith('https') ? 'https' : 'http';
  }

  public get port(): number {
    return this.listeners[0].port;
  }

  /**
   * A second address that answers as login.salesforce.com / test.salesforce.com do (not a My
   * Domain): the client credentials grant is refused there, as Salesforce refuses it.
   */
  public get loginUrl(): string | undefined {
    const login = this.listeners.find((l) => l.host === 'login');
    return login ? `${this.protocol}://127.0.0.1:${login.port}` : undefined;
  }

  /** The control endpoint (faults from another process), when started with `control: true`. */
  public get controlEndpoint(): { url: string; token: string } | undefined {
    return this.control ? { url: this.control.url, token: this.control.token } : undefined;
  }

  /** Resolves once the listeners follow the faults in force (the unreachable fault opens or closes them). */
  public async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.pending;
      // eslint-disable-next-line no-await-in-loop
      await current;
    } while (current !== this.pending);
  }

  /** Every request answered since the last resetLog(), oldest first. */
  public get requests(): readonly RequestRecord[] {
    return this.log.records;
  }

  /** Requests matching an endpoint key ("soap:retrieve", "soap:*"), a path, or a RegExp. */
  public count(match?: FaultMatch): number {
    return this.log.count(match);
  }

  public counts(): Record<string, number> {
    return this.log.counts();
  }

  public resetLog(): void {
    this.log.reset();
  }

  public addOrg(seed: OrgSeed): OrgState {
    return this.registry.addOrg(seed);
  }

  /** The live state of an org: change it to arrange a test, read it to assert. */
  public org(alias: string): OrgState {
    return this.registry.org(alias);
  }

  public get orgs(): OrgState[] {
    return [...this.registry.orgs.values()];
  }

  public login(alias: string): OrgLogin {
    const org = this.org(alias);
    const user = org.user(org.cliUsername) as UserRecord;
    const host = new URL(this.baseUrl).host;
    return {
      alias,
      username: user.username,
      orgId: org.orgId,
      userId: user.id,
      instanceUrl: this.baseUrl,
      loginUrl: this.baseUrl,
      clientId: CLI_CLIENT_ID,
      refreshToken: org.cliRefreshToken,
      sfdxAuthUrl: `force://${CLI_CLIENT_ID}::${org.cliRefreshToken}@${host}`,
      ...(this.caCertPath ? { caCertPath: this.caCertPath } : {}),
    };
  }

  /** A fresh access token for a user of the org (default: the CLI user), with the CLI's scopes unless given. */
  public issueAccessToken(alias: string, username?: string, scopes?: readonly string[]): string {
    const org = this.org(alias);
    const user = org.user(username ?? org.cliUsername);
    if (!user) throw new Error(`org ${alias} has no user ${username ?? ''}`);
    return this.registry.issueSession(org, user, 'Simulator', { scopes, issuedAt: this.faults.now() }).token;
  }

  /**
   * Refreshes a sandbox as Salesforce does: a new org id, users renamed `<username>.<sandbox>`,
   * local ECAs gone, sessions and refresh tokens invalidated (log in again with `login(alias)`).
   */
  public refreshSandbox(alias: string, opts: RefreshOptions = {}): RefreshOutcome {
    return refreshSandbox(this.registry, alias, opts);
  }

  /** Invalidates the access tokens of one org (or all): clients must refresh. */
  public expireSessions(alias?: string): number {
    return this.registry.expireSessions(alias ? this.org(alias) : undefined);
  }

  /** @internal startSimulator starts it */
  public attachControl(control: ControlEndpoint): void {
    this.control = control;
  }

  public async close(): Promise<void> {
    this.closed = true;
    await this.pending.catch(() => undefined);
    await this.control?.close();
    await Promise.all(this.listeners.map((l) => this.stop(l)));
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private attach(server: Server, host: HostKind): void {
    const listener: Listener = { server, host, port: (server.address() as AddressInfo).port, sockets: new Set() };
    server.on('connection', (socket: Socket) => {
      if (this.faults.unreachable?.mode === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      listener.sockets.add(socket);
      socket.on('close', () => listener.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.serve(req, res, listener.host);
    });
    this.listeners.push(listener);
  }

  private stop(l: Listener): Promise<void> {
    if (!l.server.listening) return Promise.resolve();
    return new Promise<void>((resolve) => {
      l.server.close(() => resolve());
      l.server.closeAllConnections?.();
      for (const s of l.sockets) s.destroy();
    });
  }

  /** Closes the listeners while the org is unreachable (refuse), and opens them again after. */
  private async applyReachability(): Promise<void> {
    if (this.closed) return;
    const refuse = this.faults.unreachable?.mode === 'refuse';
    for (const l of this.listeners) {
      if (refuse && l.server.listening) {
        // eslint-disable-next-line no-await-in-loop
        await this.stop(l);
      } else if (!refuse && !l.server.listening) {
        // eslint-disable-next-line no-await-in-loop
        await new Promise<void>((resolve, reject) => {
          l.server.once('error', reject);
          l.server.listen(l.port, '127.0.0.1', () => {
            l.server.off('error', reject);
            resolve();
          });
        });
      } else if (this.faults.unreachable?.mode === 'reset') {
        for (const s of l.sockets) s.resetAndDestroy();
      }
    }
  }

  private session(token: string | undefined): { session: Session; org: OrgState; user: UserRecord } | undefined {
    const session = token ? this.registry.sessions.get(token) : undefined;
    if (session?.expiresAt !== undefined && session.expiresAt <= this.faults.now()) return undefined;
    const org = session ? this.registry.orgById(session.orgId) : undefined;
    const user = session && org ? org.user(session.userId) : undefined;
    return session && org && user?.isActive ? { session, org, user } : undefined;
  }

  private route(req: SimRequest, host: HostKind): { routed: Routed; token?: string; soap?: SoapRequest } {
    const { method, path } = req;
    if (path === '/services/oauth2/token' && method === 'POST') {
      const hostname = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const kind: HostKind = host === 'login' || LOGIN_HOSTNAMES.has(hostname) ? 'login' : 'my-domain';
      return { routed: { endpoint: 'oauth:token', respond: () => this.oauth.token(req, kind) } };
    }
    if (path === '/services/oauth2/revoke') {
      return { routed: { endpoint: 'oauth:revoke', respond: () => this.oauth.revoke(req) } };
    }
    const token = bearerToken(req);
    const auth = this.session(token);
    if (path === '/services/oauth2/userinfo') {
      return { token, routed: { endpoint: 'oauth:userinfo', org: auth?.org, respond: () => this.oauth.userinfo(auth?.session) } };
    }
    if (path === '/services/data' || path === '/services/data/') {
      const max = auth?.org.apiVersion ?? this.orgs.map((o) => o.apiVersion).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))[0] ?? DEFAULT_API_VERSION;
      return { routed: { endpoint: 'rest:versions', org: auth?.org, respond: () => answer(json(200, versionList(max))) } };
    }
    const data = splitDataPath(path);
    if (data) {
      return {
        token,
        routed: {
          endpoint: restEndpoint(data.rest),
          org: auth?.org,
          detail: req.query.get('q') ?? undefined,
          respond: () => {
            if (!auth) return answer(invalidSession());
            // row 8: a token without the api scope cannot call the REST API
            if (!allowsApi(auth.session.scopes)) return { response: notApiSession(), org: auth.org };
            return answer(this.rest.handle(req, auth.org, data.version, data.rest, auth.user));
          },
        },
      };
    }
    const soapPath = /^\/services\/Soap\/m\/(\d+\.\d)(?:\/[A-Za-z0-9]+)?\/?$/.exec(path);
    if (soapPath && method === 'POST') {
      const soap = parseSoapRequest(req.body.toString('utf8'));
      if (!soap) return { routed: { endpoint: 'soap:invalid', respond: () => answer(soapFault('soapenv:Client', 'Unable to parse the SOAP request')) } };
      const soapAuth = this.session(soap.sessionId);
      const version = soapPath[1];
      return {
        token: soap.sessionId,
        soap,
        routed: {
          endpoint: `soap:${soap.operation}`,
          org: soapAuth?.org,
          detail: MetadataApi.detail(soap),
          respond: async () => {
            if (!soapAuth) return answer(invalidSessionFault());
            if (!allowsApi(soapAuth.session.scopes)) return { response: notApiSessionFault(), org: soapAuth.org };
            if (Number.parseFloat(version) > Number.parseFloat(soapAuth.org.apiVersion)) {
              return answer(soapFault('sf:UNSUPPORTED_API_VERSION', 'UNSUPPORTED_API_VERSION: Invalid Api version specified on URL'));
            }
            return answer(await this.metadata.handle(soap, soapAuth.org, soapAuth.user, version));
          },
        },
      };
    }
    return { routed: { endpoint: 'notfound', respond: () => answer(notFound()) } };
  }

  private faultResponse(decision: FaultDecision, soap: boolean, token: string | undefined): SimResponse {
    switch (decision.kind) {
      case 'error':
        return soap && decision.status === 500 ? soapFault('sf:UNKNOWN_EXCEPTION', `UNKNOWN_EXCEPTION: ${unexpectedErrorMessage()}`) : serverError(decision.status);
      case 'requestLimit':
        return soap ? requestLimitFault() : requestLimitExceeded();
      case 'expireSession':
        if (token) this.registry.sessions.delete(token);
        return soap ? invalidSessionFault() : invalidSession();
      default:
        return notFound();
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse, host: HostKind): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      path: collapse(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: await readBody(req),
    };
    const { routed, token, soap } = this.route(simReq, host);
    const decision = this.faults.decide(routed.endpoint, simReq.path, token !== undefined && this.registry.sessions.has(token));
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
    const record = (status: number, fault?: string, outcome?: Outcome): void => {
      const org = outcome?.org ?? routed.org;
      const entry = { method: simReq.method, path: simReq.path, endpoint: routed.endpoint, detail: outcome?.detail ?? routed.detail, status, org: org?.alias, fault, durationMs: Date.now() - started };
      this.log.add(entry);
      if (this.verbose) process.stderr.write(`${entry.method} ${entry.path} ${entry.endpoint} -> ${status}${fault ? ` (${fault})` : ''}\n`);
    };
    if (decision?.kind === 'drop') {
      record(0, 'drop');
      req.socket.destroy();
      return;
    }
    let outcome: Outcome;
    try {
      outcome = decision ? answer(this.faultResponse(decision, soap !== undefined, token)) : await routed.respond();
    } catch (e) {
      process.stderr.write(`simulator: ${simReq.method} ${simReq.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      outcome = answer(serverError(500));
    }
    const { response } = outcome;
    record(response.status, decision?.kind, outcome);
    // Salesforce's clock, shifted by the clock-skew fault: clients compare it with theirs
    res.writeHead(response.status, { 'Content-Type': response.contentType, 'Content-Length': Buffer.byteLength(response.body), Date: new Date(this.faults.now()).toUTCString() });
    res.end(response.body);
  }
}

let tlsCache: Promise<{ key: string; cert: string }> | undefined;

/**
 * One certificate per process: clients (undici) cache TLS sessions by host without the port, and
 * a session from an earlier simulator offered to a new one with another certificate fails.
 */
const TLS_KEY = Symbol.for('plugin-eca.simulator.tls');

/**
 * One certificate per process, even if this module is loaded twice: two trusted certificates with
 * the same subject make TLS pick the wrong one ("self-signed certificate").
 */
function tlsMaterial(): Promise<{ key: string; cert: string }> {
  const shared = globalThis as { [TLS_KEY]?: Promise<{ key: string; cert: string }> };
  tlsCache ??= shared[TLS_KEY] ??= generateTlsMaterial();
  return tlsCache;
}

async function generateTlsMaterial(): Promise<{ key: string; cert: string }> {
  // a subject of its own, so that it never shares one with another process's certificate
  const pems = await generate([{ name: 'commonName', value: `plugin-eca simulator ${randomBytes(6).toString('hex')}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const protocol = opts.protocol ?? 'https';
  let caCert: string | undefined;
  let caCertPath: string | undefined;
  let tempDir: string | undefined;
  let create: () => Server;
  if (protocol === 'https') {
    const tls = await tlsMaterial();
    create = () => createHttpsServer({ key: tls.key, cert: tls.cert });
    caCert = tls.cert;
    tempDir = mkdtempSync(join(tmpdir(), 'eca-sim-'));
    caCertPath = join(tempDir, 'ca.pem');
    writeFileSync(caCertPath, caCert);
  } else {
    create = () => createHttpServer();
  }
  const server = create();
  const login = create();
  for (const s of [server, login]) s.keepAliveTimeout = 1000;
  await listen(server, opts.port ?? 0);
  await listen(login, 0);
  const port = (server.address() as AddressInfo).port;
  const sim = new Simulator(server, `${protocol}://127.0.0.1:${port}`, caCertPath, caCert, opts.verbose ?? false, tempDir, login);
  if (opts.latencyMs) sim.faults.update({ latencyMs: opts.latencyMs });
  if (opts.faults) sim.faults.update(opts.faults);
  const seedFile = opts.seedFile ?? DEFAULT_SEED_FILE;
  const wanted = opts.orgs;
  try {
    if (wanted === undefined || wanted.some((o) => typeof o === 'string')) {
      const file = loadSeedFile(seedFile);
      const seeds = wanted === undefined ? file.orgs : wanted.map((o) => (typeof o === 'string' ? pickOrgs(file, [o], seedFile)[0] : o));
      for (const seed of seeds) sim.addOrg(seed);
    } else {
      for (const seed of wanted) sim.addOrg(seed as OrgSeed);
    }
    if (opts.control) sim.attachControl(await startControl(sim, typeof opts.control === 'object' ? opts.control : {}));
    await sim.settled();
  } catch (e) {
    await sim.close();
    throw e;
  }
  return sim;
}
