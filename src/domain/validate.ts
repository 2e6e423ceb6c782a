/**
 * Validation of metadata against the WSDL knowledge for a target API version, and the platform's
 * own rules for External Client Apps. Every problem names the component, the field and the fix;
 * `platformMessage` is how Salesforce words the same problem in a deploy result.
 */
import { isPlaceholder } from './certificate.js';
import { componentByPart, componentByType } from './components.js';
import { componentId, ecaComponents, type Component, type Eca } from './model.js';
import {
  enumValues,
  fieldKind,
  fieldSpec,
  formatApiVersion,
  isEnum,
  LATEST_KNOWN_API_VERSION,
  MIN_ECA_API_VERSION,
  typeSpec,
} from './schema/index.js';
import { ecaScopeSince, splitScopes } from './scopes.js';
import { firstInvalidXmlChar, METADATA_NS, type ElementPosition, type MetadataValue, type MetadataValues } from './xml.js';

export type ProblemCode =
  | 'unknown-type'
  | 'unknown-field'
  | 'out-of-order'
  | 'invalid-enum'
  | 'invalid-value'
  | 'missing-required'
  | 'field-too-new'
  | 'type-too-new'
  | 'invalid-name'
  | 'broken-reference'
  | 'missing-header'
  | 'unsupported-api-version'
  | 'invalid-email'
  | 'value-too-long'
  | 'invalid-character';

export type Problem = {
  code: ProblemCode;
  /** "Type:FullName" */
  component: string;
  /** dotted path of the field, e.g. "idTokenConfig.idTokenValidityInMinutes" */
  field?: string;
  message: string;
  fix: string;
  /** Salesforce's wording of the same problem, as a deploy would report it */
  platformMessage: string;
  line?: number;
  column?: number;
};

export const DEVELOPER_NAME_MAX = 80;

/** Why a developer name is invalid, or undefined when it is valid. */
export function developerNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > DEVELOPER_NAME_MAX) return `it has ${name.length} characters; the limit is ${DEVELOPER_NAME_MAX}`;
  if (!/^[A-Za-z]/.test(name)) return 'it must begin with a letter';
  if (!/^[A-Za-z0-9_]+$/.test(name)) return 'it may contain only letters, digits and underscores';
  if (name.includes('__')) return 'it must not contain two consecutive underscores';
  if (name.endsWith('_')) return 'it must not end with an underscore';
  return undefined;
}

/** Suggests a valid developer name from any text ("Acme CI (prod)" -> "Acme_CI_prod"). */
export function toDeveloperName(text: string): string {
  let name = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(name)) name = `App_${name}`;
  return name.slice(0, DEVELOPER_NAME_MAX).replace(/_+$/, '');
}

// ---------------------------------------------------------------------------------------------
// field lengths and email addresses
//
// The Metadata API reference gives no lengths for the ECA types (meta_externalclientapplication,
// checked). The limits below come from what Salesforce documents for the same fields elsewhere;
// where no source gives a number the limit is marked UNCONFIRMED and set no lower than real files.
// - label 80: ConnectedApplication.Name ("Connected App Name"), string 80, Salesforce field reference
//   (developer.salesforce.com/docs/platform/field-reference, ConnectedApplication). UNCONFIRMED for ECAs.
// - contactEmail 80 / contactPhone 40 / URLs 255: ExternalClientApplication's object fields are
//   typed email, phone and url (object reference, ExternalClientApplication); Salesforce fields of
//   those types hold 80, 40 and 255 characters. UNCONFIRMED for the metadata fields themselves.
// - description 256: UNCONFIRMED (the Setup form's limit); the longest real description in the
//   fixtures is 225 characters.
// - callbackUrl 2000: "The callback URL field has a limit of 2000 characters, cumulatively" (REST API
//   Developer Guide, Defining Connected Apps); assumed the same for ECA global OAuth settings.
// - developer names 80: DEVELOPER_NAME_MAX (eca-reference §1; the object reference's generic
//   DeveloperName text says 40, which real ECA names longer than 40 contradict: UNCONFIRMED).
// - any other text: 131,072, the longest text Salesforce stores (Long Text Area), so nothing the size
//   of a file reaches a deploy or a --json document.

