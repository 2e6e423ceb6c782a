import { basename, dirname, relative, resolve } from 'node:path';
import { Messages, type Org } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.convert');

export type ConvertedField = { source: string; outcome: string; target?: string; from?: string; to?: string; reason?: string };

export type ConvertedApp = {
  /** the Connected App's full name (the ECA takes the same name) */
  name: string;
  /** the file it was read from, or "org:<alias>" */
  source: string;
  status: 'clean' | 'attention' | 'failed' | 'skipped';
  /** why it was skipped or failed */
  reason?: string;
  files: string[];
  report: ConvertedField[];
  filled: Array<{ target: string; value: string; reason: string }>;
  notices: Array<{ code: string; severity: string; message: string }>;
  problems: Array<{ message: string; fix: string; file?: string; line?: number }>;
};

export type ConvertResult = {
  apiVersion: string;
  summary: { clean: number; attention: number; failed: number; skipped: number };
  apps: ConvertedApp[];
  reportFile?: string;
  deployed?: { org: string; validationId: string; deployId: string; components: number };
};

/** Exit codes (documented in the help). */
export const CONVERT_EXIT_CODES = { clean: 0, failed: 1, attention: 68 } as const;

type Candidate = {
  name: string;
  source: string;
  file?: string;
  values: import('../../domain/xml.js').MetadataValues;
};

