/**
 * SOQL against the simulator's sObjects. The grammar is Salesforce's, through a maintained parser
 * (@jetstreamapp/soql-parser-js, see soql/parse.ts); the simulator evaluates fields, parent
 * relationship fields (Profile.Name), WHERE (=, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN, AND, OR,
 * NOT, parentheses, date literals such as LAST_N_DAYS:n), ORDER BY (ASC/DESC, NULLS FIRST/LAST),
 * LIMIT, OFFSET, COUNT() and COUNT(field). Errors carry Salesforce's codes and wording. A query
 * the grammar accepts but the simulator does not evaluate (GROUP BY, subqueries, TYPEOF, ...)
 * throws SoqlNotSimulated, which REST answers as such, never as a malformed query.
 */
import type { FieldType, OrderByClause, Query } from '@jetstreamapp/soql-parser-js';
import { sameId } from './ids.js';
import { errorAt, SoqlError, SoqlNotSimulated, wordAt } from './soql/errors.js';
import { parseSoql } from './soql/parse.js';
import { type Cond, type Literal, whereTree } from './soql/where.js';
import { type FieldType as SFieldType, type FieldValue, type Row, type SObjectDef, sobjectDef } from './sobjects.js';
import type { OrgState } from './store.js';

export { SoqlError, SoqlNotSimulated, parseSoql };

/** A field path as written ("Profile.Name"), and where it stands in the query. */
type FieldRef = { path: string[]; pos: number };
/** A field path resolved against the object: canonical names, the type of the last field. */
type Resolved = { names: string[]; type: SFieldType; rel?: { name: string; def: SObjectDef; field: string } };

type Plan = {
  def: SObjectDef;
  /** COUNT() */
  countOnly: boolean;
  /** COUNT(field) and friends: the aggregate result rows */
  aggregate?: { field?: Resolved };
  selected: Resolved[];
  where?: Cond;
  orderBy: Array<{ resolved: Resolved; desc: boolean; nullsLast: boolean }>;
  limit?: number;
  offset?: number;
};

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
function plan(soql: string, q: Query, now: number): Plan {
  if (q.groupBy || q.having) notSimulated('GROUP BY and HAVING');
  if (q.withDataCategory || q.for || q.update) notSimulated('WITH DATA CATEGORY, FOR and UPDATE clauses');
  const object = q.sObject ?? '';
  const fromPos = wordAt(soql, 'FROM');
  const def = sobjectDef(object);
  if (!def) throw errorAt(soql, wordAt(soql, object, fromPos), 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
  const selectEnd = fromPos < 0 ? soql.length : fromPos;
  const selected: Resolved[] = [];
  let countOnly = false;
  let aggregate: Plan['aggregate'];
  for (const f of q.fields ?? []) {
    if (f.type === 'FieldFunctionExpression') {
      if (f.functionName?.toUpperCase() !== 'COUNT') notSimulated(`the function ${f.functionName ?? ''}()`);
      const param = f.parameters?.[0];
      if (param === undefined) countOnly = true;
      else aggregate = { field: typeof param === 'string' ? resolveField(soql, def, refOf(soql, param, 0)) : notSimulated('COUNT of an expression') };
      continue;
    }
    const path = fieldPath(f);
    if (!path) notSimulated(f.type === 'FieldSubquery' ? 'relationship subqueries' : f.type === 'FieldTypeof' ? 'TYPEOF' : 'aliases');
    const ref = refOf(soql, path, 0);
    if (ref.pos > selectEnd) ref.pos = Math.max(0, wordAt(soql, path.split('.').pop() ?? path, 0));
    selected.push(resolveField(soql, def, ref));
  }
  const wherePos = wordAt(soql, 'WHERE');
  const where = q.where ? whereTree(q.where, now) : undefined;
  if (where) checkFields(soql, def, where, wherePos < 0 ? 0 : wherePos);
  const orderPos = wordAt(soql, 'ORDER');
  const clauses: OrderByClause[] = q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
  const orderBy = clauses.map((o) => {
    if (!('field' in o)) notSimulated('ORDER BY a function');
    const desc = o.order === 'DESC';
    return { resolved: resolveField(soql, def, refOf(soql, o.field, orderPos < 0 ? 0 : orderPos)), desc, nullsLast: o.nulls ? o.nulls === 'LAST' : desc };
  });
  return { def, countOnly, aggregate, selected, where, orderBy, limit: q.limit, offset: q.offset };
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
    default:
      resolveField(soql, def, refOf(soql, cond.field, from));
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

/** Every record a query selects, in order (before paging into batches). */
export function querySoql(org: OrgState, soql: string, apiVersion: string, now = Date.now()): { totalSize: number; records: QueryRecord[] } {
  const p = plan(soql, parseSoql(soql), now);
  const ctx: Context = { org, soql, def: p.def, related: new Map(), resolved: new Map() };
  let rows = p.def.rows(org).filter((row) => !p.where || test(ctx, row, p.where));
  if (p.orderBy.length > 0) {
    rows = [...rows].sort((a, b) => {
      for (const o of p.orderBy) {
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
  if (p.countOnly) return { totalSize: rows.length, records: [] };
  if (p.aggregate) {
    const field = p.aggregate.field;
    const n = field ? rows.filter((row) => valueOf(ctx, row, field) !== null).length : rows.length;
    return { totalSize: 1, records: [{ attributes: { type: 'AggregateResult' }, expr0: n }] };
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
export function runSoql(org: OrgState, soql: string, apiVersion: string): QueryResult {
  const r = querySoql(org, soql, apiVersion);
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
export function describeColumns(soql: string): { columnMetadata: ColumnMetadata[]; entityName: string; groupBy: boolean; idSelected: boolean; keyPrefix: string } {
  const p = plan(soql, parseSoql(soql), Date.now());
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
  if (p.countOnly || p.aggregate) columns.push({ ...column('expr0', 'int'), aggregate: true, displayName: p.countOnly ? 'COUNT()' : 'COUNT' });
  return { columnMetadata: columns, entityName: p.def.name, groupBy: false, idSelected: columns.some((c) => c.columnName === 'Id'), keyPrefix: p.def.keyPrefix };
}
