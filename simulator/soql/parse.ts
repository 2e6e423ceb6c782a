/**
 * SOQL parsing through @jetstreamapp/soql-parser-js (a maintained parser of Salesforce's full SOQL
 * grammar): what it refuses becomes MALFORMED_QUERY in Salesforce's shape, with the caret under the
 * token the parser stopped at.
 */
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { errorAt, SoqlError } from './errors.js';

export type { Query };

/** The token the parser stopped at ('' at the end of the query), and a lexer offset when it gives one. */
function stoppedAt(message: string): { token?: string; offset?: number } {
  const lexer = /unexpected character: ->(.)<- at offset: (\d+)/.exec(message);
  if (lexer) return { token: lexer[1], offset: Number(lexer[2]) };
  const found = /but found(?: -->|:) '([^']*)'/.exec(message) ?? /but found(?: -->|:) (\S*)/.exec(message);
  return found ? { token: found[1] } : {};
}

function tryParse(soql: string): string | undefined {
  try {
    parseQuery(soql);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Where the parser stopped: the first occurrence of the token whose prefix fails on that token. */
function offsetOf(soql: string, token: string): number {
  let from = 0;
  const candidates: number[] = [];
  for (let i = soql.indexOf(token, from); i >= 0; i = soql.indexOf(token, from)) {
    candidates.push(i);
    from = i + 1;
  }
  for (const at of candidates) {
    const message = tryParse(soql.slice(0, at + token.length));
    if (message && stoppedAt(message).token === token) return at;
  }
  return candidates[0] ?? soql.length;
}

/** Parses a query; throws SoqlError MALFORMED_QUERY as Salesforce answers a query it cannot parse. */
export function parseSoql(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const { token, offset } = stoppedAt(message);
    if (token === '') failEof(soql);
    if (token === undefined) throw errorAt(soql, 0, 'MALFORMED_QUERY', message.split('\n')[0]);
    const at = offset ?? offsetOf(soql, token);
    throw errorAt(soql, at, 'MALFORMED_QUERY', `unexpected token: '${token}'`);
  }
}

function failEof(soql: string): never {
  throw errorAt(soql, soql.length, 'MALFORMED_QUERY', 'unexpected token: <EOF>');
}

export { SoqlError };
