/**
 * Drift: the field-level differences between two sets of apps (two orgs, an org and a source
 * folder, a snapshot and an org), with what each org generates for itself left out.
 *
 * Built on migrate's comparison (../migrate/diff.ts diffEca: lists as sets, "not set" equal to
 * false, secrets and org-generated fields never compared) and its transform (../migrate/
 * transform.ts: the mapping file's users, profiles, permission sets, URLs and certificates).
 * The left side is read as it would be in the right org: transformed with the mapping (resolved
 * for the right org), its satellites renamed to the right's (alignSatelliteNames), then compared
 * part by part in both directions, so a component either side lacks is reported too.
 *
 * Never reported as drift (NORMALISED): org-scoped ids (`orgScopedExternalApp`, `oauthLink`, any
 * `<OrgId>:...` value), consumer keys and secrets, the rotate-on-deploy switches, certificates
 * that are the same DER bytes (PEM, bare base64, other line breaks: compared here by DER, not by
 * text), satellite full names (matched by owner and type), users/profiles/permission sets the
 * mapping maps, and with sandbox names given, the sandbox suffix of usernames.
 *
 * Pure: the I/O layer reads the orgs and folders and resolves the mapping for the right org.
 */
import { certificateBody, isPlaceholder, toPem } from '../certificate.js';
import { ECA_COMPONENTS, type EcaPart, componentByPart, CONNECTED_APP } from '../components.js';
import { alignSatelliteNames, diffEca } from '../migrate/diff.js';
import { isCertificateField, ROTATION_FIELDS, USER_FIELDS } from '../migrate/fields.js';
import { EMPTY_MAPPING, type MappingEntry, mappedName, type ResolvedMapping } from '../migrate/mapping.js';
import { compareText, nameSet, sameName, splitLines, uniqueNames } from '../migrate/text.js';
import { describeCertificate, transformForTarget } from '../migrate/transform.js';
import { type Component, type ConnectedApp, type Eca } from '../model.js';
import { counterpartUsername, type SandboxPair } from '../snapshot/users.js';
import type { MetadataValue, MetadataValues } from '../xml.js';
import { rulesForField } from './relevance.js';
import type { DiffResult, DriftApp, DriftComponent, DriftField, DriftProblem, DriftSide, DriftStatus, DriftSummary, DriftValue } from './result.js';

export type AppSet = {
  readonly ecas: readonly Eca[];
  readonly connectedApps?: readonly ConnectedApp[];
};

export type DriftOptions = {
  /** the mapping file resolved for the right org: left names -> right names */
  readonly mapping?: ResolvedMapping;
  /** certificate files the mapping names, read by the I/O layer (see migrate's certificateFiles) */
  readonly certificates?: ReadonlyMap<string, string>;
  /** sandbox names of the two sides: usernames then differ by their sandbox suffix only */
  readonly sandboxes?: SandboxPair;
  /**
   * the side that may leave things out (a source folder): components and fields only the other
   * side has are not reported, as a deploy of that side would not touch them
   */
  readonly partial?: 'left' | 'right';
  /** only these apps (names without case); absent: all */
  readonly names?: readonly string[];
};

export const NORMALISED: readonly string[] = [
  'org-scoped ids: orgScopedExternalApp, oauthLink and any <OrgId>:... value',
  'consumer keys and consumer secrets (and every other secret field)',
  'shouldRotateConsumerKey / shouldRotateConsumerSecret (instructions to a deploy, not settings)',
  'certificates holding the same DER bytes (PEM, bare base64 or other line breaks)',
  'satellite full names: satellites are matched by their app and type',
  'lists compared as sets (scopes, profiles, permission sets, callback URLs); "not set" equals false or empty',
  'users, profiles, permission sets and URLs the mapping file maps; with sandbox names, the sandbox suffix of usernames',
];

/** `<OrgId>:...`: org-scoped values (reference §4). */
const ORG_SCOPED = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?:/;
const ROTATION = new Set<string>(ROTATION_FIELDS.map((r) => r.field));
const CA_KEY_PATH = ['oauthConfig', 'consumerKey'];

