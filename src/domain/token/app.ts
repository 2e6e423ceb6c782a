/**
 * The settings of an External Client App that decide whether it issues a token: a view of the one
 * app reader (../app) for the explanation table and the report, so neither knows the metadata's
 * shape. An app installed from a package gets what a subscriber can query instead.
 */
import { type AppOrigin, type AppSettings, readEca } from '../app/index.js';
import type { Eca } from '../model.js';
import { type EcaSummary, summarize } from '../summary.js';

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

/** The token settings of a retrieved ECA, from the one app reader. */
export function tokenSettingsOf(eca: Eca & AppOrigin, now: Date = new Date()): AppTokenSettings {
  return tokenSettingsFrom(readEca(eca), now);
}

/** The token settings of an app already read (./app): what the explanation table needs. */
export function tokenSettingsFrom(app: AppSettings, now: Date = new Date()): AppTokenSettings {
  const cc = app.switches.clientCredentials;
  const summary = summarize(app, now);
  return {
    name: app.name,
    label: app.label,
    id: app.id,
    installed: app.installed,
    namespacePrefix: app.namespacePrefix,
    consumerKey: app.consumerKey,
    consumerId: app.consumerId,
    clientCredentialsInSettings: app.components.globalOauthSettings === undefined ? undefined : cc.developer,
    clientCredentialsInPolicies: cc.policy,
    runAs: summary.runAs,
    certificate: app.certificateText,
    permittedUsers: summary.permittedUsers,
    profiles: summary.profiles,
    permissionSets: summary.permissionSets,
    scopes: summary.scopes,
    components: {
      oauthSettings: app.components.oauthSettings,
      globalOauthSettings: app.components.globalOauthSettings,
      oauthPolicies: app.components.oauthPolicies,
    },
    enabled: app.enabled,
    oauthPluginEnabled: app.oauthPluginEnabled,
    policiesComponent: app.components.policies,
    summary,
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
