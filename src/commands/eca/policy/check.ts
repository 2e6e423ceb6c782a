import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../../shared/exitCodes.js';
import { policyCheckView } from '../../../shared/policyCheckView.js';
import { terminalWidth } from '../../../shared/render.js';
import type { PolicyCheckResult } from '../../../operations/policyCheck.js';

export type { PolicyCheckResult, PolicyFinding } from '../../../operations/policyCheck.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.policy.check');

export default class PolicyCheck extends EcaCommand<PolicyCheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'policyCheck';
  public static readonly errorCodes = errorCodesHelp('policyCheck');

  public static readonly flags = {
    'source-dir': Flags.string({ char: 'd', summary: messages.getMessage('flags.source-dir.summary'), multiple: true }),
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary'), multiple: true }),
    'all-orgs': Flags.boolean({ summary: messages.getMessage('flags.all-orgs.summary'), default: false, exclusive: ['target-org'] }),
    'api-version': Flags.orgApiVersion(),
    'policy-file': Flags.file({ summary: messages.getMessage('flags.policy-file.summary'), exists: true }),
    'fail-on': Flags.option({ summary: messages.getMessage('flags.fail-on.summary'), options: ['low', 'medium', 'high', 'critical', 'none'] as const })(),
    'output-format': Flags.option({
      summary: messages.getMessage('flags.output-format.summary'),
      options: ['human', 'sarif', 'junit'] as const,
      default: 'human' as const,
    })(),
    fix: Flags.boolean({ summary: messages.getMessage('flags.fix.summary'), default: false }),
    pack: Flags.option({ summary: messages.getMessage('flags.pack.summary'), options: ['review-eca', 'isv-oauth'] as const, multiple: true })(),
  };

  public async run(): Promise<PolicyCheckResult> {
    const { flags } = await this.parse(PolicyCheck);
    const op = await import('../../../operations/policyCheck.js');
    const { result, report, diffs } = await op.checkPolicies({
      sourceDirs: flags['source-dir'],
      orgs: flags['target-org'],
      allOrgs: flags['all-orgs'],
      apiVersion: flags['api-version'],
      policyFile: flags['policy-file'],
      failOn: flags['fail-on'],
      outputFormat: flags['output-format'],
      fix: flags.fix,
      packs: flags.pack,
    });
    process.exitCode = EXIT_CODES.policyCheck[op.policyOutcome(result)];
    if (this.jsonEnabled()) return result;
    for (const d of diffs) this.log(d);
    if (report) {
      // SARIF and JUnit go to standard output, alone; what could not be read is also said on standard error
      for (const p of result.problems) this.warn(`${p.file ?? (p.org ? `org ${p.org}` : '')}${p.line ? `:${p.line}` : ''}: ${p.message}`);
      this.log(report);
      return result;
    }
    const width = terminalWidth();
    for (const block of policyCheckView(result)) {
      if (block.kind === 'line') this.log(block.text);
      // in a pipe (no width known) a table takes its natural width: @oclif/table would otherwise draw
      // it into 80 columns and leave the first line of a two-line cell unpadded
      else this.table({ data: block.data, overflow: 'wrap', ...(width === undefined ? { maxWidth: 'none' as const } : {}) });
    }
    return result;
  }
}
