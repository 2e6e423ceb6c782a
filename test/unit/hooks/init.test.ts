/**
 * The init hook's compile cache: on for this plugin's commands only, in the CLI's own cache folder
 * unless NODE_COMPILE_CACHE names one, off with NODE_DISABLE_COMPILE_CACHE, and a no-op on a Node
 * without the API, and in CI only where its folder exists. The last test turns it on in a real Node process and looks for the cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { enableCompileCache, inCi, isOurCommand } from '../../../src/hooks/init.js';
import { ROOT } from '../../helpers/paths.js';

type Call = { dir: string | undefined };

function fakeApi(calls: Call[]) {
  return {
    enableCompileCache: (dir?: string) => {
      calls.push({ dir });
      return { status: 0, directory: dir ?? '/from/env' };
    },
  };
}

describe('init hook: the module compile cache for sf eca commands', () => {
  it('knows our commands by their id, and nothing else', () => {
    for (const id of ['eca', 'eca:report', 'eca:policy:check', 'eca:login:client-credentials']) expect(isOurCommand(id), id).to.equal(true);
    for (const id of [undefined, '', 'org:display', 'project:retrieve:start', 'ecard:list', 'plugins:install']) expect(isOurCommand(id), String(id)).to.equal(false);
  });

  it("turns it on in the CLI's cache folder for one of our commands", () => {
    const calls: Call[] = [];
    expect(enableCompileCache('eca:list', '/home/u/.cache/sf', {}, fakeApi(calls))).to.equal(join('/home/u/.cache/sf', 'compile-cache'));
    expect(calls).to.deep.equal([{ dir: join('/home/u/.cache/sf', 'compile-cache') }]);
  });

  it('leaves other commands, NODE_DISABLE_COMPILE_CACHE and a Node without the API alone', () => {
    const calls: Call[] = [];
    expect(enableCompileCache('org:display', '/c', {}, fakeApi(calls))).to.equal(undefined);
    expect(enableCompileCache(undefined, '/c', {}, fakeApi(calls))).to.equal(undefined);
    expect(enableCompileCache('eca:list', '/c', { NODE_DISABLE_COMPILE_CACHE: '1' }, fakeApi(calls))).to.equal(undefined);
    expect(calls).to.deep.equal([]);
    // Node 20 has no module.enableCompileCache
    expect(enableCompileCache('eca:list', '/c', {}, {})).to.equal(undefined);
  });

  it('knows CI as is-in-ci does', () => {
    for (const env of [{ CI: 'true' }, { CI: '1' }, { CI: '' }, { CONTINUOUS_INTEGRATION: 'yes' }]) expect(inCi(env), JSON.stringify(env)).to.equal(true);
    for (const env of [{}, { CI: 'false' }, { CI: '0' }, { CONTINUOUS_INTEGRATION: 'false' }]) expect(inCi(env), JSON.stringify(env)).to.equal(false);
  });

  it('in CI, uses the cache only when its folder is already there (a fresh container would only pay for writing it)', () => {
    const calls: Call[] = [];
    const dir = join('/c', 'compile-cache');
    expect(enableCompileCache('eca:list', '/c', { CI: 'true' }, fakeApi(calls), () => false)).to.equal(undefined);
    expect(calls).to.deep.equal([]);
    expect(enableCompileCache('eca:list', '/c', { CI: 'true' }, fakeApi(calls), (p) => p === dir)).to.equal(dir);
    expect(calls).to.deep.equal([{ dir }]);
  });

  it("lets NODE_COMPILE_CACHE choose the folder (Node's own setting)", () => {
    const calls: Call[] = [];
    expect(enableCompileCache('eca:report', '/c', { NODE_COMPILE_CACHE: '/elsewhere' }, fakeApi(calls))).to.equal('/from/env');
    expect(calls).to.deep.equal([{ dir: undefined }]);
  });

  it('keeps compiled code on disk for what loads after it, in a real Node process', function () {
    this.timeout(60_000);
    const cacheDir = mkdtempSync(join(tmpdir(), 'eca-compile-cache-'));
    try {
      // the built hook, called as oclif calls it, then a module of this plugin loaded after it
      const script = `const { default: hook } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'lib', 'hooks', 'init.js')).href)});
await hook.call({ config: { cacheDir: process.argv[1] } }, { id: process.argv[2] });
await import(${JSON.stringify(pathToFileURL(join(ROOT, 'lib', 'domain', 'xml.js')).href)});`;
      const env = { ...process.env };
      for (const key of ['NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'CI', 'CONTINUOUS_INTEGRATION']) delete env[key];
      const other = spawnSync(process.execPath, ['--input-type=module', '-e', script, cacheDir, 'org:display'], { env, encoding: 'utf8' });
      expect(other.status, other.stderr).to.equal(0);
      expect(existsSync(join(cacheDir, 'compile-cache')), 'another command').to.equal(false);
      const ours = spawnSync(process.execPath, ['--input-type=module', '-e', script, cacheDir, 'eca:list'], { env, encoding: 'utf8' });
      expect(ours.status, ours.stderr).to.equal(0);
      const files = readdirSync(join(cacheDir, 'compile-cache'), { recursive: true }).map(String);
      expect(files.length, 'files in the compile cache').to.be.greaterThan(1);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
