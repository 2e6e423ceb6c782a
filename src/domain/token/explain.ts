/**
 * Why Salesforce refused a token, for THIS app in THIS org, and the exact fix: ONE table.
 *
 * Each row matches an answer (the stage that failed, Salesforce's `error` and description, the
 * HTTP status) and, where it can, confirms the cause from the app's settings and the facts read
 * after the failure (the key compared with the app's certificate, the user's profile and
 * permission sets, the clock difference, how long ago the app was saved). The first matching row
 * wins, so a row that names a precise cause comes before the general row for the same answer.
 * Every stage ends in a general row, so every failure gets an explanation.
 *
 * Adding a row: put it before the general row of its answer, give it a new id, and add a case to
 * test/unit/token/explain.test.ts (a test fails for a row without one).
 *
 * Pure: no I/O. The text never holds a token, a secret or an assertion (the context has none).
 */
import { isPlaceholder } from '../certificate.js';
import type { AppTokenSettings } from './app.js';
import { ASSERTION_LIFETIME_SECONDS, CLIENT_SECRET_ENV, PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE, type TokenFlow } from './flows.js';
import type { KeyCertificateMatch } from './keys.js';
import type { FailureStage, TokenFailure } from './response.js';

export type ConsumerKeySource = 'flag' | 'metadata' | 'rest';

/** A user of the org as the stored auth reads it after a failure. */
export type UserFacts = {
  username: string;
  found: boolean;
  active?: boolean;
  profile?: string;
  /** API names of the permission sets assigned to the user (not profile-owned ones) */
  permissionSets: string[];
};

export type ExplainContext = {
  flow: TokenFlow;
  /** the org as the command line named it (alias or username), for the commands in a fix */
  org: string;
  isSandbox?: boolean;
  app: AppTokenSettings;
  consumerKey: string;
  consumerKeySource: ConsumerKeySource;
  tokenEndpoint: string;
  /** JWT bearer: the audience the assertion named, and why */
  audience?: string;
  audienceSource?: 'flag' | 'sandbox' | 'production';
  /** JWT bearer: the username the token was asked for */
  username?: string;
  /** JWT bearer: that user in the org */
  user?: UserFacts;
  /** client credentials: the run-as user in the org */
  runAsUser?: UserFacts;
  /** JWT bearer: the private key file, and its comparison with the app's certificate */
  keyFile?: string;
  key?: KeyCertificateMatch;
  /** seconds Salesforce's clock is ahead of this computer's (negative: behind) */
  clockSkewSeconds?: number;
  /** minutes since the app (header or OAuth policies) was last saved */
  appSavedMinutesAgo?: number;
};

export type ExplanationId =
  | 'service-unavailable'
  | 'client-id-not-this-app'
  | 'app-switched-off'
  | 'app-just-saved'
  | 'client-id-unknown'
  | 'client-secret-wrong'
  | 'user-in-other-org'
  | 'app-not-preauthorized'
  | 'app-propagating'
  | 'app-not-installed'
  | 'app-not-found'
  | 'cc-off-in-policies'
  | 'cc-off-in-settings'
  | 'cc-off'
  | 'cc-no-run-as'
  | 'cc-run-as-unusable'
  | 'cc-no-user'
  | 'audience-sandbox'
  | 'audience-production'
  | 'audience-invalid'
  | 'key-mismatch'
  | 'no-certificate'
  | 'certificate-unreadable'
  | 'assertion-invalid'
  | 'clock-skew'
  | 'assertion-expired'
  | 'user-unknown'
  | 'user-inactive'
  | 'user-not-preauthorized'
  | 'not-admin-approved'
  | 'user-not-approved'
  | 'grant-not-supported'
  | 'token-refused'
  | 'userinfo-refused'
  | 'api-scope-missing'
  | 'api-disabled'
  | 'rest-refused';

export type Explanation = {
  cause: ExplanationId;
  /** what the answer means for this app in this org */
  meaning: string;
  /** the fixes, most likely first, with the exact commands or Setup paths */
  actions: string[];
};

export type ExplanationRow = {
  id: ExplanationId;
  stage: FailureStage | 'any';
  /** Salesforce's `error` (OAuth) or `errorCode` (REST) */
  error?: RegExp;
  /** Salesforce's `error_description` (OAuth) or `message` (REST) */
  description?: RegExp;
  status?: (status: number) => boolean;
  flow?: TokenFlow;
  /** the app's settings and the facts read confirm this cause */
  when?: (c: ExplainContext, f: TokenFailure) => boolean;
  explain: (c: ExplainContext, f: TokenFailure) => Omit<Explanation, 'cause'>;
};

// ---------------------------------------------------------------------------------------------
// wording shared by the rows

const POLICIES_TYPE = 'ExtlClntAppOauthConfigurablePolicies';
const GLOBAL_TYPE = 'ExtlClntAppGlobalOauthSettings';
const SETTINGS_TYPE = 'ExtlClntAppOauthSettings';
const APP_POLICIES_TYPE = 'ExtlClntAppConfigurablePolicies';

function setup(c: ExplainContext, tab: 'Policies' | 'Settings'): string {
  return `Setup > External Client Apps > External Client App Manager > ${c.app.label ?? c.app.name} > ${tab} > Edit`;
}

function component(type: string, fullName: string | undefined, fallback: string): string {
  return fullName ? `${type} ${fullName}` : fallback;
}

function deploy(c: ExplainContext, type: string, fullName: string | undefined): string {
  return `sf project deploy start --metadata ${type}:${fullName ?? '<name>'} --target-org ${c.org}`;
}

