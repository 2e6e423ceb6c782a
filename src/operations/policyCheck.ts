/**
 * `sf eca policy check`: audits the token and session policies of ECAs and Connected Apps, in
 * source or in orgs, under a policy file, and (source only) fixes what it can. An org costs a
 * constant number of requests whatever its number of apps (one retrieve, the run-as users' and
 * the token usage queries); a few orgs are read at a time. The audit is the domain's
 * (domain/policy: the app reader's model, the rule catalogue, evaluate()).
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { createTwoFilesPatch } from 'diff';
import { readOrgApps } from '../org/apps.js';
import { readRunAsUsers, readTokenUsage } from '../org/facts.js';
import { readSecretAgeFacts } from '../org/secretAge.js';
import { listAuthorizedOrgs, openSession } from '../org/session.js';
import { componentByType } from '../domain/components.js';
import { assembleEcas, type ConnectedApp } from '../domain/model.js';
import {
  applyFixes as applyFixValues,
  type AuditedApp,
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
  POLICY_CONFIG_FILE,
  type PolicyConfig,
  ruleById,
  type RunAsUserFacts,
  type SourceLocation,
  toJunit,
} from '../domain/policy/index.js';
import { serializeMetadataXml } from '../domain/xml.js';
import type { EXIT_CODES } from '../shared/exitCodes.js';
import { writeFilesAtomically } from '../shared/files.js';
import { defaultSourceRoot, projectRoot } from '../shared/project.js';
import { findMetadataFiles, readSourceComponents, type SourceComponent } from '../shared/sourceFiles.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

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
  file?: string;
  line?: number;
  remediation: string;
  control: string;
  fixable: boolean;
};

export type PolicyCheckResult = {
  passed: boolean;
  failOn: string;
  summary: { critical: number; high: number; medium: number; low: number; total: number; waived: number };
  apps: Array<{ name: string; kind: 'eca' | 'connectedApp'; org?: string; findings: number }>;
  findings: PolicyFinding[];
  waived: Array<{ ruleId: string; target: string; reason: string; expires: string }>;
  fixed: Array<{ file: string; changes: string[] }>;
  problems: Array<{ file: string; line?: number; message: string }>;
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
};

/** The result, and what the command prints instead of its tables: SARIF or JUnit, and the diffs of --fix. */
export type PolicyCheckRun = { result: PolicyCheckResult; report?: string; diffs: string[] };

/** The exit outcome of a check (EXIT_CODES.policyCheck); a check that could not run throws (Error). */
export function policyOutcome(r: PolicyCheckResult): keyof typeof EXIT_CODES.policyCheck {
  return r.passed ? 'Passed' : 'Findings';
}

type AuditInput = {
  apps: AuditedApp[];
  /** the components read from source, for --fix */
  sourceComponents: SourceComponent[];
  problems: PolicyCheckResult['problems'];
};

/** Reports one stage per org read, `Reading` (data: org). */
export async function checkPolicies(input: PolicyCheckInput, onProgress?: OnProgress): Promise<PolicyCheckRun> {
  const progress = progressTo(onProgress);
  const now = new Date();
  const { config, configFile } = await loadPolicy(input.policyFile);
  let sourceDirs = [...(input.sourceDirs ?? [])];
  const orgNames = input.allOrgs ? await allOrgs() : [...(input.orgs ?? [])];
  if (sourceDirs.length === 0 && orgNames.length === 0) {
    const root = await defaultSourceRoot();
    if (!root) throw messages.createError('error.NothingToCheck');
    sourceDirs = [root];
  }
  if (input.fix && orgNames.length > 0) throw messages.createError('error.FixNeedsSource');

  const audit: AuditInput = { apps: [], sourceComponents: [], problems: [] };
  if (sourceDirs.length) await readSource(sourceDirs, audit);
  if (orgNames.length) await readOrgs(orgNames, input.apiVersion, audit, progress);

  const failOn = input.failOn ?? config.failOn ?? DEFAULT_FAIL_ON;
  let evaluation = evaluate(audit.apps, { ...config, failOn }, now, { configFile });
  const fixed: PolicyCheckResult['fixed'] = [];
  const diffs: string[] = [];
  if (input.fix) {
    fixed.push(...(await applyFixes(evaluation, audit, diffs)));
    if (fixed.length) {
      // check again what is on disk now
      const again: AuditInput = { apps: [], sourceComponents: [], problems: [] };
      await readSource(sourceDirs, again);
      evaluation = evaluate(again.apps, { ...config, failOn }, now, { configFile });
    }
  }

  const exitCode = exitCodeFor(evaluation.findings, failOn);
  const result = toResult(evaluation, { failOn, exitCode, fixed, problems: audit.problems, sourceDirs, orgNames });
  const report =
    input.outputFormat === 'sarif'
      ? formatSarif(evaluation, { toolName: 'plugin-eca', rootDir: process.cwd() })
      : input.outputFormat === 'junit'
        ? toJunit(evaluation, { name: 'sf eca policy check' })
        : undefined;
  return { result, report, diffs };
}

