/**
 * Writes stored values back as metadata XML the way a retrieve returns them: declaration,
 * metadata namespace, 4-space indent, elements in the schema's sequence order, repeated elements
 * repeated, booleans true/false. Fields the caller's API version does not know are left out.
 */
import { type ComplexType, METADATA_NS, type VersionSchema } from './schema.js';
import type { MetadataValue, MetadataValues } from './values.js';

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export type OrderedEntry = { name: string; value: MetadataValue; type?: ComplexType };

/**
 * The values the schema's type knows, in its sequence order, with the complex type of each nested
 * value. Values of a type the schema does not know are kept in key order (no filtering possible).
 */
export function orderedEntries(schema: VersionSchema, typeName: string | undefined, values: MetadataValues): OrderedEntry[] {
  const type = typeName ? schema.types.get(typeName) : undefined;
  const present = Object.entries(values).filter((e): e is [string, MetadataValue] => e[1] !== undefined);
  if (!type) return present.map(([name, value]) => ({ name, value }));
  const out: OrderedEntry[] = [];
  for (const decl of type.elements) {
    const value = values[decl.name];
    if (value === undefined || decl.name === 'fullName') continue;
    out.push({ name: decl.name, value, type: decl.kind === 'complex' ? schema.types.get(decl.type) : undefined });
  }
  return out;
}

function scalar(v: MetadataValue): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

function writeElement(lines: string[], schema: VersionSchema, indent: string, entry: OrderedEntry): void {
  const items = Array.isArray(entry.value) ? entry.value : [entry.value];
  for (const item of items) {
    if (typeof item === 'object' && !Array.isArray(item)) {
      lines.push(`${indent}<${entry.name}>`);
      for (const child of orderedEntries(schema, entry.type?.name, item)) writeElement(lines, schema, `${indent}    `, child);
      lines.push(`${indent}</${entry.name}>`);
    } else if (!Array.isArray(item)) {
      lines.push(`${indent}<${entry.name}>${escapeText(scalar(item))}</${entry.name}>`);
    }
  }
}

/** A metadata file for one component, limited to what the schema's version knows. */
export function writeMetadataXml(schema: VersionSchema, type: string, values: MetadataValues): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${type} xmlns="${METADATA_NS}">`];
  for (const entry of orderedEntries(schema, type, values)) writeElement(lines, schema, '    ', entry);
  lines.push(`</${type}>`, '');
  return lines.join('\n');
}

/** Values limited to what the schema's version knows, at every depth (for readMetadata and retrieve). */
export function filterForVersion(schema: VersionSchema, typeName: string, values: MetadataValues): MetadataValues {
  const out: MetadataValues = {};
  for (const entry of orderedEntries(schema, typeName, values)) {
    const nested = (v: MetadataValue): MetadataValue => (entry.type && typeof v === 'object' && !Array.isArray(v) ? filterForVersion(schema, entry.type.name, v) : v);
    out[entry.name] = Array.isArray(entry.value) ? entry.value.map(nested) : nested(entry.value);
  }
  return out;
}
