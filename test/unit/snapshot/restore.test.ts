import { inspect } from 'node:util';
import { expect } from 'chai';
import { componentByPart, type EcaPart } from '../../../src/domain/components.js';
import { resolveMapping } from '../../../src/domain/migrate/mapping.js';
import { assembleEcas, type Component, type ConnectedApp, type Eca, ecaComponents } from '../../../src/domain/model.js';
import { planSnapshot } from '../../../src/domain/snapshot/manifest.js';
import { type PlannedComponent, planRestore, type RestoreInput, type RestorePlan, RESTORE_PHASES, snapshotUsernames, valuesForDeploy } from '../../../src/domain/snapshot/restore.js';
import { Secret } from '../../../src/domain/snapshot/secret.js';
import {
  counterpartUsername,
  productionUsername,
  resolveUsers,
  sandboxNameFromUrl,
  type TargetUser,
  userLookup,
} from '../../../src/domain/snapshot/users.js';
import type { VaultEntry } from '../../../src/domain/snapshot/vault.js';
import type { MetadataValues } from '../../../src/domain/xml.js';
import { GENERATED_SUFFIXES, makeEca, ORG_A, ORG_B } from '../drift/helpers.js';

const SECRET = 'the-consumer-secret-of-acme-ci-0001';
const KEY = '3MVG9.acme.ci.original.key';

function snapshotOf(ecas: Eca[], sandboxName?: string): RestoreInput['snapshot'] {
  const { manifest } = planSnapshot({
    org: { id: ORG_A, instanceUrl: 'https://acme.my.salesforce.com', apiVersion: '64.0', ...(sandboxName ? { sandboxName } : {}) },
    createdAt: new Date('2026-07-01T12:00:00Z'),
    createdBy: 'plugin-eca test',
    ecaComponents: ecas.flatMap(ecaComponents),
    credentialsFor: ['Acme_CI'],
  });
  return { manifest, ecas };
}

function vault(): VaultEntry[] {
  return [{ app: 'Acme_CI', consumerKey: KEY, consumerSecret: new Secret(SECRET) }];
}

/** A snapshot of production: Acme_CI runs as int@acme.example, Beta as svc@acme.example. */
function prodApps(): Eca[] {
  return [
    makeEca('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example' }, globalOauthSettings: { consumerKey: KEY } }),
    makeEca('Beta', { oauthPolicies: { clientCredentialsFlowUser: 'svc@acme.example', ipRelaxationPolicyType: 'Enforce_RelaxRefresh' } }),
  ];
}

/**
 * What Salesforce does with a deploy, as far as a plan cares: the target's own org-scoped
 * values, the consumer key deployed (or a generated one), and default policies generated under
 * `_def*` names when an app is created.
 */
function deploy(target: Eca[], components: readonly PlannedComponent[], plan: RestorePlan, orgId = ORG_B): Eca[] {
  const byApp = new Map<string, Component[]>(target.map((e) => [e.name, ecaComponents(e)]));
  for (const c of components) {
    const list = byApp.get(c.app) ?? [];
    let values: MetadataValues = structuredClone(valuesForDeploy(c, plan.credentials));
    delete values.consumerSecret;
    if (c.part === 'header') values = { ...values, orgScopedExternalApp: `${orgId}:${c.app}` };
    if (c.part === 'oauthSettings') values = { ...values, oauthLink: `${orgId}:888000000000009` };
    if (c.part === 'globalOauthSettings' && values.consumerKey === undefined) values = { ...values, consumerKey: `3MVG9.generated.${c.app}` };
    const i = list.findIndex((x) => x.type === c.type);
    if (i >= 0) list[i] = { type: c.type, fullName: list[i].fullName, values: { ...list[i].values, ...values } };
    else list.push({ type: c.type, fullName: c.fullName, values });
    if (c.part === 'header' && c.change === 'create') {
      for (const part of ['oauthPolicies', 'policies'] as EcaPart[]) {
        const kind = componentByPart(part);
        const fullName = `${c.app}${kind.generatedSuffix}`;
        const defaults: MetadataValues =
          part === 'policies'
            ? { isEnabled: true, isOauthPluginEnabled: true }
            : { permittedUsersPolicyType: 'AllSelfAuthorized', ipRelaxationPolicyType: 'Enforce', refreshTokenPolicyType: 'Infinite' };
        list.push({ type: kind.type, fullName, values: { ...defaults, externalClientApplication: c.app, label: fullName } });
      }
    }
    byApp.set(c.app, list);
  }
  return assembleEcas([...byApp.values()].flat()).ecas;
}

/** The users of a refreshed sandbox "qa": production's, with ".qa" appended. */
const QA_USERS: TargetUser[] = [{ username: 'int@acme.example.qa' }, { username: 'svc@acme.example.qa' }, { username: 'admin@acme.example.qa' }];

