import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { type ConnectedApp, ecaComponents } from '../../../src/domain/model.js';
import {
  MANIFEST_FILE,
  manifestText,
  planSnapshot,
  sha256Hex,
  type SnapshotInput,
  type SnapshotManifest,
  snapshotPath,
  VAULT_FILE,
} from '../../../src/domain/snapshot/manifest.js';
import { describeSnapshotProblem, isSafeRelativePath, verifySnapshot } from '../../../src/domain/snapshot/verify.js';
import { parseMetadataXml } from '../../../src/domain/xml.js';
import { ROOT } from '../../helpers/paths.js';
import { makeEca, ORG_A } from '../drift/helpers.js';

const SECRET = 'super-secret-consumer-secret-9F3A';

function input(overrides: Partial<SnapshotInput> = {}): SnapshotInput {
  const acme = makeEca('Acme_CI', { globalOauthSettings: { consumerSecret: SECRET } });
  const beta = makeEca('Beta');
  return {
    org: { id: ORG_A, instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com', apiVersion: '64.0', sandboxName: 'uat' },
    createdAt: new Date('2026-07-01T12:00:00Z'),
    createdBy: 'plugin-eca 0.1.0',
    ecaComponents: [...ecaComponents(beta), ...ecaComponents(acme)],
    connectedApps: [{ type: 'ConnectedApp', fullName: 'Legacy', values: { label: 'Legacy', contactEmail: 'ops@acme.example', oauthConfig: { consumerSecret: SECRET, callbackUrl: 'https://x.example/cb' } } } as unknown as ConnectedApp],
    settings: { type: 'ExternalClientAppSettings', fullName: 'ExternalClientApp', values: { enableClientSecretInRestApiAccess: true } },
    ...overrides,
  };
}

function validator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-snapshot-manifest.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** The folder as the I/O layer would have written it. */
function folder(plan: ReturnType<typeof planSnapshot>): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>(plan.files.map((f) => [f.path, Buffer.from(f.text, 'utf8')]));
  files.set(MANIFEST_FILE, Buffer.from(plan.manifestText, 'utf8'));
  return files;
}

