/**
 * Builds ReportData from what the org floor read: one OrgInput per org read, one OrgFailure per
 * org that could not be read (its section says why; the others go on). Every number comes from
 * the functions `list`, `convert` and `policy check` use: the inputs carry their results.
 *
 * Last steps, in order: token-shaped strings are redacted wherever client text brought them in,
 * user names are masked when asked, and the result is checked to hold no secret.
 */
import { evaluatePack, packById } from '../policy/packs.js';
import { findLeaks, redactDeep } from '../token/redact.js';
import { buildFindings } from './findings.js';
import { compareWithBaseline } from './history.js';
import { buildHygiene, DEFAULT_SECRET_MAX_AGE_DAYS, runAsUserOf } from './hygiene.js';
import { buildInventory } from './inventory.js';
import { maskDeep } from './mask.js';
import type {
  DeadlineView,
  OrgFailure,
  OrgInput,
  OrgReport,
  OrgReportOk,
  PackResult,
  ReportData,
  SeverityCounts,
  Totals,
} from './model.js';
import { buildReadiness } from './readiness.js';
import { DEADLINES, type Deadline, deadlineStatus, describeDate } from './sources.js';
import { willBreak } from './willBreak.js';

export const DEFAULT_WINDOW_DAYS = 90;

export type ReportOptions = {
  readonly now: Date;
  /** N in "used in the last N days"; default 90 */
  readonly windowDays?: number;
  readonly maskUsers?: boolean;
  /** compliance pack ids (policy/packs.ts) */
  readonly packs?: readonly string[];
  readonly tool?: { readonly name: string; readonly version: string; readonly command?: string };
  readonly policyFile?: string;
  readonly secretMaxAgeDays?: number;
  readonly deadlines?: readonly Deadline[];
  /** an earlier report.json, validated */
  readonly baseline?: ReportData;
};

export function isFailure(x: OrgInput | OrgFailure): x is OrgFailure {
  return 'error' in x;
}

export function deadlineViews(deadlines: readonly Deadline[], now: Date): DeadlineView[] {
  return deadlines.map((d) => ({
    id: d.id,
    title: d.title,
    ...(d.release === undefined ? {} : { release: d.release }),
    ...(d.date === undefined ? {} : { date: d.date }),
    precision: d.precision,
    when: describeDate(d),
    status: deadlineStatus(d, now),
    audience: d.audience,
    effect: d.effect,
    action: d.action,
    confirmed: d.confirmed,
    ...(d.note === undefined ? {} : { note: d.note }),
    ...(d.requirements === undefined ? {} : { requirements: d.requirements.map((r) => ({ ...r })) }),
    sources: d.sources.map((s) => ({ ...s })),
  }));
}

function packResults(input: OrgInput, packs: readonly string[]): PackResult[] {
  return packs.map((id) => {
    const pack = packById(id);
    if (!pack) throw new Error(`unknown compliance pack ${id}`);
    const e = evaluatePack(pack, input.evaluation);
    return {
      id: pack.id,
      title: pack.title,
      source: { ...pack.source },
      passed: e.passed,
      failed: e.failed,
      notAssessed: e.notAssessed,
      controls: e.controls.map((c) => ({
        id: c.control.id,
        title: c.control.title,
        status: c.status,
        ...(c.note === undefined ? {} : { note: c.note }),
        ruleIds: [...c.control.ruleIds],
        source: { ...c.control.source },
        evidence: c.evidence.map((ev) => ({
          ruleId: ev.ruleId,
          target: ev.target,
          message: ev.message,
          severity: ev.severity,
          ...(ev.waived === undefined ? {} : { waived: { ...ev.waived } }),
        })),
      })),
    };
  });
}

export function buildOrgReport(input: OrgInput, options: ReportOptions): OrgReportOk {
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const org = input.org.alias;
  return {
    status: 'ok',
    org: { ...input.org },
    readAt: input.readAt,
    ...(input.apiVersion === undefined ? {} : { apiVersion: input.apiVersion }),
    ...(input.requests === undefined ? {} : { requests: input.requests }),
    inventory: buildInventory(input.apps),
    readiness: buildReadiness(input.conversions, { org, now: options.now, windowDays, usage: input.usage, logins: input.logins }),
    willBreak: willBreak(input.audited, input.usage, input.logins, options.deadlines ?? DEADLINES, options.now, { windowDays, org }),
    findings: buildFindings(input.evaluation),
    hygiene: buildHygiene(input.audited, input.evaluation, input.secrets, options.now, options.secretMaxAgeDays ?? DEFAULT_SECRET_MAX_AGE_DAYS),
    packs: packResults(input, options.packs ?? []),
    ...(input.notes?.length ? { notes: [...input.notes] } : {}),
  };
}

function zeroCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, total: 0, waived: 0 };
}

export function totalsOf(orgs: readonly OrgReport[], deadlines: readonly Deadline[] = DEADLINES): Totals {
  const ok = orgs.filter((o): o is OrgReportOk => o.status === 'ok');
  const findings = zeroCounts();
  for (const o of ok) for (const k of Object.keys(findings) as Array<keyof SeverityCounts>) findings[k] += o.findings.summary[k];
  const sum = (f: (o: OrgReportOk) => number): number => ok.reduce((n, o) => n + f(o), 0);
  const breaks = ok.flatMap((o) => o.willBreak);
  return {
    orgs: { total: orgs.length, read: ok.length, failed: orgs.length - ok.length },
    apps: { ecas: sum((o) => o.inventory.ecas), connectedApps: sum((o) => o.inventory.connectedApps), installed: sum((o) => o.inventory.installed) },
    readiness: {
      eligible: sum((o) => o.readiness.eligible),
      attention: sum((o) => o.readiness.attention),
      notConvertible: sum((o) => o.readiness.notConvertible),
      converted: sum((o) => o.readiness.converted),
      total: sum((o) => o.readiness.total),
    },
    willBreak: {
      total: breaks.length,
      byDeadline: deadlines
        .map((d) => {
          const of = breaks.filter((b) => b.deadline === d.id);
          return { deadline: d.id, count: of.length, logins: of.reduce((n, b) => n + b.usage.logins, 0) };
        })
        .filter((d) => d.count > 0),
    },
    findings,
    sharedRunAsUsers: sum((o) => o.hygiene.sharedRunAsUsers.length),
  };
}

/** Every username the inputs name, for --mask-users. */
function knownUsers(inputs: readonly OrgInput[]): string[] {
  const users = new Set<string>();
  for (const i of inputs) {
    if (i.org.username) users.add(i.org.username);
    for (const l of i.logins) if (l.username) users.add(l.username);
    for (const a of i.audited) {
      const u = runAsUserOf(a) ?? a.runAsUser;
      if (u) users.add(u);
    }
  }
  return [...users];
}

export function buildReport(results: ReadonlyArray<OrgInput | OrgFailure>, options: ReportOptions): ReportData {
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const deadlines = options.deadlines ?? DEADLINES;
  const orgs: OrgReport[] = results.map((r) =>
    isFailure(r)
      ? { status: 'error', org: { ...r.org }, error: { name: r.error.name, message: r.error.message, ...(r.error.actions ? { actions: [...r.error.actions] } : {}) } }
      : buildOrgReport(r, options)
  );
  let data: ReportData = {
    schemaVersion: 1,
    generatedAt: options.now.toISOString(),
    tool: { name: options.tool?.name ?? 'plugin-eca', version: options.tool?.version ?? '0.0.0', ...(options.tool?.command ? { command: options.tool.command } : {}) },
    options: {
      windowDays,
      maskUsers: options.maskUsers === true,
      packs: [...(options.packs ?? [])],
      ...(options.policyFile === undefined ? {} : { policyFile: options.policyFile }),
    },
    deadlines: deadlineViews(deadlines, options.now),
    totals: totalsOf(orgs, deadlines),
    orgs,
  };
  data = redactDeep(data);
  if (data.options.maskUsers) data = maskDeep(data, knownUsers(results.filter((r): r is OrgInput => !isFailure(r))));
  if (options.baseline) data = { ...data, baseline: compareWithBaseline(data, options.baseline) };
  assertNoSecrets(data);
  return data;
}

/** Throws when a report holds anything secret- or token-shaped (it never should: see buildReport). */
export function assertNoSecrets(data: unknown): void {
  const leaks = findLeaks(data);
  if (leaks.length > 0) throw new Error(`the report would hold secret-shaped values at ${leaks.slice(0, 5).join(', ')}`);
}
