/**
 * The project's field knowledge: every ECA and Connected App metadata type, its elements in WSDL
 * sequence order, their XSD types, whether they are required or repeated, the enums, and the API
 * version each appeared in. Everything that reads, writes or validates metadata asks this module.
 */
import { LATEST_KNOWN_API_VERSION, RAW_SCHEMA, WSDL_API_VERSION } from './schema.generated.js';

export { LATEST_KNOWN_API_VERSION, WSDL_API_VERSION };

/** ECAs exist in the Metadata API from 59.0 on (ExtlClntAppGlobalOauthSettings PKCE, rotation, ...). */
export const MIN_ECA_API_VERSION = 59.0;

export type XsdType = 'xsd:string' | 'xsd:boolean' | 'xsd:int' | 'xsd:base64Binary';
export type FieldKind = 'string' | 'boolean' | 'int' | 'base64' | 'enum' | 'complex';

export type FieldSpec = {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly list: boolean;
  readonly since: number;
};

export type TypeSpec = {
  readonly name: string;
  readonly metadataType: boolean;
  readonly since: number;
  readonly fields: readonly FieldSpec[];
};

export type SchemaTypeName = keyof typeof RAW_SCHEMA.types;
export type SchemaEnumName = keyof typeof RAW_SCHEMA.enums;

const types = RAW_SCHEMA.types as unknown as Record<string, Omit<TypeSpec, 'name'>>;
const enums = RAW_SCHEMA.enums as unknown as Record<string, ReadonlyArray<{ value: string; since: number }>>;

export function isKnownType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(types, name);
}

export function typeSpec(name: string): TypeSpec | undefined {
  const t = isKnownType(name) ? types[name] : undefined;
  return t ? { name, ...t } : undefined;
}

/** The type's fields, in sequence order; with apiVersion, only those that version knows. */
export function fieldsOf(typeName: string, apiVersion?: number): readonly FieldSpec[] {
  const t = typeSpec(typeName);
  if (!t) return [];
  return apiVersion === undefined ? t.fields : t.fields.filter((f) => f.since <= apiVersion);
}

export function fieldSpec(typeName: string, fieldName: string): FieldSpec | undefined {
  return typeSpec(typeName)?.fields.find((f) => f.name === fieldName);
}

export function isEnum(typeName: string): boolean {
  return Object.prototype.hasOwnProperty.call(enums, typeName);
}

export function enumValues(enumName: string, apiVersion?: number): readonly string[] {
  const values = isEnum(enumName) ? enums[enumName] : [];
  return values.filter((v) => apiVersion === undefined || v.since <= apiVersion).map((v) => v.value);
}

/** The first API version that knows an enum value, or undefined for a value the enum lacks. */
export function enumValueSince(enumName: string, value: string): number | undefined {
  return isEnum(enumName) ? enums[enumName].find((v) => v.value === value)?.since : undefined;
}

export function fieldKind(field: FieldSpec): FieldKind {
  switch (field.type) {
    case 'xsd:boolean':
      return 'boolean';
    case 'xsd:int':
      return 'int';
    case 'xsd:base64Binary':
      return 'base64';
    case 'xsd:string':
      return 'string';
    default:
      return isEnum(field.type) ? 'enum' : 'complex';
  }
}

/** The first API version that knows a field, or undefined for a field the schema does not have. */
export function fieldSince(typeName: string, fieldName: string): number | undefined {
  return fieldSpec(typeName, fieldName)?.since;
}

export function formatApiVersion(v: number): string {
  return v.toFixed(1);
}

/** Parses "66.0" or "66"; undefined when it is not a version number. */
export function parseApiVersion(v: string): number | undefined {
  return /^\d{2,3}(\.0)?$/.test(v.trim()) ? Number.parseFloat(v) : undefined;
}
