import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appCredentialsFlags, credentialsStageFields } from '../../../shared/credentialsFlags.js';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import type { RevokeResult } from '../../../operations/credentialsRevoke.js';

export type { RevokeResult } from '../../../operations/credentialsRevoke.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.revoke');

export default class Revoke extends EcaCommand<RevokeResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'credentialsRevoke';
  public static readonly errorCodes = errorCodesHelp('credentialsRevoke');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    ...appCredentialsFlags,
    pending: Flags.boolean({ summary: messages.getMessage('flags.pending.summary'), default: false }),
  };

  public async run(): Promise<RevokeResult> {
    const { flags } = await this.parse(Revoke);
    const [op, { stagesView, watched }] = await Promise.all([import('../../../operations/credentialsRevoke.js'), import('../../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = await stagesView({
      stages: op.REVOKE_STAGES,
      title: messages.getMessage('stages.title', [flags.name, org.name]),
      jsonEnabled: this.jsonEnabled(),
      fields: credentialsStageFields,
    });
    const result = await watched(view, (onProgress) => op.revokeCredentials({ ...flags, org, apiVersion: flags['api-version'] }, onProgress));
    for (const w of result.warnings) this.warn(w);
    if (result.credentials) {
      const state = result.credentials.state === 'Active' ? 'pending' : result.credentials.state === 'Rotated' ? 'previous' : result.credentials.state.toLowerCase();
      this.logSuccess(messages.getMessage('success', [state, result.app, result.org, result.credentials.consumerKey ?? '']));
    }
    if (result.consumerKey) this.log(messages.getMessage('current', [result.consumerKey]));
    if (result.secretAccess.turnedOnForCommand) this.log(messages.getMessage('secretAccess'));
    return result;
  }
}
