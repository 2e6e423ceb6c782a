import { expect } from 'chai';
import { resolveMapping } from '../../../src/domain/migrate/mapping.js';
import { mergeReferences, missingReferences, referencesOf } from '../../../src/domain/migrate/references.js';
import { transformForTarget } from '../../../src/domain/migrate/transform.js';
import { fixtureEca, INFORMATICA_HEAD, LOOPBACK, withValues } from './helpers.js';

const MAPPING = resolveMapping(
  {
    targets: {
      prod: {
        users: { 'int@dev.acme': 'int@acme' },
        permissionSets: { Minlopro_Admin: 'Acme_Admin' },
        profiles: { 'Informatica Cloud Integration User': 'Integration User' },
      },
    },
  },
  'prod'
);

describe('migrate/references: what the target org must have', () => {
  const informatica = transformForTarget(
    withValues(fixtureEca(INFORMATICA_HEAD), 'oauthPolicies', { clientCredentialsFlowUser: 'int@dev.acme', isClientCredentialsFlowEnabled: true }),
    { name: 'prod' },
    MAPPING
  ).eca;
  const loopback = transformForTarget(
    withValues(fixtureEca(LOOPBACK), 'oauthPolicies', { clientCredentialsFlowUser: 'Int@Acme', commaSeparatedProfile: 'Integration User' }),
    { name: 'prod' },
    MAPPING
  ).eca;

  it('reads the names an app uses after its transformation', () => {
    const refs = referencesOf(informatica);
    expect(refs.users).to.deep.equal(['int@acme']);
    expect(refs.profiles).to.deep.equal(['Integration User']);
    expect(refs.permissionSets).to.deep.equal(['InformaticaCloudIntegrationUser']);
    expect(refs.uses).to.deep.include({
      kind: 'user',
      name: 'int@acme',
      app: 'InformaticaCloud',
      component: 'ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy',
      field: 'clientCredentialsFlowUser',
    });
  });

  it('skips placeholders a pipeline substitutes, and values that are not usernames', () => {
    const raw = referencesOf(fixtureEca(LOOPBACK));
    expect(raw.users).to.deep.equal([]);
    expect(raw.permissionSets).to.deep.equal(['Minlopro_CustomAuthProviderAndNC', 'Minlopro_SalesforceConnectCustomAdapter', 'Minlopro_Admin']);
    const handler = withValues(fixtureEca(LOOPBACK), 'oauthPolicies', { executeHandlerAs: 'AutomatedProcess', clientCredentialsFlowUser: undefined });
    expect(referencesOf(handler).users).to.deep.equal([]);
  });

  it('merges the apps of a migration, each name once (without case)', () => {
    const refs = mergeReferences([referencesOf(informatica), referencesOf(loopback)]);
    expect(refs.users).to.deep.equal(['int@acme']);
    expect(refs.profiles).to.deep.equal(['Integration User']);
    expect(refs.permissionSets).to.deep.equal([
      'InformaticaCloudIntegrationUser',
      'Minlopro_CustomAuthProviderAndNC',
      'Minlopro_SalesforceConnectCustomAdapter',
      'Acme_Admin',
    ]);
  });

  it('reports everything the target lacks at once, with every app and field that needs it', () => {
    const missing = missingReferences([referencesOf(informatica), referencesOf(loopback)], {
      users: [],
      inactiveUsers: ['INT@acme'],
      profiles: ['integration user'],
      permissionSets: ['Acme_Admin', 'InformaticaCloudIntegrationUser'],
    }, 'prod');
    expect(missing.map((m) => [m.kind, m.name, m.neededBy.map((n) => n.app)])).to.deep.equal([
      ['user', 'int@acme', ['InformaticaCloud', 'MinloproSalesforceLoopback']],
      ['permissionSet', 'Minlopro_CustomAuthProviderAndNC', ['MinloproSalesforceLoopback']],
      ['permissionSet', 'Minlopro_SalesforceConnectCustomAdapter', ['MinloproSalesforceLoopback']],
    ]);
    expect(missing[0]).to.deep.include({
      inactive: true,
      message:
        'User "int@acme" is inactive in prod; needed by InformaticaCloud (ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_oauthPlcy clientCredentialsFlowUser), MinloproSalesforceLoopback (ExtlClntAppOauthConfigurablePolicies:MinloproSalesforceLoopback_oauthPlcy clientCredentialsFlowUser).',
      fix: 'Activate the user in prod, or map it to another under "users" in the mapping file.',
    });
    expect(missing[1].message).to.equal(
      'Permission set "Minlopro_CustomAuthProviderAndNC" does not exist in prod; needed by MinloproSalesforceLoopback (ExtlClntAppOauthConfigurablePolicies:MinloproSalesforceLoopback_oauthPlcy commaSeparatedPermissionSet).'
    );
    expect(missing[1].fix).to.equal('Create it in prod, or map it to the target\'s name under "permissionSets" in the mapping file.');
  });

  it('reports nothing when the target has everything', () => {
    const refs = referencesOf(informatica);
    expect(missingReferences(refs, { users: ['INT@ACME'], profiles: refs.profiles, permissionSets: refs.permissionSets })).to.deep.equal([]);
  });
});
