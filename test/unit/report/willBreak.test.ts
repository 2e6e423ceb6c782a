import { expect } from 'chai';
import { DEADLINES, type LoginSummary, type AppUsage, willBreak, willBreakKey } from '../../../src/domain/report/index.js';
import { secureConnectedApp, secureEca } from '../policy/helpers.js';

const NOW = new Date('2026-09-15T00:00:00Z');
const OPTIONS = { windowDays: 90, org: 'acme' };

function row(application: string, user: string, logins: number, how: Partial<LoginSummary>, lastLogin = '2026-09-10T00:00:00Z'): LoginSummary {
  return { application, userId: `005${user.padEnd(15, 'x').slice(0, 15)}`, username: user, logins, lastLogin, ...how };
}
const SOAP = { loginType: 'Other Apex API', apiType: 'SOAP Enterprise' };
const UP = { loginType: 'Remote Access 2.0', loginSubType: 'OAuth Username-Password' };
const WEB = { loginType: 'Remote Access 2.0', loginSubType: 'OAuth Web Server' };

describe('report: will break', () => {
  it('lists every SOAP login() user per application in the window, most used first, with an ECA to create', () => {
    const logins = [
      row('Data Loader', 'loader@acme.com', 20, SOAP),
      row('Data Loader', 'loader@acme.com', 5, { loginType: 'Other Apex API', apiType: 'SOAP Partner' }),
      row('Informatica', 'infa@acme.com', 300, SOAP),
      row('Old Tool', 'old@acme.com', 9, SOAP, '2026-01-01T00:00:00Z'),
      row('Portal', 'web@acme.com', 999, WEB),
    ];
    const list = willBreak([], [], logins, DEADLINES, NOW, OPTIONS);
    expect(list.map((e) => [e.deadline, e.subject.type === 'login' ? e.subject.application : '', e.usage.logins])).to.deep.equal([
      ['soap-login-retired', 'Informatica', 300],
      ['soap-login-retired', 'Data Loader', 25],
    ]);
    const loader = list[1];
    expect(loader.when).to.equal("Summer '27, June 2027");
    expect(loader.why).to.equal(
      'loader@acme.com logged in 25 times through Data Loader with SOAP API login() (Other Apex API, SOAP Enterprise; Other Apex API, SOAP Partner) in the last 90 days.'
    );
    expect(loader.remedy.command).to.equal(
      'sf eca create --target-org acme --name Data_Loader_Integration --template server-to-server --run-as loader@acme.com --contact-email <owner@example.com>'
    );
  });

  it('names the ECA after the integration user when the login names no client (Application "N/A" or empty)', () => {
    const list = willBreak([], [], [row('N/A', 'int.etl@acme.com', 90, SOAP), row('', 'old.job@acme.com', 3, SOAP)], DEADLINES, NOW, OPTIONS);
    expect(list.map((e) => [e.subject.type === 'login' ? e.subject.application : '', e.remedy.command])).to.deep.equal([
      ['(no application name)', 'sf eca create --target-org acme --name int_etl_Integration --template server-to-server --run-as int.etl@acme.com --contact-email <owner@example.com>'],
      ['(no application name)', 'sf eca create --target-org acme --name old_job_Integration --template server-to-server --run-as old.job@acme.com --contact-email <owner@example.com>'],
    ]);
  });

  it('groups username-password logins by the Connected App they go through, and says to convert it after the client moves', () => {
    const ca = secureConnectedApp({ label: 'Order Gateway' }, {}, 'Order_Gateway');
    const logins = [row('Order Gateway', 'gw1@acme.com', 40, UP), row('Order Gateway', 'gw2@acme.com', 2, UP), row('Unknown Script', 'x@acme.com', 3, UP)];
    const list = willBreak([ca], [], logins, DEADLINES, NOW, OPTIONS);
    expect(list).to.have.length(2);
    expect(list[0].subject).to.deep.equal({ type: 'app', kind: 'connectedApp', name: 'Order_Gateway', label: 'Order Gateway' });
    expect(list[0].usage).to.include({ logins: 42, users: 2 });
    expect(list[0].remedy.summary).to.contain('Then convert it: sf eca convert --target-org acme --name Order_Gateway.');
    expect(list[0].when).to.equal('no date announced');
    expect(list[1].subject).to.deep.include({ type: 'login', application: 'Unknown Script', user: 'x@acme.com', method: 'oauth-username-password' });
  });

  it('flags a packaged app without PKCE or rotation only when it was used in the window', () => {
    const partner = secureEca({ header: { distributionState: 'Packaged', label: 'Partner App' }, globalOauthSettings: { isPkceRequired: false } }, {}, 'Partner_App');
    const idle = secureEca({ header: { distributionState: 'Packaged', label: 'Idle App' }, globalOauthSettings: { isRefreshTokenRotationEnabled: false } }, {}, 'Idle_App');
    const local = secureEca({ header: { label: 'Local App' }, globalOauthSettings: { isPkceRequired: false } }, {}, 'Local_App');
    const usage: AppUsage[] = [
      { app: 'Partner App', tokens: 10, users: 3, lastUsed: '2026-09-14T00:00:00Z' },
      { app: 'Idle App', tokens: 10, users: 3, lastUsed: '2025-01-01T00:00:00Z' },
      { app: 'Local App', tokens: 10, users: 3, lastUsed: '2026-09-14T00:00:00Z' },
    ];
    const list = willBreak([partner, idle, local], usage, [], DEADLINES, NOW, OPTIONS);
    expect(list).to.have.length(1);
    expect(list[0]).to.deep.include({ deadline: 'isv-oauth-requirements', when: 'May 11, 2026' });
    expect(list[0].why).to.contain('lacks PKCE (isPkceRequired)');
    expect(list[0].usage).to.deep.equal({ logins: 0, users: 3, tokens: 10, lastUsed: '2026-09-14T00:00:00Z' });
  });

  it('checks only the deadlines it is given', () => {
    const logins = [row('Data Loader', 'loader@acme.com', 20, SOAP)];
    expect(willBreak([], [], logins, DEADLINES.filter((d) => d.id !== 'soap-login-retired'), NOW, OPTIONS)).to.deep.equal([]);
  });

  it('gives every entry a stable key', () => {
    const [e] = willBreak([], [], [row('Data Loader', 'loader@acme.com', 20, SOAP)], DEADLINES, NOW, OPTIONS);
    expect(willBreakKey(e)).to.equal('soap-login-retired|login|soap-login|Data Loader|loader@acme.com');
  });
});
