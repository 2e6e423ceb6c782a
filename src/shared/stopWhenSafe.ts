/**
 * A signal that comes while files are being written waits until they are all in place or all
 * rolled back (files.ts writeFilesAtomically), so a stopped command leaves no set of files
 * half-written and no temporary copy of a secret beside its sink. Writes are local and short; a
 * second signal does not wait. No imports: the command base class loads it with every command.
 */
let depth = 0;
let pending: (() => void) | undefined;

/** Runs `work`; a stop asked for meanwhile happens when it ends (after its rollback, if it fails). */
export async function unstoppable<T>(work: () => Promise<T>): Promise<T> {
  depth++;
  try {
    return await work();
  } finally {
    depth--;
    if (depth === 0 && pending) {
      const stop = pending;
      pending = undefined;
      stop();
    }
  }
}

/** Stops now, or once the files being written are whole; a second call stops at once. */
export function stopWhenSafe(stop: () => void): void {
  if (depth === 0 || pending) return stop();
  pending = stop;
}
