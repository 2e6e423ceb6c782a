/**
 * Small ECAs for the drift and snapshot tests, built from values (the shape assembleEcas gives),
 * with satellite names chosen per test so that names can differ between two orgs.
 */
import type { EcaPart } from '../../../src/domain/components.js';
import { componentByPart } from '../../../src/domain/components.js';
import { assembleEcas, type Component, type Eca } from '../../../src/domain/model.js';
import type { MetadataValues } from '../../../src/domain/xml.js';

export const ORG_A = '00D000000000001AAA';
export const ORG_B = '00D000000000002BBB';

/** The secure app of the policy tests, as an org would retrieve it (org A's generated values). */
export function baseParts(name: string, org = ORG_A): Partial<Record<EcaPart, MetadataValues>> {
  return {
    header: { contactEmail: 'ops@acme.example', distributionState: 'Local', isProtected: false, label: 'Acme CI', orgScopedExternalApp: `${org}:${name}` },
    oauthSettings: { commaSeparatedOauthScopes: 'Api, RefreshToken', label: `${name}_oauth`, oauthLink: `${org}:888000000000001` },
    globalOauthSettings: {
      callbackUrl: 'https://app.acme.example/oauth/callback',
      consumerKey: `3MVG9.${org}.key`,
      isClientCredentialsFlowEnabled: true,
      isConsumerSecretOptional: false,
      isIntrospectAllTokens: false,
      isPkceRequired: true,
      isRefreshTokenRotationEnabled: true,
      isSecretRequiredForRefreshToken: true,
      isSecretRequiredForTokenExchange: true,
      isTokenExchangeEnabled: false,
      label: `${name}_glbloauth`,
    },
    oauthPolicies: {
      clientCredentialsFlowUser: 'integration@acme.example',
      commaSeparatedPermissionSet: 'Acme_Integration',
      commaSeparatedProfile: 'Integration User',
      ipRelaxationPolicyType: 'Enforce',
      isClientCredentialsFlowEnabled: true,
      label: `${name}_oauthPlcy`,
      permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
      refreshTokenPolicyType: 'SpecificLifetime',
      refreshTokenValidityPeriod: 30,
      refreshTokenValidityUnit: 'Days',
      sessionTimeoutInMinutes: 60,
    },
    policies: { isEnabled: true, isOauthPluginEnabled: true, label: `${name}_plcy` },
  };
}

/** Satellite full names: "<App><suffix>"; the default suffixes are the ones people write. */
export const SOURCE_SUFFIXES: Partial<Record<EcaPart, string>> = {
  oauthSettings: '_oauth',
  globalOauthSettings: '_glbloauth',
  oauthPolicies: '_oauthPlcy',
  policies: '_plcy',
};

/** The names Salesforce generates (`_defOauthPlcy`, ...). */
export const GENERATED_SUFFIXES: Partial<Record<EcaPart, string>> = Object.fromEntries(
  (['oauthSettings', 'globalOauthSettings', 'oauthPolicies', 'policies'] as const).map((p) => [p, componentByPart(p).generatedSuffix])
);

/**
 * Components of one app. A satellite's label follows its full name (as Salesforce sets it)
 * unless `parts` gives one.
 */
export function appComponents(name: string, parts: Partial<Record<EcaPart, MetadataValues | null>>, suffixes = SOURCE_SUFFIXES): Component[] {
  return (Object.entries(parts) as Array<[EcaPart, MetadataValues | null]>).flatMap(([part, values]) => {
    if (values === null) return [];
    const kind = componentByPart(part);
    const fullName = part === 'header' ? name : `${name}${suffixes[part] ?? kind.generatedSuffix}`;
    const v: MetadataValues = part === 'header' ? { ...values } : { ...values, externalClientApplication: name };
    if (part !== 'header' && typeof v.label === 'string' && v.label.startsWith(`${name}_`)) v.label = fullName;
    return [{ type: kind.type, fullName, values: structuredClone(v) }];
  });
}

export function makeEca(name: string, changes: Partial<Record<EcaPart, MetadataValues | null>> = {}, opts: { org?: string; suffixes?: Partial<Record<EcaPart, string>> } = {}): Eca {
  const base = baseParts(name, opts.org);
  const merged: Partial<Record<EcaPart, MetadataValues | null>> = { ...base };
  for (const [part, values] of Object.entries(changes) as Array<[EcaPart, MetadataValues | null]>) {
    if (values === null) merged[part] = null;
    else {
      const m: MetadataValues = { ...(base[part] ?? {}), ...values };
      for (const [k, v] of Object.entries(values)) if (v === undefined) delete m[k];
      merged[part] = m;
    }
  }
  const { ecas } = assembleEcas(appComponents(name, merged, opts.suffixes));
  return ecas[0];
}
