/**
 * What the simulator reads from a deployed PermissionSet file (a type outside its XSD subset, so it
 * is not judged by the schema): well-formed XML in the metadata namespace, its label, description
 * and enabled user permissions. The org then has that permission set, as SOQL and the OAuth
 * pre-authorization (commaSeparatedPermissionSet) see it.
 */
import { XmlDocument, XmlElement, XmlParseError } from 'libxml2-wasm';
import { METADATA_NS } from './schema.js';

export type PermissionSetFile = { label?: string; description?: string; permissions: string[] };

function children(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
  return out;
}

function childText(el: XmlElement, name: string): string | undefined {
  const child = children(el).find((c) => c.name === name);
  return child ? child.content.trim() : undefined;
}

/** The file's fields, or the problem Salesforce reports (parse errors in the judge's wording). */
export function readPermissionSet(content: string): { ok: true; file: PermissionSetFile } | { ok: false; problem: string; line?: number } {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
  } catch (e) {
    const detail = e instanceof XmlParseError ? e.details[0] : undefined;
    return { ok: false, problem: `Error parsing file: ${(detail?.message ?? 'the file is not well-formed XML').trim()}`, line: detail?.line };
  }
  try {
    if (doc.dtd) return { ok: false, problem: 'Error parsing file: DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" set to true.', line: 1 };
    const root = doc.root;
    if (root.namespaceUri !== METADATA_NS || root.name !== 'PermissionSet') {
      return { ok: false, problem: `Error parsing file: Element {${root.namespaceUri}}${root.name} invalid at this location`, line: root.line };
    }
    const permissions = children(root)
      .filter((c) => c.name === 'userPermissions')
      .filter((c) => childText(c, 'enabled') === 'true')
      .map((c) => childText(c, 'name') ?? '')
      .filter((n) => n !== '');
    return { ok: true, file: { label: childText(root, 'label'), description: childText(root, 'description'), permissions } };
  } finally {
    doc.dispose();
  }
}
