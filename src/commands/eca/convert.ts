import { relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../shared/exitCodes.js';
import type { ConvertResult } from '../../operations/convert.js';

export type { ConvertedApp, ConvertedField, ConvertResult } from '../../operations/convert.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.convert');

export default class Convert extends EcaCommand<ConvertResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'convert';
  public static readonly errorCodes = errorCodesHelp('convert');
  protected static readonly orgFlags = [['target-org', 'o'], ['deploy-to']] as const;

  public static readonly flags = {
    'source-dir': Flags.string({ char: 'd', summary: messages.getMessage('flags.source-dir.summary'), multiple: true, exclusive: ['target-org'] }),
    'target-org': Flags.optionalOrg({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true, dependsOn: ['target-org'], exclusive: ['all'] }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), dependsOn: ['target-org'] }),
    'output-dir': Flags.directory({ char: 'r', summary: messages.getMessage('flags.output-dir.summary') }),
    'deploy-to': Flags.string({ summary: messages.getMessage('flags.deploy-to.summary') }),
    naming: Flags.option({ summary: messages.getMessage('flags.naming.summary'), options: ['generated', 'short'] as const, default: 'generated' as const })(),
    'keep-consumer-key': Flags.boolean({ summary: messages.getMessage('flags.keep-consumer-key.summary'), default: false }),
    'api-version': Flags.string({ summary: messages.getMessage('flags.api-version.summary') }),
    'report-file': Flags.file({ summary: messages.getMessage('flags.report-file.summary') }),
    force: Flags.boolean({ char: 'f', summary: messages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<ConvertResult> {
    const { flags } = await this.parse(Convert);
    const [op, { barView }, render] = await Promise.all([import('../../operations/convert.js'), import('../../shared/progress.js'), import('../../shared/render.js')]);
    const view = barView(this.progress, this.spinner, {
      jsonEnabled: this.jsonEnabled(),
      title: messages.getMessage('progress'),
      format: '%s | {bar} | {value}/{total} Connected Apps',
      line: (t) => this.logToStderr(t),
      text: (stage, d) => (stage === 'Reading' ? messages.getMessage('spinner.org', [d?.org ?? '']) : stage === 'Validating' ? messages.getMessage('spinner.validate', [d?.org ?? '']) : stage === 'Deploying' ? messages.getMessage('spinner.deploy') : undefined),
    });
    try {
      const org = flags['target-org'];
      const result = await op.convertApps(
        {
          sourceDirs: flags['source-dir'],
          org: org ? this.orgRef(org) : undefined,
          names: flags.name,
          all: flags.all ?? false,
          outputDir: flags['output-dir'],
          deployTo: flags['deploy-to'],
          naming: flags.naming,
          keepConsumerKey: flags['keep-consumer-key'],
          apiVersion: flags['api-version'],
          reportFile: flags['report-file'],
          force: flags.force,
          // as typed (quoted for a shell), never a secret
          commandLine: render.commandLine(this.config.bin, this.id ?? 'eca:convert', this.argv),
        },
        view.onProgress
      );
      view.stop();
      process.exitCode = EXIT_CODES.convert[op.convertOutcome(result)];
      this.render(result, render);
      return result;
    } catch (e) {
      view.error();
      throw e;
    }
  }

  private render(r: ConvertResult, { printNotes, printTable }: typeof import('../../shared/render.js')): void {
    printTable(this, {
      title: messages.getMessage('title', [r.apiVersion]),
      empty: messages.getMessage('noApps'),
      columns: [
        { key: 'app', name: 'Connected App', whole: true },
        { key: 'result', name: 'Result' },
        { key: 'attention', name: 'Needs attention' },
        { key: 'source', name: 'Source', whole: true },
      ],
      data: r.apps.map((a) => ({
        app: a.name,
        result: a.status === 'clean' ? 'converted' : a.status === 'attention' ? 'converted, needs attention' : a.status === 'failed' ? 'not converted' : 'skipped',
        attention: [...a.report.filter((f) => f.outcome === 'attention').map((f) => f.source), ...a.notices.filter((n) => n.severity === 'attention').map((n) => n.code)].join(', '),
        source: a.source,
      })),
    });
    for (const a of r.apps) {
      for (const p of a.problems) this.warn(`${a.name}: ${p.message} ${p.fix}`);
      if (a.status === 'skipped' && a.reason) this.info(`${a.name}: ${a.reason}`);
      // the reasons are long: a list under the table, never a table column cut at the terminal's edge
      printNotes(this, {
        title: messages.getMessage('attentionTitle', [a.name]),
        items: a.report.filter((f) => f.outcome === 'attention').map((f) => ({ head: f.from === undefined ? f.source : `${f.source}: ${f.from}`, text: f.reason })),
      });
    }
    const s = r.summary;
    this.log(messages.getMessage('summaryLine', [String(s.clean + s.attention), String(s.attention), String(s.failed), String(s.skipped)]));
    if (r.reportFile) this.logSuccess(messages.getMessage('reportWritten', [relative(process.cwd(), r.reportFile) || r.reportFile]));
    if (r.deployed) this.logSuccess(messages.getMessage('deployed', [String(r.deployed.components), r.deployed.org, r.deployed.deployId]));
  }
}
