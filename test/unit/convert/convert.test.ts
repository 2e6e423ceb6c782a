import { expect } from 'chai';
import { convertConnectedApp, type ConversionOptions, type ReportEntry } from '../../../src/domain/convert/convert.js';
import { ecaComponents } from '../../../src/domain/model.js';
import { LATEST_KNOWN_API_VERSION } from '../../../src/domain/schema/index.js';
import { REDACTED } from '../../../src/domain/secrets.js';
import { validateEca } from '../../../src/domain/validate.js';
import { serializeMetadataXml, type MetadataValues } from '../../../src/domain/xml.js';
import { valueAt } from './helpers.js';

const G = 'ExtlClntAppGlobalOauthSettings';
const O = 'ExtlClntAppOauthSettings';
const P = 'ExtlClntAppOauthConfigurablePolicies';
const POL = 'ExtlClntAppConfigurablePolicies';

function app(extra: MetadataValues = {}, oauthConfig: MetadataValues = {}, oauthPolicy: MetadataValues = {}): MetadataValues {
  return {
    contactEmail: 'ops@acme.example',
    label: 'Acme Sync',
    oauthConfig: { callbackUrl: 'https://acme.example/oauth/callback', scopes: ['Api'], ...oauthConfig },
    oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'zero', ...oauthPolicy },
    ...extra,
  };
}

function convert(values: MetadataValues, options: ConversionOptions = {}): ReturnType<typeof convertConnectedApp> {
  return convertConnectedApp({ fullName: 'Acme_Sync', values }, { apiVersion: 66, ...options });
}

function entry(result: ReturnType<typeof convertConnectedApp>, source: string): ReportEntry {
  const e = result.report.find((r) => r.source === source);
  if (!e) throw new Error(`no report entry for ${source}`);
  return e;
}

