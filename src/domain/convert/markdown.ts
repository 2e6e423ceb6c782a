/**
 * The conversion report as Markdown, ready to attach to a change ticket: a summary, then per app
 * every field with its outcome, the values filled as Salesforce fills them, the notices and the
 * problems. Pure: the command writes it.
 */
export type ReportApp = {
  name: string;
  source: string;
  status: 'clean' | 'attention' | 'failed' | 'skipped';
  reason?: string;
  files: string[];
  report: Array<{ source: string; outcome: string; target?: string; from?: string; to?: string; reason?: string }>;
  filled: Array<{ target: string; value: string; reason: string }>;
  notices: Array<{ severity: string; message: string }>;
  problems: Array<{ message: string; fix: string; file?: string; line?: number }>;
  sourceApiVersion?: { version: string; from: string };
};

const STATUS: Readonly<Record<ReportApp['status'], string>> = {
  clean: 'converted',
  attention: 'converted, needs attention',
  failed: 'not converted',
  skipped: 'skipped',
};

function cell(v: string | undefined): string {
  return (v ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function renderMarkdownReport(apps: readonly ReportApp[], meta: { generatedAt: string; apiVersion: string; command: string }): string {
  const out: string[] = [];
  const count = (s: ReportApp['status']): number => apps.filter((a) => a.status === s).length;
  out.push('# Connected Apps to External Client Apps: conversion report', '');
  out.push(`Generated ${meta.generatedAt} by \`${meta.command}\` for Metadata API ${meta.apiVersion}.`, '');
  out.push(`| apps | converted | needs attention | not converted | skipped |`, '|---|---|---|---|---|');
  out.push(`| ${apps.length} | ${count('clean')} | ${count('attention')} | ${count('failed')} | ${count('skipped')} |`, '');
  out.push('| Connected App | source | result |', '|---|---|---|');
  for (const a of apps) out.push(`| ${cell(a.name)} | ${cell(a.source)} | ${STATUS[a.status]}${a.reason ? `: ${cell(a.reason)}` : ''} |`);
  for (const a of apps) {
    out.push('', `## ${a.name}: ${STATUS[a.status]}`, '');
    out.push(`Source: ${a.source}${a.sourceApiVersion ? `, read at API ${a.sourceApiVersion.version} (${a.sourceApiVersion.from})` : ', API version it was read at unknown'}`);
    if (a.reason) out.push('', a.reason);
    if (a.problems.length) {
      out.push('', '### Problems', '');
      for (const p of a.problems) out.push(`- ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message} ${p.fix}`);
    }
    const attention = a.report.filter((r) => r.outcome === 'attention');
    if (attention.length || a.notices.length) {
      out.push('', '### Needs attention', '');
      for (const r of attention) out.push(`- **${r.source}**${r.from !== undefined ? ` (${cell(r.from)})` : ''}: ${r.reason ?? ''}`);
      for (const n of a.notices) out.push(`- ${n.severity === 'attention' ? '**' : ''}${n.message}${n.severity === 'attention' ? '**' : ''}`);
    }
    if (a.report.length) {
      out.push('', '### Every field', '', '| Connected App field | outcome | ECA field | from | to | why |', '|---|---|---|---|---|---|');
      for (const r of a.report) out.push(`| ${cell(r.source)} | ${r.outcome} | ${cell(r.target)} | ${cell(r.from)} | ${cell(r.to)} | ${cell(r.reason)} |`);
    }
    if (a.filled.length) {
      out.push('', '### Filled as Salesforce fills them', '', '| ECA field | value | why |', '|---|---|---|');
      for (const f of a.filled) out.push(`| ${cell(f.target)} | ${cell(f.value)} | ${cell(f.reason)} |`);
    }
    if (a.files.length) {
      out.push('', '### Files', '');
      for (const f of a.files) out.push(`- ${f}`);
    }
  }
  return `${out.join('\n')}\n`;
}
