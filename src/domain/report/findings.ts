/**
 * Policy findings of one org, from the same evaluate() result `sf eca policy check` prints:
 * active findings (waivers honoured), waived ones, counts by severity and by rule.
 */
import type { Evaluation } from '../policy/evaluate.js';
import { type Finding, ruleById, SEVERITIES, type Severity, severityRank } from '../policy/rules.js';
import type { FindingView, FindingsSection } from './model.js';

export function findingView(f: Finding, waiver?: { reason: string; expires: string }): FindingView {
  const rule = ruleById(f.ruleId);
  return {
    ruleId: f.ruleId,
    title: rule?.title ?? f.ruleId,
    severity: f.severity,
    message: f.message,
    target: f.target.name,
    kind: f.target.type === 'app' ? f.target.kind : f.target.type,
    ...(f.field === undefined ? {} : { field: f.field }),
    remediation: rule?.remediation ?? '',
    ...(waiver === undefined ? {} : { waiver }),
  };
}

export function buildFindings(evaluation: Pick<Evaluation, 'findings' | 'waived' | 'summary'>): FindingsSection {
  const items = evaluation.findings.map((f) => findingView(f));
  const waived = evaluation.waived.map((w) => findingView(w.finding, { reason: w.waiver.reason, expires: w.waiver.expires }));
  const byRule = new Map<string, { ruleId: string; title: string; severity: Severity; count: number; waived: number }>();
  const add = (v: FindingView, isWaived: boolean): void => {
    const e = byRule.get(v.ruleId) ?? { ruleId: v.ruleId, title: v.title, severity: v.severity, count: 0, waived: 0 };
    if (severityRank(v.severity) > severityRank(e.severity)) e.severity = v.severity;
    if (isWaived) e.waived++;
    else e.count++;
    byRule.set(v.ruleId, e);
  };
  items.forEach((v) => add(v, false));
  waived.forEach((v) => add(v, true));
  const s = evaluation.summary;
  return {
    summary: { critical: s.critical, high: s.high, medium: s.medium, low: s.low, total: s.total, waived: s.waived },
    byRule: [...byRule.values()].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.count - a.count || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
    ),
    items,
    waived,
  };
}

/** Severities, most severe first: the order the report shows them in. */
export const SEVERITY_ORDER: readonly Severity[] = [...SEVERITIES].reverse();
