import { expect } from 'chai';
import { toPem } from '../../../src/domain/certificate.js';
import { REDACTED } from '../../../src/domain/secrets.js';
import { validateEca } from '../../../src/domain/validate.js';
import { EMPTY_MAPPING, type MigrationMapping, resolveMapping } from '../../../src/domain/migrate/mapping.js';
import { redactSecrets } from '../../../src/domain/migrate/redact.js';
import { describeCertificate, type TargetContext, transformForTarget } from '../../../src/domain/migrate/transform.js';
import { makeCert, type TestCert } from '../../helpers/certs.js';
import { deployedXml, fixtureEca, INFORMATICA_RETRIEVED, LOOPBACK, SOURCE_ORG_ID, valuesOf, withValues } from './helpers.js';

const API = 66;
const PLANTED_SECRET = 'PLANTED-5ecret-9F3A1C7E';
const PLANTED_KEY = '3MVG9planted.consumer.key.Xq7';
const PROD: TargetContext = { name: 'prod' };

const MAPPING: MigrationMapping = {
  default: {
    profiles: { 'Informatica Cloud Integration User': 'Integration User' },
    urlPrefixes: { 'https://dev.acme.example': 'https://uat.acme.example' },
  },
  targets: {
    prod: {
      users: { 'int@dev.acme': 'int@acme' },
      profiles: { 'Minlopro Admin': 'System Administrator' },
      permissionSets: { InformaticaCloudIntegrationUser: 'Informatica_Integration', Minlopro_Admin: 'Acme_Admin' },
      callbackUrls: { 'http://localhost:8090/salesforce': null, 'https://dev.acme.example/exact/cb': 'https://login.acme.example/cb' },
      urlPrefixes: { 'https://dev.acme.example': 'https://acme.example' },
      apps: { InformaticaCloud: { label: 'Informatica Cloud (prod)', contactEmail: 'ops@acme.example', certificate: 'certs/prod.crt' } },
    },
    uat: { users: { 'int@dev.acme': 'int@uat.acme' } },
  },
};

/** InformaticaCloud as retrieved, with what a client-credentials app of a dev org would hold. */
function informatica(): ReturnType<typeof fixtureEca> {
  let eca = fixtureEca(INFORMATICA_RETRIEVED);
  eca = withValues(eca, 'oauthPolicies', {
    clientCredentialsFlowUser: 'INT@dev.acme',
    commaSeparatedPermissionSet: 'InformaticaCloudIntegrationUser',
    commaSeparatedProfile: 'Informatica Cloud Integration User, Minlopro Admin, Integration User',
  });
  return withValues(eca, 'globalOauthSettings', {
    callbackUrl: 'http://localhost:8090/salesforce\nhttps://dev.acme.example/oauth/callback\nhttps://dev.acme.example/exact/cb\nhttps://dev.acme.example.org/cb',
    consumerKey: PLANTED_KEY,
    consumerSecret: PLANTED_SECRET,
  });
}

