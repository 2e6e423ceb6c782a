/**
 * Salesforce's SOQL errors: HTTP 400 with MALFORMED_QUERY, INVALID_FIELD or INVALID_TYPE, the query
 * echoed with a caret under the offending token and "ERROR at Row:1:Column:N".
 */
export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_TYPE' | 'INVALID_FIELD';

export class SoqlError extends Error {
  public constructor(
    public readonly errorCode: SoqlErrorCode,
    message: string
  ) {
    super(message);
  }
}

/**
 * A query Salesforce's grammar accepts but the simulator does not evaluate (GROUP BY, subqueries,
 * TYPEOF, aggregates other than COUNT, ...): answered as such, never as a malformed query.
 */
export class SoqlNotSimulated extends Error {}

const FOOTER: Record<SoqlErrorCode, string> = {
  MALFORMED_QUERY: '',
  INVALID_TYPE:
    " If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
  INVALID_FIELD:
    " If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
};

/** The error at a 0-based offset of a one-line query. */
export function errorAt(soql: string, pos: number, code: SoqlErrorCode, text: string): SoqlError {
  const at = Math.max(0, Math.min(pos, soql.length));
  return new SoqlError(code, `\n${soql}\n${' '.repeat(at)}^\nERROR at Row:1:Column:${at + 1}\n${text}${FOOTER[code]}`);
}

/** The 0-based offset of a word (case-insensitive, whole word) at or after `from`; -1 when absent. */
export function wordAt(soql: string, word: string, from = 0): number {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_.])(${escaped})(?![A-Za-z0-9_])`, 'ig');
  re.lastIndex = Math.max(0, from);
  const m = re.exec(soql);
  return m ? m.index + m[1].length : -1;
}
