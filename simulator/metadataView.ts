/**
 * How a stored component looks when read back (readMetadata, retrieve): credentials added the way
 * the org's settings allow, fields limited to what the caller's API version knows, elements in
 * WSDL order.
 */
import { fieldKind, fieldSpec, fieldsOf, typeSpec } from '../src/domain/schema/index.js';
import type { MetadataValue, MetadataValues } from '../src/domain/xml.js';
import type { XmlElement, XmlValue } from './soap.js';
import { CONNECTED_APP_TYPE, credentialsOwner, GLOBAL_OAUTH_TYPE, type OrgState, type StoredComponent } from './store.js';

/** Drops the fields (at any depth) that the API version does not know yet. */
export function filterByApiVersion(typeName: string, values: MetadataValues, apiVersion: number): MetadataValues {
  if (!typeSpec(typeName)) return values;
  const out: MetadataValues = {};
  for (const [name, value] of Object.entries(values)) {
    const field = fieldSpec(typeName, name);
    if (value === undefined || (field && field.since > apiVersion)) continue;
    if (field && fieldKind(field) === 'complex') {
      const one = (v: MetadataValue): MetadataValue => (typeof v === 'object' && !Array.isArray(v) ? filterByApiVersion(field.type, v, apiVersion) : v);
      out[name] = Array.isArray(value) ? value.map(one) : one(value);
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** The component's values as Salesforce returns them to this org's callers. */
export function valuesForRead(org: OrgState, c: StoredComponent, apiVersion: number): MetadataValues {
  const owner = credentialsOwner(c.type, c.values, c.fullName);
  const creds = owner && (c.type === GLOBAL_OAUTH_TYPE || c.type === CONNECTED_APP_TYPE) ? org.credentials.get(owner) : undefined;
  let values = c.values;
  if (creds) {
    const secrets: MetadataValues = { consumerKey: creds.consumerKey };
    if (org.settings.enableConsumerSecretApiAccess) secrets.consumerSecret = creds.consumerSecret;
    if (c.type === GLOBAL_OAUTH_TYPE) {
      values = { ...values, ...secrets };
    } else {
      const oauth = values.oauthConfig;
      if (typeof oauth === 'object' && !Array.isArray(oauth)) values = { ...values, oauthConfig: { ...oauth, ...secrets } };
    }
  }
  // what an org writes into its own copy of an ECA (the minlopro-dx fixtures show both):
  // <OrgId>:<App> on the header, <OrgId>:<ConsumerId> on the OAuth settings
  if (c.type === HEADER_TYPE && values.orgScopedExternalApp === undefined) {
    values = { ...values, orgScopedExternalApp: `${org.orgId15}:${c.fullName}` };
  }
  if (c.type === OAUTH_SETTINGS_TYPE && values.oauthLink === undefined && typeof values.externalClientApplication === 'string') {
    const app = org.credentials.get(`eca:${values.externalClientApplication}`);
    if (app) values = { ...values, oauthLink: `${org.orgId15}:${app.consumerId}` };
  }
  return filterByApiVersion(c.type, values, apiVersion);
}

const HEADER_TYPE = 'ExternalClientApplication';
const OAUTH_SETTINGS_TYPE = 'ExtlClntAppOauthSettings';

function orderedEntries(typeName: string | undefined, values: MetadataValues): Array<[string, MetadataValue]> {
  const order = typeName ? fieldsOf(typeName).map((f) => f.name) : [];
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i >= 0 ? i : order.length;
  };
  return Object.entries(values)
    .filter((e): e is [string, MetadataValue] => e[1] !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

function toXmlValue(value: MetadataValue, typeName: string | undefined): XmlValue {
  if (Array.isArray(value)) return value.map((v) => toXmlValue(v, typeName));
  if (typeof value === 'object') return toXmlElement(typeName, value);
  return value;
}

/** Values as a SOAP element body, children in WSDL order. */
export function toXmlElement(typeName: string | undefined, values: MetadataValues): XmlElement {
  const out: XmlElement = {};
  for (const [name, value] of orderedEntries(typeName, values)) {
    const field = typeName ? fieldSpec(typeName, name) : undefined;
    out[name] = toXmlValue(value, field && fieldKind(field) === 'complex' ? field.type : undefined);
  }
  return out;
}