export const MAX_TEXT_LENGTH = 131_072;

type FieldLimit = { readonly max: number; readonly source: string };

const HEADER_LIMITS: Readonly<Record<string, FieldLimit>> = {
  label: { max: 80, source: 'Connected App Name (ConnectedApplication.Name, 80)' },
  contactEmail: { max: 80, source: 'email fields (80)' },
  contactPhone: { max: 40, source: 'phone fields (40)' },
  description: { max: 256, source: 'the Setup form (UNCONFIRMED)' },
  iconUrl: { max: 255, source: 'URL fields (255)' },
  infoUrl: { max: 255, source: 'URL fields (255)' },
  logoUrl: { max: 255, source: 'URL fields (255)' },
};

const FIELD_LIMITS: Readonly<Record<string, Readonly<Record<string, FieldLimit>>>> = {
  ExternalClientApplication: HEADER_LIMITS,
  ConnectedApp: HEADER_LIMITS,
  ExtlClntAppGlobalOauthSettings: { callbackUrl: { max: 2000, source: 'callback URLs, all together (2000)' } },
  ConnectedAppOauthConfig: { callbackUrl: { max: 2000, source: 'callback URLs, all together (2000)' } },
};

function fieldLimit(typeName: string, field: string): FieldLimit {
  return FIELD_LIMITS[typeName]?.[field] ?? { max: MAX_TEXT_LENGTH, source: 'the longest text Salesforce stores' };
}

/**
 * One address: a local part and a dotted domain, no spaces. Salesforce refuses a malformed contact
 * email on save; the exact pattern it uses is not published, so this refuses only what no address is.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

const EMAIL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ExternalClientApplication: ['contactEmail'],
  ConnectedApp: ['contactEmail'],
};

/**
 * Scope tokens newer than the target API version (the API 67 scopes of ConnectedAppOauthAccessScope,
 * @salesforce/types 1.9.0). A token the schema does not know at all is left to Salesforce: a newer
 * org may know it.
 */
function checkScopes(ctx: Ctx, fieldPath: string, v: string): void {
  const tooNew = splitScopes(v).filter((t) => (ecaScopeSince(t) ?? 0) > ctx.apiVersion);
  if (tooNew.length === 0) return;
  const since = Math.max(...tooNew.map((t) => ecaScopeSince(t) ?? 0));
  ctx.problems.push({
    code: 'field-too-new',
    component: ctx.component,
    field: fieldPath,
    message: `${ctx.component}: the scope${tooNew.length > 1 ? 's' : ''} ${tooNew.join(', ')} exist${tooNew.length > 1 ? '' : 's'} from API ${formatApiVersion(since)} on; the target is API ${formatApiVersion(ctx.apiVersion)}.`,
    fix: `Use --api-version ${formatApiVersion(since)} or later, or remove ${tooNew.join(', ')}.`,
    platformMessage: `commaSeparatedOauthScopes: invalid scope: ${tooNew[0]}`,
  });
}