describe('migrate/transform: an app made fit for a target org', () => {
  let cert: TestCert;
  before(async () => {
    cert = await makeCert(365, -1, 'acme-ci-prod');
  });

  const prodFor = (): TargetContext => ({ name: 'prod', certificates: new Map([['certs/prod.crt', cert.cert]]) });

  describe('the real InformaticaCloud retrieve (32557b03), no mapping', () => {
    const source = fixtureEca(INFORMATICA_RETRIEVED);
    const result = transformForTarget(source, PROD, EMPTY_MAPPING);

    it('holds no trace of the source org', () => {
      expect(deployedXml(source)).to.contain(SOURCE_ORG_ID);
      expect(deployedXml(result.eca)).to.not.contain(SOURCE_ORG_ID);
      expect(valuesOf(result.eca, 'header')).to.not.have.property('orgScopedExternalApp');
      expect(valuesOf(result.eca, 'oauthSettings')).to.not.have.property('oauthLink');
    });

    it('records both removals and nothing else', () => {
      expect(result.changes.map((c) => [c.component, c.field, c.from, c.to, c.kind])).to.deep.equal([
        ['ExternalClientApplication:InformaticaCloud', 'orgScopedExternalApp', `${SOURCE_ORG_ID}:InformaticaCloud`, undefined, 'org-specific'],
        ['ExtlClntAppOauthSettings:InformaticaCloud_defOauthSet', 'oauthLink', `${SOURCE_ORG_ID}:888J8000000TNiz`, undefined, 'org-specific'],
      ]);
      expect(result.changes[0].reason).to.equal('identifies the source org (<OrgId>:...) and breaks a deploy to any other; prod generates its own');
      expect(result.problems).to.deep.equal([]);
    });

    it(`validates at API ${API}`, () => {
      expect(validateEca(result.eca, API)).to.deep.equal([]);
    });

    it('leaves the input as it was, and keeps every other value', () => {
      expect(valuesOf(source, 'header').orgScopedExternalApp).to.equal(`${SOURCE_ORG_ID}:InformaticaCloud`);
      const { orgScopedExternalApp, ...rest } = valuesOf(source, 'header');
      expect(orgScopedExternalApp).to.be.a('string');
      expect(valuesOf(result.eca, 'header')).to.deep.equal(rest);
      expect(valuesOf(result.eca, 'oauthPolicies')).to.deep.equal(valuesOf(source, 'oauthPolicies'));
      expect(result.eca.parts.policies?.fullName).to.equal('InformaticaCloud_defPlcy');
    });
  });

  describe('secrets and the consumer key', () => {
    const source = informatica();

    it('never carries the consumer secret, nor shows it in changes or problems', () => {
      for (const options of [{}, { keepConsumerKey: true }]) {
        const result = transformForTarget(source, PROD, EMPTY_MAPPING, options);
        expect(deployedXml(result.eca)).to.not.contain(PLANTED_SECRET).and.not.contain('consumerSecret');
        expect(JSON.stringify(result.changes)).to.not.contain(PLANTED_SECRET);
        expect(JSON.stringify(result.problems)).to.not.contain(PLANTED_SECRET);
        expect(result.changes.find((c) => c.field === 'consumerSecret')).to.include({ from: REDACTED, kind: 'secret' }).and.not.have.property('to');
      }
      expect(valuesOf(source, 'globalOauthSettings').consumerSecret).to.equal(PLANTED_SECRET);
    });

    it('removes the consumer key by default, so that the target generates its own', () => {
      const result = transformForTarget(source, PROD, EMPTY_MAPPING);
      expect(deployedXml(result.eca)).to.not.contain(PLANTED_KEY).and.not.contain('consumerKey');
      expect(JSON.stringify(result.changes)).to.not.contain(PLANTED_KEY);
      expect(result.changes.find((c) => c.field === 'consumerKey')).to.deep.include({ from: REDACTED, kind: 'consumer-key' });
    });

    it('keeps it with keepConsumerKey, warning that a key belongs to one app', () => {
      const result = transformForTarget(source, PROD, EMPTY_MAPPING, { keepConsumerKey: true });
      expect(deployedXml(result.eca)).to.contain(`<consumerKey>${PLANTED_KEY}</consumerKey>`);
      expect(result.changes.map((c) => c.field)).to.not.include('consumerKey');
      expect(result.problems).to.have.length(1);
      expect(result.problems[0]).to.include({ severity: 'warning', field: 'consumerKey' });
      expect(result.problems[0].message).to.contain('The consumer key is already taken');
      const noKey = transformForTarget(withValues(source, 'globalOauthSettings', { consumerKey: undefined }), PROD, EMPTY_MAPPING, { keepConsumerKey: true });
      expect(noKey.problems.map((p) => p.message)).to.deep.equal([
        "The source app's consumer key was not retrieved (the retrieving user may lack the permission to see it): prod generates its own.",
      ]);
    });

    it('turns key and secret rotation off, so that a migration never rotates the target’s credentials', () => {
      const rotating = withValues(source, 'globalOauthSettings', { shouldRotateConsumerKey: true });
      const result = transformForTarget(rotating, PROD, EMPTY_MAPPING);
      expect(valuesOf(result.eca, 'globalOauthSettings')).to.include({ shouldRotateConsumerKey: false, shouldRotateConsumerSecret: false });
      expect(result.changes.filter((c) => c.kind === 'rotation').map((c) => [c.field, c.from, c.to])).to.deep.equal([['shouldRotateConsumerKey', true, false]]);
    });

    it('redactSecrets hides secrets in anything a command prints', () => {
      const printed = redactSecrets({ eca: source, changes: [{ field: 'consumerSecret', from: PLANTED_SECRET, to: 'x' }, { field: 'label', from: 'a', to: 'b' }] });
      expect(JSON.stringify(printed)).to.not.contain(PLANTED_SECRET);
      expect(printed.changes).to.deep.equal([
        { field: 'consumerSecret', from: REDACTED, to: REDACTED },
        { field: 'label', from: 'a', to: 'b' },
      ]);
      expect(printed.eca.parts.globalOauthSettings?.values).to.include({ consumerSecret: REDACTED, consumerKey: PLANTED_KEY });
      expect(source.parts.globalOauthSettings?.values.consumerSecret).to.equal(PLANTED_SECRET);
    });
  });

  describe('per target: users, profiles, permission sets', () => {
    const source = informatica();

    it('maps the run-as user per target, without case', () => {
      const prod = transformForTarget(source, PROD, resolveMapping(MAPPING, 'prod'));
      const uat = transformForTarget(source, { name: 'uat' }, resolveMapping(MAPPING, 'uat'));
      const dev2 = transformForTarget(source, { name: 'dev2' }, resolveMapping(MAPPING, 'dev2'));
      expect(valuesOf(prod.eca, 'oauthPolicies').clientCredentialsFlowUser).to.equal('int@acme');
      expect(valuesOf(uat.eca, 'oauthPolicies').clientCredentialsFlowUser).to.equal('int@uat.acme');
      expect(valuesOf(dev2.eca, 'oauthPolicies').clientCredentialsFlowUser).to.equal('INT@dev.acme');
      expect(prod.changes.find((c) => c.kind === 'user')).to.deep.equal({
        app: 'InformaticaCloud',
        component: 'ExtlClntAppOauthConfigurablePolicies:InformaticaCloud_defOauthPlcy',
        field: 'clientCredentialsFlowUser',
        from: 'INT@dev.acme',
        to: 'int@acme',
        kind: 'user',
        reason: 'user mapped by /targets/prod/users',
      });
    });

    it('maps each profile and permission set of a list, keeping the others, the separator and no repeats', () => {
      const prod = transformForTarget(source, PROD, resolveMapping(MAPPING, 'prod'));
      expect(valuesOf(prod.eca, 'oauthPolicies')).to.include({
        commaSeparatedProfile: 'Integration User, System Administrator',
        commaSeparatedPermissionSet: 'Informatica_Integration',
      });
      expect(prod.changes.filter((c) => c.kind === 'profile' || c.kind === 'permission-set').map((c) => [c.field, c.from, c.to, c.reason])).to.deep.equal([
        ['commaSeparatedProfile', 'Informatica Cloud Integration User', 'Integration User', 'profile mapped by /default/profiles'],
        ['commaSeparatedProfile', 'Minlopro Admin', 'System Administrator', 'profile mapped by /targets/prod/profiles'],
        ['commaSeparatedPermissionSet', 'InformaticaCloudIntegrationUser', 'Informatica_Integration', 'permission set mapped by /targets/prod/permissionSets'],
      ]);
      expect(validateEca(prod.eca, API)).to.deep.equal([]);
    });

    it('maps the real Loopback app’s comma-separated permission sets', () => {
      const loopback = fixtureEca(LOOPBACK);
      const result = transformForTarget(loopback, PROD, resolveMapping(MAPPING, 'prod'));
      expect(valuesOf(result.eca, 'oauthPolicies').commaSeparatedPermissionSet).to.equal('Minlopro_CustomAuthProviderAndNC,Minlopro_SalesforceConnectCustomAdapter,Acme_Admin');
      // a placeholder a pipeline substitutes stays as it is
      expect(valuesOf(result.eca, 'oauthPolicies').clientCredentialsFlowUser).to.equal('${SF_ADMIN_USERNAME}');
    });
  });

  describe('per target: URLs', () => {
    const source = informatica();

    it('drops, maps and rewrites callback URLs: exact entries first, then the longest prefix at a boundary', () => {
      const prod = transformForTarget(source, PROD, resolveMapping(MAPPING, 'prod'));
      expect(valuesOf(prod.eca, 'globalOauthSettings').callbackUrl).to.equal(
        'https://acme.example/oauth/callback\nhttps://login.acme.example/cb\nhttps://dev.acme.example.org/cb'
      );
      expect(prod.changes.filter((c) => c.kind === 'callback-url').map((c) => [c.from, c.to, c.reason])).to.deep.equal([
        ['http://localhost:8090/salesforce', undefined, 'callback URL dropped by /targets/prod/callbackUrls'],
        ['https://dev.acme.example/oauth/callback', 'https://acme.example/oauth/callback', 'URL prefix "https://dev.acme.example" rewritten by /targets/prod/urlPrefixes'],
        ['https://dev.acme.example/exact/cb', 'https://login.acme.example/cb', 'callback URL mapped by /targets/prod/callbackUrls'],
      ]);
      const uat = transformForTarget(source, { name: 'uat' }, resolveMapping(MAPPING, 'uat'));
      expect(valuesOf(uat.eca, 'globalOauthSettings').callbackUrl).to.equal(
        'http://localhost:8090/salesforce\nhttps://uat.acme.example/oauth/callback\nhttps://uat.acme.example/exact/cb\nhttps://dev.acme.example.org/cb'
      );
    });

    it('rewrites the other URL fields by prefix', () => {
      const withUrls = withValues(withValues(source, 'policies', { startPage: 'Custom', startUrl: 'https://dev.acme.example/start' }), 'header', {
        infoUrl: 'https://dev.acme.example/about',
      });
      const prod = transformForTarget(withUrls, PROD, resolveMapping(MAPPING, 'prod'));
      expect(valuesOf(prod.eca, 'policies').startUrl).to.equal('https://acme.example/start');
      expect(valuesOf(prod.eca, 'header').infoUrl).to.equal('https://acme.example/about');
      expect(prod.changes.filter((c) => c.kind === 'url').map((c) => [c.component, c.field, c.to])).to.deep.equal([
        ['ExternalClientApplication:InformaticaCloud', 'infoUrl', 'https://acme.example/about'],
        ['ExtlClntAppConfigurablePolicies:InformaticaCloud_defPlcy', 'startUrl', 'https://acme.example/start'],
      ]);
    });

    it('warns when every callback URL is dropped', () => {
      const only = withValues(source, 'globalOauthSettings', { callbackUrl: 'http://localhost:8090/salesforce' });
      const prod = transformForTarget(only, prodFor(), resolveMapping(MAPPING, 'prod'));
      expect(valuesOf(prod.eca, 'globalOauthSettings')).to.not.have.property('callbackUrl');
      expect(prod.problems.map((p) => [p.severity, p.field])).to.deep.equal([['warning', 'callbackUrl']]);
    });
  });

  describe('per target: certificate, label, contact email', () => {
    const source = informatica();

    it('sets the target’s certificate from the file the command read, and the label and contact email', () => {
      const prod = transformForTarget(source, prodFor(), resolveMapping(MAPPING, 'prod'));
      expect(prod.problems).to.deep.equal([]);
      expect(valuesOf(prod.eca, 'globalOauthSettings').certificate).to.equal(toPem(cert.cert));
      expect(valuesOf(prod.eca, 'header')).to.include({ label: 'Informatica Cloud (prod)', contactEmail: 'ops@acme.example' });
      const certChange = prod.changes.find((c) => c.kind === 'certificate');
      expect(certChange).to.include({ field: 'certificate', reason: 'certificate for prod from /targets/prod/apps/InformaticaCloud' });
      expect(certChange?.to).to.equal(describeCertificate(cert.cert)).and.match(/^CN=acme-ci-prod \(SHA-256 [0-9A-F:]+\)$/);
      expect(certChange).to.not.have.property('from');
      expect(prod.changes.filter((c) => c.kind === 'app-setting').map((c) => [c.field, c.from, c.to])).to.deep.equal([
        ['label', 'Informatica Cloud', 'Informatica Cloud (prod)'],
        ['contactEmail', '${SF_ADMIN_EMAIL}', 'ops@acme.example'],
      ]);
      expect(validateEca(prod.eca, API)).to.deep.equal([]);
    });

    it('changes nothing when the target’s certificate is already there', () => {
      const already = withValues(source, 'globalOauthSettings', { certificate: cert.cert });
      const prod = transformForTarget(already, prodFor(), resolveMapping(MAPPING, 'prod'));
      expect(prod.changes.filter((c) => c.kind === 'certificate')).to.deep.equal([]);
    });

    it('reports a certificate file not read, or not a certificate, as an error', () => {
      const notRead = transformForTarget(source, PROD, resolveMapping(MAPPING, 'prod'));
      expect(notRead.problems.map((p) => [p.severity, p.message])).to.deep.equal([
        ['error', 'The certificate file "certs/prod.crt" (/targets/prod/apps/InformaticaCloud) was not read.'],
      ]);
      const garbage = transformForTarget(source, { name: 'prod', certificates: new Map([['certs/prod.crt', 'hello']]) }, resolveMapping(MAPPING, 'prod'));
      expect(garbage.problems.map((p) => p.message)).to.deep.equal(['"certs/prod.crt" (/targets/prod/apps/InformaticaCloud) is not an X.509 certificate in PEM form.']);
      expect(valuesOf(garbage.eca, 'globalOauthSettings')).to.not.have.property('certificate');
    });

    it('warns when a self-signed certificate goes to another org as it is: one key holder for both orgs, and how to give the target its own', () => {
      const carried = withValues(informatica(), 'globalOauthSettings', { certificate: cert.cert });
      const r = transformForTarget(carried, { name: 'prod', sourceName: 'dev' }, EMPTY_MAPPING);
      const warning = r.problems.find((p) => /self-signed/.test(p.message));
      expect(warning).to.include({ severity: 'warning', app: 'InformaticaCloud', field: 'certificate' });
      expect(warning?.message)
        .to.contain('CN=acme-ci-prod')
        .and.contain('in dev and in prod')
        .and.contain('openssl req -x509')
        .and.contain('targets.prod.apps.InformaticaCloud.certificate');
      // the certificate still goes: a warning, not an error
      expect(valuesOf(r.eca, 'globalOauthSettings').certificate).to.contain('BEGIN CERTIFICATE');
    });

    it('does not warn when the mapping names the target’s certificate, or for a placeholder', () => {
      const carried = withValues(informatica(), 'globalOauthSettings', { certificate: cert.cert });
      const mapped = transformForTarget(carried, prodFor(), resolveMapping(MAPPING, 'prod'));
      expect(mapped.problems.filter((p) => /self-signed/.test(p.message))).to.deep.equal([]);
      const placeholder = withValues(informatica(), 'globalOauthSettings', { certificate: '${JWT_CERT}' });
      expect(transformForTarget(placeholder, PROD, EMPTY_MAPPING).problems.filter((p) => /self-signed/.test(p.message))).to.deep.equal([]);
    });

    it('takes a certificate given inline', () => {
      const inline = resolveMapping({ default: { apps: { InformaticaCloud: { certificate: cert.cert } } } }, 'prod');
      const result = transformForTarget(source, PROD, inline);
      expect(result.problems).to.deep.equal([]);
      expect(valuesOf(result.eca, 'globalOauthSettings').certificate).to.contain('-----BEGIN CERTIFICATE-----');
    });
  });

  it('warns about other values that look like the source org’s', () => {
    const source = withValues(fixtureEca(INFORMATICA_RETRIEVED), 'header', { description: `Linked to ${SOURCE_ORG_ID}AAA:0Ab000000000001` });
    const result = transformForTarget(source, PROD, EMPTY_MAPPING);
    expect(result.problems.map((p) => [p.severity, p.component, p.field])).to.deep.equal([['warning', 'ExternalClientApplication:InformaticaCloud', 'description']]);
  });
});
