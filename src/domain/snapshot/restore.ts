/**
 * Restore planning: given a snapshot and what the target org has now, what to deploy, in which
 * order, with which names, users and credentials. Pure; the I/O layer reads, validates,
 * deploys and proves.
 *
 * - Idempotent: an app equal to the snapshot under drift's normalisation (../drift/diff.ts) is
 *   left alone, so a second restore plans nothing.
 * - The target's org ids apply: `orgScopedExternalApp`, `oauthLink` (and any `<OrgId>:...`
 *   value) are stripped from the snapshot; the target generates its own on deploy (Salesforce
 *   Help, "Deploy an External Client App with a New Global OAuth Settings File": a wrong OAuth
 *   link fails the deploy, a missing one is generated).
 * - Users: the mapping file first, then the sandbox username rule (./users.ts), checked against
 *   the users the target really has. A run-as user with no counterpart skips its app.
 * - Two deploy phases. Phase 1: the header and every *Settings component; phase 2: every
 *   *Policies component. Salesforce generates an app's OAuth policies when the app is deployed,
 *   and they are configured afterwards (Help, "Configure External Client App Policies"); sfdx-
 *   hardis after-refresh deploys the header first and the satellites second for the same reason
 *   ("satellite types require the parent to exist first"). So for an app phase 1 creates, phase
 *   2 is provisional: after phase 1, read the target again and plan again; phase 1 then comes
 *   out empty and phase 2 carries the names the target generated.
 * - Credentials: the consumer key and secret from the vault go into phase 1 with the Global
 *   OAuth settings, when the app is created or the target's key is known to differ. They stay
 *   Secret objects in the plan; valuesForDeploy() reveals the secret only for the deploy.
 * - Packaged apps come with their package, and Connected Apps cannot be created since Spring '26:
 *   both are reported and skipped.
 */
import { componentByPart, CONNECTED_APP, ECA_COMPONENTS, type EcaPart } from '../components.js';
import { displayValue, normaliseEca } from '../drift/diff.js';
import type { DriftValue } from '../drift/result.js';
import { alignSatelliteNames, diffEca, type SatelliteRename } from '../migrate/diff.js';
import { CONSUMER_KEY_FIELD, DISTRIBUTION_STATE_FIELD, USER_FIELDS } from '../migrate/fields.js';
import { EMPTY_MAPPING, type ResolvedMapping } from '../migrate/mapping.js';
import { compareText, sameName } from '../migrate/text.js';
import { transformForTarget } from '../migrate/transform.js';
import { type Component, type ConnectedApp, type Eca, partOf } from '../model.js';
import type { MetadataValues } from '../xml.js';
import type { SnapshotManifest } from './manifest.js';
import type { Secret } from './secret.js';
import { resolveUsers, type TargetUser, type UserResolution, withResolvedUsers } from './users.js';
import type { VaultEntry } from './vault.js';

export type RestorePhaseNumber = 1 | 2;

/** Policies (admin) components go second; the header and settings (developer) first. */
export function phaseOf(part: EcaPart): RestorePhaseNumber {
  return componentByPart(part).type.endsWith('Policies') ? 2 : 1;
}

export const RESTORE_PHASES: ReadonlyArray<{ readonly phase: RestorePhaseNumber; readonly title: string; readonly parts: readonly EcaPart[] }> = [
  { phase: 1, title: 'header and settings', parts: ECA_COMPONENTS.map((c) => c.part).filter((p) => phaseOf(p) === 1) },
  { phase: 2, title: 'policies', parts: ECA_COMPONENTS.map((c) => c.part).filter((p) => phaseOf(p) === 2) },
];

export type RestoreTarget = {
  /** alias or username, as messages name the org */
  readonly name: string;
  readonly orgId: string;
  /** the target's sandbox name; undefined for production */
  readonly sandboxName?: string;
  /** the target's ECAs now (one retrieve of every ECA type) */
  readonly ecas: readonly Eca[];
  readonly connectedApps?: readonly ConnectedApp[];
  /** consumer keys the target's apps have, by app name, when known (the Connect REST credentials resource) */
  readonly consumerKeys?: ReadonlyMap<string, string>;
  /** the users the target has among the names userLookup() asked for */
  readonly users: readonly TargetUser[];
};

