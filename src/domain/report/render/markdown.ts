/**
 * `--format md`: the same report as Markdown (GitHub-flavoured tables), for a ticket or a wiki.
 * Text from client orgs is escaped: Markdown punctuation is backslash-escaped and HTML is written
 * as entities, so a name cannot open a link, an image or a tag; commands go in code spans fenced
 * with more backticks than they hold.
 */
import { SEVERITY_ORDER } from '../findings.js';
import type { OrgReportOk, ReportData, WillBreakEntry } from '../model.js';

/** Escapes text for a Markdown table cell or paragraph. */
export function mdText(text: string | number | undefined): string {
  if (text === undefined) return '';
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]{}()#+!|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A code span that holds any text: the fence is longer than the longest run of backticks in it. */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')}${pad}${fence}`;
}

function row(cells: ReadonlyArray<string | number | undefined>): string {
  return `| ${cells.map((c) => (typeof c === 'number' ? String(c) : c ?? '')).join(' | ')} |`;
}

function tableMd(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>, empty: string): string[] {
  if (rows.length === 0) return [`_${mdText(empty)}_`, ''];
  return [row(headers.map(mdText)), row(headers.map(() => '---')), ...rows.map(row), ''];
}

function ok(data: ReportData): OrgReportOk[] {
  return data.orgs.filter((o): o is OrgReportOk => o.status === 'ok');
}

function subject(e: WillBreakEntry): string {
  const s = e.subject;
  return s.type === 'app' ? `${s.label ?? s.name}${s.kind === 'connectedApp' ? ' (Connected App)' : ''}` : `${s.application}: ${s.user}`;
}

