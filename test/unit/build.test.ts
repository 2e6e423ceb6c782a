import { expect } from 'chai';
import { buildEca, templateMinApiVersion } from '../../src/domain/build.js';
import { ecaComponents } from '../../src/domain/model.js';
import { summarizeEca } from '../../src/domain/summary.js';
import { TEMPLATE_NAMES, TEMPLATES, parseRefreshTokenPolicy } from '../../src/domain/templates.js';
import { validateEca } from '../../src/domain/validate.js';
import { parseMetadataXml, serializeMetadataXml } from '../../src/domain/xml.js';
import { makeCert } from '../helpers/certs.js';

const base = { name: 'Acme_App', contactEmail: 'ops@acme.example', runAs: 'int@acme.example', callbackUrls: ['https://app.acme.example/cb'] };

describe('building an ECA from a template', () => {
  let certificate: string;
  before(async () => {
    certificate = (await makeCert(365)).cert;
  });

  for (const template of TEMPLATE_NAMES) {
    for (const apiVersion of [59, 62, 66, 67].filter((v) => v >= templateMinApiVersion(template))) {
      it(`${template} at API ${apiVersion} is valid and round-trips through XML`, () => {
        const { eca } = buildEca({ ...base, template, apiVersion, certificate });
        expect(validateEca(eca, apiVersion)).to.deep.equal([]);
        for (const c of ecaComponents(eca)) {
          const parsed = parseMetadataXml(serializeMetadataXml(c.type, c.values));
          expect(parsed.values).to.deep.equal(c.values);
        }
      });
    }
  }

  it('is safe by default: admin approved, finite refresh token, IP enforced, PKCE and secret required', () => {
    for (const template of TEMPLATE_NAMES) {
      const s = summarizeEca(buildEca({ ...base, template, apiVersion: 66, certificate }).eca);
      expect(s.permittedUsers, template).to.equal('AdminApprovedPreAuthorized');
      expect(s.refreshTokenPolicy, template).to.not.equal('Infinite');
      expect(s.ipRelaxation, template).to.equal('Enforce');
      expect(s.pkceRequired, template).to.equal(true);
      expect(s.scopes, template).to.not.include('Full');
      expect(s.consumerSecretOptional, template).to.equal(template === 'public-client');
    }
  });

  it('server-to-server enables client credentials in both the global settings and the policies', () => {
    const { eca } = buildEca({ ...base, template: 'server-to-server', apiVersion: 66 });
    expect(eca.parts.globalOauthSettings?.values.isClientCredentialsFlowEnabled).to.equal(true);
    expect(eca.parts.oauthPolicies?.values).to.include({ isClientCredentialsFlowEnabled: true, clientCredentialsFlowUser: 'int@acme.example' });
    expect(eca.parts.oauthSettings?.values.commaSeparatedOauthScopes).to.equal('Api');
    expect(summarizeEca(eca).flows).to.deep.equal(['authorization-code', 'client-credentials']);
  });

  it('jwt-ci carries the certificate, the documented sf scopes and the pre-authorized permission sets', () => {
    const { eca } = buildEca({ name: 'Acme_CI', contactEmail: 'x@y.z', template: 'jwt-ci', apiVersion: 66, certificate, permissionSets: ['CI_Deployer', 'Deploy2'] });
    expect(eca.parts.globalOauthSettings?.values.certificate).to.contain('BEGIN CERTIFICATE');
    expect(eca.parts.globalOauthSettings?.values.callbackUrl).to.equal('http://localhost:1717/OauthRedirect');
    expect(eca.parts.oauthSettings?.values.commaSeparatedOauthScopes).to.equal('Api, Web, RefreshToken');
    expect(eca.parts.oauthPolicies?.values.commaSeparatedPermissionSet).to.equal('CI_Deployer,Deploy2');
    expect(eca.parts.globalOauthSettings?.values.isClientCredentialsFlowEnabled).to.equal(false);
    expect(summarizeEca(eca).flows).to.include('jwt-bearer');
  });

  it('never writes a consumer key or secret', () => {
    for (const template of TEMPLATE_NAMES) {
      const xml = ecaComponents(buildEca({ ...base, template, apiVersion: 67, certificate }).eca)
        .map((c) => serializeMetadataXml(c.type, c.values))
        .join('');
      expect(xml).to.not.match(/consumerKey|consumerSecret/);
    }
  });

  it('leaves out fields the target version does not know, and says which', () => {
    const { eca, omitted } = buildEca({ ...base, template: 'web-app', apiVersion: 59 });
    expect(eca.parts.oauthPolicies?.values.clientCredentialsFlowUser).to.equal(undefined);
    expect(omitted).to.include('ExtlClntAppOauthConfigurablePolicies.isClientCredentialsFlowEnabled (API 60.0+)');
    expect(omitted).to.include('ExtlClntAppConfigurablePolicies (API 60.0+)');
    expect(eca.parts.policies).to.equal(undefined);
    expect(buildEca({ ...base, template: 'web-app', apiVersion: 61 }).omitted).to.include('ExtlClntAppConfigurablePolicies.startPage (API 62.0+)');
  });

  it('applies loosened settings only when asked', () => {
    const { eca } = buildEca({
      ...base,
      template: 'web-app',
      apiVersion: 66,
      permittedUsers: 'all-self-authorized',
      refreshToken: { type: 'SpecificInactivity', period: 30, unit: 'Days' },
      ipRelaxation: 'Bypass',
      sessionTimeoutInMinutes: 120,
      scopes: ['Api', 'OpenID'],
    });
    expect(eca.parts.oauthPolicies?.values).to.include({
      permittedUsersPolicyType: 'AllSelfAuthorized',
      refreshTokenPolicyType: 'SpecificInactivity',
      refreshTokenValidityPeriod: 30,
      refreshTokenValidityUnit: 'Days',
      ipRelaxationPolicyType: 'Bypass',
      sessionTimeoutInMinutes: 120,
    });
    expect(eca.parts.oauthSettings?.values.commaSeparatedOauthScopes).to.equal('Api, OpenID');
  });

  it('parses refresh token policies', () => {
    expect(parseRefreshTokenPolicy('infinite')).to.deep.equal({ type: 'Infinite' });
    expect(parseRefreshTokenPolicy('zero')).to.deep.equal({ type: 'Zero' });
    expect(parseRefreshTokenPolicy('lifetime:8h')).to.deep.equal({ type: 'SpecificLifetime', period: 8, unit: 'Hours' });
    expect(parseRefreshTokenPolicy('inactivity:30d')).to.deep.equal({ type: 'SpecificInactivity', period: 30, unit: 'Days' });
    expect(parseRefreshTokenPolicy('lifetime:3m')).to.deep.equal({ type: 'SpecificLifetime', period: 3, unit: 'Months' });
    expect(parseRefreshTokenPolicy('forever')).to.have.property('error').that.contains('forever');
    expect(parseRefreshTokenPolicy('lifetime:0h')).to.have.property('error');
  });

  it('every template names its flows and least scopes', () => {
    expect(TEMPLATES['server-to-server'].scopes).to.deep.equal(['Api']);
    expect(TEMPLATES.device.flows).to.include('device');
  });
});
