/**
 * The secret sink (src/shared/secretSink.ts) and its path rules (src/shared/secretPaths.ts): one
 * sink per run; files written atomically with mode 0600; env files keep their other lines; a
 * command gets the value on standard input only, its exit code is checked and its output redacted;
 * paths inside a package directory or a git work tree (unless ignored) are refused, after realpath.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chooseSink, deliver, envLine, prepareSink, splitCommand, updateEnvText } from '../../src/shared/secretSink.js';
import { checkSecretPath } from '../../src/shared/secretPaths.js';
import { failure } from '../helpers/failure.js';

const SECRET = 'B7E1F2C3D4A5968778695A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D';

describe('secret sink', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'eca-sink-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('choosing the sink', () => {
    it('takes exactly one', () => {
      expect(chooseSink({ 'secret-file': 's.txt' }, { required: true })).to.deep.equal({ kind: 'file', path: 's.txt', flag: '--secret-file' });
      expect(() => chooseSink({}, { required: true })).to.throw().with.property('name', 'NoSinkError');
      expect(chooseSink({}, { required: false })).to.equal(undefined);
      expect(() => chooseSink({ 'secret-file': 'a', 'to-command': 'gh secret set X' }, { required: true }))
        .to.throw()
        .with.property('name', 'TooManySinksError');
    });
  });

  describe('command lines', () => {
    it('splits words like a shell and refuses what only a shell understands', () => {
      expect(splitCommand('gh secret set ECA_CLIENT_SECRET --repo "acme/sync app"')).to.deep.equal(['gh', 'secret', 'set', 'ECA_CLIENT_SECRET', '--repo', 'acme/sync app']);
      expect(splitCommand("sh -c 'cat > /dev/null; echo $HOME'")).to.deep.equal(['sh', '-c', 'cat > /dev/null; echo $HOME']);
      for (const bad of ['gh secret set X | tee', 'a && b', 'a > f', 'echo $X', 'echo "$X"', 'a `b`', 'a "open']) {
        expect(() => splitCommand(bad), bad).to.throw().with.property('name', 'ShellSyntaxError');
      }
    });
  });

  describe('env files', () => {
    it('keeps other lines, replaces its own where they stand, drops duplicates and quotes what needs it', () => {
      const before = '# pipeline\nFOO=bar\nexport ECA_CLIENT_SECRET=old\nECA_CLIENT_SECRET=older\nBAZ="q"\n';
      const after = updateEnvText(before, { ECA_CLIENT_ID: 'key.1', ECA_CLIENT_SECRET: 'new' });
      expect(after).to.equal('# pipeline\nFOO=bar\nECA_CLIENT_SECRET=new\nBAZ="q"\nECA_CLIENT_ID=key.1\n');
      expect(envLine('K', 'a b"$`\\\nc')).to.equal('K="a b\\"\\$\\`\\\\\\nc"');
    });
  });

  describe('path rules', () => {
    let project: string;
    before(() => {
      project = join(dir, 'proj');
      mkdirSync(join(project, 'force-app', 'main'), { recursive: true });
      writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
      execFileSync('git', ['init', '-q', project]);
      writeFileSync(join(project, '.gitignore'), 'secrets/\n');
    });

    it('refuses a package directory, also through a symlink, and a git work tree unless ignored', async () => {
      const opts = { what: 'the consumer secret', flag: '--secret-file', cwd: project };
      expect((await failure(checkSecretPath('force-app/s.txt', opts))).name).to.equal('SecretInPackageError');
      symlinkSync(join(project, 'force-app'), join(dir, 'link-to-app'));
      expect((await failure(checkSecretPath(join(dir, 'link-to-app', 'deep', 's.txt'), opts))).name).to.equal('SecretInPackageError');
      const inTree = await failure<Error & { actions?: string[] }>(checkSecretPath('s.txt', opts));
      expect(inTree.name).to.equal('SecretNotIgnoredError');
      expect(inTree.actions?.[0]).to.contain('s.txt');
      expect(await checkSecretPath('secrets/s.txt', opts)).to.match(/secrets[/\\]s\.txt$/);
      expect(await checkSecretPath(join(dir, 'outside', 's.txt'), opts)).to.match(/outside[/\\]s\.txt$/);
    });
  });

  describe('delivery', () => {
    it('writes a secret file with mode 0600, atomically, and says when it replaced one', async () => {
      const spec = chooseSink({ 'secret-file': join(dir, 'out', 's.txt') }, { required: true });
      const sink = await prepareSink(spec as NonNullable<typeof spec>);
      const first = await deliver(sink, { value: SECRET, name: 'ECA_CLIENT_SECRET' });
      expect(first).to.deep.equal({ kind: 'file', path: join(dir, 'out', 's.txt'), replaced: false });
      expect(readFileSync(join(dir, 'out', 's.txt'), 'utf8')).to.equal(`${SECRET}\n`);
      if (process.platform !== 'win32') expect(statSync(join(dir, 'out', 's.txt')).mode & 0o777).to.equal(0o600);
      expect((await deliver(sink, { value: 'x'.repeat(10), name: 'ECA_CLIENT_SECRET' })).replaced).to.equal(true);
    });

    it('updates an env file, keeping its other lines, mode 0600', async () => {
      const file = join(dir, 'ci.env');
      writeFileSync(file, 'OTHER=1\n', { mode: 0o644 });
      const sink = await prepareSink({ kind: 'env-file', path: file, flag: '--to-env-file' });
      const r = await deliver(sink, { value: SECRET, name: 'ECA_CLIENT_SECRET', extra: { ECA_CLIENT_ID: '3MVG9key' } });
      expect(r.names).to.deep.equal(['ECA_CLIENT_ID', 'ECA_CLIENT_SECRET']);
      expect(readFileSync(file, 'utf8')).to.equal(`OTHER=1\nECA_CLIENT_ID=3MVG9key\nECA_CLIENT_SECRET=${SECRET}\n`);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).to.equal(0o600);
    });

    it('gives a command the value on standard input only, and shows its output with the value redacted', async () => {
      const script = join(dir, 'take.mjs');
      const got = join(dir, 'taken.json');
      writeFileSync(
        script,
        "import { writeFileSync } from 'node:fs';\nlet s = '';\nprocess.stdin.on('data', (d) => (s += d)).on('end', () => {\n  writeFileSync(process.argv[2], JSON.stringify({ stdin: s, argv: process.argv, env: process.env }));\n  console.log('received ' + s);\n  process.exit(process.argv[3] === 'fail' ? 4 : 0);\n});\n"
      );
      const ok = await deliver(await prepareSink({ kind: 'command', command: `node ${script} ${got}`, flag: '--to-command' }), { value: SECRET, name: 'X' });
      const seen = JSON.parse(readFileSync(got, 'utf8')) as { stdin: string; argv: string[]; env: Record<string, string> };
      expect(seen.stdin).to.equal(SECRET);
      expect(JSON.stringify(seen.argv)).to.not.contain(SECRET);
      expect(JSON.stringify(seen.env)).to.not.contain(SECRET);
      expect(ok.exitCode).to.equal(0);
      expect(ok.output).to.contain('received').and.not.contain(SECRET);
      const bad = await failure<Error>(deliver(await prepareSink({ kind: 'command', command: `node ${script} ${got} fail`, flag: '--to-command' }), { value: SECRET, name: 'X' }));
      expect(bad.name).to.equal('CommandFailedError');
      expect(bad.message).to.contain('exited with 4').and.not.contain(SECRET);
      expect((await failure(prepareSink({ kind: 'command', command: 'no-such-program-eca', flag: '--to-command' }))).name).to.equal('CommandNotFoundError');
    });
  });
});
