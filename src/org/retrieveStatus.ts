/**
 * `checkRetrieveStatus` of the Metadata API (SOAP), read as it arrives, without an object tree of
 * the whole answer and without holding it as one text.
 *
 * The answer that carries the zip is large: for 1,000 apps, 7 MB, of which 3.4 MB of base64 and
 * 5,000 fileProperties records. jsforce (the client SDR and `sf project retrieve start` use) collects
 * it as chunks, joins them, turns them into one string, parses it with xml2js into a tree and copies
 * that tree again to cast it by schema: about 0.5 s of CPU and, held at once, about four copies of
 * the answer. Here the same request goes out through the connection's own transport (jsforce's
 * request function, so proxies, certificates and timeouts are the CLI's), and the body is read
 * piece by piece as it arrives (RetrieveStatusReader): the zip's base64 is decoded a piece at a time
 * and never kept as text; the rest (the records) is kept as text and read in one pass at the end.
 * When the transport is not one this module knows, the body is read as text through
 * `Connection.request` and the same reader reads it.
 *
 * The answer's shape is the WSDL's RetrieveResult: `done`, `id`, `status`, `success`, optional
 * `errorMessage`/`errorStatusCode`, repeated `fileProperties` and `messages` records of simple
 * elements, and `zipFile` (base64). An answer without that shape is an error, never a partial read.
 * A SOAP fault keeps jsforce's error shape (errorCode `sf:INVALID_SESSION_ID`, the faultstring as
 * message); another HTTP error keeps jsforce's too (errorCode `ERROR_HTTP_<status>`, the body as
 * message); an expired session is refreshed once with the stored refresh token, as jsforce does.
 */
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Connection } from '@salesforce/core';

export type RetrieveStatusRecord = Record<string, string | null>;

export type RetrieveStatus = {
  id: string;
  done: boolean;
  status: string;
  success: boolean;
  errorMessage?: string;
  errorStatusCode?: string;
  fileProperties: RetrieveStatusRecord[];
  messages: RetrieveStatusRecord[];
  /** the zipFile, decoded; absent until the retrieve is done */
  zip?: Buffer;
};

export class SoapFaultError extends Error {
  public readonly errorCode: string;
  public constructor(faultcode: string, faultstring: string) {
    super(faultstring);
    this.name = faultcode;
    this.errorCode = faultcode;
  }
}

/** An HTTP error that is not a SOAP fault, named as jsforce names it (HttpApiError). */
export class HttpStatusError extends Error {
  public readonly errorCode: string;
  public readonly data: { errorCode: string; message: string };
  public constructor(statusCode: number, body: string, html: boolean) {
    const errorCode = `ERROR_HTTP_${statusCode}`;
    super(
      html
        ? `HTTP response contains html content.\nCheck that the org exists and can be reached.\n\nHTTP status code: ${statusCode}.\nREST API Status Codes and Error Responses:\nhttps://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm\n\nSee \`error.data\` for the full html response.`
        : body
    );
    this.name = errorCode;
    this.errorCode = errorCode;
    this.data = { errorCode, message: body };
  }
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, name: string | undefined, dec: string | undefined, hex: string | undefined) =>
    name ? NAMED[name] : String.fromCodePoint(Number.parseInt(dec ?? hex ?? '', dec ? 10 : 16))
  );
}

/** Simple elements `<name>text</name>` and `<name xsi:nil="true"/>` of one flat record. */
const LEAF = /<(?:[\w.-]+:)?([\w.-]+)(?:\s[^>]*?)?(?:\/>|>([^<]*)<\/(?:[\w.-]+:)?\1\s*>)/g;

function leaves(xml: string): RetrieveStatusRecord {
  const out: RetrieveStatusRecord = {};
  for (const m of xml.matchAll(LEAF)) out[m[1]] = m[2] === undefined ? null : decode(m[2]);
  return out;
}

function unexpected(what: string): Error {
  const e = new Error(`the checkRetrieveStatus answer ${what}`);
  e.name = 'UnexpectedRetrieveStatus';
  return e;
}

/** A SOAP fault in an answer, if it is one. */
export function soapFaultOf(xml: string): SoapFaultError | undefined {
  if (!/<(?:[\w.-]+:)?Fault[\s>]/.test(xml)) return undefined;
  const fault = leaves(xml.slice(xml.search(/<(?:[\w.-]+:)?Fault[\s>]/)));
  return new SoapFaultError(fault.faultcode ?? 'soapenv:Server', fault.faultstring ?? 'SOAP fault');
}

