/**
 * The result of a drift diff between two sets of apps, and of `sf eca diff --json`
 * (schemas/eca-diff.json is generated from DiffResult). Left and right are two of: an org, a
 * source folder, a snapshot. Values are as the right side would show them once the left side's
 * names were mapped to the right's; no secret, consumer key or org-scoped id ever appears.
 */

/** A setting's value: text, number or boolean; lists and nested values as JSON text; a certificate as its subject and SHA-256. */
export type DriftValue = string | number | boolean;

export type DriftSideKind = 'org' | 'source' | 'snapshot';

export type DriftSide = {
  kind: DriftSideKind;
  /** org alias or username, folder path, or snapshot folder */
  name: string;
  /** the org's id, for an org or a snapshot */
  orgId?: string;
};

export type DriftField = {
  /** ECA part ("oauthPolicies") or "connectedApp" */
  part: string;
  /** the setting's path: "oauthPolicies.ipRelaxationPolicyType", "connectedApp.oauthConfig.scopes" */
  setting: string;
  /** absent: not set on the left */
  left?: DriftValue;
  /** absent: not set on the right */
  right?: DriftValue;
  /** policy-check rule ids this setting matters to (sf eca policy check) */
  rules: string[];
};

/** A component one side has and the other does not (matched by owner and type, never by name). */
export type DriftComponent = {
  part: string;
  type: string;
  /** its full name on the left, when the left has it */
  left?: string;
  /** its full name on the right, when the right has it */
  right?: string;
  rules: string[];
};

/** added: only on the right; removed: only on the left. */
export type DriftStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export type DriftApp = {
  name: string;
  kind: 'eca' | 'connectedApp';
  status: DriftStatus;
  components: DriftComponent[];
  fields: DriftField[];
};

export type DriftProblem = {
  app?: string;
  /** error: the comparison of this app cannot be trusted (a mapping's certificate was not read, say) */
  severity: 'error' | 'warning';
  message: string;
};

export type DriftSummary = {
  compared: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** differing settings and components, over all apps */
  differences: number;
  /** of these, the ones a policy-check rule reads */
  policyRelevant: number;
};

export type DiffResult = {
  /** true when no app differs (exit code 0); false: exit code 1 */
  identical: boolean;
  left: DriftSide;
  right: DriftSide;
  apps: DriftApp[];
  summary: DriftSummary;
  problems: DriftProblem[];
  /** what is never reported as drift, in words */
  normalised: string[];
};
