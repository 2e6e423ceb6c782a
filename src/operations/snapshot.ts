/**
 * `sf eca snapshot`: an org's apps saved as source format with a manifest (snapshot.json), and
 * with --include-credentials each local app's consumer key and secret sealed in one vault.
 *
 * Requests: one retrieve of every ECA type, Connected Apps and Settings:ExternalClientApp (plus
 * the userinfo request when the instance URL does not name the sandbox), whatever the number of
 * apps. With credentials: the Connect REST credentials resource once per local app
 * (`?part=keyandsecret`, with the consumer id from the app's oauthLink; the resource has no bulk
 * form), plus the list of consumers for an app without an oauthLink, and the org setting that
 * lets secrets be read (src/org/orgSettings.ts). Secrets stay in memory until the vault seals them.
 */
import { relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
import { openSession, type OrgRef, type Session } from '../org/session.js';
import type { CredentialsTarget } from '../org/oauthCredentials.js';
import { readSandboxName } from '../org/snapshotFacts.js';
import { consumerIdOf } from '../domain/app/oauthLink.js';
import { type Component, ecaComponents, type Eca } from '../domain/model.js';
import { planSnapshot, sealVault, Secret, type SnapshotPlan, type VaultEntry } from '../domain/snapshot/index.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { checkOutputDir, readPassphrase, writeSnapshotFolder } from './snapshotFolder.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.snapshot');

export const SNAPSHOT_STAGES = ['Reading the org', 'Reading credentials', 'Writing the snapshot'] as const;

export type SnapshotInput = {
  org: OrgRef;
  outputDir: string;
  includeCredentials: boolean;
  /** the passphrase from standard input instead of ECA_SNAPSHOT_PASSPHRASE */
  passphraseStdin: boolean;
  /** turn the org setting that lets secrets be read on for the snapshot, and off again */
  allowSecretAccess: boolean;
  apiVersion?: string;
  /** tests: the vault's scrypt cost */
  scrypt?: { N: number; r: number; p: number };
};

export type SnapshotAppResult = {
  name: string;
  kind: 'eca' | 'connectedApp';
  /** Local or Packaged (ECAs) */
  distributionState?: string;
  /** files written for the app */
  components: number;
  /** its consumer key and secret are in the vault */
  credentials: boolean;
};

export type SnapshotResult = {
  /** the snapshot folder, as the user named it */
  outputDir: string;
  org: { name: string; id: string; instanceUrl: string; apiVersion: string; sandboxName?: string };
  /** ISO 8601 */
  createdAt: string;
  apps: SnapshotAppResult[];
  /** the org's External Client App settings are in the snapshot */
  settings: boolean;
  /** files written, snapshot.json and the vault included */
  files: number;
  credentials: {
    included: boolean;
    /** apps whose consumer key and secret are sealed in credentials.vault */
    apps: string[];
    /** the org setting that lets secrets be read: already on, or turned on for the snapshot and off again */
    secretAccess?: 'already-on' | 'turned-on-and-off';
  };
  /** secret fields left out of the source files (where, never what) */
  removedSecrets: Array<{ component: string; field: string }>;
  /** components not in the snapshot, and why */
  skipped: Array<{ component: string; message: string }>;
  warnings: string[];
};

type OrgEca = Eca & { id?: string; namespacePrefix?: string };

function isLocal(eca: OrgEca): boolean {
  const state = eca.parts.header?.values.distributionState;
  return (state === undefined || state === 'Local') && !eca.namespacePrefix;
}

export async function takeSnapshot(input: SnapshotInput, onProgress?: OnProgress): Promise<SnapshotResult> {
  const progress = progressTo(onProgress);
  // refuse what would fail later before anything is asked of the org
  await checkOutputDir(input.outputDir);
  const passphrase = input.includeCredentials ? await readPassphrase(input.passphraseStdin) : undefined;

  progress({ stage: SNAPSHOT_STAGES[0], data: { org: input.org.name } });
  const session = await openSession(input.org, { apiVersion: input.apiVersion });
  const [apps, sandboxName] = await Promise.all([readOrgApps(session.access, session.version, { connectedApps: true, settings: true }), readSandboxName(session)]);
  const warnings: string[] = [];

  let entries: VaultEntry[] | undefined;
  let secretAccess: SnapshotResult['credentials']['secretAccess'];
  if (passphrase) {
    progress({ stage: SNAPSHOT_STAGES[1] });
    const local = apps.ecas.filter(isLocal);
    const read = await readCredentials(session, local, input.allowSecretAccess, progress);
    entries = read.entries;
    secretAccess = read.secretAccess;
    warnings.push(...read.warnings);
  } else {
    progress({ skipTo: SNAPSHOT_STAGES[2] });
  }

  progress({ stage: SNAPSHOT_STAGES[2], data: { folder: input.outputDir } });
  const settings: Component | undefined = apps.settings ? { type: 'ExternalClientAppSettings', fullName: 'ExternalClientApp', values: apps.settings as Component['values'] } : undefined;
  const plan = planSnapshot({
    org: { id: session.orgId, instanceUrl: session.instanceUrl, apiVersion: session.apiVersion, ...(sandboxName ? { sandboxName } : {}) },
    createdAt: new Date(),
    createdBy: await pluginName(),
    ecaComponents: [...apps.ecas.flatMap((e) => ecaComponents(e)), ...apps.orphans],
    connectedApps: apps.connectedApps,
    ...(settings ? { settings } : {}),
    ...(entries ? { credentialsFor: entries.map((e) => e.app) } : {}),
  });
  const vault = entries && passphrase ? await sealVault(entries, passphrase, plan.manifestSha256, input.scrypt ? { scrypt: input.scrypt } : {}) : undefined;
  await writeSnapshotFolder(input.outputDir, plan, vault);
  return resultOf(input, session, plan, { sandboxName, secretAccess, warnings });
}

/**
 * Each local app's consumer key and secret, with the org setting that lets the REST API give
 * secrets on (turned on for the reading and off again when --allow-secret-access says so).
 */
async function readCredentials(
  session: Session,
  local: readonly OrgEca[],
  allow: boolean,
  progress: OnProgress
): Promise<{ entries: VaultEntry[]; secretAccess?: SnapshotResult['credentials']['secretAccess']; warnings: string[] }> {
  if (local.length === 0) return { entries: [], warnings: [messages.getMessage('warning.NoLocalApps', [session.name])] };
  const [{ OAuthCredentialsClient }, { withSecretAccess }, { readEcaId }] = await Promise.all([
    import('../org/oauthCredentials.js'),
    import('../org/orgSettings.js'),
    import('../org/apps.js'),
  ]);
  // the client types its connection narrowly (method: string); a Session's jsforce connection takes HttpMethods
  const target = { connection: session.connection as unknown as CredentialsTarget['connection'], apiVersion: session.apiVersion, name: session.name, instanceUrl: session.instanceUrl };
  const client = new OAuthCredentialsClient(target);
  const work = async (): Promise<VaultEntry[]> => {
    const entries: VaultEntry[] = [];
    for (const [i, eca] of local.entries()) {
      progress({ data: { app: `${eca.name} (${i + 1} of ${local.length})` } });
      // eslint-disable-next-line no-await-in-loop
      const appId = eca.id ?? (await readEcaId(session.access, eca.name));
      if (!appId) throw messages.createError('error.AppIdUnknown', [eca.name, session.name]);
      const link = eca.parts.oauthSettings?.values.oauthLink;
      // eslint-disable-next-line no-await-in-loop
      const consumerId = consumerIdOf(typeof link === 'string' ? link : undefined) ?? (await client.listConsumers(appId))[0]?.id;
      if (!consumerId) throw messages.createError('error.NoConsumer', [eca.name, session.name]);
      // eslint-disable-next-line no-await-in-loop
      const read = await client.readConsumer(appId, consumerId, 'keyandsecret');
      if (!read.key || !read.secret) throw messages.createError('error.NoCredentials', [eca.name, session.name]);
      entries.push({ app: eca.name, consumerKey: read.key, consumerSecret: new Secret(read.secret) });
    }
    return entries;
  };
  const { value, access } = await withSecretAccess(session, {
    allow,
    allowFlag: '--allow-secret-access',
    onChange: (change) => progress({ data: { access: messages.getMessage(`secretAccess.${change}`) } }),
    describe: () => messages.getMessage('secretAccess.describe', [String(local.length)]),
  }, work);
  return { entries: value, secretAccess: access.changed ? 'turned-on-and-off' : 'already-on', warnings: [] };
}

/** "plugin-eca 0.1.0", from the package this module ships in (src/operations and lib/operations are two levels below it). */
async function pluginName(): Promise<string> {
  try {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
    return `${pkg.name ?? 'plugin-eca'} ${pkg.version ?? ''}`.trim();
  } catch {
    return 'plugin-eca';
  }
}

function resultOf(
  input: SnapshotInput,
  s: Session,
  plan: SnapshotPlan,
  extra: { sandboxName?: string; secretAccess?: SnapshotResult['credentials']['secretAccess']; warnings: string[] }
): SnapshotResult {
  const m = plan.manifest;
  const withCredentials = new Set(m.credentials.included ? m.credentials.apps.map((a) => a.toLowerCase()) : []);
  return {
    outputDir: relative(process.cwd(), resolve(input.outputDir)) || input.outputDir,
    org: { name: s.name, id: s.orgId, instanceUrl: s.instanceUrl, apiVersion: s.apiVersion, ...(extra.sandboxName ? { sandboxName: extra.sandboxName } : {}) },
    createdAt: m.createdAt,
    apps: m.apps.map((a) => ({
      name: a.name,
      kind: a.kind,
      ...(a.distributionState ? { distributionState: a.distributionState } : {}),
      components: a.components.length,
      credentials: withCredentials.has(a.name.toLowerCase()),
    })),
    settings: m.settings.length > 0,
    files: plan.files.length + 1 + (m.credentials.included ? 1 : 0),
    credentials: { included: m.credentials.included, apps: m.credentials.included ? [...m.credentials.apps] : [], ...(extra.secretAccess ? { secretAccess: extra.secretAccess } : {}) },
    removedSecrets: plan.removedSecrets.map((r) => ({ ...r })),
    skipped: plan.skipped.map((p) => ({ ...p })),
    warnings: extra.warnings,
  };
}
