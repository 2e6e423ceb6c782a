/**
 * The judge of a deployed metadata file: libxml2 (compiled to WebAssembly) parses it and validates
 * it against the XSD of the deploy's API version; its findings are reworded the way Salesforce
 * words them in a deploy result, with line and column. A file that passes is read into values by
 * the same schema.
 *
 * Salesforce's wording (see simulator/README.md for the sources):
 *   Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}X invalid at this location in type Y
 *   Error parsing file: 'V' is not a valid value for the enum 'E'
 */
import { XmlDocument, XmlElement, XmlParseError, XmlValidateError, XsdValidator, type ErrorDetail } from 'libxml2-wasm';
import { type ComplexType, element, METADATA_NS, schemaFor, type VersionSchema } from './schema.js';
import type { MetadataValue, MetadataValues } from './values.js';

export type Finding = {
  /** how Salesforce words it in a deploy failure */
  problem: string;
  line?: number;
  column?: number;
  /** the local name of the element the finding is about (the root for a type the version lacks) */
  element?: string;
  cause: 'parse' | 'doctype' | 'namespace' | 'unknown-type' | 'unexpected' | 'enum' | 'value' | 'missing';
};

export type Position = { line?: number; column?: number };

export type FileVerdict =
  | {
      ok: true;
      type: string;
      values: MetadataValues;
      /** where each top-level element first stands, for the platform rules' messages */
      positions: ReadonlyMap<string, Position>;
    }
  | { ok: false; type?: string; finding: Finding };

/** Salesforce's wording, in one place. UNCONFIRMED ones are marked in simulator/README.md. */
export const WORDING = {
  invalidAtLocation: (name: string, type: string) => `Error parsing file: Element {${METADATA_NS}}${name} invalid at this location in type ${type}`,
  invalidEnum: (value: string, enumName: string) => `Error parsing file: '${value}' is not a valid value for the enum '${enumName}'`,
  invalidValue: (value: string, xsdType: string) => `Error parsing file: '${value}' is not a valid value for the type ${xsdType}`,
  missingRequired: (name: string) => `Required field is missing: ${name}`,
  unknownType: (type: string) => `Unknown type name '${type}' specified in package.xml`,
  wrongNamespace: (name: string, ns: string) => `Error parsing file: Element {${ns}}${name} invalid at this location`,
  doctype: () => 'Error parsing file: DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" set to true.',
  parse: (message: string) => `Error parsing file: ${message}`,
} as const;

const validators = new Map<number, XsdValidator>();

function validatorFor(schema: VersionSchema): XsdValidator {
  let v = validators.get(schema.version);
  if (!v) {
    const doc = XmlDocument.fromString(schema.xsd);
    v = XsdValidator.fromDoc(doc);
    doc.dispose();
    validators.set(schema.version, v);
  }
  return v;
}

/** Line and column of every start tag, in document order (comments, CDATA, PIs and DOCTYPE skipped). */
export function startTags(xml: string): Array<{ line: number; column: number }> {
  const out: Array<{ line: number; column: number }> = [];
  let line = 1;
  let lineStart = 0;
  const advance = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (xml.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
  };
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    advance(i, lt);
    const skip = (end: string): number => {
      const j = xml.indexOf(end, lt);
      return j < 0 ? xml.length : j + end.length;
    };
    let next: number;
    if (xml.startsWith('<!--', lt)) next = skip('-->');
    else if (xml.startsWith('<![CDATA[', lt)) next = skip(']]>');
    else if (xml[lt + 1] === '?' || xml[lt + 1] === '!' || xml[lt + 1] === '/') next = skip('>');
    else {
      out.push({ line, column: lt - lineStart + 1 });
      next = lt + 1;
    }
    advance(lt, next);
    i = next;
  }
  return out;
}

function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
  return out;
}

/** The position of an element: its index among all elements in document order. */
function documentIndex(root: XmlElement, target: XmlElement): number {
  let index = 0;
  const walk = (el: XmlElement): boolean => {
    if (el.isSameNode(target)) return true;
    index++;
    return elementChildren(el).some(walk);
  };
  return walk(root) ? index : -1;
}

/** The XSD type of an element: the root's is its name, the others follow the declarations. */
function typeOfElement(schema: VersionSchema, el: XmlElement): ComplexType | undefined {
  const chain: XmlElement[] = [];
  for (let e: XmlElement | null = el; e; e = e.parent) chain.unshift(e);
  let type = schema.types.get(chain[0].name);
  for (const e of chain.slice(1)) {
    const decl = type ? element(schema, type.name, e.name) : undefined;
    type = decl && decl.kind === 'complex' ? schema.types.get(decl.type) : undefined;
  }
  return type;
}

function declOf(schema: VersionSchema, el: XmlElement): { type?: string; xsdType?: string } {
  const parent = el.parent ? typeOfElement(schema, el.parent) : undefined;
  const decl = parent ? element(schema, parent.name, el.name) : undefined;
  return { type: parent?.name, xsdType: decl?.type };
}

const QUOTED = /'([^']*)'/;

