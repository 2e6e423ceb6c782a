import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { listFiles } from '../helpers/files.js';
import Convert from '../../src/commands/eca/convert.js';
import { assembleEcas, type Component } from '../../src/domain/model.js';
import { componentOfFile } from '../../src/domain/components.js';
import { validateEca } from '../../src/domain/validate.js';
import { parseMetadataXml } from '../../src/domain/xml.js';
import { FIXTURES, ROOT } from '../helpers/paths.js';


function readEcas(dir: string): ReturnType<typeof assembleEcas> {
  const components: Component[] = listFiles(dir).flatMap((f) => {
    const c = componentOfFile(f);
    if (!c || c.kind.type === 'ConnectedApp') return [];
    const p = parseMetadataXml(readFileSync(join(dir, f), 'utf8'));
    return [{ type: p.type, fullName: c.fullName, values: p.values }];
  });
  return assembleEcas(components);
}

describe('sf eca convert (source)', () => {
  const $$ = new TestContext();
  let dir: string;
  let cwd: string;

  beforeEach(() => {
    $$.SANDBOXES.PROJECT.restore();
    $$.SANDBOXES.CONFIG.restore();
    stubSfCommandUx($$.SANDBOX);
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'eca-convert-'));
    process.chdir(dir);
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.chdir(cwd);
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
    $$.restore();
  });

  it('converts every real Connected App, rejects the hand-written one with its lines, and every output validates against the WSDL schema', async () => {
    const r = await Convert.run(['--source-dir', FIXTURES, '--output-dir', 'out', '--report-file', 'report.md']);
    expect(r.summary).to.deep.equal({ clean: 0, attention: 16, failed: 1, skipped: 0 });
    expect(process.exitCode).to.equal(1);
    const thespis = r.apps.find((a) => a.name.endsWith('Thespis'));
    expect(thespis?.status).to.equal('failed');
    expect(thespis?.problems.map((p) => p.line)).to.include.members([7, 13, 16, 17]);
    expect(thespis?.problems.map((p) => p.message).join('\n')).to.contain('isConsumerKeyOptional');
    const { ecas, orphans } = readEcas(join(dir, 'out'));
    expect(orphans).to.deep.equal([]);
    expect(ecas).to.have.length(16);
    for (const eca of ecas) expect(validateEca(eca, 66), eca.name).to.deep.equal([]);
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).to.contain('# Connected Apps to External Client Apps: conversion report');
    expect(report).to.contain('| 17 | 0 | 16 | 1 | 0 |');
    // every field that needed attention is named in the report
    for (const a of r.apps) for (const f of a.report.filter((x) => x.outcome === 'attention')) expect(report).to.contain(`**${f.source}**`);
    expect(report).to.contain('permissionSetName');
  });

  it('converts the example project beside its source with the satellites named as Salesforce names them', async () => {
    cpSync(join(ROOT, 'examples'), dir, { recursive: true, filter: (s) => !s.includes(join('examples', 'out')) });
    const r = await Convert.run(['--source-dir', 'force-app/main/default/connectedApps']);
    expect(r.summary.failed).to.equal(0);
    expect(process.exitCode).to.equal(68);
    const erp = r.apps.find((a) => a.name === 'Acme_ERP_Integration');
    expect(erp?.files).to.include('force-app/main/default/extlClntAppOauthPolicies/Acme_ERP_Integration_defOauthPlcy.ecaOauthPlcy-meta.xml');
    const policies = parseMetadataXml(readFileSync(join(dir, 'force-app/main/default/extlClntAppOauthPolicies/Acme_ERP_Integration_defOauthPlcy.ecaOauthPlcy-meta.xml'), 'utf8')).values;
    expect(policies).to.include({
      clientCredentialsFlowUser: 'erp.integration@acme.example',
      isClientCredentialsFlowEnabled: true,
      ipRelaxationPolicyType: 'Bypass',
      refreshTokenPolicyType: 'Infinite',
      sessionTimeoutInMinutes: 1440,
      permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
      commaSeparatedProfile: 'Acme Integration User',
    });
    const jenkins = r.apps.find((a) => a.name === 'Acme_Jenkins_CI');
    expect(jenkins?.report.find((f) => f.source === 'permissionSetName')).to.include({ outcome: 'attention' });
    const portal = r.apps.find((a) => a.name === 'Acme_Partner_Portal');
    expect(portal?.report.filter((f) => f.outcome === 'attention').map((f) => f.source)).to.include('plugin');
    const contact = parseMetadataXml(readFileSync(join(dir, 'force-app/main/default/externalClientApps/Acme_Partner_Portal.eca-meta.xml'), 'utf8')).values;
    expect(contact.contactEmail).to.equal('${PORTAL_ADMIN_EMAIL}');
    // no consumer secret anywhere
    for (const f of listFiles(join(dir, 'force-app'))) expect(readFileSync(join(dir, 'force-app', f), 'utf8')).to.not.contain('consumerSecret');
  });

  it('reads the API version the files were retrieved at: sfdx-project.json, or an MDAPI folder\'s package.xml; at 67 the device flow setting is known', async () => {
    cpSync(join(ROOT, 'examples'), dir, { recursive: true, filter: (s) => !s.includes(join('examples', 'out')) });
    const project = JSON.parse(readFileSync(join(dir, 'sfdx-project.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ ...project, sourceApiVersion: '67.0' }));
    const at67 = await Convert.run(['--source-dir', 'force-app/main/default/connectedApps', '--output-dir', 'out67', '--report-file', 'r.md']);
    const erp = at67.apps.find((a) => a.name === 'Acme_ERP_Integration');
    expect(erp?.sourceApiVersion).to.deep.equal({ version: '67.0', from: 'sfdx-project.json sourceApiVersion' });
    expect(erp?.notices.map((n) => n.code)).to.not.include('device-flow-unknown');
    // the report quotes the command as typed
    expect(readFileSync(join(dir, 'r.md'), 'utf8').split('\n')[2]).to.match(/by `\S+ (eca )?convert --source-dir force-app\/main\/default\/connectedApps --output-dir out67 --report-file r\.md`/);

    // an MDAPI folder retrieved at 66.0: its package.xml wins over the project, and the notice stays
    const mdapi = join(dir, 'mdapi');
    mkdirSync(join(mdapi, 'connectedApps'), { recursive: true });
    cpSync(join(dir, 'force-app/main/default/connectedApps/Acme_ERP_Integration.connectedApp-meta.xml'), join(mdapi, 'connectedApps', 'Acme_ERP_Integration.connectedApp'));
    writeFileSync(join(mdapi, 'package.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n  <types><members>*</members><name>ConnectedApp</name></types>\n  <version>66.0</version>\n</Package>\n');
    const at66 = await Convert.run(['--source-dir', 'mdapi', '--output-dir', 'out66']);
    expect(at66.apps[0].sourceApiVersion).to.deep.equal({ version: '66.0', from: join('mdapi', 'package.xml') });
    expect(at66.apps[0].notices.map((n) => n.code)).to.include('device-flow-unknown');
  });

  it('prints the reasons that need a person as a list under the table, whole, never cut at 80 columns', async () => {
    cpSync(join(ROOT, 'examples'), dir, { recursive: true, filter: (s) => !s.includes(join('examples', 'out')) });
    const cols = process.env.COLUMNS;
    process.env.COLUMNS = '80';
    try {
      const r = await Convert.run(['--source-dir', 'force-app/main/default/connectedApps', '--output-dir', 'out']);
      const jenkins = r.apps.find((a) => a.name === 'Acme_Jenkins_CI');
      const reason = jenkins?.report.find((f) => f.source === 'permissionSetName')?.reason as string;
      expect(reason.length).to.be.greaterThan(60);
      const logged = (Convert.prototype.log as unknown as { args: string[][] }).args.map((a) => a[0] ?? '');
      const printed = logged.join('\n');
      // the reason, wrapped between words, whole: every word of it is there
      const words = printed.replace(/\s+/g, ' ');
      expect(words).to.contain(reason.replace(/\s+/g, ' '));
      expect(printed).to.not.contain('…');
      // only a single word longer than the line (a file path) may pass the width, whole
      expect(logged.filter((l) => [...l].length > 80 && /\s/.test(l.trim()))).to.deep.equal([]);
    } finally {
      if (cols === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = cols;
    }
  });

  it('refuses to overwrite existing files without --force, and writes nothing', async () => {
    await Convert.run(['--source-dir', join(FIXTURES, 'sarath16581__AP-Backup__SumoLogic.connectedApp-meta.xml'), '--output-dir', 'out']);
    const before = listFiles(join(dir, 'out'));
    writeFileSync(join(dir, 'out/externalClientApps/sarath16581_AP_Backup_SumoLogic.eca-meta.xml'), 'mine');
    try {
      await Convert.run(['--source-dir', join(FIXTURES, 'sarath16581__AP-Backup__SumoLogic.connectedApp-meta.xml'), '--source-dir', join(FIXTURES, 'sarath16581__AP-Backup__DXConnectedApp.connectedApp-meta.xml'), '--output-dir', 'out']);
      expect.fail('should fail');
    } catch (e) {
      expect((e as Error).name).to.equal('FilesExistError');
    }
    expect(listFiles(join(dir, 'out'))).to.deep.equal(before);
    expect(readFileSync(join(dir, 'out/externalClientApps/sarath16581_AP_Backup_SumoLogic.eca-meta.xml'), 'utf8')).to.equal('mine');
  });

  it('bad input: an empty folder, a missing path, no input', async () => {
    mkdirSync(join(dir, 'empty'));
    const cases: Array<[string[], string]> = [
      [['--source-dir', 'empty'], 'NoConnectedAppsError'],
      [['--source-dir', 'nope'], 'SourceNotFoundError'],
      [[], 'NoInputError'],
    ];
    for (const [args, name] of cases) {
      try {
        await Convert.run(args);
        expect.fail(`should fail: ${args.join(' ')}`);
      } catch (e) {
        expect((e as Error).name).to.equal(name);
        expect((e as { actions?: string[] }).actions?.length).to.be.greaterThan(0);
      }
    }
  });

  it('names the file and line of malformed XML and still converts the others', async () => {
    mkdirSync(join(dir, 'src/connectedApps'), { recursive: true });
    cpSync(join(FIXTURES, 'sarath16581__AP-Backup__SumoLogic.connectedApp-meta.xml'), join(dir, 'src/connectedApps/SumoLogic.connectedApp-meta.xml'));
    writeFileSync(join(dir, 'src/connectedApps/Broken.connectedApp-meta.xml'), '<?xml version="1.0"?>\n<ConnectedApp>\n    <label>x</lab>\n</ConnectedApp>\n');
    const r = await Convert.run(['--source-dir', 'src']);
    expect(r.apps.find((a) => a.name === 'Broken')?.problems[0]).to.include({ file: 'src/connectedApps/Broken.connectedApp-meta.xml', line: 3 });
    expect(r.apps.find((a) => a.name === 'SumoLogic')?.files).to.include('src/externalClientApps/SumoLogic.eca-meta.xml');
    expect(process.exitCode).to.equal(1);
  });
});
