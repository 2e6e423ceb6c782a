import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appCredentialsFlags } from '../../../shared/credentialsFlags.js';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../../shared/exitCodes.js';
import type { AppStatus, StatusResult } from '../../../operations/credentialsStatus.js';

export type { AppStatus, ConsumerStatus, StatusResult } from '../../../operations/credentialsStatus.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.status');

export default class Status extends EcaCommand<StatusResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'credentialsStatus';
  public static readonly errorCodes = errorCodesHelp('credentialsStatus');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), exactlyOne: ['name', 'all'] }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), exactlyOne: ['name', 'all'] }),
    'allow-secret-access': appCredentialsFlags['allow-secret-access'],
  };

  public async run(): Promise<StatusResult> {
    const { flags } = await this.parse(Status);
    const [op, { spinnerView, watched }] = await Promise.all([import('../../../operations/credentialsStatus.js'), import('../../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = spinnerView(this.spinner, this.jsonEnabled(), () => messages.getMessage('spinner', [org.name]));
    const result = await watched(view, (onProgress) => op.credentialsStatus({ org, apiVersion: flags['api-version'], name: flags.name, all: flags.all ?? false, 'allow-secret-access': flags['allow-secret-access'] }, onProgress));
    this.render(result);
    process.exitCode = EXIT_CODES.credentialsStatus[op.statusOutcome(result)];
    return result;
  }

  private render(r: StatusResult): void {
    for (const w of r.warnings) this.warn(w);
    // one block per app: consumer keys are long, and a table would cut them
    r.apps.forEach((a, i) => {
      if (i > 0) this.log('');
      this.renderApp(a);
    });
    for (const p of r.problems) this.warn(messages.getMessage('orgProblem', [p]));
    if (r.secretAccess.turnedOnForCommand) this.log(messages.getMessage('secretAccess'));
  }

  private renderApp(a: AppStatus): void {
    this.styledHeader(messages.getMessage('app', [a.name, a.distributionState, a.createdDate ? messages.getMessage('created', [a.createdDate.slice(0, 10)]) : '']));
    if (a.consumers.length === 0 && a.problems.length === 0) this.log(messages.getMessage('noConsumers'));
    for (const c of a.consumers) {
      this.log(messages.getMessage('consumerKey', [c.key ?? c.id]));
      this.log(messages.getMessage('secretAge', [c.secretAge.text]));
      if (!a.local) this.log(messages.getMessage('notLocal'));
      else if (!c.stagedRead) this.log(messages.getMessage('stagedUnknown'));
      else if (c.pending) this.log(messages.getMessage('pending', [c.pending.since?.slice(0, 10) ?? '?', String(c.pending.days ?? '?'), c.pending.expires?.slice(0, 10) ?? '?', c.pending.key ?? '']));
      else this.log(messages.getMessage('noPending'));
      if (c.previous) this.log(messages.getMessage('previous', [c.previous.validUntil?.slice(0, 10) ?? '?', String(c.previous.daysLeft ?? '?'), c.previous.key ?? '']));
    }
    const u = a.lastTokenUse;
    if (u?.never) this.log(messages.getMessage('neverUsed'));
    else if (u) this.log(messages.getMessage('lastUse', [u.lastUsedAt ?? '?', String(u.users), String(u.tokens), u.truncated ? ', first users only' : '']));
    for (const p of a.problems) this.log(messages.getMessage('problem', [p]));
  }
}
