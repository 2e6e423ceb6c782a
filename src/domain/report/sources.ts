/**
 * The dated facts the migration report rests on, as data, each with the public source it was
 * checked against. A fact the sources did not confirm says so (`confirmed: false`) and the report
 * shows it as unconfirmed; it is never silently treated as settled.
 *
 * Checked in 2026 against stored copies of the pages below. When Salesforce moves a date, change
 * it here and in the test that pins it (test/unit/report/sources.test.ts).
 */

export type Source = {
  readonly url: string;
  readonly title: string;
  /** what the source says that we rely on, in our words */
  readonly says: string;
};

export type DeadlineId = 'connected-app-creation-blocked' | 'isv-oauth-requirements' | 'soap-login-retired' | 'oauth-username-password-deprecated';

/** How precise `date` is: the exact day, the month, or only the release is known; none: no date announced. */
export type DatePrecision = 'day' | 'month' | 'none';

export type Requirement = {
  readonly id: 'pkce' | 'refresh-token-rotation' | 'idle-refresh-token-ttl' | 'ip-allowlisting';
  readonly title: string;
  /** YYYY-MM-DD the requirement is due, when the source gives one */
  readonly due?: string;
  /** the source states it as a requirement */
  readonly confirmed: boolean;
  readonly note?: string;
};

export type Deadline = {
  readonly id: DeadlineId;
  readonly title: string;
  /** the Salesforce release, when the source names one */
  readonly release?: string;
  /** YYYY-MM-DD: the day the change takes effect (with `precision` month: the first of that month) */
  readonly date?: string;
  readonly precision: DatePrecision;
  /** who it binds */
  readonly audience: 'every org' | 'partners (AppExchange)';
  /** what stops working, or what can no longer be done */
  readonly effect: string;
  /** what to do about it */
  readonly action: string;
  /** every part of the datum is backed by a source */
  readonly confirmed: boolean;
  readonly note?: string;
  readonly requirements?: readonly Requirement[];
  readonly sources: readonly Source[];
};

const SOURCES = {
  noNewConnectedApps: {
    url: 'https://help.salesforce.com/s/articleView?id=005228017&type=1',
    title: "Salesforce Help 005228017: New Connected Apps Can No Longer Be Created in Spring '26",
    says: "From Spring '26 customers cannot create Connected Apps through the UI or APIs (Metadata API included) unless Support enables it; package installs still create them; existing Connected Apps keep working.",
  },
  isvRequirements: {
    url: 'https://developer.salesforce.com/docs/atlas.en-us.packagingGuide.meta/packagingGuide/secure_code_ac_eca.htm',
    title: 'ISVforce Guide: Secure Your Connected Apps and External Client Apps',
    says: 'Partners must enable PKCE and refresh token rotation on every Connected App and ECA used with a partner application in more than two customer production orgs; compliance due May 11, 2026 for both (page as collected 2026-04-07, API 67).',
  },
  idleTtl: {
    url: 'https://help.salesforce.com/s/articleView?id=xcloud.eca_limit_idle_refresh_token_ttl.htm&type=5',
    title: 'Salesforce Help: Limit the Idle Refresh Token TTL in External Client Apps',
    says: 'A developer setting caps the idle refresh-token TTL at 30 days (sliding window); presented as a recommended setting, not as a partner requirement with a due date.',
  },
  soapLogin: {
    url: 'https://help.salesforce.com/s/articleView?id=005132110&type=1',
    title: 'Salesforce Help 005132110: Platform SOAP API login() Retirement',
    says: "SOAP API login() in API 31.0-64.0 is retired with the Summer '27 release; it is not available from API 65.0; disabled by default in new orgs; from Summer '26 new orgs also need the Use Any API Auth permission. Updated April 30, 2026.",
  },
  soapLoginNotice: {
    url: 'https://vantagepoint.io/blog/sf/salesforce-soap-api-login-retirement-migration-guide-2027',
    title: 'Vantage Point (third party) on the April 21, 2026 Salesforce Product & Service Notification',
    says: 'Quotes the notification: SOAP API login() fully retired on June 1, 2027. Third-party; the Help article names only the release.',
  },
  usernamePassword: {
    url: 'https://help.salesforce.com/s/articleView?id=000886201&type=1',
    title: 'Salesforce Help 000886201: Migrate from OAuth Username-Password to Client Credentials Flow',
    says: 'Salesforce is deprecating the OAuth username-password flow and recommends client credentials or JWT bearer; no retirement date given (published March 31, 2026).',
  },
  blockFlows: {
    url: 'https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_disable_username_password_flow_ca.htm&type=5',
    title: 'Salesforce Help: Block Authorization Flows to Improve Security',
    says: "The username-password flow is blocked by default in orgs created in Summer '23 or later.",
  },
} as const satisfies Record<string, Source>;

