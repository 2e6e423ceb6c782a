/**
 * sf eca snapshot, diff and restore against the simulator, with auth stored as the CLI stores it:
 * the requests a snapshot costs (one retrieve however many apps; one credentials request per
 * local app with --include-credentials), what the folder holds (modes, no secret in clear), the
 * sandbox refresh cycle (snapshot, refresh, restore: the same key and secret issue tokens again,
 * and a second restore changes nothing), drift between orgs, source and snapshots, and the named
 * errors (wrong passphrase, a snapshot changed after it was taken, a side that cannot be read).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import sinon from 'sinon';
import Diff from '../../src/commands/eca/diff.js';
import Restore from '../../src/commands/eca/restore.js';
import Snapshot from '../../src/commands/eca/snapshot.js';
import { restoreSnapshot } from '../../src/operations/restore.js';
import { withTempDir } from '../../src/org/tempDirs.js';
import { ROOT } from '../helpers/paths.js';
import { loginOrg } from '../helpers/cliAuth.js';
import { deploySource, type Harness, oauthEca, removeDir, startHarness, writeSourceProject } from '../simulator/harness.js';

const PASSPHRASE = 'correct horse battery staple 42';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function dirsUnder(dir: string): string[] {
  return [dir, ...readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(d.parentPath, d.name))];
}

async function failure(run: Promise<unknown>): Promise<Error & { exitCode?: number; actions?: string[] }> {
  try {
    await run;
  } catch (e) {
    return e as Error & { exitCode?: number };
  }
  return expect.fail('should have failed');
}

/** The --json result is what schemas/<name>.json describes. */
function expectSchema(name: string, result: unknown): void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.json`), 'utf8')) as object);
  expect(validate(JSON.parse(JSON.stringify(result))), JSON.stringify(validate.errors)).to.equal(true);
}

async function mint(h: Harness, key: string, secret: string): Promise<{ access_token?: string; error?: string }> {
  const r = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: key, client_secret: secret }).toString(),
  });
  return (await r.json()) as { access_token?: string; error?: string };
}

describe('sf eca snapshot, diff and restore on the simulator', function () {
  this.timeout(300_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let work: string;
  let ux: ReturnType<typeof stubSfCommandUx>;

  const credentials = (alias: string, app: string): { consumerKey: string; consumerSecret: string } =>
    h.sim.org(alias).credentials.get(`eca:${app}`) as { consumerKey: string; consumerSecret: string };
  const secretsOf = (alias: string): string[] => [...h.sim.org(alias).credentials.values()].map((c) => c.consumerSecret);
  /** everything the command printed, as one text */
  const printed = (): string =>
    Object.values(ux)
      .flatMap((stub) => (stub as sinon.SinonStub).getCalls?.() ?? [])
      .map((c) => JSON.stringify(c.args))
      .join('\n');

  const maxListeners = process.getMaxListeners();

  before(async () => {
    // sf-plugins-core adds signal listeners on every command run in this process: more than 10 runs here
    process.setMaxListeners(50);
    h = await startHarness({ orgs: ['dev', 'prod', 'uat'] });
    work = mkdtempSync(join(tmpdir(), 'eca-snapshot-it-'));
    for (const c of oauthEca('Acme_CI', { clientCredentials: true, runAs: 'integration@acme.example.uat' })) h.sim.org('uat').addComponent(c);
    for (const c of oauthEca('Acme_Web')) h.sim.org('uat').addComponent(c);
    for (const c of oauthEca('Acme_CI', { clientCredentials: true, runAs: 'integration@acme.example' })) h.sim.org('prod').addComponent(c);
  });
  after(async () => {
    process.setMaxListeners(maxListeners);
    await h?.close();
    rmSync(work, { recursive: true, force: true });
    delete process.env.ECA_SNAPSHOT_PASSPHRASE;
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    process.exitCode = undefined;
    process.env.ECA_SNAPSHOT_PASSPHRASE = PASSPHRASE;
  });
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  it('a snapshot without credentials: one retrieve, a 0700 folder of 0600 files, a manifest its schema accepts, no secret', async () => {
    const uat = h.sim.org('uat');
    uat.settings.enableConsumerSecretApiAccess = true; // the retrieve then carries every consumer secret
    const dir = join(work, 'plain');
    h.sim.resetLog();
    const r = await Snapshot.run(['--target-org', 'uat', '--output-dir', dir, '--json']);
    uat.settings.enableConsumerSecretApiAccess = false;
    expect(h.sim.count('soap:retrieve')).to.equal(1);
    expect(h.sim.count('soap:deploy')).to.equal(0);
    expect(h.sim.count('rest:apps-credentials')).to.equal(0);
    expect(r.apps.map((a) => `${a.name}:${a.kind}`)).to.include.members(['Acme_CI:eca', 'Acme_Web:eca']);
    expect(r.credentials).to.deep.equal({ included: false, apps: [] });
    expect(r.org).to.deep.include({ name: 'uat', id: uat.orgId, sandboxName: 'uat' });
    expect(r.removedSecrets.map((s) => s.field)).to.include('consumerSecret');
    expectSchema('eca-snapshot', r);

    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    for (const d of dirsUnder(dir)) expect(statSync(d).mode & 0o777, d).to.equal(0o700);
    const files = filesUnder(dir);
    for (const f of files) expect(statSync(f).mode & 0o777, f).to.equal(0o600);
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const secret of secretsOf('uat')) expect(text).to.not.contain(secret);

    const manifest = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as { org: { sandboxName?: string }; settings: unknown[] };
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-snapshot-manifest.json'), 'utf8')) as object);
    expect(validate(manifest), JSON.stringify(validate.errors)).to.equal(true);
    expect(manifest.settings).to.have.length(1);
    expect(files.map((f) => f.slice(dir.length + 1))).to.include('source/main/default/settings/ExternalClientApp.settings-meta.xml');
  });

  it('refuses a folder that is not empty, before reading the org', async () => {
    const dir = join(work, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    h.sim.resetLog();
    const e = await failure(Snapshot.run(['--target-org', 'uat', '--output-dir', dir, '--json']));
    expect(e.name).to.equal('OutputDirNotEmptyError');
    expect(h.sim.count()).to.equal(0);
    expect(readdirSync(dir)).to.deep.equal(['notes.txt']);
  });

  it('costs the requests of one app for 100 apps; with credentials, one credentials request per local app', async () => {
    const dev = h.sim.org('dev');
    dev.settings.enableClientSecretInRestApiAccess = true;
    const requests = async (dir: string, args: string[] = []): Promise<Record<string, number>> => {
      h.sim.resetLog();
      await Snapshot.run(['--target-org', 'dev', '--output-dir', dir, ...args, '--json']);
      const counts = h.sim.counts();
      delete counts['soap:checkRetrieveStatus'];
      return counts;
    };
    for (const c of oauthEca('App_000', { clientCredentials: true })) dev.addComponent(c);
    const one = await requests(join(work, 'one'));
    for (let i = 1; i < 100; i++) for (const c of oauthEca(`App_${String(i).padStart(3, '0')}`)) dev.addComponent(c);
    const hundred = await requests(join(work, 'hundred'));
    expect(hundred).to.deep.equal(one);
    expect(hundred['soap:retrieve']).to.equal(1);

    const sealed = await requests(join(work, 'hundred-sealed'), ['--include-credentials']);
    expect(sealed['rest:apps-credentials']).to.equal(100);
    expect(sealed['soap:deploy'] ?? 0).to.equal(0); // the setting was on: nothing changed in the org
    const vault = readFileSync(join(work, 'hundred-sealed', 'credentials.vault'), 'utf8');
    for (const secret of secretsOf('dev')) expect(vault).to.not.contain(secret);
    dev.settings.enableClientSecretInRestApiAccess = false;
  });

  it('a weak passphrase, or none, is refused before the org is read, and nothing is written', async () => {
    const dir = join(work, 'weak');
    process.env.ECA_SNAPSHOT_PASSPHRASE = 'tiny-pw';
    h.sim.resetLog();
    const e = await failure(Snapshot.run(['--target-org', 'uat', '--output-dir', dir, '--include-credentials', '--json']));
    expect(e.name).to.equal('PassphraseProblemError');
    expect(e.message).to.contain('shorter than 12 characters').and.not.contain('tiny-pw');
    delete process.env.ECA_SNAPSHOT_PASSPHRASE;
    const none = await failure(Snapshot.run(['--target-org', 'uat', '--output-dir', dir, '--include-credentials', '--json']));
    expect(none.name).to.equal('PassphraseProblemError');
    expect(none.message).to.contain('ECA_SNAPSHOT_PASSPHRASE');
    expect(h.sim.count()).to.equal(0);
    expect(() => statSync(dir)).to.throw();
  });

  describe('the sandbox refresh cycle', () => {
    const snap = (): string => join(work, 'snap-uat');
    let before: { consumerKey: string; consumerSecret: string };

    it('snapshot with credentials, the secret-access setting turned on for it and off again; no secret in clear', async () => {
      const uat = h.sim.org('uat');
      before = { ...credentials('uat', 'Acme_CI') };
      expect(uat.settings.enableClientSecretInRestApiAccess).to.equal(false);
      const refused = await failure(Snapshot.run(['--target-org', 'uat', '--output-dir', join(work, 'refused'), '--include-credentials', '--json']));
      expect(refused.name).to.equal('DisabledError');
      expect(() => statSync(join(work, 'refused'))).to.throw();

      const r = await Snapshot.run(['--target-org', 'uat', '--output-dir', snap(), '--include-credentials', '--allow-secret-access', '--json']);
      expect(r.credentials).to.deep.include({ included: true, secretAccess: 'turned-on-and-off' });
      expect(r.credentials.apps).to.deep.equal(['Acme_CI', 'Acme_Web']);
      expect(uat.settings.enableClientSecretInRestApiAccess).to.equal(false);
      const text = filesUnder(snap()).map((f) => readFileSync(f, 'utf8')).join('\n');
      for (const secret of secretsOf('uat')) expect(text).to.not.contain(secret);
      expect(statSync(join(snap(), 'credentials.vault')).mode & 0o777).to.equal(0o600);
      for (const secret of secretsOf('uat')) expect(printed()).to.not.contain(secret);
      expect(JSON.stringify(r)).to.not.contain(before.consumerSecret);
    });

    it('a wrong passphrase is a named error, before anything is asked of the org', async () => {
      process.env.ECA_SNAPSHOT_PASSPHRASE = 'not the passphrase at all';
      h.sim.resetLog();
      const e = await failure(Restore.run(['--snapshot', snap(), '--target-org', 'uat', '--json']));
      expect(e.name).to.equal('WrongPassphraseError');
      expect(e.exitCode).to.equal(1);
      expect(h.sim.count()).to.equal(0);
    });

    it('after a refresh, restore gives back every local app with its key and secret, proved by a token', async () => {
      h.sim.refreshSandbox('uat');
      await loginOrg(h.home, h.sim, 'uat');
      expect(h.sim.org('uat').component('ExternalClientApplication', 'Acme_CI')).to.equal(undefined);
      expect(h.sim.org('uat').component('ExternalClientApplication', 'Acme_Web')).to.equal(undefined);
      expect((await mint(h, before.consumerKey, before.consumerSecret)).error).to.equal('invalid_client_id');

      // a temporary folder of this test's own, watched: other processes share the system's
      const privateTmp = mkdtempSync(join(work, 'tmp-'));
      const savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = privateTmp;
      const watched: string[] = [];
      const watcher = watch(privateTmp, (_event, name) => name && watched.push(String(name)));
      let r;
      try {
        // the control: a deploy folder made the way OrgAccess makes one is seen by the watch
        await withTempDir('eca-deploy-control-', () => new Promise((resolve) => setTimeout(resolve, 50)));
        r = await Restore.run(['--snapshot', snap(), '--target-org', 'uat', '--json']);
      } finally {
        watcher.close();
        if (savedTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = savedTmp;
      }
      expect(watched.some((n) => n.startsWith('eca-deploy-control-')), 'the watch sees a deploy folder').to.equal(true);
      expect(r.status, JSON.stringify(r.problems)).to.equal('restored');
      expect(process.exitCode).to.equal(0);
      expect(r.target.orgId).to.equal(h.sim.org('uat').orgId);
      const ci = r.apps.find((a) => a.name === 'Acme_CI');
      expect(ci).to.deep.include({ action: 'create', credentials: 'restore' });
      expect(ci?.login?.status).to.equal('verified');
      expect(r.apps.find((a) => a.name === 'Acme_Web')?.login?.status).to.equal('not-provable');
      expect(r.phases.map((p) => `${p.phase}:${p.status}`)).to.deep.equal(['1:deployed', '2:deployed']);
      expectSchema('eca-restore', r);
      // the deploys that carried the secret were built in memory: no deploy folder was made
      expect(watched.filter((n) => n.startsWith('eca-deploy') && !n.startsWith('eca-deploy-control-'))).to.deep.equal([]);

      expect(credentials('uat', 'Acme_CI').consumerKey).to.equal(before.consumerKey);
      expect((await mint(h, before.consumerKey, before.consumerSecret)).access_token).to.be.a('string');
      expect(JSON.stringify(r)).to.not.contain(before.consumerSecret);
      expect(printed()).to.not.contain(before.consumerSecret);
    });

    it('a second restore changes nothing', async () => {
      h.sim.resetLog();
      const r = await Restore.run(['--snapshot', snap(), '--target-org', 'uat', '--json']);
      expect(r.status).to.equal('unchanged');
      expect(r.apps.every((a) => a.action === 'none'), JSON.stringify(r.apps)).to.equal(true);
      expect(h.sim.count('soap:deploy')).to.equal(0);
      expect(h.sim.count('oauth:token')).to.equal(0);
      expect(process.exitCode).to.equal(0);
    });

    it('--skip-credentials restores without the vault: no passphrase read, keys left for the org to make', async () => {
      delete process.env.ECA_SNAPSHOT_PASSPHRASE;
      const r = await Restore.run(['--snapshot', snap(), '--target-org', 'prod', '--skip-credentials', '--dry-run', '--json']);
      expect(r.status, JSON.stringify(r.problems)).to.equal('validated');
      expect(r.apps.map((a) => `${a.name}:${a.action}:${a.credentials}`)).to.deep.equal(['Acme_CI:none:none', 'Acme_Web:create:none']);
      expect(r.users).to.deep.equal([{ from: 'integration@acme.example.uat', to: 'integration@acme.example', rule: 'sandbox-suffix' }]);
      expect(r.problems.map((p) => p.message).join('\n')).to.contain('--skip-credentials');
    });

    it('the snapshot and the restored org differ only by what the refresh brought (production\'s Connected App)', async () => {
      const r = await Diff.run(['--snapshot', snap(), '--target-org', 'uat', '--json']);
      expect(r.apps.filter((a) => a.status !== 'unchanged').map((a) => `${a.name}:${a.status}`)).to.deep.equal(['Legacy_Integration:added']);
      expect(r.apps.filter((a) => a.kind === 'eca').every((a) => a.status === 'unchanged')).to.equal(true);
      expect(process.exitCode).to.equal(1);
      process.exitCode = undefined;
      const ecas = await Diff.run(['--snapshot', snap(), '--target-org', 'uat', '--name', 'Acme_CI', '--name', 'Acme_Web', '--json']);
      expect(ecas.identical).to.equal(true);
      expect(process.exitCode).to.equal(0);
    });
  });

  describe('drift', () => {
    it('org vs org: normalised values never drift, a policy change names exactly that field (exit 1)', async () => {
      const same = await Diff.run(['--source-org', 'prod', '--target-org', 'uat', '--name', 'Acme_CI', '--json']);
      expect(same.identical, JSON.stringify(same.apps)).to.equal(true);
      expect(process.exitCode).to.equal(0);

      const stored = [...h.sim.org('uat').components.values()].find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies' && c.values.externalClientApplication === 'Acme_CI');
      expect(stored).to.not.equal(undefined);
      stored!.values.ipRelaxationPolicyType = 'BypassUsingIpRange';
      process.exitCode = undefined;
      const r = await Diff.run(['--source-org', 'prod', '--target-org', 'uat', '--name', 'Acme_CI', '--json']);
      expect(process.exitCode).to.equal(1);
      expect(r.apps[0].fields.map((f) => [f.setting, f.left, f.right])).to.deep.equal([['oauthPolicies.ipRelaxationPolicyType', 'Enforce', 'BypassUsingIpRange']]);
      expect(r.apps[0].fields[0].rules).to.include('ip-restrictions-relaxed');
      expectSchema('eca-diff', r);
      stored!.values.ipRelaxationPolicyType = 'Enforce';
    });

    it('source vs org is clean right after a deploy; a change in the source is named', async () => {
      const project = writeSourceProject(oauthEca('Src_App', { clientCredentials: true, runAs: 'integration@acme.example' }));
      try {
        const deployed = await deploySource(await h.connection('prod'), project);
        expect(deployed.response.success).to.equal(true);
        const clean = await Diff.run(['--source-dir', join(project, 'force-app'), '--target-org', 'prod', '--json']);
        expect(clean.identical, JSON.stringify(clean.apps)).to.equal(true);
        expect(clean.apps.map((a) => a.name)).to.deep.equal(['Src_App']);
        expect(process.exitCode).to.equal(0);

        const file = join(project, 'force-app', 'main', 'default', 'extlClntAppOauthPolicies', 'Src_App_oauthPlcy.ecaOauthPlcy-meta.xml');
        writeFileSync(file, readFileSync(file, 'utf8').replace('<refreshTokenPolicyType>Infinite</refreshTokenPolicyType>', '<refreshTokenPolicyType>SpecificLifetime</refreshTokenPolicyType>'));
        process.exitCode = undefined;
        const report = join(work, 'drift.md');
        const changed = await Diff.run(['--source-dir', join(project, 'force-app'), '--target-org', 'prod', '--report-file', report, '--json']);
        expect(process.exitCode).to.equal(1);
        expect(changed.apps[0].fields.map((f) => f.setting)).to.deep.equal(['oauthPolicies.refreshTokenPolicyType']);
        expect(readFileSync(report, 'utf8')).to.contain('oauthPolicies.refreshTokenPolicyType');
      } finally {
        removeDir(project);
      }
    });

    it('a side that cannot be read is exit 2, never "identical"', async () => {
      const project = writeSourceProject([], { 'externalClientApps/Broken.eca-meta.xml': '<?xml version="1.0"?><ExternalClientApplication' });
      try {
        const e = await failure(Diff.run(['--source-dir', join(project, 'force-app'), '--target-org', 'prod', '--json']));
        expect(e.name).to.equal('SourceUnreadableError');
        expect(e.exitCode).to.equal(2);
      } finally {
        removeDir(project);
      }
      const sides = await failure(Diff.run(['--target-org', 'prod', '--json']));
      expect(sides.name).to.equal('SidesError');
      expect(sides.exitCode).to.equal(2);
    });

    it('a snapshot changed after it was taken is refused by diff and restore (exit 2 and 1)', async () => {
      const dir = join(work, 'tampered');
      await Snapshot.run(['--target-org', 'prod', '--output-dir', dir, '--json']);
      const file = filesUnder(dir).find((f) => f.endsWith('.ecaOauthPlcy-meta.xml')) as string;
      writeFileSync(file, readFileSync(file, 'utf8').replace('Enforce', 'BypassUsingIpRange'));
      const diff = await failure(Diff.run(['--snapshot', dir, '--target-org', 'prod', '--json']));
      expect(diff.name).to.equal('SnapshotVerificationError');
      expect(diff.exitCode).to.equal(2);
      h.sim.resetLog();
      const restore = await failure(Restore.run(['--snapshot', dir, '--target-org', 'prod', '--json']));
      expect(restore.name).to.equal('SnapshotVerificationError');
      expect(restore.exitCode).to.equal(1);
      expect(h.sim.count()).to.equal(0);
    });
  });

  it('restore --dry-run validates and deploys nothing', async () => {
    for (const c of oauthEca('Dry_App', { clientCredentials: true, runAs: 'integration@acme.example' })) h.sim.org('prod').addComponent(c);
    const dir = join(work, 'prod-snap');
    await Snapshot.run(['--target-org', 'prod', '--output-dir', dir, '--json']);
    h.sim.resetLog();
    const r = await Restore.run(['--snapshot', dir, '--target-org', 'uat', '--name', 'Dry_App', '--dry-run', '--json']);
    expect(r.status, JSON.stringify(r.problems)).to.equal('validated');
    expect(r.apps).to.have.length(1);
    expect(r.apps[0]).to.deep.include({ name: 'Dry_App', action: 'create' });
    expect(r.users).to.deep.equal([{ from: 'integration@acme.example', to: 'integration@acme.example.uat', rule: 'sandbox-suffix' }]);
    expect(r.phases.map((p) => `${p.phase}:${p.status}`)).to.deep.equal(['1:validated', '2:pending']);
    expect(h.sim.count('soap:deploy')).to.equal(1);
    expect(h.sim.org('uat').component('ExternalClientApplication', 'Dry_App')).to.equal(undefined);
  });

  describe('outcomes once something is deployed', () => {
    let dir: string;
    before(async () => {
      for (const c of oauthEca('Late_App', { clientCredentials: true, runAs: 'integration@acme.example' })) h.sim.org('prod').addComponent(c);
      dir = join(work, 'prod-late');
      const quiet = sinon.createSandbox();
      stubSfCommandUx(quiet);
      try {
        await Snapshot.run(['--target-org', 'prod', '--output-dir', dir, '--json']);
      } finally {
        quiet.restore();
      }
    });
    afterEach(() => h.sim.faults.set({}));

    it('the second phase fails after the first was deployed: exit 68, and the result says what is in the org', async () => {
      h.sim.faults.set({ commitFailure: { count: 1, skip: 1 } });
      const r = await Restore.run(['--snapshot', dir, '--target-org', 'uat', '--name', 'Late_App', '--json']);
      expect(r.status).to.equal('partial');
      expect(process.exitCode).to.equal(68);
      expect(r.phases.map((p) => `${p.phase}:${p.status}`)).to.deep.equal(['1:deployed', '2:failed']);
      expect(h.sim.org('uat').component('ExternalClientApplication', 'Late_App')).to.not.equal(undefined);
      expectSchema('eca-restore', r);
      // running it again finishes the work: phase 1 is already there
      h.sim.faults.set({});
      process.exitCode = undefined;
      const again = await Restore.run(['--snapshot', dir, '--target-org', 'uat', '--name', 'Late_App', '--json']);
      expect(again.status, JSON.stringify(again.problems)).to.equal('restored');
      expect(again.phases.map((p) => `${p.phase}:${p.status}`)).to.deep.equal(['1:nothing-to-do', '2:deployed']);
      expect(process.exitCode).to.equal(0);
    });

    it('a deploy still running when the wait ends: in progress (exit 69) with the deploy id and the resume line', async () => {
      for (const c of oauthEca('Slow_App')) h.sim.org('prod').addComponent(c);
      const slow = join(work, 'prod-slow');
      await Snapshot.run(['--target-org', 'prod', '--output-dir', slow, '--json']);
      h.sim.faults.set({ deployInProgress: true });
      const r = await restoreSnapshot({ snapshot: slow, org: { name: 'uat' }, names: ['Slow_App'], dryRun: false, passphraseStdin: false, wait: { seconds: 2, minutes: 1 } });
      expect(r.status).to.equal('in-progress');
      expect(r.phases[0].status).to.equal('in-progress');
      expect(r.message).to.match(/sf project deploy report --job-id 0Af\w+ --target-org uat --wait 33/);
    });
  });
});
