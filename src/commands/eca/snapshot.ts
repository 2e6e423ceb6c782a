import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { SnapshotResult } from '../../operations/snapshot.js';

export type { SnapshotAppResult, SnapshotResult } from '../../operations/snapshot.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.snapshot');

export default class Snapshot extends EcaCommand<SnapshotResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'snapshot';
  public static readonly errorCodes = errorCodesHelp('snapshot');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary'), required: true }),
    'include-credentials': Flags.boolean({ summary: messages.getMessage('flags.include-credentials.summary'), default: false }),
    'passphrase-stdin': Flags.boolean({ summary: messages.getMessage('flags.passphrase-stdin.summary'), default: false, dependsOn: ['include-credentials'] }),
    'allow-secret-access': Flags.boolean({ summary: messages.getMessage('flags.allow-secret-access.summary'), default: false, dependsOn: ['include-credentials'] }),
  };

  public async run(): Promise<SnapshotResult> {
    const { flags } = await this.parse(Snapshot);
    const [op, { stagesView, watched }] = await Promise.all([import('../../operations/snapshot.js'), import('../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = await stagesView({
      stages: op.SNAPSHOT_STAGES,
      title: messages.getMessage('stages.title', [org.name]),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'App', key: 'app' },
        { label: 'Secret access', key: 'access' },
        { label: 'Folder', key: 'folder' },
      ],
    });
    const result = await watched(view, (onProgress) => op.takeSnapshot(
      {
        org,
        outputDir: flags['output-dir'],
        includeCredentials: flags['include-credentials'],
        passphraseStdin: flags['passphrase-stdin'],
        allowSecretAccess: flags['allow-secret-access'],
        apiVersion: flags['api-version'],
      },
      onProgress
    ));
    this.render(result);
    return result;
  }

  private render(r: SnapshotResult): void {
    for (const w of r.warnings) this.warn(w);
    for (const s of r.skipped) this.warn(`${s.component}: ${s.message}`);
    if (r.apps.length === 0) {
      this.log(messages.getMessage('noApps', [r.org.name]));
    } else {
      this.table({
        data: r.apps.map((a) => ({
          App: a.name,
          Kind: a.kind === 'eca' ? 'ECA' : 'Connected App',
          Distribution: a.distributionState ?? '',
          Files: String(a.components),
          Credentials: a.credentials ? 'sealed' : '',
        })),
        title: messages.getMessage('title', [r.org.name, r.org.id]),
      });
    }
    this.logSuccess(messages.getMessage('written', [String(r.apps.length), r.outputDir]));
    if (r.credentials.included) this.log(messages.getMessage('credentialsSealed', [String(r.credentials.apps.length), `${r.outputDir}/credentials.vault`]));
  }
}