function qaTarget(ecas: Eca[] = []): RestoreInput['target'] {
  return { name: 'qa', orgId: ORG_B, sandboxName: 'qa', ecas, users: QA_USERS };
}

describe('snapshot/users: usernames across a sandbox refresh', () => {
  it('reads the sandbox name from the My Domain URL', () => {
    expect(sandboxNameFromUrl('https://acme--uat.sandbox.my.salesforce.com')).to.equal('uat');
    expect(sandboxNameFromUrl('https://acme--QA2.sandbox.my.salesforce.com/')).to.equal('qa2');
    expect(sandboxNameFromUrl('https://acme.my.salesforce.com')).to.equal(undefined);
    expect(sandboxNameFromUrl('https://acme--uat.sandbox.my.salesforce.com.evil.example')).to.equal(undefined);
  });

  it('appends the sandbox name as Salesforce does, from production or from another sandbox', () => {
    expect(counterpartUsername('int@acme.example', { toSandbox: 'qa' })).to.equal('int@acme.example.qa');
    expect(counterpartUsername('int@acme.example.dev', { fromSandbox: 'dev', toSandbox: 'qa' })).to.equal('int@acme.example.qa');
    expect(counterpartUsername('int@acme.example.DEV', { fromSandbox: 'dev' })).to.equal('int@acme.example');
    expect(productionUsername('int@acme.example.qa', 'uat')).to.equal('int@acme.example.qa');
  });

  it('lists what the org must look up in one query', () => {
    const mapping = resolveMapping({ default: { users: { 'svc@acme.example': 'service@acme.example.qa' } } }, 'qa');
    expect(userLookup(['int@acme.example', 'svc@acme.example'], { toSandbox: 'qa' }, mapping)).to.deep.equal({
      exact: ['int@acme.example', 'int@acme.example.qa', 'service@acme.example.qa'],
      endingWith: ['int@acme.example.qa'],
    });
  });

  it('resolves by mapping, same name, appended suffix, then the prefixed form; reports the rest', () => {
    const users: TargetUser[] = [
      { username: 'same@acme.example' },
      { username: 'int@acme.example.qa' },
      { username: '00x7Vqclash@acme.example.qa' },
      { username: 'Ab1twin@acme.example.qa' },
      { username: 'Cd2twin@acme.example.qa' },
      { username: 'gone@acme.example.qa', isActive: false },
    ];
    const mapping = resolveMapping({ default: { users: { 'mapped@acme.example': 'whoever@acme.example.qa' } } }, 'qa');
    const r = resolveUsers(
      ['mapped@acme.example', 'same@acme.example', 'int@acme.example', 'clash@acme.example', 'twin@acme.example', 'gone@acme.example', 'nobody@acme.example'],
      { toSandbox: 'qa' },
      users,
      mapping
    );
    expect(r.map((x) => ('to' in x ? `${x.from} -> ${x.to} (${x.rule})` : `${x.from}: ${x.problem}`))).to.deep.equal([
      'mapped@acme.example -> whoever@acme.example.qa (mapping)',
      'same@acme.example -> same@acme.example (same)',
      'int@acme.example -> int@acme.example.qa (sandbox-suffix)',
      'clash@acme.example -> 00x7Vqclash@acme.example.qa (sandbox-prefixed)',
      'twin@acme.example: ambiguous',
      'gone@acme.example: inactive',
      'nobody@acme.example: not-found',
    ]);
  });
});

