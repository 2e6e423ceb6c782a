/**
 * How a stored component looks when read back (readMetadata, retrieve): credentials added the way
 * the org's settings allow, fields limited to what the caller's API version knows, elements in
 * WSDL order.
 */
import { filterForVersion, orderedEntries } from './metadata/xml.js';
import { latestSchema, schemaFor, type VersionSchema } from './metadata/schema.js';
import type { MetadataValue, MetadataValues } from './metadata/values.js';
import type { XmlElement, XmlValue } from './soap.js';
import { CONNECTED_APP_TYPE, credentialsOwner, GLOBAL_OAUTH_TYPE, HEADER_TYPE, OAUTH_SETTINGS_TYPE, type OrgState, type StoredComponent } from './store.js';

/** Drops the fields (at any depth) that the API version does not know yet. */
export function filterByApiVersion(typeName: string, values: MetadataValues, apiVersion: number): MetadataValues {
  return filterForVersion(schemaFor(apiVersion), typeName, values);
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

function toXmlValue(schema: VersionSchema, value: MetadataValue, typeName: string | undefined): XmlValue {
  if (Array.isArray(value)) return value.map((v) => toXmlValue(schema, v, typeName));
  if (typeof value === 'object') return toXmlElement(typeName, value, schema);
  return value;
}

/** Values as a SOAP element body, children in the schema's sequence order. */
export function toXmlElement(typeName: string | undefined, values: MetadataValues, schema: VersionSchema = latestSchema()): XmlElement {
  const out: XmlElement = {};
  for (const entry of orderedEntries(schema, typeName, values)) out[entry.name] = toXmlValue(schema, entry.value, entry.type?.name);
  return out;
}
