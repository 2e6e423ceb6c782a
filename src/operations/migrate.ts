/**
 * `sf eca migrate`: External Client Apps from one org to others. One retrieve reads the source's
 * apps; per target: transform (org-specific values stripped, names remapped by the mapping file),
 * check every referenced user, profile and permission set, skip what is up to date, validate,
 * deploy (all or nothing), read back. The transform, references, diff and report are the
 * domain's (domain/migrate).
 *
 * Each target's failure is that target's outcome, whatever fails (its session, its checks, its
 * deploy, its read-back): the other targets go on (unless --fail-fast), and the report is written
 * before the first target, after each one and at the end, so a run that fails everywhere, or is
 * interrupted after some targets were deployed, still leaves it. Only what stops the whole run
 * before any target (no apps named, an unreadable mapping, a source that cannot be read, a target
 * that is the source) is thrown.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
import { describeFailure, orgRequestError } from '../org/errors.js';
import { DeployInterruptedError, DeployTimeoutError } from '../org/orgAccess.js';
import { readOrgNames } from '../org/references.js';
import { openSession, type Session, validateThenDeploy } from '../org/session.js';
import * as domain from '../domain/migrate/index.js';
import type { MigrationMapping } from '../domain/migrate/mapping.js';
import { type Eca, ecaComponents } from '../domain/model.js';
import { validateEca } from '../domain/validate.js';
import { planSourceFiles, writeSourceFiles } from '../shared/appSource.js';
import type { EXIT_CODES } from '../shared/exitCodes.js';
import { writeFilesAtomically } from '../shared/files.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.migrate');

export type MigratedField = { component: string; field: string; from?: string; to?: string; reason?: string };

export type MigratedApp = {
  name: string;
  /** what the target had: new (absent), changed, unchanged (skipped) */
  status: 'new' | 'changed' | 'unchanged';
  /** what the transform changed for this target (org ids stripped, names remapped); secrets never appear */
  changes: MigratedField[];
  /** the fields a deploy changes in the target */
  diff: MigratedField[];
};

export type TargetOutcome = {
  /** the org as the user named it */
  org: string;
  /** empty when the org could not be opened */
  orgId: string;
  /**
   * deployed, validated (--dry-run), unchanged (already up to date), written (--output-dir): done;
   * failed: nothing was deployed to it; in-progress: its deploy outlived --wait; interrupted: the
   * run was stopped during it; not-started: --fail-fast or an interrupt stopped the run before it
   */
  status: 'deployed' | 'validated' | 'unchanged' | 'written' | 'failed' | 'in-progress' | 'interrupted' | 'not-started';
  /** after a deploy: the apps read back as deployed (matched), with other values (differs), or not read (failed: the deploy stands, unverified) */
  readBack?: 'matched' | 'differs' | 'failed';
  message?: string;
  /** what to do next, naming the org as the user typed it */
  actions?: string[];
  validationId?: string;
  deployId?: string;
  outputDir?: string;
  apps: MigratedApp[];
  missing: Array<{ kind: string; name: string; neededBy: string[]; message: string; fix: string }>;
  /** error: why this target failed; warning: deployable, but look (a value, a shared certificate, a read-back) */
  problems: Array<{ app: string; severity: 'error' | 'warning'; message: string }>;
};

export type MigrateResult = {
  source: { org: string; orgId: string };
  dryRun: boolean;
  apps: string[];
  skipped: Array<{ name: string; reason: string }>;
  targets: TargetOutcome[];
  reportFile?: string;
  /** the report could not be written at the end (it was written before: see reportFile) */
  reportError?: string;
};

export type MigrateInput = {
  /** alias or username, as typed: never a default org */
  sourceOrg: string;
  targetOrgs: readonly string[];
  names?: readonly string[];
  all: boolean;
  /** the mapping file (JSON or YAML) */
  mapping?: string;
  keepConsumerKey: boolean;
  dryRun: boolean;
  outputDir?: string;
  failFast: boolean;
  reportFile?: string;
  wait: { seconds: number; minutes: number };
  apiVersion?: string;
};

/** The stages, in order; the data beside them: target, status. */
export const MIGRATE_STAGES = ['Retrieving', 'Transforming', 'Checking targets', 'Validating', 'Deploying', 'Verifying'] as const;

