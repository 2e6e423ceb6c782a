/**
 * Connected App -> External Client App, field by field: eca-reference.md §3 as a table.
 *
 * Read it row by row. `from` is a field of the Connected App (ConnectedApp metadata, dotted into
 * nested types); `to` is where it goes in the ECA (a part and its field); `rule` says how:
 *
 * - same        same field name, same value
 * - renamed     another field name, same value
 * - translated  the value is rewritten by the row's `translate` function (defined below the table)
 * - dropped     deliberately not written; `reason` says why
 * - attention   cannot be carried; `reason` says what a person must do, `see` where it lives in an ECA
 *
 * A row with several targets writes each of them (client credentials: the developer switch and the
 * admin policy). A target whose part the ECA does not get (no SAML without samlConfig) or whose
 * field the target API version does not know is not written, and the conversion report says so.
 * Field names are typed against @salesforce/types and tested against the WSDL schema
 * (test/unit/convert/mapping.test.ts): a misspelled field fails to compile or fails that test.
 *
 * `note` is for the reviewer: the evidence, and decisions where the reference is UNCONFIRMED.
 */
import { isPlaceholder } from '../certificate.js';
import type { EcaPart } from '../components.js';
import type { ConnectedAppValues, EcaPartValues } from '../model.js';
import { enumValues, formatApiVersion } from '../schema/index.js';
import { connectedAppScopes, joinScopes, scopeSince, toEcaScope } from '../scopes.js';
import type { MetadataValue, MetadataValues } from '../xml.js';
import { type DottedPath, isRecord } from './paths.js';
import { CONNECTED_APP_IP_RELAXATION, ipRelaxationOf, parseConnectedAppRefreshPolicy } from '../oauthPolicyValues.js';

// ---------------------------------------------------------------------------------------------
// types

/** The ECA parts a conversion writes. */
export type ConvertedPart = Extract<EcaPart, 'header' | 'oauthSettings' | 'globalOauthSettings' | 'oauthPolicies' | 'policies' | 'samlPolicies' | 'canvasSettings'>;
export type SatellitePart = Exclude<ConvertedPart, 'header'>;

/** ConnectedApp fields of the WSDL that @salesforce/types 1.9.0 does not publish. */
type ConnectedAppWsdlOnly = { pluginExecutionUser?: string };

/** A Connected App field: "label", "oauthConfig.isPkceRequired", "oauthConfig.idTokenConfig.idTokenValidity". */
export type SourcePath = DottedPath<ConnectedAppValues & ConnectedAppWsdlOnly>;

/** Fields the conversion itself sets on every satellite: the owner and the label (the full name). */
type OwnedField = 'externalClientApplication' | 'label';
type TargetField<P extends ConvertedPart> = P extends 'header' ? DottedPath<EcaPartValues[P]> : DottedPath<Omit<EcaPartValues[P], OwnedField>>;

/** Where a value goes: an ECA part and its (dotted) field. */
export type Target = { [P in ConvertedPart]: { readonly part: P; readonly field: TargetField<P> } }[ConvertedPart];

export type Rule = 'same' | 'renamed' | 'translated' | 'dropped' | 'attention';

/** What the conversion knows when it translates a value. */
export type TranslateContext = {
  readonly apiVersion: number;
  readonly keepConsumerKey: boolean;
  /** permission set label -> API name, read from the org; absent when no org is at hand */
  readonly permissionSetNames?: ReadonlyMap<string, string>;
};

/**
 * A translated value: the values for the row's targets, in order (undefined, or no value at the
 * end: leave that target out), or the reason nothing is written. `attention` marks a value that
 * is written but that a person must still check; `note` explains a rewrite.
 */
export type Translation =
  | { readonly write: ReadonlyArray<MetadataValue | undefined>; readonly attention?: string; readonly note?: string }
  | { readonly skip: 'dropped' | 'attention'; readonly reason: string };

export type Translate = (value: MetadataValue, ctx: TranslateContext) => Translation;

export type MappingRow = {
  readonly from: SourcePath;
  readonly to: readonly Target[];
  readonly rule: Rule;
  /** for `translated` rows, and rows carried only on a condition */
  readonly translate?: Translate;
  /** for `dropped` and `attention` rows: the reason, in words for the person converting */
  readonly reason?: string;
  /** for `attention` rows: where the capability lives in an ECA */
  readonly see?: Target;
  /** for the reviewer */
  readonly note?: string;
};

// ---------------------------------------------------------------------------------------------
// THE TABLE (eca-reference.md §3, in its order)

