import { relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../shared/exitCodes.js';
import type { MigrateResult } from '../../operations/migrate.js';

export type { MigratedApp, MigratedField, MigrateResult, TargetOutcome } from '../../operations/migrate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.migrate');

export default class Migrate extends EcaCommand<MigrateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'migrate';
  public static readonly errorCodes = errorCodesHelp('migrate');
  protected static readonly orgFlags = [['source-org', 's'], ['target-org', 'o']] as const;

  public static readonly flags = {
    'source-org': Flags.string({ char: 's', summary: messages.getMessage('flags.source-org.summary'), required: true }),
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary'), required: true, multiple: true }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true, exclusive: ['all'] }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary') }),
    mapping: Flags.file({ char: 'm', summary: messages.getMessage('flags.mapping.summary'), exists: true }),
    'keep-consumer-key': Flags.boolean({ summary: messages.getMessage('flags.keep-consumer-key.summary'), default: false }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    'fail-fast': Flags.boolean({ summary: messages.getMessage('flags.fail-fast.summary'), default: false }),
    'report-file': Flags.file({ summary: messages.getMessage('flags.report-file.summary') }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), defaultValue: 10, min: 1 }),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<MigrateResult> {
    const { flags } = await this.parse(Migrate);
    const [op, { stagesView }] = await Promise.all([import('../../operations/migrate.js'), import('../../shared/progress.js')]);
    const view = stagesView({
      stages: op.MIGRATE_STAGES,
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags['source-org'], flags['target-org'].join(', ')]),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'Target', key: 'target' },
        { label: 'Status', key: 'status' },
      ],
    });
    try {
      const result = await op.migrateApps(
        {
          sourceOrg: flags['source-org'],
          targetOrgs: flags['target-org'],
          names: flags.name,
          all: flags.all ?? false,
          mapping: flags.mapping,
          keepConsumerKey: flags['keep-consumer-key'],
          dryRun: flags['dry-run'],
          outputDir: flags['output-dir'],
          failFast: flags['fail-fast'],
          reportFile: flags['report-file'],
          wait: flags.wait,
          apiVersion: flags['api-version'],
        },
        view.onProgress
      );
      view.stop(result.targets.some((t) => t.status === 'failed') ? 'failed' : 'completed');
      process.exitCode = EXIT_CODES.migrate[op.migrateOutcome(result)];
      this.render(result);
      return result;
    } catch (e) {
      view.error();
      throw e;
    }
  }

  private render(r: MigrateResult): void {
    for (const s of r.skipped) this.info(`${s.name}: ${s.reason}`);
    this.table({
      data: r.targets.flatMap((t) =>
        t.apps.length
          ? t.apps.map((a) => ({ Target: t.org, App: a.name, Was: a.status, Result: t.status, 'Fields changed': String(a.diff.length) }))
          : [{ Target: t.org, App: '', Was: '', Result: t.status, 'Fields changed': '' }]
      ),
      title: messages.getMessage('title', [r.source.org]),
    });
    for (const t of r.targets) {
      if (t.message) (t.status === 'failed' ? this.warn.bind(this) : this.log.bind(this))(`${t.org}: ${t.message}`);
      for (const m of t.missing) this.warn(`${t.org}: ${m.message} ${m.fix}`);
      for (const p of t.problems) this.warn(`${t.org}: ${p.app}: ${p.message}`);
    }
    if (r.reportFile) this.logSuccess(messages.getMessage('reportWritten', [relative(process.cwd(), r.reportFile) || r.reportFile]));
  }
}
