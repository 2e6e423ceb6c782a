/**
 * Metadata XML in exactly the form Salesforce retrieves it, read and written with fast-xml-parser
 * (the library SDR uses), driven by the schema: element order, booleans, numbers and repeated
 * elements come from the WSDL knowledge in ./schema, never from the document's own shape.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { fieldKind, fieldSpec, type FieldSpec, typeSpec } from './schema/index.js';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export type MetadataValue = string | number | boolean | MetadataValues | MetadataValue[];
export type MetadataValues = { [field: string]: MetadataValue | undefined };

/** Where an element stands in the document, for messages that name a line. */
export type ElementPosition = {
  name: string;
  line: number;
  column: number;
  children: ElementPosition[];
};

export type ParsedMetadata = {
  /** the root element: the metadata type */
  type: string;
  /** the root's xmlns attribute, undefined when missing */
  namespace: string | undefined;
  values: MetadataValues;
  /** the root's child elements in document order, with positions */
  elements: ElementPosition[];
};

export class MetadataXmlError extends Error {
  public constructor(message: string, public readonly line?: number, public readonly column?: number) {
    super(message);
    this.name = 'MetadataXmlError';
  }
}

type OrderedNode = { [tag: string]: OrderedNode[] | string | Record<string, string> | undefined } & {
  ':@'?: Record<string, string>;
  '#text'?: string;
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  commentPropName: '#comment',
});

const builder = new XMLBuilder({
  format: true,
  indentBy: '    ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressBooleanAttributes: false,
  suppressEmptyNode: false,
});

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

