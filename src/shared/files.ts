/**
 * Writes a set of files all together or not at all: every file is first written beside its
 * target under a temporary name, then moved into place; if anything fails, the files already
 * moved are put back as they were and the temporary ones removed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export type PlannedFile = { path: string; content: string; mode?: number };

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

/** Writes every file or none. Folders it had to create are removed again on failure. */
export async function writeFilesAtomically(files: readonly PlannedFile[]): Promise<void> {
  const tag = `.eca-${process.pid}-${randomBytes(4).toString('hex')}`;
  const createdDirs: string[] = [];
  const staged: Array<{ file: PlannedFile; temp: string; backup?: string }> = [];
  const placed: typeof staged = [];
  try {
    for (const file of files) {
      const dir = dirname(file.path);
      if (!(await exists(dir))) {
        const first = await fs.mkdir(dir, { recursive: true });
        if (first) createdDirs.push(first);
      }
      const temp = `${file.path}${tag}.tmp`;
      await fs.writeFile(temp, file.content, { mode: file.mode ?? 0o644, flag: 'wx' });
      staged.push({ file, temp });
    }
    for (const s of staged) {
      if (await exists(s.file.path)) {
        s.backup = `${s.file.path}${tag}.bak`;
        await fs.rename(s.file.path, s.backup);
      }
      await fs.rename(s.temp, s.file.path);
      if (s.file.mode !== undefined) await fs.chmod(s.file.path, s.file.mode);
      placed.push(s);
    }
  } catch (error) {
    for (const s of placed.reverse()) {
      await fs.rm(s.file.path, { force: true }).catch(() => undefined);
      if (s.backup) await fs.rename(s.backup, s.file.path).catch(() => undefined);
    }
    for (const s of staged) {
      await fs.rm(s.temp, { force: true }).catch(() => undefined);
      if (s.backup && !placed.includes(s)) await fs.rename(s.backup, s.file.path).catch(() => undefined);
    }
    for (const d of createdDirs.reverse()) await fs.rm(d, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  await Promise.all(placed.filter((s) => s.backup).map((s) => fs.rm(s.backup as string, { force: true })));
}