export const DEADLINES: readonly Deadline[] = [
  {
    id: 'connected-app-creation-blocked',
    title: 'Connected App creation blocked',
    release: "Spring '26",
    date: '2026-02-01',
    precision: 'month',
    audience: 'every org',
    effect:
      'A local Connected App cannot be created again: not in a new org, not after it is deleted, not by a deploy (Metadata API). Running Connected Apps keep working.',
    action: 'Convert Connected Apps to External Client Apps (sf eca convert).',
    confirmed: true,
    note: "Help 005228017 names the release, not a day; Spring '26 reached production orgs in February 2026.",
    sources: [SOURCES.noNewConnectedApps],
  },
  {
    id: 'isv-oauth-requirements',
    title: 'OAuth requirements for partner apps',
    date: '2026-05-11',
    precision: 'day',
    audience: 'partners (AppExchange)',
    effect:
      'A partner application whose Connected Apps or ECAs lack the required settings may be de-listed or have its interoperation with Salesforce suspended.',
    action: 'Turn on PKCE and refresh-token rotation on the partner app (sf eca policy check --fix), and change the client to send code_verifier and keep the rotated refresh token.',
    confirmed: false,
    note: 'PKCE and refresh-token rotation are confirmed with a due date; the 30-day idle refresh-token TTL and IP allowlisting, named in issue 15, were not found as partner requirements in the published guide (UNCONFIRMED).',
    requirements: [
      { id: 'pkce', title: 'PKCE required', due: '2026-05-11', confirmed: true },
      { id: 'refresh-token-rotation', title: 'Refresh-token rotation', due: '2026-05-11', confirmed: true },
      {
        id: 'idle-refresh-token-ttl',
        title: '30-day idle refresh-token TTL',
        confirmed: false,
        note: 'UNCONFIRMED as a partner requirement; Help documents it as a recommended developer setting.',
      },
      { id: 'ip-allowlisting', title: 'IP allowlisting', confirmed: false, note: 'UNCONFIRMED: not in the published partner requirements.' },
    ],
    sources: [SOURCES.isvRequirements, SOURCES.idleTtl],
  },
  {
    id: 'soap-login-retired',
    title: 'SOAP API login() retired',
    release: "Summer '27",
    date: '2027-06-01',
    precision: 'month',
    audience: 'every org',
    effect: 'Every client that authenticates with SOAP API login() (username, password and security token) can no longer log in.',
    action: 'Give each integration an External Client App with the client credentials flow (sf eca create --template server-to-server) or JWT bearer (--template jwt-ci).',
    confirmed: true,
    note: "Help 005132110 gives the Summer '27 release; the dated notice (quoted by third parties) gives June 1, 2027.",
    sources: [SOURCES.soapLogin, SOURCES.soapLoginNotice],
  },
  {
    id: 'oauth-username-password-deprecated',
    title: 'OAuth username-password flow deprecated (not available to ECAs)',
    precision: 'none',
    audience: 'every org',
    effect:
      'External Client Apps do not support the username-password flow: the client stops working when its Connected App is converted. Orgs created since Summer \'23 block the flow by default.',
    action: 'Move the client to the client credentials or JWT bearer flow first, then convert the Connected App.',
    confirmed: true,
    note: 'No retirement date has been announced.',
    sources: [SOURCES.usernamePassword, SOURCES.blockFlows],
  },
];

export function deadlineById(id: DeadlineId): Deadline {
  const d = DEADLINES.find((x) => x.id === id);
  if (!d) throw new Error(`unknown deadline ${id}`);
  return d;
}

/** in force: the date has passed; upcoming: announced, in the future; undated: no date announced. */
export type DeadlineStatus = 'in force' | 'upcoming' | 'undated';

export function deadlineStatus(d: Pick<Deadline, 'date'>, now: Date): DeadlineStatus {
  if (d.date === undefined) return 'undated';
  return Date.parse(`${d.date}T00:00:00Z`) <= now.getTime() ? 'in force' : 'upcoming';
}

