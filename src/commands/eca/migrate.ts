import { dirname, join, relative, resolve } from 'node:path';
import { Messages, type Org } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.migrate');

export type MigratedField = { component: string; field: string; from?: string; to?: string; reason?: string };

export type MigratedApp = {
  name: string;
  /** what the target had: new (absent), changed, unchanged (skipped) */
  status: 'new' | 'changed' | 'unchanged';
  /** what the transform changed for this target (org ids stripped, names remapped); secrets never appear */
  changes: MigratedField[];
  /** the fields a deploy changes in the target */
  diff: MigratedField[];
};

export type TargetOutcome = {
  org: string;
  orgId: string;
  status: 'deployed' | 'validated' | 'unchanged' | 'written' | 'failed' | 'in-progress';
  message?: string;
  validationId?: string;
  deployId?: string;
  outputDir?: string;
  apps: MigratedApp[];
  missing: Array<{ kind: string; name: string; neededBy: string[]; message: string; fix: string }>;
  problems: Array<{ app: string; severity: string; message: string }>;
};

export type MigrateResult = {
  source: { org: string; orgId: string };
  dryRun: boolean;
  apps: string[];
  skipped: Array<{ name: string; reason: string }>;
  targets: TargetOutcome[];
  reportFile?: string;
};

/** Exit codes (documented in the help), as `sf project deploy start` uses them. */
export const MIGRATE_EXIT_CODES = { succeeded: 0, failed: 1, partial: 68, inProgress: 69 } as const;

const STAGES = ['Retrieving', 'Transforming', 'Checking targets', 'Validating', 'Deploying', 'Verifying'] as const;

type Domain = typeof import('../../domain/migrate/index.js');
type Eca = import('../../domain/model.js').Eca;
type OrgAccess = import('../../org/orgAccess.js').OrgAccess;

