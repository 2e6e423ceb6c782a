/**
 * The heart of the audit: evaluate() runs the rule catalogue (./rules.ts) over a set of apps
 * under a policy (./config.ts): severity overrides, one org-level finding per org, waivers in
 * force, expired waivers reported; and the exit code findings give.
 */
import type { AuditedApp } from './app.js';
import { type FailOn, POLICY_CONFIG_FILE, type PolicyConfig, resolvePolicyConfig, type ResolvedPolicyConfig, type Waiver } from './config.js';
import { appTarget, type Finding, type FindingTarget, orgName, type Rule, ruleApplies, RULES, runRules, type Severity, severityRank } from './rules.js';

export type WaivedFinding = {
  readonly finding: Finding;
  readonly waiver: Waiver;
};

export type SeveritySummary = Readonly<Record<Severity, number>> & {
  /** active findings */
  readonly total: number;
  readonly waived: number;
};

/**
 * Rules that judge an app only with facts an org gives (token usage, the run-as user's
 * permissions). Without the facts such a rule finds nothing, and nothing found is not a pass: the
 * app is not among the subjects the rule read, so JUnit shows no passing test for it and a
 * compliance control resting on it is not assessed (packs.ts).
 */
const JUDGED_WITH: Readonly<Record<string, (app: AuditedApp) => boolean>> = {
  'app-unused': (app) => app.facts.tokenUsage !== undefined,
  'client-credentials-run-as-not-api-only': (app) => !app.flows.clientCredentials || app.facts.runAsUser !== undefined,
  'client-credentials-run-as-admin': (app) => !app.flows.clientCredentials || app.facts.runAsUser !== undefined,
  'run-as-user-shared': (app) => !app.flows.clientCredentials || app.facts.runAsUserSharedWith !== undefined,
};

/** Whether the rule could judge the app: it applies, and the facts it needs are in hand. */
export function ruleJudges(r: Rule, app: AuditedApp): boolean {
  return ruleApplies(r, app) && (JUDGED_WITH[r.id]?.(app) ?? true);
}

/** An audited app and the enabled rules that read it (for JUnit: passing test cases). */
export type AuditedSubject = {
  readonly target: FindingTarget;
  readonly rules: readonly string[];
};

export type Evaluation = {
  /** active findings, most severe first, then by app, rule and field */
  readonly findings: readonly Finding[];
  readonly waived: readonly WaivedFinding[];
  readonly summary: SeveritySummary;
  /** by name, then kind */
  readonly apps: readonly AuditedSubject[];
  /** orgs whose settings were given, with the org-level rules that read them */
  readonly orgs: readonly AuditedSubject[];
  /** enabled rules, catalogue order */
  readonly rules: readonly Rule[];
  /** waivers in force that matched no finding: candidates for removal */
  readonly unusedWaivers: readonly Waiver[];
  readonly config: ResolvedPolicyConfig;
};

export type EvaluateOptions = {
  /** the policy file, named in waiver-expired findings */
  readonly configFile?: string;
};

/** The first instant a waiver no longer holds: the day after `expires`, 00:00 UTC. */
function waiverEnd(w: Waiver): number {
  const [y, m, d] = w.expires.split('-').map(Number);
  return Date.UTC(y, m - 1, d + 1);
}

function waiverMatches(w: Waiver, f: Finding): boolean {
  if (w.rule !== f.ruleId) return false;
  if (w.app === '*') return true;
  switch (f.target.type) {
    case 'app':
      return w.app === f.target.name && (w.kind === undefined || w.kind === f.target.kind);
    case 'org':
      return w.app === f.target.name || w.app === f.target.id;
    default:
      return false;
  }
}

const TARGET_ORDER: Readonly<Record<FindingTarget['type'], number>> = { app: 0, org: 1, config: 2 };

/** Ordinal, so the order does not depend on the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTargets(a: FindingTarget, b: FindingTarget): number {
  return (
    TARGET_ORDER[a.type] - TARGET_ORDER[b.type] ||
    compareText(a.name, b.name) ||
    (a.type === 'app' && b.type === 'app' ? compareText(a.kind, b.kind) : 0)
  );
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareTargets(a.target, b.target) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.field ?? '', b.field ?? '') ||
    compareText(a.message, b.message)
  );
}

function summarise(findings: readonly Finding[], waived: number): SeveritySummary {
  const counts: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity]++;
  return { ...counts, total: findings.length, waived };
}

/**
 * Runs every enabled rule over the apps under the policy: applies severity overrides, keeps one
 * org-level finding per org, applies waivers in force, reports expired waivers. Deterministic for
 * a given `now`.
 */
