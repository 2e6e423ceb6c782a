import { expect } from 'chai';
import { convertConnectedApp } from '../../../src/domain/convert/convert.js';
import { ecaComponents, type Component } from '../../../src/domain/model.js';
import { validateComponent, validateEca } from '../../../src/domain/validate.js';
import { parseMetadataXml, serializeMetadataXml, type MetadataValues } from '../../../src/domain/xml.js';
import { CONNECTED_APP_FILES, connectedApp, leafPaths, parseFixture, readFixture, THESPIS, valueAt } from './helpers.js';

const API = 66;

describe('converting every real Connected App in the fixtures', () => {
  it('finds them', () => {
    expect(CONNECTED_APP_FILES.length).to.be.greaterThan(15);
    expect(CONNECTED_APP_FILES).to.include(THESPIS);
  });

  for (const file of CONNECTED_APP_FILES) {
    describe(file, () => {
      const source = connectedApp(file);
      const result = convertConnectedApp(source, { apiVersion: API });

      it(`builds an ECA that validates at API ${API}, component by component and as a whole`, () => {
        for (const c of ecaComponents(result.eca)) expect(validateComponent(c, API), c.fullName).to.deep.equal([]);
        expect(validateEca(result.eca, API)).to.deep.equal([]);
        expect(result.problems).to.deep.equal([]);
        expect(result.status).to.not.equal('failed');
      });

      it('serializes every component to XML that parses back to the same values', () => {
        for (const c of ecaComponents(result.eca)) {
          const parsed = parseMetadataXml(serializeMetadataXml(c.type, c.values));
          expect(parsed.type).to.equal(c.type);
          expect(parsed.values, c.fullName).to.deep.equal(c.values);
        }
      });

      it('reports every field the Connected App holds', () => {
        const sources = result.report.map((e) => e.source);
        for (const path of leafPaths(source.values)) {
          const covered = sources.some((s) => path === s || path.startsWith(`${s}.`));
          expect(covered, `${path} has no report entry`).to.equal(true);
        }
      });

      it('writes no consumer secret and, by default, no consumer key', () => {
        expect(result.eca.parts.globalOauthSettings?.values).to.not.have.any.keys('consumerSecret', 'consumerKey');
      });
    });
  }
});

/**
 * The real pair: minlopro-dx's InformaticaCloud Connected App (b0049310) and the ECA its org made
 * of it (32557b03: the _def* satellites and the header). The conversion must write every value the
 * org wrote, except the two only an org can produce:
 * - ExternalClientApplication.orgScopedExternalApp "00D09000007w56S:InformaticaCloud": the org id
 *   joined to the app name, assigned when the org creates the app;
 * - ExtlClntAppOauthSettings.oauthLink "00D09000007w56S:888J8000000TNiz": the org id joined to the
 *   OAuth consumer id the org generates.
 * Both break deploys to any other org (reference §4), so a conversion must not invent them.
 * One more value only the org knew: ExtlClntAppGlobalOauthSettings.isDeviceFlowEnabled. The org
 * read the Connected App's "Enable for Device Flow" itself; the API 66 file cannot say it (the
 * Connected App field is API 67), so the conversion writes nothing for it and says so (issue 10 row 2).
 */
describe('the real InformaticaCloud pair: the conversion writes what the org wrote', () => {
  const ORG_ONLY: Readonly<Record<string, readonly string[]>> = {
    ExternalClientApplication: ['orgScopedExternalApp'],
    ExtlClntAppOauthSettings: ['oauthLink'],
    ExtlClntAppGlobalOauthSettings: ['isDeviceFlowEnabled'],
  };
  const MIGRATED_FILES = [
    'awesomeandrey__minlopro-dx__InformaticaCloud@32557b03.eca-meta.xml',
    'awesomeandrey__minlopro-dx__InformaticaCloud_defOauthSet.ecaOauth-meta.xml',
    'awesomeandrey__minlopro-dx__InformaticaCloud_defGlblOauthSet.ecaGlblOauth-meta.xml',
    'awesomeandrey__minlopro-dx__InformaticaCloud_defOauthPlcy.ecaOauthPlcy-meta.xml',
    'awesomeandrey__minlopro-dx__InformaticaCloud_defPlcy.ecaPlcy-meta.xml',
  ];
  const result = convertConnectedApp(connectedApp('awesomeandrey__minlopro-dx__InformaticaCloud.connectedApp-meta.xml'), { apiVersion: API });
  const ours = new Map<string, Component>(ecaComponents(result.eca).map((c) => [c.type, c]));

  function withoutOrgOnly(type: string, values: MetadataValues): MetadataValues {
    return Object.fromEntries(Object.entries(values).filter(([k]) => !(ORG_ONLY[type] ?? []).includes(k)));
  }

  it('builds exactly the components the org built, with the same full names', () => {
    const names = MIGRATED_FILES.map((f) => `${parseFixture(f).type}:${f.replace(/^.*__/, '').replace(/(@\w+)?\.[A-Za-z]+-meta\.xml$/, '')}`);
    expect(ecaComponents(result.eca).map((c) => `${c.type}:${c.fullName}`)).to.deep.equal(names);
  });

  for (const file of MIGRATED_FILES) {
    it(`matches ${file.replace(/^.*__/, '')} field for field`, () => {
      const theirs = parseFixture(file);
      const mine = ours.get(theirs.type);
      expect(mine, theirs.type).to.not.equal(undefined);
      expect(mine?.values).to.deep.equal(withoutOrgOnly(theirs.type, theirs.values));
      // the exceptions are exactly the org-only fields the file has
      const extra = Object.keys(theirs.values).filter((k) => !(k in (mine?.values ?? {})));
      expect(extra).to.deep.equal([...(ORG_ONLY[theirs.type] ?? [])].filter((k) => k in theirs.values));
    });

    it(`writes ${file.replace(/^.*__/, '')} byte for byte, but for the org-only lines`, () => {
      const theirs = parseFixture(file);
      const mine = ours.get(theirs.type) as Component;
      const orgOnly = new RegExp(`^\\s*<(${(ORG_ONLY[theirs.type] ?? ['-']).join('|')})>.*\\n`, 'gm');
      expect(serializeMetadataXml(mine.type, mine.values)).to.equal(readFixture(file).replace(orgOnly, ''));
    });
  }

  it('is clean: nothing in this app needs a person', () => {
    expect(result.report.filter((e) => e.outcome === 'attention')).to.deep.equal([]);
    expect(result.status).to.equal('clean');
  });
});

