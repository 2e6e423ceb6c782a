/**
 * SOQL against the simulator's sObjects. The grammar is Salesforce's, through a maintained parser
 * (@jetstreamapp/soql-parser-js, see soql/parse.ts); the simulator evaluates fields, parent
 * relationship fields (Profile.Name), WHERE (=, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN, AND, OR,
 * NOT, parentheses, date literals such as LAST_N_DAYS:n), ORDER BY (ASC/DESC, NULLS FIRST/LAST),
 * LIMIT, OFFSET, COUNT(), and aggregate queries: GROUP BY fields with COUNT, COUNT_DISTINCT, MIN,
 * MAX, SUM, AVG (aliased or exprN), HAVING (AND/OR of comparisons) and ORDER BY on groups or
 * aggregates. Fields the object reference marks as not filterable or not groupable are refused as
 * Salesforce refuses them. Errors carry Salesforce's codes and wording. A query the grammar accepts
 * but the simulator does not evaluate (subqueries, TYPEOF, ROLLUP, ...) throws SoqlNotSimulated,
 * which REST answers as such, never as a malformed query.
 */
import type { FieldType, OrderByClause, Query } from '@jetstreamapp/soql-parser-js';
import { sameId } from './ids.js';
import { errorAt, SoqlError, SoqlNotSimulated, wordAt } from './soql/errors.js';
import { parseSoql } from './soql/parse.js';
import { type Cond, type Literal, whereTree } from './soql/where.js';
import { type FieldType as SFieldType, type FieldValue, type Row, type SObjectDef, sobjectDef } from './sobjects.js';
import type { OrgState, UserRecord } from './store.js';

export { SoqlError, SoqlNotSimulated, parseSoql };

/** A field path as written ("Profile.Name"), and where it stands in the query. */
type FieldRef = { path: string[]; pos: number };
/** A field path resolved against the object: canonical names, the type of the last field. */
type Resolved = { names: string[]; type: SFieldType; rel?: { name: string; def: SObjectDef; field: string } };

/** An aggregate function of the SELECT list (COUNT(field), COUNT_DISTINCT, MIN, MAX, SUM, AVG). */
type Aggregate = { fn: string; field?: Resolved; alias: string; raw: string; hidden?: boolean };

/** A HAVING condition: an aggregate or a grouped field compared with a literal. */
type HavingCond = { kind: 'and' | 'or'; left: HavingCond; right: HavingCond } | { kind: 'cmp'; target: { agg: number } | { group: number }; op: string; value: Literal };

type OrderKey = { resolved: Resolved; agg?: undefined } | { agg: number; resolved?: undefined };

type Plan = {
  def: SObjectDef;
  /** COUNT() */
  countOnly: boolean;
  /** aggregate functions; with groupBy, the query answers AggregateResult rows */
  aggregates: Aggregate[];
  groupBy: Resolved[];
  having?: HavingCond;
  selected: Resolved[];
  where?: Cond;
  orderBy: Array<OrderKey & { desc: boolean; nullsLast: boolean }>;
  limit?: number;
  offset?: number;
};

const AGGREGATE_FUNCTIONS = new Set(['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG']);

function notSimulated(what: string): never {
  throw new SoqlNotSimulated(what);
}

function refOf(soql: string, path: string, from: number): FieldRef {
  const pos = wordAt(soql, path, from);
  return { path: path.split('.'), pos: pos < 0 ? from : pos };
}

