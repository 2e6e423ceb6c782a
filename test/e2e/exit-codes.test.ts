/**
 * The documented exit codes through the real `sf` (the plugin linked), where sf-plugins-core and
 * the CLI's own oclif settings decide the status: an org that does not answer (sf would say 10),
 * a Salesforce error with an ErrorId (20), a bad option value (1). The simulator runs in this
 * process, so its faults are switched here. The full matrix (every org command, expired auth,
 * request limit, interrupt) belongs with the simulator's external fault switch.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { SfCli } from '../helpers/sfCli.js';

describe('end to end: exit codes in the real sf under faults', function () {
  this.timeout(180_000);
  let sim: Simulator;
  let sf: SfCli;
  let notHttps: Server;

  before(async () => {
    sim = await startSimulator({ orgs: ['dev'] });
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('dev').caCertPath });
    const urlFile = join(sf.home, 'dev.url');
    writeFileSync(urlFile, sim.login('dev').sfdxAuthUrl);
    const login = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', 'dev', '--json']);
    expect(login.status, login.stdout + login.stderr).to.equal(0);
    // an org whose instance answers with something that is not HTTPS: "TypeError: fetch failed"
    notHttps = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => notHttps.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(notHttps.address() as { port: number }).port}`;
    const username = 'admin@dead.acme.example';
    const auth = { accessToken: '00D000000000DEAD!token', refreshToken: 'refresh', clientId: 'PlatformCLI', instanceUrl: url, loginUrl: url, orgId: '00D000000000DEADEA', username, isDevHub: false, isSandbox: false, isScratch: false, created: String(Date.now()) };
    writeFileSync(join(sf.home, '.sfdx', `${username}.json`), JSON.stringify(auth), { mode: 0o600 });
    const alias = await sf.run(['alias', 'set', `dead=${username}`, '--json']);
    expect(alias.status, alias.stdout + alias.stderr).to.equal(0);
  });
  after(async () => {
    notHttps?.close();
    await sim?.close();
    sf?.dispose();
  });
  afterEach(() => sim.faults.set({}));

  it('a bad option value: 2 (sf alone: 1, "findings" for policy check)', async () => {
    const policy = await sf.run(['eca', 'policy', 'check', '--fail-on', 'bogus', '--json']);
    expect(policy.status, policy.stdout).to.equal(2);
    expect(policy.json?.name).to.equal('FlagInvalidOptionError');
    const generate = await sf.run(['eca', 'generate', '--template', 'nope', '--name', 'A', '--contact-email', 'a@b.example']);
    expect(generate.status, generate.stderr).to.equal(2);
  });

  it('an org that does not answer: 1, and 2 for policy check (sf alone: 10)', async () => {
    const list = await sf.run(['eca', 'list', '-o', 'dead', '--json']);
    expect(list.status, list.stdout).to.equal(1);
    expect(list.json).to.include({ name: 'OrgUnreachableError' });
    expect(list.json?.actions?.join('\n')).to.contain('--target-org dead');
    const policy = await sf.run(['eca', 'policy', 'check', '-o', 'dead']);
    expect(policy.status, policy.stderr).to.equal(2);
  });

  it('a Salesforce error with an ErrorId: 1, and 2 for policy check (sf alone: 20)', async () => {
    sim.faults.set({ errors: [{ match: 'rest:query', status: 500 }] });
    const list = await sf.run(['eca', 'list', '-o', 'dev', '--json']);
    expect(list.status, list.stdout).to.equal(1);
    expect(list.json?.message).to.match(/\d+-\d+, -?\d+/).and.not.match(/\d+-\d+ \(-?\d+\)/);
    sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500 }] });
    const policy = await sf.run(['eca', 'policy', 'check', '-o', 'dev', '--json']);
    expect(policy.status, policy.stdout).to.equal(2);
    expect(policy.json?.name).to.equal('RequestFailedError');
  });
});
