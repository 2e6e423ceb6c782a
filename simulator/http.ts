/**
 * The request and response shapes the simulator's handlers work with, and Salesforce's REST
 * error bodies.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const JSON_TYPE = 'application/json;charset=UTF-8';
export const XML_TYPE = 'text/xml;charset=UTF-8';

export type SimRequest = {
  method: string;
  /** the path with `//` collapsed, without the query string */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
};

export type SimResponse = {
  status: number;
  contentType: string;
  body: string;
};

export function json(status: number, body: unknown): SimResponse {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

/** Salesforce's REST error body: `[{"message","errorCode"}]`. */
export function restError(status: number, errorCode: string, message: string): SimResponse {
  return json(status, [{ message, errorCode }]);
}

export function notFound(): SimResponse {
  return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
}

export function invalidSession(): SimResponse {
  return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
}

export function requestLimitExceeded(): SimResponse {
  return restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
}

/** A fresh ErrorId in Salesforce's shape: "1730955361-49792 (-1117026034)". */
export function errorId(): string {
  const digits = (n: number): string => String(Math.floor(Math.random() * 10 ** n)).padStart(n, '1');
  return `${digits(10)}-${digits(5)} (${Math.random() < 0.5 ? '-' : ''}${digits(10)})`;
}

/** Salesforce's message for an internal error ("gack"). */
export function unexpectedErrorMessage(): string {
  return `An unexpected error occurred. Please include this ErrorId if you contact support: ${errorId()}`;
}

export function serverError(status: number): SimResponse {
  return status === 503
    ? { status, contentType: 'text/html', body: '<html><body>Service Unavailable</body></html>' }
    : restError(status, 'UNKNOWN_EXCEPTION', unexpectedErrorMessage());
}

/** A session whose scopes do not include api (or full), on REST (Salesforce's answer). */
export function notApiSession(): SimResponse {
  return restError(401, 'INVALID_SESSION_ID', 'This session is not valid for use with the REST API');
}

export function bearerToken(req: SimRequest): string | undefined {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1] : undefined;
}

/** Form fields of an application/x-www-form-urlencoded body (the token endpoint), or the query. */
export function formFields(req: SimRequest): URLSearchParams {
  const fields = new URLSearchParams(req.query);
  const type = String(req.headers['content-type'] ?? '');
  if (req.body.length > 0 && !type.includes('json')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) fields.set(k, v);
  }
  return fields;
}
