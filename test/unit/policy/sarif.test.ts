import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Ajv, type AnySchemaObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { evaluate, type Evaluation } from '../../../src/domain/policy/evaluate.js';
import { INPUT_PROBLEM_CODES, type InputProblem } from '../../../src/domain/policy/problems.js';
import { RULES } from '../../../src/domain/policy/rules.js';
import { artifactLocation, formatSarif, sarifLevel, SRCROOT, toSarif } from '../../../src/domain/policy/sarif.js';
import { FIXTURES, loadCorpus, NOW, secureConnectedApp, secureEca } from './helpers.js';

/**
 * The SARIF 2.1.0 JSON Schema, from the first devDependency that ships it:
 * @microsoft/jest-sarif has lib/schemas/sarif-2.1.0-rtm.5.json (draft-04, the SchemaStore copy).
 */
const SARIF_SCHEMA_CANDIDATES = ['@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'];

function loadSarifSchema(): AnySchemaObject | undefined {
  const require = createRequire(import.meta.url);
  for (const id of SARIF_SCHEMA_CANDIDATES) {
    try {
      return JSON.parse(readFileSync(require.resolve(id), 'utf8')) as AnySchemaObject;
    } catch {
      // not installed
    }
  }
  return undefined;
}

type ValidateFn = ((data: unknown) => boolean) & { errors?: unknown };

/**
 * Compiles the schema with the Ajv flavour its $schema asks for (draft-04 is read as draft-07:
 * for this schema only `id` differs). unicodeRegExp off: rtm.5 has a pattern with a stray `]`
 * that is valid only without the u flag.
 */
function compileSarifSchema(schema: AnySchemaObject): ValidateFn {
  const draft = String(schema.$schema ?? '');
  const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
  if (draft.includes('2019-09') || draft.includes('2020-12')) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    return ajv.compile(schema);
  }
  const { $schema: _ignored, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(draft.includes('draft-04') ? { ...rest, ...(typeof id === 'string' ? { $id: id } : {}) } : schema);
}

function sample(): Evaluation {
  const apps = [
    secureEca({ oauthPolicies: { ipRelaxationPolicyType: 'Bypass' }, globalOauthSettings: { callbackUrl: 'http://a.example/cb\nhttp://b.example/cb' } }, {
      org: { id: '00D5g000000TEST', name: 'prod', settings: { enableConsumerSecretApiAccess: true } },
    }),
    secureConnectedApp({ oauthConfig: { isPkceRequired: false } }),
  ];
  return evaluate(apps, { waivers: [{ rule: 'connected-app-should-migrate', app: 'Acme_Legacy', reason: 'moving in Q3', expires: '2026-09-30' }] }, NOW);
}

