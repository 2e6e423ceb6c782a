import { existsSync } from 'node:fs';
import { expect } from 'chai';
import type { AuditedApp } from '../../../src/domain/policy/app.js';
import { evaluate, type Evaluation } from '../../../src/domain/policy/evaluate.js';
import type { Finding } from '../../../src/domain/policy/rules.js';
import { type CorpusApp, FIXTURES, loadCorpus, NOW } from './helpers.js';

describe('policy: the real-metadata corpus', () => {
  let corpus: CorpusApp[];
  let result: Evaluation;

  before(function () {
    if (!existsSync(FIXTURES)) this.skip();
    const loaded = loadCorpus();
    expect(loaded.errors).to.deep.equal([]);
    corpus = loaded.apps;
    result = evaluate(
      corpus.map((c) => c.app),
      {},
      NOW
    );
  });

  function app(kind: AuditedApp['kind'], name: string): AuditedApp {
    const found = corpus.find((c) => c.app.kind === kind && c.app.name === name);
    if (!found) throw new Error(`${kind} ${name} is not in the corpus`);
    return found.app;
  }

  function findings(kind: AuditedApp['kind'], name: string): Finding[] {
    return result.findings.filter((f) => f.target.type === 'app' && f.target.kind === kind && f.target.name === name);
  }

  function rules(kind: AuditedApp['kind'], name: string): string[] {
    return findings(kind, name).map((f) => `${f.ruleId}:${f.severity}`);
  }

  it('audits every app without a crash', () => {
    expect(corpus.filter((c) => c.app.kind === 'connectedApp')).to.have.length(17);
    expect(corpus.filter((c) => c.app.kind === 'eca').map((c) => c.app.name)).to.have.members([
      'Field_Create_MDAPI',
      'InformaticaCloud',
      'InformaticaCloud@32557b03',
      'MinloproSalesforceLoopback',
      'MinloproSalesforceMcp',
    ]);
    expect(result.summary.total).to.be.greaterThan(0);
  });

  it('points every source finding with a field at a fixture file, with a line', () => {
    for (const f of result.findings) {
      expect(f.location?.file, `${f.ruleId} ${f.target.name}`).to.satisfy((file: string) => file.startsWith(FIXTURES));
      if (f.field !== undefined && !['connectedApp', 'header'].includes(f.field) && f.ruleId !== 'session-timeout-not-set' && f.ruleId !== 'oauth-policies-not-in-source') {
        expect(f.location?.line, `${f.ruleId} ${f.target.name} ${f.field}`).to.be.a('number').greaterThan(1);
      }
    }
  });

  it('DDC_Community (Connected App): IP restrictions bypassed and the Full scope', () => {
    const r = rules('connectedApp', 'DDC_Community');
    expect(r).to.include.members(['ip-restrictions-relaxed:high', 'scope-full:high', 'pkce-not-required:medium', 'connected-app-should-migrate:low']);
    expect(r).not.to.include('refresh-token-never-expires:high'); // refreshTokenPolicy zero
    const ca = app('connectedApp', 'DDC_Community');
    expect(ca.certificate).to.deep.include({ status: 'parsed', keyType: 'rsa', keyBits: 2048 });
    expect(ca.permittedUsers).to.equal('AdminApprovedPreAuthorized');
    expect(ca.preAuthorized.profiles).to.deep.equal(['Consumer Community Temp Access User', 'DDC Consumer Community User']);
    const ip = findings('connectedApp', 'DDC_Community').find((f) => f.ruleId === 'ip-restrictions-relaxed');
    expect(ip?.location?.line).to.equal(32); // <ipRelaxation>BYPASS</ipRelaxation>
  });

  it('InformaticaCloud (Connected App): infinite refresh tokens, Bypass, should migrate; its localhost callback is fine', () => {
    const r = rules('connectedApp', 'InformaticaCloud');
    expect(r).to.include.members([
      'refresh-token-never-expires:high',
      'ip-restrictions-relaxed:high',
      'scope-full:high',
      'connected-app-should-migrate:low',
    ]);
    expect(r.join()).not.to.match(/callback-url|pkce-not-required|refresh-token-secret/);
    const fix = findings('connectedApp', 'InformaticaCloud').find((f) => f.ruleId === 'refresh-token-never-expires')?.fix;
    expect(fix).to.deep.equal({ part: 'connectedApp', set: { 'oauthPolicy.refreshTokenPolicy': 'specific_lifetime:90:DAYS' }, summary: 'Expire refresh tokens after 90 days' });
  });

  it('InformaticaCloud as an ECA: the org-generated set keeps the infinite policy, the current one fixed it', () => {
    expect(rules('eca', 'InformaticaCloud@32557b03')).to.include.members(['refresh-token-never-expires:high', 'ip-restrictions-relaxed:high', 'scope-full:high']);
    const current = rules('eca', 'InformaticaCloud');
    expect(current).to.include.members(['ip-restrictions-relaxed:high', 'scope-full:high']);
    expect(current.join()).not.to.match(/refresh-token-never-expires|refresh-token-lifetime|connected-app-should-migrate/);
    expect(app('eca', 'InformaticaCloud').refreshTokenPolicy).to.deep.equal({ type: 'SpecificLifetime', period: 5, unit: 'Days' });
  });

  it('SFDC_CCF_Echo: client credentials with an optional consumer secret', () => {
    const ca = app('connectedApp', 'SFDC_CCF_Echo');
    expect(ca.flows.clientCredentials).to.equal(true);
    expect(ca.runAsUser).to.equal('@SF_USERNAME');
    expect(ca.consumerSecretOptional).to.equal(true);
    expect(ca.refreshTokenPolicy).to.deep.equal({ type: 'SpecificLifetime', period: 1, unit: 'Hours' });
    const r = rules('connectedApp', 'SFDC_CCF_Echo');
    expect(r).to.include.members(['consumer-secret-optional:high', 'ip-restrictions-relaxed:high', 'scope-full:high']);
    // its callback URL opens the web-server flow, so RefreshToken is not unneeded (issue 10 row 3)
    expect(r.join()).not.to.match(/client-credentials-without-run-as-user|refresh-token-never-expires|callback-url|scope-refresh-token-unneeded/);
    expect(findings('connectedApp', 'SFDC_CCF_Echo').find((f) => f.ruleId === 'consumer-secret-optional')?.message).to.match(/client credentials/);
  });

  it('MinloproSalesforceMcp (ECA): a public client; its http://localhost callback is not flagged', () => {
    const eca = app('eca', 'MinloproSalesforceMcp');
    expect(eca.callbackUrls).to.include('http://localhost:38000/callback');
    expect(eca.scopes).to.deep.equal(['RefreshToken', 'MCP']);
    const r = rules('eca', 'MinloproSalesforceMcp');
    expect(r).to.include.members(['consumer-secret-optional:low', 'public-client-refresh-token-not-rotated:medium']);
    expect(r.join()).not.to.match(/callback-url|pkce|scope-full|refresh-token-never|refresh-token-lifetime|ip-restrictions/);
  });

  it('MinloproSalesforceLoopback: SFAP becomes SFApiPlatform, placeholders are not judged', () => {
    const ca = app('connectedApp', 'MinloproSalesforceLoopback');
    const eca = app('eca', 'MinloproSalesforceLoopback');
    expect(ca.scopes).to.deep.equal(eca.scopes);
    expect(ca.certificate).to.deep.equal({ status: 'placeholder', value: '${SF_MINLOPRO_CERT_BASE64_VALUE}' });
    expect(rules('connectedApp', 'MinloproSalesforceLoopback')).to.include('ip-restrictions-relaxed:low');
    expect(rules('eca', 'MinloproSalesforceLoopback')).to.include('ip-restrictions-relaxed:high');
    for (const r of [...rules('connectedApp', 'MinloproSalesforceLoopback'), ...rules('eca', 'MinloproSalesforceLoopback')]) {
      expect(r).not.to.match(/callback-url|jwt-certificate|client-credentials/);
    }
  });

  it('Service_Now_Integration_Consumers: the JWT certificate expired in 2024', () => {
    const [f] = findings('connectedApp', 'Service_Now_Integration_Consumers').filter((x) => x.ruleId === 'jwt-certificate-expired');
    expect(f.message).to.match(/expired on 2024-12-14/);
    expect(f.field).to.equal('connectedApp.oauthConfig.certificate');
  });

  it('SFCC_App and DXConnectedApp: a one-day session, infinite refresh tokens, loopback callbacks', () => {
    expect(rules('connectedApp', 'SFCC_App')).to.include.members(['session-timeout-too-long:medium', 'ip-restrictions-relaxed:high']);
    expect(rules('connectedApp', 'DXConnectedApp')).to.include.members(['refresh-token-never-expires:high', 'refresh-token-secret-not-required:medium']);
    expect([...rules('connectedApp', 'SFCC_App'), ...rules('connectedApp', 'DXConnectedApp')].join()).not.to.match(/callback-url/);
  });

  it('Field_Create_MDAPI: a packaged, header-only ECA has nothing to audit', () => {
    const eca = app('eca', 'Field_Create_MDAPI');
    expect(eca).to.deep.include({ packaged: true, oauthEnabled: false, distributionState: 'Packaged' });
    expect(findings('eca', 'Field_Create_MDAPI')).to.deep.equal([]);
  });

  it('Thespis: the hand-written, invalid Connected App is audited, not rejected', () => {
    expect(rules('connectedApp', 'Thespis')).to.include.members(['refresh-token-never-expires:high', 'connected-app-should-migrate:low']);
  });
});