function checkText(ctx: Ctx, typeName: string, fieldPath: string, name: string, v: string): void {
  const limit = fieldLimit(typeName, name);
  if (v.length > limit.max) {
    ctx.problems.push({
      code: 'value-too-long',
      component: ctx.component,
      field: fieldPath,
      message: `${ctx.component}: ${typeName}.${name} has ${v.length} characters; Salesforce holds at most ${limit.max} (${limit.source}).`,
      fix: `Shorten <${name}> to ${limit.max} characters or fewer.`,
      platformMessage: `${name}: data value too large (max length=${limit.max})`,
    });
    return; // a value this long is not scanned further
  }
  const bad = firstInvalidXmlChar(v);
  if (bad) {
    ctx.problems.push({
      code: 'invalid-character',
      component: ctx.component,
      field: fieldPath,
      message: `${ctx.component}: ${typeName}.${name} holds ${bad.codePoint}, which XML 1.0 cannot carry (character ${bad.index + 1}).`,
      fix: `Remove the control character from <${name}>; tabs and line breaks are fine.`,
      platformMessage: 'Error parsing file: An invalid XML character was found in the element content of the document.',
    });
    return;
  }
  if (typeName === 'ExtlClntAppOauthSettings' && name === 'commaSeparatedOauthScopes') checkScopes(ctx, fieldPath, v);
  if ((EMAIL_FIELDS[typeName] ?? []).includes(name) && !isPlaceholder(v) && !EMAIL.test(v.trim())) {
    ctx.problems.push({
      code: 'invalid-email',
      component: ctx.component,
      field: fieldPath,
      message: `${ctx.component}: ${typeName}.${name} "${v}" is not an email address.`,
      fix: `Set <${name}> to one address, such as integrations@acme.example.`,
      platformMessage: `${name}: invalid email address: ${v}`,
    });
  }
}

function elementQName(name: string): string {
  return `{${METADATA_NS}}${name}`;
}

type Ctx = { component: string; apiVersion: number; problems: Problem[] };

function checkValue(ctx: Ctx, typeName: string, path: string, name: string, value: MetadataValue): void {
  const field = fieldSpec(typeName, name);
  const fieldPath = path ? `${path}.${name}` : name;
  if (!field) {
    ctx.problems.push({
      code: 'unknown-field',
      component: ctx.component,
      field: fieldPath,
      message: `${ctx.component}: ${typeName} has no field "${name}" in any API version this plugin knows (up to ${formatApiVersion(LATEST_KNOWN_API_VERSION)}).`,
      fix: `Remove <${name}> or correct its spelling; the fields of ${typeName} are: ${(typeSpec(typeName)?.fields ?? []).map((f) => f.name).join(', ')}.`,
      platformMessage: `Error parsing file: Element ${elementQName(name)} invalid at this location in type ${typeName}`,
    });
    return;
  }
  if (field.since > ctx.apiVersion) {
    ctx.problems.push({
      code: 'field-too-new',
      component: ctx.component,
      field: fieldPath,
      message: `${ctx.component}: ${typeName}.${name} exists from API ${formatApiVersion(field.since)} on; the target is API ${formatApiVersion(ctx.apiVersion)}.`,
      fix: `Use --api-version ${formatApiVersion(field.since)} or later, or remove <${name}>.`,
      platformMessage: `Error parsing file: Element ${elementQName(name)} invalid at this location in type ${typeName}`,
    });
  }
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && !field.list && value.length > 1) {
    ctx.problems.push({
      code: 'invalid-value',
      component: ctx.component,
      field: fieldPath,
      message: `${ctx.component}: ${typeName}.${name} takes one value, found ${value.length}.`,
      fix: `Keep a single <${name}> element.`,
      platformMessage: `Error parsing file: Element ${elementQName(name)} invalid at this location in type ${typeName}`,
    });
  }
  const kind = fieldKind(field);
  for (const v of values) {
    if (kind === 'complex') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        ctx.problems.push({
          code: 'invalid-value',
          component: ctx.component,
          field: fieldPath,
          message: `${ctx.component}: ${typeName}.${name} must hold ${field.type} elements, not text.`,
          fix: `Write <${name}> with its child elements (${(typeSpec(field.type)?.fields ?? []).map((f) => f.name).join(', ')}).`,
          platformMessage: `Error parsing file: Element ${elementQName(name)} invalid at this location in type ${typeName}`,
        });
      } else {
        checkObject(ctx, field.type, fieldPath, v);
      }
    } else if (typeof v === 'string' && (kind === 'string' || kind === 'base64')) {
      checkText(ctx, typeName, fieldPath, name, v);
    } else if (kind === 'boolean' && typeof v !== 'boolean') {
      ctx.problems.push({
        code: 'invalid-value',
        component: ctx.component,
        field: fieldPath,
        message: `${ctx.component}: ${typeName}.${name} is a boolean; "${String(v)}" is not true or false.`,
        fix: `Write <${name}>true</${name}> or <${name}>false</${name}>.`,
        platformMessage: `Error parsing file: '${String(v)}' is not a valid value for the type xsd:boolean`,
      });
    } else if (kind === 'int' && typeof v !== 'number') {
      ctx.problems.push({
        code: 'invalid-value',
        component: ctx.component,
        field: fieldPath,
        message: `${ctx.component}: ${typeName}.${name} is a whole number; "${String(v)}" is not.`,
        fix: `Write a whole number in <${name}>.`,
        platformMessage: `Error parsing file: '${String(v)}' is not a valid value for the type xsd:int`,
      });
    } else if (kind === 'enum' && isEnum(field.type)) {
      const allowed = enumValues(field.type, ctx.apiVersion);
      if (!allowed.includes(String(v))) {
        const later = enumValues(field.type).includes(String(v));
        ctx.problems.push({
          code: 'invalid-enum',
          component: ctx.component,
          field: fieldPath,
          message: later
            ? `${ctx.component}: "${String(v)}" for ${typeName}.${name} needs a later API version than ${formatApiVersion(ctx.apiVersion)}.`
            : `${ctx.component}: "${String(v)}" is not a valid ${typeName}.${name}.`,
          fix: `Use one of: ${allowed.join(', ')}.`,
          platformMessage: `Error parsing file: '${String(v)}' is not a valid value for the enum '${field.type}'`,
        });
      }
    }
  }
}

