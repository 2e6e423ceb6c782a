/**
 * A small SOQL: SELECT fields | COUNT() FROM object [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n],
 * with =, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN, AND, OR, NOT, parentheses and parent
 * relationship fields (Profile.Name). Errors carry Salesforce's codes and wording, with the
 * query echoed and a caret under the offending token.
 */
import { sameId } from './ids.js';
import { type FieldType, type FieldValue, type Row, type SObjectDef, sobjectDef } from './sobjects.js';
import type { OrgState } from './store.js';

export class SoqlError extends Error {
  public constructor(
    public readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_TYPE' | 'INVALID_FIELD',
    message: string
  ) {
    super(message);
  }
}

type Token = { kind: 'ident' | 'string' | 'number' | 'op' | 'punct'; value: string; pos: number };
type Literal = FieldValue;
type FieldRef = { path: string[]; pos: number };
type Cond =
  | { kind: 'and' | 'or'; left: Cond; right: Cond }
  | { kind: 'not'; inner: Cond }
  | { kind: 'cmp'; field: FieldRef; op: string; value: Literal }
  | { kind: 'in'; field: FieldRef; negate: boolean; values: Literal[] }
  | { kind: 'like'; field: FieldRef; pattern: string };
type Order = { field: FieldRef; desc: boolean; nullsLast: boolean };

export type ParsedQuery = {
  count: boolean;
  fields: FieldRef[];
  object: { name: string; pos: number };
  where?: Cond;
  orderBy: Order[];
  limit?: number;
  offset?: number;
};

const FOOTER: Record<SoqlError['errorCode'], string> = {
  MALFORMED_QUERY: '',
  INVALID_TYPE:
    " If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
  INVALID_FIELD:
    " If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
};

