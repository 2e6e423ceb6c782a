/**
 * The effective settings of one OAuth app, External Client App or Connected App: the one model
 * every command reads an app through (display and list through summary.ts, token verify through
 * token/app.ts, the policy audit through policy/rules.ts). ./read.ts builds it from metadata.
 *
 * The decisions that make display, token verify and the policy check agree, each taken once here:
 * - A flow is listed when the app's settings allow it. The on/off switches of the app itself
 *   (ExtlClntAppConfigurablePolicies isEnabled, isOauthPluginEnabled) are separate settings
 *   (`enabled`, `oauthPluginEnabled`): an app switched off still shows the flows it would allow,
 *   and `oauthEnabled` (what the audit gates its OAuth rules on) says whether OAuth is on at all.
 * - Client credentials and token exchange need two switches, the developer's (ECA global OAuth
 *   settings, Connected App oauthConfig) and the admin's policy (ECA OAuth policies, Connected App
 *   oauthPolicy for token exchange). A policy that is not in hand (no OAuth-policies component in
 *   the source, or none returned) is one an admin may still switch on: the flow counts as allowed
 *   unless a switch in hand is off. Salesforce checks both switches before it issues a token, so
 *   token verify explains a refusal from the two switches themselves (`switches`), and the audit
 *   reports the missing policies with oauth-policies-not-in-source.
 * - Device flow on a Connected App: ConnectedAppOauthConfig has isDeviceFlowEnabled only from API
 *   67.0 (@salesforce/types 1.9.0; the WSDL 56 to 66 in ../shared/salesforce/metadata-eca-subset.json
 *   has none). The model reads it when the file carries it, else false (not in the metadata).
 * - A boolean the source leaves out is false, as the Metadata API reads a missing xsd:boolean (so
 *   a Connected App oauthConfig without isAdminApproved lets all users self-authorize).
 * - Values are spelled the ECA way whatever the kind of app: scopes (SFAP is SFApiPlatform), IP
 *   relaxation (BYPASS is Bypass), refresh-token policy (specific_lifetime:1:HOURS is
 *   SpecificLifetime 1 Hours). Display still shows the Connected App's raw values in its groups.
 * - Nothing is invented: a refresh-token period or unit the source leaves out stays unknown.
 */
import type { EcaPart } from '../components.js';

export type AppKind = 'eca' | 'connectedApp';

/** The component a field path starts with: an ECA part, or the Connected App itself. */
export type AppComponent = EcaPart | 'connectedApp';

export type SourceLocation = {
  readonly file: string;
  /** 1-based; absent when only the file is known */
  readonly line?: number;
  readonly column?: number;
};

/** Field path ("oauthPolicies.refreshTokenPolicyType", "connectedApp.oauthConfig.scopes") -> where it is. */
export type FieldLocations = Readonly<Record<string, SourceLocation>>;

export type RefreshTokenPolicyType = 'Infinite' | 'Zero' | 'SpecificLifetime' | 'SpecificInactivity';
export type RefreshTokenUnit = 'Hours' | 'Days' | 'Months';
export type RefreshTokenPolicy = {
  readonly type: RefreshTokenPolicyType;
  /** with SpecificLifetime and SpecificInactivity */
  readonly period?: number;
  readonly unit?: RefreshTokenUnit;
};

export type IpRelaxation = 'Enforce' | 'Enforce_RelaxRefresh' | 'Bypass_2factor' | 'Bypass';
export type PermittedUsers = 'AdminApprovedPreAuthorized' | 'AllSelfAuthorized';

export type AppFlows = {
  /** web-server (authorization code) and user-agent flows: any OAuth app with a callback URL */
  readonly authorizationCode: boolean;
  /** the developer switch on, and the admin policy switch not off where it is in hand */
  readonly clientCredentials: boolean;
  /** JWT bearer: a certificate is set (possibly a placeholder) */
  readonly jwtBearer: boolean;
  /** ECA global OAuth settings; Connected App oauthConfig from API 67.0 (false when not in the metadata) */
  readonly device: boolean;
  /** like clientCredentials */
  readonly tokenExchange: boolean;
  /** authorization code and credentials (headless) flow */
  readonly codeCredential: boolean;
  /** the app can be issued refresh tokens: RefreshToken or OfflineAccess scope, or scopes unknown */
  readonly refreshToken: boolean;
};

