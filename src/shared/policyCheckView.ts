/**
 * The human view of `sf eca policy check`, as blocks the command prints (a line, or a table that
 * wraps long cells instead of cutting them with "…"): what could not be read first, then the
 * findings of each app and file, apps not audited, compliance packs, what --fix did, and the
 * verdict. A file path stands on its own line, never in a table cell, so it is never cut and can
 * be copied whole; it is given under the folder the user named.
 */
import { Messages } from '@salesforce/core';
import type { CheckedOrg, PackResult, PolicyCheckResult, PolicyFinding, PolicyProblem } from '../operations/policyCheck.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.policy.check');

export type ViewBlock = { kind: 'line'; text: string } | { kind: 'table'; data: Array<Record<string, string>> };

/** "1 input", "2 inputs" */
const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const line = (text: string): ViewBlock => ({ kind: 'line', text });
const table = (data: Array<Record<string, string>>): ViewBlock => ({ kind: 'table', data });

const KIND: Readonly<Record<string, string>> = { eca: 'External Client App', connectedApp: 'Connected App', org: 'Org', config: 'Policy file' };

function where(p: PolicyProblem): string {
  return p.file !== undefined ? `${p.file}${p.line === undefined ? '' : `:${p.line}`}` : p.org !== undefined ? `org ${p.org}` : '';
}

function problemBlocks(problems: readonly PolicyProblem[]): ViewBlock[] {
  if (problems.length === 0) return [];
  const out = [line(messages.getMessage('view.problems', [count(problems.length, 'input', 'inputs')]))];
  for (const p of problems) {
    out.push(line(`  ${where(p)}`), line(`    ${p.error ? `${p.error}: ` : ''}${p.message}`));
    for (const a of p.actions ?? []) out.push(line(`    -> ${a}`));
  }
  return [...out, line('')];
}

function mergedBlocks(orgs: readonly CheckedOrg[]): ViewBlock[] {
  return orgs.filter((o) => o.merged.length > 0).map((o) => line(messages.getMessage('view.merged', [o.merged.join(', '), o.name, o.orgId ?? ''])));
}

/** One group per app and file: the app and the file on their own lines, then a table. */
function findingBlocks(findings: readonly PolicyFinding[]): ViewBlock[] {
  const groups = new Map<string, PolicyFinding[]>();
  for (const f of findings) {
    const k = [f.kind, f.target, f.org ?? '', f.file ?? ''].join('\u0000');
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const out: ViewBlock[] = [];
  for (const list of groups.values()) {
    const f = list[0];
    out.push(line(`${f.target} (${KIND[f.kind] ?? f.kind}${f.org ? `, org ${f.org}` : ''})`));
    if (f.file) out.push(line(`  ${f.file}`));
    const withLine = list.some((x) => x.line !== undefined);
    out.push(
      table(
        list.map((x) => ({
          Severity: x.severity.toUpperCase(),
          ...(withLine ? { Line: x.line === undefined ? '' : String(x.line) } : {}),
          // the rule id under the message: the Finding column keeps the width a message needs
          Finding: `${x.message}\n(${x.ruleId})`,
        }))
      )
    );
  }
  return out;
}

function skippedBlocks(r: PolicyCheckResult): ViewBlock[] {
  if (r.skipped.length === 0) return [];
  const out = [line(messages.getMessage('view.skipped', [count(r.skipped.length, 'app', 'apps')]))];
  const byReason = new Map<string, typeof r.skipped>();
  for (const s of r.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
  for (const [reason, apps] of byReason) {
    out.push(line(`  ${reason}`));
    for (const a of apps) {
      const policies = Object.entries(a.policies ?? {}).map(([k, v]) => `${k} ${v}`);
      out.push(line(`    ${a.name}${a.org ? ` (org ${a.org})` : ''}${policies.length ? `: ${policies.join(', ')}` : ''}`));
    }
  }
  return [...out, line('')];
}

const STATUS: Readonly<Record<string, string>> = { pass: 'PASS', fail: 'FAIL', 'not-assessed': 'NOT ASSESSED' };

function packBlocks(packs: readonly PackResult[]): ViewBlock[] {
  const out: ViewBlock[] = [];
  for (const p of packs) {
    out.push(line(messages.getMessage('view.pack', [p.title, String(p.passed), String(p.failed), String(p.notAssessed)])), line(`  ${p.source.url}`));
    out.push(
      table(
        p.controls.map((c) => ({
          Status: STATUS[c.status],
          // the control, then its evidence: one wide column wraps well in a narrow terminal
          Control: [c.title, ...evidence(c).map((e) => `- ${e}`)].join('\n'),
        }))
      )
    );
  }
  return out;
}

function evidence(c: PackResult['controls'][number]): string[] {
  const waived = c.evidence.filter((e) => e.waived).map((e) => messages.getMessage('view.pack.waived', [e.ruleId, e.target, e.waived?.reason ?? '', e.waived?.expires ?? '']));
  if (c.status === 'fail') return [...c.evidence.filter((e) => !e.waived).map((e) => `${e.ruleId} (${e.severity}): ${e.target}`), ...waived];
  if (c.status === 'pass') return [messages.getMessage('view.pack.noFinding', [c.ruleIds.join(', ')]), ...waived, ...(c.note ? [c.note] : [])];
  return [...(c.note ? [c.note] : []), ...waived];
}

function fixBlocks(r: PolicyCheckResult): ViewBlock[] {
  if (!r.fix) return [];
  const out: ViewBlock[] = [];
  if (r.fixed.length) out.push(line(messages.getMessage('fixed', [count(r.fixed.length, 'file', 'files'), count(r.fix.folders.length, 'folder', 'folders'), count(r.fix.passes, 'pass', 'passes')])), ...r.fix.folders.map((f) => line(`  ${f}`)));
  else out.push(line(messages.getMessage('fixedNothing')));
  if (!r.fix.converged) out.push(line(messages.getMessage('fixLeft')), ...r.fix.left.map((l) => line(`  ${l}`)));
  return [...out, line('')];
}

function verdict(r: PolicyCheckResult): string {
  if (!r.complete) return messages.getMessage('incomplete', [count(r.problems.length, 'input', 'inputs')]);
  if (r.failOn === 'none') return messages.getMessage('notGated');
  return messages.getMessage(r.passed ? 'passed' : 'failed', [r.failOn]);
}

export function policyCheckView(r: PolicyCheckResult): ViewBlock[] {
  const sources = [...r.sources.dirs, ...r.sources.orgs.map((o) => `org ${o}`)].join(', ');
  const empty = r.apps.length === 0 && r.skipped.length === 0;
  const s = r.summary;
  return [
    ...problemBlocks(r.problems),
    ...mergedBlocks(r.orgs),
    ...findingBlocks(r.findings),
    ...skippedBlocks(r),
    ...packBlocks(r.packs ?? []),
    ...fixBlocks(r),
    line(
      empty
        ? messages.getMessage(r.complete ? 'noApps' : 'noAppsRead', [sources])
        : messages.getMessage('summaryLine', [count(r.apps.length, 'app', 'apps'), String(s.total), String(s.critical), String(s.high), String(s.medium), String(s.low), String(s.waived)])
    ),
    line(verdict(r)),
  ];
}
