import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appCredentialsFlags, credentialsStageFields } from '../../../shared/credentialsFlags.js';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../../shared/exitCodes.js';
import type { RotateResult } from '../../../operations/credentialsRotate.js';

export type { RotateResult } from '../../../operations/credentialsRotate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.rotate');

export default class Rotate extends EcaCommand<RotateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'credentialsRotate';
  public static readonly errorCodes = errorCodesHelp('credentialsRotate');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    ...appCredentialsFlags,
    'revoke-previous': Flags.boolean({ summary: messages.getMessage('flags.revoke-previous.summary'), default: false }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'skip-verify': Flags.boolean({ summary: messages.getMessage('flags.skip-verify.summary'), default: false }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), defaultValue: 2, min: 0 }),
  };

  public async run(): Promise<RotateResult> {
    const { flags } = await this.parse(Rotate);
    const [op, { stagesView, watched }] = await Promise.all([import('../../../operations/credentialsRotate.js'), import('../../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = await stagesView({
      stages: op.rotateStages(flags),
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags.name, org.name]),
      jsonEnabled: this.jsonEnabled(),
      fields: credentialsStageFields,
    });
    const result = await watched(view, (onProgress) => op.rotateCredentials({ ...flags, org, apiVersion: flags['api-version'], waitSeconds: flags.wait.seconds }, onProgress));
    this.render(result);
    process.exitCode = EXIT_CODES.credentialsRotate[op.rotateOutcome(result)];
    return result;
  }

  private render(r: RotateResult): void {
    for (const w of r.warnings) this.warn(w);
    if (r.verification.verified) this.logSuccess(messages.getMessage('verified', [r.verification.user ?? 'the run-as user']));
    if (r.dryRun) {
      this.log(messages.getMessage('successDryRun', [r.app, r.org]));
      r.plan.forEach((step, i) => this.log(`  ${i + 1}. ${step}`));
    } else {
      this.logSuccess(messages.getMessage('success', [r.app, r.org]));
      this.log(messages.getMessage('newKey', [r.consumerKey]));
      if (r.previous.revoked) this.log(messages.getMessage('previousRevoked', [r.previousConsumerKey ?? '']));
      else if (!r.previous.error) this.log(messages.getMessage('previousKept', [r.previousConsumerKey ?? '', r.previous.validUntil?.slice(0, 10) ?? '?']));
    }
    for (const n of r.next) this.log(`  ${n}`);
    if (r.secretAccess.turnedOnForCommand) this.log(messages.getMessage('secretAccess'));
  }
}
