/**
 * One app, one answer: display (summary.ts), token verify (token/app.ts) and the policy check
 * (policy/app.ts) read every app through the one reader (src/domain/app), so for every real ECA
 * and Connected App in ../shared/fixtures/real-metadata and in examples/ they must say the same
 * about flows, switches, scopes, who may use the app, its tokens, its certificate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { type AppSettings, readConnectedApp, readEca } from '../../../src/domain/app/index.js';
import { componentOfFile } from '../../../src/domain/components.js';
import { assembleEcas, type Component, type ConnectedApp, type Eca } from '../../../src/domain/model.js';
import { fromConnectedApp, fromEca } from '../../../src/domain/policy/app.js';
import { type EcaSummary, summarizeConnectedApp, summarizeEca } from '../../../src/domain/summary.js';
import { type AppTokenSettings, tokenSettingsOf } from '../../../src/domain/token/app.js';
import { parseMetadataXml } from '../../../src/domain/xml.js';
import { FIXTURES, ROOT } from '../../helpers/paths.js';

const NOW = new Date('2026-07-01T12:00:00Z');

type Corpus = { ecas: Array<{ where: string; eca: Eca }>; connectedApps: Array<{ where: string; ca: ConnectedApp }> };

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every app of a folder; `twin` sorts a second, org-generated set of satellites into its own ECAs (the fixtures hold InformaticaCloud twice). */
function appsOf(files: readonly string[], where: string, twin: (fullName: string) => boolean = () => false): Corpus {
  const sets: Component[][] = [[], []];
  const connectedApps: Corpus['connectedApps'] = [];
  for (const file of files) {
    const kind = componentOfFile(file);
    if (!kind) continue;
    const fullName = kind.fullName.replace(/^.*__/, '');
    const parsed = parseMetadataXml(readFileSync(file, 'utf8'));
    const c: Component = { type: parsed.type, fullName: fullName.split('@')[0], values: parsed.values, file };
    if (parsed.type === 'ConnectedApp') connectedApps.push({ where: `${where}/${fullName}`, ca: c as ConnectedApp });
    else sets[twin(fullName) ? 1 : 0].push(c);
  }
  const ecas = sets.flatMap((set, i) => assembleEcas(set).ecas.map((eca) => ({ where: `${where}/${eca.name}${i ? ' (generated twin)' : ''}`, eca })));
  return { ecas, connectedApps };
}

const corpora: Corpus[] = [
  appsOf(readdirSync(FIXTURES).sort().map((f) => join(FIXTURES, f)), 'real-metadata', (n) => n.includes('@') || n.includes('_def')),
  appsOf(walk(join(ROOT, 'examples', 'force-app')).sort(), 'examples'),
];

const FLOW_NAMES: Array<[keyof AppSettings['flows'], string]> = [
  ['authorizationCode', 'authorization-code'],
  ['clientCredentials', 'client-credentials'],
  ['jwtBearer', 'jwt-bearer'],
  ['device', 'device'],
  ['tokenExchange', 'token-exchange'],
  ['codeCredential', 'code-credential'],
];

