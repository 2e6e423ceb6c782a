/**
 * Generates the XML Schemas the simulator judges deploys with: one XSD per API version the
 * simulator serves (59.0 to 67.0), from two outside sources and nothing of the plugin's:
 *
 * - ../shared/salesforce/metadata-eca-subset.json: every ECA and Connected App type of the Metadata
 *   API WSDL 56.0 to 66.0 (element order, occurrence, XSD types, enums, the version each appeared in);
 * - @salesforce/types (lib/metadata.d.ts), which Salesforce generates from the Metadata WSDL of
 *   API 67.0: the fields, types and enum values the subset lacks are added as new in 67.0.
 *
 *   npm run simulator:xsd            write simulator/xsd/metadata-<version>.xsd
 *   npm run simulator:xsd -- --check write nothing; exit 1 when a committed XSD is stale
 *
 * The generated files are committed, so the simulator needs neither source at run time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
/** The API versions the simulator serves, oldest first. */
export const XSD_VERSIONS: readonly number[] = [59, 60, 61, 62, 63, 64, 65, 66, 67];
/** The version @salesforce/types 1.9.0 describes. */
export const TYPES_PACKAGE_VERSION = 67;

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

export type ModelField = { name: string; type: string; required: boolean; list: boolean; since: number };
export type ModelType = { name: string; metadataType: boolean; since: number; fields: ModelField[] };
export type ModelEnum = { name: string; since: number; values: Array<{ value: string; since: number }> };
export type SchemaModel = { types: Map<string, ModelType>; enums: Map<string, ModelEnum>; notes: string[] };

type SubsetField = { name: string; type: string; required: boolean; list: boolean; since: number };
type Subset = {
  source: string;
  types: Record<string, { metadataType: boolean; since: number; fields: SubsetField[] }>;
  enums: Record<string, string[]>;
};

/** A property of a type in @salesforce/types' metadata.d.ts. */
type DtsField = { name: string; optional: boolean; type: string; list: boolean };
type DtsModel = { types: Map<string, { metadataType: boolean; fields: DtsField[] }>; enums: Map<string, string[]> };

export function defaultSubsetPath(): string {
  return resolve(ROOT, '..', 'shared', 'salesforce', 'metadata-eca-subset.json');
}

export function defaultTypesPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@salesforce/types/metadata')), 'metadata.d.ts');
}

/** Reads metadata.d.ts with the TypeScript parser: object types, and string-literal unions (enums). */
export function readTypesDts(text: string): DtsModel {
  const file = ts.createSourceFile('metadata.d.ts', text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const types: DtsModel['types'] = new Map();
  const enums: DtsModel['enums'] = new Map();
  const typeText = (node: ts.TypeNode): { type: string; list: boolean } => {
    if (ts.isArrayTypeNode(node)) return { type: typeText(node.elementType).type, list: true };
    if (ts.isTypeReferenceNode(node)) return { type: node.typeName.getText(file), list: false };
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'xsd:string', list: false };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'xsd:boolean', list: false };
      case ts.SyntaxKind.NumberKeyword:
        // xsd:int and xsd:double both become `number`: a new numeric field needs a person to decide
        return { type: 'number', list: false };
      default:
        return { type: node.getText(file), list: false };
    }
  };
  const members = (literal: ts.TypeLiteralNode): DtsField[] =>
    literal.members.filter(ts.isPropertySignature).map((m) => {
      const t = m.type ? typeText(m.type) : { type: 'xsd:string', list: false };
      return { name: m.name.getText(file), optional: m.questionToken !== undefined, type: t.type, list: t.list };
    });
  for (const st of file.statements) {
    if (!ts.isTypeAliasDeclaration(st)) continue;
    const name = st.name.text;
    const node = st.type;
    if (ts.isTypeLiteralNode(node)) {
      types.set(name, { metadataType: false, fields: members(node) });
    } else if (ts.isIntersectionTypeNode(node)) {
      const literal = node.types.find(ts.isTypeLiteralNode);
      const base = node.types.some((t) => ts.isTypeReferenceNode(t) && t.typeName.getText(file) === 'Metadata');
      if (literal) types.set(name, { metadataType: base, fields: members(literal) });
    } else if (ts.isUnionTypeNode(node) && node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
      enums.set(name, node.types.map((t) => ((t as ts.LiteralTypeNode).literal as ts.StringLiteral).text));
    } else if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) {
      enums.set(name, [node.literal.text]);
    }
  }
  return { types, enums };
}

