/**
 * JUnit XML output of a policy evaluation, for CI systems that show test reports (Jenkins,
 * GitLab, Azure DevOps, GitHub test-reporter actions).
 *
 * One <testsuite> per audited app (then one per org whose settings were read, and one for the
 * policy file when it has findings); one <testcase> per enabled rule that reads the target; one
 * <failure> per active finding (the Jenkins/Ant schema allows several). A rule whose findings are
 * all waived is <skipped> with the waiver's reason. The `failures` counts count failed test cases.
 *
 * What the check could not read (./problems.ts) comes first: one <testsuite> per file or org, with
 * one test case per problem holding an <error> (the Ant JUnit schema: an errored test could not
 * run, a failed one ran and failed), counted in `errors`. A CI test report then shows the run as
 * broken, never as green.
 */
import { describeApp } from './app.js';
import type { Evaluation, WaivedFinding } from './evaluate.js';
import { describeProblem, INPUT_PROBLEMS, type InputProblem } from './problems.js';
import { type Finding, type FindingTarget, ruleById } from './rules.js';

export type JunitOptions = {
  /** name of the <testsuites> element */
  readonly name?: string;
  /** written on each <testsuite>; omitted when not given, so output is reproducible */
  readonly timestamp?: Date;
  /** what the check could not read: an <error> each */
  readonly problems?: readonly InputProblem[];
};

/** One suite per file or org that could not be read, a test case with an <error> per problem. */
function problemSuites(problems: readonly InputProblem[], timestamp: string): string[] {
  const groups = new Map<string, InputProblem[]>();
  for (const p of problems) {
    const key = p.file !== undefined ? `File ${p.file}` : p.org !== undefined ? `Org ${p.org}` : 'Input';
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out: string[] = [];
  for (const [name, list] of groups) {
    out.push(`  <testsuite name="${escapeXml(name)}" tests="${list.length}" failures="0" errors="${list.length}" skipped="0" time="0"${timestamp}>`);
    for (const p of list) {
      const text = [describeProblem(p), ...(p.error === undefined ? [] : [`Error: ${p.error}`]), ...(p.actions ?? []).map((a) => `Action: ${a}`)].join('\n');
      out.push(
        `    <testcase classname="eca-policy.input" name="${escapeXml(`read: ${INPUT_PROBLEMS[p.code].title}${p.line === undefined ? '' : ` (line ${p.line})`}`)}" time="0">`,
        `      <error message="${escapeXml(p.message)}" type="${escapeXml(p.code)}">${escapeXml(text)}</error>`,
        '    </testcase>'
      );
    }
    out.push('  </testsuite>');
  }
  return out;
}

// XML 1.0 allows only these characters.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function targetKey(t: FindingTarget): string {
  return t.type === 'app' ? `app:${t.kind}:${t.name}` : `${t.type}:${t.name}`;
}

function suiteName(t: FindingTarget): string {
  switch (t.type) {
    case 'app':
      return describeApp(t);
    case 'org':
      return `Org ${t.name}`;
    default:
      return `Policy ${t.name}`;
  }
}

function className(t: FindingTarget): string {
  return t.type === 'app' ? `eca-policy.${t.kind}.${t.name}` : `eca-policy.${t.type}.${t.name}`;
}

type Case = { ruleId: string; active: Finding[]; waived: WaivedFinding[] };

type Suite = { target: FindingTarget; cases: Map<string, Case> };

function caseOf(suite: Suite, ruleId: string): Case {
  let c = suite.cases.get(ruleId);
  if (!c) {
    c = { ruleId, active: [], waived: [] };
    suite.cases.set(ruleId, c);
  }
  return c;
}

