import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import type { LoginClientCredentialsResult } from '../../../operations/loginClientCredentials.js';

export type { LoginClientCredentialsResult } from '../../../operations/loginClientCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.login.client-credentials');

export default class LoginClientCredentials extends EcaCommand<LoginClientCredentialsResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'loginClientCredentials';
  public static readonly errorCodes = errorCodesHelp('loginClientCredentials');
  /** no org flag: errors name the alias being made */
  protected static readonly orgFlags: ReadonlyArray<readonly [string, string?]> = [['alias', 'a']];

  public static readonly flags = {
    'instance-url': Flags.string({ char: 'r', summary: messages.getMessage('flags.instance-url.summary'), required: true }),
    'client-id': Flags.string({ char: 'i', summary: messages.getMessage('flags.client-id.summary'), required: true }),
    alias: Flags.string({ char: 'a', summary: messages.getMessage('flags.alias.summary'), required: true }),
    'set-default': Flags.boolean({ char: 's', summary: messages.getMessage('flags.set-default.summary'), default: false }),
    'secret-stdin': Flags.boolean({ summary: messages.getMessage('flags.secret-stdin.summary'), default: false }),
  };

  public async run(): Promise<LoginClientCredentialsResult> {
    const { flags } = await this.parse(LoginClientCredentials);
    const [{ loginClientCredentials }, { spinnerView }] = await Promise.all([import('../../../operations/loginClientCredentials.js'), import('../../../shared/progress.js')]);
    const view = spinnerView(this.spinner, this.jsonEnabled(), (stage, d) =>
      stage === 'Requesting' ? messages.getMessage('spinner.token', [d?.endpoint ?? '']) : messages.getMessage('spinner.store', [d?.alias ?? ''])
    );
    const result = await loginClientCredentials(
      { instanceUrl: flags['instance-url'], clientId: flags['client-id'], alias: flags.alias, setDefault: flags['set-default'], secretStdin: flags['secret-stdin'] },
      view.onProgress
    );
    view.stop();
    this.logSuccess(messages.getMessage('success', [result.instanceUrl, result.username, result.alias]));
    return result;
  }
}
