/**
 * The one exit-code table: every code a command can end with has help text, every command that
 * deploys documents 69/130/143, and the shared mapping keeps a deploy-stop error's code whatever
 * the command's own codes are (so a new command that deploys needs nothing but the spread).
 */
import { expect } from 'chai';
import { DeployInProgressError, DeployInterruptedError } from '../../src/org/errors.js';
import { errorCodesHelp } from '../../src/shared/ecaCommand.js';
import { documentedError } from '../../src/shared/errorMapping.js';
import { type CommandId, DEPLOY_EXIT_CODES, EXIT_CODES, FAILURE_CODES } from '../../src/shared/exitCodes.js';

// restore and cert rotate deploy apps; snapshot and the credentials commands deploy the org setting (--allow-secret-access)
const DEPLOYING: readonly CommandId[] = ['create', 'convert', 'migrate', 'restore', 'certRotate', 'snapshot', 'credentialsStage', 'credentialsRotate', 'credentialsRevoke', 'credentialsStatus'];

describe('exit-code table', () => {
  it('every code of every command has its help text (the command\'s own, or the shared deploy.* one)', () => {
    for (const command of Object.keys(EXIT_CODES) as CommandId[]) {
      const help = errorCodesHelp(command);
      const body = JSON.stringify(help);
      for (const [name, code] of Object.entries(EXIT_CODES[command])) expect(body, command).to.contain(`${name} (${code})`);
    }
  });

  it('every command that deploys documents 69, 130 and 143; no other command does', () => {
    for (const command of Object.keys(EXIT_CODES) as CommandId[]) {
      const row = EXIT_CODES[command] as Record<string, number>;
      for (const [name, code] of Object.entries(DEPLOY_EXIT_CODES)) {
        if (DEPLOYING.includes(command)) expect(row[name], `${command}.${name}`).to.equal(code);
        else expect(Object.values(row), command).not.to.include(code);
      }
    }
    expect(JSON.stringify(errorCodesHelp('convert'))).to.contain('Interrupted (130)').and.contain('Terminated (143)').and.contain('InProgress (69)');
  });

  it('the mapping keeps a deploy stop\'s code, with its ID, for any command', () => {
    const stop = new DeployInterruptedError({ deployId: '0Af000000000001AAA', org: 'dev', checkOnly: false, stoppedBy: 'SIGTERM', resumable: false });
    const mapped = documentedError(stop, FAILURE_CODES.create, 'dev') as DeployInterruptedError;
    expect(mapped).to.include({ name: 'DeployInterruptedError', exitCode: 143 });
    expect(mapped.actions).to.deep.equal([
      'Follow it to the end: sf project deploy report --job-id 0Af000000000001AAA --target-org dev --wait 33',
      'See where it stands: sf project deploy report --job-id 0Af000000000001AAA --target-org dev',
      'Stop it: sf project deploy cancel --job-id 0Af000000000001AAA --target-org dev',
    ]);
    const running = new DeployInProgressError({ deployId: '0Af000000000002AAA', org: 'uat', checkOnly: true, stoppedBy: 'failed', detail: 'UNKNOWN_EXCEPTION: ErrorId 1234567890-12345 (-1234567890)', resumable: true });
    const inProgress = documentedError(running, FAILURE_CODES.policyCheck, 'uat') as DeployInProgressError;
    expect(inProgress.exitCode).to.equal(69);
    expect(inProgress.message).to.equal(
      'The status request for the validation (check-only deploy) 0Af000000000002AAA in uat failed: UNKNOWN_EXCEPTION: ErrorId 1234567890-12345, -1234567890. It goes on in the org and changes nothing there.'
    );
  });
});