export type RestoreInput = {
  readonly snapshot: { readonly manifest: SnapshotManifest; readonly ecas: readonly Eca[]; readonly connectedApps?: readonly ConnectedApp[] };
  readonly target: RestoreTarget;
  /** the opened vault, when the snapshot has credentials */
  readonly credentials?: readonly VaultEntry[];
  /** the mapping file resolved for the target */
  readonly mapping?: ResolvedMapping;
  readonly certificates?: ReadonlyMap<string, string>;
  /** only these apps (names without case); absent: all */
  readonly names?: readonly string[];
};

export type RestoreAction = 'create' | 'update' | 'none' | 'skip';

/** restore: deployed with the app; unchanged: the target's key is the vault's; unverified: the target's key could not be read, nothing redeployed; none: no credentials for this app. */
export type CredentialAction = 'restore' | 'unchanged' | 'unverified' | 'none';

export type RestoreChange = {
  readonly part: EcaPart;
  /** "oauthPolicies.ipRelaxationPolicyType" */
  readonly setting: string;
  /** in the target now; absent: not set */
  readonly current?: DriftValue;
  /** from the snapshot; absent: not set */
  readonly desired?: DriftValue;
};

export type PlannedComponent = {
  readonly app: string;
  readonly part: EcaPart;
  readonly type: string;
  readonly fullName: string;
  /** the values to deploy, without credentials (see valuesForDeploy) */
  readonly values: MetadataValues;
  readonly change: 'create' | 'update';
};

export type DeployPhase = {
  readonly phase: RestorePhaseNumber;
  readonly title: string;
  readonly components: readonly PlannedComponent[];
  /** names in this phase may change once the previous phase is deployed: plan again before deploying it */
  readonly provisional: boolean;
};

export type CredentialRestore = {
  readonly app: string;
  /** the Global OAuth settings component that carries them */
  readonly component: string;
  readonly consumerKey: string;
  readonly consumerSecret: Secret;
};

export type RestoreAppPlan = {
  readonly name: string;
  readonly action: RestoreAction;
  readonly reason: string;
  readonly credentials: CredentialAction;
  readonly changes: readonly RestoreChange[];
  /** snapshot satellites renamed to the names the target uses */
  readonly renames: readonly SatelliteRename[];
};

export type RestoreProblem = { readonly app?: string; readonly severity: 'error' | 'warning'; readonly message: string };

export type RestorePlan = {
  readonly apps: readonly RestoreAppPlan[];
  readonly phases: readonly [DeployPhase, DeployPhase];
  readonly credentials: readonly CredentialRestore[];
  readonly users: readonly UserResolution[];
  readonly problems: readonly RestoreProblem[];
  /** nothing to deploy */
  readonly upToDate: boolean;
};

/** The usernames a snapshot's apps run as: what the I/O layer resolves with userLookup(). */
export function snapshotUsernames(ecas: readonly Eca[]): string[] {
  const names = ecas.flatMap((eca) =>
    USER_FIELDS.flatMap((ref) => {
      const v = partOf(eca, ref.part)?.values[ref.field];
      return typeof v === 'string' && v.includes('@') ? [v] : [];
    })
  );
  return [...new Set(names)].sort(compareText);
}

function selected(name: string, names: readonly string[] | undefined): boolean {
  return names === undefined || names.some((n) => sameName(n, name));
}

function isLocal(eca: Eca): boolean {
  const state = partOf(eca, DISTRIBUTION_STATE_FIELD.part)?.values[DISTRIBUTION_STATE_FIELD.field];
  return state === undefined || state === 'Local';
}

function findEca(ecas: readonly Eca[], name: string): Eca | undefined {
  return ecas.find((e) => sameName(e.name, name));
}

