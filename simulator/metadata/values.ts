/**
 * Metadata as the simulator stores it: field values read from a file by the schema (booleans and
 * numbers typed, repeated elements as arrays, nested types as objects).
 */
export type MetadataValue = string | number | boolean | MetadataValues | MetadataValue[];
export type MetadataValues = { [field: string]: MetadataValue | undefined };

export function asRecord(v: MetadataValue | undefined): MetadataValues | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** A non-empty trimmed string, or undefined. */
export function text(v: MetadataValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The strings of a repeated element (a single one counts as a list of one). */
export function list(v: MetadataValue | undefined): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.filter((x): x is string => typeof x === 'string');
}

/** "A, B ,C" -> ["A", "B", "C"]: the ECA types' comma separated fields. */
export function commaList(v: MetadataValue | undefined): string[] {
  return (text(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