function errorAt(soql: string, pos: number, code: SoqlError['errorCode'], text: string): SoqlError {
  const column = pos + 1;
  return new SoqlError(code, `\n${soql}\n${' '.repeat(pos)}^\nERROR at Row:1:Column:${column}\n${text}${FOOTER[code]}`);
}

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < soql.length && soql[j] !== "'") {
        if (soql[j] === '\\' && j + 1 < soql.length) {
          value += soql[j + 1];
          j += 2;
        } else {
          value += soql[j++];
        }
      }
      if (j >= soql.length) throw errorAt(soql, i, 'MALFORMED_QUERY', 'unexpected token: unterminated string');
      tokens.push({ kind: 'string', value, pos: i });
      i = j + 1;
    } else if (/[-\d]/.test(ch) && /^-?\d/.test(soql.slice(i, i + 2))) {
      const m = /^-?\d+(\.\d+)?/.exec(soql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: m[0], pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(soql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'ident', value: m[0], pos: i });
      i += m[0].length;
    } else {
      const op = /^(<=|>=|!=|<>|=|<|>)/.exec(soql.slice(i));
      if (op) {
        tokens.push({ kind: 'op', value: op[0], pos: i });
        i += op[0].length;
      } else if ('(),'.includes(ch)) {
        tokens.push({ kind: 'punct', value: ch, pos: i });
        i++;
      } else {
        throw errorAt(soql, i, 'MALFORMED_QUERY', `unexpected token: '${ch}'`);
      }
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  public constructor(
    private readonly soql: string,
    private readonly tokens: Token[]
  ) {}

  public parse(): ParsedQuery {
    this.keyword('SELECT');
    let count = false;
    const fields: FieldRef[] = [];
    if (this.isKeyword('COUNT') && this.peek(1)?.value === '(') {
      this.i += 2;
      this.punct(')');
      count = true;
    } else {
      do {
        const t = this.expect('ident');
        fields.push({ path: t.value.split('.'), pos: t.pos });
      } while (this.acceptPunct(','));
    }
    this.keyword('FROM');
    const obj = this.expect('ident');
    const query: ParsedQuery = { count, fields, object: { name: obj.value, pos: obj.pos }, orderBy: [] };
    if (this.acceptKeyword('WHERE')) query.where = this.orExpr();
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      do {
        const t = this.expect('ident');
        const desc = this.acceptKeyword('DESC') ? true : (this.acceptKeyword('ASC'), false);
        let nullsLast = desc;
        if (this.acceptKeyword('NULLS')) nullsLast = this.acceptKeyword('LAST') ? true : (this.keyword('FIRST'), false);
        query.orderBy.push({ field: { path: t.value.split('.'), pos: t.pos }, desc, nullsLast });
      } while (this.acceptPunct(','));
    }
    if (this.acceptKeyword('LIMIT')) query.limit = Number(this.expect('number').value);
    if (this.acceptKeyword('OFFSET')) query.offset = Number(this.expect('number').value);
    const rest = this.peek();
    if (rest) throw this.unexpected(rest);
    return query;
  }

  private orExpr(): Cond {
    let left = this.andExpr();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): Cond {
    let left = this.unary();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): Cond {
    if (this.acceptKeyword('NOT')) return { kind: 'not', inner: this.unary() };
    if (this.acceptPunct('(')) {
      const inner = this.orExpr();
      this.punct(')');
      return inner;
    }
    const t = this.expect('ident');
    const field: FieldRef = { path: t.value.split('.'), pos: t.pos };
    if (this.acceptKeyword('LIKE')) return { kind: 'like', field, pattern: this.expect('string').value };
    const negate = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.punct('(');
      const values: Literal[] = [];
      do values.push(this.literal());
      while (this.acceptPunct(','));
      this.punct(')');
      return { kind: 'in', field, negate, values };
    }
    if (negate) throw this.unexpected(this.peek());
    const op = this.expect('op').value;
    return { kind: 'cmp', field, op, value: this.literal() };
  }

  private literal(): Literal {
    const t = this.peek();
    if (!t) throw this.unexpected(t);
    this.i++;
    if (t.kind === 'string') return t.value;
    if (t.kind === 'number') return Number(t.value);
    if (t.kind === 'ident') {
      const v = t.value.toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      if (v === 'null') return null;
      if (/^\d{4}-\d{2}-\d{2}/.test(t.value)) return t.value;
    }
    throw this.unexpected(t);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private unexpected(t: Token | undefined): SoqlError {
    return t
      ? errorAt(this.soql, t.pos, 'MALFORMED_QUERY', `unexpected token: '${t.kind === 'string' ? `'${t.value}'` : t.value}'`)
      : errorAt(this.soql, this.soql.length, 'MALFORMED_QUERY', 'unexpected token: <EOF>');
  }

  private expect(kind: Token['kind']): Token {
    const t = this.peek();
    if (!t || t.kind !== kind) throw this.unexpected(t);
    this.i++;
    return t;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && t.value.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek());
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t?.kind !== 'punct' || t.value !== p) return false;
    this.i++;
    return true;
  }

  private punct(p: string): void {
    if (!this.acceptPunct(p)) throw this.unexpected(this.peek());
  }
}

export function parseSoql(soql: string): ParsedQuery {
  return new Parser(soql, tokenize(soql)).parse();
}

/** A field path resolved against the object: canonical names, the type of the last field. */
type Resolved = { names: string[]; type: FieldType; rel?: { name: string; def: SObjectDef; field: string } };

