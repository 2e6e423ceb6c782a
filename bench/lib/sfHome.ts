/**
 * The real Salesforce CLI (@salesforce/cli, a devDependency) in an isolated home, with this plugin
 * either installed from its packed tarball (what users get from `sf plugins install`) or linked (what
 * developers get from `sf plugins link`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from '../../test/helpers/paths.js';

export const SF_BIN = join(ROOT, 'node_modules', '.bin', 'sf');

export class SfHome {
  public readonly dir: string;
  public readonly env: NodeJS.ProcessEnv;

  public constructor(label: string) {
    this.dir = mkdtempSync(join(tmpdir(), `eca-bench-${label}-`));
    // nothing of the caller's npm run (npm_config_*, npm_lifecycle_*) leaks into sf or the npm it runs
    const outer = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    this.env = {
      ...outer,
      PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
      HOME: this.dir,
      USERPROFILE: this.dir,
      XDG_DATA_HOME: join(this.dir, '.local', 'share'),
      XDG_CONFIG_HOME: join(this.dir, '.config'),
      XDG_CACHE_HOME: join(this.dir, '.cache'),
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_DISABLE_LOG_FILE: 'true',
      // the packages sf's npm downloads are the same whatever the home: reuse the caller's npm cache
      npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    };
  }

  /**
   * `sf plugins install file:<tgz>`. sf asks before installing an unsigned plugin; the documented
   * answer for a script is the allow list `~/.config/sf/unsignedPluginAllowList.json`.
   */
  public install(tarball: string): void {
    const spec = `file:${tarball}`;
    const configDir = join(this.dir, '.config', 'sf');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'unsignedPluginAllowList.json'), JSON.stringify([spec]));
    this.sf(['plugins', 'install', spec]);
  }

  /** `sf plugins link <repo> --no-install`: the checkout, with its own node_modules. */
  public link(): void {
    this.sf(['plugins', 'link', ROOT, '--no-install']);
  }

  public sf(args: string[]): string {
    const r = spawnSync(SF_BIN, args, { env: this.env, cwd: this.dir, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`sf ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  public dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `npm pack` of the built checkout (lib/ and oclif.manifest.json must be fresh: npm run build). */
export function pack(destination: string): string {
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  const [{ filename }] = JSON.parse(r.stdout) as Array<{ filename: string }>;
  return join(destination, filename);
}
