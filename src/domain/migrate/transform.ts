/**
 * Makes an ECA retrieved from one org fit for another: takes out what only the source org can
 * hold (org-scoped ids, the consumer secret, by default the consumer key) and applies the
 * mapping of the target (run-as users, profiles, permission sets, URLs, certificate, label).
 * Pure: the command reads orgs and files; certificates arrive as PEM text.
 *
 * Every change is recorded, with the mapping entry or the rule behind it. No secret value ever
 * appears in a change: secrets and consumer keys are shown as "[REDACTED]".
 */
import { isDeepStrictEqual } from 'node:util';
import { certificateBody, isPlaceholder, parseCertificate, toPem } from '../certificate.js';
import { ECA_COMPONENTS, type EcaPart } from '../components.js';
import { type Component, componentId, type Eca, ecaComponents, partOf } from '../model.js';
import { isSecretField, REDACTED } from '../secrets.js';
import type { MetadataValue, MetadataValues } from '../xml.js';
import {
  APP_SETTING_FIELDS,
  CALLBACK_URL_FIELD,
  CERTIFICATE_FIELD,
  CONSUMER_KEY_FIELD,
  type FieldRef,
  isCertificateField,
  ORG_SPECIFIC_FIELDS,
  PERMISSION_SET_FIELDS,
  PROFILE_FIELDS,
  ROTATION_FIELDS,
  urlFieldsOf,
  USER_FIELDS,
} from './fields.js';
import { appSettingsFor, isInlineCertificate, type MappingEntry, mappedName, type ResolvedMapping, rewriteUrl } from './mapping.js';
import { splitCommaList, splitLines, uniqueNames } from './text.js';

/** The org a transformed ECA is for. */
export type TargetContext = {
  /** alias or username, as messages name the org */
  readonly name: string;
  /** the source org as messages name it (a shared certificate's warning names both) */
  readonly sourceName?: string;
  /** the text of each certificate file the mapping names (certificateFiles()), keyed by the path as the mapping writes it */
  readonly certificates?: ReadonlyMap<string, string>;
};

export type TransformOptions = {
  /** carry the source app's consumer key (the consumer secret is never carried) */
  readonly keepConsumerKey?: boolean;
};

export type ChangeKind =
  | 'org-specific'
  | 'secret'
  | 'consumer-key'
  | 'rotation'
  | 'user'
  | 'profile'
  | 'permission-set'
  | 'callback-url'
  | 'url'
  | 'certificate'
  | 'app-setting';

/** One value the migration changes. For list fields (profiles, callback URLs) one change per item. */
export type Change = {
  readonly app: string;
  /** "ExtlClntAppOauthConfigurablePolicies:Acme_oauthPlcy" */
  readonly component: string;
  readonly field: string;
  /** absent: the field was not set */
  readonly from?: MetadataValue;
  /** absent: the field (or list item) is removed */
  readonly to?: MetadataValue;
  readonly kind: ChangeKind;
  readonly reason: string;
};

export type TransformProblem = {
  readonly app: string;
  readonly component?: string;
  readonly field?: string;
  /** error: the app must not be deployed as it is; warning: deployable, but look */
  readonly severity: 'error' | 'warning';
  readonly message: string;
};

export type TransformResult = {
  readonly eca: Eca;
  readonly changes: readonly Change[];
  readonly problems: readonly TransformProblem[];
};

/** `<OrgId>:...`, the shape of the org-scoped values of reference §4. */
const ORG_SCOPED_VALUE = /\b00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?:/;

/** An independent copy; `file` goes, since the copy no longer is that file's content. */
function copyEca(eca: Eca): Eca {
  const parts: Record<string, Component> = {};
  for (const [part, c] of Object.entries(eca.parts) as Array<[EcaPart, Component | undefined]>) {
    if (c) parts[part] = { type: c.type, fullName: c.fullName, values: structuredClone(c.values) };
  }
  return { name: eca.name, parts: parts as Eca['parts'] };
}

/** The ECA under transformation, and what has been recorded so far. */
class Draft {
  public readonly changes: Change[] = [];
  public readonly problems: TransformProblem[] = [];

  public constructor(
    public readonly eca: Eca,
    public readonly target: TargetContext,
    public readonly mapping: ResolvedMapping,
    public readonly options: TransformOptions
  ) {}

