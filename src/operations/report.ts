/**
 * `sf eca report`: a migration-readiness and risk report over one org or many, as a self-contained
 * HTML page (with report.json beside it), Markdown or JSON. The pure part is src/domain/report
 * (data model, builders, renderers); this module reads the orgs and writes the files.
 *
 * Every number comes from the code the other commands run (a test compares them):
 * - the apps and their audit: operations/shared/orgAudit.ts, the org reading of `policy check`,
 *   judged by the same evaluate() under the same policy file;
 * - the inventory: `list`'s rows (appRows), plus the Connected Apps installed from packages;
 * - readiness: `convert`'s plan (planOrgConversion) and conversion (convertOne) of every Connected App;
 * - usage and logins: OauthToken (the query policy check makes, with UseCount) and LoginHistory.
 *
 * Each org is read once (two logins of one org count once, by org id), with a constant number of
 * requests whatever its number of apps, a few orgs at a time. An org that cannot be read becomes a
 * section that says why, the others go on, and the run is incomplete (its own exit code). Files
 * are written all together or not at all, and only once the report is built.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import { readPermissionSetNamesByLabel } from '../org/references.js';
import { readLoginHistory, readPublishers, readSeesEveryLogin, readUsernames } from '../org/reportFacts.js';
import { listOrgLogins, type Session } from '../org/session.js';
import { readIsSandbox } from '../org/tokenFacts.js';
import { evaluate } from '../domain/policy/evaluate.js';
import type { PolicyConfig } from '../domain/policy/config.js';
import {
  type AppUsage,
  buildReport,
  classifyLogin,
  type ConversionInput,
  type InventoryApp,
  type LoginSummary,
  type OrgFailure,
  type OrgInput,
  maskDeep,
  type ReportData,
} from '../domain/report/index.js';
import { WSDL_API_VERSION } from '../domain/schema/index.js';
import { FAILURE_CODES } from '../shared/exitCodes.js';
import { documentedError } from '../shared/errorMapping.js';
import { writeFilesAtomically } from '../shared/files.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { appRows } from './list.js';
import { convertOne, planOrgConversion } from './convert.js';
import { loadPolicy } from './policyCheck.js';
import { inParallel, openOrgsOnce, type OrgAudit, readOrgAudit } from './shared/orgAudit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.report');

export type ReportFormat = 'html' | 'md' | 'json';

export type ReportInput = {
  /** aliases or usernames, as typed */
  orgs?: readonly string[];
  allOrgs: boolean;
  /** the page (html), the Markdown (md) or report.json (json); html and md get report.json beside them */
  outputFile: string;
  format: ReportFormat;
  /** orgs read at a time */
  concurrency: number;
  /** "used in the last N days" */
  days: number;
  /** an earlier report.json */
  baseline?: string;
  maskUsers: boolean;
  packs?: readonly string[];
  policyFile?: string;
  apiVersion?: string;
  tool: { name: string; version: string; command?: string };
  /** for tests: the report's clock */
  now?: Date;
};

/** One org of the run: read, or why not. */
export type ReportedOrg = {
  /** as the user named it (the first of its logins) */
  name: string;
  username?: string;
  orgId?: string;
  status: 'read' | 'unreadable';
  /** other logins of the same org, read once under `name` */
  merged: string[];
  /** apps read (ECAs and Connected Apps, installed ones included) */
  apps?: number;
  /** what could be read only in part */
  notes?: string[];
  error?: { name: string; message: string; actions?: string[] };
};

/** The summary `--json` returns (the whole data is report.json). */
export type ReportResult = {
  /** every org was read; false makes the exit code "incomplete" */
  complete: boolean;
  format: ReportFormat;
  /** the files written, as the user named them (the report.json beside the page in the same folder) */
  files: string[];
  windowDays: number;
  orgs: ReportedOrg[];
  readiness: { eligible: number; attention: number; notConvertible: number; converted: number; total: number };
  /** eligible Connected Apps, by org: the command that converts them */
  convertCommands: Array<{ org: string; command: string }>;
  willBreak: {
    total: number;
    byDeadline: Array<{ deadline: string; title: string; when: string; count: number; logins: number }>;
    /** the most used, at most 10 */
    top: Array<{ org: string; subject: string; deadline: string; when: string; logins: number; users: number; tokens: number; remedy: string }>;
  };
  findings: { critical: number; high: number; medium: number; low: number; total: number; waived: number };
  sharedRunAsUsers: number;
  packs?: Array<{ id: string; title: string; passed: number; failed: number; notAssessed: number }>;
  baseline?: { baselineGeneratedAt: string; converted: number; findingsFixed: number; newFindings: number; newWillBreak: number; resolvedWillBreak: number };
};

