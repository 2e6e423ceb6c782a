/**
 * Where Setup shows each metadata field of an External Client App or Connected App, and under
 * which label: the tab, the section and the words a person sees on the page, so `sf eca display`
 * reads like Setup. One table; a field it does not name keeps its metadata name in its
 * component's section. Pure.
 *
 * Sources (labels as Setup prints them, API 67.0 / Summer '26):
 * - Salesforce CLI Setup Guide, "Create an External Client App in Your Org": External Client App
 *   Manager > Settings tab: Basic Information; API (Enable OAuth Settings) > Enable OAuth; App
 *   Settings > Callback URL; OAuth Scopes; Flow Enablement > Enable JWT Bearer Flow (with the
 *   uploaded certificate); OAuth Settings > Consumer Key and Secret (Consumer Key, Consumer
 *   Secret). Policies tab: OAuth Policies > Plugin Policies > Permitted Users; App Policies
 *   (pre-authorized profiles and permission sets); App Authorization > Refresh Token Policy
 *   ("Expire refresh token after a specific time"), Refresh Token Validity Period, Refresh Token
 *   Validity Unit; Session Timeout in Minutes.
 * - Salesforce "Create an External Client App" (Hosted MCP quick start, metadata-api docs):
 *   Security > "Issue JSON Web Token (JWT)-based access tokens for named users", "Require Proof
 *   Key for Code Exchange (PKCE) extension for Supported Authorization Flows".
 * - Salesforce Help, Review External Client Apps controls (names in src/domain/policy/rules.ts):
 *   "OAuth Flow Enablement: Disable Client Credentials Flow", "Security: Require Secret for Web
 *   Server Flow", "Security: Require Secret for Refresh Token Flow", "Security: Enable Refresh
 *   Token Rotation"; Help "Preauthorize User App Access Through External Client App Policies"
 *   (Policies > OAuth policies > Permitted Users: "All users may self-authorize", "Admin approved
 *   users are pre-authorized"); Help "Enable an OAuth Plugin" (Settings tab: the app's structure;
 *   Policies tab: what the org's admin sets); Help "Manage the Start URL for External Client Apps".
 * - Connected Apps: Help "Manage OAuth Access Policies for a Connected App" (OAuth Policies >
 *   Permitted Users, IP Relaxation, Refresh Token Policy); Salesforce developer guide (Loyalty)
 *   "Create ... for the OAuth 2.0 Client Credentials Flow" (API (Enable OAuth Settings), Selected
 *   OAuth Scopes, Enable Client Credentials Flow, Client Credentials Flow > Run As).
 * Labels not read in a source (Introspect All Tokens, Enable Device Flow, Enable Token Exchange
 * Flow, Enable Authorization Code and Credentials Flow on an ECA, IP Relaxation's section on an
 * ECA) follow the Connected App page, where Setup uses the same words; they are marked `inferred`.
 */
import { CONNECTED_APP, componentByType } from './components.js';

export type SetupTab = 'Settings' | 'Policies';

/** How Setup shows a value: a checkbox, a checkbox that means the opposite of the field, a picklist's words, a certificate. */
export type ShownAs = 'checkbox' | 'inverse-checkbox' | 'permitted-users' | 'certificate' | 'text';

export type SetupPlace = {
  /** false for a field without a Setup label known here: it keeps its metadata name (label), in METADATA_ONLY */
  readonly labelled: boolean;
  /** the field's position on its Setup page, for ordering */
  readonly rank: number;
  /** External Client App Manager tab; undefined for Connected Apps (one page) */
  readonly tab?: SetupTab;
  /** "OAuth Settings > Flow Enablement" */
  readonly section: string;
  readonly label: string;
  readonly shown: ShownAs;
  /** the label follows the Connected App page, not read for External Client Apps */
  readonly inferred?: boolean;
};

type Entry = readonly [field: string, section: string, label: string, shown?: ShownAs, inferred?: 'inferred'];

const BASIC = 'Basic Information';
const APP_SETTINGS = 'OAuth Settings > App Settings';
const FLOWS = 'OAuth Settings > Flow Enablement';
const SECURITY = 'OAuth Settings > Security';
const KEY_AND_SECRET = 'OAuth Settings > Consumer Key and Secret';
const PLUGIN_POLICIES = 'OAuth Policies > Plugin Policies';
const APP_AUTHORIZATION = 'OAuth Policies > App Authorization';
const OAUTH_POLICIES = 'OAuth Policies';
const APP_POLICIES = 'App Policies';

