/**
 * The rules an org enforces on a deploy beyond the schema, written from Salesforce's behaviour
 * (sources in simulator/README.md), not from the plugin: satellites need their header (in the
 * deploy or in the org) and one of each kind per app; global OAuth settings need OAuth settings;
 * org-scoped values must name this org; consumer keys are unique across every org; Connected
 * Apps can no longer be created (Spring '26); referenced users, profiles and permission sets must
 * exist; managed components cannot change; SAML needs a Local app; developer names follow the
 * platform's rule. Also the policies Salesforce creates for an ECA deployed without them.
 */
import { sameId } from './ids.js';
import { CONNECTED_APP_TYPE, GLOBAL_OAUTH_TYPE, HEADER_TYPE, OAUTH_POLICIES_TYPE, OAUTH_SETTINGS_TYPE, POLICIES_TYPE, SAML_POLICIES_TYPE } from './metadata/components.js';
import { asRecord, commaList, text, type MetadataValues } from './metadata/values.js';
import { componentKey, credentialsOwner, type OrgState, type Registry } from './store.js';

/**
 * The Spring '26 refusal. Salesforce's exact wording is not public here; this is a plausible one
 * (UNCONFIRMED), kept in one place so it is easy to change.
 */
export const CONNECTED_APP_CREATION_BLOCKED =
  'You can no longer create connected apps. Create an external client app instead, or contact Salesforce Customer Support to request an exception.';

export const CONSUMER_KEY_TAKEN = 'The consumer key is already taken';

/** Row 14: global OAuth settings deployed for an app that has no OAuth settings (org-verified wording). */
export const NO_OAUTH_SETTINGS = "The external client app configured in your global OAuth Settings doesn't have a valid OAuth settings configuration.";

/** Salesforce's developer-name rule, in its usual wording. */
export const INVALID_DEVELOPER_NAME =
  'The name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.';

export const SAML_NEEDS_LOCAL = 'SAML configurable policies are supported only for local external client apps.';

/** A component of the deploy that passed the schema. */
export type Incoming = { type: string; fullName: string; values: MetadataValues };

export type RuleProblem = { key: string; field?: string; problem: string };

const isEcaType = (type: string): boolean => type === HEADER_TYPE || type.startsWith('ExtlClntApp');

export function noHeader(app: string): string {
  return `In field: externalClientApplication - no ExternalClientApplication named ${app} found`;
}

/** "<OrgId>:<rest>" values must carry this org's id; returns the foreign id. */
function foreignOrgId(org: OrgState, value: string | undefined): string | undefined {
  if (!value) return undefined;
  const orgId = value.split(':')[0];
  return /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(orgId) && !sameId(orgId, org.orgId) ? orgId : undefined;
}

function validDeveloperName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !name.includes('__') && !name.endsWith('_') && name.length <= 80;
}

