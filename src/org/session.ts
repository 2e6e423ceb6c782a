/**
 * Opening an org, once for every command: by the alias or username the user typed, or from the
 * Org that `Flags.requiredOrg()` parsed. It caps the API version at the newest the schema knows
 * (never read or write fields the plugin does not know), refuses an org below 59.0 by name where
 * External Client Apps are needed, and remembers the name the user typed for error actions.
 * It also owns SOQL quoting and validate-then-deploy.
 *
 * Import lazily (inside an operation): it loads SDR through OrgAccess.
 */
import { AuthInfo, ConfigAggregator, type Connection, Org } from '@salesforce/core';
import { formatApiVersion, LATEST_KNOWN_API_VERSION, MIN_ECA_API_VERSION } from '../domain/schema/index.js';
import type { Component } from '../domain/model.js';
import { apiVersionTooLowError, orgOpenError, orgRequestError } from './errors.js';
import { watchSignals } from './interrupts.js';
import { type DeployOutcome, OrgAccess } from './orgAccess.js';

/** An org as a command names it: what the user typed, and the Org when a flag already opened it. */
export type OrgRef = { readonly name: string; readonly org?: Org };

export type Session = {
  /** the alias or username the user typed (or the default org's), for messages and actions */
  readonly name: string;
  readonly org: Org;
  readonly username: string;
  readonly orgId: string;
  readonly connection: Connection;
  readonly access: OrgAccess;
  /** the API version used: the org's, capped at the newest the schema knows ("66.0") */
  readonly apiVersion: string;
  readonly version: number;
  /** without a trailing slash */
  readonly instanceUrl: string;
};

export type SessionOptions = {
  /** --api-version */
  readonly apiVersion?: string;
  /** refuse an org below 59.0, the first API version with External Client Apps (default true) */
  readonly needsEca?: boolean;
  /** a lower cap than the schema's, such as the version a command writes for */
  readonly maxVersion?: number;
};

/** Opens the org; an org the CLI cannot open is a named org error that names it as the user typed it. */
export async function openSession(ref: OrgRef | string, options: SessionOptions = {}): Promise<Session> {
  const { name, org: given } = typeof ref === 'string' ? { name: ref, org: undefined } : ref;
  let org: Org;
  try {
    org = given ?? (await Org.create({ aliasOrUsername: name }));
  } catch (e) {
    throw orgOpenError(e, name);
  }
  const connection = org.getConnection(options.apiVersion);
  const served = Number.parseFloat(connection.getApiVersion());
  if (options.needsEca !== false && !(served >= MIN_ECA_API_VERSION)) {
    if (options.apiVersion === undefined && !(await versionIsTheOrgs(connection, served))) {
      // the CLI falls back to an old default when the org did not answer its version request
      throw orgRequestError(new Error('fetch failed: the org did not answer the request for its API versions (GET /services/data)'), 'The API version request', name);
    }
    throw apiVersionTooLowError(name, connection.getApiVersion(), formatApiVersion(MIN_ECA_API_VERSION));
  }
  // the schema decides which fields exist: never read or write for a version newer than it knows
  const version = Math.min(served, LATEST_KNOWN_API_VERSION, options.maxVersion ?? Number.POSITIVE_INFINITY);
  const apiVersion = formatApiVersion(version);
  return {
    name,
    org,
    username: org.getUsername() ?? name,
    orgId: org.getOrgId(),
    connection,
    access: new OrgAccess(connection, apiVersion, name),
    apiVersion,
    version,
    instanceUrl: connection.instanceUrl.replace(/\/+$/, ''),
  };
}

/** Every org the CLI has a usable authorization for, by its first alias or else its username. */
export async function listAuthorizedOrgs(): Promise<string[]> {
  const auths = await AuthInfo.listAllAuthorizations((a) => !a.error);
  return auths.map((a) => a.aliases?.[0] ?? a.username);
}

/** A login the CLI stores: its first alias (else username), and why it cannot be used, if so. */
export type OrgLogin = { readonly name: string; readonly username: string; readonly orgId?: string; readonly error?: string };

/**
 * Every login the CLI stores, usable or not (listAuthorizedOrgs drops those it cannot read), by
 * name: a command that checks every org names the ones it could not check, and picks the same
 * first login of an org on every machine (the CLI lists auth files in directory order).
 */
export async function listOrgLogins(): Promise<OrgLogin[]> {
  const auths = await AuthInfo.listAllAuthorizations();
  return auths
    .map((a) => ({
      name: a.aliases?.[0] ?? a.username,
      username: a.username,
      ...(a.orgId ? { orgId: a.orgId } : {}),
      ...(a.error ? { error: a.error } : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * True when the connection's version is the org's own (asked of it now or within a day, as the
 * CLI caches it) or one the user configured (org-api-version); false when it is the CLI's
 * fallback after the org did not answer.
 */
async function versionIsTheOrgs(connection: Connection, served: number): Promise<boolean> {
  const known = connection.getAuthInfoFields().instanceApiVersion;
  if (known !== undefined && Number.parseFloat(known) === served) return true;
  const config = await ConfigAggregator.create();
  return config.getPropertyValue('org-api-version') !== undefined;
}

/** A SOQL string literal: 'O\'Brien'. Every query of the plugin quotes values through this. */
export function soqlQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** "'a', 'b'": the inside of an IN (...) list. */
export function soqlInList(values: readonly string[]): string {
  return values.map(soqlQuote).join(', ');
}

export type ValidatedDeploy = {
  /** the check-only deploy */
  readonly validation: DeployOutcome;
  /** the deploy, when the validation passed and this was not a dry run */
  readonly deployment?: DeployOutcome;
};

/**
 * A check-only deploy of the components, then (unless it failed or `dryRun`) the deploy, all or
 * nothing (rollbackOnError). A failure of either is in its outcome. A deploy the command stops
 * watching throws DeployInProgressError (--wait ran out, the connection dropped: exit 69) or
 * DeployInterruptedError (Ctrl-C, SIGTERM: 130, 143), with its ID. One signal watch spans both
 * deploys: Ctrl-C after the validation means the deploy never starts.
 */
export async function validateThenDeploy(
  access: OrgAccess,
  components: readonly Component[],
  options: { dryRun?: boolean; timeoutSeconds?: number; onValidated?: (validation: DeployOutcome) => void; inMemory?: boolean } = {}
): Promise<ValidatedDeploy> {
  const watch = watchSignals();
  try {
    const validation = await access.deploy(components, { checkOnly: true, timeoutSeconds: options.timeoutSeconds, inMemory: options.inMemory });
    if (!validation.success || options.dryRun) return { validation };
    options.onValidated?.(validation);
    const deployment = await access.deploy(components, { checkOnly: false, timeoutSeconds: options.timeoutSeconds, inMemory: options.inMemory });
    return { validation, deployment };
  } finally {
    watch.close();
  }
}