function policies(c: ExplainContext): string {
  return component(POLICIES_TYPE, c.app.components.oauthPolicies, "the app's OAuth policies");
}

function globalSettings(c: ExplainContext): string {
  return component(GLOBAL_TYPE, c.app.components.globalOauthSettings, "the app's OAuth settings");
}

function rerun(c: ExplainContext): string {
  const user = c.flow === 'jwt-bearer' ? ` --username ${c.username ?? '<username>'} --jwt-key-file ${c.keyFile ?? '<key file>'}` : '';
  return `sf eca token verify --name ${c.app.name} --flow ${c.flow}${user} --target-org ${c.org}`;
}

function answer(f: TokenFailure): string {
  const said = [f.error, f.description].filter(Boolean).join(': ');
  return said ? `"${said}"` : `HTTP ${f.status}`;
}

function listOrNone(xs: readonly string[]): string {
  return xs.length ? xs.join(', ') : 'none';
}

function subject(c: ExplainContext): string {
  return c.username ?? c.user?.username ?? 'the user';
}

/** The org's My Domain URL, from the token endpoint the request went to (its instance URL). */
function myDomain(c: ExplainContext): string | undefined {
  try {
    return new URL(c.tokenEndpoint).origin;
  } catch {
    return undefined;
  }
}

/**
 * Salesforce answers only "audience is invalid"; a "[audience=... login=...]" tail is what
 * @salesforce/core appends to its own error text (sf org login jwt tries several login URL and
 * audience pairs, getLoginAudienceCombos), so it is never read here. Which audience the org wants
 * comes from Organization.IsSandbox; a My Domain URL is offered as the alternative (reported to be
 * required by some sandboxes since Spring '26, n8n-io/n8n#28990; UNCONFIRMED in Salesforce docs).
 */
function audienceExplanation(c: ExplainContext, wanted: string, kind: 'a sandbox' | 'a production org'): Omit<Explanation, 'cause'> {
  const domain = myDomain(c);
  const given = c.audience ?? '(none)';
  return {
    meaning: `${audienceFact(c, wanted, kind)}; the assertion named ${given}.`,
    actions: [
      c.audienceSource === 'flag'
        ? `Run the command again without --audience: it picks ${wanted} from the org's Organization.IsSandbox.`
        : `Pass --audience ${wanted}.`,
      ...(domain && domain !== given ? [`If Salesforce still refuses it, pass the My Domain URL: --audience ${domain}`] : []),
      jwtLoginCommand(c, wanted),
    ],
  };
}

function audienceFact(c: ExplainContext, wanted: string, kind: 'a sandbox' | 'a production org'): string {
  const domain = myDomain(c);
  return `${c.org} is ${kind} (Organization.IsSandbox ${kind === 'a sandbox' ? 'true' : 'false'}), which accepts the JWT audience ${wanted}${domain ? ` or its My Domain URL ${domain}` : ''}`;
}

function jwtLoginCommand(c: ExplainContext, wanted: string): string {
  const domain = myDomain(c);
  return `sf org login jwt tries several audiences itself unless SF_AUDIENCE_URL is set: SF_AUDIENCE_URL=${wanted} sf org login jwt --client-id ${c.consumerKey} --jwt-key-file ${c.keyFile ?? '<key file>'} --username ${subject(c)} --instance-url ${domain ?? '<My Domain URL>'}`;
}

/**
 * The audience a JWT bearer assertion for this org must name, from Organization.IsSandbox (and
 * the org's My Domain URL as the alternative), and the pipeline's login command that names it:
 * the same facts and words as the audience rows below, for `sf eca doctor` before any login.
 */
export function expectedAudience(c: ExplainContext & { isSandbox: boolean }): { audience: string; fact: string; loginCommand: string } {
  const [wanted, kind] = c.isSandbox ? [SANDBOX_AUDIENCE, 'a sandbox' as const] : [PRODUCTION_AUDIENCE, 'a production org' as const];
  return { audience: wanted, fact: `${audienceFact(c, wanted, kind)}.`, loginCommand: jwtLoginCommand(c, wanted) };
}

function runAsFix(c: ExplainContext): string {
  return `Or in source: set isClientCredentialsFlowEnabled to true and clientCredentialsFlowUser to an API-only integration user in ${policies(c)}, then deploy it: ${deploy(c, POLICIES_TYPE, c.app.components.oauthPolicies)}`;
}

function preAuthorizedExplanation(c: ExplainContext, user: UserFacts): Omit<Explanation, 'cause'> {
  const profile = user.profile ?? '(unknown profile)';
  const profiles = [...c.app.profiles, profile].join(', ');
  const actions = [
    `Add the profile to the app: ${setup(c, 'Policies')} > OAuth Policies > Select Profiles > add ${profile}; or set commaSeparatedProfile to "${profiles}" in ${policies(c)} and deploy it: ${deploy(c, POLICIES_TYPE, c.app.components.oauthPolicies)}`,
  ];
  if (c.app.permissionSets.length) {
    actions.push(`Or give ${user.username} a permission set the app admits: sf org assign permset --name ${c.app.permissionSets[0]} --on-behalf-of ${user.username} --target-org ${c.org}`);
  } else {
    actions.push(`Or admit a permission set of ${user.username}'s (${listOrNone(user.permissionSets)}): ${setup(c, 'Policies')} > OAuth Policies > Select Permission Sets.`);
  }
  return {
    meaning:
      `${c.app.name} admits only pre-authorized users (permittedUsersPolicyType AdminApprovedPreAuthorized) and ${user.username}'s profile ${profile} is not among them ` +
      `(profiles: ${listOrNone(c.app.profiles)}); nor is any of the user's permission sets (${listOrNone(user.permissionSets)}) among the app's (${listOrNone(c.app.permissionSets)}).`,
    actions,
  };
}

