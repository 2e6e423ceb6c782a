/**
 * Compliance packs: the rule catalogue (./rules.ts) mapped to a published list of controls, so a
 * client reads "Salesforce's control X: pass, with this evidence" instead of a list of rule ids.
 * `sf eca report --pack` shows them; `sf eca policy check --pack` will use the same packs.
 *
 * A control names the rules whose findings evidence it and how much of the control they check:
 * - full: the rules check what the control asks; no finding means pass;
 * - partial: the rules check part of it; a finding fails the control, no finding passes it only
 *   when `passOnPartial` says the unchecked part is minor, else the control is not assessed and
 *   `note` says what a person must confirm;
 * - none: no rule checks it (a manual control); always not assessed.
 * A gate never passes on what it could not check: a control whose rules are all disabled by the
 * policy file, or that no audited app or org came under, is not assessed.
 *
 * Waivers are honoured: a waived finding does not fail its control; it is listed as evidence with
 * the waiver's reason and expiry.
 *
 * Adding a control: append it to a pack's `controls` with the source it comes from; a unit test
 * checks that every rule id exists in the catalogue and that every control has a source.
 */
import type { AuditedSubject, Evaluation, WaivedFinding } from './evaluate.js';
import type { Finding, Severity } from './rules.js';

export type PackSource = {
  readonly url: string;
  readonly title: string;
  readonly says: string;
};

export type Coverage = 'full' | 'partial' | 'none';

export type PackControl = {
  /** stable kebab-case id */
  readonly id: string;
  /** the control's name as its source gives it */
  readonly title: string;
  readonly source: PackSource;
  /** rules whose findings evidence the control */
  readonly ruleIds: readonly string[];
  readonly coverage: Coverage;
  /** with coverage partial: no finding counts as a pass */
  readonly passOnPartial?: boolean;
  /** what the rules do not check, or why the control cannot be checked from metadata */
  readonly note?: string;
};

export type CompliancePack = {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly source: PackSource;
  readonly controls: readonly PackControl[];
};

export type ControlStatus = 'pass' | 'fail' | 'not-assessed';

export type ControlEvidence = {
  readonly ruleId: string;
  readonly severity: Severity;
  /** the app, org or policy file the finding is about */
  readonly target: string;
  readonly message: string;
  readonly waived?: { readonly reason: string; readonly expires: string };
};

export type ControlEvaluation = {
  readonly control: PackControl;
  readonly status: ControlStatus;
  readonly note?: string;
  readonly evidence: readonly ControlEvidence[];
};

export type PackEvaluation = {
  readonly pack: CompliancePack;
  readonly controls: readonly ControlEvaluation[];
  readonly passed: number;
  readonly failed: number;
  readonly notAssessed: number;
};

// ---------------------------------------------------------------------------------------------
// sources

const REVIEW_ECAS: PackSource = {
  url: 'https://help.salesforce.com/s/articleView?id=xcloud.shr_external_client_apps.htm&type=5',
  title: 'Salesforce Help: Review External Client Apps',
  says: 'The security controls Salesforce asks admins to review for every External Client App, grouped by settings page.',
};

const REVIEW_TRANSLATED =
  'Control name read from the localized copies of the page (the English copy read lists the first six only); English wording UNCONFIRMED.';

const ISV: PackSource = {
  url: 'https://developer.salesforce.com/docs/atlas.en-us.packagingGuide.meta/packagingGuide/secure_code_ac_eca.htm',
  title: 'ISVforce Guide: Secure Your Connected Apps and External Client Apps',
  says: 'Partners must enable PKCE and refresh token rotation on every Connected App and ECA of a partner application used by more than two customer production orgs; compliance due May 11, 2026.',
};

const IDLE_TTL: PackSource = {
  url: 'https://help.salesforce.com/s/articleView?id=xcloud.eca_limit_idle_refresh_token_ttl.htm&type=5',
  title: 'Salesforce Help: Limit the Idle Refresh Token TTL in External Client Apps',
  says: 'A developer setting caps the idle refresh-token TTL at 30 days; with it on, "valid until revoked" becomes 30 idle days.',
};

const OAUTH_POLICIES: PackSource = {
  url: 'https://help.salesforce.com/s/articleView?id=xcloud.connected_app_manage_oauth.htm&type=5',
  title: 'Salesforce Help: Manage OAuth Access Policies',
  says: 'IP relaxation decides whether an app\'s tokens are held to the org\'s and the profile\'s trusted IP ranges.',
};

const CLIENT_CREDENTIAL_RULES = ['client-credentials-without-run-as-user', 'client-credentials-run-as-not-api-only', 'client-credentials-run-as-admin'];

// ---------------------------------------------------------------------------------------------
// the packs

