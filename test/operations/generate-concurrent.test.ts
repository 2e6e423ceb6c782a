/**
 * Files are created exclusively (src/shared/files.ts): two `generate` runs into one folder cannot
 * both succeed without --force, and the loser leaves nothing behind; all-or-nothing still holds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateApp, type GenerateInput } from '../../src/operations/generate.js';
import { FileExistsError, writeFilesAtomically } from '../../src/shared/files.js';
import { listFiles } from '../helpers/files.js';
import { BIN, ROOT } from '../helpers/paths.js';

const input = (outputDir: string, email: string, force = false): GenerateInput => ({
  name: 'Acme_Sync',
  template: 'server-to-server',
  'run-as': 'integration@acme.example',
  'contact-email': email,
  'distribution-state': 'Local',
  'permitted-users': 'admin-approved',
  outputDir,
  force,
});

describe('exclusive, all-or-nothing writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eca-exclusive-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a file that appears before it is placed: FileExistsError, the files already placed removed, the stranger kept', async () => {
    const a = join(dir, 'new', 'a.xml');
    const b = join(dir, 'new', 'b.xml');
    const c = join(dir, 'new', 'deeper', 'c.xml');
    mkdirSync(join(dir, 'new'));
    writeFileSync(b, 'someone else');
    const err = await writeFilesAtomically(
      [
        { path: a, content: 'a' },
        { path: c, content: 'c' },
        { path: b, content: 'b' },
      ],
      { exclusive: true }
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FileExistsError);
    expect((err as FileExistsError).paths).to.deep.equal([b]);
    expect(readFileSync(b, 'utf8')).to.equal('someone else');
    expect(readdirSync(join(dir, 'new'))).to.deep.equal(['b.xml']);
  });

  it('a folder it created is removed on failure only when empty (another run may have written into it)', async () => {
    const target = join(dir, 'out', 'sub', 'x.xml');
    mkdirSync(join(dir, 'out', 'sub'), { recursive: true });
    writeFileSync(target, 'taken');
    const err = await writeFilesAtomically([{ path: join(dir, 'fresh', 'y.xml'), content: 'y' }, { path: target, content: 'x' }], { exclusive: true }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FileExistsError);
    expect(existsSync(join(dir, 'fresh'))).to.equal(false);
    expect(readFileSync(target, 'utf8')).to.equal('taken');
  });

  it('keeps the mode it was asked for (a private key: 0600)', async () => {
    const key = join(dir, 'k', 'Acme.key');
    await writeFilesAtomically([{ path: key, content: 'secret', mode: 0o600 }], { exclusive: true });
    const { statSync } = await import('node:fs');
    expect(statSync(key).mode & 0o777).to.equal(0o600);
  });

  it('two generate runs into one folder at once: exactly one wins, the other is FilesExistError and every file is the winner\'s', async () => {
    const out = join(dir, 'force-app');
    const results = await Promise.allSettled([generateApp(input(out, 'first@acme.example')), generateApp(input(out, 'second@acme.example'))]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect((lost[0].reason as Error).name).to.equal('FilesExistError');
    const winner = results[0].status === 'fulfilled' ? 'first@acme.example' : 'second@acme.example';
    const header = readFileSync(join(out, 'externalClientApps', 'Acme_Sync.eca-meta.xml'), 'utf8');
    expect(header).to.contain(`<contactEmail>${winner}</contactEmail>`);
    // no temporary file and no file of the loser left behind
    expect(listFiles(out).filter((f) => /\.eca-\d+-/.test(f))).to.deep.equal([]);
    expect(listFiles(out)).to.have.length(5);
  });

  it('with --force both may write: the last one replaces the files whole', async () => {
    const out = join(dir, 'force-app');
    await generateApp(input(out, 'first@acme.example'));
    await Promise.all([generateApp(input(out, 'second@acme.example', true)), generateApp(input(out, 'third@acme.example', true))]);
    const header = readFileSync(join(out, 'externalClientApps', 'Acme_Sync.eca-meta.xml'), 'utf8');
    expect(header).to.match(/<contactEmail>(second|third)@acme\.example<\/contactEmail>/);
    expect(listFiles(out)).to.have.length(5);
  });

  it('two processes of the built CLI at once: one exits 0, the other 1 with FilesExistError', async function () {
    if (!existsSync(join(ROOT, 'lib', 'commands', 'eca', 'generate.js'))) this.skip(); // needs npm run build
    this.timeout(60_000);
    const run = (email: string): Promise<{ status: number | null; stdout: string }> =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          [BIN, 'eca', 'generate', '--name', 'Acme_Sync', '--template', 'server-to-server', '--run-as', 'integration@acme.example', '--contact-email', email, '--output-dir', join(dir, 'out'), '--json'],
          { env: { ...process.env, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true' } }
        );
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.on('close', (status) => resolve({ status, stdout }));
      });
    const runs = await Promise.all([run('first@acme.example'), run('second@acme.example')]);
    expect(runs.map((r) => r.status).sort()).to.deep.equal([0, 1]);
    const loser = runs.find((r) => r.status === 1);
    expect((JSON.parse(loser?.stdout ?? '{}') as { name?: string }).name).to.equal('FilesExistError');
    expect(listFiles(join(dir, 'out'))).to.have.length(5);
  });
});
