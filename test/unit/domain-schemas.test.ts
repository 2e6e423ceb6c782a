import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/paths.js';

describe('schemas of domain documents (snapshot.json, the diff result)', () => {
  it('are generated from the current types', function () {
    this.timeout(120_000);
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-domain-schemas.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).to.contain('up to date');
  });
});
