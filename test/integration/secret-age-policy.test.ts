/**
 * policy check against a simulator org learns each ECA's secret age from one query per org
 * (ExternalClientApplication.CreatedDate bounds it: Salesforce gives no date for the current
 * secret): a young app passes, an app older than maxSecretAgeDays is "not assessed", never a
 * silent pass; an org of 20 apps costs the same requests as an org of 2.
 */
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import PolicyCheck from '../../src/commands/eca/policy/check.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

describe('policy check: consumer-secret-not-rotated from the org', function () {
  this.timeout(120_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;

  before(async () => {
    h = await startHarness({ orgs: ['dev'] });
    for (let i = 0; i < 2; i++) for (const c of oauthEca(`App_${i}`)) h.sim.org('dev').addComponent(c);
    const old = h.sim.org('dev').component('ExternalClientApplication', 'App_0');
    if (old) old.createdDate = new Date(Date.now() - 400 * 86_400_000).toISOString();
  });
  after(async () => h?.close());
  beforeEach(() => stubSfCommandUx(sandbox));
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  it('says "not assessed" for an app older than a year and passes a young one', async () => {
    const r = await PolicyCheck.run(['--target-org', 'dev', '--fail-on', 'none', '--json']);
    const rule = r.findings.filter((f) => f.ruleId === 'consumer-secret-not-rotated');
    expect(rule.map((f) => f.target).filter((t) => t.startsWith('App_'))).to.deep.equal(['App_0']);
    expect(rule.find((f) => f.target === 'App_0')?.severity).to.equal('low');
    expect(rule.find((f) => f.target === 'App_0')?.message).to.match(/^Not assessed: .* 400 days ago/).and.contain('--target-org dev');
  });

  it('costs one query per org, whatever the number of apps (2 apps, then 20)', async () => {
    h.sim.resetLog();
    await PolicyCheck.run(['--target-org', 'dev', '--fail-on', 'none', '--json']);
    const two = h.sim.count();
    const queries = h.sim.count('rest:query');
    for (let i = 2; i < 20; i++) for (const c of oauthEca(`App_${i}`)) h.sim.org('dev').addComponent(c);
    h.sim.resetLog();
    const twenty = await PolicyCheck.run(['--target-org', 'dev', '--fail-on', 'none', '--json']);
    expect(twenty.apps.length).to.be.at.least(20);
    expect(h.sim.count()).to.equal(two);
    expect(h.sim.count('rest:query')).to.equal(queries);
    expect(h.sim.requests.filter((r) => /FROM ExternalClientApplication\b/.test(r.detail ?? '')).length).to.equal(1);
  });
});