export default class Migrate extends SfCommand<MigrateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Succeeded (0)', description: 'Every target was deployed, validated (--dry-run), written (--output-dir) or already up to date.' },
      { name: 'Failed (1)', description: 'Every target failed, or the command could not run; nothing was deployed to a failed target.' },
      { name: 'PartialSuccess (68)', description: 'Some targets succeeded and others failed; see the report per target.' },
      { name: 'InProgress (69)', description: 'A deploy had not finished when --wait ran out; it goes on in that org.' },
    ],
  };

  public static readonly flags = {
    'source-org': Flags.string({ char: 's', summary: messages.getMessage('flags.source-org.summary'), required: true }),
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary'), required: true, multiple: true }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true, exclusive: ['all'] }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary') }),
    mapping: Flags.file({ char: 'm', summary: messages.getMessage('flags.mapping.summary'), exists: true }),
    'keep-consumer-key': Flags.boolean({ summary: messages.getMessage('flags.keep-consumer-key.summary'), default: false }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    'fail-fast': Flags.boolean({ summary: messages.getMessage('flags.fail-fast.summary'), default: false }),
    'report-file': Flags.file({ summary: messages.getMessage('flags.report-file.summary') }),
    wait: Flags.duration({ char: 'w', unit: 'minutes', summary: messages.getMessage('flags.wait.summary'), defaultValue: 10, min: 1 }),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<MigrateResult> {
    const { flags } = await this.parse(Migrate);
    if (!flags.all && !flags.name?.length) throw messages.createError('error.NoApps');
    const [domain, { Org: OrgClass }, schema, { OrgAccess }, { readOrgApps }, { MultiStageOutput }] = await Promise.all([
      import('../../domain/migrate/index.js'),
      import('@salesforce/core'),
      import('../../domain/schema/index.js'),
      import('../../org/orgAccess.js'),
      import('../../org/apps.js'),
      import('@oclif/multi-stage-output'),
    ]);

    const open = async (name: string): Promise<Org> => {
      try {
        return await OrgClass.create({ aliasOrUsername: name });
      } catch (e) {
        throw messages.createError('error.OrgUnavailable', [name, e instanceof Error ? e.message : String(e)], [name]);
      }
    };
    const source = await open(flags['source-org']);
    const targets = await Promise.all(flags['target-org'].map(async (name) => ({ name, org: await open(name) })));
    const same = targets.filter((t) => t.org.getOrgId() === source.getOrgId());
    if (same.length) throw messages.createError('error.SameOrg', [same.map((t) => t.name).join(', '), flags['source-org']]);

    const mapping = await this.readMapping(flags.mapping, domain);
    const accessFor = (org: Org): { access: OrgAccess; version: number } => {
      const conn = org.getConnection(flags['api-version']);
      const version = Math.min(Number.parseFloat(conn.getApiVersion()), schema.LATEST_KNOWN_API_VERSION);
      return { access: new OrgAccess(conn, schema.formatApiVersion(version)), version };
    };

    const mso = new MultiStageOutput<{ target?: string; status?: string }>({
      stages: [...STAGES],
      title: messages.getMessage(flags['dry-run'] ? 'stages.titleDryRun' : 'stages.title', [flags['source-org'], flags['target-org'].join(', ')]),
      jsonEnabled: this.jsonEnabled(),
      postStagesBlock: [
        { label: 'Target', get: (d): string | undefined => d?.target, type: 'dynamic-key-value' },
        { label: 'Status', get: (d): string | undefined => d?.status, type: 'dynamic-key-value' },
      ],
    });

    try {
      // one retrieve reads every component of the source's apps
      mso.goto('Retrieving');
      const src = accessFor(source);
      const sourceApps = await readOrgApps(src.access, src.version, { connectedApps: false });
      const origins = new Map(sourceApps.ecas.map((e) => [e.name, { namespacePrefix: e.namespacePrefix, manageableState: e.manageableState }]));
      const selection = domain.selectApps(sourceApps.ecas, { names: flags.name, all: flags.all }, origins);
      if (selection.unknown.length || selection.refused.length) {
        throw messages.createError('error.AppsNotMigratable', [
          flags['source-org'],
          [...domain.describeUnknownApps(selection.unknown), ...selection.refused.map((r) => `${r.name}: ${r.reason}`)].join('\n  '),
        ]);
      }
      if (selection.selected.length === 0) throw messages.createError('error.NothingSelected', [flags['source-org']]);

      const outcomes: TargetOutcome[] = [];
      for (const t of targets) {
        mso.updateData({ target: t.name, status: 'transforming' });
        const outcome = await this.migrateTo(t, selection.selected, mapping, flags, domain, accessFor, mso);
        outcomes.push(outcome);
        mso.updateData({ target: t.name, status: outcome.status });
        if (flags['fail-fast'] && outcome.status === 'failed') break;
      }
      mso.stop(outcomes.some((o) => o.status === 'failed') ? 'failed' : 'completed');

      const result: MigrateResult = {
        source: { org: flags['source-org'], orgId: source.getOrgId() },
        dryRun: flags['dry-run'],
        apps: selection.selected.map((e) => e.name),
        skipped: selection.skipped.map((s) => ({ name: s.name, reason: s.reason })),
        targets: domain.redactSecrets(outcomes),
      };
      if (flags['report-file']) {
        const { writeFilesAtomically } = await import('../../shared/files.js');
        result.reportFile = resolve(flags['report-file']);
        await writeFilesAtomically([{ path: result.reportFile, content: markdownReport(result) }]);
      }
      const failed = outcomes.filter((o) => o.status === 'failed').length;
      process.exitCode = outcomes.some((o) => o.status === 'in-progress')
        ? MIGRATE_EXIT_CODES.inProgress
        : failed === 0
          ? MIGRATE_EXIT_CODES.succeeded
          : failed === outcomes.length
            ? MIGRATE_EXIT_CODES.failed
            : MIGRATE_EXIT_CODES.partial;
      this.render(result);
      return result;
    } catch (e) {
      mso.error();
      throw e;
    }
  }

  private async readMapping(file: string | undefined, domain: Domain): Promise<{ mapping?: import('../../domain/migrate/mapping.js').MigrationMapping; dir: string }> {
    if (!file) return { dir: process.cwd() };
    const [{ readFile }, YAML] = await Promise.all([import('node:fs/promises'), import('yaml')]);
    const text = await readFile(file, 'utf8');
    let parsed: unknown;
    try {
      parsed = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
    } catch (e) {
      throw messages.createError('error.MappingUnreadable', [file, e instanceof Error ? e.message : String(e)]);
    }
    const { validateMappingFile } = await import('../../shared/jsonSchema.js');
    const v = await validateMappingFile(parsed, text);
    if (!v.ok) throw messages.createError('error.MappingInvalid', [file, v.errors.map((e) => `  ${domain.formatMappingError(e)}`).join('\n')]);
    return { mapping: v.mapping, dir: dirname(resolve(file)) };
  }

  // eslint-disable-next-line complexity
  private async migrateTo(
    t: { name: string; org: Org },
    apps: readonly Eca[],
    mapping: { mapping?: import('../../domain/migrate/mapping.js').MigrationMapping; dir: string },
    flags: { 'keep-consumer-key': boolean; 'dry-run': boolean; 'output-dir'?: string; wait: { seconds: number; minutes: number } },
    domain: Domain,
    accessFor: (org: Org) => { access: OrgAccess; version: number },
    mso: import('@oclif/multi-stage-output').MultiStageOutput<{ target?: string; status?: string }>
  ): Promise<TargetOutcome> {
    const [{ readOrgApps }, { validateEca }, { ecaComponents }, { DeployTimeoutError }, { readFile }, str] = await Promise.all([
      import('../../org/apps.js'),
      import('../../domain/validate.js'),
      import('../../domain/model.js'),
      import('../../org/orgAccess.js'),
      import('node:fs/promises'),
      Promise.resolve((v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v))),
    ]);
    const outcome: TargetOutcome = { org: t.name, orgId: t.org.getOrgId(), status: 'failed', apps: [], missing: [], problems: [] };
    const fail = (message: string): TargetOutcome => ({ ...outcome, status: 'failed', message });

    // transform for this target
    mso.goto('Transforming');
    let resolved;
    try {
      resolved = domain.resolveMapping(mapping.mapping, { username: t.org.getUsername() ?? t.name, aliases: [t.name] });
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    const certificates = new Map<string, string>();
    for (const path of domain.certificateFiles(resolved, apps.map((a) => a.name))) {
      try {
        certificates.set(path, await readFile(resolve(mapping.dir, path), 'utf8'));
      } catch {
        // transformForTarget reports a certificate it did not get
      }
    }
    const transformed: Array<{ eca: Eca; changes: MigratedField[] }> = [];
    for (const eca of apps) {
      const r = domain.transformForTarget(eca, { name: t.name, certificates }, resolved, { keepConsumerKey: flags['keep-consumer-key'] });
      outcome.problems.push(...r.problems.map((p) => ({ app: p.app, severity: p.severity, message: p.message })));
      transformed.push({ eca: r.eca, changes: r.changes.map((c) => ({ component: c.component, field: c.field, from: str(c.from), to: str(c.to), reason: c.reason })) });
    }
    if (outcome.problems.some((p) => p.severity === 'error')) return fail(messages.getMessage('target.transformFailed'));

    // check the target: every referenced user, profile and permission set, all at once
    mso.goto('Checking targets');
    const { access, version } = accessFor(t.org);
    const refs = domain.mergeReferences(transformed.map((x) => domain.referencesOf(x.eca)));
    const { readOrgNames } = await import('../../org/references.js');
    const [orgNames, current] = await Promise.all([readOrgNames(access, refs), readOrgApps(access, version, { connectedApps: false })]);
    const missing = domain.missingReferences(refs, orgNames, t.name);
    outcome.missing = missing.map((m) => ({ kind: m.kind, name: m.name, neededBy: m.neededBy.map((n) => `${n.app} (${n.component}.${n.field})`), message: m.message, fix: m.fix }));
    if (missing.length) return fail(messages.getMessage('target.missing', [String(missing.length)]));

    // what changes: apps already up to date are skipped, satellites keep the target's names
    const toDeploy: Eca[] = [];
    for (const x of transformed) {
      const existing = current.ecas.find((e) => e.name === x.eca.name);
      const aligned = domain.alignSatelliteNames(x.eca, existing).eca;
      const diff = domain.diffEca(existing, aligned);
      outcome.apps.push({
        name: x.eca.name,
        status: diff.status,
        changes: x.changes,
        diff: diff.fields.map((f) => ({ component: f.component, field: f.field, from: str(f.from), to: str(f.to) })),
      });
      if (diff.status !== 'unchanged') toDeploy.push(aligned);
    }

    if (flags['output-dir']) {
      const { planSourceFiles, writeSourceFiles } = await import('../../shared/appSource.js');
      const dir = join(resolve(flags['output-dir']), t.name);
      const files = (await Promise.all(transformed.map((x) => planSourceFiles(x.eca, dir)))).flat();
      await writeSourceFiles(files, true);
      return { ...outcome, status: 'written', outputDir: relative(process.cwd(), dir) || dir };
    }
    if (toDeploy.length === 0) return { ...outcome, status: 'unchanged' };

    const problems = toDeploy.flatMap((e) => validateEca(e, version));
    if (problems.length) {
      outcome.problems.push(...problems.map((p) => ({ app: p.component, severity: 'error', message: `${p.message} ${p.fix}` })));
      return fail(messages.getMessage('target.invalid'));
    }
    const components = toDeploy.flatMap((e) => ecaComponents(e));
    try {
      mso.goto('Validating');
      const check = await access.deploy(components, { checkOnly: true, timeoutSeconds: flags.wait.seconds });
      outcome.validationId = check.id;
      if (!check.success) {
        outcome.problems.push(...check.failures.map((f) => ({ app: `${f.type}:${f.fullName}`, severity: 'error', message: explainFailure(f.problem) })));
        return fail(messages.getMessage('target.validationFailed'));
      }
      if (flags['dry-run']) return { ...outcome, status: 'validated' };
      mso.goto('Deploying');
      const done = await access.deploy(components, { checkOnly: false, timeoutSeconds: flags.wait.seconds });
      outcome.deployId = done.id;
      if (!done.success) {
        outcome.problems.push(...done.failures.map((f) => ({ app: `${f.type}:${f.fullName}`, severity: 'error', message: explainFailure(f.problem) })));
        return fail(messages.getMessage('target.rolledBack', [done.id]));
      }
    } catch (e) {
      if (e instanceof DeployTimeoutError) {
        return { ...outcome, status: 'in-progress', deployId: e.jobId, message: messages.getMessage('target.inProgress', [e.jobId, String(flags.wait.minutes), e.jobId, t.name]) };
      }
      return fail(e instanceof Error ? e.message : String(e));
    }

    // read the target back: a second run must find nothing to change
    mso.goto('Verifying');
    const after = await readOrgApps(access, version, { connectedApps: false });
    const drift = toDeploy.filter((e) => domain.diffEca(after.ecas.find((a) => a.name === e.name), e).status !== 'unchanged');
    if (drift.length) outcome.problems.push(...drift.map((e) => ({ app: e.name, severity: 'warning', message: messages.getMessage('target.drift') })));
    return { ...outcome, status: 'deployed' };
  }

  private render(r: MigrateResult): void {
    for (const s of r.skipped) this.info(`${s.name}: ${s.reason}`);
    this.table({
      data: r.targets.flatMap((t) =>
        t.apps.length
          ? t.apps.map((a) => ({ Target: t.org, App: a.name, Was: a.status, Result: t.status, 'Fields changed': String(a.diff.length) }))
          : [{ Target: t.org, App: '', Was: '', Result: t.status, 'Fields changed': '' }]
      ),
      title: messages.getMessage('title', [r.source.org]),
    });
    for (const t of r.targets) {
      if (t.message) (t.status === 'failed' ? this.warn.bind(this) : this.log.bind(this))(`${t.org}: ${t.message}`);
      for (const m of t.missing) this.warn(`${t.org}: ${m.message} ${m.fix}`);
      for (const p of t.problems) this.warn(`${t.org}: ${p.app}: ${p.message}`);
    }
    if (r.reportFile) this.logSuccess(messages.getMessage('reportWritten', [relative(process.cwd(), r.reportFile) || r.reportFile]));
  }
}

