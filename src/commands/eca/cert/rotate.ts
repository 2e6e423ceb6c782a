import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import type { CertRotateResult } from '../../../operations/certRotate.js';

export type { CertRotateResult } from '../../../operations/certRotate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.cert.rotate');

const KEY_SINKS = ['key-dir', 'to-command', 'certificate'];

export default class CertRotate extends EcaCommand<CertRotateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'certRotate';
  public static readonly errorCodes = errorCodesHelp('certRotate');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary'), required: true }),
    'key-dir': Flags.directory({ summary: messages.getMessage('flags.key-dir.summary'), exactlyOne: KEY_SINKS }),
    'to-command': Flags.string({ summary: messages.getMessage('flags.to-command.summary'), exactlyOne: KEY_SINKS }),
    certificate: Flags.file({ summary: messages.getMessage('flags.certificate.summary'), exists: true, exactlyOne: KEY_SINKS, dependsOn: ['key-file'] }),
    'key-file': Flags.file({ summary: messages.getMessage('flags.key-file.summary'), exists: true, dependsOn: ['certificate'] }),
    'cert-validity-days': Flags.integer({ summary: messages.getMessage('flags.cert-validity-days.summary'), default: 365, min: 1, max: 3650 }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), defaultValue: 2, min: 0 }),
    'deploy-wait': Flags.duration({ unit: 'minutes', summary: messages.getMessage('flags.deploy-wait.summary'), defaultValue: 10, min: 1 }),
  };

  public async run(): Promise<CertRotateResult> {
    const { flags } = await this.parse(CertRotate);
    const [op, { stagesView, watched }] = await Promise.all([import('../../../operations/certRotate.js'), import('../../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = await stagesView({
      stages: op.certRotateStages({ dryRun: flags['dry-run'], certificate: flags.certificate }),
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags.name, org.name]),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'Deploy ID', key: 'deployId' },
      ],
    });
    const result = await watched(view, (onProgress) => op.rotateCertificate(
      {
        ...flags,
        org,
        apiVersion: flags['api-version'],
        certValidityDays: flags['cert-validity-days'],
        dryRun: flags['dry-run'],
        waitSeconds: flags.wait.seconds,
        deployWaitSeconds: flags['deploy-wait'].seconds,
      },
      onProgress
    ));
    this.render(result);
    return result;
  }

  private render(r: CertRotateResult): void {
    for (const w of r.warnings) this.warn(w);
    if (r.dryRun) {
      this.log(messages.getMessage('successDryRun', [r.app, r.org]));
      r.plan.forEach((step, i) => this.log(`  ${i + 1}. ${step}`));
      return;
    }
    this.logSuccess(messages.getMessage('success', [r.app, r.org, r.jwtUsername]));
    if (r.key?.kind === 'file') this.log(messages.getMessage('keyFile', [r.key.path ?? '']));
    if (r.key?.kind === 'command') this.log(messages.getMessage('keyCommand', [r.key.command ?? '']));
    if (r.key?.output) this.log(r.key.output);
    // long values on lines of their own, never cut in a table
    this.log(messages.getMessage('certificate', [r.certificate.subject, r.certificate.validTo.slice(0, 10), r.certificate.fingerprint256]));
    if (r.loginCommand) {
      this.log(messages.getMessage('loginHint'));
      this.log(`  ${r.loginCommand}`);
    }
  }
}
