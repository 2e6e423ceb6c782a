/**
 * sf eca cert rotate, in process against the simulator: the new key reaches its sink (a 0600 file
 * in --key-dir, or a command's standard input) before the certificate changes; the new key proves
 * a JWT bearer login and the old one stops working; a failed proof deploys the previous
 * certificate again (exit 3, the old key works again); a restore that fails says loudly what the
 * org holds; --dry-run changes nothing; a non-JWT or unknown app is a named error. No key in any
 * output, result or error.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import CertRotate from '../../src/commands/eca/cert/rotate.js';
import { certificateDer } from '../../src/domain/certificate.js';
import { findLeaks } from '../../src/domain/token/redact.js';
import { verifyToken } from '../../src/operations/tokenVerify.js';
import { makeCert } from '../helpers/certs.js';
import { failure } from '../helpers/failure.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

type Failure = { name: string; message: string; actions?: string[]; exitCode?: number };
const CI_USER = 'ci@dev.acme.example';

describe('sf eca cert rotate (in process, simulator)', function () {
  this.timeout(180_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dir: string;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let currentKey: string;
  const keys: string[] = [];

  const appCert = (): string => h.sim.org('dev').component('ExtlClntAppGlobalOauthSettings', 'Acme_CI_glbloauth')?.values.certificate as string;
  const logsIn = async (keyPem: string): Promise<boolean> =>
    verifyToken({ org: { name: 'dev' }, name: 'Acme_CI', flow: 'jwt-bearer', username: CI_USER, 'secret-stdin': false, credentials: { privateKeyPem: keyPem } }).then(
      () => true,
      () => false
    );
  const noLeak = (value: unknown): void => {
    expect(findLeaks(value, keys), JSON.stringify(value).slice(0, 300)).to.deep.equal([]);
  };
  const newKeyFile = (): string => {
    const f = readdirSync(dir).filter((n) => n.endsWith('.key')).sort().pop();
    return join(dir, f as string);
  };

  before(async () => {
    const cert = await makeCert(365, -1, 'Acme CI');
    currentKey = cert.key;
    keys.push(cert.key);
    h = await startHarness({ orgs: ['dev'] });
    for (const c of oauthEca('Acme_CI', { certificate: cert.cert, permissionSets: 'CI_Deployer' })) h.sim.org('dev').addComponent(c);
    for (const c of oauthEca('No_Jwt', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) h.sim.org('dev').addComponent(c);
    dir = mkdtempSync(join(tmpdir(), 'eca-cert-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    h.sim.faults.clear();
  });
  afterEach(() => {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.key'))) keys.push(readFileSync(join(dir, f), 'utf8'));
    noLeak(Object.values(ux).flatMap((stub) => stub.getCalls().map((c) => c.args)));
    sandbox.restore();
  });

  it('--dry-run checks the new certificate and changes nothing, writes nothing', async () => {
    const before = appCert();
    const r = await CertRotate.run(['--name', 'Acme_CI', '--username', CI_USER, '--key-dir', dir, '--dry-run', '-o', 'dev', '--json']);
    expect(r.dryRun).to.equal(true);
    expect(r.plan).to.have.length(5);
    expect(appCert()).to.equal(before);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('rotates: the key file first (0600), then the certificate; the new key logs in, the old one no longer does', async () => {
    const r = await CertRotate.run(['--name', 'Acme_CI', '--username', CI_USER, '--key-dir', dir, '-o', 'dev', '--json']);
    noLeak(r);
    const keyFile = newKeyFile();
    const key = readFileSync(keyFile, 'utf8');
    keys.push(key);
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    expect(existsSync(keyFile.replace(/\.key$/, '.crt'))).to.equal(true);
    expect(r.verification.verified).to.equal(true);
    expect(r.key).to.deep.include({ kind: 'file', path: keyFile });
    expect(r.loginCommand).to.contain(`--jwt-key-file ${keyFile}`).and.contain(`--username ${CI_USER}`).and.contain(`--client-id ${r.consumerKey}`);
    expect(certificateDer(appCert())?.equals(certificateDer(readFileSync(keyFile.replace(/\.key$/, '.crt'), 'utf8')) as Buffer)).to.equal(true);
    expect(await logsIn(key)).to.equal(true);
    expect(await logsIn(currentKey)).to.equal(false);
    currentKey = key;
  });

  it('a failed proof deploys the previous certificate again (exit 3): the old key works again', async () => {
    const before = appCert();
    const user = h.sim.org('dev').users.find((u) => u.username === CI_USER);
    if (user) user.isActive = false;
    let e: Failure;
    try {
      e = await failure<Failure>(CertRotate.run(['--name', 'Acme_CI', '--username', CI_USER, '--key-dir', dir, '--wait', '0', '-o', 'dev', '--json']));
    } finally {
      if (user) user.isActive = true;
    }
    noLeak(e);
    expect(e.name).to.equal('CertificateRefusedError');
    expect(e.exitCode).to.equal(3);
    expect(e.message).to.contain('deployed again').and.contain('not in use');
    expect(appCert()).to.equal(before);
    expect(await logsIn(currentKey)).to.equal(true);
  });

  it('says loudly when the previous certificate cannot be restored', async () => {
    const user = h.sim.org('dev').users.find((u) => u.username === CI_USER);
    if (user) user.isActive = false;
    h.sim.faults.set({ commitFailure: { skip: 1, count: 2, type: 'ExtlClntAppGlobalOauthSettings' } });
    let e: Failure;
    try {
      e = await failure<Failure>(CertRotate.run(['--name', 'Acme_CI', '--username', CI_USER, '--key-dir', dir, '--wait', '0', '-o', 'dev', '--json']));
    } finally {
      if (user) user.isActive = true;
    }
    expect(e.name).to.equal('CertificateNotRestoredError');
    expect(e.exitCode).to.equal(1);
    expect(e.message).to.contain('THE ORG HOLDS THE NEW CERTIFICATE');
    // the new key in the folder matches what the org holds now
    const key = readFileSync(newKeyFile(), 'utf8');
    keys.push(key);
    expect(await logsIn(key)).to.equal(true);
    currentKey = key;
  });

  it('--to-command gets the key on standard input only', async () => {
    const script = join(dir, 'take.mjs');
    const got = join(dir, 'taken.json');
    writeFileSync(script, "import { writeFileSync } from 'node:fs';\nlet s = '';\nprocess.stdin.on('data', (d) => (s += d)).on('end', () => writeFileSync(process.argv[2], JSON.stringify({ s, argv: process.argv, env: process.env })));\n");
    const r = await CertRotate.run(['--name', 'Acme_CI', '--username', CI_USER, '--to-command', `${process.execPath} ${script} ${got}`, '-o', 'dev', '--json']);
    const taken = JSON.parse(readFileSync(got, 'utf8')) as { s: string; argv: string[]; env: Record<string, string> };
    rmSync(got);
    keys.push(taken.s);
    expect(taken.s).to.match(/^-----BEGIN (RSA )?PRIVATE KEY-----/);
    expect(JSON.stringify(taken.argv) + JSON.stringify(taken.env)).to.not.contain(taken.s.trim().split('\n')[1]);
    expect(r.verification.verified).to.equal(true);
    expect(await logsIn(taken.s)).to.equal(true);
    noLeak(r);
  });

  it('names a non-JWT app and an unknown app', async () => {
    expect((await failure<Failure>(CertRotate.run(['--name', 'No_Jwt', '--username', CI_USER, '--key-dir', dir, '-o', 'dev', '--json']))).name).to.equal('NotJwtError');
    expect((await failure<Failure>(CertRotate.run(['--name', 'Nope', '--username', CI_USER, '--key-dir', dir, '-o', 'dev', '--json']))).name).to.equal('AppNotFoundError');
  });
});