/** `.eca-policy.json` at the project root, or --policy-file, checked against its schema. */
async function loadPolicy(file: string | undefined): Promise<{ config: PolicyConfig; configFile?: string }> {
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

async function allOrgs(): Promise<string[]> {
  const names = await listAuthorizedOrgs();
  if (names.length === 0) throw messages.createError('error.NoOrgs');
  return names;
}

/** Every ECA and Connected App under the folders, with the file and line of each setting. */
async function readSource(dirs: readonly string[], input: AuditInput): Promise<void> {
  const { files, missing } = await findMetadataFiles(dirs);
  if (missing.length) throw messages.createError('error.SourceNotFound', [missing.join(', ')]);
  const { components, problems } = await readSourceComponents(files);
  input.problems.push(...problems.map((p) => ({ file: relative(process.cwd(), p.file), line: p.line, message: p.message })));
  input.sourceComponents.push(...components);
  const ecaComponents = components.filter((c) => c.type !== 'ConnectedApp');
  const { ecas, orphans } = assembleEcas(ecaComponents);
  for (const o of orphans) {
    input.problems.push({
      file: relative(process.cwd(), (o as { file?: string }).file ?? ''),
      message: messages.getMessage('orphan', [`${o.type}:${o.fullName}`, String(o.values.externalClientApplication ?? '')]),
    });
  }
  for (const eca of ecas) {
    const locations: Record<string, SourceLocation> = {};
    for (const c of Object.values(eca.parts)) {
      const sc = c as (typeof components)[number];
      const part = componentByType(sc.type)?.part;
      if (part && sc.file) Object.assign(locations, fieldLocations(part, relative(process.cwd(), sc.file), sc.elements));
    }
    input.apps.push(fromEca(withRelativeFiles(eca), { locations }));
  }
  for (const ca of components.filter((c) => c.type === 'ConnectedApp')) {
    const file = relative(process.cwd(), ca.file);
    input.apps.push(
      fromConnectedApp({ ...ca, file } as unknown as ConnectedApp, {
        locations: fieldLocations('connectedApp', file, ca.elements),
      })
    );
  }
}

/** Each org's apps with the facts the rules need: a constant number of requests per org, a few orgs at a time. */
async function readOrgs(names: readonly string[], apiVersion: string | undefined, input: AuditInput, progress: OnProgress): Promise<void> {
  // a few orgs at a time: each costs a constant number of round trips
  const CONCURRENCY = 4;
  const queue = [...names];
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      // Connected Apps are audited in an org of any version
      const s = await openSession(name, { apiVersion, needsEca: false });
      progress({ stage: 'Reading', data: { org: name } });
      const apps = await readOrgApps(s.access, s.version, { settings: true });
      const runAsNames = [
        ...apps.ecas.map((e) => e.parts.oauthPolicies?.values.clientCredentialsFlowUser),
        ...apps.connectedApps.map((c) => c.values.oauthConfig?.oauthClientCredentialUser),
      ].filter((u): u is string => typeof u === 'string');
      const [runAs, usage, secretAge] = await Promise.all([readRunAsUsers(s.access, runAsNames), readTokenUsage(s.access).catch(() => new Map()), readSecretAgeFacts(s.access)]);
      const settings = apps.settings ?? {};
      const orgFacts = {
        id: s.orgId,
        name,
        settings: {
          enableConsumerSecretApiAccess: settings.enableConsumerSecretApiAccess === true,
          enableClientSecretInRestApiAccess: settings.enableClientSecretInRestApiAccess === true,
        },
      };
      const runAsFacts = (u: string | undefined): RunAsUserFacts | undefined => {
        const f = u ? runAs.get(u.toLowerCase()) : undefined;
        return f
          ? { username: f.username, isApiOnly: f.isApiOnly, hasAdminPermissions: f.adminPermissions.length > 0, adminPermissions: f.adminPermissions, profile: f.profile, isActive: f.isActive }
          : undefined;
      };
      for (const eca of apps.ecas) {
        input.apps.push(
          fromEca(eca, {
            org: orgFacts,
            runAsUser: runAsFacts(eca.parts.oauthPolicies?.values.clientCredentialsFlowUser),
            tokenUsage: usage.get(eca.parts.header?.values.label ?? eca.name) ?? usage.get(eca.name),
            secretAge: secretAge(eca.name),
          })
        );
      }
      for (const ca of apps.connectedApps) {
        input.apps.push(
          fromConnectedApp(ca, {
            org: orgFacts,
            runAsUser: runAsFacts(ca.values.oauthConfig?.oauthClientCredentialUser),
            tokenUsage: usage.get(ca.values.label ?? ca.fullName) ?? usage.get(ca.fullName),
          })
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, () => worker()));
}

/** Rewrites the source files the fixable findings point at, all or none; the diff of each goes to `diffs`. */
async function applyFixes(evaluation: Evaluation, input: AuditInput, diffs: string[]): Promise<PolicyCheckResult['fixed']> {
  // which source component each fix edits: the app's part, found by app name and kind
  const byApp = new Map<string, Array<(typeof input.sourceComponents)[number]>>();
  for (const c of input.sourceComponents) {
    const owner = c.type === 'ConnectedApp' || c.type === 'ExternalClientApplication' ? c.fullName : String(c.values.externalClientApplication ?? '');
    const key = `${c.type === 'ConnectedApp' ? 'connectedApp' : 'eca'}:${owner}`;
    byApp.set(key, [...(byApp.get(key) ?? []), c]);
  }
  const edits = new Map<string, { component: (typeof input.sourceComponents)[number]; fixes: Array<Fix>; summaries: string[] }>();
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
  const planned = [];
  const fixed: PolicyCheckResult['fixed'] = [];
  for (const [file, e] of edits) {
    const before = await readFile(file, 'utf8');
    const after = serializeMetadataXml(e.component.type, applyFixValues(e.component.values, e.fixes));
    if (after === before) continue;
    planned.push({ path: file, content: after });
    const rel = relative(process.cwd(), file);
    fixed.push({ file: rel, changes: e.summaries });
    diffs.push(createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after, '', '', { context: 2 }));
  }
  await writeFilesAtomically(planned);
  return fixed;
}

