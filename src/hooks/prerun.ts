/**
 * oclif `prerun` hook: keeps client-credentials logins (`sf eca login client-credentials`) working
 * for every sf command, which @salesforce/core cannot do (it renews only refresh-token and JWT
 * logins, and the client credentials flow issues no refresh token).
 *
 * It runs before every command of every plugin, so it costs nothing for anything else: with no
 * file access it returns for commands without an org flag; otherwise it finds the org the command
 * targets (the flag, SF_TARGET_ORG / SF_TARGET_DEV_HUB, the project's then the global config),
 * resolves an alias (~/.sfdx/alias.json) and reads that one auth file (~/.sfdx/<username>.json)
 * for our marker. Only for a login of ours does it load the renewal (src/operations) and ask the
 * org once whether the token still works; an expired token is replaced with one minted with the
 * stored secret. Measured in README "Benchmarks" (start-up).
 *
 * When Salesforce refuses the stored secret, the command does not run: the hook prints the named
 * error (ClientCredentialsRenewalError, with the one command that renews the login), as JSON under
 * --json, and exits 1. So it does when the new token was minted but the auth file kept the old one
 * (AuthNotSavedError). When the org does not answer, the command runs and reports it itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

type FlagDef = { name?: string; char?: string; aliases?: string[]; charAliases?: string[] };
type PrerunOptions = { Command: { id?: string; flags?: Record<string, FlagDef> }; argv: string[] };

/** The flags that name an org, and the environment variable and config key that default them. */
const ORG_FLAGS: Record<string, { env: string; config: string }> = {
  'target-org': { env: 'SF_TARGET_ORG', config: 'target-org' },
  'target-dev-hub': { env: 'SF_TARGET_DEV_HUB', config: 'target-dev-hub' },
};

/** Commands that replace or remove a login: renewing it first would be wasted, or would stand in the way. */
const LEAVE_ALONE = /^(org:logout|org:login|auth:|force:auth:)/;

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The value of a flag on the command line: --name v, --name=v, -c v, -cv, -c=v (and its aliases). */
export function flagValue(argv: readonly string[], longs: readonly string[], chars: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    for (const l of longs) {
      if (a === `--${l}`) return argv[i + 1];
      if (a.startsWith(`--${l}=`)) return a.slice(l.length + 3);
    }
    for (const c of chars) {
      if (a === `-${c}`) return argv[i + 1];
      if (a.startsWith(`-${c}`) && !a.startsWith('--') && a.length > 2) return a.slice(2).replace(/^=/, '');
    }
  }
  return undefined;
}

/** The project's local config (the folder with sfdx-project.json), then the global one. */
function configValue(key: string, cwd: string, home: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'sfdx-project.json'))) {
      const local = readJson(join(dir, '.sf', 'config.json'))?.[key];
      if (typeof local === 'string') return local;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const global = readJson(join(home, '.sf', 'config.json'))?.[key];
  return typeof global === 'string' ? global : undefined;
}

/** The usernames the command will use: each org flag's value, or its default. */
export function targetUsernames(options: PrerunOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), home = homedir()): string[] {
  const flags = Object.entries(options.Command.flags ?? {}).filter(([name]) => name in ORG_FLAGS);
  if (flags.length === 0 || LEAVE_ALONE.test(options.Command.id ?? '')) return [];
  let aliases: Record<string, unknown> | undefined;
  const out: string[] = [];
  for (const [name, def] of flags) {
    const given =
      flagValue(options.argv, [name, ...(def.aliases ?? [])], [def.char, ...(def.charAliases ?? [])].filter((c): c is string => Boolean(c))) ??
      env[ORG_FLAGS[name].env] ??
      configValue(ORG_FLAGS[name].config, cwd, home);
    if (!given) continue;
    aliases ??= (readJson(join(home, '.sfdx', 'alias.json'))?.orgs as Record<string, unknown> | undefined) ?? {};
    const username = typeof aliases[given] === 'string' ? (aliases[given] as string) : given;
    if (!out.includes(username)) out.push(username);
  }
  return out;
}

/** A login `sf eca login client-credentials` stored: our marker, and no refresh token or JWT key of another login. */
export function isOurLogin(username: string, home = homedir()): boolean {
  if (/[/\\]/.test(username)) return false;
  const auth = readJson(join(home, '.sfdx', `${username}.json`));
  return auth?.ecaLoginFlow === 'client-credentials' && !auth.refreshToken && !auth.privateKey;
}

function wantsJson(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--json') || env.SF_CONTENT_TYPE?.toUpperCase() === 'JSON';
}

type Named = Error & { actions?: string[]; exitCode?: number };

/** Prints the error as sf prints a command's error, then stops the command with its exit code. */
function stop(e: Named, argv: readonly string[]): never {
  const exitCode = e.exitCode ?? 1;
  if (wantsJson(argv, process.env)) {
    process.stdout.write(`${JSON.stringify({ name: e.name, message: e.message, exitCode, actions: e.actions ?? [], status: exitCode, warnings: [] }, null, 2)}\n`);
  } else {
    const actions = e.actions?.length ? `\n\nTry this:\n\n${e.actions.join('\n')}` : '';
    process.stderr.write(`Error (${e.name}): ${e.message}${actions}\n`);
  }
  throw Object.assign(new Error(e.message), { oclif: { exit: exitCode }, skipOclifErrorHandling: true, code: 'EEXIT' });
}

const hook = async function (options: PrerunOptions): Promise<void> {
  const usernames = targetUsernames(options).filter((u) => isOurLogin(u));
  if (usernames.length === 0) return;
  const { renewStoredLogin } = await import('../operations/loginClientCredentials.js');
  for (const username of usernames) {
    try {
      await renewStoredLogin(username);
    } catch (e) {
      const err = e instanceof Error ? (e as Named) : new Error(String(e));
      // renewal refused, or renewed but the auth file kept the old token: the command would fail on it
      if (err.name === 'ClientCredentialsRenewalError' || err.name === 'AuthNotSavedError') stop(err, options.argv);
      // anything else (an unreadable auth file, ...): the command goes on and meets it itself
      process.stderr.write(`Warning: the client-credentials login ${username} could not be checked: ${err.message}\n`);
    }
  }
};

export default hook;
