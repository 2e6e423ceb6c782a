/**
 * The compile cache through the real sf (src/hooks/init.ts): an `sf eca` command keeps compiled
 * code in the CLI's cache folder and answers the same with it; another plugin's command,
 * NODE_DISABLE_COMPILE_CACHE=1 and CI without the folder leave no cache.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { SfCli } from '../helpers/sfCli.js';

const cacheOf = (sf: SfCli): string => join(sf.home, '.cache', 'sf', 'compile-cache');
const count = (dir: string): number => (existsSync(dir) ? readdirSync(dir, { recursive: true }).length : 0);

describe('end to end: the compile cache of sf eca commands', function () {
  this.timeout(180_000);
  const clis: SfCli[] = [];
  const cli = (env: NodeJS.ProcessEnv = {}): SfCli => {
    const sf = SfCli.link({ NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined, CI: undefined, CONTINUOUS_INTEGRATION: undefined, ...env });
    clis.push(sf);
    return sf;
  };
  after(() => clis.forEach((c) => c.dispose()));

  it("is written for an sf eca command, not for another plugin's, and changes no answer", async () => {
    const sf = cli();
    const other = await sf.run(['org', 'list', '--json']);
    expect(other.status, other.stderr).to.equal(0);
    expect(count(cacheOf(sf)), 'after sf org list').to.equal(0);
    // a command that loads @salesforce/core and fails on its flag: the same named error cold and warm
    const cold = await sf.run(['eca', 'list', '-o', 'no-such-org', '--json']);
    expect(count(cacheOf(sf)), 'after sf eca list').to.be.greaterThan(1);
    const warm = await sf.run(['eca', 'list', '-o', 'no-such-org', '--json']);
    expect(cold.json?.name, cold.stdout + cold.stderr).to.be.a('string');
    expect([warm.status, warm.json?.name]).to.deep.equal([cold.status, cold.json?.name]);
  });

  it('in CI, is written only into a folder that is already there', async () => {
    const sf = cli({ CI: 'true' });
    await sf.run(['eca', 'list', '-o', 'no-such-org', '--json']);
    expect(count(cacheOf(sf)), 'CI, no folder').to.equal(0);
    mkdirSync(cacheOf(sf), { recursive: true });
    await sf.run(['eca', 'list', '-o', 'no-such-org', '--json']);
    expect(count(cacheOf(sf)), 'CI, the folder made').to.be.greaterThan(1);
  });

  it('is not written with NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const sf = cli({ NODE_DISABLE_COMPILE_CACHE: '1' });
    await sf.run(['eca', 'list', '-o', 'no-such-org', '--json']);
    expect(count(cacheOf(sf))).to.equal(0);
  });
});