/** A flow that needs the developer setting and the admin policy both on. */
export type FlowSwitches = {
  /** ECA GlobalOauthSettings / Connected App oauthConfig */
  readonly developer: boolean;
  /** ECA OauthConfigurablePolicies / Connected App oauthPolicy; absent when not in hand */
  readonly policy?: boolean;
};

export type CertificateFacts =
  | { readonly status: 'placeholder'; readonly value: string }
  | { readonly status: 'unreadable'; readonly error: string }
  | {
      readonly status: 'parsed';
      readonly subject: string;
      readonly issuer: string;
      /** ISO 8601 */
      readonly validFrom: string;
      /** ISO 8601 */
      readonly validTo: string;
      readonly fingerprint256: string;
      readonly keyType?: string;
      readonly keyBits?: number;
    };

/** What the caller learnt about the client-credentials run-as user from the org. */
export type RunAsUserFacts = {
  readonly username?: string;
  /** the user has the "API Only User" permission */
  readonly isApiOnly?: boolean;
  /** ModifyAllData, ViewAllData or CustomizeApplication */
  readonly hasAdminPermissions?: boolean;
  /** which of those it has, for messages */
  readonly adminPermissions?: readonly string[];
  readonly profile?: string;
  readonly isActive?: boolean;
};

export type OrgSettingsFacts = {
  /** consumer secrets readable through the Metadata API */
  readonly enableConsumerSecretApiAccess?: boolean;
  /** consumer secrets readable through REST (/apps/oauth/credentials) */
  readonly enableClientSecretInRestApiAccess?: boolean;
};

export type OrgFacts = {
  /** 00D... */
  readonly id?: string;
  /** alias or username, as the user named the org */
  readonly name?: string;
  readonly settings?: OrgSettingsFacts;
};

export type TokenUsage = {
  /** OAuth tokens (OauthToken rows) of the app */
  readonly tokens: number;
  readonly users?: number;
  /** ISO 8601; the latest LastUsedDate */
  readonly lastUsed?: string;
};

/**
 * How old the app's current consumer secret is, as far as the org says. Salesforce gives no date
 * for the primary credentials (Connect REST "App Oauth Credentials" has none), so an org read
 * usually only bounds it: the secret is at most as old as the app (`bounded`).
 */
export type SecretAgeFacts =
  /** the date the current secret became primary, and how it is known */
  | { readonly status: 'known'; readonly since: string; readonly basis: string }
  /** the secret is no older than the app, created then */
  | { readonly status: 'bounded'; readonly appCreatedDate: string }
  /** the org was asked and could not say */
  | { readonly status: 'unreadable'; readonly error: string };

/** What the org said about where an app comes from, when it was read from an org. */
export type AppOrigin = {
  /** ExternalClientApplication or ConnectedApplication record id */
  readonly id?: string;
  readonly namespacePrefix?: string;
  /** "installed" for an app from a managed package */
  readonly manageableState?: string;
};

export type ReadOptions = {
  /** field path -> file and line; see fieldLocations() */
  readonly locations?: FieldLocations;
  /** org facts the audit judges; injected by the caller, never read here */
  readonly runAsUser?: RunAsUserFacts;
  readonly org?: OrgFacts;
  readonly tokenUsage?: TokenUsage;
  readonly secretAge?: SecretAgeFacts;
};

