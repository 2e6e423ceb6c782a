/**
 * OAuth scope tokens. Connected Apps list them as repeated <scopes> elements (the WSDL enum
 * ConnectedAppOauthAccessScope); ECAs keep them in OauthSettings.commaSeparatedOauthScopes
 * ("Basic, Api, RefreshToken"), where the Connected App token SFAP is spelled SFApiPlatform
 * (seen in real files: minlopro-dx MinloproSalesforceLoopback before and after).
 */
import { enumValues } from './schema/index.js';

/** Connected App scope token -> ECA scope token, where they differ. */
export const ECA_SCOPE_RENAMES: Readonly<Record<string, string>> = { SFAP: 'SFApiPlatform' };

export function connectedAppScopes(): readonly string[] {
  return enumValues('ConnectedAppOauthAccessScope');
}

/** Scope tokens an ECA accepts: the WSDL enum with the ECA spellings. */
export function ecaScopes(): readonly string[] {
  return connectedAppScopes().map((s) => ECA_SCOPE_RENAMES[s] ?? s);
}

export function toEcaScope(caScope: string): string {
  return ECA_SCOPE_RENAMES[caScope] ?? caScope;
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
export function canonicalEcaScope(input: string): string | undefined {
  const lower = input.trim().toLowerCase();
  return ecaScopes().find((s) => s.toLowerCase() === lower);
}
