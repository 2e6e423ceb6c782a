import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../shared/exitCodes.js';
import type { ReportResult } from '../../operations/report.js';
import type { OnProgress } from '../../shared/progressEvents.js';

export type { ReportedOrg, ReportResult } from '../../operations/report.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.report');

export default class Report extends EcaCommand<ReportResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'report';
  public static readonly errorCodes = errorCodesHelp('report');

  public static readonly flags = {
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary'), multiple: true }),
    'all-orgs': Flags.boolean({ summary: messages.getMessage('flags.all-orgs.summary'), default: false, exclusive: ['target-org'] }),
    'output-file': Flags.string({ char: 'f', summary: messages.getMessage('flags.output-file.summary'), required: true }),
    format: Flags.option({ summary: messages.getMessage('flags.format.summary'), options: ['html', 'md', 'json'] as const, default: 'html' as const })(),
    concurrency: Flags.integer({ summary: messages.getMessage('flags.concurrency.summary'), default: 4, min: 1, max: 16 }),
    days: Flags.integer({ summary: messages.getMessage('flags.days.summary'), default: 90, min: 1, max: 365 }),
    baseline: Flags.file({ summary: messages.getMessage('flags.baseline.summary'), exists: true }),
    'mask-users': Flags.boolean({ summary: messages.getMessage('flags.mask-users.summary'), default: false }),
    pack: Flags.option({ summary: messages.getMessage('flags.pack.summary'), options: ['review-eca', 'isv-oauth'] as const, multiple: true })(),
    'policy-file': Flags.file({ summary: messages.getMessage('flags.policy-file.summary'), exists: true }),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<ReportResult> {
    const { flags } = await this.parse(Report);
    const [op, { stagesViewMaker }] = await Promise.all([import('../../operations/report.js'), import('../../shared/progress.js')]);
    // without --target-org or --all-orgs: the default org, as every org command
    const orgs = flags['target-org'] ?? (flags['all-orgs'] ? undefined : [this.typedOrgName()].filter((o): o is string => o !== undefined));
    // the stages show once the orgs are read: input refused before then shows no failed stage
    // quiet when standard output is not a terminal (a pipeline, a file): ink re-renders the
    // stages on timers, which a log gains nothing from and which slows the reads
    const jsonEnabled = this.jsonEnabled() || !process.stdout.isTTY;
    const stagesView = await stagesViewMaker({ jsonEnabled });
    let view: ReturnType<typeof stagesView> | undefined;
    const onProgress: OnProgress = (e) => {
      view ??= stagesView({
        stages: op.REPORT_STAGES,
        title: messages.getMessage('stages.title', [flags['all-orgs'] ? 'every org' : (orgs ?? []).join(', ')]),
        jsonEnabled,
        fields: [{ label: 'Orgs read', key: 'orgs' }],
      });
      view.onProgress(e);
    };
    try {
      const { result } = await op.buildOrgReport(
        {
          orgs,
          allOrgs: flags['all-orgs'],
          outputFile: flags['output-file'],
          format: flags.format,
          concurrency: flags.concurrency,
          days: flags.days,
          baseline: flags.baseline,
          maskUsers: flags['mask-users'],
          packs: flags.pack,
          policyFile: flags['policy-file'],
          apiVersion: flags['api-version'],
          tool: { name: this.config.pjson.name, version: this.config.pjson.version, command: ['sf eca report', ...this.argv].join(' ') },
        },
        onProgress
      );
      // the files were written: an org that could not be read is said below, and in the exit code
      view?.stop();
      process.exitCode = EXIT_CODES.report[op.reportOutcome(result)];
      this.render(result);
      return result;
    } catch (e) {
      view?.error();
      throw e;
    }
  }

  private render(r: ReportResult): void {
    const t = r.readiness;
    this.logSuccess(messages.getMessage('written', [r.files.join(', ')]));
    this.log(messages.getMessage('summary.orgs', [String(r.orgs.filter((o) => o.status === 'read').length), String(r.orgs.length)]));
    this.log(messages.getMessage('summary.readiness', [t.eligible, t.attention, t.notConvertible, t.converted, t.total].map(String)));
    if (r.willBreak.total === 0) this.log(messages.getMessage('summary.willBreakNone', [String(r.windowDays)]));
    else {
      this.log(messages.getMessage('summary.willBreak', [String(r.willBreak.total), String(r.windowDays)]));
      // one line each, never a table a narrow terminal would cut
      for (const d of r.willBreak.byDeadline) this.log(`  ${d.title} (${d.when}): ${d.count}, ${d.logins} logins`);
      for (const w of r.willBreak.top.slice(0, 5)) this.log(`  - ${w.org}: ${w.subject}: ${w.deadline}, ${w.logins} logins by ${w.users} users`);
    }
    const f = r.findings;
    this.log(messages.getMessage('summary.findings', [f.critical, f.high, f.medium, f.low, f.waived, r.sharedRunAsUsers].map(String)));
    if (r.baseline) {
      const b = r.baseline;
      this.log(messages.getMessage('summary.baseline', [b.baselineGeneratedAt.slice(0, 10), b.converted, b.findingsFixed, b.newFindings, b.newWillBreak, b.resolvedWillBreak].map(String)));
    }
    for (const c of r.convertCommands) {
      this.log(messages.getMessage('summary.convert', [c.org]));
      this.log(`  ${c.command}`);
    }
    for (const o of r.orgs) {
      if (o.merged.length) this.log(messages.getMessage('merged', [o.name, o.merged.join(', ')]));
      if (o.notes?.length) this.warn(messages.getMessage('partial', [o.name, o.notes.join(' ')]));
      if (o.error) this.warn({ name: o.error.name, message: messages.getMessage('unreadable', [o.name, o.error.message]), actions: o.error.actions ?? [] });
    }
  }
}