export const MAPPING: readonly MappingRow[] = [
  // label, description, contactEmail, contactPhone, iconUrl, infoUrl, logoUrl -> header, same names
  { from: 'label', to: [header('label')], rule: 'same' },
  { from: 'description', to: [header('description')], rule: 'same' },
  { from: 'contactEmail', to: [header('contactEmail')], rule: 'same' },
  { from: 'contactPhone', to: [header('contactPhone')], rule: 'same' },
  { from: 'iconUrl', to: [header('iconUrl')], rule: 'same' },
  { from: 'infoUrl', to: [header('infoUrl')], rule: 'same' },
  { from: 'logoUrl', to: [header('logoUrl')], rule: 'same' },

  // oauthConfig.callbackUrl, certificate, consumerKey, consumerSecret -> GlobalOauthSettings, same names
  { from: 'oauthConfig.callbackUrl', to: [globalOauth('callbackUrl')], rule: 'same', note: 'several URLs stay newline separated in both types' },
  {
    from: 'oauthConfig.certificate',
    to: [globalOauth('certificate')],
    rule: 'same',
    note: 'carried as written: retrieved Connected Apps hold the bare base64 body, and both that and PEM deploy (issue 10 row 9); migrate compares certificates by their DER body. Placeholders stay as they are (the real minlopro-dx ECA keeps ${SF_MINLOPRO_CERT_BASE64_VALUE}).',
  },
  {
    from: 'oauthConfig.consumerKey',
    to: [globalOauth('consumerKey')],
    rule: 'same',
    translate: consumerKeyIfKept,
    note: 'carried only with keepConsumerKey. UNCONFIRMED whether the Setup migration keeps the key.',
  },
  {
    from: 'oauthConfig.consumerSecret',
    to: [],
    rule: 'dropped',
    reason: 'A consumer secret is never written: Salesforce generates the ECA secret; read it in Setup or through the credentials REST API once the app is deployed.',
  },

  // oauthConfig.scopes[] -> OauthSettings.commaSeparatedOauthScopes ("Full, RefreshToken")
  {
    from: 'oauthConfig.scopes',
    to: [oauthSettings('commaSeparatedOauthScopes')],
    rule: 'translated',
    translate: ecaScopes,
    note: 'SFAP is SFApiPlatform (real pair MinloproSalesforceLoopback). UNCONFIRMED for the rest: every other token of the WSDL enum ConnectedAppOauthAccessScope is carried as spelled; a token outside that enum has no ECA equivalent and is reported.',
  },

  // oauthConfig.isAdminApproved true / false -> OauthPolicies.permittedUsersPolicyType
  { from: 'oauthConfig.isAdminApproved', to: [oauthPolicies('permittedUsersPolicyType')], rule: 'translated', translate: permittedUsers },

  // profileName[], permissionSetName[] -> OauthPolicies (and SAML policies, which have their own lists)
  {
    from: 'profileName',
    to: [oauthPolicies('commaSeparatedProfile'), samlPolicies('commaSeparatedProfile')],
    rule: 'translated',
    translate: profileNames,
    note: 'profile names carry as they are (real pair InformaticaCloud); comma separated without spaces, as real ECA files write them',
  },
  {
    from: 'permissionSetName',
    to: [oauthPolicies('commaSeparatedPermissionSet'), samlPolicies('commaSeparatedPermissionSet')],
    rule: 'translated',
    translate: permissionSetApiNames,
    note: 'retrieved Connected Apps hold permission set LABELS, ECAs need API NAMES: resolved through TranslateContext.permissionSetNames (from SELECT Name, Label FROM PermissionSet), never guessed',
  },

  // oauthConfig.isClientCredentialEnabled + oauthClientCredentialUser -> Global AND Policies
  {
    from: 'oauthConfig.isClientCredentialEnabled',
    to: [globalOauth('isClientCredentialsFlowEnabled'), oauthPolicies('isClientCredentialsFlowEnabled')],
    rule: 'renamed',
    note: 'the flow works only when the developer setting and the admin policy are both on',
  },
  { from: 'oauthConfig.oauthClientCredentialUser', to: [oauthPolicies('clientCredentialsFlowUser')], rule: 'renamed' },

  // isCodeCredentialEnabled / isCodeCredentialPostOnly -> isCodeCredFlowEnabled / isCodeCredPostOnly
  { from: 'oauthConfig.isCodeCredentialEnabled', to: [globalOauth('isCodeCredFlowEnabled')], rule: 'renamed' },
  { from: 'oauthConfig.isCodeCredentialPostOnly', to: [globalOauth('isCodeCredPostOnly')], rule: 'renamed' },

  // the flow switches with the same names in GlobalOauthSettings
  { from: 'oauthConfig.isConsumerSecretOptional', to: [globalOauth('isConsumerSecretOptional')], rule: 'same' },
  { from: 'oauthConfig.isIntrospectAllTokens', to: [globalOauth('isIntrospectAllTokens')], rule: 'same' },
  { from: 'oauthConfig.isPkceRequired', to: [globalOauth('isPkceRequired')], rule: 'same' },
  { from: 'oauthConfig.isRefreshTokenRotationEnabled', to: [globalOauth('isRefreshTokenRotationEnabled')], rule: 'same' },
  { from: 'oauthConfig.isSecretRequiredForRefreshToken', to: [globalOauth('isSecretRequiredForRefreshToken')], rule: 'same' },
  { from: 'oauthConfig.isSecretRequiredForTokenExchange', to: [globalOauth('isSecretRequiredForTokenExchange')], rule: 'same' },
  { from: 'oauthConfig.isTokenExchangeEnabled', to: [globalOauth('isTokenExchangeEnabled')], rule: 'same' },
  {
    from: 'oauthConfig.isNamedUserJwtEnabled',
    to: [globalOauth('isNamedUserJwtEnabled')],
    rule: 'same',
    note: 'the reference says API 61 to 63 only; the WSDL subset has the field from 61 through 66, which this table trusts (the org-migrated InformaticaCloud carries it)',
  },

  // API 67 fields of ConnectedAppOauthConfig (@salesforce/types 1.9.0); GlobalOauthSettings has the first three by the same names
  {
    from: 'oauthConfig.isDeviceFlowEnabled',
    to: [globalOauth('isDeviceFlowEnabled')],
    rule: 'same',
    note: 'the Connected App field exists from API 67; the ECA field from 60. An older Connected App file cannot say, so no default is written for it (see the device-flow-unknown notice)',
  },
  { from: 'oauthConfig.isDPopEnabled', to: [globalOauth('isDPopEnabled')], rule: 'same', note: 'API 67 on both sides' },
  { from: 'oauthConfig.isEnforceRefreshTokenTTL', to: [globalOauth('isEnforceRefreshTokenTTL')], rule: 'same', note: 'API 67 on both sides' },
  {
    from: 'oauthConfig.isPKImTLSEnabled',
    to: [globalOauth('isMtlsEnabled')],
    rule: 'translated',
    translate: mtlsUnconfirmed,
    note: 'UNCONFIRMED: both names suggest certificate-bound (mTLS) client authentication, but no public source pairs them; written, and marked for attention when on',
  },
  {
    from: 'oauthConfig.isIpBindingEnabled',
    to: [],
    rule: 'translated',
    translate: ipBindingNotCarried,
    note: 'no field of any ECA type in @salesforce/types 1.9.0 holds it; the closest are the token IP ranges of ExtlClntAppOauthSecuritySettings (API 67), whose meaning differs',
  },

  // oauthConfig.idTokenConfig -> GlobalOauthSettings.idTokenConfig (two renames)
  { from: 'oauthConfig.idTokenConfig.idTokenAudience', to: [globalOauth('idTokenConfig.idTokenAudience')], rule: 'same' },
  { from: 'oauthConfig.idTokenConfig.idTokenIncludeAttributes', to: [globalOauth('idTokenConfig.idTokenIncludeAttributes')], rule: 'same' },
  { from: 'oauthConfig.idTokenConfig.idTokenIncludeCustomPerms', to: [globalOauth('idTokenConfig.idTokenIncludeCustomPermissions')], rule: 'renamed' },
  { from: 'oauthConfig.idTokenConfig.idTokenIncludeStandardClaims', to: [globalOauth('idTokenConfig.idTokenIncludeStandardClaims')], rule: 'same' },
  { from: 'oauthConfig.idTokenConfig.idTokenValidity', to: [globalOauth('idTokenConfig.idTokenValidityInMinutes')], rule: 'renamed', note: 'both in minutes (UNCONFIRMED for the Connected App side)' },

  // oauthConfig.assetTokenConfig -> OauthSettings asset token fields
  { from: 'oauthConfig.assetTokenConfig.assetAudiences', to: [oauthSettings('assetTokenAudiences')], rule: 'renamed' },
  { from: 'oauthConfig.assetTokenConfig.assetIncludeAttributes', to: [oauthSettings('areAttributesIncludedInAssetToken')], rule: 'renamed' },
  { from: 'oauthConfig.assetTokenConfig.assetIncludeCustomPerms', to: [oauthSettings('areCustomPermsIncludedInAssetToken')], rule: 'renamed' },
  {
    from: 'oauthConfig.assetTokenConfig.assetSigningCertId',
    to: [oauthSettings('assetTokenSigningCertificate')],
    rule: 'renamed',
    note: 'UNCONFIRMED: both name the signing certificate (Certificate and Key Management); carried as is',
  },
  { from: 'oauthConfig.assetTokenConfig.assetValidityPeriod', to: [oauthSettings('assetTokenValidity')], rule: 'renamed', note: 'UNCONFIRMED that both use the same unit' },

  // oauthConfig.singleLogoutUrl (the reference names only oauthPolicy's)
  {
    from: 'oauthConfig.singleLogoutUrl',
    to: [oauthSettings('singleLogoutUrl')],
    rule: 'same',
    note: 'UNCONFIRMED: the developer-side single logout URL goes to the developer settings, oauthPolicy.singleLogoutUrl to the policies',
  },

  // ipRanges[] {start, end, description} -> OauthSettings.trustedIpRanges[] {startIpAddress, endIpAddress, description}
  { from: 'ipRanges', to: [oauthSettings('trustedIpRanges')], rule: 'translated', translate: trustedIpRanges },

  // oauthPolicy.ipRelaxation ENFORCE, ... -> ipRelaxationPolicyType Enforce, ...
  { from: 'oauthPolicy.ipRelaxation', to: [oauthPolicies('ipRelaxationPolicyType')], rule: 'translated', translate: ipRelaxationPolicy },

  // oauthPolicy.refreshTokenPolicy infinite | zero | specific_lifetime:N:UNIT | specific_inactivity:N:UNIT
  {
    from: 'oauthPolicy.refreshTokenPolicy',
    to: [oauthPolicies('refreshTokenPolicyType'), oauthPolicies('refreshTokenValidityPeriod'), oauthPolicies('refreshTokenValidityUnit')],
    rule: 'translated',
    translate: refreshTokenPolicy,
  },

  // oauthPolicy.isTokenExchangeFlowEnabled, singleLogoutUrl -> OauthPolicies, same names
  { from: 'oauthPolicy.isTokenExchangeFlowEnabled', to: [oauthPolicies('isTokenExchangeFlowEnabled')], rule: 'same' },
  { from: 'oauthPolicy.singleLogoutUrl', to: [oauthPolicies('singleLogoutUrl')], rule: 'same' },

  // sessionPolicy.policyAction, sessionLevel, sessionTimeout -> policyAction, requiredSessionLevel, sessionTimeoutInMinutes
  {
    from: 'sessionPolicy.policyAction',
    to: [oauthPolicies('policyAction')],
    rule: 'translated',
    translate: enumValue('PolicyAction'),
    note: 'UNCONFIRMED how Connected Apps spell it (a plain string); matched to the ECA enum ignoring case and underscores',
  },
  {
    from: 'sessionPolicy.sessionLevel',
    to: [oauthPolicies('requiredSessionLevel')],
    rule: 'translated',
    translate: enumValue('SessionSecurityLevel'),
    note: 'UNCONFIRMED spelling, matched like policyAction',
  },
  {
    from: 'sessionPolicy.sessionTimeout',
    to: [oauthPolicies('sessionTimeoutInMinutes')],
    rule: 'renamed',
    note: 'minutes on both sides; the values an ECA accepts are UNCONFIRMED (applies only to opaque tokens)',
  },

  // startUrl -> ConfigurablePolicies.startUrl with startPage Custom
  { from: 'startUrl', to: [policies('startUrl'), policies('startPage')], rule: 'translated', translate: customStartUrl },

  // samlConfig -> SamlConfigurablePolicies (renamed fields; Triple_Des unsupported; the app stays Local)
  { from: 'samlConfig.acsUrl', to: [samlPolicies('acsUrl')], rule: 'same' },
  { from: 'samlConfig.certificate', to: [samlPolicies('certificate')], rule: 'same' },
  { from: 'samlConfig.encryptionCertificate', to: [samlPolicies('encryptionCertificate')], rule: 'same' },
  { from: 'samlConfig.encryptionType', to: [samlPolicies('encryptionType')], rule: 'translated', translate: samlEncryption },
  { from: 'samlConfig.entityUrl', to: [samlPolicies('entityUrl')], rule: 'same' },
  { from: 'samlConfig.issuer', to: [samlPolicies('issuer')], rule: 'same' },
  { from: 'samlConfig.samlIdpSLOBindingEnum', to: [samlPolicies('singleLogoutBindingType')], rule: 'renamed' },
  { from: 'samlConfig.samlNameIdFormat', to: [samlPolicies('nameIdFormat')], rule: 'renamed' },
  { from: 'samlConfig.samlSigningAlgoType', to: [samlPolicies('signingAlgorithmType')], rule: 'renamed' },
  { from: 'samlConfig.samlSloUrl', to: [samlPolicies('singleLogoutUrl')], rule: 'renamed' },
  { from: 'samlConfig.samlSubjectCustomAttr', to: [samlPolicies('subjectCustomAttribute')], rule: 'renamed' },
  { from: 'samlConfig.samlSubjectType', to: [samlPolicies('subjectType')], rule: 'renamed' },

  // canvasConfig -> CanvasSettings (API 66+)
  { from: 'canvasConfig.accessMethod', to: [canvas('accessMethod')], rule: 'same' },
  { from: 'canvasConfig.canvasUrl', to: [canvas('canvasUrl')], rule: 'same' },
  { from: 'canvasConfig.lifecycleClass', to: [canvas('lifeCycleHandler')], rule: 'renamed' },
  { from: 'canvasConfig.locations', to: [canvas('canvasLocationOptions')], rule: 'renamed' },
  { from: 'canvasConfig.options', to: [canvas('canvasOptions')], rule: 'renamed' },
  { from: 'canvasConfig.samlInitiationMethod', to: [canvas('samlInitiationMethod')], rule: 'same' },

  // not in the reference table: custom attributes
  {
    from: 'attributes',
    to: [oauthSettings('customAttributes'), samlPolicies('customAttributes')],
    rule: 'renamed',
    note: 'UNCONFIRMED: {key, formula} pairs go to the developer defaults (OauthSettings.customAttributes; admins can override them in the OAuth policies) and, for a SAML app, to the SAML policies',
  },

  // cannot be carried (reference: "must be reported, never silently dropped")
  {
    from: 'plugin',
    to: [],
    rule: 'attention',
    see: oauthPolicies('apexHandler'),
    reason:
      'A Connected App plugin (an Apex class extending Auth.ConnectedAppPlugin) does not run for an ECA. Port it to a class extending Auth.ExternalClientAppOauthHandler, then name that class in ExtlClntAppOauthConfigurablePolicies.apexHandler.',
  },
  {
    from: 'pluginExecutionUser',
    to: [],
    rule: 'attention',
    see: oauthPolicies('executeHandlerAs'),
    reason: 'Goes with the plugin: once the handler is ported, set the user it runs as in ExtlClntAppOauthConfigurablePolicies.executeHandlerAs.',
  },
  {
    from: 'mobileAppConfig',
    to: [],
    rule: 'attention',
    reason: 'ECAs do not distribute mobile app binaries; their mobile settings and policies (API 57+, push from API 62) do not hold a binary. Distribute the app another way.',
  },
  {
    from: 'mobileStartUrl',
    to: [],
    rule: 'attention',
    reason: 'ECAs have no mobile start URL; only the start URL of the app policies (startUrl) exists.',
  },
  {
    from: 'canvas',
    to: [],
    rule: 'attention',
    see: canvas('canvasUrl'),
    reason: 'The legacy <canvas> element is not converted; describe the canvas app with canvasConfig (which converts to ExtlClntAppCanvasSettings, API 66+) or set the canvas settings by hand.',
  },
];

