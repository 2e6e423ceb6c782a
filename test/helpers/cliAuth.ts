/**
 * An isolated CLI home for tests, and logins to simulator orgs stored exactly as `sf` stores them
 * (~/.sfdx/<username>.json, ~/.sfdx/alias.json, ~/.sf/config.json), so Org.create and `sf
 * --target-org` work against the simulator with nothing stubbed.
 *
 *   const home = createCliHome(sim);
 *   const restore = useCliHome(home);          // in before(); restore() in after()
 *   await loginOrg(home, sim, 'dev');          // through @salesforce/core AuthInfo (real refresh)
 *   const org = await Org.create({ aliasOrUsername: 'dev' });
 *
 * Child processes (the real `sf`) take `home.env`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { AuthInfo, Config, OrgConfigProperties, StateAggregator } from '@salesforce/core';
import type { Simulator } from '../../simulator/server.js';

export type CliHome = {
  /** the HOME directory */
  dir: string;
  /** environment for the CLI and core: HOME, keychain, telemetry and update switches, CA trust */
  env: Record<string, string>;
};

export function createCliHome(sim?: Simulator): CliHome {
  const dir = mkdtempSync(join(tmpdir(), 'eca-cli-home-'));
  mkdirSync(join(dir, '.sfdx'), { recursive: true });
  mkdirSync(join(dir, '.sf'), { recursive: true });
  const env: Record<string, string> = {
    HOME: dir,
    USERPROFILE: dir,
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_SKIP_SCRATCH_ORG_CHECK: 'true',
  };
  if (sim?.caCertPath) env.NODE_EXTRA_CA_CERTS = sim.caCertPath;
  return { dir, env };
}

export function removeCliHome(home: CliHome): void {
  rmSync(home.dir, { recursive: true, force: true });
}

const trusted = new Set<string>();

/**
 * Trusts the simulator's certificate in this process (NODE_EXTRA_CA_CERTS is read only at start).
 * Child processes get NODE_EXTRA_CA_CERTS from home.env instead.
 */
export function trustSimulator(sim: Simulator): void {
  if (!sim.caCert || trusted.has(sim.caCert)) return;
  trusted.add(sim.caCert);
  setDefaultCACertificates([...getCACertificates('default'), ...trusted]);
}

/**
 * Points this process at the home (process.env is global: call in before(), restore in after()).
 * Returns the function that restores the previous environment.
 */
export function useCliHome(home: CliHome, sim?: Simulator): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(home.env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  if (sim) trustSimulator(sim);
  StateAggregator.clearInstance();
  return () => {
    StateAggregator.clearInstance();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export type LoginOptions = {
  /** make it the default org (target-org in ~/.sf/config.json) */
  setDefault?: boolean;
  /** the alias to store; default the simulator alias */
  alias?: string;
  /** writeAuthFiles: the instance URL to store instead of the org's My Domain (e.g. `sim.loginUrl`, a login host) */
  instanceUrl?: string;
};

/**
 * Logs in to a simulator org through @salesforce/core, as `sf org login sfdx-url` does: a real
 * refresh-token exchange, userinfo and Organization queries, then the auth file and alias.
 * Returns the username.
 */
export async function loginOrg(home: CliHome, sim: Simulator, alias: string, options: LoginOptions = {}): Promise<string> {
  const restore = process.env.HOME === home.dir ? undefined : useCliHome(home, sim);
  trustSimulator(sim);
  try {
    const login = sim.login(alias);
    const authInfo = await AuthInfo.create({
      oauth2Options: { refreshToken: login.refreshToken, loginUrl: login.loginUrl, clientId: login.clientId },
    });
    await authInfo.save();
    const state = await StateAggregator.getInstance();
    await state.aliases.setAndSave(options.alias ?? alias, login.username);
    if (options.setDefault) {
      const config = await Config.create({ isGlobal: true });
      config.set(OrgConfigProperties.TARGET_ORG, options.alias ?? alias);
      await config.write();
    }
    return login.username;
  } finally {
    restore?.();
  }
}

/**
 * Writes the auth files by hand, as toolchain.md describes (plaintext tokens are accepted and
 * encrypted on the next save). For child processes that must not depend on an in-process login.
 */
export function writeAuthFiles(home: CliHome, sim: Simulator, alias: string, options: LoginOptions = {}): string {
  const login = sim.login(alias);
  const org = sim.org(alias);
  const auth = {
    accessToken: sim.issueAccessToken(alias),
    refreshToken: login.refreshToken,
    clientId: login.clientId,
    instanceUrl: options.instanceUrl ?? login.instanceUrl,
    loginUrl: login.loginUrl,
    orgId: login.orgId,
    username: login.username,
    instanceApiVersion: org.apiVersion,
    isDevHub: false,
    isSandbox: org.isSandbox,
    isScratch: false,
    orgName: org.name,
    created: String(Date.now()),
  };
  writeFileSync(join(home.dir, '.sfdx', `${login.username}.json`), JSON.stringify(auth, null, 2), { mode: 0o600 });
  const aliasFile = join(home.dir, '.sfdx', 'alias.json');
  const aliases = existsSync(aliasFile) ? (JSON.parse(readFileSync(aliasFile, 'utf8')) as { orgs?: Record<string, string> }) : {};
  const orgs = { ...(aliases.orgs ?? {}), [options.alias ?? alias]: login.username };
  writeFileSync(aliasFile, JSON.stringify({ orgs }, null, 2));
  if (options.setDefault) writeFileSync(join(home.dir, '.sf', 'config.json'), JSON.stringify({ 'target-org': options.alias ?? alias }, null, 2));
  return login.username;
}
