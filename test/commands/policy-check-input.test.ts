/**
 * policy check never passes on input it could not read: a truncated, DOCTYPE-carrying or
 * unparseable file, a satellite without its app, an element no API version has, a symbolic link
 * that leads nowhere or in a loop. Each is named (file under the folder the user named, line), the
 * rest is still checked, and the run exits 2, in every output format. Symbolic links are followed
 * as SDR follows them. --fix converges in one run and never prints a secret. Nothing is cut with
 * "…" at 80 columns, and an empty result says so.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import PolicyCheck, { type PolicyCheckResult } from '../../src/commands/eca/policy/check.js';
import { EXIT_CODES } from '../../src/shared/exitCodes.js';
import { copyExamples, EXAMPLES, type ExampleProject, inExampleProject } from '../helpers/exampleProject.js';
import { runPlugin } from '../helpers/runCli.js';

const CA_DIR = 'force-app/main/default/connectedApps';
const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

const BROKEN: Record<string, { file: string; text: string; code: string; line: number; says: RegExp }> = {
  truncated: {
    file: `${CA_DIR}/Cut.connectedApp-meta.xml`,
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp ${NS}>\n    <label>Cut</label>\n    <oauthConfig>\n        <callbackUrl>https://cut.acme.example/cb</callbackUrl>\n`,
    code: 'malformed',
    line: 5,
    says: /ends before <oauthConfig>, <ConnectedApp> are closed/,
  },
  doctype: {
    file: `${CA_DIR}/Doc.connectedApp-meta.xml`,
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ConnectedApp [<!ENTITY x "y">]>\n<ConnectedApp ${NS}>\n    <label>&x;</label>\n</ConnectedApp>\n`,
    code: 'doctype',
    line: 2,
    says: /DOCTYPE/,
  },
  unparseable: {
    file: `${CA_DIR}/Junk.connectedApp-meta.xml`,
    text: '{"label": "this is JSON, not XML"}\n',
    code: 'malformed',
    line: 1,
    says: /not expected|Start tag/,
  },
  'satellite without its app': {
    file: 'force-app/main/default/extlClntAppOauthPolicies/Ghost_oauthPlcy.ecaOauthPlcy-meta.xml',
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppOauthConfigurablePolicies ${NS}>\n    <externalClientApplication>Ghost</externalClientApplication>\n    <ipRelaxationPolicyType>Bypass</ipRelaxationPolicyType>\n    <label>Ghost</label>\n</ExtlClntAppOauthConfigurablePolicies>\n`,
    code: 'missing-header',
    line: 0,
    says: /names the app "Ghost", which is not in the checked source/,
  },
  'unknown element': {
    file: `${CA_DIR}/Odd.connectedApp-meta.xml`,
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp ${NS}>\n    <contactEmail>a@acme.example</contactEmail>\n    <label>Odd</label>\n    <oauthConfig>\n        <callbackUrl>https://odd.acme.example/cb</callbackUrl>\n        <isConsumerKeyOptional>true</isConsumerKeyOptional>\n        <scopes>Api</scopes>\n    </oauthConfig>\n</ConnectedApp>\n`,
    code: 'unknown-element',
    line: 7,
    says: /<oauthConfig\.isConsumerKeyOptional> is not a field of ConnectedApp/,
  },
};

function sarifValidator(): (data: unknown) => boolean {
  const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  // draft-04: ajv reads it once "id" is "$id"
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  return new Ajv({ strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
}

type Sarif = {
  runs: Array<{
    invocations: Array<{
      executionSuccessful: boolean;
      exitCode?: number;
      toolExecutionNotifications: Array<{ level: string; message: { text: string }; descriptor: { id: string; index: number }; locations?: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }>;
    }>;
    tool: { driver: { notifications: Array<{ id: string }> } };
    results: unknown[];
  }>;
};

describe('sf eca policy check: input it could not read', () => {
  const $$ = new TestContext();
  const project = inExampleProject($$, 'eca-gate-');
  let dir: string;
  let ux: ExampleProject['ux'];
  beforeEach(() => ({ dir, ux } = project));

  for (const [name, c] of Object.entries(BROKEN)) {
    it(`${name}: named with its file and line, the other apps still checked, exit 2 even with --fail-on none`, async () => {
      writeFileSync(join(dir, c.file), c.text);
      const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'none']);
      expect(process.exitCode).to.equal(EXIT_CODES.policyCheck.Incomplete);
      expect(r.complete).to.equal(false);
      expect(r.passed).to.equal(false);
      expect(r.problems).to.have.length(1);
      expect(r.problems[0]).to.include({ code: c.code, file: c.file });
      if (c.line) expect(r.problems[0].line).to.equal(c.line);
      expect(r.problems[0].message).to.match(c.says);
      expect(r.apps.map((a) => a.name)).to.include.members(['Acme_Data_Export', 'Acme_ERP_Integration', 'Acme_Portal']);
    });
  }

  it('a file names its place under the folder as the user typed it, from another working directory', async () => {
    writeFileSync(join(dir, BROKEN.truncated.file), BROKEN.truncated.text);
    mkdirSync(join(dir, 'sub'));
    process.chdir(join(dir, 'sub'));
    const r = await PolicyCheck.run(['--source-dir', '../force-app/', '--fail-on', 'none']);
    expect(r.problems[0].file).to.equal(`../${BROKEN.truncated.file}`);
    expect(r.findings.find((f) => f.target === 'Acme_ERP_Integration')?.file).to.equal('../force-app/main/default/connectedApps/Acme_ERP_Integration.connectedApp-meta.xml');
    const abs = await PolicyCheck.run(['--source-dir', join(dir, 'force-app'), '--fail-on', 'none']);
    expect(abs.problems[0].file).to.equal(join(dir, BROKEN.truncated.file));
  });

  describe('symbolic links, followed as SDR follows them', () => {
    it('reads apps in a linked folder and a linked file', async () => {
      const shared = mkdtempSync(join(tmpdir(), 'eca-shared-'));
      try {
        mkdirSync(join(shared, 'connectedApps'));
        cpSync(join(dir, CA_DIR, 'Acme_Jenkins_CI.connectedApp-meta.xml'), join(shared, 'connectedApps', 'Linked_Folder_App.connectedApp-meta.xml'));
        cpSync(join(dir, CA_DIR, 'Acme_Jenkins_CI.connectedApp-meta.xml'), join(shared, 'Linked_File_App.connectedApp-meta.xml'));
        symlinkSync(join(shared, 'connectedApps'), join(dir, 'force-app/main/default/sharedApps'));
        symlinkSync(join(shared, 'Linked_File_App.connectedApp-meta.xml'), join(dir, CA_DIR, 'Linked_File_App.connectedApp-meta.xml'));
        const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'none']);
        expect(r.problems).to.deep.equal([]);
        expect(r.apps.map((a) => a.name)).to.include.members(['Linked_Folder_App', 'Linked_File_App']);
        // the path through the link, as SDR reports it
        expect(r.findings.find((f) => f.target === 'Linked_Folder_App')?.file).to.equal('force-app/main/default/sharedApps/Linked_Folder_App.connectedApp-meta.xml');
      } finally {
        rmSync(shared, { recursive: true, force: true });
      }
    });

    it('a link back to a folder above it is a named loop, not a hang; a dangling link is named too', async () => {
      symlinkSync('../..', join(dir, 'force-app/main/default/loop'));
      symlinkSync(join(dir, 'nowhere'), join(dir, CA_DIR, 'Gone.connectedApp-meta.xml'));
      symlinkSync('self', join(dir, 'force-app/main/default/self'));
      const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'none']);
      expect(process.exitCode).to.equal(EXIT_CODES.policyCheck.Incomplete);
      expect(r.problems.map((p) => `${p.code} ${p.file}`)).to.deep.equal([
        `broken-symlink ${CA_DIR}/Gone.connectedApp-meta.xml`,
        'symlink-loop force-app/main/default/loop',
        'symlink-loop force-app/main/default/self',
      ]);
      expect(r.problems[1].message).to.contain('leads back to');
      // each app once: the loop was not followed
      expect(r.apps).to.have.length(5);
    });

    it('a file reached by two paths is read once', async () => {
      symlinkSync('connectedApps', join(dir, 'force-app/main/default/againApps'));
      const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'none']);
      expect(r.problems).to.deep.equal([]);
      expect(r.apps).to.have.length(5);
    });
  });

  it('an empty folder says so in words, and passes', async () => {
    mkdirSync(join(dir, 'empty'));
    const r = await PolicyCheck.run(['--source-dir', 'empty']);
    expect(process.exitCode).to.equal(EXIT_CODES.policyCheck.Passed);
    expect(r.apps).to.deep.equal([]);
    expect(ux.log.getCalls().map((c) => String(c.args[0])).join('\n')).to.contain('No External Client Apps or Connected Apps found in empty.');
  });

  describe('--fix', () => {
    const SECRET = 'S3cr3tValueNeverPrinted9';
    const leaky = `<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp ${NS}>\n    <contactEmail>a@acme.example</contactEmail>\n    <label>Leaky</label>\n    <oauthConfig>\n        <callbackUrl>https://leaky.acme.example/cb</callbackUrl>\n        <consumerKey>3MVG9leakykey</consumerKey>\n        <consumerSecret>${SECRET}</consumerSecret>\n        <isConsumerSecretOptional>true</isConsumerSecretOptional>\n        <scopes>Api</scopes>\n        <scopes>RefreshToken</scopes>\n    </oauthConfig>\n    <oauthPolicy>\n        <ipRelaxation>BYPASS</ipRelaxation>\n        <refreshTokenPolicy>infinite</refreshTokenPolicy>\n    </oauthPolicy>\n</ConnectedApp>\n`;

    it('converges in one run: nothing fixable left, every folder named, and a second run changes nothing', async () => {
      const first = await PolicyCheck.run(['--source-dir', 'force-app', '--fix', '--fail-on', 'none']);
      expect(first.findings.filter((f) => f.fixable)).to.deep.equal([]);
      expect(first.fix).to.deep.include({ converged: true, left: [] });
      expect(first.fix?.passes).to.be.at.least(1).and.at.most(5);
      expect(first.fix?.folders).to.deep.equal(['force-app/main/default/connectedApps', 'force-app/main/default/extlClntAppOauthPolicies', 'force-app/main/default/extlClntAppOauthSettings']);
      expect(first.fixed.map((f) => f.file).every((f) => first.fix?.folders.some((d) => f.startsWith(`${d}/`)))).to.equal(true);
      const second = await PolicyCheck.run(['--source-dir', 'force-app', '--fix', '--fail-on', 'none']);
      expect(second.fixed).to.deep.equal([]);
      expect(second.findings.map((f) => `${f.target}:${f.ruleId}`)).to.deep.equal(first.findings.map((f) => `${f.target}:${f.ruleId}`));
    });

    it('the printed diff never shows a secret, in a changed line or a line of context', async () => {
      writeFileSync(join(dir, CA_DIR, 'Leaky.connectedApp-meta.xml'), leaky);
      const r = await PolicyCheck.run(['--source-dir', 'force-app', '--fix', '--fail-on', 'none']);
      const printed = [...ux.log.getCalls(), ...ux.warn.getCalls(), ...ux.table.getCalls()].map((c) => JSON.stringify(c.args)).join('\n');
      const leakyDiff = printed.split('\\n').filter((l) => l.includes('Leaky') || l.includes('consumerSecret'));
      expect(leakyDiff.join('\n')).to.contain('<consumerSecret>[REDACTED]</consumerSecret>');
      expect(printed).not.to.contain(SECRET);
      expect(JSON.stringify(r)).not.to.contain(SECRET);
      // the file itself keeps its secret: --fix changes settings, never the secret
      expect(readFileSync(join(dir, CA_DIR, 'Leaky.connectedApp-meta.xml'), 'utf8')).to.contain(SECRET);
      expect(r.findings.find((f) => f.target === 'Leaky' && f.ruleId === 'consumer-secret-in-source')).to.not.equal(undefined);
    });
  });
});

describe('sf eca policy check: what could not be read, in each output format (built plugin)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = copyExamples('eca-gate-out-');
    writeFileSync(join(dir, BROKEN.truncated.file), BROKEN.truncated.text);
    writeFileSync(join(dir, BROKEN.doctype.file), BROKEN.doctype.text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('SARIF: a toolExecutionNotification per problem, executionSuccessful false, still valid SARIF 2.1.0', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--output-format', 'sarif'], { cwd: dir });
    expect(run.status, run.stderr).to.equal(2);
    const sarif = JSON.parse(run.stdout) as Sarif;
    const validate = sarifValidator() as ((d: unknown) => boolean) & { errors?: unknown[] };
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    const inv = sarif.runs[0].invocations[0];
    expect(inv).to.include({ executionSuccessful: false, exitCode: 2 });
    const notes = inv.toolExecutionNotifications;
    expect(notes.map((n) => [n.level, n.descriptor.id, n.locations?.[0]?.physicalLocation?.artifactLocation.uri, n.locations?.[0]?.physicalLocation?.region?.startLine])).to.deep.equal([
      ['error', 'malformed', BROKEN.truncated.file, 5],
      ['error', 'doctype', BROKEN.doctype.file, 2],
    ]);
    for (const n of notes) expect(sarif.runs[0].tool.driver.notifications[n.descriptor.index].id).to.equal(n.descriptor.id);
    // the findings of what could be read are still there
    expect(sarif.runs[0].results.length).to.be.greaterThan(0);
    expect(run.stderr).to.contain(BROKEN.truncated.file);
  });

  it('a complete run: executionSuccessful true, no notification', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app/main/default/externalClientApps', '--fail-on', 'none', '--output-format', 'sarif'], { cwd: EXAMPLES });
    expect(run.status, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as Sarif).runs[0].invocations[0]).to.deep.include({ executionSuccessful: true, toolExecutionNotifications: [] });
  });

  it('JUnit: an <error> per problem, counted in errors', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--output-format', 'junit'], { cwd: dir });
    expect(run.status, run.stderr).to.equal(2);
    expect(run.stdout).to.match(/^<\?xml[^]*<testsuites [^>]*errors="2"/);
    expect(run.stdout).to.contain(`<testsuite name="File ${BROKEN.truncated.file}" tests="1" failures="0" errors="1"`);
    expect(run.stdout.match(/<error message="[^"]+" type="(malformed|doctype)">/g)).to.have.length(2);
    expect(run.stdout).to.contain('<failure');
  });

  it('--json: complete false, the problems, exit 2', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--json'], { cwd: dir });
    expect(run.status, run.stderr).to.equal(2);
    const r = run.json?.result as PolicyCheckResult;
    expect(r.complete).to.equal(false);
    expect(r.problems.map((p) => [p.code, p.file, p.line])).to.deep.equal([
      ['malformed', BROKEN.truncated.file, 5],
      ['doctype', BROKEN.doctype.file, 2],
    ]);
  });

  for (const columns of ['80', '120']) {
    it(`human, at ${columns} columns: nothing cut with "…", tables within the width, each file:line whole`, () => {
      // a terminal: CI=true makes @oclif/table print plain tables of natural width (the test below)
      const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--pack', 'review-eca'], { cwd: dir, env: { OCLIF_TABLE_COLUMN_OVERRIDE: columns, COLUMNS: columns, CI: 'false' } });
      expect(run.status, run.stderr).to.equal(2);
      expect(`${run.stdout}${run.stderr}`).not.to.contain('…');
      const tableLines = run.stdout.split('\n').filter((l) => /^[│┌├└]/.test(l));
      expect(tableLines.length).to.be.greaterThan(10);
      for (const l of tableLines) expect(l.length, l).to.be.at.most(Number(columns));
      expect(run.stdout).to.contain(`  ${BROKEN.truncated.file}:5\n`);
      expect(run.stdout).to.contain('  force-app/main/default/connectedApps/Acme_Partner_Portal.connectedApp-meta.xml\n');
      expect(run.stdout).to.contain('Incomplete: 2 inputs could not be read');
    });
  }

  it('in a pipe (no width known): each table drawn whole, every line as wide as its border', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none'], { cwd: EXAMPLES, env: { COLUMNS: '', OCLIF_TABLE_COLUMN_OVERRIDE: '', CI: 'false' } });
    expect(run.status, run.stderr).to.equal(0);
    const tables: string[][] = [];
    let current: string[] | undefined;
    for (const l of run.stdout.split('\n')) {
      if (/^[│┌├└]/.test(l)) (current ??= tables[tables.push([]) - 1]).push(l);
      else current = undefined;
    }
    expect(tables.length).to.be.greaterThan(3);
    // a two-line cell (the finding, then its rule id) once left its first line unpadded, the border further right
    for (const t of tables) for (const l of t) expect(l.length, `${l}\n${t[0]}`).to.equal(t[0].length);
  });

  it('in a CI job (CI=true): plain tables, nothing cut, each finding and file:line whole', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--pack', 'review-eca'], { cwd: dir, env: { CI: 'true', COLUMNS: '80' } });
    expect(run.status, run.stderr).to.equal(2);
    expect(`${run.stdout}${run.stderr}`).not.to.contain('…');
    expect(run.stdout).to.match(/^ Severity +Line +Finding/m);
    expect(run.stdout).to.contain('Refresh tokens are valid until revoked (Infinite).');
    expect(run.stdout).to.contain(`  ${BROKEN.truncated.file}:5\n`);
    expect(run.stdout).to.contain('Incomplete: 2 inputs could not be read');
  });
});
