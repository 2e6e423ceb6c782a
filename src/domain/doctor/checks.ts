/**
 * `sf eca doctor`: everything that decides whether a pipeline login through an External Client
 * App can work, judged before any token is asked for: ONE table, one row per check.
 *
 * Each row reads the facts (./facts.ts) and says PASS, WARN or FAIL with the evidence and the
 * exact fix (a command or a Setup path). A row that does not apply to the flow says SKIP with the
 * reason; a row whose facts could not be read says ERROR (never PASS: a gate does not pass on
 * input it could not read). Where a check predicts a refusal token verify explains after the
 * fact, it takes that explanation's meaning and fixes from ../token/explain.ts (explainCause), so
 * the two commands say the same thing in the same words; the policy audit's rationale and
 * remediation come from ../policy/rules.ts the same way.
 *
 * Adding a check: add a row with a new id (DoctorCheckId) where it belongs in the order people
 * read, and a case to test/unit/doctor/checks.test.ts (a test fails for a row without one).
 *
 * Pure: no I/O. No text holds a secret, a token or an assertion (the facts have none).
 */
import { DEFAULT_THRESHOLDS, ruleById } from '../policy/rules.js';
import { installedTokenSettings, type AppTokenSettings, tokenSettingsFrom } from '../token/app.js';
import {
  appNotFoundCauses,
  EXPIRED_CERTIFICATE_IS_HYGIENE,
  type ExplainContext,
  type ExplanationId,
  explainCause,
  expectedAudience,
  hasApiScope,
  PROPAGATION_MINUTES,
  savedAgo,
} from '../token/explain.js';
import { isGenericLoginHost, type TokenFlow, tokenEndpointOf } from '../token/flows.js';
import type { DoctorFacts, DoctorUser, FactName } from './facts.js';

export type DoctorStatus = 'PASS' | 'WARN' | 'FAIL' | 'SKIP' | 'ERROR';

export type DoctorCheckId =
  | 'app-found'
  | 'app-enabled'
  | 'flow-in-settings'
  | 'flow-in-policies'
  | 'api-scope'
  | 'permitted-users'
  | 'user-active'
  | 'user-api-enabled'
  | 'user-api-only'
  | 'user-is-run-as'
  | 'certificate'
  | 'key-matches-certificate'
  | 'certificate-expiry'
  | 'my-domain'
  | 'audience'
  | 'propagation'
  | 'secret-rest-access'
  | 'devhub-scratch-orgs'
  | 'token';

export type DoctorCheck = {
  id: DoctorCheckId;
  title: string;
  status: DoctorStatus;
  /** what was found, in words, with the values it rests on */
  evidence: string;
  /** the exact fixes, most likely first (commands or Setup paths); empty when nothing is to do */
  fix: string[];
};

type Outcome = { status: DoctorStatus; evidence: string; fix?: readonly string[] };

/** What a row sees: the facts, the flow checked, and token verify's context for its explanations. */
export type DoctorContext = {
  facts: DoctorFacts;
  flow: TokenFlow;
  /** undefined when the app was not found, or is a Connected App */
  app?: AppTokenSettings;
  explain?: ExplainContext;
};

export type DoctorRow = {
  id: DoctorCheckId;
  title: string;
  /** the flows the check applies to; for the other flow it says SKIP with `otherFlow` */
  flows: readonly TokenFlow[];
  otherFlow?: string;
  /** the check reads the app (SKIP when it was not found) */
  needsApp: boolean;
  /** facts it reads: ERROR when one could not be read */
  reads: readonly FactName[];
  run: (c: Required<DoctorContext>) => Outcome;
};

// ---------------------------------------------------------------------------------------------
// wording shared by the rows

const pass = (evidence: string): Outcome => ({ status: 'PASS', evidence });
const warn = (evidence: string, fix: readonly string[] = []): Outcome => ({ status: 'WARN', evidence, fix });
const skip = (evidence: string): Outcome => ({ status: 'SKIP', evidence });
const fail = (evidence: string, fix: readonly string[] = []): Outcome => ({ status: 'FAIL', evidence, fix });

