/**
 * The data of `sf eca report`: what the org floor reads for each org (the *inputs*, mirroring
 * what `list`, `convert` and `policy check` already compute, so the report's numbers come from the
 * same functions), and what the report holds (`ReportData`, also written as report.json and
 * described by schemas/eca-report.json).
 *
 * No secret or token has a field here. Free text from client orgs (names, labels, descriptions,
 * finding messages) is carried as text; renderers escape it.
 *
 * Where each input of an org comes from (the org floor; none of it costs a request per app):
 * - apps, audited, conversions: one retrieve of every ECA type, ConnectedApp:* and
 *   Settings:ExternalClientApp (org/apps.ts readOrgApps); installed ECAs (readInstalledEcas, two
 *   queries); `SELECT Name FROM ConnectedApplication` (Connected Apps a retrieve leaves out:
 *   installed from packages); permission set names for convert (`PermissionSet`, one query);
 *   publishers (Tooling `InstalledSubscriberPackage`, one query).
 * - audited facts: run-as users (org/facts.ts readRunAsUsers, two queries), org settings (same
 *   retrieve), token usage (readTokenUsage, one query on OauthToken).
 * - usage: the same OauthToken query (add UseCount to it for `useCount`).
 * - logins: LoginHistory of the window, grouped by Application, LoginType, LoginSubType, ApiType
 *   and UserId (one query; or raw rows through usage.ts groupLoginRows), and the usernames of
 *   those user ids (one User query).
 * - secrets: no bulk source is known; leave it out and the report says secret age was not checked.
 */
import type { AuditedApp } from '../policy/app.js';
import type { Evaluation } from '../policy/evaluate.js';
import type { Severity } from '../policy/rules.js';
import type { ConversionResult } from '../convert/convert.js';
import type { DatePrecision, DeadlineId, DeadlineStatus, LegacyLogin, Source } from './sources.js';

// =============================================================================================
// inputs: what the org floor provides for one org

export type OrgIdentity = {
  /** alias, else username, as the user named the org */
  alias: string;
  username?: string;
  /** 00D... */
  orgId?: string;
  instanceUrl?: string;
  isSandbox?: boolean;
};

/** One app as `sf eca list` shows it (the command's AppRow), plus what list does not read yet. */
export type InventoryApp = {
  name: string;
  label?: string;
  kind: 'ExternalClientApp' | 'ConnectedApp';
  id?: string;
  distributionState?: string;
  namespacePrefix?: string;
  manageableState?: string;
  permittedUsers?: string;
  refreshTokenPolicy?: string;
  ipRelaxation?: string;
  flows: string[];
  description?: string;
  /** the package's publisher, for apps installed from a package (InstalledSubscriberPackage) */
  publisher?: string;
};

/** What convert did, or would do, with one Connected App of the org (convert's readOrg + convertConnectedApp). */
export type ConversionInput = {
  /** the Connected App's full name */
  name: string;
  label?: string;
  /** convert skipped it: installed from a package, or an ECA of that name exists */
  skipped?: 'installed' | 'converted';
  /** convertConnectedApp()'s result; only status, report, notices and problems are read */
  result?: Pick<ConversionResult, 'status' | 'report' | 'notices' | 'problems'>;
};

/** OAuth token usage of one app (OauthToken rows grouped by AppName, as org/facts.ts readTokenUsage does). */
export type AppUsage = {
  /** OauthToken.AppName: the app's label (or name) */
  app: string;
  tokens: number;
  users: number;
  /** ISO 8601, the latest LastUsedDate */
  lastUsed?: string;
  /** sum of OauthToken.UseCount, when read */
  useCount?: number;
};

/** LoginHistory rows of one application, user and login method in the window, grouped. */
export type LoginSummary = {
  /** LoginHistory.Application (a Connected App's label, "Data Loader", ...) */
  application: string;
  userId: string;
  username?: string;
  loginType?: string;
  loginSubType?: string;
  apiType?: string;
  apiVersion?: string;
  /** successful logins in the window */
  logins: number;
  /** ISO 8601 */
  lastLogin: string;
};