export type Mapping = { mapping?: MigrationMapping; dir: string };

const DONE: ReadonlySet<TargetOutcome['status']> = new Set(['deployed', 'validated', 'unchanged', 'written']);

/** A target whose work is fully done: a deploy that could not be read back is not. */
function succeeded(t: TargetOutcome): boolean {
  return DONE.has(t.status) && t.readBack !== 'failed';
}

/** The exit outcome of a migration (EXIT_CODES.migrate). */
export function migrateOutcome(r: MigrateResult): keyof typeof EXIT_CODES.migrate {
  if (r.targets.some((t) => t.status === 'in-progress')) return 'InProgress';
  const ok = r.targets.filter(succeeded).length;
  if (ok === r.targets.length) return 'Succeeded';
  // something was written to an org (a deploy, even unverified): never "failed"
  return ok > 0 || r.targets.some((t) => t.status === 'deployed') ? 'PartialSuccess' : 'Failed';
}

/** Ctrl-C or SIGTERM while a deploy was running (the error the deploy poller throws for it), or any error with the signal exit codes. */
function isInterrupt(e: unknown): e is Error & { jobId?: string; deployId?: string } {
  if (!(e instanceof Error)) return false;
  const code = (e as { exitCode?: number }).exitCode;
  return e.name === 'DeployInterruptedError' || code === 130 || code === 143;
}

/** Writes the report at each step: the first write must succeed (nothing was done yet); a later failure is kept for the result. */
class Report {
  public readonly file?: string;
  public error?: string;
  public constructor(file: string | undefined) {
    this.file = file ? resolve(file) : undefined;
  }
  public async write(r: domain.ReportInput, state: domain.ReportState, mustSucceed = false): Promise<void> {
    if (!this.file) return;
    try {
      await writeFilesAtomically([{ path: this.file, content: domain.renderMigrationReport(r, state, new Date().toISOString()) }]);
      this.error = undefined;
    } catch (e) {
      if (mustSucceed) throw messages.createError('error.ReportUnwritable', [this.file, describeFailure(e)]);
      this.error = describeFailure(e);
    }
  }
}

export async function migrateApps(input: MigrateInput, onProgress?: OnProgress): Promise<MigrateResult> {
  const progress = progressTo(onProgress);
  if (!input.all && !input.names?.length) throw messages.createError('error.NoApps');
  const mapping = await readMapping(input.mapping);
  const report = new Report(input.reportFile);
  const result: MigrateResult = { source: { org: input.sourceOrg, orgId: '' }, dryRun: input.dryRun, apps: [], skipped: [], targets: [], ...(report.file ? { reportFile: report.file } : {}) };
  await report.write(result, { kind: 'running', pending: [...input.targetOrgs] }, true);

  let targets: Array<{ name: string; session?: Session; error?: unknown }>;
  let selected: readonly Eca[];
  try {
    ({ targets, selected } = await prepare(input, result, progress));
  } catch (e) {
    await report.write(result, { kind: 'not-started', error: e instanceof Error ? e.message : String(e) });
    throw e;
  }

  let stopped: 'fail-fast' | 'interrupted' | undefined;
  let interrupt: Error | undefined;
  for (const [i, t] of targets.entries()) {
    let outcome: TargetOutcome;
    if (stopped) outcome = notStarted(t.name, stopped);
    else if (!t.session) outcome = failedOutcome(t.name, '', t.error);
    else {
      progress({ data: { target: t.name, status: 'transforming' } });
      try {
        outcome = await migrateTo(t.session, selected, mapping, input, progress, input.sourceOrg);
      } catch (e) {
        if (!isInterrupt(e)) outcome = failedOutcome(t.name, t.session.orgId, e);
        else {
          interrupt = e;
          stopped = 'interrupted';
          const deployId = e.jobId ?? e.deployId;
          outcome = {
            ...failedOutcome(t.name, t.session.orgId, e),
            status: 'interrupted',
            message: messages.getMessage('target.interrupted', [deployId ? ` during the deploy ${deployId}` : '']),
            ...(deployId ? { deployId, actions: [messages.getMessage('action.deployReport', [deployId, t.name])] } : {}),
          };
        }
      }
    }
    result.targets.push(domain.redactSecrets(outcome));
    progress({ data: { target: t.name, status: outcome.status } });
    if (input.failFast && outcome.status === 'failed' && !stopped) stopped = 'fail-fast';
    const pending = targets.slice(i + 1).map((x) => x.name);
    if (pending.length) await report.write(result, stopped === 'interrupted' ? { kind: 'interrupted' } : { kind: 'running', pending });
  }

  await report.write(result, stopped === 'interrupted' ? { kind: 'interrupted' } : { kind: 'complete' });
  if (report.error) result.reportError = report.error;
  if (interrupt) {
    // the signal's exit code stands; --json still gets what was done
    if (interrupt instanceof SfError) interrupt.setData({ ...(typeof interrupt.data === 'object' && interrupt.data ? interrupt.data : {}), migration: result });
    throw interrupt;
  }
  return result;
}

