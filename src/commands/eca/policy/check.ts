import { dirname } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import { EXIT_CODES } from '../../../shared/exitCodes.js';
import type { PolicyCheckResult, PolicyFinding } from '../../../operations/policyCheck.js';

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
  };

  public async run(): Promise<PolicyCheckResult> {
    const { flags } = await this.parse(PolicyCheck);
    const op = await import('../../../operations/policyCheck.js');
    const { result, report, diffs } = await op.checkPolicies(
      {
        sourceDirs: flags['source-dir'],
        orgs: flags['target-org'],
        allOrgs: flags['all-orgs'],
        apiVersion: flags['api-version'],
        policyFile: flags['policy-file'],
        failOn: flags['fail-on'],
        outputFormat: flags['output-format'],
        fix: flags.fix,
      }
    );
    process.exitCode = EXIT_CODES.policyCheck[op.policyOutcome(result)];
    if (this.jsonEnabled()) return result;
    for (const d of diffs) this.log(d);
    if (result.fixed.length) this.logSuccess(messages.getMessage('fixed', [String(result.fixed.length), dirname(result.fixed[0].file) || '.']));
    // SARIF and JUnit go to standard output, alone
    if (report) this.log(report);
    else this.render(result);
    return result;
  }

  private render(r: PolicyCheckResult): void {
    for (const p of r.problems) this.warn(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    const byTarget = new Map<string, PolicyFinding[]>();
    for (const f of r.findings) byTarget.set(`${f.target}${f.org ? ` (${f.org})` : ''}`, [...(byTarget.get(`${f.target}${f.org ? ` (${f.org})` : ''}`) ?? []), f]);
    for (const [target, findings] of byTarget) {
      this.table({
        title: target,
        data: findings.map((f) => ({
          Severity: f.severity.toUpperCase(),
          Rule: f.ruleId,
          Finding: f.message,
          Where: f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.field ?? '',
        })),
      });
    }
    const s = r.summary;
    const line = messages.getMessage('summaryLine', [
      String(r.apps.length),
      String(s.total),
      String(s.critical),
      String(s.high),
      String(s.medium),
      String(s.low),
      String(s.waived),
    ]);
    this.log(line);
    this.log(messages.getMessage(r.failOn === 'none' ? 'notGated' : r.passed ? 'passed' : 'failed', [r.failOn]));
  }
}
