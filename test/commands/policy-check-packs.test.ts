/**
 * policy check --pack: the compliance packs of src/domain/policy/packs.ts over the same findings,
 * each control pass, fail (with the findings as evidence) or not assessed; a control that could
 * not be assessed is never a pass (no rule for it, no fact for its rule, or input not read).
 * SARIF and JUnit do not change with --pack.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { expect } from 'chai';
import PolicyCheck, { type PolicyCheckResult } from '../../src/commands/eca/policy/check.js';
import { checkPolicies } from '../../src/operations/policyCheck.js';
import { PACKS } from '../../src/domain/policy/packs.js';
import { EXIT_CODES } from '../../src/shared/exitCodes.js';
import { inExampleProject } from '../helpers/exampleProject.js';

function control(r: PolicyCheckResult, pack: string, id: string): NonNullable<PolicyCheckResult['packs']>[number]['controls'][number] {
  const c = r.packs?.find((p) => p.id === pack)?.controls.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${pack}/${id}`);
  return c;
}

describe('sf eca policy check --pack', () => {
  const $$ = new TestContext();
  const project = inExampleProject($$, 'eca-pack-');

  it('evaluates each control of both packs over the findings, with evidence', async () => {
    const r = await PolicyCheck.run(['--source-dir', 'force-app', '--pack', 'review-eca', '--pack', 'isv-oauth', '--fail-on', 'none']);
    expect(r.packs?.map((p) => p.id)).to.deep.equal(['review-eca', 'isv-oauth']);
    for (const p of r.packs ?? []) {
      expect(p.controls).to.have.length(PACKS.find((x) => x.id === p.id)?.controls.length ?? -1);
      expect(p.passed + p.failed + p.notAssessed).to.equal(p.controls.length);
      expect(p.source.url).to.match(/^https:\/\//);
    }
    const pkce = control(r, 'review-eca', 'require-pkce');
    expect(pkce.status).to.equal('fail');
    expect(pkce.evidence.map((e) => `${e.ruleId}:${e.target}`)).to.deep.equal(['pkce-not-required:Acme_ERP_Integration', 'pkce-not-required:Acme_Partner_Portal']);
    expect(control(r, 'isv-oauth', 'isv-ip-allowlisting').status).to.equal('fail');
    // no rule reads ID tokens: never a pass
    expect(control(r, 'review-eca', 'configure-id-token').status).to.equal('not-assessed');
    // the usage rule needs an org's token usage: from source files, not assessed (was a pass)
    expect(control(r, 'review-eca', 'oauth-usage').status).to.equal('not-assessed');
    // org settings cannot be read from source
    expect(control(r, 'review-eca', 'metadata-secrets-protection').status).to.equal('not-assessed');
    // a pass has no active finding behind it
    for (const p of r.packs ?? []) for (const c of p.controls.filter((x) => x.status === 'pass')) expect(c.evidence.filter((e) => !e.waived), c.id).to.deep.equal([]);
    expect(control(r, 'review-eca', 'require-secret-refresh-token').status).to.equal('pass');
  });

  it('with input it could not read, no control passes', async () => {
    writeFileSync(join(project.dir, 'force-app/main/default/connectedApps/Cut.connectedApp-meta.xml'), '<?xml version="1.0"?>\n<ConnectedApp>\n  <label>Cut</label>\n');
    const r = await PolicyCheck.run(['--source-dir', 'force-app', '--pack', 'review-eca', '--fail-on', 'none']);
    expect(process.exitCode).to.equal(EXIT_CODES.policyCheck.Incomplete);
    const pack = r.packs?.[0];
    expect(pack?.passed).to.equal(0);
    expect(pack?.controls.filter((c) => c.status === 'pass')).to.deep.equal([]);
    const refresh = control(r, 'review-eca', 'require-secret-refresh-token');
    expect(refresh.status).to.equal('not-assessed');
    expect(refresh.note).to.match(/could not be read/);
    // a failure stays a failure
    expect(control(r, 'review-eca', 'require-pkce').status).to.equal('fail');
  });

  it('prints a table per pack: status, control and evidence', async () => {
    await PolicyCheck.run(['--source-dir', 'force-app', '--pack', 'isv-oauth', '--fail-on', 'none']);
    const lines = project.ux.log.getCalls().map((c) => String(c.args[0]));
    expect(lines.join('\n')).to.match(/OAuth requirements for partner apps \(ISVforce Guide\): \d+ pass, \d+ fail, \d+ not assessed/);
    const tables = project.ux.table.getCalls().map((c) => (c.args[0] as { data: Array<Record<string, string>> }).data);
    const pack = tables.find((t) => t.some((row) => row.Control?.startsWith('Proof Key for Code Exchange')));
    expect(pack?.find((row) => row.Control.startsWith('Proof Key'))).to.deep.include({ Status: 'FAIL' });
    expect(pack?.find((row) => row.Control.startsWith('Proof Key'))?.Control).to.contain('- pkce-not-required (medium): Acme_ERP_Integration');
  });

  it('SARIF and JUnit are the same with and without --pack', async () => {
    for (const outputFormat of ['sarif', 'junit'] as const) {
      const input = { sourceDirs: ['force-app'], allOrgs: false, outputFormat, fix: false };
      const plain = await checkPolicies(input);
      const packed = await checkPolicies({ ...input, packs: ['review-eca', 'isv-oauth'] });
      expect(packed.report).to.equal(plain.report);
      expect(packed.result.packs).to.have.length(2);
    }
  });
});
