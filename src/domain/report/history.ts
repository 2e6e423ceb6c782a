/**
 * `--baseline <earlier report.json>`: what changed since. Orgs are matched by org id, else by
 * alias; findings by org, rule, target and field (not by message, which may quote a number of
 * days); will-break entries by deadline and subject. Only orgs read in both reports are compared
 * finding by finding: an org that could not be read says nothing about what was fixed.
 *
 * The baseline is parsed JSON the operation has validated against schemas/eca-report.json.
 */
import type { BaselineChange, BaselineComparison, FindingView, OrgReport, OrgReportOk, ReportData } from './model.js';
import { willBreakKey } from './willBreak.js';

function orgKey(o: OrgReport): string {
  return o.org.orgId ?? `alias:${o.org.alias}`;
}

function findingKey(f: FindingView): string {
  return [f.ruleId, f.kind, f.target, f.field ?? ''].join('|');
}

function describeFinding(org: string, f: FindingView): BaselineChange {
  return { org, what: `${f.title}: ${f.target}${f.field ? ` (${f.field})` : ''}`, ruleId: f.ruleId, severity: f.severity };
}

function diffFindings(org: string, before: OrgReportOk, after: OrgReportOk): { fixed: BaselineChange[]; added: BaselineChange[] } {
  const was = new Map(before.findings.items.map((f) => [findingKey(f), f]));
  const now = new Map(after.findings.items.map((f) => [findingKey(f), f]));
  return {
    fixed: [...was].filter(([k]) => !now.has(k)).map(([, f]) => describeFinding(org, f)),
    added: [...now].filter(([k]) => !was.has(k)).map(([, f]) => describeFinding(org, f)),
  };
}

function describeBreak(org: string, e: OrgReportOk['willBreak'][number]): BaselineChange {
  const s = e.subject;
  const what = s.type === 'app' ? `${s.label ?? s.name}` : `${s.user} via ${s.application}`;
  return { org, what: `${e.deadlineTitle}: ${what}` };
}

function converted(org: string, before: OrgReportOk, after: OrgReportOk): BaselineChange[] {
  const nowByName = new Map(after.readiness.apps.map((a) => [a.name, a]));
  const ecas = new Set(after.inventory.apps.filter((a) => a.kind === 'eca').map((a) => a.name));
  return before.readiness.apps
    .filter((a) => a.category !== 'converted')
    .filter((a) => {
      const now = nowByName.get(a.name);
      return now ? now.category === 'converted' : ecas.has(a.name);
    })
    .map((a) => ({ org, what: `${a.label ?? a.name} is an External Client App now` }));
}

export function compareWithBaseline(current: ReportData, baseline: ReportData): BaselineComparison {
  const before = new Map(baseline.orgs.map((o) => [orgKey(o), o]));
  const after = new Map(current.orgs.map((o) => [orgKey(o), o]));
  const out: Omit<BaselineComparison, 'baselineGeneratedAt' | 'before' | 'orgsAdded' | 'orgsRemoved'> = {
    converted: [],
    findingsFixed: [],
    newFindings: [],
    newWillBreak: [],
    resolvedWillBreak: [],
  };
  for (const [key, now] of after) {
    const was = before.get(key);
    if (!was || was.status !== 'ok' || now.status !== 'ok') continue;
    const org = now.org.alias;
    out.converted.push(...converted(org, was, now));
    const f = diffFindings(org, was, now);
    out.findingsFixed.push(...f.fixed);
    out.newFindings.push(...f.added);
    const wasBreaks = new Map(was.willBreak.map((e) => [willBreakKey(e), e]));
    const nowBreaks = new Map(now.willBreak.map((e) => [willBreakKey(e), e]));
    out.newWillBreak.push(...[...nowBreaks].filter(([k]) => !wasBreaks.has(k)).map(([, e]) => describeBreak(org, e)));
    out.resolvedWillBreak.push(...[...wasBreaks].filter(([k]) => !nowBreaks.has(k)).map(([, e]) => describeBreak(org, e)));
  }
  const note =
    baseline.options.maskUsers !== current.options.maskUsers
      ? 'One report masks user names and the other does not: changes that name a user cannot be matched and show as both fixed and new.'
      : undefined;
  return {
    baselineGeneratedAt: baseline.generatedAt,
    ...out,
    orgsAdded: [...after].filter(([k]) => !before.has(k)).map(([, o]) => o.org.alias),
    orgsRemoved: [...before].filter(([k]) => !after.has(k)).map(([, o]) => o.org.alias),
    before: baseline.totals,
    ...(note === undefined ? {} : { note }),
  };
}