describe('policy/sarif', () => {
  it('maps severities to SARIF levels', () => {
    expect(['critical', 'high', 'medium', 'low'].map((s) => sarifLevel(s as 'low'))).to.deep.equal(['error', 'error', 'warning', 'note']);
  });

  it('describes the whole catalogue as tool.driver.rules', () => {
    const log = toSarif(sample(), { toolVersion: '0.1.0' });
    const driver = log.runs[0].tool.driver;
    expect(driver).to.deep.include({ name: 'plugin-eca', version: '0.1.0', semanticVersion: '0.1.0' });
    expect(driver.rules.map((r) => r.id)).to.deep.equal(RULES.map((r) => r.id));
    const rule = driver.rules.find((r) => r.id === 'refresh-token-never-expires');
    expect(rule).to.deep.include({ name: 'RefreshTokenNeverExpires', helpUri: RULES[0].helpUri, defaultConfiguration: { level: 'error', enabled: true } });
    expect(rule?.help.text).to.contain('Remediation:').and.contain('Salesforce control:');
    expect(rule?.properties['security-severity']).to.equal('8.0');
  });

  it('reports source findings with file, line and field, and org findings with a logical location', () => {
    const log = toSarif(sample());
    const results = log.runs[0].results;
    for (const r of results) expect(log.runs[0].tool.driver.rules[r.ruleIndex].id).to.equal(r.ruleId);
    const ip = results.find((r) => r.ruleId === 'ip-restrictions-relaxed');
    expect(ip?.level).to.equal('error');
    expect(ip?.message.text).to.equal('External Client App Acme_CI: IP restrictions are bypassed (Bypass): tokens work from any network.');
    expect(ip?.locations[0].physicalLocation?.artifactLocation).to.deep.equal({ uri: 'force-app/main/default/oauthPolicies/Acme_CI_oauthPlcy.xml', uriBaseId: SRCROOT });
    expect(ip?.locations[0].physicalLocation?.region?.startLine).to.be.a('number').greaterThan(1);
    expect(ip?.locations[0].logicalLocations).to.deep.equal([{ name: 'Acme_CI', fullyQualifiedName: 'prod/ExternalClientApplication/Acme_CI', kind: 'resource' }]);
    expect(ip?.properties.fix?.set).to.deep.equal({ ipRelaxationPolicyType: 'Enforce' });
    const org = results.find((r) => r.ruleId === 'org-consumer-secret-metadata-access');
    expect(org?.locations).to.deep.equal([{ logicalLocations: [{ name: 'prod', fullyQualifiedName: 'org/00D5g000000TEST', kind: 'organization' }] }]);
    const http = results.filter((r) => r.ruleId === 'callback-url-not-https');
    expect(http).to.have.length(2);
    expect(http[0].partialFingerprints['ecaPolicyFinding/v1']).not.to.equal(http[1].partialFingerprints['ecaPolicyFinding/v1']);
  });

  it('reports waived findings as suppressed, unless asked not to', () => {
    const evaluation = sample();
    const suppressed = toSarif(evaluation).runs[0].results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => [r.ruleId, r.suppressions])).to.deep.equal([
      ['connected-app-should-migrate', [{ kind: 'external', status: 'accepted', justification: 'moving in Q3', properties: { expires: '2026-09-30' } }]],
    ]);
    expect(toSarif(evaluation, { includeWaived: false }).runs[0].results.filter((r) => r.suppressions)).to.deep.equal([]);
  });

  it('makes absolute paths relative to the project root, else file URIs', () => {
    expect(artifactLocation('/work/proj/force-app/x y.xml', '/work/proj')).to.deep.equal({ uri: 'force-app/x%20y.xml', uriBaseId: SRCROOT });
    expect(artifactLocation('/elsewhere/a.xml', '/work/proj')).to.deep.equal({ uri: 'file:///elsewhere/a.xml' });
    expect(artifactLocation('force-app\\main\\a.xml')).to.deep.equal({ uri: 'force-app/main/a.xml', uriBaseId: SRCROOT });
    const log = toSarif(sample(), { rootDir: '/work/proj' });
    expect(log.runs[0].originalUriBaseIds?.[SRCROOT].uri).to.equal('file:///work/proj/');
  });

  it('marks disabled rules as not enabled', () => {
    const log = toSarif(evaluate([secureEca()], { disabledRules: ['scope-full'] }, NOW));
    expect(log.runs[0].tool.driver.rules.find((r) => r.id === 'scope-full')?.defaultConfiguration.enabled).to.equal(false);
  });

  it('validates against the SARIF 2.1.0 JSON Schema', function () {
    const schema = loadSarifSchema();
    if (!schema) {
      // eslint-disable-next-line no-console
      console.log(`      (skipped: no SARIF schema; install one of ${SARIF_SCHEMA_CANDIDATES.map((c) => c.split('/lib/')[0]).join(', ')} as a devDependency)`);
      this.skip();
    }
    const validate = compileSarifSchema(schema);
    // the schema bites: an unknown level is refused
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).to.equal(false);
    const evaluations = [sample(), evaluate(loadCorpus().apps.map((c) => c.app), {}, NOW), evaluate([], {}, NOW)];
    for (const evaluation of evaluations) {
      const log: unknown = JSON.parse(formatSarif(evaluation, { toolVersion: '0.1.0', rootDir: FIXTURES, informationUri: 'https://example.com/plugin-eca' }));
      expect(validate(log), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    }
    // an incomplete run too: notifications with physical and logical locations
    const incomplete: unknown = JSON.parse(formatSarif(sample(), { rootDir: FIXTURES, problems: PROBLEMS, exitCode: { code: 2, description: 'incomplete' } }));
    expect(validate(incomplete), JSON.stringify(validate.errors, null, 2)).to.equal(true);
  });

  const PROBLEMS: InputProblem[] = [
    { code: 'malformed', file: 'force-app/main/default/connectedApps/Cut.connectedApp-meta.xml', line: 5, message: 'the file ends before <ConnectedApp> is closed' },
    { code: 'org-unreadable', org: 'dead', error: 'OrgUnreachableError', message: 'The org dead did not answer.', actions: ['Check the network, then run again: --target-org dead'] },
  ];

  it('names what could not be read: a notification of level error each, on an invocation that did not succeed', () => {
    const complete = toSarif(sample()).runs[0];
    expect(complete.invocations).to.deep.equal([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    const run = toSarif(sample(), { problems: PROBLEMS, exitCode: { code: 2, description: 'incomplete' } }).runs[0];
    expect(run.tool.driver.notifications.map((n) => n.id)).to.deep.equal([...INPUT_PROBLEM_CODES]);
    const [inv] = run.invocations;
    expect(inv).to.deep.include({ executionSuccessful: false, exitCode: 2, exitCodeDescription: 'incomplete' });
    const [file, org] = inv.toolExecutionNotifications;
    expect(file).to.deep.include({ level: 'error', descriptor: { id: 'malformed', index: INPUT_PROBLEM_CODES.indexOf('malformed') } });
    expect(file.locations).to.deep.equal([
      { physicalLocation: { artifactLocation: { uri: 'force-app/main/default/connectedApps/Cut.connectedApp-meta.xml', uriBaseId: SRCROOT }, region: { startLine: 5 } } },
    ]);
    expect(org.message.text).to.equal('Org dead: The org dead did not answer.');
    expect(org.locations).to.deep.equal([{ logicalLocations: [{ name: 'dead', fullyQualifiedName: 'org/dead', kind: 'organization' }] }]);
    expect(org.properties).to.deep.equal({ code: 'org-unreadable', org: 'dead', error: 'OrgUnreachableError', actions: ['Check the network, then run again: --target-org dead'] });
    // the findings of what was read are still results
    expect(run.results.length).to.equal(complete.results.length);
  });
});
