import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appCredentialsFlags, secretSinkFlags, credentialsStageFields } from '../../../shared/credentialsFlags.js';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import type { StageResult } from '../../../operations/credentialsStage.js';

export type { StageResult } from '../../../operations/credentialsStage.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.stage');

export default class Stage extends EcaCommand<StageResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'credentialsStage';
  public static readonly errorCodes = errorCodesHelp('credentialsStage');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    ...appCredentialsFlags,
    ...secretSinkFlags,
    'revoke-previous': Flags.boolean({ summary: messages.getMessage('flags.revoke-previous.summary'), default: false }),
  };

  public async run(): Promise<StageResult> {
    const { flags } = await this.parse(Stage);
    const [op, { stagesView, watched }] = await Promise.all([import('../../../operations/credentialsStage.js'), import('../../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = await stagesView({
      stages: op.STAGE_STAGES,
      title: messages.getMessage('stages.title', [flags.name, org.name]),
      jsonEnabled: this.jsonEnabled(),
      fields: credentialsStageFields,
    });
    const result = await watched(view, (onProgress) => op.stageCredentials({ ...flags, org, apiVersion: flags['api-version'] }, onProgress));
    this.render(result);
    return result;
  }

  private render(r: StageResult): void {
    for (const w of r.warnings) this.warn(w);
    this.logSuccess(messages.getMessage('success', [r.app, r.org, r.stagedId]));
    const d = r.delivered;
    if (d.kind === 'file') this.log(messages.getMessage('delivered.file', [d.path ?? '']));
    else if (d.kind === 'env-file') this.log(messages.getMessage('delivered.env', [(d.names ?? []).join(' and '), d.path ?? '']));
    else this.log(messages.getMessage('delivered.command', [d.command ?? '']));
    if (d.output) this.log(d.output);
    // a consumer key can be long: printed on its own line, never cut in a table
    this.log(messages.getMessage('newKey', [r.consumerKey]));
    if (r.expirationDate) this.log(messages.getMessage('expires', [r.expirationDate.slice(0, 10)]));
    if (r.secretAccess.turnedOnForCommand) this.log(messages.getMessage('secretAccess'));
    this.log(messages.getMessage('next'));
    for (const n of r.next) this.log(`  ${n}`);
  }
}