const status4xx = (s: number): boolean => s === 401 || s === 403;

/**
 * How long a newly saved app can take before its tokens work: up to about 30 minutes is reported
 * for External Client Apps (eca-reference.md §6; forcedotcom/cli#3482 saw "not installed" go away
 * without a change). UNCONFIRMED in Salesforce documentation.
 */
export const PROPAGATION_MINUTES = 30;

/**
 * Why an expired app certificate is not a cause (Salesforce StackExchange q/313488, quoting
 * Salesforce product management: "When the app cert expires, nothing happens ... by design").
 */
export const EXPIRED_CERTIFICATE_IS_HYGIENE = 'Salesforce keeps accepting JWTs for an expired app certificate (by design); rotate the key as hygiene';

/** "12 minute(s) ago", "5 hour(s) ago", "3 day(s) ago". */
export function savedAgo(minutes: number): string {
  if (minutes < 90) return `${Math.max(0, Math.round(minutes))} minute(s) ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} hour(s) ago`;
  return `${Math.round(minutes / 1440)} day(s) ago`;
}

/**
 * What "app_not_found" (External client app is not installed in this org) means for an app that
 * exists: the causes the app-not-found rows below name, in their order.
 */
export function appNotFoundCauses(c: Pick<ExplainContext, 'flow' | 'username' | 'user' | 'appSavedMinutesAgo'>): string {
  const waited = c.appSavedMinutesAgo === undefined ? 'it may have been saved moments ago' : `it was saved ${savedAgo(c.appSavedMinutesAgo)}`;
  return (
    (c.flow === 'jwt-bearer' ? `when the user (${c.username ?? c.user?.username ?? 'the user'}) is not pre-authorized for the app, ` : '') +
    `while a new or changed app propagates (up to about ${PROPAGATION_MINUTES} minutes; ${waited}), and when the request reaches another org than the app's`
  );
}

/**
 * Whether the app's tokens can call the REST API. Client credentials tokens carry the app's scopes
 * except full, web and refresh_token/offline_access (Salesforce Help on the flow; since Winter '26
 * a request left with none of its scopes gets "no valid scopes defined"), so only Api counts there.
 */
export function hasApiScope(c: Pick<ExplainContext, 'app' | 'flow'>): boolean {
  return c.app.scopes.some((s) => s === 'Api' || (s === 'Full' && c.flow !== 'client-credentials'));
}

/** A pre-authorized app whose JWT user is a user of the org but neither by profile nor by permission set among the app's. */
function notPreAuthorized(c: ExplainContext): boolean {
  const u = c.user;
  if (c.flow !== 'jwt-bearer' || c.app.permittedUsers !== 'AdminApprovedPreAuthorized' || u?.found !== true) return false;
  const byProfile = u.profile !== undefined && c.app.profiles.includes(u.profile);
  const byPermissionSet = u.permissionSets.some((p) => c.app.permissionSets.includes(p));
  return !byProfile && !byPermissionSet;
}

/** app_not_found ("External client app is not installed in this org"): Salesforce's answer for an app it cannot use here. */
const APP_NOT_FOUND = { error: /^app_not_found$/, description: /not installed/i };

// ---------------------------------------------------------------------------------------------
// the table

