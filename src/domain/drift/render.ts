/**
 * What people read of a drift result: one table per app that differs (setting, left, right,
 * policy rules), and the same as Markdown for `--report-file` (a page a client can read).
 * Nothing here decides anything; the result (./result.ts) is the truth.
 */
import { partTitle } from './diff.js';
import type { DiffResult, DriftApp, DriftSide, DriftValue } from './result.js';

export const NOT_SET = '(not set)';
export const ABSENT = '(absent)';

export type DriftTableRow = {
  /** "oauthPolicies.ipRelaxationPolicyType", or a component: "OAuth policies (oauthPolicies)" */
  readonly setting: string;
  readonly left: string;
  readonly right: string;
  /** policy-check rule ids, comma-separated; "" when none */
  readonly rules: string;
};

export type DriftTable = {
  readonly app: string;
  readonly kind: DriftApp['kind'];
  readonly status: DriftApp['status'];
  /** "Acme_CI (External Client App): changed" */
  readonly title: string;
  readonly rows: readonly DriftTableRow[];
};

export function sideLabel(side: DriftSide): string {
  return side.name;
}

function text(value: DriftValue | undefined, absent = NOT_SET): string {
  return value === undefined ? absent : String(value);
}

function kindTitle(kind: DriftApp['kind']): string {
  return kind === 'eca' ? 'External Client App' : 'Connected App';
}

/** One table per app that differs, in result order. An app on one side only is one row. */
export function driftTables(result: DiffResult): DriftTable[] {
  return result.apps
    .filter((a) => a.status !== 'unchanged')
    .map((app) => {
      const rows: DriftTableRow[] =
        app.status === 'added' || app.status === 'removed'
          ? [{ setting: 'app', left: app.status === 'added' ? ABSENT : 'present', right: app.status === 'added' ? 'present' : ABSENT, rules: '' }]
          : [
              ...app.components.map((c) => ({
                setting: `${partTitle(c.part)} (${c.part})`,
                left: c.left ?? ABSENT,
                right: c.right ?? ABSENT,
                rules: c.rules.join(', '),
              })),
              ...app.fields.map((f) => ({ setting: f.setting, left: text(f.left), right: text(f.right), rules: f.rules.join(', ') })),
            ];
      return { app: app.name, kind: app.kind, status: app.status, title: `${app.name} (${kindTitle(app.kind)}): ${app.status}`, rows };
    });
}

/** "2 of 5 apps differ (1 changed, 1 added); 3 differences, 2 policy-relevant." or "No drift in 5 apps." */
export function driftSummaryLine(result: DiffResult): string {
  const s = result.summary;
  if (result.identical) return `No drift in ${s.compared} app${s.compared === 1 ? '' : 's'}.`;
  const differ = s.changed + s.added + s.removed;
  const parts = [
    s.changed ? `${s.changed} changed` : '',
    s.added ? `${s.added} only in ${sideLabel(result.right)}` : '',
    s.removed ? `${s.removed} only in ${sideLabel(result.left)}` : '',
  ].filter(Boolean);
  return `${differ} of ${s.compared} apps differ (${parts.join(', ')}); ${s.differences} difference${s.differences === 1 ? '' : 's'}, ${s.policyRelevant} policy-relevant.`;
}

/** Table cell text: pipes escaped, line breaks as <br>, so a value never breaks the table. */
export function markdownCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function describeSide(side: DriftSide): string {
  return `${side.kind} \`${side.name}\`${side.orgId ? ` (${side.orgId})` : ''}`;
}

/** The whole report as Markdown. */
export function driftMarkdown(result: DiffResult): string {
  const left = markdownCell(sideLabel(result.left));
  const right = markdownCell(sideLabel(result.right));
  const lines = [`# App drift: ${left} vs ${right}`, '', `Left: ${describeSide(result.left)}. Right: ${describeSide(result.right)}.`, '', `**${driftSummaryLine(result)}**`, ''];
  for (const table of driftTables(result)) {
    lines.push(`## ${markdownCell(table.title)}`, '');
    lines.push(`| Setting | ${left} | ${right} | Policy rules |`, '|---|---|---|---|');
    for (const r of table.rows) lines.push(`| ${markdownCell(r.setting)} | ${markdownCell(r.left)} | ${markdownCell(r.right)} | ${markdownCell(r.rules)} |`);
    lines.push('');
  }
  if (result.problems.length > 0) {
    lines.push('## Problems', '');
    for (const p of result.problems) lines.push(`- ${p.severity}: ${p.app ? `${markdownCell(p.app)}: ` : ''}${markdownCell(p.message)}`);
    lines.push('');
  }
  lines.push('## Not reported as drift', '');
  for (const n of result.normalised) lines.push(`- ${n}`);
  return `${lines.join('\n')}\n`;
}
