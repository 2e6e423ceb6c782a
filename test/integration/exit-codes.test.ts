/**
 * The exit codes the help documents, under the failures pipelines meet: a deploy the command
 * stops watching (Ctrl-C, SIGTERM, a dropped connection, a failed status request: the deploy ID
 * and how to follow it, 130/143/69), an org that does not
 * answer (an auth file pointing to a closed port, or to a port where nothing speaks HTTPS: the same
 * "TypeError: fetch failed", without the half minute of retries jsforce spends on a refused
 * connection), a Salesforce error with an ErrorId (HTTP 500),
 * a bad option value. sf-plugins-core would turn the first into 10 (TypeError: fetch failed) and
 * the second into 20 (a "gack"); under sf, oclif gives a bad option value 1 (for policy check:
 * "findings"). In process (the thrown error's exitCode is the one sf-plugins-core computed) and
 * through ./bin/run.js.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
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
import { buildEca } from '../../src/domain/build.js';
import { type Component, ecaComponents } from '../../src/domain/model.js';
import { resetSignalState } from '../../src/org/interrupts.js';
import { liveTempDirs, removeLeftoverTempDirs } from '../../src/org/tempDirs.js';
import { DeployInProgressError, DeployInterruptedError, OrgAccess } from '../../src/org/orgAccess.js';
import { validateThenDeploy } from '../../src/org/session.js';
import { EXIT_CODES } from '../../src/shared/exitCodes.js';
import { failure } from '../helpers/failure.js';
import { runPluginAsync } from '../helpers/runCli.js';
import { type Harness, startHarness } from '../simulator/harness.js';

type Failure = { name: string; message: string; actions?: string[]; exitCode?: number; stack?: string; data?: Record<string, unknown> };

const DEPLOY_ID = /\b0Af[0-9A-Za-z]{15}\b/;

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
  const server = createServer((socket) => {
    // a client that gives up (several requests in flight when the command ends) resets its socket
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
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
    h = await startHarness({ orgs: ['dev', 'prod', 'uat'] });
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

  describe('a deploy the command stops watching: the ID is never lost', () => {
    const device = (name: string): Component[] => ecaComponents(buildEca({ name, contactEmail: 'ops@acme.example', apiVersion: 66, template: 'device' }).eca);
    const deviceApp = (name: string): string[] => ['--name', name, '--template', 'device', '--contact-email', 'ops@acme.example'];
    const listeners = (): { SIGINT: unknown[]; SIGTERM: unknown[] } => ({ SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') });
    let privateTmp: string;
    let savedTmp: string | undefined;

    /** Sends `signal` to this process once the simulator has answered `polls` more status polls. */
    function signalWhenPolled(signal: NodeJS.Signals, polls = 1): void {
      const seen = h.sim.count('soap:checkDeployStatus');
      const timer = setInterval(() => {
        if (h.sim.count('soap:checkDeployStatus') < seen + polls) return;
        clearInterval(timer);
        process.emit(signal, signal);
      }, 10);
    }

    function deployCache(): Record<string, { 'target-org'?: string; isMdapi?: boolean }> {
      const file = join(h.home.dir, '.sf', 'deploy-cache.json');
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { 'target-org'?: string }>) : {};
    }

    beforeEach(() => {
      // the deploy's temporary folder goes here, so that a leftover shows (other suites share the system tmp)
      privateTmp = mkdtempSync(join(tmpdir(), 'eca-faults-tmp-'));
      savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = privateTmp;
    });
    afterEach(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      expect(readdirSync(privateTmp), 'temporary folders left behind').to.deep.equal([]);
      rmSync(privateTmp, { recursive: true, force: true });
      resetSignalState();
    });

    it('Ctrl-C while create polls: DeployInterruptedError, exit 130, the ID with the resume/report/cancel lines for the alias typed, the job in the CLI deploy cache', async () => {
      h.sim.faults.set({ deployInProgress: true });
      const before = listeners();
      signalWhenPolled('SIGINT');
      const err = await failure<Failure>(Create.run([...deviceApp('Acme_Interrupted'), '-o', 'dev', '--json']));
      expect(err.name, err.message).to.equal('DeployInterruptedError');
      expect(err.exitCode).to.equal(EXIT_CODES.create.Interrupted);
      const id = DEPLOY_ID.exec(err.message)?.[0] as string;
      expect(err.message).to.equal(`Interrupted (Ctrl-C) while this command watched the deploy ${id} in dev. It goes on in the org: stopping this command does not stop it.`);
      expect(err.actions).to.deep.equal([
        `Follow it to the end: sf project deploy resume --job-id ${id}`,
        `See where it stands: sf project deploy report --job-id ${id} --target-org dev`,
        `Stop it: sf project deploy cancel --job-id ${id} --target-org dev`,
      ]);
      expect(err.data).to.include({ deployId: id, org: 'dev', checkOnly: false, stoppedBy: 'SIGINT', resumable: true });
      expect(deployCache()[id]).to.include({ 'target-org': h.sim.login('dev').username, isMdapi: true });
      // the CLI's own listeners are back; ours stays first only so that a second Ctrl-C exits at once
      // (each in-process run of a command adds sf-plugins-core's own listener, never removed)
      const after = listeners();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        expect(before[signal]).not.to.include(after[signal][0]);
        expect(after[signal].slice(1, before[signal].length + 1)).to.deep.equal(before[signal]);
      }
    });

    it('SIGTERM while convert --deploy-to validates: exit 143, said to be a validation that changes nothing', async () => {
      h.sim.faults.set({ deployInProgress: true });
      signalWhenPolled('SIGTERM');
      const err = await failure<Failure>(Convert.run(['-o', 'prod', '--name', 'Legacy_Integration', '--output-dir', join(h.home.dir, `converted-${Date.now()}`), '--deploy-to', 'dev', '--json']));
      expect(err.name, err.message).to.equal('DeployInterruptedError');
      expect(err.exitCode).to.equal(EXIT_CODES.convert.Terminated);
      expect(err.message).to.match(/^Terminated \(SIGTERM\) while this command watched the validation \(check-only deploy\) 0Af\w{15} in dev\. It goes on in the org and changes nothing there\.$/);
    });

    it('migrate: Ctrl-C at the first target ends the whole run (130) and nothing is deployed to the next', async () => {
      await Create.run([...deviceApp('Acme_Moving'), '-o', 'dev', '--json']);
      h.sim.faults.set({ deployInProgress: true });
      const deploysBefore = h.sim.count('soap:deploy');
      signalWhenPolled('SIGINT');
      const err = await failure<Failure>(Migrate.run(['--source-org', 'dev', '--target-org', 'prod', '--target-org', 'uat', '--name', 'Acme_Moving', '--json']));
      expect(err.name, err.message).to.equal('DeployInterruptedError');
      expect(err.exitCode).to.equal(EXIT_CODES.migrate.Interrupted);
      expect(err.message).to.contain('validation (check-only deploy)').and.contain(' in prod.');
      expect(h.sim.count('soap:deploy') - deploysBefore, 'deploy requests').to.equal(1);
    });

    it('Ctrl-C after the validation passed: the deploy never starts, nothing reached the org', async () => {
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const deploysBefore = h.sim.count('soap:deploy');
      const err = await failure<Failure>(validateThenDeploy(access, device('Acme_Between'), { onValidated: () => process.emit('SIGINT', 'SIGINT') }));
      expect(err).to.be.instanceOf(DeployInterruptedError);
      expect(err.message).to.equal('Interrupted (Ctrl-C) before dev accepted the deploy: nothing of it reached the org.');
      expect(err.data?.deployId).to.equal(undefined);
      expect(h.sim.count('soap:deploy') - deploysBefore).to.equal(1);
    });

    it('a second signal exits at once, with the deploy ID on stderr', async () => {
      h.sim.faults.set({ deployInProgress: true });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      // process.exit never returns: the stub throws, so no listener after ours runs
      const exit = sandbox.stub(process, 'exit').throws(new Error('exited'));
      signalWhenPolled('SIGINT');
      const err = await failure<Failure>(access.deploy(device('Acme_Twice'), { checkOnly: false, frequencyMs: 50 }));
      expect(err).to.be.instanceOf(DeployInterruptedError);
      expect(exit.called).to.equal(false);
      expect(() => process.emit('SIGTERM', 'SIGTERM')).to.throw('exited');
      expect(exit.calledOnceWith(EXIT_CODES.create.Terminated)).to.equal(true);
    });

    it('after Ctrl-C, a new deploy is refused but a cleanup deploy (putting back what the command changed) still runs', async () => {
      h.sim.faults.set({ deployInProgress: true });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      signalWhenPolled('SIGINT');
      expect(await failure(access.deploy(device('Acme_First'), { checkOnly: true, frequencyMs: 50 }))).to.be.instanceOf(DeployInterruptedError);
      h.sim.faults.set({});
      const deploysBefore = h.sim.count('soap:deploy');
      const refused = await failure<Failure>(access.deploy(device('Acme_Next'), { checkOnly: false }));
      expect(refused.message).to.equal('Interrupted (Ctrl-C) before dev accepted the deploy: nothing of it reached the org.');
      expect(h.sim.count('soap:deploy')).to.equal(deploysBefore);
      const repaired = await access.deploy(device('Acme_Next'), { checkOnly: false, cleanup: true, frequencyMs: 50 });
      expect(repaired.success).to.equal(true);
    });

    it('after a deploy that ends, SIGINT and SIGTERM have the listeners they had before', async () => {
      const before = listeners();
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const outcome = await access.deploy(device('Acme_Quiet'), { checkOnly: true, frequencyMs: 50 });
      expect(outcome.success).to.equal(true);
      expect(listeners()).to.deep.equal(before);
    });

    it('the connection drops on every status poll: DeployInProgressError 69 within seconds, the ID, how to follow it', async () => {
      h.sim.faults.set({ drops: [{ match: 'soap:checkDeployStatus' }] });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const start = Date.now();
      const err = await failure<Failure>(access.deploy(device('Acme_Dropped'), { checkOnly: false, frequencyMs: 50, timeoutSeconds: 60 }));
      expect(Date.now() - start).to.be.below(10_000);
      expect(err).to.be.instanceOf(DeployInProgressError);
      expect(err.exitCode).to.equal(69);
      const id = DEPLOY_ID.exec(err.message)?.[0];
      expect(err.message).to.match(/^The connection to dev dropped while this command watched the deploy 0Af\w{15} \(.+\)\. It goes on in the org/);
      expect(err.actions?.join('\n')).to.contain(`sf project deploy report --job-id ${id} --target-org dev`);
      expect(err.data).to.include({ stoppedBy: 'dropped', deployId: id });
      expect(h.sim.count('soap:checkDeployStatus')).to.be.at.least(4);
    });

    it('one dropped status poll is tried again, and the deploy ends as it should', async () => {
      h.sim.faults.set({ drops: [{ match: 'soap:checkDeployStatus', count: 1 }] });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const outcome = await access.deploy(device('Acme_Hiccup'), { checkOnly: true, frequencyMs: 50 });
      expect(outcome.success).to.equal(true);
    });

    it('a status request answered 500 with an ErrorId or a request limit: 69 for convert, the ID, the ErrorId readable', async () => {
      for (const faults of [{ errors: [{ match: 'soap:checkDeployStatus', status: 500 as const }] }, { requestLimit: { match: 'soap:checkDeployStatus' } }]) {
        h.sim.faults.set(faults);
        const err = await failure<Failure>(Convert.run(['-o', 'prod', '--name', 'Legacy_Integration', '--output-dir', join(h.home.dir, `converted-${Date.now()}`), '--force', '--deploy-to', 'dev', '--json']));
        expect(err.name, err.message).to.equal('DeployInProgressError');
        expect(err.exitCode).to.equal(EXIT_CODES.convert.InProgress);
        expect(err.message).to.match(/^The status request for the validation \(check-only deploy\) 0Af\w{15} in dev failed: /);
        expectNoTrap(err);
      }
    });

    it('--wait runs out: 69 with the ID, and the deploy is followed by its resume line', async () => {
      h.sim.faults.set({ deployInProgress: true });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const err = await failure<Failure>(access.deploy(device('Acme_Slow'), { checkOnly: false, timeoutSeconds: 1, frequencyMs: 100 }));
      expect(err).to.be.instanceOf(DeployInProgressError);
      expect(err.message).to.match(/^The deploy 0Af\w{15} in dev had not finished after 1 second\. It goes on in the org/);
      expect(err.actions?.[0]).to.match(/^Follow it to the end: sf project deploy resume --job-id 0Af\w{15}$/);
    });

    it('a process that exits while the deploy uploads (oclif exits on an error elsewhere, a second Ctrl-C) removes the folder all the same', async () => {
      h.sim.faults.set({ latencyMs: 1500 });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const deploying = access.deploy(device('Acme_Upload'), { checkOnly: true, frequencyMs: 50 });
      while (liveTempDirs().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(readdirSync(privateTmp)).to.have.length(1);
      expect(process.listeners('exit')).to.include(removeLeftoverTempDirs);
      // what process.exit runs before the process ends
      removeLeftoverTempDirs();
      expect(readdirSync(privateTmp)).to.deep.equal([]);
      h.sim.faults.set({});
      // (whether this deploy still succeeds depends on how far it was when its folder went)
      await deploying.catch(() => undefined);
      expect(process.listeners('exit')).not.to.include(removeLeftoverTempDirs);
    });

    it('a deploy request that fails leaves no temporary folder either', async () => {
      h.sim.faults.set({ errors: [{ match: 'soap:deploy', status: 500 }] });
      const access = new OrgAccess(await h.connection('dev'), '66.0', 'dev');
      const err = await failure<Failure>(access.deploy(device('Acme_Refused'), { checkOnly: false }));
      expect(err.name).to.equal('RequestFailedError');
      expect(err.actions?.join('\n')).to.contain('--target-org dev');
    });
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
        // named by Salesforce's code, with the actions of a failed request, for the alias typed
        expect(err.actions?.join('\n')).to.contain('run the command again').and.contain('sf org display --target-org dev');
        expectNoTrap(err);
      }
    });

    it('a request limit: RequestLimitError, whose action shows the org\'s limits for the alias typed', async () => {
      h.sim.faults.set({ requestLimit: {} });
      const err = await failure(List.run(['-o', 'dev']));
      expect(err).to.include({ name: 'RequestLimitError', exitCode: EXIT_CODES.list.Failed });
      expect(err.message).to.equal('dev has used its API request limit: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
      expect(err.actions?.[0]).to.equal('See how many API requests the org has left: sf org list limits --target-org dev');
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

    it('an authorization the CLI cannot decrypt is an org failure (1, 2 for policy check), not a usage error, though oclif reports it while parsing --target-org', async () => {
      const username = 'admin@garbled.acme.example';
      // the shape of an encrypted token (hex:tag), encrypted with a key this home does not have
      const token = `${'ab'.repeat(32)}:${'cd'.repeat(16)}`;
      writeFileSync(join(h.home.dir, '.sfdx', `${username}.json`), JSON.stringify({ accessToken: token, refreshToken: token, clientId: 'PlatformCLI', instanceUrl: h.sim.baseUrl, loginUrl: h.sim.baseUrl, orgId: '00D000000000GARBLE', username, created: String(Date.now()) }), { mode: 0o600 });
      const aliasFile = join(h.home.dir, '.sfdx', 'alias.json');
      const aliases = JSON.parse(readFileSync(aliasFile, 'utf8')) as { orgs: Record<string, string> };
      writeFileSync(aliasFile, JSON.stringify({ orgs: { ...aliases.orgs, garbled: username } }));
      StateAggregator.clearInstance();
      const list = await failure(List.run(['-o', 'garbled']));
      expect(list, list.message).to.include({ name: 'AuthDecryptError', exitCode: EXIT_CODES.list.Failed });
      expect(list.message).not.to.match(/Parsing --target-org|See more help/);
      expect(list.actions?.join('\n')).to.contain('--alias garbled');
      const policy = await failure(PolicyCheck.run(['-o', 'garbled']));
      expect(policy).to.include({ name: 'AuthDecryptError', exitCode: EXIT_CODES.policyCheck.Error });
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
