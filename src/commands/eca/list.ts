import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.list');

export type AppRow = {
  name: string;
  label?: string;
  kind: 'ExternalClientApp' | 'ConnectedApp';
  id?: string;
  distributionState?: string;
  namespacePrefix?: string;
  manageableState?: string;
  permittedUsers?: string;
  refreshTokenPolicy?: string;
  ipRelaxation?: string;
  flows: string[];
};

export type ListResult = {
  username: string;
  orgId: string;
  apps: AppRow[];
};

export default class List extends SfCommand<ListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Listed (0)', description: 'The apps were read (an org without apps gives a warning, not an error).' },
      { name: 'Failed (1)', description: 'The org could not be read: unknown alias, expired authorization, API version below 59, a failed request.' },
    ],
  };

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'no-connected-apps': Flags.boolean({ summary: messages.getMessage('flags.no-connected-apps.summary'), default: false }),
  };

  public async run(): Promise<ListResult> {
    const { flags } = await this.parse(List);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const [schema, { OrgAccess }, { readOrgApps, readInstalledEcas }, { summarizeEca, summarizeConnectedApp }] = await Promise.all([
      import('../../domain/schema/index.js'),
      import('../../org/orgAccess.js'),
      import('../../org/apps.js'),
      import('../../domain/summary.js'),
    ]);
    const version = Math.min(Number.parseFloat(conn.getApiVersion()), schema.LATEST_KNOWN_API_VERSION);
    if (!(version >= schema.MIN_ECA_API_VERSION)) {
      throw messages.createError('error.ApiVersionTooLow', [conn.getApiVersion(), schema.formatApiVersion(schema.MIN_ECA_API_VERSION)]);
    }
    this.spinner.start(messages.getMessage('spinner', [org.getUsername() ?? '']));
    const access = new OrgAccess(conn, schema.formatApiVersion(version));
    const apps = await readOrgApps(access, version, { connectedApps: !flags['no-connected-apps'] });
    const installed = await readInstalledEcas(access, new Set(apps.ecas.map((e) => e.name)));
    this.spinner.stop();

    const rows: AppRow[] = [
      ...apps.ecas.map((e) => {
        const s = summarizeEca(e);
        return {
          name: e.name,
          label: s.label,
          kind: 'ExternalClientApp' as const,
          id: e.id,
          distributionState: s.distributionState,
          namespacePrefix: e.namespacePrefix,
          manageableState: e.manageableState,
          permittedUsers: s.permittedUsers,
          refreshTokenPolicy: s.refreshTokenPolicy,
          ipRelaxation: s.ipRelaxation,
          flows: s.flows,
        };
      }),
      ...installed.map((i) => ({
        name: i.name,
        label: i.label,
        kind: 'ExternalClientApp' as const,
        id: i.id,
        distributionState: i.distributionState,
        namespacePrefix: i.namespacePrefix,
        manageableState: 'installed',
        permittedUsers: i.permittedUsers,
        refreshTokenPolicy: i.refreshTokenPolicy,
        ipRelaxation: i.ipRelaxation,
        flows: [],
      })),
      ...apps.connectedApps.map((c) => {
        const s = summarizeConnectedApp(c.fullName, c.values);
        return {
          name: c.fullName,
          label: s.label,
          kind: 'ConnectedApp' as const,
          id: c.id,
          namespacePrefix: c.namespacePrefix,
          manageableState: c.manageableState,
          permittedUsers: s.permittedUsers,
          refreshTokenPolicy: s.refreshTokenPolicy,
          ipRelaxation: s.ipRelaxation,
          flows: s.flows,
        };
      }),
    ].sort((a, b) => a.name.localeCompare(b.name));

    if (rows.length === 0) {
      this.warn(messages.getMessage('noApps', [org.getUsername() ?? '']));
    } else {
      this.table({
        data: rows.map((r) => ({
          Name: r.name,
          Kind: r.kind === 'ExternalClientApp' ? 'ECA' : 'Connected App',
          Distribution: r.namespacePrefix ? `${r.distributionState ?? 'Installed'} (${r.namespacePrefix})` : r.distributionState ?? '',
          'Permitted Users': r.permittedUsers ?? '',
          'Refresh Token': r.refreshTokenPolicy ?? '',
          'IP Relaxation': r.ipRelaxation ?? '',
          Flows: r.flows.join(', '),
        })),
        title: messages.getMessage('title', [String(apps.ecas.length + installed.length), String(apps.connectedApps.length)]),
      });
    }
    return { username: org.getUsername() ?? '', orgId: org.getOrgId(), apps: rows };
  }
}
