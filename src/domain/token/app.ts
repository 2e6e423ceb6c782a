/**
 * The settings of an External Client App that decide whether it issues a token, read once from
 * the retrieved app (or, for an app installed from a package, from what a subscriber can query)
 * so the explanation table and the report need not know the metadata's shape.
 */
import type { Eca } from '../model.js';
import { splitScopes } from '../scopes.js';
import { type EcaSummary, summarizeEca } from '../summary.js';
import { consumerIdOf } from './flows.js';

export type AppTokenSettings = {
  name: string;
  label?: string;
  /** ExternalClientApplication record id (0xI...) */
  id?: string;
  /** installed from a package: the developer's settings are not retrievable here */
  installed: boolean;
  namespacePrefix?: string;
  /** GlobalOauthSettings.consumerKey, when the retrieve returned it */
  consumerKey?: string;
  /** from OauthSettings.oauthLink (`<OrgId>:<ConsumerId>`), for the Connect credentials resource */
  consumerId?: string;
  /** GlobalOauthSettings.isClientCredentialsFlowEnabled */
  clientCredentialsInSettings?: boolean;
  /** OauthConfigurablePolicies.isClientCredentialsFlowEnabled */
  clientCredentialsInPolicies?: boolean;
  /** OauthConfigurablePolicies.clientCredentialsFlowUser */
  runAs?: string;
  /** GlobalOauthSettings.certificate (PEM, bare base64, or a placeholder) */
  certificate?: string;
  permittedUsers?: string;
  profiles: string[];
  permissionSets: string[];
  /** ECA scope names (Api, RefreshToken, ...) */
  scopes: string[];
  /** full names of the satellites a fix edits, when retrieved */
  components: { oauthSettings?: string; globalOauthSettings?: string; oauthPolicies?: string };
  /** ExtlClntAppConfigurablePolicies.isEnabled and isOauthPluginEnabled: the app and its OAuth plugin switched on */
  enabled?: boolean;
  oauthPluginEnabled?: boolean;
  /** full name of the app policies satellite (ExtlClntAppConfigurablePolicies) */
  policiesComponent?: string;
  /** the summary Setup users know, when the app was retrieved */
  summary?: EcaSummary;
};

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The token settings of a retrieved ECA. */
export function tokenSettingsOf(eca: Eca & { id?: string; namespacePrefix?: string; manageableState?: string }, now: Date = new Date()): AppTokenSettings {
  const g = eca.parts.globalOauthSettings?.values;
  const o = eca.parts.oauthSettings?.values;
  const p = eca.parts.oauthPolicies?.values;
  const app = eca.parts.policies?.values;
  const key = typeof g?.consumerKey === 'string' && g.consumerKey.trim() !== '' ? g.consumerKey.trim() : undefined;
  return {
    name: eca.name,
    label: eca.parts.header?.values.label,
    id: eca.id,
    installed: eca.manageableState === 'installed',
    namespacePrefix: eca.namespacePrefix,
    consumerKey: key,
    consumerId: consumerIdOf(o?.oauthLink),
    clientCredentialsInSettings: g ? g.isClientCredentialsFlowEnabled === true : undefined,
    clientCredentialsInPolicies: p ? p.isClientCredentialsFlowEnabled === true : undefined,
    runAs: p?.clientCredentialsFlowUser || undefined,
    certificate: g?.certificate || undefined,
    permittedUsers: p?.permittedUsersPolicyType,
    profiles: list(p?.commaSeparatedProfile),
    permissionSets: list(p?.commaSeparatedPermissionSet),
    scopes: splitScopes(o?.commaSeparatedOauthScopes),
    components: {
      oauthSettings: eca.parts.oauthSettings?.fullName,
      globalOauthSettings: eca.parts.globalOauthSettings?.fullName,
      oauthPolicies: eca.parts.oauthPolicies?.fullName,
    },
    enabled: app?.isEnabled,
    oauthPluginEnabled: app?.isOauthPluginEnabled,
    policiesComponent: eca.parts.policies?.fullName,
    summary: summarizeEca(eca, now),
  };
}

/** The token settings of an ECA installed from a package: what its policy row in the org says. */
export function installedTokenSettings(app: {
  id: string;
  name: string;
  label?: string;
  namespacePrefix?: string;
  permittedUsers?: string;
}): AppTokenSettings {
  return {
    name: app.name,
    label: app.label,
    id: app.id,
    installed: true,
    namespacePrefix: app.namespacePrefix,
    permittedUsers: app.permittedUsers,
    profiles: [],
    permissionSets: [],
    scopes: [],
    components: {},
  };
}