function resolveField(soql: string, def: SObjectDef, ref: FieldRef): Resolved {
  const findField = (d: SObjectDef, name: string): [string, FieldType] | undefined => {
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

type Context = { org: OrgState; related: Map<string, Row[]> };

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

function compare(a: FieldValue, b: FieldValue, type: FieldType): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b) ? 0 : String(a) < String(b) ? -1 : 1;
  if ((type === 'id' || type === 'reference') && sameId(String(a), String(b))) return 0;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

function likeRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function test(ctx: Context, soql: string, def: SObjectDef, row: Row, cond: Cond): boolean {
  switch (cond.kind) {
    case 'and':
      return test(ctx, soql, def, row, cond.left) && test(ctx, soql, def, row, cond.right);
    case 'or':
      return test(ctx, soql, def, row, cond.left) || test(ctx, soql, def, row, cond.right);
    case 'not':
      return !test(ctx, soql, def, row, cond.inner);
    case 'like': {
      const v = valueOf(ctx, row, resolveField(soql, def, cond.field));
      return v !== null && likeRegex(cond.pattern).test(String(v));
    }
    case 'in': {
      const r = resolveField(soql, def, cond.field);
      const v = valueOf(ctx, row, r);
      const found = cond.values.some((x) => compare(v, x, r.type) === 0);
      return cond.negate ? !found : found;
    }
    case 'cmp': {
      const r = resolveField(soql, def, cond.field);
      const v = valueOf(ctx, row, r);
      if (cond.value === null || v === null) {
        const same = v === cond.value;
        return cond.op === '=' ? same : cond.op === '!=' || cond.op === '<>' ? !same : false;
      }
      const c = compare(v, cond.value, r.type);
      switch (cond.op) {
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
  }
}

export type RecordAttributes = { type: string; url: string };
export type QueryRecord = { [field: string]: FieldValue | QueryRecord | RecordAttributes } & { attributes: RecordAttributes };
export type QueryResult = { totalSize: number; done: boolean; records: QueryRecord[] };

function recordOf(def: SObjectDef, row: Row, apiVersion: string, fields: Array<Record<string, FieldValue>>): QueryRecord {
  const rec: QueryRecord = { attributes: { type: def.name, url: `/services/data/v${apiVersion}/sobjects/${def.name}/${String(row.Id)}` } };
  for (const f of fields) Object.assign(rec, f);
  return rec;
}

/** Runs a query against an org. Throws SoqlError as Salesforce would answer it. */
export function runSoql(org: OrgState, soql: string, apiVersion: string): QueryResult {
  const q = parseSoql(soql);
  const def = sobjectDef(q.object.name);
  if (!def) throw errorAt(soql, q.object.pos, 'INVALID_TYPE', `sObject type '${q.object.name}' is not supported.`);
  const selected = q.fields.map((f) => resolveField(soql, def, f));
  const order = q.orderBy.map((o) => ({ ...o, resolved: resolveField(soql, def, o.field) }));
  const ctx: Context = { org, related: new Map() };
  let rows = def.rows(org).filter((row) => !q.where || test(ctx, soql, def, row, q.where));
  if (order.length > 0) {
    rows = [...rows].sort((a, b) => {
      for (const o of order) {
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
  const total = rows.length;
  rows = rows.slice(q.offset ?? 0, q.limit !== undefined ? (q.offset ?? 0) + q.limit : undefined);
  if (q.count) return { totalSize: total, done: true, records: [] };
  const records = rows.map((row) => {
    const parts: Array<Record<string, FieldValue>> = [];
    const rels = new Map<string, QueryRecord | null>();
    for (const r of selected) {
      if (!r.rel) {
        parts.push({ [r.names[0]]: row[r.names[0]] ?? null });
        continue;
      }
      if (!rels.has(r.rel.name)) {
        const target = relatedRow(ctx, row, r.rel);
        rels.set(r.rel.name, target ? recordOf(r.rel.def, target, apiVersion, []) : null);
      }
      const relRec = rels.get(r.rel.name);
      if (relRec) relRec[r.names[1]] = relatedRow(ctx, row, r.rel)?.[r.names[1]] ?? null;
    }
    const rec = recordOf(def, row, apiVersion, parts);
    for (const [name, relRec] of rels) rec[name] = relRec;
    return rec;
  });
  return { totalSize: total, done: true, records };
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

const APEX_TYPE: Record<FieldType, string> = {
  id: 'Id',
  reference: 'Id',
  string: 'String',
  picklist: 'String',
  boolean: 'Boolean',
  int: 'Integer',
  datetime: 'Datetime',
};

function column(name: string, type: FieldType | undefined, joins: ColumnMetadata[] = []): ColumnMetadata {
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
  const q = parseSoql(soql);
  const def = sobjectDef(q.object.name);
  if (!def) throw errorAt(soql, q.object.pos, 'INVALID_TYPE', `sObject type '${q.object.name}' is not supported.`);
  const columns: ColumnMetadata[] = [];
  for (const ref of q.fields) {
    const r = resolveField(soql, def, ref);
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
  if (q.count) columns.push({ ...column('expr0', 'int'), aggregate: true, displayName: 'COUNT()' });
  return { columnMetadata: columns, entityName: def.name, groupBy: false, idSelected: columns.some((c) => c.columnName === 'Id'), keyPrefix: def.keyPrefix };
}
