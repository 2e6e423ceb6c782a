import { expect } from 'chai';
import { componentByPart } from '../../../src/domain/components.js';
import { convertConnectedApp, type Outcome } from '../../../src/domain/convert/convert.js';
import { MAPPING, type MappingRow, PART_SOURCE, PLATFORM_DEFAULTS, type Target } from '../../../src/domain/convert/mapping.js';
import { resolveField, setPath } from '../../../src/domain/convert/paths.js';
import { enumValues, fieldKind, type FieldSpec, fieldsOf, isEnum, typeSpec } from '../../../src/domain/schema/index.js';
import type { MetadataValue, MetadataValues } from '../../../src/domain/xml.js';
import { valueAt } from './helpers.js';

function targetType(target: Target): string {
  return componentByPart(target.part).type;
}

function lastSegment(path: string): string {
  return path.split('.').pop() as string;
}

/** Every field of ConnectedApp a row must cover: leaves, and nested types that have no row of their own. */
function connectedAppLeaves(typeName = 'ConnectedApp', prefix = ''): string[] {
  const rows = new Set(MAPPING.map((r) => r.from as string));
  return fieldsOf(typeName).flatMap((f) => {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    const nested = fieldKind(f) === 'complex' && !f.list && !rows.has(path);
    return nested ? connectedAppLeaves(f.type, path) : [path];
  });
}

/** Same shape: the same kind, the same list-ness, enum values that fit, nested fields with the same names. */
function compatible(source: FieldSpec, target: FieldSpec): string | undefined {
  if (source.list !== target.list) return 'one is a list, the other is not';
  if (fieldKind(source) !== fieldKind(target)) return `${fieldKind(source)} vs ${fieldKind(target)}`;
  if (isEnum(source.type)) {
    const missing = enumValues(source.type).filter((v) => !enumValues(target.type).includes(v));
    if (missing.length) return `the target enum lacks ${missing.join(', ')}`;
  }
  if (fieldKind(source) === 'complex') {
    const names = (t: string): string => (typeSpec(t)?.fields ?? []).map((f) => f.name).sort().join(',');
    if (names(source.type) !== names(target.type)) return `${source.type} and ${target.type} have different fields`;
  }
  return undefined;
}

