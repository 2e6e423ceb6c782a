import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { expect } from 'chai';
import { listFiles } from '../helpers/files.js';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import Generate from '../../src/commands/eca/generate.js';
import { parseMetadataXml } from '../../src/domain/xml.js';
import { validateComponent } from '../../src/domain/validate.js';
import { makeCert } from '../helpers/certs.js';


describe('sf eca generate', () => {
  const $$ = new TestContext();
  let dir: string;
  let cwd: string;
  let certPath: string;
  let expiringPath: string;
  let expiredPath: string;
  let keyPath: string;
  let base: string;

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'eca-gen-certs-'));
    const [good, soon, old] = await Promise.all([makeCert(365), makeCert(10), makeCert(-1, -30)]);
    certPath = join(base, 'server.crt');
    expiringPath = join(base, 'soon.crt');
    expiredPath = join(base, 'old.crt');
    keyPath = join(base, 'server.key');
    writeFileSync(certPath, good.cert);
    writeFileSync(expiringPath, soon.cert);
    writeFileSync(expiredPath, old.cert);
    writeFileSync(keyPath, good.key);
  });

  after(() => rmSync(base, { recursive: true, force: true }));

  beforeEach(() => {
    stubSfCommandUx($$.SANDBOX);
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'eca-gen-'));
    process.chdir(dir);
  });

  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    $$.restore();
  });

  it('writes the five jwt-ci files that SDR reads as the five ECA types, each valid against the WSDL schema', async () => {
    const result = await Generate.run(['--name', 'Acme_CI', '--template', 'jwt-ci', '--certificate', certPath, '--contact-email', 'ops@acme.example', '--output-dir', 'out']);
    expect(result.files.map((f) => f.type)).to.deep.equal([
      'ExternalClientApplication',
      'ExtlClntAppOauthSettings',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppConfigurablePolicies',
    ]);
    expect(listFiles(join(dir, 'out'))).to.deep.equal([
      'externalClientApps/Acme_CI.eca-meta.xml',
      'extlClntAppGlobalOauthSets/Acme_CI_glbloauth.ecaGlblOauth-meta.xml',
      'extlClntAppOauthPolicies/Acme_CI_oauthPlcy.ecaOauthPlcy-meta.xml',
      'extlClntAppOauthSettings/Acme_CI_oauth.ecaOauth-meta.xml',
      'extlClntAppPolicies/Acme_CI_plcy.ecaPlcy-meta.xml',
    ]);
    const set = ComponentSet.fromSource(join(dir, 'out'));
    const found = set
      .toArray()
      .map((c) => `${c.type.name}:${c.fullName}`)
      .sort();
    expect(found).to.deep.equal([
      'ExternalClientApplication:Acme_CI',
      'ExtlClntAppConfigurablePolicies:Acme_CI_plcy',
      'ExtlClntAppGlobalOauthSettings:Acme_CI_glbloauth',
      'ExtlClntAppOauthConfigurablePolicies:Acme_CI_oauthPlcy',
      'ExtlClntAppOauthSettings:Acme_CI_oauth',
    ]);
    for (const f of result.files) {
      const parsed = parseMetadataXml(readFileSync(f.path, 'utf8'));
      expect(parsed.type).to.equal(f.type);
      expect(validateComponent({ type: parsed.type, fullName: f.fullName, values: parsed.values }, 66)).to.deep.equal([]);
    }
    const global = readFileSync(join(dir, 'out/extlClntAppGlobalOauthSets/Acme_CI_glbloauth.ecaGlblOauth-meta.xml'), 'utf8');
    expect(global).to.contain('<certificate>-----BEGIN CERTIFICATE-----');
    expect(global).to.not.contain('consumerSecret');
    expect(result.settings.flows).to.include('jwt-bearer');
    expect(result.warnings.join('\n')).to.contain('nobody can use it');
  });

  it('writes into the default package directory of sfdx-project.json', async () => {
    // TestContext fakes project files and resolution; this test needs the real ones
    $$.restore();
    const ux = stubSfCommandUx($$.SANDBOX);
    writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
    mkdirSync(join(dir, 'force-app'));
    await Generate.run(['--name', 'Acme_Sync', '--template', 'server-to-server', '--run-as', 'int@acme.example', '--contact-email', 'ops@acme.example']);
    expect(listFiles(join(dir, 'force-app/main/default'))).to.have.length(5);
    // the files one a line, relative to the folder named in the success line (no table to cut them at 80 columns)
    expect(ux.logSuccess.firstCall.args[0]).to.equal('Wrote 5 files for Acme_Sync to force-app/main/default:');
    expect(ux.log.args.map((a) => String(a[0]))).to.include('  extlClntAppGlobalOauthSets/Acme_Sync_glbloauth.ecaGlblOauth-meta.xml');
    const policies = readFileSync(join(dir, 'force-app/main/default/extlClntAppOauthPolicies/Acme_Sync_oauthPlcy.ecaOauthPlcy-meta.xml'), 'utf8');
    expect(policies).to.contain('<clientCredentialsFlowUser>int@acme.example</clientCredentialsFlowUser>');
    expect(policies).to.contain('<refreshTokenPolicyType>Zero</refreshTokenPolicyType>');
  });

  it('follows --api-version: at 59 it writes only the four components that version knows', async () => {
    const result = await Generate.run([
      '--name', 'Old', '--template', 'web-app', '--callback-url', 'https://x.example/cb', '--contact-email', 'a@b.example', '--api-version', '59.0', '--output-dir', 'out',
    ]);
    expect(result.files).to.have.length(4);
    expect(result.warnings.join('\n')).to.contain('ExtlClntAppConfigurablePolicies (API 60.0+)');
  });

  it('loosens settings only on request', async () => {
    const result = await Generate.run([
      '--name', 'Portal', '--template', 'web-app', '--callback-url', 'https://p.example/cb', '--callback-url', 'http://p.example/insecure',
      '--contact-email', 'a@b.example', '--refresh-token', 'inactivity:30d', '--ip-relaxation', 'Enforce_RelaxRefresh',
      '--permitted-users', 'all-self-authorized', '--scopes', 'api,refreshtoken,OpenID', '--session-timeout', '120', '--output-dir', 'out',
    ]);
    expect(result.settings).to.include({ refreshTokenPolicy: 'SpecificInactivity 30 Days', ipRelaxation: 'Enforce_RelaxRefresh', permittedUsers: 'AllSelfAuthorized', sessionTimeoutInMinutes: 120 });
    expect(result.settings.scopes).to.deep.equal(['Api', 'RefreshToken', 'OpenID']);
    expect(result.settings.callbackUrls).to.have.length(2);
    expect(result.warnings.join('\n')).to.contain('http://p.example/insecure').and.to.contain('self-authorize');
  });

  it('warns when the certificate expires within 30 days', async () => {
    const result = await Generate.run(['--name', 'Soon', '--template', 'jwt-ci', '--certificate', expiringPath, '--profiles', 'CI Profile', '--contact-email', 'a@b.example', '--output-dir', 'out']);
    expect(result.warnings.join('\n')).to.match(/expires on .* in (9|10) days/);
  });

  describe('bad input: a named error with actions, and nothing written', () => {
    const cases: Array<{ title: string; args: string[]; name: string; text: RegExp }> = [
      { title: 'invalid name', args: ['--name', 'Acme__CI', '--template', 'device'], name: 'InvalidNameError', text: /two consecutive underscores/ },
      { title: 'unknown scope', args: ['--name', 'A', '--template', 'device', '--scopes', 'Api,Everything'], name: 'InvalidScopeError', text: /"Everything"/ },
      { title: 'bad refresh token policy', args: ['--name', 'A', '--template', 'device', '--refresh-token', 'forever'], name: 'InvalidRefreshTokenError', text: /forever/ },
      { title: 'API version below 59', args: ['--name', 'A', '--template', 'device', '--api-version', '58.0'], name: 'InvalidApiVersionError', text: /58\.0.*59\.0 to 67\.0/ },
      { title: 'API version above the schema', args: ['--name', 'A', '--template', 'device', '--api-version', '68.0'], name: 'InvalidApiVersionError', text: /68\.0/ },
      { title: 'server-to-server without --run-as', args: ['--name', 'A', '--template', 'server-to-server'], name: 'MissingRunAsError', text: /run-as/ },
      { title: 'web-app without callback', args: ['--name', 'A', '--template', 'web-app'], name: 'MissingCallbackError', text: /callback/ },
      { title: 'bad callback', args: ['--name', 'A', '--template', 'web-app', '--callback-url', 'not a url'], name: 'InvalidCallbackError', text: /not a url/ },
      { title: 'jwt-ci without certificate', args: ['--name', 'A', '--template', 'jwt-ci'], name: 'MissingCertificateError', text: /certificate/ },
      { title: 'negative session timeout', args: ['--name', 'A', '--template', 'device', '--session-timeout', '0'], name: 'InvalidSessionTimeoutError', text: /0/ },
      {
        title: 'server-to-server at API 59, which has no client credentials flow',
        args: ['--name', 'A', '--template', 'server-to-server', '--run-as', 'int@acme.example', '--api-version', '59.0'],
        name: 'TemplateNeedsNewerApiVersionError',
        text: /server-to-server template needs API 60\.0 or later \(for the client credentials flow and the run-as user\)/,
      },
      { title: 'device at API 59, which has no device flow', args: ['--name', 'A', '--template', 'device', '--api-version', '59.0'], name: 'TemplateNeedsNewerApiVersionError', text: /device flow/ },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        try {
          await Generate.run([...c.args, '--contact-email', 'a@b.example', '--output-dir', 'out']);
          expect.fail('should have failed');
        } catch (e) {
          const err = e as { name: string; message: string; actions?: string[] };
          expect(err.name).to.equal(c.name);
          expect(err.message).to.match(c.text);
          expect(err.actions?.length ?? 0).to.be.greaterThan(0);
        }
        expect(listFiles(join(dir, 'out'))).to.deep.equal([]);
      });
    }

    it('a malformed contact email: a named error, nothing written', async () => {
      try {
        await Generate.run(['--name', 'A', '--template', 'device', '--contact-email', 'nope', '--output-dir', 'out']);
        expect.fail('should have failed');
      } catch (e) {
        const err = e as { name: string; message: string; actions?: string[] };
        expect(err.name).to.equal('InvalidAppError');
        expect(err.message).to.contain('contactEmail').and.contain('"nope" is not an email address');
        expect(err.actions?.length ?? 0).to.be.greaterThan(0);
      }
      expect(listFiles(join(dir, 'out'))).to.deep.equal([]);
    });

    it('unknown template (flag parser)', async () => {
      try {
        await Generate.run(['--name', 'A', '--template', 'magic', '--contact-email', 'a@b.example', '--output-dir', 'out']);
        expect.fail('should have failed');
      } catch (e) {
        expect((e as Error).message).to.match(/Expected --template=magic to be one of: server-to-server, jwt-ci, web-app, public-client, device/);
      }
    });

    it('a file that is not a certificate (a private key) and an unreadable one', async () => {
      for (const [file, name] of [
        [keyPath, 'CertificateInvalidError'],
        [join(dir, 'missing.crt'), 'CertificateUnreadableError'],
      ]) {
        try {
          await Generate.run(['--name', 'A', '--template', 'jwt-ci', '--certificate', file, '--contact-email', 'a@b.example', '--output-dir', 'out']);
          expect.fail('should have failed');
        } catch (e) {
          // oclif checks that a file flag exists before the command sees it
          expect((e as Error).name === name || /No file found/.test((e as Error).message), (e as Error).message).to.equal(true);
        }
      }
      try {
        await Generate.run(['--name', 'A', '--template', 'jwt-ci', '--certificate', expiredPath, '--contact-email', 'a@b.example', '--output-dir', 'out']);
        expect.fail('should have failed');
      } catch (e) {
        expect((e as Error).name).to.equal('CertificateExpiredError');
      }
      expect(listFiles(join(dir, 'out'))).to.deep.equal([]);
    });

    it('no sfdx-project.json and no --output-dir', async () => {
      try {
        await Generate.run(['--name', 'A', '--template', 'device', '--contact-email', 'a@b.example']);
        expect.fail('should have failed');
      } catch (e) {
        expect((e as Error).name).to.equal('NoProjectError');
      }
    });

    it('files that exist, without --force: none is touched; with --force all are replaced', async () => {
      const args = ['--name', 'Acme', '--template', 'device', '--contact-email', 'a@b.example', '--output-dir', 'out'];
      await Generate.run(args);
      const header = join(dir, 'out/externalClientApps/Acme.eca-meta.xml');
      writeFileSync(header, 'mine');
      try {
        await Generate.run([...args, '--description', 'changed']);
        expect.fail('should have failed');
      } catch (e) {
        expect((e as Error).name).to.equal('FilesExistError');
        expect((e as Error).message).to.contain('Acme.eca-meta.xml');
      }
      expect(readFileSync(header, 'utf8')).to.equal('mine');
      await Generate.run([...args, '--description', 'changed', '--force']);
      expect(readFileSync(header, 'utf8')).to.contain('<description>changed</description>');
      expect(listFiles(join(dir, 'out'))).to.have.length(5);
    });
  });
});
