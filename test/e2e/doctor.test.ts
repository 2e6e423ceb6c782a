/**
 * sf eca doctor through the real sf (@salesforce/cli from npm, the plugin linked), logged in to the
 * org simulator as the CLI logs in: the done-when scenario of issue 14 (the CI user's profile is
 * not pre-authorized: exit 1, a FAIL naming the profile and the fix; the fix applied with the very
 * command the doctor prints; then exit 0), the documented exit codes under a bad option value and
 * an unreachable org, and a trace-level log with no secret or token after a run that proves a
 * client credentials login.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import type { DoctorResult } from '../../src/operations/doctor.js';
import { findLeaks } from '../../src/domain/token/redact.js';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { makeCert } from '../helpers/certs.js';
import { listFiles } from '../helpers/files.js';
import { ROOT } from '../helpers/paths.js';
import { SfCli } from '../helpers/sfCli.js';
import { oauthEca } from '../simulator/harness.js';

const CI = 'ci@dev.acme.example';

const files = (dir: string): string[] => listFiles(dir).map((f) => join(dir, f));

describe('end to end: sf eca doctor in the real sf against the simulator', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let sf: SfCli;

  before(async () => {
    sim = await startSimulator({ orgs: ['dev'] });
    const cert = await makeCert(365, -1, 'Acme CI');
    for (const c of oauthEca('Acme_CI', { certificate: cert.cert, permissionSets: 'Integration_Access' })) {
      if (c.type === 'ExtlClntAppOauthConfigurablePolicies') c.values.commaSeparatedProfile = 'Integration User';
      sim.org('dev').addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
    }
    for (const c of oauthEca('Acme_Sync', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) sim.org('dev').addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.caCertPath ?? '', SF_LOG_LEVEL: 'trace', SF_DISABLE_LOG_FILE: 'false' });
    const urlFile = join(sf.home, 'dev.url');
    writeFileSync(urlFile, sim.login('dev').sfdxAuthUrl);
    const r = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', 'dev', '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  });

  after(async () => {
    sf?.dispose();
    await sim?.close();
  });

  it('done when: the CI user\'s profile is not pre-authorized -> exit 1 naming the profile and the fix; the printed fix applied -> exit 0', async () => {
    const failed = await sf.run(['eca', 'doctor', '--name', 'Acme_CI', '--username', CI, '-o', 'dev', '--json']);
    expect(failed.status, failed.stdout + failed.stderr).to.equal(1);
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-doctor.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(failed.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    const result = failed.json?.result as DoctorResult;
    const check = result.checks.find((c) => c.id === 'permitted-users');
    expect(check?.status).to.equal('FAIL');
    expect(check?.evidence).to.contain('Standard User');
    const fix = check?.fix.find((f) => f.includes('sf org assign permset')) ?? '';
    const command = fix.slice(fix.indexOf('sf org assign permset'));
    expect(command).to.equal(`sf org assign permset --name Integration_Access --on-behalf-of ${CI} --target-org dev`);

    const text = await sf.run(['eca', 'doctor', '--name', 'Acme_CI', '--username', CI, '-o', 'dev']);
    expect(text.status).to.equal(1);
    expect(text.stdout).to.match(/FAIL\s+The user is pre-authorized/).and.contain('Standard User');

    const applied = await sf.run([...command.split(' ').slice(1), '--json']);
    expect(applied.status, applied.stdout + applied.stderr).to.equal(0);

    const passed = await sf.run(['eca', 'doctor', '--name', 'Acme_CI', '--username', CI, '-o', 'dev', '--json']);
    expect(passed.status, passed.stdout + passed.stderr).to.equal(0);
    expect((passed.json?.result as DoctorResult).verdict).to.equal('passed');
  });

  it('exit codes: a bad option value is 2 (not 1, which means a check failed); an org that does not answer is 3', async () => {
    const bogus = await sf.run(['eca', 'doctor', '--name', 'Acme_CI', '--fail-on', 'bogus', '-o', 'dev', '--json']);
    expect(bogus.status, bogus.stdout + bogus.stderr).to.equal(2);
    sim.faults.set({ unreachable: { mode: 'refuse' } });
    await sim.settled();
    try {
      const down = await sf.run(['eca', 'doctor', '--name', 'Acme_CI', '--username', CI, '-o', 'dev', '--json']);
      expect(down.status, down.stdout + down.stderr).to.equal(3);
      expect(down.json?.message).to.contain('dev');
    } finally {
      sim.faults.clear();
      await sim.settled();
    }
  });

  it('proving a client credentials login at trace level leaves no secret or token in the output or the log', async () => {
    const secret = sim.org('dev').credentials.get('eca:Acme_Sync')?.consumerSecret ?? '';
    const r = await sf.run(['eca', 'doctor', '--name', 'Acme_Sync', '-o', 'dev', '--json'], { env: { ECA_CLIENT_SECRET: secret } });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect((r.json?.result as DoctorResult).checks.find((c) => c.id === 'token')?.status).to.equal('PASS');
    expect(findLeaks(r.stdout, [secret])).to.deep.equal([]);
    expect(findLeaks(r.stderr, [secret])).to.deep.equal([]);
    const logs = files(sf.home).filter((f) => f.endsWith('.log'));
    expect(logs.length).to.be.greaterThan(0);
    for (const f of logs) expect(findLeaks(readFileSync(f, 'utf8'), [secret]), f).to.deep.equal([]);
  });
});