/**
 * The satellites built from a Connected App element (when the app has it); the header and the
 * app policies (the on/off switch) are always built.
 */
export const PART_SOURCE: Readonly<Record<SatellitePart, SourcePath | undefined>> = {
  oauthSettings: 'oauthConfig',
  globalOauthSettings: 'oauthConfig',
  oauthPolicies: 'oauthConfig',
  policies: undefined,
  samlPolicies: 'samlConfig',
  canvasSettings: 'canvasConfig',
};

/** Which parts the ECA has, for defaults that depend on it. */
export type PartsPresent = Readonly<Record<'oauth' | 'saml' | 'canvas', boolean>>;

/** What a default may depend on: the parts the ECA gets, and what the Connected App's metadata can say. */
export type DefaultContext = PartsPresent & {
  /** the Connected App file is of API 67 or later, where ConnectedAppOauthConfig.isDeviceFlowEnabled exists */
  readonly sourceKnowsDeviceFlow: boolean;
};

export type PlatformDefault = {
  readonly to: Target;
  /** undefined: not written for this app */
  readonly value: MetadataValue | ((context: DefaultContext) => MetadataValue | undefined);
  readonly reason: string;
};

const MIGRATED = 'what Salesforce writes when it migrates a Connected App (real pair minlopro-dx InformaticaCloud)';

