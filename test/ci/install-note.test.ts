/** scripts/install-note.mjs, the prepare step of npm ci / npm install on this checkout. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/paths.js';

const NOTE = join(ROOT, 'scripts', 'install-note.mjs');
const run = (node: string, userAgent: string) =>
  spawnSync(node, [NOTE], { encoding: 'utf8', env: { ...process.env, npm_config_user_agent: userAgent } });

describe('scripts/install-note.mjs (prepare)', () => {
  it('says in one line why npm engine warnings are hidden when npm runs on Node 20', () => {
    const r = run(process.execPath, 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false');
    expect(r.status).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.have.length(1);
    expect(r.stdout).to.include('npm runs on Node v20.20.2').and.include(`the project on Node ${process.version}`).and.include('EBADENGINE');
  });

  it('says nothing when npm itself runs on Node 22', () => {
    const r = run(process.execPath, 'npm/11.19.1 node/v22.23.3 linux x64 workspaces/false');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal('');
  });

  it('fails the install when the node on the script PATH is not Node 22 (node@22 did not install)', function () {
    // the system Node of these machines is 20: the node scripts get when node_modules/.bin/node is missing
    const system = '/usr/bin/node';
    const version = existsSync(system) ? spawnSync(system, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim() : '';
    if (!version || Number(version.split('.')[0]) >= 22) this.skip();
    const r = run(system, `npm/11.19.1 node/v${version} linux x64 workspaces/false`);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('needs Node 22').and.include('allowScripts');
  });
});