/** Salesforce's "consumer key is already taken" explained. */
function explainFailure(problem: string): string {
  return /consumer key is already taken/i.test(problem) ? `${problem} ${messages.getMessage('explain.keyTaken')}` : problem;
}

function markdownReport(r: MigrateResult): string {
  const cell = (v: string | undefined): string => (v ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const out = [
    '# External Client App migration report',
    '',
    `Source: ${r.source.org} (${r.source.orgId})${r.dryRun ? ', dry run (validated only)' : ''}. Apps: ${r.apps.join(', ')}.`,
    '',
    '| target | result | apps | message |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.org} | ${t.status} | ${t.apps.map((a) => `${a.name} (${a.status})`).join(', ')} | ${cell(t.message)} |`),
  ];
  for (const t of r.targets) {
    out.push('', `## ${t.org}: ${t.status}`);
    if (t.missing.length) out.push('', '### Missing in the target', '', ...t.missing.map((m) => `- ${m.message} ${m.fix}`));
    if (t.problems.length) out.push('', '### Problems', '', ...t.problems.map((p) => `- ${p.severity}: ${p.app}: ${p.message}`));
    for (const a of t.apps) {
      out.push('', `### ${a.name} (${a.status})`, '', '| component | field | from | to | why |', '|---|---|---|---|---|');
      for (const c of a.changes) out.push(`| ${cell(c.component)} | ${cell(c.field)} | ${cell(c.from)} | ${cell(c.to)} | ${cell(c.reason)} |`);
      for (const d of a.diff) out.push(`| ${cell(d.component)} | ${cell(d.field)} | ${cell(d.from)} | ${cell(d.to)} | changes in the target |`);
    }
  }
  return `${out.join('\n')}\n`;
}