/**
 * Values the Connected App does not hold and Salesforce fills on its own migration. Written only
 * where the conversion did not set the field from the Connected App, and only where the part
 * exists and the API version knows the field.
 */
export const PLATFORM_DEFAULTS: readonly PlatformDefault[] = [
  { to: header('distributionState'), value: 'Local', reason: 'a converted app is local to its org (SAML policies require it)' },
  { to: header('isProtected'), value: false, reason: MIGRATED },
  { to: oauthSettings('isFirstPartyAppEnabled'), value: false, reason: MIGRATED },
  { to: globalOauth('isClientCredentialsFlowEnabled'), value: false, reason: 'a Connected App without isClientCredentialEnabled has the flow off' },
  {
    to: globalOauth('isDeviceFlowEnabled'),
    value: (c) => (c.sourceKnowsDeviceFlow ? false : undefined),
    reason: 'a Connected App of API 67 or later that does not set isDeviceFlowEnabled has "Enable for Device Flow" off; an older file cannot say, so nothing is written then',
  },
  { to: globalOauth('shouldRotateConsumerKey'), value: false, reason: MIGRATED },
  { to: globalOauth('shouldRotateConsumerSecret'), value: false, reason: MIGRATED },
  { to: oauthPolicies('isClientCredentialsFlowEnabled'), value: false, reason: 'a Connected App without isClientCredentialEnabled has the flow off' },
  { to: oauthPolicies('isGuestCodeCredFlowEnabled'), value: false, reason: MIGRATED },
  { to: oauthPolicies('guestJwtSessionTimeoutType'), value: 'Custom', reason: MIGRATED },
  { to: oauthPolicies('namedUserJwtSessionTimeoutType'), value: 'Custom', reason: MIGRATED },
  { to: oauthPolicies('permittedUsersPolicyType'), value: 'AllSelfAuthorized', reason: 'a Connected App without isAdminApproved lets users self-authorize' },
  { to: oauthPolicies('requiredSessionLevel'), value: 'STANDARD', reason: MIGRATED },
  { to: policies('isEnabled'), value: true, reason: MIGRATED },
  { to: policies('isOauthPluginEnabled'), value: (p) => (p.oauth ? true : undefined), reason: MIGRATED },
  { to: policies('isSamlPluginEnabled'), value: (p) => (p.saml ? true : undefined), reason: 'the app has SAML policies' },
  { to: policies('isCanvasPluginEnabled'), value: (p) => (p.canvas ? true : undefined), reason: 'the app has canvas settings' },
  {
    to: policies('startPage'),
    value: (p) => (p.oauth ? 'OAuth' : p.saml ? 'SAML' : 'None'),
    reason: `${MIGRATED}; SAML for an app that has only SAML (UNCONFIRMED)`,
  },
];