/** When an app's consumer secret was issued, where the org says so. */
export type SecretFacts = {
  app: string;
  kind: 'eca' | 'connectedApp';
  /** ISO 8601 */
  issued: string;
};

export type OrgInput = {
  org: OrgIdentity;
  /** ISO 8601, when the org was read */
  readAt: string;
  apiVersion?: string;
  /** round trips the org floor made for this org (constant in the number of apps) */
  requests?: number;
  /** `sf eca list`'s rows */
  apps: InventoryApp[];
  /** policy check's normalised apps, with the org's facts (run-as users, settings, token usage) */
  audited: AuditedApp[];
  /** policy check's evaluate(audited, policy, now) */
  evaluation: Evaluation;
  /** convert's view of every Connected App */
  conversions: ConversionInput[];
  usage: AppUsage[];
  /** LoginHistory of the last `windowDays` days */
  logins: LoginSummary[];
  /** absent: the org did not say when secrets were issued */
  secrets?: SecretFacts[];
  /** what the org floor could read only in part (LoginHistory limited to the user's own logins, truncated, ...), in words */
  notes?: string[];
};

/** An org that could not be read: the report says why and goes on with the others. */
export type OrgFailure = {
  org: OrgIdentity;
  error: OrgError;
};

export type OrgError = {
  /** the error's name (e.g. NoAuthInfoFound, INVALID_SESSION_ID) */
  name: string;
  message: string;
  actions?: string[];
};

// =============================================================================================
// the report

export type AppKind = 'eca' | 'connectedApp';

export type SeverityCounts = {
  critical: number;
  high: number;
  medium: number;
  low: number;
  total: number;
  waived: number;
};

export type DeadlineView = {
  id: DeadlineId;
  title: string;
  release?: string;
  /** YYYY-MM-DD */
  date?: string;
  precision: DatePrecision;
  /** "June 2027", "May 11, 2026", "no date announced" */
  when: string;
  status: DeadlineStatus;
  audience: string;
  effect: string;
  action: string;
  confirmed: boolean;
  note?: string;
  requirements?: Array<{ id: string; title: string; due?: string; confirmed: boolean; note?: string }>;
  sources: Source[];
};

export type InventoryAppView = {
  name: string;
  label?: string;
  kind: AppKind;
  distributionState?: string;
  /** installed from a package (not editable here) or local to the org */
  origin: 'installed' | 'local';
  namespacePrefix?: string;
  publisher?: string;
  flows: string[];
  description?: string;
};

export type Inventory = {
  ecas: number;
  connectedApps: number;
  installed: number;
  local: number;
  byDistribution: Array<{ state: string; count: number }>;
  vendors: Array<{ namespacePrefix: string; publisher?: string; apps: string[] }>;
  apps: InventoryAppView[];
};

export type ReadinessCategory = 'eligible' | 'attention' | 'not-convertible' | 'converted';

export type ReadinessReason = {
  /** username-password-flow, installed, mobile, canvas, invalid-result, an attention field path, a notice code, ... */
  code: string;
  message: string;
};

export type ReadinessEntry = {
  name: string;
  label?: string;
  category: ReadinessCategory;
  reasons: ReadinessReason[];
  usage?: UsageView;
};

export type Readiness = {
  eligible: number;
  attention: number;
  notConvertible: number;
  converted: number;
  /** Connected Apps in the org */
  total: number;
  apps: ReadinessEntry[];
  /** converts every eligible app */
  command?: string;
  /** converts the apps that need attention, once a person has looked at them */
  attentionCommand?: string;
};

export type UsageView = {
  /** successful logins in the window (LoginHistory) */
  logins: number;
  users: number;
  tokens: number;
  /** ISO 8601: the latest login or token use */
  lastUsed?: string;
};

export type WillBreakSubject =
  | { type: 'app'; kind: AppKind; name: string; label?: string }
  | { type: 'login'; application: string; user: string; method: LegacyLogin; loginType?: string; apiType?: string };