export type AppSettings = {
  readonly kind: AppKind;
  /** developer name (ECA header, Connected App full name) */
  readonly name: string;
  readonly label?: string;
  /** ECA distributionState (Local, Packaged, ...); undefined for Connected Apps */
  readonly distributionState?: string;
  readonly packaged: boolean;
  /** read from an org: installed from a managed package */
  readonly installed: boolean;
  readonly id?: string;
  readonly namespacePrefix?: string;
  /** OAuth settings are in hand (ECA OAuth or global OAuth settings; Connected App oauthConfig) */
  readonly oauthConfigured: boolean;
  /** OAuth is configured and not switched off (ECA isOauthPluginEnabled not false) */
  readonly oauthEnabled: boolean;
  /** ECA app policies isEnabled, as the source has it; undefined when not in hand (and for Connected Apps) */
  readonly enabled?: boolean;
  /** ECA app policies isOauthPluginEnabled, as the source has it */
  readonly oauthPluginEnabled?: boolean;
  /** the admin policies (refresh token, IP, permitted users, ...) are in the source */
  readonly policiesInSource: boolean;
  readonly flows: AppFlows;
  /** the two switches behind flows.clientCredentials and flows.tokenExchange; policy undefined when not in source (Connected App client credentials have one switch) */
  readonly switches: {
    readonly clientCredentials: FlowSwitches;
    readonly tokenExchange: FlowSwitches;
  };
  readonly pkceRequired: boolean;
  /** "Require secret for web server flow" off: isConsumerSecretOptional */
  readonly consumerSecretOptional: boolean;
  readonly secretRequired: {
    readonly webServer: boolean;
    readonly refreshToken: boolean;
    readonly tokenExchange: boolean;
  };
  readonly refreshTokenRotation: boolean;
  /** API 67 isEnforceRefreshTokenTTL: refresh tokens expire after 30 idle days whatever the policy */
  readonly refreshTokenIdleLimit: boolean;
  /** ECA spellings; undefined when the source does not say (no ECA OAuth settings) */
  readonly scopes?: readonly string[];
  readonly refreshTokenPolicy?: RefreshTokenPolicy;
  readonly ipRelaxation?: IpRelaxation;
  readonly sessionTimeoutMinutes?: number;
  readonly permittedUsers?: PermittedUsers;
  readonly preAuthorized: { readonly profiles: readonly string[]; readonly permissionSets: readonly string[] };
  /** client-credentials run-as username (may be a placeholder) */
  readonly runAsUser?: string;
  readonly introspectAllTokens: boolean;
  readonly callbackUrls: readonly string[];
  /** the certificate text as the source holds it (PEM, bare base64 or a placeholder) */
  readonly certificateText?: string;
  readonly certificate?: CertificateFacts;
  /** ECA global OAuth settings / Connected App oauthConfig consumerKey, when the source holds it */
  readonly consumerKey?: string;
  /** a consumer secret is written in the app's metadata: a value, or a placeholder a pipeline fills; never the secret itself */
  readonly consumerSecret?: 'value' | 'placeholder';
  /** ECA OAuth settings oauthLink (`<OrgId>:<ConsumerId>`): the consumer id, for the Connect credentials resource */
  readonly consumerId?: string;
  /** full names of the components read, by part (ECA) or `connectedApp` */
  readonly components: Readonly<Partial<Record<AppComponent, string>>>;
  /** values the reader did not understand, in words */
  readonly notes: readonly string[];
  readonly facts: {
    readonly runAsUser?: RunAsUserFacts;
    readonly org?: OrgFacts;
    readonly tokenUsage?: TokenUsage;
    readonly secretAge?: SecretAgeFacts;
    /**
     * The other apps of the org whose client credentials flow runs as this app's run-as user
     * ("Name", or "Name (Connected App)"); empty: no other app does. Set for every client-credentials
     * app of an org read (report/hygiene.ts withSharedRunAsUsers); absent: not checked (source).
     */
    readonly runAsUserSharedWith?: readonly string[];
  };
  readonly source: {
    /** the file of each component read from disk */
    readonly files: Readonly<Partial<Record<AppComponent, string>>>;
    readonly locations: FieldLocations;
  };
};
