/**
 * The mapping file of `sf eca migrate`: what changes per target org (run-as users, profiles,
 * permission sets, URLs, certificates, labels). JSON or YAML; the command parses it and the
 * schema checks it; this module words its problems and resolves it for one target.
 *
 * ```json
 * {
 *   "$schema": "./schemas/eca-migrate-mapping.json",
 *   "default": { "urlPrefixes": { "https://dev.acme.example": "https://acme.example" } },
 *   "targets": {
 *     "prod": {
 *       "users": { "int@dev.acme": "int@acme" },
 *       "profiles": { "Dev Integration": "Integration" },
 *       "permissionSets": { "Acme_API_Dev": "Acme_API" },
 *       "callbackUrls": { "http://localhost:1717/OauthRedirect": null },
 *       "apps": { "Acme_CI": { "certificate": "certs/prod.crt", "label": "Acme CI", "contactEmail": "ops@acme.example" } }
 *     }
 *   }
 * }
 * ```
 *
 * - `default` applies to every target; a target's section (keyed by org alias or username) adds
 *   to it and wins entry by entry.
 * - `users`, `profiles`, `permissionSets`: source name -> target name, compared without case as
 *   Salesforce does. Each value is mapped once (no chains).
 * - `callbackUrls`: exact callback URL -> URL, or null to drop it in that target.
 * - `urlPrefixes`: rewrites the beginning of every URL field of the app (callback URLs, start,
 *   logout, canvas, SAML, info URLs); the longest matching prefix wins, and a prefix matches
 *   only at a boundary ("https://a.example" rewrites "https://a.example/cb", never
 *   "https://a.example.org"). An exact `callbackUrls` entry wins over prefixes.
 * - `apps`: per app developer name: `certificate` (a file path, read by the command relative to
 *   the mapping file, or the PEM text itself), `label`, `contactEmail`.
 *
 * The JSON Schema is schemas/eca-migrate-mapping.json, checked by src/shared/jsonSchema.ts (ajv);
 * mappingFileErrors() says what it refused precisely, with the reasons below, and adds what a
 * schema cannot say: names that differ only in case are duplicates.
 */
import { allowedProperties, type DocumentError, formatDocumentError, pointer, type SchemaIssue, typeName, typeWords, uniqueErrors } from '../schemaIssues.js';
import { developerNameProblem } from '../validate.js';
import { type AppSettingName } from './fields.js';
import { compareText, didYouMean, sameName } from './text.js';

export { pointer };

// ---------------------------------------------------------------------------------------------
// the file

export type NameMap = Readonly<Record<string, string>>;

export type AppSettings = {
  /** a certificate file (path relative to the mapping file) or the PEM text */
  readonly certificate?: string;
  readonly label?: string;
  readonly contactEmail?: string;
};

export type MappingSection = {
  readonly users?: NameMap;
  readonly profiles?: NameMap;
  readonly permissionSets?: NameMap;
  /** null drops the callback URL in the target */
  readonly callbackUrls?: Readonly<Record<string, string | null>>;
  readonly urlPrefixes?: NameMap;
  readonly apps?: Readonly<Record<string, AppSettings>>;
};

export type MigrationMapping = {
  readonly $schema?: string;
  readonly default?: MappingSection;
  /** keyed by org alias or username */
  readonly targets?: Readonly<Record<string, MappingSection>>;
};

export type SectionKey = keyof MappingSection;
export type AppSettingKey = keyof AppSettings;

export const APP_SETTING_KEYS: readonly AppSettingKey[] = ['certificate', 'label', 'contactEmail'];