/** External Client Apps: per metadata type, the fields Setup labels, in Setup's order. */
const ECA: Readonly<Record<string, { tab: SetupTab; fields: readonly Entry[] }>> = {
  ExternalClientApplication: {
    tab: 'Settings',
    fields: [
      ['label', BASIC, 'External Client App Name'],
      ['contactEmail', BASIC, 'Contact Email'],
      ['contactPhone', BASIC, 'Contact Phone'],
      ['description', BASIC, 'Description'],
      ['distributionState', BASIC, 'Distribution State'],
      ['infoUrl', BASIC, 'Info URL', 'text', 'inferred'],
      ['logoUrl', BASIC, 'Logo Image URL', 'text', 'inferred'],
      ['iconUrl', BASIC, 'Icon URL', 'text', 'inferred'],
    ],
  },
  ExtlClntAppOauthSettings: {
    tab: 'Settings',
    fields: [['commaSeparatedOauthScopes', APP_SETTINGS, 'OAuth Scopes']],
  },
  ExtlClntAppGlobalOauthSettings: {
    tab: 'Settings',
    fields: [
      ['callbackUrl', APP_SETTINGS, 'Callback URL'],
      ['isClientCredentialsFlowEnabled', FLOWS, 'Enable Client Credentials Flow', 'checkbox'],
      ['isCodeCredFlowEnabled', FLOWS, 'Enable Authorization Code and Credentials Flow', 'checkbox', 'inferred'],
      ['isDeviceFlowEnabled', FLOWS, 'Enable Device Flow', 'checkbox', 'inferred'],
      ['isTokenExchangeEnabled', FLOWS, 'Enable Token Exchange Flow', 'checkbox', 'inferred'],
      ['certificate', FLOWS, 'Enable JWT Bearer Flow: certificate', 'certificate'],
      ['isConsumerSecretOptional', SECURITY, 'Require Secret for Web Server Flow', 'inverse-checkbox'],
      ['isSecretRequiredForRefreshToken', SECURITY, 'Require Secret for Refresh Token Flow', 'checkbox'],
      ['isSecretRequiredForTokenExchange', SECURITY, 'Require Secret for Token Exchange Flow', 'checkbox', 'inferred'],
      ['isPkceRequired', SECURITY, 'Require Proof Key for Code Exchange (PKCE) extension for Supported Authorization Flows', 'checkbox'],
      ['isRefreshTokenRotationEnabled', SECURITY, 'Enable Refresh Token Rotation', 'checkbox'],
      ['isNamedUserJwtEnabled', SECURITY, 'Issue JSON Web Token (JWT)-based access tokens for named users', 'checkbox'],
      ['isIntrospectAllTokens', SECURITY, 'Introspect All Tokens', 'checkbox', 'inferred'],
      ['consumerKey', KEY_AND_SECRET, 'Consumer Key'],
      ['consumerSecret', KEY_AND_SECRET, 'Consumer Secret'],
    ],
  },
  ExtlClntAppOauthConfigurablePolicies: {
    tab: 'Policies',
    fields: [
      ['commaSeparatedProfile', APP_POLICIES, 'Profiles'],
      ['commaSeparatedPermissionSet', APP_POLICIES, 'Permission Sets'],
      ['permittedUsersPolicyType', PLUGIN_POLICIES, 'Permitted Users', 'permitted-users'],
      ['refreshTokenPolicyType', APP_AUTHORIZATION, 'Refresh Token Policy'],
      ['refreshTokenValidityPeriod', APP_AUTHORIZATION, 'Refresh Token Validity Period'],
      ['refreshTokenValidityUnit', APP_AUTHORIZATION, 'Refresh Token Validity Unit'],
      ['sessionTimeoutInMinutes', APP_AUTHORIZATION, 'Session Timeout in Minutes'],
      ['ipRelaxationPolicyType', OAUTH_POLICIES, 'IP Relaxation', 'text', 'inferred'],
      ['isClientCredentialsFlowEnabled', OAUTH_POLICIES, 'Enable Client Credentials Flow', 'checkbox'],
      ['clientCredentialsFlowUser', OAUTH_POLICIES, 'Run As (Username)', 'text', 'inferred'],
      ['startUrl', OAUTH_POLICIES, 'Start URL'],
    ],
  },
  ExtlClntAppConfigurablePolicies: {
    tab: 'Policies',
    fields: [
      ['startPage', APP_POLICIES, 'Start Page'],
      ['startUrl', APP_POLICIES, 'Start URL'],
    ],
  },
};

