/**
 * Policy as code: the `.eca-policy.json` file (thresholds, disabled rules, severity overrides,
 * waivers), the words for what is wrong in one, and merging and defaults. The file is checked
 * against its JSON Schema (schemas/eca-policy-file.json) by src/shared/jsonSchema.ts; the schema
 * says what is valid, policyFileErrors() says it precisely. ./evaluate.ts runs the rules under it.
 *
 * Waivers: `{rule, app, reason, expires}`; `app` is an app's developer name, an org's alias or id
 * (for org-level rules), or "*". `expires` is the last day (UTC) the waiver holds. An expired
 * waiver waives nothing and is itself reported (rule `waiver-expired`).
 */
import type { AppKind } from './app.js';
import { allowedProperties, type DocumentError, formatDocumentError, pointer, type SchemaIssue, typeName, typeWords, uniqueErrors } from '../schemaIssues.js';
import { didYouMean } from '../text.js';
import { DEFAULT_THRESHOLDS, RULE_IDS, type Severity, type Thresholds } from './rules.js';

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

/** One problem in the file; `path` is a JSON Pointer into it ("" is the whole document). */
export type ConfigError = DocumentError;

export type ConfigValidation =
  | { readonly ok: true; readonly config: PolicyConfig }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Where the schema of the policy file keeps what the words below need. */
const AT = {
  ruleId: '/definitions/ruleId',
  disabledRules: '/properties/disabledRules',
  expires: '/definitions/waiver/properties/expires',
} as const;

function ruleIdWords(value: unknown): string {
  return typeof value === 'string' ? `unknown rule "${value}"${didYouMean(value, RULE_IDS)}` : `must be a rule id (string), not ${typeName(value)}`;
}

/** One schema issue in words, as precise as a person fixing the file needs it. */
function policyIssueWords(i: SchemaIssue): ConfigError | undefined {
  if (i.key !== undefined) return { path: i.path, message: i.at === AT.ruleId ? ruleIdWords(i.key) : `"${i.key}" is not allowed here` };
  if (i.at === AT.expires) return { path: i.path, message: `must be a date written YYYY-MM-DD, not ${JSON.stringify(i.value)}` };
  switch (i.keyword) {
    case 'type':
      if (i.path === '') return { path: '', message: `the policy must be a JSON object, not ${typeName(i.value)}` };
      if (i.at === AT.disabledRules) return { path: i.path, message: `must be an array of rule ids, not ${typeName(i.value)}` };
      if (i.params.type === 'integer') return { path: i.path, message: `must be a whole number, not ${JSON.stringify(i.value)}` };
      return { path: i.path, message: `must be ${typeWords(i.params.type)}, not ${typeName(i.value)}` };
    case 'enum':
      if (i.at === AT.ruleId) return { path: i.path, message: ruleIdWords(i.value) };
      return { path: i.path, message: `must be one of ${(i.params.allowedValues as unknown[]).join(', ')}, not ${JSON.stringify(i.value)}` };
    case 'additionalProperties': {
      const key = String(i.params.additionalProperty);
      const allowed = allowedProperties(i.rule);
      return { path: pointer(i.path, key), message: `unknown property "${key}"${didYouMean(key, allowed)} (allowed: ${allowed.join(', ')})` };
    }
    case 'required':
      return { path: i.path, message: `missing required property "${String(i.params.missingProperty)}"` };
    case 'minimum':
    case 'maximum':
      return { path: i.path, message: `must be between ${String(i.rule.minimum)} and ${String(i.rule.maximum)}, not ${JSON.stringify(i.value)}` };
    case 'uniqueItems': {
      const at = Number(i.params.i);
      return { path: pointer(i.path, at), message: `${JSON.stringify((i.value as unknown[])[at])} is listed twice` };
    }
    case 'minLength':
    case 'pattern':
      return { path: i.path, message: 'must not be empty' };
    case 'propertyNames':
      // the refused name is its own issue (with `key`)
      return undefined;
    default:
      return { path: i.path, message: `is not valid (${i.keyword})` };
  }
}

/** The problems the schema found in a policy file, in words (each with its JSON Pointer). */
export function policyFileErrors(issues: readonly SchemaIssue[]): ConfigError[] {
  return uniqueErrors(issues.map(policyIssueWords).filter((e): e is ConfigError => e !== undefined));
}

/** "/waivers/0/expires: must be a date written YYYY-MM-DD, not \"soon\"" */
export function formatConfigError(e: ConfigError): string {
  return formatDocumentError(e);
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
