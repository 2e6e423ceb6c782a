/**
 * Faults from outside: the simulator runs in its own process (`npm run simulator`, here tsx
 * simulator/cli.ts), takes faults with --fault at start and through its control endpoint later,
 * as an e2e test through the real `sf` would drive it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseFaultSpec, parseFaultSpecs } from '../../simulator/faultSpec.js';
import { ROOT } from '../helpers/paths.js';

type Answer = { status: number; text: string; json: unknown };
type Started = { child: ChildProcess; lines: Array<Record<string, unknown>> };

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function start(args: string[]): Promise<Started> {
  const child = spawn(TSX, [join(ROOT, 'simulator', 'cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const lines: Array<Record<string, unknown>> = [];
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = JSON.parse(out.slice(0, nl)) as Record<string, unknown>;
        out = out.slice(nl + 1);
        lines.push(line);
        if ('control' in line) resolve({ child, lines });
      }
    });
    child.on('exit', (code) => reject(new Error(`simulator exited ${String(code)}: ${err}`)));
  });
}

function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: options.method ?? 'GET', headers: { ...(options.body ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers }, ca: options.ca },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      }
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function failure(p: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await p;
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  throw new Error('expected the request to fail');
}

describe('simulator: faults from another process (--fault and the control endpoint)', function () {
  this.timeout(60_000);
  let sim: Started;
  let instanceUrl: string;
  let ca: string;
  let control: { url: string; token: string };
  let refreshToken: string;

  const setFaults = (body: unknown, token = control.token): Promise<Answer> =>
    call(`${control.url}/__sim/faults`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const accessToken = async (): Promise<Answer> =>
    call(`${instanceUrl}/services/oauth2/token`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'PlatformCLI' }).toString(),
    });
  const query = async (): Promise<Answer> => {
    const t = await accessToken();
    const access = (t.json as { access_token: string }).access_token;
    return call(`${instanceUrl}/services/data/v66.0/query?q=SELECT+Name+FROM+Organization`, { ca, headers: { authorization: `Bearer ${access}` } });
  };

  before(async () => {
    sim = await start(['--orgs', 'dev', '--fault', 'error:match=rest:query,count=1']);
    const org = sim.lines[0] as { instanceUrl: string; caCertPath: string; sfdxAuthUrl: string };
    instanceUrl = org.instanceUrl;
    ca = readFileSync(org.caCertPath, 'utf8');
    refreshToken = /^force:\/\/PlatformCLI::([^@]+)@/.exec(org.sfdxAuthUrl)?.[1] ?? '';
    control = (sim.lines.at(-1) as { control: { url: string; token: string } }).control;
  });
  after(() => {
    sim?.child.kill('SIGTERM');
  });

  it('prints the control endpoint and the faults given with --fault; the first query answers 500 with an ErrorId, the next works', async () => {
    expect(control.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(control.token).to.match(/^[0-9a-f]{48}$/);
    const first = await query();
    expect(first.status).to.equal(500);
    const [body] = first.json as Array<{ errorCode: string; message: string }>;
    expect(body.errorCode).to.equal('UNKNOWN_EXCEPTION');
    expect(body.message).to.match(/^An unexpected error occurred\. Please include this ErrorId if you contact support: \d+-\d+ \(-?\d+\)$/);
    expect((await query()).status).to.equal(200);
  });

  it('refuses the control endpoint without its token', async () => {
    expect((await setFaults({ specs: ['request-limit'] }, 'wrong')).status).to.equal(401);
    expect((await call(`${control.url}/__sim/faults`)).status).to.equal(401);
  });

  it('sets faults by spec: a request limit, then auth that expired and cannot refresh', async () => {
    const set = await setFaults({ specs: ['request-limit:match=rest:query'] });
    expect(set.json).to.deep.include({ requestLimit: { match: 'rest:query', remaining: 'always' } });
    const limited = await query();
    expect(limited.status).to.equal(403);
    expect(limited.json).to.deep.equal([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    await setFaults({ specs: ['auth-expired'] });
    const refresh = await accessToken();
    expect(refresh).to.deep.include({ status: 400, json: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    const cleared = await call(`${control.url}/__sim/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${control.token}` } });
    expect(cleared.json).to.deep.equal({});
    expect((await query()).status).to.equal(200);
  });

  it('makes the org unreachable (refused, then reset) and reachable again on the same port, the control endpoint staying up', async () => {
    await setFaults({ specs: ['unreachable'] });
    expect((await failure(call(`${instanceUrl}/services/data`, { ca }))).code).to.equal('ECONNREFUSED');
    const state = await call(`${control.url}/__sim/faults`, { headers: { 'x-sim-token': control.token } });
    expect(state.json).to.deep.equal({ unreachable: { mode: 'refuse' } });
    await setFaults({ unreachable: { mode: 'reset' } });
    expect((await failure(call(`${instanceUrl}/services/data`, { ca }))).code).to.be.oneOf(['ECONNRESET', 'EPIPE']);
    await setFaults({});
    expect((await call(`${instanceUrl}/services/data`, { ca })).status).to.equal(200);
  });

  it('drops the connection while a deploy is polled, and keeps a deploy in progress', async () => {
    await setFaults({ specs: ['deploy-drop', 'deploy-in-progress'] });
    const t = await accessToken();
    const access = (t.json as { access_token: string }).access_token;
    const envelope = (op: string): string =>
      `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${access}</sessionId></SessionHeader></soapenv:Header><soapenv:Body>${op}</soapenv:Body></soapenv:Envelope>`;
    const poll = call(`${instanceUrl}/services/Soap/m/66.0`, { method: 'POST', ca, headers: { 'content-type': 'text/xml', soapaction: '""' }, body: envelope('<checkDeployStatus><asyncProcessId>0Af000000000001AAA</asyncProcessId></checkDeployStatus>') });
    expect((await failure(poll)).code).to.be.oneOf(['ECONNRESET', undefined]);
    const faults = await call(`${control.url}/__sim/faults`, { headers: { authorization: `Bearer ${control.token}` } });
    expect(faults.json).to.deep.include({ deployInProgress: true, drops: [{ match: 'soap:checkDeployStatus', remaining: 'always' }] });
    const log = await call(`${control.url}/__sim/requests`, { headers: { authorization: `Bearer ${control.token}` } });
    expect((log.json as { counts: Record<string, number> }).counts['soap:checkDeployStatus']).to.equal(1);
    await setFaults({});
  });

  it('answers a bad spec with 400 and what is wrong', async () => {
    const bad = await setFaults({ specs: ['eror'] });
    expect(bad.status).to.equal(400);
    expect((bad.json as { message: string }).message).to.contain('unknown fault "eror"');
  });
});

describe('simulator: fault specs', () => {
  it('reads skip= and the type of a commit failure', () => {
    expect(parseFaultSpec('error:match=soap:deploy,skip=1,count=1')).to.deep.equal({ errors: [{ match: 'soap:deploy', skip: 1, count: 1, status: 500 }] });
    expect(parseFaultSpec('commit-failure:skip=1,type=Settings')).to.deep.equal({ commitFailure: { count: 1, skip: 1, type: 'Settings' } });
    expect(() => parseFaultSpec('latency:ms=5,skip=1')).to.throw(/unknown skip/);
  });

  it('reads each fault', () => {
    expect(parseFaultSpec('unreachable')).to.deep.equal({ unreachable: { mode: 'refuse' } });
    expect(parseFaultSpec('error:status=503,match=soap:deploy,count=2')).to.deep.equal({ errors: [{ match: 'soap:deploy', count: 2, status: 503 }] });
    expect(parseFaultSpec('auth-expired')).to.deep.equal({ expireSession: {}, refreshRevoked: {} });
    expect(parseFaultSpec('propagation:minutes=5,answer=app_not_found')).to.deep.equal({ propagation: { minutes: 5, answer: 'app_not_found' } });
    expect(parseFaultSpec('clock-skew:seconds=-300')).to.deep.equal({ clockSkewSeconds: -300 });
    expect(parseFaultSpecs(['error:count=1', 'error:status=502', 'drop:match=oauth:token'])).to.deep.equal({
      errors: [
        { count: 1, status: 500 },
        { status: 502 },
      ],
      drops: [{ match: 'oauth:token' }],
    });
  });

  it('names what is wrong', () => {
    expect(() => parseFaultSpec('error:status=404')).to.throw(/status is 500, 502 or 503/);
    expect(() => parseFaultSpec('latency')).to.throw(/ms=/);
    expect(() => parseFaultSpec('unreachable:count=1')).to.throw(/unknown count/);
  });
});

describe('simulator: org actions from another process (refresh, switches, permissions)', function () {
  this.timeout(60_000);
  let sim: Started;
  let control: { url: string; token: string };
  let ca: string;
  let instanceUrl: string;

  const act = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(`${control.url}/__sim/orgs/${path}`, {
      method,
      headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const refresh = (refreshToken: string): Promise<Answer> =>
    call(`${instanceUrl}/services/oauth2/token`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'PlatformCLI' }).toString(),
    });
  const tokenOf = (sfdxAuthUrl: string): string => /^force:\/\/PlatformCLI::([^@]+)@/.exec(sfdxAuthUrl)?.[1] ?? '';

  before(async () => {
    sim = await start(['--orgs', 'prod,uat']);
    const org = sim.lines[0] as { instanceUrl: string; caCertPath: string };
    instanceUrl = org.instanceUrl;
    ca = readFileSync(org.caCertPath, 'utf8');
    control = (sim.lines.at(-1) as { control: { url: string; token: string } }).control;
  });
  after(() => {
    sim?.child.kill('SIGTERM');
  });

  it('changes an org\'s switches and reads them back, never a secret', async () => {
    const patched = await act('PATCH', 'uat', { settings: { enableClientSecretInRestApiAccess: true }, accessTokenLifetimeSeconds: 30, isDevHub: true });
    expect(patched.status).to.equal(200);
    expect(patched.json).to.deep.include({ isDevHub: true, accessTokenLifetimeSeconds: 30, sandboxName: 'uat' });
    expect((patched.json as { settings: Record<string, boolean> }).settings.enableClientSecretInRestApiAccess).to.equal(true);
    expect(patched.text).not.to.match(/consumerSecret|refreshToken|5Aep861/);
    expect((await act('PATCH', 'uat', { settings: { enableEverything: true } })).status).to.equal(400);
    expect((await act('GET', 'nope')).status).to.equal(404);
  });

  it('refreshes a sandbox: the old refresh token dies, the answer carries the new login', async () => {
    const before = sim.lines.find((l) => l.alias === 'uat') as { sfdxAuthUrl: string; orgId: string };
    expect((await refresh(tokenOf(before.sfdxAuthUrl))).status).to.equal(200);
    const answer = await act('POST', 'uat/refresh', {});
    expect(answer.status).to.equal(200);
    const body = answer.json as { orgId: string; previousOrgId: string; login: { sfdxAuthUrl: string; orgId: string; username: string } };
    expect(body.previousOrgId).to.equal(before.orgId);
    expect(body.login.orgId).to.equal(body.orgId).and.not.equal(before.orgId);
    expect(body.login.username).to.equal('admin@acme.example.uat');
    expect((await refresh(tokenOf(before.sfdxAuthUrl))).json).to.deep.equal({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    expect((await refresh(tokenOf(body.login.sfdxAuthUrl))).status).to.equal(200);
    expect((await act('POST', 'prod/refresh', {})).status).to.equal(409);
  });

  it('takes a permission away, deactivates a user and ages an app', async () => {
    const perm = await act('POST', 'prod/permissions', { holder: 'System Administrator', permission: 'ViewClientSecret', enabled: false });
    expect(perm.status).to.equal(200);
    const user = await act('PATCH', 'prod/users/integration%40acme.example', { isActive: false });
    expect((user.json as { users: Array<{ username: string; isActive: boolean }> }).users.find((u) => u.username === 'integration@acme.example')?.isActive).to.equal(false);
    const aged = await act('POST', 'prod/apps/Legacy_Integration/modified', { minutesAgo: 45 });
    const app = (aged.json as { apps: Array<{ fullName: string; lastModifiedDate: string }> }).apps.find((a) => a.fullName === 'Legacy_Integration');
    expect(Date.now() - Date.parse(app?.lastModifiedDate ?? '')).to.be.within(44 * 60_000, 46 * 60_000);
    expect((await act('POST', 'prod/apps/Nope/modified', { minutesAgo: 1 })).status).to.equal(409);
    expect((await act('POST', 'prod/expire-sessions', {})).json).to.have.property('expired');
  });
});
