import { expect } from 'chai';
import { evaluate } from '../../../src/domain/policy/evaluate.js';
import {
  buildInventory,
  groupLoginRows,
  maskDeep,
  maskText,
  maskUser,
  sharedRunAsUsers,
  shellQuote,
  staleSecrets,
  buildHygiene,
  usageOf,
} from '../../../src/domain/report/index.js';
import { secureConnectedApp, secureEca } from '../policy/helpers.js';

const NOW = new Date('2026-09-15T00:00:00Z');

describe('report: usage', () => {
  it('finds an app by label, then name, and counts its logins in the window', () => {
    const u = usageOf(
      { name: 'Billing_Sync', label: 'Billing Sync' },
      [{ app: 'Billing_Sync', tokens: 4, users: 2, lastUsed: '2026-09-01T00:00:00Z' }],
      [
        { application: 'Billing Sync', userId: 'a', logins: 3, lastLogin: '2026-09-10T00:00:00Z' },
        { application: 'Billing Sync', userId: 'b', logins: 2, lastLogin: '2026-01-10T00:00:00Z' },
      ],
      NOW,
      90
    );
    expect(u).to.deep.equal({ logins: 3, users: 2, tokens: 4, lastUsed: '2026-09-10T00:00:00Z' });
  });

  it('groups raw LoginHistory rows, successful logins only', () => {
    const rows = groupLoginRows([
      { loginTime: '2026-09-01T00:00:00Z', userId: 'u1', application: 'Data Loader', loginType: 'Other Apex API', apiType: 'SOAP Partner', status: 'Success' },
      { loginTime: '2026-09-03T00:00:00Z', userId: 'u1', application: 'Data Loader', loginType: 'Other Apex API', apiType: 'SOAP Partner', status: 'Success' },
      { loginTime: '2026-09-04T00:00:00Z', userId: 'u1', application: 'Data Loader', loginType: 'Other Apex API', apiType: 'SOAP Partner', status: 'Invalid Password' },
      { loginTime: '2026-09-02T00:00:00Z', userId: 'u2', application: 'Data Loader', loginType: 'Other Apex API', apiType: 'SOAP Partner', status: 'Success' },
    ]);
    expect(rows.map((r) => [r.userId, r.logins, r.lastLogin])).to.deep.equal([
      ['u1', 2, '2026-09-03T00:00:00Z'],
      ['u2', 1, '2026-09-02T00:00:00Z'],
    ]);
  });
});

describe('report: inventory', () => {
  it('counts kinds, origins and distribution states, and lists vendors by namespace', () => {
    const inv = buildInventory([
      { name: 'Local_ECA', kind: 'ExternalClientApp', distributionState: 'Local', flows: ['jwtBearer'] },
      { name: 'Packaged_ECA', kind: 'ExternalClientApp', distributionState: 'Packaged', flows: [] },
      { name: 'dsfs__DocuSign', kind: 'ConnectedApp', namespacePrefix: 'dsfs', manageableState: 'installed', publisher: 'DocuSign, Inc.', flows: [] },
      { name: 'dsfs__DocuSign_Connect', kind: 'ExternalClientApp', namespacePrefix: 'dsfs', distributionState: 'Packaged', flows: [] },
      { name: 'Legacy', kind: 'ConnectedApp', flows: [] },
    ]);
    expect(inv).to.deep.include({ ecas: 3, connectedApps: 2, installed: 2, local: 3 });
    expect(inv.byDistribution).to.deep.equal([
      { state: 'Connected App', count: 2 },
      { state: 'Packaged', count: 2 },
      { state: 'Local', count: 1 },
    ]);
    expect(inv.vendors).to.deep.equal([{ namespacePrefix: 'dsfs', publisher: 'DocuSign, Inc.', apps: ['dsfs__DocuSign', 'dsfs__DocuSign_Connect'] }]);
  });
});

describe('report: hygiene', () => {
  const cc = (name: string, user: string, kind: 'eca' | 'ca' = 'eca') =>
    kind === 'eca'
      ? secureEca({ globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: user } }, {}, name)
      : secureConnectedApp({ oauthConfig: { isClientCredentialEnabled: true, oauthClientCredentialUser: user } }, {}, name);

  it('finds run-as users shared by several client-credentials apps, case-insensitively, ignoring placeholders and apps with the flow off', () => {
    const off = secureEca({ oauthPolicies: { clientCredentialsFlowUser: 'int@acme.com' } }, {}, 'Off');
    const shared = sharedRunAsUsers([cc('A', 'int@acme.com'), cc('B', 'INT@acme.com', 'ca'), cc('C', 'other@acme.com'), cc('D', '${RUN_AS}'), cc('E', '${RUN_AS}'), off]);
    expect(shared).to.deep.equal([{ user: 'int@acme.com', apps: ['A', 'B (Connected App)'] }]);
  });

  it('reports secret age only when the org said when secrets were issued', () => {
    expect(staleSecrets(undefined, NOW)).to.deep.include({ assessed: false, stale: [] });
    const s = staleSecrets(
      [
        { app: 'Old', kind: 'eca', issued: '2025-09-01T00:00:00Z' },
        { app: 'New', kind: 'eca', issued: '2026-01-01T00:00:00Z' },
      ],
      NOW
    );
    expect(s.stale).to.deep.equal([{ app: 'Old', kind: 'eca', issued: '2025-09-01T00:00:00Z', ageDays: 379 }]);
  });

  it('over-scoped apps are the least-privilege findings of evaluate()', () => {
    const full = secureEca({ oauthSettings: { commaSeparatedOauthScopes: 'Full' } }, {}, 'Full_App');
    const h = buildHygiene([full], evaluate([full], {}, NOW), undefined, NOW);
    expect(h.overScoped.map((o) => [o.app, o.ruleIds])).to.deep.equal([['Full_App', ['scope-full']]]);
  });
});

describe('report: masking and quoting', () => {
  it('masks a username to a stable, distinct tag', () => {
    expect(maskUser('jane.doe@acme.com')).to.match(/^j\*\*\*@a\*\*\*~[0-9a-f]{4}$/);
    expect(maskUser('jane.doe@acme.com')).to.equal(maskUser('Jane.Doe@acme.com'));
    expect(maskUser('jane.doe@acme.com')).not.to.equal(maskUser('jane.doe@acme.com.uat'));
  });

  it('masks every e-mail-shaped name and every known user, inside sentences and deep in objects', () => {
    expect(maskText('The run-as user int@acme.com.uat is not API only.')).to.not.contain('int@acme');
    expect(maskText('runs as svc_user', ['svc_user'])).to.equal(`runs as ${maskUser('svc_user')}`);
    const masked = maskDeep({ a: ['x jane@acme.com y'], n: 3 });
    expect(masked.n).to.equal(3);
    expect(masked.a[0]).to.equal(`x ${maskUser('jane@acme.com')} y`);
  });

  it('quotes shell arguments that are not plainly safe', () => {
    expect(shellQuote('Billing_Sync')).to.equal('Billing_Sync');
    expect(shellQuote('a b')).to.equal("'a b'");
    expect(shellQuote("it's; rm -rf /")).to.equal("'it'\\''s; rm -rf /'");
    expect(shellQuote('$(touch x)')).to.equal("'$(touch x)'");
  });
});