export type NoticeCode = 'username-password-flow' | 'user-provisioning' | 'first-generation-packaging' | 'device-flow-unknown';

/** What a Connected App can do that an ECA cannot, and that no field of the Connected App shows. */
export const NOT_CARRIED: Readonly<Record<NoticeCode, string>> = {
  'username-password-flow':
    'ECAs do not support the OAuth username-password flow (grant_type=password): a client that logs in with a username, password, consumer key and secret stops working after the move. Move it to the client credentials flow (a run-as integration user), the JWT bearer flow (a certificate) or the web-server flow first.',
  'user-provisioning':
    'ECAs do not support user provisioning: a UserProvisioningConfig on the Connected App has no ECA equivalent; provision users another way.',
  'first-generation-packaging':
    'ECAs cannot go into first-generation (1GP) managed packages; package them in a second-generation (2GP) package, built outside scratch orgs and sandboxes.',
  'device-flow-unknown':
    'The Connected App\'s "Enable for Device Flow" setting cannot be read from metadata older than API 67 (ConnectedAppOauthConfig.isDeviceFlowEnabled is an API 67 field), so the ECA says nothing about the device flow and it stays off. Check the setting in Setup (App Manager > the app > Edit > API (Enable OAuth Settings)); if it is on, set isDeviceFlowEnabled to true in the ECA\'s global OAuth settings, or retrieve the Connected App at API 67 and convert again.',
};