describe('snapshot/restore: the plan', () => {
  it('recreates the apps a refreshed sandbox lacks: header and settings first, then policies', () => {
    const plan = planRestore({ snapshot: snapshotOf(prodApps()), target: qaTarget(), credentials: vault() });
    expect(plan.apps.map((a) => `${a.name}:${a.action}:${a.credentials}`)).to.deep.equal(['Acme_CI:create:restore', 'Beta:create:none']);
    const [p1, p2] = plan.phases;
    expect(p1.components.map((c) => `${c.app}/${c.part}`)).to.deep.equal([
      'Acme_CI/header',
      'Acme_CI/oauthSettings',
      'Acme_CI/globalOauthSettings',
      'Beta/header',
      'Beta/oauthSettings',
      'Beta/globalOauthSettings',
    ]);
    expect(p2.components.map((c) => `${c.app}/${c.part}`)).to.deep.equal(['Acme_CI/oauthPolicies', 'Acme_CI/policies', 'Beta/oauthPolicies', 'Beta/policies']);
    expect(p2.provisional).to.equal(true);
    expect(RESTORE_PHASES.map((p) => p.parts.join(','))).to.deep.equal([
      'header,oauthSettings,globalOauthSettings,canvasSettings,mobileSettings,pushSettings,notificationSettings,oauthSecuritySettings,attestSettings',
      'oauthPolicies,policies,samlPolicies,mobilePolicies,pushPolicies,attestPolicies',
    ]);
    expect(plan.upToDate).to.equal(false);
    expect(plan.problems).to.deep.equal([]);
  });

  it("applies the target's org ids: the snapshot's orgScopedExternalApp and oauthLink are not deployed", () => {
    const plan = planRestore({ snapshot: snapshotOf(prodApps()), target: qaTarget(), credentials: vault() });
    const text = JSON.stringify(plan.phases);
    expect(text).not.to.contain(ORG_A);
    expect(text).not.to.contain('orgScopedExternalApp');
    expect(text).not.to.contain('oauthLink');
  });

  it('remaps users renamed by the refresh, and the rest through the mapping file', () => {
    const mapping = resolveMapping({ targets: { qa: { users: { 'svc@acme.example': 'admin@acme.example.qa' }, profiles: { 'Integration User': 'QA Integration' } } } }, 'qa');
    const plan = planRestore({ snapshot: snapshotOf(prodApps()), target: qaTarget(), mapping });
    const policy = (app: string): MetadataValues => plan.phases[1].components.find((c) => c.app === app && c.part === 'oauthPolicies')!.values;
    expect(policy('Acme_CI').clientCredentialsFlowUser).to.equal('int@acme.example.qa');
    expect(policy('Beta').clientCredentialsFlowUser).to.equal('admin@acme.example.qa');
    expect(policy('Beta').commaSeparatedProfile).to.equal('QA Integration');
    expect(plan.users.map((u) => ('to' in u ? `${u.from} -> ${u.to} (${u.rule})` : u.from))).to.deep.equal([
      'int@acme.example -> int@acme.example.qa (sandbox-suffix)',
      'svc@acme.example -> admin@acme.example.qa (mapping)',
    ]);
  });

  it('remaps from one sandbox to another (snapshot of uat restored into qa)', () => {
    const apps = [makeEca('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example.uat' } })];
    const plan = planRestore({ snapshot: snapshotOf(apps, 'uat'), target: qaTarget() });
    expect(plan.phases[1].components[0].values.clientCredentialsFlowUser).to.equal('int@acme.example.qa');
  });

  it('skips an app whose run-as user has no counterpart, names where it looked, and restores the others', () => {
    const apps = [...prodApps(), makeEca('Gamma', { oauthPolicies: { clientCredentialsFlowUser: 'nobody@acme.example' } })];
    const plan = planRestore({ snapshot: snapshotOf(apps), target: qaTarget() });
    expect(plan.apps.map((a) => `${a.name}:${a.action}`)).to.deep.equal(['Acme_CI:create', 'Beta:create', 'Gamma:skip']);
    expect(plan.problems).to.deep.equal([
      {
        app: 'Gamma',
        severity: 'error',
        message: 'The run-as user "nobody@acme.example" has no counterpart in qa (looked for "nobody@acme.example", "nobody@acme.example.qa"): create it, or map it in the mapping file\'s "users".',
      },
    ]);
    expect(plan.phases[0].components.some((c) => c.app === 'Gamma')).to.equal(false);
  });

  it('keeps the consumer secret a Secret in the plan, and reveals it only for the deploy', () => {
    const plan = planRestore({ snapshot: snapshotOf(prodApps()), target: qaTarget(), credentials: vault() });
    for (const text of [JSON.stringify(plan), inspect(plan, { depth: 20 }), String(plan.credentials[0].consumerSecret)]) expect(text).not.to.contain(SECRET);
    expect(plan.credentials.map((c) => [c.app, c.component, c.consumerKey])).to.deep.equal([['Acme_CI', 'ExtlClntAppGlobalOauthSettings:Acme_CI_glbloauth', KEY]]);
    const global = plan.phases[0].components.find((c) => c.part === 'globalOauthSettings' && c.app === 'Acme_CI')!;
    expect(global.values).not.to.have.property('consumerKey');
    expect(valuesForDeploy(global, plan.credentials)).to.include({ consumerKey: KEY, consumerSecret: SECRET });
    const beta = plan.phases[0].components.find((c) => c.part === 'globalOauthSettings' && c.app === 'Beta')!;
    expect(valuesForDeploy(beta, plan.credentials)).not.to.have.property('consumerSecret');
  });

  it('is idempotent: after phase 1, phase 2 takes the names the target generated; then nothing is left to do', () => {
    const input = (ecas: Eca[]): RestoreInput => ({ snapshot: snapshotOf(prodApps()), target: qaTarget(ecas), credentials: vault() });
    const first = planRestore(input([]));
    const afterPhase1 = deploy([], first.phases[0].components, first);
    const second = planRestore(input(afterPhase1));
    expect(second.phases[0].components).to.deep.equal([]);
    expect(second.phases[1].provisional).to.equal(false);
    expect(second.phases[1].components.map((c) => `${c.fullName}:${c.change}`)).to.deep.equal([
      'Acme_CI_defOauthPlcy:update',
      'Beta_defOauthPlcy:update',
    ]);
    expect(second.apps.find((a) => a.name === 'Acme_CI')?.renames.map((r) => `${r.from} -> ${r.to}`)).to.deep.equal([
      'Acme_CI_oauthPlcy -> Acme_CI_defOauthPlcy',
      'Acme_CI_plcy -> Acme_CI_defPlcy',
    ]);
    expect(second.apps.find((a) => a.name === 'Acme_CI')?.credentials).to.equal('unchanged');
    const afterPhase2 = deploy(afterPhase1, second.phases[1].components, second);
    const third = planRestore(input(afterPhase2));
    expect(third.upToDate).to.equal(true);
    expect(third.apps.map((a) => `${a.name}:${a.action}`)).to.deep.equal(['Acme_CI:none', 'Beta:none']);
    expect(third.credentials).to.deep.equal([]);
  });

  it('updates only what differs in an app the target has, under the names the target uses', () => {
    const target = [
      makeEca('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example.qa', ipRelaxationPolicyType: 'Bypass' }, globalOauthSettings: { consumerKey: KEY } }, { org: ORG_B, suffixes: GENERATED_SUFFIXES }),
    ];
    const plan = planRestore({ snapshot: snapshotOf(prodApps().slice(0, 1)), target: qaTarget(target), credentials: vault() });
    expect(plan.phases[0].components).to.deep.equal([]);
    expect(plan.phases[1].components.map((c) => `${c.fullName}:${c.change}`)).to.deep.equal(['Acme_CI_defOauthPlcy:update']);
    expect(plan.apps[0]).to.deep.include({ action: 'update', credentials: 'unchanged', reason: '1 setting differ' });
    expect(plan.apps[0].changes).to.deep.equal([{ part: 'oauthPolicies', setting: 'oauthPolicies.ipRelaxationPolicyType', current: 'Bypass', desired: 'Enforce' }]);
  });

  it('puts the credentials back when the target key differs, and says when it cannot tell', () => {
    const existing = (key?: string): Eca[] => [
      makeEca('Acme_CI', { oauthPolicies: { clientCredentialsFlowUser: 'int@acme.example.qa' }, globalOauthSettings: { consumerKey: key } }, { org: ORG_B }),
    ];
    const differs = planRestore({ snapshot: snapshotOf(prodApps().slice(0, 1)), target: qaTarget(existing('3MVG9.other')), credentials: vault() });
    expect(differs.apps[0]).to.deep.include({ action: 'update', credentials: 'restore', reason: 'its credentials differ' });
    expect(differs.phases[0].components.map((c) => c.part)).to.deep.equal(['globalOauthSettings']);
    const unknown = planRestore({ snapshot: snapshotOf(prodApps().slice(0, 1)), target: qaTarget(existing(undefined)), credentials: vault() });
    expect(unknown.apps[0]).to.deep.include({ action: 'none', credentials: 'unverified' });
    expect(unknown.problems.map((p) => p.severity)).to.deep.equal(['warning']);
    const viaRest = planRestore({
      snapshot: snapshotOf(prodApps().slice(0, 1)),
      target: { ...qaTarget(existing(undefined)), consumerKeys: new Map([['acme_ci', KEY]]) },
      credentials: vault(),
    });
    expect(viaRest.apps[0].credentials).to.equal('unchanged');
    expect(viaRest.upToDate).to.equal(true);
  });

  it('skips packaged apps and Connected Apps it cannot create, and says which names the snapshot lacks', () => {
    const packaged = makeEca('Partner', { header: { distributionState: 'Packaged' }, oauthPolicies: { clientCredentialsFlowUser: undefined } });
    const snapshot = { ...snapshotOf([packaged]), connectedApps: [{ type: 'ConnectedApp', fullName: 'Legacy', values: { label: 'Legacy' } } as unknown as ConnectedApp] };
    const plan = planRestore({ snapshot, target: qaTarget(), names: ['partner', 'legacy', 'nope'] });
    expect(plan.apps.map((a) => `${a.name}:${a.action}`)).to.deep.equal(['Partner:skip', 'Legacy:skip']);
    expect(plan.apps[1].reason).to.contain('Spring');
    expect(plan.problems).to.deep.equal([{ severity: 'error', message: 'The snapshot has no app named "nope".' }]);
    expect(plan.upToDate).to.equal(true);
  });

  it('lists the usernames a snapshot runs as', () => {
    expect(snapshotUsernames(prodApps())).to.deep.equal(['int@acme.example', 'svc@acme.example']);
  });
});
