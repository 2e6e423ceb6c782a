/**
 * sf eca migrate through the real `sf` (the plugin linked): two targets, one of which fails (an
 * org that does not answer) after the other was deployed. The documented partial-success code
 * 68 reaches the shell, the --json result has each target's outcome, and the report is written;
 * with every target failing, 1 and the report. Also convert's report header through sf: the
 * command as typed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import { SfCli } from '../helpers/sfCli.js';
import { ROOT } from '../helpers/paths.js';

type Target = { org: string; status: string; message?: string; actions?: string[] };

describe('end to end: a 2-target migrate with one failing target, through the real sf', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let sf: SfCli;
  let dead: Server;

  before(async () => {
    sim = await startSimulator({ orgs: ['dev', 'prod'] });
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('dev').caCertPath });
    for (const alias of ['dev', 'prod']) {
      const urlFile = join(sf.home, `${alias}.url`);
      writeFileSync(urlFile, sim.login(alias).sfdxAuthUrl);
      const login = await sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', alias, '--json']);
      expect(login.status, login.stdout + login.stderr).to.equal(0);
    }
    // a target the CLI knows but that does not answer (its instance speaks no HTTPS)
    dead = createServer((socket) => {
    // a client that gives up (several requests in flight when the command ends) resets its socket
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(dead.address() as { port: number }).port}`;
    const username = 'admin@dead.acme.example';
    const auth = { accessToken: '00D000000000DEAD!token', refreshToken: 'refresh', clientId: 'PlatformCLI', instanceUrl: url, loginUrl: url, orgId: '00D000000000DEADEA', username, instanceApiVersion: '66.0', instanceApiVersionLastRetrieved: new Date().toISOString(), isDevHub: false, isSandbox: false, isScratch: false, created: String(Date.now()) };
    writeFileSync(join(sf.home, '.sfdx', `${username}.json`), JSON.stringify(auth), { mode: 0o600 });
    const alias = await sf.run(['alias', 'set', `dead=${username}`, '--json']);
    expect(alias.status, alias.stdout + alias.stderr).to.equal(0);
    const create = await sf.run([
      'eca', 'create', '--name', 'Acme_Sync', '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--permission-sets', 'Integration_Access',
      '--contact-email', 'ops@acme.example', '-o', 'dev', '--json',
    ]);
    expect(create.status, create.stdout + create.stderr).to.equal(0);
    writeFileSync(join(sf.home, 'map.json'), JSON.stringify({ default: { users: { 'integration@dev.acme.example': 'integration@acme.example' } } }));
  });
  after(async () => {
    dead?.close();
    await sim?.close();
    sf?.dispose();
  });

  it('prod deployed, dead failed: exit 68, each target in --json, the report written', async () => {
    const r = await sf.run(['eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--target-org', 'dead', '--name', 'Acme_Sync', '--mapping', 'map.json', '--report-file', 'migration.md', '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(68);
    const targets = (r.json?.result as { targets: Target[] }).targets;
    expect(targets.map((t) => `${t.org}:${t.status}`)).to.deep.equal(['prod:deployed', 'dead:failed']);
    expect(targets[1].message).to.contain('dead');
    expect(targets[1].actions?.join('\n')).to.contain('--target-org dead');
    expect(sim.org('prod').component('ExternalClientApplication', 'Acme_Sync')).to.not.equal(undefined);
    const report = join(sf.home, 'migration.md');
    expect(existsSync(report)).to.equal(true);
    expect(readFileSync(report, 'utf8')).to.contain('**Complete.**').and.contain('## prod: deployed').and.contain('## dead: FAILED');
  });

  it('without --json: the result table on stdout, the failed target as an error on stderr, exit 68', async () => {
    const r = await sf.run(['eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--target-org', 'dead', '--name', 'Acme_Sync', '--mapping', 'map.json'], { env: { COLUMNS: '80' } });
    expect(r.status, r.stderr).to.equal(68);
    expect(r.stdout).to.contain('Acme_Sync').and.contain('unchanged').and.not.contain('…');
    expect(r.stderr).to.match(/Error.*dead:/);
    expect(r.stderr).to.not.match(/Warning: dead: .*did not answer/);
  });

  it('every target failing: exit 1, and the report is still written', async () => {
    const r = await sf.run(['eca', 'migrate', '--source-org', 'dev', '--target-org', 'dead', '--name', 'Acme_Sync', '--mapping', 'map.json', '--report-file', 'all-failed.md', '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect((r.json?.result as { targets: Target[] }).targets.map((t) => t.status)).to.deep.equal(['failed']);
    expect(readFileSync(join(sf.home, 'all-failed.md'), 'utf8')).to.contain('## dead: FAILED');
  });

  it('convert: the report header quotes the command as typed', async () => {
    const r = await sf.run(['eca', 'convert', '--source-dir', join(ROOT, 'examples', 'force-app'), '--output-dir', 'converted', '--report-file', 'conversion.md']);
    expect([0, 68], r.stderr).to.include(r.status);
    const header = readFileSync(join(sf.home, 'conversion.md'), 'utf8').split('\n')[2];
    expect(header).to.contain(`\`sf eca convert --source-dir ${join(ROOT, 'examples', 'force-app')} --output-dir converted --report-file conversion.md\``);
  });
});
