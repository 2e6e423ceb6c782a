/**
 * `--help` is answered from oclif.manifest.json without importing the command module (and with it our
 * copies of @salesforce/core, jsforce, ink, ...): the figure itself is npm run bench's, this is the
 * mechanism. A load hook reports every command module Node loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN, ROOT } from '../helpers/paths.js';

const HOOK = 'data:text/javascript,import{registerHooks}from"node:module";registerHooks({load(u,c,n){if(u.includes("/lib/commands/"))process.stderr.write("LOADED "+u+"\\n");return n(u,c)}})';
const loaded = (args: string[]): string[] => {
  const r = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], { encoding: 'utf8', env: { ...process.env, SF_DISABLE_TELEMETRY: 'true' } });
  return [...r.stderr.matchAll(/^LOADED (.*)$/gm)].map((m) => m[1]);
};
const STATIC_HELP = join(ROOT, 'scripts', 'static-help.mjs');

/**
 * Modules of the terminal's stages view a run loads: MultiStageOutput and its own copies of ink and
 * react (sf-plugins-core loads another ink for its tables in every command; that one is not ours to skip).
 */
const DRAWING = 'data:text/javascript,import{registerHooks}from"node:module";registerHooks({load(u,c,n){if(u.includes("/@oclif/multi-stage-output/"))process.stderr.write("DRAWS "+u+"\\n");return n(u,c)}})';
const drawing = (args: string[]): { modules: string[]; status: number | null } => {
  const r = spawnSync(process.execPath, ['--import', DRAWING, BIN, ...args], { encoding: 'utf8', env: { ...process.env, SF_DISABLE_TELEMETRY: 'true' } });
  return { modules: [...r.stderr.matchAll(/^DRAWS (.*)$/gm)].map((m) => m[1]), status: r.status };
};

describe('--help from the manifest', () => {
  const commands = Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> }).commands);

  it('imports no command module for the help of any command', () => {
    expect(commands).to.include('eca:list');
    for (const id of commands) expect(loaded([...id.split(':'), '--help']), id).to.deep.equal([]);
  });

  it('imports the command once it runs (the hook sees it): -o with an unknown alias', () => {
    expect(loaded(['eca', 'list', '-o', 'no-such-org-alias'])).to.have.length(1).and.satisfy((l: string[]) => l[0].endsWith('/lib/commands/eca/list.js'));
  });

  it('a command under --json or in a pipe loads no MultiStageOutput (with its own ink and react): only a terminal draws stages', () => {
    // the hook does see them: the stages view of a terminal loads MultiStageOutput
    const probe = spawnSync(process.execPath, ['--import', DRAWING, '-e', 'import("@oclif/multi-stage-output")'], { encoding: 'utf8', cwd: ROOT });
    expect(probe.stderr).to.match(/^DRAWS .*multi-stage-output/m);
    // list (a spinner), diff (stages) and policy check, refused or failing early, with and without --json, stdout a pipe
    for (const args of [
      ['eca', 'list', '-o', 'no-such-org-alias', '--json'],
      ['eca', 'list', '-o', 'no-such-org-alias'],
      ['eca', 'diff', '--source-dir', 'no-such-dir-a', '--source-dir', 'no-such-dir-b', '--json'],
      ['eca', 'diff', '--source-dir', 'no-such-dir-a', '--source-dir', 'no-such-dir-b'],
      ['eca', 'policy', 'check', '-o', 'no-such-org-alias', '--json'],
    ]) {
      const run = drawing(args);
      expect(run.status, args.join(' ')).to.not.equal(0);
      expect(run.modules, args.join(' ')).to.deep.equal([]);
    }
  });

  it('the built manifest marks no command as dynamic help (static-help --check)', () => {
    const r = spawnSync(process.execPath, [STATIC_HELP, '--check'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
  });

  describe('scripts/static-help.mjs', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eca-manifest-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const manifest = (flags: Record<string, unknown>): string => {
      const file = join(dir, 'oclif.manifest.json');
      writeFileSync(file, JSON.stringify({ version: '0.1.0', commands: { 'eca:x': { id: 'eca:x', hasDynamicHelp: true, flags } } }));
      return file;
    };

    it('clears the mark for target-org (never cached) and a duration whose text is cached', () => {
      const file = manifest({
        'target-org': { name: 'target-org', type: 'option', noCacheDefault: true, hasDynamicHelp: true },
        wait: { name: 'wait', type: 'option', default: '10 minutes', hasDynamicHelp: true },
      });
      const r = spawnSync(process.execPath, [STATIC_HELP, file], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      const out = JSON.parse(readFileSync(file, 'utf8')) as { commands: Record<string, { hasDynamicHelp: boolean; flags: Record<string, { default?: unknown }> }> };
      expect(out.commands['eca:x'].hasDynamicHelp).to.equal(false);
      expect(out.commands['eca:x'].flags.wait.default).to.equal('10 minutes');
    });

    it('fails the build on any other dynamic flag, naming it', () => {
      const file = manifest({ sandbox: { name: 'sandbox', type: 'option', hasDynamicHelp: true } });
      const r = spawnSync(process.execPath, [STATIC_HELP, file], { encoding: 'utf8' });
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include('eca:x: --sandbox');
    });
  });
});
