/**
 * SARIF 2.1.0 output of a policy evaluation, for GitHub code scanning and other SARIF viewers.
 *
 * - tool.driver.rules is the whole catalogue (disabled rules with defaultConfiguration.enabled
 *   false), with help text, the Salesforce control and a GitHub `security-severity`.
 * - Each finding is a result with ruleId/ruleIndex and a level (critical and high -> error,
 *   medium -> warning, low -> note). Source findings carry a physical location (file URI and
 *   startLine); every finding carries a logical location naming the app or the org.
 * - Waived findings are results with an accepted external suppression and the waiver's reason.
 * - `--fix` descriptors go into result.properties.fix (SARIF fixes need text edits we do not have).
 * - What the check could not read (./problems.ts) is one toolExecutionNotification of level error
 *   each, with its file and line or its org, under an invocation whose executionSuccessful is
 *   false (SARIF 2.1.0 Appendix I: how a consumer tells an incomplete result set). The kinds of
 *   problem are tool.driver.notifications, which each notification references.
 *
 * Pure: only path and hash arithmetic, no file access.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeApp, type SourceLocation } from './app.js';
import type { Waiver } from './config.js';
import type { Evaluation } from './evaluate.js';
import { INPUT_PROBLEM_CODES, INPUT_PROBLEMS, type InputProblem } from './problems.js';
import { type Finding, type FindingTarget, type Fix, type Rule, RULES, type Severity } from './rules.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export type SarifMessage = { text: string; markdown?: string };

export type SarifReportingDescriptor = {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri: string;
  defaultConfiguration: { level: SarifLevel; enabled: boolean };
  properties: { tags: string[]; 'security-severity': string; severity: Severity; control: string };
};

export type SarifArtifactLocation = { uri: string; uriBaseId?: string };

export type SarifLocation = {
  physicalLocation?: {
    artifactLocation: SarifArtifactLocation;
    region?: { startLine: number; startColumn?: number };
  };
  logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
};

export type SarifSuppression = { kind: 'external'; status: 'accepted'; justification: string; properties: { expires: string } };

export type SarifResult = {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: SarifSuppression[];
  properties: {
    severity: Severity;
    target: FindingTarget;
    field?: string;
    fix?: Fix;
  };
};

export type SarifNotificationDescriptor = { id: string; name: string; shortDescription: SarifMessage; fullDescription: SarifMessage; defaultConfiguration: { level: SarifLevel } };

export type SarifNotification = {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  descriptor: { id: string; index: number };
  properties?: { code: string; org?: string; error?: string; actions?: string[] };
};

export type SarifInvocation = {
  executionSuccessful: boolean;
  exitCode?: number;
  exitCodeDescription?: string;
  toolExecutionNotifications: SarifNotification[];
};

export type SarifRun = {
  tool: {
    driver: {
      name: string;
      fullName: string;
      version?: string;
      semanticVersion?: string;
      informationUri?: string;
      rules: SarifReportingDescriptor[];
      notifications: SarifNotificationDescriptor[];
    };
  };
  invocations: SarifInvocation[];
  originalUriBaseIds?: Record<string, { uri: string; description: SarifMessage }>;
  results: SarifResult[];
  columnKind: 'utf16CodeUnits';
  properties: { summary: Evaluation['summary']; failOn: string };
};

export type SarifLog = {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
};

export type SarifOptions = {
  readonly toolName?: string;
  readonly toolVersion?: string;
  readonly informationUri?: string;
  /** absolute project root: files under it become relative URIs against %SRCROOT% */
  readonly rootDir?: string;
  /** report waived findings as suppressed results (default true) */
  readonly includeWaived?: boolean;
  /** what the check could not read: each is a toolExecutionNotification, and the invocation is not successful */
  readonly problems?: readonly InputProblem[];
  /** the exit code of the run, with its meaning */
  readonly exitCode?: { readonly code: number; readonly description: string };
};

