/**
 * Private temporary folders that go away on every path. A `finally` is not enough: when a command
 * ends with an error, oclif's error handler calls process.exit (@oclif/core errors/handle.js), so
 * a `finally` still waiting on a request (a sibling of a Promise.all that rejected first, a deploy
 * whose upload a second Ctrl-C cut short) never runs. Every folder made here is also removed,
 * synchronously, when the process exits.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();

/** Removes what is left; the process 'exit' listener while any folder lives. */
export function removeLeftoverTempDirs(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // the process is ending: nothing else to do
    }
  }
  live.clear();
  process.removeListener('exit', removeLeftoverTempDirs);
}

/** Runs `work` with a new private folder (under the system's temporary folder), removed after. */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (live.size === 0) process.on('exit', removeLeftoverTempDirs);
  live.add(dir);
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    live.delete(dir);
    if (live.size === 0) process.removeListener('exit', removeLeftoverTempDirs);
  }
}

/** The folders alive now (tests). */
export function liveTempDirs(): readonly string[] {
  return [...live];
}
