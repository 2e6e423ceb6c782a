/**
 * sf eca doctor against the org simulator over real HTTPS, with auth stored as the CLI stores it:
 * a healthy app passes everything; each check fails (or warns) for the reason it names when the
 * simulator org is set up that way; the done-when scenario (a CI user whose profile is not
 * pre-authorized: exit 1 naming the profile and the fix, then a pass once the fix is applied);
 * the request count does not grow with the org's number of apps; exit codes; no secret or token
 * in the result or the output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Org, PermissionSetAssignment } from '@salesforce/core';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { generate } from 'selfsigned';
import sinon from 'sinon';
import Doctor, { type DoctorCheck, type DoctorResult } from '../../src/commands/eca/doctor.js';
import type { Component } from '../../src/domain/model.js';
import { findLeaks } from '../../src/domain/token/redact.js';
import type { OrgState } from '../../simulator/store.js';
import { makeCert, type TestCert } from '../helpers/certs.js';
import { failure } from '../helpers/failure.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

const LONG_AGO = '2024-01-01T00:00:00.000Z';

function seed(org: OrgState, name: string, opts: Parameters<typeof oauthEca>[1], change: (c: Component) => void = () => {}): void {
  for (const c of oauthEca(name, opts)) {
    change(c);
    org.addComponent(c).lastModifiedDate = LONG_AGO;
  }
}
const is = (type: string, c: Component): boolean => c.type === type;

describe('sf eca doctor against the org simulator', function () {
  this.timeout(60_000);
  let h: Harness;
  let dir: string;
  let good: TestCert;
  let expired: TestCert;
  let goodKey: string;
  let otherKey: string;
  let expiredKey: string;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  const CI = 'ci@dev.acme.example';
  const RUN_AS = 'integration@dev.acme.example';
  const secretOf = (alias: string, app: string): string => h.sim.org(alias).credentials.get(`eca:${app}`)?.consumerSecret ?? '';
  const printed = (): string => JSON.stringify(Object.values(ux).map((stub): unknown[] => stub.args));
  const byId = (r: DoctorResult, id: DoctorCheck['id']): DoctorCheck => r.checks.find((c) => c.id === id) as DoctorCheck;

  async function doctor(args: string[], env: Record<string, string | undefined> = {}): Promise<{ r: DoctorResult; exit: number | undefined }> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      const r = await Doctor.run([...args]);
      return { r, exit: process.exitCode as number | undefined };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  const notPassing = (r: DoctorResult): DoctorCheck[] => r.checks.filter((c) => c.status !== 'PASS' && c.status !== 'SKIP');

  before(async () => {
    [good, expired] = await Promise.all([makeCert(365, -1, 'Acme CI'), makeCert(-1, -30, 'Acme Old CI')]);
    const other = await makeCert(365, -1, 'someone else');
    const weak = await generate([{ name: 'commonName', value: 'Weak' }], { keySize: 1024, algorithm: 'sha256' });
    dir = mkdtempSync(join(tmpdir(), 'eca-doctor-'));
    goodKey = join(dir, 'good.key');
    otherKey = join(dir, 'other.key');
    expiredKey = join(dir, 'expired.key');
    writeFileSync(goodKey, good.key, { mode: 0o600 });
    writeFileSync(otherKey, other.key, { mode: 0o600 });
    writeFileSync(expiredKey, expired.key, { mode: 0o600 });

    h = await startHarness({ orgs: ['dev', 'uat'] });
    const dev = h.sim.org('dev');
    seed(dev, 'CC_App', { clientCredentials: true, runAs: RUN_AS });
    seed(dev, 'CC_PolicyOff', { clientCredentials: true, runAs: RUN_AS }, (c) => {
      if (is('ExtlClntAppOauthConfigurablePolicies', c)) c.values.isClientCredentialsFlowEnabled = false;
    });
    seed(dev, 'CC_SettingsOff', { clientCredentials: true, runAs: RUN_AS }, (c) => {
      if (is('ExtlClntAppGlobalOauthSettings', c)) c.values.isClientCredentialsFlowEnabled = false;
    });
    seed(dev, 'CC_Former', { clientCredentials: true, runAs: 'former@dev.acme.example' });
    seed(dev, 'CC_StandardUser', { clientCredentials: true, runAs: CI });
    seed(dev, 'CC_NoApi', { clientCredentials: true, runAs: RUN_AS }, (c) => {
      if (is('ExtlClntAppOauthSettings', c)) c.values.commaSeparatedOauthScopes = 'Full, RefreshToken';
    });
    seed(dev, 'CC_Off', { clientCredentials: true, runAs: RUN_AS }, (c) => {
      if (is('ExtlClntAppConfigurablePolicies', c)) c.values.isEnabled = false;
    });
    seed(dev, 'JWT_App', { certificate: good.cert, permissionSets: 'CI_Deployer' });
    seed(dev, 'Acme_CI', { certificate: good.cert, permissionSets: 'Integration_Access' }, (c) => {
      if (is('ExtlClntAppOauthConfigurablePolicies', c)) c.values.commaSeparatedProfile = 'Integration User';
    });
    seed(dev, 'JWT_Self', { certificate: good.cert });
    seed(dev, 'JWT_Expired', { certificate: expired.cert, permissionSets: 'CI_Deployer' });
    seed(dev, 'JWT_NoCert', { permissionSets: 'CI_Deployer' });
    seed(dev, 'JWT_BadCert', { certificate: 'not a certificate', permissionSets: 'CI_Deployer' });
    seed(dev, 'JWT_Weak', { certificate: weak.cert, permissionSets: 'CI_Deployer' });
    seed(h.sim.org('uat'), 'Sbx_App', { certificate: good.cert, permissionSets: 'Integration_Access' });
  });

  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    stubSpinner(sandbox);
    process.exitCode = undefined;
  });

  afterEach(() => {
    sandbox.restore();
    h.sim.faults.clear();
    process.exitCode = undefined;
  });

  describe('a healthy app passes everything', () => {
    it('JWT bearer, ending with a real token request: every check PASS or SKIP, exit 0', async () => {
      const { r, exit } = await doctor(['--name', 'JWT_App', '--username', CI, '--jwt-key-file', goodKey, '-o', 'dev']);
      expect(notPassing(r), JSON.stringify(notPassing(r), null, 2)).to.deep.equal([]);
      expect(r).to.deep.include({ flow: 'jwt-bearer', flowChosenBy: 'key-file', verdict: 'passed', app: 'JWT_App', org: 'dev' });
      expect(byId(r, 'token')).to.deep.include({ status: 'PASS' });
      expect(byId(r, 'token').evidence).to.contain(CI);
      expect(exit).to.equal(0);
      expect(printed()).to.contain('PASS').and.contain('The login can work.');
    });

    it('client credentials with the secret from ECA_CLIENT_SECRET: every check PASS or SKIP; no secret or token anywhere', async () => {
      const secret = secretOf('dev', 'CC_App');
      const seen: string[] = [secret];
      const realFetch = globalThis.fetch;
      sandbox.stub(globalThis, 'fetch').callsFake(async (input: string | URL | Request, init?: RequestInit) => {
        const res = await realFetch(input, init);
        if (String(input).endsWith('/services/oauth2/token')) {
          const body = (await res.clone().json()) as { access_token?: string };
          if (body.access_token) seen.push(body.access_token);
        }
        return res;
      });
      const { r, exit } = await doctor(['--name', 'CC_App', '-o', 'dev'], { ECA_CLIENT_SECRET: secret });
      expect(notPassing(r), JSON.stringify(notPassing(r), null, 2)).to.deep.equal([]);
      expect(r).to.deep.include({ flow: 'client-credentials', flowChosenBy: 'app', verdict: 'passed' });
      expect(byId(r, 'token').status).to.equal('PASS');
      expect(exit).to.equal(0);
      expect(seen.length).to.be.greaterThan(1);
      expect(findLeaks(r, seen)).to.deep.equal([]);
      expect(findLeaks(printed(), seen)).to.deep.equal([]);
    });

    it('the secret from standard input with --secret-stdin', async () => {
      sandbox.replaceGetter(process, 'stdin', () => Readable.from([`${secretOf('dev', 'CC_App')}\n`]) as unknown as typeof process.stdin);
      const { r } = await doctor(['--name', 'CC_App', '--secret-stdin', '-o', 'dev'], { ECA_CLIENT_SECRET: undefined });
      expect(byId(r, 'token').status).to.equal('PASS');
    });
  });

  describe('done when: a CI user whose profile is not pre-authorized', () => {
    it('exits 1 with a FAIL naming the profile and the fix; passes once the fix is applied', async () => {
      const before = await doctor(['--name', 'Acme_CI', '--username', CI, '-o', 'dev']);
      expect(before.exit).to.equal(1);
      expect(before.r.verdict).to.equal('failed');
      const c = byId(before.r, 'permitted-users');
      expect(c.status).to.equal('FAIL');
      expect(c.evidence).to.contain('profile Standard User is not among them');
      expect(c.fix.join('\n')).to.contain('add Standard User');
      const assign = c.fix.find((f) => f.includes('sf org assign permset'));
      expect(assign).to.contain(`sf org assign permset --name Integration_Access --on-behalf-of ${CI} --target-org dev`);
      expect(printed()).to.contain('FAIL').and.contain('Standard User');

      // the fix the doctor names, as sf org assign permset applies it (@salesforce/core over REST)
      const dev = h.sim.org('dev');
      const user = dev.user(CI);
      await (await PermissionSetAssignment.init(await Org.create({ aliasOrUsername: 'dev' }))).create(user?.id ?? '', 'Integration_Access');
      try {
        process.exitCode = undefined;
        const after = await doctor(['--name', 'Acme_CI', '--username', CI, '-o', 'dev']);
        expect(byId(after.r, 'permitted-users').status).to.equal('PASS');
        expect(after.r.verdict, JSON.stringify(notPassing(after.r), null, 2)).to.equal('passed');
        expect(after.exit).to.equal(0);
      } finally {
        const ps = dev.permissionSet('Integration_Access');
        if (user && ps) user.permissionSetIds = user.permissionSetIds.filter((id) => id !== ps.id);
      }
    });
  });

  describe('each check fails for the reason it names', () => {
    const cases: Array<{ check: DoctorCheck['id']; args: string[]; status: DoctorCheck['status']; says: string[]; arrange?: () => () => void; env?: Record<string, string> }> = [
      { check: 'app-found', args: ['--name', 'Nope_App', '--flow', 'client-credentials', '-o', 'dev'], status: 'FAIL', says: ['no External Client App named Nope_App', 'CC_App'] },
      { check: 'app-enabled', args: ['--name', 'CC_Off', '-o', 'dev'], status: 'FAIL', says: ['switched off', 'isEnabled false'] },
      { check: 'flow-in-settings', args: ['--name', 'CC_SettingsOff', '--flow', 'client-credentials', '-o', 'dev'], status: 'FAIL', says: ['off in its OAuth settings'] },
      { check: 'flow-in-policies', args: ['--name', 'CC_PolicyOff', '--flow', 'client-credentials', '-o', 'dev'], status: 'FAIL', says: ['off in its OAuth policies'] },
      { check: 'flow-in-settings', args: ['--name', 'JWT_NoCert', '--flow', 'jwt-bearer', '--username', CI, '-o', 'dev'], status: 'FAIL', says: ['has no certificate'] },
      { check: 'api-scope', args: ['--name', 'CC_NoApi', '-o', 'dev'], status: 'FAIL', says: ['never carries Full'] },
      { check: 'permitted-users', args: ['--name', 'JWT_Self', '--username', CI, '-o', 'dev'], status: 'FAIL', says: ['has never approved it'] },
      { check: 'user-active', args: ['--name', 'JWT_App', '--username', 'former@dev.acme.example', '-o', 'dev'], status: 'FAIL', says: ['deactivated'] },
      { check: 'user-active', args: ['--name', 'JWT_App', '--username', 'nobody@dev.acme.example', '-o', 'dev'], status: 'FAIL', says: ['There is no user nobody@dev.acme.example'] },
      { check: 'user-active', args: ['--name', 'CC_Former', '-o', 'dev'], status: 'FAIL', says: ['former@dev.acme.example is deactivated'] },
      {
        check: 'user-api-enabled',
        args: ['--name', 'JWT_App', '--username', CI, '-o', 'dev'],
        status: 'FAIL',
        says: ['API Enabled'],
        arrange: () => {
          h.sim.org('dev').setPermission('Standard User', 'ApiEnabled', false);
          return () => h.sim.org('dev').setPermission('Standard User', 'ApiEnabled', true);
        },
      },
      { check: 'user-api-only', args: ['--name', 'CC_StandardUser', '-o', 'dev'], status: 'WARN', says: ['is not API-only'] },
      { check: 'user-is-run-as', args: ['--name', 'CC_App', '--username', CI, '-o', 'dev'], status: 'FAIL', says: [`expects ${CI}`, RUN_AS] },
      { check: 'certificate', args: ['--name', 'JWT_BadCert', '--username', CI, '-o', 'dev'], status: 'FAIL', says: ['not a readable X.509 certificate'] },
      { check: 'certificate', args: ['--name', 'JWT_Weak', '--username', CI, '-o', 'dev'], status: 'WARN', says: ['shorter than 2048 bits'] },
      { check: 'key-matches-certificate', args: ['--name', 'JWT_App', '--username', CI, '--jwt-key-file', 'OTHER', '-o', 'dev'], status: 'FAIL', says: ["does not match the app's certificate"] },
      { check: 'certificate-expiry', args: ['--name', 'JWT_Expired', '--username', CI, '-o', 'dev'], status: 'WARN', says: ['Logins still work'] },
      {
        check: 'my-domain',
        args: ['--name', 'CC_App', '-o', 'dev'],
        status: 'FAIL',
        says: ['has no My Domain'],
        arrange: () => {
          h.sim.org('dev').hasMyDomain = false;
          return () => (h.sim.org('dev').hasMyDomain = true);
        },
      },
      {
        check: 'propagation',
        args: ['--name', 'CC_App', '-o', 'dev'],
        status: 'WARN',
        says: ['minute(s) ago', 'up to about 30 minutes'],
        arrange: () => {
          h.sim.org('dev').setAppModified('CC_App', new Date(Date.now() - 5 * 60_000));
          return () => h.sim.org('dev').setAppModified('CC_App', LONG_AGO);
        },
      },
      {
        check: 'secret-rest-access',
        args: ['--name', 'CC_App', '-o', 'dev'],
        status: 'WARN',
        says: ['On:'],
        arrange: () => {
          h.sim.org('dev').settings.enableClientSecretInRestApiAccess = true;
          return () => (h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false);
        },
      },
      {
        check: 'devhub-scratch-orgs',
        args: ['--name', 'JWT_App', '--username', CI, '-o', 'dev'],
        status: 'WARN',
        says: ['C-1016', 'SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI'],
        arrange: () => {
          h.sim.org('dev').isDevHub = true;
          return () => (h.sim.org('dev').isDevHub = false);
        },
      },
      { check: 'token', args: ['--name', 'CC_App', '-o', 'dev'], status: 'FAIL', says: ['invalid client credentials'], env: { ECA_CLIENT_SECRET: 'not-the-secret' } },
    ];
    for (const k of cases) {
      it(`${k.check}: ${k.status} (${k.says[0]})`, async () => {
        const undo = k.arrange?.();
        try {
          const args = k.args.map((a) => (a === 'OTHER' ? otherKey : a));
          const { r, exit } = await doctor(args, k.env ?? {});
          const c = byId(r, k.check);
          expect(c.status, JSON.stringify(c, null, 2)).to.equal(k.status);
          for (const s of k.says) expect(`${c.evidence}\n${c.fix.join('\n')}`).to.contain(s);
          if (k.status === 'FAIL') {
            expect(c.fix.length).to.be.greaterThan(0);
            expect(exit).to.equal(1);
          }
        } finally {
          undo?.();
        }
      });
    }

    it('an ECA installed from a package: found, and what a subscriber cannot read is said, never passed', async () => {
      const { r, exit } = await doctor(['--name', 'Salesforce_Insights', '-o', 'dev']);
      expect(byId(r, 'app-found')).to.deep.include({ status: 'PASS' });
      expect(byId(r, 'app-found').evidence).to.contain('installed from the package sf_insights');
      expect(byId(r, 'flow-in-settings').status).to.equal('WARN');
      expect(byId(r, 'flow-in-settings').evidence).to.contain('a subscriber org cannot read it');
      expect(exit).to.equal(0);
      expect((await doctor(['--name', 'Salesforce_Insights', '--fail-on', 'warn', '-o', 'dev'])).exit).to.equal(1);
    });

    it('audience: a sandbox must be named https://test.salesforce.com', async () => {
      const { r } = await doctor(['--name', 'Sbx_App', '--username', 'integration@acme.example.uat', '-o', 'uat']);
      expect(byId(r, 'audience')).to.deep.include({ status: 'PASS' });
      expect(byId(r, 'audience').evidence).to.contain('a sandbox (Organization.IsSandbox true)').and.contain('https://test.salesforce.com');
    });

    it('an expired certificate is hygiene only: WARN, and the token request still PASSes', async () => {
      const { r, exit } = await doctor(['--name', 'JWT_Expired', '--username', CI, '--jwt-key-file', expiredKey, '-o', 'dev']);
      expect(byId(r, 'certificate-expiry').status).to.equal('WARN');
      expect(byId(r, 'token').status).to.equal('PASS');
      expect(exit).to.equal(0);
      const strict = await doctor(['--name', 'JWT_Expired', '--username', CI, '--fail-on', 'warn', '-o', 'dev']);
      expect(strict.exit).to.equal(1);
    });
  });

  describe('cost and failures', () => {
    it('the request count does not grow with the number of apps in the org', async () => {
      h.sim.resetLog();
      await doctor(['--name', 'JWT_App', '--username', CI, '-o', 'dev']);
      const few = h.sim.counts();
      for (let i = 0; i < 40; i++) seed(h.sim.org('dev'), `Bulk_${i}`, { clientCredentials: true, runAs: RUN_AS });
      h.sim.resetLog();
      await doctor(['--name', 'JWT_App', '--username', CI, '-o', 'dev']);
      const many = h.sim.counts();
      expect(many).to.deep.equal(few);
      expect(many['soap:retrieve']).to.equal(1);
      const total = Object.values(many).reduce((a, b) => a + b, 0);
      expect(total, JSON.stringify(many)).to.be.at.most(14);
    });

    it('a fact that cannot be read is ERROR, the others go on, and the run is incomplete (exit 3)', async () => {
      h.sim.faults.set({ requestLimit: { match: 'oauth:userinfo', count: 10 } });
      const { r, exit } = await doctor(['--name', 'CC_App', '-o', 'dev']);
      expect(byId(r, 'my-domain').status).to.equal('ERROR');
      expect(byId(r, 'my-domain').evidence).to.contain('userinfo');
      expect(byId(r, 'flow-in-settings').status).to.equal('PASS');
      expect(r.verdict).to.equal('incomplete');
      expect(exit).to.equal(3);
    });

    it('an org that does not answer is the org failure code (3), never a pass', async () => {
      h.sim.faults.set({ unreachable: { mode: 'refuse' } });
      await h.sim.settled();
      const e = await failure(doctor(['--name', 'CC_App', '-o', 'dev']));
      expect(e.exitCode, e.message).to.equal(3);
      expect(e.message).to.contain('dev');
    });

    it('bad input is the usage code (2): --jwt-key-file without --username, a bad key file', async () => {
      const noUser = await failure(doctor(['--name', 'JWT_App', '--jwt-key-file', goodKey, '-o', 'dev']));
      expect(noUser).to.include({ name: 'KeyNeedsUsernameError', exitCode: 2 });
      const notKey = join(dir, 'not.key');
      writeFileSync(notKey, 'hello');
      const bad = await failure(doctor(['--name', 'JWT_App', '--username', CI, '--jwt-key-file', notKey, '-o', 'dev']));
      expect(bad.exitCode).to.equal(2);
    });
  });
});
