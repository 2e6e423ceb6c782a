/**
 * The policy audit's part of "a gate never passes on what it could not read": a rule that needs org
 * facts does not count as having read an app it had no facts for; secrets never reach a --fix diff.
 */
import { expect } from 'chai';
import { evaluate } from '../../../src/domain/policy/evaluate.js';
import { redactSecrets } from '../../../src/domain/policy/fix.js';
import { NOW, secureEca } from './helpers.js';

describe('policy: what the audit could not judge', () => {
  it('a rule that needs token usage or the run-as user reads an app only when the org gave those facts', () => {
    const server = { globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: 'api@acme.example' } };
    const fromSource = evaluate([secureEca(server)], {}, NOW).apps[0].rules;
    expect(fromSource).not.to.include.members(['app-unused']);
    expect(fromSource).not.to.include('client-credentials-run-as-admin');
    expect(fromSource).not.to.include('client-credentials-run-as-not-api-only');
    expect(fromSource).to.include('client-credentials-without-run-as-user');
    const fromOrg = evaluate(
      [secureEca(server, { tokenUsage: { tokens: 3, lastUsed: '2026-06-30T00:00:00Z' }, runAsUser: { username: 'api@acme.example', isApiOnly: true, hasAdminPermissions: false } })],
      {},
      NOW
    ).apps[0].rules;
    expect(fromOrg).to.include.members(['app-unused', 'client-credentials-run-as-admin', 'client-credentials-run-as-not-api-only']);
    // without the flow there is nothing to judge: the rule reads the app and passes it
    expect(evaluate([secureEca()], {}, NOW).apps[0].rules).to.include('client-credentials-run-as-admin');
  });

  it('redactSecrets hides every secret element, whatever its form, and nothing else', () => {
    const xml = [
      '<ConnectedApp>',
      '    <oauthConfig>',
      '        <consumerKey>3MVG9key</consumerKey>',
      '        <consumerSecret>s3cr3t&amp;more</consumerSecret>',
      '        <consumerSecret><![CDATA[cdata-secret]]></consumerSecret>',
      '    </oauthConfig>',
      '    <samlConfig><signingKey attr="x">pem\nlines</signingKey></samlConfig>',
      '    <password>hunter2</password >',
      '</ConnectedApp>',
    ].join('\n');
    const out = redactSecrets(xml);
    for (const secret of ['s3cr3t', 'cdata-secret', 'pem', 'hunter2']) expect(out).not.to.contain(secret);
    expect(out).to.contain('<consumerKey>3MVG9key</consumerKey>');
    expect(out).to.contain('<consumerSecret>[REDACTED]</consumerSecret>');
    expect(out).to.contain('<signingKey attr="x">[REDACTED]</signingKey>');
    expect(redactSecrets('<label>consumerSecret</label>')).to.equal('<label>consumerSecret</label>');
  });
});
