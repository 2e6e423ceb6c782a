/**
 * End to end in the real sf (@salesforce/cli from npm, plugin linked) against the simulator, with
 * the trace log on (SF_LOG_LEVEL=trace writes ~/.sf/sf*.log):
 * - issue 12's done-when: stage --secret-file s.txt, rotate --revoke-previous, and the app issues
 *   tokens with the new secret only (sf eca token verify: 0 with the new one, 3 with the old one);
 * - the same through --to-command, and status/revoke, every --json result valid against its schema;
 * - sf eca cert rotate, and the printed sf org login jwt line logs in;
 * - documented exit codes: a refused proof 3, an incomplete status 68, a bad flag value 2, no sink 2;
 * - the org setting turned on for the command and off again when the command fails midway;
 * - a scan of every stdout, stderr, --json, the trace log and every file written outside the chosen
 *   sink finds no secret and no private key.
 * Needs the built plugin (npm test builds first).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { makeCert } from '../helpers/certs.js';
import { ROOT } from '../helpers/paths.js';
import { SfCli, type SfRun } from '../helpers/sfCli.js';
import { oauthEca } from '../simulator/harness.js';

const RUN_AS = 'integration@acme.example';
const TRACE = { SF_LOG_LEVEL: 'trace', SF_DISABLE_LOG_FILE: 'false' };

function validator(command: string) {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', `${command}.json`), 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

describe('end to end: sf eca credentials and sf eca cert rotate in the real sf', function () {
  this.timeout(600_000);
  let sim: Simulator;
  let sf: SfCli;
  let work: string;
  const runs: SfRun[] = [];
  /** every secret and key the org held or the commands made */
  const secrets = new Set<string>();
  /** the sink files: the only places a secret may be written */
  const sinks = new Set<string>();

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<SfRun> => {
    const r = await sf.run(args, { cwd: work, env: { ...TRACE, ...env } });
    runs.push(r);
    return r;
  };
  const creds = () => sim.org('prod').credentials.get('eca:Acme_Sync');
  const remember = (): void => {
    for (const [, c] of sim.org('prod').credentials) {
      secrets.add(c.consumerSecret);
      if (c.staged) secrets.add(c.staged.secret);
    }
  };
  const verify = (secret: string): Promise<SfRun> => run(['eca', 'token', 'verify', '--name', 'Acme_Sync', '--flow', 'client-credentials', '-o', 'prod', '--json'], { ECA_CLIENT_SECRET: secret });

  before(async () => {
    sim = await startSimulator({ orgs: ['prod'] });
    const org = sim.org('prod');
    for (const c of oauthEca('Acme_Sync', { clientCredentials: true, runAs: RUN_AS })) org.addComponent(c);
    const cert = await makeCert(365, -1, 'Acme CI');
    secrets.add(cert.key);
    for (const c of oauthEca('Acme_CI', { certificate: cert.cert, permissionSets: 'Integration_Access' })) org.addComponent(c);
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('prod').caCertPath });
    const urlFile = join(sf.home, 'prod.url');
    writeFileSync(urlFile, sim.login('prod').sfdxAuthUrl);
    const r = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', 'prod', '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    work = mkdtempSync(join(tmpdir(), 'eca-e2e-creds-'));
    remember();
  });

  after(async () => {
    sf?.dispose();
    await sim?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('done-when: stage --secret-file s.txt, rotate --revoke-previous: tokens with the new secret only, never printed', async () => {
    sim.org('prod').settings.enableClientSecretInRestApiAccess = true;
    const old = creds()?.consumerSecret as string;
    const staged = await run(['eca', 'credentials', 'stage', '--name', 'Acme_Sync', '--secret-file', 's.txt', '-o', 'prod']);
    expect(staged.status, staged.stdout + staged.stderr).to.equal(0);
    sinks.add(join(work, 's.txt'));
    const secret = readFileSync(join(work, 's.txt'), 'utf8').trim();
    remember();
    expect(secret).to.equal(creds()?.staged?.secret);
    expect(staged.stdout).to.contain('sf eca credentials rotate --name Acme_Sync --target-org prod');
    const rotated = await run(['eca', 'credentials', 'rotate', '--name', 'Acme_Sync', '--revoke-previous', '-o', 'prod', '--json']);
    expect(rotated.status, rotated.stdout + rotated.stderr).to.equal(0);
    expect(validator('eca-credentials-rotate')(rotated.json?.result)).to.equal(true);
    // token verify needs the new key: it reads it from the app (the retrieve follows the promoted key)
    expect((await verify(secret)).status).to.equal(0);
    expect((await verify(old)).status).to.equal(3);
  });

  it('stage --to-command, rotate --revoke-previous, token verify: 0 with the new secret, 3 with the old one; revoke with nothing left (schemas valid)', async () => {
    const old = creds()?.consumerSecret as string;
    const script = join(work, 'take.mjs');
    writeFileSync(script, "import { writeFileSync } from 'node:fs';\nlet s = '';\nprocess.stdin.on('data', (d) => (s += d)).on('end', () => { writeFileSync(process.argv[2], s, { mode: 0o600 }); console.log('stored'); });\n");
    const out = join(work, 'vault', 'secret.txt');
    mkdirSync(join(work, 'vault'));
    sinks.add(out);
    const staged = await run(['eca', 'credentials', 'stage', '--name', 'Acme_Sync', '--to-command', `node ${script} ${out}`, '-o', 'prod', '--json']);
    expect(staged.status, staged.stdout + staged.stderr).to.equal(0);
    expect(validator('eca-credentials-stage')(staged.json?.result)).to.equal(true);
    expect((staged.json?.result as { delivered: { output: string } }).delivered.output).to.equal('stored');
    remember();
    const rotated = await run(['eca', 'credentials', 'rotate', '--name', 'Acme_Sync', '--revoke-previous', '-o', 'prod', '--json']);
    expect(rotated.status, rotated.stdout + rotated.stderr).to.equal(0);
    const secret = readFileSync(out, 'utf8');
    expect((await verify(secret)).status).to.equal(0);
    expect((await verify(old)).status).to.equal(3);
    const revoke = await run(['eca', 'credentials', 'revoke', '--name', 'Acme_Sync', '-o', 'prod', '--json']);
    expect(revoke.status).to.equal(0);
    expect(validator('eca-credentials-revoke')(revoke.json?.result)).to.equal(true);
    expect((revoke.json?.result as { revoked: boolean }).revoked).to.equal(false);
  });

  it('documented exit codes: refused proof 3, incomplete status 68, bad flag value 2, no sink 2', async () => {
    const staged = await run(['eca', 'credentials', 'stage', '--name', 'Acme_Sync', '--to-env-file', 'ci.env', '-o', 'prod'], {});
    // ci.env is in the work folder (not a git tree): allowed
    expect(staged.status, staged.stderr).to.equal(0);
    sinks.add(join(work, 'ci.env'));
    remember();
    const user = sim.org('prod').users.find((u) => u.username === RUN_AS);
    if (user) user.isActive = false;
    try {
      const refused = await run(['eca', 'credentials', 'rotate', '--name', 'Acme_Sync', '--wait', '0', '-o', 'prod', '--json']);
      expect(refused.status, refused.stdout).to.equal(3);
      expect(refused.json?.name).to.equal('StagedCredentialsRefusedError');
    } finally {
      if (user) user.isActive = true;
    }
    expect((await run(['eca', 'credentials', 'revoke', '--name', 'Acme_Sync', '--pending', '-o', 'prod'])).status).to.equal(0);
    sim.org('prod').settings.enableClientSecretInRestApiAccess = false;
    const incomplete = await run(['eca', 'credentials', 'status', '--all', '-o', 'prod', '--json']);
    expect(incomplete.status).to.equal(68);
    expect(validator('eca-credentials-status')(incomplete.json?.result)).to.equal(true);
    expect((await run(['eca', 'credentials', 'rotate', '--name', 'Acme_Sync', '--wait', 'soon', '-o', 'prod'])).status).to.equal(2);
    expect((await run(['eca', 'credentials', 'stage', '--name', 'Acme_Sync', '-o', 'prod'])).status).to.equal(2);
  });

  it('turns the org setting on for the command and off again when the command fails midway', async () => {
    const org = sim.org('prod');
    org.settings.enableClientSecretInRestApiAccess = false;
    sim.faults.set({ requestLimit: { match: 'rest:apps-credentials-staged', count: 1 } });
    const r = await run(['eca', 'credentials', 'stage', '--name', 'Acme_Sync', '--secret-file', 'never.txt', '--allow-secret-access', '-o', 'prod', '--json']);
    sim.faults.clear();
    expect(r.status).to.equal(1);
    expect(r.json?.actions?.join(' ')).to.contain('is off again');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);
    expect(statSync(work).isDirectory()).to.equal(true);
    expect(readdirSync(work)).to.not.include('never.txt');
  });

  it('sf eca cert rotate, then the printed sf org login jwt line logs in', async () => {
    const keyDir = join(work, 'keys');
    const r = await run(['eca', 'cert', 'rotate', '--name', 'Acme_CI', '--username', RUN_AS, '--key-dir', keyDir, '-o', 'prod', '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(validator('eca-cert-rotate')(r.json?.result)).to.equal(true);
    const result = r.json?.result as { loginCommand: string; key: { path: string } };
    sinks.add(result.key.path);
    secrets.add(readFileSync(result.key.path, 'utf8'));
    const args = result.loginCommand.split(' ').slice(1);
    expect(args.slice(0, 3)).to.deep.equal(['org', 'login', 'jwt']);
    const login = await run([...args, '--json']);
    expect(login.status, login.stdout + login.stderr).to.equal(0);
    const display = await run(['org', 'display', '-o', 'acme_ci', '--json']);
    expect((display.json?.result as { username: string }).username).to.equal(RUN_AS);
  });

  it('no secret or key in any stdout, stderr, --json, the trace log, or a file outside the chosen sinks', () => {
    remember();
    const values = [...secrets].filter((s) => s.length >= 16);
    const needles = values.map((v) => (v.includes('PRIVATE KEY') ? v.split('\n')[1] : v.trim()));
    for (const r of runs) {
      for (const n of needles) expect(`${r.stdout}\n${r.stderr}`, 'output').to.not.contain(n);
    }
    const logs = filesUnder(join(sf.home, '.sf')).filter((f) => /\.log$/.test(f));
    expect(logs.length, 'the trace log was written').to.be.greaterThan(0);
    expect(logs.map((f) => readFileSync(f, 'utf8')).join('\n')).to.match(/stage: creating staged credentials|create staged credentials/);
    for (const f of [...filesUnder(work), ...filesUnder(sf.home)]) {
      if (sinks.has(f)) continue;
      const text = readFileSync(f, 'latin1');
      for (const n of needles) expect(text.includes(n), `${relative(tmpdir(), f)} holds a secret`).to.equal(false);
    }
  });
});
