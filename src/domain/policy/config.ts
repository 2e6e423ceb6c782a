/**
 * Policy as code: the `.eca-policy.json` file (thresholds, disabled rules, severity overrides,
 * waivers), its validation and merging, and evaluate(), which runs the rule catalogue over a set
 * of apps under a policy. The JSON Schema of the file is schemas/eca-policy-file.json; the validation
 * here implements the same constraints in plain TypeScript so the command needs no schema engine,
 * and a unit test checks that both agree.
 *
 * Waivers: `{rule, app, reason, expires}`; `app` is an app's developer name, an org's alias or id
 * (for org-level rules), or "*". `expires` is the last day (UTC) the waiver holds. An expired
 * waiver waives nothing and is itself reported (rule `waiver-expired`).
 */
import type { AppKind, AuditedApp } from './app.js';
import { editDistance } from '../text.js';
import {
  appTarget,
  DEFAULT_THRESHOLDS,
  type Finding,
  type FindingTarget,
  orgName,
  type Rule,
  RULE_IDS,
  ruleApplies,
  ruleById,
  RULES,
  runRules,
  SEVERITIES,
  type Severity,
  severityRank,
  type Thresholds,
} from './rules.js';

export const POLICY_CONFIG_FILE = '.eca-policy.json';

/** The lowest severity that fails the command; 'none' never fails. */
export type FailOn = Severity | 'none';

export const DEFAULT_FAIL_ON: FailOn = 'high';

export type Waiver = {
  readonly rule: string;
  /** app developer name, org alias or id (org-level rules), or "*" */
  readonly app: string;
  /** narrows `app` to one kind when an ECA and a Connected App share a name */
  readonly kind?: AppKind;
  readonly reason: string;
  /** YYYY-MM-DD, the last day the waiver holds (UTC) */
  readonly expires: string;
};

export type PolicyConfig = {
  readonly $schema?: string;
  readonly failOn?: FailOn;
  readonly thresholds?: Partial<Thresholds>;
  readonly disabledRules?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, Severity>>;
  readonly waivers?: readonly Waiver[];
};

export type ResolvedPolicyConfig = {
  readonly failOn: FailOn;
  readonly thresholds: Thresholds;
  readonly disabledRules: readonly string[];
  readonly severityOverrides: Readonly<Record<string, Severity>>;
  readonly waivers: readonly Waiver[];
};

/** One validation problem; `path` is a JSON Pointer into the file ("" is the whole document). */
export type ConfigError = {
  readonly path: string;
  readonly message: string;
};

export type ConfigValidation =
  | { readonly ok: true; readonly config: PolicyConfig }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Inclusive bounds of each threshold; the JSON Schema has the same numbers. */
export const THRESHOLD_LIMITS: Readonly<Record<keyof Thresholds, { readonly min: number; readonly max: number }>> = {
  maxRefreshTokenDays: { min: 1, max: 3650 },
  maxSessionTimeoutMinutes: { min: 1, max: 1440 },
  certificateExpiryDays: { min: 0, max: 3650 },
  unusedAppDays: { min: 1, max: 3650 },
  minRsaKeyBits: { min: 1024, max: 16384 },
};

const TOP_LEVEL_KEYS = ['$schema', 'failOn', 'thresholds', 'disabledRules', 'severityOverrides', 'waivers'] as const;
const WAIVER_KEYS = ['rule', 'app', 'kind', 'reason', 'expires'] as const;
const FAIL_ON_VALUES: readonly string[] = ['none', ...SEVERITIES];
const APP_KINDS: readonly string[] = ['eca', 'connectedApp'];

// ---------------------------------------------------------------------------------------------
// validation

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}


/** "; did you mean \"x\"?" for a near miss (small edit distance, or one is a prefix of the other), else "". */
function suggest(value: string, options: readonly string[]): string {
  const v = value.toLowerCase();
  const best = options
    .map((o) => {
      const l = o.toLowerCase();
      const prefix = v.length >= 4 && (l.startsWith(v) || v.startsWith(l));
      return { o, d: prefix ? 0 : editDistance(v, l) };
    })
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(value.length / 4)) ? `; did you mean "${best.o}"?` : '';
}

