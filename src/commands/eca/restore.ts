import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../shared/exitCodes.js';
import type { RestoreResult } from '../../operations/restore.js';

export type { RestoredApp, RestorePhaseResult, RestoreResult } from '../../operations/restore.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.restore');

export default class Restore extends EcaCommand<RestoreResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'restore';
  public static readonly errorCodes = errorCodesHelp('restore');

  public static readonly flags = {
    snapshot: Flags.directory({ summary: messages.getMessage('flags.snapshot.summary'), required: true }),
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary'), required: true }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true }),
    mapping: Flags.file({ char: 'm', summary: messages.getMessage('flags.mapping.summary'), exists: true }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'passphrase-stdin': Flags.boolean({ summary: messages.getMessage('flags.passphrase-stdin.summary'), default: false, exclusive: ['skip-credentials'] }),
    'skip-credentials': Flags.boolean({ summary: messages.getMessage('flags.skip-credentials.summary'), default: false }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), defaultValue: 10, min: 1 }),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<RestoreResult> {
    const { flags } = await this.parse(Restore);
    const [op, { stagesView }] = await Promise.all([import('../../operations/restore.js'), import('../../shared/progress.js')]);
    const view = await stagesView({
      stages: op.RESTORE_STAGES,
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags.snapshot, flags['target-org']]),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'Phase', key: 'phase' },
        { label: 'Status', key: 'status' },
        { label: 'Deploy ID', key: 'deploy' },
        { label: 'App', key: 'app' },
      ],
    });
    try {
      const result = await op.restoreSnapshot(
        {
          snapshot: flags.snapshot,
          org: { name: flags['target-org'] },
          names: flags.name,
          mapping: flags.mapping,
          dryRun: flags['dry-run'],
          passphraseStdin: flags['passphrase-stdin'],
          skipCredentials: flags['skip-credentials'],
          wait: flags.wait,
          apiVersion: flags['api-version'],
        },
        view.onProgress
      );
      view.stop(result.status === 'failed' || result.status === 'partial' ? 'failed' : 'completed');
      process.exitCode = EXIT_CODES.restore[op.restoreOutcome(result)];
      this.render(result);
      return result;
    } catch (e) {
      view.error();
      throw e;
    }
  }

  private render(r: RestoreResult): void {
    this.table({
      data: r.apps.map((a) => ({
        App: a.name,
        Action: a.action,
        Credentials: a.credentials === 'none' ? '' : a.credentials,
        Login: a.login?.status ?? '',
        Why: a.reason,
      })),
      title: messages.getMessage('title', [r.snapshot.dir, r.target.org]),
      overflow: 'wrap',
    });
    const mapped = r.users.filter((u) => u.to !== undefined && u.to !== u.from);
    if (mapped.length) {
      this.table({ data: mapped.map((u) => ({ From: u.from, To: u.to ?? '', Rule: u.rule ?? '' })), title: messages.getMessage('title.users'), overflow: 'wrap' });
    }
    for (const a of r.apps.filter((x) => x.action === 'update')) for (const c of a.changes) this.log(`  ${a.name}: ${c.setting}: ${String(c.current ?? '(not set)')} -> ${String(c.desired ?? '(not set)')}`);
    for (const s of r.settings) this.info(`ExternalClientAppSettings.${s.setting}: ${String(s.target ?? '(not set)')} in ${r.target.org}, ${String(s.snapshot ?? '(not set)')} in the snapshot`);
    for (const p of r.problems) (p.severity === 'error' ? this.warn.bind(this) : this.info.bind(this))(`${p.app ? `${p.app}: ` : ''}${p.message}`);
    if (r.status === 'restored' || r.status === 'validated' || r.status === 'unchanged') this.logSuccess(r.message ?? '');
    else this.warn(r.message ?? '');
  }
}