export function evaluate(
  apps: readonly AuditedApp[],
  config: PolicyConfig = {},
  now: Date = new Date(),
  options: EvaluateOptions = {}
): Evaluation {
  const resolved = resolvePolicyConfig(config);
  const disabled = new Set(resolved.disabledRules);
  const rules = RULES.filter((r) => !disabled.has(r.id));
  const ctx = { thresholds: resolved.thresholds, now };
  const severityOf = (f: Finding): Finding => {
    const override = resolved.severityOverrides[f.ruleId];
    return override === undefined ? f : { ...f, severity: override };
  };

  const raw: Finding[] = [];
  const seenOrgFindings = new Set<string>();
  const subjects: AuditedSubject[] = [];
  const orgs = new Map<string, AuditedSubject>();
  for (const app of apps) {
    const applicable = rules.filter((r) => ruleApplies(r, app));
    subjects.push({ target: appTarget(app), rules: applicable.filter((r) => r.scope === 'app' && ruleJudges(r, app)).map((r) => r.id) });
    if (app.facts.org?.settings !== undefined && !orgs.has(orgName(app))) {
      const id = app.facts.org.id;
      orgs.set(orgName(app), {
        target: { type: 'org', name: orgName(app), ...(id === undefined ? {} : { id }) },
        rules: applicable.filter((r) => r.scope === 'org').map((r) => r.id),
      });
    }
    for (const f of runRules(app, ctx, applicable)) {
      if (f.target.type === 'org') {
        const key = `${f.ruleId}\u0000${f.target.name}`;
        if (seenOrgFindings.has(key)) continue;
        seenOrgFindings.add(key);
      }
      raw.push(severityOf(f));
    }
  }

  const inForce = resolved.waivers.filter((w) => now.getTime() < waiverEnd(w));
  const used = new Set<Waiver>();
  const findings: Finding[] = [];
  const waived: WaivedFinding[] = [];
  for (const f of raw) {
    const waiver = inForce.find((w) => waiverMatches(w, f));
    if (waiver) {
      used.add(waiver);
      waived.push({ finding: f, waiver });
    } else {
      findings.push(f);
    }
  }

  if (!disabled.has('waiver-expired')) {
    const audited = new Set<string>(subjects.map((s) => s.target.name));
    for (const { target } of orgs.values()) {
      audited.add(target.name);
      if (target.type === 'org' && target.id !== undefined) audited.add(target.id);
    }
    const file = options.configFile ?? POLICY_CONFIG_FILE;
    resolved.waivers.forEach((w, i) => {
      if (now.getTime() < waiverEnd(w) || (w.app !== '*' && !audited.has(w.app))) return;
      findings.push(
        severityOf({
          ruleId: 'waiver-expired',
          severity: 'low',
          message: `The waiver of ${w.rule} for ${w.app === '*' ? 'every app' : w.app} expired on ${w.expires} ("${w.reason}").`,
          target: { type: 'config', name: file },
          field: `/waivers/${i}`,
          ...(options.configFile === undefined ? {} : { location: { file: options.configFile } }),
        })
      );
    });
  }

  findings.sort(compareFindings);
  waived.sort((a, b) => compareFindings(a.finding, b.finding));
  subjects.sort((a, b) => compareTargets(a.target, b.target));
  return {
    findings,
    waived,
    summary: summarise(findings, waived.length),
    apps: subjects,
    orgs: [...orgs.values()].sort((a, b) => compareTargets(a.target, b.target)),
    rules,
    unusedWaivers: inForce.filter((w) => !used.has(w)),
    config: resolved,
  };
}

/**
 * The exit code of `sf eca policy check`: 1 when a finding is at or above `failOn`, else 0.
 * Pass the active findings (evaluate().findings); waived findings never fail. `failOn` 'none'
 * always gives 0. (Errors such as an invalid policy file are the command's own, not this.)
 */
export function exitCodeFor(findings: readonly Pick<Finding, 'severity'>[], failOn: FailOn): 0 | 1 {
  if (failOn === 'none') return 0;
  const min = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) >= min) ? 1 : 0;
}
