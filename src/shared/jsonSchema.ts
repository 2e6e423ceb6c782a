/**
 * The JSON files a user writes for the plugin (`.eca-policy.json`, the migrate mapping file) are
 * checked by ajv against their JSON Schemas in schemas/, the same files editors use. ajv says what
 * is refused; the domain says it in words (policy/config.ts, migrate/mapping.ts), and this layer
 * adds the line of each problem when the file's text is known.
 *
 * Import lazily: it loads ajv (compiled once per schema, on first use).
 */
import { readFile } from 'node:fs/promises';
import { type ConfigValidation, type PolicyConfig, policyFileErrors } from '../domain/policy/config.js';
import { type MappingValidation, mappingFileErrors, type MigrationMapping } from '../domain/migrate/mapping.js';
import { type DocumentError, type SchemaIssue, typeWords, uniqueErrors } from '../domain/schemaIssues.js';
import type { SnapshotManifest } from '../domain/snapshot/manifest.js';

export type SchemaName = 'eca-policy-file' | 'eca-migrate-mapping' | 'eca-snapshot-manifest' | 'eca-report';

type AjvError = {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  propertyName?: string;
  data?: unknown;
  parentSchema?: object;
};
type Compiled = { validate: ((doc: unknown) => boolean) & { errors?: AjvError[] | null }; where: Map<object, string> };

/** The schema files ship in the package's schemas/ folder, two levels above this module (src/shared, lib/shared). */
export function schemaFile(name: SchemaName): URL {
  return new URL(`../../schemas/${name}.json`, import.meta.url);
}

const compiled = new Map<SchemaName, Promise<Compiled>>();

/** Every subschema of a schema by object identity, with its JSON Pointer: how an issue names the rule it broke. */
function subschemas(schema: unknown): Map<object, string> {
  const where = new Map<object, string>();
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    if (!Array.isArray(node)) where.set(node, path);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(schema, '');
  return where;
}

async function compile(name: SchemaName): Promise<Compiled> {
  const [ajvModule, formatsModule, text] = await Promise.all([import('ajv'), import('ajv-formats'), readFile(schemaFile(name), 'utf8')]);
  const schema = JSON.parse(text) as object;
  const ajv = new ajvModule.Ajv({ allErrors: true, strict: true, verbose: true });
  // ajv-formats is CommonJS: its plugin is the module itself or its default
  type Plugin = (a: unknown) => unknown;
  const plugin = formatsModule.default as unknown as Plugin | { default: Plugin };
  (typeof plugin === 'function' ? plugin : plugin.default)(ajv);
  return { validate: ajv.compile(schema) as Compiled['validate'], where: subschemas(schema) };
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** What the schema refuses in a parsed document, as plain data for the domain's words. */
export async function schemaIssues(name: SchemaName, doc: unknown): Promise<SchemaIssue[]> {
  let entry = compiled.get(name);
  if (!entry) {
    entry = compile(name);
    compiled.set(name, entry);
  }
  const { validate, where } = await entry;
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => {
    const key = e.propertyName;
    return {
      path: key === undefined ? e.instancePath : `${e.instancePath}/${escapeKey(key)}`,
      keyword: e.keyword,
      at: (e.parentSchema && where.get(e.parentSchema)) ?? '?',
      ...(key === undefined ? {} : { key }),
      value: key === undefined ? e.data : key,
      params: e.params,
      rule: (e.parentSchema ?? {}) as Record<string, unknown>,
    };
  });
}

/**
 * The line of each problem in the file's text (JSON or YAML; `yaml` reads both with positions).
 * A text it cannot read leaves the errors without lines.
 */
export async function withLines<T extends DocumentError>(errors: readonly T[], text: string | undefined): Promise<T[]> {
  if (text === undefined || errors.length === 0) return [...errors];
  const { isMap, isSeq, LineCounter, parseDocument } = await import('yaml');
  const counter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return [...errors];
  }
  const lineOf = (path: string): number | undefined => {
    let node: unknown = doc.contents;
    let at: unknown = node;
    for (const raw of path.split('/').slice(1)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === key);
        if (!pair) break;
        at = pair.key;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(key)];
        at = node;
      } else {
        break;
      }
    }
    const range = (at as { range?: [number, number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  return errors.map((e) => ({ ...e, line: e.line ?? lineOf(e.path) }));
}

/** Checks a parsed `.eca-policy.json`; every problem with its JSON Pointer (and line, given the text). */
export async function validatePolicyFile(doc: unknown, text?: string): Promise<ConfigValidation> {
  const errors = policyFileErrors(await schemaIssues('eca-policy-file', doc));
  return errors.length ? { ok: false, errors: await withLines(errors, text) } : { ok: true, config: doc as PolicyConfig };
}

/** Checks a parsed migrate mapping file (JSON or YAML); every problem with its JSON Pointer (and line, given the text). */
export async function validateMappingFile(doc: unknown, text?: string): Promise<MappingValidation> {
  const errors = mappingFileErrors(await schemaIssues('eca-migrate-mapping', doc), doc);
  return errors.length ? { ok: false, errors: await withLines(errors, text) } : { ok: true, mapping: doc as MigrationMapping };
}

/** A schema issue in plain words, for documents the plugin writes itself (snapshot.json): no hints, just what is wrong. */
function plainIssue(i: SchemaIssue): DocumentError {
  const p = i.params;
  switch (i.keyword) {
    case 'required':
      return { path: i.path, message: `"${String(p.missingProperty)}" is missing` };
    case 'additionalProperties':
      return { path: i.path, message: 'is not a field of this document' };
    case 'type':
      return { path: i.path, message: `must be ${typeWords(p.type)}` };
    case 'enum':
    case 'const':
      return { path: i.path, message: `must be ${JSON.stringify(p.allowedValues ?? p.allowedValue)}` };
    default:
      return { path: i.path, message: `does not match the schema (${i.keyword}${p && Object.keys(p).length ? ` ${JSON.stringify(p)}` : ''})` };
  }
}

/** Checks a parsed snapshot.json against schemas/eca-snapshot-manifest.json (the file a snapshot writes and diff and restore read). */
export async function validateSnapshotManifest(doc: unknown, text?: string): Promise<{ ok: true; manifest: SnapshotManifest } | { ok: false; errors: DocumentError[] }> {
  const issues = await schemaIssues('eca-snapshot-manifest', doc);
  if (issues.length === 0) return { ok: true, manifest: doc as SnapshotManifest };
  return { ok: false, errors: await withLines(uniqueErrors(issues.map(plainIssue)), text) };
}

/** Checks a parsed report.json (an earlier `sf eca report`, for --baseline): each problem as "path: what", none when valid. */
export async function reportFileIssues(doc: unknown): Promise<string[]> {
  return (await schemaIssues('eca-report', doc)).map((i) => {
    const at = i.path || '/';
    switch (i.keyword) {
      case 'required':
        return `${at}: missing "${String(i.params.missingProperty)}"`;
      case 'additionalProperties':
        return `${at}: "${String(i.key ?? i.params.additionalProperty)}" is not allowed`;
      case 'enum':
      case 'const':
        return `${at}: ${JSON.stringify(i.value)} is not one of the allowed values`;
      case 'type':
        return `${at}: must be ${String(i.params.type)}`;
      default:
        return `${at}: ${i.keyword}`;
    }
  });
}