/** Opens every org and reads the source's apps: what fails here stops the run before any target. */
async function prepare(
  input: MigrateInput,
  result: MigrateResult,
  progress: OnProgress
): Promise<{ targets: Array<{ name: string; session?: Session; error?: unknown }>; selected: readonly Eca[] }> {
  const open = (name: string): Promise<Session> => openSession(name, { apiVersion: input.apiVersion });
  const source = await open(input.sourceOrg);
  result.source.orgId = source.orgId;
  // a target that cannot be opened is that target's failure, reported in its turn
  const opened = await Promise.all(
    input.targetOrgs.map(async (name) => {
      try {
        return { name, session: await open(name) };
      } catch (error) {
        return { name, error };
      }
    })
  );
  const same = opened.filter((t) => t.session?.orgId === source.orgId);
  if (same.length) throw messages.createError('error.SameOrg', [same.map((t) => t.name).join(', '), input.sourceOrg], [input.sourceOrg]);
  // one org named twice (an alias and its username) is migrated once
  const seen = new Set<string>();
  const targets = opened.filter((t) => !t.session || (!seen.has(t.session.orgId) && seen.add(t.session.orgId)));

  // one retrieve reads every component of the source's apps
  progress({ stage: 'Retrieving' });
  const sourceApps = await readOrgApps(source.access, source.version, { connectedApps: false });
  const origins = new Map(sourceApps.ecas.map((e) => [e.name, { namespacePrefix: e.namespacePrefix, manageableState: e.manageableState }]));
  const selection = domain.selectApps(sourceApps.ecas, { names: input.names, all: input.all }, origins);
  if (selection.unknown.length || selection.refused.length) {
    throw messages.createError(
      'error.AppsNotMigratable',
      [input.sourceOrg, [...domain.describeUnknownApps(selection.unknown), ...selection.refused.map((r) => `${r.name}: ${r.reason}`)].join('\n  ')],
      [input.sourceOrg]
    );
  }
  if (selection.selected.length === 0) throw messages.createError('error.NothingSelected', [input.sourceOrg], [input.sourceOrg]);
  result.apps = selection.selected.map((e) => e.name);
  result.skipped = selection.skipped.map((s) => ({ name: s.name, reason: s.reason }));
  return { targets, selected: selection.selected };
}

/** A target that failed on an error: its words, and the actions of a named org error (they name the org as typed). */
function failedOutcome(org: string, orgId: string, failure: unknown): TargetOutcome {
  // what jsforce or SDR threw raw (an expired login met mid-run) is said as the org errors are, naming the org
  const e = failure instanceof SfError && failure.actions?.length ? failure : orgRequestError(failure, 'the migration', org);
  const actions = e instanceof SfError ? e.actions?.filter((a) => a.trim()) : undefined;
  return {
    org,
    orgId,
    status: 'failed',
    message: e instanceof SfError ? e.message : describeFailure(e),
    ...(actions?.length ? { actions } : {}),
    apps: [],
    missing: [],
    problems: [],
  };
}

function notStarted(org: string, why: 'fail-fast' | 'interrupted'): TargetOutcome {
  return { org, orgId: '', status: 'not-started', message: messages.getMessage(why === 'fail-fast' ? 'target.notStartedFailFast' : 'target.notStartedInterrupted'), apps: [], missing: [], problems: [] };
}

