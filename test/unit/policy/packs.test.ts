import { expect } from 'chai';
import { evaluate } from '../../../src/domain/policy/evaluate.js';
import { evaluateControl, evaluatePack, PACK_IDS, packById, PACKS, type PackControl } from '../../../src/domain/policy/packs.js';
import { RULE_IDS } from '../../../src/domain/policy/rules.js';
import { NOW, secureEca } from './helpers.js';

const ORG = { id: '00D000000000001AAA', name: 'acme', settings: { enableConsumerSecretApiAccess: false, enableClientSecretInRestApiAccess: false } };

function control(packId: string, id: string): PackControl {
  const c = packById(packId)?.controls.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${packId}/${id}`);
  return c;
}

describe('policy: compliance packs', () => {
  it('every control names existing rules and an https source; ids are unique', () => {
    expect(PACK_IDS).to.deep.equal(['review-eca', 'isv-oauth']);
    for (const p of PACKS) {
      expect(p.source.url, p.id).to.match(/^https:\/\//);
      const ids = p.controls.map((c) => c.id);
      expect(new Set(ids).size, p.id).to.equal(ids.length);
      for (const c of p.controls) {
        expect(c.source.url, c.id).to.match(/^https:\/\//);
        for (const r of c.ruleIds) expect(RULE_IDS, `${c.id} names ${r}`).to.include(r);
        expect(c.coverage === 'none', c.id).to.equal(c.ruleIds.length === 0);
        if (c.coverage !== 'full') expect(c.note, `${c.id} says what is not checked`).to.be.a('string');
      }
    }
  });

  it("covers the controls of Salesforce's checklist in its order", () => {
    expect(packById('review-eca')?.controls.map((c) => c.title.split(':')[0])).to.deep.equal([
      'External Client App Settings',
      'External Client App Settings',
      'Configure the External Client App OAuth Settings',
      'Configure the External Client App OAuth Settings',
      'OAuth Flow Enablement',
      'OAuth Flow Enablement',
      'OAuth Flow Enablement',
      'Security',
      'Security',
      'Security',
      'Security',
      'Security',
      'Web App',
      'Mobile App Settings',
      'Push Notification Settings and Policies for Mobile',
      'Notification Settings',
      'Configure OAuth Policies',
      'Configure OAuth Policies',
      'Configure OAuth Policies',
    ]);
  });

  it('a finding fails its control, with the finding as evidence', () => {
    const app = secureEca({ globalOauthSettings: { isPkceRequired: false } }, { org: ORG }, 'No_Pkce');
    const r = evaluateControl(control('review-eca', 'require-pkce'), evaluate([app], {}, NOW));
    expect(r.status).to.equal('fail');
    expect(r.evidence).to.deep.equal([{ ruleId: 'pkce-not-required', severity: 'medium', target: 'No_Pkce (acme)', message: 'The authorization code flow does not require PKCE.' }]);
  });

  it('a fully covered control passes without findings; a partial one passes only when the gap is minor', () => {
    const app = secureEca({}, { org: ORG }, 'Fine');
    const e = evaluate([app], {}, NOW);
    expect(evaluateControl(control('review-eca', 'require-pkce'), e).status).to.equal('pass');
    expect(evaluateControl(control('review-eca', 'oauth-scope-least-privilege'), e).status).to.equal('pass');
    const rotation = evaluateControl(control('isv-oauth', 'isv-refresh-token-rotation'), e);
    expect(rotation.status).to.equal('not-assessed');
    expect(rotation.note).to.contain('confidential clients');
  });

  it('a waived finding does not fail the control and is shown with its waiver', () => {
    const app = secureEca({ oauthSettings: { commaSeparatedOauthScopes: 'Full' } }, { org: ORG }, 'Vendor_Full');
    const e = evaluate([app], { waivers: [{ rule: 'scope-full', app: 'Vendor_Full', reason: 'vendor limitation', expires: '2026-12-31' }] }, NOW);
    const r = evaluateControl(control('review-eca', 'oauth-scope-least-privilege'), e);
    expect(r.status).to.equal('pass');
    expect(r.evidence[0]).to.deep.include({ ruleId: 'scope-full', waived: { reason: 'vendor limitation', expires: '2026-12-31' } });
  });

  it('never passes what it could not check: manual controls, disabled rules, nothing audited', () => {
    const app = secureEca({}, { org: ORG }, 'Fine');
    expect(evaluateControl(control('review-eca', 'configure-id-token'), evaluate([app], {}, NOW)).status).to.equal('not-assessed');
    const disabled = evaluateControl(control('review-eca', 'require-pkce'), evaluate([app], { disabledRules: ['pkce-not-required'] }, NOW));
    expect(disabled).to.deep.include({ status: 'not-assessed', note: 'Its rules (pkce-not-required) are disabled by the policy.' });
    expect(evaluateControl(control('review-eca', 'require-pkce'), evaluate([], {}, NOW)).status).to.equal('not-assessed');
    // org-level control: the org settings must have been read
    const noOrg = secureEca({}, {}, 'Source_Only');
    expect(evaluateControl(control('review-eca', 'metadata-secrets-protection'), evaluate([noOrg], {}, NOW)).status).to.equal('not-assessed');
    expect(evaluateControl(control('review-eca', 'metadata-secrets-protection'), evaluate([app], {}, NOW)).status).to.equal('pass');
  });

  it('counts a pack', () => {
    const apps = [secureEca({ oauthPolicies: { ipRelaxationPolicyType: 'Bypass' } }, { org: ORG }, 'Open_Ip')];
    const r = evaluatePack(packById('isv-oauth')!, evaluate(apps, {}, NOW));
    expect(r.controls.map((c) => [c.control.id, c.status])).to.deep.equal([
      ['isv-pkce', 'not-assessed'],
      ['isv-refresh-token-rotation', 'not-assessed'],
      ['isv-idle-refresh-token-ttl', 'pass'],
      ['isv-ip-allowlisting', 'fail'],
    ]);
    expect(r).to.deep.include({ passed: 1, failed: 1, notAssessed: 2 });
  });
});