/** Line and column of every start tag, in document order (comments, CDATA, PIs skipped). */
function startTagPositions(xml: string): Array<{ line: number; column: number }> {
  const positions: Array<{ line: number; column: number }> = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < xml.length; i++) {
    const ch = xml[i];
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (ch !== '<') continue;
    const skipTo = (end: string): void => {
      const j = xml.indexOf(end, i);
      const stop = j < 0 ? xml.length : j + end.length;
      for (let k = i; k < stop; k++) {
        if (xml[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = stop - 1;
    };
    if (xml.startsWith('<!--', i)) skipTo('-->');
    else if (xml.startsWith('<![CDATA[', i)) skipTo(']]>');
    else if (xml[i + 1] === '?' || xml[i + 1] === '!') skipTo('>');
    else if (xml[i + 1] !== '/') positions.push({ line, column: i - lineStart + 1 });
  }
  return positions;
}

function textOf(children: OrderedNode[]): string {
  return children
    .filter((c) => tagOf(c) === '#text')
    .map((c) => String(c['#text'] ?? ''))
    .join('');
}

function elementChildren(children: OrderedNode[]): OrderedNode[] {
  return children.filter((c) => {
    const tag = tagOf(c);
    return tag !== undefined && tag !== '#text' && tag !== '#comment';
  });
}

/** Converts one element's text by its schema type; text that does not fit stays a string. */
function scalar(text: string, field: FieldSpec | undefined): MetadataValue {
  if (!field) return text;
  const kind = fieldKind(field);
  if (kind === 'boolean') {
    const t = text.trim();
    return t === 'true' ? true : t === 'false' ? false : text;
  }
  if (kind === 'int') {
    const t = text.trim();
    return /^-?\d+$/.test(t) ? Number.parseInt(t, 10) : text;
  }
  return text;
}

function readElements(
  nodes: OrderedNode[],
  typeName: string | undefined,
  positions: Array<{ line: number; column: number }>,
  cursor: { index: number }
): { values: MetadataValues; elements: ElementPosition[] } {
  const values: MetadataValues = {};
  const elements: ElementPosition[] = [];
  for (const node of elementChildren(nodes)) {
    const name = tagOf(node) as string;
    const pos = positions[cursor.index++] ?? { line: 0, column: 0 };
    const children = (node[name] as OrderedNode[] | undefined) ?? [];
    const field = typeName ? fieldSpec(typeName, name) : undefined;
    const nested = elementChildren(children);
    let value: MetadataValue;
    let childPositions: ElementPosition[] = [];
    const complex = field ? fieldKind(field) === 'complex' : nested.length > 0;
    if (complex) {
      const inner = readElements(children, field?.type, positions, cursor);
      value = inner.values;
      childPositions = inner.elements;
    } else {
      // a scalar field that (wrongly) holds elements: keep its text, skip the positions inside
      cursor.index += countElements(nested);
      value = scalar(textOf(children), field);
    }
    elements.push({ name, line: pos.line, column: pos.column, children: childPositions });
    const existing = values[name];
    if (field?.list) {
      values[name] = [...((existing as MetadataValue[] | undefined) ?? []), value];
    } else if (existing !== undefined) {
      // repeated where the schema says single (or unknown): keep every occurrence
      values[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    } else {
      values[name] = value;
    }
  }
  return { values, elements };
}

function countElements(nodes: OrderedNode[]): number {
  let n = 0;
  for (const node of nodes) {
    const name = tagOf(node) as string;
    n += 1 + countElements(elementChildren((node[name] as OrderedNode[] | undefined) ?? []));
  }
  return n;
}

/**
 * Reads a metadata file. Throws MetadataXmlError (with line and column) when the XML is not
 * well formed or has no single root element.
 */
export function parseMetadataXml(xml: string): ParsedMetadata {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const check = XMLValidator.validate(text);
  if (check !== true) {
    throw new MetadataXmlError(check.err.msg, check.err.line, check.err.col);
  }
  const doc = parser.parse(text) as OrderedNode[];
  const roots = elementChildren(doc).filter((n) => !(tagOf(n) ?? '').startsWith('?'));
  if (roots.length !== 1) {
    throw new MetadataXmlError(`expected one root element, found ${roots.length}`, 1, 1);
  }
  const root = roots[0];
  const type = tagOf(root) as string;
  const attrs = (root[':@'] ?? {}) as Record<string, string>;
  const positions = startTagPositions(text);
  const cursor = { index: 1 }; // positions[0] is the root
  const { values, elements } = readElements(
    (root[type] as OrderedNode[] | undefined) ?? [],
    typeSpec(type) ? type : undefined,
    positions,
    cursor
  );
  return { type, namespace: attrs.xmlns, values, elements };
}

function orderedKeys(typeName: string | undefined, values: MetadataValues): string[] {
  const spec = typeName ? typeSpec(typeName) : undefined;
  const present = Object.keys(values).filter((k) => values[k] !== undefined);
  if (!spec) return present;
  const index = new Map(spec.fields.map((f, i) => [f.name, i]));
  // An element the schema does not know (newer than it) goes where the alphabetical sequence
  // of these types puts it: right after the last known field that sorts before it.
  const rank = (name: string): number => {
    const known = index.get(name);
    if (known !== undefined) return known;
    let after = -1;
    spec.fields.forEach((f, i) => {
      if (f.name < name) after = i;
    });
    return after + 0.5;
  };
  return present.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function toBuilderValue(value: MetadataValue, typeName: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => toBuilderValue(v, typeName));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return toBuilderObject(value, typeName);
}

function toBuilderObject(values: MetadataValues, typeName: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of orderedKeys(typeName, values)) {
    const field = typeName ? fieldSpec(typeName, key) : undefined;
    const childType = field && fieldKind(field) === 'complex' ? field.type : undefined;
    out[key] = toBuilderValue(values[key] as MetadataValue, childType);
  }
  return out;
}

/**
 * Writes a metadata file as Salesforce retrieves it: declaration, metadata namespace, 4-space
 * indent, elements in WSDL sequence order, lists as repeated elements, booleans true/false,
 * text escaped, one trailing newline.
 */
export function serializeMetadataXml(type: string, values: MetadataValues): string {
  const body = toBuilderObject(values, typeSpec(type) ? type : undefined);
  const built = String(builder.build({ [type]: { '@_xmlns': METADATA_NS, ...body } }));
  return XML_DECLARATION + (built.endsWith('\n') ? built : `${built}\n`);
}
