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
    const [{ listApps }, { spinnerView, watched }] = await Promise.all([import('../../operations/list.js'), import('../../shared/progress.js')]);
    const view = spinnerView(this.spinner, this.jsonEnabled(), (_stage, data) => messages.getMessage('spinner', [data?.org ?? '']), { line: (t) => this.logToStderr(t) });
    const result: ListResult = await watched(view, (onProgress) => listApps({ org: this.orgRef(flags['target-org']), apiVersion: flags['api-version'], connectedApps: !flags['no-connected-apps'] }, onProgress));
    await this.render(result, !flags['no-connected-apps']);
    return result;
  }

  private async render(r: ListResult, withConnectedApps: boolean): Promise<void> {
    const [{ printTable }, { permittedUsersWords }] = await Promise.all([import('../../shared/render.js'), import('../../domain/setupLabels.js')]);
    if (r.apps.length === 0) {
      this.log(messages.getMessage(withConnectedApps ? 'noApps' : 'noEcas', [r.org]));
      return;
    }
    // one table per kind, so no column says which kind a row is
    const kinds = [
      { kind: 'ExternalClientApp', title: 'titleEcas' },
      { kind: 'ConnectedApp', title: 'titleConnectedApps' },
    ] as const;
    for (const { kind, title } of kinds) {
      const apps = r.apps.filter((a) => a.kind === kind);
      if (apps.length === 0 || (kind === 'ConnectedApp' && !withConnectedApps)) continue;
      printTable(this, {
        title: messages.getMessage(title, [String(apps.length), r.org]),
        empty: '',
        columns: [
          { key: 'name', name: 'Name', whole: true },
          { key: 'distribution', name: 'Distribution' },
          { key: 'permittedUsers', name: 'Permitted Users' },
          { key: 'refreshToken', name: 'Refresh Token' },
          { key: 'ipRelaxation', name: 'IP Relaxation' },
          { key: 'flows', name: 'Flows' },
        ],
        data: apps.map((a) => ({
          name: a.name,
          distribution: a.namespacePrefix ? `${a.distributionState ?? 'Installed'} (${a.namespacePrefix})` : (a.distributionState ?? ''),
          permittedUsers: permittedUsersWords(a.permittedUsers) ?? '',
          refreshToken: a.refreshTokenPolicy ?? '',
          ipRelaxation: a.ipRelaxation ?? '',
          flows: a.flows.join(', '),
        })),
      });
    }
    if (withConnectedApps && !r.apps.some((a) => a.kind === 'ConnectedApp')) this.log(messages.getMessage('noConnectedApps', [r.org]));
    if (!r.apps.some((a) => a.kind === 'ExternalClientApp')) this.log(messages.getMessage('noEcas', [r.org]));
  }
}
