import { expect } from 'chai';
import type { Eca } from '../../../src/domain/model.js';
import { alignSatelliteNames, diffEca } from '../../../src/domain/migrate/diff.js';
import { EMPTY_MAPPING, type MigrationMapping, resolveMapping } from '../../../src/domain/migrate/mapping.js';
import { transformForTarget } from '../../../src/domain/migrate/transform.js';
import { fixtureEca, INFORMATICA_HEAD, INFORMATICA_RETRIEVED, valuesOf, withValues } from './helpers.js';

const TARGET_ORG_ID = '00D5g000004XyZa';

const MAPPING: MigrationMapping = {
  targets: { prod: { profiles: { 'Informatica Cloud Integration User': 'Integration User' } } },
};

/** What the target's retrieve holds after a deploy: the app plus the values the target generates. */
function asDeployed(desired: Eca): Eca {
  let eca = withValues(desired, 'header', { orgScopedExternalApp: `${TARGET_ORG_ID}:${desired.name}` });
  eca = withValues(eca, 'oauthSettings', { oauthLink: `${TARGET_ORG_ID}:888J8000000AbCd` });
  return withValues(eca, 'globalOauthSettings', { consumerKey: '3MVG9target.generated.key' });
}

function migrate(source: Eca, current: Eca | undefined): { desired: Eca; diff: ReturnType<typeof diffEca> } {
  const { eca } = transformForTarget(source, { name: 'prod' }, resolveMapping(MAPPING, 'prod'));
  const desired = alignSatelliteNames(eca, current).eca;
  return { desired, diff: diffEca(current, desired) };
}