function failureText(f: Finding): string {
  const rule = ruleById(f.ruleId);
  const where = f.location ? `${f.location.file}${f.location.line === undefined ? '' : `:${f.location.line}`}` : undefined;
  return [
    `${f.severity.toUpperCase()}: ${f.message}`,
    f.field === undefined ? undefined : `Field: ${f.field}`,
    where === undefined ? undefined : `Location: ${where}`,
    rule === undefined ? undefined : `Remediation: ${rule.remediation}`,
    f.fix === undefined ? undefined : `Fix: ${f.fix.summary}`,
    rule === undefined ? undefined : `Control: ${rule.control} (${rule.helpUri})`,
  ]
    .filter((l): l is string => l !== undefined)
    .join('\n');
}

function renderCase(suite: Suite, c: Case): string {
  const rule = ruleById(c.ruleId);
  const name = escapeXml(rule === undefined ? c.ruleId : `${c.ruleId}: ${rule.title}`);
  const open = `    <testcase classname="${escapeXml(className(suite.target))}" name="${name}" time="0"`;
  if (c.active.length > 0) {
    const failures = c.active.map(
      (f) => `      <failure message="${escapeXml(f.message)}" type="${f.severity}">${escapeXml(failureText(f))}</failure>`
    );
    return `${open}>\n${failures.join('\n')}\n    </testcase>`;
  }
  if (c.waived.length > 0) {
    const w = c.waived[0].waiver;
    return `${open}>\n      <skipped message="${escapeXml(`waived until ${w.expires}: ${w.reason}`)}"/>\n    </testcase>`;
  }
  return `${open}/>`;
}

function counts(suite: Suite): { tests: number; failures: number; skipped: number } {
  const cases = [...suite.cases.values()];
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.active.length > 0).length,
    skipped: cases.filter((c) => c.active.length === 0 && c.waived.length > 0).length,
  };
}

export function toJunit(evaluation: Evaluation, options: JunitOptions = {}): string {
  const suites = new Map<string, Suite>();
  const suiteFor = (target: FindingTarget): Suite => {
    const key = targetKey(target);
    let s = suites.get(key);
    if (!s) {
      s = { target, cases: new Map() };
      suites.set(key, s);
    }
    return s;
  };
  for (const subject of [...evaluation.apps, ...evaluation.orgs]) {
    const s = suiteFor(subject.target);
    for (const id of subject.rules) caseOf(s, id);
  }
  for (const f of evaluation.findings) caseOf(suiteFor(f.target), f.ruleId).active.push(f);
  for (const w of evaluation.waived) caseOf(suiteFor(w.finding.target), w.finding.ruleId).waived.push(w);

  const timestamp = options.timestamp === undefined ? '' : ` timestamp="${options.timestamp.toISOString().slice(0, 19)}"`;
  const problems = options.problems ?? [];
  const total = { tests: problems.length, failures: 0, skipped: 0 };
  const body: string[] = problemSuites(problems, timestamp);
  for (const suite of suites.values()) {
    const n = counts(suite);
    total.tests += n.tests;
    total.failures += n.failures;
    total.skipped += n.skipped;
    const t = suite.target;
    const properties = [
      `      <property name="type" value="${t.type}"/>`,
      t.type === 'app' ? `      <property name="kind" value="${t.kind}"/>` : undefined,
      t.type === 'app' && t.label !== undefined ? `      <property name="label" value="${escapeXml(t.label)}"/>` : undefined,
      t.type === 'app' && t.org !== undefined ? `      <property name="org" value="${escapeXml(t.org)}"/>` : undefined,
    ].filter((p): p is string => p !== undefined);
    body.push(
      `  <testsuite name="${escapeXml(suiteName(t))}" tests="${n.tests}" failures="${n.failures}" errors="0" skipped="${n.skipped}" time="0"${timestamp}>`,
      '    <properties>',
      ...properties,
      '    </properties>',
      ...[...suite.cases.values()].map((c) => renderCase(suite, c)),
      '  </testsuite>'
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(options.name ?? 'sf eca policy check')}" tests="${total.tests}" failures="${total.failures}" errors="${problems.length}" skipped="${total.skipped}" time="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
