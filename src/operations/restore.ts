/**
 * `sf eca restore`: after a sandbox refresh (or any drift), re-create the apps an org lacks or
 * that differ from a snapshot, with their consumer keys and secrets, and prove each restored
 * login.
 *
 * 1. The snapshot is verified against its manifest and, with credentials, its vault opened with
 *    the passphrase (a wrong one is a named error before anything is asked of the org).
 * 2. One retrieve of the target, one User query for the run-as users (the sandbox username rule
 *    and the mapping file: domain/snapshot/users.ts), then the plan (domain/snapshot/restore.ts).
 * 3. Phase 1 (header and settings, the key and secret with the Global OAuth settings) validated,
 *    then deployed; the target read again and planned again, so phase 2 (policies) carries the
 *    names the org generated; phase 2 validated, then deployed. Deploys that carry a secret are
 *    built in memory (OrgAccess.deployFromMemory): the secret never touches the disk.
 * 4. One token request per restored secret (token verify with the vault's key and secret).
 *
 * Once something was deployed, the outcome says so whatever fails later (exit 68).
 */
import { relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
import { DeployTimeoutError, type DeployOutcome } from '../org/orgAccess.js';
import { openSession, type OrgRef, type Session, validateThenDeploy } from '../org/session.js';
import { readSandboxName, readUsersNamed } from '../org/snapshotFacts.js';
import type { DriftValue } from '../domain/drift/result.js';
import { type Component, type Eca, partOf } from '../domain/model.js';
import {
  type CredentialAction,
  type CredentialRestore,
  type DeployPhase,
  planRestore,
  type RestoreAction,
  type RestoreInput as PlanInput,
  type RestorePlan,
  snapshotUsernames,
  userLookup,
  valuesForDeploy,
  type VaultEntry,
} from '../domain/snapshot/index.js';
import type { EXIT_CODES } from '../shared/exitCodes.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { type MappingForTarget, mappingFor, readMapping } from './mappingFile.js';
import { openSnapshotVault, readPassphrase, readSnapshotFolder, type SnapshotFolder } from './snapshotFolder.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.restore');

export const RESTORE_STAGES = ['Verifying the snapshot', 'Reading the org', 'Deploying header and settings', 'Deploying policies', 'Verifying logins'] as const;

export type RestoreInput = {
  snapshot: string;
  org: OrgRef;
  names?: readonly string[];
  mapping?: string;
  dryRun: boolean;
  passphraseStdin: boolean;
  /** restore the apps without the snapshot's keys and secrets (Salesforce generates new ones): no passphrase needed */
  skipCredentials?: boolean;
  wait: { seconds: number; minutes: number };
  apiVersion?: string;
};

export type RestoredApp = {
  name: string;
  /** create: the org lacks it; update: it differs; none: it matches the snapshot; skip: see reason */
  action: RestoreAction;
  reason: string;
  /** restore: the key and secret go back with the app; unchanged: the org has the snapshot's key; none: no credentials */
  credentials: CredentialAction;
  /** the settings that differ (never a secret or a consumer key) */
  changes: Array<{ setting: string; current?: DriftValue; desired?: DriftValue }>;
  /** the login proved with the snapshot's key and secret after the restore */
  login?: { status: 'verified' | 'failed' | 'not-provable'; message?: string };
};

export type RestorePhaseResult = {
  phase: 1 | 2;
  title: string;
  /** "ExtlClntAppGlobalOauthSettings:Acme_CI_glbloauth" */
  components: string[];
  /** nothing-to-do: no component; not-run: an earlier step failed; pending: validated once phase 1 is deployed */
  status: 'deployed' | 'validated' | 'failed' | 'in-progress' | 'nothing-to-do' | 'not-run' | 'pending';
  validationId?: string;
  deployId?: string;
};

export type RestoreResult = {
  snapshot: { dir: string; orgId: string; createdAt: string; credentials: boolean };
  target: { org: string; orgId: string; sandboxName?: string };
  dryRun: boolean;
  /** restored: deployed (and proved); validated: --dry-run; unchanged: nothing to do; partial: something was deployed, not everything; failed: nothing was deployed */
  status: 'restored' | 'validated' | 'unchanged' | 'partial' | 'failed' | 'in-progress';
  message?: string;
  apps: RestoredApp[];
  phases: RestorePhaseResult[];
  /** run-as users: how each maps into the target */
  users: Array<{ from: string; to?: string; rule?: string; problem?: string }>;
  /** the org's External Client App settings that differ from the snapshot (reported, not deployed) */
  settings: Array<{ setting: string; snapshot?: DriftValue; target?: DriftValue }>;
  problems: Array<{ app?: string; severity: 'error' | 'warning'; message: string }>;
};

