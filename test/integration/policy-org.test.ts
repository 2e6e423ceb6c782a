/**
 * policy check against simulator orgs: the example project's apps seeded into an org give the
 * same findings as the source check, and reading an org of 1,000 apps costs the same requests as
 * an org of 10.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import sinon from 'sinon';
import PolicyCheck, { type PolicyCheckResult } from '../../src/commands/eca/policy/check.js';
import { buildEca } from '../../src/domain/build.js';
import { componentOfFile } from '../../src/domain/components.js';
import { ecaComponents } from '../../src/domain/model.js';
import { parseMetadataXml } from '../../src/domain/xml.js';
import type { OrgSeed } from '../../simulator/seed.js';
import { ROOT } from '../helpers/paths.js';
import { type Harness, startHarness } from '../simulator/harness.js';

const EXAMPLE_SOURCE = join(ROOT, 'examples', 'force-app');

function exampleComponents(): NonNullable<OrgSeed['components']> {
  return readdirSync(EXAMPLE_SOURCE, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .flatMap((d) => {
      const file = join(d.parentPath, d.name);
      const c = componentOfFile(file);
      if (!c) return [];
      return [{ type: c.kind.type, fullName: c.fullName, values: parseMetadataXml(readFileSync(file, 'utf8')).values }];
    });
}

function manyApps(n: number): NonNullable<OrgSeed['components']> {
  return Array.from({ length: n }, (_, i) =>
    ecaComponents(buildEca({ name: `App_${i}`, contactEmail: 'a@acme.example', apiVersion: 66, template: 'web-app', callbackUrls: ['https://x.acme.example/cb'] }).eca)
  ).flat();
}

function byApp(r: PolicyCheckResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of r.findings) if (f.kind === 'eca' || f.kind === 'connectedApp') (out[f.target] ??= []).push(f.ruleId);
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}

describe('sf eca policy check against simulator orgs', function () {
  this.timeout(120_000);
  const sandbox = sinon.createSandbox();
  let h: Harness;
  // usernames are unique across orgs, as in Salesforce
  const users = (org: string): OrgSeed['users'] => [
    { username: `admin@${org}.policy.acme.example`, lastName: 'Admin', profile: 'System Administrator' },
    { username: org === 'examples' ? 'erp.integration@acme.example' : `erp@${org}.policy.acme.example`, lastName: 'ERP', profile: 'Minimum Access - API Only Integrations', apiOnly: true },
  ];

  before(async () => {
    h = await startHarness({
      orgs: [
        { alias: 'examples', profiles: [{ name: 'Acme Integration User', apiOnly: true }], permissionSets: [{ name: 'Portal_Users' }], users: users('examples'), components: exampleComponents() },
        { alias: 'ten', users: users('ten'), components: manyApps(10) },
        { alias: 'thousand', users: users('thousand'), components: manyApps(1000) },
        {
          alias: 'runas',
          permissionSets: [
            { name: 'API_Only_Integration', apiOnly: true },
            { name: 'Data_Admin', modifyAllData: true },
          ],
          users: [
            { username: 'admin@runas.policy.acme.example', lastName: 'Admin', profile: 'System Administrator' },
            { username: 'api@runas.policy.acme.example', lastName: 'Api', profile: 'Standard User', permissionSets: ['API_Only_Integration'] },
            { username: 'power@runas.policy.acme.example', lastName: 'Power', profile: 'Standard User', permissionSets: ['API_Only_Integration', 'Data_Admin'] },
          ],
          components: [
            ...ecaComponents(buildEca({ name: 'Via_PermSet', contactEmail: 'a@acme.example', apiVersion: 66, template: 'server-to-server', runAs: 'api@runas.policy.acme.example' }).eca),
            ...ecaComponents(buildEca({ name: 'Too_Powerful', contactEmail: 'a@acme.example', apiVersion: 66, template: 'server-to-server', runAs: 'power@runas.policy.acme.example' }).eca),
          ],
        },
      ],
    });
  });
  after(async () => h?.close());
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    process.exitCode = undefined;
  });
  afterEach(() => {
    sandbox.restore();
    process.exitCode = undefined;
  });

  it('finds in the org what it finds in the source, app by app', async () => {
    const cwd = process.cwd();
    process.chdir(join(ROOT, 'examples'));
    let source: PolicyCheckResult;
    try {
      source = await PolicyCheck.run(['--source-dir', 'force-app', '--fail-on', 'high', '--json']);
    } finally {
      process.chdir(cwd);
    }
    const org = await PolicyCheck.run(['--target-org', 'examples', '--fail-on', 'high', '--json']);
    expect(org.passed).to.equal(false);
    const fromSource = byApp(source);
    const fromOrg = byApp(org);
    expect(Object.keys(fromOrg).sort()).to.deep.equal(Object.keys(fromSource).sort());
    for (const app of Object.keys(fromSource)) {
      // the org adds what only an org knows (token usage); every source finding is there too
      expect(fromOrg[app], app).to.include.members(fromSource[app]);
    }
    expect(org.findings.every((f) => f.file === undefined)).to.equal(true);
    expect(relative(ROOT, EXAMPLE_SOURCE)).to.equal(join('examples', 'force-app'));
  });

  it('reports org settings that expose consumer secrets, read with the same retrieve', async () => {
    h.sim.org('ten').settings.enableConsumerSecretApiAccess = true;
    try {
      h.sim.resetLog();
      const r = await PolicyCheck.run(['--target-org', 'ten', '--fail-on', 'none', '--json']);
      expect(r.findings.filter((f) => f.kind === 'org').map((f) => f.ruleId)).to.deep.equal(['org-consumer-secret-metadata-access']);
      expect(h.sim.count('soap:retrieve')).to.equal(1);
    } finally {
      h.sim.org('ten').settings.enableConsumerSecretApiAccess = false;
    }
  });

  it('reads the run-as user\'s permissions from its profile and its permission sets', async () => {
    const r = await PolicyCheck.run(['--target-org', 'runas', '--fail-on', 'none', '--json']);
    const rules = (app: string): string[] => r.findings.filter((f) => f.target === app).map((f) => f.ruleId);
    // API Only granted by a permission set counts
    expect(rules('Via_PermSet')).to.not.include('client-credentials-run-as-not-api-only');
    expect(rules('Via_PermSet')).to.not.include('client-credentials-run-as-admin');
    // so does Modify All Data granted by one
    expect(rules('Too_Powerful')).to.include('client-credentials-run-as-admin');
  });

  it('--all-orgs checks every org the CLI has authorized', async () => {
    const r = await PolicyCheck.run(['--all-orgs', '--fail-on', 'none', '--json']);
    expect(r.sources.orgs.sort()).to.deep.equal(['examples', 'runas', 'ten', 'thousand']);
    expect(r.apps).to.have.length(5 + 10 + 1000 + 2);
  });

  it('reads an org of 1,000 apps with the same requests as an org of 10', async () => {
    h.sim.resetLog();
    const ten = await PolicyCheck.run(['--target-org', 'ten', '--fail-on', 'none', '--json']);
    const requestsTen = h.sim.count();
    const retrieveTen = h.sim.count('soap:retrieve');
    h.sim.resetLog();
    const thousand = await PolicyCheck.run(['--target-org', 'thousand', '--fail-on', 'none', '--json']);
    expect(ten.apps).to.have.length(10);
    expect(thousand.apps).to.have.length(1000);
    expect(h.sim.count()).to.equal(requestsTen);
    expect(h.sim.count('soap:retrieve')).to.equal(1);
    expect(retrieveTen).to.equal(1);
    // run-as users (profile, permission sets) and token usage
    expect(h.sim.count('rest:query')).to.be.at.most(3);
  });
});
