/**
 * What `sf eca doctor` knows about one app, one org and one pipeline user before any token is
 * asked for: the app as THE app reader (../app) read it, the org's facts (src/org/doctorFacts.ts
 * reads them at a constant cost), and, when the user gave credentials, the outcome of the token
 * check. Pure data: ./checks.ts judges it.
 */
import type { AppSettings } from '../app/index.js';
import type { UserFacts } from '../token/explain.js';
import type { TokenFlow } from '../token/flows.js';
import type { KeyCertificateMatch } from '../token/keys.js';

/** A user of the org, with what the token flows need of them. */
export type DoctorUser = UserFacts & {
  id?: string;
  /** "API Only User" from the profile or an assigned permission set */
  apiOnly?: boolean;
  /** "API Enabled" from the profile or an assigned permission set */
  apiEnabled?: boolean;
};

/** An ECA installed from a managed package: only the policies a subscriber controls are readable. */
export type InstalledApp = {
  id: string;
  name: string;
  label?: string;
  namespacePrefix?: string;
  permittedUsers?: string;
};

/** How the app was found in the org. */
export type AppFinding =
  | { kind: 'eca'; settings: AppSettings }
  | { kind: 'installed'; installed: InstalledApp }
  | { kind: 'connectedApp' }
  | { kind: 'missing'; available: readonly string[] };

/** Facts a check reads; one that could not be read makes the checks reading it ERROR, never PASS. */
export type FactName = 'isSandbox' | 'myDomain' | 'devHub' | 'settings' | 'appSavedAt' | 'users' | 'approval';

/** The final token check (token verify's operation), when credentials were given. */
export type TokenOutcome =
  | { outcome: 'verified'; username?: string; scopes: readonly string[]; proof: string; warnings: readonly string[] }
  | { outcome: 'refused'; message: string; actions: readonly string[]; cause?: string }
  | { outcome: 'error'; message: string; actions: readonly string[] };

export type DoctorFacts = {
  /** the org as the user typed it (alias or username): every fix names it so */
  org: string;
  orgId?: string;
  /** the stored instance URL, without a trailing slash */
  instanceUrl: string;
  isSandbox?: boolean;
  /** userinfo urls.custom_domain; null when the org has none */
  myDomainUrl?: string | null;
  isDevHub?: boolean;
  /** ExternalClientAppSettings as the retrieve returned them; undefined when not returned */
  settings?: { enableClientSecretInRestApiAccess?: boolean; enableConsumerSecretApiAccess?: boolean };
  app: AppFinding;
  /** the later of the app header's and its OAuth policies' LastModifiedDate */
  appSavedAt?: Date;
  /** --username */
  username?: string;
  user?: DoctorUser;
  /** the client-credentials run-as user */
  runAsUser?: DoctorUser;
  /** an OauthToken of --username for the app exists (the user approved a self-authorized app once) */
  approved?: boolean;
  /** --jwt-key-file, and its public key compared with the app's certificate */
  keyFile?: string;
  key?: KeyCertificateMatch;
  /** undefined: no credentials were given, so no token was asked for */
  token?: TokenOutcome;
  /** facts that could not be read, and why */
  unread: Partial<Record<FactName, string>>;
  now: Date;
};

export type DoctorOptions = {
  flow: TokenFlow;
};
