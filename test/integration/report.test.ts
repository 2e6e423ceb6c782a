/**
 * sf eca report against the simulator's report seed (a client, Northwind: production with 40
 * Connected Apps, vendor packages and login history, its UAT sandbox and a developer org), with
 * auth stored as the CLI stores it:
 * - three orgs, one that does not answer: the report is complete for two and explains the third
 *   (exit 68), and the files are written;
 * - every number agrees with what policy check, convert and list return for the same org;
 * - an org costs the same requests whatever its number of apps;
 * - no secret or token in the page, report.json or Markdown;
 * - --baseline, --mask-users, --json (valid against its schema), bad input named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateAggregator } from '@salesforce/core';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import sinon from 'sinon';
import Convert, { type ConvertResult } from '../../src/commands/eca/convert.js';
import List, { type ListResult } from '../../src/commands/eca/list.js';
import PolicyCheck, { type PolicyCheckResult } from '../../src/commands/eca/policy/check.js';
import Report, { type ReportResult } from '../../src/commands/eca/report.js';
import { buildEca } from '../../src/domain/build.js';
import { ecaComponents } from '../../src/domain/model.js';
import type { OrgReportOk, ReportData } from '../../src/domain/report/index.js';
import { findLeaks } from '../../src/domain/token/redact.js';
import { EXIT_CODES } from '../../src/shared/exitCodes.js';
import type { OrgSeed } from '../../simulator/seed.js';
import { REPORT_SEED_FILE } from '../../simulator/seeds/report.js';
import { componentKey } from '../../simulator/store.js';
import { writeAuthFiles } from '../helpers/cliAuth.js';
import { notHttpsServer } from '../helpers/orgLogins.js';
import { ROOT } from '../helpers/paths.js';
import { type Harness, startHarness } from '../simulator/harness.js';

function schema(name: string): ReturnType<Ajv['compile']> {
  return new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.json`), 'utf8')) as object);
}

function okOrg(data: ReportData, alias: string): OrgReportOk {
  const o = data.orgs.find((x) => x.org.alias === alias);
  if (o?.status !== 'ok') throw new Error(`${alias} was not read`);
  return o;
}

describe('sf eca report against the simulator report seed', function () {
  this.timeout(300_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  let dir: string;
  let dead: Server;

  /** client-dev's stored login points at an address that does not answer (or, with false, at the simulator again). */
  const deadDev = (on: boolean): void => {
    writeAuthFiles(h.home, h.sim, 'client-dev', on ? { instanceUrl: `https://127.0.0.1:${(dead.address() as { port: number }).port}` } : {});
    StateAggregator.clearInstance();
  };
  const readJson = (file: string): ReportData => JSON.parse(readFileSync(join(dir, file), 'utf8')) as ReportData;

  before(async () => {
    h = await startHarness({ seedFile: REPORT_SEED_FILE });
    dead = await notHttpsServer();
    dir = mkdtempSync(join(tmpdir(), 'eca-report-'));
  });
  after(async () => {
    dead?.close();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  let ux: ReturnType<typeof stubSfCommandUx>;
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  describe('three orgs, one that does not answer', () => {
    let result: ReportResult;
    let data: ReportData;
    before(async () => {
      const quiet = sinon.createSandbox();
      stubSfCommandUx(quiet);
      deadDev(true);
      try {
        result = await Report.run(['--all-orgs', '--output-file', join(dir, 'northwind.html'), '--json']);
        expect(process.exitCode).to.equal(EXIT_CODES.report.Incomplete);
        data = readJson('northwind.json');
      } finally {
        deadDev(false);
        quiet.restore();
        process.exitCode = undefined;
      }
    });

    it('is complete for the two orgs it read and explains the third, with the named error and an action for its alias', () => {
      expect(result.complete).to.equal(false);
      expect(result.orgs.map((o) => [o.name, o.status])).to.deep.equal([
        ['client', 'read'],
        ['client-dev', 'unreadable'],
        ['client-uat', 'read'],
      ]);
      const devReport = data.orgs.find((o) => o.org.alias === 'client-dev');
      expect(devReport?.status).to.equal('error');
      if (devReport?.status !== 'error') return;
      expect(devReport.error.name).to.equal('OrgUnreachableError');
      expect(devReport.error.actions?.join('\n')).to.contain('--target-org client-dev');
      expect(data.totals.orgs).to.deep.equal({ total: 3, read: 2, failed: 1 });
      const prod = okOrg(data, 'client');
      expect(prod.inventory.connectedApps).to.be.greaterThan(40);
      expect(prod.readiness.total).to.equal(prod.inventory.connectedApps);
      expect(okOrg(data, 'client-uat').org.isSandbox).to.equal(true);
    });

    it('writes the page and report.json beside it, the page explaining the third org, report.json valid against its schema', () => {
      expect(result.files).to.deep.equal([join(dir, 'northwind.html'), join(dir, 'northwind.json')]);
      const page = readFileSync(join(dir, 'northwind.html'), 'utf8');
      expect(page).to.contain('data-org-error="client-dev"').and.contain('could not be read');
      const validate = schema('eca-report');
      expect(validate(data), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    });

    it('states what the summary promises: how many Connected Apps can be converted now, what will break when and how much it is used, the findings by severity', () => {
      expect(result.readiness.eligible).to.equal(data.totals.readiness.eligible).and.to.be.greaterThan(0);
      expect(result.readiness.notConvertible).to.be.greaterThan(0);
      const soap = result.willBreak.byDeadline.find((d) => d.deadline === 'soap-login-retired');
      expect(soap?.count).to.be.greaterThan(0);
      expect(soap?.when).to.contain('June 2027');
      expect(result.willBreak.top[0]).to.include({ org: 'client', deadline: 'SOAP API login() retired' });
      expect(result.willBreak.top[0].logins).to.be.greaterThan(50);
      expect(result.findings).to.deep.equal(data.totals.findings);
      expect(result.convertCommands.map((c) => c.org)).to.deep.equal(['client', 'client-uat']);
      expect(result.convertCommands[0].command).to.match(/^sf eca convert --target-org client --name /);
    });

    it('--json: a summary valid against schemas/eca-report-result.json', () => {
      const validate = schema('eca-report-result');
      expect(validate(JSON.parse(JSON.stringify(result))), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    });

    it('names the run-as users several apps share, and policy check reports the same apps through run-as-user-shared', async () => {
      const groups = okOrg(data, 'client').hygiene.sharedRunAsUsers;
      expect(groups.length).to.be.greaterThan(0);
      const check = await PolicyCheck.run(['--target-org', 'client', '--fail-on', 'none', '--json']);
      const shared = check.findings.filter((f) => f.ruleId === 'run-as-user-shared');
      const name = (f: { target: string; kind: string }): string => `${f.target}${f.kind === 'connectedApp' ? ' (Connected App)' : ''}`;
      expect(shared.map(name).sort()).to.deep.equal(groups.flatMap((g) => g.apps).sort());
      for (const f of shared) expect(f.message).to.contain(groups.find((g) => g.apps.includes(name(f)))?.user);
      // and the report's findings hold them too: the same engine
      expect(okOrg(data, 'client').findings.items.filter((f) => f.ruleId === 'run-as-user-shared')).to.have.length(shared.length);
    });
  });

  describe('the human view', () => {
    it('says where the files are, the one-minute summary in lines (never a table a narrow terminal cuts), the convert command, and which org could not be read', async () => {
      deadDev(true);
      try {
        const r = await Report.run(['--all-orgs', '--output-file', join(dir, 'human.html')]);
        expect(process.exitCode).to.equal(EXIT_CODES.report.Incomplete);
        const out = [...ux.logSuccess.args, ...ux.log.args].flat().join('\n');
        expect(out).to.contain(`Report written: ${join(dir, 'human.html')}, ${join(dir, 'human.json')}`);
        expect(out).to.contain(`Connected Apps: ${r.readiness.eligible} can be converted now`);
        expect(out).to.contain('SOAP API login() retired (Summer \'27, June 2027)');
        expect(out).to.contain(r.convertCommands[0].command);
        expect(ux.table.called).to.equal(false);
        const warnings = ux.warn.args.flat().map((w) => (typeof w === 'string' ? w : (w as { message: string }).message)).join('\n');
        expect(warnings).to.contain('client-dev could not be read');
      } finally {
        deadDev(false);
      }
    });
  });

  describe('every number comes from the functions policy check, convert and list use', () => {
    let data: ReportData;
    before(async () => {
      const quiet = sinon.createSandbox();
      stubSfCommandUx(quiet);
      try {
        await Report.run(['--target-org', 'client', '--target-org', 'client-uat', '--output-file', join(dir, 'agree.html'), '--json']);
        data = readJson('agree.json');
      } finally {
        quiet.restore();
        process.exitCode = undefined;
      }
    });

    for (const alias of ['client', 'client-uat']) {
      it(`${alias}: the findings are policy check's, finding for finding`, async () => {
        const check: PolicyCheckResult = await PolicyCheck.run(['--target-org', alias, '--fail-on', 'none', '--json']);
        const org = okOrg(data, alias);
        expect(org.findings.summary).to.deep.equal(check.summary);
        const key = (f: { ruleId: string; target: string; kind: string; field?: string; message: string }): string => [f.ruleId, f.kind, f.target, f.field ?? '', f.message].join('|');
        expect(org.findings.items.map(key).sort()).to.deep.equal(check.findings.map(key).sort());
      });

      it(`${alias}: the inventory is list's rows, plus the Connected Apps installed from packages`, async () => {
        const list: ListResult = await List.run(['--target-org', alias, '--json']);
        const org = okOrg(data, alias);
        const fromList = list.apps.map((a) => `${a.kind === 'ExternalClientApp' ? 'eca' : 'connectedApp'}:${a.name}`).sort();
        const local = org.inventory.apps.filter((a) => !(a.kind === 'connectedApp' && a.origin === 'installed' && !a.namespacePrefix));
        expect(local.map((a) => `${a.kind}:${a.name}`).sort()).to.deep.equal(fromList);
        expect(org.inventory.ecas).to.equal(list.apps.filter((a) => a.kind === 'ExternalClientApp').length);
      });

      it(`${alias}: readiness is convert's outcome for every Connected App, with the reasons only the org's logins give`, async () => {
        const out = mkdtempSync(join(tmpdir(), 'eca-report-convert-'));
        let converted: ConvertResult;
        try {
          converted = await Convert.run(['--target-org', alias, '--all', '--output-dir', out, '--json']);
        } finally {
          rmSync(out, { recursive: true, force: true });
          process.exitCode = undefined;
        }
        const org = okOrg(data, alias);
        expect(org.readiness.total).to.equal(converted.apps.length);
        const byName = new Map(org.readiness.apps.map((a) => [a.name, a]));
        for (const app of converted.apps) {
          const r = byName.get(app.name);
          expect(r, app.name).to.not.equal(undefined);
          if (!r) continue;
          const codes = r.reasons.map((x) => x.code);
          const extra = codes.filter((c) => c !== 'username-password-flow');
          if (app.status === 'skipped') expect(r.category, app.name).to.equal(/installed/i.test(app.reason ?? '') ? 'not-convertible' : 'converted');
          else if (app.status === 'failed') expect(codes, app.name).to.include('invalid-result');
          else if (app.status === 'clean') {
            // clean for convert: eligible, unless clients still log in with the username-password flow
            expect(r.category === 'eligible' || (r.category === 'not-convertible' && extra.length === 0), `${app.name}: ${r.category} ${codes.join(',')}`).to.equal(true);
          } else {
            expect(['attention', 'not-convertible'], app.name).to.include(r.category);
            const attention = [...app.report.filter((f) => f.outcome === 'attention').map((f) => f.source), ...app.notices.filter((n) => n.severity === 'attention').map((n) => n.code)];
            if (r.category === 'attention') expect(codes.sort(), app.name).to.deep.equal(attention.sort());
          }
        }
        expect(org.readiness.eligible).to.equal(converted.apps.filter((a) => a.status === 'clean').length - org.readiness.apps.filter((a) => a.category === 'not-convertible' && a.reasons.every((x) => x.code === 'username-password-flow') && converted.apps.find((c) => c.name === a.name)?.status === 'clean').length);
      });
    }
  });

  describe('requests', () => {
    const manyApps = (n: number): NonNullable<OrgSeed['components']> =>
      Array.from({ length: n }, (_, i) => [
        ...ecaComponents(buildEca({ name: `App_${i}`, contactEmail: 'a@acme.example', apiVersion: 66, template: 'server-to-server', runAs: 'int@count.acme.example' }).eca),
        { type: 'ConnectedApp', fullName: `Legacy_${i}`, values: { label: `Legacy ${i}`, contactEmail: 'a@acme.example', oauthConfig: { callbackUrl: 'https://x.acme.example/cb', scopes: ['Api'] } } },
      ]).flat();
    let counted: Harness;
    before(async () => {
      // a harness of its own: the CLI home is per process, so the main one steps aside meanwhile
      const users = (org: string): OrgSeed['users'] => [
        { username: `admin@${org}.count.acme.example`, lastName: 'Admin', profile: 'System Administrator' },
        { username: org === 'ten' ? 'int@count.acme.example' : `int@${org}.count.acme.example`, lastName: 'Int', profile: 'System Administrator' },
      ];
      counted = await startHarness({ orgs: [{ alias: 'ten', users: users('ten'), components: manyApps(10) }, { alias: 'hundred', users: users('hundred'), components: manyApps(100) }] });
    });
    // close() gives the process the main harness's CLI home back
    after(async () => counted?.close());

    it('an org of 200 apps costs the same requests as an org of 20: one retrieve and a constant number of queries', async () => {
      counted.sim.resetLog();
      await Report.run(['--target-org', 'ten', '--output-file', join(dir, 'ten.html'), '--json']);
      const ten = { all: counted.sim.count(), retrieve: counted.sim.count('soap:retrieve'), query: counted.sim.count('rest:query'), tooling: counted.sim.count('rest:tooling-query') };
      counted.sim.resetLog();
      await Report.run(['--target-org', 'hundred', '--output-file', join(dir, 'hundred.html'), '--json']);
      const hundred = { all: counted.sim.count(), retrieve: counted.sim.count('soap:retrieve'), query: counted.sim.count('rest:query'), tooling: counted.sim.count('rest:tooling-query') };
      expect(hundred).to.deep.equal(ten);
      expect(ten.retrieve).to.equal(1);
      // run-as users (2), token usage (1), ECAs and their policies (1-2), ConnectedApplication (1),
      // permission sets (1), LoginHistory (1), its visibility (2), Organization (1)
      expect(ten.query).to.be.at.most(11);
      expect(ten.tooling).to.equal(1);
    });
  });

  describe('what the files never hold', () => {
    it('no consumer secret, refresh token or token-shaped value in the page, report.json or the Markdown', async () => {
      await Report.run(['--all-orgs', '--output-file', join(dir, 'scan.html'), '--json']);
      await Report.run(['--all-orgs', '--format', 'md', '--output-file', join(dir, 'scan.md'), '--json']);
      const secrets = ['client', 'client-uat', 'client-dev'].flatMap((a) => [h.sim.login(a).refreshToken, ...[...h.sim.org(a).credentials.values()].map((c) => c.consumerSecret)]);
      expect(secrets.length).to.be.greaterThan(10);
      for (const file of ['scan.html', 'scan.json', 'scan.md']) {
        const text = readFileSync(join(dir, file), 'utf8');
        expect(secrets.filter((s) => text.includes(s)), file).to.deep.equal([]);
        expect(findLeaks(text), file).to.deep.equal([]);
      }
    });

    it('--mask-users masks every user name in the files and in the --json summary', async () => {
      const r = await Report.run(['--all-orgs', '--mask-users', '--output-file', join(dir, 'masked.html'), '--json']);
      for (const text of [readFileSync(join(dir, 'masked.html'), 'utf8'), readFileSync(join(dir, 'masked.json'), 'utf8'), JSON.stringify(r)]) {
        expect(text).to.not.match(/[a-z.]+@northwind\.example/);
        expect(text).to.contain('***');
      }
    });
  });

  describe('--baseline', () => {
    it('shows what changed since an earlier report.json: an app converted since', async () => {
      await Report.run(['--target-org', 'client', '--output-file', join(dir, 'may.html'), '--json']);
      // a month later, Partner_Portal has become an External Client App
      const org = h.sim.org('client');
      const eca = ecaComponents(buildEca({ name: 'Partner_Portal', contactEmail: 'a@northwind.example', apiVersion: 66, template: 'web-app', callbackUrls: ['https://portal.northwind.example/cb'] }).eca);
      for (const c of eca) org.addComponent(c);
      try {
        const r = await Report.run(['--target-org', 'client', '--baseline', join(dir, 'may.json'), '--output-file', join(dir, 'june.html'), '--json']);
        expect(r.baseline?.converted).to.equal(1);
        const june = readJson('june.json');
        expect(june.baseline?.converted.map((c) => c.what)).to.deep.equal(['Partner Portal is an External Client App now']);
        expect(readFileSync(join(dir, 'june.html'), 'utf8')).to.contain('Partner Portal is an External Client App now');
      } finally {
        for (const c of eca) org.components.delete(componentKey(c.type, c.fullName));
      }
    });

    it('refuses a baseline that is not a report.json, or that this run would overwrite, and writes nothing', async () => {
      writeFileSync(join(dir, 'not-a-report.json'), JSON.stringify({ passed: true, findings: [] }));
      for (const [args, name] of [
        [['--baseline', join(dir, 'not-a-report.json'), '--output-file', join(dir, 'x.html')], 'BaselineInvalidError'],
        [['--baseline', join(dir, 'may.json'), '--output-file', join(dir, 'may.html')], 'BaselineIsOutputError'],
      ] as const) {
        try {
          await Report.run(['--target-org', 'client', ...args]);
          expect.fail('should fail');
        } catch (e) {
          expect(e).to.include({ name, exitCode: EXIT_CODES.report.Failed });
        }
      }
      expect(() => readFileSync(join(dir, 'x.html'))).to.throw();
    });
  });

  describe('an org read in part', () => {
    it('a user without Manage Users or Monitor Login History sees only their own logins: the org says so, in the page and in --json', async () => {
      const org = h.sim.org('client');
      // the seed's CLI user is a System Administrator (simulator/seeds/report.ts)
      const profile = 'System Administrator';
      org.setPermission(profile, 'ManageUsers', false);
      org.setPermission(profile, 'MonitorLoginHistory', false);
      try {
        const r = await Report.run(['--target-org', 'client', '--output-file', join(dir, 'partial.html'), '--json']);
        expect(r.complete).to.equal(true);
        expect(r.orgs[0].notes?.join(' ')).to.contain(`only the logins of ${org.cliUsername}`);
        // the SOAP integration user's logins are not the admin's: nothing in view breaks
        expect(r.willBreak.byDeadline.find((d) => d.deadline === 'soap-login-retired')).to.equal(undefined);
        expect(readFileSync(join(dir, 'partial.html'), 'utf8')).to.contain('data-org-note="client"').and.contain('was read in part');
        expect(readJson('partial.json').orgs[0]).to.have.property('notes').with.length(1);
      } finally {
        org.setPermission(profile, 'ManageUsers', true);
        org.setPermission(profile, 'MonitorLoginHistory', true);
      }
    });
  });

  describe('when nothing can be reported', () => {
    it('the one org named does not answer: its own named error, exit 1, no file', async () => {
      deadDev(true);
      try {
        await Report.run(['--target-org', 'client-dev', '--output-file', join(dir, 'dev.html')]);
        expect.fail('should fail');
      } catch (e) {
        expect(e).to.include({ name: 'OrgUnreachableError', exitCode: EXIT_CODES.report.Failed });
        expect((e as { actions?: string[] }).actions?.join('\n')).to.contain('client-dev');
      } finally {
        deadDev(false);
      }
      expect(() => readFileSync(join(dir, 'dev.html'))).to.throw();
    });

    it('no org named can be read: one error naming each org and why, exit 1, no file', async () => {
      deadDev(true);
      try {
        await Report.run(['--target-org', 'client-dev', '--target-org', 'no-such-alias', '--output-file', join(dir, 'none.html')]);
        expect.fail('should fail');
      } catch (e) {
        expect(e).to.include({ name: 'NoOrgReadError', exitCode: EXIT_CODES.report.Failed });
        expect((e as Error).message).to.contain('client-dev:').and.contain('no-such-alias:');
        expect((e as { actions?: string[] }).actions?.join('\n')).to.contain('client-dev');
      } finally {
        deadDev(false);
      }
      expect(() => readFileSync(join(dir, 'none.html'))).to.throw();
    });
  });
});
