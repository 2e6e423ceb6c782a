import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { TOKEN_FLOWS } from '../../../domain/token/flows.js';
import { EcaCommand, errorCodesHelp } from '../../../shared/ecaCommand.js';
import type { VerifyResult } from '../../../operations/tokenVerify.js';

export type { SessionPolicies, VerifyFlags, VerifyResult } from '../../../operations/tokenVerify.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.token.verify');

export default class Verify extends EcaCommand<VerifyResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'tokenVerify';
  public static readonly errorCodes = errorCodesHelp('tokenVerify');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    flow: Flags.option({ summary: messages.getMessage('flags.flow.summary'), options: TOKEN_FLOWS, required: true })(),
    'client-id': Flags.string({ summary: messages.getMessage('flags.client-id.summary') }),
    'secret-stdin': Flags.boolean({ summary: messages.getMessage('flags.secret-stdin.summary'), default: false }),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary') }),
    'jwt-key-file': Flags.file({ summary: messages.getMessage('flags.jwt-key-file.summary'), exists: true }),
    audience: Flags.string({ summary: messages.getMessage('flags.audience.summary') }),
  };

  public async run(): Promise<VerifyResult> {
    const { flags } = await this.parse(Verify);
    const [{ verifyToken }, { spinnerView }] = await Promise.all([import('../../../operations/tokenVerify.js'), import('../../../shared/progress.js')]);
    const view = spinnerView(this.spinner, this.jsonEnabled(), (stage, d) =>
      stage === 'Reading' ? messages.getMessage('spinner.read', [d?.app ?? '', d?.org ?? '']) : messages.getMessage('spinner.token', [d?.flow ?? '', d?.endpoint ?? ''])
    );
    const result = await verifyToken({ ...flags, org: this.orgRef(flags['target-org']), apiVersion: flags['api-version'] }, view.onProgress);
    view.stop();
    await this.render(result, flags['target-org'].getUsername() ?? '');
    return result;
  }

  private async render(r: VerifyResult, target: string): Promise<void> {
    for (const w of r.warnings) this.warn(w);
    this.logSuccess(messages.getMessage('success', [r.flow, r.app, target, r.user.username ?? r.user.id ?? 'its user']));
    const rows: Array<[string, string | undefined]> = [
      ['Flow', r.flow],
      ['App', r.app],
      ['Consumer key', `${r.consumerKey} (${r.consumerKeySource === 'flag' ? '--client-id' : r.consumerKeySource === 'rest' ? 'Connect REST' : 'the app'})`],
      ['Audience', r.audience],
      ['User', r.user.username],
      ['User ID', r.user.id],
      ['Org ID', r.orgId],
      ['Instance URL', r.instanceUrl],
      ['Scopes granted', r.scopes.join(' ')],
      ['Token type', `${r.tokenType} (${r.tokenFormat === 'jwt' ? 'JWT' : 'opaque'})`],
      ['Issued at', r.issuedAt],
      ['Expires at', r.expiresAt ?? (r.tokenFormat === 'opaque' ? messages.getMessage(r.policies.sessionTimeoutInMinutes === undefined ? 'expiry.orgSession' : 'expiry.appSession', [String(r.policies.sessionTimeoutInMinutes ?? '')]) : undefined)],
      ['Refresh token', r.refreshTokenIssued ? 'issued' : 'none'],
      ['Proved with', `${r.proof.userinfo ? 'GET /services/oauth2/userinfo, ' : ''}${r.proof.rest}`],
      ['Certificate', r.certificate ? `${r.certificate.subject}, expires ${r.certificate.validTo}, SHA-256 ${r.certificate.fingerprint256}` : undefined],
    ];
    const { printKeyValues } = await import('../../../shared/render.js');
    printKeyValues(this, { title: messages.getMessage('title.token'), pairs: rows, empty: '' });
    const p = r.policies;
    const policyRows: Array<[string, string | undefined]> = [
      ['Permitted users', p.permittedUsers],
      ['Profiles', p.profiles.join(', ')],
      ['Permission sets', p.permissionSets.join(', ')],
      ['Run-as user', p.runAs],
      ['Refresh token policy', p.refreshTokenPolicy],
      ['Session timeout (minutes)', p.sessionTimeoutInMinutes === undefined ? undefined : String(p.sessionTimeoutInMinutes)],
      ['IP relaxation', p.ipRelaxation],
      ['App scopes', p.scopes.join(', ')],
    ];
    printKeyValues(this, { title: messages.getMessage('title.policies', [r.app]), pairs: policyRows, empty: '', headers: ['Policy', 'Value'] });
  }
}