export function platformProblems(registry: Registry, org: OrgState, incoming: readonly Incoming[], apiVersion: number, deployedPermissionSets: ReadonlySet<string> = new Set()): RuleProblem[] {
  void apiVersion;
  const problems: RuleProblem[] = [];
  const add = (c: Incoming, problem: string, field?: string): void => {
    problems.push({ key: componentKey(c.type, c.fullName), problem, field });
  };
  const incomingHeaders = new Map(incoming.filter((c) => c.type === HEADER_TYPE).map((c) => [c.fullName, c]));
  const header = (app: string): MetadataValues | undefined => incomingHeaders.get(app)?.values ?? org.component(HEADER_TYPE, app)?.values;
  const satellites = incoming.filter((c) => isEcaType(c.type) && c.type !== HEADER_TYPE);
  const hasSatellite = (app: string, type: string): boolean =>
    satellites.some((c) => c.type === type && text(c.values.externalClientApplication) === app) || org.satellite(app, type) !== undefined;

  const seen = new Map<string, Incoming>();
  for (const c of satellites) {
    const app = text(c.values.externalClientApplication) ?? '';
    if (!header(app)) {
      add(c, noHeader(app), 'externalClientApplication');
      continue;
    }
    // one satellite of each kind per app: in the deploy, and against the org
    const kindKey = `${app}:${c.type}`;
    const other = org.satellite(app, c.type);
    if (seen.has(kindKey)) add(c, `An ${c.type} already exists for the external client app ${app}.`, 'externalClientApplication');
    else if (other && other.fullName !== c.fullName) add(c, `An ${c.type} already exists for the external client app ${app}: ${other.fullName}.`, 'externalClientApplication');
    seen.set(kindKey, c);
    if (c.type === GLOBAL_OAUTH_TYPE && !hasSatellite(app, OAUTH_SETTINGS_TYPE)) add(c, NO_OAUTH_SETTINGS, 'externalClientApplication');
    if (c.type === SAML_POLICIES_TYPE) {
      const state = text(header(app)?.distributionState) ?? 'Local';
      if (state !== 'Local') add(c, SAML_NEEDS_LOCAL);
    }
  }

  const claimedKeys = new Map<string, string>();
  for (const c of incoming) {
    const existing = org.component(c.type, c.fullName);
    if (existing && existing.manageableState === 'installed') {
      add(c, `Cannot modify managed object: entity=${c.type}, component=${existing.id}, field=${c.type}, state=installed`);
      continue;
    }
    if (isEcaType(c.type) && !validDeveloperName(c.fullName)) add(c, INVALID_DEVELOPER_NAME);
    if (c.type === HEADER_TYPE) {
      const foreign = foreignOrgId(org, text(c.values.orgScopedExternalApp));
      if (foreign) add(c, `In field: orgScopedExternalApp - the org ID ${foreign} doesn't match this org (${org.orgId15})`, 'orgScopedExternalApp');
    }
    if (c.type === OAUTH_SETTINGS_TYPE) {
      const foreign = foreignOrgId(org, text(c.values.oauthLink));
      if (foreign) add(c, `In field: oauthLink - the org ID ${foreign} doesn't match this org (${org.orgId15})`, 'oauthLink');
    }
    if (c.type === CONNECTED_APP_TYPE && !existing && !org.settings.connectedAppCreationEnabled) add(c, CONNECTED_APP_CREATION_BLOCKED);
    const oauth = asRecord(c.values.oauthConfig) ?? {};
    const key = c.type === GLOBAL_OAUTH_TYPE ? text(c.values.consumerKey) : c.type === CONNECTED_APP_TYPE ? text(oauth.consumerKey) : undefined;
    const owner = credentialsOwner(c.type, c.values, c.fullName);
    if (key && owner) {
      const holder = registry.findConsumer(key);
      const takenElsewhere = holder !== undefined && (holder.org !== org || holder.owner !== owner);
      if (takenElsewhere || (claimedKeys.has(key) && claimedKeys.get(key) !== owner)) add(c, CONSUMER_KEY_TAKEN, 'consumerKey');
      claimedKeys.set(key, owner);
    }
    if (c.type === OAUTH_POLICIES_TYPE) {
      for (const name of commaList(c.values.commaSeparatedPermissionSet)) {
        if (!org.permissionSet(name) && !deployedPermissionSets.has(name)) add(c, `In field: commaSeparatedPermissionSet - no PermissionSet named ${name} found`, 'commaSeparatedPermissionSet');
      }
      for (const name of commaList(c.values.commaSeparatedProfile)) {
        if (!org.profile(name)) add(c, `In field: commaSeparatedProfile - no Profile named ${name} found`, 'commaSeparatedProfile');
      }
      const runAs = text(c.values.clientCredentialsFlowUser);
      if (runAs && !org.user(runAs)) add(c, `In field: clientCredentialsFlowUser - no User named ${runAs} found`, 'clientCredentialsFlowUser');
    }
    if (c.type === CONNECTED_APP_TYPE) {
      const runAs = text(oauth.oauthClientCredentialUser);
      if (runAs && !org.user(runAs)) add(c, `In field: oauthClientCredentialUser - no User named ${runAs} found`, 'oauthConfig');
    }
  }
  return problems;
}

/** The suffix of the policies Salesforce creates for an ECA deployed without them (row 4). */
export const DEFAULT_POLICY_SUFFIX = '_defaultPolicy';

/**
 * The names Salesforce's Setup migration ("Migrate to External Client App") gives the satellites it
 * writes (the real InformaticaCloud pair in ../shared/fixtures/real-metadata). Deploys do not use
 * them; a later Setup-migration feature of the simulator would.
 */
export const SETUP_MIGRATION_SUFFIXES = {
  [OAUTH_SETTINGS_TYPE]: '_defOauthSet',
  [GLOBAL_OAUTH_TYPE]: '_defGlblOauthSet',
  [OAUTH_POLICIES_TYPE]: '_defOauthPlcy',
  [POLICIES_TYPE]: '_defPlcy',
} as const;

/**
 * The OAuth and app policies Salesforce creates when an ECA with OAuth is deployed without them:
 * `<OauthSettingsName>_defaultPolicy` and `<App>_defaultPolicy`, with the values an org-verified
 * guide reads back (SpecificLifetime 365 Days, STANDARD, Enforce, AllSelfAuthorized; startPage None).
 */
export function defaultPolicies(org: OrgState, app: string): Incoming[] {
  if (!org.component(HEADER_TYPE, app)) return [];
  const oauthSettings = org.satellite(app, OAUTH_SETTINGS_TYPE);
  if (!oauthSettings && !org.satellite(app, GLOBAL_OAUTH_TYPE)) return [];
  const out: Incoming[] = [];
  if (!org.satellite(app, OAUTH_POLICIES_TYPE)) {
    const name = `${oauthSettings?.fullName ?? app}${DEFAULT_POLICY_SUFFIX}`;
    out.push({
      type: OAUTH_POLICIES_TYPE,
      fullName: name,
      values: {
        externalClientApplication: app,
        ipRelaxationPolicyType: 'Enforce',
        isClientCredentialsFlowEnabled: false,
        isGuestCodeCredFlowEnabled: false,
        isTokenExchangeFlowEnabled: false,
        label: name,
        permittedUsersPolicyType: 'AllSelfAuthorized',
        refreshTokenPolicyType: 'SpecificLifetime',
        refreshTokenValidityPeriod: 365,
        refreshTokenValidityUnit: 'Days',
        requiredSessionLevel: 'STANDARD',
      },
    });
  }
  if (!org.satellite(app, POLICIES_TYPE)) {
    const name = `${app}${DEFAULT_POLICY_SUFFIX}`;
    out.push({ type: POLICIES_TYPE, fullName: name, values: { externalClientApplication: app, isEnabled: true, isOauthPluginEnabled: true, label: name, startPage: 'None' } });
  }
  return out;
}