describe('convertConnectedApp', () => {
  describe('the ECA it builds', () => {
    it('is the documented five components, named as Salesforce names them, labelled with their full names', () => {
      const { eca } = convert(app());
      expect(eca.name).to.equal('Acme_Sync');
      expect(ecaComponents(eca).map((c) => `${c.type}:${c.fullName}`)).to.deep.equal([
        'ExternalClientApplication:Acme_Sync',
        'ExtlClntAppOauthSettings:Acme_Sync_defOauthSet',
        'ExtlClntAppGlobalOauthSettings:Acme_Sync_defGlblOauthSet',
        'ExtlClntAppOauthConfigurablePolicies:Acme_Sync_defOauthPlcy',
        'ExtlClntAppConfigurablePolicies:Acme_Sync_defPlcy',
      ]);
      for (const c of ecaComponents(eca).slice(1)) {
        expect(c.values.label).to.equal(c.fullName);
        expect(c.values.externalClientApplication).to.equal('Acme_Sync');
      }
      expect(eca.parts.header?.values).to.deep.include({ label: 'Acme Sync', distributionState: 'Local', isProtected: false });
    });

    it('names satellites the short way, or by a suffix per part', () => {
      const short = convert(app(), { naming: 'short' }).eca;
      expect(ecaComponents(short).map((c) => c.fullName)).to.deep.equal(['Acme_Sync', 'Acme_Sync_oauth', 'Acme_Sync_glbloauth', 'Acme_Sync_oauthPlcy', 'Acme_Sync_plcy']);
      const custom = convert(app(), { naming: { oauthSettings: '_OAuth', policies: '_Policies' }, name: 'Acme' }).eca;
      expect(ecaComponents(custom).map((c) => c.fullName)).to.deep.equal(['Acme', 'Acme_OAuth', 'Acme_defGlblOauthSet', 'Acme_defOauthPlcy', 'Acme_Policies']);
      expect(custom.parts.oauthSettings?.values).to.include({ label: 'Acme_OAuth', externalClientApplication: 'Acme' });
    });

    it('fills what Salesforce fills on its own migration, and lists each value it filled', () => {
      const result = convert(app());
      expect(valueAt(result.eca, `${P}.requiredSessionLevel`)).to.equal('STANDARD');
      expect(valueAt(result.eca, `${POL}.startPage`)).to.equal('OAuth');
      expect(valueAt(result.eca, `${POL}.isOauthPluginEnabled`)).to.equal(true);
      expect(valueAt(result.eca, `${POL}.isEnabled`)).to.equal(true);
      expect(result.filled.map((f) => f.target)).to.include.members([
        `${P}.requiredSessionLevel`,
        `${POL}.startPage`,
        `${POL}.isOauthPluginEnabled`,
        `${POL}.isEnabled`,
        'ExternalClientApplication.distributionState',
      ]);
      for (const f of result.filled) expect(f.reason, f.target).to.not.be.empty;
    });

    it('never lets a default override what the Connected App says', () => {
      const result = convert(app({ sessionPolicy: { sessionLevel: 'HIGH_ASSURANCE' }, startUrl: 'https://acme.example/home' }));
      expect(valueAt(result.eca, `${P}.requiredSessionLevel`)).to.equal('HIGH_ASSURANCE');
      expect(valueAt(result.eca, `${POL}.startPage`)).to.equal('Custom');
      expect(result.filled.map((f) => f.target)).to.not.include.members([`${P}.requiredSessionLevel`, `${POL}.startPage`]);
    });

    it('builds no OAuth parts for an app without oauthConfig, and says so for its OAuth policy fields', () => {
      const values: MetadataValues = { contactEmail: 'ops@acme.example', label: 'Acme', oauthPolicy: { ipRelaxation: 'BYPASS', refreshTokenPolicy: 'zero' } };
      const result = convert(values);
      expect(Object.keys(result.eca.parts).sort()).to.deep.equal(['header', 'policies']);
      expect(entry(result, 'oauthPolicy.ipRelaxation')).to.include({ outcome: 'attention' });
      expect(entry(result, 'oauthPolicy.ipRelaxation').reason).to.contain('has no oauthConfig');
      expect(valueAt(result.eca, `${POL}.startPage`)).to.equal('None');
      expect(valueAt(result.eca, `${POL}.isOauthPluginEnabled`)).to.equal(undefined);
    });
  });

  describe('consumer key and secret', () => {
    it('writes no consumer key unless asked, and no consumer secret ever', () => {
      const values = app({}, { consumerKey: '3MVG9key', consumerSecret: 'S3CRET' });
      const plain = convert(values);
      expect(valueAt(plain.eca, `${G}.consumerKey`)).to.equal(undefined);
      expect(entry(plain, 'oauthConfig.consumerKey')).to.include({ outcome: 'dropped' });
      const kept = convert(values, { keepConsumerKey: true });
      expect(valueAt(kept.eca, `${G}.consumerKey`)).to.equal('3MVG9key');
      expect(entry(kept, 'oauthConfig.consumerKey')).to.include({ outcome: 'mapped', to: '3MVG9key' });
      expect(entry(kept, 'oauthConfig.consumerKey').reason).to.contain('already taken');
      for (const result of [plain, kept]) {
        expect(valueAt(result.eca, `${G}.consumerSecret`)).to.equal(undefined);
        expect(entry(result, 'oauthConfig.consumerSecret')).to.deep.include({ outcome: 'dropped', from: REDACTED });
        expect(JSON.stringify(result)).to.not.contain('S3CRET');
        for (const c of ecaComponents(result.eca)) expect(serializeMetadataXml(c.type, c.values)).to.not.contain('S3CRET');
      }
    });
  });

  describe('permission sets', () => {
    const values = app({ permissionSetName: ['Acme - Integration', 'Acme - Reports', 'Acme_Admin'] });

    it('without an org: writes none and asks for the API name of each label', () => {
      const result = convert(values);
      expect(valueAt(result.eca, `${P}.commaSeparatedPermissionSet`)).to.equal(undefined);
      const e = entry(result, 'permissionSetName');
      expect(e.outcome).to.equal('attention');
      for (const label of ['"Acme - Integration"', '"Acme - Reports"', '"Acme_Admin"']) expect(e.reason).to.contain(label);
      expect(e.reason).to.contain('SELECT Name, Label FROM PermissionSet');
      expect(result.status).to.equal('attention');
    });

    it('with the org labels: writes the API names, keeps names that already are API names', () => {
      const names = new Map([
        ['Acme - Integration', 'Acme_Integration'],
        ['Acme - Reports', 'Acme_Reports'],
        ['Acme Admin', 'Acme_Admin'],
      ]);
      const result = convert(values, { permissionSetNames: names });
      expect(valueAt(result.eca, `${P}.commaSeparatedPermissionSet`)).to.equal('Acme_Integration,Acme_Reports,Acme_Admin');
      expect(entry(result, 'permissionSetName')).to.include({ outcome: 'translated', to: 'Acme_Integration,Acme_Reports,Acme_Admin' });
    });

    it('with the org labels: reports a label the org does not have', () => {
      const result = convert(values, { permissionSetNames: new Map([['Acme - Integration', 'Acme_Integration']]) });
      expect(valueAt(result.eca, `${P}.commaSeparatedPermissionSet`)).to.equal('Acme_Integration');
      const e = entry(result, 'permissionSetName');
      expect(e.outcome).to.equal('attention');
      expect(e.reason).to.contain('"Acme - Reports", "Acme_Admin"');
    });
  });

  describe('API version', () => {
    it('defaults to the latest the plugin knows', () => {
      expect(convertConnectedApp({ fullName: 'Acme', values: app() }).apiVersion).to.equal(LATEST_KNOWN_API_VERSION);
    });

    it('does not write fields newer than the target, and reports them: attention when set, dropped when false', () => {
      const values = app({}, { isCodeCredentialEnabled: true, isNamedUserJwtEnabled: false });
      const result = convert(values, { apiVersion: 60 });
      expect(valueAt(result.eca, `${G}.isCodeCredFlowEnabled`)).to.equal(undefined);
      expect(entry(result, 'oauthConfig.isCodeCredentialEnabled')).to.include({ outcome: 'attention' });
      expect(entry(result, 'oauthConfig.isCodeCredentialEnabled').reason).to.contain('from API 61.0 on');
      expect(entry(result, 'oauthConfig.isNamedUserJwtEnabled')).to.include({ outcome: 'dropped' });
      expect(result.problems).to.deep.equal([]);
      expect(convert(values, { apiVersion: 61 }).eca.parts.globalOauthSettings?.values).to.include({ isCodeCredFlowEnabled: true, isNamedUserJwtEnabled: false });
    });

    it('writes isNamedUserJwtEnabled at every version the WSDL subset has it (61 to 66), not only 61 to 63', () => {
      for (const apiVersion of [61, 63, 64, 66]) {
        expect(valueAt(convert(app({}, { isNamedUserJwtEnabled: true }), { apiVersion }).eca, `${G}.isNamedUserJwtEnabled`), `API ${apiVersion}`).to.equal(true);
      }
    });

    it('converts canvasConfig from API 66 on; before, reports it once', () => {
      const values = app({ canvasConfig: { accessMethod: 'Post', canvasUrl: 'https://canvas.acme.example', locations: ['Visualforce'] } });
      const at65 = convert(values, { apiVersion: 65 });
      expect(at65.eca.parts.canvasSettings).to.equal(undefined);
      expect(at65.report.filter((e) => e.source.startsWith('canvasConfig'))).to.have.length(1);
      expect(entry(at65, 'canvasConfig')).to.include({ outcome: 'attention' });
      expect(entry(at65, 'canvasConfig').reason).to.contain('API 66.0');
      const at66 = convert(values, { apiVersion: 66 });
      expect(at66.eca.parts.canvasSettings?.values).to.deep.include({ canvasUrl: 'https://canvas.acme.example', accessMethod: 'Post', canvasLocationOptions: ['Visualforce'] });
      expect(at66.eca.parts.canvasSettings?.fullName).to.equal('Acme_Sync_defCanvasSet');
      expect(valueAt(at66.eca, `${POL}.isCanvasPluginEnabled`)).to.equal(true);
      expect(at66.problems).to.deep.equal([]);
    });
  });

  describe('API 67 Connected App fields (device flow, DPoP, refresh-token TTL, mTLS, IP binding)', () => {
    const api67 = { isDeviceFlowEnabled: true, isDPopEnabled: true, isEnforceRefreshTokenTTL: true };

    it('carries device flow, DPoP and the idle refresh-token TTL to the ECA at API 67', () => {
      const result = convert(app({}, api67), { apiVersion: 67, sourceApiVersion: 67 });
      expect(result.eca.parts.globalOauthSettings?.values).to.include({ isDeviceFlowEnabled: true, isDPopEnabled: true, isEnforceRefreshTokenTTL: true });
      for (const field of Object.keys(api67)) expect(entry(result, `oauthConfig.${field}`), field).to.include({ outcome: 'mapped' });
      expect(result.problems).to.deep.equal([]);
      expect(result.notices.map((n) => n.code)).to.not.include('device-flow-unknown');
    });

    it('reports DPoP and the refresh-token TTL when the target API is older than 67, and still carries device flow', () => {
      const result = convert(app({}, api67), { apiVersion: 66, sourceApiVersion: 67 });
      expect(valueAt(result.eca, `${G}.isDeviceFlowEnabled`)).to.equal(true);
      expect(valueAt(result.eca, `${G}.isDPopEnabled`)).to.equal(undefined);
      expect(entry(result, 'oauthConfig.isDPopEnabled')).to.include({ outcome: 'attention' });
      expect(entry(result, 'oauthConfig.isEnforceRefreshTokenTTL').reason).to.contain('from API 67.0 on');
    });

    it('carries isPKImTLSEnabled to isMtlsEnabled, marked for attention (the pairing is unconfirmed)', () => {
      const on = convert(app({}, { isPKImTLSEnabled: true }), { apiVersion: 67 });
      expect(valueAt(on.eca, `${G}.isMtlsEnabled`)).to.equal(true);
      expect(entry(on, 'oauthConfig.isPKImTLSEnabled')).to.include({ outcome: 'attention', target: `${G}.isMtlsEnabled` });
      expect(entry(on, 'oauthConfig.isPKImTLSEnabled').reason).to.match(/UNCONFIRMED|unconfirmed/);
      const off = convert(app({}, { isPKImTLSEnabled: false }), { apiVersion: 67 });
      expect(entry(off, 'oauthConfig.isPKImTLSEnabled').outcome).to.not.equal('attention');
    });

    it('reports isIpBindingEnabled, which no ECA field holds, and writes nothing for it', () => {
      const on = convert(app({}, { isIpBindingEnabled: true }), { apiVersion: 67 });
      expect(entry(on, 'oauthConfig.isIpBindingEnabled')).to.include({ outcome: 'attention' });
      expect(entry(on, 'oauthConfig.isIpBindingEnabled').reason).to.contain('no ECA field');
      expect(JSON.stringify(on.eca)).to.not.contain('IpBinding');
      expect(entry(convert(app({}, { isIpBindingEnabled: false }), { apiVersion: 67 }), 'oauthConfig.isIpBindingEnabled')).to.include({ outcome: 'dropped' });
    });

    it('does not write device flow off for a Connected App whose metadata cannot say (API 66 or older), and says so', () => {
      for (const sourceApiVersion of [undefined, 66]) {
        const result = convert(app(), { apiVersion: 67, ...(sourceApiVersion === undefined ? {} : { sourceApiVersion }) });
        expect(valueAt(result.eca, `${G}.isDeviceFlowEnabled`), `source API ${sourceApiVersion}`).to.equal(undefined);
        expect(result.filled.map((f) => f.target)).to.not.include(`${G}.isDeviceFlowEnabled`);
        const notice = result.notices.find((n) => n.code === 'device-flow-unknown');
        expect(notice?.message).to.contain('Enable for Device Flow');
      }
    });

    it('writes device flow off for an API 67 Connected App that does not turn it on', () => {
      const result = convert(app(), { apiVersion: 67, sourceApiVersion: 67 });
      expect(valueAt(result.eca, `${G}.isDeviceFlowEnabled`)).to.equal(false);
      expect(result.notices.map((n) => n.code)).to.not.include('device-flow-unknown');
    });

    it('carries the API 67 scopes at API 67 and reports them for an older target', () => {
      const values = app({}, { scopes: ['Api', 'A2A', 'SemanticLayer'] });
      expect(valueAt(convert(values, { apiVersion: 67 }).eca, `${O}.commaSeparatedOauthScopes`)).to.equal('Api, A2A, SemanticLayer');
      const at66 = convert(values, { apiVersion: 66 });
      expect(valueAt(at66.eca, `${O}.commaSeparatedOauthScopes`)).to.equal('Api');
      expect(entry(at66, 'oauthConfig.scopes')).to.include({ outcome: 'attention' });
      expect(entry(at66, 'oauthConfig.scopes').reason).to.contain('API 67.0');
    });
  });

  describe('SAML', () => {
    const saml = { acsUrl: 'https://sp.acme.example/acs', entityUrl: 'https://sp.acme.example', samlSubjectType: 'Username' };

    it('builds SAML policies on a Local app, with the app profiles, and switches the SAML plugin on', () => {
      const result = convert(app({ samlConfig: { ...saml, encryptionType: 'AES_128' }, profileName: ['Sales'] }));
      expect(result.eca.parts.samlPolicies?.values).to.deep.include({ acsUrl: saml.acsUrl, subjectType: 'Username', encryptionType: 'AES_128', commaSeparatedProfile: 'Sales' });
      expect(result.eca.parts.header?.values.distributionState).to.equal('Local');
      expect(valueAt(result.eca, `${POL}.isSamlPluginEnabled`)).to.equal(true);
      expect(validateEca(result.eca, 66)).to.deep.equal([]);
    });

    it('reports Triple_Des, which ECAs do not support, and writes no encryption type', () => {
      const result = convert(app({ samlConfig: { ...saml, encryptionType: 'Triple_Des' } }));
      expect(result.eca.parts.samlPolicies?.values.encryptionType).to.equal(undefined);
      expect(entry(result, 'samlConfig.encryptionType').outcome).to.equal('attention');
      expect(entry(result, 'samlConfig.encryptionType').reason).to.contain('AES_128 or AES_256');
    });

    it('starts a SAML-only app on the SAML page', () => {
      const result = convert({ contactEmail: 'ops@acme.example', label: 'Acme', samlConfig: saml });
      expect(valueAt(result.eca, `${POL}.startPage`)).to.equal('SAML');
      expect(Object.keys(result.eca.parts).sort()).to.deep.equal(['header', 'policies', 'samlPolicies']);
    });
  });

  describe('translations', () => {
    it('IP relaxation: all four Connected App values', () => {
      const pairs = { ENFORCE: 'Enforce', ENFORCE_RELAXREFRESH: 'Enforce_RelaxRefresh', BYPASS_2FACTOR: 'Bypass_2factor', BYPASS: 'Bypass' };
      for (const [ca, eca] of Object.entries(pairs)) {
        expect(valueAt(convert(app({}, {}, { ipRelaxation: ca })).eca, `${P}.ipRelaxationPolicyType`), ca).to.equal(eca);
      }
    });

    it('refresh token policy: infinite, zero, lifetime and inactivity with each unit', () => {
      const cases: Array<[string, Array<string | number | undefined>]> = [
        ['infinite', ['Infinite', undefined, undefined]],
        ['zero', ['Zero', undefined, undefined]],
        ['specific_lifetime:1:HOURS', ['SpecificLifetime', 1, 'Hours']],
        ['specific_inactivity:30:DAYS', ['SpecificInactivity', 30, 'Days']],
        ['specific_lifetime:6:MONTHS', ['SpecificLifetime', 6, 'Months']],
      ];
      for (const [ca, [type, period, unit]] of cases) {
        const values = convert(app({}, {}, { refreshTokenPolicy: ca })).eca.parts.oauthPolicies?.values;
        expect([values?.refreshTokenPolicyType, values?.refreshTokenValidityPeriod, values?.refreshTokenValidityUnit], ca).to.deep.equal([type, period, unit]);
      }
    });

    it('a value it cannot read is reported and not written', () => {
      const result = convert(app({}, {}, { ipRelaxation: 'RELAX', refreshTokenPolicy: 'specific_lifetime:8' }));
      expect(entry(result, 'oauthPolicy.ipRelaxation')).to.include({ outcome: 'attention' });
      expect(entry(result, 'oauthPolicy.ipRelaxation').reason).to.contain('"RELAX" is not one of ENFORCE');
      expect(entry(result, 'oauthPolicy.refreshTokenPolicy')).to.include({ outcome: 'attention' });
      expect(result.eca.parts.oauthPolicies?.values).to.not.have.any.keys('ipRelaxationPolicyType', 'refreshTokenPolicyType');
      expect(result.problems).to.deep.equal([]);
    });

    it('scopes: SFAP becomes SFApiPlatform; a token outside the Metadata API enum is reported with a hint', () => {
      const result = convert(app({}, { scopes: ['Api', 'SFAP', 'ID', 'ChatbotApi'] }));
      expect(valueAt(result.eca, `${O}.commaSeparatedOauthScopes`)).to.equal('Api, SFApiPlatform');
      const e = entry(result, 'oauthConfig.scopes');
      expect(e.outcome).to.equal('attention');
      expect(e.reason).to.contain('"ID", "ChatbotApi" are not scopes');
      expect(e.reason).to.contain('Basic for ID, Chatbot for ChatbotApi');
      expect(e.reason).to.contain('SFAP is SFApiPlatform');
      const none = convert(app({}, { scopes: ['ID'] }));
      expect(valueAt(none.eca, `${O}.commaSeparatedOauthScopes`)).to.equal(undefined);
      expect(entry(none, 'oauthConfig.scopes')).to.include({ outcome: 'attention' });
    });

    it('session policy: Connected App spellings match the ECA enums whatever their case and underscores', () => {
      const result = convert(app({ sessionPolicy: { policyAction: 'RAISE_SESSION_LEVEL', sessionLevel: 'high_assurance', sessionTimeout: 30 } }));
      expect(result.eca.parts.oauthPolicies?.values).to.include({ policyAction: 'RaiseSessionLevel', requiredSessionLevel: 'HIGH_ASSURANCE', sessionTimeoutInMinutes: 30 });
      const later = convert(app({ sessionPolicy: { policyAction: 'StepUpMFA' } }), { apiVersion: 66 });
      expect(entry(later, 'sessionPolicy.policyAction')).to.include({ outcome: 'attention' });
      expect(valueAt(convert(app({ sessionPolicy: { policyAction: 'StepUpMFA' } }), { apiVersion: 67 }).eca, `${P}.policyAction`)).to.equal('StepUpMFA');
    });

    it('keeps a PEM certificate as it is', () => {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      expect(valueAt(convert(app({}, { certificate: pem })).eca, `${G}.certificate`)).to.equal(pem);
    });

    it('keeps a bare base64 certificate bare, as retrieved files hold it (both forms deploy)', () => {
      const result = convert(app({}, { certificate: 'MIIBbase64body' }));
      expect(valueAt(result.eca, `${G}.certificate`)).to.equal('MIIBbase64body');
      expect(entry(result, 'oauthConfig.certificate')).to.include({ outcome: 'mapped' });
    });
  });

  describe('pipeline placeholders', () => {
    it('keeps ${VAR} and @VAR verbatim', () => {
      const values = app({ contactEmail: '@SF_ADMIN_EMAIL', iconUrl: '${SF_INSTANCE_URL}/icon.png' }, {
        callbackUrl: '${SF_INSTANCE_URL}/services/authcallback/Acme',
        certificate: '${ACME_CERT}',
        isClientCredentialEnabled: true,
        oauthClientCredentialUser: '${SF_USERNAME}',
      });
      const result = convert(values);
      expect(result.eca.parts.header?.values).to.include({ contactEmail: '@SF_ADMIN_EMAIL', iconUrl: '${SF_INSTANCE_URL}/icon.png' });
      expect(result.eca.parts.globalOauthSettings?.values).to.include({ callbackUrl: '${SF_INSTANCE_URL}/services/authcallback/Acme', certificate: '${ACME_CERT}' });
      expect(valueAt(result.eca, `${P}.clientCredentialsFlowUser`)).to.equal('${SF_USERNAME}');
      expect(entry(result, 'oauthConfig.oauthClientCredentialUser')).to.include({ outcome: 'renamed', reason: 'Placeholder kept verbatim.' });
    });

    it('keeps a placeholder where a translation was due, and asks for the ECA form', () => {
      const result = convert(app({}, {}, { refreshTokenPolicy: '${REFRESH_POLICY}' }));
      expect(valueAt(result.eca, `${P}.refreshTokenPolicyType`)).to.equal('${REFRESH_POLICY}');
      expect(entry(result, 'oauthPolicy.refreshTokenPolicy')).to.include({ outcome: 'attention' });
      expect(entry(result, 'oauthPolicy.refreshTokenPolicy').reason).to.contain('must now substitute Infinite, Zero');
    });
  });

  describe('the report', () => {
    it('has one entry for each field the Connected App holds, unknown ones included', () => {
      const values = app({ plugin: 'AcmePlugin', mobileStartUrl: 'https://m.acme.example' }, { isConsumerKeyOptional: false });
      const result = convert(values);
      expect(result.report.map((e) => e.source).sort()).to.deep.equal(
        [
          'contactEmail',
          'label',
          'mobileStartUrl',
          'oauthConfig.callbackUrl',
          'oauthConfig.isConsumerKeyOptional',
          'oauthConfig.scopes',
          'oauthPolicy.ipRelaxation',
          'oauthPolicy.refreshTokenPolicy',
          'plugin',
        ].sort()
      );
      expect(entry(result, 'oauthConfig.isConsumerKeyOptional')).to.include({ outcome: 'attention' });
      expect(entry(result, 'plugin').reason).to.contain('Auth.ExternalClientAppOauthHandler');
      expect(entry(result, 'plugin').reason).to.contain('ExtlClntAppOauthConfigurablePolicies.apexHandler');
    });

    it('says clean, attention or failed', () => {
      expect(convert(app()).status).to.equal('clean');
      expect(convert(app({ plugin: 'AcmePlugin' })).status).to.equal('attention');
      const failed = convert(app(), { name: 'Acme__Sync' });
      expect(failed.status).to.equal('failed');
      expect(failed.problems.map((p) => p.code)).to.include('invalid-name');
    });
  });

  describe('notices: what no field shows', () => {
    it('always names the username-password flow, user provisioning and 1GP packaging, as information', () => {
      const { notices, status } = convert(app());
      expect(notices.map((n) => [n.code, n.severity])).to.deep.equal([
        ['username-password-flow', 'info'],
        ['user-provisioning', 'info'],
        ['first-generation-packaging', 'info'],
        ['device-flow-unknown', 'info'],
      ]);
      expect(notices[0].message).to.contain('ECAs do not support the OAuth username-password flow');
      expect(status).to.equal('clean');
    });

    it('asks for attention when the org shows the flows in use, and stays quiet when it shows they are not', () => {
      const used = convert(app(), { usernamePasswordFlowUsed: true, userProvisioningEnabled: true });
      expect(used.notices.filter((n) => n.severity === 'attention').map((n) => n.code)).to.deep.equal(['username-password-flow', 'user-provisioning']);
      expect(used.status).to.equal('attention');
      const unused = convert(app(), { usernamePasswordFlowUsed: false, userProvisioningEnabled: false });
      expect(unused.notices.map((n) => n.code)).to.deep.equal(['first-generation-packaging', 'device-flow-unknown']);
    });

    it('suspects the username-password flow in an app with no browser callback, no certificate and no client credentials', () => {
      const headless = convert(app({}, { callbackUrl: 'https://login.salesforce.com/services/oauth2/token' }));
      expect(headless.notices[0]).to.include({ code: 'username-password-flow', severity: 'attention' });
      expect(headless.notices[0].message).to.contain('https://login.salesforce.com/services/oauth2/token');
      const jwt = convert(app({}, { callbackUrl: 'https://callback', certificate: 'MIIB' }));
      expect(jwt.notices[0]).to.include({ severity: 'info' });
    });
  });
});