/** The exit outcome of a restore (EXIT_CODES.restore). */
export function restoreOutcome(r: RestoreResult): keyof typeof EXIT_CODES.restore {
  switch (r.status) {
    case 'in-progress':
      return 'InProgress';
    case 'partial':
      return 'PartialSuccess';
    case 'failed':
      return 'Failed';
    default:
      return 'Succeeded';
  }
}

type Work = {
  input: RestoreInput;
  session: Session;
  folder: SnapshotFolder;
  vault?: VaultEntry[];
  mapping: MappingForTarget;
  sandboxName?: string;
  progress: OnProgress;
  result: RestoreResult;
};

export async function restoreSnapshot(input: RestoreInput, onProgress?: OnProgress): Promise<RestoreResult> {
  const progress = progressTo(onProgress);
  progress({ stage: RESTORE_STAGES[0], data: { snapshot: input.snapshot } });
  const folder = await readSnapshotFolder(input.snapshot);
  const vault = folder.manifest.credentials.included && !input.skipCredentials ? await openSnapshotVault(folder, await readPassphrase(input.passphraseStdin)) : undefined;
  const mappingFile = await readMapping(input.mapping);

  progress({ stage: RESTORE_STAGES[1], data: { org: input.org.name } });
  const session = await openSession(input.org, { apiVersion: input.apiVersion });
  const sandboxName = await readSandboxName(session);
  const names = input.names ? [...input.names] : undefined;
  const mapping = await mappingFor(mappingFile, { username: session.username, aliases: [session.name] }, names ?? folder.ecas.map((e) => e.name));
  const w: Work = {
    input,
    session,
    folder,
    ...(vault ? { vault } : {}),
    mapping,
    ...(sandboxName ? { sandboxName } : {}),
    progress,
    result: {
      snapshot: {
        dir: relative(process.cwd(), resolve(input.snapshot)) || input.snapshot,
          orgId: folder.manifest.org.id,
        createdAt: folder.manifest.createdAt,
        credentials: folder.manifest.credentials.included,
      },
      target: { org: session.name, orgId: session.orgId, ...(sandboxName ? { sandboxName } : {}) },
      dryRun: input.dryRun,
      status: 'failed',
      apps: [],
      phases: [],
      users: [],
      settings: [],
      problems: [],
    },
  };
  if (folder.manifest.credentials.included && input.skipCredentials) {
    w.result.problems.push({ severity: 'warning', message: messages.getMessage('warning.SkipCredentials', [session.name]) });
  }
  const first = await plan(w);
  describePlan(w, first.plan);
  w.result.settings = settingsDrift(folder.settings, first.settings);
  if (w.result.settings.length) w.result.problems.push({ severity: 'warning', message: messages.getMessage('warning.Settings', [session.name]) });
  if (first.plan.upToDate) return finish(w, false);
  return deployPlan(w, first.plan);
}

/** What the target has now, and what restoring the snapshot into it takes (one retrieve, one User query). */
async function plan(w: Work): Promise<{ plan: RestorePlan; settings?: Record<string, unknown> }> {
  const { session, folder } = w;
  const current = await readOrgApps(session.access, session.version, { connectedApps: true, settings: true });
  const selected = w.input.names ? folder.ecas.filter((e) => w.input.names?.some((n) => n.toLowerCase() === e.name.toLowerCase())) : folder.ecas;
  const pair = { fromSandbox: folder.manifest.org.sandboxName, toSandbox: w.sandboxName };
  const users = await readUsersNamed(session, userLookup(snapshotUsernames(selected), pair, w.mapping.mapping));
  const input: PlanInput = {
    snapshot: { manifest: folder.manifest, ecas: folder.ecas, connectedApps: folder.connectedApps },
    target: { name: session.name, orgId: session.orgId, ...(w.sandboxName ? { sandboxName: w.sandboxName } : {}), ecas: current.ecas, connectedApps: current.connectedApps, users },
    ...(w.vault ? { credentials: w.vault } : {}),
    mapping: w.mapping.mapping,
    certificates: w.mapping.certificates,
    ...(w.input.names ? { names: w.input.names } : {}),
  };
  return { plan: planRestore(input), ...(current.settings ? { settings: current.settings } : {}) };
}