describe('snapshot/manifest: what a snapshot writes', () => {
  it('lays files out as SDR writes source format, header first, apps sorted', () => {
    const plan = planSnapshot(input());
    expect(plan.files.map((f) => f.path)).to.deep.equal([
      'source/main/default/externalClientApps/Acme_CI.eca-meta.xml',
      'source/main/default/extlClntAppOauthSettings/Acme_CI_oauth.ecaOauth-meta.xml',
      'source/main/default/extlClntAppGlobalOauthSets/Acme_CI_glbloauth.ecaGlblOauth-meta.xml',
      'source/main/default/extlClntAppOauthPolicies/Acme_CI_oauthPlcy.ecaOauthPlcy-meta.xml',
      'source/main/default/extlClntAppPolicies/Acme_CI_plcy.ecaPlcy-meta.xml',
      'source/main/default/externalClientApps/Beta.eca-meta.xml',
      'source/main/default/extlClntAppOauthSettings/Beta_oauth.ecaOauth-meta.xml',
      'source/main/default/extlClntAppGlobalOauthSets/Beta_glbloauth.ecaGlblOauth-meta.xml',
      'source/main/default/extlClntAppOauthPolicies/Beta_oauthPlcy.ecaOauthPlcy-meta.xml',
      'source/main/default/extlClntAppPolicies/Beta_plcy.ecaPlcy-meta.xml',
      'source/main/default/connectedApps/Legacy.connectedApp-meta.xml',
      'source/main/default/settings/ExternalClientApp.settings-meta.xml',
    ]);
    expect(plan.manifest.apps.map((a) => `${a.kind}:${a.name}`)).to.deep.equal(['eca:Acme_CI', 'eca:Beta', 'connectedApp:Legacy']);
    expect(snapshotPath('ExtlClntAppOauthConfigurablePolicies', 'X_defOauthPlcy')).to.equal('source/main/default/extlClntAppOauthPolicies/X_defOauthPlcy.ecaOauthPlcy-meta.xml');
  });

  it('writes no secret anywhere, and says where one was taken out', () => {
    const plan = planSnapshot(input({ credentialsFor: ['Acme_CI'] }));
    for (const f of plan.files) expect(f.text, f.path).not.to.contain(SECRET);
    expect(plan.manifestText).not.to.contain(SECRET);
    expect(JSON.stringify(plan)).not.to.contain(SECRET);
    expect(plan.removedSecrets).to.deep.equal([
      { component: 'ExtlClntAppGlobalOauthSettings:Acme_CI_glbloauth', field: 'consumerSecret' },
      { component: 'ConnectedApp:Legacy', field: 'oauthConfig.consumerSecret' },
    ]);
    expect(plan.manifest.credentials).to.deep.equal({ included: true, file: VAULT_FILE, apps: ['Acme_CI'] });
    // the rest of the component is intact and reads back
    const global = plan.files.find((f) => f.path.includes('Acme_CI_glbloauth'))!;
    expect(parseMetadataXml(global.text).values).to.include({ isPkceRequired: true, externalClientApplication: 'Acme_CI' });
  });

  it('records the org, the time, and each file with its SHA-256 and size', () => {
    const plan = planSnapshot(input());
    const m = plan.manifest;
    expect(m).to.include({ format: 'plugin-eca-snapshot', formatVersion: 1, createdAt: '2026-07-01T12:00:00.000Z', sourceRoot: 'source' });
    expect(m.org).to.deep.equal({ id: ORG_A, instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com', apiVersion: '64.0', sandboxName: 'uat' });
    const header = m.apps[0].components[0];
    const file = plan.files[0];
    expect(header).to.deep.equal({ type: 'ExternalClientApplication', fullName: 'Acme_CI', path: file.path, sha256: sha256Hex(file.text), bytes: Buffer.byteLength(file.text) });
    expect(m.apps[0].distributionState).to.equal('Local');
    expect(plan.manifestSha256).to.equal(sha256Hex(plan.manifestText));
    expect(plan.manifestText).to.equal(manifestText(m));
  });

  it('leaves out satellites without their header, and says so', () => {
    const orphan = { type: 'ExtlClntAppOauthSettings', fullName: 'Gone_oauth', values: { externalClientApplication: 'Gone', label: 'Gone_oauth' } };
    const plan = planSnapshot(input({ ecaComponents: [...input().ecaComponents, orphan] }));
    expect(plan.skipped).to.deep.equal([{ component: 'ExtlClntAppOauthSettings:Gone_oauth', message: 'its app "Gone" was not retrieved' }]);
    expect(plan.files.map((f) => f.path).join()).not.to.contain('Gone');
  });

  it('follows schemas/eca-snapshot-manifest.json, which refuses unknown fields and bad hashes', () => {
    const validate = validator();
    const { manifest } = planSnapshot(input({ credentialsFor: ['Acme_CI', 'Beta'] }));
    expect(validate(manifest), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate(planSnapshot(input({ settings: undefined, connectedApps: [] })).manifest)).to.equal(true);
    const withSecret = structuredClone(manifest) as SnapshotManifest & { consumerSecret?: string };
    withSecret.consumerSecret = SECRET;
    expect(validate(withSecret)).to.equal(false);
    const badApp = structuredClone(manifest) as unknown as { apps: Array<{ components: Array<Record<string, unknown>> }> };
    badApp.apps[0].components[0].consumerSecret = SECRET;
    expect(validate(badApp)).to.equal(false);
    const badHash = structuredClone(manifest);
    badHash.apps[0].components[0].sha256 = 'abc';
    expect(validate(badHash)).to.equal(false);
    const badPath = structuredClone(manifest);
    badPath.apps[0].components[0].path = '../../etc/passwd-meta.xml';
    expect(validate(badPath)).to.equal(false);
    const badOrg = structuredClone(manifest);
    badOrg.org.id = '001000000000001';
    expect(validate(badOrg)).to.equal(false);
  });
});

describe('snapshot/verify: a snapshot folder against its manifest', () => {
  const plan = planSnapshot(input({ credentialsFor: ['Acme_CI'] }));
  const intact = (): Map<string, Uint8Array> => {
    const files = folder(plan);
    files.set(VAULT_FILE, Buffer.from('{}'));
    return files;
  };

  it('passes an intact folder', () => {
    const v = verifySnapshot(plan.manifest, intact());
    expect(v).to.deep.equal({ ok: true, verified: 12, problems: [] });
  });

  it('names a tampered file, a missing file, a missing vault and a file the manifest does not list', () => {
    const files = intact();
    const policy = 'source/main/default/extlClntAppOauthPolicies/Acme_CI_oauthPlcy.ecaOauthPlcy-meta.xml';
    files.set(policy, Buffer.from(Buffer.from(files.get(policy)!).toString('utf8').replace('Enforce', 'Bypass')));
    files.delete('source/main/default/extlClntAppPolicies/Beta_plcy.ecaPlcy-meta.xml');
    files.delete(VAULT_FILE);
    files.set('source/main/default/externalClientApps/Intruder.eca-meta.xml', Buffer.from('<x/>'));
    files.set('README.md', Buffer.from('notes')); // outside the source root: not deployed, not a problem
    const v = verifySnapshot(plan.manifest, files);
    expect(v.ok).to.equal(false);
    expect(v.problems.map((p) => `${p.kind} ${p.path}`)).to.deep.equal([
      `tampered ${policy}`,
      'missing source/main/default/extlClntAppPolicies/Beta_plcy.ecaPlcy-meta.xml',
      `missing ${VAULT_FILE}`,
      'unexpected source/main/default/externalClientApps/Intruder.eca-meta.xml',
    ]);
    expect(describeSnapshotProblem(v.problems[0])).to.match(/changed since the snapshot was taken \(ExtlClntAppOauthConfigurablePolicies:Acme_CI_oauthPlcy\): SHA-256 [0-9a-f]{64}, the manifest records [0-9a-f]{64}/);
    expect(v.verified).to.equal(10);
  });

  it('refuses paths that leave the folder, and files whose name contradicts the manifest', () => {
    const m = structuredClone(plan.manifest);
    m.apps[0].components[0].path = 'source/../../outside.eca-meta.xml';
    m.apps[0].components[1].type = 'ExtlClntAppGlobalOauthSettings';
    const v = verifySnapshot(m, intact());
    expect(v.problems.map((p) => p.kind)).to.include.members(['unsafe-path', 'inconsistent']);
    expect(v.problems.find((p) => p.kind === 'inconsistent')).to.deep.include({ message: 'the file name says ExtlClntAppOauthSettings, the manifest says ExtlClntAppGlobalOauthSettings' });
    for (const bad of ['/etc/passwd', '../x', 'a//b', 'a\\b', 'C:/x', 'a/./b', '']) expect(isSafeRelativePath(bad), bad).to.equal(false);
    expect(isSafeRelativePath('source/main/default/x.eca-meta.xml')).to.equal(true);
  });

  it('refuses credentials listed for an app the snapshot does not have', () => {
    const m = structuredClone(plan.manifest);
    if (m.credentials.included) m.credentials.apps.push('Ghost');
    const v = verifySnapshot(m, intact());
    expect(v.problems).to.deep.equal([{ kind: 'inconsistent', path: MANIFEST_FILE, message: 'credentials are listed for "Ghost", which is not an External Client App of the snapshot' }]);
  });

  it('refuses a format it does not know, instead of passing it', () => {
    const m = { ...structuredClone(plan.manifest), formatVersion: 2 } as unknown as SnapshotManifest;
    const v = verifySnapshot(m, intact());
    expect(v.ok).to.equal(false);
    expect(v.problems[0].kind).to.equal('unsupported');
  });
});
