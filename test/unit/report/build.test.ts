import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { evaluate } from '../../../src/domain/policy/evaluate.js';
import { findLeaks } from '../../../src/domain/token/redact.js';
import {
  assertNoSecrets,
  buildReport,
  compareWithBaseline,
  type OrgInput,
  type OrgReportOk,
  type ReportData,
} from '../../../src/domain/report/index.js';
import { ROOT } from '../../helpers/paths.js';
import { fixtureInputs, fixtureReport, NOW, SHARED_RUN_AS, SMUGGLED_TOKEN } from '../../helpers/reportFixture.js';

function okOrgs(r: ReportData): OrgReportOk[] {
  return r.orgs.filter((o): o is OrgReportOk => o.status === 'ok');
}

function inputs(): OrgInput[] {
  return fixtureInputs().filter((i): i is OrgInput => !('error' in i));
}

describe('report: ReportData from the fixture orgs', () => {
  const report = fixtureReport();

  it('explains the org it could not read and completes the others', () => {
    expect(report.orgs.map((o) => [o.org.alias, o.status])).to.deep.equal([
      ['acme-prod', 'ok'],
      ['acme-uat', 'ok'],
      ['acme-dev', 'error'],
    ]);
    const dev = report.orgs[2];
    expect(dev.status === 'error' && dev.error.message).to.contain('expired access/refresh token');
    expect(report.totals.orgs).to.deep.equal({ total: 3, read: 2, failed: 1 });
  });

  it('takes its finding counts from evaluate(), the function behind policy check', () => {
    for (const [i, input] of inputs().entries()) {
      const again = evaluate(input.audited, { waivers: input.evaluation.config.waivers }, NOW);
      expect(okOrgs(report)[i].findings.summary, input.org.alias).to.deep.equal({ ...again.summary });
      expect(okOrgs(report)[i].findings.items.map((f) => f.ruleId)).to.deep.equal(again.findings.map((f) => f.ruleId));
    }
    expect(report.totals.findings.total).to.equal(okOrgs(report).reduce((n, o) => n + o.findings.summary.total, 0));
    expect(report.totals.findings.waived).to.equal(1);
  });

  it("takes readiness from convert's status: clean apps are eligible unless logins block them; attention never becomes eligible", () => {
    for (const [i, input] of inputs().entries()) {
      const entries = new Map(okOrgs(report)[i].readiness.apps.map((a) => [a.name, a]));
      expect(entries.size).to.equal(input.conversions.length);
      for (const c of input.conversions) {
        const e = entries.get(c.name)!;
        if (c.skipped === 'converted') expect(e.category).to.equal('converted');
        else if (c.skipped === 'installed') expect(e.category).to.equal('not-convertible');
        else if (c.result?.status === 'clean') expect(e.category, c.name).to.be.oneOf(['eligible', 'not-convertible']);
        else expect(e.category, c.name).to.be.oneOf(['attention', 'not-convertible']);
      }
    }
    const prod = okOrgs(report)[0].readiness;
    expect(prod).to.include({ eligible: 12, attention: 1, notConvertible: 6, converted: 2, total: 21 });
    expect(prod.command).to.match(/^sf eca convert --target-org acme-prod --name Analytics_Export /);
  });

  it('counts the inventory from list rows', () => {
    for (const [i, input] of inputs().entries()) {
      const inv = okOrgs(report)[i].inventory;
      expect(inv.ecas).to.equal(input.apps.filter((a) => a.kind === 'ExternalClientApp').length);
      expect(inv.connectedApps).to.equal(input.apps.filter((a) => a.kind === 'ConnectedApp').length);
    }
    expect(report.totals.apps).to.deep.equal({ ecas: 14, connectedApps: 26, installed: 3 });
  });

  it('ranks what will break by usage, across deadlines', () => {
    const prod = okOrgs(report)[0].willBreak;
    expect(prod.map((e) => e.usage.logins)).to.deep.equal([...prod.map((e) => e.usage.logins)].sort((a, b) => b - a));
    expect(report.totals.willBreak.byDeadline.map((d) => [d.deadline, d.count])).to.deep.equal([
      ['isv-oauth-requirements', 1],
      ['soap-login-retired', 5],
      ['oauth-username-password-deprecated', 3],
    ]);
  });

  it('finds the shared run-as user and the stale secrets', () => {
    const h = okOrgs(report)[0].hygiene;
    expect(h.sharedRunAsUsers).to.deep.equal([{ user: SHARED_RUN_AS, apps: ['Data_Loader_Jobs (Connected App)', 'Order_Events', 'Payroll_Bridge (Connected App)'] }]);
    expect(h.secrets.stale.map((s) => s.app)).to.deep.equal(['Billing_Sync', 'Order_Events']);
    expect(okOrgs(report)[1].hygiene.secrets.assessed).to.equal(false);
  });

  it('holds no secret: a token in client text is redacted, fields the model does not have are never copied', () => {
    const json = JSON.stringify(report);
    expect(json).not.to.contain(SMUGGLED_TOKEN);
    expect(json).to.contain('[REDACTED]');
    expect(findLeaks(report)).to.deep.equal([]);
    const smuggling = fixtureInputs().map((i) => ('error' in i ? i : { ...i, consumerSecret: 'SuperSecretValue123', accessToken: SMUGGLED_TOKEN }));
    const again = JSON.stringify(buildReport(smuggling, { now: NOW }));
    expect(again).not.to.contain('SuperSecretValue123');
    expect(again).not.to.contain(SMUGGLED_TOKEN);
    expect(() => assertNoSecrets({ note: `token ${SMUGGLED_TOKEN}` })).to.throw(/secret-shaped values at \$\.note/);
  });

  it('--mask-users leaves no user name, in fields, messages or commands', () => {
    const plain = JSON.stringify(report);
    expect(plain).to.contain('informatica@acme.example.com');
    const masked = JSON.stringify(fixtureReport({ maskUsers: true }));
    expect(masked).not.to.match(/[a-z0-9._-]+@acme\.example\.com/i);
    expect(masked).to.contain('i***@a***~');
  });

  it('is valid against schemas/eca-report.json, which is generated from ReportData', function () {
    this.timeout(60_000);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-report-schema.mjs'), '--check'], { encoding: 'utf8' });
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-report.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const withBaseline = fixtureReport({ baseline: report });
    for (const r of [report, fixtureReport({ maskUsers: true }), withBaseline]) {
      expect(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors)).to.equal(true);
    }
    expect(validate({ ...report, orgs: [{ status: 'ok', org: { alias: 'x' } }] })).to.equal(false);
  });
});