/** Reads and checks the mapping file (JSON or YAML); diff and restore read it through this too. */
export async function readMapping(file: string | undefined): Promise<Mapping> {
  if (!file) return { dir: process.cwd() };
  const text = await readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (e) {
    throw messages.createError('error.MappingUnreadable', [file, e instanceof Error ? e.message : String(e)]);
  }
  const { formatMappingError } = domain;
  const { validateMappingFile } = await import('../shared/jsonSchema.js');
  const v = await validateMappingFile(parsed, text);
  if (!v.ok) throw messages.createError('error.MappingInvalid', [file, v.errors.map((e) => `  ${formatMappingError(e)}`).join('\n')]);
  return { mapping: v.mapping, dir: dirname(resolve(file)) };
}

function str(v: unknown): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

/** The apps made fit for one target, with what changed; problems go to the outcome. */
async function transformFor(
  t: Session,
  apps: readonly Eca[],
  mapping: Mapping,
  input: MigrateInput,
  outcome: TargetOutcome,
  sourceName: string
): Promise<Array<{ eca: Eca; changes: MigratedField[] }>> {
  const resolved = domain.resolveMapping(mapping.mapping, { username: t.username, aliases: [t.name] });
  const certificates = new Map<string, string>();
  for (const path of domain.certificateFiles(resolved, apps.map((a) => a.name))) {
    try {
      certificates.set(path, await readFile(resolve(mapping.dir, path), 'utf8'));
    } catch {
      // transformForTarget reports a certificate it did not get
    }
  }
  return apps.map((eca) => {
    const r = domain.transformForTarget(eca, { name: t.name, sourceName, certificates }, resolved, { keepConsumerKey: input.keepConsumerKey });
    outcome.problems.push(...r.problems.map((p) => ({ app: p.app, severity: p.severity, message: p.message })));
    return { eca: r.eca, changes: r.changes.map((c) => ({ component: c.component, field: c.field, from: str(c.from), to: str(c.to), reason: c.reason })) };
  });
}

/** One target, from transform to read-back. A failure it can name is its outcome; an error it cannot (the org) is thrown to the caller, which makes it the outcome. */
async function migrateTo(t: Session, apps: readonly Eca[], mapping: Mapping, input: MigrateInput, progress: OnProgress, sourceName: string): Promise<TargetOutcome> {
  const outcome: TargetOutcome = { org: t.name, orgId: t.orgId, status: 'failed', apps: [], missing: [], problems: [] };
  const fail = (message: string): TargetOutcome => ({ ...outcome, status: 'failed', message });

  progress({ stage: 'Transforming' });
  const transformed = await transformFor(t, apps, mapping, input, outcome, sourceName);
  if (outcome.problems.some((p) => p.severity === 'error')) return fail(messages.getMessage('target.transformFailed'));

  // check the target: every referenced user, profile and permission set, all at once
  progress({ stage: 'Checking targets' });
  const refs = domain.mergeReferences(transformed.map((x) => domain.referencesOf(x.eca)));
  const [orgNames, current] = await Promise.all([readOrgNames(t.access, refs), readOrgApps(t.access, t.version, { connectedApps: false })]);
  const missing = domain.missingReferences(refs, orgNames, t.name);
  outcome.missing = missing.map((m) => ({ kind: m.kind, name: m.name, neededBy: m.neededBy.map((n) => `${n.app} (${n.component}.${n.field})`), message: m.message, fix: m.fix }));
  if (missing.length) return fail(messages.getMessage('target.missing', [String(missing.length)]));

  // what changes: apps already up to date are skipped, satellites keep the target's names
  const toDeploy: Eca[] = [];
  for (const x of transformed) {
    const existing = current.ecas.find((e) => e.name === x.eca.name);
    const aligned = domain.alignSatelliteNames(x.eca, existing).eca;
    const diff = domain.diffEca(existing, aligned);
    outcome.apps.push({ name: x.eca.name, status: diff.status, changes: x.changes, diff: diff.fields.map((f) => ({ component: f.component, field: f.field, from: str(f.from), to: str(f.to) })) });
    if (diff.status !== 'unchanged') toDeploy.push(aligned);
  }

  if (input.outputDir) {
    const dir = join(resolve(input.outputDir), t.name);
    const files = (await Promise.all(transformed.map((x) => planSourceFiles(x.eca, dir)))).flat();
    await writeSourceFiles(files, true);
    return { ...outcome, status: 'written', outputDir: relative(process.cwd(), dir) || dir };
  }
  if (toDeploy.length === 0) return { ...outcome, status: 'unchanged' };

  const invalid = toDeploy.flatMap((e) => validateEca(e, t.version));
  if (invalid.length) {
    outcome.problems.push(...invalid.map((p) => ({ app: p.component, severity: 'error' as const, message: `${p.message} ${p.fix}` })));
    return fail(messages.getMessage('target.invalid'));
  }
  return deployTo(t, toDeploy, input, outcome, progress);
}