/** "June 2027", "May 11, 2026", or "no date announced". */
export function describeDate(d: Pick<Deadline, 'date' | 'precision' | 'release'>): string {
  if (d.date === undefined || d.precision === 'none') return d.release ?? 'no date announced';
  const date = new Date(`${d.date}T00:00:00Z`);
  const month = date.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  const text = d.precision === 'day' ? `${month} ${date.getUTCDate()}, ${date.getUTCFullYear()}` : `${month} ${date.getUTCFullYear()}`;
  return d.release ? `${d.release}, ${text}` : text;
}

// ---------------------------------------------------------------------------------------------
// LoginHistory: which rows are SOAP login() and which the OAuth username-password flow

/**
 * The LoginHistory values that identify the old ways of logging in. Salesforce documents
 * LoginType and LoginSubType as picklists; the labels below come from the Object Reference
 * (LoginEventLog lists each code with its label; LoginEvent lists ApiType values). Public SOQL
 * against LoginHistory filters on the labels ('Remote Access 2.0', 'Other Apex API').
 *
 * UNCONFIRMED: that LoginHistory.LoginSubType holds the label "OAuth Username-Password" rather
 * than the code "oauthpassword" (both are matched), and that every SOAP login() row carries a
 * SOAP ApiType. The org floor should keep LoginType, LoginSubType and ApiType in the report
 * input so a wrong guess shows in the data.
 */
export const LOGIN_VALUES = {
  /** LoginType of OAuth logins; such rows are never SOAP login() */
  oauthLoginTypes: ['Remote Access 2.0', 'Remote Access Client'],
  /** LoginType of API logins with a username and password (SOAP login(); Partner Product: a partner client id) */
  apiLoginTypes: ['Other Apex API', 'Partner Product'],
  /** ApiType values of the SOAP APIs (LoginEvent: "SOAP Enterprise", "SOAP Partner", "SOAP Internal/CrossInstance"; XML-RPC and OSOAP are older) */
  soapApiTypes: /^(soap\b|osoap$|xml-rpc$)/i,
  /** LoginSubType of the OAuth username-password flow: label and code */
  usernamePasswordSubTypes: ['OAuth Username-Password', 'oauthpassword'],
  sources: [
    {
      url: 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/api/sforce_api_objects_loginhistory.htm',
      title: 'Object Reference: LoginHistory',
      says: 'ApiType (e.g. Soap Enterprise), Application, LoginType and LoginSubType (picklists), LoginTime, Status, UserId; readable with Manage Users or Monitor Login History.',
    },
    {
      url: 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_logineventlog.htm',
      title: 'Object Reference: LoginEventLog',
      says: 'LoginType codes and labels (i: Remote Access 2.0, 6: Remote Access Client, I: Other Apex API, R: Partner Product, ...); LoginSubType oauthpassword: OAuth Username-Password. (Read from a copy of the API 67 page.)',
    },
    {
      url: 'https://developer.salesforce.com/docs/atlas.en-us.220.0.platform_events.meta/platform_events/sforce_api_objects_loginevent.htm',
      title: 'Platform Events Developer Guide: LoginEvent',
      says: 'ApiType values include XML-RPC, OSOAP, SOAP Enterprise, SOAP Partner, SOAP Internal/CrossInstance, REST API, Metadata API, N/A.',
    },
  ] satisfies Source[],
} as const;

export type LegacyLogin = 'soap-login' | 'oauth-username-password';

/** The fields of a LoginHistory row (or group of rows) that tell how the user logged in. */
export type LoginKind = {
  readonly loginType?: string;
  readonly loginSubType?: string;
  readonly apiType?: string;
};

const lower = (values: readonly string[]): Set<string> => new Set(values.map((v) => v.toLowerCase()));
const OAUTH_TYPES = lower(LOGIN_VALUES.oauthLoginTypes);
const API_TYPES = lower(LOGIN_VALUES.apiLoginTypes);
const UP_SUBTYPES = lower(LOGIN_VALUES.usernamePasswordSubTypes);

/** Which retiring login method a row shows, or undefined for any other login. */
export function classifyLogin(row: LoginKind): LegacyLogin | undefined {
  const type = row.loginType?.trim().toLowerCase();
  if (row.loginSubType !== undefined && UP_SUBTYPES.has(row.loginSubType.trim().toLowerCase())) return 'oauth-username-password';
  if (type !== undefined && OAUTH_TYPES.has(type)) return undefined;
  const soapApi = row.apiType !== undefined && LOGIN_VALUES.soapApiTypes.test(row.apiType.trim());
  if ((type !== undefined && API_TYPES.has(type)) || soapApi) return 'soap-login';
  return undefined;
}
