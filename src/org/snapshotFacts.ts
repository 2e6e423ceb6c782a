/**
 * What snapshot, diff and restore read of an org besides its apps: the sandbox name (usernames in
 * a sandbox end with ".<sandboxName>") and the users a restore maps run-as users to. A constant
 * number of requests, whatever the number of apps.
 */
import { sandboxNameFromUrl, type TargetUser } from '../domain/snapshot/users.js';
import { soqlInList, soqlQuote, type Session } from './session.js';

type UserInfo = { urls?: { custom_domain?: unknown } };

/**
 * The org's sandbox name, from its My Domain URL (MyDomainName--SandboxName.sandbox.my.salesforce.com):
 * the instance URL the CLI stored, else the `custom_domain` the userinfo endpoint gives (one
 * request; an instance URL such as cs42.salesforce.com or a loopback simulator does not carry
 * it). Undefined for production, and when userinfo does not answer: usernames then compare as
 * they are, which can only report more drift, never less.
 */
export async function readSandboxName(session: Pick<Session, 'instanceUrl' | 'access'>): Promise<string | undefined> {
  const fromInstance = sandboxNameFromUrl(session.instanceUrl);
  if (fromInstance) return fromInstance;
  try {
    const info = await session.access.request<UserInfo>('/services/oauth2/userinfo', 'The userinfo request');
    const domain = info?.urls?.custom_domain;
    return typeof domain === 'string' ? sandboxNameFromUrl(domain) : undefined;
  } catch {
    return undefined;
  }
}

/** A LIKE pattern for names ending with `suffix` (its own % and _ escaped). */
function endsWithPattern(suffix: string): string {
  const quoted = soqlQuote(suffix);
  return `'%${quoted.slice(1, -1).replace(/%/g, '\\%').replace(/_/g, '\\_')}'`;
}

/**
 * The users among the names a restore looks for (domain/snapshot/users.ts userLookup): exact
 * usernames, and usernames ending with a name (a sandbox prepends characters when the name is
 * taken). One query.
 */
export async function readUsersNamed(session: Pick<Session, 'access'>, lookup: { exact: readonly string[]; endingWith: readonly string[] }): Promise<TargetUser[]> {
  const conditions = [
    ...(lookup.exact.length ? [`Username IN (${soqlInList(lookup.exact)})`] : []),
    ...lookup.endingWith.map((u) => `Username LIKE ${endsWithPattern(u)}`),
  ];
  if (conditions.length === 0) return [];
  const rows = await session.access.query<{ Username: string; IsActive?: boolean }>(`SELECT Username, IsActive FROM User WHERE ${conditions.join(' OR ')}`);
  return rows.map((r) => ({ username: r.Username, ...(typeof r.IsActive === 'boolean' ? { isActive: r.IsActive } : {}) }));
}
