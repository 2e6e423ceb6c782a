import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { BIN } from './paths.js';

export type CliRun = { status: number | null; stdout: string; stderr: string; json?: { status: number; result?: unknown; name?: string; message?: string } };

/** Runs ./bin/run.js (the built plugin, as users of bin/run.js do) on this Node, optionally with --json. */
export function runPlugin(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true', ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  let json;
  if (args.includes('--json')) {
    try {
      json = JSON.parse(r.stdout) as CliRun['json'];
    } catch {
      json = undefined;
    }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

/**
 * The same, without blocking this process's event loop: an in-process org simulator must go on
 * answering while the child talks to it.
 */
export async function runPluginAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  let json;
  if (args.includes('--json')) {
    try {
      json = JSON.parse(stdout) as CliRun['json'];
    } catch {
      json = undefined;
    }
  }
  return { status, stdout, stderr, json };
}