const RESULT_OPEN = /<(?:[\w.-]+:)?result(?:\s[^>]*)?>/;
const RESULT_CLOSE = /<\/(?:[\w.-]+:)?result\s*>/g;
const ZIP_OPEN = /<(?:[\w.-]+:)?zipFile\s*>/;
const ZIP_CLOSE = /^<\/(?:[\w.-]+:)?zipFile\s*>$/;
const RECORD = /<(?:[\w.-]+:)?(fileProperties|messages)>([\s\S]*?)<\/(?:[\w.-]+:)?\1>/g;
const SPACE = /\s/;

/** The RetrieveResult in an answer's text (its zipFile already taken out). */
function readResult(xml: string, zip: Buffer | undefined): RetrieveStatus {
  const fault = soapFaultOf(xml);
  if (fault) throw fault;
  const open = RESULT_OPEN.exec(xml);
  const close = [...xml.matchAll(RESULT_CLOSE)].pop();
  if (!open || !close || close.index < open.index) throw unexpected('holds no result');
  const body = xml.slice(open.index + open[0].length, close.index);
  // the records, and what lies between them: the result's own fields
  const fileProperties: RetrieveStatusRecord[] = [];
  const messages: RetrieveStatusRecord[] = [];
  const rest: string[] = [];
  let last = 0;
  for (const m of body.matchAll(RECORD)) {
    rest.push(body.slice(last, m.index));
    last = m.index + m[0].length;
    (m[1] === 'fileProperties' ? fileProperties : messages).push(leaves(m[2]));
  }
  rest.push(body.slice(last));
  const top = leaves(rest.join(''));
  if (top.id === undefined || top.done === undefined || top.status === undefined) throw unexpected('lacks id, done or status');
  return {
    id: top.id ?? '',
    done: top.done === 'true',
    status: top.status ?? '',
    success: top.success === 'true',
    ...(top.errorMessage ? { errorMessage: top.errorMessage } : {}),
    ...(top.errorStatusCode ? { errorStatusCode: top.errorStatusCode } : {}),
    fileProperties,
    messages,
    ...(zip ? { zip } : {}),
  };
}

/**
 * Reads a checkRetrieveStatus answer given in pieces of any size (bytes or text). The zipFile's
 * base64 (which holds no markup, no entities) is decoded as it comes, in groups of four characters;
 * everything else is kept as text for `end()`.
 */
export class RetrieveStatusReader {
  private readonly decoder = new StringDecoder('utf8');
  private readonly text: string[] = [];
  /** an unfinished tag (or the zipFile's close tag) carried to the next piece */
  private pending = '';
  private state: 'markup' | 'zip' | 'zipClose' = 'markup';
  private zipSeen = false;
  /** base64 characters short of a group of four */
  private base64 = '';
  private readonly zipParts: Buffer[] = [];

  public write(piece: Buffer | string): void {
    this.feed(typeof piece === 'string' ? piece : this.decoder.write(piece));
  }

  /** The RetrieveResult; throws a SoapFaultError for a fault, and an error for any other shape. */
  public end(): RetrieveStatus {
    this.feed(this.decoder.end());
    if (this.state !== 'markup') throw unexpected('has an unterminated zipFile');
    this.text.push(this.pending);
    this.pending = '';
    const zip = this.zipSeen ? Buffer.concat(this.zipParts) : undefined;
    this.zipParts.length = 0;
    const xml = this.text.join('');
    this.text.length = 0;
    return readResult(xml, zip);
  }

  private feed(piece: string): void {
    let buf = this.pending + piece;
    this.pending = '';
    while (buf.length > 0) {
      if (this.state === 'markup') {
        const open = ZIP_OPEN.exec(buf);
        if (open) {
          if (this.zipSeen) throw unexpected('holds more than one zipFile');
          this.text.push(buf.slice(0, open.index));
          buf = buf.slice(open.index + open[0].length);
          this.state = 'zip';
          this.zipSeen = true;
          continue;
        }
        // a tag cut by the end of this piece may be the zipFile's: it waits for the next one
        const lt = buf.lastIndexOf('<');
        if (lt >= 0 && !buf.includes('>', lt)) {
          this.text.push(buf.slice(0, lt));
          this.pending = buf.slice(lt);
        } else this.text.push(buf);
        return;
      }
      if (this.state === 'zip') {
        const lt = buf.indexOf('<');
        this.decodeBase64(lt < 0 ? buf : buf.slice(0, lt), lt >= 0);
        if (lt < 0) return;
        buf = buf.slice(lt);
        this.state = 'zipClose';
        continue;
      }
      const gt = buf.indexOf('>');
      if (gt < 0) {
        this.pending = buf;
        return;
      }
      if (!ZIP_CLOSE.test(buf.slice(0, gt + 1))) throw unexpected('has an unterminated zipFile');
      buf = buf.slice(gt + 1);
      this.state = 'markup';
    }
  }

