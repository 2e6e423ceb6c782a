/**
 * The simulator's knowledge of the ECA and Connected App metadata types, read from its own XSDs
 * (simulator/xsd/metadata-<version>.xsd, generated from the Metadata WSDL subset and
 * @salesforce/types): per API version, each type's elements in sequence order, their XSD type,
 * whether they are required or repeat, and the enums. Nothing here comes from the plugin.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
/** The API versions the simulator has an XSD for, oldest first. */
export const SCHEMA_VERSIONS: readonly number[] = [59, 60, 61, 62, 63, 64, 65, 66, 67];

export const XSD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'xsd');

export type ElementKind = 'string' | 'boolean' | 'int' | 'double' | 'base64' | 'enum' | 'complex';

export type ElementDecl = {
  name: string;
  /** "xsd:string", or the name of an enum or complex type */
  type: string;
  kind: ElementKind;
  required: boolean;
  list: boolean;
};

export type ComplexType = { name: string; metadataType: boolean; elements: readonly ElementDecl[] };

export type VersionSchema = {
  version: number;
  /** the XSD text, for the validator */
  xsd: string;
  types: ReadonlyMap<string, ComplexType>;
  enums: ReadonlyMap<string, readonly string[]>;
};

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  isArray: (name) => ['complexType', 'simpleType', 'element', 'enumeration'].includes(name),
});

function arr(v: unknown): Node[] {
  return Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node];
}

function localType(type: string): string {
  return type.startsWith('tns:') ? type.slice(4) : type;
}

function kindOf(type: string, enums: ReadonlyMap<string, readonly string[]>): ElementKind {
  switch (type) {
    case 'xsd:string':
      return 'string';
    case 'xsd:boolean':
      return 'boolean';
    case 'xsd:int':
      return 'int';
    case 'xsd:double':
      return 'double';
    case 'xsd:base64Binary':
      return 'base64';
    default:
      return enums.has(type) ? 'enum' : 'complex';
  }
}

/** Reads the model out of an XSD the generator wrote. */
export function readXsd(version: number, xsd: string): VersionSchema {
  const doc = parser.parse(xsd) as { schema: Node };
  const schema = doc.schema;
  const enums = new Map<string, string[]>();
  for (const s of arr(schema.simpleType)) {
    const restriction = s.restriction as Node | undefined;
    enums.set(String(s['@name']), arr(restriction?.enumeration).map((e) => String(e['@value'])));
  }
  const types = new Map<string, ComplexType>();
  for (const c of arr(schema.complexType)) {
    const name = String(c['@name']);
    if (name === 'Metadata') continue;
    const extension = (c.complexContent as Node | undefined)?.extension as Node | undefined;
    const sequence = (extension ? extension.sequence : c.sequence) as Node | undefined;
    const own = arr(sequence?.element).map((e): ElementDecl => {
      const type = localType(String(e['@type']));
      return { name: String(e['@name']), type, kind: kindOf(type, enums), required: e['@minOccurs'] !== '0', list: e['@maxOccurs'] === 'unbounded' };
    });
    // every metadata type extends Metadata, whose one element (fullName) comes first
    const elements = extension ? [{ name: 'fullName', type: 'xsd:string', kind: 'string' as const, required: false, list: false }, ...own] : own;
    types.set(name, { name, metadataType: extension !== undefined, elements });
  }
  return { version, xsd, types, enums };
}

const cache = new Map<number, VersionSchema>();

/** The nearest version the simulator has an XSD for (older versions use 59.0, newer 67.0). */
export function schemaVersionFor(apiVersion: number): number {
  const v = Math.floor(apiVersion);
  return Math.min(Math.max(v, SCHEMA_VERSIONS[0]), SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1]);
}

export function schemaFor(apiVersion: number): VersionSchema {
  const version = schemaVersionFor(apiVersion);
  let s = cache.get(version);
  if (!s) {
    s = readXsd(version, readFileSync(join(XSD_DIR, `metadata-${version.toFixed(1)}.xsd`), 'utf8'));
    cache.set(version, s);
  }
  return s;
}

/** The newest schema: what the simulator reads stored values with. */
export function latestSchema(): VersionSchema {
  return schemaFor(SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1]);
}

export function element(schema: VersionSchema, typeName: string, name: string): ElementDecl | undefined {
  return schema.types.get(typeName)?.elements.find((e) => e.name === name);
}

/** The first version that knows a metadata type, or undefined when none does. */
export function typeSince(typeName: string): number | undefined {
  return SCHEMA_VERSIONS.find((v) => schemaFor(v).types.get(typeName)?.metadataType === true);
}
