/**
 * The real Salesforce CLI (@salesforce/cli from npm, a devDependency) with this plugin linked,
 * in an isolated home: what a user gets after `sf plugins link .`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from './paths.js';

export type SfRun = { status: number | null; stdout: string; stderr: string; json?: { status: number; result?: unknown; name?: string; message?: string; actions?: string[] } };

export class SfCli {
  public readonly home: string;
  public readonly env: NodeJS.ProcessEnv;

  private constructor(extraEnv: NodeJS.ProcessEnv) {
    this.home = mkdtempSync(join(tmpdir(), 'eca-sf-home-'));
    this.env = {
      ...process.env,
      PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
      HOME: this.home,
      USERPROFILE: this.home,
      XDG_DATA_HOME: join(this.home, '.local', 'share'),
      XDG_CONFIG_HOME: join(this.home, '.config'),
      XDG_CACHE_HOME: join(this.home, '.cache'),
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_DISABLE_LOG_FILE: 'true',
      ...extraEnv,
    };
  }

  /** A home with the plugin linked (the plugin must be built: lib/ and oclif.manifest.json). */
  public static link(extraEnv: NodeJS.ProcessEnv = {}): SfCli {
    const cli = new SfCli(extraEnv);
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'sf'), ['plugins', 'link', ROOT, '--no-install'], { env: cli.env, cwd: cli.home, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sf plugins link failed: ${r.stderr}`);
    return cli;
  }

  /**
   * Runs sf without blocking this process's event loop: an in-process org simulator must go on
   * answering while the child talks to it.
   */
  public async run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<SfRun> {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'sf'), args, { cwd: options.cwd ?? this.home, env: { ...this.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    clearTimeout(timer);
    const r = { status, stdout, stderr };
    let json;
    if (args.includes('--json')) {
      try {
        json = JSON.parse(r.stdout) as SfRun['json'];
      } catch {
        json = undefined;
      }
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
  }

  public dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
