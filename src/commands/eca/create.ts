import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appFlagMessages, appFlags } from '../../shared/appFlags.js';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { CreateResult } from '../../operations/create.js';

export type { CreatedComponent, CreateResult } from '../../operations/create.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.create');

export default class Create extends EcaCommand<CreateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'create';
  public static readonly errorCodes = errorCodesHelp('create');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    ...appFlags,
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    update: Flags.boolean({ summary: messages.getMessage('flags.update.summary'), default: false }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), defaultValue: 10, min: 1 }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary') }),
    'key-dir': Flags.directory({ summary: messages.getMessage('flags.key-dir.summary') }),
    'cert-validity-days': Flags.integer({ summary: messages.getMessage('flags.cert-validity-days.summary'), default: 365, min: 1, max: 3650 }),
    force: Flags.boolean({ char: 'f', summary: appFlagMessages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<CreateResult> {
    const { flags } = await this.parse(Create);
    const [op, { stagesView }] = await Promise.all([import('../../operations/create.js'), import('../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const view = stagesView({
      stages: op.CREATE_STAGES,
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags.name, org.org.getUsername() ?? org.name]),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'Deploy ID', key: 'deployId' },
        { label: 'Status', key: 'status', bold: true },
      ],
    });
    try {
      const result = await op.createApp(
        {
          ...flags,
          org,
          apiVersion: flags['api-version'],
          dryRun: flags['dry-run'],
          outputDir: flags['output-dir'],
          keyDir: flags['key-dir'],
          certValidityDays: flags['cert-validity-days'],
        },
        view.onProgress
      );
      view.stop();
      await this.render(result);
      return result;
    } catch (e) {
      view.error();
      throw e;
    }
  }

  private async render(r: CreateResult): Promise<void> {
    for (const w of r.warnings) this.warn(w);
    this.logSuccess(
      messages.getMessage(r.dryRun ? 'success.dryRun' : r.updated ? 'success.updated' : 'success.created', [r.name, r.username])
    );
    const rows: Array<[string, string | undefined]> = [
      ['ID', r.id],
      ['Consumer key', r.consumerKey],
      ['Deploy ID', r.deployId],
      ['Setup', r.setupUrl],
    ];
    // whole keys and URLs at any width (src/shared/render.ts)
    (await import('../../shared/render.js')).printKeyValues(this, { pairs: rows, empty: '' });
    if (r.privateKeyFile) this.log(messages.getMessage('keyWritten', [r.privateKeyFile]));
    if (r.verification?.verified) this.logSuccess(messages.getMessage('verified', [r.verification.username ?? '']));
    if (r.verification && !r.verification.verified) this.warn(messages.getMessage('notVerified', [r.verification.message ?? '', r.name]));
    if (r.loginCommand) {
      this.log(messages.getMessage('loginHint'));
      this.log(`  ${r.loginCommand}`);
    }
    if (r.ciSecrets) {
      this.log(messages.getMessage('ciSecretsHint'));
      for (const s of r.ciSecrets) {
        this.log(s.name === 'SF_JWT_KEY' && r.privateKeyFile ? `  gh secret set ${s.name} < ${s.source}` : `  gh secret set ${s.name} --body "${s.name === 'SF_CONSUMER_KEY' ? r.consumerKey ?? '' : s.source}"`);
      }
    }
  }
}
