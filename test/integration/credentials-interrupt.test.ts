/**
 * Ctrl-C while the org setting "Allow access to External Client App consumer secrets via REST API"
 * is on for a command (--allow-secret-access): the `finally` of the work does not run when the
 * process is interrupted, so the command turns the setting off before it ends, says so, and exits
 * 130. Runs the built plugin (./bin/run.js) as a child process against the simulator.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN } from '../helpers/paths.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

describe('sf eca credentials: interrupted while the org setting is on', function () {
  this.timeout(180_000);
  let h: Harness;
  let dir: string;

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    for (const c of oauthEca('Acme_Sync', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) h.sim.org('dev').addComponent(c);
    dir = mkdtempSync(join(tmpdir(), 'eca-interrupt-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGINT turns the setting off again and exits 130', async () => {
    const org = h.sim.org('dev');
    org.settings.enableClientSecretInRestApiAccess = false;
    // a sink that takes its time: the command waits for it with the setting on
    const marker = join(dir, 'started');
    const script = join(dir, 'slow.mjs');
    writeFileSync(script, "import { writeFileSync } from 'node:fs';\nprocess.stdin.resume();\nprocess.stdin.on('end', () => { writeFileSync(process.argv[2], 'x'); setTimeout(() => process.exit(0), 20000); });\n");
    const child = spawn(process.execPath, [BIN, 'eca', 'credentials', 'stage', '--name', 'Acme_Sync', '--to-command', `${process.execPath} ${script} ${marker}`, '--allow-secret-access', '-o', 'dev', '--json'], {
      env: { ...process.env, ...h.home.env, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 600 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(marker), stderr).to.equal(true);
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(true);
    child.kill('SIGINT');
    expect(await closed, stderr).to.equal(130);
    expect(stderr).to.contain('is off again');
    expect(org.settings.enableClientSecretInRestApiAccess).to.equal(false);
  });
});