function describePlan(w: Work, p: RestorePlan): void {
  w.result.apps = p.apps.map((a) => ({
    name: a.name,
    action: a.action,
    reason: a.reason,
    credentials: a.credentials,
    changes: a.changes.map((c) => ({
      setting: c.setting,
      ...(c.current === undefined ? {} : { current: c.current }),
      ...(c.desired === undefined ? {} : { desired: c.desired }),
    })),
  }));
  w.result.users = p.users.map((u) => ('problem' in u ? { from: u.from, problem: u.problem } : { from: u.from, to: u.to, rule: u.rule }));
  w.result.problems.push(...p.problems.map((x) => ({ ...(x.app ? { app: x.app } : {}), severity: x.severity, message: x.message })));
  w.result.phases = p.phases.map((ph) => phaseResult(ph, ph.components.length ? 'not-run' : 'nothing-to-do'));
}

function phaseResult(ph: DeployPhase, status: RestorePhaseResult['status']): RestorePhaseResult {
  return { phase: ph.phase, title: ph.title, components: ph.components.map((c) => `${c.type}:${c.fullName}`), status };
}

function deployable(ph: DeployPhase, credentials: readonly CredentialRestore[]): Component[] {
  return ph.components.map((c) => ({ type: c.type, fullName: c.fullName, values: valuesForDeploy(c, credentials) }));
}

/** Validate then deploy one phase; the outcome goes into the result. Returns whether it was deployed (or validated, in a dry run). */
async function runPhase(w: Work, ph: DeployPhase, credentials: readonly CredentialRestore[]): Promise<boolean> {
  const index = ph.phase - 1;
  w.progress({ stage: RESTORE_STAGES[ph.phase + 1], data: { phase: `${ph.phase}: ${ph.title}`, status: w.input.dryRun ? 'validating' : 'validating, then deploying' } });
  const record = (patch: Partial<RestorePhaseResult>): void => {
    w.result.phases[index] = { ...phaseResult(ph, 'not-run'), ...w.result.phases[index], components: ph.components.map((c) => `${c.type}:${c.fullName}`), ...patch };
  };
  const failures = (o: DeployOutcome): void => {
    w.result.problems.push(...o.failures.map((f) => ({ app: `${f.type}:${f.fullName}`, severity: 'error' as const, message: explain(f.problem) })));
  };
  try {
    const { validation, deployment } = await validateThenDeploy(w.session.access, deployable(ph, credentials), {
      dryRun: w.input.dryRun,
      timeoutSeconds: w.input.wait.seconds,
      inMemory: true,
      onValidated: (v) => w.progress({ data: { validation: v.id, status: 'deploying' } }),
    });
    record({ validationId: validation.id, status: validation.success ? 'validated' : 'failed' });
    if (!validation.success) {
      failures(validation);
      w.result.message = messages.getMessage('phase.validationFailed', [String(ph.phase), ph.title]);
      return false;
    }
    if (!deployment) return true;
    record({ deployId: deployment.id, status: deployment.success ? 'deployed' : 'failed' });
    w.progress({ data: { deploy: deployment.id, status: deployment.success ? 'deployed' : 'failed' } });
    if (!deployment.success) {
      failures(deployment);
      w.result.message = messages.getMessage('phase.rolledBack', [String(ph.phase), ph.title, deployment.id]);
      return false;
    }
    return true;
  } catch (e) {
    if (!(e instanceof DeployTimeoutError)) throw e;
    record({ status: 'in-progress', deployId: e.jobId });
    w.result.status = 'in-progress';
    w.result.message = messages.getMessage('phase.inProgress', [e.jobId, String(w.input.wait.minutes), e.jobId, w.session.name]);
    return false;
  }
}

async function deployPlan(w: Work, first: RestorePlan): Promise<RestoreResult> {
  const [phase1, phase2] = first.phases;
  let deployedSomething = false;
  if (phase1.components.length) {
    if (!(await runPhase(w, phase1, first.credentials))) return finish(w, false);
    deployedSomething = !w.input.dryRun;
  }
  if (w.input.dryRun) {
    // phase 2 of an app phase 1 would create can be validated only once that app exists
    if (phase2.components.length && !phase2.provisional) await runPhase(w, phase2, []);
    else if (phase2.components.length) w.result.phases[1] = phaseResult(phase2, 'pending');
    return finish(w, false);
  }
  try {
    // read again and plan again: phase 2 takes the names the org generated for what phase 1 created
    const second = deployedSomething ? (await plan(w)).plan : first;
    if (deployedSomething && second.phases[0].components.length) {
      w.result.problems.push({ severity: 'warning', message: messages.getMessage('warning.Phase1Differs', [second.phases[0].components.map((c) => `${c.type}:${c.fullName}`).join(', ')]) });
    }
    if (second.phases[1].components.length) {
      const ok = await runPhase(w, second.phases[1], []);
      deployedSomething = deployedSomething || ok;
      if (!ok) return finish(w, deployedSomething);
    }
    await verifyLogins(w, first.credentials);
  } catch (e) {
    if (!deployedSomething) throw e;
    // something is in the org already: say so, never lose it in an exception
    w.result.problems.push({ severity: 'error', message: e instanceof Error ? e.message : String(e) });
    w.result.message = messages.getMessage('afterDeploy.failed', [w.session.name]);
    return finish(w, true, 'partial');
  }
  return finish(w, deployedSomething);
}