  private decodeBase64(piece: string, last: boolean): void {
    const chars = this.base64 + (SPACE.test(piece) ? piece.replace(/\s+/g, '') : piece);
    const whole = last ? chars.length : chars.length - (chars.length % 4);
    if (whole > 0) this.zipParts.push(Buffer.from(chars.slice(0, whole), 'base64'));
    this.base64 = chars.slice(whole);
  }
}

/** Reads the RetrieveResult of a whole checkRetrieveStatus answer. */
export function readRetrieveStatus(xml: string): RetrieveStatus {
  const reader = new RetrieveStatusReader();
  reader.write(xml);
  return reader.end();
}

function envelope(sessionId: string, id: string): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${esc(sessionId)}</sessionId></SessionHeader></soapenv:Header>` +
    `<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><checkRetrieveStatus><asyncProcessId>${esc(id)}</asyncProcessId></checkRetrieveStatus></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

type HttpRequest = { method: 'POST'; url: string; headers: Record<string, string>; body: string };
type StreamCreator = (request: HttpRequest, options?: Record<string, unknown>) => Duplex;
type JsforceTransport = {
  getRequestStreamCreator?: () => StreamCreator;
  _httpProxy?: string;
  _xdProxyUrl?: string;
  _signedRequest?: unknown;
  _jsonpParam?: unknown;
};

/**
 * jsforce's request function behind the connection (the one `Connection.request` sends through),
 * when the transport is the plain or HTTP-proxy one of Node; undefined for any other.
 */
function streamCreator(conn: Connection): { create: StreamCreator; options: Record<string, unknown> } | undefined {
  const transport = (conn as unknown as { _transport?: JsforceTransport })._transport;
  if (!transport || typeof transport.getRequestStreamCreator !== 'function') return undefined;
  if (transport._xdProxyUrl !== undefined || transport._signedRequest !== undefined || transport._jsonpParam !== undefined) return undefined;
  const create = transport.getRequestStreamCreator();
  if (typeof create !== 'function') return undefined;
  return { create, options: transport._httpProxy ? { httpProxy: transport._httpProxy } : {} };
}

type Answer = { ok: true; status: RetrieveStatus } | { ok: false; statusCode: number; text: string; html: boolean };

/** Sends the request and reads a 2xx answer with the reader, any other answer as text. */
function streamAnswer(via: NonNullable<ReturnType<typeof streamCreator>>, request: HttpRequest): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const stream = via.create(request, via.options);
    let statusCode = 0;
    let html = false;
    const reader = new RetrieveStatusReader();
    const errorText: Buffer[] = [];
    stream.on('response', (res: { statusCode: number; headers: Record<string, string> }) => {
      statusCode = res.statusCode;
      html = res.headers?.['content-type'] === 'text/html';
    });
    stream.on('data', (chunk: Buffer) => {
      if (statusCode >= 400) errorText.push(chunk);
      else reader.write(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      try {
        if (statusCode >= 400) resolve({ ok: false, statusCode, text: Buffer.concat(errorText).toString('utf8'), html });
        else resolve({ ok: true, status: reader.end() });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** One checkRetrieveStatus call on the connection's Metadata API endpoint. */
export async function checkRetrieveStatus(conn: Connection, id: string, refreshed = false): Promise<RetrieveStatus> {
  const request: HttpRequest = {
    method: 'POST',
    url: `${conn.instanceUrl}/services/Soap/m/${conn.getApiVersion()}`,
    body: envelope(conn.accessToken ?? '', id),
    headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
  };
  const via = streamCreator(conn);
  let fault: SoapFaultError | undefined;
  try {
    if (via) {
      const answer = await streamAnswer(via, request);
      if (answer.ok) return answer.status;
      // a fault comes back as HTTP 500 with its envelope; anything else is jsforce's HTTP error
      throw soapFaultOf(answer.text) ?? new HttpStatusError(answer.statusCode, answer.text, answer.html);
    }
    // the body as text: no xml2js tree
    return readRetrieveStatus(await conn.request<string>(request, { responseType: 'text/plain' }));
  } catch (e) {
    // through Connection.request, a fault is an error whose message is the envelope
    fault = e instanceof SoapFaultError ? e : e instanceof Error && !(e instanceof HttpStatusError) ? soapFaultOf(e.message) : undefined;
    if (!fault) throw e;
  }
  if (!refreshed && /INVALID_SESSION_ID/.test(fault.errorCode)) {
    await conn.refreshAuth();
    return checkRetrieveStatus(conn, id, true);
  }
  throw fault;
}
