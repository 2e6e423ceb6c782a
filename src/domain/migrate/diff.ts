/**
 * What deploying an ECA would change in a target org that may already have it: field by field,
 * satellites matched by their part (their `externalClientApplication` owner, as assembleEcas
 * groups them), never by full name. Values each org generates for itself (org-scoped ids, the
 * consumer key and secret) are not compared, so running a migration twice finds nothing to do.
 */
import { isDeepStrictEqual } from 'node:util';
import { certificateBody, certificateDer } from '../certificate.js';
import { ECA_COMPONENTS, type EcaPart } from '../components.js';
import { type Component, componentId, type Eca } from '../model.js';
import { isSecretField } from '../secrets.js';
import type { MetadataValue, MetadataValues } from '../xml.js';
import { CONSUMER_KEY_FIELD, type FieldRef, isCertificateField, isCommaSeparatedField, isLineListField, ORG_SPECIFIC_FIELDS, SATELLITE_LABEL_FIELD } from './fields.js';
import { compareText, splitCommaList, splitLines } from './text.js';

export type DiffStatus = 'new' | 'changed' | 'unchanged';

export type FieldDiff = {
  readonly part: EcaPart;
  /** the component deployed: "ExtlClntAppOauthSettings:Acme_oauth" */
  readonly component: string;
  /** dotted for nested fields: "idTokenConfig.idTokenValidityInMinutes" */
  readonly field: string;
  /** absent: not set in the target */
  readonly from?: MetadataValue;
  /** absent: not set by the deploy */
  readonly to?: MetadataValue;
};

export type EcaDiff = {
  readonly status: DiffStatus;
  readonly fields: readonly FieldDiff[];
};

/** Values an org generates for its own copy of an app: never compared. Secret fields are not either. */
export const ORG_GENERATED_FIELDS: readonly FieldRef[] = [...ORG_SPECIFIC_FIELDS, CONSUMER_KEY_FIELD];

function isIgnored(part: EcaPart, field: string): boolean {
  return ORG_GENERATED_FIELDS.some((r) => r.part === part && r.field === field) || field.split('.').some(isSecretField);
}

/** Leaf fields, dotted; a list is one value. */
function flatten(values: MetadataValues, path = '', out = new Map<string, MetadataValue>()): Map<string, MetadataValue> {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const field = path ? `${path}.${key}` : key;
    if (typeof value === 'object' && !Array.isArray(value)) flatten(value, field, out);
    else out.set(field, value);
  }
  return out;
}

function sortedItems(items: readonly string[]): string[] {
  return [...items].sort(compareText);
}

/**
 * The form two values are compared in: lists as sets (comma-separated names, callback URLs one a
 * line, repeated elements), certificates by their DER bytes (PEM or bare base64, as retrieved files
 * hold them: both deploy), and "not set" the same as false or "".
 */
function comparable(part: EcaPart, field: string, value: MetadataValue | undefined): unknown {
  if (value === undefined || value === false || value === '') return undefined;
  const name = field.slice(field.lastIndexOf('.') + 1);
  if (typeof value === 'string') {
    if (isCommaSeparatedField(name)) return sortedItems(splitCommaList(value).items);
    if (isLineListField(part, name)) return sortedItems(splitLines(value).items);
    if (isCertificateField(name)) return certificateDer(value)?.toString('hex') ?? certificateBody(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => JSON.stringify(v)).sort(compareText);
  return value;
}

function compareComponent(part: EcaPart, component: string, current: MetadataValues, desired: MetadataValues): FieldDiff[] {
  const from = flatten(current);
  const to = flatten(desired);
  const fields = [...new Set([...to.keys(), ...from.keys()])].filter((f) => !isIgnored(part, f));
  return fields
    .filter((f) => !isDeepStrictEqual(comparable(part, f, from.get(f)), comparable(part, f, to.get(f))))
    .map((field) => ({
      part,
      component,
      field,
      ...(from.has(field) ? { from: from.get(field) } : {}),
      ...(to.has(field) ? { to: to.get(field) } : {}),
    }));
}

/**
 * What deploying `desired` changes in a target whose copy of the app is `current` (undefined: the
 * target does not have it). Satellites the target has and `desired` does not are left alone by
 * a deploy and not reported (Salesforce generates default policies of its own, for instance).
 */
export function diffEca(current: Eca | undefined, desired: Eca): EcaDiff {
  const fields: FieldDiff[] = [];
  for (const { part } of ECA_COMPONENTS) {
    const wanted = desired.parts[part] as Component | undefined;
    if (!wanted) continue;
    const existing = current?.parts[part] as Component | undefined;
    fields.push(...compareComponent(part, componentId(wanted), existing?.values ?? {}, wanted.values));
  }
  const status: DiffStatus = current === undefined ? 'new' : fields.length > 0 ? 'changed' : 'unchanged';
  return { status, fields };
}

// ---------------------------------------------------------------------------------------------
// satellite names

export type SatelliteRename = {
  readonly part: EcaPart;
  readonly type: string;
  readonly from: string;
  readonly to: string;
};

export type Alignment = {
  readonly eca: Eca;
  readonly renames: readonly SatelliteRename[];
};

/**
 * Gives the desired app's satellites the full names the target's copy already uses: a satellite
 * deployed under another name would be a second satellite of the same kind for the app. A
 * satellite label that is just its old full name (as Salesforce writes it) follows: it becomes
 * the target satellite's label. The input is not modified; with no `current`, nothing changes.
 */
export function alignSatelliteNames(desired: Eca, current: Eca | undefined): Alignment {
  if (current && current.name !== desired.name) throw new Error(`alignSatelliteNames: "${current.name}" is not "${desired.name}"`);
  const renames: SatelliteRename[] = [];
  const parts: Record<string, Component> = {};
  for (const [part, wanted] of Object.entries(desired.parts) as Array<[EcaPart, Component | undefined]>) {
    if (!wanted) continue;
    const existing = part === 'header' ? undefined : (current?.parts[part] as Component | undefined);
    if (!existing || existing.fullName === wanted.fullName) {
      parts[part] = wanted;
      continue;
    }
    renames.push({ part, type: wanted.type, from: wanted.fullName, to: existing.fullName });
    parts[part] = { ...wanted, fullName: existing.fullName, values: relabel(wanted, existing) };
  }
  return { eca: { name: desired.name, parts: parts as Eca['parts'] }, renames };
}

function relabel(wanted: Component, existing: Component): MetadataValues {
  const label = wanted.values[SATELLITE_LABEL_FIELD];
  if (label !== wanted.fullName) return wanted.values;
  const existingLabel = existing.values[SATELLITE_LABEL_FIELD];
  return { ...wanted.values, [SATELLITE_LABEL_FIELD]: typeof existingLabel === 'string' ? existingLabel : existing.fullName };
}
