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