function checkObject(ctx: Ctx, typeName: string, path: string, values: MetadataValues): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) checkValue(ctx, typeName, path, name, value);
  }
  for (const field of typeSpec(typeName)?.fields ?? []) {
    const v = values[field.name];
    const missing = v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === 'string' && v.trim() === '');
    if (field.required && missing && field.since <= ctx.apiVersion) {
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      ctx.problems.push({
        code: 'missing-required',
        component: ctx.component,
        field: fieldPath,
        message: `${ctx.component}: ${typeName}.${field.name} is required and missing.`,
        fix: `Add <${field.name}> to ${typeName}.`,
        platformMessage: `Required field is missing: ${field.name}`,
      });
    }
  }
}

/**
 * The first element that stands out of its type's sequence (or is unknown), as Salesforce
 * reports it: one error per file, at that element's line.
 */
export function orderProblem(
  component: Pick<Component, 'type' | 'fullName'>,
  elements: readonly ElementPosition[],
  typeName: string = component.type
): Problem | undefined {
  const spec = typeSpec(typeName);
  if (!spec) return undefined;
  const index = new Map(spec.fields.map((f, i) => [f.name, i]));
  let last = -1;
  for (const el of elements) {
    const i = index.get(el.name);
    if (i === undefined || i < last) {
      return {
        code: i === undefined ? 'unknown-field' : 'out-of-order',
        component: componentId(component),
        field: el.name,
        message:
          i === undefined
            ? `${componentId(component)}: ${typeName} has no element <${el.name}> (line ${el.line}).`
            : `${componentId(component)}: <${el.name}> (line ${el.line}) stands after an element that must follow it; ${typeName} elements go in WSDL order.`,
        fix: i === undefined ? `Remove <${el.name}> or correct its name.` : `Move <${el.name}> so that the elements of ${typeName} are in alphabetical (WSDL) order.`,
        platformMessage: `Error parsing file: Element ${elementQName(el.name)} invalid at this location in type ${typeName}`,
        line: el.line,
        column: el.column,
      };
    }
    last = i;
    const field = spec.fields[i];
    if (el.children.length > 0 && fieldKind(field) === 'complex') {
      const inner = orderProblem(component, el.children, field.type);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Schema validation of one component for a target API version. */
export function validateComponent(component: Component, apiVersion: number): Problem[] {
  const id = componentId(component);
  const spec = typeSpec(component.type);
  const problems: Problem[] = [];
  if (!spec) {
    problems.push({
      code: 'unknown-type',
      component: id,
      message: `${id}: ${component.type} is not a metadata type this plugin knows.`,
      fix: 'Use one of the External Client App or Connected App metadata types.',
      platformMessage: `Unknown type name '${component.type}' specified in package.xml`,
    });
    return problems;
  }
  if (spec.since > apiVersion) {
    problems.push({
      code: 'type-too-new',
      component: id,
      message: `${id}: ${component.type} exists from API ${formatApiVersion(spec.since)} on; the target is API ${formatApiVersion(apiVersion)}.`,
      fix: `Use --api-version ${formatApiVersion(spec.since)} or later.`,
      platformMessage: `Unknown type name '${component.type}' specified in package.xml`,
    });
  }
  const kind = componentByType(component.type);
  if (kind && component.type !== 'ConnectedApp') {
    const why = developerNameProblem(component.fullName);
    if (why) {
      problems.push({
        code: 'invalid-name',
        component: id,
        message: `${id}: the name "${component.fullName}" is not a valid developer name: ${why}.`,
        fix: 'Use letters, digits and single underscores, beginning with a letter, at most 80 characters.',
        platformMessage: `The name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.`,
      });
    }
  }
  checkObject({ component: id, apiVersion, problems }, component.type, '', component.values);
  return problems;
}

/**
 * Validates a whole ECA: every component against the schema of the target API version, plus
 * the references between them and the platform rules.
 */
export function validateEca(eca: Eca, apiVersion: number): Problem[] {
  const problems: Problem[] = [];
  if (apiVersion < MIN_ECA_API_VERSION || apiVersion > LATEST_KNOWN_API_VERSION) {
    problems.push({
      code: 'unsupported-api-version',
      component: `ExternalClientApplication:${eca.name}`,
      message: `API ${formatApiVersion(apiVersion)} is outside what External Client Apps support here (${formatApiVersion(MIN_ECA_API_VERSION)} to ${formatApiVersion(LATEST_KNOWN_API_VERSION)}).`,
      fix: `Use an API version from ${formatApiVersion(MIN_ECA_API_VERSION)} to ${formatApiVersion(LATEST_KNOWN_API_VERSION)}.`,
      platformMessage: `Invalid API version: ${formatApiVersion(apiVersion)}`,
    });
  }
  const header = eca.parts.header;
  if (!header) {
    problems.push({
      code: 'missing-header',
      component: `ExternalClientApplication:${eca.name}`,
      message: `The satellites of "${eca.name}" have no ExternalClientApplication header.`,
      fix: `Add externalClientApps/${eca.name}.eca-meta.xml, or deploy to an org that has the app.`,
      platformMessage: `In field: externalClientApplication - no ExternalClientApplication named ${eca.name} found`,
    });
  }
  for (const c of ecaComponents(eca)) {
    problems.push(...validateComponent(c, apiVersion));
    if (c.type !== componentByPart('header').type) {
      const owner = c.values.externalClientApplication;
      if (typeof owner === 'string' && owner !== eca.name) {
        problems.push({
          code: 'broken-reference',
          component: componentId(c),
          field: 'externalClientApplication',
          message: `${componentId(c)} names "${owner}" as its app, but it belongs to "${eca.name}".`,
          fix: `Set <externalClientApplication>${eca.name}</externalClientApplication>.`,
          platformMessage: `In field: externalClientApplication - no ExternalClientApplication named ${owner} found`,
        });
      }
    }
  }
  const saml = eca.parts.samlPolicies;
  const state = header?.values.distributionState;
  if (saml && state !== undefined && state !== 'Local') {
    problems.push({
      code: 'invalid-value',
      component: componentId(saml),
      message: `${componentId(saml)}: SAML policies need a Local app; "${eca.name}" is ${state}.`,
      fix: 'Set distributionState to Local, or remove the SAML policies.',
      platformMessage: 'SAML configurable policies are supported only for local external client apps.',
    });
  }
  return problems;
}