/** A refusal token verify explains after the fact, predicted from the facts: its words and fixes. */
function failAs(id: ExplanationId, c: Required<DoctorContext>): Outcome {
  const x = explainCause(id, c.explain);
  return fail(x.meaning, x.actions);
}

function list(xs: readonly string[]): string {
  return xs.length ? xs.join(', ') : 'none';
}

function setupPath(c: Required<DoctorContext>, tab: 'Policies' | 'Settings'): string {
  return `Setup > External Client Apps > External Client App Manager > ${c.app.label ?? c.app.name} > ${tab} > Edit`;
}

/** The user the token is for: --username (JWT bearer) or the run-as user (client credentials). */
function tokenUser(c: Required<DoctorContext>): { who: string; user?: DoctorUser; missing?: Outcome } {
  if (c.flow === 'jwt-bearer') {
    if (!c.facts.username) return { who: 'the user', missing: warn('Not checked: no user was named. Pass --username with the user your pipeline logs in as.', [doctorAgain(c, '--username <CI user>')]) };
    return { who: c.facts.username, user: c.facts.user };
  }
  if (!c.app.runAs) return { who: 'the run-as user', missing: skip('The app names no run-as user (see user-active).') };
  return { who: c.app.runAs, user: c.facts.runAsUser };
}

function doctorAgain(c: Required<DoctorContext>, more: string): string {
  return `sf eca doctor --name ${c.app.name} --flow ${c.flow} ${more} --target-org ${c.facts.org}`;
}

function ruleText(id: string): { rationale: string; remediation: string } {
  const r = ruleById(id);
  return { rationale: r?.rationale ?? '', remediation: r?.remediation ?? '' };
}

/** A setting of a component the retrieve did not return cannot be judged: said so, never passed. */
function notReturned(what: string): Outcome {
  return warn(`Not checked: the org did not return ${what}.`, [`Look at it in Setup, or retrieve it: sf project retrieve start --metadata "ExternalClientApplication:*" --metadata "ExtlClntApp*:*"`]);
}

const INSTALLED = (c: Required<DoctorContext>, what: string): Outcome =>
  warn(`Not checked: ${c.app.name} is installed from the package ${c.app.namespacePrefix ?? ''}, and ${what} belong(s) to the package; a subscriber org cannot read it.`, [
    `Ask the package's publisher, or prove the login with the credentials: sf eca token verify --name ${c.app.name} --flow ${c.flow} --client-id <consumer key> --target-org ${c.facts.org}`,
  ]);

// ---------------------------------------------------------------------------------------------
// the table