export function renderMarkdown(data: ReportData): string {
  const t = data.totals;
  const out: string[] = [];
  const orgs = ok(data);
  const toMove = t.readiness.total - t.readiness.converted;
  out.push('# External Client App migration report', '');
  out.push(
    `${mdText(data.orgs.map((o) => o.org.alias).join(', '))} · generated ${mdText(data.generatedAt)} · usage over the last ${data.options.windowDays} days${
      data.options.maskUsers ? ' · user names masked' : ''
    }`,
    ''
  );

  out.push('## Summary', '');
  out.push(`- **${t.readiness.eligible}** of ${toMove} Connected Apps can be converted now; ${t.readiness.attention} more need a look; ${t.readiness.notConvertible} cannot be converted as they are.`);
  const when = new Map(data.deadlines.map((d) => [d.id, d]));
  out.push(
    `- **${t.willBreak.total}** apps or integrations in use will break${
      t.willBreak.byDeadline.length
        ? `: ${t.willBreak.byDeadline.map((b) => `${b.count} at ${mdText(when.get(b.deadline)?.title ?? b.deadline)} (${mdText(when.get(b.deadline)?.when ?? '')}, ${b.logins} logins)`).join('; ')}`
        : ''
    }.`
  );
  out.push(`- Findings: ${SEVERITY_ORDER.map((s) => `${t.findings[s]} ${s}`).join(', ')}${t.findings.waived ? ` (${t.findings.waived} waived)` : ''}.`);
  out.push(`- Orgs read: ${t.orgs.read} of ${t.orgs.total}.`, '');
  for (const o of data.orgs) {
    if (o.status === 'error') out.push(`> **${mdText(o.org.alias)} could not be read:** ${mdText(o.error.message)} (${mdText(o.error.name)})`, '');
    else if (o.notes?.length) out.push(`> **${mdText(o.org.alias)} was read in part:** ${mdText(o.notes.join(' '))}`, '');
  }

  out.push('## Deadlines', '');
  out.push(
    ...tableMd(
      ['Deadline', 'When', 'Status', 'What happens', 'Sources'],
      data.deadlines.map((d) => [
        `${mdText(d.title)}${d.confirmed ? '' : ' (partly UNCONFIRMED)'}`,
        mdText(d.when),
        d.status,
        mdText(d.effect),
        d.sources.map((s) => `<${s.url}>`).join(' '),
      ]),
      'No deadlines.'
    )
  );

  out.push('## Will break', '');
  const breaks = orgs.flatMap((o) => o.willBreak.map((e) => ({ org: o.org.alias, e })));
  out.push(
    ...tableMd(
      ['App or integration', 'Org', 'Deadline', 'Logins', 'Users', 'OAuth tokens', 'Why', 'What to do'],
      breaks.map(({ org, e }) => [
        mdText(subject(e)),
        mdText(org),
        `${mdText(e.deadlineTitle)} (${mdText(e.when)})`,
        e.usage.logins,
        e.usage.users,
        e.usage.tokens,
        mdText(e.why),
        `${mdText(e.remedy.summary)} ${mdCode(e.remedy.command)}`,
      ]),
      'Nothing in use will break at an announced deadline.'
    )
  );

  out.push('## Conversion readiness', '');
  for (const o of orgs) {
    if (o.readiness.command) out.push(`- ${mdText(o.org.alias)}, convert now: ${mdCode(o.readiness.command)}`);
    if (o.readiness.attentionCommand) out.push(`- ${mdText(o.org.alias)}, after a look: ${mdCode(o.readiness.attentionCommand)}`);
  }
  out.push('');
  out.push(
    ...tableMd(
      ['Connected App', 'Org', 'Readiness', 'Why'],
      orgs.flatMap((o) => o.readiness.apps.map((a) => [mdText(a.label ?? a.name), mdText(o.org.alias), a.category, mdText(a.reasons.map((r) => r.message).join(' '))])),
      'No Connected Apps.'
    )
  );

  out.push('## Policy findings', '');
  out.push(
    ...tableMd(
      ['Severity', 'App', 'Org', 'Rule', 'Finding'],
      orgs.flatMap((o) => o.findings.items.map((f) => [f.severity, mdText(f.target), mdText(o.org.alias), f.ruleId, mdText(f.message)])),
      'No findings.'
    )
  );

  out.push('## Integration hygiene', '');
  out.push(
    ...tableMd(
      ['Run-as user', 'Org', 'Apps'],
      orgs.flatMap((o) => o.hygiene.sharedRunAsUsers.map((s) => [mdText(s.user), mdText(o.org.alias), mdText(s.apps.join(', '))])),
      'No run-as user is shared.'
    )
  );
  out.push(
    ...tableMd(
      ['Over-scoped app', 'Org', 'Why'],
      orgs.flatMap((o) => o.hygiene.overScoped.map((s) => [mdText(s.app), mdText(o.org.alias), mdText(s.messages.join(' '))])),
      'No over-scoped app.'
    )
  );
  for (const o of orgs) if (!o.hygiene.secrets.assessed) out.push(`- ${mdText(o.org.alias)}: ${mdText(o.hygiene.secrets.note ?? 'secret age not checked')}`);
  out.push('');

  if (data.options.packs.length) {
    out.push('## Compliance packs', '');
    for (const o of orgs) {
      for (const p of o.packs) {
        out.push(`### ${mdText(p.title)}: ${mdText(o.org.alias)}`, '', `${p.passed} pass, ${p.failed} fail, ${p.notAssessed} not assessed. Source: <${p.source.url}>`, '');
        out.push(
          ...tableMd(
            ['Control', 'Status', 'Evidence'],
            p.controls.map((c) => [mdText(c.title), c.status, mdText([...c.evidence.map((e) => `${e.target}: ${e.message}`), c.note ?? ''].filter(Boolean).join(' · '))]),
            'No controls.'
          )
        );
      }
    }
  }

  if (data.baseline) {
    const b = data.baseline;
    out.push(`## Since ${mdText(b.baselineGeneratedAt.slice(0, 10))}`, '');
    if (b.note) out.push(`> ${mdText(b.note)}`, '');
    const list = (title: string, items: typeof b.converted): void => {
      out.push(`**${title}** (${items.length})`, '', ...(items.length ? items.map((c) => `- ${mdText(c.org)}: ${mdText(c.what)}`) : ['- none']), '');
    };
    list('Converted', b.converted);
    list('Findings fixed', b.findingsFixed);
    list('New findings', b.newFindings);
    list('New risks', b.newWillBreak);
    list('No longer at risk', b.resolvedWillBreak);
  }

  out.push('## Orgs', '');
  for (const o of data.orgs) {
    out.push(
      o.status === 'ok'
        ? `- ${mdText(o.org.alias)}: read ${mdText(o.readAt)}${o.requests === undefined ? '' : ` in ${o.requests} requests`}; ${o.inventory.ecas} ECAs, ${o.inventory.connectedApps} Connected Apps.`
        : `- ${mdText(o.org.alias)}: **could not be read**: ${mdText(o.error.message)}${o.error.actions?.length ? ` (${mdText(o.error.actions.join(' '))})` : ''}`
    );
  }
  out.push('', `_Generated by ${mdText(data.tool.name)} ${mdText(data.tool.version)}. The report holds no secrets or tokens._`, '');
  return out.join('\n');
}

/** report.json: the data itself. */
export function renderJson(data: ReportData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