export const EXPLANATIONS: readonly ExplanationRow[] = [
  {
    id: 'service-unavailable',
    stage: 'any',
    status: (s) => s >= 500 || s === 0,
    explain: (c, f) => ({
      meaning:
        f.status === 0
          ? `No answer came back from ${c.tokenEndpoint}${f.description ? ` (${f.description})` : ''}: nothing is known about ${c.app.name} from it.`
          : `Salesforce answered HTTP ${f.status} (${f.stage} request): it could not handle the request (an outage, maintenance, or a proxy in between). The answer says nothing about ${c.app.name}.`,
      actions: ['Check the org\'s instance on https://status.salesforce.com, then run the command again.', 'If a proxy sits between you and Salesforce (HTTPS_PROXY), check that it lets the request through.'],
    }),
  },

  // -- the consumer key -----------------------------------------------------------------------
  {
    id: 'client-id-not-this-app',
    stage: 'token',
    error: /^invalid_client_id$/,
    when: (c) => c.consumerKeySource === 'flag' && c.app.consumerKey !== undefined && c.app.consumerKey !== c.consumerKey,
    explain: (c) => ({
      meaning: `Salesforce knows no app with the consumer key given with --client-id (${c.consumerKey}), and it is not ${c.app.name}'s: ${c.app.name}'s consumer key in ${c.org} is ${c.app.consumerKey ?? ''}.`,
      actions: [`Run the command again without --client-id: it reads ${c.app.name}'s consumer key from the org.`],
    }),
  },
  {
    id: 'app-switched-off',
    stage: 'token',
    error: /^invalid_client_id$/,
    when: (c) => c.app.enabled === false || c.app.oauthPluginEnabled === false,
    explain: (c) => ({
      meaning: `${c.app.name} is switched off in ${c.org}: its app policies (${component(APP_POLICIES_TYPE, c.app.policiesComponent, 'app policies')}) have ${c.app.enabled === false ? 'isEnabled' : 'isOauthPluginEnabled'} false, so its consumer key issues no tokens.`,
      actions: [
        `Switch it on: ${setup(c, 'Policies')} > App Policies > Enable the app and its OAuth plugin.`,
        `Or in source: set isEnabled and isOauthPluginEnabled to true in ${component(APP_POLICIES_TYPE, c.app.policiesComponent, 'the app policies')} and deploy it: ${deploy(c, APP_POLICIES_TYPE, c.app.policiesComponent)}`,
      ],
    }),
  },
  {
    id: 'app-just-saved',
    stage: 'token',
    error: /^invalid_client_id$/,
    when: (c) => c.appSavedMinutesAgo !== undefined && c.appSavedMinutesAgo < PROPAGATION_MINUTES,
    explain: (c) => ({
      meaning:
        `${c.app.name} was saved in ${c.org} ${Math.max(0, Math.round(c.appSavedMinutesAgo ?? 0))} minute(s) ago. Salesforce can take up to about ${PROPAGATION_MINUTES} minutes before the token endpoint knows a new or changed External Client App, ` +
        'and until then answers "client identifier invalid".',
      actions: [`Wait and run the command again: ${rerun(c)}`, `If it still fails ${PROPAGATION_MINUTES} minutes after the save, compare the consumer key with ${setup(c, 'Settings')} > OAuth Settings > Consumer Key and Secret.`],
    }),
  },
  {
    id: 'client-id-unknown',
    stage: 'token',
    error: /^invalid_client_id$/,
    explain: (c) => ({
      meaning:
        c.consumerKeySource === 'flag'
          ? `The token endpoint ${c.tokenEndpoint} knows no app with the consumer key given with --client-id (${c.consumerKey}). Consumer keys belong to one org: the key is mistyped, or it is an app's key in another org.`
          : `The token endpoint ${c.tokenEndpoint} does not know ${c.app.name}'s consumer key (${c.consumerKey}, read from the org ${c.consumerKeySource === 'rest' ? 'through the Connect REST API' : 'with the app'}). The app was probably changed moments ago, or the request reached another org than ${c.org}.`,
      actions: [
        c.consumerKeySource === 'flag' ? `Run the command again without --client-id: it reads ${c.app.name}'s consumer key from the org.` : `Wait a few minutes and run the command again: ${rerun(c)}`,
        `Check the consumer key in ${setup(c, 'Settings')} > OAuth Settings > Consumer Key and Secret.`,
      ],
    }),
  },
  {
    id: 'client-secret-wrong',
    stage: 'token',
    error: /^invalid_client$/,
    description: /invalid client credentials|client secret/i,
    explain: (c) => ({
      meaning: `The consumer secret does not belong to ${c.app.name}'s consumer key ${c.consumerKey}: it is mistyped, carries a stray space or line break, or the secret was rotated and the old one no longer works.`,
      actions: [
        `Copy the secret again: ${setup(c, 'Settings')} > OAuth Settings > Consumer Key and Secret (Salesforce asks for a verification code).`,
        `Pass it in ${CLIENT_SECRET_ENV}, or pipe it without a line break: printf '%s' "$SECRET" | ${rerun(c)} --secret-stdin`,
      ],
    }),
  },

  // -- app_not_found: the app exists, yet Salesforce answers as if it did not -------------------------
  // Salesforce answers app_not_found "External client app is not installed in this org" (the body:
  // n8n-io/n8n#28990) also for an ECA that exists: forcedotcom/cli#3482 saw it for a sandbox's own ECA,
  // gone later without a change (propagation); the user not being pre-authorized is reported too
  // (eca-reference.md §6; UNCONFIRMED in a public thread). Those come first; deploying the app is never
  // the fix for an app this command has just read from the org.
  {
    id: 'user-in-other-org',
    stage: 'token',
    flow: 'jwt-bearer',
    when: (c, f) => isAppNotFound(f) && c.user?.found === false,
    explain: (c) => ({
      meaning: `${subject(c)} is not a user of ${c.org}. Salesforce looked for ${c.app.name} (an app of ${c.org}) where the user is, and did not find it there.`,
      actions: [
        `Pass the username of a user of ${c.org} with --username (sandbox usernames end in the sandbox name, such as user@acme.example.uat).`,
        `Or deploy ${c.app.name} to the user's org and verify it there with that org as --target-org.`,
      ],
    }),
  },
  {
    id: 'app-not-preauthorized',
    stage: 'token',
    flow: 'jwt-bearer',
    when: (c, f) => isAppNotFound(f) && !c.app.installed && notPreAuthorized(c),
    explain: (c) => {
      const x = preAuthorizedExplanation(c, c.user as UserFacts);
      return {
        meaning: `${c.app.name} exists in ${c.org}, yet Salesforce answered "app_not_found", which it also answers when the user is not pre-authorized. ${x.meaning}`,
        actions: x.actions,
      };
    },
  },
  {
    id: 'app-propagating',
    stage: 'token',
    when: (c, f) => isAppNotFound(f) && !c.app.installed && c.appSavedMinutesAgo !== undefined && c.appSavedMinutesAgo < PROPAGATION_MINUTES,
    explain: (c) => ({
      meaning:
        `${c.app.name} exists in ${c.org} and was saved ${Math.max(0, Math.round(c.appSavedMinutesAgo ?? 0))} minute(s) ago. A new or changed External Client App can take up to about ${PROPAGATION_MINUTES} minutes ` +
        'before Salesforce issues tokens for it, and until then answers "app_not_found" (External client app is not installed in this org).',
      actions: [`Wait and run the command again: ${rerun(c)}`],
    }),
  },
  {
    id: 'app-not-installed',
    stage: 'token',
    when: (c, f) => isAppNotFound(f) && c.app.installed,
    explain: (c) => ({
      meaning: `Salesforce answered "app_not_found" for ${c.app.name}, which is installed from the package ${c.app.namespacePrefix ?? ''}: the consumer key it was asked for is not one this org's copy of the app answers to.`,
      actions: [
        `Ask the package's publisher for the consumer key of this org, and pass it with --client-id.`,
        `Check that the instance URL of ${c.org} is its My Domain: sf org display --target-org ${c.org}`,
      ],
    }),
  },
  {
    id: 'app-not-found',
    stage: 'token',
    when: (_c, f) => isAppNotFound(f),
    explain: (c) => {
      const jwt = c.flow === 'jwt-bearer';
      return {
        meaning: `${c.app.name} exists in ${c.org}, yet Salesforce answered "app_not_found" (External client app is not installed in this org). It answers so ${appNotFoundCauses(c)}.`,
        actions: [
          ...(jwt
            ? [`Check that ${subject(c)} is pre-authorized: ${setup(c, 'Policies')} > OAuth Policies > Permitted Users "Admin approved users are pre-authorized", with the user's profile or one of their permission sets selected.`]
            : []),
          `If the app was saved less than ${PROPAGATION_MINUTES} minutes ago, wait and run the command again: ${rerun(c)}`,
          `Check that the instance URL of ${c.org} is its My Domain: sf org display --target-org ${c.org}`,
        ],
      };
    },
  },

  // -- client credentials ------------------------------------------------------------------------
  {
    id: 'cc-off-in-policies',
    stage: 'token',
    description: /no client credentials user enabled/i,
    when: (c) => c.app.clientCredentialsInSettings === true && c.app.clientCredentialsInPolicies === false,
    explain: (c) => ({
      meaning:
        `The client credentials flow is on in ${c.app.name}'s OAuth settings (${globalSettings(c)}: isClientCredentialsFlowEnabled true) but off in its OAuth policies ` +
        `(${policies(c)}: isClientCredentialsFlowEnabled false). Salesforce issues the token only when both are on and the policies name a run-as user.`,
      actions: [
        `Turn it on in the policies: ${setup(c, 'Policies')} > OAuth Policies > Enable Client Credentials Flow, with Run As ${c.app.runAs ?? 'an API-only integration user'}.`,
        runAsFix(c),
      ],
    }),
  },
  {
    id: 'cc-off-in-settings',
    stage: 'token',
    description: /no client credentials user enabled/i,
    when: (c) => c.app.clientCredentialsInSettings === false && c.app.clientCredentialsInPolicies === true,
    explain: (c) => ({
      meaning:
        `The client credentials flow is on in ${c.app.name}'s OAuth policies (${policies(c)}: isClientCredentialsFlowEnabled true) but off in its OAuth settings ` +
        `(${globalSettings(c)}: isClientCredentialsFlowEnabled false). Salesforce issues the token only when both are on.`,
      actions: [
        `Turn it on in the settings: ${setup(c, 'Settings')} > OAuth Settings > Flow Enablement > Enable Client Credentials Flow.`,
        `Or in source: set isClientCredentialsFlowEnabled to true in ${globalSettings(c)} and deploy it: ${deploy(c, GLOBAL_TYPE, c.app.components.globalOauthSettings)}`,
      ],
    }),
  },
  {
    id: 'cc-off',
    stage: 'token',
    description: /no client credentials user enabled/i,
    when: (c) => c.app.clientCredentialsInSettings === false && c.app.clientCredentialsInPolicies !== true,
    explain: (c) => ({
      meaning: `${c.app.name} does not allow the client credentials flow: it is off in its OAuth settings (${globalSettings(c)}) and in its OAuth policies (${policies(c)}).`,
      actions: [
        `Turn it on in both: ${setup(c, 'Settings')} > OAuth Settings > Flow Enablement > Enable Client Credentials Flow; then ${setup(c, 'Policies')} > OAuth Policies > Enable Client Credentials Flow with a Run As user.`,
        `Or create the app from the server-to-server template: sf eca create --name ${c.app.name} --template server-to-server --run-as <integration user> --update --target-org ${c.org}`,
      ],
    }),
  },
  {
    id: 'cc-no-run-as',
    stage: 'token',
    description: /no client credentials user enabled/i,
    when: (c) => c.app.clientCredentialsInPolicies === true && !c.app.runAs,
    explain: (c) => ({
      meaning: `${c.app.name}'s OAuth policies (${policies(c)}) allow the client credentials flow but name no run-as user (clientCredentialsFlowUser), and a client credentials token is always issued for that user.`,
      actions: [`Choose the run-as user: ${setup(c, 'Policies')} > OAuth Policies > Client Credentials Flow > Run As (an API-only integration user).`, runAsFix(c)],
    }),
  },
  {
    id: 'cc-run-as-unusable',
    stage: 'token',
    description: /no client credentials user enabled/i,
    when: (c) => Boolean(c.app.runAs) && (c.runAsUser?.found === false || c.runAsUser?.active === false),
    explain: (c) => ({
      meaning: `${c.app.name}'s run-as user ${c.app.runAs ?? ''} ${c.runAsUser?.found === false ? `is not a user of ${c.org}` : 'is deactivated'}, so the client credentials flow has no user to issue the token for.`,
      actions: [
        c.runAsUser?.found === false
          ? `Name an existing API-only user as Run As: ${setup(c, 'Policies')} > OAuth Policies > Client Credentials Flow > Run As (usernames differ per org; a sandbox appends its name).`
          : `Reactivate ${c.app.runAs ?? 'the user'} (Setup > Users), or name another API-only user as Run As in ${setup(c, 'Policies')} > OAuth Policies.`,
        runAsFix(c),
      ],
    }),
  },
  {
    id: 'cc-no-user',
    stage: 'token',
    description: /no client credentials user enabled/i,
    explain: (c) => ({
      meaning: `Salesforce found no usable run-as user for ${c.app.name}'s client credentials flow. The flow must be on in its OAuth settings and its OAuth policies, and the policies must name an active run-as user${c.app.runAs ? ` (now ${c.app.runAs})` : ''}.`,
      actions: [`Check ${setup(c, 'Policies')} > OAuth Policies > Client Credentials Flow, and ${setup(c, 'Settings')} > OAuth Settings > Flow Enablement.`, runAsFix(c)],
    }),
  },

  // -- the JWT assertion --------------------------------------------------------------------------
  {
    id: 'audience-sandbox',
    stage: 'token',
    description: /audience is invalid/i,
    when: (c) => c.isSandbox === true,
    explain: (c) => audienceExplanation(c, SANDBOX_AUDIENCE, 'a sandbox'),
  },
  {
    id: 'audience-production',
    stage: 'token',
    description: /audience is invalid/i,
    when: (c) => c.isSandbox === false,
    explain: (c) => audienceExplanation(c, PRODUCTION_AUDIENCE, 'a production org'),
  },
  {
    id: 'audience-invalid',
    stage: 'token',
    description: /audience is invalid/i,
    explain: (c) => {
      const domain = myDomain(c);
      return {
        meaning: `${c.org} does not accept the JWT audience ${c.audience ?? '(none)'}.`,
        actions: [
          `Pass --audience ${PRODUCTION_AUDIENCE} for a production org, ${SANDBOX_AUDIENCE} for a sandbox${domain ? `, or the org's My Domain URL ${domain}` : ''}; without --audience the command reads Organization.IsSandbox and picks one.`,
        ],
      };
    },
  },
  {
    id: 'key-mismatch',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_grant$/,
    description: /invalid assertion|signature/i,
    when: (c) => c.key?.matches === false,
    explain: (c) => {
      const k = c.key as KeyCertificateMatch;
      return {
        meaning:
          `The private key does not match the app's certificate (${k.certificate.subject}, SHA-256 fingerprint ${k.certificate.fingerprint256}): ` +
          `the public key of ${c.keyFile ?? 'the key file'} has SHA-256 ${k.keyFingerprint}, the certificate's has ${k.certificateKeyFingerprint}. ` +
          `Salesforce checks the assertion's signature with the certificate's public key, so it refuses the assertion.`,
        actions: [
          'Pass the private key that belongs to that certificate with --jwt-key-file.',
          `Or give ${c.app.name} the certificate of this key: openssl req -new -x509 -key ${c.keyFile ?? '<key file>'} -days 365 -subj "/CN=${c.app.name}" -out ${c.app.name}.crt, ` +
            `then upload it in ${setup(c, 'Settings')} > OAuth Settings > Flow Enablement > Enable JWT Bearer Flow; or set certificate in ${globalSettings(c)} and deploy it: ${deploy(c, GLOBAL_TYPE, c.app.components.globalOauthSettings)}`,
          'Compare a key and a certificate yourself: openssl pkey -in <key> -pubout | openssl sha256, and openssl x509 -in <certificate> -noout -pubkey | openssl sha256',
        ],
      };
    },
  },
  {
    id: 'no-certificate',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_grant$/,
    description: /invalid assertion|signature/i,
    when: (c) => !c.app.installed && !c.app.certificate,
    explain: (c) => ({
      meaning: `${c.app.name} has no certificate, so it accepts no JWT bearer assertion: the JWT bearer flow is off for it.`,
      actions: [
        `Upload the certificate of your key: ${setup(c, 'Settings')} > OAuth Settings > Flow Enablement > Enable JWT Bearer Flow.`,
        `Or set certificate (PEM) in ${globalSettings(c)} and deploy it: ${deploy(c, GLOBAL_TYPE, c.app.components.globalOauthSettings)}`,
      ],
    }),
  },
  {
    id: 'certificate-unreadable',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_grant$/,
    description: /invalid assertion|signature/i,
    when: (c) => Boolean(c.app.certificate) && c.key === undefined,
    explain: (c) => {
      const cert = c.app.certificate ?? '';
      return {
        meaning: isPlaceholder(cert)
          ? `${c.app.name}'s certificate in ${c.org} is the placeholder "${cert.trim()}": it was deployed without being substituted, so no key can match it.`
          : `${c.app.name}'s certificate in ${c.org} is not a readable X.509 certificate, so no key can match it.`,
        actions: [`Deploy ${globalSettings(c)} with the real certificate (PEM): ${deploy(c, GLOBAL_TYPE, c.app.components.globalOauthSettings)}`],
      };
    },
  },
  {
    id: 'assertion-invalid',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_grant$/,
    description: /invalid assertion|signature/i,
    explain: (c) => ({
      meaning:
        `Salesforce did not accept the assertion (iss ${c.consumerKey}, sub ${subject(c)}, aud ${c.audience ?? ''}). ` +
        (c.key?.matches
          ? `The key matches the certificate the org returned for ${c.app.name}, so the certificate may have changed since, or the consumer key belongs to another app.` +
            (c.key.certificate.expired
              ? ` The certificate expired on ${c.key.certificate.validTo.slice(0, 10)}, but that is not the cause: ${EXPIRED_CERTIFICATE_IS_HYGIENE}.`
              : '')
          : `Its signature must verify with ${c.app.name}'s certificate.`),
      actions: [`Compare the certificate in ${setup(c, 'Settings')} > OAuth Settings with the one your key belongs to, then run the command again: ${rerun(c)}`],
    }),
  },
  {
    id: 'clock-skew',
    stage: 'token',
    flow: 'jwt-bearer',
    description: /expired/i,
    when: (c) => c.clockSkewSeconds !== undefined && Math.abs(c.clockSkewSeconds) >= 60,
    explain: (c) => {
      const skew = c.clockSkewSeconds ?? 0;
      return {
        meaning:
          `This computer's clock is ${Math.abs(skew)} seconds ${skew > 0 ? 'behind' : 'ahead of'} Salesforce's. The assertion expires ${ASSERTION_LIFETIME_SECONDS} seconds after this computer's time, ` +
          'so Salesforce read it as expired (or not yet valid).',
        actions: ['Set the clock right: turn on time synchronisation (NTP), for example timedatectl set-ntp true on Linux, or sntp -sS time.apple.com on macOS.', `Then run the command again: ${rerun(c)}`],
      };
    },
  },
  {
    id: 'assertion-expired',
    stage: 'token',
    flow: 'jwt-bearer',
    description: /expired/i,
    explain: (c) => ({
      meaning: `Salesforce read the assertion as expired. It expires ${ASSERTION_LIFETIME_SECONDS} seconds after this computer's time${
        c.clockSkewSeconds === undefined ? '; the clocks could not be compared' : `, and this computer's clock was within a minute of Salesforce's`
      }, so the request took unusually long or something delayed it.`,
      actions: ['Check that this computer\'s clock is synchronised (NTP).', `Run the command again: ${rerun(c)}`],
    }),
  },

  // -- the user -----------------------------------------------------------------------------------
  {
    id: 'user-unknown',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_grant$|^invalid_app_access$/,
    when: (c) => c.user?.found === false,
    explain: (c) => ({
      meaning: `There is no user ${subject(c)} in ${c.org}.`,
      actions: [`Pass the username (not the email address) of a user of ${c.org} with --username; sandbox usernames end in the sandbox name, such as user@acme.example.uat.`],
    }),
  },
  {
    id: 'user-inactive',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_grant$|^invalid_app_access$/,
    when: (c, f) => /inactive user/i.test(f.description ?? '') || c.user?.active === false,
    explain: (c) => ({
      meaning: `${subject(c)} is deactivated in ${c.org}, and Salesforce issues no token for a deactivated user.`,
      actions: [`Reactivate the user (Setup > Users > ${subject(c)} > Edit > Active), or pass another user with --username.`],
    }),
  },
  {
    id: 'user-not-preauthorized',
    stage: 'token',
    flow: 'jwt-bearer',
    error: /^invalid_app_access$|^invalid_grant$/,
    description: /admin approved|approved this consumer/i,
    when: (c) => c.app.permittedUsers === 'AdminApprovedPreAuthorized' && c.user?.found === true,
    explain: (c) => preAuthorizedExplanation(c, c.user as UserFacts),
  },
  {
    // JWT bearer only: permitted-users policies do not apply to the client credentials execution
    // (run-as) user (Salesforce Help, client credentials flow setup), so this answer never means that.
    id: 'not-admin-approved',
    stage: 'token',
    flow: 'jwt-bearer',
    description: /admin approved/i,
    explain: (c) => ({
      meaning: `${c.app.name} admits only pre-authorized users, and ${subject(c)} is not one: neither their profile nor a permission set of theirs is among the app's.`,
      actions: [`Add the user's profile or one of their permission sets to the app: ${setup(c, 'Policies')} > OAuth Policies > Select Profiles / Select Permission Sets.`],
    }),
  },
  {
    id: 'user-not-approved',
    stage: 'token',
    flow: 'jwt-bearer',
    description: /approved this consumer/i,
    explain: (c) => ({
      meaning:
        `${c.app.name} lets users authorize it themselves (permittedUsersPolicyType ${c.app.permittedUsers ?? 'AllSelfAuthorized'}), and ${subject(c)} has never approved it. ` +
        'The JWT bearer flow shows no consent page, so such a user gets a token only after approving the app once in a browser.',
      actions: [
        `Pre-authorize the user: ${setup(c, 'Policies')} > OAuth Policies > Permitted Users: Admin approved users are pre-authorized, then add ${c.user?.profile ? `the profile ${c.user.profile}` : "the user's profile"} or a permission set of theirs; or set permittedUsersPolicyType to AdminApprovedPreAuthorized with commaSeparatedProfile in ${policies(c)} and deploy it: ${deploy(c, POLICIES_TYPE, c.app.components.oauthPolicies)}`,
        `Or have ${subject(c)} approve the app once: sf org login web --client-id ${c.consumerKey} --instance-url <My Domain URL> (the app's callback URLs must include http://localhost:1717/OauthRedirect).`,
      ],
    }),
  },

  // -- the grant itself ---------------------------------------------------------------------------
  {
    id: 'grant-not-supported',
    stage: 'token',
    when: (_c, f) => f.error === 'unsupported_grant_type' || /not supported/i.test(f.description ?? ''),
    explain: (c, f) => ({
      meaning:
        c.flow === 'client-credentials'
          ? `${c.tokenEndpoint} does not take the client credentials grant (${answer(f)}). Salesforce accepts it only on the org's My Domain host, https://<MyDomain>.my.salesforce.com.`
          : `${c.tokenEndpoint} does not take the JWT bearer grant (${answer(f)}).`,
      actions: [`Check that ${c.org}'s instance URL is its My Domain: sf org display --target-org ${c.org}; if not, log in again with --instance-url https://<MyDomain>.my.salesforce.com.`],
    }),
  },
  {
    id: 'token-refused',
    stage: 'token',
    explain: (c, f) => ({
      meaning: `Salesforce refused the ${c.flow} token for ${c.app.name} with ${answer(f)} (HTTP ${f.status}). This command knows no more precise cause for this answer.`,
      actions: [
        `Look up the failed login in ${c.org}'s Setup > Login History (the Status column names the cause).`,
        `Compare the app's settings with what the flow needs: sf eca display --name ${c.app.name} --target-org ${c.org}`,
      ],
    }),
  },

  // -- proving the token ---------------------------------------------------------------------------
  {
    id: 'api-scope-missing',
    stage: 'rest',
    status: status4xx,
    when: (c) => c.app.scopes.length > 0 && !hasApiScope(c),
    explain: (c) => ({
      meaning:
        c.flow === 'client-credentials' && c.app.scopes.includes('Full')
          ? `Salesforce issued the token, but the REST API refused it: ${c.app.name}'s OAuth scopes (${c.app.scopes.join(', ')}) lack Api, and a client credentials token never carries Full (nor Web or RefreshToken), so it cannot call the REST API.`
          : `Salesforce issued the token, but the REST API refused it: ${c.app.name}'s OAuth scopes (${c.app.scopes.join(', ')}) include neither Api nor Full, so its tokens cannot call the REST API.`,
      actions: [
        `Add the scope "Manage user data via APIs (api)": ${setup(c, 'Settings')} > OAuth Settings > Selected OAuth Scopes.`,
        `Or add Api to commaSeparatedOauthScopes in ${component(SETTINGS_TYPE, c.app.components.oauthSettings, "the app's OAuth settings")} and deploy it: ${deploy(c, SETTINGS_TYPE, c.app.components.oauthSettings)}`,
      ],
    }),
  },
  {
    id: 'api-disabled',
    stage: 'rest',
    error: /^API_DISABLED_FOR_ORG$|^API_CURRENTLY_DISABLED$/,
    explain: (c) => ({
      meaning: `Salesforce issued the token, but its user may not use the API: ${c.org}'s edition has no API access, or the user's profile lacks the "API Enabled" permission.`,
      actions: [`Give the ${c.flow === 'client-credentials' ? `run-as user ${c.app.runAs ?? ''}` : `user ${subject(c)}`} a profile or permission set with API Enabled (an API-only integration user has it).`],
    }),
  },
  {
    id: 'rest-refused',
    stage: 'rest',
    explain: (c, f) => ({
      meaning:
        `Salesforce issued the token, but the REST API refused it at once with ${answer(f)} (HTTP ${f.status}). ` +
        `A session that ends as soon as it starts usually means the org locks sessions to the IP address they began from, or ${c.app.name}'s IP relaxation (${c.app.summary?.ipRelaxation ?? 'unknown'}) rejects this computer's address.`,
      actions: [`Check ${c.org}'s Setup > Session Settings (Lock sessions to the IP address from which they originated) and ${setup(c, 'Policies')} > OAuth Policies > IP Relaxation.`],
    }),
  },
  {
    id: 'userinfo-refused',
    stage: 'userinfo',
    explain: (c, f) => ({
      meaning: `Salesforce issued the token, but userinfo refused it with ${answer(f)} (HTTP ${f.status}). userinfo needs an identity scope (OpenID or Basic); ${c.app.name}'s scopes are ${listOrNone(c.app.scopes)}.`,
      actions: [`Add the scope OpenID or "Access the identity URL service (id, profile, email, address, phone)": ${setup(c, 'Settings')} > OAuth Settings > Selected OAuth Scopes.`],
    }),
  },
];

