/**
 * No secret in the real sf's logs or output (issue 16), end to end: the real @salesforce/cli from
 * npm with this plugin linked, at SF_LOG_LEVEL=trace with its log file on (~/.sf/sf-<date>.log
 * under the isolated HOME), and once with --dev-debug (DEBUG=*: the log goes to the terminal,
 * oclif's debug output too). `token verify` (client credentials, the secret from ECA_CLIENT_SECRET
 * and from standard input; JWT bearer from a key file) and `create --template jwt-ci` run; then
 * every log file and every stdout/stderr is searched for the consumer secrets, the private keys and
 * the access tokens the simulator issued for the apps.
 *
 * sf writes every SF_* and SFDX_* variable to that log at start-up (@salesforce/cli dist/cli.js,
 * debugCliInfo: the "ENV" section): a canary SF_ variable proves the scan reads what sf logs.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { oauthEca } from '../simulator/harness.js';
import { type SfRun, SfCli } from '../helpers/sfCli.js';

/** Every file under dir (recursively) whose name ends in .log. */
function logFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.log'))
    .map((d) => join(d.parentPath, d.name));
}

/** The body lines of a PEM (what a leak would copy), without its BEGIN/END lines. */
function pemBody(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
}

describe('end to end: no secret in the real sf trace log or output', function () {
  this.timeout(600_000);
  let sim: Simulator;
  let sf: SfCli;
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  const runs: Array<{ label: string; run: SfRun }> = [];
  let keyDir: string;

  before(async () => {
    sim = await startSimulator({ orgs: ['dev'] });
    const dev = sim.org('dev');
    for (const c of oauthEca('CC_Trace', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) dev.addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
    // the retrieve create does after its deploy could then return consumer secrets: none may show
    dev.settings.enableConsumerSecretApiAccess = true;
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('dev').caCertPath, SF_LOG_LEVEL: 'trace', SF_DISABLE_LOG_FILE: 'false', SF_ECA_TRACE_CANARY: canary });
    const urlFile = join(sf.home, 'dev.url');
    writeFileSync(urlFile, sim.login('dev').sfdxAuthUrl);
    const login = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', 'dev', '--json']);
    expect(login.status, login.stdout + login.stderr).to.equal(0);
    keyDir = join(sf.home, 'keys');

    const secret = dev.credentials.get('eca:CC_Trace')?.consumerSecret ?? '';
    const cc = ['eca', 'token', 'verify', '--name', 'CC_Trace', '--flow', 'client-credentials', '-o', 'dev'];
    const jwtCi = (name: string): string[] => ['eca', 'create', '--name', name, '--template', 'jwt-ci', '--username', 'ci@dev.acme.example', '--key-dir', keyDir, '--contact-email', 'ops@acme.example', '-o', 'dev'];
    const steps: Array<[string, string[], { env?: NodeJS.ProcessEnv; input?: string }]> = [
      ['token verify, secret from ECA_CLIENT_SECRET', cc, { env: { ECA_CLIENT_SECRET: secret } }],
      ['token verify, secret on standard input, --json', [...cc, '--secret-stdin', '--json'], { input: `${secret}\n` }],
      ['create --template jwt-ci', jwtCi('Acme_Trace'), {}],
      ['token verify, JWT bearer with the generated key', ['eca', 'token', 'verify', '--name', 'Acme_Trace', '--flow', 'jwt-bearer', '--username', 'ci@dev.acme.example', '--jwt-key-file', join(keyDir, 'Acme_Trace.key'), '-o', 'dev', '--json'], {}],
      ['token verify --dev-debug', [...cc, '--dev-debug'], { env: { ECA_CLIENT_SECRET: secret } }],
      ['create --template jwt-ci --dev-debug', [...jwtCi('Acme_Trace_Debug'), '--dev-debug'], {}],
    ];
    for (const [label, args, options] of steps) {
      // eslint-disable-next-line no-await-in-loop
      runs.push({ label, run: await sf.run(args, options) });
    }
  });

  after(async () => {
    sf?.dispose();
    await sim?.close();
  });

  it('every run succeeded (the scan looks at real work)', () => {
    for (const { label, run } of runs) expect(run.status, `${label}\n${run.stdout}\n${run.stderr}`).to.equal(0);
  });

  it('sf wrote a trace-level log under the isolated HOME, and it holds what sf logs at start-up (the SF_ canary)', () => {
    const files = logFiles(sf.home);
    expect(files, 'log files').to.have.length.greaterThan(0);
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(text).to.contain(canary);
    expect(text).to.match(/"level":10\b/); // trace
    expect(text).to.contain('sf-startup');
    // --dev-debug prints the log to the terminal instead
    const debug = runs.find((r) => r.label === 'token verify --dev-debug')?.run;
    expect(`${debug?.stdout ?? ''}${debug?.stderr ?? ''}`).to.contain(canary);
  });

  it('no consumer secret, private key or access token in any log file, stdout or stderr', () => {
    const dev = sim.org('dev');
    const apps = ['CC_Trace', 'Acme_Trace', 'Acme_Trace_Debug'];
    const secrets = apps.map((a) => dev.credentials.get(`eca:${a}`)?.consumerSecret ?? '').filter((s) => s.length > 0);
    expect(secrets, 'consumer secrets').to.have.length(3);
    const keys = ['Acme_Trace', 'Acme_Trace_Debug'].map((a) => readFileSync(join(keyDir, `${a}.key`), 'utf8'));
    expect(statSync(join(keyDir, 'Acme_Trace.key')).mode & 0o777).to.equal(0o600);
    // the access tokens the simulator issued for the apps (client credentials, the login checks, JWT bearer)
    const registry = (sim as unknown as { registry: { sessions: Map<string, { app: string }> } }).registry;
    const tokens = [...registry.sessions.entries()].filter(([, s]) => apps.includes(s.app)).map(([token]) => token);
    expect(tokens.length, 'access tokens issued for the apps').to.be.greaterThan(3);
    const needles = [...secrets, ...tokens, ...keys.flatMap(pemBody)];
    const haystacks = [
      ...logFiles(sf.home).map((f) => ({ where: f, text: readFileSync(f, 'utf8') })),
      ...runs.flatMap(({ label, run }) => [
        { where: `${label}: stdout`, text: run.stdout },
        { where: `${label}: stderr`, text: run.stderr },
      ]),
    ];
    const found = haystacks.flatMap(({ where, text }) => [
      ...needles.filter((n) => text.includes(n)).map((n) => `${where}: ${n.slice(0, 12)}...`),
      ...(/PRIVATE KEY-----/.test(text) ? [`${where}: a PEM private key`] : []),
    ]);
    expect(found).to.deep.equal([]);
  });
});