export const DOCTOR_CHECKS: readonly DoctorRow[] = [
  {
    id: 'app-found',
    title: 'The app exists in the org',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: false,
    reads: [],
    run: (c) => {
      const f = c.facts;
      const a = f.app;
      if (a.kind === 'connectedApp') {
        return fail(`${c.app.name} is a Connected App, not an External Client App: this command checks External Client Apps.`, [
          `Convert it: sf eca convert --target-org ${f.org} --name ${c.app.name} --output-dir converted`,
        ]);
      }
      if (a.kind === 'missing') {
        const refreshed = f.isSandbox ? ` A sandbox refresh does not copy local External Client Apps: if ${f.org} was refreshed since the app was made, deploy it again.` : '';
        return fail(`${f.org} has no External Client App named ${c.app.name} (its External Client Apps: ${list(a.available.slice(0, 20))}).${refreshed}`, [
          `List the apps of the org: sf eca list --target-org ${f.org}`,
          `Deploy the app from source: sf project deploy start --metadata ExternalClientApplication:${c.app.name} --metadata "ExtlClntApp*:${c.app.name}*" --target-org ${f.org}`,
        ]);
      }
      const origin =
        a.kind === 'installed'
          ? `installed from the package ${a.installed.namespacePrefix ?? ''}`
          : a.settings.distributionState === 'Packaged'
            ? 'a packaged External Client App of this org (distributionState Packaged)'
            : `a local External Client App (distributionState ${a.settings.distributionState ?? 'Local'})`;
      const key = c.app.consumerKey ? `; consumer key ${c.app.consumerKey}` : '';
      return pass(
        `${c.app.name} is ${origin} in ${f.org}${c.app.id ? ` (ExternalClientApplication ${c.app.id})` : ''}${key}. ` +
          `If Salesforce answers "app_not_found" (External client app is not installed in this org) for it, it answers so ${appNotFoundCauses(c.explain)}: the checks below look at each.`
      );
    },
  },
  {
    id: 'app-enabled',
    title: 'The app and its OAuth plugin are switched on',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its app policies');
      if (c.app.enabled === false || c.app.oauthPluginEnabled === false) return failAs('app-switched-off', c);
      if (c.app.enabled === undefined || c.app.oauthPluginEnabled === undefined) return notReturned(`${c.app.name}'s app policies (ExtlClntAppConfigurablePolicies)`);
      return pass(`isEnabled and isOauthPluginEnabled are true in ${c.app.policiesComponent ?? "the app's policies"}.`);
    },
  },
  {
    id: 'flow-in-settings',
    title: 'The flow is on in the global OAuth settings',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its OAuth settings');
      if (c.flow === 'jwt-bearer') {
        return c.app.certificate
          ? pass(`A certificate is uploaded (GlobalOauthSettings.certificate in ${c.app.components.globalOauthSettings ?? 'the global OAuth settings'}): the JWT bearer flow is on.`)
          : failAs('no-certificate', c);
      }
      if (c.app.clientCredentialsInSettings === true) return pass(`isClientCredentialsFlowEnabled is true in ${c.app.components.globalOauthSettings ?? 'the global OAuth settings'}.`);
      if (c.app.clientCredentialsInSettings === false) return failAs(c.app.clientCredentialsInPolicies === true ? 'cc-off-in-settings' : 'cc-off', c);
      return notReturned(`${c.app.name}'s global OAuth settings (ExtlClntAppGlobalOauthSettings)`);
    },
  },
  {
    id: 'flow-in-policies',
    title: 'The flow is on in the OAuth policies',
    flows: ['client-credentials'],
    otherFlow: 'The OAuth policies have no switch for the JWT bearer flow: the permitted-users policy decides who gets a token (permitted-users).',
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its OAuth policies');
      if (c.app.clientCredentialsInPolicies === true) return pass(`isClientCredentialsFlowEnabled is true in ${c.app.components.oauthPolicies ?? 'the OAuth policies'}.`);
      if (c.app.clientCredentialsInPolicies === false) return failAs(c.app.clientCredentialsInSettings === true ? 'cc-off-in-policies' : 'cc-off', c);
      return notReturned(`${c.app.name}'s OAuth policies (ExtlClntAppOauthConfigurablePolicies)`);
    },
  },
  {
    id: 'api-scope',
    title: 'The app grants API access',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its OAuth scopes');
      if (c.app.scopes.length === 0) return notReturned(`${c.app.name}'s OAuth scopes (ExtlClntAppOauthSettings)`);
      if (hasApiScope({ app: c.app, flow: c.flow })) return pass(`Scopes: ${c.app.scopes.join(', ')}.`);
      const cc = c.flow === 'client-credentials' && c.app.scopes.includes('Full');
      return fail(
        `${c.app.name}'s OAuth scopes (${c.app.scopes.join(', ')}) ${cc ? 'lack Api, and a client credentials token never carries Full' : 'include neither Api nor Full'}: its tokens cannot call the API that every sf command uses.`,
        explainCause('api-scope-missing', c.explain).actions
      );
    },
  },
  {
    id: 'permitted-users',
    title: 'The user is pre-authorized (permitted users)',
    flows: ['jwt-bearer'],
    // Salesforce Help (client credentials flow setup): permitted-users policies do not apply to the execution user
    otherFlow: 'Permitted-users policies do not apply to the client credentials run-as user (Salesforce Help, client credentials flow).',
    needsApp: true,
    reads: ['users'],
    run: (c) => {
      const u = tokenUser(c);
      if (u.missing) return u.missing;
      if (u.user?.found !== true) return skip(`${u.who} is not a user of ${c.facts.org} (see user-active).`);
      if (c.app.permittedUsers === 'AdminApprovedPreAuthorized') {
        if (c.app.installed) return INSTALLED(c, 'its pre-authorized profiles and permission sets');
        const byProfile = u.user.profile !== undefined && c.app.profiles.includes(u.user.profile);
        const bySet = u.user.permissionSets.filter((p) => c.app.permissionSets.includes(p));
        if (byProfile) return pass(`${c.app.name} admits pre-authorized users only, and ${u.who}'s profile ${u.user.profile ?? ''} is pre-authorized.`);
        if (bySet.length) return pass(`${c.app.name} admits pre-authorized users only, and ${u.who} has the pre-authorized permission set ${bySet.join(', ')}.`);
        return failAs('user-not-preauthorized', c);
      }
      if (c.facts.unread.approval) return { status: 'ERROR', evidence: `Could not read whether ${u.who} approved the app: ${c.facts.unread.approval}`, fix: [] };
      if (c.facts.approved) return pass(`${c.app.name} lets users authorize it themselves (permittedUsersPolicyType ${c.app.permittedUsers ?? 'AllSelfAuthorized'}), and ${u.who} approved it before (an OAuth token of the user for the app exists).`);
      const x = explainCause('user-not-approved', c.explain);
      return fail(`${x.meaning} No OAuth token of ${u.who} for ${c.app.name} exists (OauthToken), so the user has not approved it.`, x.actions);
    },
  },
  {
    id: 'user-active',
    title: 'The user exists and is active',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: ['users'],
    run: (c) => {
      if (c.flow === 'client-credentials' && !c.app.runAs) return c.app.installed ? INSTALLED(c, 'its run-as user') : failAs('cc-no-run-as', c);
      const u = tokenUser(c);
      if (u.missing) return u.missing;
      const user = u.user;
      if (c.flow === 'client-credentials') {
        if (user?.found === false || user?.active === false) return failAs('cc-run-as-unusable', c);
        return pass(`The run-as user ${u.who} is an active user of ${c.facts.org} (profile ${user?.profile ?? 'unknown'}): every client credentials token is issued for this user.`);
      }
      if (user?.found === false) return failAs('user-unknown', c);
      if (user?.active === false) return failAs('user-inactive', c);
      return pass(`${u.who} is an active user of ${c.facts.org} (profile ${user?.profile ?? 'unknown'}; permission sets: ${list(user?.permissionSets ?? [])}).`);
    },
  },
  {
    id: 'user-api-enabled',
    title: 'The user may use the API (API Enabled)',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: ['users'],
    run: (c) => {
      const u = tokenUser(c);
      if (u.missing) return u.missing;
      if (u.user?.found !== true || u.user.active === false) return skip(`${u.who} is not an active user of ${c.facts.org} (see user-active).`);
      if (u.user.apiEnabled !== false) return pass(`${u.who} has the API Enabled permission (through the profile ${u.user.profile ?? ''} or a permission set).`);
      return fail(
        `Neither ${u.who}'s profile (${u.user.profile ?? 'unknown'}) nor a permission set of theirs (${list(u.user.permissionSets)}) grants API Enabled, and Salesforce refuses every API call of a user without it.`,
        explainCause('api-disabled', c.explain).actions
      );
    },
  },
  {
    id: 'user-api-only',
    title: 'The run-as user is API-only',
    flows: ['client-credentials'],
    otherFlow: 'The JWT bearer flow does not need an API-only user.',
    needsApp: true,
    reads: ['users'],
    run: (c) => {
      const u = tokenUser(c);
      if (u.missing) return u.missing;
      if (u.user?.found !== true) return skip(`${u.who} is not a user of ${c.facts.org} (see user-active).`);
      if (u.user.apiOnly === true) return pass(`${u.who} has the API Only User permission.`);
      const r = ruleText('client-credentials-run-as-not-api-only');
      return warn(`The run-as user ${u.who} is not API-only (profile ${u.user.profile ?? 'unknown'}). ${r.rationale}`, [
        `${r.remediation} For example: Setup > Users > ${u.who} > Edit > Profile "Minimum Access - API Only Integrations", or a permission set with "API Only User".`,
      ]);
    },
  },
  {
    id: 'user-is-run-as',
    title: 'The user is the run-as user',
    flows: ['client-credentials'],
    otherFlow: 'A JWT bearer token is for the --username user; the run-as user is for client credentials.',
    needsApp: true,
    reads: [],
    run: (c) => {
      if (!c.app.runAs) return skip('The app names no run-as user (see user-active).');
      const named = c.facts.username;
      if (!named || named.toLowerCase() === c.app.runAs.toLowerCase()) return pass(`Every client credentials token of ${c.app.name} is issued for the run-as user ${c.app.runAs}.`);
      return fail(`The pipeline expects ${named}, but every client credentials token of ${c.app.name} is issued for its run-as user ${c.app.runAs}.`, [
        `Make ${named} the run-as user: ${setupPath(c, 'Policies')} > OAuth Policies > Client Credentials Flow > Run As.`,
        `Or, if ${c.app.runAs} is right, check it with: ${doctorAgain(c, `--username ${c.app.runAs}`)}`,
      ]);
    },
  },
  {
    id: 'certificate',
    title: 'The certificate is readable and its key strong',
    flows: ['jwt-bearer'],
    otherFlow: 'The client credentials flow uses no certificate.',
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its certificate');
      const cert = c.facts.app.kind === 'eca' ? c.facts.app.settings.certificate : undefined;
      if (!c.app.certificate || !cert) return skip('No certificate (see flow-in-settings).');
      if (cert.status !== 'parsed') return failAs('certificate-unreadable', c);
      const bits = cert.keyBits;
      const min = DEFAULT_THRESHOLDS.minRsaKeyBits;
      const described = `${cert.subject}, ${cert.keyType ?? 'unknown'} key${bits ? ` of ${bits} bits` : ''}, SHA-256 fingerprint ${cert.fingerprint256}`;
      if (cert.keyType === 'rsa' && bits !== undefined && bits < min) {
        const r = ruleText('jwt-certificate-weak-key');
        return warn(`The certificate (${described}) has an RSA key shorter than ${min} bits. ${r.rationale}`, [r.remediation]);
      }
      return pass(`The certificate: ${described}.`);
    },
  },
  {
    id: 'key-matches-certificate',
    title: 'The private key belongs to the certificate',
    flows: ['jwt-bearer'],
    otherFlow: 'The client credentials flow uses no key.',
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its certificate');
      if (!c.facts.keyFile) return skip('Not compared: pass --jwt-key-file with the private key your pipeline signs with.');
      if (!c.facts.key) return skip('No readable certificate to compare with (see certificate).');
      if (!c.facts.key.matches) return failAs('key-mismatch', c);
      return pass(`The public key of ${c.facts.keyFile} (SHA-256 ${c.facts.key.keyFingerprint}) is the certificate's.`);
    },
  },
  {
    id: 'certificate-expiry',
    title: 'The certificate is within its validity (hygiene)',
    flows: ['jwt-bearer'],
    otherFlow: 'The client credentials flow uses no certificate.',
    needsApp: true,
    reads: [],
    run: (c) => {
      if (c.app.installed) return INSTALLED(c, 'its certificate');
      const cert = c.facts.app.kind === 'eca' ? c.facts.app.settings.certificate : undefined;
      if (cert?.status !== 'parsed') return skip('No readable certificate (see certificate).');
      const left = Math.floor((Date.parse(cert.validTo) - c.facts.now.getTime()) / 86_400_000);
      const day = cert.validTo.slice(0, 10);
      if (Date.parse(cert.validTo) <= c.facts.now.getTime()) {
        return warn(`The certificate (${cert.subject}) expired on ${day}. Logins still work: ${EXPIRED_CERTIFICATE_IS_HYGIENE}.`, [ruleText('jwt-certificate-expired').remediation]);
      }
      if (left <= DEFAULT_THRESHOLDS.certificateExpiryDays) {
        return warn(`The certificate (${cert.subject}) expires on ${day}, in ${left} days. Logins keep working after that date, but it is when the key was meant to be replaced.`, [
          ruleText('jwt-certificate-expiring').remediation,
        ]);
      }
      return pass(`The certificate expires on ${day}, in ${left} days.`);
    },
  },
  {
    id: 'my-domain',
    title: 'The org has My Domain, and the login uses it',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: false,
    reads: ['myDomain'],
    run: (c) => {
      const f = c.facts;
      const domain = f.myDomainUrl;
      const cc = c.flow === 'client-credentials';
      if (cc && isGenericLoginHost(f.instanceUrl)) {
        return fail(`The CLI's login of ${f.org} has the instance URL ${f.instanceUrl}, which is not a My Domain: Salesforce takes the client credentials grant only on the org's My Domain.`, [
          `Log in again with the org's My Domain URL: sf org login web --instance-url ${domain ?? 'https://<MyDomain>.my.salesforce.com'} --alias ${f.org}`,
        ]);
      }
      if (!domain) {
        return cc
          ? fail(`${f.org} has no My Domain (userinfo gives no urls.custom_domain), and Salesforce takes the client credentials grant only on the org's My Domain (https://<MyDomain>.my.salesforce.com).`, [
              'Deploy a My Domain: Setup > Company Settings > My Domain.',
            ])
          : warn(`${f.org} has no My Domain (userinfo gives no urls.custom_domain): a JWT bearer login goes through ${f.isSandbox ? 'test' : 'login'}.salesforce.com, where External Client App logins have been answered "app_not_found" (sfdx-hardis#1979).`, [
              'Deploy a My Domain (Setup > Company Settings > My Domain) and log in with --instance-url set to it.',
            ]);
      }
      // sf org login jwt without --instance-url posts to login.salesforce.com; ECA logins there have been
      // answered app_not_found (hardisgroupcom/sfdx-hardis#1979; forcedotcom/cli#3482 suggests the My Domain)
      const login = cc
        ? `In a pipeline: ECA_CLIENT_SECRET=<secret> sf eca login client-credentials --instance-url ${domain} --client-id ${c.app?.consumerKey ?? '<consumer key>'} --alias <alias>`
        : `Pipelines log in with --instance-url ${domain}, not login.salesforce.com or test.salesforce.com: External Client App logins sent there have been answered "app_not_found" (sfdx-hardis#1979).`;
      return pass(`${f.org}'s My Domain is ${domain} (userinfo urls.custom_domain); its token endpoint is ${tokenEndpointOf(domain)}. ${login}`);
    },
  },
  {
    id: 'audience',
    title: 'The JWT audience for this org',
    flows: ['jwt-bearer'],
    otherFlow: 'A client credentials request names no audience; it needs the My Domain (my-domain).',
    needsApp: true,
    reads: ['isSandbox'],
    run: (c) => {
      const a = expectedAudience({ ...c.explain, isSandbox: c.facts.isSandbox === true });
      return pass(`${a.fact} ${a.loginCommand}`);
    },
  },
  {
    id: 'propagation',
    title: `The app was not changed in the last ${PROPAGATION_MINUTES} minutes (propagation)`,
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: ['appSavedAt'],
    run: (c) => {
      if (c.app.installed) return skip(`${c.app.name} is installed from a package: the package's version decides when it changed.`);
      const saved = c.facts.appSavedAt;
      if (!saved) return warn(`Not checked: the org gave no LastModifiedDate for ${c.app.name} or its OAuth policies.`);
      const minutes = (c.facts.now.getTime() - saved.getTime()) / 60_000;
      if (minutes < PROPAGATION_MINUTES) {
        const x = explainCause('app-just-saved', c.explain);
        return warn(`${x.meaning} Tokens may be refused for about ${Math.max(1, Math.ceil(PROPAGATION_MINUTES - minutes))} more minute(s).`, x.actions);
      }
      return pass(`${c.app.name} (header or OAuth policies) was last saved ${savedAgo(minutes)}, on ${saved.toISOString()}: more than ${PROPAGATION_MINUTES} minutes ago.`);
    },
  },
  {
    id: 'secret-rest-access',
    title: 'Consumer secrets through REST (org setting)',
    flows: ['client-credentials'],
    otherFlow: 'The JWT bearer flow needs no consumer secret, and the consumer key is readable without this setting.',
    needsApp: false,
    reads: ['settings'],
    run: (c) => {
      const s = c.facts.settings;
      const setting = 'Setup > External Client Apps > Settings > "Allow access to External Client App consumer secrets via REST API" (enableClientSecretInRestApiAccess)';
      if (s?.enableClientSecretInRestApiAccess === true) {
        const r = ruleText('org-consumer-secret-rest-access');
        return warn(`On: a pipeline can read the consumer secret from ${c.facts.org} (Connect REST credentials, part=secret). ${r.rationale}`, [`${r.remediation} ${setting}`]);
      }
      return pass(
        `Off: consumer secrets are not readable through REST, so a pipeline that reads the secret from ${c.facts.org} (Connect REST credentials, part=secret) is refused ("not currently enabled"). ` +
          `Keep the secret in the pipeline's secret store (ECA_CLIENT_SECRET); turn on ${setting} only for a pipeline that must read it from the org.`
      );
    },
  },
  {
    id: 'devhub-scratch-orgs',
    title: 'Scratch orgs through this app (Dev Hub)',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: ['devHub'],
    run: (c) => {
      if (!c.facts.isDevHub) return skip(`${c.facts.org} is not a Dev Hub (it has no ScratchOrgInfo).`);
      return warn(
        `${c.facts.org} is a Dev Hub. sf org create scratch with a login through ${c.app.name} (an External Client App) fails with C-1016 ("We encountered a problem while attempting to configure and approve the Connected App for your org"): ` +
          'the scratch-org signup cannot use an External Client App as its Connected App (forcedotcom/cli#3515).',
        [
          `Tell the CLI to sign scratch orgs up with its own Connected App: SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI sf org create scratch --target-dev-hub ${c.facts.org} --definition-file config/project-scratch-def.json`,
        ]
      );
    },
  },
  {
    id: 'token',
    title: 'Salesforce issues a working token',
    flows: ['client-credentials', 'jwt-bearer'],
    needsApp: true,
    reads: [],
    run: (c) => {
      const t = c.facts.token;
      if (!t) {
        return skip(
          c.flow === 'jwt-bearer'
            ? 'Not asked for: pass --jwt-key-file (with --username) to end with a real token request.'
            : 'Not asked for: set ECA_CLIENT_SECRET or pipe the secret with --secret-stdin to end with a real token request.'
        );
      }
      if (t.outcome === 'verified') {
        const warnings = t.warnings.length ? ` Warnings: ${t.warnings.join(' ')}` : '';
        return pass(`Salesforce issued a ${c.flow} token for ${t.username ?? 'the user'} (scopes ${list(t.scopes)}), and ${t.proof} accepted it.${warnings}`);
      }
      return { status: t.outcome === 'refused' ? 'FAIL' : 'ERROR', evidence: t.message, fix: t.actions };
    },
  },
];