// ---------------------------------------------------------------------------------------------
// targets

function header(field: TargetField<'header'>): Target {
  return { part: 'header', field };
}
function oauthSettings(field: TargetField<'oauthSettings'>): Target {
  return { part: 'oauthSettings', field };
}
function globalOauth(field: TargetField<'globalOauthSettings'>): Target {
  return { part: 'globalOauthSettings', field };
}
function oauthPolicies(field: TargetField<'oauthPolicies'>): Target {
  return { part: 'oauthPolicies', field };
}
function policies(field: TargetField<'policies'>): Target {
  return { part: 'policies', field };
}
function samlPolicies(field: TargetField<'samlPolicies'>): Target {
  return { part: 'samlPolicies', field };
}
function canvas(field: TargetField<'canvasSettings'>): Target {
  return { part: 'canvasSettings', field };
}

// ---------------------------------------------------------------------------------------------
// translations (one per `translated` row, in table order)

function show(value: MetadataValue): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function strings(value: MetadataValue): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** A value the translation cannot read: a placeholder is kept for the pipeline, anything else is reported. */
function untranslatable(value: MetadataValue, expected: string, ecaForm: string): Translation {
  if (typeof value === 'string' && isPlaceholder(value)) {
    return { write: [value], attention: `"${value}" is a placeholder, kept verbatim: the pipeline must now substitute ${ecaForm}, not the Connected App value.` };
  }
  return { skip: 'attention', reason: `"${show(value)}" is not ${expected}; not written.` };
}

