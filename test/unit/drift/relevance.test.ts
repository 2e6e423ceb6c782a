import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { RELATED_FIELDS, RULE_RELEVANCE, RULES_WITHOUT_FIELDS, rulesForField } from '../../../src/domain/drift/relevance.js';
import { SETTING_FIELDS } from '../../../src/domain/policy/app.js';
import { RULE_IDS, RULES, runRules } from '../../../src/domain/policy/rules.js';
import { ROOT } from '../../helpers/paths.js';
import { CTX, loadCorpus, secureConnectedApp, secureEca } from '../policy/helpers.js';

/** The settings each rule's source names: `setting: '...'` in its hits, `fixOf(app, '...'` in its fixes. */
function settingsNamedInRules(): Map<string, Set<string>> {
  const source = readFileSync(join(ROOT, 'src', 'domain', 'policy', 'rules.ts'), 'utf8');
  const catalogue = source.slice(source.indexOf('export const RULES'));
  const blocks = catalogue.split(/\n {2}rule\(\{/).slice(1);
  const out = new Map<string, Set<string>>();
  for (const block of blocks) {
    const id = /id: '([a-z0-9-]+)'/.exec(block)?.[1];
    if (!id) throw new Error(`a rule block without an id: ${block.slice(0, 80)}`);
    const named = new Set<string>();
    for (const m of block.matchAll(/setting: '(\w+)'|fixOf\(app, '(\w+)'|scopesFix\(app|refreshFix\(app/g)) {
      if (m[1] ?? m[2]) named.add((m[1] ?? m[2]) as string);
      else if (m[0].startsWith('scopesFix')) named.add('scopes');
      else named.add('refreshTokenPolicy');
    }
    out.set(id, named);
  }
  return out;
}

describe('drift/relevance: which policy rules a setting matters to', () => {
  it('covers every rule of the catalogue, once', () => {
    const listed = [...Object.keys(RULE_RELEVANCE), ...RULES_WITHOUT_FIELDS].sort();
    expect(listed).to.deep.equal([...RULE_IDS].sort());
  });

  it('lists every setting a rule names in rules.ts (a new hit setting fails here)', () => {
    const named = settingsNamedInRules();
    expect([...named.keys()].sort()).to.deep.equal([...RULE_IDS].sort());
    for (const [id, settings] of named) {
      const r = RULE_RELEVANCE[id];
      const known = new Set<string>(r ? [...r.points, ...(r.reads ?? [])] : []);
      for (const s of settings) expect(known.has(s), `${id} names ${s}`).to.equal(true);
      // and what the table says a rule points at, its source names
      for (const p of r?.points ?? []) expect(settings.has(p), `${id} points at ${p}`).to.equal(true);
    }
  });

  it('names only settings and fields the catalogue knows', () => {
    for (const r of Object.values(RULE_RELEVANCE)) for (const s of [...r.points, ...(r.reads ?? [])]) expect(SETTING_FIELDS).to.have.property(s);
    for (const s of Object.keys(RELATED_FIELDS)) expect(SETTING_FIELDS).to.have.property(s);
  });

  it('gives every field a finding points at, on the corpus and on crafted apps, the rule of that finding', () => {
    const apps = [
      ...loadCorpus().apps.map((a) => a.app),
      secureEca({ oauthPolicies: { ipRelaxationPolicyType: 'Bypass', refreshTokenPolicyType: 'Infinite', sessionTimeoutInMinutes: 600, permittedUsersPolicyType: 'AllSelfAuthorized' } }),
      secureEca({ globalOauthSettings: { isPkceRequired: false, isConsumerSecretOptional: true, isIntrospectAllTokens: true, callbackUrl: 'http://evil.example/*' } }),
      secureEca({ oauthSettings: { commaSeparatedOauthScopes: 'Full, RefreshToken' }, globalOauthSettings: { isClientCredentialsFlowEnabled: true }, oauthPolicies: { isClientCredentialsFlowEnabled: true } }),
      secureConnectedApp({ oauthPolicy: { ipRelaxation: 'BYPASS', refreshTokenPolicy: 'infinite' }, oauthConfig: { isPkceRequired: false, scopes: ['Full'] } }),
    ];
    let checked = 0;
    for (const app of apps) {
      for (const f of runRules(app, CTX, RULES)) {
        if (f.target.type !== 'app' || f.field === undefined) continue;
        expect(rulesForField(app.kind, f.field), `${app.name} ${f.field}`).to.include(f.ruleId);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(40);
  });

  it('marks a field by the setting it is, or holds, not by the component it sits in', () => {
    expect(rulesForField('eca', 'oauthPolicies.ipRelaxationPolicyType')).to.deep.equal(['ip-restrictions-relaxed']);
    expect(rulesForField('eca', 'oauthPolicies.refreshTokenValidityUnit')).to.deep.equal(['refresh-token-lifetime-too-long', 'refresh-token-never-expires']);
    expect(rulesForField('eca', 'oauthPolicies.isClientCredentialsFlowEnabled')).to.include('client-credentials-without-run-as-user');
    expect(rulesForField('eca', 'oauthPolicies')).to.deep.equal(['oauth-policies-not-in-source', 'session-timeout-not-set']);
    expect(rulesForField('eca', 'oauthPolicies.label')).to.deep.equal([]);
    expect(rulesForField('eca', 'header.description')).to.deep.equal([]);
    expect(rulesForField('connectedApp', 'connectedApp.oauthConfig.scopes')).to.include('scope-full');
    expect(rulesForField('connectedApp', 'connectedApp.oauthPolicy.ipRelaxation')).to.deep.equal(['ip-restrictions-relaxed']);
  });
});
