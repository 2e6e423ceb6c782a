import { expect } from 'chai';
import { checkInstanceUrl, explainLoginRefusal, renewalCommand } from '../../../src/domain/login/clientCredentials.js';

const T = { instanceUrl: 'https://acme.my.salesforce.com', clientId: '3MVG9key', alias: 'svc' };

describe('client-credentials login (src/domain/login/clientCredentials.ts)', () => {
  it('takes a My Domain URL (origin only) and refuses login hosts, instance hosts, http and non-URLs with the reason', () => {
    expect(checkInstanceUrl('https://acme.my.salesforce.com/')).to.deep.equal({ ok: true, url: 'https://acme.my.salesforce.com' });
    expect(checkInstanceUrl('https://acme--uat.sandbox.my.salesforce.com/some/path')).to.deep.equal({ ok: true, url: 'https://acme--uat.sandbox.my.salesforce.com' });
    expect(checkInstanceUrl('https://login.salesforce.com')).to.deep.include({ ok: false, problem: 'login-host' });
    expect(checkInstanceUrl('https://test.salesforce.com')).to.deep.include({ ok: false, problem: 'login-host' });
    expect(checkInstanceUrl('https://na123.salesforce.com')).to.deep.include({ ok: false, problem: 'instance-host' });
    expect(checkInstanceUrl('https://cs42.force.com')).to.deep.include({ ok: false, problem: 'instance-host' });
    expect(checkInstanceUrl('http://acme.my.salesforce.com')).to.deep.include({ ok: false, problem: 'not-https' });
    expect(checkInstanceUrl('acme')).to.deep.include({ ok: false, problem: 'not-a-url' });
  });

  it('names the one command that renews a login, never with the secret on the line', () => {
    expect(renewalCommand(T)).to.equal('ECA_CLIENT_SECRET=<consumer secret> sf eca login client-credentials --instance-url https://acme.my.salesforce.com --client-id 3MVG9key --alias svc');
  });

  const cases: Array<[string, Parameters<typeof explainLoginRefusal>[0], string]> = [
    ['a wrong secret', { stage: 'token', status: 400, error: 'invalid_client', description: 'invalid client credentials' }, 'does not belong to the consumer key 3MVG9key'],
    ['an unknown key (or propagation)', { stage: 'token', status: 400, error: 'invalid_client_id', description: 'client identifier invalid' }, 'up to about 30 minutes'],
    ['no run-as user', { stage: 'token', status: 400, error: 'invalid_grant', description: 'no client credentials user enabled' }, 'must name an active run-as user'],
    ['a login host', { stage: 'token', status: 400, error: 'invalid_grant', description: 'request not supported on this domain' }, "only on the org's My Domain"],
    ['app_not_found', { stage: 'token', status: 400, error: 'app_not_found', description: 'External client app is not installed in this org' }, 'does not have the app'],
    ['an outage', { stage: 'token', status: 503, description: 'Service Unavailable' }, 'did not answer'],
    ['anything else', { stage: 'token', status: 400, error: 'invalid_request', description: 'odd' }, 'refused the client credentials token'],
  ];
  for (const [name, failure, says] of cases) {
    it(`explains ${name}`, () => {
      const x = explainLoginRefusal(failure, T);
      expect(x.meaning).to.contain(says);
      expect(x.actions.length).to.be.greaterThan(0);
    });
  }
});