export const PACKS: readonly CompliancePack[] = [
  {
    id: 'review-eca',
    title: 'Review External Client Apps (Salesforce Help)',
    summary: "Salesforce's checklist of security controls for External Client Apps, checked against this plugin's policy rules.",
    source: REVIEW_ECAS,
    controls: [
      {
        id: 'metadata-secrets-protection',
        title: 'External Client App Settings: Metadata Secrets Protection',
        source: REVIEW_ECAS,
        ruleIds: ['org-consumer-secret-metadata-access'],
        coverage: 'full',
      },
      {
        id: 'rest-api-secret-masking',
        title: 'External Client App Settings: REST API Secret Masking',
        source: REVIEW_ECAS,
        ruleIds: ['org-consumer-secret-rest-access'],
        coverage: 'full',
      },
      {
        id: 'oauth-scope-least-privilege',
        title: 'Configure the External Client App OAuth Settings: OAuth Scope Least Privilege',
        source: REVIEW_ECAS,
        ruleIds: ['scope-full', 'scope-refresh-token-unneeded'],
        coverage: 'partial',
        passOnPartial: true,
        note: 'The rules flag the Full scope and refresh tokens on server-to-server apps; whether each remaining scope is needed is for the app owner to confirm.',
      },
      {
        id: 'configure-id-token',
        title: 'Configure the External Client App OAuth Settings: Configure ID Token',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: 'ID token lifetime, audiences and claims are not checked by any rule.',
      },
      {
        id: 'disable-client-credentials-flow',
        title: 'OAuth Flow Enablement: Disable Client Credentials Flow',
        source: REVIEW_ECAS,
        ruleIds: CLIENT_CREDENTIAL_RULES,
        coverage: 'partial',
        passOnPartial: true,
        note: 'The rules accept the flow when it runs as a dedicated API-only user without administrator permissions; they do not ask for it to be off.',
      },
      {
        id: 'authorization-code-and-credentials-flow',
        title: 'OAuth Flow Enablement: Enable Authorization Code and Credentials Flow',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: 'Whether the headless flow is appropriate depends on the app; no rule checks it.',
      },
      {
        id: 'jwt-bearer-flow',
        title: 'OAuth Flow Enablement: Enable JWT Bearer Flow',
        source: REVIEW_ECAS,
        ruleIds: ['jwt-certificate-expired', 'jwt-certificate-expiring', 'jwt-certificate-unreadable', 'jwt-certificate-weak-key'],
        coverage: 'partial',
        passOnPartial: true,
        note: 'The rules check the certificate of apps that use JWT bearer (expiry, key size, readability).',
      },
      {
        id: 'require-secret-web-server',
        title: 'Security: Require Secret for Web Server Flow',
        source: REVIEW_ECAS,
        ruleIds: ['consumer-secret-optional'],
        coverage: 'full',
      },
      {
        id: 'require-secret-refresh-token',
        title: 'Security: Require Secret for Refresh Token Flow',
        source: REVIEW_ECAS,
        ruleIds: ['refresh-token-secret-not-required'],
        coverage: 'full',
      },
      {
        id: 'require-pkce',
        title: 'Security: Require Proof Key for Code Exchange (PKCE)',
        source: REVIEW_ECAS,
        ruleIds: ['pkce-not-required'],
        coverage: 'full',
      },
      {
        id: 'refresh-token-rotation',
        title: 'Security: Enable Refresh Token Rotation',
        source: REVIEW_ECAS,
        ruleIds: ['public-client-refresh-token-not-rotated'],
        coverage: 'partial',
        note: 'The rule asks for rotation on public clients only (refresh tokens usable without the secret); confirm rotation on confidential clients by hand.',
      },
      {
        id: 'jwt-access-tokens-named-users',
        title: 'Security: Issue JSON Web Token (JWT)-Based Access Tokens for Named Users',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: `No rule checks the access-token format. ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'saml-policies',
        title: 'Web App: SAML Policy Enhancements, Single Logout, Signature Verification and Encrypted Responses',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: `No rule reads SAML settings. ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'mobile-screen-lock',
        title: 'Mobile App Settings: Mobile Screen Lock',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: `No rule reads mobile settings. ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'mobile-push-security',
        title: 'Push Notification Settings and Policies for Mobile: Mobile Push Security',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: `No rule reads push notification settings. ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'notification-settings',
        title: 'Notification Settings: Notification Settings for External Client Apps',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: `No rule reads notification settings. ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'custom-attribute-security',
        title: 'Configure OAuth Policies: Custom Attribute Security',
        source: REVIEW_ECAS,
        ruleIds: [],
        coverage: 'none',
        note: `No rule reads custom attributes. ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'client-credentials-flow-policy',
        title: 'Configure OAuth Policies: Configure Client Credentials Flow Policy',
        source: REVIEW_ECAS,
        ruleIds: CLIENT_CREDENTIAL_RULES,
        coverage: 'partial',
        passOnPartial: true,
        note: `The rules check the run-as user of the flow (set, API only, not an administrator). ${REVIEW_TRANSLATED}`,
      },
      {
        id: 'oauth-usage',
        title: 'Configure OAuth Policies: Manage External Client App OAuth Usage',
        source: REVIEW_ECAS,
        ruleIds: ['app-unused'],
        coverage: 'partial',
        passOnPartial: true,
        note: 'The rule needs token usage from the org; from source files alone it finds nothing.',
      },
    ],
  },
  {
    id: 'isv-oauth',
    title: 'OAuth requirements for partner apps (ISVforce Guide)',
    summary:
      "Salesforce's requirements for the Connected Apps and ECAs of partner applications, due May 11, 2026, plus the two further settings issue 15 names (UNCONFIRMED as requirements).",
    source: ISV,
    controls: [
      {
        id: 'isv-pkce',
        title: 'Proof Key for Code Exchange (due May 11, 2026)',
        source: ISV,
        ruleIds: ['pkce-not-required'],
        coverage: 'partial',
        note: 'The rule checks apps with the authorization code flow; partners must turn PKCE on for every app, so confirm it on the others by hand.',
      },
      {
        id: 'isv-refresh-token-rotation',
        title: 'Refresh Token Rotation (due May 11, 2026)',
        source: ISV,
        ruleIds: ['public-client-refresh-token-not-rotated'],
        coverage: 'partial',
        note: 'The rule asks for rotation on public clients only; partners must rotate on every app, so confirm it on confidential clients by hand.',
      },
      {
        id: 'isv-idle-refresh-token-ttl',
        title: '30-day idle refresh-token TTL (UNCONFIRMED as a requirement)',
        source: IDLE_TTL,
        ruleIds: ['refresh-token-never-expires', 'refresh-token-lifetime-too-long'],
        coverage: 'partial',
        passOnPartial: true,
        note: 'The rules fail refresh tokens that never expire or outlive the policy maximum (default 90 days); set maxRefreshTokenDays to 30 in the policy file to hold apps to 30 days.',
      },
      {
        id: 'isv-ip-allowlisting',
        title: 'IP allowlisting (UNCONFIRMED as a requirement)',
        source: OAUTH_POLICIES,
        ruleIds: ['ip-restrictions-relaxed'],
        coverage: 'full',
      },
    ],
  },
];

