/** .ci/check-node22, which .ci/run calls after npm ci: CI stops loudly unless the project got Node 22. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/paths.js';

const CHECK = join(ROOT, '.ci', 'check-node22');

describe('.ci/check-node22', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'eca-ci-'));
    mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const check = () => spawnSync(CHECK, [root], { encoding: 'utf8' });

  it('fails, naming the missing binary and the allowScripts approval, when node_modules/.bin/node is missing', () => {
    const r = check();
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include(join(root, 'node_modules', '.bin', 'node')).and.include('is missing').and.include('allowScripts');
  });

  it('fails when the binary is a dangling link (the node package without its preinstall)', () => {
    symlinkSync('../node/bin/node', join(root, 'node_modules', '.bin', 'node'));
    expect(check().status).to.equal(1);
  });

  it('fails when node_modules/.bin/node is another Node', () => {
    const fake = join(root, 'node_modules', '.bin', 'node');
    writeFileSync(fake, '#!/bin/sh\necho 20.20.2\n');
    chmodSync(fake, 0o755);
    const r = check();
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('is Node 20.20.2, not Node 22');
  });

  it('passes on this checkout, whose node_modules/.bin/node is Node 22', () => {
    const r = spawnSync(CHECK, [ROOT], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Node 22\./);
  });
});
