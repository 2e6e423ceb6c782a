/**
 * oclif `init` hook: turns on Node's module compile cache for `sf eca` commands, before the
 * command and its libraries load.
 *
 * An `sf eca` command that opens an org loads about 600 modules of its own: `@salesforce/core`,
 * jsforce, `@salesforce/sf-plugins-core` with ink and React, and this plugin. Node parses and
 * compiles each of them on every run: about half a second on this machine (README, Benchmarks).
 * With the compile cache (Node 22.1 and later), V8's compiled code for each module is kept on
 * disk and reused while the module's source is unchanged. The first run of a version writes it;
 * later runs skip most of that work.
 *
 * The hook runs before every command of every plugin, so it does nothing for anything but our
 * commands: other plugins' processes stay as the CLI runs them. Node documents the cache as a
 * quiet optimization that never stops a program (enableCompileCache does not throw; a cache that
 * cannot be written or read is only a miss).
 *
 * Where: `NODE_COMPILE_CACHE` when set (Node's own setting, read by Node itself at start-up);
 * otherwise `compile-cache` in the CLI's own cache folder (`~/.cache/sf` on Linux), which only
 * the user can write. Node's default is a folder shared by every user of the machine under the
 * system's temporary folder, where another account could leave code for this process to run.
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node's escape hatch).
 *
 * Writing the cache is not free: the first run after an install or an update produces it at exit
 * (about 1,800 modules, 10 MB) and takes 0.5 to 2 s longer than a run without it (README,
 * Benchmarks). A pipeline whose container starts empty would pay that on every job and never
 * reuse it, so in CI (as is-in-ci decides, the package ink uses in sf: `CI` or
 * `CONTINUOUS_INTEGRATION` set to anything but "0" or "false") the cache is used only when its
 * folder already exists: restored from the pipeline's cache, or made on purpose.
 */
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';

/** What oclif gives a hook as `this` (the part used here). */
type HookContext = { config: { cacheDir: string } };
type CompileCache = { enableCompileCache?: (dir?: string) => { status: number; directory?: string; message?: string } };

/** Whether a command id (as oclif normalizes it: "eca:report") is one of this plugin's. */
export function isOurCommand(id: string | undefined): boolean {
  return id === 'eca' || (id?.startsWith('eca:') ?? false);
}

/** Whether the process runs in CI, as is-in-ci (the package sf's terminal output uses) decides. */
export function inCi(env: NodeJS.ProcessEnv): boolean {
  const set = (key: string): boolean => key in env && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}

/**
 * Turns the compile cache on for one of our commands; returns the folder Node uses, or undefined
 * (another command, a Node without the API, disabled, CI without a cache folder, or a folder Node
 * could not use).
 */
export function enableCompileCache(
  id: string | undefined,
  cacheDir: string,
  env: NodeJS.ProcessEnv = process.env,
  api: CompileCache = nodeModule as CompileCache,
  exists: (path: string) => boolean = existsSync
): string | undefined {
  if (!isOurCommand(id) || typeof api.enableCompileCache !== 'function' || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  // with NODE_COMPILE_CACHE set, Node enabled it at start-up in that folder and this is a no-op
  if (env.NODE_COMPILE_CACHE) return api.enableCompileCache().directory;
  const dir = join(cacheDir, 'compile-cache');
  if (inCi(env) && !exists(dir)) return undefined;
  return api.enableCompileCache(dir).directory;
}

const hook = function (this: HookContext, options: { id?: string }): Promise<void> {
  enableCompileCache(options.id, this.config.cacheDir);
  return Promise.resolve();
};

export default hook;
