/**
 * The prerun hook's cheap part: which org a command targets (flag, environment, project config,
 * global config, alias), and whether its login is a client-credentials login of ours. Files only,
 * in a temporary home; nothing is loaded for commands without an org flag.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { flagValue, isOurLogin, targetUsernames } from '../../../src/hooks/prerun.js';

const ORG_COMMAND = { id: 'data:query', flags: { 'target-org': { name: 'target-org', char: 'o', aliases: ['targetusername', 'u'] }, query: { name: 'query', char: 'q' } } };

describe('prerun hook: the org a command targets, and whose login it is', () => {
  let home: string;
  let project: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'eca-hook-home-'));
    mkdirSync(join(home, '.sfdx'));
    mkdirSync(join(home, '.sf'));
    writeFileSync(join(home, '.sfdx', 'alias.json'), JSON.stringify({ orgs: { svc: 'integration@acme.example', dev: 'admin@acme.example' } }));
    writeFileSync(join(home, '.sfdx', 'integration@acme.example.json'), JSON.stringify({ username: 'integration@acme.example', accessToken: 'encrypted', ecaLoginFlow: 'client-credentials', clientId: 'key' }));
    writeFileSync(join(home, '.sfdx', 'admin@acme.example.json'), JSON.stringify({ username: 'admin@acme.example', accessToken: 'encrypted', refreshToken: 'encrypted' }));
    writeFileSync(join(home, '.sfdx', 'weblater@acme.example.json'), JSON.stringify({ ecaLoginFlow: 'client-credentials', refreshToken: 'encrypted' }));
    writeFileSync(join(home, '.sf', 'config.json'), JSON.stringify({ 'target-org': 'dev' }));
    project = join(home, 'project');
    mkdirSync(join(project, '.sf'), { recursive: true });
    mkdirSync(join(project, 'force-app', 'deep'), { recursive: true });
    writeFileSync(join(project, 'sfdx-project.json'), '{}');
    writeFileSync(join(project, '.sf', 'config.json'), JSON.stringify({ 'target-org': 'svc' }));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('reads a flag in every form oclif takes', () => {
    for (const argv of [['--target-org', 'svc'], ['--target-org=svc'], ['-o', 'svc'], ['-osvc'], ['-o=svc'], ['-u', 'svc'], ['--targetusername', 'svc']]) {
      expect(flagValue(['-q', 'SELECT Id FROM User', ...argv], ['target-org', 'targetusername', 'u'], ['o', 'u']), argv.join(' ')).to.equal('svc');
    }
    expect(flagValue(['--', '-o', 'svc'], ['target-org'], ['o'])).to.equal(undefined);
  });

  it('resolves the flag, then SF_TARGET_ORG, then the project config, then the global config, through the aliases', () => {
    const cwd = join(home, 'elsewhere');
    expect(targetUsernames({ Command: ORG_COMMAND, argv: ['-o', 'svc'] }, {}, cwd, home)).to.deep.equal(['integration@acme.example']);
    expect(targetUsernames({ Command: ORG_COMMAND, argv: [] }, { SF_TARGET_ORG: 'svc' }, cwd, home)).to.deep.equal(['integration@acme.example']);
    expect(targetUsernames({ Command: ORG_COMMAND, argv: [] }, {}, join(project, 'force-app', 'deep'), home)).to.deep.equal(['integration@acme.example']);
    expect(targetUsernames({ Command: ORG_COMMAND, argv: [] }, {}, cwd, home)).to.deep.equal(['admin@acme.example']);
    expect(targetUsernames({ Command: ORG_COMMAND, argv: ['-o', 'someone@acme.example'] }, {}, cwd, home)).to.deep.equal(['someone@acme.example']);
  });

  it('leaves alone commands without an org flag, and the commands that log in or out', () => {
    expect(targetUsernames({ Command: { id: 'alias:list', flags: {} }, argv: [] }, { SF_TARGET_ORG: 'svc' }, home, home)).to.deep.equal([]);
    expect(targetUsernames({ Command: { ...ORG_COMMAND, id: 'org:logout' }, argv: ['-o', 'svc'] }, {}, home, home)).to.deep.equal([]);
    expect(targetUsernames({ Command: { ...ORG_COMMAND, id: 'org:login:web' }, argv: ['-o', 'svc'] }, {}, home, home)).to.deep.equal([]);
  });

  it('a login is ours only with our marker and neither a refresh token nor a JWT key', () => {
    expect(isOurLogin('integration@acme.example', home)).to.equal(true);
    expect(isOurLogin('admin@acme.example', home)).to.equal(false);
    expect(isOurLogin('weblater@acme.example', home)).to.equal(false);
    expect(isOurLogin('nobody@acme.example', home)).to.equal(false);
    expect(isOurLogin('../../etc/passwd', home)).to.equal(false);
  });
});
