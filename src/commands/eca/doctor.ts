import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { TOKEN_FLOWS } from '../../domain/token/flows.js';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { DoctorCheck, DoctorResult } from '../../operations/doctor.js';

export type { DoctorCheck, DoctorResult } from '../../operations/doctor.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.doctor');

export default class Doctor extends EcaCommand<DoctorResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'doctor';
  public static readonly errorCodes = errorCodesHelp('doctor');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    flow: Flags.option({ summary: messages.getMessage('flags.flow.summary'), options: TOKEN_FLOWS })(),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary') }),
    'jwt-key-file': Flags.file({ summary: messages.getMessage('flags.jwt-key-file.summary'), exists: true }),
    'secret-stdin': Flags.boolean({ summary: messages.getMessage('flags.secret-stdin.summary'), default: false }),
    'fail-on': Flags.option({ summary: messages.getMessage('flags.fail-on.summary'), options: ['fail', 'warn'] as const, default: 'fail' as const })(),
  };

  public async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(Doctor);
    const [op, { spinnerView }] = await Promise.all([import('../../operations/doctor.js'), import('../../shared/progress.js')]);
    const view = spinnerView(this.spinner, this.jsonEnabled(), (stage, d) =>
      stage === 'Reading' ? messages.getMessage('spinner.read', [d?.app ?? '', d?.org ?? '']) : messages.getMessage('spinner.verify', [d?.flow ?? ''])
    );
    const result = await op.runDoctor(
      {
        org: this.orgRef(flags['target-org']),
        apiVersion: flags['api-version'],
        name: flags.name,
        flow: flags.flow,
        username: flags.username,
        jwtKeyFile: flags['jwt-key-file'],
        secretStdin: flags['secret-stdin'],
        failOn: flags['fail-on'],
      },
      view.onProgress
    );
    view.stop();
    this.render(result);
    process.exitCode = op.doctorExitCode(result.verdict);
    return result;
  }

  /** A checklist, one block per check: nothing in a table, so nothing is cut at 80 columns. */
  private render(r: DoctorResult): void {
    const who = r.username ? `, user ${r.username}` : '';
    const why = r.flowChosenBy === 'flag' ? '' : ` (${messages.getMessage(`flow.${r.flowChosenBy}`)})`;
    this.styledHeader(messages.getMessage('header', [r.app, r.org, `${r.flow} flow${why}`, who]));
    for (const c of r.checks) this.log(block(c));
    const s = r.summary;
    this.log(messages.getMessage('summary.line', [String(s.PASS), String(s.WARN), String(s.FAIL), String(s.SKIP), String(s.ERROR)]));
    const warnings = r.failOn === 'warn' && s.WARN > 0 ? ' and the WARN lines (--fail-on warn)' : '';
    if (r.verdict === 'passed') this.logSuccess(s.WARN > 0 ? messages.getMessage('verdict.passedWithWarnings', [String(s.WARN)]) : messages.getMessage('verdict.passed'));
    else this.log(messages.getMessage(`verdict.${r.verdict}`, r.verdict === 'failed' ? [warnings] : []));
  }
}

const MARK: Record<DoctorCheck['status'], string> = { PASS: 'PASS ', WARN: 'WARN ', FAIL: 'FAIL ', SKIP: 'SKIP ', ERROR: 'ERROR' };

function block(c: DoctorCheck): string {
  const lines = [`${MARK[c.status]} ${c.title} [${c.id}]`, `      ${c.evidence}`];
  for (const f of c.fix) lines.push(`      Fix: ${f}`);
  return `${lines.join('\n')}\n`;
}