function withRelativeFiles<T extends { parts: object }>(eca: T): T {
  const parts = Object.fromEntries(
    Object.entries(eca.parts).map(([k, c]) => [k, { ...(c as object), file: (c as { file?: string }).file ? relative(process.cwd(), (c as { file: string }).file) : undefined }])
  );
  return { ...eca, parts };
}

function toResult(
  evaluation: Evaluation,
  o: {
    failOn: string;
    exitCode: number;
    fixed: PolicyCheckResult['fixed'];
    problems: PolicyCheckResult['problems'];
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
  const count = new Map<string, number>();
  for (const f of evaluation.findings) if (f.target.type === 'app') count.set(`${f.target.kind}:${f.target.name}:${f.target.org ?? ''}`, (count.get(`${f.target.kind}:${f.target.name}:${f.target.org ?? ''}`) ?? 0) + 1);
  return {
    passed: o.exitCode === 0,
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
        return { name: t.name, kind: t.kind, org: t.org, findings: count.get(`${t.kind}:${t.name}:${t.org ?? ''}`) ?? 0 };
      }),
    findings,
    waived: evaluation.waived.map((w) => ({ ruleId: w.finding.ruleId, target: w.finding.target.name, reason: w.waiver.reason, expires: w.waiver.expires })),
    fixed: o.fixed,
    problems: o.problems,
    sources: { dirs: o.sourceDirs.map((d) => relative(process.cwd(), resolve(d)) || '.'), orgs: [...o.orgNames] },
  };
}
