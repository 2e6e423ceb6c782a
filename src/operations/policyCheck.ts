/**
 * `sf eca policy check`: audits the token and session policies of ECAs and Connected Apps, in
 * source or in orgs, under a policy file, and (source only) fixes what it can. An org costs a
 * constant number of requests whatever its number of apps (one retrieve, the run-as users', the
 * token usage and the installed apps' queries); a few orgs are read at a time. The audit is the
 * domain's (domain/policy: the app reader's model, the rule catalogue, evaluate()).
 *
 * A gate never passes on input it could not read: a file that is not well-formed, has a DOCTYPE
 * or an element no API version has, a satellite without its app, a symbolic link that leads
 * nowhere or in a loop, an org or a login that cannot be read are each a named problem; the
 * others are still checked, and the run is incomplete (exit 2), in every output format. Two
 * logins of one org are one org (by org id; the first name is kept). Apps installed from packages
 * are listed as skipped, with the reason.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core';
import { createTwoFilesPatch } from 'diff';
import type { InstalledEca } from '../org/apps.js';
import { listOrgLogins, type OrgLogin, type Session } from '../org/session.js';
import { componentByType } from '../domain/components.js';
import { assembleEcas, type ConnectedApp, type Component } from '../domain/model.js';
import { evaluatePack, packById, type PackEvaluation } from '../domain/policy/packs.js';
import {
  applyFixes as applyFixValues,
  type AuditedApp,
  compareProblems,
  DEFAULT_FAIL_ON,
  evaluate,
  type Evaluation,
  exitCodeFor,
  type FailOn,
  type Fix,
  fieldLocations,
  formatConfigError,
  formatSarif,
  fromConnectedApp,
  fromEca,
  type InputProblemCode,
  POLICY_CONFIG_FILE,
  type PolicyConfig,
  redactSecrets,
  ruleById,
  type SourceLocation,
  toJunit,
} from '../domain/policy/index.js';
import { LATEST_KNOWN_API_VERSION } from '../domain/schema/index.js';
import { validateComponent } from '../domain/validate.js';
import { type ElementPosition, parseMetadataXml, serializeMetadataXml } from '../domain/xml.js';
import { EXIT_CODES, FAILURE_CODES } from '../shared/exitCodes.js';
import { documentedError } from '../shared/errorMapping.js';
import { writeFilesAtomically } from '../shared/files.js';
import { defaultSourceRoot, projectRoot } from '../shared/project.js';
import { findMetadataFiles, readSourceComponents, type SourceComponent, type SourceProblem } from '../shared/sourceFiles.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { inParallel, openOrgsOnce, readOrgAudit } from './shared/orgAudit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.policy.check');

export type PolicyFinding = {
  ruleId: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  title: string;
  message: string;
  /** the app (or org, or policy file) the finding is about */
  target: string;
  kind: 'eca' | 'connectedApp' | 'org' | 'config';
  org?: string;
  field?: string;
  /** under the source folder as the user named it */
  file?: string;
  line?: number;
  remediation: string;
  control: string;
  fixable: boolean;
};

/** Something the check could not read; any makes the run incomplete (exit 2). */
export type PolicyProblem = {
  code: InputProblemCode;
  message: string;
  /** under the source folder as the user named it */
  file?: string;
  line?: number;
  column?: number;
  /** the org, as the user named it */
  org?: string;
  /** the named error that stopped the org's read */
  error?: string;
  actions?: string[];
};

/** An app the check saw but did not audit, and why. */
export type SkippedApp = {
  name: string;
  kind: 'eca' | 'connectedApp';
  org?: string;
  reason: string;
  namespacePrefix?: string;
  /** the OAuth policies a subscriber sets on an installed External Client App, as the org reports them */
  policies?: { permittedUsers?: string; ipRelaxation?: string; refreshTokenPolicy?: string };
};

