/**
 * Rule consumer-secret-not-rotated: judged from the org's facts about the secret's age. Salesforce
 * gives no date for the current secret, so an org read bounds it by the app's creation date: a
 * young app passes, an older one is "not assessed" (a low finding, never a silent pass); a known
 * date older than maxSecretAgeDays is a finding; source files are not judged.
 */
import { expect } from 'chai';
import { DEFAULT_THRESHOLDS } from '../../../src/domain/policy/rules.js';
import { CTX, findingsOf, NOW, secureConnectedApp, secureEca } from './helpers.js';

const RULE = 'consumer-secret-not-rotated';
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const org = { id: '00D000000000001AAA', name: 'prod' };

describe(`rule ${RULE}`, () => {
  it('defaults to 365 days', () => {
    expect(DEFAULT_THRESHOLDS.maxSecretAgeDays).to.equal(365);
  });

  it('is not judged from source files, nor for Connected Apps or installed apps', () => {
    expect(findingsOf(RULE, secureEca())).to.deep.equal([]);
    expect(findingsOf(RULE, secureConnectedApp({}, { org }))).to.deep.equal([]);
  });

  it('passes an app younger than the limit: its secret can be no older', () => {
    expect(findingsOf(RULE, secureEca({}, { org, secretAge: { status: 'bounded', appCreatedDate: daysAgo(100) } }))).to.deep.equal([]);
  });

  it('says "not assessed" (low) for an older app, naming the command that tells more', () => {
    const [f] = findingsOf(RULE, secureEca({}, { org, secretAge: { status: 'bounded', appCreatedDate: daysAgo(400) } }));
    expect(f.severity).to.equal('low');
    expect(f.message).to.match(/^Not assessed: .*400 days ago .*365 days/);
    expect(f.message).to.contain('sf eca credentials status --name Acme_CI --target-org prod');
  });

  it('never passes silently when the org could not say', () => {
    expect(findingsOf(RULE, secureEca({}, { org, secretAge: { status: 'unreadable', error: 'INVALID_TYPE' } }))[0].message).to.contain('could not say');
    // without the fact (a caller that did not ask the org) the rule does not run; readSecretAgeFacts always gives one
    expect(findingsOf(RULE, secureEca({}, { org }))).to.deep.equal([]);
  });

  it('reports a known secret older than the limit (medium), and follows the threshold', () => {
    const app = secureEca({}, { org, secretAge: { status: 'known', since: daysAgo(500), basis: 'inferred from the previous credentials' } });
    const [f] = findingsOf(RULE, app);
    expect(f.severity).to.equal('medium');
    expect(f.message).to.contain('500 days old');
    expect(findingsOf(RULE, app, { ...CTX, thresholds: { ...CTX.thresholds, maxSecretAgeDays: 600 } })).to.deep.equal([]);
  });
});
