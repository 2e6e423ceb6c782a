import { relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags, StandardColors } from '@salesforce/sf-plugins-core';
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
    const view = await stagesView({
      stages: op.MIGRATE_STAGES,
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags['source-org'], flags['target-org'].join(', ')]),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'Target', key: 'target' },
        { label: 'Status', key: 'status' },
      ],
      line: (t) => this.logToStderr(t),
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
      const outcome = op.migrateOutcome(result);
      view.stop(outcome === 'Succeeded' ? 'completed' : 'failed');
      process.exitCode = EXIT_CODES.migrate[outcome];
      await this.render(result);
      return result;
    } catch (e) {
      view.error();
      throw e;
    }
  }

  private async render(r: MigrateResult): Promise<void> {
    const { printTable } = await import('../../shared/render.js');
    for (const s of r.skipped) this.info(`${s.name}: ${s.reason}`);
    printTable(this, {
      title: messages.getMessage('title', [r.source.org]),
      empty: messages.getMessage('noTargets'),
      columns: [
        { key: 'target', name: 'Target', whole: true },
        { key: 'app', name: 'App', whole: true },
        { key: 'was', name: 'Was' },
        { key: 'result', name: 'Result' },
        { key: 'changed', name: 'Fields changed' },
      ],
      data: r.targets.flatMap((t) => {
        const result = t.readBack === 'failed' ? 'deployed, not verified' : t.status;
        return t.apps.length
          ? t.apps.map((a) => ({ target: t.org, app: a.name, was: a.status, result, changed: String(a.diff.length) }))
          : [{ target: t.org, app: '', was: '', result, changed: '' }];
      }),
    });
    // a target that failed is an error; a note about a value, a certificate or a read-back is a warning
    const error = (text: string): void => this.logToStderr(`${StandardColors.error('Error')} ${text}`);
    for (const t of r.targets) {
      const failed = t.status === 'failed' || t.status === 'interrupted';
      if (t.message) (failed ? error : t.status === 'not-started' ? this.info.bind(this) : this.warn.bind(this))(`${t.org}: ${t.message}`);
      for (const m of t.missing) error(`${t.org}: ${m.message} ${m.fix}`);
      for (const p of t.problems) (p.severity === 'error' ? error : this.warn.bind(this))(`${t.org}: ${p.app}: ${p.message}`);
      for (const a of t.actions ?? []) this.logToStderr(`  ${t.org}: ${a}`);
    }
    if (r.reportFile) {
      const shown = relative(process.cwd(), r.reportFile) || r.reportFile;
      if (r.reportError) this.warn(messages.getMessage('reportNotUpdated', [shown, r.reportError]));
      else this.logSuccess(messages.getMessage('reportWritten', [shown]));
    }
  }
}
