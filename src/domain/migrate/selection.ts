/**
 * Which apps a migration takes: the ones named, or with `all` every local app of the source
 * org. Apps that come with a package (Packaged, Managed or AutoInstalled, a namespace prefix, a
 * manageable state) reach other orgs through their package, never through a metadata deploy:
 * `all` skips them with a note each, and naming one is refused. Unknown names are reported all
 * at once, with close matches.
 */
import { type Eca } from '../model.js';
import { fieldSpec } from '../schema/index.js';
import { DISTRIBUTION_STATE_FIELD, typeOfPart } from './fields.js';
import { closeMatches, sameName } from './text.js';

/** What the retrieve's file properties say about an app's header. */
export type AppOrigin = {
  readonly namespacePrefix?: string;
  /** FileProperties.manageableState: "unmanaged" for a local component */
  readonly manageableState?: string;
};

export type SelectionRequest = {
  /** developer names, compared without case */
  readonly names?: readonly string[];
  /** every local app; takes precedence over names */
  readonly all?: boolean;
};

export type ExcludedApp = { readonly name: string; readonly reason: string };
export type UnknownApp = { readonly name: string; readonly suggestions: readonly string[] };

export type Selection = {
  readonly selected: readonly Eca[];
  /** with `all`: apps left out, one note each */
  readonly skipped: readonly ExcludedApp[];
  /** named apps that cannot be migrated */
  readonly refused: readonly ExcludedApp[];
  /** names no app of the source has */
  readonly unknown: readonly UnknownApp[];
};

/** The distribution state of an app people create in an org; every other state comes with a package. */
export const LOCAL_DISTRIBUTION_STATE = 'Local';
/** The enum of the header's distributionState, from the schema. */
export const DISTRIBUTION_STATE_ENUM = fieldSpec(typeOfPart(DISTRIBUTION_STATE_FIELD.part), DISTRIBUTION_STATE_FIELD.field)?.type ?? '';
const UNMANAGED = 'unmanaged';

/** Why an app cannot be migrated by a metadata deploy, or undefined when it can. */
export function notMigratableReason(eca: Eca, origin: AppOrigin = {}): string | undefined {
  if (!eca.parts.header) return `${eca.name} has no ExternalClientApplication header in the source org's retrieve.`;
  const state = eca.parts.header.values[DISTRIBUTION_STATE_FIELD.field];
  if (origin.namespacePrefix) return `${eca.name} comes with the package of namespace "${origin.namespacePrefix}": install that package in the target instead.`;
  if (typeof state === 'string' && state !== LOCAL_DISTRIBUTION_STATE) {
    return `${eca.name} is ${state} (distributionState): a packaged app reaches other orgs through its package, not a metadata deploy.`;
  }
  if (origin.manageableState && origin.manageableState !== UNMANAGED) {
    return `${eca.name} belongs to a package (manageableState ${origin.manageableState}): install that package in the target instead.`;
  }
  return undefined;
}

function selectAll(ecas: readonly Eca[], origins: ReadonlyMap<string, AppOrigin>): Selection {
  const selected: Eca[] = [];
  const skipped: ExcludedApp[] = [];
  for (const eca of ecas) {
    const reason = notMigratableReason(eca, origins.get(eca.name));
    if (reason) skipped.push({ name: eca.name, reason });
    else selected.push(eca);
  }
  return { selected, skipped, refused: [], unknown: [] };
}

function selectNamed(ecas: readonly Eca[], names: readonly string[], origins: ReadonlyMap<string, AppOrigin>): Selection {
  const selected: Eca[] = [];
  const refused: ExcludedApp[] = [];
  const unknown: UnknownApp[] = [];
  const all = ecas.map((e) => e.name);
  for (const name of names) {
    const eca = ecas.find((e) => e.name === name) ?? ecas.find((e) => sameName(e.name, name));
    if (!eca) {
      if (!unknown.some((u) => sameName(u.name, name))) unknown.push({ name, suggestions: closeMatches(name, all) });
      continue;
    }
    if (selected.includes(eca) || refused.some((r) => r.name === eca.name)) continue;
    const reason = notMigratableReason(eca, origins.get(eca.name));
    if (reason) refused.push({ name: eca.name, reason });
    else selected.push(eca);
  }
  const order = (e: Eca): number => ecas.indexOf(e);
  return { selected: selected.sort((a, b) => order(a) - order(b)), skipped: [], refused, unknown };
}

/**
 * The apps to migrate from the source org's ECAs (assembleEcas of its retrieve). `origins`
 * holds the retrieve's file properties of each header, keyed by app name.
 */
export function selectApps(ecas: readonly Eca[], request: SelectionRequest, origins: ReadonlyMap<string, AppOrigin> = new Map()): Selection {
  return request.all ? selectAll(ecas, origins) : selectNamed(ecas, request.names ?? [], origins);
}

/** "Unknown app \"Acme_CII\"; did you mean Acme_CI?" for each unknown name. */
export function describeUnknownApps(unknown: readonly UnknownApp[]): string[] {
  return unknown.map((u) => `Unknown app "${u.name}"${u.suggestions.length > 0 ? `; did you mean ${u.suggestions.join(', ')}?` : '.'}`);
}