export const PACK_IDS: readonly string[] = PACKS.map((p) => p.id);

export function packById(id: string): CompliancePack | undefined {
  return PACKS.find((p) => p.id === id);
}

// ---------------------------------------------------------------------------------------------
// evaluation

function targetName(f: Finding): string {
  return f.target.type === 'app' && f.target.org !== undefined ? `${f.target.name} (${f.target.org})` : f.target.name;
}

function evidenceOf(f: Finding, waived?: WaivedFinding['waiver']): ControlEvidence {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    target: targetName(f),
    message: f.message,
    ...(waived === undefined ? {} : { waived: { reason: waived.reason, expires: waived.expires } }),
  };
}

/** The subjects (apps and orgs) at least one of the rules read. */
function checkedSubjects(subjects: readonly AuditedSubject[], ruleIds: ReadonlySet<string>): number {
  return subjects.filter((s) => s.rules.some((r) => ruleIds.has(r))).length;
}

export type PackInput = Pick<Evaluation, 'findings' | 'waived' | 'rules' | 'apps' | 'orgs'>;

export function evaluateControl(control: PackControl, evaluation: PackInput): ControlEvaluation {
  if (control.coverage === 'none' || control.ruleIds.length === 0) {
    return { control, status: 'not-assessed', note: control.note ?? 'No rule checks this control.', evidence: [] };
  }
  const enabled = new Set(evaluation.rules.map((r) => r.id));
  const ids = new Set(control.ruleIds.filter((id) => enabled.has(id)));
  if (ids.size === 0) {
    return { control, status: 'not-assessed', note: `Its rules (${control.ruleIds.join(', ')}) are disabled by the policy.`, evidence: [] };
  }
  const active = evaluation.findings.filter((f) => ids.has(f.ruleId)).map((f) => evidenceOf(f));
  const waived = evaluation.waived.filter((w) => ids.has(w.finding.ruleId)).map((w) => evidenceOf(w.finding, w.waiver));
  const evidence = [...active, ...waived];
  if (active.length > 0) return { control, status: 'fail', ...(control.note === undefined ? {} : { note: control.note }), evidence };
  if (checkedSubjects([...evaluation.apps, ...evaluation.orgs], ids) === 0) {
    return { control, status: 'not-assessed', note: 'No audited app or org came under its rules.', evidence };
  }
  if (control.coverage === 'partial' && !control.passOnPartial) {
    return { control, status: 'not-assessed', note: `No finding, but the check is partial. ${control.note ?? ''}`.trim(), evidence };
  }
  return { control, status: 'pass', ...(control.note === undefined ? {} : { note: control.note }), evidence };
}

/** Pass, fail or not assessed for every control of the pack, from one evaluate() result. */
export function evaluatePack(pack: CompliancePack, evaluation: PackInput): PackEvaluation {
  const controls = pack.controls.map((c) => evaluateControl(c, evaluation));
  const count = (s: ControlStatus): number => controls.filter((c) => c.status === s).length;
  return { pack, controls, passed: count('pass'), failed: count('fail'), notAssessed: count('not-assessed') };
}
