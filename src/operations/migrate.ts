/**
 * `sf eca migrate`: External Client Apps from one org to others. One retrieve reads the source's
 * apps; per target: transform (org-specific values stripped, names remapped by the mapping file),
 * check every referenced user, profile and permission set, skip what is up to date, validate,
 * deploy (all or nothing), read back. A failing target does not stop the others unless fail-fast.
 * The transform, references and diff are the domain's (domain/migrate).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
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
  org: string;
  orgId: string;
  status: 'deployed' | 'validated' | 'unchanged' | 'written' | 'failed' | 'in-progress';
  message?: string;
  validationId?: string;
  deployId?: string;
  outputDir?: string;
  apps: MigratedApp[];
  missing: Array<{ kind: string; name: string; neededBy: string[]; message: string; fix: string }>;
  problems: Array<{ app: string; severity: string; message: string }>;
};

export type MigrateResult = {
  source: { org: string; orgId: string };
  dryRun: boolean;
  apps: string[];
  skipped: Array<{ name: string; reason: string }>;
  targets: TargetOutcome[];
  reportFile?: string;
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

type Mapping = { mapping?: MigrationMapping; dir: string };

/** The exit outcome of a migration (EXIT_CODES.migrate). */
export function migrateOutcome(r: MigrateResult): keyof typeof EXIT_CODES.migrate {
  if (r.targets.some((t) => t.status === 'in-progress')) return 'InProgress';
  const failed = r.targets.filter((t) => t.status === 'failed').length;
  return failed === 0 ? 'Succeeded' : failed === r.targets.length ? 'Failed' : 'PartialSuccess';
}

export async function migrateApps(input: MigrateInput, onProgress?: OnProgress): Promise<MigrateResult> {
  const progress = progressTo(onProgress);
  if (!input.all && !input.names?.length) throw messages.createError('error.NoApps');
  const open = (name: string): Promise<Session> => openSession(name, { apiVersion: input.apiVersion });
  const source = await open(input.sourceOrg);
  const targets = await Promise.all(input.targetOrgs.map(open));
  const same = targets.filter((t) => t.orgId === source.orgId);
  if (same.length) throw messages.createError('error.SameOrg', [same.map((t) => t.name).join(', '), input.sourceOrg]);
  const mapping = await readMapping(input.mapping);

  // one retrieve reads every component of the source's apps
  progress({ stage: 'Retrieving' });
  const sourceApps = await readOrgApps(source.access, source.version, { connectedApps: false });
  const origins = new Map(sourceApps.ecas.map((e) => [e.name, { namespacePrefix: e.namespacePrefix, manageableState: e.manageableState }]));
  const selection = domain.selectApps(sourceApps.ecas, { names: input.names, all: input.all }, origins);
  if (selection.unknown.length || selection.refused.length) {
    throw messages.createError('error.AppsNotMigratable', [
      input.sourceOrg,
      [...domain.describeUnknownApps(selection.unknown), ...selection.refused.map((r) => `${r.name}: ${r.reason}`)].join('\n  '),
    ]);
  }
  if (selection.selected.length === 0) throw messages.createError('error.NothingSelected', [input.sourceOrg]);

  const outcomes: TargetOutcome[] = [];
  for (const t of targets) {
    progress({ data: { target: t.name, status: 'transforming' } });
    const outcome = await migrateTo(t, selection.selected, mapping, input, progress);
    outcomes.push(outcome);
    progress({ data: { target: t.name, status: outcome.status } });
    if (input.failFast && outcome.status === 'failed') break;
  }

  const result: MigrateResult = {
    source: { org: input.sourceOrg, orgId: source.orgId },
    dryRun: input.dryRun,
    apps: selection.selected.map((e) => e.name),
    skipped: selection.skipped.map((s) => ({ name: s.name, reason: s.reason })),
    targets: domain.redactSecrets(outcomes),
  };
  if (input.reportFile) {
    result.reportFile = resolve(input.reportFile);
    await writeFilesAtomically([{ path: result.reportFile, content: markdownReport(result) }]);
  }
  return result;
}

