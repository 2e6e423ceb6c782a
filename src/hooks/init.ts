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
 */
import * as nodeModule from 'node:module';
import { join } from 'node:path';

/** What oclif gives a hook as `this` (the part used here). */
type HookContext = { config: { cacheDir: string } };
type CompileCache = { enableCompileCache?: (dir?: string) => { status: number; directory?: string; message?: string } };

/** Whether a command id (as oclif normalizes it: "eca:report") is one of this plugin's. */
export function isOurCommand(id: string | undefined): boolean {
  return id === 'eca' || (id?.startsWith('eca:') ?? false);
}

/**
 * Turns the compile cache on for one of our commands; returns the folder Node uses, or undefined
 * (another command, a Node without the API, disabled, or a folder Node could not use).
 */
export function enableCompileCache(id: string | undefined, cacheDir: string, env: NodeJS.ProcessEnv = process.env, api: CompileCache = nodeModule as CompileCache): string | undefined {
  if (!isOurCommand(id) || typeof api.enableCompileCache !== 'function' || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  // with NODE_COMPILE_CACHE set, Node enabled it at start-up in that folder and this is a no-op
  return api.enableCompileCache(env.NODE_COMPILE_CACHE ? undefined : join(cacheDir, 'compile-cache')).directory;
}

const hook = function (this: HookContext, options: { id?: string }): Promise<void> {
  enableCompileCache(options.id, this.config.cacheDir);
  return Promise.resolve();
};

export default hook;