export default class Convert extends SfCommand<ConvertResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Converted (0)', description: 'Every app converted and nothing needs attention.' },
      { name: 'Failed (1)', description: 'An app could not be converted (bad file, invalid result) or the command could not run; the other apps were still converted.' },
      { name: 'NeedsAttention (68)', description: 'Every app converted, and some settings need a person: see the report.' },
    ],
  };

  public static readonly flags = {
    'source-dir': Flags.string({ char: 'd', summary: messages.getMessage('flags.source-dir.summary'), multiple: true, exclusive: ['target-org'] }),
    'target-org': Flags.optionalOrg({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), multiple: true, dependsOn: ['target-org'], exclusive: ['all'] }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), dependsOn: ['target-org'] }),
    'output-dir': Flags.directory({ char: 'r', summary: messages.getMessage('flags.output-dir.summary') }),
    'deploy-to': Flags.string({ summary: messages.getMessage('flags.deploy-to.summary') }),
    naming: Flags.option({ summary: messages.getMessage('flags.naming.summary'), options: ['generated', 'short'] as const, default: 'generated' as const })(),
    'keep-consumer-key': Flags.boolean({ summary: messages.getMessage('flags.keep-consumer-key.summary'), default: false }),
    'api-version': Flags.string({ summary: messages.getMessage('flags.api-version.summary') }),
    'report-file': Flags.file({ summary: messages.getMessage('flags.report-file.summary') }),
    force: Flags.boolean({ char: 'f', summary: messages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<ConvertResult> {
    const { flags } = await this.parse(Convert);
    const [{ checkApiVersion }, convert, schema, appSource] = await Promise.all([
      import('../../shared/appFlags.js'),
      import('../../domain/convert/index.js'),
      import('../../domain/schema/index.js'),
      import('../../shared/appSource.js'),
    ]);
    const apiVersion = await checkApiVersion(flags['api-version']);
    const version = schema.formatApiVersion(apiVersion);
    const org = flags['target-org'];
    if (!org && !flags['source-dir']?.length) throw messages.createError('error.NoInput');
    if (org && !flags.all && !flags.name?.length) throw messages.createError('error.OrgNeedsNames');

    const apps: ConvertedApp[] = [];
    const candidates: Candidate[] = [];
    let permissionSetNames: Map<string, string> | undefined;
    if (org) {
      const read = await this.readOrg(org, flags.name, apiVersion);
      candidates.push(...read.candidates);
      apps.push(...read.skipped);
      permissionSetNames = read.permissionSetNames;
    } else {
      const read = await this.readSource(flags['source-dir'] ?? [], apiVersion);
      candidates.push(...read.candidates);
      apps.push(...read.failed);
    }

    // convert, one app at a time: one bad app never stops the others
    const progress = candidates.length > 1 && !this.jsonEnabled();
    if (progress) this.progress.start(candidates.length, {}, { title: messages.getMessage('progress'), format: '%s | {bar} | {value}/{total} Connected Apps' });
    const converted: Array<{ app: ConvertedApp; result: import('../../domain/convert/convert.js').ConversionResult; root?: string }> = [];
    const { developerNameProblem, toDeveloperName } = await import('../../domain/validate.js');
    let done = 0;
    for (const c of candidates) {
      // a file name that is not a developer name (renamed or prefixed copies) gives a valid ECA name, reported
      const why = developerNameProblem(c.name);
      const ecaName = why ? toDeveloperName(c.name) : c.name;
      const result = convert.convertConnectedApp(
        { fullName: c.name, values: c.values },
        { apiVersion, name: ecaName, naming: flags.naming, keepConsumerKey: flags['keep-consumer-key'], permissionSetNames }
      );
      const app = toApp(c, result);
      if (why) {
        app.report.unshift({ source: 'fullName', outcome: 'attention', target: 'ExternalClientApplication.fullName', from: c.name, to: ecaName, reason: messages.getMessage('reason.renamed', [c.name, why, ecaName]) });
        if (app.status === 'clean') app.status = 'attention';
      }
      apps.push(app);
      if (result.status !== 'failed') converted.push({ app, result, root: await this.outputRoot(flags['output-dir'], c) });
      if (progress) this.progress.update(++done);
    }
    if (progress) this.progress.finish();

    // write every file or none
    const files = (
      await Promise.all(
        converted.filter((c) => c.root).map(async (c) => {
          const planned = await appSource.planSourceFiles(c.result.eca, c.root as string);
          c.app.files = planned.map((p) => relative(process.cwd(), p.path));
          return planned;
        })
      )
    ).flat();
    if (files.length) await appSource.writeSourceFiles(files, flags.force);

    let deployed: ConvertResult['deployed'];
    if (flags['deploy-to'] && converted.length) deployed = await this.deploy(flags['deploy-to'], converted.map((c) => c.result.eca), apiVersion);

    apps.sort((a, b) => a.name.localeCompare(b.name));
    const summary = {
      clean: apps.filter((a) => a.status === 'clean').length,
      attention: apps.filter((a) => a.status === 'attention').length,
      failed: apps.filter((a) => a.status === 'failed').length,
      skipped: apps.filter((a) => a.status === 'skipped').length,
    };
    let reportFile: string | undefined;
    if (flags['report-file']) {
      const { writeFilesAtomically } = await import('../../shared/files.js');
      const markdown = convert.renderMarkdownReport(apps, {
        generatedAt: new Date().toISOString(),
        apiVersion: version,
        command: `sf eca convert ${process.argv.slice(3).join(' ')}`.trim(),
      });
      reportFile = resolve(flags['report-file']);
      await writeFilesAtomically([{ path: reportFile, content: markdown }]);
    }

    const result: ConvertResult = { apiVersion: version, summary, apps, reportFile, deployed };
    process.exitCode = summary.failed ? CONVERT_EXIT_CODES.failed : summary.attention ? CONVERT_EXIT_CODES.attention : CONVERT_EXIT_CODES.clean;
    this.render(result);
    return result;
  }

  private async readSource(dirs: readonly string[], apiVersion: number): Promise<{ candidates: Candidate[]; failed: ConvertedApp[] }> {
    const [{ findMetadataFiles }, { CONNECTED_APP, componentOfFile }, { parseMetadataXml, MetadataXmlError }, { checkConnectedAppSource }, { readFile }] =
      await Promise.all([
        import('../../shared/sourceFiles.js'),
        import('../../domain/components.js'),
        import('../../domain/xml.js'),
        import('../../domain/convert/index.js'),
        import('node:fs/promises'),
      ]);
    const { files, missing } = await findMetadataFiles(dirs, (k) => k.type === CONNECTED_APP.type);
    if (missing.length) throw messages.createError('error.SourceNotFound', [missing.join(', ')]);
    if (files.length === 0) throw messages.createError('error.NoConnectedApps', [dirs.join(', ')]);
    const candidates: Candidate[] = [];
    const failed: ConvertedApp[] = [];
    for (const file of files) {
      const name = componentOfFile(file)?.fullName ?? basename(file);
      const rel = relative(process.cwd(), file);
      const fail = (problems: ConvertedApp['problems'], reason: string): void => {
        failed.push({ name, source: rel, status: 'failed', reason, files: [], report: [], filled: [], notices: [], problems });
      };
      let parsed;
      try {
        parsed = parseMetadataXml(await readFile(file, 'utf8'));
      } catch (e) {
        const line = e instanceof MetadataXmlError ? e.line : undefined;
        fail([{ message: `${rel}${line ? `:${line}` : ''}: ${e instanceof Error ? e.message : String(e)}`, fix: 'Correct the XML.', file: rel, line }], messages.getMessage('reason.malformed'));
        continue;
      }
      const problems = checkConnectedAppSource(parsed, { fullName: name, apiVersion });
      if (problems.length) {
        fail(
          problems.map((p) => ({ message: p.message, fix: p.fix, file: rel, line: p.line })),
          messages.getMessage('reason.unknownElements', [String(problems.length)])
        );
        continue;
      }
      candidates.push({ name, source: rel, file, values: parsed.values });
    }
    return { candidates, failed };
  }

  /** One retrieve reads the Connected Apps and the org's ECAs; one query the permission sets. */
  private async readOrg(
    org: Org,
    names: readonly string[] | undefined,
    apiVersion: number
  ): Promise<{ candidates: Candidate[]; skipped: ConvertedApp[]; permissionSetNames: Map<string, string> }> {
    const [{ OrgAccess }, schema] = await Promise.all([import('../../org/orgAccess.js'), import('../../domain/schema/index.js')]);
    const conn = org.getConnection();
    const access = new OrgAccess(conn, schema.formatApiVersion(Math.min(apiVersion, Number.parseFloat(conn.getApiVersion()))));
    const alias = org.getUsername() ?? org.getOrgId();
    this.spinner.start(messages.getMessage('spinner.org', [alias]));
    const members = [
      ...(names?.length ? names.map((n) => ({ type: 'ConnectedApp', fullName: n })) : [{ type: 'ConnectedApp', fullName: '*' }]),
      { type: 'ExternalClientApplication', fullName: '*' },
    ];
    const [retrieved, permissionSets, runtime] = await Promise.all([
      access.retrieve(members),
      access.query<{ Name: string; Label: string }>('SELECT Name, Label FROM PermissionSet WHERE IsOwnedByProfile = false'),
      access.query<{ Name: string }>('SELECT Name FROM ConnectedApplication'),
    ]);
    this.spinner.stop();
    const ecas = new Set(retrieved.filter((c) => c.type === 'ExternalClientApplication').map((c) => c.fullName));
    const cas = retrieved.filter((c) => c.type === 'ConnectedApp');
    const skipped: ConvertedApp[] = [];
    const candidates: Candidate[] = [];
    // ConnectedApplication.Name is the app's label; an app the org runs that a retrieve does not
    // return was installed from a package (or is Salesforce's own)
    const labels = new Set(cas.map((c) => String(c.values.label ?? c.fullName)));
    const looksLike = (name: string, label: string): boolean => label === name || label === name.replace(/_/g, ' ');
    const unknown = (names ?? []).filter((n) => !cas.some((c) => c.fullName === n));
    const installed = names?.length
      ? unknown.filter((n) => runtime.some((r) => looksLike(n, r.Name)))
      : runtime.map((r) => r.Name).filter((label) => !labels.has(label));
    const missing = unknown.filter((n) => !installed.includes(n));
    if (missing.length) {
      throw messages.createError('error.UnknownApps', [missing.join(', '), alias], [runtime.map((r) => r.Name).join(', ') || '(none)']);
    }
    const skip = (name: string, reason: string): void => {
      skipped.push({ name, source: `org:${alias}`, status: 'skipped', reason, files: [], report: [], filled: [], notices: [], problems: [] });
    };
    for (const n of installed) skip(n, messages.getMessage('reason.installed'));
    for (const c of cas) {
      if (c.namespacePrefix || c.manageableState === 'installed') skip(c.fullName, messages.getMessage('reason.installed'));
      else if (ecas.has(c.fullName)) skip(c.fullName, messages.getMessage('reason.converted', [c.fullName]));
      else candidates.push({ name: c.fullName, source: `org:${alias}`, values: c.values });
    }
    return { candidates, skipped, permissionSetNames: new Map(permissionSets.map((p) => [p.Label, p.Name])) };
  }

  /** Where an app's ECA files go: --output-dir, else beside the Connected App's folder, else the project. */
  private async outputRoot(outputDir: string | undefined, c: Candidate): Promise<string | undefined> {
    if (outputDir) return resolve(outputDir);
    if (c.file) {
      const dir = dirname(c.file);
      return basename(dir) === 'connectedApps' ? dirname(dir) : dir;
    }
    const { defaultSourceRoot } = await import('../../shared/project.js');
    return defaultSourceRoot();
  }

  /** Validates every converted app with one check-only deploy, then deploys them, headers with their satellites. */
  private async deploy(target: string, ecas: ReadonlyArray<import('../../domain/model.js').Eca>, apiVersion: number): Promise<NonNullable<ConvertResult['deployed']>> {
    const [{ Org: OrgClass }, { OrgAccess }, { ecaComponents }, schema] = await Promise.all([
      import('@salesforce/core'),
      import('../../org/orgAccess.js'),
      import('../../domain/model.js'),
      import('../../domain/schema/index.js'),
    ]);
    const org = await OrgClass.create({ aliasOrUsername: target });
    const conn = org.getConnection();
    const access = new OrgAccess(conn, schema.formatApiVersion(Math.min(apiVersion, Number.parseFloat(conn.getApiVersion()))));
    const components = ecas.flatMap((e) => ecaComponents(e));
    this.spinner.start(messages.getMessage('spinner.validate', [target]));
    const check = await access.deploy(components, { checkOnly: true });
    if (!check.success) {
      this.spinner.stop('failed');
      throw messages.createError('error.ValidationFailed', [target, failures(check.failures)], [check.id]);
    }
    this.spinner.status = messages.getMessage('spinner.deploy');
    const done = await access.deploy(components, { checkOnly: false });
    if (!done.success) {
      this.spinner.stop('failed');
      throw messages.createError('error.DeployFailed', [target, failures(done.failures)], [done.id]);
    }
    this.spinner.stop();
    return { org: target, validationId: check.id, deployId: done.id, components: components.length };
  }

  private render(r: ConvertResult): void {
    this.table({
      data: r.apps.map((a) => ({
        'Connected App': a.name,
        Result: a.status === 'clean' ? 'converted' : a.status === 'attention' ? 'converted, needs attention' : a.status === 'failed' ? 'not converted' : 'skipped',
        'Needs attention': [...a.report.filter((f) => f.outcome === 'attention').map((f) => f.source), ...a.notices.filter((n) => n.severity === 'attention').map((n) => n.code)].join(', '),
        Source: a.source,
      })),
      title: messages.getMessage('title', [r.apiVersion]),
    });
    for (const a of r.apps) {
      for (const p of a.problems) this.warn(`${a.name}: ${p.message} ${p.fix}`);
      if (a.status === 'skipped' && a.reason) this.info(`${a.name}: ${a.reason}`);
      const attention = a.report.filter((f) => f.outcome === 'attention');
      if (attention.length) {
        this.table({
          data: attention.map((f) => ({ Field: f.source, Value: f.from ?? '', Why: f.reason ?? '' })),
          title: messages.getMessage('attentionTitle', [a.name]),
        });
      }
    }
    const s = r.summary;
    this.log(messages.getMessage('summaryLine', [String(s.clean + s.attention), String(s.attention), String(s.failed), String(s.skipped)]));
    if (r.reportFile) this.logSuccess(messages.getMessage('reportWritten', [relative(process.cwd(), r.reportFile) || r.reportFile]));
    if (r.deployed) this.logSuccess(messages.getMessage('deployed', [String(r.deployed.components), r.deployed.org, r.deployed.deployId]));
  }
}

function text(v: unknown): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

function failures(list: ReadonlyArray<{ type: string; fullName: string; problem: string; line?: number }>): string {
  return list.map((f) => `  ${f.type}:${f.fullName}${f.line ? ` (line ${f.line})` : ''}: ${f.problem}`).join('\n');
}

function toApp(c: Candidate, result: import('../../domain/convert/convert.js').ConversionResult): ConvertedApp {
  return {
    name: c.name,
    source: c.source,
    status: result.status,
    reason: result.status === 'failed' ? messages.getMessage('reason.invalidResult') : undefined,
    files: [],
    report: result.report.map((r) => ({ source: r.source, outcome: r.outcome, target: r.target, from: text(r.from), to: text(r.to), reason: r.reason })),
    filled: result.filled.map((f) => ({ target: f.target, value: text(f.value) ?? '', reason: f.reason })),
    notices: result.notices.map((n) => ({ code: n.code, severity: n.severity, message: n.message })),
    problems: result.problems.map((p) => ({ message: p.message, fix: p.fix, file: c.file ? relative(process.cwd(), c.file) : undefined })),
  };
}