/** "2026-02-30" is not a date; true only for real calendar days. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

class Collector {
  public readonly errors: ConfigError[] = [];
  public add(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  public unknownKeys(path: string, value: Record<string, unknown>, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(pointer(path, key), `unknown property "${key}"${suggest(key, allowed)} (allowed: ${allowed.join(', ')})`);
    }
  }
  public ruleId(path: string, value: unknown): value is string {
    if (typeof value !== 'string') {
      this.add(path, `must be a rule id (string), not ${typeName(value)}`);
      return false;
    }
    if (!ruleById(value)) {
      this.add(path, `unknown rule "${value}"${suggest(value, RULE_IDS)}`);
      return false;
    }
    return true;
  }
  public nonEmptyString(path: string, value: unknown): value is string {
    if (typeof value !== 'string' || value.trim().length === 0) {
      this.add(path, typeof value === 'string' ? 'must not be empty' : `must be a string, not ${typeName(value)}`);
      return false;
    }
    return true;
  }
}

function validateThresholds(c: Collector, path: string, value: unknown): void {
  if (!isObject(value)) return c.add(path, `must be an object, not ${typeName(value)}`);
  const names = Object.keys(THRESHOLD_LIMITS) as Array<keyof Thresholds>;
  c.unknownKeys(path, value, names);
  for (const name of names) {
    const v = value[name];
    if (v === undefined) continue;
    const { min, max } = THRESHOLD_LIMITS[name];
    if (typeof v !== 'number' || !Number.isInteger(v)) c.add(pointer(path, name), `must be a whole number, not ${JSON.stringify(v)}`);
    else if (v < min || v > max) c.add(pointer(path, name), `must be between ${min} and ${max}, not ${v}`);
  }
}

function validateWaiver(c: Collector, path: string, value: unknown): void {
  if (!isObject(value)) return c.add(path, `must be an object, not ${typeName(value)}`);
  c.unknownKeys(path, value, WAIVER_KEYS);
  for (const key of ['rule', 'app', 'reason', 'expires'] as const) {
    if (value[key] === undefined) c.add(path, `missing required property "${key}"`);
  }
  if (value.rule !== undefined) c.ruleId(pointer(path, 'rule'), value.rule);
  if (value.app !== undefined) c.nonEmptyString(pointer(path, 'app'), value.app);
  if (value.reason !== undefined) c.nonEmptyString(pointer(path, 'reason'), value.reason);
  if (value.kind !== undefined && !APP_KINDS.includes(value.kind as string)) {
    c.add(pointer(path, 'kind'), `must be one of ${APP_KINDS.join(', ')}, not ${JSON.stringify(value.kind)}`);
  }
  if (value.expires !== undefined && (typeof value.expires !== 'string' || !isIsoDate(value.expires))) {
    c.add(pointer(path, 'expires'), `must be a date written YYYY-MM-DD, not ${JSON.stringify(value.expires)}`);
  }
}

/** Checks a parsed `.eca-policy.json`; every problem comes with its JSON Pointer. */
export function validatePolicyConfig(input: unknown): ConfigValidation {
  const c = new Collector();
  if (!isObject(input)) {
    c.add('', `the policy must be a JSON object, not ${typeName(input)}`);
    return { ok: false, errors: c.errors };
  }
  c.unknownKeys('', input, TOP_LEVEL_KEYS);
  if (input.$schema !== undefined && typeof input.$schema !== 'string') c.add('/$schema', `must be a string, not ${typeName(input.$schema)}`);
  if (input.failOn !== undefined && !FAIL_ON_VALUES.includes(input.failOn as string)) {
    c.add('/failOn', `must be one of ${FAIL_ON_VALUES.join(', ')}, not ${JSON.stringify(input.failOn)}`);
  }
  if (input.thresholds !== undefined) validateThresholds(c, '/thresholds', input.thresholds);
  if (input.disabledRules !== undefined) {
    if (!Array.isArray(input.disabledRules)) c.add('/disabledRules', `must be an array of rule ids, not ${typeName(input.disabledRules)}`);
    else {
      const seen = new Set<unknown>();
      input.disabledRules.forEach((id: unknown, i) => {
        if (c.ruleId(pointer('/disabledRules', i), id) && seen.has(id)) c.add(pointer('/disabledRules', i), `"${id}" is listed twice`);
        seen.add(id);
      });
    }
  }
  if (input.severityOverrides !== undefined) {
    if (!isObject(input.severityOverrides)) c.add('/severityOverrides', `must be an object, not ${typeName(input.severityOverrides)}`);
    else {
      for (const [id, severity] of Object.entries(input.severityOverrides)) {
        const path = pointer('/severityOverrides', id);
        if (!ruleById(id)) c.add(path, `unknown rule "${id}"${suggest(id, RULE_IDS)}`);
        else if (!SEVERITIES.includes(severity as Severity)) c.add(path, `must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(severity)}`);
      }
    }
  }
  if (input.waivers !== undefined) {
    if (!Array.isArray(input.waivers)) c.add('/waivers', `must be an array, not ${typeName(input.waivers)}`);
    else input.waivers.forEach((w: unknown, i) => validateWaiver(c, pointer('/waivers', i), w));
  }
  return c.errors.length > 0 ? { ok: false, errors: c.errors } : { ok: true, config: input as PolicyConfig };
}

