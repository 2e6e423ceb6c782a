/**
 * The report as one self-contained HTML page: a summary a client's manager reads in a minute
 * (what can be converted now, what will break when and how much it is used, findings by
 * severity, three SVG charts), then the detail in sortable, filterable tables, then the sources.
 * CSS and script are inline; the Content-Security-Policy lets nothing load; print CSS gives a
 * clean PDF (filters hidden, every row shown, the summary on its own page).
 */
import { someNames } from '../../text.js';
import { SEVERITY_ORDER } from '../findings.js';
import type { BaselineChange, FindingView, OrgReport, OrgReportOk, ReportData, WillBreakEntry } from '../model.js';
import { LOGIN_VALUES } from '../sources.js';
import { type Chart, renderCharts } from './charts.js';
import { escapeHtml, html, join, type Markup, trusted } from './escape.js';
import { contentSecurityPolicy, CSS, SCRIPT } from './page.js';

type Cell = Markup | string | number | undefined;

type Column<T> = {
  readonly title: string;
  readonly sort?: 'text' | 'number';
  readonly num?: boolean;
  readonly cell: (row: T) => Cell;
  /** the value sorting uses, when the cell's text is not it */
  readonly value?: (row: T) => string | number;
};

type Filter = { readonly column: string; readonly label: string; readonly options: readonly string[] };

const RANK: Readonly<Record<string, number>> = { critical: 4, high: 3, medium: 2, low: 1 };
const CATEGORY_LABEL: Readonly<Record<string, string>> = {
  eligible: 'convertible now',
  attention: 'convertible, needs a look',
  'not-convertible': 'not convertible',
  converted: 'already converted',
};

