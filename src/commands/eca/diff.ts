import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../shared/exitCodes.js';
import type { EcaDiffResult } from '../../operations/diff.js';

export type { EcaDiffResult } from '../../operations/diff.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.diff');

export default class Diff extends EcaCommand<EcaDiffResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'diff';
  public static readonly errorCodes = errorCodesHelp('diff');
  protected static readonly orgFlags = [['source-org', 's'], ['target-org', 'o']] as const;

  public static readonly flags = {
    'source-org': Flags.string({ char: 's', summary: messages.getMessage('flags.source-org.summary') }),
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    'source-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.source-dir.summary'), multiple: true }),
    snapshot: Flags.directory({ summary: messages.getMessage('flags.snapshot.summary'), multiple: true }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true, exclusive: ['all'] }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), default: false }),
    mapping: Flags.file({ char: 'm', summary: messages.getMessage('flags.mapping.summary'), exists: true }),
    'report-file': Flags.file({ summary: messages.getMessage('flags.report-file.summary') }),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<EcaDiffResult> {
    const { flags } = await this.parse(Diff);
    const [op, { stagesView, watched }] = await Promise.all([import('../../operations/diff.js'), import('../../shared/progress.js')]);
    const sides = op.sidesOf({ sourceOrg: flags['source-org'], targetOrg: flags['target-org'], sourceDirs: flags['source-dir'], snapshots: flags.snapshot });
    const view = await stagesView({
      stages: op.DIFF_STAGES,
      title: messages.getMessage('stages.title', [op.describeSide(sides.left), op.describeSide(sides.right)]),
      jsonEnabled: this.jsonEnabled(),
    });
    const result = await watched(view, (onProgress) => op.diffSides(
      { ...sides, names: flags.name, mapping: flags.mapping, reportFile: flags['report-file'], apiVersion: flags['api-version'] },
      onProgress
    ));
    process.exitCode = EXIT_CODES.diff[op.diffOutcome(result)];
    await this.render(result);
    return result;
  }

  private async render(r: EcaDiffResult): Promise<void> {
    const { driftSummaryLine, driftTables } = await import('../../domain/drift/render.js');
    for (const p of r.problems) (p.severity === 'error' ? this.warn.bind(this) : this.info.bind(this))(`${p.app ? `${p.app}: ` : ''}${p.message}`);
    if (r.identical) {
      this.logSuccess(`${messages.getMessage('identical', [r.left.name, r.right.name])} ${driftSummaryLine(r)}`);
    } else {
      for (const t of driftTables(r)) {
        this.table({
          data: t.rows.map((row) => ({ Setting: row.setting, Left: row.left, Right: row.right, 'Policy rules': row.rules })),
          columns: ['Setting', { key: 'Left', name: r.left.name }, { key: 'Right', name: r.right.name }, 'Policy rules'],
          title: t.title,
          overflow: 'wrap',
        });
      }
      this.log(driftSummaryLine(r));
    }
    if (r.reportFile) this.logSuccess(messages.getMessage('reportWritten', [r.reportFile]));
  }
}