export type CheckedOrg = {
  /** as the user named it (the first of its logins) */
  name: string;
  username?: string;
  orgId?: string;
  status: 'checked' | 'unreadable';
  apps: number;
  skipped: number;
  /** other logins of the same org, checked once under `name` */
  merged: string[];
};

export type PackControlResult = {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'not-assessed';
  coverage: 'full' | 'partial' | 'none';
  note?: string;
  source: string;
  ruleIds: string[];
  evidence: Array<{ ruleId: string; severity: string; target: string; message: string; waived?: { reason: string; expires: string } }>;
};

export type PackResult = {
  id: string;
  title: string;
  source: { url: string; title: string };
  passed: number;
  failed: number;
  notAssessed: number;
  controls: PackControlResult[];
};

export type PolicyCheckResult = {
  passed: boolean;
  /** every file, app and org was read; false makes the exit code 2 */
  complete: boolean;
  failOn: string;
  summary: { critical: number; high: number; medium: number; low: number; total: number; waived: number };
  apps: Array<{ name: string; kind: 'eca' | 'connectedApp'; org?: string; findings: number }>;
  findings: PolicyFinding[];
  waived: Array<{ ruleId: string; target: string; reason: string; expires: string }>;
  fixed: Array<{ file: string; changes: string[] }>;
  /** with --fix: the passes it took, the folders it wrote to, and what is fixable but was left */
  fix?: { passes: number; converged: boolean; folders: string[]; left: string[] };
  problems: PolicyProblem[];
  skipped: SkippedApp[];
  orgs: CheckedOrg[];
  /** with --pack */
  packs?: PackResult[];
  sources: { dirs: string[]; orgs: string[] };
};

export type PolicyCheckInput = {
  sourceDirs?: readonly string[];
  /** aliases or usernames, as typed */
  orgs?: readonly string[];
  allOrgs: boolean;
  apiVersion?: string;
  policyFile?: string;
  failOn?: FailOn;
  outputFormat: 'human' | 'sarif' | 'junit';
  fix: boolean;
  /** compliance packs to evaluate (review-eca, isv-oauth) */
  packs?: readonly string[];
};

/** The result, and what the command prints instead of its tables: SARIF or JUnit, and the diffs of --fix. */
export type PolicyCheckRun = { result: PolicyCheckResult; report?: string; diffs: string[] };

/** The exit outcome of a check (EXIT_CODES.policyCheck); a check that could not run at all throws. */
export function policyOutcome(r: Pick<PolicyCheckResult, 'passed' | 'complete'>): keyof typeof EXIT_CODES.policyCheck {
  return !r.complete ? 'Incomplete' : r.passed ? 'Passed' : 'Findings';
}

/** --fix stops after this many passes (a fix that uncovers another is applied in the next pass). */
export const MAX_FIX_PASSES = 5;

/** A source folder as the user named it, and where it is. */
type SourceRoot = { abs: string; shown: string };

type AuditInput = {
  apps: AuditedApp[];
  /** the components read from source, for --fix */
  sourceComponents: SourceComponent[];
  problems: PolicyProblem[];
  skipped: SkippedApp[];
  orgs: CheckedOrg[];
};