function targetKeyOf(target: RestoreTarget, current: Eca): string | undefined {
  for (const [name, key] of target.consumerKeys ?? []) if (sameName(name, current.name)) return key;
  const retrieved = partOf(current, CONSUMER_KEY_FIELD.part)?.values[CONSUMER_KEY_FIELD.field];
  return typeof retrieved === 'string' && retrieved !== '' ? retrieved : undefined;
}

function userProblem(r: Extract<UserResolution, { problem: string }>, target: string): string {
  const looked = r.candidates.map((c) => `"${c}"`).join(', ');
  switch (r.problem) {
    case 'ambiguous':
      return `The run-as user "${r.from}" matches several users in ${target} (${looked}): map it in the mapping file's "users".`;
    case 'inactive':
      return `The run-as user "${r.from}" is inactive in ${target} (${looked}): activate it, or map another user in the mapping file's "users".`;
    case 'not-found':
      return `The run-as user "${r.from}" has no counterpart in ${target} (looked for ${looked}): create it, or map it in the mapping file's "users".`;
  }
}

type AppWork = { plan: RestoreAppPlan; components: PlannedComponent[]; credential?: CredentialRestore };

function skip(name: string, reason: string): AppWork {
  return { plan: { name, action: 'skip', reason, credentials: 'none', changes: [], renames: [] }, components: [] };
}

function planApp(snapshotEca: Eca, input: RestoreInput, mapping: ResolvedMapping, badUsers: ReadonlyMap<string, string>, problems: RestoreProblem[]): AppWork {
  const name = snapshotEca.name;
  const target = input.target;
  if (!isLocal(snapshotEca)) return skip(name, 'a packaged app comes with its package: install the package in the target');
  const blockers = snapshotUsernames([snapshotEca]).flatMap((u) => (badUsers.has(u.toLowerCase()) ? [badUsers.get(u.toLowerCase()) as string] : []));
  if (blockers.length > 0) {
    for (const message of blockers) problems.push({ app: name, severity: 'error', message });
    return skip(name, 'a run-as user has no counterpart in the target');
  }
  const transformed = transformForTarget(snapshotEca, { name: target.name, ...(input.certificates ? { certificates: input.certificates } : {}) }, mapping);
  for (const p of transformed.problems) problems.push({ app: name, severity: p.severity, message: p.message });
  if (transformed.problems.some((p) => p.severity === 'error')) return skip(name, 'the mapping could not be applied');

  const current = findEca(target.ecas, name);
  const normalisedCurrent = current ? normaliseEca(current) : undefined;
  const { eca: desired, renames } = alignSatelliteNames(normaliseEca(transformed.eca), normalisedCurrent && { ...normalisedCurrent, name: transformed.eca.name });
  const diff = diffEca(normalisedCurrent, desired);
  const changedParts = new Set(diff.fields.map((f) => f.part));

  const entry = input.credentials?.find((e) => sameName(e.app, name));
  const global = partOf(desired, CONSUMER_KEY_FIELD.part);
  let credentials: CredentialAction = 'none';
  if (entry && !global) {
    problems.push({ app: name, severity: 'warning', message: `The snapshot has credentials for ${name} but no Global OAuth settings to carry them: they are not restored.` });
  } else if (entry && global) {
    const targetKey = current ? targetKeyOf(target, current) : undefined;
    if (!current || (targetKey !== undefined && targetKey !== entry.consumerKey)) credentials = 'restore';
    else if (targetKey === entry.consumerKey) credentials = 'unchanged';
    else {
      credentials = 'unverified';
      problems.push({
        app: name,
        severity: 'warning',
        message: `The consumer key of ${name} in ${target.name} could not be read, so its credentials were not redeployed; if integrations fail, restore with the credentials REST access enabled.`,
      });
    }
  }
  if (credentials === 'restore' && global) changedParts.add(CONSUMER_KEY_FIELD.part);

  const components: PlannedComponent[] = [];
  for (const { part } of ECA_COMPONENTS) {
    const c = desired.parts[part] as Component | undefined;
    if (!c) continue;
    const exists = normalisedCurrent?.parts[part] !== undefined;
    if (exists && !changedParts.has(part)) continue;
    components.push({ app: name, part, type: c.type, fullName: c.fullName, values: c.values, change: exists ? 'update' : 'create' });
  }
  const changes: RestoreChange[] = diff.fields.map((f) => ({
    part: f.part,
    setting: `${f.part}.${f.field}`,
    ...(f.from === undefined ? {} : { current: displayValue(f.field, f.from) }),
    ...(f.to === undefined ? {} : { desired: displayValue(f.field, f.to) }),
  }));
  const action: RestoreAction = !current ? 'create' : components.length > 0 ? 'update' : 'none';
  const reason =
    action === 'create'
      ? `${target.name} does not have it`
      : action === 'update'
        ? changes.length > 0
          ? `${changes.length} setting${changes.length === 1 ? '' : 's'} differ`
          : 'its credentials differ'
        : 'the target already matches the snapshot';
  const credential: CredentialRestore | undefined =
    credentials === 'restore' && entry && global ? { app: name, component: `${global.type}:${global.fullName}`, consumerKey: entry.consumerKey, consumerSecret: entry.consumerSecret } : undefined;
  return { plan: { name, action, reason, credentials, changes, renames }, components, ...(credential ? { credential } : {}) };
}

