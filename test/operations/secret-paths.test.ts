/**
 * Where a secret may be written (src/shared/secretPaths.ts), on real folders: symbolic links into a
 * package directory, a package directory that is itself a link, git work trees with and without an
 * ignore rule, and a git that cannot be asked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { isInside, resolveReal, secretPathError, secretPathProblem } from '../../src/shared/secretPaths.js';

describe('secretPaths: where a secret may be written', () => {
  let root: string;
  let project: string;
  let pkg: string;
  let outside: string;

  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'eca-secret-paths-')));
    project = join(root, 'project');
    pkg = join(project, 'force-app');
    outside = join(root, 'home', '.sf-keys');
    mkdirSync(join(pkg, 'main', 'default'), { recursive: true });
    mkdirSync(outside, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('resolves links on the longest existing prefix, also for files and folders that do not exist yet', async () => {
    symlinkSync(join(pkg, 'main'), join(root, 'link'));
    expect(await resolveReal(join(root, 'link', 'keys', 'Acme.key'))).to.equal(join(pkg, 'main', 'keys', 'Acme.key'));
    expect(await resolveReal(join(root, 'nothing', 'here'))).to.equal(join(root, 'nothing', 'here'));
    expect(isInside(join(pkg, 'x'), pkg)).to.equal(true);
    expect(isInside(`${pkg}-other/x`, pkg)).to.equal(false);
  });

  it('accepts a folder outside the project and outside any work tree', async () => {
    expect(await secretPathProblem(join(outside, 'Acme.key'), [pkg])).to.equal(undefined);
  });

  it('refuses a folder inside a package directory, and a symbolic link into one (the key would be deployed)', async () => {
    expect(await secretPathProblem(join(pkg, 'keys', 'Acme.key'), [pkg])).to.deep.include({ kind: 'in-package', packageDirectory: pkg });
    const link = join(root, 'home', 'keys');
    symlinkSync(join(pkg, 'main', 'default'), link);
    const problem = await secretPathProblem(join(link, 'Acme.key'), [pkg]);
    expect(problem).to.deep.equal({ kind: 'in-package', file: join(pkg, 'main', 'default', 'Acme.key'), packageDirectory: pkg });
    const err = secretPathError(problem!, '--key-dir', '--key-dir ~/keys');
    expect(err.name).to.equal('SecretInPackageError');
    expect(err.message).to.contain(pkg).and.contain('symbolic links are followed');
    expect(err.actions?.join('\n')).to.contain('--key-dir outside every package directory');
  });

  it('refuses a key file that is itself a link into a package directory', async () => {
    writeFileSync(join(pkg, 'stolen.key'), 'x');
    symlinkSync(join(pkg, 'stolen.key'), join(outside, 'Acme.key'));
    expect(await secretPathProblem(join(outside, 'Acme.key'), [pkg])).to.deep.include({ kind: 'in-package' });
  });

  it('follows a package directory that is itself a link', async () => {
    const real = join(root, 'shared-src');
    mkdirSync(real);
    const linked = join(project, 'linked-app');
    symlinkSync(real, linked);
    expect(await secretPathProblem(join(real, 'Acme.key'), [linked])).to.deep.include({ kind: 'in-package', packageDirectory: real });
  });

  describe('in a git work tree', () => {
    const git = (...args: string[]): void => void execFileSync('git', ['-C', project, ...args], { stdio: 'ignore' });
    beforeEach(() => git('init', '--quiet'));

    it('refuses a file git would commit, and names the ignore line that fixes it', async () => {
      mkdirSync(join(project, 'keys'));
      const problem = await secretPathProblem(join(project, 'keys', 'Acme.key'), [pkg]);
      expect(problem).to.deep.equal({ kind: 'in-git', file: join(project, 'keys', 'Acme.key'), workTree: project });
      const err = secretPathError(problem!, '--key-dir', '--key-dir keys');
      expect(err.name).to.equal('SecretNotIgnoredError');
      expect(err.actions?.[0]).to.equal(`Ignore it first, for example: echo "/keys/Acme.key" >> ${join(project, '.gitignore')}`);
    });

    it('accepts a file git ignores, by a folder rule or a file pattern, also before the folder exists', async () => {
      writeFileSync(join(project, '.gitignore'), 'keys/\n*.pem\n');
      expect(await secretPathProblem(join(project, 'keys', 'Acme.key'), [pkg])).to.equal(undefined);
      expect(await secretPathProblem(join(project, 'certs', 'Acme.pem'), [pkg])).to.equal(undefined);
      expect(await secretPathProblem(join(project, 'certs', 'Acme.key'), [pkg])).to.deep.include({ kind: 'in-git' });
    });

    it('refuses a link from outside into the work tree when git does not ignore the target', async () => {
      mkdirSync(join(project, 'config'));
      symlinkSync(join(project, 'config'), join(root, 'home', 'cfg'));
      expect(await secretPathProblem(join(root, 'home', 'cfg', 'Acme.key'), [pkg])).to.deep.include({ kind: 'in-git', workTree: project });
    });

    it('an ignored folder inside a package directory is still refused (SDR deploys what git ignores)', async () => {
      writeFileSync(join(project, '.gitignore'), 'force-app/keys/\n');
      expect(await secretPathProblem(join(pkg, 'keys', 'Acme.key'), [pkg])).to.deep.include({ kind: 'in-package' });
    });

    it('refuses when git cannot be asked', async () => {
      const saved = process.env.PATH;
      process.env.PATH = join(root, 'no-bin');
      try {
        const problem = await secretPathProblem(join(project, 'Acme.key'), [pkg]);
        expect(problem).to.deep.include({ kind: 'git-unchecked', reason: 'git is not installed' });
        expect(secretPathError(problem!, '--secret-file', '--secret-file x').name).to.equal('SecretIgnoreUncheckedError');
      } finally {
        process.env.PATH = saved;
      }
    });
  });
});