describe('migrate/diff: what a deploy would change in the target', () => {
  const source = fixtureEca(INFORMATICA_RETRIEVED);

  it('finds an app the target does not have new, with every value it sets', () => {
    const { diff } = migrate(source, undefined);
    expect(diff.status).to.equal('new');
    expect(diff.fields.find((f) => f.field === 'label' && f.part === 'header')).to.deep.equal({
      part: 'header',
      component: 'ExternalClientApplication:InformaticaCloud',
      field: 'label',
      to: 'Informatica Cloud',
    });
    expect(diff.fields.find((f) => f.field === 'commaSeparatedProfile')?.to).to.equal('Integration User');
    expect(diff.fields.map((f) => f.field)).to.not.include.members(['orgScopedExternalApp', 'oauthLink', 'consumerKey', 'consumerSecret']);
  });

  it('finds nothing to do when the migration runs a second time', () => {
    const first = migrate(source, undefined);
    const target = asDeployed(first.desired);
    const second = migrate(source, target);
    expect(second.diff).to.deep.equal({ status: 'unchanged', fields: [] });
  });

  it('ignores what each org generates for itself, and secrets', () => {
    const { desired } = migrate(source, undefined);
    const target = withValues(asDeployed(desired), 'globalOauthSettings', { consumerSecret: 'target-secret' });
    const keyed = withValues(desired, 'globalOauthSettings', { consumerKey: '3MVG9source.key' });
    expect(diffEca(target, keyed)).to.deep.equal({ status: 'unchanged', fields: [] });
  });

  it('compares lists as sets, certificates by their body, and "not set" as false', () => {
    const { desired } = migrate(source, undefined);
    let target = withValues(asDeployed(desired), 'oauthSettings', { commaSeparatedOauthScopes: 'RefreshToken,Full', isFirstPartyAppEnabled: undefined });
    target = withValues(target, 'globalOauthSettings', { isDeviceFlowEnabled: undefined });
    expect(diffEca(target, desired).status).to.equal('unchanged');
    const reordered = withValues(desired, 'globalOauthSettings', { callbackUrl: 'https://b.example/cb\nhttps://a.example/cb' });
    const current = withValues(target, 'globalOauthSettings', { callbackUrl: 'https://a.example/cb\r\nhttps://b.example/cb\n' });
    expect(diffEca(current, reordered).status).to.equal('unchanged');
    const body = 'MIIB'.repeat(40);
    const pem = withValues(desired, 'globalOauthSettings', { certificate: `-----BEGIN CERTIFICATE-----\n${body.slice(0, 64)}\n${body.slice(64)}\n-----END CERTIFICATE-----\n` });
    const bare = withValues(target, 'globalOauthSettings', { certificate: body });
    expect(diffEca(bare, pem).status).to.equal('unchanged');
    expect(diffEca(bare, withValues(pem, 'globalOauthSettings', { certificate: 'MIIC'.repeat(40) })).fields.map((f) => f.field)).to.deep.equal(['certificate']);
  });

  it('compares certificates by their DER bytes: padding aside, and every certificate of a chain counts', () => {
    const { desired } = migrate(source, undefined);
    const target = asDeployed(desired);
    // 'MIIBAA' and 'MIIBAA==' are the same bytes; Salesforce may return either form
    const padded = withValues(target, 'globalOauthSettings', { certificate: 'MIIBAA==' });
    const unpadded = withValues(desired, 'globalOauthSettings', { certificate: '-----BEGIN CERTIFICATE-----\nMIIBAA\n-----END CERTIFICATE-----\n' });
    expect(diffEca(padded, unpadded).status).to.equal('unchanged');
    // a chain that adds an intermediate certificate is a change, though its first certificate is the same
    const leaf = '-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n';
    const chain = `${leaf}-----BEGIN CERTIFICATE-----\nMIICAA==\n-----END CERTIFICATE-----\n`;
    const current = withValues(target, 'globalOauthSettings', { certificate: leaf });
    expect(diffEca(current, withValues(desired, 'globalOauthSettings', { certificate: chain })).fields.map((f) => f.field)).to.deep.equal(['certificate']);
  });

  it('lists every field that differs, satellites matched by part and not by name', () => {
    const current = fixtureEca(INFORMATICA_HEAD);
    const { diff } = migrate(source, current);
    expect(diff.status).to.equal('changed');
    expect(diff.fields.map((f) => [f.component, f.field, f.from, f.to])).to.deep.equal([
      ['ExternalClientApplication:InformaticaCloud', 'description', 'Custom ECA configured for Informatica Cloud integration user only.', 'Custom connected app adapted for Informatica Cloud integration user only.'],
      ['ExternalClientApplication:InformaticaCloud', 'label', 'Informatica Cloud 🔶', 'Informatica Cloud'],
      ['ExtlClntAppGlobalOauthSettings:InformaticaCloud_glbloauth', 'isSecretRequiredForTokenExchange', true, false],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'commaSeparatedProfile', 'Informatica Cloud Integration User', 'Integration User'],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'guestJwtSessionTimeoutType', undefined, 'Custom'],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'namedUserJwtSessionTimeoutType', undefined, 'Custom'],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'refreshTokenPolicyType', 'SpecificLifetime', 'Infinite'],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'commaSeparatedPermissionSet', 'InformaticaCloudIntegrationUser', undefined],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'refreshTokenValidityPeriod', 5, undefined],
      ['ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy', 'refreshTokenValidityUnit', 'Days', undefined],
      ['ExtlClntAppConfigurablePolicies:InformaticaCloud_plcy', 'startPage', 'None', 'OAuth'],
    ]);
  });

  it('leaves alone satellites the target has and the app does not', () => {
    const { desired } = migrate(source, undefined);
    const withoutPolicies: Eca = { name: desired.name, parts: { ...desired.parts, oauthPolicies: undefined } };
    expect(diffEca(asDeployed(desired), withoutPolicies).status).to.equal('unchanged');
  });

  describe('alignSatelliteNames', () => {
    const current = fixtureEca(INFORMATICA_HEAD);
    const { eca: transformed } = transformForTarget(source, { name: 'prod' }, EMPTY_MAPPING);

    it('deploys to the satellite names the target already uses, the generated labels following', () => {
      const { eca, renames } = alignSatelliteNames(transformed, current);
      expect(renames).to.deep.equal([
        { part: 'oauthSettings', type: 'ExtlClntAppOauthSettings', from: 'InformaticaCloud_defOauthSet', to: 'InformaticaCloud_oauth' },
        { part: 'globalOauthSettings', type: 'ExtlClntAppGlobalOauthSettings', from: 'InformaticaCloud_defGlblOauthSet', to: 'InformaticaCloud_glbloauth' },
        { part: 'oauthPolicies', type: 'ExtlClntAppOauthConfigurablePolicies', from: 'InformaticaCloud_defOauthPlcy', to: 'InformaticaCloud_oauthPlcy' },
        { part: 'policies', type: 'ExtlClntAppConfigurablePolicies', from: 'InformaticaCloud_defPlcy', to: 'InformaticaCloud_plcy' },
      ]);
      expect(eca.parts.oauthSettings?.fullName).to.equal('InformaticaCloud_oauth');
      expect(valuesOf(eca, 'oauthSettings').label).to.equal('InformaticaCloud_oauth');
      expect(valuesOf(eca, 'oauthSettings').externalClientApplication).to.equal('InformaticaCloud');
      expect(eca.parts.header?.fullName).to.equal('InformaticaCloud');
      expect(transformed.parts.oauthSettings?.fullName).to.equal('InformaticaCloud_defOauthSet');
    });

    it('keeps a label someone chose', () => {
      const labelled = withValues(transformed, 'policies', { label: 'Informatica app policies' });
      expect(valuesOf(alignSatelliteNames(labelled, current).eca, 'policies').label).to.equal('Informatica app policies');
    });

    it('changes nothing for a target without the app, or with the same names', () => {
      expect(alignSatelliteNames(transformed, undefined)).to.deep.equal({ eca: transformed, renames: [] });
      expect(alignSatelliteNames(transformed, source).renames).to.deep.equal([]);
    });

    it('refuses another app', () => {
      expect(() => alignSatelliteNames(transformed, { name: 'Other', parts: {} })).to.throw('"Other" is not "InformaticaCloud"');
    });
  });
});