/** Rewords libxml2's first validation error the way Salesforce reports it. */
function translate(schema: VersionSchema, doc: XmlDocument, detail: ErrorDetail, position: (el: XmlElement) => Position): Finding {
  const node = detail.xpath ? doc.get(detail.xpath) : null;
  const el = node instanceof XmlElement ? node : undefined;
  const at = el ? position(el) : { line: detail.line };
  const message = detail.message.trim();
  const body = message.replace(/^Element '[^']*': /, '');
  if (!el) return { problem: WORDING.parse(body), ...at, cause: 'unexpected' };
  const { type, xsdType } = declOf(schema, el);
  if (/This element is not expected/.test(body)) {
    return { problem: WORDING.invalidAtLocation(el.name, type ?? el.parent?.name ?? el.name), element: el.name, ...at, cause: 'unexpected' };
  }
  if (/\[facet 'enumeration'\]/.test(body)) {
    const value = QUOTED.exec(body.replace(/^\[facet 'enumeration'\] The value /, ''))?.[1] ?? el.content;
    return { problem: WORDING.invalidEnum(value, xsdType ?? ''), element: el.name, ...at, cause: 'enum' };
  }
  if (/is not a valid value of the atomic type/.test(body)) {
    return { problem: WORDING.invalidValue(el.content, xsdType ?? 'xsd:string'), element: el.name, ...at, cause: 'value' };
  }
  if (/Missing child element/.test(body)) {
    const own = typeOfElement(schema, el);
    const present = new Set(elementChildren(el).map((c) => c.name));
    const missing = own?.elements.find((d) => d.required && !present.has(d.name))?.name ?? el.name;
    return { problem: WORDING.missingRequired(missing), element: missing, ...at, cause: 'missing' };
  }
  // text where elements belong, elements inside a value: the element stands where it may not
  return { problem: WORDING.invalidAtLocation(el.name, type ?? el.name), element: el.name, ...at, cause: 'unexpected' };
}

/** Rewords a well-formedness error of libxml2 (wording of Salesforce's parser: UNCONFIRMED). */
function parseFinding(detail: ErrorDetail | undefined): Finding {
  const message = (detail?.message ?? 'the file is not well-formed XML').trim();
  const mismatch = /^Opening and ending tag mismatch: (\S+) line \d+ and (\S+)/.exec(message);
  const problem = mismatch
    ? `The element type "${mismatch[1]}" must be terminated by the matching end-tag "</${mismatch[1]}>".`
    : /Premature end of data|EndTag: '<\/' not found|Extra content at the end/.test(message)
      ? 'XML document structures must start and end within the same entity.'
      : message;
  return { problem: WORDING.parse(problem), line: detail?.line, column: detail?.col || undefined, cause: 'parse' };
}

function scalarValue(kind: string, raw: string): MetadataValue {
  if (kind === 'boolean') {
    const t = raw.trim();
    return t === 'true' || t === '1';
  }
  if (kind === 'int' || kind === 'double') return Number(raw.trim());
  return raw;
}

/** Values of a valid element, typed by its schema type. */
function readValues(schema: VersionSchema, type: ComplexType, el: XmlElement): MetadataValues {
  const values: MetadataValues = {};
  for (const child of elementChildren(el)) {
    const decl = element(schema, type.name, child.name);
    if (!decl || decl.name === 'fullName') continue;
    const nested = decl.kind === 'complex' ? schema.types.get(decl.type) : undefined;
    const value = nested ? readValues(schema, nested, child) : scalarValue(decl.kind, child.content);
    if (decl.list) values[child.name] = [...((values[child.name] as MetadataValue[] | undefined) ?? []), value];
    else values[child.name] = value;
  }
  return values;
}

/** Parses and validates one metadata file against the XSD of an API version. */
export function judgeFile(content: string, apiVersion: number): FileVerdict {
  const schema = schemaFor(apiVersion);
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(text);
  } catch (e) {
    const detail = e instanceof XmlParseError ? e.details[0] : undefined;
    return { ok: false, finding: parseFinding(detail) };
  }
  try {
    if (doc.dtd) return { ok: false, finding: { problem: WORDING.doctype(), line: 1, column: 1, cause: 'doctype' } };
    const root = doc.root;
    const tags = startTags(text);
    const position = (el: XmlElement): Position => {
      const i = documentIndex(root, el);
      return tags[i] ?? { line: el.line };
    };
    if (root.namespaceUri !== METADATA_NS) {
      return { ok: false, type: root.name, finding: { problem: WORDING.wrongNamespace(root.name, root.namespaceUri), element: root.name, ...position(root), cause: 'namespace' } };
    }
    const type = schema.types.get(root.name);
    if (!type?.metadataType) {
      return { ok: false, type: root.name, finding: { problem: WORDING.unknownType(root.name), element: root.name, ...position(root), cause: 'unknown-type' } };
    }
    try {
      validatorFor(schema).validate(doc);
    } catch (e) {
      if (!(e instanceof XmlValidateError)) throw e;
      // libxml2 reports in the order it meets them, as a streaming parser would: the first one counts
      const first = e.details[0];
      return { ok: false, type: root.name, finding: translate(schema, doc, first, position) };
    }
    const positions = new Map<string, Position>();
    for (const child of elementChildren(root)) if (!positions.has(child.name)) positions.set(child.name, position(child));
    return { ok: true, type: root.name, values: readValues(schema, type, root), positions };
  } finally {
    doc.dispose();
  }
}