/** Whether a client credentials login proves the app: the flow on for the developer and the admin, and a run-as user. */
function provableByClientCredentials(eca: Eca | undefined): boolean {
  if (!eca) return false;
  const global = partOf(eca, 'globalOauthSettings')?.values;
  const policies = partOf(eca, 'oauthPolicies')?.values;
  return global?.isClientCredentialsFlowEnabled === true && policies?.isClientCredentialsFlowEnabled === true && typeof policies.clientCredentialsFlowUser === 'string';
}

/** One token request per restored secret, with the snapshot's consumer key and secret: the integrations' own login. */
async function verifyLogins(w: Work, restored: readonly CredentialRestore[]): Promise<void> {
  if (restored.length === 0) return;
  w.progress({ stage: RESTORE_STAGES[4] });
  const { verifyToken } = await import('./tokenVerify.js');
  for (const c of restored) {
    const app = w.result.apps.find((a) => a.name.toLowerCase() === c.app.toLowerCase());
    if (!app) continue;
    w.progress({ data: { app: c.app } });
    if (!provableByClientCredentials(w.folder.ecas.find((e) => e.name.toLowerCase() === c.app.toLowerCase()))) {
      app.login = { status: 'not-provable', message: messages.getMessage('login.notProvable', [c.app]) };
      continue;
    }
    try {
      // eslint-disable-next-line no-await-in-loop
      const proved = await verifyToken({
        org: { name: w.session.name, org: w.session.org },
        name: c.app,
        flow: 'client-credentials',
        'client-id': c.consumerKey,
        'secret-stdin': false,
        credentials: { clientSecret: c.consumerSecret.reveal() },
        ...(w.input.apiVersion ? { apiVersion: w.input.apiVersion } : {}),
      });
      app.login = { status: 'verified', message: messages.getMessage('login.verified', [proved.user.username ?? '', proved.tokenEndpoint]) };
    } catch (e) {
      app.login = { status: 'failed', message: e instanceof Error ? e.message : String(e) };
      w.result.problems.push({ app: c.app, severity: 'error', message: messages.getMessage('login.failed', [c.app, app.login.message ?? '']) });
    }
  }
}

/** The status from what happened: something deployed with errors left is partial; nothing deployed with errors is failed. */
function finish(w: Work, deployed: boolean, forced?: RestoreResult['status']): RestoreResult {
  const r = w.result;
  if (forced) r.status = forced;
  else if (r.status === 'in-progress') r.status = 'in-progress';
  else {
    const errors = r.problems.some((p) => p.severity === 'error') || r.phases.some((p) => p.status === 'failed');
    const changes = r.apps.some((a) => a.action === 'create' || a.action === 'update');
    if (deployed) r.status = errors ? 'partial' : 'restored';
    else if (errors) r.status = 'failed';
    else if (w.input.dryRun && changes) r.status = 'validated';
    else r.status = 'unchanged';
  }
  if (!r.message) r.message = messages.getMessage(`status.${r.status}`, [w.session.name]);
  return r;
}

/** The org's External Client App settings that differ from the snapshot's (restore reports them, it does not deploy them). */
function settingsDrift(snapshot: Component | undefined, target: Record<string, unknown> | undefined): RestoreResult['settings'] {
  if (!snapshot || !target) return [];
  const keys = [...new Set([...Object.keys(snapshot.values), ...Object.keys(target)])].filter((k) => k !== 'fullName').sort();
  const value = (v: unknown): DriftValue | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? undefined : JSON.stringify(v));
  return keys
    .filter((k) => value(snapshot.values[k]) !== value(target[k]))
    .map((k) => ({ setting: k, ...(snapshot.values[k] === undefined ? {} : { snapshot: value(snapshot.values[k]) }), ...(target[k] === undefined ? {} : { target: value(target[k]) }) }));
}

/** Salesforce's "consumer key is already taken" explained for a restore. */
function explain(problem: string): string {
  return /consumer key is already taken/i.test(problem) ? `${problem} ${messages.getMessage('explain.keyTaken')}` : problem;
}