describe('report: history against a baseline', () => {
  it('tells what was converted, fixed, and newly at risk since the earlier report', () => {
    const now = fixtureReport();
    // the month before: Slack_Alerts was still a Connected App, one more finding, no QA Harness logins
    const before = JSON.parse(JSON.stringify(now)) as ReportData;
    const prod = before.orgs[0] as OrgReportOk;
    const slack = prod.readiness.apps.find((a) => a.name === 'Slack_Alerts')!;
    slack.category = 'eligible';
    prod.findings.items.push({ ruleId: 'callback-url-not-https', title: 'Callback URL over plain HTTP', severity: 'high', message: 'm', target: 'Billing_Sync', kind: 'connectedApp', remediation: '' });
    const uat = before.orgs[1] as OrgReportOk;
    uat.willBreak = uat.willBreak.filter((e) => !(e.subject.type === 'app' && e.subject.name === 'QA_Harness'));
    const diff = compareWithBaseline(now, before);
    expect(diff.converted).to.deep.equal([{ org: 'acme-prod', what: 'Slack Alerts is an External Client App now' }]);
    expect(diff.findingsFixed).to.deep.equal([{ org: 'acme-prod', what: 'Callback URL over plain HTTP: Billing_Sync', ruleId: 'callback-url-not-https', severity: 'high' }]);
    expect(diff.newFindings).to.deep.equal([]);
    expect(diff.newWillBreak.map((c) => c.what)).to.deep.equal(['OAuth username-password flow deprecated (not available to ECAs): QA Harness']);
    expect(diff.resolvedWillBreak).to.deep.equal([]);
    expect(diff.orgsAdded).to.deep.equal([]);
    expect(diff.note).to.equal(undefined);
  });

  it('does not claim fixes for an org it could not read now, and notes masking differences', () => {
    const now = fixtureReport();
    const before = fixtureReport({ maskUsers: true });
    const failedNow: ReportData = { ...now, orgs: [{ status: 'error', org: now.orgs[0].org, error: { name: 'E', message: 'down' } }, ...now.orgs.slice(1)] };
    const diff = compareWithBaseline(failedNow, before);
    expect(diff.findingsFixed.filter((c) => c.org === 'acme-prod')).to.deep.equal([]);
    expect(diff.note).to.contain('masks user names');
  });
});
