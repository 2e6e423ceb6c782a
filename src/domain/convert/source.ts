/**
 * Checks a Connected App file before it is converted: elements and values the Metadata API does
 * not know, and elements out of WSDL order, each with its line. A hand-written file (the
 * PatrickDennisSFDC Thespis fixture) is the usual case: Salesforce would reject it on deploy, so a
 * conversion that silently skipped its inventions would hide the mistake.
 */
import { CONNECTED_APP } from '../components.js';
import { componentId, type Component } from '../model.js';
import { enumValues, fieldKind, type FieldSpec, LATEST_KNOWN_API_VERSION } from '../schema/index.js';
import { orderProblem, type Problem, validateComponent } from '../validate.js';
import type { ElementPosition, MetadataValue, ParsedMetadata } from '../xml.js';
import { isRecord, resolveField } from './paths.js';

export type SourceCheckOptions = {
  /** the Connected App's full name, for messages; default "(unnamed)" */
  readonly fullName?: string;
  /** default the latest API version this plugin knows */
  readonly apiVersion?: number;
};

/** Every problem of a Connected App file, in line order; empty when Salesforce would accept it. */
export function checkConnectedAppSource(parsed: ParsedMetadata, options: SourceCheckOptions = {}): Problem[] {
  const component: Component = { type: parsed.type, fullName: options.fullName ?? '(unnamed)', values: parsed.values };
  if (parsed.type !== CONNECTED_APP.type) return [notAConnectedApp(component)];
  const apiVersion = options.apiVersion ?? LATEST_KNOWN_API_VERSION;
  const ordering = orderProblems(component, parsed.elements);
  const placed = new Set(ordering.map((p) => `${p.code}:${p.field ?? ''}`));
  const schema = validateComponent(component, apiVersion).filter((p) => !placed.has(`${p.code}:${p.field ?? ''}`));
  return [...ordering, ...locate(schema, parsed, apiVersion)].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function notAConnectedApp(component: Component): Problem {
  return {
    code: 'unknown-type',
    component: componentId(component),
    message: `${componentId(component)}: the root element is <${component.type}>, not <ConnectedApp>.`,
    fix: 'Convert a .connectedApp-meta.xml file.',
    platformMessage: `Unknown type name '${component.type}' specified in package.xml`,
  };
}

// ---------------------------------------------------------------------------------------------
// order and unknown elements: every one, where orderProblem reports the first

/** The dotted path of the element at a line and column, or undefined. */
function pathOf(elements: readonly ElementPosition[], line: number, column: number, prefix = ''): string | undefined {
  for (const el of elements) {
    const path = prefix ? `${prefix}.${el.name}` : el.name;
    if (el.line === line && el.column === column) return path;
    const inner = pathOf(el.children, line, column, path);
    if (inner) return inner;
  }
  return undefined;
}

/** The tree without the element at a line and column. */
function without(elements: readonly ElementPosition[], line: number, column: number): ElementPosition[] {
  return elements
    .filter((el) => el.line !== line || el.column !== column)
    .map((el) => ({ ...el, children: without(el.children, line, column) }));
}

/** orderProblem, repeated on the tree without each element it reports, so every element is reported once. */
function orderProblems(component: Component, elements: readonly ElementPosition[]): Problem[] {
  const problems: Problem[] = [];
  let remaining: readonly ElementPosition[] = elements;
  for (let p = orderProblem(component, remaining); p; p = orderProblem(component, remaining)) {
    const path = p.line !== undefined && p.column !== undefined ? pathOf(remaining, p.line, p.column) : undefined;
    if (path === undefined) break;
    problems.push({ ...p, field: path });
    remaining = without(remaining, p.line as number, p.column as number);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// schema problems (validateComponent knows no lines): placed on the elements they are about

type Occurrence = { readonly element: ElementPosition; readonly value: MetadataValue };

/** The elements at a dotted path with their values, in document order (a list is one element per item). */
function occurrences(elements: readonly ElementPosition[], value: MetadataValue, path: string): Occurrence[] {
  const [head, ...rest] = path.split('.');
  const raw = isRecord(value) ? value[head] : undefined;
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const here = elements.filter((el) => el.name === head).map((element, i) => ({ element, value: values[i] as MetadataValue }));
  if (rest.length === 0) return here;
  return here.flatMap((o) => occurrences(o.element.children, o.value, rest.join('.')));
}

/** Whether this occurrence is the one a problem of this code is about. */
function offends(code: Problem['code'], spec: FieldSpec | undefined, value: MetadataValue, apiVersion: number): boolean {
  if (!spec) return true;
  const kind = fieldKind(spec);
  if (code === 'invalid-enum') return !enumValues(spec.type, apiVersion).includes(String(value));
  if (code === 'invalid-value' && kind === 'boolean') return typeof value !== 'boolean';
  if (code === 'invalid-value' && kind === 'int') return typeof value !== 'number';
  return true;
}

function locate(problems: readonly Problem[], parsed: ParsedMetadata, apiVersion: number): Problem[] {
  const used = new Set<ElementPosition>();
  return problems.map((p) => {
    if (p.field === undefined) return p;
    const path = p.code === 'missing-required' ? p.field.split('.').slice(0, -1).join('.') : p.field;
    if (path === '') return p;
    const spec = resolveField('ConnectedApp', p.field)?.field;
    const candidates = occurrences(parsed.elements, parsed.values, path).filter(
      (o) => p.code === 'missing-required' || offends(p.code, spec, o.value, apiVersion)
    );
    const match = candidates.find((o) => !used.has(o.element)) ?? candidates[0];
    if (!match) return p;
    used.add(match.element);
    return { ...p, line: match.element.line, column: match.element.column };
  });
}