const LEVELS: Readonly<Record<Severity, SarifLevel>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** GitHub code scanning reads properties['security-severity'] (0.0-10.0) to rank alerts. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export function sarifLevel(severity: Severity): SarifLevel {
  return LEVELS[severity];
}

function ruleName(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function descriptor(rule: Rule, enabled: boolean): SarifReportingDescriptor {
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: {
      text: `${rule.rationale}\n\nRemediation: ${rule.remediation}\n\nSalesforce control: ${rule.control}\n${rule.helpUri}`,
      markdown: `${rule.rationale}\n\n**Remediation:** ${rule.remediation}\n\n**Salesforce control:** [${rule.control}](${rule.helpUri})`,
    },
    helpUri: rule.helpUri,
    defaultConfiguration: { level: LEVELS[rule.severity], enabled },
    properties: {
      tags: ['security', 'salesforce', 'oauth', rule.scope === 'org' ? 'org-setting' : 'external-client-app'],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      severity: rule.severity,
      control: rule.control,
    },
  };
}

function toPosix(path: string): string {
  return path.replace(/\\/g, '/');
}

/** A file path as a SARIF artifact location: relative to %SRCROOT% where possible, else a file URI. */
export function artifactLocation(file: string, rootDir?: string): SarifArtifactLocation {
  if (!isAbsolute(file) && !/^[A-Za-z]:[\\/]/.test(file)) {
    return { uri: encodeURI(toPosix(file).replace(/^\.\//, '')), uriBaseId: SRCROOT };
  }
  if (rootDir !== undefined) {
    const rel = relative(rootDir, file);
    if (rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: encodeURI(toPosix(rel)), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(file).href };
}

function logicalLocation(target: FindingTarget): { name: string; fullyQualifiedName: string; kind: string } {
  switch (target.type) {
    case 'app':
      return {
        name: target.name,
        fullyQualifiedName: `${target.org === undefined ? '' : `${target.org}/`}${target.kind === 'eca' ? 'ExternalClientApplication' : 'ConnectedApp'}/${target.name}`,
        kind: 'resource',
      };
    case 'org':
      return { name: target.name, fullyQualifiedName: `org/${target.id ?? target.name}`, kind: 'organization' };
    default:
      return { name: target.name, fullyQualifiedName: `policy/${target.name}`, kind: 'resource' };
  }
}

function physicalLocation(location: SourceLocation, rootDir: string | undefined): SarifLocation['physicalLocation'] {
  return {
    artifactLocation: artifactLocation(location.file, rootDir),
    ...(location.line !== undefined && location.line > 0
      ? { region: { startLine: location.line, ...(location.column !== undefined && location.column > 0 ? { startColumn: location.column } : {}) } }
      : {}),
  };
}

function subject(target: FindingTarget): string {
  switch (target.type) {
    case 'app':
      return describeApp(target);
    case 'org':
      return `Org ${target.name}`;
    default:
      return `Policy ${target.name}`;
  }
}

/** Stable across runs and line moves: rule, target and field (and message, which names e.g. the URL). */
export function findingFingerprint(f: Finding): string {
  const t = f.target;
  const who = t.type === 'app' ? `${t.kind}:${t.name}` : `${t.type}:${t.name}`;
  return createHash('sha256').update([f.ruleId, who, f.field ?? '', f.message].join('\u0000')).digest('hex').slice(0, 32);
}

function result(f: Finding, ruleIndex: number, rootDir: string | undefined, waiver?: Waiver): SarifResult {
  const location: SarifLocation = {
    ...(f.location === undefined ? {} : { physicalLocation: physicalLocation(f.location, rootDir) }),
    logicalLocations: [logicalLocation(f.target)],
  };
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVELS[f.severity],
    message: { text: `${subject(f.target)}: ${f.message}` },
    locations: [location],
    partialFingerprints: { 'ecaPolicyFinding/v1': findingFingerprint(f) },
    ...(waiver === undefined
      ? {}
      : { suppressions: [{ kind: 'external', status: 'accepted', justification: waiver.reason, properties: { expires: waiver.expires } }] }),
    properties: {
      severity: f.severity,
      target: f.target,
      ...(f.field === undefined ? {} : { field: f.field }),
      ...(f.fix === undefined ? {} : { fix: f.fix }),
    },
  };
}

const NOTIFICATION_DESCRIPTORS: SarifNotificationDescriptor[] = INPUT_PROBLEM_CODES.map((code) => ({
  id: code,
  name: ruleName(code),
  shortDescription: { text: INPUT_PROBLEMS[code].title },
  fullDescription: { text: INPUT_PROBLEMS[code].description },
  defaultConfiguration: { level: 'error' },
}));

function notification(p: InputProblem, rootDir: string | undefined): SarifNotification {
  const location: SarifLocation | undefined =
    p.file !== undefined
      ? { physicalLocation: physicalLocation({ file: p.file, line: p.line, column: p.column }, rootDir) }
      : p.org !== undefined
        ? { logicalLocations: [{ name: p.org, fullyQualifiedName: `org/${p.org}`, kind: 'organization' }] }
        : undefined;
  return {
    level: 'error',
    message: { text: p.file === undefined && p.org !== undefined ? `Org ${p.org}: ${p.message}` : p.message },
    ...(location === undefined ? {} : { locations: [location] }),
    descriptor: { id: p.code, index: INPUT_PROBLEM_CODES.indexOf(p.code) },
    properties: {
      code: p.code,
      ...(p.org === undefined ? {} : { org: p.org }),
      ...(p.error === undefined ? {} : { error: p.error }),
      ...(p.actions === undefined || p.actions.length === 0 ? {} : { actions: [...p.actions] }),
    },
  };
}

export function toSarif(evaluation: Evaluation, options: SarifOptions = {}): SarifLog {
  const enabled = new Set(evaluation.rules.map((r) => r.id));
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const indexOf = (id: string): number => index.get(id) ?? -1;
  const results = [
    ...evaluation.findings.map((f) => result(f, indexOf(f.ruleId), options.rootDir)),
    ...(options.includeWaived === false ? [] : evaluation.waived.map((w) => result(w.finding, indexOf(w.finding.ruleId), options.rootDir, w.waiver))),
  ];
  const problems = options.problems ?? [];
  const semver = options.toolVersion !== undefined && /^\d+\.\d+\.\d+(?:[-+].*)?$/.test(options.toolVersion) ? options.toolVersion : undefined;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.toolName ?? 'plugin-eca',
            fullName: 'plugin-eca: sf eca policy check',
            ...(options.toolVersion === undefined ? {} : { version: options.toolVersion }),
            ...(semver === undefined ? {} : { semanticVersion: semver }),
            ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
            rules: RULES.map((r) => descriptor(r, enabled.has(r.id))),
            notifications: NOTIFICATION_DESCRIPTORS,
          },
        },
        invocations: [
          {
            executionSuccessful: problems.length === 0,
            ...(options.exitCode === undefined ? {} : { exitCode: options.exitCode.code, exitCodeDescription: options.exitCode.description }),
            toolExecutionNotifications: problems.map((p) => notification(p, options.rootDir)),
          },
        ],
        ...(options.rootDir === undefined
          ? {}
          : {
              originalUriBaseIds: {
                [SRCROOT]: {
                  uri: pathToFileURL(options.rootDir.endsWith('/') ? options.rootDir : `${options.rootDir}/`).href,
                  description: { text: 'The project root' },
                },
              },
            }),
        results,
        columnKind: 'utf16CodeUnits',
        properties: { summary: evaluation.summary, failOn: evaluation.config.failOn },
      },
    ],
  };
}

/** The SARIF log as the file to write: 2-space JSON and a final newline. */
export function formatSarif(evaluation: Evaluation, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(evaluation, options), null, 2)}\n`;
}
