/**
 * Dotted field paths ("oauthConfig.idTokenConfig.idTokenValidity") over metadata values and over
 * the schema. The mapping table names fields this way; these helpers read, write and resolve them.
 */
import { type FieldSpec, fieldKind, fieldSpec, typeSpec } from '../schema/index.js';
import type { MetadataValue, MetadataValues } from '../xml.js';

/**
 * The paths of an object type, up to three levels deep, as "a", "a.b", "a.b.c". Repeated fields
 * (lists) end a path: a list is mapped as a whole. Used to type the mapping table against
 * @salesforce/types, so a misspelled field does not compile.
 */
export type DottedPath<T, Depth extends readonly unknown[] = []> = Depth['length'] extends 3
  ? never
  : {
      [K in keyof T & string]: NonNullable<T[K]> extends readonly unknown[]
        ? K
        : NonNullable<T[K]> extends object
          ? K | `${K}.${DottedPath<NonNullable<T[K]>, [...Depth, unknown]>}`
          : K;
    }[keyof T & string];

export type ResolvedField = {
  readonly field: FieldSpec;
  /** the first API version that knows the whole path: the type and every field on the way */
  readonly since: number;
};

/** The schema field a dotted path names in a type, or undefined when the schema does not know it. */
export function resolveField(typeName: string, path: string): ResolvedField | undefined {
  let type = typeName;
  let since = typeSpec(typeName)?.since ?? 0;
  let field: FieldSpec | undefined;
  for (const segment of path.split('.')) {
    if (field && fieldKind(field) !== 'complex') return undefined;
    field = fieldSpec(type, segment);
    if (!field) return undefined;
    since = Math.max(since, field.since);
    type = field.type;
  }
  return field ? { field, since } : undefined;
}

export function isRecord(value: MetadataValue | undefined): value is MetadataValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path, undefined when any step is missing. */
export function getPath(values: MetadataValues, path: string): MetadataValue | undefined {
  let current: MetadataValue | undefined = values;
  for (const segment of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** Writes a value at a dotted path, creating the objects on the way. */
export function setPath(values: MetadataValues, path: string, value: MetadataValue): void {
  const segments = path.split('.');
  const last = segments.pop() as string;
  let current = values;
  for (const segment of segments) {
    const next = current[segment];
    if (!isRecord(next)) current[segment] = {};
    current = current[segment] as MetadataValues;
  }
  current[last] = value;
}
