/**
 * Writes a set of files all together or not at all: every file is first written beside its
 * target under a temporary name, then moved into place; if anything fails, the files already
 * moved are put back as they were and the temporary ones removed.
 *
 * `exclusive` (generate and create without --force, a generated private key): a file is placed
 * only if nothing is at its path at that instant (a hard link of the temporary file, which the
 * file system refuses when the name exists; a copy that refuses the same where links are not
 * supported). Two runs writing into one folder cannot both succeed: the second gets
 * FileExistsError and leaves nothing behind. Without it, existing files are replaced.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { unstoppable } from './stopWhenSafe.js';

export type PlannedFile = { path: string; content: string; mode?: number };

export type WriteOptions = {
  /** place a file only if its path is free at that instant; default false (replace) */
  exclusive?: boolean;
};

/** A file appeared at a path an exclusive write meant to create (another run, another tool). */
export class FileExistsError extends Error {
  public constructor(public readonly paths: readonly string[]) {
    super(`file exists: ${paths.join(', ')}`);
    this.name = 'FileExistsError';
  }
}

/** The error codes of file systems that have no hard links (the copy takes over). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Which of the paths exist already. */
export async function existingFiles(paths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(paths.map(async (p) => ((await exists(p)) ? p : undefined)));
  return found.filter((p): p is string => p !== undefined);
}

/** Puts the temporary file at `target` only if the name is free; FileExistsError otherwise. */
async function placeExclusively(temp: string, target: string): Promise<void> {
  try {
    await fs.link(temp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw new FileExistsError([target]);
    if (!NO_LINKS.has(code)) throw e;
    try {
      await fs.copyFile(temp, target, constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError([target]);
      throw copyError;
    }
  }
  await fs.rm(temp, { force: true });
}

/** A second name for the file at `path` (its old content, to put back on failure); undefined when there is none. */
async function backupOf(path: string, backup: string): Promise<string | undefined> {
  try {
    await fs.link(path, backup);
    return backup;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') return undefined;
    if (!NO_LINKS.has(code)) throw e;
  }
  try {
    await fs.copyFile(path, backup, constants.COPYFILE_EXCL);
    return backup;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The folders from `dir` up to and including `first` (the ones mkdir created), deepest first. */
function createdChain(dir: string, first: string): string[] {
  const chain: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.push(d);
    if (d === first || dirname(d) === d) return chain;
  }
}

/**
 * Writes every file or none. Folders it had to create are removed again on failure, when empty:
 * another run may have written into them meanwhile.
 */
export async function writeFilesAtomically(files: readonly PlannedFile[], options: WriteOptions = {}): Promise<void> {
  // a signal meanwhile waits for every file in place, or every one rolled back (./stopWhenSafe.ts)
  return unstoppable(() => writeAll(files, options));
}

async function writeAll(files: readonly PlannedFile[], options: WriteOptions): Promise<void> {
  const tag = `.eca-${process.pid}-${randomBytes(4).toString('hex')}`;
  const createdDirs: string[] = [];
  const staged: Array<{ file: PlannedFile; temp: string; backup?: string }> = [];
  const placed: typeof staged = [];
  try {
    for (const file of files) {
      const dir = dirname(file.path);
      const first = await fs.mkdir(dir, { recursive: true });
      if (first) createdDirs.push(...createdChain(dir, first));
      const temp = `${file.path}${tag}.tmp`;
      await fs.writeFile(temp, file.content, { mode: file.mode ?? 0o644, flag: 'wx' });
      staged.push({ file, temp });
    }
    for (const s of staged) {
      if (options.exclusive) await placeExclusively(s.temp, s.file.path);
      else {
        // the file in place is never missing: a link keeps the old one, the rename replaces it at once
        s.backup = await backupOf(s.file.path, `${s.file.path}${tag}.bak`);
        await fs.rename(s.temp, s.file.path);
      }
      placed.push(s);
      if (s.file.mode !== undefined) await fs.chmod(s.file.path, s.file.mode);
    }
  } catch (error) {
    for (const s of [...placed].reverse()) {
      if (s.backup) await fs.rename(s.backup, s.file.path).catch(() => undefined);
      else await fs.rm(s.file.path, { force: true }).catch(() => undefined);
    }
    for (const s of staged) {
      await fs.rm(s.temp, { force: true }).catch(() => undefined);
      if (s.backup && !placed.includes(s)) await fs.rm(s.backup, { force: true }).catch(() => undefined);
    }
    const dirs = [...new Set(createdDirs)].sort((a, b) => b.length - a.length);
    for (const d of dirs) await fs.rmdir(d).catch(() => undefined);
    throw error;
  }
  await Promise.all(placed.filter((s) => s.backup).map((s) => fs.rm(s.backup as string, { force: true })));
}
