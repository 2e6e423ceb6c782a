import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { DEFAULT_FAIL_ON, formatConfigError, mergePolicyConfigs, type PolicyConfig, resolvePolicyConfig } from '../../../src/domain/policy/config.js';
import { evaluate, exitCodeFor } from '../../../src/domain/policy/evaluate.js';
import { validatePolicyFile as validatePolicyConfig } from '../../../src/shared/jsonSchema.js';
import { DEFAULT_THRESHOLDS, RULE_IDS } from '../../../src/domain/policy/rules.js';
import { NOW, secureConnectedApp, secureEca } from './helpers.js';

const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../../schemas/eca-policy-file.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { definitions: { ruleId: { enum: string[] } } };

const bypass = (name: string) => secureEca({ oauthPolicies: { ipRelaxationPolicyType: 'Bypass' } }, {}, name);

describe('policy/config: policy as code', () => {
  describe('validatePolicyConfig', () => {
    it('accepts a complete policy', async () => {
      const policy = {
        $schema: './schemas/eca-policy-file.json',
        failOn: 'medium',
        thresholds: { maxRefreshTokenDays: 30, maxSessionTimeoutMinutes: 60, certificateExpiryDays: 45, unusedAppDays: 180, minRsaKeyBits: 3072 },
        disabledRules: ['session-timeout-not-set'],
        severityOverrides: { 'connected-app-should-migrate': 'medium' },
        waivers: [{ rule: 'ip-restrictions-relaxed', app: 'Legacy_ETL', kind: 'connectedApp', reason: 'vendor egress IPs unknown; SEC-123', expires: '2026-12-31' }],
      };
      expect(await validatePolicyConfig(policy)).to.deep.equal({ ok: true, config: policy });
      expect(await validatePolicyConfig({})).to.deep.equal({ ok: true, config: {} });
    });

    it('names every problem by JSON Pointer', async () => {
      const result = await validatePolicyConfig({
        failOn: 'severe',
        thresholds: { maxRefreshTokenDays: 0, maxSessionTimeout: 5, minRsaKeyBits: 2048.5 },
        disabledRules: ['pkce-not-requried', 'scope-full', 'scope-full', 7],
        severityOverrides: { 'scope-full': 'urgent', nope: 'low' },
        waivers: [{ rule: 'scope-full', app: '', reason: 'x', expires: '2026-02-30', owner: 'me' }, { rule: 'scope-full' }, 'x'],
        extra: true,
      });
      expect(result.ok).to.equal(false);
      const errors = result.ok ? [] : result.errors.map(formatConfigError);
      expect(errors).to.have.members([
        '/extra: unknown property "extra" (allowed: $schema, failOn, thresholds, disabledRules, severityOverrides, waivers)',
        '/failOn: must be one of none, low, medium, high, critical, not "severe"',
        '/thresholds/maxSessionTimeout: unknown property "maxSessionTimeout"; did you mean "maxSessionTimeoutMinutes"? (allowed: maxRefreshTokenDays, maxSessionTimeoutMinutes, certificateExpiryDays, unusedAppDays, minRsaKeyBits, maxSecretAgeDays)',
        '/thresholds/maxRefreshTokenDays: must be between 1 and 3650, not 0',
        '/thresholds/minRsaKeyBits: must be a whole number, not 2048.5',
        '/disabledRules/0: unknown rule "pkce-not-requried"; did you mean "pkce-not-required"?',
        '/disabledRules/2: "scope-full" is listed twice',
        '/disabledRules/3: must be a rule id (string), not number',
        '/severityOverrides/scope-full: must be one of low, medium, high, critical, not "urgent"',
        '/severityOverrides/nope: unknown rule "nope"',
        '/waivers/0/owner: unknown property "owner" (allowed: rule, app, kind, reason, expires)',
        '/waivers/0/app: must not be empty',
        '/waivers/0/expires: must be a date written YYYY-MM-DD, not "2026-02-30"',
        '/waivers/1: missing required property "app"',
        '/waivers/1: missing required property "reason"',
        '/waivers/1: missing required property "expires"',
        '/waivers/2: must be an object, not string',
      ]);
    });

    it('rejects a document that is not an object', async () => {
      expect(await validatePolicyConfig([])).to.deep.equal({ ok: false, errors: [{ path: '', message: 'the policy must be a JSON object, not array' }] });
    });

    it('gives the line of each problem when it has the file\'s text', async () => {
      const text = '{\n  "failOn": "high",\n  "waivers": [\n    { "rule": "scope-ful", "app": "A", "reason": "r", "expires": "2026-12-31" }\n  ],\n  "extra": 1\n}\n';
      const result = await validatePolicyConfig(JSON.parse(text), text);
      const errors = result.ok ? [] : result.errors.map(formatConfigError);
      expect(errors).to.have.members([
        '/waivers/0/rule (line 4): unknown rule "scope-ful"; did you mean "scope-full"?',
        '/extra (line 6): unknown property "extra" (allowed: $schema, failOn, thresholds, disabledRules, severityOverrides, waivers)',
      ]);
    });

    it('checks calendar dates', async () => {
      const expires = async (date: string) => (await validatePolicyConfig({ waivers: [{ rule: 'scope-full', app: 'A', reason: 'r', expires: date }] })).ok;
      expect(await expires('2028-02-29')).to.equal(true);
      expect(await expires('2026-02-29')).to.equal(false);
      expect(await expires('2026-1-01')).to.equal(false);
    });
  });

  describe('the JSON Schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);

    it('lists exactly the rule catalogue', () => {
      expect(schema.definitions.ruleId.enum).to.deep.equal([...RULE_IDS]);
    });

    it('agrees with validatePolicyConfig on valid and invalid policies', async () => {
      const samples: unknown[] = [
        {},
        { failOn: 'none', thresholds: { maxRefreshTokenDays: 1 } },
        { waivers: [{ rule: 'scope-full', app: '*', reason: 'ok', expires: '2027-01-31' }] },
        { severityOverrides: { 'app-unused': 'high' }, disabledRules: ['app-unused'] },
        { failOn: 'severe' },
        { thresholds: { maxRefreshTokenDays: 0 } },
        { thresholds: { unknown: 1 } },
        { disabledRules: ['nope'] },
        { disabledRules: ['scope-full', 'scope-full'] },
        { severityOverrides: { nope: 'low' } },
        { severityOverrides: { 'scope-full': 'urgent' } },
        { waivers: [{ rule: 'scope-full', app: 'A', reason: 'r' }] },
        { waivers: [{ rule: 'scope-full', app: 'A', reason: 'r', expires: '31/12/2026' }] },
        { waivers: [{ rule: 'scope-full', app: ' ', reason: 'r', expires: '2026-12-31' }] },
        { waivers: [{ rule: 'scope-full', app: 'A', reason: 'r', expires: '2026-12-31', kind: 'flow' }] },
        { other: 1 },
      ];
      for (const sample of samples) {
        expect((await validatePolicyConfig(sample)).ok, JSON.stringify(sample)).to.equal(validate(sample));
      }
    });
  });

  describe('mergePolicyConfigs / resolvePolicyConfig', () => {
    it('layers policies, later ones winning', () => {
      const merged = mergePolicyConfigs(
        { failOn: 'low', thresholds: { maxRefreshTokenDays: 30, unusedAppDays: 10 }, disabledRules: ['app-unused'], severityOverrides: { 'scope-full': 'critical' }, waivers: [{ rule: 'scope-full', app: 'A', reason: 'r', expires: '2026-12-31' }] },
        { failOn: 'critical', thresholds: { maxRefreshTokenDays: 7 }, disabledRules: ['app-unused', 'scope-full'], severityOverrides: { 'scope-full': 'low' } },
        {}
      );
      expect(merged).to.deep.equal({
        failOn: 'critical',
        thresholds: { maxRefreshTokenDays: 7, unusedAppDays: 10 },
        disabledRules: ['app-unused', 'scope-full'],
        severityOverrides: { 'scope-full': 'low' },
        waivers: [{ rule: 'scope-full', app: 'A', reason: 'r', expires: '2026-12-31' }],
      });
    });

    it('fills in the defaults', () => {
      expect(resolvePolicyConfig()).to.deep.equal({ failOn: DEFAULT_FAIL_ON, thresholds: DEFAULT_THRESHOLDS, disabledRules: [], severityOverrides: {}, waivers: [] });
      expect(resolvePolicyConfig({ thresholds: { maxRefreshTokenDays: 7 } }).thresholds).to.deep.equal({ ...DEFAULT_THRESHOLDS, maxRefreshTokenDays: 7 });
    });
  });

  describe('evaluate', () => {
    it('summarises findings by severity, most severe first', () => {
      const apps = [bypass('B_App'), secureConnectedApp({ oauthConfig: { isPkceRequired: false } })];
      const result = evaluate(apps, {}, NOW);
      expect(result.findings.map((f) => `${f.severity} ${f.target.name} ${f.ruleId}`)).to.deep.equal([
        'high B_App ip-restrictions-relaxed',
        'medium Acme_Legacy pkce-not-required',
        'low Acme_Legacy connected-app-should-migrate',
      ]);
      expect(result.summary).to.deep.equal({ low: 1, medium: 1, high: 1, critical: 0, total: 3, waived: 0 });
      expect(result.apps.map((a) => a.target.name)).to.deep.equal(['Acme_Legacy', 'B_App']);
      expect(result.apps[0].rules).to.include('connected-app-should-migrate');
      expect(result.apps[1].rules).not.to.include('connected-app-should-migrate');
    });

    it('honours disabled rules, thresholds and severity overrides', () => {
      const apps = [bypass('B_App'), secureConnectedApp()];
      const result = evaluate(apps, { disabledRules: ['connected-app-should-migrate'], severityOverrides: { 'ip-restrictions-relaxed': 'critical' } }, NOW);
      expect(result.findings.map((f) => `${f.severity} ${f.ruleId}`)).to.deep.equal(['critical ip-restrictions-relaxed']);
      expect(result.rules.map((r) => r.id)).not.to.include('connected-app-should-migrate');
      const stricter = evaluate([secureEca()], { thresholds: { maxRefreshTokenDays: 7 } }, NOW);
      expect(stricter.findings.map((f) => f.ruleId)).to.deep.equal(['refresh-token-lifetime-too-long']);
    });

    it('applies waivers in force, through the expiry day, and reports expired ones', () => {
      const waivers = [
        { rule: 'ip-restrictions-relaxed', app: 'B_App', reason: 'vendor IPs unknown', expires: '2026-07-01' },
        { rule: 'ip-restrictions-relaxed', app: 'C_App', reason: 'old', expires: '2026-06-30' },
        { rule: 'scope-full', app: 'Elsewhere', reason: 'not audited here', expires: '2020-01-01' },
        { rule: 'pkce-not-required', app: '*', reason: 'unused', expires: '2030-01-01' },
      ];
      const result = evaluate([bypass('B_App'), bypass('C_App')], { waivers }, NOW, { configFile: 'config/.eca-policy.json' });
      expect(result.waived.map((w) => `${w.finding.target.name} ${w.waiver.reason}`)).to.deep.equal(['B_App vendor IPs unknown']);
      expect(result.findings.map((f) => `${f.target.name} ${f.ruleId}`)).to.deep.equal(['C_App ip-restrictions-relaxed', 'config/.eca-policy.json waiver-expired']);
      const expired = result.findings[1];
      expect(expired).to.deep.include({
        severity: 'low',
        message: 'The waiver of ip-restrictions-relaxed for C_App expired on 2026-06-30 ("old").',
        target: { type: 'config', name: 'config/.eca-policy.json' },
        field: '/waivers/1',
        location: { file: 'config/.eca-policy.json' },
      });
      expect(result.summary.waived).to.equal(1);
      expect(result.unusedWaivers).to.deep.equal([waivers[3]]);
      // the day after the expiry date the first waiver no longer holds
      const later = evaluate([bypass('B_App')], { waivers: [waivers[0]] }, new Date('2026-07-02T00:00:00Z'));
      expect(later.waived).to.deep.equal([]);
      expect(later.findings.map((f) => f.ruleId)).to.deep.equal(['ip-restrictions-relaxed', 'waiver-expired']);
    });

    it('narrows a waiver by kind when an ECA and a Connected App share a name', () => {
      const eca = bypass('Twin');
      const ca = secureConnectedApp({ oauthPolicy: { ipRelaxation: 'BYPASS' } }, {}, 'Twin');
      const result = evaluate([eca, ca], { disabledRules: ['connected-app-should-migrate'], waivers: [{ rule: 'ip-restrictions-relaxed', app: 'Twin', kind: 'eca', reason: 'r', expires: '2030-01-01' }] }, NOW);
      expect(result.waived.map((w) => w.finding.target.type === 'app' && w.finding.target.kind)).to.deep.equal(['eca']);
      expect(result.findings.map((f) => f.target.type === 'app' && f.target.kind)).to.deep.equal(['connectedApp']);
    });

    it('keeps one org-level finding per org, and waives it by org alias or id', () => {
      const org = { id: '00D5g000000TEST', name: 'prod', settings: { enableConsumerSecretApiAccess: true } };
      const apps = [secureEca({}, { org }, 'A'), secureEca({}, { org }, 'B')];
      const result = evaluate(apps, {}, NOW);
      expect(result.findings.map((f) => `${f.target.type} ${f.target.name} ${f.ruleId}`)).to.deep.equal(['org prod org-consumer-secret-metadata-access']);
      expect(result.orgs).to.deep.equal([
        { target: { type: 'org', name: 'prod', id: '00D5g000000TEST' }, rules: ['org-consumer-secret-metadata-access', 'org-consumer-secret-rest-access'] },
      ]);
      const waived = evaluate(apps, { waivers: [{ rule: 'org-consumer-secret-metadata-access', app: '00D5g000000TEST', reason: 'migration tooling until Q4', expires: '2026-12-31' }] }, NOW);
      expect(waived.findings).to.deep.equal([]);
      expect(waived.waived).to.have.length(1);
    });

    it('is deterministic', () => {
      const apps = [bypass('Z'), bypass('A'), secureConnectedApp({ oauthConfig: { isPkceRequired: false } })];
      expect(evaluate(apps, {}, NOW)).to.deep.equal(evaluate([...apps].reverse(), {}, NOW));
    });
  });

  describe('exitCodeFor', () => {
    const findings = [{ severity: 'medium' as const }, { severity: 'low' as const }];
    it('is 1 when a finding is at or above failOn', () => {
      expect(exitCodeFor(findings, 'medium')).to.equal(1);
      expect(exitCodeFor(findings, 'low')).to.equal(1);
    });
    it('is 0 below failOn, without findings, or with failOn none', () => {
      expect(exitCodeFor(findings, 'high')).to.equal(0);
      expect(exitCodeFor([], 'low')).to.equal(0);
      expect(exitCodeFor([{ severity: 'critical' }], 'none')).to.equal(0);
    });
  });

  it('reads a policy file the way a command would', async () => {
    const text = JSON.stringify({ failOn: 'critical', waivers: [{ rule: 'scope-full', app: 'A', reason: 'r', expires: '2026-12-31' }] });
    const validation = await validatePolicyConfig(JSON.parse(text));
    expect(validation.ok).to.equal(true);
    const config: PolicyConfig = validation.ok ? validation.config : {};
    expect(resolvePolicyConfig(config).failOn).to.equal('critical');
  });
});
