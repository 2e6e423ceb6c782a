/**
 * Metadata XML in exactly the form Salesforce retrieves it, driven by the schema: element order,
 * booleans, numbers and repeated elements come from the WSDL knowledge in ./schema, never from the
 * document's own shape.
 *
 * Read in one strict pass with saxes (an XML 1.0 well-formedness checker that streams events);
 * a file saxes refuses, or one that holds a construct fast-xml-parser reads its own way, is read
 * again by fast-xml-parser's validator and parser (the library SDR uses), so its error message,
 * line and column, and what is accepted, stay what they were. Where the two read a file both
 * accept differently, XML 1.0 decides: character references are decoded and line ends read as line
 * feeds (fast-xml-parser, with HTML entities off, kept `&#233;` as written and kept carriage
 * returns). Written with fast-xml-parser.
 */
import { XMLBuilder, type XMLMetaData, XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
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

/**
 * The first character XML 1.0 cannot carry (Char production: tab, line feed, carriage return,
 * U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF), with its 0-based index, or undefined.
 */
export function firstInvalidXmlChar(text: string): { index: number; codePoint: string } | undefined {
  // eslint-disable-next-line no-control-regex
  const m = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  if (!m) return undefined;
  return { index: m.index, codePoint: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}

/** malformed: not well-formed XML; doctype: a DOCTYPE, which metadata never has; invalid-character: a character XML 1.0 forbids. */
export type MetadataXmlErrorCode = 'malformed' | 'doctype' | 'invalid-character';

const ERROR_NAMES: Readonly<Record<MetadataXmlErrorCode, string>> = {
  malformed: 'MetadataXmlError',
  doctype: 'MetadataDoctypeError',
  'invalid-character': 'MetadataInvalidCharacterError',
};

/** A metadata file that cannot be read (or a value that cannot be written), with the line where known; the caller adds the file. */
export class MetadataXmlError extends Error {
  public constructor(
    message: string,
    public readonly line?: number,
    public readonly column?: number,
    public readonly code: MetadataXmlErrorCode = 'malformed'
  ) {
    super(message);
    this.name = ERROR_NAMES[code];
  }
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

function insideComment(text: string, index: number): boolean {
  return text.lastIndexOf('<!--', index) > text.lastIndexOf('-->', index);
}

/** A Char of XML 1.0 (tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF). */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Refuses what Salesforce's metadata never holds and what a parser must not act on: a DOCTYPE
 * (internal entities expand, external ones reach the file system or the network: fast-xml-parser
 * expands internal ones), and characters XML 1.0 forbids, raw or as character references (which
 * fast-xml-parser drops silently).
 */
function refuseHostileInput(text: string): void {
  for (const m of text.matchAll(/<!DOCTYPE/gi)) {
    if (insideComment(text, m.index)) continue;
    const at = lineAndColumn(text, m.index);
    throw new MetadataXmlError('the file has a DOCTYPE declaration; metadata files have none, and it is not read', at.line, at.column, 'doctype');
  }
  const raw = firstInvalidXmlChar(text);
  if (raw) {
    const at = lineAndColumn(text, raw.index);
    throw new MetadataXmlError(`the file holds ${raw.codePoint}, a character XML 1.0 forbids`, at.line, at.column, 'invalid-character');
  }
  for (const m of text.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const cp = m[1].startsWith('x') ? Number.parseInt(m[1].slice(1), 16) : Number.parseInt(m[1], 10);
    if (isXmlChar(cp) || insideComment(text, m.index)) continue;
    const at = lineAndColumn(text, m.index);
    throw new MetadataXmlError(`the character reference ${m[0]} stands for ${codePointName(cp)}, a character XML 1.0 forbids`, at.line, at.column, 'invalid-character');
  }
}

type OrderedNode = { [tag: string]: OrderedNode[] | string | Record<string, string> | undefined } & {
  ':@'?: Record<string, string>;
  '#text'?: string;
};

const parserOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  commentPropName: '#comment',
  // no callbacks read a path: hand them the matcher instead of a string built for every tag
  jPath: false,
} as const;
/** Values only (an org's files): no positions to record. */
const parser = new XMLParser(parserOptions);
/** Values and where each element starts: the parser records each start tag's offset as it goes. */
const locatingParser = new XMLParser({ ...parserOptions, captureMetaData: true });
// typed Symbol (the wrapper) by the library; it is the primitive symbol at run time
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

const builder = new XMLBuilder({
  format: true,
  indentBy: '    ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressBooleanAttributes: false,
  suppressEmptyNode: false,
});

function tagOf(node: OrderedNode): string | undefined {
  for (const k in node) if (k !== ':@') return k;
  return undefined;
}

/** A type's fields by name, built once per type (every element of every file asks). */
const fieldIndex = new Map<string, Map<string, FieldSpec>>();
function fieldOf(typeName: string, name: string): FieldSpec | undefined {
  let fields = fieldIndex.get(typeName);
  if (!fields) {
    fields = new Map((typeSpec(typeName)?.fields ?? []).map((f) => [f.name, f]));
    fieldIndex.set(typeName, fields);
  }
  return fields.get(name);
}

/**
 * Line and column of an offset, from the offsets of the document's line breaks (computed once, on
 * the first element that asks).
 */
class LineIndex {
  private breaks: number[] | undefined;
  public constructor(private readonly text: string) {}

  public position(offset: number | undefined): { line: number; column: number } {
    if (offset === undefined) return { line: 0, column: 0 };
    if (!this.breaks) {
      this.breaks = [];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.breaks.push(i);
    }
    let low = 0;
    let high = this.breaks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.breaks[mid] < offset) low = mid + 1;
      else high = mid;
    }
    return { line: low + 1, column: offset - (low === 0 ? 0 : this.breaks[low - 1] + 1) + 1 };
  }
}