/** The explanation context of token verify, for an app and org the doctor read. */
function explainContext(f: DoctorFacts, flow: TokenFlow, app: AppTokenSettings): ExplainContext {
  return {
    flow,
    org: f.org,
    isSandbox: f.isSandbox,
    app,
    consumerKey: app.consumerKey ?? '<consumer key>',
    consumerKeySource: 'metadata',
    tokenEndpoint: tokenEndpointOf(f.instanceUrl),
    username: flow === 'jwt-bearer' ? f.username : undefined,
    user: flow === 'jwt-bearer' ? f.user : undefined,
    runAsUser: f.runAsUser,
    keyFile: f.keyFile,
    key: f.key,
    appSavedMinutesAgo: f.appSavedAt ? (f.now.getTime() - f.appSavedAt.getTime()) / 60_000 : undefined,
  };
}

/** The app as token verify's explanations see it; a missing app or Connected App has only its name. */
function appOf(f: DoctorFacts, name: string): AppTokenSettings | undefined {
  if (f.app.kind === 'eca') return tokenSettingsFrom(f.app.settings, f.now);
  if (f.app.kind === 'installed') return installedTokenSettings(f.app.installed);
  return installedTokenSettings({ id: '', name });
}

/** Runs every row in order: the checklist. */
export function runDoctorChecks(facts: DoctorFacts, options: { flow: TokenFlow; name: string }): DoctorCheck[] {
  const app = appOf(facts, options.name) as AppTokenSettings;
  const found = facts.app.kind === 'eca' || facts.app.kind === 'installed';
  const ctx: Required<DoctorContext> = { facts, flow: options.flow, app: found ? app : { ...app, installed: false }, explain: explainContext(facts, options.flow, app) };
  return DOCTOR_CHECKS.map((row): DoctorCheck => {
    const out = judge(row, ctx, found);
    return { id: row.id, title: row.title, status: out.status, evidence: out.evidence, fix: [...(out.fix ?? [])] };
  });
}