export const REPORT_STAGES = ['Reading orgs', 'Building the report', 'Writing files'] as const;

/** The exit outcome (EXIT_CODES.report). */
export function reportOutcome(r: Pick<ReportResult, 'complete'>): 'Written' | 'Incomplete' {
  return r.complete ? 'Written' : 'Incomplete';
}

/**
 * The files a format writes: the page or Markdown with report.json beside it (same base name), or
 * report.json alone; `shown`: each as the user named it (acme.html, out/acme.json).
 */
export function outputFiles(outputFile: string, format: ReportFormat): { main: string; json?: string; shown: string[] } {
  const main = resolve(outputFile);
  if (format === 'json') return { main, shown: [outputFile] };
  const jsonName = `${basename(outputFile, extname(outputFile))}.json`;
  const json = join(dirname(main), jsonName);
  if (json === main) throw messages.createError('error.OutputIsJson', [outputFile, format]);
  return { main, json, shown: [outputFile, join(dirname(outputFile), jsonName)] };
}

/**
 * Stages: `Reading orgs` (data: orgs "read of total"), `Building the report`, `Writing files`.
 * Throws only when nothing could be reported: bad input, or no org could be read (the one org's
 * own error when only one was named).
 */
export async function buildOrgReport(input: ReportInput, onProgress?: OnProgress): Promise<{ result: ReportResult; data: ReportData }> {
  const progress = progressTo(onProgress);
  const now = input.now ?? new Date();
  const files = outputFiles(input.outputFile, input.format);
  const baseline = input.baseline ? await readBaseline(input.baseline, [files.main, files.json]) : undefined;
  const { config, configFile } = await loadPolicy(input.policyFile);
  const names = input.allOrgs ? await allOrgNames() : { names: uniqueNames(input.orgs ?? []), unreadable: [] };
  if (names.names.length === 0 && names.unreadable.length === 0) throw messages.createError('error.NoOrgs');

  const total = names.names.length + names.unreadable.length;
  let done = 0;
  progress({ stage: REPORT_STAGES[0], data: { orgs: `0 of ${total}` } });
  const tick = (): void => progress({ data: { orgs: `${++done} of ${total}` } });

  const reported: ReportedOrg[] = [];
  const results: Array<OrgInput | OrgFailure | undefined> = [];
  const raw = new Map<string, unknown>();
  const failed = (org: ReportedOrg, e: unknown): OrgFailure => {
    raw.set(org.name, e);
    const err = documentedError(e, FAILURE_CODES.report, org.name) as Error & { actions?: string[] };
    org.status = 'unreadable';
    org.error = { name: err.name, message: err.message, ...(err.actions?.length ? { actions: [...err.actions] } : {}) };
    return { org: { alias: org.name, ...(org.username ? { username: org.username } : {}), ...(org.orgId ? { orgId: org.orgId } : {}) }, error: org.error };
  };

  const openings = await openOrgsOnce(names.names, { apiVersion: input.apiVersion, needsEca: false });
  const toRead: Array<{ org: ReportedOrg; session: Session; slot: number }> = [];
  for (const opening of openings) {
    if (opening.status === 'merged') {
      tick();
      continue;
    }
    const org: ReportedOrg = { name: opening.name, status: 'read', merged: [] };
    reported.push(org);
    const slot = results.push(undefined) - 1;
    if (opening.status === 'failed') {
      results[slot] = failed(org, opening.error);
      tick();
      continue;
    }
    Object.assign(org, { username: opening.session.username, orgId: opening.session.orgId, merged: opening.merged });
    toRead.push({ org, session: opening.session, slot });
  }
  await inParallel(toRead, input.concurrency, async ({ org, session, slot }) => {
    try {
      const read = await readReportOrg(session, org.name, { days: input.days, config, configFile, now });
      results[slot] = read;
      org.apps = read.apps.length;
      if (read.notes?.length) org.notes = [...read.notes];
    } catch (e) {
      results[slot] = failed(org, e);
    }
    tick();
  });
  // a stored login the CLI cannot read: merged when another login of its org was read, else the org's failure
  for (const login of names.unreadable) {
    const read = reported.find((o) => o.status === 'read' && o.orgId !== undefined && o.orgId === login.orgId);
    if (read) {
      read.merged.push(login.name);
    } else {
      const org: ReportedOrg = { name: login.name, username: login.username, ...(login.orgId ? { orgId: login.orgId } : {}), status: 'unreadable', merged: [] };
      org.error = { name: 'LoginUnreadableError', message: messages.getMessage('error.LoginUnreadable', [login.name, login.error ?? '']), actions: messages.getMessages('error.LoginUnreadable.actions', [login.name]) };
      reported.push(org);
      results.push({ org: { alias: login.name, username: login.username, ...(login.orgId ? { orgId: login.orgId } : {}) }, error: org.error });
    }
    tick();
  }

  const unread = reported.filter((o) => o.status === 'unreadable');
  if (unread.length === reported.length) {
    // nothing to report: the one org's own error (named, with its actions), or every org's
    if (unread.length === 1 && raw.has(unread[0].name)) throw raw.get(unread[0].name);
    const actions = [...new Set(unread.flatMap((o) => o.error?.actions ?? []))];
    throw new SfError(messages.getMessage('error.NoOrgRead', [unread.map((o) => `  ${o.name}: ${o.error?.message ?? ''}`).join('\n')]), 'NoOrgReadError', actions);
  }

  progress({ stage: REPORT_STAGES[1] });
  const data = buildReport(results.filter((r): r is OrgInput | OrgFailure => r !== undefined), {
    now,
    windowDays: input.days,
    maskUsers: input.maskUsers,
    packs: input.packs ?? [],
    tool: input.tool,
    ...(configFile ? { policyFile: configFile } : {}),
    ...(baseline ? { baseline } : {}),
  });

  progress({ stage: REPORT_STAGES[2] });
  const { renderHtml, renderJson, renderMarkdown } = await import('../domain/report/render/index.js');
  const json = renderJson(data);
  const main = input.format === 'html' ? await renderHtml(data) : input.format === 'md' ? renderMarkdown(data) : json;
  const planned = [{ path: files.main, content: main }, ...(files.json ? [{ path: files.json, content: json }] : [])];
  await writeFilesAtomically(planned);
  const result = summarize(data, reported, input, files.shown);
  // --mask-users holds for the summary too: the org names that are usernames, error messages
  return { result: input.maskUsers ? maskDeep(result, reported.flatMap((o) => (o.username ? [o.username] : []))) : result, data };
}