/** Connected Apps (one page in Setup): per part of the metadata, its section and labels (none: its fields keep their names there). */
const CONNECTED: Readonly<Record<string, { section: string; fields: readonly Entry[] }>> = {
  '': {
    section: BASIC,
    fields: [
      ['label', BASIC, 'Connected App Name'],
      ['contactEmail', BASIC, 'Contact Email'],
      ['contactPhone', BASIC, 'Contact Phone'],
      ['description', BASIC, 'Description'],
      ['profileName', 'Profiles', 'Profiles'],
      ['permissionSetName', 'Permission Sets', 'Permission Sets'],
    ],
  },
  oauthConfig: {
    section: 'API (Enable OAuth Settings)',
    fields: [
      ['callbackUrl', 'API (Enable OAuth Settings)', 'Callback URL'],
      ['scopes', 'API (Enable OAuth Settings)', 'Selected OAuth Scopes'],
      ['certificate', 'API (Enable OAuth Settings)', 'Use digital signatures: certificate', 'certificate'],
      ['isConsumerSecretOptional', 'API (Enable OAuth Settings)', 'Require Secret for Web Server Flow', 'inverse-checkbox'],
      ['isSecretRequiredForRefreshToken', 'API (Enable OAuth Settings)', 'Require Secret for Refresh Token Flow', 'checkbox'],
      ['isPkceRequired', 'API (Enable OAuth Settings)', 'Require Proof Key for Code Exchange (PKCE) Extension for Supported Authorization Flows', 'checkbox'],
      ['isClientCredentialEnabled', 'API (Enable OAuth Settings)', 'Enable Client Credentials Flow', 'checkbox'],
      ['isCodeCredentialEnabled', 'API (Enable OAuth Settings)', 'Enable Authorization Code and Credentials Flow', 'checkbox'],
      ['isTokenExchangeEnabled', 'API (Enable OAuth Settings)', 'Enable Token Exchange Flow', 'checkbox'],
      ['isRefreshTokenRotationEnabled', 'API (Enable OAuth Settings)', 'Enable Refresh Token Rotation', 'checkbox'],
      ['isNamedUserJwtEnabled', 'API (Enable OAuth Settings)', 'Issue JSON Web Token (JWT)-based access tokens for named users', 'checkbox'],
      ['isIntrospectAllTokens', 'API (Enable OAuth Settings)', 'Introspect All Tokens', 'checkbox'],
      ['consumerKey', 'API (Enable OAuth Settings)', 'Consumer Key'],
      ['consumerSecret', 'API (Enable OAuth Settings)', 'Consumer Secret'],
      ['isAdminApproved', OAUTH_POLICIES, 'Permitted Users', 'permitted-users'],
      ['oauthClientCredentialUser', 'Client Credentials Flow', 'Run As'],
    ],
  },
  oauthPolicy: {
    section: OAUTH_POLICIES,
    fields: [
      ['ipRelaxation', OAUTH_POLICIES, 'IP Relaxation'],
      ['refreshTokenPolicy', OAUTH_POLICIES, 'Refresh Token Policy'],
    ],
  },
  sessionPolicy: { section: 'Session Policies', fields: [['sessionTimeout', 'Session Policies', 'Timeout Value']] },
  samlConfig: { section: 'SAML Settings', fields: [] },
  canvasConfig: { section: 'Canvas App Settings', fields: [] },
  mobileAppConfig: { section: 'Mobile App Settings', fields: [] },
};

/** Setup's order of sections, for sorting groups. */
const SECTION_ORDER = [
  BASIC,
  APP_SETTINGS,
  FLOWS,
  SECURITY,
  KEY_AND_SECRET,
  'OAuth Settings',
  'API (Enable OAuth Settings)',
  APP_POLICIES,
  PLUGIN_POLICIES,
  APP_AUTHORIZATION,
  OAUTH_POLICIES,
  'Client Credentials Flow',
  'Profiles',
  'Permission Sets',
  'Session Policies',
];

/** The section of the fields without a Setup label known here (orgScopedExternalApp, oauthLink, shouldRotateConsumerKey, ...): last. */
export const METADATA_ONLY = 'Other fields (metadata names)';