function textOf(children: OrderedNode[]): string {
  let text = '';
  for (const c of children) if (tagOf(c) === '#text') text += String(c['#text'] ?? '');
  return text;
}

function isElement(node: OrderedNode): boolean {
  const tag = tagOf(node);
  return tag !== undefined && tag !== '#text' && tag !== '#comment';
}

function elementChildren(children: OrderedNode[]): OrderedNode[] {
  return children.filter(isElement);
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

/** Adds an element's value: a list field (by the schema) is an array; a repeat where the schema says single (or unknown) keeps every occurrence. */
function addValue(values: MetadataValues, name: string, field: FieldSpec | undefined, value: MetadataValue): void {
  const existing = values[name];
  if (field?.list) {
    if (existing === undefined) values[name] = [value];
    else (existing as MetadataValue[]).push(value);
  } else if (existing !== undefined) {
    values[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  } else {
    values[name] = value;
  }
}

function readElements(
  nodes: OrderedNode[],
  typeName: string | undefined,
  lines: LineIndex | undefined
): { values: MetadataValues; elements: ElementPosition[] } {
  const values: MetadataValues = {};
  const elements: ElementPosition[] = [];
  for (const node of nodes) {
    if (!isElement(node)) continue;
    const name = tagOf(node) as string;
    const children = (node[name] as OrderedNode[] | undefined) ?? [];
    const field = typeName ? fieldOf(typeName, name) : undefined;
    let value: MetadataValue;
    let childPositions: ElementPosition[] = [];
    const complex = field ? fieldKind(field) === 'complex' : children.some(isElement);
    if (complex) {
      const inner = readElements(children, field?.type, lines);
      value = inner.values;
      childPositions = inner.elements;
    } else {
      // a scalar field that (wrongly) holds elements: keep its text, no positions inside
      value = scalar(textOf(children), field);
    }
    if (lines) {
      const pos = lines.position((node as unknown as Record<symbol, XMLMetaData | undefined>)[META]?.startIndex);
      elements.push({ name, line: pos.line, column: pos.column, children: childPositions });
    }
    addValue(values, name, field, value);
  }
  return { values, elements };
}

/** One element open in the strict pass: what its children build, and its own direct text. */
type OpenElement = {
  name: string;
  field: FieldSpec | undefined;
  /** the schema type its children belong to; undefined when unknown */
  childType: string | undefined;
  values: MetadataValues;
  elements: ElementPosition[];
  text: string;
  hasChildElement: boolean;
  offset: number;
};

/** Thrown inside the strict pass for a construct fast-xml-parser reads its own way. */
class LeftToFastXmlParser extends Error {}

/**
 * The one strict pass: saxes checks well-formedness (XML 1.0 characters, names, nesting, one
 * root, entities) as it streams, and the values are built as the elements close, with the same
 * rules as readElements. Returns undefined when saxes refuses the file, or when it holds a
 * processing instruction inside the document (fast-xml-parser reads one as an element).
 */
export function readStrict(text: string, locate: boolean): ParsedMetadata | undefined {
  const parser = new SaxesParser({ position: false });
  const lines = locate ? new LineIndex(text) : undefined;
  const stack: OpenElement[] = [];
  let root: { type: string; namespace: string | undefined; values: MetadataValues; elements: ElementPosition[] } | undefined;
  let offset = 0;
  parser.on('opentagstart', () => {
    offset = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      const known = typeSpec(tag.name) !== undefined;
      const ns = tag.attributes.xmlns;
      root = { type: tag.name, namespace: typeof ns === 'string' ? ns : undefined, values: {}, elements: [] };
      stack.push({ name: tag.name, field: undefined, childType: known ? tag.name : undefined, values: root.values, elements: root.elements, text: '', hasChildElement: false, offset });
      return;
    }
    parent.hasChildElement = true;
    const field = parent.childType ? fieldOf(parent.childType, tag.name) : undefined;
    stack.push({ name: tag.name, field, childType: field && fieldKind(field) === 'complex' ? field.type : undefined, values: {}, elements: [], text: '', hasChildElement: false, offset });
  });
  // an element's own text, CDATA sections included, as fast-xml-parser joins them
  const addText = (t: string): void => {
    const open = stack[stack.length - 1];
    if (open) open.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('processinginstruction', () => {
    if (stack.length) throw new LeftToFastXmlParser();
  });
  parser.on('closetag', () => {
    const el = stack.pop() as OpenElement;
    const parent = stack[stack.length - 1];
    if (!parent) return;
    const complex = el.field ? fieldKind(el.field) === 'complex' : el.hasChildElement;
    // a scalar field that (wrongly) holds elements keeps its own text and no positions inside
    const value = complex ? el.values : scalar(el.text, el.field);
    if (lines) {
      const pos = lines.position(el.offset);
      parent.elements.push({ name: el.name, line: pos.line, column: pos.column, children: complex ? el.elements : [] });
    }
    addValue(parent.values, el.name, el.field, value);
  });
  try {
    parser.write(text).close();
  } catch {
    return undefined;
  }
  return root;
}

/** The reading as it was before the strict pass: fast-xml-parser's validator, then its parser. */
export function readByFastXmlParser(text: string, locate: boolean): ParsedMetadata {
  const check = XMLValidator.validate(text);
  if (check !== true) {
    throw new MetadataXmlError(check.err.msg, check.err.line, check.err.col);
  }
  const doc = (locate ? locatingParser : parser).parse(text) as OrderedNode[];
  const roots = elementChildren(doc).filter((n) => !(tagOf(n) ?? '').startsWith('?'));
  if (roots.length !== 1) {
    throw new MetadataXmlError(`expected one root element, found ${roots.length}`, 1, 1);
  }
  const root = roots[0];
  const type = tagOf(root) as string;
  const attrs = (root[':@'] ?? {}) as Record<string, string>;
  const { values, elements } = readElements(
    (root[type] as OrderedNode[] | undefined) ?? [],
    typeSpec(type) ? type : undefined,
    locate ? new LineIndex(text) : undefined
  );
  return { type, namespace: attrs.xmlns, values, elements };
}

/**
 * Reads a metadata file. Throws MetadataXmlError (with line and column) when the XML is not
 * well formed or has no single root element, has a DOCTYPE (MetadataDoctypeError), or holds a
 * character XML 1.0 forbids (MetadataInvalidCharacterError). A well-formed file is read in one
 * pass; with `positions: false` (files read for their values only, such as an org's) `elements`
 * is empty.
 */
export function parseMetadataXml(xml: string, options: { positions?: boolean } = {}): ParsedMetadata {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  refuseHostileInput(text);
  const locate = options.positions !== false;
  return readStrict(text, locate) ?? readByFastXmlParser(text, locate);
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

/** Throws MetadataInvalidCharacterError for a text value XML cannot carry: a file must never be half valid. */
function refuseUnwritable(values: MetadataValues, path: string): void {
  for (const [key, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') {
        const bad = firstInvalidXmlChar(v);
        if (bad) throw new MetadataXmlError(`${path}.${key} holds ${bad.codePoint} (character ${bad.index + 1}), which XML 1.0 cannot carry`, undefined, undefined, 'invalid-character');
      } else if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) {
        refuseUnwritable(v, `${path}.${key}`);
      }
    }
  }
}

/**
 * Writes a metadata file as Salesforce retrieves it: declaration, metadata namespace, 4-space
 * indent, elements in WSDL sequence order, lists as repeated elements, booleans true/false,
 * text escaped, one trailing newline.
 */
export function serializeMetadataXml(type: string, values: MetadataValues): string {
  refuseUnwritable(values, type);
  const body = toBuilderObject(values, typeSpec(type) ? type : undefined);
  const built = String(builder.build({ [type]: { '@_xmlns': METADATA_NS, ...body } }));
  return XML_DECLARATION + (built.endsWith('\n') ? built : `${built}\n`);
}
