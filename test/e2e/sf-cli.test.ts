/**
 * End to end as a user runs it: the real @salesforce/cli from npm with this plugin linked
 * (`sf plugins link`), logged in to the org simulator with `sf org login sfdx-url` over HTTPS
 * (its certificate trusted through NODE_EXTRA_CA_CERTS), then `sf eca ...` and `sf project ...`.
 * Needs the built plugin (npm test builds first).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { makeCert } from '../helpers/certs.js';
import { ROOT } from '../helpers/paths.js';
import { SfCli } from '../helpers/sfCli.js';

function validator(command: string) {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', `${command}.json`), 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

describe('end to end: sf eca ... in the real sf CLI against the simulator', function () {
  this.timeout(180_000);
  let sim: Simulator;
  let sf: SfCli;
  let project: string;

  before(async () => {
    sim = await startSimulator({ orgs: ['dev', 'prod'] });
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('dev').caCertPath });
    for (const alias of ['dev', 'prod']) {
      const urlFile = join(sf.home, `${alias}.url`);
      writeFileSync(urlFile, sim.login(alias).sfdxAuthUrl);
      const r = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', alias, '--json']);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
    }
    project = mkdtempSync(join(tmpdir(), 'eca-e2e-project-'));
    mkdirSync(join(project, 'force-app'));
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
  });

  after(async () => {
    sf?.dispose();
    await sim?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('sf eca create --json creates the app (result valid against its schema)', async () => {
    const r = await sf.run(
      ['eca', 'create', '--name', 'Acme_Sync', '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--contact-email', 'ops@acme.example', '-o', 'dev', '--json'],
      { cwd: project }
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const validate = validator('eca-create');
    expect(validate(r.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    expect(r.json?.result).to.deep.include({ name: 'Acme_Sync', dryRun: false });
  });

  it('sf eca list shows it with its policies (table and --json)', async () => {
    const table = await sf.run(['eca', 'list', '-o', 'dev'], { cwd: project });
    expect(table.status, table.stderr).to.equal(0);
    // the table's layout follows the terminal (and CI); one table per kind, under its title, the app's row holds its state
    const row = table.stdout.split('\n').find((l) => l.includes('Acme_Sync'));
    expect(row, table.stdout).to.match(/Acme_Sync.*Local/);
    expect(table.stdout.indexOf('External Client Apps (')).to.be.within(0, table.stdout.indexOf('Acme_Sync'));
    const json = await sf.run(['eca', 'list', '-o', 'dev', '--json'], { cwd: project });
    const validate = validator('eca-list');
    expect(validate(json.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    const app = (json.json?.result as { apps: Array<Record<string, unknown>> }).apps.find((a) => a.name === 'Acme_Sync');
    expect(app).to.deep.include({ kind: 'ExternalClientApp', permittedUsers: 'AdminApprovedPreAuthorized', refreshTokenPolicy: 'Zero', ipRelaxation: 'Enforce', flows: ['client-credentials'] });
  });

  it('sf eca display --json is valid against its schema', async () => {
    const r = await sf.run(['eca', 'display', '--name', 'Acme_Sync', '-o', 'dev', '--json'], { cwd: project });
    expect(r.status, r.stderr).to.equal(0);
    const validate = validator('eca-display');
    expect(validate(r.json?.result), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('sf project retrieve start retrieves what create deployed', async () => {
    const r = await sf.run(['project', 'retrieve', 'start', '-m', 'ExternalClientApplication:Acme_Sync', '-m', 'ExtlClntAppOauthConfigurablePolicies:Acme_Sync_oauthPlcy', '-o', 'dev', '--json'], { cwd: project });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const header = readFileSync(join(project, 'force-app/main/default/externalClientApps/Acme_Sync.eca-meta.xml'), 'utf8');
    expect(header).to.contain('<label>Acme Sync</label>').and.contain('<contactEmail>ops@acme.example</contactEmail>');
    const policies = readFileSync(join(project, 'force-app/main/default/extlClntAppOauthPolicies/Acme_Sync_oauthPlcy.ecaOauthPlcy-meta.xml'), 'utf8');
    expect(policies).to.contain('<clientCredentialsFlowUser>integration@dev.acme.example</clientCredentialsFlowUser>');
  });

  it('sf project deploy start of an element out of order fails with Salesforce\'s message', async () => {
    const file = join(project, 'force-app/main/default/externalClientApps/Acme_Order.eca-meta.xml');
    writeFileSync(
      file,
      '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Acme Order</label>\n    <contactEmail>ops@acme.example</contactEmail>\n</ExternalClientApplication>\n'
    );
    const r = await sf.run(['project', 'deploy', 'start', '-m', 'ExternalClientApplication:Acme_Order', '-o', 'dev', '--json'], { cwd: project });
    expect(r.status).to.not.equal(0);
    expect(r.stdout).to.contain('Element {http://soap.sforce.com/2006/04/metadata}contactEmail invalid at this location in type ExternalClientApplication');
    expect(sim.org('dev').component('ExternalClientApplication', 'Acme_Order')).to.equal(undefined);
  });

  it('sf eca migrate moves the app to another org, and sf project retrieve start there shows no trace of the source org', async () => {
    const mapping = join(sf.home, 'map.yaml');
    writeFileSync(mapping, 'targets:\n  prod:\n    users:\n      integration@dev.acme.example: integration@acme.example\n');
    const r = await sf.run(['eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Sync', '--mapping', mapping, '--json'], { cwd: project });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect((r.json?.result as { targets: Array<{ status: string }> }).targets[0].status).to.equal('deployed');
    const target = mkdtempSync(join(tmpdir(), 'eca-e2e-prod-'));
    mkdirSync(join(target, 'force-app'));
    writeFileSync(join(target, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
    const retrieved = await sf.run(
      ['project', 'retrieve', 'start', '-m', 'ExternalClientApplication:Acme_Sync', '-m', 'ExtlClntAppOauthSettings', '-m', 'ExtlClntAppOauthConfigurablePolicies', '-o', 'prod', '--json'],
      { cwd: target }
    );
    expect(retrieved.status, retrieved.stdout + retrieved.stderr).to.equal(0);
    const files = readdirSync(join(target, 'force-app'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    const text = files.map((d) => readFileSync(join(d.parentPath, d.name), 'utf8')).join('\n');
    expect(text).to.contain('<clientCredentialsFlowUser>integration@acme.example</clientCredentialsFlowUser>');
    expect(text).to.not.contain(sim.org('dev').orgId15);
    expect(text).to.not.contain('@dev.acme.example');
    rmSync(target, { recursive: true, force: true });
  });

  it('one-command JWT app for CI: create --template jwt-ci, then the printed sf org login jwt line works', async () => {
    const keyDir = join(sf.home, 'keys');
    const r = await sf.run(
      ['eca', 'create', '--name', 'Acme_CI', '--template', 'jwt-ci', '--username', 'ci@dev.acme.example', '--key-dir', keyDir, '--contact-email', 'ops@acme.example', '-o', 'dev', '--json'],
      { cwd: project }
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const result = r.json?.result as { loginCommand: string; verification: { verified: boolean } };
    expect(result.verification.verified).to.equal(true);
    expect(r.stdout).to.not.contain('PRIVATE KEY');
    // run the printed line as a pipeline would
    const args = result.loginCommand.split(' ').slice(1);
    expect(args.slice(0, 2)).to.deep.equal(['org', 'login']);
    const login = await sf.run([...args, '--json'], { cwd: project });
    expect(login.status, login.stdout + login.stderr).to.equal(0);
    const display = await sf.run(['org', 'display', '-o', 'acme_ci', '--json'], { cwd: project });
    expect(display.status, display.stdout + display.stderr).to.equal(0);
    expect((display.json?.result as { username: string }).username).to.equal('ci@dev.acme.example');
  });

  it('sf eca token verify with another key names the certificate mismatch', async () => {
    const other = join(sf.home, 'other.key');
    writeFileSync(other, (await makeCert(30)).key);
    const r = await sf.run(['eca', 'token', 'verify', '--name', 'Acme_CI', '--flow', 'jwt-bearer', '--username', 'ci@dev.acme.example', '--jwt-key-file', other, '-o', 'dev', '--json'], { cwd: project });
    expect(r.status).to.equal(3);
    expect(`${r.json?.message ?? ''}`).to.match(/private key does not match the app's certificate/i);
  });

  it('sf eca policy check against the org reports the app', async () => {
    const r = await sf.run(['eca', 'policy', 'check', '-o', 'dev', '--fail-on', 'none', '--json'], { cwd: project });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const result = r.json?.result as { apps: Array<{ name: string }>; findings: Array<{ ruleId: string }> };
    expect(result.apps.map((a) => a.name)).to.include('Acme_Sync');
    const validate = validator('eca-policy-check');
    expect(validate(result), JSON.stringify(validate.errors)).to.equal(true);
  });
});