export function mtlsUnconfirmed(value: MetadataValue): Translation {
  if (value === true) {
    return {
      write: [true],
      attention:
        'isPKImTLSEnabled is written as isMtlsEnabled: UNCONFIRMED that the two mean the same (no public source pairs them). Check the ECA\'s mTLS settings (ExtlClntAppOauthSecuritySettings, API 67) before clients rely on it.',
    };
  }
  return { write: [value] };
}

export function ipBindingNotCarried(value: MetadataValue): Translation {
  if (value === false) return { skip: 'dropped', reason: 'Off in the Connected App; no ECA field holds it.' };
  return {
    skip: 'attention',
    reason:
      'isIpBindingEnabled has no ECA field (none in @salesforce/types 1.9.0): the ECA will not bind tokens to an IP address. Restrict the IP addresses tokens work from with the token IP ranges of ExtlClntAppOauthSecuritySettings (API 67) or the OAuth policies\' IP relaxation, and tell the app\'s owners.',
  };
}

export function consumerKeyIfKept(value: MetadataValue, ctx: TranslateContext): Translation {
  if (!ctx.keepConsumerKey) {
    return {
      skip: 'dropped',
      reason:
        'Salesforce generates a new consumer key for the ECA; give it to the clients. To keep this one, convert with keepConsumerKey and deploy only after the Connected App is deleted (a key is unique: "The consumer key is already taken").',
    };
  }
  return { write: [value], note: 'kept on request: deploy only once the Connected App that holds this key is deleted ("The consumer key is already taken")' };
}

/** OAuth protocol scope names whose enum token is spelled differently. Shown as a hint, never applied. */
const SCOPE_HINTS: Readonly<Record<string, string>> = { id: 'Basic' };

/** The enum token a person probably meant: same letters ("api"), or the protocol name ("chatbot_api", "id"). */
function scopeHint(token: string): string | undefined {
  const key = token.toLowerCase().replace(/[_\s-]/g, '');
  const byLetters = (k: string): string | undefined => connectedAppScopes().find((s) => s.toLowerCase() === k);
  const match = byLetters(key) ?? (key.endsWith('api') ? byLetters(key.slice(0, -'api'.length)) : undefined);
  return match ? toEcaScope(match) : SCOPE_HINTS[key];
}

function unknownScopes(tokens: readonly string[]): string {
  const hints = tokens.map((t) => [t, scopeHint(t)]).filter(([, hint]) => hint !== undefined);
  const didYouMean = hints.length ? ` Did you mean ${hints.map(([t, hint]) => `${hint as string} for ${t}`).join(', ')}?` : '';
  return `${tokens.map((t) => `"${t}"`).join(', ')} ${tokens.length === 1 ? 'is not a scope' : 'are not scopes'} of the Metadata API (ConnectedAppOauthAccessScope), so there is no ECA equivalent; not written.${didYouMean}`;
}

function tooNewScopes(tokens: readonly string[], apiVersion: number): string {
  return tokens
    .map((t) => `${t} exists from API ${formatApiVersion(scopeSince(t) ?? apiVersion)} on`)
    .concat(`converting for API ${formatApiVersion(apiVersion)}; not written`)
    .join('; ')
    .concat('.');
}

