/**
 * End to end in the real @salesforce/cli (the plugin linked): a policy gate on a project with a
 * truncated metadata file exits 2, never 0 ("passed") or 1 ("findings"), and its SARIF says why:
 * a toolExecutionNotification naming the file and line, under an invocation that did not succeed.
 * Needs the built plugin (npm test builds first).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { ROOT } from '../helpers/paths.js';
import { SfCli } from '../helpers/sfCli.js';

const TRUNCATED = 'force-app/main/default/connectedApps/Cut.connectedApp-meta.xml';

describe('end to end: sf eca policy check on a truncated file', function () {
  this.timeout(180_000);
  let sf: SfCli;
  let project: string;

  before(() => {
    sf = SfCli.link();
    project = mkdtempSync(join(tmpdir(), 'eca-e2e-gate-'));
    cpSync(join(ROOT, 'examples'), project, { recursive: true, filter: (src) => !src.includes(join(ROOT, 'examples', 'out')) });
    // a file cut off mid-way, as an interrupted checkout or a bad merge leaves it
    writeFileSync(
      join(project, TRUNCATED),
      '<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Cut</label>\n    <oauthConfig>\n        <callbackUrl>https://cut.acme.example/cb</callbackUrl>\n'
    );
  });

  after(() => {
    sf?.dispose();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('exits 2 with a SARIF toolExecutionNotification for the file, even with --fail-on none', async () => {
    const r = await sf.run(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--output-format', 'sarif'], { cwd: project });
    expect(r.status, r.stderr).to.equal(2);
    const log = JSON.parse(r.stdout) as {
      runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> }>;
    };
    const inv = log.runs[0].invocations[0];
    expect(inv.executionSuccessful).to.equal(false);
    expect(inv.toolExecutionNotifications).to.have.length(1);
    const n = inv.toolExecutionNotifications[0];
    expect(n.level).to.equal('error');
    expect(n.message.text).to.contain('truncated');
    expect(n.locations[0].physicalLocation.artifactLocation.uri).to.equal(TRUNCATED);
    expect(n.locations[0].physicalLocation.region.startLine).to.equal(5);
  });

  it('--json: exit 2, complete false, the result valid against its schema', async () => {
    const r = await sf.run(['eca', 'policy', 'check', '--source-dir', 'force-app', '--json'], { cwd: project });
    expect(r.status, r.stdout).to.equal(2);
    const result = r.json?.result as { complete: boolean; problems: Array<{ code: string; file: string; line: number }> };
    expect(result.complete).to.equal(false);
    expect(result.problems.map((p) => [p.code, p.file, p.line])).to.deep.equal([['malformed', TRUNCATED, 5]]);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-policy-check.json'), 'utf8')) as object);
    expect(validate(result), JSON.stringify(validate.errors)).to.equal(true);
  });
});
