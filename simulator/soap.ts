/**
 * SOAP envelopes of the Metadata API: reading a request (session, operation, arguments) and
 * writing responses and faults in the shape jsforce parses (text/xml, prefixed Envelope/Body).
 */
import { XMLParser } from 'fast-xml-parser';
import { XML_TYPE, type SimResponse } from './http.js';

export const MD_NS = 'http://soap.sforce.com/2006/04/metadata';

/** A parsed SOAP value: text, or an element's children (repeated children as arrays). */
export type SoapValue = string | SoapObject | SoapValue[];
export type SoapObject = { [name: string]: SoapValue };

export type SoapRequest = {
  operation: string;
  sessionId?: string;
  args: SoapObject;
};

/** Elements that may repeat in requests; always read as arrays. */
const REPEATED = new Set(['fullNames', 'queries', 'types', 'members', 'packageNames', 'specificFiles', 'runTests', 'metadata']);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

function asObject(v: SoapValue | undefined): SoapObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

export function parseSoapRequest(xml: string): SoapRequest | undefined {
  let doc: SoapObject;
  try {
    doc = parser.parse(xml) as SoapObject;
  } catch {
    return undefined;
  }
  const envelope = asObject(doc.Envelope);
  const body = asObject(envelope.Body);
  const operation = Object.keys(body)[0];
  if (!operation) return undefined;
  const sessionId = asObject(asObject(envelope.Header).SessionHeader).sessionId;
  return { operation, sessionId: typeof sessionId === 'string' ? sessionId : undefined, args: asObject(body[operation]) };
}

/** Reads a SOAP text argument. */
export function text(v: SoapValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function bool(v: SoapValue | undefined, fallback: boolean): boolean {
  return v === 'true' ? true : v === 'false' ? false : fallback;
}

export function objects(v: SoapValue | undefined): SoapObject[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.map(asObject);
}

export function texts(v: SoapValue | undefined): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.filter((x): x is string => typeof x === 'string');
}

export { asObject };

/** A value to write: text, a nested element, repeated elements, or null for xsi:nil. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | XmlElement;
/** Keys starting with "@" are attributes. */
export type XmlElement = { [name: string]: XmlValue };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;
  const attrs = Object.entries(value)
    .filter(([k, v]) => k.startsWith('@') && v !== undefined)
    .map(([k, v]) => ` ${k.slice(1)}="${escapeXml(String(v))}"`)
    .join('');
  const children = Object.entries(value)
    .filter(([k]) => !k.startsWith('@'))
    .map(([k, v]) => toXml(k, v))
    .join('');
  return `<${name}${attrs}>${children}</${name}>`;
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="' +
  MD_NS +
  '" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

/** `<operationResponse><result>...</result></operationResponse>`; an array writes repeated results. */
export function soapResponse(operation: string, result: XmlValue): SimResponse {
  return { status: 200, contentType: XML_TYPE, body: `${ENVELOPE_OPEN}${toXml(`${operation}Response`, { result })}${ENVELOPE_CLOSE}` };
}

/** A SOAP fault (HTTP 500): `faultcode` like "sf:INVALID_SESSION_ID". */
export function soapFault(faultcode: string, faultstring: string): SimResponse {
  const fault = `<soapenv:Fault><faultcode>${escapeXml(faultcode)}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soapenv:Fault>`;
  return {
    status: 500,
    contentType: XML_TYPE,
    body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="${MD_NS}"><soapenv:Body>${fault}</soapenv:Body></soapenv:Envelope>`,
  };
}

export function invalidSessionFault(): SimResponse {
  return soapFault('sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session. Session not found, missing session hash');
}

/** A session whose scopes do not include api, on the SOAP APIs. */
export function notApiSessionFault(): SimResponse {
  return soapFault('sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: This session is not valid for use with the API');
}

export function requestLimitFault(): SimResponse {
  return soapFault('sf:REQUEST_LIMIT_EXCEEDED', 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
}
