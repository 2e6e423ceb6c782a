/**
 * Where each metadata type lives in a Metadata API zip (folder and file suffix), read from the
 * registry of @salesforce/source-deploy-retrieve (metadataRegistry.json), the same table the
 * real `sf` uses to build and unpack those zips. The ECA type names the simulator models are
 * named here once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const HEADER_TYPE = 'ExternalClientApplication';
export const OAUTH_SETTINGS_TYPE = 'ExtlClntAppOauthSettings';
export const GLOBAL_OAUTH_TYPE = 'ExtlClntAppGlobalOauthSettings';
export const OAUTH_POLICIES_TYPE = 'ExtlClntAppOauthConfigurablePolicies';
export const POLICIES_TYPE = 'ExtlClntAppConfigurablePolicies';
export const SAML_POLICIES_TYPE = 'ExtlClntAppSamlConfigurablePolicies';
export const CONNECTED_APP_TYPE = 'ConnectedApp';

export type RegistryType = { name: string; directoryName: string; suffix?: string; inFolder?: boolean };

type RegistryFile = { types: Record<string, RegistryType & { children?: unknown }> };

let byName: Map<string, RegistryType> | undefined;

function registry(): Map<string, RegistryType> {
  if (!byName) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@salesforce/source-deploy-retrieve/lib/src/registry/metadataRegistry.json');
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as RegistryFile;
    byName = new Map(Object.values(parsed.types).map((t) => [t.name, { name: t.name, directoryName: t.directoryName, suffix: t.suffix, inFolder: t.inFolder }]));
  }
  return byName;
}

/** The registry entry of a type ("ExternalClientApplication" -> externalClientApps, eca). */
export function registryType(type: string): RegistryType | undefined {
  return registry().get(type);
}

/** Every type of the ECA family SDR knows: the header and its satellites. */
export function ecaTypes(): string[] {
  return [...registry().keys()].filter((t) => t === HEADER_TYPE || t.startsWith('ExtlClntApp')).sort();
}

/** True for the types whose files the simulator reads and keeps as values (ECA family and Connected App). */
export function isModeled(type: string): boolean {
  return type === HEADER_TYPE || type === CONNECTED_APP_TYPE || (type.startsWith('ExtlClntApp') && registry().has(type));
}

/** Where a component lives in an MDAPI zip ("externalClientApps/Acme.eca"); undefined without a suffix. */
export function mdapiPath(type: string, fullName: string): string | undefined {
  const t = registryType(type);
  return t?.suffix ? `${t.directoryName}/${fullName}.${t.suffix}` : undefined;
}

/** The type and name of an MDAPI file path, for `*` members: "externalClientApps/Acme.eca". */
export function memberOfPath(type: string, path: string): string | undefined {
  const t = registryType(type);
  if (!t?.suffix) return undefined;
  const m = new RegExp(`(?:^|/)${t.directoryName}/([^/]+)\\.${t.suffix}$`).exec(path);
  return m ? m[1] : undefined;
}
