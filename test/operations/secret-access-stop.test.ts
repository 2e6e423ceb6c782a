/**
 * Ctrl-C (or SIGTERM, or --wait running out) while the org setting "Allow access to External Client
 * App consumer secrets via REST API" is being turned on: the deploy goes on in the org, so the
 * setting could come on after the command ends and stay on. withSecretAccess turns it off again
 * and ends with the signal's own code; the work never runs.
 */
import { expect } from 'chai';
import { DeployInterruptedError } from '../../src/org/errors.js';
import type { OrgAccess } from '../../src/org/orgAccess.js';
import { withSecretAccess } from '../../src/org/orgSettings.js';
import { failure } from '../helpers/failure.js';

type Deployed = { on: unknown; cleanup?: boolean };

/** An org whose setting is off; the first deploy (turning it on) is interrupted, the next ones answer `offAnswer`. */
function fakeOrg(offAnswer: 'succeeds' | 'fails'): { access: OrgAccess; deployed: Deployed[] } {
  const deployed: Deployed[] = [];
  const access = {
    retrieve: () => Promise.resolve([]),
    deploy: (components: Array<{ values: Record<string, unknown> }>, options: { cleanup?: boolean }) => {
      deployed.push({ on: components[0].values.enableConsumerSecretApiAccess ?? Object.values(components[0].values)[0], cleanup: options.cleanup });
      if (deployed.length === 1) {
        return Promise.reject(new DeployInterruptedError({ deployId: '0Af000000000001AAA', org: 'dev', checkOnly: false, stoppedBy: 'SIGINT', resumable: true }));
      }
      return offAnswer === 'succeeds'
        ? Promise.resolve({ id: '0Af000000000002AAA', success: true, status: 'Succeeded', failures: [] })
        : Promise.reject(new Error('the org does not answer'));
    },
  } as unknown as OrgAccess;
  return { access, deployed };
}

describe('org setting: stopped while it was being turned on', () => {
  it('turns it off again (a repair deploy) and ends with the signal\'s code; the work never runs', async () => {
    const { access, deployed } = fakeOrg('succeeds');
    let worked = false;
    const err = await failure<Error & { exitCode?: number }>(
      withSecretAccess({ access, name: 'dev' }, { allow: true, retryDelayMs: 0 }, () => {
        worked = true;
        return Promise.resolve();
      })
    );
    expect(err.name).to.equal('TurnOnStoppedError');
    expect(err.exitCode).to.equal(130);
    expect(err.message).to.contain('turned off again');
    expect(worked).to.equal(false);
    expect(deployed.map((d) => d.cleanup)).to.deep.equal([false, true]);
  });

  it('says loudly that it is still on when it cannot be turned off', async () => {
    const { access, deployed } = fakeOrg('fails');
    const err = await failure<Error>(withSecretAccess({ access, name: 'dev' }, { allow: true, retryDelayMs: 0 }, () => Promise.resolve()));
    expect(err.message).to.contain('THE ORG SETTING IS STILL ON');
    expect(deployed.length).to.equal(3);
  });
});
