import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { certificateBody } from '../../../src/domain/certificate.js';
import { canonicalCertificate, diffApps, type DriftOptions, type AppSet } from '../../../src/domain/drift/diff.js';
import { driftMarkdown, driftSummaryLine, driftTables, markdownCell } from '../../../src/domain/drift/render.js';
import type { DiffResult, DriftSide } from '../../../src/domain/drift/result.js';
import { resolveMapping } from '../../../src/domain/migrate/mapping.js';
import type { ConnectedApp, Eca } from '../../../src/domain/model.js';
import { makeCert } from '../../helpers/certs.js';
import { ROOT } from '../../helpers/paths.js';
import { GENERATED_SUFFIXES, makeEca, ORG_A, ORG_B } from './helpers.js';

const PROD: DriftSide = { kind: 'org', name: 'prod', orgId: ORG_A };
const UAT: DriftSide = { kind: 'org', name: 'uat', orgId: ORG_B };
const SECRET = 'left-consumer-secret-0123456789';

function diff(left: Eca[], right: Eca[], options: DriftOptions = {}, extra: { leftCas?: ConnectedApp[]; rightCas?: ConnectedApp[] } = {}): DiffResult {
  const l: AppSet = { ecas: left, connectedApps: extra.leftCas ?? [] };
  const r: AppSet = { ecas: right, connectedApps: extra.rightCas ?? [] };
  return diffApps(l, r, { left: PROD, right: UAT }, options);
}

/** The same app as org B holds it: its own ids and key, the names Salesforce generates, a secret. */
function inOrgB(name: string, changes: Parameters<typeof makeEca>[1] = {}): Eca {
  return makeEca(name, { ...changes, globalOauthSettings: { ...(changes.globalOauthSettings ?? {}), consumerSecret: 'right-secret-abcdef' } }, { org: ORG_B, suffixes: GENERATED_SUFFIXES });
}

function inOrgA(name: string, changes: Parameters<typeof makeEca>[1] = {}): Eca {
  return makeEca(name, { ...changes, globalOauthSettings: { ...(changes.globalOauthSettings ?? {}), consumerSecret: SECRET } });
}

function validator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eca-diff.json'), 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

