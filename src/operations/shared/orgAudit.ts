/**
 * Reading orgs for an audit, one way for every command that judges an org's apps (`policy check`,
 * `report`), so they count the same apps with the same facts:
 *
 * - openOrgsOnce(): opens each org by the name the user typed (the CLI's stored login: no
 *   request) and keeps one session per org id, under the first name; the other names of that org
 *   are merged into it. An org that cannot be opened is that org's failure, not the run's.
 * - readOrgAudit(): one retrieve (every ECA type, Connected Apps, the ExternalClientApp settings),
 *   then side by side the run-as users (two queries), OAuth token usage (one), the ECAs installed
 *   from packages (one or two) and the Connected Apps the org runs (one): a constant number of
 *   requests whatever the number of apps. Every app is read through the one app reader with its
 *   org facts, including which other apps share its client-credentials run-as user.
 * - inParallel(): a few orgs at a time.
 */
import { readConnectedApplicationNames, readInstalledEcas, readOrgApps, type InstalledEca, type OrgApps } from '../../org/apps.js';
import { readRunAsUsers, readTokenUsage, type RunAsFacts, type UsageFacts } from '../../org/facts.js';
import { type EcaRecord, readEcaRecords } from '../../org/ecaRecords.js';
import { secretAgeFacts } from '../../org/secretAge.js';
import { openSession, type Session, type SessionOptions } from '../../org/session.js';
import { type AuditedApp, fromConnectedApp, fromEca, type RunAsUserFacts } from '../../domain/policy/app.js';
import { withSharedRunAsUsers } from '../../domain/report/hygiene.js';
import { MIN_ECA_API_VERSION } from '../../domain/schema/index.js';

/** What became of one name the user gave: opened, not opened, or another name of an org already opened. */
export type OrgOpening =
  | { readonly status: 'opened'; readonly name: string; readonly session: Session; readonly merged: string[] }
  | { readonly status: 'failed'; readonly name: string; readonly error: unknown }
  | { readonly status: 'merged'; readonly name: string; readonly into: string };

/**
 * Opens each org once, in the order given: two names of one org (same org id) give one session,
 * under the first name, the others listed in its `merged`; a name given twice counts once.
 */
export async function openOrgsOnce(names: readonly string[], options: SessionOptions = {}): Promise<OrgOpening[]> {
  const out: OrgOpening[] = [];
  const byOrgId = new Map<string, Extract<OrgOpening, { status: 'opened' }>>();
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    let session: Session;
    try {
      session = await openSession(name, options);
    } catch (error) {
      out.push({ status: 'failed', name, error });
      continue;
    }
    const first = byOrgId.get(session.orgId);
    if (first) {
      first.merged.push(name);
      out.push({ status: 'merged', name, into: first.name });
      continue;
    }
    const opened = { status: 'opened' as const, name, session, merged: [] };
    byOrgId.set(session.orgId, opened);
    out.push(opened);
  }
  return out;
}

/** Runs `work` on every item, at most `concurrency` at a time; the first error rejects (the others finish their item). */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), queue.length) }, () => worker()));
}

export type OrgAudit = {
  /** the retrieve: local ECAs and Connected Apps, orphan satellites, the ExternalClientApp settings */
  readonly apps: OrgApps;
  /** every retrieved app through the app reader, with the org's facts */
  readonly audited: AuditedApp[];
  /** ECAs installed from packages (a retrieve leaves them out) */
  readonly installedEcas: InstalledEca[];
  /** ConnectedApplication.Name (the label) of every Connected App the org runs, installed ones included */
  readonly runtimeConnectedApps: string[];
  /** OAuth token usage by OauthToken.AppName; undefined when OauthToken could not be read */
  readonly usage?: ReadonlyMap<string, UsageFacts>;
  readonly runAsUsers: ReadonlyMap<string, RunAsFacts>;
};

