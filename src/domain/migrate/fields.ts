/**
 * The fields a migration between orgs treats specially, in one place. Names are typed against
 * @salesforce/types (a misspelled field does not compile) and a unit test checks each against the
 * WSDL schema in ../schema; what the schema can tell by itself (which fields hold URLs, which hold
 * comma-separated lists) is derived from it rather than listed.
 */
import { componentByPart, type EcaPart } from '../components.js';
import type { EcaPartValues } from '../model.js';
import { fieldKind, fieldsOf } from '../schema/index.js';

/** A field of one ECA part, as @salesforce/types names it. */
export type FieldRef = { [P in EcaPart]: { readonly part: P; readonly field: keyof EcaPartValues[P] & string } }[EcaPart];

/**
 * Values only the org that holds the app can have, `<OrgId>:<App>` and `<OrgId>:<ConsumerId>`
 * (reference §4): they break a deploy to any other org, and the target generates its own.
 */
export const ORG_SPECIFIC_FIELDS: readonly FieldRef[] = [
  { part: 'header', field: 'orgScopedExternalApp' },
  { part: 'oauthSettings', field: 'oauthLink' },
];

/** The client id. Each org generates its own unless a team deliberately carries it (keepConsumerKey). */
export const CONSUMER_KEY_FIELD = { part: 'globalOauthSettings', field: 'consumerKey' } as const satisfies FieldRef;

/** Switches that make Salesforce generate new credentials on deploy (reference §4). */
export const ROTATION_FIELDS: readonly FieldRef[] = [
  { part: 'globalOauthSettings', field: 'shouldRotateConsumerKey' },
  { part: 'globalOauthSettings', field: 'shouldRotateConsumerSecret' },
];

/**
 * Fields that hold one username. `executeHandlerAs` (the Apex handler's execution user) is
 * UNCONFIRMED to hold a username: only values written like one (name@domain) are treated as users.
 */
export const USER_FIELDS: readonly FieldRef[] = [
  { part: 'oauthPolicies', field: 'clientCredentialsFlowUser' },
  { part: 'oauthPolicies', field: 'executeHandlerAs' },
];

/** Comma-separated profile names. */
export const PROFILE_FIELDS: readonly FieldRef[] = [
  { part: 'oauthPolicies', field: 'commaSeparatedProfile' },
  { part: 'samlPolicies', field: 'commaSeparatedProfile' },
];

/** Comma-separated permission set API names. */
export const PERMISSION_SET_FIELDS: readonly FieldRef[] = [
  { part: 'oauthPolicies', field: 'commaSeparatedPermissionSet' },
  { part: 'samlPolicies', field: 'commaSeparatedPermissionSet' },
];

/** Callback URLs, one a line. */
export const CALLBACK_URL_FIELD = { part: 'globalOauthSettings', field: 'callbackUrl' } as const satisfies FieldRef;

/** The X.509 certificate (PEM) that verifies JWT bearer assertions. */
export const CERTIFICATE_FIELD = { part: 'globalOauthSettings', field: 'certificate' } as const satisfies FieldRef;

/** Header fields a mapping may set per app and target. */
export const APP_SETTING_FIELDS = {
  label: { part: 'header', field: 'label' },
  contactEmail: { part: 'header', field: 'contactEmail' },
} as const satisfies Readonly<Record<string, FieldRef>>;

export type AppSettingName = keyof typeof APP_SETTING_FIELDS;

/** The header field that says whether an app is local or comes with a package. */
export const DISTRIBUTION_STATE_FIELD = { part: 'header', field: 'distributionState' } as const satisfies FieldRef;

/** Every satellite's display name; Salesforce sets it to the satellite's full name. */
export const SATELLITE_LABEL_FIELD = 'label' satisfies keyof EcaPartValues['oauthSettings'];

/** The type of an ECA part ("oauthPolicies" -> "ExtlClntAppOauthConfigurablePolicies"). */
export function typeOfPart(part: EcaPart): string {
  return componentByPart(part).type;
}

/** Top-level text fields of a part that hold a URL: by the schema's naming, the fields ending in "Url". */
export function urlFieldsOf(part: EcaPart): readonly string[] {
  return fieldsOf(typeOfPart(part))
    .filter((f) => !f.list && fieldKind(f) === 'string' && f.name.endsWith('Url'))
    .map((f) => f.name);
}

/** Text fields that hold a comma-separated list (scopes, profiles, permission sets), by the schema's naming. */
export function isCommaSeparatedField(name: string): boolean {
  return name.startsWith('commaSeparated');
}

/** Text fields that hold a certificate (PEM or bare base64), by the schema's naming. */
export function isCertificateField(name: string): boolean {
  return /certificate$/i.test(name);
}

/** Text fields that hold several values one a line. */
export function isLineListField(part: EcaPart, name: string): boolean {
  return part === CALLBACK_URL_FIELD.part && name === CALLBACK_URL_FIELD.field;
}
