/**
 * What a JSON Schema validator found wrong in a document, in plain data, so the domain can say it
 * in its own words (the policy file, the migrate mapping file): the validator runs outside the
 * domain (src/shared/jsonSchema.ts, ajv), the wording stays here, pure.
 */

export type SchemaIssue = {
  /** JSON Pointer of the value refused ("" is the whole document); for a refused key, the key's own pointer */
  readonly path: string;
  /** the JSON Schema keyword that refused it: type, enum, pattern, required, additionalProperties, ... */
  readonly keyword: string;
  /** JSON Pointer into the schema of the subschema holding the keyword ("" is the root schema) */
  readonly at: string;
  /** set when a property name (not its value) was refused */
  readonly key?: string;
  /** the value refused (the key itself when `key` is set) */
  readonly value: unknown;
  readonly params: Readonly<Record<string, unknown>>;
  /** the subschema holding the keyword: its properties, enum, minimum, ... */
  readonly rule: Readonly<Record<string, unknown>>;
};

/** One problem in words; `path` is a JSON Pointer into the document, `line` where the text is known. */
export type DocumentError = { readonly path: string; readonly message: string; readonly line?: number };

/** A JSON Pointer one step further. */
export function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** "an object", "a string", "a whole number": what a JSON Schema type asks for, in words. */
export function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    object: 'an object',
    array: 'an array',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return typeof type === 'string' ? (words[type] ?? type) : 'of another type';
}

/** The property names a subschema allows, in the schema's order. */
export function allowedProperties(rule: Readonly<Record<string, unknown>>): string[] {
  const props = rule.properties;
  return typeof props === 'object' && props !== null ? Object.keys(props) : [];
}

/** "/waivers/0/expires: must be ..." ("(root)" for the whole document), with the line when known. */
export function formatDocumentError(e: DocumentError): string {
  return `${e.path === '' ? '(root)' : e.path}${e.line ? ` (line ${e.line})` : ''}: ${e.message}`;
}

/** Keeps the first of errors that say the same thing about the same place (two keywords can refuse one value). */
export function uniqueErrors<T extends DocumentError>(errors: readonly T[]): T[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
