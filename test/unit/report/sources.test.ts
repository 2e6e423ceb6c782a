import { expect } from 'chai';
import { classifyLogin, DEADLINES, deadlineById, deadlineStatus, describeDate, LOGIN_VALUES } from '../../../src/domain/report/sources.js';

describe('report sources: deadlines and LoginHistory values', () => {
  it('pins each deadline to its date and its sources', () => {
    const byId = Object.fromEntries(DEADLINES.map((d) => [d.id, d]));
    expect(byId['connected-app-creation-blocked']).to.include({ release: "Spring '26", date: '2026-02-01', precision: 'month' });
    expect(byId['isv-oauth-requirements']).to.include({ date: '2026-05-11', precision: 'day', audience: 'partners (AppExchange)' });
    expect(byId['soap-login-retired']).to.include({ release: "Summer '27", date: '2027-06-01', precision: 'month' });
    expect(byId['oauth-username-password-deprecated'].date).to.equal(undefined);
    expect(deadlineById('soap-login-retired').sources[0].url).to.contain('005132110');
    for (const d of DEADLINES) {
      expect(d.sources.length, d.id).to.be.greaterThan(0);
      for (const s of d.sources) expect(s.url, d.id).to.match(/^https:\/\//);
    }
  });

  it('says which partner requirements are unconfirmed, and marks the deadline so', () => {
    const isv = deadlineById('isv-oauth-requirements');
    expect(isv.confirmed).to.equal(false);
    expect(isv.requirements?.filter((r) => r.confirmed).map((r) => r.id)).to.deep.equal(['pkce', 'refresh-token-rotation']);
    expect(isv.requirements?.filter((r) => !r.confirmed).every((r) => /UNCONFIRMED/.test(r.note ?? ''))).to.equal(true);
  });

  it('tells in force from upcoming and undated', () => {
    const now = new Date('2026-09-15T00:00:00Z');
    expect(deadlineStatus(deadlineById('connected-app-creation-blocked'), now)).to.equal('in force');
    expect(deadlineStatus(deadlineById('soap-login-retired'), now)).to.equal('upcoming');
    expect(deadlineStatus(deadlineById('oauth-username-password-deprecated'), now)).to.equal('undated');
  });

  it('writes dates at the precision the source gives', () => {
    expect(describeDate(deadlineById('soap-login-retired'))).to.equal("Summer '27, June 2027");
    expect(describeDate(deadlineById('isv-oauth-requirements'))).to.equal('May 11, 2026');
    expect(describeDate(deadlineById('oauth-username-password-deprecated'))).to.equal('no date announced');
  });

  describe('classifyLogin', () => {
    const table: Array<[string, Parameters<typeof classifyLogin>[0], ReturnType<typeof classifyLogin>]> = [
      ['SOAP login() from an API client', { loginType: 'Other Apex API', apiType: 'SOAP Enterprise' }, 'soap-login'],
      ['SOAP login() from a partner client id', { loginType: 'Partner Product', apiType: 'SOAP Partner' }, 'soap-login'],
      ['an API login type without an API type', { loginType: 'Other Apex API' }, 'soap-login'],
      ['a SOAP API type, whatever the login type', { loginType: 'Application', apiType: 'SOAP Partner' }, 'soap-login'],
      ['the old XML-RPC API', { apiType: 'XML-RPC' }, 'soap-login'],
      ['OAuth username-password, label', { loginType: 'Remote Access 2.0', loginSubType: 'OAuth Username-Password' }, 'oauth-username-password'],
      ['OAuth username-password, code', { loginType: 'Remote Access 2.0', loginSubType: 'oauthpassword' }, 'oauth-username-password'],
      ['OAuth web server', { loginType: 'Remote Access 2.0', loginSubType: 'OAuth Web Server', apiType: 'SOAP Partner' }, undefined],
      ['a browser login', { loginType: 'Application' }, undefined],
      ['SAML', { loginType: 'SAML Idp Initiated SSO' }, undefined],
      ['REST API type alone', { apiType: 'REST API' }, undefined],
      ['nothing known', {}, undefined],
    ];
    for (const [name, row, expected] of table) {
      it(`${name}: ${String(expected)}`, () => expect(classifyLogin(row)).to.equal(expected));
    }

    it('names its sources', () => {
      expect(LOGIN_VALUES.sources.map((s) => s.title)).to.include('Object Reference: LoginHistory');
    });
  });
});
