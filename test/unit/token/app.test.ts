import { expect } from 'chai';
import { assembleEcas, type Component } from '../../../src/domain/model.js';
import { installedTokenSettings, tokenSettingsOf } from '../../../src/domain/token/app.js';
import { oauthEca } from '../../simulator/harness.js';

function ecaOf(components: Component[]) {
  return assembleEcas(components).ecas[0];
}

describe('token settings of an app', () => {
  it('reads the flow switches, run-as user, certificate, permitted users and satellites of a retrieved ECA', () => {
    const components = oauthEca('Acme_Sync', { clientCredentials: true, runAs: 'integration@acme.example', permissionSets: 'CI_Deployer, Integration_Access' });
    const global = components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings') as Component;
    global.values.consumerKey = '3MVG9key';
    global.values.consumerSecret = 'TOPSECRET0123456789';
    const oauth = components.find((c) => c.type === 'ExtlClntAppOauthSettings') as Component;
    oauth.values.oauthLink = '00D5g00000DevSmEAJ:8885g0000000001AAA';
    const s = tokenSettingsOf({ ...ecaOf(components), id: '0xI5g0000000001AAA' });
    expect(s).to.deep.include({
      name: 'Acme_Sync',
      id: '0xI5g0000000001AAA',
      installed: false,
      consumerKey: '3MVG9key',
      consumerId: '8885g0000000001AAA',
      clientCredentialsInSettings: true,
      clientCredentialsInPolicies: true,
      runAs: 'integration@acme.example',
      permittedUsers: 'AdminApprovedPreAuthorized',
      enabled: true,
      oauthPluginEnabled: true,
      policiesComponent: 'Acme_Sync_plcy',
    });
    expect(s.permissionSets).to.deep.equal(['CI_Deployer', 'Integration_Access']);
    expect(s.scopes).to.deep.equal(['Api', 'RefreshToken']);
    expect(s.components).to.deep.equal({ oauthSettings: 'Acme_Sync_oauth', globalOauthSettings: 'Acme_Sync_glbloauth', oauthPolicies: 'Acme_Sync_oauthPlcy' });
    expect(s.summary?.refreshTokenPolicy).to.equal('Infinite');
    // a secret the org returned with the app is not carried
    expect(JSON.stringify(s)).to.not.contain('TOPSECRET0123456789');
  });

  it('tells a flow switched off in one place from one switched off in the other', () => {
    const components = oauthEca('Acme', { clientCredentials: true, runAs: 'x@acme.example' });
    (components.find((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies') as Component).values.isClientCredentialsFlowEnabled = false;
    expect(tokenSettingsOf(ecaOf(components))).to.deep.include({ clientCredentialsInSettings: true, clientCredentialsInPolicies: false });
  });

  it('an installed app: only what the org controls', () => {
    const s = installedTokenSettings({ id: '0xI1', name: 'ns__App', namespacePrefix: 'ns', permittedUsers: 'AllSelfAuthorized' });
    expect(s).to.deep.include({ installed: true, name: 'ns__App', namespacePrefix: 'ns', permittedUsers: 'AllSelfAuthorized' });
    expect(s.consumerKey).to.equal(undefined);
    expect(s.components).to.deep.equal({});
  });
});