export type WillBreakEntry = {
  deadline: DeadlineId;
  deadlineTitle: string;
  /** "June 2027" */
  when: string;
  date?: string;
  subject: WillBreakSubject;
  /** why it breaks, in words */
  why: string;
  usage: UsageView;
  remedy: { summary: string; command: string };
};

export type FindingView = {
  ruleId: string;
  title: string;
  severity: Severity;
  message: string;
  /** app (or org, or policy file) name */
  target: string;
  kind: 'eca' | 'connectedApp' | 'org' | 'config';
  field?: string;
  remediation: string;
  /** present when a waiver holds the finding */
  waiver?: { reason: string; expires: string };
};

export type FindingsSection = {
  summary: SeverityCounts;
  byRule: Array<{ ruleId: string; title: string; severity: Severity; count: number; waived: number }>;
  /** active findings, most severe first */
  items: FindingView[];
  waived: FindingView[];
};

export type Hygiene = {
  /** client-credentials run-as users that several apps share */
  sharedRunAsUsers: Array<{ user: string; apps: string[] }>;
  secrets: {
    /** false: the org did not say when secrets were issued */
    assessed: boolean;
    note?: string;
    maxAgeDays: number;
    stale: Array<{ app: string; kind: AppKind; issued: string; ageDays: number }>;
  };
  /** apps with a least-privilege finding (Full scope, RefreshToken on server-to-server apps) */
  overScoped: Array<{ app: string; kind: AppKind; ruleIds: string[]; messages: string[] }>;
};

export type ControlStatus = 'pass' | 'fail' | 'not-assessed';

export type ControlResult = {
  id: string;
  title: string;
  status: ControlStatus;
  /** why it is not assessed, or what the rules do not cover */
  note?: string;
  ruleIds: string[];
  source: Source;
  evidence: Array<{ ruleId: string; target: string; message: string; severity: Severity; waived?: { reason: string; expires: string } }>;
};

export type PackResult = {
  id: string;
  title: string;
  source: Source;
  passed: number;
  failed: number;
  notAssessed: number;
  controls: ControlResult[];
};

export type OrgReportOk = {
  status: 'ok';
  org: OrgIdentity;
  readAt: string;
  apiVersion?: string;
  requests?: number;
  inventory: Inventory;
  readiness: Readiness;
  willBreak: WillBreakEntry[];
  findings: FindingsSection;
  hygiene: Hygiene;
  packs: PackResult[];
  /** what could be read only in part, in words: the numbers above may undercount */
  notes?: string[];
};

export type OrgReportError = {
  status: 'error';
  org: OrgIdentity;
  error: OrgError;
};

export type OrgReport = OrgReportOk | OrgReportError;

export type Totals = {
  orgs: { total: number; read: number; failed: number };
  apps: { ecas: number; connectedApps: number; installed: number };
  readiness: { eligible: number; attention: number; notConvertible: number; converted: number; total: number };
  willBreak: { total: number; byDeadline: Array<{ deadline: DeadlineId; count: number; logins: number }> };
  findings: SeverityCounts;
  sharedRunAsUsers: number;
};

export type BaselineChange = {
  org: string;
  /** app, rule and target, in words */
  what: string;
  ruleId?: string;
  severity?: Severity;
};

export type BaselineComparison = {
  baselineGeneratedAt: string;
  /** Connected Apps converted since (now converted, or gone while an ECA of the name exists) */
  converted: BaselineChange[];
  findingsFixed: BaselineChange[];
  newFindings: BaselineChange[];
  newWillBreak: BaselineChange[];
  resolvedWillBreak: BaselineChange[];
  orgsAdded: string[];
  orgsRemoved: string[];
  before: Totals;
  /** when the two reports mask users differently, user-keyed changes cannot be matched */
  note?: string;
};

export type ReportData = {
  schemaVersion: 1;
  /** ISO 8601 */
  generatedAt: string;
  tool: { name: string; version: string; command?: string };
  options: {
    /** N in "used in the last N days" */
    windowDays: number;
    maskUsers: boolean;
    packs: string[];
    policyFile?: string;
  };
  deadlines: DeadlineView[];
  totals: Totals;
  orgs: OrgReport[];
  baseline?: BaselineComparison;
};
