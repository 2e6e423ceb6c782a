/**
 * The exit codes the help documents, under the failures pipelines meet: an org that does not
 * answer (an auth file pointing to a closed port, or to a port where nothing speaks HTTPS: the same
 * "TypeError: fetch failed", without the half minute of retries jsforce spends on a refused
 * connection), a Salesforce error with an ErrorId (HTTP 500),
 * a bad option value. sf-plugins-core would turn the first into 10 (TypeError: fetch failed) and
 * the second into 20 (a "gack"); under sf, oclif gives a bad option value 1 (for policy check:
 * "findings"). In process (the thrown error's exitCode is the one sf-plugins-core computed) and
 * through ./bin/run.js.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { StateAggregator } from '@salesforce/core';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Convert from '../../src/commands/eca/convert.js';
import Create from '../../src/commands/eca/create.js';
import Display from '../../src/commands/eca/display.js';
import Doctor from '../../src/commands/eca/doctor.js';
import Generate from '../../src/commands/eca/generate.js';
import List from '../../src/commands/eca/list.js';
import Migrate from '../../src/commands/eca/migrate.js';
import PolicyCheck from '../../src/commands/eca/policy/check.js';
import Verify from '../../src/commands/eca/token/verify.js';
import { EXIT_CODES } from '../../src/shared/exitCodes.js';
import { failure } from '../helpers/failure.js';
import { runPluginAsync } from '../helpers/runCli.js';
import { type Harness, startHarness } from '../simulator/harness.js';

type Failure = { name: string; message: string; actions?: string[]; exitCode?: number; stack?: string };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port that answers every connection with something that is not TLS, then hangs up. */
async function notHttpsPort(): Promise<{ port: number; close: () => void }> {
  const server = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

/** An org the CLI has an authorization for, at an instance that does not answer (plaintext tokens, as toolchain.md describes). */
function writeDeadOrg(home: string, alias: string, port: number): void {
  const username = `admin@${alias}.acme.example`;
  const url = `https://127.0.0.1:${port}`;
  const auth = { accessToken: '00D000000000DEAD!token', refreshToken: 'refresh', clientId: 'PlatformCLI', instanceUrl: url, loginUrl: url, orgId: '00D000000000DEADEA', username, instanceApiVersion: '66.0', isDevHub: false, isSandbox: false, isScratch: false, created: String(Date.now()) };
  writeFileSync(join(home, '.sfdx', `${username}.json`), JSON.stringify(auth, null, 2), { mode: 0o600 });
  const aliasFile = join(home, '.sfdx', 'alias.json');
  let aliases: { orgs?: Record<string, string> } = {};
  try {
    aliases = JSON.parse(readFileSync(aliasFile, 'utf8')) as typeof aliases;
  } catch {
    // no aliases yet
  }
  writeFileSync(aliasFile, JSON.stringify({ orgs: { ...(aliases.orgs ?? {}), [alias]: username } }, null, 2));
  StateAggregator.clearInstance();
}

/** What sf-plugins-core reads to pick 10 or 20 over the documented code. */
function expectNoTrap(e: Failure): void {
  expect(`${e.message}\n${e.stack ?? ''}`).not.to.match(/TypeError|\d{9,}-\d{3,} \(-?\d{7,}\)/);
}

describe('exit codes as documented, under faults', function () {
  this.timeout(120_000);
  let h: Harness;
  const sandbox = sinon.createSandbox();
  const server = ['--name', 'Acme_Exit', '--template', 'server-to-server', '--run-as', 'integration@dev.acme.example', '--contact-email', 'ops@acme.example'];

  let notHttps: { port: number; close: () => void };

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod'] });
    notHttps = await notHttpsPort();
    writeDeadOrg(h.home.dir, 'dead', notHttps.port);
    writeDeadOrg(h.home.dir, 'closed', await closedPort());
  });
  after(async () => {
    notHttps?.close();
    await h?.close();
  });
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => {
    sandbox.restore();
    h.sim.faults.set({});
    process.exitCode = undefined;
  });

  describe('an org that does not answer', () => {
    const runs: Array<[string, () => Promise<unknown>, number]> = [
      ['list', () => List.run(['-o', 'dead']), EXIT_CODES.list.Failed],
      ['display', () => Display.run(['-o', 'dead', '--name', 'Acme_Sync']), EXIT_CODES.display.Failed],
      ['create', () => Create.run([...server, '-o', 'dead', '--json']), EXIT_CODES.create.Failed],
      ['convert', () => Convert.run(['-o', 'dead', '--all', '--output-dir', join(h.home.dir, 'converted')]), EXIT_CODES.convert.Failed],
      ['migrate', () => Migrate.run(['--source-org', 'dead', '--target-org', 'dev', '--all', '--json']), EXIT_CODES.migrate.Failed],
      ['policy check', () => PolicyCheck.run(['-o', 'dead']), EXIT_CODES.policyCheck.Error],
      ['token verify', () => withSecret(() => Verify.run(['-o', 'dead', '--name', 'Acme_Sync', '--flow', 'client-credentials'])), EXIT_CODES.tokenVerify.Failed],
      ['doctor', () => Doctor.run(['-o', 'dead', '--name', 'Acme_Sync']), EXIT_CODES.doctor.Incomplete],
    ];
    for (const [command, run, code] of runs) {
      it(`${command}: OrgUnreachableError, exit ${code}, the action names the alias typed`, async () => {
        const err = await failure(run());
        expect(err.name, err.message).to.equal('OrgUnreachableError');
        expect(err.exitCode).to.equal(code);
        expect(err.message).to.contain('dead did not answer');
        expect(err.actions?.join('\n')).to.contain('--target-org dead');
        expectNoTrap(err);
      });
    }

    it('a closed port (the CLI retries a refused connection for about half a minute first): OrgUnreachableError, exit 1', async function () {
      this.timeout(180_000);
      const err = await failure(List.run(['-o', 'closed']));
      expect(err).to.include({ name: 'OrgUnreachableError', exitCode: EXIT_CODES.list.Failed });
      expect(err.actions?.join('\n')).to.contain('--target-org closed');
      expectNoTrap(err);
    });

    it('through ./bin/run.js: exit 1, and 2 for policy check, with the named error under --json', async () => {
      const env = h.home.env;
      const list = await runPluginAsync(['eca', 'list', '-o', 'dead', '--json'], { env });
      expect(list.status, list.stderr).to.equal(1);
      expect(list.json).to.include({ name: 'OrgUnreachableError', status: 1 });
      const policy = await runPluginAsync(['eca', 'policy', 'check', '-o', 'dead'], { env });
      expect(policy.status, policy.stderr).to.equal(2);
      expect(policy.stderr).to.contain('OrgUnreachableError');
    });
  });

  describe('a Salesforce error (HTTP 500)', () => {
    it('a retrieve that fails: list, display and policy check end with the named error and their documented code', async () => {
      const runs: Array<[() => Promise<unknown>, number]> = [
        [() => List.run(['-o', 'dev']), EXIT_CODES.list.Failed],
        [() => Display.run(['-o', 'dev', '--name', 'Acme_Sync']), EXIT_CODES.display.Failed],
        [() => PolicyCheck.run(['-o', 'dev']), EXIT_CODES.policyCheck.Error],
      ];
      for (const [run, code] of runs) {
        h.sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500 }] });
        const err = await failure(run());
        expect(err.name).to.equal('RequestFailedError');
        expect(err.exitCode).to.equal(code);
        expect(err.actions?.join('\n')).to.contain('run the command again');
        expectNoTrap(err);
      }
    });

    it('a query answered with an ErrorId: named by its Salesforce error code, the ErrorId kept readable, not exit 20', async () => {
      const runs: Array<[() => Promise<unknown>, number]> = [
        // jsforce retries a GET answered 500 for a quarter of a minute: one command here, list through bin/run.js below
        [() => Create.run([...server, '-o', 'dev', '--json']), EXIT_CODES.create.Failed],
      ];
      for (const [run, code] of runs) {
        h.sim.faults.set({ errors: [{ match: 'rest:query', status: 500 }] });
        const err = await failure(run());
        expect(err.name).to.equal('UNKNOWN_EXCEPTION');
        expect(err.exitCode).to.equal(code);
        expect(err.message).to.contain('ErrorId').and.match(/\d+-\d+, -?\d+/).and.not.match(/\d+-\d+ \(-?\d+\)/);
        expectNoTrap(err);
      }
    });

    it('through ./bin/run.js: policy check exits 2, list 1 (not 20)', async () => {
      h.sim.faults.set({ errors: [{ match: 'soap:retrieve', status: 500 }] });
      const policy = await runPluginAsync(['eca', 'policy', 'check', '-o', 'dev', '--json'], { env: h.home.env });
      expect(policy.status, policy.stdout).to.equal(2);
      expect(policy.json).to.include({ name: 'RequestFailedError', status: 2 });
      h.sim.faults.set({ errors: [{ match: 'rest:query', status: 500 }] });
      const list = await runPluginAsync(['eca', 'list', '-o', 'dev'], { env: h.home.env });
      expect(list.status, list.stderr).to.equal(1);
      expect(list.stderr).to.contain('UNKNOWN_EXCEPTION').and.match(/\d+-\d+, -?\d+/).and.not.match(/\d+-\d+ \(-?\d+\)/);
    });
  });

  describe('a bad option value or flag', () => {
    it('is the usage code of each command, never "findings"', async () => {
      const runs: Array<[() => Promise<unknown>, number]> = [
        [() => PolicyCheck.run(['--fail-on', 'bogus']), EXIT_CODES.policyCheck.Error],
        [() => Generate.run(['--template', 'nope', '--name', 'A', '--contact-email', 'a@b.example']), EXIT_CODES.generate.Usage],
        [() => Create.run(['--template', 'nope', '--name', 'A', '--contact-email', 'a@b.example', '-o', 'dev']), EXIT_CODES.create.Usage],
        [() => Convert.run(['--naming', 'bogus', '--source-dir', '.']), EXIT_CODES.convert.Usage],
        [() => Verify.run(['-o', 'dev', '--name', 'A', '--flow', 'password']), EXIT_CODES.tokenVerify.Usage],
        [() => List.run(['-o', 'dev', '--no-such-flag']), EXIT_CODES.list.Usage],
      ];
      for (const [run, code] of runs) {
        const err = await failure(run());
        expect(err.exitCode, `${err.name}: ${err.message}`).to.equal(code);
      }
    });

    it('an unknown alias is an org error with the command\'s org code', async () => {
      const list = await failure(List.run(['-o', 'no-such-org']));
      expect(list).to.include({ name: 'NamedOrgNotFoundError', exitCode: EXIT_CODES.list.Failed });
      const policy = await failure(PolicyCheck.run(['-o', 'no-such-org']));
      expect(policy.exitCode).to.equal(EXIT_CODES.policyCheck.Error);
      expect(policy.actions?.join('\n')).to.contain('no-such-org');
    });
  });
});

async function withSecret<T>(run: () => Promise<T>): Promise<T> {
  const saved = process.env.ECA_CLIENT_SECRET;
  process.env.ECA_CLIENT_SECRET = 'not-a-real-secret-0123456789';
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.ECA_CLIENT_SECRET;
    else process.env.ECA_CLIENT_SECRET = saved;
  }
}
