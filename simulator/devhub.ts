/**
 * Dev Hub behaviour: ScratchOrgInfo exists only in an org flagged as Dev Hub (the CLI's Dev Hub
 * probe is a ScratchOrgInfo query: 2xx means Dev Hub, toolchain.md), and a signup (ScratchOrgInfo
 * insert) creates a scratch org the CLI then authorizes with the record's AuthCode.
 *
 * C-1016: the CLI asks the signup to use the Dev Hub login's client id as ConnectedAppConsumerKey.
 * Proxy Signup cannot replicate an External Client App into the new org, so a signup whose key is
 * an ECA's ends in Status "Error", ErrorCode "C-1016" (forcedotcom/cli#3515; sfdx-core PR #1315,
 * whose workaround SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI makes the key PlatformCLI).
 */
import { authCode, KEY_PREFIX, randomString, to15 } from './ids.js';
import { CLI_CLIENT_ID, type OrgState, type Registry, type ScratchOrgInfoRecord, type UserRecord } from './store.js';

export type InsertResult = { id: string } | { status: number; errorCode: string; message: string; fields: string[] };

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Whether Proxy Signup can use this consumer key: PlatformCLI, or a Connected App's key. */
export function signupCanUse(registry: Registry, key: string | null): boolean {
  if (key === null || key === CLI_CLIENT_ID) return true;
  const found = registry.findConsumer(key);
  return found !== undefined && found.owner.startsWith('ca:');
}

/** A ScratchOrgInfo insert on a Dev Hub: the signup runs at once, as Active or Error. */
export function insertScratchOrgInfo(registry: Registry, hub: OrgState, user: UserRecord, fields: Record<string, unknown>, loginUrl: string): InsertResult {
  const edition = str(fields.Edition);
  const orgName = str(fields.OrgName) ?? 'Company';
  if (!edition) return { status: 400, errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Edition]', fields: ['Edition'] };
  const key = str(fields.ConnectedAppConsumerKey);
  const days = typeof fields.DurationDays === 'number' ? fields.DurationDays : Number(fields.DurationDays ?? 7) || 7;
  const now = new Date();
  const info: ScratchOrgInfoRecord = {
    id: hub.newId(KEY_PREFIX.ScratchOrgInfo),
    status: 'New',
    errorCode: null,
    orgName,
    edition,
    signupUsername: null,
    adminEmail: str(fields.AdminEmail),
    connectedAppConsumerKey: key,
    connectedAppCallbackUrl: str(fields.ConnectedAppCallbackUrl),
    authCode: null,
    loginUrl: null,
    scratchOrg: null,
    durationDays: days,
    namespace: str(fields.Namespace),
    createdDate: now.toISOString(),
    expirationDate: new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10),
    createdById: user.id,
  };
  hub.scratchOrgInfos.push(info);
  if (!signupCanUse(registry, key)) {
    info.status = 'Error';
    info.errorCode = 'C-1016';
    return { id: info.id };
  }
  const username = str(fields.Username) ?? `test-${randomString(12).toLowerCase()}@example.com`;
  if ([...registry.orgs.values()].some((o) => o.user(username))) {
    info.status = 'Error';
    info.errorCode = 'C-1007';
    return { id: info.id };
  }
  const alias = `scratch-${hub.scratchOrgInfos.length}-${randomString(4).toLowerCase()}`;
  const scratch = registry.addOrg({
    alias,
    name: orgName,
    edition: 'Developer Edition',
    myDomain: `${alias}-dev-ed`,
    apiVersion: hub.apiVersion,
    users: [{ username, firstName: 'User', lastName: 'User', email: info.adminEmail ?? username, profile: 'System Administrator' }],
  });
  info.status = 'Active';
  info.signupUsername = username;
  info.scratchOrg = to15(scratch.orgId);
  info.scratchOrgAlias = alias;
  info.loginUrl = loginUrl;
  info.authCode = authCode();
  return { id: info.id };
}