/** Reports one stage per org read, `Reading` (data: org). */
export async function checkPolicies(input: PolicyCheckInput, onProgress?: OnProgress): Promise<PolicyCheckRun> {
  const progress = progressTo(onProgress);
  const now = new Date();
  const packs = (input.packs ?? []).map((id) => packById(id)).filter((p) => p !== undefined);
  const { config, configFile } = await loadPolicy(input.policyFile);
  const typedDirs = [...(input.sourceDirs ?? [])];
  const orgNames = input.allOrgs ? await allOrgs() : { names: [...(input.orgs ?? [])], problems: [], unreadable: [] };
  const roots: SourceRoot[] = typedDirs.map((d) => ({ abs: resolve(d), shown: shownRoot(d) }));
  if (roots.length === 0 && orgNames.names.length === 0 && orgNames.unreadable.length === 0) {
    const root = await defaultSourceRoot();
    if (!root) throw messages.createError('error.NothingToCheck');
    roots.push({ abs: root, shown: relative(process.cwd(), root) || '.' });
  }
  if (input.fix && (orgNames.names.length > 0 || input.allOrgs)) throw messages.createError('error.FixNeedsSource');

  const audit: AuditInput = { apps: [], sourceComponents: [], problems: [], skipped: [], orgs: [] };
  if (roots.length) await readSource(roots, audit);
  if (orgNames.names.length) {
    // one org asked for by name, and nothing else: its failure is the command's error
    const alone = !input.allOrgs && orgNames.names.length === 1 && roots.length === 0;
    await readOrgs(orgNames.names, { apiVersion: input.apiVersion, alone }, audit, progress);
  }
  // a login the CLI cannot read is a problem unless another login of its org was read
  orgNames.unreadable.forEach((login, i) => {
    const read = audit.orgs.find((o) => o.status === 'checked' && o.orgId !== undefined && o.orgId === login.orgId);
    if (read) read.merged.push(login.name);
    else audit.problems.push(orgNames.problems[i]);
  });

  const failOn = input.failOn ?? config.failOn ?? DEFAULT_FAIL_ON;
  const policy = { ...config, failOn };
  let evaluation = evaluate(audit.apps, policy, now, { configFile });
  const diffs: string[] = [];
  let fix: FixOutcome | undefined;
  if (input.fix) {
    fix = await fixUntilDone(evaluation, audit, roots, (apps) => evaluate(apps, policy, now, { configFile }));
    evaluation = fix.evaluation;
    diffs.push(...fix.diffs);
  }

  const problems = [...audit.problems].sort(compareProblems);
  const complete = problems.length === 0;
  const exitCode = complete ? exitCodeFor(evaluation.findings, failOn) : EXIT_CODES.policyCheck.Incomplete;
  const result = toResult(evaluation, {
    failOn,
    exitCode,
    complete,
    problems,
    skipped: audit.skipped,
    orgs: audit.orgs,
    fix,
    sourceDirs: roots.map((r) => r.shown),
    orgNames: orgNames.names,
  });
  if (packs.length) result.packs = packs.map((p) => packResult(evaluatePack(p, evaluation), complete));
  const outcome = policyOutcome(result);
  const report =
    input.outputFormat === 'sarif'
      ? formatSarif(evaluation, {
          toolName: 'plugin-eca',
          rootDir: process.cwd(),
          problems,
          exitCode: { code: EXIT_CODES.policyCheck[outcome], description: messages.getMessage(`outcome.${outcome}`) },
        })
      : input.outputFormat === 'junit'
        ? toJunit(evaluation, { name: 'sf eca policy check', problems })
        : undefined;
  return { result, report, diffs };
}

/** `.eca-policy.json` at the project root, or --policy-file, checked against its schema (the report reads it too). */
export async function loadPolicy(file: string | undefined): Promise<{ config: PolicyConfig; configFile?: string }> {
  let path = file;
  if (!path) {
    const candidate = resolve(await projectRoot(), POLICY_CONFIG_FILE);
    path = await readFile(candidate, 'utf8').then(
      () => candidate,
      () => undefined
    );
  }
  if (!path) return { config: {} };
  let text: string;
  let parsed: unknown;
  try {
    text = await readFile(path, 'utf8');
    parsed = JSON.parse(text);
  } catch (e) {
    throw messages.createError('error.PolicyFileUnreadable', [path, e instanceof Error ? e.message : String(e)]);
  }
  const { validatePolicyFile } = await import('../shared/jsonSchema.js');
  const v = await validatePolicyFile(parsed, text);
  if (!v.ok) throw messages.createError('error.PolicyFileInvalid', [path, v.errors.map((e) => `  ${formatConfigError(e)}`).join('\n')]);
  return { config: v.config, configFile: relative(process.cwd(), path) || path };
}