/** Check-only deploy, then the deploy (all or nothing), then the read-back: a second run must find nothing to change. */
async function deployTo(t: Session, toDeploy: readonly Eca[], input: MigrateInput, outcome: TargetOutcome, progress: OnProgress): Promise<TargetOutcome> {
  const fail = (message: string): TargetOutcome => ({ ...outcome, status: 'failed', message });
  const failures = (list: ReadonlyArray<{ type: string; fullName: string; problem: string }>): void => {
    outcome.problems.push(...list.map((f) => ({ app: `${f.type}:${f.fullName}`, severity: 'error' as const, message: explainFailure(f.problem) })));
  };
  try {
    progress({ stage: 'Validating' });
    const { validation, deployment } = await validateThenDeploy(t.access, toDeploy.flatMap((e) => ecaComponents(e)), {
      dryRun: input.dryRun,
      timeoutSeconds: input.wait.seconds,
      onValidated: () => progress({ stage: 'Deploying' }),
    });
    outcome.validationId = validation.id;
    if (!validation.success) {
      failures(validation.failures);
      return fail(messages.getMessage('target.validationFailed'));
    }
    if (!deployment) return { ...outcome, status: 'validated' };
    outcome.deployId = deployment.id;
    if (!deployment.success) {
      failures(deployment.failures);
      return fail(messages.getMessage('target.rolledBack', [deployment.id]));
    }
  } catch (e) {
    if (e instanceof DeployInterruptedError) throw e; // Ctrl-C/SIGTERM ends the whole run (exit 130/143), not this target
    if (e instanceof DeployTimeoutError) {
      return {
        ...outcome,
        status: 'in-progress',
        deployId: e.jobId,
        message: messages.getMessage('target.inProgress', [e.jobId, String(input.wait.minutes)]),
        actions: [messages.getMessage('action.deployResume', [e.jobId, t.name]), messages.getMessage('action.rerun')],
      };
    }
    throw e;
  }

  // the deploy stands from here on: a failed read-back leaves it unverified, never "failed"
  progress({ stage: 'Verifying' });
  let after;
  try {
    after = await readOrgApps(t.access, t.version, { connectedApps: false });
  } catch (e) {
    const names = toDeploy.map((x) => x.name);
    outcome.problems.push({ app: names.join(', '), severity: 'warning', message: messages.getMessage('target.readBackFailed', [outcome.deployId ?? '', t.name, describeFailure(e)]) });
    return {
      ...outcome,
      status: 'deployed',
      readBack: 'failed',
      message: messages.getMessage('target.deployedUnverified', [outcome.deployId ?? '']),
      actions: names.map((n) => messages.getMessage('action.display', [n, t.name])),
    };
  }
  const drift = toDeploy.filter((e) => domain.diffEca(after.ecas.find((a) => a.name === e.name), e).status !== 'unchanged');
  if (drift.length) outcome.problems.push(...drift.map((e) => ({ app: e.name, severity: 'warning' as const, message: messages.getMessage('target.drift') })));
  return { ...outcome, status: 'deployed', readBack: drift.length ? 'differs' : 'matched' };
}

/** Salesforce's "consumer key is already taken" explained. */
function explainFailure(problem: string): string {
  return /consumer key is already taken/i.test(problem) ? `${problem} ${messages.getMessage('explain.keyTaken')}` : problem;
}