export function ecaScopes(value: MetadataValue, ctx: TranslateContext): Translation {
  const everKnown = new Set(connectedAppScopes());
  const known = new Set(connectedAppScopes(ctx.apiVersion));
  const tokens = strings(value);
  const carried = tokens.filter((t) => known.has(t) || isPlaceholder(t)).map((t) => (isPlaceholder(t) ? t : toEcaScope(t)));
  const tooNew = tokens.filter((t) => everKnown.has(t) && !known.has(t));
  const unknown = tokens.filter((t) => !everKnown.has(t) && !isPlaceholder(t));
  const notCarried = [unknown.length ? unknownScopes(unknown) : '', tooNew.length ? tooNewScopes(tooNew, ctx.apiVersion) : ''].filter(Boolean).join(' ');
  if (carried.length === 0) return { skip: 'attention', reason: notCarried };
  const renamed = tokens.filter((t) => known.has(t) && toEcaScope(t) !== t);
  const placeholders = tokens.filter((t) => isPlaceholder(t));
  const attention = [
    notCarried,
    placeholders.length ? `${placeholders.join(', ')} kept verbatim: the pipeline must substitute ECA scope names.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    write: [joinScopes(carried)],
    ...(attention ? { attention } : {}),
    ...(renamed.length ? { note: renamed.map((t) => `${t} is ${toEcaScope(t)} in an ECA`).join('; ') } : {}),
  };
}

export function permittedUsers(value: MetadataValue): Translation {
  if (value === true) return { write: ['AdminApprovedPreAuthorized'] };
  if (value === false) return { write: ['AllSelfAuthorized'] };
  return untranslatable(value, 'true or false', 'AdminApprovedPreAuthorized or AllSelfAuthorized');
}

/** One list for the OAuth policies and the same for the SAML policies. */
function forOauthAndSaml(names: readonly string[]): ReadonlyArray<string | undefined> {
  const joined = names.length ? names.join(',') : undefined;
  return [joined, joined];
}

export function profileNames(value: MetadataValue): Translation {
  return { write: forOauthAndSaml(strings(value)) };
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

export function permissionSetApiNames(value: MetadataValue, ctx: TranslateContext): Translation {
  const labels = strings(value);
  const lookup = ctx.permissionSetNames;
  if (!lookup) {
    return {
      skip: 'attention',
      reason: `Permission set ${quoted(labels)} ${labels.length === 1 ? 'is a label' : 'are labels'}; the ECA needs API names. Resolve them with SELECT Name, Label FROM PermissionSet (or convert with an org), then set commaSeparatedPermissionSet.`,
    };
  }
  const apiNames = new Set(lookup.values());
  const resolve = (label: string): string | undefined => (isPlaceholder(label) || apiNames.has(label) ? label : lookup.get(label));
  const resolved = labels.map(resolve).filter((n): n is string => n !== undefined);
  const unresolved = labels.filter((l) => resolve(l) === undefined);
  const missing = unresolved.length ? `No permission set in the org is labelled ${quoted(unresolved)}; not written.` : '';
  if (resolved.length === 0) return { skip: 'attention', reason: missing };
  const renamed = labels.filter((l) => resolve(l) !== undefined && resolve(l) !== l);
  return {
    write: forOauthAndSaml(resolved),
    ...(missing ? { attention: missing } : {}),
    ...(renamed.length ? { note: renamed.map((l) => `"${l}" is ${resolve(l) as string}`).join(', ') } : {}),
  };
}

function ipRange(value: MetadataValue): MetadataValues | undefined {
  if (!isRecord(value) || typeof value.start !== 'string' || typeof value.end !== 'string') return undefined;
  return {
    startIpAddress: value.start,
    endIpAddress: value.end,
    ...(value.description === undefined ? {} : { description: value.description }),
  };
}

export function trustedIpRanges(value: MetadataValue): Translation {
  const items = Array.isArray(value) ? value : [value];
  const ranges = items.map(ipRange);
  if (ranges.some((r) => r === undefined)) return untranslatable(value, 'a list of {start, end, description} IP ranges', 'trusted IP ranges');
  return { write: [ranges as MetadataValues[]] };
}

export function ipRelaxationPolicy(value: MetadataValue): Translation {
  const ecaValue = typeof value === 'string' ? ipRelaxationOf(value) : undefined;
  if (ecaValue) return { write: [ecaValue] };
  return untranslatable(value, `one of ${Object.keys(CONNECTED_APP_IP_RELAXATION).join(', ')}`, `one of ${Object.values(CONNECTED_APP_IP_RELAXATION).join(', ')}`);
}

/** "infinite" -> Infinite; "specific_lifetime:8:HOURS" -> SpecificLifetime, 8, Hours. */
export function refreshTokenPolicy(value: MetadataValue): Translation {
  const p = typeof value === 'string' ? parseConnectedAppRefreshPolicy(value) : undefined;
  if (p) return { write: 'period' in p ? [p.type, p.period, p.unit] : [p.type, undefined, undefined] };
  return untranslatable(value, 'infinite, zero, specific_lifetime:N:UNIT or specific_inactivity:N:UNIT (UNIT HOURS, DAYS or MONTHS)', 'Infinite, Zero, SpecificLifetime or SpecificInactivity');
}

/** Matches a Connected App string to a value of the ECA enum, ignoring case and underscores. */
export function enumValue(enumName: string): Translate {
  const key = (s: string): string => s.toLowerCase().replace(/_/g, '');
  return (value, ctx) => {
    const allowed = enumValues(enumName, ctx.apiVersion);
    const match = typeof value === 'string' ? allowed.find((v) => key(v) === key(value)) : undefined;
    if (match) return { write: [match] };
    return untranslatable(value, `one of ${allowed.join(', ')} (API ${ctx.apiVersion})`, `one of ${allowed.join(', ')}`);
  };
}

export function customStartUrl(value: MetadataValue): Translation {
  return { write: [value, 'Custom'] };
}

export function samlEncryption(value: MetadataValue, ctx: TranslateContext): Translation {
  if (value === 'Triple_Des') {
    return {
      skip: 'attention',
      reason: 'ECA SAML encrypts with AES_128 or AES_256 only; Triple_Des is not supported. Choose one, and tell the service provider.',
    };
  }
  const allowed = enumValues('ExtlClntAppSamlEncryptType', ctx.apiVersion);
  if (typeof value === 'string' && allowed.includes(value)) return { write: [value] };
  return untranslatable(value, `one of ${allowed.join(', ')}`, `one of ${allowed.join(', ')}`);
}
