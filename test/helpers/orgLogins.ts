/**
 * Logins written as the CLI stores them (~/.sfdx/<username>.json and alias.json, plaintext tokens,
 * which @salesforce/core accepts; toolchain.md): one to an org that does not answer, and a second
 * login of a simulator org under another user (what `sf org login jwt` for a CI user adds next to
 * the original login).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { StateAggregator } from '@salesforce/core';
import type { Simulator } from '../../simulator/server.js';

function addAlias(home: string, alias: string, username: string): void {
  const aliasFile = join(home, '.sfdx', 'alias.json');
  let aliases: { orgs?: Record<string, string> } = {};
  try {
    aliases = JSON.parse(readFileSync(aliasFile, 'utf8')) as typeof aliases;
  } catch {
    // no aliases yet
  }
  writeFileSync(aliasFile, JSON.stringify({ orgs: { ...(aliases.orgs ?? {}), [alias]: username } }, null, 2));
  StateAggregator.clearInstance();
}

/** A port that answers every connection with something that is not TLS ("fetch failed", no retries). */
export async function notHttpsServer(): Promise<Server> {
  const server = createServer((socket) => {
    // a client that gives up (several requests in flight when the command ends) resets its socket
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A login to an org at an instance that does not answer. */
export function writeDeadLogin(home: string, alias: string, port: number, orgId = '00D000000000DEADEA'): string {
  const username = `admin@${alias}.acme.example`;
  const url = `https://127.0.0.1:${port}`;
  const auth = { accessToken: `${orgId.slice(0, 15)}!token`, refreshToken: 'refresh', clientId: 'PlatformCLI', instanceUrl: url, loginUrl: url, orgId, username, instanceApiVersion: '66.0', isDevHub: false, isSandbox: false, isScratch: false, created: String(Date.now()) };
  writeFileSync(join(home, '.sfdx', `${username}.json`), JSON.stringify(auth, null, 2), { mode: 0o600 });
  addAlias(home, alias, username);
  return username;
}

/** A second login of a simulator org, as another of its users, under another alias. */
export function writeSecondLogin(home: string, sim: Simulator, orgAlias: string, username: string, alias: string): void {
  const login = sim.login(orgAlias);
  const org = sim.org(orgAlias);
  const auth = {
    accessToken: sim.issueAccessToken(orgAlias, username),
    refreshToken: login.refreshToken,
    clientId: login.clientId,
    instanceUrl: login.instanceUrl,
    loginUrl: login.loginUrl,
    orgId: login.orgId,
    username,
    instanceApiVersion: org.apiVersion,
    isDevHub: false,
    isSandbox: false,
    isScratch: false,
    created: String(Date.now()),
  };
  writeFileSync(join(home, '.sfdx', `${username}.json`), JSON.stringify(auth, null, 2), { mode: 0o600 });
  addAlias(home, alias, username);
}
