/**
 * Record inserts and deletes through REST: `POST /sobjects/{type}`, `DELETE /sobjects/{type}/{id}`
 * and sObject Collections (`POST /composite/sobjects`, `DELETE /composite/sobjects?ids=`), for the
 * objects whose writes the simulator models: PermissionSetAssignment (how `sf org assign permset`
 * and @salesforce/core assign a permission set) and ScratchOrgInfo (scratch-org signup on a Dev Hub).
 * Other objects answer 501 NOT_SIMULATED (the simulator's limit, never passed off as Salesforce's).
 */
import { insertScratchOrgInfo, type InsertResult } from './devhub.js';
import { json, restError, type SimResponse } from './http.js';
import { sameId } from './ids.js';
import { sobjectDef } from './sobjects.js';
import type { OrgState, Registry, UserRecord } from './store.js';

type Failure = Extract<InsertResult, { status: number }>;

const fail = (status: number, errorCode: string, message: string, fields: string[] = []): Failure => ({ status, errorCode, message, fields });

/** "Duplicate PermissionSetAssignment" is what public scripts match; the rest of the sentence is UNCONFIRMED. */
export function duplicateAssignment(userId: string, permissionSetId: string): string {
  return `Duplicate PermissionSetAssignment. Assignee: ${userId}; Permission Set: ${permissionSetId}`;
}

export class Dml {
  public constructor(
    private readonly registry: Registry,
    private readonly loginUrl: () => string
  ) {}

  public insert(org: OrgState, user: UserRecord, type: string, fields: Record<string, unknown>): InsertResult {
    const def = sobjectDef(type, org);
    if (!def) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
    switch (def.name) {
      case 'PermissionSetAssignment':
        return this.assign(org, fields);
      case 'ScratchOrgInfo':
        return insertScratchOrgInfo(this.registry, org, user, fields, this.loginUrl());
      default:
        return fail(501, 'NOT_SIMULATED', `The org simulator does not write ${def.name} records.`);
    }
  }

  public remove(org: OrgState, type: string, id: string): Failure | undefined {
    const def = sobjectDef(type, org);
    if (!def) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (def.name === 'PermissionSetAssignment') {
      for (const u of org.users) {
        const ps = u.permissionSetIds.find((p) => sameId(org.assignmentId(u.id, p), id));
        if (ps) {
          u.permissionSetIds.splice(u.permissionSetIds.indexOf(ps), 1);
          return undefined;
        }
      }
      return fail(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    }
    if (def.name === 'ScratchOrgInfo') {
      const info = org.scratchOrgInfos.find((i) => sameId(i.id, id));
      if (!info) return fail(404, 'ENTITY_IS_DELETED', 'entity is deleted');
      info.status = 'Deleted';
      return undefined;
    }
    return fail(501, 'NOT_SIMULATED', `The org simulator does not delete ${def.name} records.`);
  }

  /** POST /sobjects/{type}: 201 {id, success, errors} or 400 [{message, errorCode, fields}]. */
  public insertResponse(org: OrgState, user: UserRecord, type: string, body: unknown): SimResponse {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return restError(400, 'JSON_PARSER_ERROR', 'The request body is not a JSON object');
    const r = this.insert(org, user, type, body as Record<string, unknown>);
    if ('id' in r) return json(201, { id: r.id, success: true, errors: [] });
    return json(r.status, [{ message: r.message, errorCode: r.errorCode, fields: r.fields }]);
  }

  /** POST /composite/sobjects {allOrNone, records}: one result per record, in order. */
  public collectionInsert(org: OrgState, user: UserRecord, body: unknown): SimResponse {
    const o = typeof body === 'object' && body !== null ? (body as { allOrNone?: unknown; records?: unknown }) : {};
    if (!Array.isArray(o.records)) return restError(400, 'JSON_PARSER_ERROR', 'Expected {"allOrNone": boolean, "records": [...]}');
    if (o.records.length > 200) return restError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    const allOrNone = o.records.length > 0 && o.allOrNone === true;
    // all or none: check every record against a copy of the state first (assignments only)
    const snapshot = org.users.map((u) => [...u.permissionSetIds]);
    const results = o.records.map((rec: unknown) => {
      const r = typeof rec === 'object' && rec !== null ? (rec as Record<string, unknown>) : {};
      const type = typeof (r.attributes as { type?: unknown } | undefined)?.type === 'string' ? (r.attributes as { type: string }).type : '';
      const { attributes: _ignored, ...fields } = r;
      void _ignored;
      if (!type) return fail(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
      return this.insert(org, user, type, fields);
    });
    const failed = results.some((r) => !('id' in r));
    if (allOrNone && failed) {
      org.users.forEach((u, i) => (u.permissionSetIds = snapshot[i]));
      return json(
        200,
        results.map((r) =>
          'id' in r
            ? { success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }] }
            : { success: false, errors: [{ statusCode: r.errorCode, message: r.message, fields: r.fields }] }
        )
      );
    }
    return json(200, results.map((r) => ('id' in r ? { id: r.id, success: true, errors: [] } : { success: false, errors: [{ statusCode: r.errorCode, message: r.message, fields: r.fields }] })));
  }

  /** DELETE /composite/sobjects?ids=a,b: one result per id. */
  public collectionDelete(org: OrgState, ids: readonly string[]): SimResponse {
    return json(
      200,
      ids.map((id) => {
        const type = this.typeOfId(org, id);
        const problem = type ? this.remove(org, type, id) : fail(400, 'MALFORMED_ID', `malformed id ${id}`);
        return problem ? { id, success: false, errors: [{ statusCode: problem.errorCode, message: problem.message, fields: [] }] } : { id, success: true, errors: [] };
      })
    );
  }

  private typeOfId(org: OrgState, id: string): string | undefined {
    const prefix = id.slice(0, 3);
    return ['PermissionSetAssignment', 'ScratchOrgInfo'].find((t) => sobjectDef(t, org)?.keyPrefix === prefix);
  }

  private assign(org: OrgState, fields: Record<string, unknown>): InsertResult {
    const assigneeId = typeof fields.AssigneeId === 'string' ? fields.AssigneeId : '';
    const permissionSetId = typeof fields.PermissionSetId === 'string' ? fields.PermissionSetId : '';
    const missing = [!assigneeId ? 'AssigneeId' : '', !permissionSetId ? 'PermissionSetId' : ''].filter((f) => f !== '');
    if (missing.length) return fail(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    const user = org.users.find((u) => sameId(u.id, assigneeId));
    if (!user) return fail(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, ['AssigneeId']);
    const ps = org.permissionSets.find((p) => sameId(p.id, permissionSetId));
    if (!ps) return fail(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, ['PermissionSetId']);
    if (user.permissionSetIds.some((p) => sameId(p, ps.id))) return fail(400, 'DUPLICATE_VALUE', duplicateAssignment(user.id, ps.id));
    user.permissionSetIds.push(ps.id);
    return { id: org.assignmentId(user.id, ps.id) };
  }
}
