/**
 * OAuth scope tokens. Connected Apps list them as repeated <scopes> elements (the WSDL enum
 * ConnectedAppOauthAccessScope); ECAs keep them in OauthSettings.commaSeparatedOauthScopes
 * ("Basic, Api, RefreshToken"), where the Connected App token SFAP is spelled SFApiPlatform
 * (seen in real files: minlopro-dx MinloproSalesforceLoopback before and after).
 */
import { enumValues, enumValueSince } from './schema/index.js';

/** Connected App scope token -> ECA scope token, where they differ. */
export const ECA_SCOPE_RENAMES: Readonly<Record<string, string>> = { SFAP: 'SFApiPlatform' };

/**
 * The scope tokens of the Metadata API enum ConnectedAppOauthAccessScope; with apiVersion, only
 * those that version knows (DataCloudUserClaims, A2A, CmdbDiscovery and SemanticLayer are API 67,
 * from @salesforce/types 1.9.0; scripts/schema-overlay.json).
 */
export function connectedAppScopes(apiVersion?: number): readonly string[] {
  return enumValues('ConnectedAppOauthAccessScope', apiVersion);
}

/** Scope tokens an ECA accepts: the WSDL enum with the ECA spellings. */
export function ecaScopes(apiVersion?: number): readonly string[] {
  return connectedAppScopes(apiVersion).map((s) => ECA_SCOPE_RENAMES[s] ?? s);
}

/** The first API version that knows a Connected App scope token, or undefined for a token the enum lacks. */
export function scopeSince(caScope: string): number | undefined {
  return enumValueSince('ConnectedAppOauthAccessScope', caScope);
}

export function toEcaScope(caScope: string): string {
  return ECA_SCOPE_RENAMES[caScope] ?? caScope;
}

/** The first API version that knows an ECA scope token (SFApiPlatform is the Connected App's SFAP). */
export function ecaScopeSince(ecaScope: string): number | undefined {
  const ca = Object.entries(ECA_SCOPE_RENAMES).find(([, eca]) => eca === ecaScope)?.[0] ?? ecaScope;
  return scopeSince(ca);
}

/** "Basic, Api" -> ["Basic", "Api"]; tolerant of spaces and empty items. */
export function splitScopes(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** ["Basic", "Api"] -> "Basic, Api", the form Salesforce writes. */
export function joinScopes(scopes: readonly string[]): string {
  return scopes.join(', ');
}

/** Finds the accepted spelling of a scope typed by a person ("api" -> "Api"). */
export function canonicalEcaScope(input: string, apiVersion?: number): string | undefined {
  const lower = input.trim().toLowerCase();
  return ecaScopes(apiVersion).find((s) => s.toLowerCase() === lower);
}