/** What display and the policy check must agree on. */
function expectDisplayAgrees(where: string, display: EcaSummary, audit: AppSettings): void {
  const flows = FLOW_NAMES.filter(([k]) => audit.flows[k]).map(([, name]) => name);
  expect(display.flows, `${where}: flows`).to.deep.equal(flows);
  expect(display.scopes, `${where}: scopes`).to.deep.equal([...(audit.scopes ?? [])]);
  expect(display.permittedUsers, `${where}: permitted users`).to.equal(audit.permittedUsers);
  expect(display.profiles, `${where}: profiles`).to.deep.equal([...audit.preAuthorized.profiles]);
  expect(display.permissionSets, `${where}: permission sets`).to.deep.equal([...audit.preAuthorized.permissionSets]);
  expect(display.runAs, `${where}: run-as user`).to.equal(audit.runAsUser);
  expect(display.ipRelaxation, `${where}: IP relaxation`).to.equal(audit.ipRelaxation);
  expect(display.sessionTimeoutInMinutes, `${where}: session timeout`).to.equal(audit.sessionTimeoutMinutes);
  const p = audit.refreshTokenPolicy;
  expect(display.refreshTokenPolicy, `${where}: refresh token`).to.equal(p ? [p.type, p.period, p.unit].filter((x) => x !== undefined).join(' ') : undefined);
  expect(display.callbackUrls, `${where}: callback URLs`).to.deep.equal([...audit.callbackUrls]);
  const cert = audit.certificate;
  expect(Boolean(display.certificate), `${where}: certificate`).to.equal(cert !== undefined);
  if (cert?.status === 'parsed') expect(display.certificate, `${where}: certificate`).to.include({ subject: cert.subject, validTo: cert.validTo });
  if (cert?.status === 'placeholder') expect(display.certificate?.placeholder, `${where}: placeholder`).to.equal(true);
  if (cert?.status === 'unreadable') expect(display.certificate?.invalid, `${where}: unreadable certificate`).to.equal(true);
  expect(display.enabled, `${where}: enabled`).to.equal(audit.enabled);
  expect(display.oauthPluginEnabled, `${where}: OAuth plugin`).to.equal(audit.oauthPluginEnabled);
}

/** What token verify and the policy check must agree on. */
function expectTokenAgrees(where: string, token: AppTokenSettings, audit: AppSettings, display: EcaSummary): void {
  const cc = audit.switches.clientCredentials;
  expect(token.clientCredentialsInPolicies, `${where}: client credentials policy`).to.equal(cc.policy);
  if (token.clientCredentialsInSettings !== undefined) expect(token.clientCredentialsInSettings, `${where}: client credentials setting`).to.equal(cc.developer);
  // the flow is on for token verify exactly when a switch in hand does not turn it off
  const tokenSaysOn = token.clientCredentialsInSettings === true && token.clientCredentialsInPolicies !== false;
  expect(tokenSaysOn, `${where}: client credentials on`).to.equal(audit.flows.clientCredentials);
  expect(display.flows.includes('client-credentials'), `${where}: client credentials shown`).to.equal(tokenSaysOn);
  expect(token.runAs, `${where}: run-as user`).to.equal(audit.runAsUser);
  expect(token.scopes, `${where}: scopes`).to.deep.equal([...(audit.scopes ?? [])]);
  expect(token.permittedUsers, `${where}: permitted users`).to.equal(audit.permittedUsers);
  expect(token.profiles, `${where}: profiles`).to.deep.equal([...audit.preAuthorized.profiles]);
  expect(token.permissionSets, `${where}: permission sets`).to.deep.equal([...audit.preAuthorized.permissionSets]);
  expect(Boolean(token.certificate), `${where}: certificate`).to.equal(audit.flows.jwtBearer);
  expect(token.enabled, `${where}: enabled`).to.equal(audit.enabled);
  expect(token.oauthPluginEnabled, `${where}: OAuth plugin`).to.equal(audit.oauthPluginEnabled);
  expect(token.summary, `${where}: the summary token verify reports`).to.deep.equal(display);
}