function resolveField(soql: string, def: SObjectDef, ref: FieldRef): Resolved {
  const findField = (d: SObjectDef, name: string): [string, SFieldType] | undefined => {
    const key = Object.keys(d.fields).find((f) => f.toLowerCase() === name.toLowerCase());
    return key ? [key, d.fields[key]] : undefined;
  };
  if (ref.path.length === 1) {
    const f = findField(def, ref.path[0]);
    if (!f) throw errorAt(soql, ref.pos, 'INVALID_FIELD', `No such column '${ref.path[0]}' on entity '${def.name}'.`);
    return { names: [f[0]], type: f[1] };
  }
  // "User.Profile.Name" may be written with the object's own name first
  const path = ref.path.length === 3 && ref.path[0].toLowerCase() === def.name.toLowerCase() ? ref.path.slice(1) : ref.path;
  const relName = Object.keys(def.relationships ?? {}).find((r) => r.toLowerCase() === path[0].toLowerCase());
  if (path.length !== 2 || !relName) {
    throw errorAt(
      soql,
      ref.pos,
      'INVALID_FIELD',
      `Didn't understand relationship '${path[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
    );
  }
  const rel = (def.relationships ?? {})[relName];
  const target = sobjectDef(rel.object) as SObjectDef;
  const f = findField(target, path[1]);
  if (!f) throw errorAt(soql, ref.pos, 'INVALID_FIELD', `No such column '${path[1]}' on entity '${target.name}'.`);
  return { names: [relName, f[0]], type: f[1], rel: { name: relName, def: target, field: rel.field } };
}

function fieldPath(f: FieldType): string | undefined {
  if (f.type === 'Field') return f.field;
  if (f.type === 'FieldRelationship') return [...f.relationships, f.field].join('.');
  return undefined;
}

/** Checks a parsed query against the sObjects and plans its evaluation. */
function plan(soql: string, q: Query, now: number, org?: OrgState): Plan {
  if (q.withDataCategory || q.for || q.update) notSimulated('WITH DATA CATEGORY, FOR and UPDATE clauses');
  const object = q.sObject ?? '';
  const fromPos = wordAt(soql, 'FROM');
  const def = sobjectDef(object, org);
  if (!def) throw errorAt(soql, wordAt(soql, object, fromPos), 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
  const selectEnd = fromPos < 0 ? soql.length : fromPos;
  const selected: Resolved[] = [];
  const selectedRaw: string[] = [];
  let countOnly = false;
  const aggregates: Aggregate[] = [];
  let unaliased = 0;
  for (const f of q.fields ?? []) {
    if (f.type === 'FieldFunctionExpression') {
      const fn = (f.functionName ?? '').toUpperCase();
      if (!AGGREGATE_FUNCTIONS.has(fn)) notSimulated(`the function ${f.functionName ?? ''}()`);
      const param = f.parameters?.[0];
      if (fn === 'COUNT' && param === undefined) {
        countOnly = true;
        continue;
      }
      if (typeof param !== 'string') notSimulated(`${fn} of an expression`);
      const field = resolveField(soql, def, refOf(soql, param, 0));
      aggregates.push({ fn, field, alias: f.alias ?? `expr${unaliased++}`, raw: (f.rawValue ?? `${fn}(${param})`).replace(/\s+/g, '').toUpperCase() });
      continue;
    }
    const path = fieldPath(f);
    if (!path) notSimulated(f.type === 'FieldSubquery' ? 'relationship subqueries' : f.type === 'FieldTypeof' ? 'TYPEOF' : 'aliases');
    const ref = refOf(soql, path, 0);
    if (ref.pos > selectEnd) ref.pos = Math.max(0, wordAt(soql, path.split('.').pop() ?? path, 0));
    selected.push(resolveField(soql, def, ref));
    selectedRaw.push(path);
  }
  const groupPos = wordAt(soql, 'GROUP');
  const groupClauses = q.groupBy === undefined ? [] : Array.isArray(q.groupBy) ? q.groupBy : [q.groupBy];
  const groupBy = groupClauses.map((g) => {
    if (!('field' in g) || typeof g.field !== 'string') notSimulated('GROUP BY ROLLUP, CUBE and functions');
    const ref = refOf(soql, g.field, groupPos < 0 ? 0 : groupPos);
    const r = resolveField(soql, def, ref);
    if (!r.rel && (def.notGroupable ?? []).includes(r.names[0])) throw errorAt(soql, ref.pos, 'INVALID_FIELD', `field '${r.names[0]}' can not be grouped in a query call`);
    return r;
  });
  if (countOnly && (groupBy.length > 0 || aggregates.length > 0)) notSimulated('COUNT() with GROUP BY or other aggregates');
  if (groupBy.length > 0 || aggregates.length > 0) {
    // every plain field of an aggregate query must be grouped (Salesforce refuses the query otherwise)
    selected.forEach((r, i) => {
      if (!groupBy.some((g) => g.names.join('.') === r.names.join('.'))) {
        throw errorAt(soql, Math.max(0, wordAt(soql, selectedRaw[i], 0)), 'MALFORMED_QUERY', `Field must be grouped or aggregated: ${r.names[r.names.length - 1]}`);
      }
    });
  }
  const wherePos = wordAt(soql, 'WHERE');
  const where = q.where ? whereTree(q.where, now) : undefined;
  if (where) checkFields(soql, def, where, wherePos < 0 ? 0 : wherePos);
  // an aggregate may stand in ORDER BY or HAVING without being selected: it is computed, not returned
  const aggIndex = (fn: { functionName?: string; parameters?: unknown[]; rawValue?: string }): number => {
    const raw = (fn.rawValue ?? `${fn.functionName ?? ''}(${String(fn.parameters?.[0] ?? '')})`).replace(/\s+/g, '').toUpperCase();
    const i = aggregates.findIndex((a) => a.raw === raw);
    if (i >= 0) return i;
    const name = (fn.functionName ?? '').toUpperCase();
    const param = fn.parameters?.[0];
    if (!AGGREGATE_FUNCTIONS.has(name) || typeof param !== 'string') notSimulated(`${fn.rawValue ?? name} in ORDER BY or HAVING`);
    aggregates.push({ fn: name, field: resolveField(soql, def, refOf(soql, param, 0)), alias: `hidden${aggregates.length}`, raw, hidden: true });
    return aggregates.length - 1;
  };
  const orderPos = wordAt(soql, 'ORDER');
  const clauses: OrderByClause[] = q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
  const orderBy = clauses.map((o): OrderKey & { desc: boolean; nullsLast: boolean } => {
    const desc = o.order === 'DESC';
    const nullsLast = o.nulls ? o.nulls === 'LAST' : desc;
    if ('fn' in o && o.fn) return { agg: aggIndex(o.fn as { functionName?: string; parameters?: unknown[]; rawValue?: string }), desc, nullsLast };
    if (!('field' in o) || typeof o.field !== 'string') notSimulated('ORDER BY this expression');
    const alias = aggregates.findIndex((a) => a.alias.toLowerCase() === (o.field as string).toLowerCase());
    if (alias >= 0) return { agg: alias, desc, nullsLast };
    return { resolved: resolveField(soql, def, refOf(soql, o.field, orderPos < 0 ? 0 : orderPos)), desc, nullsLast };
  });
  const having = q.having ? havingTree(q.having as unknown as HavingNode, aggIndex, groupBy, soql, def, now) : undefined;
  if (having && groupBy.length === 0 && aggregates.length === 0) notSimulated('HAVING without GROUP BY');
  return { def, countOnly, aggregates, groupBy, having, selected, where, orderBy, limit: q.limit, offset: q.offset };
}

type HavingNode = { left?: Record<string, unknown> & { openParen?: number; closeParen?: number }; operator?: string; right?: HavingNode };

/** The parser's flat HAVING chain as a tree (AND binds tighter than OR; parentheses not simulated). */
function havingTree(
  node: HavingNode,
  aggIndex: (fn: { functionName?: string; parameters?: unknown[]; rawValue?: string }) => number,
  groupBy: readonly Resolved[],
  soql: string,
  def: SObjectDef,
  now: number
): HavingCond {
  const conds: HavingCond[] = [];
  const ops: string[] = [];
  for (let n: HavingNode | undefined = node; n; n = n.right) {
    const left = n.left;
    if (left) {
      if (left.openParen || left.closeParen) notSimulated('parentheses in HAVING');
      const op = String(left.operator ?? '=');
      if (['IN', 'NOT IN', 'LIKE', 'INCLUDES', 'EXCLUDES'].includes(op.toUpperCase())) notSimulated(`${op} in HAVING`);
      const value = havingLiteral(left, now);
      if (left.fn) conds.push({ kind: 'cmp', target: { agg: aggIndex(left.fn as { functionName?: string; parameters?: unknown[]; rawValue?: string }) }, op, value });
      else {
        const r = resolveField(soql, def, { path: String(left.field).split('.'), pos: 0 });
        const g = groupBy.findIndex((x) => x.names.join('.') === r.names.join('.'));
        if (g < 0) notSimulated('HAVING on a field that is not grouped');
        conds.push({ kind: 'cmp', target: { group: g }, op, value });
      }
    }
    if (n.operator) ops.push(String(n.operator).toUpperCase());
  }
  // fold AND first, then OR
  const ors: HavingCond[] = [];
  let current = conds[0];
  for (let i = 1; i < conds.length; i++) {
    if (ops[i - 1] === 'AND') current = { kind: 'and', left: current, right: conds[i] };
    else {
      ors.push(current);
      current = conds[i];
    }
  }
  ors.push(current);
  return ors.reduce((a, b) => ({ kind: 'or', left: a, right: b }));
}

function havingLiteral(left: Record<string, unknown>, now: number): Literal {
  const type = String(left.literalType ?? '');
  const raw = String(left.value ?? '');
  if (type === 'INTEGER' || type === 'DECIMAL') return Number(raw);
  if (type === 'STRING') return raw.replace(/^'|'$/g, '');
  if (type === 'BOOLEAN') return raw.toUpperCase() === 'TRUE';
  if (type === 'NULL') return null;
  if (type === 'DATETIME' || type === 'DATE') return raw;
  void now;
  return notSimulated(`${type} values in HAVING`);
}

function checkFields(soql: string, def: SObjectDef, cond: Cond, from: number): void {
  switch (cond.kind) {
    case 'and':
    case 'or':
      checkFields(soql, def, cond.left, from);
      checkFields(soql, def, cond.right, from);
      return;
    case 'not':
      checkFields(soql, def, cond.inner, from);
      return;
    default: {
      const ref = refOf(soql, cond.field, from);
      const r = resolveField(soql, def, ref);
      // the object reference's Filter property: a field without it cannot be in WHERE
      if (!r.rel && (def.notFilterable ?? []).includes(r.names[0])) throw errorAt(soql, ref.pos, 'INVALID_FIELD', `field '${r.names[0]}' can not be filtered in query call`);
    }
  }
}

type Context = { org: OrgState; soql: string; def: SObjectDef; related: Map<string, Row[]>; resolved: Map<string, Resolved> };

function resolved(ctx: Context, field: string): Resolved {
  let r = ctx.resolved.get(field);
  if (!r) {
    r = resolveField(ctx.soql, ctx.def, { path: field.split('.'), pos: 0 });
    ctx.resolved.set(field, r);
  }
  return r;
}

function relatedRow(ctx: Context, row: Row, rel: NonNullable<Resolved['rel']>): Row | undefined {
  const id = row[rel.field];
  if (typeof id !== 'string') return undefined;
  let rows = ctx.related.get(rel.def.name);
  if (!rows) {
    rows = rel.def.rows(ctx.org);
    ctx.related.set(rel.def.name, rows);
  }
  return rows.find((r) => typeof r.Id === 'string' && sameId(r.Id, id));
}

function valueOf(ctx: Context, row: Row, r: Resolved): FieldValue {
  if (!r.rel) return row[r.names[0]] ?? null;
  return relatedRow(ctx, row, r.rel)?.[r.names[1]] ?? null;
}

function compare(a: FieldValue, b: FieldValue, type: SFieldType): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b) ? 0 : String(a) < String(b) ? -1 : 1;
  if ((type === 'id' || type === 'reference') && sameId(String(a), String(b))) return 0;
  if (type === 'datetime') {
    const x = Date.parse(String(a));
    const y = Date.parse(String(b));
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  }
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

function likeRegex(pattern: string): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) body += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') body += '.*';
    else if (c === '_') body += '.';
    else body += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, 'is');
}

function cmp(v: FieldValue, op: string, lit: Literal, type: SFieldType): boolean {
  if (lit !== null && typeof lit === 'object') {
    const t = v === null ? Number.NaN : Date.parse(String(v));
    if (Number.isNaN(t)) return op === '!=' || op === '<>';
    const [start, end] = lit.range;
    switch (op) {
      case '=':
        return t >= start && t < end;
      case '!=':
      case '<>':
        return t < start || t >= end;
      case '<':
        return t < start;
      case '<=':
        return t < end;
      case '>':
        return t >= end;
      default:
        return t >= start;
    }
  }
  if (lit === null || v === null) {
    const same = v === lit;
    return op === '=' ? same : op === '!=' || op === '<>' ? !same : false;
  }
  const c = compare(v, lit, type);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function test(ctx: Context, row: Row, cond: Cond): boolean {
  switch (cond.kind) {
    case 'and':
      return test(ctx, row, cond.left) && test(ctx, row, cond.right);
    case 'or':
      return test(ctx, row, cond.left) || test(ctx, row, cond.right);
    case 'not':
      return !test(ctx, row, cond.inner);
    case 'like': {
      const v = valueOf(ctx, row, resolved(ctx, cond.field));
      return v !== null && likeRegex(cond.pattern).test(String(v));
    }
    case 'in': {
      const r = resolved(ctx, cond.field);
      const v = valueOf(ctx, row, r);
      const found = cond.values.some((x) => cmp(v, '=', x, r.type));
      return cond.negate ? !found : found;
    }
    case 'cmp': {
      const r = resolved(ctx, cond.field);
      return cmp(valueOf(ctx, row, r), cond.op, cond.value, r.type);
    }
  }
}

export type RecordAttributes = { type: string; url?: string };
export type QueryRecord = { [field: string]: FieldValue | QueryRecord | RecordAttributes } & { attributes: RecordAttributes };
export type QueryResult = { totalSize: number; done: boolean; records: QueryRecord[]; nextRecordsUrl?: string };

function recordOf(def: SObjectDef, row: Row, apiVersion: string): QueryRecord {
  return { attributes: { type: def.name, url: `/services/data/v${apiVersion}/sobjects/${def.name}/${String(row.Id)}` } };
}

function aggregateValue(ctx: Context, rows: readonly Row[], a: Aggregate): FieldValue {
  const field = a.field as Resolved;
  const values = rows.map((row) => valueOf(ctx, row, field)).filter((v) => v !== null);
  switch (a.fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : String(v)))).size;
    case 'MIN':
    case 'MAX': {
      if (values.length === 0) return null;
      const sorted = [...values].sort((x, y) => compare(x, y, field.type));
      return a.fn === 'MIN' ? sorted[0] : sorted[sorted.length - 1];
    }
    case 'SUM':
    case 'AVG': {
      const nums = values.filter((v): v is number => typeof v === 'number');
      if (nums.length === 0) return null;
      const sum = nums.reduce((x, y) => x + y, 0);
      return a.fn === 'SUM' ? sum : sum / nums.length;
    }
    default:
      return null;
  }
}

/** GROUP BY and aggregate functions: one AggregateResult per group. */
function aggregateRecords(ctx: Context, p: Plan, rows: readonly Row[]): QueryRecord[] {
  const groups = new Map<string, { key: FieldValue[]; rows: Row[] }>();
  for (const row of rows) {
    const key = p.groupBy.map((g) => valueOf(ctx, row, g));
    const id = JSON.stringify(key.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)));
    const group = groups.get(id) ?? { key, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  // an aggregate query without GROUP BY answers one row, even over no rows
  if (p.groupBy.length === 0 && groups.size === 0) groups.set('[]', { key: [], rows: [] });
  let results = [...groups.values()].map((g) => ({ key: g.key, aggs: p.aggregates.map((a) => aggregateValue(ctx, g.rows, a)) }));
  const pass = (c: HavingCond, r: { key: FieldValue[]; aggs: FieldValue[] }): boolean => {
    if (c.kind !== 'cmp') return c.kind === 'and' ? pass(c.left, r) && pass(c.right, r) : pass(c.left, r) || pass(c.right, r);
    const v = 'agg' in c.target ? r.aggs[c.target.agg] : r.key[c.target.group];
    const type = 'agg' in c.target ? (typeof v === 'number' ? 'int' : (p.aggregates[c.target.agg].field?.type ?? 'string')) : p.groupBy[c.target.group].type;
    return cmp(v, c.op, c.value, type);
  };
  if (p.having) results = results.filter((r) => pass(p.having as HavingCond, r));
  if (p.orderBy.length > 0) {
    results.sort((a, b) => {
      for (const o of p.orderBy) {
        let x: FieldValue;
        let y: FieldValue;
        let type: SFieldType;
        if (o.agg !== undefined) {
          x = a.aggs[o.agg];
          y = b.aggs[o.agg];
          type = typeof x === 'number' || typeof y === 'number' ? 'int' : (p.aggregates[o.agg].field?.type ?? 'string');
        } else {
          const gi = p.groupBy.findIndex((g) => g.names.join('.') === o.resolved.names.join('.'));
          if (gi < 0) notSimulated('ORDER BY a field that is not grouped');
          x = a.key[gi];
          y = b.key[gi];
          type = o.resolved.type;
        }
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === o.nullsLast ? 1 : -1;
        }
        const c = compare(x, y, type);
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  results = results.slice(p.offset ?? 0, p.limit !== undefined ? (p.offset ?? 0) + p.limit : undefined);
  return results.map((r) => {
    const rec: QueryRecord = { attributes: { type: 'AggregateResult' } };
    p.groupBy.forEach((g, i) => (rec[g.names[g.names.length - 1]] = r.key[i]));
    p.aggregates.forEach((a, i) => {
      if (!a.hidden) rec[a.alias] = r.aggs[i];
    });
    return rec;
  });
}

/** Every record a query selects, in order (before paging into batches). `viewer`: the session's user. */
export function querySoql(org: OrgState, soql: string, apiVersion: string, now = Date.now(), viewer?: UserRecord): { totalSize: number; records: QueryRecord[] } {
  const p = plan(soql, parseSoql(soql), now, org);
  const ctx: Context = { org, soql, def: p.def, related: new Map(), resolved: new Map() };
  let rows = p.def.rows(org, viewer).filter((row) => !p.where || test(ctx, row, p.where));
  if (p.countOnly) return { totalSize: rows.length, records: [] };
  if (p.aggregates.length > 0 || p.groupBy.length > 0) {
    const records = aggregateRecords(ctx, p, rows);
    return { totalSize: records.length, records };
  }
  if (p.orderBy.length > 0) {
    rows = [...rows].sort((a, b) => {
      for (const o of p.orderBy) {
        if (!o.resolved) continue;
        const x = valueOf(ctx, a, o.resolved);
        const y = valueOf(ctx, b, o.resolved);
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === o.nullsLast ? 1 : -1;
        }
        const c = compare(x, y, o.resolved.type);
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  rows = rows.slice(p.offset ?? 0, p.limit !== undefined ? (p.offset ?? 0) + p.limit : undefined);
  const records = rows.map((row) => {
    const rec = recordOf(p.def, row, apiVersion);
    for (const r of p.selected) {
      if (!r.rel) {
        rec[r.names[0]] = row[r.names[0]] ?? null;
        continue;
      }
      const target = relatedRow(ctx, row, r.rel);
      if (!target) {
        rec[r.rel.name] = null;
        continue;
      }
      const existing = rec[r.rel.name];
      const relRec = existing && typeof existing === 'object' && 'attributes' in existing ? (existing as QueryRecord) : recordOf(r.rel.def, target, apiVersion);
      relRec[r.names[1]] = target[r.names[1]] ?? null;
      rec[r.rel.name] = relRec;
    }
    return rec;
  });
  return { totalSize: rows.length, records };
}

/** Runs a query and returns the whole result in one batch (no paging). Throws SoqlError as Salesforce would answer. */
export function runSoql(org: OrgState, soql: string, apiVersion: string, viewer?: UserRecord): QueryResult {
  const r = querySoql(org, soql, apiVersion, Date.now(), viewer);
  return { totalSize: r.totalSize, done: true, records: r.records };
}

export type ColumnMetadata = {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
};

const APEX_TYPE: Record<SFieldType, string> = {
  id: 'Id',
  reference: 'Id',
  string: 'String',
  picklist: 'String',
  boolean: 'Boolean',
  int: 'Integer',
  datetime: 'Datetime',
};

function column(name: string, type: SFieldType | undefined, joins: ColumnMetadata[] = []): ColumnMetadata {
  return {
    aggregate: false,
    apexType: type ? APEX_TYPE[type] : null,
    booleanType: type === 'boolean',
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName: null,
    insertable: type !== undefined && type !== 'id',
    joinColumns: joins,
    numberType: type === 'int',
    textType: type === 'string' || type === 'picklist',
    updatable: type !== undefined && type !== 'id',
  };
}

/** The answer to `query?q=...&columns=true` (what `sf data query` asks first). */
export function describeColumns(soql: string, org?: OrgState): { columnMetadata: ColumnMetadata[]; entityName: string; groupBy: boolean; idSelected: boolean; keyPrefix: string } {
  const p = plan(soql, parseSoql(soql), Date.now(), org);
  const columns: ColumnMetadata[] = [];
  for (const r of p.selected) {
    if (!r.rel) {
      columns.push(column(r.names[0], r.type));
      continue;
    }
    let parent = columns.find((c) => c.columnName === r.names[0]);
    if (!parent) {
      parent = column(r.names[0], undefined);
      columns.push(parent);
    }
    parent.joinColumns.push(column(r.names[1], r.type));
  }
  if (p.countOnly) columns.push({ ...column('expr0', 'int'), aggregate: true, displayName: 'COUNT()' });
  for (const a of p.aggregates.filter((x) => !x.hidden)) {
    const type = a.fn === 'COUNT' || a.fn === 'COUNT_DISTINCT' ? 'int' : (a.field?.type ?? 'int');
    columns.push({ ...column(a.alias, type), aggregate: true, displayName: a.alias.startsWith('expr') ? a.fn : a.alias });
  }
  return { columnMetadata: columns, entityName: p.def.name, groupBy: p.groupBy.length > 0, idSelected: columns.some((c) => c.columnName === 'Id'), keyPrefix: p.def.keyPrefix };
}
