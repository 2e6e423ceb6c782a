/**
 * What bin/run.js and bin/dev.js share: oclif's execute(), minus its one hang.
 *
 * execute() ends by awaiting flush(), which waits for 'drain' on stdout. When the reader of a pipe has
 * gone (`./bin/run.js ... | head`), stdout has already failed with EPIPE and never drains, so that await
 * never settles: Node 22 then exits 13 with "Warning: Detected unsettled top-level await". Nothing more
 * can reach a reader that has gone, so we skip the flush then, and exit as the command decided (like sf).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flush, handle, run, settings } from '@oclif/core';

/** @param {{ dir: string, development?: boolean, ignoreManifest?: boolean }} options */
export async function launch({ dir, development = false, ignoreManifest = false }) {
  // the reader of stdout went away (| head): nothing to report, the command goes on and exits normally
  process.stdout.on('error', (error) => {
    if (error?.code !== 'EPIPE') throw error;
  });
  if (development) {
    // what execute({ development: true }) does: oclif then registers tsx and maps lib/ to src/
    process.env.NODE_ENV = 'development';
    settings.debug = true;
  }
  try {
    await run(process.argv.slice(2), ignoreManifest ? { root: dirname(fileURLToPath(dir)), ignoreManifest } : dir);
    if (!process.stdout.errored) await flush();
  } catch (error) {
    await handle(error instanceof Error ? error : new Error(String(error)));
  }
}