// ---------------------------------------------------------------------------------------------
// one org

type OrgReadOptions = { days: number; config: PolicyConfig; configFile?: string; now: Date };

/**
 * One org: the shared audit read, and side by side the permission sets convert needs, the package
 * publishers, LoginHistory, whether the user sees every login, and whether the org is a sandbox;
 * then the usernames of the logins the report names. A constant number of requests whatever the
 * number of apps.
 */
export async function readReportOrg(s: Session, name: string, o: OrgReadOptions): Promise<OrgInput> {
  const [audit, permissionSetNames, publishers, logins, seesAll, isSandbox] = await Promise.all([
    readOrgAudit(s, name),
    readPermissionSetNamesByLabel(s.access),
    readPublishers(s.access, name),
    readLoginHistory(s.access, o.days),
    readSeesEveryLogin(s.access, s.username),
    readIsSandbox(s.access),
  ]);
  // the users the report names: those of retiring login methods (SOAP login(), username-password)
  const named = logins.groups.filter((g) => classifyLogin(g) !== undefined).map((g) => g.userId);
  const usernames = named.length ? await readUsernames(s.access, named) : new Map<string, string>();
  const notes: string[] = [];
  if (seesAll === false) notes.push(messages.getMessage('note.ownLoginsOnly', [s.username]));
  if (seesAll === undefined) notes.push(messages.getMessage('note.loginAccessUnknown', [s.username]));
  if (logins.truncated) notes.push(messages.getMessage('note.loginsTruncated', [String(logins.groups.length)]));
  if (!audit.usage) notes.push(messages.getMessage('note.noTokenUsage'));
  if (!publishers && (audit.installedEcas.length > 0 || audit.apps.connectedApps.some((c) => c.namespacePrefix))) notes.push(messages.getMessage('note.noPublishers'));

  return {
    org: { alias: name, username: s.username, orgId: s.orgId, instanceUrl: s.instanceUrl, isSandbox },
    readAt: o.now.toISOString(),
    apiVersion: s.apiVersion,
    apps: inventoryOf(audit, publishers),
    audited: audit.audited,
    evaluation: evaluate(audit.audited, o.config, o.now, { configFile: o.configFile }),
    conversions: conversionsOf(audit, permissionSetNames),
    usage: [...(audit.usage ?? new Map())].map(([app, u]): AppUsage => ({
      app,
      tokens: u.tokens,
      users: u.users,
      ...(u.lastUsed ? { lastUsed: u.lastUsed } : {}),
      useCount: u.useCount,
    })),
    logins: logins.groups.map((g): LoginSummary => ({ ...g, ...(usernames.has(g.userId) ? { username: usernames.get(g.userId) } : {}) })),
    ...(notes.length ? { notes } : {}),
  };
}