describe('drift/diff: the differences between two sets of apps', () => {
  it('finds none between the same app in two orgs: ids, keys, secrets and satellite names differ, settings do not', () => {
    const left = inOrgA('Acme_CI');
    const right = inOrgB('Acme_CI');
    expect(right.parts.oauthPolicies?.fullName).to.equal('Acme_CI_defOauthPlcy');
    expect(left.parts.oauthPolicies?.fullName).to.equal('Acme_CI_oauthPlcy');
    const result = diff([left], [right]);
    expect(result.apps).to.deep.equal([{ name: 'Acme_CI', kind: 'eca', status: 'unchanged', components: [], fields: [] }]);
    expect(result.identical).to.equal(true);
    expect(driftSummaryLine(result)).to.equal('No drift in 1 app.');
  });

  it('never shows a normalised value, even when other settings differ', () => {
    const result = diff([inOrgA('Acme_CI', { oauthPolicies: { sessionTimeoutInMinutes: 15 } })], [inOrgB('Acme_CI')]);
    const text = JSON.stringify(result.apps) + JSON.stringify(driftTables(result));
    for (const value of [ORG_A, ORG_B, SECRET, 'right-secret-abcdef', '3MVG9.', 'orgScopedExternalApp', 'oauthLink', 'consumerKey', 'consumerSecret', '_defOauthPlcy']) {
      expect(text, value).not.to.contain(value);
    }
    for (const value of [SECRET, 'right-secret-abcdef', '3MVG9.']) expect(JSON.stringify(result) + driftMarkdown(result)).not.to.contain(value);
    expect(result.apps[0].fields.map((f) => f.setting)).to.deep.equal(['oauthPolicies.sessionTimeoutInMinutes']);
  });

  it('names exactly the policy changed on one side, with the rule it matters to', () => {
    const result = diff([inOrgA('Acme_CI')], [inOrgB('Acme_CI', { oauthPolicies: { ipRelaxationPolicyType: 'Bypass' } })]);
    expect(result.identical).to.equal(false);
    expect(result.apps[0].status).to.equal('changed');
    expect(result.apps[0].fields).to.deep.equal([
      { part: 'oauthPolicies', setting: 'oauthPolicies.ipRelaxationPolicyType', left: 'Enforce', right: 'Bypass', rules: ['ip-restrictions-relaxed'] },
    ]);
    expect(result.summary).to.deep.include({ compared: 1, changed: 1, differences: 1, policyRelevant: 1 });
  });

  it('compares certificates by their DER bytes: PEM, bare base64 and line breaks are not drift', async () => {
    const { cert } = await makeCert(365, -1, 'acme-jwt');
    const other = (await makeCert(365, -1, 'acme-jwt-2')).cert;
    const bare = certificateBody(cert);
    const wrapped = `-----BEGIN CERTIFICATE-----\r\n${bare.match(/.{1,76}/g)!.join('\r\n')}\r\n-----END CERTIFICATE-----`;
    // same DER, other text: no padding, the URL-safe alphabet (text comparison would call these different)
    const unpadded = bare.replace(/=+$/, '');
    const urlSafe = bare.replace(/\+/g, '-').replace(/\//g, '_');
    expect(urlSafe).not.to.equal(bare);
    for (const rightCert of [bare, wrapped, `  ${cert}\n\n`, unpadded, urlSafe]) {
      const result = diff([inOrgA('Acme_CI', { globalOauthSettings: { certificate: cert } })], [inOrgB('Acme_CI', { globalOauthSettings: { certificate: rightCert } })]);
      expect(result.identical, rightCert.slice(0, 30)).to.equal(true);
    }
    expect(canonicalCertificate(bare)).to.equal(canonicalCertificate(wrapped));
    const changed = diff([inOrgA('Acme_CI', { globalOauthSettings: { certificate: cert } })], [inOrgB('Acme_CI', { globalOauthSettings: { certificate: other } })]);
    const [f] = changed.apps[0].fields;
    expect(f.setting).to.equal('globalOauthSettings.certificate');
    expect(f.left).to.match(/^CN=acme-jwt \(SHA-256 [0-9A-F:]+\)$/);
    expect(f.right).to.match(/^CN=acme-jwt-2 \(SHA-256 /);
    expect(JSON.stringify(changed)).not.to.contain(bare.slice(0, 40));
    expect(f.rules).to.include.members(['jwt-certificate-expired', 'jwt-certificate-weak-key', 'self-authorization-with-server-flows', 'scope-refresh-token-unneeded']);
  });

  it('remaps users, profiles and permission sets with the migrate mapping file', () => {
    const left = inOrgA('Acme_CI');
    const right = inOrgB('Acme_CI', {
      oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example.uat', commaSeparatedProfile: 'UAT Integration', commaSeparatedPermissionSet: 'Acme_Integration_UAT' },
    });
    const unmapped = diff([left], [right]);
    expect(unmapped.apps[0].fields.map((f) => f.setting)).to.deep.equal([
      'oauthPolicies.clientCredentialsFlowUser',
      'oauthPolicies.commaSeparatedPermissionSet',
      'oauthPolicies.commaSeparatedProfile',
    ]);
    // run-as-user-shared points at the run-as user too (an org fact: the other apps behind the same user)
    expect(unmapped.apps[0].fields[0].rules).to.deep.equal(['client-credentials-run-as-admin', 'client-credentials-run-as-not-api-only', 'client-credentials-without-run-as-user', 'run-as-user-shared']);
    const mapping = resolveMapping(
      {
        targets: {
          uat: {
            users: { 'integration@acme.example': 'int@acme.example.uat' },
            profiles: { 'Integration User': 'UAT Integration' },
            permissionSets: { Acme_Integration: 'Acme_Integration_UAT' },
          },
        },
      },
      'uat'
    );
    expect(diff([left], [right], { mapping }).identical).to.equal(true);
  });

  it('remaps usernames that differ by their sandbox suffix only, when told the sandbox names', () => {
    const left = inOrgA('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example.dev' } });
    const right = inOrgB('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example.uat' } });
    expect(diff([left], [right]).identical).to.equal(false);
    expect(diff([left], [right], { sandboxes: { fromSandbox: 'dev', toSandbox: 'uat' } }).identical).to.equal(true);
    // a real difference stays one
    const other = inOrgB('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'someone.else@acme.example.uat' } });
    expect(diff([left], [other], { sandboxes: { fromSandbox: 'dev', toSandbox: 'uat' } }).apps[0].fields[0]).to.deep.include({
      left: 'int@acme.example.uat',
      right: 'someone.else@acme.example.uat',
    });
  });

  it('matches satellites by app and type: a component one side lacks is named, unless that side is partial', () => {
    const left = inOrgA('Acme_CI', { oauthPolicies: null });
    const right = inOrgB('Acme_CI');
    const full = diff([left], [right]);
    expect(full.apps[0].components).to.deep.equal([
      {
        part: 'oauthPolicies',
        type: 'ExtlClntAppOauthConfigurablePolicies',
        right: 'Acme_CI_defOauthPlcy',
        rules: ['oauth-policies-not-in-source', 'session-timeout-not-set'],
      },
    ]);
    expect(full.apps[0].fields.every((f) => f.left === undefined && f.part === 'oauthPolicies')).to.equal(true);
    expect(diff([left], [right], { partial: 'left' }).identical).to.equal(true);
    // a partial source still shows what it sets differently
    const source = inOrgA('Acme_CI', { oauthPolicies: { ipRelaxationPolicyType: 'Bypass' }, policies: null });
    const partial = diff([source], [right], { partial: 'left' });
    expect(partial.apps[0].fields.map((f) => f.setting)).to.deep.equal(['oauthPolicies.ipRelaxationPolicyType']);
  });

  it('ignores fields only the org sets when the source is partial (Salesforce fills defaults)', () => {
    const org = inOrgB('Acme_CI', { oauthPolicies: { requiredSessionLevel: 'STANDARD', guestJwtSessionTimeoutType: 'Custom' } });
    expect(diff([inOrgA('Acme_CI')], [org], { partial: 'left' }).identical).to.equal(true);
    expect(diff([inOrgA('Acme_CI')], [org]).apps[0].fields).to.have.length(2);
  });

  it('reports apps on one side only as added or removed', () => {
    const result = diff([inOrgA('Acme_CI'), inOrgA('Old')], [inOrgB('Acme_CI'), inOrgB('New')]);
    expect(result.apps.map((a) => `${a.name}:${a.status}`)).to.deep.equal(['Acme_CI:unchanged', 'New:added', 'Old:removed']);
    expect(result.summary).to.deep.include({ compared: 3, added: 1, removed: 1, unchanged: 1, differences: 2 });
    expect(driftSummaryLine(result)).to.equal('2 of 3 apps differ (1 only in uat, 1 only in prod); 2 differences, 0 policy-relevant.');
  });

  it('selects apps by name without case, and says when a name is on neither side', () => {
    const result = diff([inOrgA('Acme_CI'), inOrgA('Old')], [inOrgB('Acme_CI')], { names: ['acme_ci', 'Missing'] });
    expect(result.apps.map((a) => a.name)).to.deep.equal(['Acme_CI']);
    expect(result.problems).to.deep.equal([{ severity: 'error', message: 'No app named "Missing" on either side.' }]);
  });

  it('reports a mapping it could not apply as a problem, not as a clean result', () => {
    const mapping = resolveMapping({ targets: { uat: { apps: { Acme_CI: { certificate: 'certs/uat.crt' } } } } }, 'uat');
    const result = diff([inOrgA('Acme_CI')], [inOrgB('Acme_CI')], { mapping });
    expect(result.problems.map((p) => `${p.severity} ${p.app}`)).to.deep.equal(['error Acme_CI']);
    expect(result.problems[0].message).to.contain('certs/uat.crt');
  });

  it('compares Connected Apps too: keys, secrets, scope order and mapped profiles are not drift', () => {
    const ca = (over: Record<string, unknown>, key: string): ConnectedApp => ({
      type: 'ConnectedApp',
      fullName: 'Legacy',
      values: {
        label: 'Legacy',
        oauthConfig: { callbackUrl: 'https://a.example/cb\nhttps://b.example/cb', consumerKey: key, consumerSecret: key, scopes: ['Api', 'RefreshToken'], isAdminApproved: true },
        oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' },
        profileName: ['Integration User'],
        ...over,
      },
    }) as unknown as ConnectedApp;
    const left = ca({}, 'KEY-A');
    const same = ca(
      {
        oauthConfig: { callbackUrl: 'https://b.example/cb\nhttps://a.example/cb', consumerKey: 'KEY-B', consumerSecret: 'S-B', scopes: ['RefreshToken', 'Api'], isAdminApproved: true },
        profileName: ['UAT Integration'],
      },
      'KEY-B'
    );
    const mapping = resolveMapping({ default: { profiles: { 'Integration User': 'UAT Integration' } } }, 'uat');
    expect(diff([], [], { mapping }, { leftCas: [left], rightCas: [same] }).identical).to.equal(true);
    const bypass = ca({ oauthPolicy: { ipRelaxation: 'BYPASS', refreshTokenPolicy: 'infinite' } }, 'KEY-B');
    const result = diff([], [], {}, { leftCas: [left], rightCas: [bypass] });
    expect(result.apps[0].fields).to.deep.equal([
      { part: 'connectedApp', setting: 'connectedApp.oauthPolicy.ipRelaxation', left: 'ENFORCE', right: 'BYPASS', rules: ['ip-restrictions-relaxed'] },
    ]);
    expect(JSON.stringify(result)).not.to.match(/KEY-[AB]/);
  });

  it('follows schemas/eca-diff.json', () => {
    const validate = validator();
    const results = [
      diff([inOrgA('Acme_CI'), inOrgA('Old')], [inOrgB('Acme_CI', { oauthPolicies: { ipRelaxationPolicyType: 'Bypass', sessionTimeoutInMinutes: 480 } }), inOrgB('New')]),
      diff([inOrgA('Acme_CI', { oauthPolicies: null })], [inOrgB('Acme_CI')]),
      diff([], []),
    ];
    for (const r of results) expect(validate(r), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate({ ...results[0], extra: true })).to.equal(false);
  });
});