/** Every login the CLI has; one it cannot read is a problem of the run (unreadable[i] is problems[i]), not a reason to stop it. */
async function allOrgs(): Promise<{ names: string[]; problems: PolicyProblem[]; unreadable: OrgLogin[] }> {
  const logins = await listOrgLogins();
  if (logins.length === 0) throw messages.createError('error.NoOrgs');
  const unreadable = logins.filter((l) => l.error !== undefined);
  return {
    names: logins.filter((l) => l.error === undefined).map((l) => l.name),
    unreadable,
    problems: unreadable.map((l) => ({
      code: 'login-unreadable' as const,
      org: l.name,
      message: messages.getMessage('problem.login', [l.error ?? '']),
      actions: messages.getMessages('problem.login.actions', [l.name, l.name]),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// source

/** The folder as typed, tidied ("./force-app/" -> "force-app"). */
function shownRoot(typed: string): string {
  const t = join(typed);
  return t.length > 1 && t.endsWith(sep) ? t.slice(0, -1) : t;
}

/** A path read under one of the roots, under that root as the user named it. */
function shownPath(roots: readonly SourceRoot[], file: string): string {
  let best: SourceRoot | undefined;
  for (const r of roots) {
    const rel = relative(r.abs, file);
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    if (inside && (best === undefined || r.abs.length > best.abs.length)) best = r;
  }
  return best ? join(best.shown, relative(best.abs, file)) : relative(process.cwd(), file) || file;
}

function fileProblem(roots: readonly SourceRoot[], p: SourceProblem): PolicyProblem {
  return {
    code: p.code ?? 'unreadable',
    file: shownPath(roots, p.file),
    ...(p.line === undefined ? {} : { line: p.line }),
    ...(p.column === undefined ? {} : { column: p.column }),
    message: p.message,
  };
}

/** Every ECA and Connected App under the folders, with the file and line of each setting. */
async function readSource(roots: readonly SourceRoot[], input: AuditInput): Promise<void> {
  const { files, missing, problems: found } = await findMetadataFiles(roots.map((r) => r.abs));
  if (missing.length) throw messages.createError('error.SourceNotFound', [missing.map((m) => shownPath(roots, m)).join(', ')]);
  const { components, problems } = await readSourceComponents(files);
  const explained = await Promise.all(problems.map(explainTruncation));
  input.problems.push(...[...found, ...explained].map((p) => fileProblem(roots, p)));
  input.sourceComponents.push(...components);
  const built = auditSource(components, roots);
  input.apps.push(...built.apps);
  input.problems.push(...built.problems);
}

/**
 * fast-xml-parser reports a file that ends with elements still open as "Invalid '[\"A\", \"B\"]'
 * found." at line 1; say what it means, at the line where the file ends. An empty file says so.
 */
async function explainTruncation(p: SourceProblem): Promise<SourceProblem> {
  if (p.code !== 'malformed') return p;
  const open = /^Invalid '(\[[\s\S]*\])' found\.?$/.exec(p.message);
  const text = open || p.message === 'Start tag expected.' ? await readFile(p.file, 'utf8').catch(() => undefined) : undefined;
  if (text === undefined) return p;
  if (text.trim() === '') return { ...p, line: 1, column: undefined, message: messages.getMessage('problem.empty') };
  if (!open) return p;
  let names: string[];
  try {
    names = (JSON.parse(open[1]) as unknown[]).map(String);
  } catch {
    return p;
  }
  const lines = text.replace(/\n$/, '').split('\n');
  return {
    ...p,
    line: lines.length,
    column: undefined,
    message: messages.getMessage('problem.truncated', [names.reverse().map((n) => `<${n}>`).join(', ')]),
  };
}

/** The elements of a component that no API version the plugin knows has: the audit cannot read them. */
function unknownElements(c: SourceComponent): Array<{ field: string; line?: number; column?: number; message: string }> {
  return validateComponent(c, LATEST_KNOWN_API_VERSION)
    .filter((p) => p.code === 'unknown-field' && p.field !== undefined)
    .map((p) => {
      const at = elementAt(c.elements, (p.field as string).split('.'));
      return { field: p.field as string, line: at?.line, column: at?.column, message: messages.getMessage('problem.unknownElement', [p.field as string, c.type]) };
    });
}

function elementAt(elements: readonly ElementPosition[], path: readonly string[]): ElementPosition | undefined {
  const el = elements.find((e) => e.name === path[0]);
  return el === undefined || path.length === 1 ? el : elementAt(el.children, path.slice(1)) ?? el;
}

/** The audited apps of the components read from source, and what in them could not be read. */
function auditSource(components: readonly SourceComponent[], roots: readonly SourceRoot[]): { apps: AuditedApp[]; problems: PolicyProblem[] } {
  const apps: AuditedApp[] = [];
  const problems: PolicyProblem[] = [];
  for (const c of components) {
    for (const u of unknownElements(c)) {
      problems.push({ code: 'unknown-element', file: shownPath(roots, c.file), ...(u.line ? { line: u.line, column: u.column } : {}), message: u.message });
    }
  }
  const { ecas, orphans, duplicates } = assembleEcas(components.filter((c) => c.type !== 'ConnectedApp'));
  for (const o of orphans) {
    problems.push({
      code: 'missing-header',
      file: shownPath(roots, (o as SourceComponent).file),
      message: messages.getMessage('orphan', [`${o.type}:${o.fullName}`, String(o.values.externalClientApplication ?? '')]),
    });
  }
  for (const d of duplicates) {
    problems.push({ code: 'duplicate-part', file: shownPath(roots, (d as SourceComponent).file), message: messages.getMessage('problem.duplicatePart', [d.type, String(d.values.externalClientApplication ?? '')]) });
  }
  for (const eca of ecas) {
    const locations: Record<string, SourceLocation> = {};
    const parts = Object.fromEntries(
      Object.entries(eca.parts).map(([k, c]) => {
        const sc = c as SourceComponent;
        const file = shownPath(roots, sc.file);
        const part = componentByType(sc.type)?.part;
        if (part) Object.assign(locations, fieldLocations(part, file, sc.elements));
        return [k, { ...sc, file }];
      })
    );
    apps.push(fromEca({ ...eca, parts }, { locations }));
  }
  for (const ca of components.filter((c) => c.type === 'ConnectedApp')) {
    const file = shownPath(roots, ca.file);
    apps.push(fromConnectedApp({ ...ca, file } as unknown as ConnectedApp, { locations: fieldLocations('connectedApp', file, ca.elements) }));
  }
  return { apps, problems };
}

// ---------------------------------------------------------------------------------------------
// orgs

type OrgRead = { apiVersion?: string; alone: boolean };

/**
 * Each org's apps with the facts the rules need: a constant number of requests per org, a few orgs
 * at a time. Logins of one org (same org id) are read once, under the first name. An org that
 * cannot be opened or read is a problem of the run, and the others go on.
 */
async function readOrgs(names: readonly string[], o: OrgRead, input: AuditInput, progress: OnProgress): Promise<void> {
  const fail = (entry: CheckedOrg, e: unknown): void => {
    if (o.alone) throw e;
    const err = documentedError(e, FAILURE_CODES.policyCheck, entry.name) as Error & { actions?: string[] };
    entry.status = 'unreadable';
    input.problems.push({
      code: 'org-unreadable',
      org: entry.name,
      error: err.name,
      message: err.message,
      ...(err.actions?.length ? { actions: [...err.actions] } : {}),
    });
  };
  // opening reads the CLI's stored login (no request): deduplicate by org id before reading
  // (Connected Apps are audited in an org of any version)
  const openings = await openOrgsOnce(names, { apiVersion: o.apiVersion, needsEca: false });
  const sessions: Array<{ entry: CheckedOrg; session: Session }> = [];
  for (const opening of openings) {
    if (opening.status === 'merged') continue;
    const entry: CheckedOrg = { name: opening.name, status: 'checked', apps: 0, skipped: 0, merged: [] };
    input.orgs.push(entry);
    if (opening.status === 'failed') {
      fail(entry, opening.error);
      continue;
    }
    Object.assign(entry, { username: opening.session.username, orgId: opening.session.orgId, merged: opening.merged });
    sessions.push({ entry, session: opening.session });
  }
  await inParallel(sessions, ORG_CONCURRENCY, async (next) => {
    progress({ stage: 'Reading', data: { org: next.entry.name } });
    try {
      await readOrg(next.session, next.entry, input);
    } catch (e) {
      fail(next.entry, e);
    }
  });
}

/** Orgs read at a time. */
const ORG_CONCURRENCY = 4;

/** One org: its apps audited (operations/shared/orgAudit.ts), and the apps it has but the check does not audit. */
async function readOrg(s: Session, entry: CheckedOrg, input: AuditInput): Promise<void> {
  const name = entry.name;
  const audit = await readOrgAudit(s, name);
  const skipped = [...installedSkips(name, audit.installedEcas, audit.apps.orphans), ...installedConnectedApps(name, audit.runtimeConnectedApps, audit.apps.connectedApps)];
  input.apps.push(...audit.audited);
  input.skipped.push(...skipped);
  entry.apps = audit.audited.length;
  entry.skipped = skipped.length;
}

/**
 * External Client Apps installed from packages: a wildcard retrieve leaves them out, and their
 * settings are the publisher's; the subscriber sets only their OAuth policies, which the reader
 * cannot audit on their own (it needs the app's OAuth settings), so they are shown, not judged.
 * Satellites retrieved without their app belong to such an app.
 */
function installedSkips(org: string, installed: readonly InstalledEca[], orphans: readonly Component[]): SkippedApp[] {
  const out: SkippedApp[] = installed.map((i) => ({
    name: i.name,
    kind: 'eca',
    org,
    reason: messages.getMessage('skipped.installedEca'),
    ...(i.namespacePrefix ? { namespacePrefix: i.namespacePrefix } : {}),
    policies: {
      ...(i.permittedUsers ? { permittedUsers: i.permittedUsers } : {}),
      ...(i.ipRelaxation ? { ipRelaxation: i.ipRelaxation } : {}),
      ...(i.refreshTokenPolicy ? { refreshTokenPolicy: i.refreshTokenPolicy } : {}),
    },
  }));
  const known = new Set(out.map((s) => s.name));
  for (const o of orphans) {
    const owner = String(o.values.externalClientApplication ?? o.fullName);
    if (known.has(owner) || [...known].some((k) => k.endsWith(`__${owner}`))) continue;
    known.add(owner);
    out.push({ name: owner, kind: 'eca', org, reason: messages.getMessage('skipped.orphan', [o.type]) });
  }
  return out;
}

/**
 * Connected Apps the org runs (ConnectedApplication, by label) that the retrieve did not return:
 * installed from a package, or Salesforce's own.
 */
function installedConnectedApps(org: string, runtime: readonly string[], retrieved: ReadonlyArray<ConnectedApp>): SkippedApp[] {
  const labels = new Set(retrieved.flatMap((c) => [String(c.values.label ?? c.fullName), c.fullName]));
  return [...new Set(runtime)]
    .filter((label) => !labels.has(label))
    .sort()
    .map((label) => ({ name: label, kind: 'connectedApp' as const, org, reason: messages.getMessage('skipped.installedConnectedApp') }));
}

// ---------------------------------------------------------------------------------------------
// --fix

type FixOutcome = {
  evaluation: Evaluation;
  fixed: PolicyCheckResult['fixed'];
  diffs: string[];
  passes: number;
  converged: boolean;
  folders: string[];
  left: string[];
};

type Edit = { component: SourceComponent; fixes: Fix[]; summaries: string[] };

/** Which source component each fixable finding edits: the app's part, found by app name and kind. */
function planFixes(evaluation: Evaluation, components: readonly SourceComponent[]): Map<string, Edit> {
  const byApp = new Map<string, SourceComponent[]>();
  for (const c of components) {
    const owner = c.type === 'ConnectedApp' || c.type === 'ExternalClientApplication' ? c.fullName : String(c.values.externalClientApplication ?? '');
    const key = `${c.type === 'ConnectedApp' ? 'connectedApp' : 'eca'}:${owner}`;
    byApp.set(key, [...(byApp.get(key) ?? []), c]);
  }
  const edits = new Map<string, Edit>();
  for (const f of evaluation.findings) {
    if (!f.fix || f.target.type !== 'app') continue;
    const candidates = byApp.get(`${f.target.kind}:${f.target.name}`) ?? [];
    const component = candidates.find((c) => (f.fix?.part === 'connectedApp' ? c.type === 'ConnectedApp' : componentByType(c.type)?.part === f.fix?.part));
    if (!component) continue;
    const e = edits.get(component.file) ?? { component, fixes: [], summaries: [] };
    e.fixes.push(f.fix);
    e.summaries.push(`${f.ruleId}: ${f.fix.summary}`);
    edits.set(component.file, e);
  }
  return edits;
}

/**
 * Applies the fixes, checks again and applies what the new check finds, until nothing fixable is
 * left (a fix can uncover another: a secret required for the web-server flow makes refresh tokens
 * need one too), at most MAX_FIX_PASSES times; all in memory, then every file is written at once
 * (all or none). One diff per file, from the file as it was to the file as written, with secrets
 * redacted.
 */
async function fixUntilDone(
  first: Evaluation,
  input: AuditInput,
  roots: readonly SourceRoot[],
  check: (apps: AuditedApp[]) => Evaluation
): Promise<FixOutcome> {
  const original = new Map<string, string>();
  const current = new Map<string, string>();
  const changes = new Map<string, string[]>();
  let components = input.sourceComponents;
  let evaluation = first;
  let passes = 0;
  for (let pass = 1; pass <= MAX_FIX_PASSES; pass++) {
    const edits = planFixes(evaluation, components);
    const rewritten = new Map<string, SourceComponent>();
    for (const [file, e] of edits) {
      const before = current.get(file) ?? (await readFile(file, 'utf8'));
      if (!original.has(file)) original.set(file, before);
      const after = serializeMetadataXml(e.component.type, applyFixValues(e.component.values, e.fixes));
      if (after === before) continue;
      current.set(file, after);
      changes.set(file, [...(changes.get(file) ?? []), ...e.summaries.filter((x) => !(changes.get(file) ?? []).includes(x))]);
      const parsed = parseMetadataXml(after);
      rewritten.set(file, { ...e.component, values: parsed.values, elements: parsed.elements });
    }
    if (rewritten.size === 0) break;
    passes = pass;
    components = components.map((c) => rewritten.get(c.file) ?? c);
    evaluation = check(auditSource(components, roots).apps);
  }
  const left = [...planFixes(evaluation, components).values()].flatMap((e) => e.summaries.map((x) => `${shownPath(roots, e.component.file)}: ${x}`));
  const written = [...current].filter(([file, text]) => original.get(file) !== text);
  await writeFilesAtomically(written.map(([path, content]) => ({ path, content })));
  const fixed: PolicyCheckResult['fixed'] = [];
  const diffs: string[] = [];
  for (const [file, after] of written) {
    const shown = shownPath(roots, file);
    fixed.push({ file: shown, changes: changes.get(file) ?? [] });
    diffs.push(createTwoFilesPatch(`a/${shown}`, `b/${shown}`, redactSecrets(original.get(file) ?? ''), redactSecrets(after), '', '', { context: 2 }));
  }
  const folders = [...new Set(fixed.map((f) => dirname(f.file)))].sort();
  return { evaluation, fixed, diffs, passes, converged: left.length === 0, folders, left };
}

// ---------------------------------------------------------------------------------------------
// result

/**
 * A pack over the findings. A control the check could not assess is never a pass: when some input
 * could not be read, a control with no finding is "not assessed" (what was not read could fail it).
 */
function packResult(p: PackEvaluation, complete: boolean): PackResult {
  return {
    id: p.pack.id,
    title: p.pack.title,
    source: { url: p.pack.source.url, title: p.pack.source.title },
    ...count(
      p.controls.map((c) => {
        const incomplete = !complete && c.status === 'pass';
        const note = incomplete ? [messages.getMessage('pack.incomplete'), c.note].filter(Boolean).join(' ') : c.note;
        return {
          id: c.control.id,
          title: c.control.title,
          status: incomplete ? 'not-assessed' : c.status,
          coverage: c.control.coverage,
          ...(note ? { note } : {}),
          source: c.control.source.url,
          ruleIds: [...c.control.ruleIds],
          evidence: c.evidence.map((e) => ({ ruleId: e.ruleId, severity: e.severity, target: e.target, message: e.message, ...(e.waived ? { waived: { ...e.waived } } : {}) })),
        };
      })
    ),
  };
}

function count(controls: PackControlResult[]): Pick<PackResult, 'passed' | 'failed' | 'notAssessed' | 'controls'> {
  const n = (s: PackControlResult['status']): number => controls.filter((c) => c.status === s).length;
  return { passed: n('pass'), failed: n('fail'), notAssessed: n('not-assessed'), controls };
}

function toResult(
  evaluation: Evaluation,
  o: {
    failOn: string;
    exitCode: number;
    complete: boolean;
    problems: PolicyProblem[];
    skipped: SkippedApp[];
    orgs: CheckedOrg[];
    fix?: FixOutcome;
    sourceDirs: readonly string[];
    orgNames: readonly string[];
  }
): PolicyCheckResult {
  const findings: PolicyFinding[] = evaluation.findings.map((f) => {
    const rule = ruleById(f.ruleId);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      title: rule?.title ?? f.ruleId,
      message: f.message,
      target: f.target.name,
      kind: f.target.type === 'app' ? f.target.kind : f.target.type,
      org: f.target.type === 'app' ? f.target.org : undefined,
      field: f.field,
      file: f.location?.file,
      line: f.location?.line,
      remediation: rule?.remediation ?? '',
      control: rule?.control ?? '',
      fixable: f.fix !== undefined,
    };
  });
  const key = (kind: string, name: string, org: string | undefined): string => `${kind}:${name}:${org ?? ''}`;
  const perApp = new Map<string, number>();
  for (const f of evaluation.findings) if (f.target.type === 'app') perApp.set(key(f.target.kind, f.target.name, f.target.org), (perApp.get(key(f.target.kind, f.target.name, f.target.org)) ?? 0) + 1);
  return {
    passed: o.exitCode === 0,
    complete: o.complete,
    failOn: o.failOn,
    summary: {
      critical: evaluation.summary.critical,
      high: evaluation.summary.high,
      medium: evaluation.summary.medium,
      low: evaluation.summary.low,
      total: evaluation.summary.total,
      waived: evaluation.summary.waived,
    },
    apps: evaluation.apps
      .filter((a) => a.target.type === 'app')
      .map((a) => {
        const t = a.target as { kind: 'eca' | 'connectedApp'; name: string; org?: string };
        return { name: t.name, kind: t.kind, org: t.org, findings: perApp.get(key(t.kind, t.name, t.org)) ?? 0 };
      }),
    findings,
    waived: evaluation.waived.map((w) => ({ ruleId: w.finding.ruleId, target: w.finding.target.name, reason: w.waiver.reason, expires: w.waiver.expires })),
    fixed: o.fix?.fixed ?? [],
    ...(o.fix ? { fix: { passes: o.fix.passes, converged: o.fix.converged, folders: o.fix.folders, left: o.fix.left } } : {}),
    problems: o.problems,
    skipped: o.skipped,
    orgs: o.orgs,
    sources: { dirs: [...o.sourceDirs], orgs: [...o.orgNames] },
  };
}