const isEcaFamily = (name: string): boolean => /^(ExternalClientApp|ExtlClntApp|ConnectedApp)/.test(name);

/**
 * The merged model: the WSDL subset as it is, plus what @salesforce/types has beyond it, dated
 * API 67.0. Fields are inserted where the d.ts (which keeps the WSDL sequence) puts them.
 */
export function buildSchemaModel(subsetText: string, dtsText: string): SchemaModel {
  const subset = JSON.parse(subsetText) as Subset;
  const dts = readTypesDts(dtsText);
  const notes: string[] = [];
  const types = new Map<string, ModelType>();
  const enums = new Map<string, ModelEnum>();
  for (const [name, t] of Object.entries(subset.types)) {
    types.set(name, { name, metadataType: t.metadataType, since: t.since, fields: t.fields.map((f) => ({ ...f })) });
  }
  for (const [name, values] of Object.entries(subset.enums)) {
    // the subset does not date enum values: present since the type that first uses them, or 56.0
    enums.set(name, { name, since: 56, values: values.map((value) => ({ value, since: 56 })) });
  }
  const wanted: string[] = [];
  const addType = (name: string): void => {
    if (types.has(name) || enums.has(name)) return;
    const e = dts.enums.get(name);
    if (e) {
      enums.set(name, { name, since: TYPES_PACKAGE_VERSION, values: e.map((value) => ({ value, since: TYPES_PACKAGE_VERSION })) });
      return;
    }
    const t = dts.types.get(name);
    if (!t) throw new Error(`@salesforce/types names ${name}, which it does not define`);
    types.set(name, { name, metadataType: t.metadataType, since: TYPES_PACKAGE_VERSION, fields: [] });
    wanted.push(name);
  };
  const toField = (typeName: string, f: DtsField): ModelField => {
    if (f.type === 'number') throw new Error(`${typeName}.${f.name} is a number in @salesforce/types: decide xsd:int or xsd:double in the generator`);
    if (!f.type.startsWith('xsd:')) addType(f.type);
    return { name: f.name, type: f.type, required: !f.optional && !f.list, list: f.list, since: TYPES_PACKAGE_VERSION };
  };
  // new metadata types of the ECA family
  for (const [name, t] of dts.types) {
    if (t.metadataType && isEcaFamily(name) && !types.has(name)) addType(name);
  }
  // new fields of known types
  for (const t of [...types.values()]) {
    const d = dts.types.get(t.name);
    if (!d) {
      notes.push(`${t.name}: not in @salesforce/types ${TYPES_PACKAGE_VERSION}.0; kept as the WSDL subset has it`);
      continue;
    }
    const dNames = new Set(d.fields.map((f) => f.name));
    for (const f of t.fields) {
      if (!dNames.has(f.name)) notes.push(`${t.name}.${f.name}: not in @salesforce/types ${TYPES_PACKAGE_VERSION}.0; kept as the WSDL subset has it`);
    }
    let cursor = -1;
    for (const df of d.fields) {
      const at = t.fields.findIndex((f) => f.name === df.name);
      if (at >= 0) {
        cursor = at;
        continue;
      }
      t.fields.splice(cursor + 1, 0, toField(t.name, df));
      cursor++;
    }
  }
  // whole new types (and the types they bring)
  while (wanted.length) {
    const name = wanted.shift() as string;
    const t = types.get(name) as ModelType;
    t.fields = (dts.types.get(name)?.fields ?? []).map((f) => toField(name, f));
  }
  // new enum values
  for (const e of enums.values()) {
    for (const value of dts.enums.get(e.name) ?? []) {
      if (!e.values.some((v) => v.value === value)) e.values.push({ value, since: TYPES_PACKAGE_VERSION });
    }
  }
  return { types, enums, notes };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function qname(type: string): string {
  return type.startsWith('xsd:') ? type : `tns:${type}`;
}

/** The XSD of one API version: types, fields and enum values that version knows. */
export function renderXsd(model: SchemaModel, version: number): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Generated by simulator/xsd/generate.ts (npm run simulator:xsd); do not edit.`,
    `     Metadata API ${version.toFixed(1)}, External Client App and Connected App types, from the Metadata WSDL`,
    `     subset 56.0-66.0 (../shared/salesforce/metadata-eca-subset.json) and @salesforce/types (API ${TYPES_PACKAGE_VERSION}.0). -->`,
    `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${METADATA_NS}" targetNamespace="${METADATA_NS}" elementFormDefault="qualified">`,
    '    <xsd:complexType name="Metadata">',
    '        <xsd:sequence>',
    '            <xsd:element name="fullName" minOccurs="0" type="xsd:string"/>',
    '        </xsd:sequence>',
    '    </xsd:complexType>',
  ];
  const known = [...model.types.values()].filter((t) => t.since <= version).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const t of known) {
    const fields = t.fields.filter((f) => f.since <= version);
    const body = fields.map((f) => {
      const occurs = `${f.required ? '' : ' minOccurs="0"'}${f.list ? ' maxOccurs="unbounded"' : ''}`;
      return `<xsd:element name="${esc(f.name)}"${occurs} type="${qname(f.type)}"/>`;
    });
    lines.push(`    <xsd:complexType name="${esc(t.name)}">`);
    if (t.metadataType) {
      lines.push('        <xsd:complexContent>', '            <xsd:extension base="tns:Metadata">', '                <xsd:sequence>');
      lines.push(...body.map((b) => `                    ${b}`));
      lines.push('                </xsd:sequence>', '            </xsd:extension>', '        </xsd:complexContent>');
    } else {
      lines.push('        <xsd:sequence>', ...body.map((b) => `            ${b}`), '        </xsd:sequence>');
    }
    lines.push('    </xsd:complexType>');
  }
  const enums = [...model.enums.values()].filter((e) => e.since <= version).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of enums) {
    lines.push(`    <xsd:simpleType name="${esc(e.name)}">`, '        <xsd:restriction base="xsd:string">');
    for (const v of e.values.filter((x) => x.since <= version)) lines.push(`            <xsd:enumeration value="${esc(v.value)}"/>`);
    lines.push('        </xsd:restriction>', '    </xsd:simpleType>');
  }
  for (const t of known.filter((x) => x.metadataType)) lines.push(`    <xsd:element name="${esc(t.name)}" type="tns:${esc(t.name)}"/>`);
  lines.push('</xsd:schema>', '');
  return lines.join('\n');
}

export function xsdFileName(version: number): string {
  return `metadata-${version.toFixed(1)}.xsd`;
}

/** Every XSD by file name, generated from the two sources. */
export function generateXsds(subsetPath = defaultSubsetPath(), typesPath = defaultTypesPath()): Map<string, string> {
  const model = buildSchemaModel(readFileSync(subsetPath, 'utf8'), readFileSync(typesPath, 'utf8'));
  return new Map(XSD_VERSIONS.map((v) => [xsdFileName(v), renderXsd(model, v)]));
}

function main(): void {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const subset = args.find((a) => !a.startsWith('--')) ?? defaultSubsetPath();
  if (!existsSync(subset)) throw new Error(`${subset} not found: pass the path of metadata-eca-subset.json`);
  let stale = 0;
  for (const [name, text] of generateXsds(subset)) {
    const path = join(HERE, name);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    stale++;
    if (check) process.stderr.write(`${name} is stale: run npm run simulator:xsd\n`);
    else writeFileSync(path, text);
  }
  if (check && stale) process.exit(1);
  if (!check) process.stdout.write(`${stale} XSD file(s) written to ${HERE}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
