/**
 * The metadata types an External Client App is made of, and where each lives in source format.
 * Suffixes and folders agree with @salesforce/source-deploy-retrieve's registry (a unit test
 * compares them); the `generatedSuffix` is the name ending Salesforce gives a satellite it creates
 * ("<App>_defOauthSet"), the one the Setup migration and the docs use.
 */
export type EcaPart =
  | 'header'
  | 'oauthSettings'
  | 'globalOauthSettings'
  | 'oauthPolicies'
  | 'policies'
  | 'samlPolicies'
  | 'canvasSettings'
  | 'mobileSettings'
  | 'mobilePolicies'
  | 'pushSettings'
  | 'pushPolicies'
  | 'notificationSettings'
  | 'oauthSecuritySettings'
  | 'attestSettings'
  | 'attestPolicies';

export type ComponentKind = {
  readonly part: EcaPart;
  readonly type: string;
  /** source-format suffix: Foo.<suffix>-meta.xml; MDAPI: Foo.<suffix> */
  readonly suffix: string;
  readonly directory: string;
  /** "<App><generatedSuffix>" is the name Salesforce generates for this satellite */
  readonly generatedSuffix: string;
  /** short label shown to people */
  readonly title: string;
};

export const ECA_COMPONENTS: readonly ComponentKind[] = [
  { part: 'header', type: 'ExternalClientApplication', suffix: 'eca', directory: 'externalClientApps', generatedSuffix: '', title: 'External Client App' },
  { part: 'oauthSettings', type: 'ExtlClntAppOauthSettings', suffix: 'ecaOauth', directory: 'extlClntAppOauthSettings', generatedSuffix: '_defOauthSet', title: 'OAuth settings' },
  { part: 'globalOauthSettings', type: 'ExtlClntAppGlobalOauthSettings', suffix: 'ecaGlblOauth', directory: 'extlClntAppGlobalOauthSets', generatedSuffix: '_defGlblOauthSet', title: 'Global OAuth settings' },
  { part: 'oauthPolicies', type: 'ExtlClntAppOauthConfigurablePolicies', suffix: 'ecaOauthPlcy', directory: 'extlClntAppOauthPolicies', generatedSuffix: '_defOauthPlcy', title: 'OAuth policies' },
  { part: 'policies', type: 'ExtlClntAppConfigurablePolicies', suffix: 'ecaPlcy', directory: 'extlClntAppPolicies', generatedSuffix: '_defPlcy', title: 'App policies' },
  { part: 'samlPolicies', type: 'ExtlClntAppSamlConfigurablePolicies', suffix: 'ecaSamlPlcy', directory: 'extlClntAppSamlConfigurablePolicies', generatedSuffix: '_defSamlPlcy', title: 'SAML policies' },
  { part: 'canvasSettings', type: 'ExtlClntAppCanvasSettings', suffix: 'ecaCanvas', directory: 'extlClntAppCanvasSettings', generatedSuffix: '_defCanvasSet', title: 'Canvas settings' },
  { part: 'mobileSettings', type: 'ExtlClntAppMobileSettings', suffix: 'ecaMobile', directory: 'extlClntAppMobileSettings', generatedSuffix: '_defMobileSet', title: 'Mobile settings' },
  { part: 'mobilePolicies', type: 'ExtlClntAppMobileConfigurablePolicies', suffix: 'ecaMobilePlcy', directory: 'extlClntAppMobilePolicies', generatedSuffix: '_defMobilePlcy', title: 'Mobile policies' },
  { part: 'pushSettings', type: 'ExtlClntAppPushSettings', suffix: 'ecaPush', directory: 'extlClntAppPushSettings', generatedSuffix: '_defPushSet', title: 'Push settings' },
  { part: 'pushPolicies', type: 'ExtlClntAppPushConfigurablePolicies', suffix: 'ecaPushPlcy', directory: 'extlClntAppPushPolicies', generatedSuffix: '_defPushPlcy', title: 'Push policies' },
  { part: 'notificationSettings', type: 'ExtlClntAppNotificationSettings', suffix: 'ecaNotifications', directory: 'extlClntAppNotifSettings', generatedSuffix: '_defNotifSet', title: 'Notification settings' },
  { part: 'oauthSecuritySettings', type: 'ExtlClntAppOauthSecuritySettings', suffix: 'ecaOauthSecurity', directory: 'extlClntAppOauthSecuritySettings', generatedSuffix: '_defOauthSecSet', title: 'OAuth security settings' },
  { part: 'attestSettings', type: 'ExtlClntAppAttestSettings', suffix: 'ecaAttest', directory: 'extlClntAppAttestSettings', generatedSuffix: '_defAttestSet', title: 'Attestation settings' },
  { part: 'attestPolicies', type: 'ExtlClntAppAttestConfigurablePolicies', suffix: 'ecaAttestPlcy', directory: 'extlClntAppAttestPolicies', generatedSuffix: '_defAttestPlcy', title: 'Attestation policies' },
];

