import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import PolicyCheck, { type PolicyCheckResult } from '../../src/commands/eca/policy/check.js';
import { parseMetadataXml } from '../../src/domain/xml.js';
import { validateComponent } from '../../src/domain/validate.js';
import { ROOT } from '../helpers/paths.js';
import { runPlugin } from '../helpers/runCli.js';

const EXAMPLES = join(ROOT, 'examples');

function rulesOf(r: PolicyCheckResult, app: string): string[] {
  return r.findings.filter((f) => f.target === app).map((f) => f.ruleId);
}

describe('sf eca policy check (source)', () => {
  const $$ = new TestContext();
  let dir: string;
  let cwd: string;

  beforeEach(() => {
    // these tests need the real project resolution and project files: keep only the logger and UX stubs
    $$.SANDBOXES.PROJECT.restore();
    $$.SANDBOXES.CONFIG.restore();
    stubSfCommandUx($$.SANDBOX);
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'eca-policy-'));
    cpSync(EXAMPLES, dir, { recursive: true, filter: (src) => !src.includes(`${join(EXAMPLES, 'out')}`) });
    process.chdir(dir);
    process.exitCode = undefined;
  });

  afterEach(() => {
    process.chdir(cwd);
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
    $$.restore();
  });

  it('finds the risky apps of the example project and fails on high', async () => {
    const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'high']);
    expect(r.passed).to.equal(false);
    expect(process.exitCode).to.equal(1);
    expect(r.apps.map((a) => `${a.kind}:${a.name}`).sort()).to.deep.equal([
      'connectedApp:Acme_ERP_Integration',
      'connectedApp:Acme_Jenkins_CI',
      'connectedApp:Acme_Partner_Portal',
      'eca:Acme_Data_Export',
      'eca:Acme_Portal',
    ]);
    expect(rulesOf(r, 'Acme_Data_Export')).to.include.members(['refresh-token-never-expires', 'ip-restrictions-relaxed', 'scope-full']);
    expect(rulesOf(r, 'Acme_Partner_Portal')).to.include.members(['callback-url-not-https', 'introspect-all-tokens', 'pkce-not-required', 'consumer-secret-optional', 'connected-app-should-migrate']);
    expect(rulesOf(r, 'Acme_ERP_Integration')).to.include.members(['scope-full', 'ip-restrictions-relaxed', 'session-timeout-too-long']);
    expect(r.findings.filter((f) => f.target === 'Acme_Portal' && ['high', 'critical'].includes(f.severity))).to.deep.equal([]);
    const bypass = r.findings.find((f) => f.target === 'Acme_Data_Export' && f.ruleId === 'ip-restrictions-relaxed');
    expect(bypass?.file).to.equal('force-app/main/default/extlClntAppOauthPolicies/Acme_Data_Export_oauthPlcy.ecaOauthPlcy-meta.xml');
    expect(bypass?.line).to.be.a('number');
    expect(r.summary.total).to.equal(r.findings.length);
  });

  it('passes with --fail-on critical and without a gate', async () => {
    expect((await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'critical'])).passed).to.equal(true);
    expect(process.exitCode).to.equal(0);
  });

  it('reads the project default package directory without --source-dir', async () => {
    const r = await PolicyCheck.run([]);
    expect(r.apps).to.have.length(5);
  });

  it('--fix rewrites local files to recommended values, valid against the WSDL schema, and the rules then pass', async () => {
    const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fix', '--fail-on', 'none']);
    const file = 'force-app/main/default/extlClntAppOauthPolicies/Acme_Data_Export_oauthPlcy.ecaOauthPlcy-meta.xml';
    expect(r.fixed.map((f) => f.file)).to.include(file);
    const parsed = parseMetadataXml(readFileSync(join(dir, file), 'utf8'));
    expect(parsed.values).to.include({ ipRelaxationPolicyType: 'Enforce', refreshTokenPolicyType: 'SpecificLifetime', refreshTokenValidityUnit: 'Days' });
    expect(validateComponent({ type: parsed.type, fullName: 'Acme_Data_Export_oauthPlcy', values: parsed.values }, 66)).to.deep.equal([]);
    for (const f of r.fixed) {
      const p = parseMetadataXml(readFileSync(join(dir, f.file), 'utf8'));
      expect(validateComponent({ type: p.type, fullName: 'X', values: p.values }, 66), f.file).to.deep.equal([]);
    }
    // the result is the check after the fix
    expect(rulesOf(r, 'Acme_Data_Export')).to.not.include.members(['ip-restrictions-relaxed', 'refresh-token-never-expires', 'scope-full']);
    const again = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'none']);
    expect(rulesOf(again, 'Acme_Data_Export')).to.not.include('ip-restrictions-relaxed');
  });

  it('applies a policy file: thresholds, disabled rules, waivers; an expired waiver is a finding', async () => {
    writeFileSync(
      join(dir, '.eca-policy.json'),
      JSON.stringify({
        failOn: 'high',
        disabledRules: ['connected-app-should-migrate'],
        waivers: [
          { rule: 'scope-full', app: 'Acme_ERP_Integration', reason: 'SAP needs Full until Q3 (CHG-1234)', expires: '2999-12-31' },
          { rule: 'ip-restrictions-relaxed', app: 'Acme_ERP_Integration', reason: 'old', expires: '2020-01-01' },
        ],
      })
    );
    const r = await PolicyCheck.run(['--source-dir', 'force-app']);
    expect(r.findings.map((f) => f.ruleId)).to.not.include('connected-app-should-migrate');
    expect(rulesOf(r, 'Acme_ERP_Integration')).to.not.include('scope-full');
    expect(rulesOf(r, 'Acme_ERP_Integration')).to.include('ip-restrictions-relaxed');
    expect(r.waived).to.deep.include({ ruleId: 'scope-full', target: 'Acme_ERP_Integration', reason: 'SAP needs Full until Q3 (CHG-1234)', expires: '2999-12-31' });
    expect(r.findings.some((f) => f.ruleId === 'waiver-expired')).to.equal(true);
  });

  it('bad input: named errors with actions and exit code 2', async () => {
    writeFileSync(join(dir, 'bad-policy.json'), JSON.stringify({ failOn: 'sometimes', waivers: [{ rule: 'no-such-rule', app: 'A' }] }));
    const cases: Array<[string[], string, RegExp]> = [
      [['--policy-file', 'bad-policy.json'], 'PolicyFileInvalidError', /failOn[\s\S]*no-such-rule|no-such-rule[\s\S]*failOn/],
      [['--source-dir', 'nope'], 'SourceNotFoundError', /nope/],
      [['--source-dir', 'force-app', '--fix', '--target-org', 'x'], 'FixNeedsSourceError', /--fix/],
    ];
    for (const [args, name, text] of cases) {
      try {
        await PolicyCheck.run(args);
        expect.fail(`should fail: ${args.join(' ')}`);
      } catch (e) {
        const err = e as { name: string; message: string; exitCode: number; actions?: string[] };
        expect(err.name).to.equal(name);
        expect(err.message).to.match(text);
        expect(err.exitCode).to.equal(2);
        expect(err.actions?.length).to.be.greaterThan(0);
      }
    }
  });

  it('reports malformed and unknown files and still checks the rest', async () => {
    writeFileSync(join(dir, 'force-app/main/default/connectedApps/Broken.connectedApp-meta.xml'), '<?xml version="1.0"?>\n<ConnectedApp>\n  <label>x</lab>\n</ConnectedApp>\n');
    const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'none']);
    expect(r.problems).to.have.length(1);
    expect(r.problems[0]).to.include({ file: 'force-app/main/default/connectedApps/Broken.connectedApp-meta.xml', line: 3 });
    expect(r.apps).to.have.length(5);
  });
});

describe('sf eca policy check output formats (built plugin)', () => {
  it('SARIF on standard output validates against the official SARIF 2.1.0 schema, with file and line', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'high', '--output-format', 'sarif'], { cwd: EXAMPLES });
    expect(run.status).to.equal(1);
    const sarif = JSON.parse(run.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations?: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }> };
    const schemaPath = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // the schema is draft-04: ajv (draft-07) reads it once "id" is "$id"
    schema.$id = schema.id;
    delete schema.id;
    delete schema.$schema;
    const validate = new Ajv({ strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    const located = sarif.runs[0].results.find((x) => x.ruleId === 'ip-restrictions-relaxed' && x.locations?.[0]?.physicalLocation?.artifactLocation.uri.includes('Acme_Data_Export'));
    expect(located?.locations?.[0]?.physicalLocation?.region?.startLine).to.be.a('number');
  });

  it('JUnit XML has a test suite per app and failures for findings', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--output-format', 'junit'], { cwd: EXAMPLES });
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/^<\?xml/);
    expect(run.stdout).to.contain('<testsuite');
    expect(run.stdout).to.contain('Acme_Data_Export');
    expect(run.stdout).to.contain('<failure');
  });
});
