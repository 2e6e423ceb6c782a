/**
 * SOQL conditions: the parser's flat WHERE chain (parentheses as counts on each condition) turned
 * back into a tree, and its literals into values the rows are compared with.
 */
import type { WhereClause } from '@jetstreamapp/soql-parser-js';
import { SoqlNotSimulated } from './errors.js';

export type Literal = string | number | boolean | null | { range: [number, number] };

export type Cond =
  | { kind: 'and' | 'or'; left: Cond; right: Cond }
  | { kind: 'not'; inner: Cond }
  | { kind: 'cmp'; field: string; op: string; value: Literal }
  | { kind: 'in'; field: string; negate: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pattern: string };

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'cond'; cond: Cond };

const DAY = 86_400_000;

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** A date literal as a [start, end) range of epoch milliseconds (UTC days). */
function dateLiteral(value: string, n: number | undefined, now: number): { range: [number, number] } {
  const today = startOfUtcDay(now);
  switch (value.split(':')[0]) {
    case 'TODAY':
      return { range: [today, today + DAY] };
    case 'YESTERDAY':
      return { range: [today - DAY, today] };
    case 'TOMORROW':
      return { range: [today + DAY, today + 2 * DAY] };
    case 'LAST_90_DAYS':
      return { range: [today - 90 * DAY, today + DAY] };
    case 'NEXT_90_DAYS':
      return { range: [today + DAY, today + 91 * DAY] };
    case 'LAST_N_DAYS':
      return { range: [today - (n ?? 0) * DAY, today + DAY] };
    case 'NEXT_N_DAYS':
      return { range: [today + DAY, today + (1 + (n ?? 0)) * DAY] };
    case 'N_DAYS_AGO':
      return { range: [today - (n ?? 0) * DAY, today - (n ?? 0) * DAY + DAY] };
    default:
      throw new SoqlNotSimulated(`the date literal ${value}`);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** 'It\\'s' -> It's (SOQL's escapes in quoted strings); in a LIKE pattern \\% and \\_ stay escaped. */
export function unquote(raw: string, like = false): string {
  const body = raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i];
    out += like && (n === '%' || n === '_') ? `\\${n}` : (ESCAPES[n] ?? n);
  }
  return out;
}

function literal(raw: string, type: string | undefined, n: number | undefined, now: number): Literal {
  switch (type) {
    case 'STRING':
      return unquote(raw);
    case 'INTEGER':
    case 'DECIMAL':
      return Number(raw);
    case 'BOOLEAN':
      return raw.toUpperCase() === 'TRUE';
    case 'NULL':
      return null;
    case 'DATE':
    case 'DATETIME':
      return raw;
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL':
      return dateLiteral(raw, n, now);
    default:
      throw new SoqlNotSimulated(`${type ?? 'this'} values`);
  }
}

function condition(left: Record<string, unknown>, now: number): Cond {
  if ('fn' in left) throw new SoqlNotSimulated('functions in WHERE');
  if ('valueQuery' in left) throw new SoqlNotSimulated('semi-joins (IN (SELECT ...))');
  const field = String(left.field);
  const op = String(left.operator).toUpperCase();
  const types = left.literalType;
  const nValues = left.dateLiteralVariable;
  const at = <T>(v: T | T[] | undefined, i: number): T | undefined => (Array.isArray(v) ? v[i] : v);
  if (op === 'IN' || op === 'NOT IN') {
    const raw = Array.isArray(left.value) ? (left.value as string[]) : [String(left.value)];
    const values = raw.map((v, i) => literal(v, at(types as string | string[], i), at(nValues as number | number[], i), now));
    return { kind: 'in', field, negate: op === 'NOT IN', values };
  }
  if (op === 'INCLUDES' || op === 'EXCLUDES') throw new SoqlNotSimulated(`${op} (multi-select picklists)`);
  const value = literal(String(left.value), at(types as string | string[], 0), at(nValues as number | number[], 0), now);
  if (op === 'LIKE') return { kind: 'like', field, pattern: unquote(String(left.value), true) };
  return { kind: 'cmp', field, op, value };
}

function tokens(where: WhereClause, now: number): Token[] {
  const out: Token[] = [];
  for (let node: WhereClause | undefined = where; node; ) {
    const left = node.left as (Record<string, unknown> & { openParen?: number; closeParen?: number }) | null;
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push({ t: '(' });
      if ('field' in left || 'fn' in left || 'valueQuery' in left) out.push({ t: 'cond', cond: condition(left, now) });
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push({ t: ')' });
    }
    const op = 'operator' in node ? String(node.operator).toUpperCase() : undefined;
    if (op === 'AND' || op === 'OR' || op === 'NOT') out.push({ t: op });
    node = 'right' in node ? node.right : undefined;
  }
  return out;
}

/** The WHERE clause as a condition tree (NOT binds tighter than AND, AND than OR). */
export function whereTree(where: WhereClause, now: number): Cond {
  const list = tokens(where, now);
  let i = 0;
  const peek = (): Token['t'] | undefined => list[i]?.t;
  const orExpr = (): Cond => {
    let left = andExpr();
    while (peek() === 'OR') {
      i++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): Cond => {
    let left = unary();
    while (peek() === 'AND') {
      i++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): Cond => {
    const tok = list[i++];
    if (!tok) throw new Error('the WHERE clause ended early');
    if (tok.t === 'NOT') return { kind: 'not', inner: unary() };
    if (tok.t === '(') {
      const inner = orExpr();
      i++; // ')'
      return inner;
    }
    if (tok.t === 'cond') return tok.cond;
    throw new Error(`unexpected ${tok.t} in the WHERE clause`);
  };
  return orExpr();
}
