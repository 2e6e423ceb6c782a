/**
 * sf eca credentials stage | rotate | revoke | status, in process against the simulator with auth
 * stored as the CLI stores it: stage (old and new secrets both mint), rotate with the proof (the
 * old ones still mint until revoked), revoke (only the new ones mint), a failed proof that leaves
 * the primary credentials untouched (exit 3), the org setting turned on for a command and off again
 * even when the command fails midway (fault injection), named errors for an unknown, packaged or
 * Connected App, a missing permission and the setting off; and no secret in any output, result or
 * error.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import Revoke from '../../src/commands/eca/credentials/revoke.js';
import Rotate from '../../src/commands/eca/credentials/rotate.js';
import Stage from '../../src/commands/eca/credentials/stage.js';
import Status from '../../src/commands/eca/credentials/status.js';
import { findLeaks } from '../../src/domain/token/redact.js';
import { failure } from '../helpers/failure.js';
import { mintStatus } from '../helpers/mint.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

type Failure = { name: string; message: string; actions?: string[]; exitCode?: number };
const RUN_AS = 'integration@dev.acme.example';

describe('sf eca credentials (in process, simulator)', function () {
  this.timeout(180_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dir: string;
  let ux: ReturnType<typeof stubSfCommandUx>;
  /** every secret the org ever held for the apps of this test */
  const seen = new Set<string>();

  const creds = (app = 'Acme_Sync') => h.sim.org('dev').credentials.get(`eca:${app}`);
  const remember = (): void => {
    for (const [, c] of h.sim.org('dev').credentials) {
      seen.add(c.consumerSecret);
      if (c.staged) seen.add(c.staged.secret);
    }
  };
  const mint = (key: string, secret: string): Promise<number> => mintStatus(h.sim.baseUrl, key, secret);
  /** Everything the commands printed, for the leak scan. */
  const printed = (): unknown[] => Object.values(ux).flatMap((stub) => stub.getCalls().map((c) => c.args));
  const noLeak = (value: unknown): void => {
    remember();
    expect(findLeaks(value, [...seen]), JSON.stringify(value).slice(0, 400)).to.deep.equal([]);
  };

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    const org = h.sim.org('dev');
    for (const c of oauthEca('Acme_Sync', { clientCredentials: true, runAs: RUN_AS })) org.addComponent(c);
    for (const c of oauthEca('Second_App', { clientCredentials: true, runAs: RUN_AS })) org.addComponent(c);
    const packaged = oauthEca('Pkg_App', { clientCredentials: true, runAs: RUN_AS });
    packaged[0].values.distributionState = 'Packaged';
    for (const c of packaged) org.addComponent(c);
    dir = mkdtempSync(join(tmpdir(), 'eca-creds-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = true;
    h.sim.faults.clear();
  });
  afterEach(() => {
    noLeak(printed());
    sandbox.restore();
    process.exitCode = undefined;
  });

  it('stage → rotate (proved) → revoke: both pairs mint between stage and revoke, only the new one after', async () => {
    const old = { key: creds()?.consumerKey as string, secret: creds()?.consumerSecret as string };
    const file = join(dir, 'acme-sync.txt');
    const staged = await Stage.run(['--name', 'Acme_Sync', '--secret-file', file, '-o', 'dev', '--json']);
    noLeak(staged);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).to.equal(creds()?.staged?.secret);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(staged).to.deep.include({ app: 'Acme_Sync', consumerKey: creds()?.staged?.key, primaryConsumerKey: old.key, state: 'Active' });
    expect(staged.delivered).to.deep.equal({ kind: 'file', path: file, replaced: false });
    expect(await mint(staged.consumerKey, secret)).to.equal(200);
    expect(await mint(old.key, old.secret)).to.equal(200);

    const dry = await Rotate.run(['--name', 'Acme_Sync', '--dry-run', '-o', 'dev', '--json']);
    expect(dry).to.deep.include({ dryRun: true, promoted: false });
    expect(dry.verification).to.deep.include({ verified: true, user: RUN_AS });
    expect(creds()?.consumerKey).to.equal(old.key);

    const rotated = await Rotate.run(['--name', 'Acme_Sync', '-o', 'dev', '--json']);
    noLeak(rotated);
    expect(rotated).to.deep.include({ promoted: true, consumerKey: staged.consumerKey, previousConsumerKey: old.key });
    expect(rotated.previous.revoked).to.equal(false);
    expect(rotated.next[0]).to.equal('sf eca credentials revoke --name Acme_Sync --target-org dev');
    expect(creds()?.consumerKey).to.equal(staged.consumerKey);
    expect(await mint(old.key, old.secret)).to.equal(200);

    const status = await Status.run(['--name', 'Acme_Sync', '-o', 'dev', '--json']);
    noLeak(status);
    const c = status.apps[0].consumers[0];
    expect(c.previous?.key).to.equal(old.key);
    expect(c.secretAge).to.deep.include({ known: true, days: 0 });

    const revoked = await Revoke.run(['--name', 'Acme_Sync', '-o', 'dev', '--json']);
    expect(revoked).to.deep.include({ revoked: true, consumerKey: staged.consumerKey });
    expect(revoked.credentials).to.deep.include({ state: 'Rotated', consumerKey: old.key });
    expect(await mint(old.key, old.secret)).to.equal(400);
    expect(await mint(staged.consumerKey, secret)).to.equal(200);
  });

  it('rotate --revoke-previous: only the new pair mints right after', async () => {
    const old = { key: creds()?.consumerKey as string, secret: creds()?.consumerSecret as string };
    await Stage.run(['--name', 'Acme_Sync', '--to-env-file', join(dir, 'ci.env'), '-o', 'dev', '--json']);
    const env = readFileSync(join(dir, 'ci.env'), 'utf8');
    const fresh = { key: /ECA_CLIENT_ID=(.*)/.exec(env)?.[1] as string, secret: /ECA_CLIENT_SECRET=(.*)/.exec(env)?.[1] as string };
    const r = await Rotate.run(['--name', 'Acme_Sync', '--revoke-previous', '-o', 'dev', '--json']);
    expect(r.previous.revoked).to.equal(true);
    expect(await mint(old.key, old.secret)).to.equal(400);
    expect(await mint(fresh.key, fresh.secret)).to.equal(200);
  });

  it('a failed proof promotes nothing (exit 3): the primary credentials stay, the staged ones stay pending', async () => {
    const before = { key: creds()?.consumerKey, secret: creds()?.consumerSecret };
    await Stage.run(['--name', 'Acme_Sync', '--secret-file', join(dir, 'pending.txt'), '-o', 'dev', '--json']);
    const user = h.sim.org('dev').users.find((u) => u.username === RUN_AS);
    if (user) user.isActive = false;
    try {
      const e = await failure<Failure>(Rotate.run(['--name', 'Acme_Sync', '--revoke-previous', '--wait', '0', '-o', 'dev', '--json']));
      noLeak(e);
      expect(e.name).to.equal('StagedCredentialsRefusedError');
      expect(e.exitCode).to.equal(3);
      expect(e.message).to.contain('not promoted');
      expect({ key: creds()?.consumerKey, secret: creds()?.consumerSecret }).to.deep.equal(before);
      expect(creds()?.staged?.state).to.equal('Active');
    } finally {
      if (user) user.isActive = true;
    }
    const cleaned = await Revoke.run(['--name', 'Acme_Sync', '--pending', '-o', 'dev', '--json']);
    expect(cleaned.credentials?.state).to.equal('Active');
  });

  it('turns the org setting on for the command and off again, also when the command fails midway', async () => {
    const org = h.sim.org('dev');
    org.settings.enableClientSecretInRestApiAccess = false;
    const refused = await failure<Failure>(Stage.run(['--name', 'Acme_Sync', '--secret-file', join(dir, 'x.txt'), '-o', 'dev', '--json']));
    expect(refused.name).to.equal('DisabledError');
    expect(refused.actions?.[0]).to.contain('--allow-secret-access');
    expect(refused.exitCode).to.equal(1);

    const r = await Stage.run(['--name', 'Second_App', '--to-env-file', join(dir, 'second.env'), '--allow-secret-access', '-o', 'dev', '--json']);
    expect(r.secretAccess).to.deep.equal({ wasOn: false, turnedOnForCommand: true });
    expect(r.next[0]).to.contain('--allow-secret-access');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);

    // midway: the staged read fails once the setting is on (a request limit; jsforce retries a 500 itself)
    h.sim.faults.set({ requestLimit: { match: 'rest:apps-credentials-staged', count: 1 } });
    const midway = await failure<Failure>(Rotate.run(['--name', 'Second_App', '--allow-secret-access', '-o', 'dev', '--json']));
    expect(midway.exitCode).to.equal(1);
    expect(midway.actions?.join(' ')).to.contain('is off again');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);

    // the restoring deploy fails twice: a loud named error, the setting still on
    h.sim.faults.set({ commitFailure: { skip: 1, count: 2, type: 'Settings' } });
    const stillOn = await failure<Failure>(Revoke.run(['--name', 'Second_App', '--pending', '--allow-secret-access', '-o', 'dev', '--json']));
    expect(stillOn.name).to.equal('StillOnError');
    expect(stillOn.message).to.contain('STILL ON').and.contain('were revoked');
    expect(stillOn.exitCode).to.equal(1);
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(true);
  });

  it('names an unknown app, a packaged app, a missing permission, and staged credentials already pending', async () => {
    const unknown = await failure<Failure>(Stage.run(['--name', 'Nope', '--secret-file', join(dir, 'n.txt'), '-o', 'dev', '--json']));
    expect(unknown.name).to.equal('AppNotFoundError');
    expect(unknown.actions?.[0]).to.contain('Acme_Sync');
    const packaged = await failure<Failure>(Rotate.run(['--name', 'Pkg_App', '-o', 'dev', '--json']));
    expect(packaged.name).to.equal('PackagedError');
    h.sim.org('dev').setPermission('System Administrator', 'ViewClientSecret', false);
    try {
      const perm = await failure<Failure>(Status.run(['--name', 'Acme_Sync', '-o', 'dev', '--json']).then(() => Stage.run(['--name', 'Acme_Sync', '--secret-file', join(dir, 'p.txt'), '-o', 'dev', '--json'])));
      expect(perm.name).to.equal('MissingPermissionError');
      expect(perm.actions?.[0]).to.contain('View Client Secret');
    } finally {
      h.sim.org('dev').setPermission('System Administrator', 'ViewClientSecret', true);
    }
    await Stage.run(['--name', 'Acme_Sync', '--secret-file', join(dir, 'first.txt'), '-o', 'dev', '--json']);
    const twice = await failure<Failure>(Stage.run(['--name', 'Acme_Sync', '--secret-file', join(dir, 'second.txt'), '-o', 'dev', '--json']));
    expect(twice.name).to.equal('AlreadyStagedError');
    expect(twice.actions?.[0]).to.equal('Promote them: sf eca credentials rotate --name Acme_Sync --target-org dev');
    await Revoke.run(['--name', 'Acme_Sync', '--pending', '-o', 'dev', '--json']);
  });

  it('a sink that fails takes the staged credentials back: nothing is left that nobody received', async () => {
    const script = join(dir, 'exit7.mjs');
    writeFileSync(script, 'process.stdin.resume();\nprocess.stdin.on("end", () => process.exit(7));\n');
    const e = await failure<Failure>(Stage.run(['--name', 'Acme_Sync', '--to-command', `${process.execPath} ${script}`, '-o', 'dev', '--json']));
    expect(e.name).to.equal('DeliveryFailedError');
    expect(e.message).to.contain('exited with 7');
    expect(creds()?.staged?.state).to.not.equal('Active');
  });

  it('status: exit 68 when the staged slot cannot be read, and the cost per app for --all', async () => {
    h.sim.org('dev').settings.enableClientSecretInRestApiAccess = false;
    const partial = await Status.run(['--all', '-o', 'dev', '--json']);
    expect(process.exitCode).to.equal(68);
    expect(partial.problems[0]).to.contain('--allow-secret-access');
    expect(partial.apps.find((a) => a.name === 'Acme_Sync')?.consumers[0].secretAge.known).to.equal(false);
    expect(partial.apps.find((a) => a.name === 'Pkg_App')?.local).to.equal(false);
    process.exitCode = undefined;
    h.sim.resetLog();
    const full = await Status.run(['--all', '--allow-secret-access', '-o', 'dev', '--json']);
    expect(process.exitCode).to.equal(0);
    const apps = full.apps.length;
    // one consumers request per app (no bulk form), one staged read per local consumer
    expect(h.sim.count('rest:apps-credentials')).to.equal(apps);
    expect(h.sim.count('rest:apps-credentials-staged')).to.equal(full.apps.filter((a) => a.local).length);
    expect(h.sim.count('rest:apps-usage')).to.equal(1);
    expect(h.sim.org('dev').settings.enableClientSecretInRestApiAccess).to.equal(false);
  });
});