function place(entry: Entry, tab: SetupTab | undefined, rank: number): SetupPlace {
  const [, section, label, shown = 'text', inferred] = entry;
  return { labelled: true, rank, ...(tab ? { tab } : {}), section, label, shown, ...(inferred ? { inferred: true } : {}) };
}

function unlabelled(field: string): SetupPlace {
  return { labelled: false, rank: Number.MAX_SAFE_INTEGER, section: METADATA_ONLY, label: field, shown: 'text' };
}

/**
 * Where Setup shows a field of an ECA component (its metadata type) or of a Connected App (type
 * ConnectedApp; `field` a path such as "oauthConfig.callbackUrl"). A field without a known label
 * keeps its metadata name, in METADATA_ONLY.
 */
export function setupPlace(type: string, field: string): SetupPlace {
  if (type === CONNECTED_APP.type) {
    const dot = field.indexOf('.');
    const part = dot > 0 && field.slice(0, dot) in CONNECTED ? field.slice(0, dot) : '';
    const leaf = part ? field.slice(dot + 1) : field;
    const group = CONNECTED[part];
    if (group.fields.length === 0) return { labelled: true, rank: Number.MAX_SAFE_INTEGER, section: group.section, label: field, shown: 'text' };
    const i = group.fields.findIndex(([f]) => f === leaf);
    // a field shown in another part's section (Permitted Users, from oauthConfig, in OAuth Policies) comes first there, as on the page
    return i < 0 ? unlabelled(field) : place(group.fields[i], undefined, group.fields[i][1] === group.section ? i : -1);
  }
  const group = ECA[type];
  if (!group) {
    // a satellite Setup shows in a section of its own (SAML, canvas, mobile, push, ...): its fields keep their names there
    const kind = componentByType(type);
    const tab: SetupTab = /Policies$/.test(type) ? 'Policies' : 'Settings';
    return { labelled: true, rank: Number.MAX_SAFE_INTEGER, tab, section: kind?.title ?? type, label: field, shown: 'text' };
  }
  const i = group.fields.findIndex(([f]) => f === field);
  return i < 0 ? unlabelled(field) : place(group.fields[i], group.tab, i);
}

/** "Settings > OAuth Settings > Flow Enablement", or the section alone for a Connected App. */
export function setupTitle(p: Pick<SetupPlace, 'tab' | 'section'>): string {
  return p.tab ? `${p.tab} > ${p.section}` : p.section;
}

/** Sorts section titles as Setup orders them (Settings before Policies; sections in page order; others after, as met). */
export function setupOrder(a: Pick<SetupPlace, 'tab' | 'section'>, b: Pick<SetupPlace, 'tab' | 'section'>): number {
  const tab = (p: Pick<SetupPlace, 'tab' | 'section'>): number => (p.section === METADATA_ONLY ? 2 : p.tab === 'Policies' ? 1 : 0);
  const rank = (p: Pick<SetupPlace, 'section'>): number => {
    const i = SECTION_ORDER.indexOf(p.section);
    return i < 0 ? SECTION_ORDER.length : i;
  };
  return tab(a) - tab(b) || rank(a) - rank(b);
}

const PERMITTED_USERS: Readonly<Record<string, string>> = {
  AllSelfAuthorized: 'All users may self-authorize',
  AdminApprovedPreAuthorized: 'Admin approved users are pre-authorized',
};

/** A value as Setup shows it: a checkbox as "yes"/"no" (inverted where the field means the opposite), Permitted Users in words. */
export function setupValue(value: string, shown: ShownAs): string {
  const bool = value === 'true' ? true : value === 'false' ? false : undefined;
  switch (shown) {
    case 'checkbox':
      return bool === undefined ? value : bool ? 'yes' : 'no';
    case 'inverse-checkbox':
      return bool === undefined ? value : bool ? 'no' : 'yes';
    case 'permitted-users':
      // a Connected App says it with isAdminApproved
      return bool === undefined ? PERMITTED_USERS[value] ?? value : PERMITTED_USERS[bool ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized'];
    default:
      return value;
  }
}

/** Permitted Users in Setup's words ("Admin approved users are pre-authorized"); other values as they are. */
export function permittedUsersWords(value: string | undefined): string | undefined {
  return value === undefined ? undefined : PERMITTED_USERS[value] ?? value;
}