  /** The component and its text value at a field, when the app has both. */
  public text(ref: FieldRef): { component: Component; value: string } | undefined {
    const component = partOf(this.eca, ref.part);
    const value = component?.values[ref.field];
    return component && typeof value === 'string' ? { component, value } : undefined;
  }

  public record(component: Component, field: string, from: MetadataValue | undefined, to: MetadataValue | undefined, kind: ChangeKind, reason: string): void {
    this.changes.push({
      app: this.eca.name,
      component: componentId(component),
      field,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      kind,
      reason,
    });
  }

  /** Sets (or, with undefined, removes) a field; records the change unless the value stays. */
  public set(component: Component, field: string, to: MetadataValue | undefined, kind: ChangeKind, reason: string): void {
    const from = component.values[field];
    if (isDeepStrictEqual(from, to)) return;
    if (to === undefined) delete component.values[field];
    else component.values[field] = to;
    this.record(component, field, from, to, kind, reason);
  }

  public problem(severity: TransformProblem['severity'], message: string, at?: { component: Component; field: string }): void {
    this.problems.push({
      app: this.eca.name,
      ...(at ? { component: componentId(at.component), field: at.field } : {}),
      severity,
      message,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// what never leaves the source org

function removeSecretsIn(d: Draft, component: Component, values: MetadataValues, path: string): void {
  for (const [key, value] of Object.entries(values)) {
    const field = path ? `${path}.${key}` : key;
    if (value === undefined) continue;
    if (isSecretField(key)) {
      delete values[key];
      d.record(component, field, REDACTED, undefined, 'secret', `a secret never leaves the source org: ${d.target.name} generates its own; read it there in Setup`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => isValues(item) && removeSecretsIn(d, component, item, `${field}[${i}]`));
    } else if (isValues(value)) {
      removeSecretsIn(d, component, value, field);
    }
  }
}

function isValues(value: MetadataValue): value is MetadataValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function removeSecrets(d: Draft): void {
  for (const c of ecaComponents(d.eca)) removeSecretsIn(d, c, c.values, '');
}

function removeOrgSpecificValues(d: Draft): void {
  for (const ref of ORG_SPECIFIC_FIELDS) {
    const at = d.text(ref);
    if (at) d.set(at.component, ref.field, undefined, 'org-specific', `identifies the source org (<OrgId>:...) and breaks a deploy to any other; ${d.target.name} generates its own`);
  }
}

function handleConsumerKey(d: Draft): void {
  const at = d.text(CONSUMER_KEY_FIELD);
  if (!d.options.keepConsumerKey) {
    if (!at) return;
    delete at.component.values[CONSUMER_KEY_FIELD.field];
    d.record(at.component, CONSUMER_KEY_FIELD.field, REDACTED, undefined, 'consumer-key', `${d.target.name} generates its own consumer key (keep the source key with keepConsumerKey)`);
  } else if (at) {
    d.problem(
      'warning',
      `The consumer key is carried to ${d.target.name}: a consumer key belongs to one app, so the deploy fails with "The consumer key is already taken" while another app (the source app included) uses it.`,
      { component: at.component, field: CONSUMER_KEY_FIELD.field }
    );
  } else if (partOf(d.eca, CONSUMER_KEY_FIELD.part)) {
    d.problem('warning', `The source app's consumer key was not retrieved (the retrieving user may lack the permission to see it): ${d.target.name} generates its own.`);
  }
}

function stopRotation(d: Draft): void {
  for (const ref of ROTATION_FIELDS) {
    const component = partOf(d.eca, ref.part);
    if (component?.values[ref.field] === true) {
      d.set(component, ref.field, false, 'rotation', `deployed on, it would give ${d.target.name} new credentials on every migration; rotate in the target org when you mean to`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the target's names

function mappedBy(noun: string, entry: MappingEntry): string {
  return `${noun} mapped by ${entry.source}`;
}

function remapUsers(d: Draft): void {
  for (const ref of USER_FIELDS) {
    const at = d.text(ref);
    const entry = at && at.value.includes('@') ? mappedName(d.mapping.users, at.value) : undefined;
    if (at && entry) d.set(at.component, ref.field, entry.to, 'user', mappedBy('user', entry));
  }
}

function remapNameList(d: Draft, refs: readonly FieldRef[], entries: readonly MappingEntry[], kind: 'profile' | 'permission-set'): void {
  const noun = kind === 'profile' ? 'profile' : 'permission set';
  for (const ref of refs) {
    const at = d.text(ref);
    if (!at) continue;
    const { items, separator } = splitCommaList(at.value);
    const mapped = items.map((item) => {
      const entry = mappedName(entries, item);
      if (entry && entry.to !== item) d.record(at.component, ref.field, item, entry.to, kind, mappedBy(noun, entry));
      return entry ? entry.to : item;
    });
    const value = uniqueNames(mapped).join(separator);
    if (mapped.some((m, i) => m !== items[i])) at.component.values[ref.field] = value;
  }
}

function rewriteCallbackUrls(d: Draft): void {
  const at = d.text(CALLBACK_URL_FIELD);
  if (!at) return;
  const field = CALLBACK_URL_FIELD.field;
  const { items, separator } = splitLines(at.value);
  const urls: string[] = [];
  for (const url of items) {
    const exact = d.mapping.callbackUrls.find((e) => e.from === url);
    const prefixed = exact ? undefined : rewriteUrl(d.mapping, url);
    const to = exact ? exact.to : prefixed?.url ?? url;
    if (exact) d.record(at.component, field, url, to ?? undefined, 'callback-url', `callback URL ${to === null ? 'dropped' : 'mapped'} by ${exact.source}`);
    else if (prefixed) d.record(at.component, field, url, to ?? undefined, 'callback-url', `URL prefix "${prefixed.entry.from}" rewritten by ${prefixed.entry.source}`);
    if (to !== null && !urls.includes(to)) urls.push(to);
  }
  if (isDeepStrictEqual(items, urls)) return;
  if (urls.length > 0) at.component.values[field] = urls.join(separator);
  else {
    delete at.component.values[field];
    d.problem('warning', `The mapping drops every callback URL of ${d.eca.name}: in ${d.target.name} no flow that redirects to a callback (authorization code) can be used.`, { component: at.component, field });
  }
}

function rewriteOtherUrls(d: Draft): void {
  for (const { part } of ECA_COMPONENTS) {
    const component = partOf(d.eca, part);
    for (const field of component ? urlFieldsOf(part) : []) {
      if (!component || (part === CALLBACK_URL_FIELD.part && field === CALLBACK_URL_FIELD.field)) continue;
      const value = component.values[field];
      const rewritten = typeof value === 'string' ? rewriteUrl(d.mapping, value) : undefined;
      if (rewritten) d.set(component, field, rewritten.url, 'url', `URL prefix "${rewritten.entry.from}" rewritten by ${rewritten.entry.source}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// per-app settings

/** "CN=acme-ci (SHA-256 AB:CD:...)", so a plan shows which certificate without its text. */
export function describeCertificate(value: string): string {
  if (isPlaceholder(value)) return value;
  try {
    const info = parseCertificate(value);
    return `${info.subject} (SHA-256 ${info.fingerprint256})`;
  } catch {
    return '(not a certificate)';
  }
}

function applyCertificate(d: Draft): void {
  const setting = appSettingsFor(d.mapping, d.eca.name).find((s) => s.name === 'certificate');
  if (!setting) return;
  const component = partOf(d.eca, CERTIFICATE_FIELD.part);
  const field = CERTIFICATE_FIELD.field;
  if (!component) {
    d.problem('error', `${setting.source} gives ${d.eca.name} a certificate, but the app has no Global OAuth settings to hold it.`);
    return;
  }
  const inline = isInlineCertificate(setting.value);
  const pem = inline ? setting.value : d.target.certificates?.get(setting.value);
  const named = inline ? `the certificate in ${setting.source}` : `"${setting.value}" (${setting.source})`;
  if (pem === undefined) {
    d.problem('error', `The certificate file ${named} was not read.`, { component, field });
    return;
  }
  try {
    parseCertificate(pem);
  } catch {
    d.problem('error', `${named} is not an X.509 certificate in PEM form.`, { component, field });
    return;
  }
  const current = component.values[field];
  if (typeof current === 'string' && !isPlaceholder(current) && certificateBody(current) === certificateBody(pem)) return;
  component.values[field] = toPem(pem);
  d.record(component, field, typeof current === 'string' ? describeCertificate(current) : undefined, describeCertificate(pem), 'certificate', `certificate for ${d.target.name} from ${setting.source}`);
}

/**
 * A self-signed JWT certificate carried as it is: the one private key that signed it now logs in
 * to the source and the target alike. One party holds both orgs' keys; a warning says so and how
 * to give the target its own certificate through the mapping file. A certificate the mapping
 * chose for this target, or a CA-issued one, is left alone.
 */
function warnSharedSelfSignedCertificate(d: Draft): void {
  const found = d.text(CERTIFICATE_FIELD);
  if (!found || isPlaceholder(found.value)) return;
  if (appSettingsFor(d.mapping, d.eca.name).some((s) => s.name === 'certificate')) return;
  let info;
  try {
    info = parseCertificate(found.value);
  } catch {
    return;
  }
  if (info.subject !== info.issuer) return;
  const source = d.target.sourceName ?? 'the source org';
  const app = d.eca.name;
  d.problem(
    'warning',
    `${app}'s JWT bearer certificate (${info.subject}, self-signed, SHA-256 ${info.fingerprint256}) goes to ${d.target.name} as ${source} has it. ` +
      `Whoever holds its private key can then get tokens in ${source} and in ${d.target.name} for every user the app admits: one key holder for both orgs, and a key leaked from one org's pipeline opens the other. ` +
      `To give ${d.target.name} its own certificate, make a key pair for it (openssl req -x509 -newkey rsa:2048 -nodes -keyout ${app}-${d.target.name}.key -out ${app}-${d.target.name}.crt -days 365 -subj "/CN=${app}-${d.target.name}"), ` +
      `keep the key only where ${d.target.name}'s logins run, and name the certificate in the mapping file: targets.${d.target.name}.apps.${app}.certificate: ${app}-${d.target.name}.crt (a path relative to the mapping file).`,
    { component: found.component, field: CERTIFICATE_FIELD.field }
  );
}

function applyAppSettings(d: Draft): void {
  for (const setting of appSettingsFor(d.mapping, d.eca.name)) {
    if (setting.name === 'certificate') continue;
    const ref = APP_SETTING_FIELDS[setting.name];
    const component = partOf(d.eca, ref.part);
    if (component) d.set(component, ref.field, setting.value, 'app-setting', `${setting.name} for ${d.target.name} from ${setting.source}`);
  }
}

// ---------------------------------------------------------------------------------------------
// a last look

function stringValues(values: MetadataValues, path = ''): Array<{ field: string; value: string }> {
  return Object.entries(values).flatMap(([key, value]) => {
    const field = path ? `${path}.${key}` : key;
    if (typeof value === 'string') return [{ field, value }];
    if (Array.isArray(value)) return value.flatMap((v, i) => (isValues(v) ? stringValues(v, `${field}[${i}]`) : typeof v === 'string' ? [{ field, value: v }] : []));
    return value !== undefined && isValues(value) ? stringValues(value, field) : [];
  });
}

/** Org-scoped values in fields this module does not know to strip (a push or attestation link, say). */
function reportOrgScopedValues(d: Draft): void {
  for (const component of ecaComponents(d.eca)) {
    for (const { field, value } of stringValues(component.values)) {
      if (isCertificateField(field) || !ORG_SCOPED_VALUE.test(value)) continue;
      d.problem('warning', `${componentId(component)} ${field} holds "${value}", which looks like a value of the source org (<OrgId>:...): a deploy to ${d.target.name} may fail.`, {
        component,
        field,
      });
    }
  }
}

/**
 * The ECA as it should be deployed to the target, with every change made and every problem
 * found. The input is not modified.
 */
export function transformForTarget(eca: Eca, target: TargetContext, mapping: ResolvedMapping, options: TransformOptions = {}): TransformResult {
  const d = new Draft(copyEca(eca), target, mapping, options);
  removeSecrets(d);
  removeOrgSpecificValues(d);
  handleConsumerKey(d);
  stopRotation(d);
  remapUsers(d);
  remapNameList(d, PROFILE_FIELDS, mapping.profiles, 'profile');
  remapNameList(d, PERMISSION_SET_FIELDS, mapping.permissionSets, 'permission-set');
  rewriteCallbackUrls(d);
  rewriteOtherUrls(d);
  applyCertificate(d);
  warnSharedSelfSignedCertificate(d);
  applyAppSettings(d);
  reportOrgScopedValues(d);
  return { eca: d.eca, changes: d.changes, problems: d.problems };
}
