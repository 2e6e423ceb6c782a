import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { makeCert } from '../helpers/certs.js';
import { ROOT } from '../helpers/paths.js';
import { runPlugin } from '../helpers/runCli.js';

function validator(command: string) {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', `${command}.json`), 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

describe('--json results follow the schemas in schemas/', () => {
  it('the schemas are generated from the current result types', function () {
    this.timeout(120_000);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-result-schemas.mjs'), '--check'], { encoding: 'utf8' });
  });

  it('eca generate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-json-'));
    const cert = join(dir, 'ci.crt');
    writeFileSync(cert, (await makeCert(365)).cert);
    const run = runPlugin(
      ['eca', 'generate', '--name', 'Acme_CI', '--template', 'jwt-ci', '--certificate', cert, '--contact-email', 'ops@acme.example', '--output-dir', join(dir, 'out'), '--json'],
      { cwd: dir }
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.json?.status).to.equal(0);
    const validate = validator('eca-generate');
    expect(validate(run.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    expect((run.json?.result as { files: unknown[] }).files).to.have.length(5);
  });

  it('eca policy check (with findings: exit 1, still a valid result)', () => {
    const run = runPlugin(['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'high', '--json'], { cwd: join(ROOT, 'examples') });
    expect(run.status, run.stderr).to.equal(1);
    expect(run.json?.status).to.equal(1);
    const validate = validator('eca-policy-check');
    expect(validate(run.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    expect((run.json?.result as { passed: boolean }).passed).to.equal(false);
  });

  it('eca convert (needs attention: exit 68, a valid result)', () => {
    const run = runPlugin(['eca', 'convert', '--source-dir', 'force-app/main/default/connectedApps', '--output-dir', join(mkdtempSync(join(tmpdir(), 'eca-json-convert-')), 'out'), '--json'], {
      cwd: join(ROOT, 'examples'),
    });
    expect(run.status, run.stderr).to.equal(68);
    const validate = validator('eca-convert');
    expect(validate(run.json?.result), JSON.stringify(validate.errors)).to.equal(true);
    expect((run.json?.result as { summary: { clean: number; attention: number } }).summary).to.deep.include({ clean: 1, attention: 2 });
  });

  it('an error under --json is a JSON error with a name, a message and actions, exit 1', () => {
    const run = runPlugin(['eca', 'generate', '--name', 'bad__name', '--template', 'device', '--contact-email', 'a@b.example', '--output-dir', tmpdir(), '--json']);
    expect(run.status).to.equal(1);
    expect(run.json).to.include({ name: 'InvalidNameError', status: 1 });
    expect((run.json as { actions?: string[] }).actions?.[0]).to.contain('bad_name');
  });
});