describe('the Connected App to ECA mapping table', () => {
  it('names only fields the WSDL schema has: every `from` in ConnectedApp, every `to` and `see` in its ECA type', () => {
    for (const row of MAPPING) {
      expect(resolveField('ConnectedApp', row.from), `from ${row.from}`).to.not.equal(undefined);
      for (const target of [...row.to, ...(row.see ? [row.see] : [])]) {
        expect(resolveField(targetType(target), target.field), `${row.from} -> ${targetType(target)}.${target.field}`).to.not.equal(undefined);
      }
    }
  });

  it('has exactly one row for every field of ConnectedApp in the schema, so none is skipped', () => {
    const froms = MAPPING.map((r) => r.from as string);
    expect(new Set(froms).size, 'duplicate rows').to.equal(froms.length);
    expect([...connectedAppLeaves()].sort()).to.deep.equal([...froms].sort());
  });

  it('keeps each rule honest: same = same name and shape, renamed = other name, same shape; translated has a function; dropped and attention explain', () => {
    for (const row of MAPPING) {
      const source = resolveField('ConnectedApp', row.from)?.field as FieldSpec;
      if (row.rule === 'same' || row.rule === 'renamed') {
        expect(row.to, row.from).to.not.be.empty;
        for (const target of row.to) {
          const spec = resolveField(targetType(target), target.field)?.field as FieldSpec;
          const sameName = lastSegment(row.from) === lastSegment(target.field);
          expect(sameName, `${row.from} -> ${target.field} is ${row.rule}`).to.equal(row.rule === 'same');
          expect(compatible(source, spec), `${row.from} -> ${target.field}`).to.equal(undefined);
        }
      }
      if (row.rule === 'translated') expect(row.translate, row.from).to.be.a('function');
      if (row.rule === 'dropped' || row.rule === 'attention') {
        expect(row.to, row.from).to.be.empty;
        expect(row.reason, row.from).to.be.a('string').and.not.be.empty;
      }
    }
  });

  it('builds satellites from Connected App elements the schema has', () => {
    for (const source of Object.values(PART_SOURCE)) {
      if (source !== undefined) expect(resolveField('ConnectedApp', source), source).to.not.equal(undefined);
    }
  });

  it('fills only schema fields, with values their enums allow', () => {
    const present = { oauth: true, saml: true, canvas: true, sourceKnowsDeviceFlow: true };
    for (const d of PLATFORM_DEFAULTS) {
      const spec = resolveField(targetType(d.to), d.to.field)?.field;
      expect(spec, `${targetType(d.to)}.${d.to.field}`).to.not.equal(undefined);
      const value = typeof d.value === 'function' ? d.value(present) : d.value;
      if (spec && isEnum(spec.type)) expect(enumValues(spec.type)).to.include(value);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// one test per row: a Connected App holding just that field (and what it needs to be an app)

type Example = {
  value: MetadataValue;
  outcome: Outcome;
  /** target ("Type.field") -> the value the ECA must hold; absent targets are asserted missing */
  expect: Record<string, MetadataValue>;
  /** an element the field needs around it */
  with?: 'saml' | 'canvas';
};

const SAML_BASE: MetadataValues = { acsUrl: 'https://sp.acme.example/acs', entityUrl: 'https://sp.acme.example', samlSubjectType: 'Username' };
const CANVAS_BASE: MetadataValues = { accessMethod: 'Get', canvasUrl: 'https://canvas.acme.example' };

const G = 'ExtlClntAppGlobalOauthSettings';
const O = 'ExtlClntAppOauthSettings';
const P = 'ExtlClntAppOauthConfigurablePolicies';
const S = 'ExtlClntAppSamlConfigurablePolicies';
const C = 'ExtlClntAppCanvasSettings';
const H = 'ExternalClientApplication';
const POL = 'ExtlClntAppConfigurablePolicies';

const EXAMPLES: Readonly<Record<string, Example>> = {
  label: { value: 'Acme Sync', outcome: 'mapped', expect: { [`${H}.label`]: 'Acme Sync' } },
  description: { value: 'Syncs orders', outcome: 'mapped', expect: { [`${H}.description`]: 'Syncs orders' } },
  contactEmail: { value: 'it@acme.example', outcome: 'mapped', expect: { [`${H}.contactEmail`]: 'it@acme.example' } },
  contactPhone: { value: '+1 555 0100', outcome: 'mapped', expect: { [`${H}.contactPhone`]: '+1 555 0100' } },
  iconUrl: { value: 'https://acme.example/icon.png', outcome: 'mapped', expect: { [`${H}.iconUrl`]: 'https://acme.example/icon.png' } },
  infoUrl: { value: 'https://acme.example/info', outcome: 'mapped', expect: { [`${H}.infoUrl`]: 'https://acme.example/info' } },
  logoUrl: { value: 'https://acme.example/logo.png', outcome: 'mapped', expect: { [`${H}.logoUrl`]: 'https://acme.example/logo.png' } },
  'oauthConfig.callbackUrl': {
    value: 'https://a.acme.example/cb\nhttps://b.acme.example/cb',
    outcome: 'mapped',
    expect: { [`${G}.callbackUrl`]: 'https://a.acme.example/cb\nhttps://b.acme.example/cb' },
  },
  'oauthConfig.certificate': { value: 'MIIBbase64body', outcome: 'mapped', expect: { [`${G}.certificate`]: 'MIIBbase64body' } },
  'oauthConfig.isDeviceFlowEnabled': { value: true, outcome: 'mapped', expect: { [`${G}.isDeviceFlowEnabled`]: true } },
  // API 67 fields of the ECA: the examples run at API 66, so they are reported, not written
  'oauthConfig.isDPopEnabled': { value: true, outcome: 'attention', expect: {} },
  'oauthConfig.isEnforceRefreshTokenTTL': { value: true, outcome: 'attention', expect: {} },
  'oauthConfig.isPKImTLSEnabled': { value: true, outcome: 'attention', expect: {} },
  'oauthConfig.isIpBindingEnabled': { value: true, outcome: 'attention', expect: {} },
  'oauthConfig.consumerKey': { value: '3MVG9key', outcome: 'dropped', expect: {} },
  'oauthConfig.consumerSecret': { value: 'S3CRET', outcome: 'dropped', expect: {} },
  'oauthConfig.scopes': {
    value: ['Basic', 'Api', 'RefreshToken', 'SFAP'],
    outcome: 'translated',
    expect: { [`${O}.commaSeparatedOauthScopes`]: 'Basic, Api, RefreshToken, SFApiPlatform' },
  },
  'oauthConfig.isAdminApproved': { value: true, outcome: 'translated', expect: { [`${P}.permittedUsersPolicyType`]: 'AdminApprovedPreAuthorized' } },
  profileName: {
    value: ['System Administrator', 'Integration User'],
    outcome: 'translated',
    expect: { [`${P}.commaSeparatedProfile`]: 'System Administrator,Integration User' },
  },
  permissionSetName: { value: ['Acme - Integration'], outcome: 'attention', expect: {} },
  'oauthConfig.isClientCredentialEnabled': {
    value: true,
    outcome: 'renamed',
    expect: { [`${G}.isClientCredentialsFlowEnabled`]: true, [`${P}.isClientCredentialsFlowEnabled`]: true },
  },
  'oauthConfig.oauthClientCredentialUser': { value: 'int@acme.example', outcome: 'renamed', expect: { [`${P}.clientCredentialsFlowUser`]: 'int@acme.example' } },
  'oauthConfig.isCodeCredentialEnabled': { value: true, outcome: 'renamed', expect: { [`${G}.isCodeCredFlowEnabled`]: true } },
  'oauthConfig.isCodeCredentialPostOnly': { value: true, outcome: 'renamed', expect: { [`${G}.isCodeCredPostOnly`]: true } },
  'oauthConfig.isConsumerSecretOptional': { value: true, outcome: 'mapped', expect: { [`${G}.isConsumerSecretOptional`]: true } },
  'oauthConfig.isIntrospectAllTokens': { value: true, outcome: 'mapped', expect: { [`${G}.isIntrospectAllTokens`]: true } },
  'oauthConfig.isPkceRequired': { value: true, outcome: 'mapped', expect: { [`${G}.isPkceRequired`]: true } },
  'oauthConfig.isRefreshTokenRotationEnabled': { value: true, outcome: 'mapped', expect: { [`${G}.isRefreshTokenRotationEnabled`]: true } },
  'oauthConfig.isSecretRequiredForRefreshToken': { value: true, outcome: 'mapped', expect: { [`${G}.isSecretRequiredForRefreshToken`]: true } },
  'oauthConfig.isSecretRequiredForTokenExchange': { value: true, outcome: 'mapped', expect: { [`${G}.isSecretRequiredForTokenExchange`]: true } },
  'oauthConfig.isTokenExchangeEnabled': { value: true, outcome: 'mapped', expect: { [`${G}.isTokenExchangeEnabled`]: true } },
  'oauthConfig.isNamedUserJwtEnabled': { value: true, outcome: 'mapped', expect: { [`${G}.isNamedUserJwtEnabled`]: true } },
  'oauthConfig.idTokenConfig.idTokenAudience': { value: 'https://aud.acme.example', outcome: 'mapped', expect: { [`${G}.idTokenConfig.idTokenAudience`]: 'https://aud.acme.example' } },
  'oauthConfig.idTokenConfig.idTokenIncludeAttributes': { value: true, outcome: 'mapped', expect: { [`${G}.idTokenConfig.idTokenIncludeAttributes`]: true } },
  'oauthConfig.idTokenConfig.idTokenIncludeCustomPerms': { value: true, outcome: 'renamed', expect: { [`${G}.idTokenConfig.idTokenIncludeCustomPermissions`]: true } },
  'oauthConfig.idTokenConfig.idTokenIncludeStandardClaims': { value: true, outcome: 'mapped', expect: { [`${G}.idTokenConfig.idTokenIncludeStandardClaims`]: true } },
  'oauthConfig.idTokenConfig.idTokenValidity': { value: 15, outcome: 'renamed', expect: { [`${G}.idTokenConfig.idTokenValidityInMinutes`]: 15 } },
  'oauthConfig.assetTokenConfig.assetAudiences': { value: 'https://aud.acme.example', outcome: 'renamed', expect: { [`${O}.assetTokenAudiences`]: 'https://aud.acme.example' } },
  'oauthConfig.assetTokenConfig.assetIncludeAttributes': { value: true, outcome: 'renamed', expect: { [`${O}.areAttributesIncludedInAssetToken`]: true } },
  'oauthConfig.assetTokenConfig.assetIncludeCustomPerms': { value: true, outcome: 'renamed', expect: { [`${O}.areCustomPermsIncludedInAssetToken`]: true } },
  'oauthConfig.assetTokenConfig.assetSigningCertId': { value: 'Acme_Asset_Cert', outcome: 'renamed', expect: { [`${O}.assetTokenSigningCertificate`]: 'Acme_Asset_Cert' } },
  'oauthConfig.assetTokenConfig.assetValidityPeriod': { value: 10, outcome: 'renamed', expect: { [`${O}.assetTokenValidity`]: 10 } },
  'oauthConfig.singleLogoutUrl': { value: 'https://acme.example/logout', outcome: 'mapped', expect: { [`${O}.singleLogoutUrl`]: 'https://acme.example/logout' } },
  ipRanges: {
    value: [{ start: '10.0.0.1', end: '10.0.0.255', description: 'office' }, { start: '192.168.1.1', end: '192.168.1.9' }],
    outcome: 'translated',
    expect: {
      [`${O}.trustedIpRanges`]: [
        { startIpAddress: '10.0.0.1', endIpAddress: '10.0.0.255', description: 'office' },
        { startIpAddress: '192.168.1.1', endIpAddress: '192.168.1.9' },
      ],
    },
  },
  'oauthPolicy.ipRelaxation': { value: 'ENFORCE_RELAXREFRESH', outcome: 'translated', expect: { [`${P}.ipRelaxationPolicyType`]: 'Enforce_RelaxRefresh' } },
  'oauthPolicy.refreshTokenPolicy': {
    value: 'specific_lifetime:8:HOURS',
    outcome: 'translated',
    expect: { [`${P}.refreshTokenPolicyType`]: 'SpecificLifetime', [`${P}.refreshTokenValidityPeriod`]: 8, [`${P}.refreshTokenValidityUnit`]: 'Hours' },
  },
  'oauthPolicy.isTokenExchangeFlowEnabled': { value: true, outcome: 'mapped', expect: { [`${P}.isTokenExchangeFlowEnabled`]: true } },
  'oauthPolicy.singleLogoutUrl': { value: 'https://acme.example/slo', outcome: 'mapped', expect: { [`${P}.singleLogoutUrl`]: 'https://acme.example/slo' } },
  'sessionPolicy.policyAction': { value: 'RaiseSessionLevel', outcome: 'translated', expect: { [`${P}.policyAction`]: 'RaiseSessionLevel' } },
  'sessionPolicy.sessionLevel': { value: 'HIGH_ASSURANCE', outcome: 'translated', expect: { [`${P}.requiredSessionLevel`]: 'HIGH_ASSURANCE' } },
  'sessionPolicy.sessionTimeout': { value: 120, outcome: 'renamed', expect: { [`${P}.sessionTimeoutInMinutes`]: 120 } },
  startUrl: { value: 'https://acme.example/home', outcome: 'translated', expect: { [`${POL}.startUrl`]: 'https://acme.example/home', [`${POL}.startPage`]: 'Custom' } },
  'samlConfig.acsUrl': { with: 'saml', value: 'https://sp.acme.example/acs2', outcome: 'mapped', expect: { [`${S}.acsUrl`]: 'https://sp.acme.example/acs2' } },
  'samlConfig.certificate': { with: 'saml', value: 'SAMLCERT', outcome: 'mapped', expect: { [`${S}.certificate`]: 'SAMLCERT' } },
  'samlConfig.encryptionCertificate': { with: 'saml', value: 'ENCCERT', outcome: 'mapped', expect: { [`${S}.encryptionCertificate`]: 'ENCCERT' } },
  'samlConfig.encryptionType': { with: 'saml', value: 'AES_256', outcome: 'translated', expect: { [`${S}.encryptionType`]: 'AES_256' } },
  'samlConfig.entityUrl': { with: 'saml', value: 'https://sp2.acme.example', outcome: 'mapped', expect: { [`${S}.entityUrl`]: 'https://sp2.acme.example' } },
  'samlConfig.issuer': { with: 'saml', value: 'https://idp.acme.example', outcome: 'mapped', expect: { [`${S}.issuer`]: 'https://idp.acme.example' } },
  'samlConfig.samlIdpSLOBindingEnum': { with: 'saml', value: 'PostBinding', outcome: 'renamed', expect: { [`${S}.singleLogoutBindingType`]: 'PostBinding' } },
  'samlConfig.samlNameIdFormat': { with: 'saml', value: 'Persistent', outcome: 'renamed', expect: { [`${S}.nameIdFormat`]: 'Persistent' } },
  'samlConfig.samlSigningAlgoType': { with: 'saml', value: 'SHA256', outcome: 'renamed', expect: { [`${S}.signingAlgorithmType`]: 'SHA256' } },
  'samlConfig.samlSloUrl': { with: 'saml', value: 'https://sp.acme.example/slo', outcome: 'renamed', expect: { [`${S}.singleLogoutUrl`]: 'https://sp.acme.example/slo' } },
  'samlConfig.samlSubjectCustomAttr': { with: 'saml', value: 'Email', outcome: 'renamed', expect: { [`${S}.subjectCustomAttribute`]: 'Email' } },
  'samlConfig.samlSubjectType': { with: 'saml', value: 'FederationId', outcome: 'renamed', expect: { [`${S}.subjectType`]: 'FederationId' } },
  'canvasConfig.accessMethod': { with: 'canvas', value: 'Post', outcome: 'mapped', expect: { [`${C}.accessMethod`]: 'Post' } },
  'canvasConfig.canvasUrl': { with: 'canvas', value: 'https://canvas2.acme.example', outcome: 'mapped', expect: { [`${C}.canvasUrl`]: 'https://canvas2.acme.example' } },
  'canvasConfig.lifecycleClass': { with: 'canvas', value: 'AcmeCanvasLifecycle', outcome: 'renamed', expect: { [`${C}.lifeCycleHandler`]: 'AcmeCanvasLifecycle' } },
  'canvasConfig.locations': { with: 'canvas', value: ['Visualforce', 'Aura'], outcome: 'renamed', expect: { [`${C}.canvasLocationOptions`]: ['Visualforce', 'Aura'] } },
  'canvasConfig.options': { with: 'canvas', value: ['HideHeader'], outcome: 'renamed', expect: { [`${C}.canvasOptions`]: ['HideHeader'] } },
  'canvasConfig.samlInitiationMethod': { with: 'canvas', value: 'SpInitiated', outcome: 'mapped', expect: { [`${C}.samlInitiationMethod`]: 'SpInitiated' } },
  attributes: {
    value: [{ formula: 'User.Email', key: 'email' }],
    outcome: 'renamed',
    expect: { [`${O}.customAttributes`]: [{ formula: 'User.Email', key: 'email' }] },
  },
  plugin: { value: 'AcmeConnectedAppPlugin', outcome: 'attention', expect: {} },
  pluginExecutionUser: { value: 'admin@acme.example', outcome: 'attention', expect: {} },
  mobileAppConfig: { value: { devicePlatform: 'ios', version: '1.0' }, outcome: 'attention', expect: {} },
  mobileStartUrl: { value: 'https://m.acme.example', outcome: 'attention', expect: {} },
  canvas: { value: { accessMethod: 'Get', canvasUrl: 'https://legacy.acme.example' }, outcome: 'attention', expect: {} },
};

function appWith(row: MappingRow, example: Example): MetadataValues {
  const values: MetadataValues = {
    contactEmail: 'ops@acme.example',
    label: 'Acme',
    oauthConfig: { callbackUrl: 'https://acme.example/oauth/callback' },
    oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'zero' },
    ...(example.with === 'saml' ? { samlConfig: { ...SAML_BASE } } : {}),
    ...(example.with === 'canvas' ? { canvasConfig: { ...CANVAS_BASE } } : {}),
  };
  setPath(values, row.from, example.value);
  return values;
}

describe('each mapping row, on a Connected App holding its field (API 66)', () => {
  for (const row of MAPPING) {
    it(`${row.from} (${row.rule})`, () => {
      const example = EXAMPLES[row.from];
      expect(example, `add an example for ${row.from}`).to.not.equal(undefined);
      const result = convertConnectedApp({ fullName: 'Acme', values: appWith(row, example) }, { apiVersion: 66 });
      expect(result.problems).to.deep.equal([]);
      const entry = result.report.find((e) => e.source === row.from);
      expect(entry, 'report entry').to.not.equal(undefined);
      expect(entry?.outcome).to.equal(example.outcome);
      for (const [target, value] of Object.entries(example.expect)) {
        expect(valueAt(result.eca, target), target).to.deep.equal(value);
      }
      const targets = Object.keys(example.expect);
      expect(entry?.target).to.equal(targets.length ? targets.join(', ') : undefined);
      // the targets the example does not expect stay empty (consumer key without keepConsumerKey, ...)
      for (const target of row.to.filter((t) => !targets.includes(`${componentByPart(t.part).type}.${t.field}`))) {
        expect(valueAt(result.eca, `${componentByPart(target.part).type}.${target.field}`), `${target.field} must not be written`).to.equal(undefined);
      }
      if (example.outcome === 'attention' || example.outcome === 'dropped') expect(entry?.reason).to.be.a('string').and.not.be.empty;
    });
  }
});
