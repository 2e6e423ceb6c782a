/**
 * The Markdown report of `sf eca migrate`, for a change ticket or a client: one section per
 * target with what happened there, its errors and warnings apart, and every field changed. It is
 * written before the first target (so a run that stops early still leaves one), again after each
 * target, and at the end; `state` says which. Pure: the operation writes it.
 */

export type ReportProblem = { readonly app: string; readonly severity: string; readonly message: string };

export type ReportField = { readonly component: string; readonly field: string; readonly from?: string; readonly to?: string; readonly reason?: string };

export type ReportTarget = {
  readonly org: string;
  readonly orgId: string;
  readonly status: string;
  readonly readBack?: string;
  readonly message?: string;
  readonly actions?: readonly string[];
  readonly deployId?: string;
  readonly validationId?: string;
  readonly outputDir?: string;
  readonly apps: ReadonlyArray<{ readonly name: string; readonly status: string; readonly changes: readonly ReportField[]; readonly diff: readonly ReportField[] }>;
  readonly missing: ReadonlyArray<{ readonly message: string; readonly fix: string }>;
  readonly problems: readonly ReportProblem[];
};

export type ReportInput = {
  readonly source: { readonly org: string; readonly orgId: string };
  readonly dryRun: boolean;
  readonly apps: readonly string[];
  readonly targets: readonly ReportTarget[];
};

/**
 * Where the run stands: `running` (targets still to go: written after each target, so a run
 * that dies leaves the targets done), `complete`, `interrupted` (Ctrl-C, SIGTERM), or
 * `not-started` with the error that stopped it before any target.
 */
export type ReportState = { readonly kind: 'running'; readonly pending: readonly string[] } | { readonly kind: 'complete' } | { readonly kind: 'interrupted' } | { readonly kind: 'not-started'; readonly error: string };

const STATUS_WORDS: Readonly<Record<string, string>> = {
  deployed: 'deployed',
  validated: 'validated (dry run), nothing deployed',
  unchanged: 'already up to date, nothing deployed',
  written: 'source written, nothing deployed',
  failed: 'FAILED',
  'in-progress': 'deploy still in progress',
  interrupted: 'INTERRUPTED',
  'not-started': 'not attempted',
};

function cell(v: string | undefined): string {
  return (v ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function statusOf(t: ReportTarget): string {
  const words = STATUS_WORDS[t.status] ?? t.status;
  if (t.status === 'deployed' && t.readBack === 'failed') return `${words}, NOT VERIFIED (the read-back failed)`;
  return words;
}

function stateLine(state: ReportState, r: ReportInput): string {
  switch (state.kind) {
    case 'running':
      return `**In progress:** ${r.targets.length} of ${r.targets.length + state.pending.length} targets done; not yet: ${state.pending.join(', ')}. If this line is still here, the run stopped before it ended: the targets below are all it did.`;
    case 'interrupted':
      return '**Interrupted:** the run was stopped; the targets below say what was done before it stopped.';
    case 'not-started':
      return `**Not started:** ${state.error} No target was changed.`;
    default:
      return '**Complete.**';
  }
}

/** The report as Markdown. */
export function renderMigrationReport(r: ReportInput, state: ReportState, generatedAt: string): string {
  const out = [
    '# External Client App migration report',
    '',
    `Source: ${r.source.org}${r.source.orgId ? ` (${r.source.orgId})` : ''}${r.dryRun ? ', dry run (validated only)' : ''}. Apps: ${r.apps.join(', ') || '(none selected yet)'}. Generated ${generatedAt}.`,
    '',
    stateLine(state, r),
  ];
  if (r.targets.length) {
    out.push('', '| target | result | apps | message |', '|---|---|---|---|');
    out.push(...r.targets.map((t) => `| ${cell(t.org)} | ${cell(statusOf(t))} | ${cell(t.apps.map((a) => `${a.name} (${a.status})`).join(', '))} | ${cell(t.message)} |`));
  }
  for (const t of r.targets) {
    out.push('', `## ${t.org}: ${statusOf(t)}`);
    const ids = [t.validationId ? `validation ${t.validationId}` : undefined, t.deployId ? `deploy ${t.deployId}` : undefined, t.outputDir ? `written to ${t.outputDir}` : undefined].filter(Boolean);
    if (ids.length) out.push('', ids.join(', '));
    const errors = [
      ...(t.status === 'failed' || t.status === 'interrupted' ? [t.message ?? 'failed'] : []),
      ...t.missing.map((m) => `${m.message} ${m.fix}`),
      ...t.problems.filter((p) => p.severity === 'error').map((p) => `${p.app}: ${p.message}`),
    ];
    if (errors.length) out.push('', '### Errors', '', ...errors.map((e) => `- ${e}`));
    const warnings = t.problems.filter((p) => p.severity !== 'error').map((p) => `${p.app}: ${p.message}`);
    if (warnings.length) out.push('', '### Warnings', '', ...warnings.map((w) => `- ${w}`));
    if (t.actions?.length) out.push('', '### What to do', '', ...t.actions.map((a) => `- ${a}`));
    for (const a of t.apps) {
      out.push('', `### ${a.name} (${a.status})`, '', '| component | field | from | to | why |', '|---|---|---|---|---|');
      for (const c of a.changes) out.push(`| ${cell(c.component)} | ${cell(c.field)} | ${cell(c.from)} | ${cell(c.to)} | ${cell(c.reason)} |`);
      for (const d of a.diff) out.push(`| ${cell(d.component)} | ${cell(d.field)} | ${cell(d.from)} | ${cell(d.to)} | changes in the target |`);
    }
  }
  return `${out.join('\n')}\n`;
}