/** "/waivers/0/expires: must be a date written YYYY-MM-DD, not \"soon\"" */
export function formatConfigError(e: ConfigError): string {
  return `${e.path === '' ? '(root)' : e.path}: ${e.message}`;
}

// ---------------------------------------------------------------------------------------------
// merging and defaults

/**
 * Layers policies, later ones winning: thresholds and severity overrides merge key by key,
 * disabled rules and waivers add up, failOn is the last one given (e.g. the file, then flags).
 */
export function mergePolicyConfigs(...configs: readonly PolicyConfig[]): PolicyConfig {
  let failOn: FailOn | undefined;
  const thresholds: Partial<Record<keyof Thresholds, number>> = {};
  const disabled = new Set<string>();
  const overrides: Record<string, Severity> = {};
  const waivers: Waiver[] = [];
  for (const c of configs) {
    if (c.failOn !== undefined) failOn = c.failOn;
    for (const [k, v] of Object.entries(c.thresholds ?? {}) as Array<[keyof Thresholds, number | undefined]>) {
      if (v !== undefined) thresholds[k] = v;
    }
    for (const id of c.disabledRules ?? []) disabled.add(id);
    Object.assign(overrides, c.severityOverrides ?? {});
    waivers.push(...(c.waivers ?? []));
  }
  return {
    ...(failOn === undefined ? {} : { failOn }),
    ...(Object.keys(thresholds).length > 0 ? { thresholds } : {}),
    ...(disabled.size > 0 ? { disabledRules: [...disabled] } : {}),
    ...(Object.keys(overrides).length > 0 ? { severityOverrides: overrides } : {}),
    ...(waivers.length > 0 ? { waivers } : {}),
  };
}

export function resolvePolicyConfig(config: PolicyConfig = {}): ResolvedPolicyConfig {
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [k, v] of Object.entries(config.thresholds ?? {}) as Array<[keyof Thresholds, number | undefined]>) {
    if (v !== undefined) thresholds[k] = v;
  }
  return {
    failOn: config.failOn ?? DEFAULT_FAIL_ON,
    thresholds,
    disabledRules: [...(config.disabledRules ?? [])],
    severityOverrides: { ...(config.severityOverrides ?? {}) },
    waivers: [...(config.waivers ?? [])],
  };
}

// ---------------------------------------------------------------------------------------------
// evaluation

export type WaivedFinding = {
  readonly finding: Finding;
  readonly waiver: Waiver;
};

export type SeveritySummary = Readonly<Record<Severity, number>> & {
  /** active findings */
  readonly total: number;
  readonly waived: number;
};

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
    subjects.push({ target: appTarget(app), rules: applicable.filter((r) => r.scope === 'app').map((r) => r.id) });
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