/** list's rows, the Connected Apps installed from packages (only their label is known), each with its package's publisher. */
function inventoryOf(audit: OrgAudit, publishers: ReadonlyMap<string, string> | undefined): InventoryApp[] {
  const rows: InventoryApp[] = appRows(audit.apps, audit.installedEcas).map((r) => ({
    ...r,
    ...(r.namespacePrefix && publishers?.get(r.namespacePrefix) ? { publisher: publishers.get(r.namespacePrefix) } : {}),
  }));
  for (const label of installedConnectedApps(audit)) rows.push({ name: label, label, kind: 'ConnectedApp', manageableState: 'installed', flows: [] });
  // descriptions are the client's free text: the page shows them, escaped
  const descriptions = new Map(audit.apps.connectedApps.map((c) => [c.fullName, c.values.description]));
  return rows.map((r) => {
    const d = r.kind === 'ConnectedApp' ? descriptions.get(r.name) : undefined;
    return typeof d === 'string' && d ? { ...r, description: d } : r;
  });
}

/** Connected Apps the org runs (ConnectedApplication, by label) that the retrieve did not return: installed from packages. */
function installedConnectedApps(audit: OrgAudit): string[] {
  return planOrgConversion(audit.apps.connectedApps, new Set(), audit.runtimeConnectedApps).installed.filter(
    (n) => !audit.apps.connectedApps.some((c) => c.fullName === n)
  );
}

/** What `sf eca convert --target-org <org> --all` does with each Connected App. */
function conversionsOf(audit: OrgAudit, permissionSetNames: ReadonlyMap<string, string>): ConversionInput[] {
  const plan = planOrgConversion(
    audit.apps.connectedApps,
    new Set(audit.apps.ecas.map((e) => e.name)),
    audit.runtimeConnectedApps
  );
  const labelOf = new Map(audit.apps.connectedApps.map((c) => [c.fullName, typeof c.values.label === 'string' ? c.values.label : undefined]));
  const label = (name: string): { label?: string } => (labelOf.get(name) ? { label: labelOf.get(name) } : {});
  return [
    ...plan.candidates.map((c): ConversionInput => {
      const result = convertOne(c, { apiVersion: WSDL_API_VERSION, naming: 'generated', keepConsumerKey: false, permissionSetNames });
      return { name: c.name, ...label(c.name), result: { status: result.status, report: result.report, notices: result.notices, problems: result.problems } };
    }),
    ...plan.installed.map((n): ConversionInput => ({ name: n, ...(labelOf.has(n) ? label(n) : { label: n }), skipped: 'installed' })),
    ...plan.converted.map((n): ConversionInput => ({ name: n, ...label(n), skipped: 'converted' })),
  ];
}