describe('the real MinloproSalesforceLoopback pair: what its hand-made ECA confirms', () => {
  const result = convertConnectedApp(connectedApp('awesomeandrey__minlopro-dx__MinloproSalesforceLoopback.connectedApp-meta.xml'), { apiVersion: API });
  const real = (suffix: string): MetadataValues => parseFixture(`awesomeandrey__minlopro-dx__MinloproSalesforceLoopback_${suffix}-meta.xml`).values;

  it('writes the scopes the ECA holds, SFAP as SFApiPlatform', () => {
    expect(valueAt(result.eca, 'ExtlClntAppOauthSettings.commaSeparatedOauthScopes')).to.equal(real('oauth.ecaOauth').commaSeparatedOauthScopes);
  });

  it('keeps the placeholders the ECA keeps, verbatim', () => {
    expect(valueAt(result.eca, 'ExtlClntAppGlobalOauthSettings.certificate')).to.equal(real('glbloauth.ecaGlblOauth').certificate);
    expect(valueAt(result.eca, 'ExtlClntAppOauthConfigurablePolicies.clientCredentialsFlowUser')).to.equal(real('oauthPlcy.ecaOauthPlcy').clientCredentialsFlowUser);
    expect(result.eca.parts.header?.values.contactEmail).to.equal('${SF_ADMIN_EMAIL}');
  });

  it('turns client credentials on in both the settings and the policies, as the ECA has them', () => {
    expect(valueAt(result.eca, 'ExtlClntAppGlobalOauthSettings.isClientCredentialsFlowEnabled')).to.equal(real('glbloauth.ecaGlblOauth').isClientCredentialsFlowEnabled);
    expect(valueAt(result.eca, 'ExtlClntAppOauthConfigurablePolicies.isClientCredentialsFlowEnabled')).to.equal(real('oauthPlcy.ecaOauthPlcy').isClientCredentialsFlowEnabled);
  });

  it('asks for the API names of the three permission set labels, which the ECA names Minlopro_Admin, ...', () => {
    const e = result.report.find((r) => r.source === 'permissionSetName');
    expect(e?.outcome).to.equal('attention');
    const names = new Map([
      ['Minlopro - Admin', 'Minlopro_Admin'],
      ['Minlopro - Custom Auth. Providers And Named Credentials', 'Minlopro_CustomAuthProviderAndNC'],
      ['Minlopro - Salesforce Connect Custom Adapter', 'Minlopro_SalesforceConnectCustomAdapter'],
    ]);
    const resolved = convertConnectedApp(connectedApp('awesomeandrey__minlopro-dx__MinloproSalesforceLoopback.connectedApp-meta.xml'), { apiVersion: API, permissionSetNames: names });
    const written = String(valueAt(resolved.eca, 'ExtlClntAppOauthConfigurablePolicies.commaSeparatedPermissionSet')).split(',').sort();
    expect(written).to.deep.equal(String(real('oauthPlcy.ecaOauthPlcy').commaSeparatedPermissionSet).split(',').sort());
  });
});

describe('converting the hand-written Thespis app anyway', () => {
  const result = convertConnectedApp(connectedApp(THESPIS), { apiVersion: API });

  it('carries only what the Metadata API knows and reports the rest', () => {
    expect(result.report.find((e) => e.source === 'oauthConfig.isConsumerKeyOptional')?.outcome).to.equal('attention');
    const scopes = result.report.find((e) => e.source === 'oauthConfig.scopes');
    expect(scopes?.outcome).to.equal('attention');
    expect(scopes?.to).to.equal('Api, RefreshToken, OfflineAccess, OpenID, Profile, Email');
    expect(scopes?.reason).to.contain('"ID", "ChatbotApi", "SfapApi" are not scopes');
    expect(result.status).to.equal('attention');
  });
});
