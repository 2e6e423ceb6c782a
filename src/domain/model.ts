/**
 * The typed model of an External Client App (a header plus satellites) and of a Connected App.
 * Field types come from @salesforce/types/metadata, which Salesforce generates from the Metadata
 * WSDL, so a misspelled field does not compile.
 */
import type {
  ConnectedApp as MdConnectedApp,
  ExternalClientApplication,
  ExtlClntAppCanvasSettings,
  ExtlClntAppConfigurablePolicies,
  ExtlClntAppGlobalOauthSettings,
  ExtlClntAppMobileConfigurablePolicies,
  ExtlClntAppMobileSettings,
  ExtlClntAppNotificationSettings,
  ExtlClntAppOauthConfigurablePolicies,
  ExtlClntAppOauthSecuritySettings,
  ExtlClntAppOauthSettings,
  ExtlClntAppPushConfigurablePolicies,
  ExtlClntAppPushSettings,
  ExtlClntAppSamlConfigurablePolicies,
} from '@salesforce/types/metadata';
import { componentByPart, componentByType, ECA_COMPONENTS, type EcaPart } from './components.js';
import type { MetadataValues } from './xml.js';

type Values<T> = Omit<T, 'fullName'>;

// API 66 attestation types, which @salesforce/types 1.9.0 does not publish (fields from the WSDL).
type ExtlClntAppAttestSettings = {
  attestConfigLink?: string;
  attestServiceType: 'Apple' | 'Android';
  externalClientApplication: string;
  label?: string;
};
type ExtlClntAppAttestConfigurablePolicies = {
  attestEnforceLevel: 'None' | 'ClientControlled' | 'Strict';
  externalClientApplication: string;
  label?: string;
};

export type EcaPartValues = {
  header: Values<ExternalClientApplication>;
  oauthSettings: Values<ExtlClntAppOauthSettings>;
  globalOauthSettings: Values<ExtlClntAppGlobalOauthSettings>;
  oauthPolicies: Values<ExtlClntAppOauthConfigurablePolicies>;
  policies: Values<ExtlClntAppConfigurablePolicies>;
  samlPolicies: Values<ExtlClntAppSamlConfigurablePolicies>;
  canvasSettings: Values<ExtlClntAppCanvasSettings>;
  mobileSettings: Values<ExtlClntAppMobileSettings>;
  mobilePolicies: Values<ExtlClntAppMobileConfigurablePolicies>;
  pushSettings: Values<ExtlClntAppPushSettings>;
  pushPolicies: Values<ExtlClntAppPushConfigurablePolicies>;
  notificationSettings: Values<ExtlClntAppNotificationSettings>;
  oauthSecuritySettings: Values<ExtlClntAppOauthSecuritySettings>;
  attestSettings: Values<ExtlClntAppAttestSettings>;
  attestPolicies: Values<ExtlClntAppAttestConfigurablePolicies>;
};

export type ConnectedAppValues = Values<MdConnectedApp>;

/** One metadata component: its type, full name and field values; `file` when read from disk. */
export type Component<T = MetadataValues> = {
  type: string;
  fullName: string;
  values: T;
  file?: string;
};

export type Eca = {
  /** the header's developer name */
  name: string;
  parts: { [K in EcaPart]?: Component<EcaPartValues[K]> };
};

export type ConnectedApp = Component<ConnectedAppValues>;

/** "ExtlClntAppOauthSettings:Acme_oauth", as Salesforce names a component in deploy results. */
export function componentId(c: Pick<Component, 'type' | 'fullName'>): string {
  return `${c.type}:${c.fullName}`;
}

/** The ECA's components, header first: the order to deploy them in. */
export function ecaComponents(eca: Eca): Component[] {
  return ECA_COMPONENTS.map((k) => eca.parts[k.part]).filter((c): c is NonNullable<typeof c> => c !== undefined) as Component[];
}

export function partOf(eca: Eca, part: EcaPart): Component | undefined {
  return eca.parts[part] as Component | undefined;
}

export type Assembly = {
  ecas: Eca[];
  /** satellites whose externalClientApplication names no header in the set */
  orphans: Component[];
  /** a second satellite of the same kind for one app */
  duplicates: Component[];
};

/**
 * Groups components into ECAs. A satellite belongs to the header its `externalClientApplication`
 * names; satellite full names say nothing (Salesforce and people name them differently).
 */
export function assembleEcas(components: readonly Component[]): Assembly {
  const ecas = new Map<string, Eca>();
  const orphans: Component[] = [];
  const duplicates: Component[] = [];
  for (const c of components) {
    if (c.type === componentByPart('header').type) {
      ecas.set(c.fullName, { name: c.fullName, parts: { header: c as Component<EcaPartValues['header']> } });
    }
  }
  for (const c of components) {
    const kind = componentByType(c.type);
    if (!kind || kind.part === 'header' || c.type === 'ConnectedApp') continue;
    const owner = c.values.externalClientApplication;
    const eca = typeof owner === 'string' ? ecas.get(owner) : undefined;
    if (!eca) {
      orphans.push(c);
    } else if (eca.parts[kind.part]) {
      duplicates.push(c);
    } else {
      (eca.parts as Record<string, Component>)[kind.part] = c;
    }
  }
  return { ecas: [...ecas.values()].sort((a, b) => a.name.localeCompare(b.name)), orphans, duplicates };
}