// ---------------------------------------------------------------------------------------------
// input

function uniqueNames(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Every stored login, by name; those the CLI cannot read are kept apart (merged later when another login of their org was read). */
async function allOrgNames(): Promise<{ names: string[]; unreadable: Array<{ name: string; username: string; orgId?: string; error?: string }> }> {
  const logins = await listOrgLogins();
  if (logins.length === 0) throw messages.createError('error.NoOrgs');
  return { names: logins.filter((l) => l.error === undefined).map((l) => l.name), unreadable: logins.filter((l) => l.error !== undefined) };
}

/** An earlier report.json, checked against schemas/eca-report.json; never one of the files this run writes. */
async function readBaseline(file: string, outputs: ReadonlyArray<string | undefined>): Promise<ReportData> {
  if (outputs.includes(resolve(file))) throw messages.createError('error.BaselineIsOutput', [file]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw messages.createError('error.BaselineUnreadable', [file, e instanceof Error ? e.message : String(e)]);
  }
  const { reportFileIssues } = await import('../shared/jsonSchema.js');
  const issues = await reportFileIssues(parsed);
  if (issues.length) throw messages.createError('error.BaselineInvalid', [file, issues.slice(0, 10).map((i) => `  ${i}`).join('\n')]);
  return parsed as ReportData;
}

// ---------------------------------------------------------------------------------------------
// result

function summarize(data: ReportData, orgs: ReportedOrg[], input: ReportInput, files: string[]): ReportResult {
  const t = data.totals;
  const ok = data.orgs.flatMap((o) => (o.status === 'ok' ? [o] : []));
  const deadlines = new Map(data.deadlines.map((d) => [d.id, d]));
  const top = ok
    .flatMap((o) => o.willBreak.map((e) => ({ org: o.org.alias, e })))
    .sort((a, b) => b.e.usage.logins - a.e.usage.logins || b.e.usage.tokens - a.e.usage.tokens || b.e.usage.users - a.e.usage.users)
    .slice(0, 10)
    .map(({ org, e }) => ({
      org,
      subject: e.subject.type === 'app' ? e.subject.label ?? e.subject.name : `${e.subject.user} via ${e.subject.application}`,
      deadline: e.deadlineTitle,
      when: e.when,
      logins: e.usage.logins,
      users: e.usage.users,
      tokens: e.usage.tokens,
      remedy: e.remedy.command,
    }));
  const packs = new Map<string, { id: string; title: string; passed: number; failed: number; notAssessed: number }>();
  for (const o of ok) {
    for (const p of o.packs) {
      const e = packs.get(p.id) ?? { id: p.id, title: p.title, passed: 0, failed: 0, notAssessed: 0 };
      e.passed += p.passed;
      e.failed += p.failed;
      e.notAssessed += p.notAssessed;
      packs.set(p.id, e);
    }
  }
  const b = data.baseline;
  return {
    complete: orgs.every((o) => o.status === 'read'),
    format: input.format,
    files,
    windowDays: data.options.windowDays,
    orgs,
    readiness: { ...t.readiness },
    convertCommands: ok.flatMap((o) => (o.readiness.command ? [{ org: o.org.alias, command: o.readiness.command }] : [])),
    willBreak: {
      total: t.willBreak.total,
      byDeadline: t.willBreak.byDeadline.map((d) => ({ deadline: d.deadline, title: deadlines.get(d.deadline)?.title ?? d.deadline, when: deadlines.get(d.deadline)?.when ?? '', count: d.count, logins: d.logins })),
      top,
    },
    findings: { ...t.findings },
    sharedRunAsUsers: t.sharedRunAsUsers,
    ...(packs.size ? { packs: [...packs.values()] } : {}),
    ...(b
      ? {
          baseline: {
            baselineGeneratedAt: b.baselineGeneratedAt,
            converted: b.converted.length,
            findingsFixed: b.findingsFixed.length,
            newFindings: b.newFindings.length,
            newWillBreak: b.newWillBreak.length,
            resolvedWillBreak: b.resolvedWillBreak.length,
          },
        }
      : {}),
  };
}