describe('one reader: display, token verify and the policy check agree on every app', () => {
  it('finds the apps', () => {
    const [real, examples] = corpora;
    expect(real.ecas.length).to.be.greaterThan(3);
    expect(real.connectedApps.length).to.be.greaterThan(10);
    expect(examples.ecas.length).to.equal(2);
    expect(examples.connectedApps.length).to.equal(3);
  });

  for (const corpus of corpora) {
    for (const { where, eca } of corpus.ecas) {
      it(`ECA ${where}`, () => {
        const audit = fromEca(eca);
        expect(readEca(eca), `${where}: the audit reads through the reader`).to.deep.equal(audit);
        const display = summarizeEca(eca, NOW);
        expectDisplayAgrees(where, display, audit);
        expectTokenAgrees(where, tokenSettingsOf(eca, NOW), audit, display);
      });
    }
    for (const { where, ca } of corpus.connectedApps) {
      it(`Connected App ${where}`, () => {
        const audit = fromConnectedApp(ca);
        expect(readConnectedApp(ca), `${where}: the audit reads through the reader`).to.deep.equal(audit);
        expectDisplayAgrees(where, summarizeConnectedApp(ca.fullName, ca.values, NOW), audit);
        // Connected Apps have no device-flow field in the Metadata API: no view shows one
        expect(audit.flows.device, `${where}: device flow`).to.equal(false);
      });
    }
  }

  describe('where the three readings used to disagree', () => {
    const eca = (changes: (parts: Component[]) => void): Eca => {
      const parts: Component[] = [
        { type: 'ExternalClientApplication', fullName: 'A', values: { contactEmail: 'a@b.example', distributionState: 'Local', label: 'A' } },
        { type: 'ExtlClntAppGlobalOauthSettings', fullName: 'A_glbloauth', values: { externalClientApplication: 'A', isClientCredentialsFlowEnabled: true, label: 'g' } },
        { type: 'ExtlClntAppOauthSettings', fullName: 'A_oauth', values: { externalClientApplication: 'A', commaSeparatedOauthScopes: 'Api', label: 'o' } },
      ];
      changes(parts);
      return assembleEcas(parts).ecas[0];
    };

    it('client credentials with no OAuth-policies component: allowed by the settings, the policy not in hand, in every view', () => {
      const app = eca(() => undefined);
      expect(fromEca(app).flows.clientCredentials).to.equal(true);
      expect(summarizeEca(app).flows).to.include('client-credentials');
      expect(tokenSettingsOf(app)).to.include({ clientCredentialsInSettings: true, clientCredentialsInPolicies: undefined });
    });

    it('a policy that switches it off wins in every view', () => {
      const app = eca((parts) => parts.push({ type: 'ExtlClntAppOauthConfigurablePolicies', fullName: 'A_oauthPlcy', values: { externalClientApplication: 'A', isClientCredentialsFlowEnabled: false, label: 'p' } }));
      expect(fromEca(app).flows.clientCredentials).to.equal(false);
      expect(summarizeEca(app).flows).not.to.include('client-credentials');
      expect(tokenSettingsOf(app)).to.include({ clientCredentialsInSettings: true, clientCredentialsInPolicies: false });
    });

    it('a Connected App: token exchange needs its oauthPolicy switch too; values spelled the ECA way', () => {
      const ca: ConnectedApp = {
        type: 'ConnectedApp',
        fullName: 'Legacy',
        values: {
          contactEmail: 'a@b.example',
          label: 'Legacy',
          oauthConfig: { callbackUrl: 'https://a.example/cb', consumerKey: 'k', isTokenExchangeEnabled: true, scopes: ['Api', 'SFAP'] },
          oauthPolicy: { ipRelaxation: 'BYPASS', isTokenExchangeFlowEnabled: false, refreshTokenPolicy: 'specific_lifetime:1:HOURS' },
        } as ConnectedApp['values'],
      };
      const summary = summarizeConnectedApp(ca.fullName, ca.values);
      expect(fromConnectedApp(ca).flows.tokenExchange).to.equal(false);
      expect(summary.flows).to.deep.equal(['authorization-code']);
      expect(summary).to.include({ ipRelaxation: 'Bypass', refreshTokenPolicy: 'SpecificLifetime 1 Hours', permittedUsers: 'AllSelfAuthorized' });
      expect(summary.scopes).to.deep.equal(['Api', 'SFApiPlatform']);
    });

    it('an app switched off still shows the flows its settings allow, and says it is off', () => {
      const app = eca((parts) => parts.push({ type: 'ExtlClntAppConfigurablePolicies', fullName: 'A_plcy', values: { externalClientApplication: 'A', isEnabled: true, isOauthPluginEnabled: false, label: 'c' } }));
      const audit = fromEca(app);
      expect(audit.oauthEnabled).to.equal(false);
      expect(summarizeEca(app)).to.include({ oauthPluginEnabled: false, enabled: true });
      expect(tokenSettingsOf(app)).to.include({ oauthPluginEnabled: false });
      expect(summarizeEca(app).flows).to.include('client-credentials');
    });
  });
});
