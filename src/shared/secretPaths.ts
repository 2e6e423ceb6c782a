/**
 * Where a secret may be written (a generated private key, a consumer secret): never where it would
 * be deployed or committed. A file is refused when, with symbolic links resolved on both sides,
 * - it lies inside a package directory of the sfdx project around cwd (SDR deploys and packages
 *   everything there, whatever its name), or
 * - it lies inside a git work tree and git does not ignore it (`git check-ignore`); when git cannot
 *   be asked, the file is refused too: a check that could not run never passes.
 * Shared by `create --key-dir` and the credentials commands' `--secret-file`.
 */
import { execFile } from 'node:child_process';
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Messages, type SfError } from '@salesforce/core';
import { packageDirectoryPaths } from './project.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'secretPaths');

export type SecretPathProblem =
  /** inside a package directory of sfdx-project.json */
  | { kind: 'in-package'; file: string; packageDirectory: string }
  /** inside a git work tree, not ignored */
  | { kind: 'in-git'; file: string; workTree: string }
  /** inside a git work tree, and git could not say whether it ignores the file */
  | { kind: 'git-unchecked'; file: string; workTree: string; reason: string };

/** True when `child` is `parent` or lies below it (both absolute, already resolved). */
export function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path with every symbolic link resolved, also when it (or its last folders) does not exist
 * yet: the longest existing prefix resolved, the rest appended.
 */
export async function resolveReal(path: string): Promise<string> {
  const absolute = resolve(path);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(await realpath(current), ...rest);
    } catch {
      const parent = dirname(current);
      if (parent === current) return absolute;
      rest.unshift(basename(current));
      current = parent;
    }
  }
}

/** The git work tree holding `path` (resolved), found by its `.git` entry; undefined outside one. */
async function workTreeOf(path: string): Promise<string | undefined> {
  let current = path;
  for (;;) {
    if (await exists(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Whether git ignores the file: exit 0 ignored, 1 not ignored, anything else a failure to report. */
function gitIgnores(workTree: string, file: string): Promise<{ ignored: boolean } | { reason: string }> {
  return new Promise((done) => {
    execFile('git', ['-C', workTree, 'check-ignore', '--quiet', '--', relative(workTree, file)], { timeout: 10_000 }, (error) => {
      if (!error) return done({ ignored: true });
      const code = (error as { code?: unknown }).code;
      if (code === 1) return done({ ignored: false });
      done({ reason: code === 'ENOENT' ? 'git is not installed' : error.message.split('\n')[0] });
    });
  });
}

/**
 * Why the secret file must not be written where it would land, or undefined when it may.
 * `packageDirectories`: the project's package directories (absolute); they are resolved here.
 */
export async function secretPathProblem(file: string, packageDirectories: readonly string[]): Promise<SecretPathProblem | undefined> {
  const real = await resolveReal(file);
  for (const dir of packageDirectories) {
    const pkg = await resolveReal(dir);
    if (isInside(real, pkg)) return { kind: 'in-package', file: real, packageDirectory: pkg };
  }
  const start = await resolveReal(dirname(real));
  const workTree = await workTreeOf(start);
  if (!workTree) return undefined;
  const ignored = await gitIgnores(workTree, real);
  if ('reason' in ignored) return { kind: 'git-unchecked', file: real, workTree, reason: ignored.reason };
  return ignored.ignored ? undefined : { kind: 'in-git', file: real, workTree };
}

/**
 * The named error for a problem, its actions naming the flag that chose the place (`--key-dir`,
 * `--secret-file`): SecretInPackageError, SecretNotIgnoredError, SecretIgnoreUncheckedError.
 */
export function secretPathError(problem: SecretPathProblem, flag: string, given: string): SfError {
  switch (problem.kind) {
    case 'in-package':
      return messages.createError('error.SecretInPackage', [given, problem.file, problem.packageDirectory], [flag]);
    case 'in-git':
      return messages.createError('error.SecretNotIgnored', [given, problem.file, problem.workTree], [relative(problem.workTree, problem.file).split('\\').join('/'), join(problem.workTree, '.gitignore'), flag]);
    default:
      return messages.createError('error.SecretIgnoreUnchecked', [given, problem.file, problem.workTree, problem.reason], [flag]);
  }
}

export type SecretPathOptions = {
  /** the flag that named the path, for the actions */
  readonly flag: string;
  /** the folder the user works in (default process.cwd()) */
  readonly cwd?: string;
};

/**
 * Checks that a secret may be written at `path` (relative to `cwd`) and returns its real absolute
 * path, or throws the named error of secretPathError(). The package directories are those of the
 * project around `cwd` and of the project around the target, if another.
 */
export async function checkSecretPath(path: string, options: SecretPathOptions): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const target = await resolveReal(resolve(cwd, path));
  const packages = [...new Set([...(await packageDirectoryPaths(cwd)), ...(await packageDirectoryPaths(await nearestFolder(dirname(target))))])];
  const problem = await secretPathProblem(target, packages);
  if (problem) throw secretPathError(problem, options.flag, path);
  return target;
}

/** The nearest folder at or above `dir` that exists. */
async function nearestFolder(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    if (await exists(d)) return d;
    if (dirname(d) === d) return d;
  }
}