async function readMapping(file: string | undefined): Promise<Mapping> {
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
async function transformFor(t: Session, apps: readonly Eca[], mapping: Mapping, input: MigrateInput, outcome: TargetOutcome): Promise<Array<{ eca: Eca; changes: MigratedField[] }>> {
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
    const r = domain.transformForTarget(eca, { name: t.name, certificates }, resolved, { keepConsumerKey: input.keepConsumerKey });
    outcome.problems.push(...r.problems.map((p) => ({ app: p.app, severity: p.severity, message: p.message })));
    return { eca: r.eca, changes: r.changes.map((c) => ({ component: c.component, field: c.field, from: str(c.from), to: str(c.to), reason: c.reason })) };
  });
}

/** One target, from transform to read-back; every failure is this target's outcome, never an exception. */
async function migrateTo(t: Session, apps: readonly Eca[], mapping: Mapping, input: MigrateInput, progress: OnProgress): Promise<TargetOutcome> {
  const outcome: TargetOutcome = { org: t.name, orgId: t.orgId, status: 'failed', apps: [], missing: [], problems: [] };
  const fail = (message: string): TargetOutcome => ({ ...outcome, status: 'failed', message });

  progress({ stage: 'Transforming' });
  let transformed;
  try {
    transformed = await transformFor(t, apps, mapping, input, outcome);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
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
    outcome.problems.push(...invalid.map((p) => ({ app: p.component, severity: 'error', message: `${p.message} ${p.fix}` })));
    return fail(messages.getMessage('target.invalid'));
  }
  return deployTo(t, toDeploy, input, outcome, progress);
}

/** Check-only deploy, then the deploy (all or nothing), then the read-back: a second run must find nothing to change. */
async function deployTo(t: Session, toDeploy: readonly Eca[], input: MigrateInput, outcome: TargetOutcome, progress: OnProgress): Promise<TargetOutcome> {
  const fail = (message: string): TargetOutcome => ({ ...outcome, status: 'failed', message });
  const failures = (list: ReadonlyArray<{ type: string; fullName: string; problem: string }>): void => {
    outcome.problems.push(...list.map((f) => ({ app: `${f.type}:${f.fullName}`, severity: 'error', message: explainFailure(f.problem) })));
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
      return { ...outcome, status: 'in-progress', deployId: e.jobId, message: messages.getMessage('target.inProgress', [e.jobId, String(input.wait.minutes), e.jobId, t.name]) };
    }
    return fail(e instanceof Error ? e.message : String(e));
  }

  progress({ stage: 'Verifying' });
  const after = await readOrgApps(t.access, t.version, { connectedApps: false });
  const drift = toDeploy.filter((e) => domain.diffEca(after.ecas.find((a) => a.name === e.name), e).status !== 'unchanged');
  if (drift.length) outcome.problems.push(...drift.map((e) => ({ app: e.name, severity: 'warning', message: messages.getMessage('target.drift') })));
  return { ...outcome, status: 'deployed' };
}

/** Salesforce's "consumer key is already taken" explained. */
function explainFailure(problem: string): string {
  return /consumer key is already taken/i.test(problem) ? `${problem} ${messages.getMessage('explain.keyTaken')}` : problem;
}

function markdownReport(r: MigrateResult): string {
  const cell = (v: string | undefined): string => (v ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const out = [
    '# External Client App migration report',
    '',
    `Source: ${r.source.org} (${r.source.orgId})${r.dryRun ? ', dry run (validated only)' : ''}. Apps: ${r.apps.join(', ')}.`,
    '',
    '| target | result | apps | message |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.org} | ${t.status} | ${t.apps.map((a) => `${a.name} (${a.status})`).join(', ')} | ${cell(t.message)} |`),
  ];
  for (const t of r.targets) {
    out.push('', `## ${t.org}: ${t.status}`);
    if (t.missing.length) out.push('', '### Missing in the target', '', ...t.missing.map((m) => `- ${m.message} ${m.fix}`));
    if (t.problems.length) out.push('', '### Problems', '', ...t.problems.map((p) => `- ${p.severity}: ${p.app}: ${p.message}`));
    for (const a of t.apps) {
      out.push('', `### ${a.name} (${a.status})`, '', '| component | field | from | to | why |', '|---|---|---|---|---|');
      for (const c of a.changes) out.push(`| ${cell(c.component)} | ${cell(c.field)} | ${cell(c.from)} | ${cell(c.to)} | ${cell(c.reason)} |`);
      for (const d of a.diff) out.push(`| ${cell(d.component)} | ${cell(d.field)} | ${cell(d.from)} | ${cell(d.to)} | changes in the target |`);
    }
  }
  return `${out.join('\n')}\n`;
}