// ---------------------------------------------------------------------------------------------
// normalisation

/** The certificate as PEM re-encoded from its DER bytes: equal text means equal DER. Anything else stays as it is. */
export function canonicalCertificate(value: string): string {
  if (isPlaceholder(value)) return value;
  const body = certificateBody(value);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) return value;
  const der = Buffer.from(body, 'base64');
  return der.length === 0 ? value : toPem(der.toString('base64'));
}

function isValues(v: MetadataValue | undefined): v is MetadataValues {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops org-scoped values and rotate switches, canonicalises certificates, at any depth. */
function normaliseValues(values: MetadataValues): MetadataValues {
  const out: MetadataValues = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || ROTATION.has(key)) continue;
    if (typeof value === 'string') {
      if (ORG_SCOPED.test(value)) continue;
      out[key] = isCertificateField(key) ? canonicalCertificate(value) : value;
    } else if (Array.isArray(value)) {
      out[key] = value.map((v) => (isValues(v) ? normaliseValues(v) : v));
    } else if (isValues(value)) {
      out[key] = normaliseValues(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The app with what is never drift taken out or canonicalised (org-scoped values, rotate switches, certificate encoding). */
export function normaliseEca(eca: Eca): Eca {
  const parts: Record<string, Component> = {};
  for (const [part, c] of Object.entries(eca.parts) as Array<[EcaPart, Component | undefined]>) {
    if (c) parts[part] = { type: c.type, fullName: c.fullName, values: normaliseValues(c.values) };
  }
  return { name: eca.name, parts: parts as Eca['parts'] };
}

/** Connected App: the ECA normalisation, the consumer key out, callback URLs one a line in order. */
function normaliseConnectedApp(values: MetadataValues): MetadataValues {
  const out = normaliseValues(values);
  const oauth = out.oauthConfig;
  if (isValues(oauth)) {
    const o: MetadataValues = { ...oauth };
    delete o[CA_KEY_PATH[1]];
    if (typeof o.callbackUrl === 'string') o.callbackUrl = [...splitLines(o.callbackUrl).items].sort(compareText).join('\n');
    out.oauthConfig = o;
  }
  return out;
}

function usernamesOf(eca: Eca): string[] {
  return USER_FIELDS.flatMap((ref) => {
    const v = (eca.parts[ref.part] as Component | undefined)?.values[ref.field];
    return typeof v === 'string' && v.includes('@') ? [v] : [];
  });
}

/** The mapping plus, for usernames it does not map, what the sandbox rule makes of them. */
function withSandboxUsers(mapping: ResolvedMapping, usernames: readonly string[], pair: SandboxPair | undefined): ResolvedMapping {
  if (!pair || (pair.fromSandbox === undefined && pair.toSandbox === undefined)) return mapping;
  const added: MappingEntry[] = usernames
    .filter((u) => !mappedName(mapping.users, u))
    .map((u) => ({ from: u, to: counterpartUsername(u, pair), source: 'sandbox username rule' }))
    .filter((e) => !sameName(e.from, e.to));
  return { ...mapping, users: [...mapping.users, ...added] };
}

function remapList(values: MetadataValue | undefined, entries: readonly MappingEntry[]): MetadataValue | undefined {
  if (!Array.isArray(values)) return typeof values === 'string' ? mappedName(entries, values)?.to ?? values : values;
  return uniqueNames(values.map((v) => (typeof v === 'string' ? mappedName(entries, v)?.to ?? v : JSON.stringify(v))));
}

/** A Connected App's run-as user, profiles and permission sets, in the right org's names. */
function remapConnectedApp(values: MetadataValues, mapping: ResolvedMapping): MetadataValues {
  const out: MetadataValues = { ...values };
  const oauth = out.oauthConfig;
  if (isValues(oauth) && typeof oauth.oauthClientCredentialUser === 'string') {
    out.oauthConfig = { ...oauth, oauthClientCredentialUser: mappedName(mapping.users, oauth.oauthClientCredentialUser)?.to ?? oauth.oauthClientCredentialUser };
  }
  if (out.profileName !== undefined) out.profileName = remapList(out.profileName, mapping.profiles);
  if (out.permissionSetName !== undefined) out.permissionSetName = remapList(out.permissionSetName, mapping.permissionSets);
  return out;
}

// ---------------------------------------------------------------------------------------------
// values for people

/** A value as the result shows it: certificates by subject and fingerprint, lists and nested values as JSON. */
export function displayValue(field: string, value: MetadataValue): DriftValue {
  const name = field.slice(field.lastIndexOf('.') + 1);
  if (typeof value === 'string') return isCertificateField(name) ? describeCertificate(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// comparison

type Sides = { left?: Component; right?: Component };

function single(name: string, part: EcaPart, c: Component | undefined): Eca {
  return { name, parts: c ? ({ [part]: c } as Eca['parts']) : {} };
}

/** Both directions of diffEca for one part: a field either side sets differently. */
function comparePart(app: string, part: EcaPart, sides: Sides, partial: DriftOptions['partial']): Array<{ field: string; left?: MetadataValue; right?: MetadataValue }> {
  const { left, right } = sides;
  if (!left && !right) return [];
  const fields = left
    ? diffEca(single(app, part, right), single(app, part, left)).fields.map((f) => ({ field: f.field, left: f.to, right: f.from }))
    : diffEca(single(app, part, undefined), single(app, part, right)).fields.map((f) => ({ field: f.field, left: undefined, right: f.to }));
  return fields
    .filter((f) => !(partial === 'left' && f.left === undefined) && !(partial === 'right' && f.right === undefined))
    .sort((a, b) => compareText(a.field, b.field));
}

function driftField(kind: 'eca' | 'connectedApp', part: string, setting: string, left: MetadataValue | undefined, right: MetadataValue | undefined): DriftField {
  return {
    part,
    setting,
    ...(left === undefined ? {} : { left: displayValue(setting, left) }),
    ...(right === undefined ? {} : { right: displayValue(setting, right) }),
    rules: [...rulesForField(kind, setting)],
  };
}

function compareEcas(left: Eca, right: Eca, options: DriftOptions, rightName: string, problems: DriftProblem[]): Pick<DriftApp, 'components' | 'fields'> {
  const mapping = withSandboxUsers(options.mapping ?? EMPTY_MAPPING, usernamesOf(left), options.sandboxes);
  const transformed = transformForTarget(left, { name: rightName, ...(options.certificates ? { certificates: options.certificates } : {}) }, mapping);
  for (const p of transformed.problems) {
    if (p.severity === 'error') problems.push({ app: left.name, severity: 'error', message: p.message });
  }
  const normalisedRight = normaliseEca(right);
  const aligned = alignSatelliteNames(normaliseEca(transformed.eca), { ...normalisedRight, name: transformed.eca.name }).eca;
  const components: DriftComponent[] = [];
  const fields: DriftField[] = [];
  for (const { part, type } of ECA_COMPONENTS) {
    const sides: Sides = { left: aligned.parts[part] as Component | undefined, right: normalisedRight.parts[part] as Component | undefined };
    const oneSided = (sides.left === undefined) !== (sides.right === undefined);
    if (oneSided && ((options.partial === 'left' && !sides.left) || (options.partial === 'right' && !sides.right))) continue;
    if (oneSided) {
      components.push({
        part,
        type,
        ...(sides.left ? { left: (left.parts[part] as Component).fullName } : {}),
        ...(sides.right ? { right: sides.right.fullName } : {}),
        rules: [...rulesForField('eca', part)],
      });
    }
    for (const f of comparePart(aligned.name, part, sides, options.partial)) fields.push(driftField('eca', part, `${part}.${f.field}`, f.left, f.right));
  }
  return { components, fields };
}

function compareConnectedApps(left: ConnectedApp, right: ConnectedApp, options: DriftOptions): Pick<DriftApp, 'components' | 'fields'> {
  const mapping = withSandboxUsers(options.mapping ?? EMPTY_MAPPING, caUsernames(left), options.sandboxes);
  const l: Component = { type: CONNECTED_APP.type, fullName: left.fullName, values: normaliseConnectedApp(remapConnectedApp(left.values, mapping)) };
  const r: Component = { type: CONNECTED_APP.type, fullName: right.fullName, values: normaliseConnectedApp(right.values) };
  // diffEca compares any one component; a Connected App is carried in the header's place
  const fields = comparePart(left.fullName, 'header', { left: l, right: r }, options.partial).map((f) =>
    driftField('connectedApp', 'connectedApp', `connectedApp.${f.field}`, f.left, f.right)
  );
  return { components: [], fields };
}

function caUsernames(ca: ConnectedApp): string[] {
  const oauth = ca.values.oauthConfig;
  const u = isValues(oauth as MetadataValue | undefined) ? (oauth as MetadataValues).oauthClientCredentialUser : undefined;
  return typeof u === 'string' ? [u] : [];
}

function pairUp<T>(left: readonly T[], right: readonly T[], nameOf: (t: T) => string, names: ReadonlySet<string> | undefined): Array<{ name: string; left?: T; right?: T }> {
  const byKey = new Map<string, { name: string; left?: T; right?: T }>();
  for (const [side, list] of [['left', left], ['right', right]] as const) {
    for (const item of list) {
      const name = nameOf(item);
      const key = name.toLowerCase();
      if (names && !names.has(key)) continue;
      const entry = byKey.get(key) ?? { name };
      entry[side] = item;
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort((a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()));
}

function statusOf(left: unknown, right: unknown, differences: number): DriftStatus {
  if (left === undefined) return 'added';
  if (right === undefined) return 'removed';
  return differences > 0 ? 'changed' : 'unchanged';
}

function summarise(apps: readonly DriftApp[]): DriftSummary {
  const count = (s: DriftStatus): number => apps.filter((a) => a.status === s).length;
  const items = apps.flatMap((a) => [...a.components, ...a.fields]);
  return {
    compared: apps.length,
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
    unchanged: count('unchanged'),
    differences: items.length + count('added') + count('removed'),
    policyRelevant: items.filter((i) => i.rules.length > 0).length,
  };
}

/**
 * The drift between two sets of apps. ECAs and Connected Apps are paired by developer name
 * (without case); an ECA and a Connected App of the same name are different apps.
 */
export function diffApps(left: AppSet, right: AppSet, sides: { left: DriftSide; right: DriftSide }, options: DriftOptions = {}): DiffResult {
  const problems: DriftProblem[] = [];
  const apps: DriftApp[] = [];
  // a folder's side names every app it holds: a set, so no list is searched per app
  const wanted = options.names ? nameSet(options.names) : undefined;
  for (const pair of pairUp(left.ecas, right.ecas, (e) => e.name, wanted)) {
    const compared = pair.left && pair.right ? compareEcas(pair.left, pair.right, options, sides.right.name, problems) : { components: [], fields: [] };
    apps.push({ name: pair.name, kind: 'eca', status: statusOf(pair.left, pair.right, compared.components.length + compared.fields.length), ...compared });
  }
  for (const pair of pairUp(left.connectedApps ?? [], right.connectedApps ?? [], (c) => c.fullName, wanted)) {
    const compared = pair.left && pair.right ? compareConnectedApps(pair.left, pair.right, options) : { components: [], fields: [] };
    apps.push({ name: pair.name, kind: 'connectedApp', status: statusOf(pair.left, pair.right, compared.fields.length), ...compared });
  }
  const found = nameSet(apps.map((a) => a.name));
  for (const name of options.names ?? []) {
    if (!found.has(name.toLowerCase())) problems.push({ severity: 'error', message: `No app named "${name}" on either side.` });
  }
  const summary = summarise(apps);
  return {
    identical: summary.differences === 0,
    left: sides.left,
    right: sides.right,
    apps,
    summary,
    problems,
    normalised: [...NORMALISED],
  };
}

/** The part title people know ("OAuth policies"), for a part name or "connectedApp". */
export function partTitle(part: string): string {
  if (part === 'connectedApp') return CONNECTED_APP.title;
  const found = ECA_COMPONENTS.find((c) => c.part === part);
  return found ? componentByPart(found.part).title : part;
}
