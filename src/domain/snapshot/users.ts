/**
 * Usernames across a sandbox refresh. Salesforce Help ("Users and Contacts", sandbox data):
 * when a sandbox is created or refreshed, each username gets the sandbox name appended
 * (user@acme.com in a sandbox named test becomes user@acme.com.test); when that is not unique,
 * some characters and digits are prepended as well (00x7Vquser@acme.com.test).
 * https://help.salesforce.com/s/articleView?id=platform.data_sandbox_users_and_contacts.htm&type=5
 *
 * So a run-as user saved from production (int@acme.com) or from sandbox `uat`
 * (int@acme.com.uat) is, in sandbox `qa`, int@acme.com.qa or <prefix>int@acme.com.qa. Which
 * one exists only the target org can say: the I/O layer looks up the candidates this module
 * lists (one query) and passes the users it found. The mapping file wins over the rule.
 *
 * A sandbox's name is in its My Domain host: MyDomainName--SandboxName.sandbox.my.salesforce.com
 * (Salesforce Help, "Move a My Domain Name to a Different Org").
 */
import { type MappingEntry, mappedName, type ResolvedMapping } from '../migrate/mapping.js';

export type TargetUser = { readonly username: string; readonly isActive?: boolean };

export type UserRule = 'mapping' | 'same' | 'sandbox-suffix' | 'sandbox-prefixed';

export type UserResolution =
  | { readonly from: string; readonly to: string; readonly rule: UserRule; readonly source: string }
  | { readonly from: string; readonly problem: 'not-found' | 'ambiguous' | 'inactive'; readonly candidates: readonly string[] };

/** Where usernames come from and go to: sandbox names (undefined: production or unknown). */
export type SandboxPair = { readonly fromSandbox?: string; readonly toSandbox?: string };

export const SANDBOX_USERNAME_SOURCE = 'Salesforce Help "Users and Contacts" (sandbox): the sandbox name is appended to each username';

/** The sandbox name in an org's My Domain URL, or undefined for production and other orgs. */
export function sandboxNameFromUrl(url: string): string | undefined {
  const m = /^https:\/\/[A-Za-z0-9-]+?--([A-Za-z0-9]+)\.sandbox\.my\.salesforce\.(?:com|mil)\/?$/i.exec(url.trim());
  return m ? m[1].toLowerCase() : undefined;
}

function endsWithSuffix(username: string, sandbox: string): boolean {
  return username.toLowerCase().endsWith(`.${sandbox.toLowerCase()}`);
}

/** The production username behind a sandbox username: "int@acme.com.uat" in sandbox uat -> "int@acme.com". */
export function productionUsername(username: string, sandbox: string | undefined): string {
  return sandbox && endsWithSuffix(username, sandbox) ? username.slice(0, username.length - sandbox.length - 1) : username;
}

/** What the sandbox rule makes of a username in another org (without the prefix a clash adds). */
export function counterpartUsername(username: string, pair: SandboxPair): string {
  const production = productionUsername(username, pair.fromSandbox);
  return pair.toSandbox ? `${production}.${pair.toSandbox}` : production;
}

/** The usernames the I/O layer must look up in the target: exact names, and names ending with these (the prefixed form). */
export function userLookup(usernames: readonly string[], pair: SandboxPair, mapping?: Pick<ResolvedMapping, 'users'>): { exact: string[]; endingWith: string[] } {
  const exact = new Set<string>();
  const endingWith = new Set<string>();
  for (const u of usernames) {
    const mapped = mapping ? mappedName(mapping.users, u) : undefined;
    if (mapped) {
      exact.add(mapped.to);
      continue;
    }
    exact.add(u);
    const counterpart = counterpartUsername(u, pair);
    exact.add(counterpart);
    if (pair.toSandbox) endingWith.add(counterpart);
  }
  return { exact: [...exact].sort(), endingWith: [...endingWith].sort() };
}

function find(users: readonly TargetUser[], username: string): TargetUser | undefined {
  const key = username.toLowerCase();
  return users.find((u) => u.username.toLowerCase() === key);
}

/** Target users whose name is the candidate with characters and digits prepended. */
function prefixed(users: readonly TargetUser[], candidate: string): TargetUser[] {
  const key = candidate.toLowerCase();
  return users.filter((u) => {
    const name = u.username.toLowerCase();
    return name.length > key.length && name.endsWith(key) && /^[a-z0-9]+$/.test(name.slice(0, name.length - key.length));
  });
}

function active(u: TargetUser): boolean {
  return u.isActive !== false;
}

/**
 * What each username is in the target. Order: the mapping file; the same name when the target
 * has it; the sandbox rule (appended name, then the prefixed form when it is unique). A user
 * found only inactive is reported, not used.
 */
export function resolveUsers(usernames: readonly string[], pair: SandboxPair, targetUsers: readonly TargetUser[], mapping?: Pick<ResolvedMapping, 'users'>): UserResolution[] {
  return [...new Set(usernames)].map((from): UserResolution => {
    const mapped = mapping ? mappedName(mapping.users, from) : undefined;
    if (mapped) return { from, to: mapped.to, rule: 'mapping', source: mapped.source };
    const same = find(targetUsers, from);
    if (same && active(same)) return { from, to: same.username, rule: 'same', source: 'the target has this user' };
    const candidate = counterpartUsername(from, pair);
    const bySuffix = candidate.toLowerCase() === from.toLowerCase() ? undefined : find(targetUsers, candidate);
    if (bySuffix && active(bySuffix)) return { from, to: bySuffix.username, rule: 'sandbox-suffix', source: SANDBOX_USERNAME_SOURCE };
    const withPrefix = pair.toSandbox ? prefixed(targetUsers, candidate).filter(active) : [];
    if (withPrefix.length === 1) return { from, to: withPrefix[0].username, rule: 'sandbox-prefixed', source: `${SANDBOX_USERNAME_SOURCE}, with characters prepended when not unique` };
    if (withPrefix.length > 1) return { from, problem: 'ambiguous', candidates: withPrefix.map((u) => u.username).sort() };
    const inactive = [same, bySuffix].filter((u): u is TargetUser => u !== undefined);
    if (inactive.length > 0) return { from, problem: 'inactive', candidates: inactive.map((u) => u.username) };
    return { from, problem: 'not-found', candidates: [...new Set([from, candidate])] };
  });
}

/**
 * The mapping with the resolved users in it, so that migrate's transform (which reads
 * mapping.users) renames them: the file's own entries first, then the rule's.
 */
export function withResolvedUsers<M extends Pick<ResolvedMapping, 'users'>>(mapping: M, resolutions: readonly UserResolution[]): M {
  const added: MappingEntry[] = resolutions
    .filter((r): r is Extract<UserResolution, { to: string }> => 'to' in r && r.rule !== 'mapping' && r.to !== r.from)
    .map((r) => ({ from: r.from, to: r.to, source: r.source }));
  return { ...mapping, users: [...mapping.users, ...added] };
}
