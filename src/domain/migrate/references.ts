/**
 * The users, profiles and permission sets an ECA names, so that the command can ask each target
 * org once for all of them (three queries, whatever the number of apps) and report everything
 * the target lacks together, with the app and field that needs it.
 */
import { isPlaceholder } from '../certificate.js';
import { componentId, type Eca, partOf } from '../model.js';
import { type FieldRef, PERMISSION_SET_FIELDS, PROFILE_FIELDS, USER_FIELDS } from './fields.js';
import { compareText, nameSet, splitCommaList, uniqueNames } from './text.js';

export type ReferenceKind = 'user' | 'profile' | 'permissionSet';

/** Where an app names something of the org. */
export type ReferenceUse = {
  readonly kind: ReferenceKind;
  readonly name: string;
  readonly app: string;
  /** "ExtlClntAppOauthConfigurablePolicies:Acme_oauthPlcy" */
  readonly component: string;
  readonly field: string;
};

export type References = {
  /** usernames, each once (compared without case) */
  readonly users: readonly string[];
  /** profile names */
  readonly profiles: readonly string[];
  /** permission set API names */
  readonly permissionSets: readonly string[];
  /** every use, for messages */
  readonly uses: readonly ReferenceUse[];
};

/** What the target org has, as the command read it (compared without case). */
export type OrgNames = {
  /** active users' usernames */
  readonly users: Iterable<string>;
  readonly profiles: Iterable<string>;
  /** permission set API names (PermissionSet.Name) */
  readonly permissionSets: Iterable<string>;
  /** usernames of users that exist but are inactive, when the command read them */
  readonly inactiveUsers?: Iterable<string>;
};

export type MissingReference = {
  readonly kind: ReferenceKind;
  readonly name: string;
  readonly neededBy: ReadonlyArray<Pick<ReferenceUse, 'app' | 'component' | 'field'>>;
  /** true when the user exists in the target but is inactive */
  readonly inactive?: boolean;
  readonly message: string;
  readonly fix: string;
};

const FIELDS: ReadonlyArray<{ kind: ReferenceKind; refs: readonly FieldRef[]; list: boolean }> = [
  { kind: 'user', refs: USER_FIELDS, list: false },
  { kind: 'profile', refs: PROFILE_FIELDS, list: true },
  { kind: 'permissionSet', refs: PERMISSION_SET_FIELDS, list: true },
];

const NOUN: Readonly<Record<ReferenceKind, string>> = { user: 'User', profile: 'Profile', permissionSet: 'Permission set' };
const MAPPING_KEY: Readonly<Record<ReferenceKind, string>> = { user: 'users', profile: 'profiles', permissionSet: 'permissionSets' };

/** The names a field holds; placeholders a pipeline substitutes later (${VAR}) cannot be checked. */
function namesIn(value: string, kind: ReferenceKind, list: boolean): string[] {
  const names = list ? splitCommaList(value).items : [value.trim()];
  // only values written like a username are users (executeHandlerAs is UNCONFIRMED to hold one)
  return names.filter((n) => !isPlaceholder(n) && (kind !== 'user' || n.includes('@')));
}

function fromUses(uses: readonly ReferenceUse[]): References {
  const names = (kind: ReferenceKind): string[] => uniqueNames(uses.filter((u) => u.kind === kind).map((u) => u.name));
  return { users: names('user'), profiles: names('profile'), permissionSets: names('permissionSet'), uses };
}

/** What an ECA (as it will be deployed: after transformForTarget) names in the org. */
export function referencesOf(eca: Eca): References {
  const uses: ReferenceUse[] = [];
  for (const { kind, refs, list } of FIELDS) {
    for (const ref of refs) {
      const component = partOf(eca, ref.part);
      const value = component?.values[ref.field];
      if (!component || typeof value !== 'string') continue;
      for (const name of namesIn(value, kind, list)) uses.push({ kind, name, app: eca.name, component: componentId(component), field: ref.field });
    }
  }
  return fromUses(uses);
}

/** The references of several apps together, for one query per kind. */
export function mergeReferences(all: readonly References[]): References {
  return fromUses(all.flatMap((r) => r.uses));
}

function describeUses(uses: MissingReference['neededBy']): string {
  return uses.map((u) => `${u.app} (${u.component} ${u.field})`).join(', ');
}

function missing(kind: ReferenceKind, name: string, uses: MissingReference['neededBy'], inactive: boolean, target: string): MissingReference {
  const what = `${NOUN[kind]} "${name}"`;
  return {
    kind,
    name,
    neededBy: uses,
    ...(inactive ? { inactive } : {}),
    message: `${what} ${inactive ? 'is inactive' : 'does not exist'} in ${target}; needed by ${describeUses(uses)}.`,
    fix: inactive
      ? `Activate the user in ${target}, or map it to another under "${MAPPING_KEY[kind]}" in the mapping file.`
      : `Create it in ${target}, or map it to the target's name under "${MAPPING_KEY[kind]}" in the mapping file.`,
  };
}

/**
 * Every reference the target org lacks, all at once: users first, then profiles, then
 * permission sets, each by name, with every app and field that needs it.
 */
export function missingReferences(refs: References | readonly References[], orgHas: OrgNames, target = 'the target org'): MissingReference[] {
  const all = Array.isArray(refs) ? mergeReferences(refs) : (refs as References);
  const has: Readonly<Record<ReferenceKind, Set<string>>> = {
    user: nameSet(orgHas.users),
    profile: nameSet(orgHas.profiles),
    permissionSet: nameSet(orgHas.permissionSets),
  };
  const inactive = nameSet(orgHas.inactiveUsers);
  const result: MissingReference[] = [];
  for (const kind of ['user', 'profile', 'permissionSet'] as const) {
    const names = uniqueNames(all.uses.filter((u) => u.kind === kind).map((u) => u.name)).sort((a, b) => compareText(a.toLowerCase(), b.toLowerCase()));
    for (const name of names) {
      if (has[kind].has(name.toLowerCase())) continue;
      const uses = all.uses
        .filter((u) => u.kind === kind && u.name.toLowerCase() === name.toLowerCase())
        .map(({ app, component, field }) => ({ app, component, field }));
      result.push(missing(kind, name, uses, kind === 'user' && inactive.has(name.toLowerCase()), target));
    }
  }
  return result;
}
