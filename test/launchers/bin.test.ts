/**
 * ./bin/run.js and ./bin/dev.js started as a user starts them: as executables, through their shebang,
 * with Node 22 first on PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { expect } from 'chai';
import { BIN, ROOT } from '../helpers/paths.js';

const DEV = join(ROOT, 'bin', 'dev.js');
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true' };

type Exit = { status: number | null; stdout: string; stderr: string };

/**
 * Runs an executable; with `closeStdoutAfter`, the reader of its stdout goes away after that many bytes
 * (0: before the first byte), as `| head -c N` does.
 */
async function exec(file: string, args: string[], options: { cwd?: string; closeStdoutAfter?: number } = {}): Promise<Exit> {
  const child = spawn(file, args, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (options.closeStdoutAfter === 0) child.stdout.destroy();
  else {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
    });
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  return { status, stdout, stderr };
}

describe('bin/run.js', () => {
  it('exits 0 without "unsettled top-level await" when the reader of stdout has gone before the first byte (| true)', async () => {
    const r = await exec(BIN, ['eca', 'generate', '--help'], { closeStdoutAfter: 0 });
    expect(r.stderr).not.to.match(/unsettled top-level await/i);
    expect(r.status).to.equal(0);
  });

  it('exits 0 when the reader goes after the first lines (| head -2)', async () => {
    const r = await exec(BIN, ['eca', 'generate', '--help'], { closeStdoutAfter: 1 });
    expect(r.stdout).to.match(/^Generate the source files/);
    expect(r.stderr).not.to.match(/unsettled top-level await/i);
    expect(r.status).to.equal(0);
  });

  it('keeps a command\'s own exit code when its reader has gone (policy check on a missing folder: 2)', async () => {
    const r = await exec(BIN, ['eca', 'policy', 'check', '--source-dir', join(tmpdir(), 'eca-no-such-dir')], { closeStdoutAfter: 0 });
    expect(r.stderr).not.to.match(/unsettled top-level await/i);
    expect(r.stderr).to.match(/SourceNotFound/);
    expect(r.status).to.equal(2);
  });
});

describe('bin/dev.js', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eca-dev-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts (no tsx "Parse error" on its own shebang) and runs a command from src/', async () => {
    const out = join(dir, 'out');
    const r = await exec(DEV, ['eca', 'generate', '--name', 'Dev_App', '--contact-email', 'dev@acme.example', '--template', 'web-app', '--callback-url', 'https://app.acme.example/cb', '--output-dir', out], { cwd: dir });
    expect(r.stderr).not.to.match(/Parse error/);
    expect(r.status, r.stderr).to.equal(0);
    expect(existsSync(join(out, 'externalClientApps', 'Dev_App.eca-meta.xml'))).to.equal(true);
  });
});
