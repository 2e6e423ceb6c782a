import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { ListResult } from '../../operations/list.js';

export type { AppRow, ListResult } from '../../operations/list.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.list');

export default class List extends EcaCommand<ListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'list';
  public static readonly errorCodes = errorCodesHelp('list');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'no-connected-apps': Flags.boolean({ summary: messages.getMessage('flags.no-connected-apps.summary'), default: false }),
  };

  public async run(): Promise<ListResult> {
    const { flags } = await this.parse(List);
    const [{ listApps }, { spinnerView }] = await Promise.all([import('../../operations/list.js'), import('../../shared/progress.js')]);
    const view = spinnerView(this.spinner, this.jsonEnabled(), (_stage, data) => messages.getMessage('spinner', [data?.org ?? '']));
    const result = await listApps({ org: this.orgRef(flags['target-org']), apiVersion: flags['api-version'], connectedApps: !flags['no-connected-apps'] }, view.onProgress);
    view.stop();
    this.render(result);
    return result;
  }

  private render(r: ListResult): void {
    if (r.apps.length === 0) {
      this.warn(messages.getMessage('noApps', [r.username]));
      return;
    }
    const ecas = r.apps.filter((a) => a.kind === 'ExternalClientApp').length;
    this.table({
      data: r.apps.map((a) => ({
        Name: a.name,
        Kind: a.kind === 'ExternalClientApp' ? 'ECA' : 'Connected App',
        Distribution: a.namespacePrefix ? `${a.distributionState ?? 'Installed'} (${a.namespacePrefix})` : (a.distributionState ?? ''),
        'Permitted Users': a.permittedUsers ?? '',
        'Refresh Token': a.refreshTokenPolicy ?? '',
        'IP Relaxation': a.ipRelaxation ?? '',
        Flows: a.flows.join(', '),
      })),
      title: messages.getMessage('title', [String(ecas), String(r.apps.length - ecas)]),
    });
  }
}