// The patterns the JSON Schema uses too (a unit test compares them).
export const USERNAME_PATTERN = /^[^\s@]+@[^\s@]+$/;
export const USERNAME_MAX_LENGTH = 80;
/** A contact email: written like a username (name@domain), as Salesforce usernames are. */
export const EMAIL_PATTERN = USERNAME_PATTERN;
export const PROFILE_NAME_PATTERN = /^[^\s,](?:[^,\r\n]*[^\s,])?$/;
/** A permission set API name, with an optional namespace prefix ("ns__Name"). */
export const API_NAME_PATTERN =
  /^(?:(?=[A-Za-z0-9_]{1,15}__)[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__)?(?=[A-Za-z0-9_]{1,80}$)[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;
export const NAMESPACE_MAX_LENGTH = 15;
export const URL_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
export const TARGET_KEY_PATTERN = /^\S+$/;
export const NOT_BLANK_PATTERN = /\S/;
export const PRIVATE_KEY_PATTERN = /PRIVATE KEY-----/;

// ---------------------------------------------------------------------------------------------
// what is wrong in a mapping file, in words

/** One problem; `path` is a JSON Pointer into the document ("" is the whole document). */
export type MappingError = DocumentError;

export type MappingValidation =
  | { readonly ok: true; readonly mapping: MigrationMapping }
  | { readonly ok: false; readonly errors: readonly MappingError[] };

/** Why a name or value is refused ("is not a username: ..."), or undefined when it is not: the schema says whether, this says why. */
type Check = (value: string) => string | undefined;

type NameKind = {
  /** "user": for "maps the same user as" */
  readonly noun: string;
  readonly check: Check;
  /** Salesforce compares these names without case */
  readonly caseInsensitive: boolean;
};

function checkUsername(value: string): string | undefined {
  const length = [...value].length;
  if (length > USERNAME_MAX_LENGTH) return `is ${length} characters long; a username has at most ${USERNAME_MAX_LENGTH}`;
  if (!USERNAME_PATTERN.test(value)) return 'is not a username: Salesforce usernames are written like email addresses (name@domain), without spaces';
  return undefined;
}

function checkProfileName(value: string): string | undefined {
  if (value.trim().length === 0) return 'is empty';
  if (value.includes(',')) return 'holds a comma: commaSeparatedProfile separates profile names with commas, so a name cannot contain one';
  if (/[\r\n]/.test(value)) return 'holds a line break';
  if (!PROFILE_NAME_PATTERN.test(value)) return 'begins or ends with a space';
  return undefined;
}

function checkApiName(value: string): string | undefined {
  const parts = value.split('__');
  if (parts.length > 2) return 'is not a permission set API name: two consecutive underscores may only follow a namespace prefix';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const ns = parts[0];
    const nsWhy = ns.length > NAMESPACE_MAX_LENGTH ? `it has ${ns.length} characters; the limit is ${NAMESPACE_MAX_LENGTH}` : developerNameProblem(ns);
    if (nsWhy) return `is not a permission set API name: its namespace prefix "${ns}" is invalid: ${nsWhy}`;
  }
  const why = developerNameProblem(name);
  return why ? `is not a permission set API name (labels are not accepted): ${why}` : undefined;
}

function checkDeveloperName(value: string): string | undefined {
  const why = developerNameProblem(value);
  return why ? `is not an app developer name: ${why}` : undefined;
}

function checkUrl(value: string): string | undefined {
  if (/\s/.test(value)) return 'holds a space or a line break: URLs are written one a line, without spaces';
  if (!URL_PATTERN.test(value)) return 'is not an absolute URL: write it with its scheme, as in https://acme.example/callback';
  return undefined;
}

function checkNotBlank(value: string): string | undefined {
  return NOT_BLANK_PATTERN.test(value) ? undefined : 'is empty';
}

function checkCertificate(value: string): string | undefined {
  if (!NOT_BLANK_PATTERN.test(value)) return 'is empty';
  if (PRIVATE_KEY_PATTERN.test(value)) return 'is a private key: give the certificate (public part) only; the private key never goes into an app';
  return undefined;
}

const NAME_KINDS = {
  user: { noun: 'user', check: checkUsername, caseInsensitive: true },
  profile: { noun: 'profile', check: checkProfileName, caseInsensitive: true },
  permissionSet: { noun: 'permission set', check: checkApiName, caseInsensitive: true },
  url: { noun: 'URL', check: checkUrl, caseInsensitive: false },
  app: { noun: 'app', check: checkDeveloperName, caseInsensitive: true },
} as const satisfies Readonly<Record<string, NameKind>>;

/** The name maps of a section and the kind of name each maps. */
const NAME_MAPS: ReadonlyArray<{ key: Exclude<SectionKey, 'apps'>; kind: NameKind }> = [
  { key: 'users', kind: NAME_KINDS.user },
  { key: 'profiles', kind: NAME_KINDS.profile },
  { key: 'permissionSets', kind: NAME_KINDS.permissionSet },
  { key: 'callbackUrls', kind: NAME_KINDS.url },
  { key: 'urlPrefixes', kind: NAME_KINDS.url },
];

const APP_SETTING_CHECKS: Readonly<Record<AppSettingKey, Check>> = {
  certificate: checkCertificate,
  label: checkNotBlank,
  contactEmail: (v) => (EMAIL_PATTERN.test(v) ? undefined : 'is not an email address (name@domain)'),
};

/** Where the schema of the mapping file (schemas/eca-migrate-mapping.json) keeps each kind of name. */
const NAME_AT: Readonly<Record<string, NameKind>> = {
  '/definitions/username': NAME_KINDS.user,
  '/definitions/profileName': NAME_KINDS.profile,
  '/definitions/permissionSetName': NAME_KINDS.permissionSet,
  '/definitions/url': NAME_KINDS.url,
  '/definitions/appName': NAME_KINDS.app,
};
const TARGET_KEY_AT = '/properties/targets/propertyNames';
const APP_SETTING_AT = '/definitions/appSettings/properties/';
const NULLABLE_URL_AT = '/definitions/section/properties/callbackUrls/additionalProperties';
/** What a container must be, by where the schema defines it. */
const CONTAINER_AT: Readonly<Record<string, string>> = {
  '/definitions/section': 'an object',
  '/definitions/section/properties/users': 'an object of user mappings',
  '/definitions/section/properties/profiles': 'an object of profile mappings',
  '/definitions/section/properties/permissionSets': 'an object of permission set mappings',
  '/definitions/section/properties/callbackUrls': 'an object of URL mappings',
  '/definitions/section/properties/urlPrefixes': 'an object of URL mappings',
  '/definitions/section/properties/apps': 'an object keyed by app developer name',
  '/definitions/appSettings': 'an object of settings',
  '/properties/targets': 'an object keyed by org alias or username',
};

function refused(kind: NameKind | undefined, value: string): string {
  return (kind ? kind.check(value) : undefined) ?? 'is not written as the schema asks';
}

/** One schema issue in words; issues of a value the schema admits in two forms (anyOf) become one. */
function mappingIssueWords(i: SchemaIssue, all: readonly SchemaIssue[]): MappingError | undefined {
  if (i.keyword === 'propertyNames') return undefined; // the refused name is its own issue
  if (i.key !== undefined) {
    if (i.at === TARGET_KEY_AT) return { path: i.path, message: `"${i.key}" is not an org alias or username: it is empty or holds a space` };
    return { path: i.path, message: `"${i.key}" ${refused(NAME_AT[i.at], i.key)}` };
  }
  const either = all.find((x) => x.keyword === 'anyOf' && x.path === i.path && x.key === undefined);
  if (either && i !== either) return undefined;
  if (i.at === NULLABLE_URL_AT) {
    return typeof i.value === 'string'
      ? { path: i.path, message: `maps to "${i.value}", which ${refused(NAME_KINDS.url, i.value)}` }
      : { path: i.path, message: `must be a string or null, not ${typeName(i.value)}` };
  }
  if (i.at.startsWith(APP_SETTING_AT)) {
    const setting = i.at.slice(APP_SETTING_AT.length) as AppSettingKey;
    return typeof i.value === 'string'
      ? { path: i.path, message: `"${i.value}" ${APP_SETTING_CHECKS[setting]?.(i.value) ?? 'is not valid'}` }
      : { path: i.path, message: `must be a string, not ${typeName(i.value)}` };
  }
  const kind = NAME_AT[i.at];
  if (kind) {
    return typeof i.value === 'string'
      ? { path: i.path, message: `maps to "${i.value}", which ${refused(kind, i.value)}` }
      : { path: i.path, message: `must be a string, not ${typeName(i.value)}` };
  }
  switch (i.keyword) {
    case 'type':
      if (i.path === '') return { path: '', message: `the mapping must be an object, not ${typeName(i.value)}` };
      return { path: i.path, message: `must be ${CONTAINER_AT[i.at] ?? typeWords(i.params.type)}, not ${typeName(i.value)}` };
    case 'additionalProperties': {
      const key = String(i.params.additionalProperty);
      const allowed = allowedProperties(i.rule);
      return { path: pointer(i.path, key), message: `unknown property "${key}"${didYouMean(key, allowed)} (allowed: ${allowed.join(', ')})` };
    }
    default:
      return { path: i.path, message: `is not valid (${i.keyword})` };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys that repeat an earlier one but for case: Salesforce compares these names without case. */
function caseDuplicates(path: string, value: unknown, noun: string): MappingError[] {
  if (!isObject(value)) return [];
  const seen = new Map<string, string>();
  const out: MappingError[] = [];
  for (const key of Object.keys(value)) {
    const first = seen.get(key.toLowerCase());
    if (first === undefined) seen.set(key.toLowerCase(), key);
    else out.push({ path: pointer(path, key), message: `maps the same ${noun} as "${first}": ${noun} names are not case-sensitive` });
  }
  return out;
}

/** What JSON Schema cannot say: two names that differ only in case are one name for Salesforce. */
function duplicateNames(doc: unknown): MappingError[] {
  if (!isObject(doc)) return [];
  const sections: Array<[string, unknown]> = [['/default', doc.default]];
  const out: MappingError[] = [];
  if (isObject(doc.targets)) {
    const usernames = new Map<string, string>();
    for (const [key, section] of Object.entries(doc.targets)) {
      sections.push([pointer('/targets', key), section]);
      if (!key.includes('@')) continue;
      const first = usernames.get(key.toLowerCase());
      if (first === undefined) usernames.set(key.toLowerCase(), key);
      else out.push({ path: pointer('/targets', key), message: `names the same org as "${first}": usernames are not case-sensitive` });
    }
  }
  for (const [path, section] of sections) {
    if (!isObject(section)) continue;
    for (const { key, kind } of NAME_MAPS) if (kind.caseInsensitive) out.push(...caseDuplicates(pointer(path, key), section[key], kind.noun));
    out.push(...caseDuplicates(pointer(path, 'apps'), section.apps, NAME_KINDS.app.noun));
  }
  return out;
}

/** The problems in a mapping file: those its schema found, in words, and the duplicate names it cannot see. */
export function mappingFileErrors(issues: readonly SchemaIssue[], doc: unknown): MappingError[] {
  return uniqueErrors([...issues.map((i) => mappingIssueWords(i, issues)).filter((e): e is MappingError => e !== undefined), ...duplicateNames(doc)]);
}

/** "/targets/prod/users/int@: \"int@\" is not a username: ..." */
export function formatMappingError(e: MappingError): string {
  return formatDocumentError(e);
}

// ---------------------------------------------------------------------------------------------
// resolution for one target

/** One mapping that applies; `source` is the JSON Pointer of its map: "/targets/prod/users". */
export type MappingEntry = { readonly from: string; readonly to: string; readonly source: string };
/** A callback URL mapping; `to` null drops the URL. */
export type UrlEntry = { readonly from: string; readonly to: string | null; readonly source: string };
/** One setting of one app: its label, contact email or certificate. */
export type AppSetting = {
  readonly app: string;
  readonly name: AppSettingName | 'certificate';
  readonly value: string;
  readonly source: string;
};

/** The mapping for one target org: `default` merged with the target's section, plain data. */
export type ResolvedMapping = {
  /** the `targets` key that matched, undefined when only `default` applies */
  readonly target?: string;
  readonly users: readonly MappingEntry[];
  readonly profiles: readonly MappingEntry[];
  readonly permissionSets: readonly MappingEntry[];
  readonly callbackUrls: readonly UrlEntry[];
  /** longest `from` first: the order to try them in */
  readonly urlPrefixes: readonly MappingEntry[];
  readonly apps: readonly AppSetting[];
};

export const EMPTY_MAPPING: ResolvedMapping = { users: [], profiles: [], permissionSets: [], callbackUrls: [], urlPrefixes: [], apps: [] };

/** The org a migration deploys to: a key of `targets`, or its username and aliases. */
export type TargetRef = string | { readonly username: string; readonly aliases?: readonly string[] };

/** Two sections of `targets` name the same org (by alias and by username, say). */
export class AmbiguousTargetError extends Error {
  public constructor(public readonly sections: readonly string[]) {
    super(`The mapping has sections for the same org under ${sections.map((s) => `"${s}"`).join(' and ')}; keep one.`);
    this.name = 'AmbiguousTargetError';
  }
}

function sectionMatches(key: string, target: TargetRef): boolean {
  if (typeof target === 'string') return key === target || (target.includes('@') && sameName(key, target));
  return sameName(key, target.username) || (target.aliases ?? []).includes(key);
}

type Keyed = { readonly from: string };

/** Default entries, then the target's: an entry replaces an earlier one with the same `from`. */
function mergeEntries<E extends Keyed>(base: readonly E[], over: readonly E[], caseInsensitive: boolean): E[] {
  const same = (a: string, b: string): boolean => (caseInsensitive ? sameName(a, b) : a === b);
  return [...base.filter((b) => !over.some((o) => same(o.from, b.from))), ...over];
}

function entriesOf<T extends string | null>(map: Readonly<Record<string, T>> | undefined, source: string): Array<{ from: string; to: T; source: string }> {
  return Object.entries(map ?? {}).map(([from, to]) => ({ from, to, source }));
}

function appSettingsOf(section: MappingSection | undefined, source: string): AppSetting[] {
  return Object.entries(section?.apps ?? {}).flatMap(([app, settings]) =>
    APP_SETTING_KEYS.flatMap((name) => {
      const value = settings[name];
      return value === undefined ? [] : [{ app, name, value, source: pointer(pointer(source, 'apps'), app) }];
    })
  );
}

function mergeAppSettings(base: readonly AppSetting[], over: readonly AppSetting[]): AppSetting[] {
  return [...base.filter((b) => !over.some((o) => o.name === b.name && sameName(o.app, b.app))), ...over];
}

function sectionMapping(section: MappingSection | undefined, source: string): Omit<ResolvedMapping, 'target'> {
  return {
    users: entriesOf(section?.users, pointer(source, 'users')),
    profiles: entriesOf(section?.profiles, pointer(source, 'profiles')),
    permissionSets: entriesOf(section?.permissionSets, pointer(source, 'permissionSets')),
    callbackUrls: entriesOf(section?.callbackUrls, pointer(source, 'callbackUrls')),
    urlPrefixes: entriesOf(section?.urlPrefixes, pointer(source, 'urlPrefixes')),
    apps: appSettingsOf(section, source),
  };
}

/**
 * The mapping for one target: `default`, overridden entry by entry by the section whose key is
 * the target's alias or username (usernames compared without case). Throws AmbiguousTargetError
 * when two sections name the target. Pass a mapping validateMapping accepted.
 */
export function resolveMapping(mapping: MigrationMapping | undefined, target: TargetRef): ResolvedMapping {
  const keys = Object.keys(mapping?.targets ?? {}).filter((k) => sectionMatches(k, target));
  if (keys.length > 1) throw new AmbiguousTargetError(keys);
  const key = keys[0];
  const base = sectionMapping(mapping?.default, '/default');
  const over = sectionMapping(key === undefined ? undefined : mapping?.targets?.[key], pointer('/targets', key ?? ''));
  return {
    ...(key === undefined ? {} : { target: key }),
    users: mergeEntries(base.users, over.users, true),
    profiles: mergeEntries(base.profiles, over.profiles, true),
    permissionSets: mergeEntries(base.permissionSets, over.permissionSets, true),
    callbackUrls: mergeEntries(base.callbackUrls, over.callbackUrls, false),
    urlPrefixes: mergeEntries(base.urlPrefixes, over.urlPrefixes, false).sort((a, b) => b.from.length - a.from.length || compareText(a.from, b.from)),
    apps: mergeAppSettings(base.apps, over.apps),
  };
}

// ---------------------------------------------------------------------------------------------
// lookups

/** The mapping of a name (user, profile, permission set), compared without case. */
export function mappedName(entries: readonly MappingEntry[], name: string): MappingEntry | undefined {
  return entries.find((e) => sameName(e.from, name));
}

/** True when a URL starts with a prefix at a boundary: the end, "/", "?" or "#" (or the prefix ends with "/"). */
export function hasUrlPrefix(url: string, prefix: string): boolean {
  if (!url.startsWith(prefix)) return false;
  if (url.length === prefix.length || prefix.endsWith('/')) return true;
  return '/?#'.includes(url[prefix.length]);
}

/** The URL rewritten by the longest matching prefix, with the entry used; undefined when none matches. */
export function rewriteUrl(mapping: Pick<ResolvedMapping, 'urlPrefixes'>, url: string): { url: string; entry: MappingEntry } | undefined {
  const entry = mapping.urlPrefixes.find((e) => hasUrlPrefix(url, e.from));
  return entry ? { url: entry.to + url.slice(entry.from.length), entry } : undefined;
}

/** The settings a mapping gives one app. */
export function appSettingsFor(mapping: Pick<ResolvedMapping, 'apps'>, app: string): AppSetting[] {
  return mapping.apps.filter((s) => sameName(s.app, app));
}

/** True when a certificate setting holds the PEM text rather than a file path. */
export function isInlineCertificate(value: string): boolean {
  return value.includes('-----BEGIN CERTIFICATE-----');
}

/**
 * The certificate files the command must read for these apps (every app when omitted), as
 * written in the mapping, sorted and without repeats. Pass their text in TargetContext.certificates.
 */
export function certificateFiles(mapping: Pick<ResolvedMapping, 'apps'>, apps?: readonly string[]): string[] {
  const files = mapping.apps
    .filter((s) => s.name === 'certificate' && !isInlineCertificate(s.value))
    .filter((s) => apps === undefined || apps.some((a) => sameName(a, s.app)))
    .map((s) => s.value);
  return [...new Set(files)].sort(compareText);
}

/** Settings for apps that are not among those migrated: likely a misspelled app name. */
export function unmatchedAppSettings(mapping: Pick<ResolvedMapping, 'apps'>, apps: readonly string[]): AppSetting[] {
  return mapping.apps.filter((s) => !apps.some((a) => sameName(a, s.app)));
}
