/**
 * Test harness: a simulator in this process, an isolated CLI home, logged-in orgs, and helpers to
 * write ECA source projects and to deploy and retrieve them with SDR over real HTTP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, Org } from '@salesforce/core';
import { ComponentSet, type DeployResult, type RetrieveResult } from '@salesforce/source-deploy-retrieve';
import { componentByType, sourceFilePath } from '../../src/domain/components.js';
import type { Component } from '../../src/domain/model.js';
import { serializeMetadataXml } from '../../src/domain/xml.js';
import { type SimulatorOptions, type Simulator, startSimulator } from '../../simulator/server.js';
import { type CliHome, createCliHome, loginOrg, removeCliHome, useCliHome } from '../helpers/cliAuth.js';

export type Harness = {
  sim: Simulator;
  home: CliHome;
  connection(alias: string): Promise<Connection>;
  close(): Promise<void>;
};

/** Starts a simulator, points this process at a fresh CLI home and logs in to each org. */
export async function startHarness(options: SimulatorOptions & { login?: string[] } = {}): Promise<Harness> {
  const sim = await startSimulator(options);
  const home = createCliHome(sim);
  const restore = useCliHome(home, sim);
  for (const alias of options.login ?? sim.orgs.map((o) => o.alias)) await loginOrg(home, sim, alias);
  return {
    sim,
    home,
    connection: async (alias) => (await Org.create({ aliasOrUsername: alias })).getConnection(),
    close: async () => {
      restore();
      await sim.close();
      removeCliHome(home);
    },
  };
}

/** Writes components as a source-format project (force-app/main/default/...); returns its root. */
export function writeSourceProject(components: readonly Component[], rawFiles: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'eca-sim-project-'));
  const base = join(root, 'force-app', 'main', 'default');
  writeFileSync(join(root, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
  for (const c of components) {
    const kind = componentByType(c.type);
    if (!kind) throw new Error(`not an ECA type: ${c.type}`);
    const file = join(base, sourceFilePath(kind, c.fullName));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, serializeMetadataXml(c.type, c.values));
  }
  for (const [rel, content] of Object.entries(rawFiles)) {
    const file = join(base, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function deploySource(conn: Connection, dir: string, options: { checkOnly?: boolean; rollbackOnError?: boolean } = {}): Promise<DeployResult> {
  const set = ComponentSet.fromSource(join(dir, 'force-app'));
  const op = await set.deploy({ usernameOrConnection: conn, apiOptions: { checkOnly: options.checkOnly ?? false, rollbackOnError: options.rollbackOnError ?? true } });
  return op.pollStatus(20, 30);
}

export async function retrieveInto(conn: Connection, dir: string, members: Array<{ type: string; fullName: string }>): Promise<RetrieveResult> {
  const set = new ComponentSet(members);
  const op = await set.retrieve({ usernameOrConnection: conn, output: join(dir, 'force-app'), merge: false });
  return op.pollStatus(20, 30);
}

/** A minimal OAuth ECA: the documented 5 components. */
export function oauthEca(name: string, opts: { runAs?: string; permissionSets?: string; certificate?: string; clientCredentials?: boolean } = {}): Component[] {
  const app = (values: Component['values']): Component['values'] => ({ externalClientApplication: name, ...values });
  return [
    { type: 'ExternalClientApplication', fullName: name, values: { contactEmail: 'ops@acme.example', distributionState: 'Local', isProtected: false, label: `${name} app` } },
    { type: 'ExtlClntAppOauthSettings', fullName: `${name}_oauth`, values: app({ commaSeparatedOauthScopes: 'Api, RefreshToken', label: `${name}_oauth` }) },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: `${name}_glbloauth`,
      values: app({
        callbackUrl: 'https://login.salesforce.com/services/oauth2/success',
        ...(opts.certificate ? { certificate: opts.certificate } : {}),
        isClientCredentialsFlowEnabled: opts.clientCredentials ?? false,
        isConsumerSecretOptional: false,
        isPkceRequired: true,
        isSecretRequiredForRefreshToken: true,
        label: `${name}_glbloauth`,
      }),
    },
    {
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: `${name}_oauthPlcy`,
      values: app({
        ...(opts.runAs ? { clientCredentialsFlowUser: opts.runAs } : {}),
        ...(opts.permissionSets ? { commaSeparatedPermissionSet: opts.permissionSets } : {}),
        ipRelaxationPolicyType: 'Enforce',
        isClientCredentialsFlowEnabled: opts.clientCredentials ?? false,
        label: `${name}_oauthPlcy`,
        permittedUsersPolicyType: opts.permissionSets ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
        refreshTokenPolicyType: 'Infinite',
      }),
    },
    { type: 'ExtlClntAppConfigurablePolicies', fullName: `${name}_plcy`, values: app({ isEnabled: true, isOauthPluginEnabled: true, label: `${name}_plcy` }) },
  ];
}