function ok(data: ReportData): Array<OrgReportOk> {
  return data.orgs.filter((o): o is OrgReportOk => o.status === 'ok');
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

function day(iso: string | undefined): string {
  return iso === undefined ? '' : iso.slice(0, 10);
}

function sev(s: string): Markup {
  return html`<span class="sev ${s}">${s}</span>`;
}

function code(text: string | undefined): Markup {
  return text ? html`<code class="cmd">${text}</code>` : html``;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function filters(name: string, list: readonly Filter[], total: number): Markup {
  return html`<div class="filters no-print">
  <input type="search" placeholder="Filter rows" aria-label="Filter rows" data-filter-for="${name}">
  ${list.map(
    (f) => html`<select aria-label="${f.label}" data-filter-for="${name}" data-filter-column="${f.column}">
    <option value="">${f.label}: all</option>${f.options.map((o) => html`<option value="${o}">${o}</option>`)}
  </select>`
  )}
  <span class="count" data-count-for="${name}">${total} of ${total}</span>
</div>`;
}

function table<T>(name: string, rows: readonly T[], columns: ReadonlyArray<Column<T>>, options: { attrs?: (row: T) => Record<string, string>; empty: string; filters?: readonly Filter[] }): Markup {
  if (rows.length === 0) return html`<p class="muted" data-empty="${name}">${options.empty}</p>`;
  const head = columns.map(
    (c) => html`<th${c.num ? trusted(' class="num"') : ''} scope="col">${c.sort ? html`<button type="button" data-sort="${c.sort}">${c.title}</button>` : c.title}</th>`
  );
  const body = rows.map((r) => {
    const attrs = Object.entries(options.attrs?.(r) ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
    const cells = columns.map((c) => {
      const v = c.value?.(r);
      return html`<td${c.num ? trusted(' class="num"') : ''}${v === undefined ? '' : html` data-value="${String(v)}"`}>${c.cell(r) ?? ''}</td>`;
    });
    return html`<tr${attrs}>${cells}</tr>`;
  });
  return html`${options.filters ? filters(name, options.filters, rows.length) : ''}<table class="data" data-table="${name}">
<thead><tr>${head}</tr></thead>
<tbody>
${join(body, '\n')}
</tbody></table>`;
}

// ---------------------------------------------------------------------------------------------
// summary

function subjectText(e: WillBreakEntry): string {
  const s = e.subject;
  return s.type === 'app' ? `${s.label ?? s.name}${s.kind === 'connectedApp' ? ' (Connected App)' : ''}` : `${s.application}: ${s.user}`;
}

function lede(data: ReportData): Markup {
  const t = data.totals;
  const toMove = t.readiness.total - t.readiness.converted;
  const when = new Map(data.deadlines.map((d) => [d.id, d]));
  const breaks = t.willBreak.byDeadline.map((b) => {
    const d = when.get(b.deadline);
    return `${b.count} at ${d?.title ?? b.deadline} (${d?.when ?? 'no date'}), with ${plural(b.logins, 'login')} in the last ${data.options.windowDays} days`;
  });
  const failed = data.orgs.filter((o) => o.status === 'error').map((o) => o.org.alias);
  return html`<p class="lede" data-summary="text">
Across ${plural(t.orgs.read, 'org')}${failed.length ? html` (and ${plural(failed.length, 'org')} that could not be read: ${failed.join(', ')})` : ''},
<strong>${toMove}</strong> ${toMove === 1 ? 'Connected App remains' : 'Connected Apps remain'} to move:
<strong>${t.readiness.eligible}</strong> can be converted now, ${t.readiness.attention} more after a person looks at them, and
${t.readiness.notConvertible} cannot be converted as they are.
${t.willBreak.total === 0 ? 'Nothing in use will break at an announced deadline.' : html`<strong>${plural(t.willBreak.total, 'app or integration', 'apps or integrations')}</strong> in use will break: ${breaks.join('; ')}.`}
Policy findings: ${t.findings.critical} critical, ${t.findings.high} high, ${t.findings.medium} medium, ${t.findings.low} low${t.findings.waived ? ` (${t.findings.waived} waived)` : ''}.
</p>`;
}

function kpis(data: ReportData): Markup {
  const t = data.totals;
  const toMove = t.readiness.total - t.readiness.converted;
  const card = (id: string, cls: string, value: string | number, label: string): Markup =>
    html`<div class="kpi ${cls}" data-kpi="${id}"><div class="value">${String(value)}</div><div class="label">${label}</div></div>`;
  return html`<div class="kpis">
${card('convertible-now', t.readiness.eligible > 0 ? 'ok' : '', t.readiness.eligible, `of ${toMove} Connected Apps can be converted now (${t.readiness.attention} more need a look)`)}
${card('will-break', t.willBreak.total > 0 ? 'bad' : 'ok', t.willBreak.total, 'apps and integrations in use will break at an announced deadline')}
${card('findings', t.findings.critical + t.findings.high > 0 ? 'bad' : 'ok', t.findings.critical + t.findings.high, `critical and high findings (${t.findings.total} in all)`)}
${card('orgs', t.orgs.failed > 0 ? 'warn' : 'ok', `${t.orgs.read} / ${t.orgs.total}`, t.orgs.failed > 0 ? `orgs read; ${t.orgs.failed} could not be read` : 'orgs read')}
</div>`;
}

function topBreaks(data: ReportData): Markup {
  const rows = ok(data)
    .flatMap((o) => o.willBreak.map((e) => ({ org: o.org.alias, e })))
    .sort((a, b) => b.e.usage.logins - a.e.usage.logins || b.e.usage.tokens - a.e.usage.tokens)
    .slice(0, 5);
  if (rows.length === 0) return html``;
  return html`<h3>Most used of what will break</h3>
<table class="data" data-table="top-breaks"><thead><tr><th>App or integration</th><th>Org</th><th>Breaks</th><th class="num">Logins</th><th class="num">Users</th></tr></thead><tbody>
${rows.map(
  ({ org, e }) =>
    html`<tr><td>${subjectText(e)}</td><td>${org}</td><td>${e.deadlineTitle} (${e.when})</td><td class="num">${e.usage.logins}</td><td class="num">${e.usage.users}</td></tr>`
)}
</tbody></table>`;
}

function figure(c: Chart): Markup {
  return html`<figure data-chart="${c.id}" aria-label="${c.title}">
<figcaption>${c.title}</figcaption>
${c.svg ? trusted(c.svg) : html`<div class="empty">${c.empty ?? 'Nothing to draw.'}</div>`}
<table class="sr-only chart-data" data-chart-table="${c.id}"><thead><tr>${c.table.columns.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>
${c.table.rows.map((r) => html`<tr>${r.map((v) => html`<td>${String(v)}</td>`)}</tr>`)}
</tbody></table>
</figure>`;
}

function summary(data: ReportData, charts: readonly Chart[]): Markup {
  const failed = data.orgs.filter((o) => o.status === 'error');
  return html`<section class="summary" id="summary">
<h2>Summary</h2>
${kpis(data)}
<div class="charts">${charts.map(figure)}</div>
${lede(data)}
${failed.map((o) => html`<div class="error-box" data-org-error="${o.org.alias}"><strong>${o.org.alias} could not be read.</strong> ${o.status === 'error' ? o.error.message : ''}</div>`)}
${ok(data)
  .filter((o) => o.notes?.length)
  .map((o) => html`<p class="muted" data-org-note="${o.org.alias}"><strong>${o.org.alias} was read in part:</strong> ${(o.notes ?? []).join(' ')}</p>`)}
${topBreaks(data)}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// detail

function deadlines(data: ReportData): Markup {
  return html`<section id="deadlines"><h2>Deadlines</h2>
${table('deadlines', data.deadlines, [
  { title: 'Deadline', cell: (d) => html`${d.title}${d.confirmed ? '' : html` <span class="unconfirmed">(partly unconfirmed)</span>`}` },
  { title: 'When', cell: (d) => d.when, value: (d) => d.date ?? '9999' , sort: 'text' },
  { title: 'Status', cell: (d) => d.status },
  { title: 'Who', cell: (d) => d.audience },
  {
    title: 'What happens',
    cell: (d) =>
      html`${d.effect}${d.requirements ? html`<ul class="tight">${d.requirements.map((r) => html`<li>${r.title}${r.due ? ` (due ${r.due})` : ''}${r.confirmed ? '' : html` <span class="unconfirmed">UNCONFIRMED</span>`}</li>`)}</ul>` : ''}${d.note ? html`<div class="muted">${d.note}</div>` : ''}`,
  },
  { title: 'What to do', cell: (d) => d.action },
  { title: 'Sources', cell: (d) => html`<ul class="tight">${d.sources.map((s) => html`<li><a href="${s.url}">${s.title}</a></li>`)}</ul>` },
], { empty: 'No deadlines.' })}
</section>`;
}

function willBreakSection(data: ReportData): Markup {
  const rows = ok(data).flatMap((o) => o.willBreak.map((e) => ({ org: o.org.alias, e })));
  return html`<section id="will-break"><h2>Will break</h2>
<p class="muted">Apps and integrations that fail an announced deadline and were used in the last ${data.options.windowDays} days, most used first.</p>
${table(
  'will-break',
  rows,
  [
    { title: 'App or integration', sort: 'text', cell: (r) => subjectText(r.e) },
    { title: 'Org', sort: 'text', cell: (r) => r.org },
    { title: 'Deadline', sort: 'text', cell: (r) => html`${r.e.deadlineTitle}<div class="muted">${r.e.when}</div>`, value: (r) => r.e.date ?? '9999' },
    { title: 'Logins', sort: 'number', num: true, cell: (r) => r.e.usage.logins, value: (r) => r.e.usage.logins },
    { title: 'Users', sort: 'number', num: true, cell: (r) => r.e.usage.users, value: (r) => r.e.usage.users },
    { title: 'OAuth tokens', sort: 'number', num: true, cell: (r) => r.e.usage.tokens, value: (r) => r.e.usage.tokens },
    { title: 'Last used', sort: 'text', cell: (r) => day(r.e.usage.lastUsed) },
    { title: 'Why', cell: (r) => r.e.why },
    { title: 'What to do', cell: (r) => html`${r.e.remedy.summary}${code(r.e.remedy.command)}` },
  ],
  {
    empty: 'Nothing in use will break at an announced deadline.',
    attrs: (r) => ({ org: r.org, deadline: r.e.deadline }),
    filters: [
      { column: 'org', label: 'Org', options: unique(rows.map((r) => r.org)) },
      { column: 'deadline', label: 'Deadline', options: unique(rows.map((r) => r.e.deadline)) },
    ],
  }
)}
</section>`;
}

function readinessSection(data: ReportData): Markup {
  const orgs = ok(data);
  const rows = orgs.flatMap((o) => o.readiness.apps.map((a) => ({ org: o.org.alias, a })));
  const commands = orgs.filter((o) => o.readiness.command || o.readiness.attentionCommand);
  return html`<section id="readiness"><h2>Conversion readiness</h2>
${commands.map(
  (o) => html`<div><strong>${o.org.alias}</strong>: ${o.readiness.command ? html`convert the ${plural(o.readiness.eligible, 'eligible app')} now ${code(o.readiness.command)}` : ''}${
    o.readiness.attentionCommand ? html`then, once a person has looked at the others: ${code(o.readiness.attentionCommand)}` : ''
  }</div>`
)}
${table(
  'readiness',
  rows,
  [
    { title: 'Connected App', sort: 'text', cell: (r) => html`${r.a.label ?? r.a.name}${r.a.label && r.a.label !== r.a.name ? html`<div class="muted">${r.a.name}</div>` : ''}` },
    { title: 'Org', sort: 'text', cell: (r) => r.org },
    { title: 'Readiness', sort: 'text', cell: (r) => html`<span class="status ${r.a.category}">${CATEGORY_LABEL[r.a.category]}</span>` },
    { title: 'Why', cell: (r) => (r.a.reasons.length ? html`<ul class="tight">${r.a.reasons.map((x) => html`<li>${x.message}</li>`)}</ul>` : '') },
    { title: 'Logins', sort: 'number', num: true, cell: (r) => r.a.usage?.logins ?? 0, value: (r) => r.a.usage?.logins ?? 0 },
    { title: 'OAuth tokens', sort: 'number', num: true, cell: (r) => r.a.usage?.tokens ?? 0, value: (r) => r.a.usage?.tokens ?? 0 },
  ],
  {
    empty: 'No Connected Apps.',
    attrs: (r) => ({ org: r.org, category: r.a.category }),
    filters: [
      { column: 'org', label: 'Org', options: unique(rows.map((r) => r.org)) },
      { column: 'category', label: 'Readiness', options: unique(rows.map((r) => r.a.category)) },
    ],
  }
)}
</section>`;
}

function findingRows(data: ReportData, pick: (o: OrgReportOk) => FindingView[]): Array<{ org: string; f: FindingView }> {
  return ok(data).flatMap((o) => pick(o).map((f) => ({ org: o.org.alias, f })));
}

function findingsSection(data: ReportData): Markup {
  const rows = findingRows(data, (o) => o.findings.items);
  const waived = findingRows(data, (o) => o.findings.waived);
  const byRule = ok(data).flatMap((o) => o.findings.byRule.map((r) => ({ org: o.org.alias, r })));
  return html`<section id="findings"><h2>Policy findings</h2>
<p class="muted">From the policy engine of <code>sf eca policy check</code>${data.options.policyFile ? html`, with the policy file ${data.options.policyFile}` : ''}; waivers honoured.</p>
<h3>By rule</h3>
${table(
  'rules',
  byRule,
  [
    { title: 'Rule', sort: 'text', cell: (x) => html`${x.r.title}<div class="muted">${x.r.ruleId}</div>` },
    { title: 'Org', sort: 'text', cell: (x) => x.org },
    { title: 'Worst severity', sort: 'number', cell: (x) => sev(x.r.severity), value: (x) => RANK[x.r.severity] },
    { title: 'Findings', sort: 'number', num: true, cell: (x) => x.r.count, value: (x) => x.r.count },
    { title: 'Waived', sort: 'number', num: true, cell: (x) => x.r.waived, value: (x) => x.r.waived },
  ],
  { empty: 'No findings.', attrs: (x) => ({ org: x.org }) }
)}
<h3>Every finding</h3>
${table(
  'findings',
  rows,
  [
    { title: 'Severity', sort: 'number', cell: (x) => sev(x.f.severity), value: (x) => RANK[x.f.severity] },
    { title: 'App', sort: 'text', cell: (x) => html`${x.f.target}<div class="muted">${x.f.kind === 'connectedApp' ? 'Connected App' : x.f.kind === 'eca' ? 'ECA' : x.f.kind}</div>` },
    { title: 'Org', sort: 'text', cell: (x) => x.org },
    { title: 'Rule', sort: 'text', cell: (x) => x.f.ruleId },
    { title: 'Finding', cell: (x) => html`${x.f.message}${x.f.field ? html`<div class="muted">${x.f.field}</div>` : ''}` },
    { title: 'What to do', cell: (x) => x.f.remediation },
  ],
  {
    empty: 'No findings.',
    attrs: (x) => ({ org: x.org, severity: x.f.severity }),
    filters: [
      { column: 'severity', label: 'Severity', options: SEVERITY_ORDER.filter((s) => rows.some((x) => x.f.severity === s)) },
      { column: 'org', label: 'Org', options: unique(rows.map((x) => x.org)) },
    ],
  }
)}
${
  waived.length
    ? html`<h3>Waived</h3>${table(
        'waived',
        waived,
        [
          { title: 'Severity', cell: (x) => sev(x.f.severity), value: (x) => RANK[x.f.severity], sort: 'number' },
          { title: 'App', cell: (x) => x.f.target, sort: 'text' },
          { title: 'Org', cell: (x) => x.org, sort: 'text' },
          { title: 'Rule', cell: (x) => x.f.ruleId, sort: 'text' },
          { title: 'Waiver', cell: (x) => (x.f.waiver ? `${x.f.waiver.reason} (until ${x.f.waiver.expires})` : '') },
        ],
        { empty: '' }
      )}`
    : ''
}
</section>`;
}

function inventorySection(data: ReportData): Markup {
  const rows = ok(data).flatMap((o) => o.inventory.apps.map((a) => ({ org: o.org.alias, a })));
  const vendors = ok(data).flatMap((o) => o.inventory.vendors.map((v) => ({ org: o.org.alias, v })));
  return html`<section id="inventory"><h2>Inventory</h2>
${table(
  'inventory',
  rows,
  [
    { title: 'App', sort: 'text', cell: (r) => html`${r.a.label ?? r.a.name}${r.a.label && r.a.label !== r.a.name ? html`<div class="muted">${r.a.name}</div>` : ''}${r.a.description ? html`<div class="muted">${r.a.description}</div>` : ''}` },
    { title: 'Org', sort: 'text', cell: (r) => r.org },
    { title: 'Kind', sort: 'text', cell: (r) => (r.a.kind === 'eca' ? 'External Client App' : 'Connected App') },
    { title: 'Distribution', sort: 'text', cell: (r) => r.a.distributionState ?? '' },
    { title: 'Origin', sort: 'text', cell: (r) => (r.a.origin === 'installed' ? `installed${r.a.namespacePrefix ? ` (${r.a.namespacePrefix})` : ''}` : 'local') },
    { title: 'Publisher', sort: 'text', cell: (r) => r.a.publisher ?? '' },
    { title: 'Flows', cell: (r) => r.a.flows.join(', ') },
  ],
  {
    empty: 'No apps.',
    attrs: (r) => ({ org: r.org, kind: r.a.kind, origin: r.a.origin }),
    filters: [
      { column: 'org', label: 'Org', options: unique(rows.map((r) => r.org)) },
      { column: 'kind', label: 'Kind', options: unique(rows.map((r) => r.a.kind)) },
      { column: 'origin', label: 'Origin', options: unique(rows.map((r) => r.a.origin)) },
    ],
  }
)}
${
  vendors.length
    ? html`<h3>Vendor packages</h3>${table(
        'vendors',
        vendors,
        [
          { title: 'Namespace', sort: 'text', cell: (x) => x.v.namespacePrefix },
          { title: 'Publisher', sort: 'text', cell: (x) => x.v.publisher ?? '' },
          { title: 'Org', sort: 'text', cell: (x) => x.org },
          { title: 'Apps', cell: (x) => x.v.apps.join(', ') },
        ],
        { empty: '' }
      )}`
    : ''
}
</section>`;
}

function hygieneSection(data: ReportData): Markup {
  const shared = ok(data).flatMap((o) => o.hygiene.sharedRunAsUsers.map((s) => ({ org: o.org.alias, s })));
  const scoped = ok(data).flatMap((o) => o.hygiene.overScoped.map((s) => ({ org: o.org.alias, s })));
  const stale = ok(data).flatMap((o) => o.hygiene.secrets.stale.map((s) => ({ org: o.org.alias, s })));
  const unassessed = ok(data).filter((o) => !o.hygiene.secrets.assessed);
  return html`<section id="hygiene"><h2>Integration hygiene</h2>
<h3>Run-as users shared by several apps</h3>
${table(
  'shared-run-as',
  shared,
  [
    { title: 'Run-as user', sort: 'text', cell: (x) => x.s.user },
    { title: 'Org', sort: 'text', cell: (x) => x.org },
    { title: 'Apps', sort: 'number', cell: (x) => x.s.apps.join(', '), value: (x) => x.s.apps.length },
  ],
  { empty: 'Every client-credentials app runs as its own user.' }
)}
<h3>Consumer secrets older than a year</h3>
${unassessed.length ? html`<p class="muted">Not checked for ${unassessed.map((o) => o.org.alias).join(', ')}: ${unassessed[0].hygiene.secrets.note ?? ''}</p>` : ''}
${table(
  'stale-secrets',
  stale,
  [
    { title: 'App', sort: 'text', cell: (x) => x.s.app },
    { title: 'Org', sort: 'text', cell: (x) => x.org },
    { title: 'Issued', sort: 'text', cell: (x) => day(x.s.issued) },
    { title: 'Age (days)', sort: 'number', num: true, cell: (x) => x.s.ageDays, value: (x) => x.s.ageDays },
  ],
  { empty: 'No stale secret found in the orgs checked.' }
)}
<h3>Over-scoped apps</h3>
${table(
  'over-scoped',
  scoped,
  [
    { title: 'App', sort: 'text', cell: (x) => x.s.app },
    { title: 'Org', sort: 'text', cell: (x) => x.org },
    { title: 'Why', cell: (x) => html`<ul class="tight">${x.s.messages.map((m) => html`<li>${m}</li>`)}</ul>` },
  ],
  { empty: 'No app requests more than the rules allow.' }
)}
</section>`;
}

function packsSection(data: ReportData): Markup {
  if (data.options.packs.length === 0) return html``;
  const orgs = ok(data);
  return html`<section id="packs"><h2>Compliance packs</h2>
${data.options.packs.map((id) => {
  const rows = orgs.flatMap((o) => o.packs.filter((p) => p.id === id).flatMap((p) => p.controls.map((c) => ({ org: o.org.alias, p, c }))));
  const first = orgs.flatMap((o) => o.packs).find((p) => p.id === id);
  return html`<h3>${first?.title ?? id}</h3>
${first ? html`<p class="muted">Source: <a href="${first.source.url}">${first.source.title}</a>. ${orgs.map((o) => {
      const p = o.packs.find((x) => x.id === id);
      return p ? html`<span data-pack-total="${id}:${o.org.alias}">${o.org.alias}: ${p.passed} pass, ${p.failed} fail, ${p.notAssessed} not assessed. </span>` : '';
    })}</p>` : ''}
${table(
  `pack-${id}`,
  rows,
  [
    { title: 'Control', sort: 'text', cell: (x) => html`<a href="${x.c.source.url}">${x.c.title}</a>` },
    { title: 'Org', sort: 'text', cell: (x) => x.org },
    { title: 'Status', sort: 'text', cell: (x) => html`<span class="status ${x.c.status}">${x.c.status}</span>` },
    {
      title: 'Evidence',
      cell: (x) =>
        html`${x.c.evidence.length ? html`<ul class="tight">${x.c.evidence.map((e) => html`<li>${sev(e.severity)} ${e.target}: ${e.message}${e.waived ? ` (waived: ${e.waived.reason}, until ${e.waived.expires})` : ''}</li>`)}</ul>` : ''}${x.c.note ? html`<div class="muted">${x.c.note}</div>` : ''}${x.c.ruleIds.length ? html`<div class="muted">Rules: ${x.c.ruleIds.join(', ')}</div>` : ''}`,
    },
  ],
  { empty: 'No controls.', attrs: (x) => ({ org: x.org, status: x.c.status }), filters: [{ column: 'status', label: 'Status', options: ['pass', 'fail', 'not-assessed'] }] }
)}`;
})}
</section>`;
}

function changes(title: string, list: readonly BaselineChange[]): Markup {
  return html`<h3>${title} (${list.length})</h3>${
    list.length ? html`<ul class="tight">${list.map((c) => html`<li>${c.org}: ${c.what}${c.severity ? html` ${sev(c.severity)}` : ''}</li>`)}</ul>` : html`<p class="muted">None.</p>`
  }`;
}

function baselineSection(data: ReportData): Markup {
  const b = data.baseline;
  if (!b) return html``;
  return html`<section id="baseline"><h2>Since the report of ${day(b.baselineGeneratedAt)}</h2>
${b.note ? html`<p class="unconfirmed">${b.note}</p>` : ''}
<p>Then: ${b.before.readiness.total - b.before.readiness.converted} Connected Apps to move, ${b.before.willBreak.total} apps or integrations that would break, ${b.before.findings.total} findings.
Now: ${data.totals.readiness.total - data.totals.readiness.converted}, ${data.totals.willBreak.total}, ${data.totals.findings.total}.</p>
${changes('Converted', b.converted)}
${changes('Findings fixed', b.findingsFixed)}
${changes('New findings', b.newFindings)}
${changes('New risks (will break)', b.newWillBreak)}
${changes('No longer at risk', b.resolvedWillBreak)}
${b.orgsAdded.length ? html`<p>Orgs added: ${b.orgsAdded.join(', ')}</p>` : ''}${b.orgsRemoved.length ? html`<p>Orgs no longer in the report: ${b.orgsRemoved.join(', ')}</p>` : ''}
</section>`;
}

function orgSection(o: OrgReport): Markup {
  if (o.status === 'error') {
    return html`<section class="org" data-org="${o.org.alias}" data-status="error"><h3>${o.org.alias}</h3>
<div class="error-box"><p><strong>This org could not be read:</strong> ${o.error.message} <span class="muted">(${o.error.name})</span></p>
${o.error.actions?.length ? html`<ul class="tight">${o.error.actions.map((a) => html`<li>${a}</li>`)}</ul>` : ''}</div></section>`;
  }
  return html`<section class="org" data-org="${o.org.alias}" data-status="ok"><h3>${o.org.alias}</h3>
<p>${o.org.username ? html`${o.org.username} · ` : ''}${o.org.orgId ? html`${o.org.orgId} · ` : ''}${o.org.isSandbox ? 'sandbox · ' : ''}read ${o.readAt}${o.apiVersion ? ` with API ${o.apiVersion}` : ''}${
    o.requests === undefined ? '' : `, ${plural(o.requests, 'request')}`
  }.
${o.inventory.ecas} External Client Apps, ${o.inventory.connectedApps} Connected Apps (${o.inventory.installed} installed from packages).</p>
${o.notes?.length ? html`<ul class="tight notes" data-org-notes="${o.org.alias}">${o.notes.map((n) => html`<li class="unconfirmed">${n}</li>`)}</ul>` : ''}</section>`;
}

function sourcesSection(data: ReportData): Markup {
  const seen = new Map<string, string>();
  for (const d of data.deadlines) for (const s of d.sources) seen.set(s.url, s.title);
  for (const s of LOGIN_VALUES.sources) seen.set(s.url, s.title);
  for (const o of ok(data)) for (const p of o.packs) seen.set(p.source.url, p.source.title);
  return html`<section id="sources"><h2>Sources</h2>
<p class="muted">Login methods are read from LoginHistory: SOAP login() is an API login type (${LOGIN_VALUES.apiLoginTypes.join(', ')}) or a SOAP API type;
the OAuth username-password flow is the login subtype ${LOGIN_VALUES.usernamePasswordSubTypes.join(' / ')}. The exact LoginHistory values are <span class="unconfirmed">partly unconfirmed</span>.</p>
<ul class="tight">${[...seen].map(([url, title]) => html`<li><a href="${url}">${title}</a></li>`)}</ul>
</section>`;
}

export type HtmlOptions = {
  /** charts already drawn; drawn here when absent */
  readonly charts?: readonly Chart[];
};

export async function renderHtml(data: ReportData, options: HtmlOptions = {}): Promise<string> {
  const charts = options.charts ?? (await renderCharts(data));
  const names = data.orgs.map((o) => o.org.alias);
  const title = `External Client App migration report: ${someNames(names, 3)}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(SCRIPT)}">
<meta name="generator" content="${data.tool.name} ${data.tool.version}">
<title>${title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<header class="top"><h1>External Client App migration report</h1>
<p>${names.join(', ')} · generated ${data.generatedAt.replace('T', ' ').slice(0, 16)} UTC · usage over the last ${data.options.windowDays} days${data.options.maskUsers ? ' · user names masked' : ''}</p></header>
<main>
${summary(data, charts)}
${deadlines(data)}
${willBreakSection(data)}
${readinessSection(data)}
${findingsSection(data)}
${inventorySection(data)}
${hygieneSection(data)}
${packsSection(data)}
${baselineSection(data)}
<section id="orgs"><h2>Orgs</h2>${data.orgs.map(orgSection)}</section>
${sourcesSection(data)}
<footer class="muted">Generated by ${data.tool.name} ${data.tool.version}${data.tool.command ? html` (<code>${data.tool.command}</code>)` : ''}. The report holds no secrets or tokens.</footer>
</main>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}

/** For tests: the escaping the page uses. */
export { escapeHtml };
