import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { DisplayResult } from '../../operations/display.js';

export type { DisplayGroup, DisplayResult, DisplaySetting } from '../../operations/display.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.display');

export default class Display extends EcaCommand<DisplayResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'display';
  public static readonly errorCodes = errorCodesHelp('display');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
  };

  public async run(): Promise<DisplayResult> {
    const { flags } = await this.parse(Display);
    const [op, { spinnerView, watched }, { printKeyValues }] = await Promise.all([import('../../operations/display.js'), import('../../shared/progress.js'), import('../../shared/render.js')]);
    const view = spinnerView(this.spinner, this.jsonEnabled(), (_stage, data) => messages.getMessage('spinner', [data?.app ?? '', data?.org ?? '']), {
      line: (t) => this.logToStderr(t),
    });
    // the sf convention for showing secrets on purpose
    const showSecrets = process.env.SF_TEMP_SHOW_SECRETS === 'true';
    const result: DisplayResult = await watched(view, (onProgress) => op.displayApp({ org: this.orgRef(flags['target-org']), apiVersion: flags['api-version'], name: flags.name, showSecrets }, onProgress));

    this.styledHeader(`${result.kind === 'ExternalClientApp' ? 'External Client App' : 'Connected App'} ${result.name}`);
    for (const g of result.groups) {
      printKeyValues(this, { title: g.title, pairs: g.settings.map((s) => [s.label, s.shown] as const), empty: messages.getMessage('emptyGroup', [g.title]), headers: ['Setting', 'Value'] });
    }
    if (!showSecrets && result.groups.some((g) => g.settings.some((s) => s.value === op.REDACTED))) this.info(messages.getMessage('secretsRedacted'));
    return result;
  }
}