describe('drift/render: tables and Markdown', () => {
  const result = diff(
    [inOrgA('Acme_CI'), inOrgA('Old')],
    [inOrgB('Acme_CI', { oauthPolicies: { ipRelaxationPolicyType: 'Bypass' }, oauthSettings: { commaSeparatedOauthScopes: 'Api|Web' } }), inOrgB('New')]
  );

  it('gives one table per app that differs: setting, left, right, rules', () => {
    const tables = driftTables(result);
    expect(tables.map((t) => t.title)).to.deep.equal(['Acme_CI (External Client App): changed', 'New (External Client App): added', 'Old (External Client App): removed']);
    expect(tables[0].rows).to.deep.include({ setting: 'oauthPolicies.ipRelaxationPolicyType', left: 'Enforce', right: 'Bypass', rules: 'ip-restrictions-relaxed' });
    expect(tables[1].rows).to.deep.equal([{ setting: 'app', left: '(absent)', right: 'present', rules: '' }]);
  });

  it('writes Markdown a client can read, whose tables no value can break', () => {
    const md = driftMarkdown(result);
    expect(md).to.contain('# App drift: prod vs uat');
    expect(md).to.contain('| Setting | prod | uat | Policy rules |');
    expect(md).to.contain('| oauthPolicies.ipRelaxationPolicyType | Enforce | Bypass | ip-restrictions-relaxed |');
    expect(md).to.contain('Api\\|Web');
    expect(md).to.contain('## Not reported as drift');
    expect(markdownCell('a|b\nc')).to.equal('a\\|b<br>c');
    for (const line of md.split('\n').filter((l) => l.startsWith('| '))) expect(line.split(/(?<!\\)\|/).length, line).to.equal(6);
  });
});