export const CONNECTED_APP: ComponentKind = {
  part: 'header',
  type: 'ConnectedApp',
  suffix: 'connectedApp',
  directory: 'connectedApps',
  generatedSuffix: '',
  title: 'Connected App',
};

/** The four satellites of the documented OAuth ECA (header + these = the 5 components). */
export const OAUTH_ECA_PARTS: readonly EcaPart[] = ['header', 'oauthSettings', 'globalOauthSettings', 'oauthPolicies', 'policies'];

const byType = new Map(ECA_COMPONENTS.map((c) => [c.type, c]));
const byPart = new Map(ECA_COMPONENTS.map((c) => [c.part, c]));
const bySuffix = new Map([...ECA_COMPONENTS, CONNECTED_APP].map((c) => [c.suffix, c]));

export function componentByType(type: string): ComponentKind | undefined {
  return type === CONNECTED_APP.type ? CONNECTED_APP : byType.get(type);
}

export function componentByPart(part: EcaPart): ComponentKind {
  const c = byPart.get(part);
  if (!c) throw new Error(`unknown ECA part ${part}`);
  return c;
}

export const ECA_TYPES: readonly string[] = ECA_COMPONENTS.map((c) => c.type);

/**
 * What a file name says about its component: "Acme.eca-meta.xml" (source) or "Acme.eca" (MDAPI).
 * Returns undefined for any other file.
 */
export function componentOfFile(fileName: string): { kind: ComponentKind; fullName: string; format: 'source' | 'mdapi' } | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const source = /^(.+)\.([A-Za-z]+)-meta\.xml$/.exec(base);
  const mdapi = source ? null : /^(.+)\.([A-Za-z]+)$/.exec(base);
  const match = source ?? mdapi;
  if (!match) return undefined;
  const kind = bySuffix.get(match[2]);
  return kind ? { kind, fullName: match[1], format: source ? 'source' : 'mdapi' } : undefined;
}

/** Where a type's files go: its folder and suffix. */
export type SourceLayout = Pick<ComponentKind, 'type' | 'suffix' | 'directory'>;

/**
 * A type deployed beside an app but not part of it: the permission set `create --template jwt-ci`
 * makes to pre-authorize the app's users (SDR registry: permissionsets/, .permissionset).
 */
export const PERMISSION_SET: SourceLayout = { type: 'PermissionSet', suffix: 'permissionset', directory: 'permissionsets' };

/** The layout of any type the plugin writes or deploys: the app's types, Connected Apps, permission sets. */
export function sourceLayoutOf(type: string): SourceLayout | undefined {
  return componentByType(type) ?? (type === PERMISSION_SET.type ? PERMISSION_SET : undefined);
}

/** Relative source path of a component: "externalClientApps/Acme.eca-meta.xml". */
export function sourceFilePath(kind: SourceLayout, fullName: string): string {
  return `${kind.directory}/${fullName}.${kind.suffix}-meta.xml`;
}

/** Relative MDAPI path of a component: "externalClientApps/Acme.eca". */
export function mdapiFilePath(kind: SourceLayout, fullName: string): string {
  return `${kind.directory}/${fullName}.${kind.suffix}`;
}