function runAsFacts(runAs: ReadonlyMap<string, RunAsFacts>, username: string | undefined): RunAsUserFacts | undefined {
  const f = username ? runAs.get(username.toLowerCase()) : undefined;
  return f
    ? { username: f.username, isApiOnly: f.isApiOnly, hasAdminPermissions: f.adminPermissions.length > 0, adminPermissions: f.adminPermissions, profile: f.profile, isActive: f.isActive }
    : undefined;
}

/** One org's apps with the facts the rules need; `name` is the org as the user named it. */
export async function readOrgAudit(s: Session, name: string): Promise<OrgAudit> {
  // the queries that do not need the retrieve go out beside it; its failure is still the one said first
  const beside = Promise.all([
    // without usage facts the usage rule does not judge the app (never a pass)
    readTokenUsage(s.access).catch(() => undefined),
    // one query of the ECA records feeds the installed apps and every app's secret age;
    // External Client Apps exist from API 59.0: an older org has none
    s.version >= MIN_ECA_API_VERSION ? readEcaRecords(s.access) : Promise.resolve<EcaRecord[]>([]),
    readConnectedApplicationNames(s.access),
  ]);
  beside.catch(() => undefined);
  // the run-as users' query goes out as soon as the policies are parsed, while the rest is
  let early: { names: Set<string>; facts: Promise<Map<string, RunAsFacts>> } | undefined;
  const apps = await readOrgApps(s.access, s.version, {
    settings: true,
    onRunAsUsers: (names) => {
      early = { names: new Set(names), facts: readRunAsUsers(s.access, names) };
      early.facts.catch(() => undefined);
    },
  });
  const runAsNames = [
    ...apps.ecas.map((e) => e.parts.oauthPolicies?.values.clientCredentialsFlowUser),
    ...apps.connectedApps.map((c) => c.values.oauthConfig?.oauthClientCredentialUser),
  ].filter((u): u is string => typeof u === 'string');
  const asked = early;
  const runAsRead = asked && runAsNames.every((n) => asked.names.has(n)) ? asked.facts : readRunAsUsers(s.access, runAsNames);
  const [allRunAs, [usage, ecaRecords, runtimeConnectedApps]] = await Promise.all([runAsRead, beside]);
  // only the users of the apps audited (an orphan policy's user was asked about too)
  const audit = new Set(runAsNames.map((n) => n.toLowerCase()));
  const runAs = new Map([...allRunAs].filter(([username]) => audit.has(username)));
  const installedEcas: InstalledEca[] = await readInstalledEcas(s.access, new Set(apps.ecas.map((e) => e.name)), ecaRecords);
  const secretAge = secretAgeFacts(ecaRecords);
  const settings = apps.settings ?? {};
  const org = {
    id: s.orgId,
    name,
    settings: {
      enableConsumerSecretApiAccess: settings.enableConsumerSecretApiAccess === true,
      enableClientSecretInRestApiAccess: settings.enableClientSecretInRestApiAccess === true,
    },
  };
  const usageOf = (label: unknown, fullName: string): UsageFacts | undefined => usage?.get(typeof label === 'string' ? label : fullName) ?? usage?.get(fullName);
  const audited: AuditedApp[] = [
    ...apps.ecas.map((eca) =>
      fromEca(eca, {
        org,
        runAsUser: runAsFacts(runAs, eca.parts.oauthPolicies?.values.clientCredentialsFlowUser),
        tokenUsage: usageOf(eca.parts.header?.values.label, eca.name),
        secretAge: secretAge(eca.name),
      })
    ),
    ...apps.connectedApps.map((ca) =>
      fromConnectedApp(ca, {
        org,
        runAsUser: runAsFacts(runAs, ca.values.oauthConfig?.oauthClientCredentialUser),
        tokenUsage: usageOf(ca.values.label, ca.fullName),
      })
    ),
  ];
  return { apps, audited: withSharedRunAsUsers(audited), installedEcas, runtimeConnectedApps, usage, runAsUsers: runAs };
}
