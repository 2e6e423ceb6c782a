/**
 * Where a secret or a private key may be written on disk: never inside a package directory of an
 * sfdx project (SDR would deploy it, a package would ship it), and never inside a git work tree
 * unless git ignores the path (it would be committed and pushed). Paths are compared after
 * realpath, so a symlink into force-app counts as force-app; a path that does not exist yet is
 * judged by its nearest existing folder.
 *
 * (The `create` engineer writes the same check for --key-dir on branch `create`, in a file of the
 * same name: the lead merges the two.)
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { packageDirectoryPaths } from './project.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.secretSink');

/** True when `child` is `parent` or inside it. */
export function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** The real absolute path of a file that may not exist yet: its nearest existing ancestor, realpath'd, then the rest. */
export async function realTarget(path: string): Promise<string> {
  const abs = resolve(path);
  const rest: string[] = [];
  for (let dir = abs; ; dir = dirname(dir)) {
    try {
      const real = await fs.realpath(dir);
      return rest.length ? join(real, ...rest.reverse()) : real;
    } catch {
      if (dirname(dir) === dir) return abs;
      rest.push(basename(dir));
    }
  }
}

async function realOrResolved(path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch {
    return resolve(path);
  }
}

/** The nearest existing folder at or above `path`. */
async function existingDir(path: string): Promise<string> {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      if ((await fs.stat(dir)).isDirectory()) return dir;
    } catch {
      // keep going up
    }
    if (dirname(dir) === dir) return dir;
  }
}

type GitAnswer = { code: number | 'missing'; stdout: string };

function git(args: readonly string[], cwd: string): Promise<GitAnswer> {
  return new Promise((done) => {
    execFile('git', [...args], { cwd, timeout: 15_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout) => {
      if (!error) return done({ code: 0, stdout: String(stdout) });
      const e = error as NodeJS.ErrnoException & { code?: unknown };
      done({ code: e.code === 'ENOENT' ? 'missing' : typeof e.code === 'number' ? e.code : 128, stdout: String(stdout ?? '') });
    });
  });
}

/** A `.git` folder or file at or above `dir`, for when git itself is not installed. */
async function dotGitAbove(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await fs.lstat(join(d, '.git'));
      return d;
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
}

export type SecretPathOptions = {
  /** what is written, in words: "the consumer secret", "the private key" */
  readonly what: string;
  /** the flag that named the path, for the actions */
  readonly flag: string;
  /** the folder the user works in (default process.cwd()) */
  readonly cwd?: string;
};

/**
 * Checks that a secret may be written at `path`; returns its real absolute path. Throws a named
 * error (SecretInPackageError, SecretInGitWorkTreeError, GitUnavailableError) otherwise.
 */
export async function checkSecretPath(path: string, options: SecretPathOptions): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const target = await realTarget(resolve(cwd, path));
  const near = await existingDir(dirname(target));
  // the project around the folder the user works in, and the one around the target
  const packages = [...new Set([...(await packageDirectoryPaths(cwd)), ...(await packageDirectoryPaths(near))])];
  for (const pkg of packages) {
    const realPkg = await realOrResolved(pkg);
    if (isInside(target, realPkg)) throw messages.createError('error.InPackage', [options.what, path, realPkg], [options.flag]);
  }
  const top = await git(['rev-parse', '--show-toplevel'], near);
  if (top.code === 'missing') {
    const repo = await dotGitAbove(near);
    if (repo) throw messages.createError('error.GitUnavailable', [options.what, path, repo], [options.flag]);
    return target;
  }
  if (top.code !== 0) return target; // not inside a work tree
  const root = await realOrResolved(top.stdout.trim());
  const ignored = await git(['check-ignore', '-q', '--', relative(root, target)], root);
  if (ignored.code === 0) return target;
  throw messages.createError('error.InGitWorkTree', [options.what, path, root], [relative(root, target), options.flag]);
}
