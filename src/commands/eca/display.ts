import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { EcaSummary } from '../../domain/summary.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.display');

export type DisplaySetting = { field: string; value: string };
export type DisplayGroup = { title: string; component: string; settings: DisplaySetting[] };

export type DisplayResult = {
  name: string;
  kind: 'ExternalClientApp' | 'ConnectedApp';
  id?: string;
  namespacePrefix?: string;
  username: string;
  orgId: string;
  summary: EcaSummary;
  groups: DisplayGroup[];
};

export default class Display extends SfCommand<DisplayResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Shown (0)', description: 'The app was read and shown.' },
      { name: 'Failed (1)', description: 'No app of that name, or the org could not be read.' },
    ],
  };

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
  };

  public async run(): Promise<DisplayResult> {
    const { flags } = await this.parse(Display);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const [schema, { OrgAccess }, { readOrgApps }, summary, { componentByType }, { ecaComponents }, { REDACTED }] = await Promise.all([
      import('../../domain/schema/index.js'),
      import('../../org/orgAccess.js'),
      import('../../org/apps.js'),
      import('../../domain/summary.js'),
      import('../../domain/components.js'),
      import('../../domain/model.js'),
      import('../../domain/secrets.js'),
    ]);
    const version = Math.min(Number.parseFloat(conn.getApiVersion()), schema.LATEST_KNOWN_API_VERSION);
    const username = org.getUsername() ?? '';
    this.spinner.start(messages.getMessage('spinner', [flags.name, username]));
    const apps = await readOrgApps(new OrgAccess(conn, schema.formatApiVersion(version)), version, { name: flags.name });
    this.spinner.stop();

    const showSecrets = process.env.SF_TEMP_SHOW_SECRETS === 'true';
    const printable = (entries: ReturnType<typeof summary.flattenSettings>): DisplaySetting[] =>
      entries.map((e) => ({ field: e.field, value: e.secret && !showSecrets ? REDACTED : e.value }));

    let result: DisplayResult;
    const eca = apps.ecas.find((e) => e.name === flags.name);
    const ca = apps.connectedApps.find((c) => c.fullName === flags.name);
    if (eca) {
      result = {
        name: eca.name,
        kind: 'ExternalClientApp',
        id: eca.id,
        namespacePrefix: eca.namespacePrefix,
        username,
        orgId: org.getOrgId(),
        summary: summary.summarizeEca(eca),
        groups: ecaComponents(eca).map((c) => ({
          title: componentByType(c.type)?.title ?? c.type,
          component: `${c.type}:${c.fullName}`,
          settings: printable(summary.flattenSettings(c.values)),
        })),
      };
    } else if (ca) {
      const { oauthConfig, oauthPolicy, sessionPolicy, samlConfig, canvasConfig, mobileAppConfig, ...basic } = ca.values;
      const group = (title: string, values: object | undefined, prefix: string): DisplayGroup[] =>
        values ? [{ title, component: `ConnectedApp:${ca.fullName}`, settings: printable(summary.flattenSettings(values as never, prefix)) }] : [];
      result = {
        name: ca.fullName,
        kind: 'ConnectedApp',
        id: ca.id,
        namespacePrefix: ca.namespacePrefix,
        username,
        orgId: org.getOrgId(),
        summary: summary.summarizeConnectedApp(ca.fullName, ca.values),
        groups: [
          ...group('Basic information', basic, ''),
          ...group('OAuth settings', oauthConfig, 'oauthConfig'),
          ...group('OAuth policies', oauthPolicy, 'oauthPolicy'),
          ...group('Session policies', sessionPolicy, 'sessionPolicy'),
          ...group('SAML settings', samlConfig, 'samlConfig'),
          ...group('Canvas settings', canvasConfig, 'canvasConfig'),
          ...group('Mobile settings', mobileAppConfig, 'mobileAppConfig'),
        ],
      };
    } else {
      const names = [...apps.ecas.map((e) => e.name), ...apps.connectedApps.map((c) => c.fullName)];
      throw messages.createError('error.NotFound', [username, flags.name], [names.slice(0, 20).join(', ') || '(none)', username]);
    }

    this.styledHeader(`${result.kind === 'ExternalClientApp' ? 'External Client App' : 'Connected App'} ${result.name}`);
    for (const g of result.groups) {
      this.table({ data: g.settings.map((s) => ({ Setting: s.field, Value: s.value })), title: `${g.title} (${g.component})` });
    }
    if (!showSecrets && result.groups.some((g) => g.settings.some((s) => s.value === REDACTED))) {
      this.info(messages.getMessage('secretsRedacted'));
    }
    return result;
  }
}