function rowMatches(row: ExplanationRow, f: TokenFailure, c: ExplainContext): boolean {
  if (row.stage !== 'any' && row.stage !== f.stage) return false;
  if (row.flow && row.flow !== c.flow) return false;
  if (row.status && !row.status(f.status)) return false;
  if (row.error && !row.error.test(f.error ?? '')) return false;
  if (row.description && !row.description.test(f.description ?? '')) return false;
  return row.when ? row.when(c, f) : true;
}

/** The first row of EXPLANATIONS that matches the failure; every stage has a general row. */
export function explainFailure(f: TokenFailure, c: ExplainContext): Explanation {
  const row = EXPLANATIONS.find((r) => rowMatches(r, f, c));
  if (!row) throw new Error(`no explanation row for the ${f.stage} stage`);
  return { cause: row.id, ...row.explain(c, f) };
}

/**
 * The explanation of one row for a cause already established from the app's settings and the
 * org's facts, before any token is asked for (`sf eca doctor`): the same meaning and fixes token
 * verify gives after Salesforce refused the token for that cause.
 */
export function explainCause(id: ExplanationId, c: ExplainContext): Explanation {
  const row = EXPLANATIONS.find((r) => r.id === id);
  if (!row) throw new Error(`no explanation row ${id}`);
  return { cause: row.id, ...row.explain(c, { stage: row.stage === 'any' ? 'token' : row.stage, status: 400 }) };
}

/** Which facts the rows for this failure would use, so the caller reads only those after a failure. */
export function factsWanted(f: TokenFailure, flow: TokenFlow): { user: boolean; runAsUser: boolean; appSavedAt: boolean; isSandbox: boolean } {
  const token = f.stage === 'token' && f.status > 0 && f.status < 500;
  return {
    user: token && flow === 'jwt-bearer',
    runAsUser: token && flow === 'client-credentials' && /client credentials user/i.test(f.description ?? ''),
    appSavedAt: token && (f.error === 'invalid_client_id' || isAppNotFound(f)),
    isSandbox: token && flow === 'jwt-bearer' && /audience is invalid/i.test(f.description ?? ''),
  };
}

function isAppNotFound(f: TokenFailure): boolean {
  return APP_NOT_FOUND.error.test(f.error ?? '') || APP_NOT_FOUND.description.test(f.description ?? '');
}
