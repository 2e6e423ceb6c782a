/**
 * The rules an org enforces on a deploy beyond the schema: satellites need their header (in the
 * deploy or in the org), org-scoped values must name this org, consumer keys are unique across
 * every org, Connected Apps can no longer be created (Spring '26), referenced users, profiles and
 * permission sets must exist, managed components cannot change, SAML needs a Local app.
 */
import { componentByType } from '../src/domain/components.js';
import { assembleEcas, type Component } from '../src/domain/model.js';
import { validateEca } from '../src/domain/validate.js';
import type { MetadataValue, MetadataValues } from '../src/domain/xml.js';
import { sameId } from './ids.js';
import {
  componentKey,
  CONNECTED_APP_TYPE,
  credentialsOwner,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  OAUTH_POLICIES_TYPE,
  OAUTH_SETTINGS_TYPE,
  type OrgState,
  type Registry,
} from './store.js';

/**
 * The Spring '26 refusal. Salesforce's exact wording is not public here; this is a plausible one
 * (UNCONFIRMED), kept in one place so it is easy to change.
 */
export const CONNECTED_APP_CREATION_BLOCKED =
  'You can no longer create connected apps. Create an external client app instead, or contact Salesforce Customer Support to request an exception.';

export const CONSUMER_KEY_TAKEN = 'The consumer key is already taken';

export type RuleProblem = { key: string; field?: string; problem: string };

function text(v: MetadataValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function commaList(v: MetadataValue | undefined): string[] {
  return (text(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function oauthConfig(values: MetadataValues): MetadataValues {
  const o = values.oauthConfig;
  return typeof o === 'object' && !Array.isArray(o) ? o : {};
}

/** "<OrgId>:<rest>" values must carry this org's id. */
function foreignOrgId(org: OrgState, value: string | undefined): string | undefined {
  if (!value) return undefined;
  const orgId = value.split(':')[0];
  return /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(orgId) && !sameId(orgId, org.orgId) ? orgId : undefined;
}

export function platformProblems(registry: Registry, org: OrgState, incoming: readonly Component[], apiVersion: number): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const add = (c: Component, problem: string, field?: string): void => {
    problems.push({ key: componentKey(c.type, c.fullName), problem, field });
  };

  // satellites and their header: assemble the deploy with the org's headers
  const incomingKeys = new Set(incoming.map((c) => componentKey(c.type, c.fullName)));
  const orgHeaders: Component[] = org
    .componentsOf(HEADER_TYPE)
    .filter((h) => !incomingKeys.has(componentKey(h.type, h.fullName)))
    .map((h) => ({ type: h.type, fullName: h.fullName, values: h.values }));
  const eca = incoming.filter((c) => componentByType(c.type) && c.type !== CONNECTED_APP_TYPE);
  const assembly = assembleEcas([...eca, ...orgHeaders]);
  for (const orphan of assembly.orphans) {
    const owner = text(orphan.values.externalClientApplication) ?? '';
    const missing = validateEca({ name: owner, parts: {} }, apiVersion).find((p) => p.code === 'missing-header');
    add(orphan, missing?.platformMessage ?? `In field: externalClientApplication - no ExternalClientApplication named ${owner} found`, 'externalClientApplication');
  }
  for (const dup of assembly.duplicates) {
    add(dup, `An ${dup.type} already exists for the external client app ${text(dup.values.externalClientApplication) ?? ''}.`, 'externalClientApplication');
  }
  for (const app of assembly.ecas) {
    for (const p of validateEca(app, apiVersion)) {
      const [type, fullName] = p.component.split(/:(.*)/s);
      if (!incomingKeys.has(componentKey(type, fullName))) continue;
      if (p.code === 'broken-reference' || p.platformMessage.startsWith('SAML')) {
        problems.push({ key: componentKey(type, fullName), problem: p.platformMessage, field: p.field });
      }
    }
  }
  // a satellite of a kind the app already has in the org under another name
  for (const c of eca) {
    if (c.type === HEADER_TYPE) continue;
    const owner = text(c.values.externalClientApplication);
    const other = owner ? org.satellite(owner, c.type) : undefined;
    if (other && other.fullName !== c.fullName) add(c, `An ${c.type} already exists for the external client app ${owner ?? ''}: ${other.fullName}.`, 'externalClientApplication');
  }

  const claimedKeys = new Map<string, string>();
  for (const c of incoming) {
    const existing = org.component(c.type, c.fullName);
    if (existing && existing.manageableState === 'installed') {
      add(c, `Cannot modify managed object: entity=${c.type}, component=${existing.id}, field=${c.type}, state=installed`);
      continue;
    }
    if (c.type === HEADER_TYPE) {
      const foreign = foreignOrgId(org, text(c.values.orgScopedExternalApp));
      if (foreign) add(c, `In field: orgScopedExternalApp - the org ID ${foreign} doesn't match this org (${org.orgId15})`, 'orgScopedExternalApp');
    }
    if (c.type === OAUTH_SETTINGS_TYPE) {
      const foreign = foreignOrgId(org, text(c.values.oauthLink));
      if (foreign) add(c, `In field: oauthLink - the org ID ${foreign} doesn't match this org (${org.orgId15})`, 'oauthLink');
    }
    if (c.type === CONNECTED_APP_TYPE && !existing) add(c, CONNECTED_APP_CREATION_BLOCKED);
    const key = c.type === GLOBAL_OAUTH_TYPE ? text(c.values.consumerKey) : c.type === CONNECTED_APP_TYPE ? text(oauthConfig(c.values).consumerKey) : undefined;
    const owner = credentialsOwner(c.type, c.values, c.fullName);
    if (key && owner) {
      const holder = registry.findConsumer(key);
      const takenElsewhere = holder !== undefined && (holder.org !== org || holder.owner !== owner);
      if (takenElsewhere || (claimedKeys.has(key) && claimedKeys.get(key) !== owner)) add(c, CONSUMER_KEY_TAKEN, 'consumerKey');
      claimedKeys.set(key, owner);
    }
    if (c.type === OAUTH_POLICIES_TYPE) {
      for (const name of commaList(c.values.commaSeparatedPermissionSet)) {
        if (!org.permissionSet(name)) add(c, `In field: commaSeparatedPermissionSet - no PermissionSet named ${name} found`, 'commaSeparatedPermissionSet');
      }
      for (const name of commaList(c.values.commaSeparatedProfile)) {
        if (!org.profile(name)) add(c, `In field: commaSeparatedProfile - no Profile named ${name} found`, 'commaSeparatedProfile');
      }
      const runAs = text(c.values.clientCredentialsFlowUser);
      if (runAs && !org.user(runAs)) add(c, `In field: clientCredentialsFlowUser - no User named ${runAs} found`, 'clientCredentialsFlowUser');
    }
    if (c.type === CONNECTED_APP_TYPE) {
      const runAs = text(oauthConfig(c.values).oauthClientCredentialUser);
      if (runAs && !org.user(runAs)) add(c, `In field: oauthClientCredentialUser - no User named ${runAs} found`, 'oauthConfig');
    }
  }
  return problems;
}