function judge(row: DoctorRow, c: Required<DoctorContext>, found: boolean): Outcome {
  if (!row.flows.includes(c.flow)) return skip(row.otherFlow ?? `Not for the ${c.flow} flow.`);
  if (row.needsApp && !found) return skip(`${c.app.name} was not found as an External Client App (see app-found).`);
  const unread = row.reads.find((r) => c.facts.unread[r] !== undefined);
  if (unread) return { status: 'ERROR', evidence: `Could not be checked: ${c.facts.unread[unread] ?? ''}`, fix: [`Run the command again: ${doctorAgain(c, c.facts.username ? `--username ${c.facts.username}` : '')}`.replace(/ {2,}/g, ' ')] };
  return row.run(c);
}

export type DoctorVerdict = 'passed' | 'failed' | 'incomplete';

/**
 * Any FAIL fails (and WARN too with failOn 'warn'); otherwise a check that could not be read
 * makes the run incomplete; else it passed. SKIP never fails.
 */
export function doctorVerdict(checks: readonly Pick<DoctorCheck, 'status'>[], failOn: 'fail' | 'warn'): DoctorVerdict {
  if (checks.some((c) => c.status === 'FAIL' || (failOn === 'warn' && c.status === 'WARN'))) return 'failed';
  if (checks.some((c) => c.status === 'ERROR')) return 'incomplete';
  return 'passed';
}

export function countStatuses(checks: readonly Pick<DoctorCheck, 'status'>[]): Record<DoctorStatus, number> {
  const out: Record<DoctorStatus, number> = { PASS: 0, WARN: 0, FAIL: 0, SKIP: 0, ERROR: 0 };
  for (const c of checks) out[c.status]++;
  return out;
}
