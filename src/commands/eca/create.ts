import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appFlagMessages, appFlags } from '../../shared/appFlags.js';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { CreateResult } from '../../operations/create.js';

export type { CreatedComponent, CreateResult, PreAuthorization } from '../../operations/create.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.create');

/** The title of the stages: MultiStageOutput draws none longer than 48 characters, so the org goes first if it must. */
export function stagesTitle(f: { name: string; dryRun: boolean; update: boolean }, org: string): string {
  const full = messages.getMessage(f.dryRun ? 'stages.titleDryRun' : f.update ? 'stages.titleUpdate' : 'stages.title', [f.name, org]);
  return full.length <= 48 ? full : full.replace(/ in \S+$/, '').slice(0, 48);
}

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
    'preauthorize-profile': Flags.boolean({ summary: messages.getMessage('flags.preauthorize-profile.summary'), default: false }),
    'key-dir': Flags.directory({ summary: messages.getMessage('flags.key-dir.summary') }),
    'cert-validity-days': Flags.integer({ summary: messages.getMessage('flags.cert-validity-days.summary'), default: 365, min: 1, max: 3650 }),
    force: Flags.boolean({ char: 'f', summary: appFlagMessages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<CreateResult> {
    const { flags } = await this.parse(Create);
    const [op, { stagesView, watched }] = await Promise.all([import('../../operations/create.js'), import('../../shared/progress.js')]);
    const org = this.orgRef(flags['target-org']);
    const dryRun = flags['dry-run'];
    const view = await stagesView({
      stages: op.createStages({ dryRun, template: flags.template, username: flags.username, certificate: flags.certificate, permissionSets: flags['permission-sets'] }),
      title: stagesTitle({ name: flags.name, dryRun, update: flags.update }, org.name),
      jsonEnabled: this.jsonEnabled(),
      fields: [
        { label: 'Deploy ID', key: 'deployId', whenSet: true },
        { label: 'Status', key: 'status', bold: true, whenSet: true },
      ],
    });
    const result = await watched(view, (onProgress) => op.createApp(
      {
        ...flags,
        org,
        apiVersion: flags['api-version'],
        dryRun,
        outputDir: flags['output-dir'],
        keyDir: flags['key-dir'],
        preauthorizeProfile: flags['preauthorize-profile'],
        certValidityDays: flags['cert-validity-days'],
      },
      onProgress
    ));
    this.render(result, org.name);
    return result;
  }

  private render(r: CreateResult, org: string): void {
    for (const w of r.warnings) this.warn(w);
    this.logSuccess(messages.getMessage(r.dryRun ? 'success.dryRun' : r.updated ? 'success.updated' : 'success.created', [r.name, org, r.deployId, inOrg(r)]));
    // long values on lines of their own, never cut by a table at 80 columns
    if (r.consumerKey) this.log(messages.getMessage('consumerKey', [r.consumerKey]));
    if (r.id) this.log(`ID: ${r.id}`);
    if (r.setupUrl) this.log(`Setup: ${r.setupUrl}`);
    if (r.privateKeyFile) this.log(messages.getMessage('keyWritten', [r.privateKeyFile]));
    const v = r.verification;
    if (v?.verified) this.logSuccess(messages.getMessage('verified', [v.username ?? '']));
    if (v && !v.verified) this.warn(messages.getMessage('notVerified', [v.message ?? '', r.name, v.username ?? '<ci user>', r.privateKeyFile ?? '<key file>', org]));
    if (r.loginCommand) {
      this.log(messages.getMessage('loginHint'));
      this.log(`  ${r.loginCommand}`);
    }
    if (r.ciSecrets) {
      this.log(messages.getMessage('ciSecretsHint'));
      for (const s of r.ciSecrets) {
        this.log(s.name === 'ECA_JWT_KEY' && r.privateKeyFile ? `  gh secret set ${s.name} < ${s.source}` : `  gh secret set ${s.name} --body "${s.name === 'ECA_CONSUMER_KEY' ? r.consumerKey ?? '' : s.source}"`);
      }
    }
  }
}

/** What the org holds after the run (or would, for a dry run), in words. */
function inOrg(r: CreateResult): string {
  const parts = [messages.getMessage('inOrg.components', [String(r.components.filter((c) => c.type !== 'PermissionSet').length || r.components.length)])];
  const ps = r.preAuthorization.permissionSet;
  if (ps && ps.status !== 'existing') parts.push(messages.getMessage('inOrg.permissionSetCreated', [ps.name]));
  const a = r.preAuthorization.assignment;
  if (ps && a?.status === 'assigned') parts.push(messages.getMessage('inOrg.permissionSetAssigned', [ps.name, a.username]));
  if (ps && a?.status === 'already-assigned') parts.push(messages.getMessage('inOrg.permissionSetAlreadyAssigned', [ps.name, a.username]));
  if (ps && a?.status === 'failed') parts.push(messages.getMessage('inOrg.permissionSetNotAssigned', [ps.name, a.username]));
  return parts.join(', ');
}