/** What restoring the snapshot into the target takes. */
export function planRestore(input: RestoreInput): RestorePlan {
  const problems: RestoreProblem[] = [];
  const ecas = input.snapshot.ecas.filter((e) => selected(e.name, input.names)).sort((a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()));
  const mapping = input.mapping ?? EMPTY_MAPPING;
  const users = resolveUsers(snapshotUsernames(ecas), { fromSandbox: input.snapshot.manifest.org.sandboxName, toSandbox: input.target.sandboxName }, input.target.users, mapping);
  const badUsers = new Map(users.flatMap((r) => ('problem' in r ? [[r.from.toLowerCase(), userProblem(r, input.target.name)] as [string, string]] : [])));
  const withUsers = withResolvedUsers(mapping, users);

  const work = ecas.map((eca) => planApp(eca, input, withUsers, badUsers, problems));
  const cas = (input.snapshot.connectedApps ?? []).filter((c) => selected(c.fullName, input.names));
  for (const ca of cas) {
    const there = (input.target.connectedApps ?? []).some((t) => sameName(t.fullName, ca.fullName));
    work.push(
      there
        ? { plan: { name: ca.fullName, action: 'none', reason: `${input.target.name} has this ${CONNECTED_APP.title}; restore does not change Connected Apps`, credentials: 'none', changes: [], renames: [] }, components: [] }
        : skip(ca.fullName, "new Connected Apps cannot be created since Spring '26: convert it to an External Client App (sf eca convert)")
    );
  }
  for (const name of input.names ?? []) {
    if (!work.some((w) => sameName(w.plan.name, name))) problems.push({ severity: 'error', message: `The snapshot has no app named "${name}".` });
  }
  const all = work.flatMap((w) => w.components);
  const created = new Set(work.filter((w) => w.plan.action === 'create').map((w) => w.plan.name));
  const phase1 = all.filter((c) => phaseOf(c.part) === 1);
  const phase2 = all.filter((c) => phaseOf(c.part) === 2);
  const phases: [DeployPhase, DeployPhase] = [
    { phase: 1, title: RESTORE_PHASES[0].title, components: phase1, provisional: false },
    { phase: 2, title: RESTORE_PHASES[1].title, components: phase2, provisional: phase2.some((c) => created.has(c.app)) },
  ];
  const credentials = work.flatMap((w) => (w.credential ? [w.credential] : []));
  return { apps: work.map((w) => w.plan), phases, credentials, users, problems, upToDate: all.length === 0 };
}

/**
 * The values to deploy for a planned component: with the consumer key and secret when the plan
 * restores them through this component. Call it only to build the deploy request.
 */
export function valuesForDeploy(component: PlannedComponent, credentials: readonly CredentialRestore[]): MetadataValues {
  const c = credentials.find((r) => r.component === `${component.type}:${component.fullName}`);
  if (!c || component.part !== CONSUMER_KEY_FIELD.part) return component.values;
  return { ...component.values, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret.reveal() };
}
