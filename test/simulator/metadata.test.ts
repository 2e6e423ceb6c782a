/**
 * Metadata API through real jsforce and SDR: deploy, retrieve, read, list, and the org's rules.
 */
import { readFileSync } from 'node:fs';
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { parseMetadataXml } from '../../src/domain/xml.js';
import { CONNECTED_APP_CREATION_BLOCKED, NO_OAUTH_SETTINGS } from '../../simulator/platformRules.js';
import { deploySource, type Harness, oauthEca, removeDir, retrieveInto, startHarness, writeSourceProject } from './harness.js';

const GLOBAL = 'ExtlClntAppGlobalOauthSettings';

/** readMetadata for the ECA types, which jsforce's MetadataType union does not list. */
async function readRecords(conn: Connection, type: string, names: string[]): Promise<Array<Record<string, unknown>>> {
  const records = await conn.metadata.read(type as Parameters<Connection['metadata']['read']>[0], names);
  return records as unknown as Array<Record<string, unknown>>;
}

describe('simulator: Metadata API', () => {
  let h: Harness;
  let dev: Connection;
  let prod: Connection;
  const dirs: string[] = [];
  const project = (...args: Parameters<typeof writeSourceProject>): string => {
    const dir = writeSourceProject(...args);
    dirs.push(dir);
    return dir;
  };

  before(async () => {
    h = await startHarness({ orgs: ['dev', 'prod'] });
    dev = await h.connection('dev');
    prod = await h.connection('prod');
  });
  after(async () => {
    dirs.forEach(removeDir);
    await h.close();
  });
  beforeEach(() => h.sim.resetLog());

  it('deploys an ECA with SDR, generates its consumer key, and retrieves it back', async () => {
    const result = await deploySource(dev, project(oauthEca('Acme_CI')));
    expect(result.response.status).to.equal('Succeeded');
    expect(result.response.numberComponentsDeployed).to.equal(5);
    expect(result.getFileResponses().every((f) => f.state === 'Created')).to.equal(true);
    expect(h.sim.count('soap:deploy')).to.equal(1);

    const org = h.sim.org('dev');
    const creds = org.credentials.get('eca:Acme_CI');
    expect(creds?.consumerKey).to.match(/^3MVG9[A-Za-z0-9._]{80}$/);
    expect(creds?.consumerSecret).to.match(/^[0-9A-F]{64}$/);
    expect(org.component(GLOBAL, 'Acme_CI_glbloauth')?.values).not.to.have.property('consumerKey');

    const out = project([]);
    const retrieved = await retrieveInto(dev, out, [{ type: 'ExternalClientApplication', fullName: 'Acme_CI' }, { type: GLOBAL, fullName: '*' }]);
    expect(retrieved.response.status).to.equal('Succeeded');
    const fileOf = (fullName: string): string => {
      const file = retrieved.getFileResponses().find((f) => f.fullName === fullName && f.filePath?.endsWith('-meta.xml'))?.filePath;
      if (!file) throw new Error(`${fullName} was not retrieved`);
      return readFileSync(file, 'utf8');
    };
    const global = parseMetadataXml(fileOf('Acme_CI_glbloauth'));
    expect(global.values.consumerKey).to.equal(creds?.consumerKey);
    expect(global.values).not.to.have.property('consumerSecret');
    expect(global.values.isPkceRequired).to.equal(true);
    const header = parseMetadataXml(fileOf('Acme_CI'));
    expect(header.values.label).to.equal('Acme_CI app');
    expect(h.sim.count('soap:retrieve')).to.equal(1);
    expect(h.sim.count('soap:checkRetrieveStatus')).to.be.greaterThan(0);
  });

  it('returns the consumer secret only when enableConsumerSecretApiAccess is on', async () => {
    const org = h.sim.org('dev');
    const [record] = await readRecords(dev, GLOBAL, ['Acme_CI_glbloauth']);
    expect(record.consumerKey).to.equal(org.credentials.get('eca:Acme_CI')?.consumerKey);
    expect(record).not.to.have.property('consumerSecret');
    org.settings.enableConsumerSecretApiAccess = true;
    try {
      const [again] = await readRecords(dev, GLOBAL, ['Acme_CI_glbloauth']);
      expect(again.consumerSecret).to.equal(org.credentials.get('eca:Acme_CI')?.consumerSecret);
    } finally {
      org.settings.enableConsumerSecretApiAccess = false;
    }
  });

  it('generates default OAuth and app policies for an ECA deployed without them, named and valued as Salesforce does', async () => {
    const parts = oauthEca('Bare_App').filter((c) => !c.type.endsWith('ConfigurablePolicies'));
    const result = await deploySource(dev, project(parts));
    expect(result.response.status).to.equal('Succeeded');
    const org = h.sim.org('dev');
    // <OauthSettingsName>_defaultPolicy and <App>_defaultPolicy (simulator/README.md, row 4)
    const policy = org.component('ExtlClntAppOauthConfigurablePolicies', 'Bare_App_oauth_defaultPolicy');
    expect(policy?.values).to.deep.equal({
      externalClientApplication: 'Bare_App',
      ipRelaxationPolicyType: 'Enforce',
      isClientCredentialsFlowEnabled: false,
      isGuestCodeCredFlowEnabled: false,
      isTokenExchangeFlowEnabled: false,
      label: 'Bare_App_oauth_defaultPolicy',
      permittedUsersPolicyType: 'AllSelfAuthorized',
      refreshTokenPolicyType: 'SpecificLifetime',
      refreshTokenValidityPeriod: 365,
      refreshTokenValidityUnit: 'Days',
      requiredSessionLevel: 'STANDARD',
    });
    expect(org.component('ExtlClntAppConfigurablePolicies', 'Bare_App_defaultPolicy')?.values).to.deep.equal({
      externalClientApplication: 'Bare_App',
      isEnabled: true,
      isOauthPluginEnabled: true,
      label: 'Bare_App_defaultPolicy',
      startPage: 'None',
    });
  });

  it('fails an out-of-order element with Salesforce wording, line and column, and changes nothing', async () => {
    const before = h.sim.org('dev').components.size;
    const bad = `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Broken</label>
    <contactEmail>ops@acme.example</contactEmail>
    <distributionState>Local</distributionState>
</ExternalClientApplication>
`;
    const dir = project(oauthEca('Broken').slice(1), { 'externalClientApps/Broken.eca-meta.xml': bad });
    const result = await deploySource(dev, dir);
    expect(result.response.status).to.equal('Failed');
    expect(result.response.success).to.equal(false);
    const failures = result.response.details.componentFailures;
    const list = Array.isArray(failures) ? failures : failures ? [failures] : [];
    // the header fails to parse; its satellites then have no header to belong to
    expect(list.map((f) => f.fullName).sort()).to.deep.equal(['Broken', 'Broken_glbloauth', 'Broken_oauth', 'Broken_oauthPlcy', 'Broken_plcy']);
    const header = list.find((f) => f.fullName === 'Broken');
    expect(header).to.include({
      componentType: 'ExternalClientApplication',
      fullName: 'Broken',
      problemType: 'Error',
      problem: 'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}contactEmail invalid at this location in type ExternalClientApplication',
    });
    expect(Number(header?.lineNumber)).to.equal(4);
    expect(Number(header?.columnNumber)).to.equal(5);
    expect(list.find((f) => f.fullName === 'Broken_oauth')?.problem).to.equal('In field: externalClientApplication - no ExternalClientApplication named Broken found');
    expect(h.sim.org('dev').components.size).to.equal(before);
    expect(h.sim.org('dev').component('ExtlClntAppOauthSettings', 'Broken_oauth')).to.equal(undefined);
  });

  it('refuses global OAuth settings for an app that has no OAuth settings, in the org\'s words', async () => {
    const parts = oauthEca('No_Settings').filter((c) => c.type === 'ExternalClientApplication' || c.type === GLOBAL);
    const result = await deploySource(dev, project(parts));
    expect(result.response.status).to.equal('Failed');
    const failures = result.response.details.componentFailures;
    const list = Array.isArray(failures) ? failures : failures ? [failures] : [];
    expect(list.find((f) => f.fullName === 'No_Settings_glbloauth')?.problem).to.equal(NO_OAUTH_SETTINGS);
    expect(NO_OAUTH_SETTINGS).to.equal("The external client app configured in your global OAuth Settings doesn't have a valid OAuth settings configuration.");
    expect(h.sim.org('dev').component('ExternalClientApplication', 'No_Settings')).to.equal(undefined);
  });

  it('refuses a field newer than the deploy\'s API version through the XSD of that version', async () => {
    const parts = oauthEca('Too_New').map((c) => (c.type === GLOBAL ? { ...c, values: { ...c.values, isDPopEnabled: true } } : c));
    const dir = project(parts.filter((c) => c.type !== GLOBAL), {
      'extlClntAppGlobalOauthSets/Too_New_glbloauth.ecaGlblOauth-meta.xml': `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>Too_New</externalClientApplication>
    <isDPopEnabled>true</isDPopEnabled>
    <label>Too_New_glbloauth</label>
</ExtlClntAppGlobalOauthSettings>
`,
    });
    const result = await deploySource(dev, dir);
    const failures = result.response.details.componentFailures;
    const global = (Array.isArray(failures) ? failures : failures ? [failures] : []).find((f) => f.fullName === 'Too_New_glbloauth');
    expect(global).to.include({ problem: 'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}isDPopEnabled invalid at this location in type ExtlClntAppGlobalOauthSettings' });
    expect(Number(global?.lineNumber)).to.equal(4);
  });

  it('validates with checkOnly without changing the org', async () => {
    const result = await deploySource(dev, project(oauthEca('Dry_Run')), { checkOnly: true });
    expect(result.response.status).to.equal('Succeeded');
    expect(result.response.checkOnly).to.equal(true);
    expect(h.sim.org('dev').component('ExternalClientApplication', 'Dry_Run')).to.equal(undefined);
  });

  it('enforces the platform rules', async () => {
    const taken = h.sim.org('prod').credentials.get('ca:Legacy_Integration')?.consumerKey ?? '';
    const parts = oauthEca('Rules_App', { runAs: 'nobody@acme.example', permissionSets: 'Missing_PS' }).map((c) => {
      if (c.type === 'ExternalClientApplication') return { ...c, values: { ...c.values, orgScopedExternalApp: '00D000000000001:Rules_App' } };
      if (c.type === GLOBAL) return { ...c, values: { ...c.values, consumerKey: taken } };
      return c;
    });
    const orphan = { type: 'ExtlClntAppOauthSettings', fullName: 'Ghost_oauth', values: { externalClientApplication: 'Ghost', label: 'Ghost_oauth' } };
    const result = await deploySource(dev, project([...parts, orphan]));
    expect(result.response.status).to.equal('Failed');
    const failures = result.response.details.componentFailures;
    const problems = new Map((Array.isArray(failures) ? failures : failures ? [failures] : []).map((f) => [f.fullName, f.problem]));
    expect(problems.get('Rules_App')).to.contain('orgScopedExternalApp');
    expect(problems.get('Rules_App_glbloauth')).to.equal('The consumer key is already taken');
    expect(problems.get('Rules_App_oauthPlcy')).to.match(/PermissionSet named Missing_PS|User named nobody@acme.example/);
    expect(problems.get('Ghost_oauth')).to.equal('In field: externalClientApplication - no ExternalClientApplication named Ghost found');
    expect(h.sim.org('dev').component('ExternalClientApplication', 'Rules_App')).to.equal(undefined);
  });

  it('refuses to create a Connected App and to change a managed component', async () => {
    const ca = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>ops@acme.example</contactEmail>
    <label>New CA</label>
</ConnectedApp>
`;
    const managed = oauthEca('Salesforce_Insights').slice(0, 1);
    const result = await deploySource(dev, project(managed, { 'connectedApps/New_CA.connectedApp-meta.xml': ca }));
    const failures = result.response.details.componentFailures;
    const problems = new Map((Array.isArray(failures) ? failures : failures ? [failures] : []).map((f) => [f.fullName, f.problem]));
    expect(problems.get('New_CA')).to.equal(CONNECTED_APP_CREATION_BLOCKED);
    expect(problems.get('Salesforce_Insights')).to.match(/^Cannot modify managed object/);
  });

  it('creates a Connected App only where Salesforce Support re-enabled it (row 15)', async () => {
    const ca = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>ops@acme.example</contactEmail>
    <label>Exception CA</label>
</ConnectedApp>
`;
    const org = h.sim.org('dev');
    org.settings.connectedAppCreationEnabled = true;
    try {
      const result = await deploySource(dev, project([], { 'connectedApps/Exception_CA.connectedApp-meta.xml': ca }));
      expect(result.response.status).to.equal('Succeeded');
      expect(org.component('ConnectedApp', 'Exception_CA')?.values).to.include({ label: 'Exception CA' });
    } finally {
      org.settings.connectedAppCreationEnabled = false;
    }
  });

  it('lists and reads components, nil for a missing name', async () => {
    const list = await dev.metadata.list([{ type: 'ExternalClientApplication' }, { type: GLOBAL }]);
    const names = list.map((p) => `${p.type}:${p.fullName}`);
    expect(names).to.include.members(['ExternalClientApplication:Acme_CI', 'ExternalClientApplication:Salesforce_Insights', `${GLOBAL}:Acme_CI_glbloauth`]);
    expect(list.find((p) => p.fullName === 'Salesforce_Insights')).to.include({ manageableState: 'installed', namespacePrefix: 'sf_insights', fileName: 'externalClientApps/Salesforce_Insights.eca' });
    const records = await readRecords(dev, 'ExternalClientApplication', ['Acme_CI', 'Nope']);
    expect(records[0]).to.include({ fullName: 'Acme_CI', distributionState: 'Local' });
    expect(records[1]).to.deep.equal({});
    const empty = await prod.metadata.list([{ type: 'ExternalClientApplication' }]);
    expect(empty).to.deep.equal([]);
  });

  it('answers SourceMember describe with 404 and ECAs through SOQL', async () => {
    const res = await dev.query<{ DeveloperName: string; DistributionState: string; NamespacePrefix: string | null }>(
      "SELECT Id, DeveloperName, MasterLabel, DistributionState, NamespacePrefix FROM ExternalClientApplication WHERE DeveloperName IN ('Acme_CI', 'Salesforce_Insights') ORDER BY DeveloperName"
    );
    expect(res.records.map((r) => [r.DeveloperName, r.NamespacePrefix])).to.deep.equal([
      ['Acme_CI', null],
      ['Salesforce_Insights', 'sf_insights'],
    ]);
    const policy = await dev.query<{ PermittedUsersPolicyType: string; ExternalClientApplication: { DeveloperName: string } }>(
      "SELECT PermittedUsersPolicyType, ExternalClientApplication.DeveloperName FROM ExtlClntAppOauthPlcyCnfg WHERE ExternalClientApplication.DeveloperName = 'Acme_CI'"
    );
    expect(policy.records[0].PermittedUsersPolicyType).to.equal('AllSelfAuthorized');
    expect(policy.records[0].ExternalClientApplication.DeveloperName).to.equal('Acme_CI');
    try {
      await dev.request(`/services/data/v66.0/tooling/sobjects/SourceMember/describe`);
      expect.fail('expected 404');
    } catch (e) {
      expect((e as { errorCode?: string }).errorCode).to.equal('NOT_FOUND');
    }
  });

  it('keeps an ECA\'s consumer key once the app exists: a redeploy with another key succeeds and changes nothing', async () => {
    const key = `3MVG9${'K'.repeat(80)}`;
    const other = `3MVG9${'Q'.repeat(80)}`;
    const withKey = (k: string): ReturnType<typeof oauthEca> => oauthEca('Keyed_App').map((c) => (c.type === GLOBAL ? { ...c, values: { ...c.values, consumerKey: k } } : c));
    const created = await deploySource(dev, project(withKey(key)));
    expect(created.response.status).to.equal('Succeeded');
    expect(h.sim.org('dev').credentials.get('eca:Keyed_App')?.consumerKey).to.equal(key);
    const again = await deploySource(dev, project(withKey(other)));
    expect(again.response.status).to.equal('Succeeded');
    expect(h.sim.org('dev').credentials.get('eca:Keyed_App')?.consumerKey).to.equal(key);
  });
});
